//! Invitations: a one-time, expiring token e-mailed to an HCP's user so it
//! can choose a password. Without SMTP the e-mail goes to the outbox table,
//! which an administrator reads through `GET /rest/v2/admin/outbox`.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::AppState;
use crate::auth::{Caller, hash_password, now_ms, random_secret, token_hash};
use crate::error::{ApiError, ApiResult};
use crate::hcp::Target;

const INVITATION_TTL_MS: i64 = 7 * 24 * 3600 * 1000;
const MIN_PASSWORD: usize = 10;
const SUBJECT: &str = "Your invitation";

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    id: String,
    email: String,
    expires: i64,
    delivery: &'static str,
}

/// Creates the invitation of HCP `hcp_id`'s user and queues its e-mail.
pub async fn invite_hcp(
    st: &AppState,
    group_id: &str,
    hcp_id: &str,
    base_url: &str,
) -> ApiResult<Invitation> {
    let user = sqlx::query("SELECT id, login FROM users WHERE hcp_id = $1 AND group_id = $2")
        .bind(hcp_id)
        .bind(group_id)
        .fetch_optional(&st.pool)
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(format!("HCP {hcp_id} has no user to invite (no email?)"))
        })?;
    let user_id: String = user.try_get("id")?;
    let email: String = user.try_get("login")?;
    let token = random_secret()?;
    let id = uuid::Uuid::new_v4().to_string();
    let now = now_ms();
    let expires = now + INVITATION_TTL_MS;
    let mut tx = st.pool.begin().await?;
    sqlx::query("INSERT INTO invitations (id, group_id, user_id, token_hash, created, expires) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&id)
        .bind(group_id)
        .bind(&user_id)
        .bind(token_hash(&token))
        .bind(now)
        .bind(expires)
        .execute(&mut *tx)
        .await?;
    let link = format!("{base_url}/#invitation={token}");
    let body = format!(
        "You have been invited to manage your healthcare data.\n\nChoose your password here (valid 7 days, once):\n{link}\n"
    );
    // With SMTP the invitation only counts once the server took the e-mail:
    // a refused e-mail rolls the invitation back, so no token exists that
    // nobody received.
    let delivery = if let Some(mailer) = &st.mailer {
        mailer.send(&email, SUBJECT, body).await?;
        "smtp"
    } else {
        sqlx::query("INSERT INTO outbox (id, group_id, to_addr, subject, body, created) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(group_id)
            .bind(&email)
            .bind(SUBJECT)
            .bind(body)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        "outbox"
    };
    tx.commit().await?;
    Ok(Invitation {
        id,
        email,
        expires,
        delivery,
    })
}

/// The address links in e-mails point to: the request's own Host.
pub fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

pub async fn invite(
    State(st): State<AppState>,
    target: Target,
    headers: HeaderMap,
    Path(params): Path<HashMap<String, String>>,
) -> ApiResult<Json<Invitation>> {
    let id = crate::hcp::path_param(&params, "id")?;
    Ok(Json(
        invite_hcp(&st, &target.group_id, id, &base_url(&headers)).await?,
    ))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxMessage {
    to: String,
    subject: String,
    body: String,
    created: i64,
}

/// The caller's database's outbox, newest first.
pub async fn outbox(
    State(st): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<OutboxMessage>>> {
    let rows = sqlx::query("SELECT to_addr, subject, body, created FROM outbox WHERE group_id = $1 ORDER BY created DESC")
        .bind(&caller.group_id)
        .fetch_all(&st.pool)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(OutboxMessage {
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

/// Uses an invitation once: sets the user's password.
pub async fn accept(
    State(st): State<AppState>,
    Json(a): Json<Accept>,
) -> ApiResult<Json<serde_json::Value>> {
    if a.password.chars().count() < MIN_PASSWORD {
        return Err(ApiError::BadRequest(format!(
            "the password needs at least {MIN_PASSWORD} characters"
        )));
    }
    let now = now_ms();
    let mut tx = st.pool.begin().await?;
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
    let row = sqlx::query("SELECT user_id FROM invitations WHERE token_hash = $1")
        .bind(token_hash(&a.token))
        .fetch_one(&mut *tx)
        .await?;
    let user_id: String = row.try_get("user_id")?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash_password(&a.password)?)
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Json(serde_json::json!({ "successful": true })))
}
