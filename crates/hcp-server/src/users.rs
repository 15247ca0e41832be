//! Users: read, password changes, deactivation and reactivation (each ends
//! the user's sessions), and authentication tokens: created with a unique
//! name and a validity, shown once, stored only as a SHA-256, listed without
//! their value, deleted at will; expired or deleted ones stop working at once,
//! with the sessions they opened.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use hcp_core::client::{MAX_TOKEN_NAME, is_token_name};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::AppState;
use crate::auth::{Account, UserStatus, now_ms, random_secret, session, token_hash};
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, PathParams, QueryParams};
use crate::policy::{
    self, Authorized, act, check_manage_user, check_read_user, check_set_password, check_tokens,
};
use crate::throttle::account_key;

/// One year: tokens are for machines and scripts, not forever.
const MAX_VALIDITY_SECS: i64 = 365 * 24 * 3600;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", post(create_user))
        .route("/{userId}/invite", post(invite))
        .route("/current", get(current))
        .route("/byHealthcarePartyId/{id}", get(by_hcp))
        .route("/{userId}", get(get_user))
        .route("/{userId}/password", put(set_password))
        .route("/{userId}/deactivate", post(deactivate))
        .route("/{userId}/reactivate", post(reactivate))
        .route(
            "/token/{userId}/{name}",
            post(create_token).delete(delete_token),
        )
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenInfo {
    creation_time: i64,
    validity: i64,
    expires: i64,
}

/// A user as the API shows it (iCure's `UserDto` subset, plus `kind`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    id: String,
    login: String,
    group_id: String,
    /// `admin`, `hcp`, `patient` or `device`.
    kind: String,
    healthcare_party_id: Option<String>,
    patient_id: Option<String>,
    device_id: Option<String>,
    /// `ACTIVE`, `REGISTERING` (invited, no password yet) or `DISABLED`.
    status: String,
    /// The data owner (HCP) whose user created this one, if any: a
    /// patient's doctor, say, to send Notifications to.
    managed_by: Option<String>,
    authentication_tokens: BTreeMap<String, TokenInfo>,
}

async fn user_json(st: &AppState, a: Account) -> ApiResult<User> {
    let managed_by = match &a.created_by {
        Some(creator) => sqlx::query("SELECT hcp_id FROM users WHERE id = $1")
            .bind(creator)
            .fetch_optional(&st.pool)
            .await?
            .map(|r| r.try_get::<Option<String>, _>("hcp_id"))
            .transpose()?
            .flatten(),
        None => None,
    };
    let tokens = sqlx::query(
        "SELECT name, created, expires FROM auth_tokens WHERE user_id = $1 ORDER BY name",
    )
    .bind(&a.id)
    .fetch_all(&st.pool)
    .await?;
    let mut authentication_tokens = BTreeMap::new();
    for t in tokens {
        let created: i64 = t.try_get("created")?;
        let expires: i64 = t.try_get("expires")?;
        let info = TokenInfo {
            creation_time: created,
            validity: (expires - created) / 1000,
            expires,
        };
        authentication_tokens.insert(t.try_get::<String, _>("name")?, info);
    }
    Ok(User {
        id: a.id,
        login: a.login,
        group_id: a.group_id,
        kind: a.kind,
        healthcare_party_id: a.hcp_id,
        patient_id: a.patient_id,
        device_id: a.device_id,
        status: a.status,
        managed_by,
        authentication_tokens,
    })
}

pub async fn current(
    State(st): State<AppState>,
    auth: Authorized<act::ReadUser>,
) -> ApiResult<Json<User>> {
    let me = policy::user_in(&st, &auth.caller.home_group, &auth.caller.user_id).await?;
    Ok(Json(user_json(&st, me).await?))
}

pub async fn get_user(
    State(st): State<AppState>,
    auth: Authorized<act::ReadUser>,
    path: PathParams,
) -> ApiResult<Json<User>> {
    let target = policy::user_in(&st, &auth.group_id, path.get("userId")?).await?;
    check_read_user(&auth.caller, &target)?;
    Ok(Json(user_json(&st, target).await?))
}

/// The ids of the users of an HCP (iCure's shape: a list of ids).
pub async fn by_hcp(
    State(st): State<AppState>,
    auth: Authorized<act::ReadDirectory>,
    path: PathParams,
) -> ApiResult<Json<Vec<String>>> {
    let rows = sqlx::query("SELECT id FROM users WHERE hcp_id = $1 AND group_id = $2 ORDER BY id")
        .bind(path.get("id")?)
        .bind(&auth.group_id)
        .fetch_all(&st.pool)
        .await?;
    Ok(Json(
        rows.iter()
            .map(|r| r.try_get::<String, _>("id"))
            .collect::<Result<_, _>>()?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewUser {
    email: String,
    patient_id: Option<String>,
    device_id: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct InviteQuery {
    invite: Option<bool>,
}

/// Creates the user of a patient or a device (iCure's `POST /rest/v2/user`
/// with `patientId` or `deviceId`; an HCP's user comes with the HCP), by an
/// administrator of the database or an HCP that may write that data owner;
/// `?invite=true` sends it an invitation at once.
pub async fn create_user(
    State(st): State<AppState>,
    auth: Authorized<act::CreateDataOwnerUser>,
    QueryParams(q): QueryParams<InviteQuery>,
    JsonBody(body): JsonBody<NewUser>,
) -> ApiResult<Json<User>> {
    use hcp_core::dataowner::entity::EntityKind;
    let login = hcp_core::rules::normalize_email(body.email.trim())
        .map_err(|v| ApiError::BadRequest(v.message))?
        .to_lowercase();
    let (kind, owner, column) = match (&body.patient_id, &body.device_id) {
        (Some(p), None) => (EntityKind::Patient, p.as_str(), "patient_id"),
        (None, Some(d)) => (EntityKind::Device, d.as_str(), "device_id"),
        _ => {
            return Err(ApiError::BadRequest(
                "a user is for exactly one patientId or deviceId".into(),
            ));
        }
    };
    let mut tx = crate::db::begin_write(&st.pool).await?;
    let known = crate::dataowners::find(&mut tx, &auth.group_id, owner).await?;
    let kind_matches = known.is_some_and(|o| {
        matches!(
            (o.kind, kind),
            (hcp_core::dataowner::OwnerKind::Patient, EntityKind::Patient)
                | (hcp_core::dataowner::OwnerKind::Device, EntityKind::Device)
        )
    });
    if !kind_matches {
        return Err(ApiError::NotFound(format!(
            "no {} {owner} in this database",
            kind.route()
        )));
    }
    if auth.caller.role != crate::auth::Role::Admin
        && !crate::entities::may_write(&mut tx, &auth.caller, kind, &auth.group_id, owner).await?
    {
        return Err(ApiError::Forbidden(format!(
            "you may not create the user of {} {owner}",
            kind.route()
        )));
    }
    if crate::hcp::store::login_taken(&mut tx, &login).await? {
        return Err(ApiError::Conflict(format!(
            "a user with login {login} already exists"
        )));
    }
    let taken = sqlx::query(&format!("SELECT 1 AS x FROM users WHERE {column} = $1"))
        .bind(owner)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(ApiError::Conflict(format!(
            "{} {owner} already has a user",
            kind.route()
        )));
    }
    let id = crate::hcp::store::new_id();
    sqlx::query(&format!(
        "INSERT INTO users (id, group_id, login, email, status, created, rev, kind, {column}, created_by) \
         VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9)"
    ))
    .bind(&id)
    .bind(&auth.group_id)
    .bind(&login)
    .bind(UserStatus::Active.as_str())
    .bind(now_ms())
    .bind(crate::hcp::store::new_rev(1))
    .bind(kind.route())
    .bind(owner)
    .bind(&auth.caller.user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let user = policy::user_in(&st, &auth.group_id, &id).await?;
    if q.invite == Some(true) {
        crate::invite::invite_user(&st, &auth.caller, &auth.group_id, user).await?;
    }
    let user = policy::user_in(&st, &auth.group_id, &id).await?;
    Ok(Json(user_json(&st, user).await?))
}

/// Sends a user (one the caller manages) a new invitation.
pub async fn invite(
    State(st): State<AppState>,
    auth: Authorized<act::Invite>,
    path: PathParams,
) -> ApiResult<Json<crate::invite::Invitation>> {
    let user = policy::user_in(&st, &auth.group_id, path.get("userId")?).await?;
    Ok(Json(
        crate::invite::invite_user(&st, &auth.caller, &auth.group_id, user).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewPassword {
    password: String,
    /// Required to change one's own password.
    current_password: Option<String>,
}

/// Sets a user's password; every session of the user ends (the caller's
/// own too, when it changes its own password: it logs in again).
pub async fn set_password(
    State(st): State<AppState>,
    auth: Authorized<act::ManageUser>,
    path: PathParams,
    JsonBody(body): JsonBody<NewPassword>,
) -> ApiResult<Json<User>> {
    let target = policy::user_in(&st, &auth.group_id, path.get("userId")?).await?;
    check_set_password(&auth.caller, &target)?;
    hcp_core::rules::check_password(&body.password).map_err(ApiError::BadRequest)?;
    if target.id == auth.caller.user_id {
        let current = body.current_password.ok_or_else(|| {
            ApiError::BadRequest("currentPassword is required to change your own password".into())
        })?;
        let limits = &st.throttle;
        limits
            .count(&st, &account_key(&target.login), limits.per_account)
            .await?;
        if !st
            .hasher
            .verify(current, target.password_hash.clone())
            .await?
        {
            return Err(ApiError::Forbidden("the current password is wrong".into()));
        }
    }
    let hash = st.hasher.hash(body.password).await?;
    let mut tx = crate::db::begin_write(&st.pool).await?;
    let changed = sqlx::query(
        "UPDATE users SET password_hash = $1, status = CASE WHEN status = $2 THEN $3 ELSE status END WHERE id = $4",
    )
    .bind(hash)
    .bind(UserStatus::Registering.as_str())
    .bind(UserStatus::Active.as_str())
    .bind(&target.id)
    .execute(&mut *tx)
    .await?;
    if changed.rows_affected() != 1 {
        return Err(ApiError::NotFound("the user is gone".into()));
    }
    session::end_all(&mut tx, &target.id, "password changed").await?;
    tx.commit().await?;
    let after = policy::user_in(&st, &auth.group_id, &target.id).await?;
    Ok(Json(user_json(&st, after).await?))
}

async fn set_status(
    st: &AppState,
    auth: &Authorized<act::ManageUser>,
    path: &PathParams,
    status: UserStatus,
) -> ApiResult<Json<User>> {
    let target = policy::user_in(st, &auth.group_id, path.get("userId")?).await?;
    check_manage_user(&auth.caller, &target)?;
    let mut tx = crate::db::begin_write(&st.pool).await?;
    sqlx::query("UPDATE users SET status = $1 WHERE id = $2")
        .bind(status.as_str())
        .bind(&target.id)
        .execute(&mut *tx)
        .await?;
    if status == UserStatus::Disabled {
        session::end_all(&mut tx, &target.id, "user deactivated").await?;
    }
    tx.commit().await?;
    let after = policy::user_in(st, &auth.group_id, &target.id).await?;
    Ok(Json(user_json(st, after).await?))
}

/// Deactivates a user: its sessions end and it cannot log in until reactivated.
pub async fn deactivate(
    State(st): State<AppState>,
    auth: Authorized<act::ManageUser>,
    path: PathParams,
) -> ApiResult<Json<User>> {
    set_status(&st, &auth, &path, UserStatus::Disabled).await
}

/// Reactivates a user: it may log in again (its old sessions stay ended).
pub async fn reactivate(
    State(st): State<AppState>,
    auth: Authorized<act::ManageUser>,
    path: PathParams,
) -> ApiResult<Json<User>> {
    set_status(&st, &auth, &path, UserStatus::Active).await
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidityQuery {
    token_validity: Option<i64>,
}

/// Creates a token and returns its value, the only time it is shown.
pub async fn create_token(
    State(st): State<AppState>,
    auth: Authorized<act::ManageTokens>,
    path: PathParams,
    QueryParams(q): QueryParams<ValidityQuery>,
) -> ApiResult<Json<String>> {
    let user_id = path.get("userId")?;
    let name = path.get("name")?.trim();
    if !is_token_name(name) {
        return Err(ApiError::BadRequest(format!(
            "a token name is 1 to {MAX_TOKEN_NAME} printable characters"
        )));
    }
    let validity = q.token_validity.unwrap_or(3600);
    if !(1..=MAX_VALIDITY_SECS).contains(&validity) {
        return Err(ApiError::BadRequest(format!(
            "tokenValidity must be 1 to {MAX_VALIDITY_SECS} seconds"
        )));
    }
    let target = policy::user_in(&st, &auth.group_id, user_id).await?;
    check_tokens(&auth.caller, &target)?;
    let value = random_secret()?;
    let now = now_ms();
    let inserted = sqlx::query(
        "INSERT INTO auth_tokens (user_id, name, token_hash, created, expires) \
         SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM auth_tokens WHERE user_id = $1 AND name = $2)",
    )
    .bind(&target.id)
    .bind(name)
    .bind(token_hash(&value))
    .bind(now)
    .bind(now + validity * 1000)
    .execute(&st.pool)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(ApiError::Conflict(format!(
            "this user already has a token named {name:?}"
        )));
    }
    Ok(Json(value))
}

/// Deletes a token; the sessions it opened end with it.
pub async fn delete_token(
    State(st): State<AppState>,
    auth: Authorized<act::ManageTokens>,
    path: PathParams,
) -> ApiResult<Json<User>> {
    let name = path.get("name")?;
    let target = policy::user_in(&st, &auth.group_id, path.get("userId")?).await?;
    check_tokens(&auth.caller, &target)?;
    let mut tx = crate::db::begin_write(&st.pool).await?;
    let done = sqlx::query("DELETE FROM auth_tokens WHERE user_id = $1 AND name = $2")
        .bind(&target.id)
        .bind(name)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::NotFound(format!("no token named {name:?}")));
    }
    session::end_opened_by(&mut tx, &target.id, name).await?;
    tx.commit().await?;
    Ok(Json(user_json(&st, target).await?))
}
