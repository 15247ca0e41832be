//! Invitations: a one-time, expiring token e-mailed to a data owner's user
//! so it can choose a password. Links point at the configured public URL,
//! never at the request's Host. Without SMTP the e-mail waits in the outbox,
//! which administrators read; once the invitation is used, expired,
//! superseded by a newer one or purged, the message no longer holds the link.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

use crate::AppState;
use crate::auth::{Caller, UserStatus, now_ms, random_secret, session, token_hash};
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, PathParams};
use crate::policy::{Authorized, act, check_manage_user, user_of_hcp};

const INVITATION_TTL_MS: i64 = 7 * 24 * 3600 * 1000;
const SUBJECT: &str = "Your invitation";

pub fn public_routes() -> Router<AppState> {
    Router::new().route("/invitation", post(accept))
}

pub fn admin_routes() -> Router<AppState> {
    Router::new().route("/outbox", get(outbox))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    id: String,
    email: String,
    expires: i64,
    delivery: &'static str,
}

fn invitation_body(link: &str) -> String {
    format!(
        "You have been invited to manage your healthcare data.\n\nChoose your password here (valid 7 days, once):\n{link}\n"
    )
}

/// What an outbox message says once its link no longer works.
pub fn withdrawn_body() -> String {
    "You have been invited to manage your healthcare data.\n\n\
     This invitation was used, has expired or was replaced: ask for a new one.\n"
        .to_owned()
}

/// Withdraws the pending invitations of a user (and their outbox links).
async fn withdraw(db: &mut AnyConnection, user_id: &str, now: i64) -> ApiResult<()> {
    sqlx::query(
        "UPDATE outbox SET body = $1 WHERE invitation_id IN \
         (SELECT id FROM invitations WHERE user_id = $2)",
    )
    .bind(withdrawn_body())
    .bind(user_id)
    .execute(&mut *db)
    .await?;
    sqlx::query(
        "UPDATE invitations SET expires = $1 WHERE user_id = $2 AND used IS NULL AND expires > $1",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// Invites the user of HCP `hcp_id` (see [`invite_user`]).
pub async fn invite_hcp(
    st: &AppState,
    caller: &Caller,
    group_id: &str,
    hcp_id: &str,
) -> ApiResult<Invitation> {
    let user = user_of_hcp(st, group_id, hcp_id).await?.ok_or_else(|| {
        ApiError::NotFound(format!("HCP {hcp_id} has no user to invite (no email?)"))
    })?;
    invite_user(st, caller, group_id, user).await
}

/// Invites a user the caller manages: a new invitation replaces any pending
/// one. The e-mail leaves after the database transaction; if the mail server
/// refuses it, the invitation is withdrawn, so no token exists that nobody
/// received.
pub async fn invite_user(
    st: &AppState,
    caller: &Caller,
    group_id: &str,
    user: crate::auth::Account,
) -> ApiResult<Invitation> {
    check_manage_user(caller, &user)?;
    let token = random_secret()?;
    let id = uuid::Uuid::new_v4().to_string();
    let now = now_ms();
    let expires = now + INVITATION_TTL_MS;
    // An HCP chooses its password on the HCP tab, a patient or a device on
    // the data owners' page (where it then makes its key).
    let page = if user.kind == "hcp" {
        "/"
    } else {
        "/care.html"
    };
    let body = invitation_body(&format!("{}{page}#invitation={token}", st.public_url()));
    let mut tx = crate::db::begin_write(&st.pool).await?;
    withdraw(&mut tx, &user.id, now).await?;
    sqlx::query("INSERT INTO invitations (id, group_id, user_id, token_hash, created, expires) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&id)
        .bind(group_id)
        .bind(&user.id)
        .bind(token_hash(&token))
        .bind(now)
        .bind(expires)
        .execute(&mut *tx)
        .await?;
    if user.password_hash.is_none() {
        sqlx::query("UPDATE users SET status = $1 WHERE id = $2 AND status = $3")
            .bind(UserStatus::Registering.as_str())
            .bind(&user.id)
            .bind(UserStatus::Active.as_str())
            .execute(&mut *tx)
            .await?;
    }
    if st.mailer.is_none() {
        sqlx::query("INSERT INTO outbox (id, group_id, to_addr, subject, body, created, invitation_id) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(group_id)
            .bind(&user.login)
            .bind(SUBJECT)
            .bind(&body)
            .bind(now)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    let delivery = match &st.mailer {
        None => "outbox",
        Some(mailer) => {
            if let Err(e) = mailer.send(&user.login, SUBJECT, body).await {
                sqlx::query("DELETE FROM invitations WHERE id = $1")
                    .bind(&id)
                    .execute(&st.pool)
                    .await?;
                return Err(e);
            }
            "smtp"
        }
    };
    Ok(Invitation {
        id,
        email: user.login,
        expires,
        delivery,
    })
}

pub async fn invite(
    State(st): State<AppState>,
    auth: Authorized<act::Invite>,
    path: PathParams,
) -> ApiResult<Json<Invitation>> {
    let id = path.get("id")?;
    Ok(Json(
        invite_hcp(&st, &auth.caller, &auth.group_id, id).await?,
    ))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxMessage {
    database: String,
    to: String,
    subject: String,
    body: String,
    created: i64,
}

/// The outbox of the databases granted to the administrator, newest first.
/// Links of invitations that can no longer be used are withdrawn first.
pub async fn outbox(
    State(st): State<AppState>,
    auth: Authorized<act::ReadOutbox>,
) -> ApiResult<Json<Vec<OutboxMessage>>> {
    let now = now_ms();
    sqlx::query(
        "UPDATE outbox SET body = $1 WHERE invitation_id IS NOT NULL AND body <> $1 AND NOT EXISTS \
         (SELECT 1 FROM invitations i WHERE i.id = outbox.invitation_id AND i.used IS NULL AND i.expires > $2)",
    )
    .bind(withdrawn_body())
    .bind(now)
    .execute(&st.pool)
    .await?;
    let rows = sqlx::query(
        "SELECT group_id, to_addr, subject, body, created FROM outbox WHERE group_id IN \
         (SELECT group_id FROM admin_groups WHERE user_id = $1) ORDER BY created DESC",
    )
    .bind(&auth.caller.user_id)
    .fetch_all(&st.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(OutboxMessage {
            database: r.try_get("group_id")?,
            to: r.try_get("to_addr")?,
            subject: r.try_get("subject")?,
            body: r.try_get("body")?,
            created: r.try_get("created")?,
        });
    }
    Ok(Json(out))
}

#[derive(Debug, Deserialize)]
pub struct Accept {
    token: String,
    password: String,
}

/// Uses an invitation once: sets the user's password, activates it, ends
/// any session it had, and withdraws the e-mail's link.
pub async fn accept(
    State(st): State<AppState>,
    JsonBody(a): JsonBody<Accept>,
) -> ApiResult<Json<serde_json::Value>> {
    hcp_core::rules::check_password(&a.password).map_err(ApiError::BadRequest)?;
    if a.token.len() > 256 {
        return Err(ApiError::Unauthorized(
            "this invitation is unknown, used or expired".into(),
        ));
    }
    let hash = st.hasher.hash(a.password).await?;
    let now = now_ms();
    let mut tx = crate::db::begin_write(&st.pool).await?;
    let used = sqlx::query(
        "UPDATE invitations SET used = $1 WHERE token_hash = $2 AND used IS NULL AND expires > $1",
    )
    .bind(now)
    .bind(token_hash(&a.token))
    .execute(&mut *tx)
    .await?;
    if used.rows_affected() != 1 {
        return Err(ApiError::Unauthorized(
            "this invitation is unknown, used or expired".into(),
        ));
    }
    let row = sqlx::query("SELECT id, user_id FROM invitations WHERE token_hash = $1")
        .bind(token_hash(&a.token))
        .fetch_one(&mut *tx)
        .await?;
    let user_id: String = row.try_get("user_id")?;
    let updated = sqlx::query(
        "UPDATE users SET password_hash = $1, status = $2 WHERE id = $3 AND status <> $4",
    )
    .bind(hash)
    .bind(UserStatus::Active.as_str())
    .bind(&user_id)
    .bind(UserStatus::Disabled.as_str())
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(ApiError::Unauthorized("this user is deactivated".into()));
    }
    withdraw(&mut tx, &user_id, now).await?;
    session::end_all(&mut tx, &user_id, "password set by invitation").await?;
    tx.commit().await?;
    Ok(Json(serde_json::json!({ "successful": true })))
}
