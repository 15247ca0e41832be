//! Users linked to HCPs, and their authentication tokens: created with a
//! unique name and a validity, shown once, stored only as a SHA-256, listed
//! without their value, deleted at will; expired or deleted ones stop
//! working at once (login checks the table on every use).

use std::collections::{BTreeMap, HashMap};

use axum::Json;
use axum::extract::{Path, Query, State};
use hcp_core::client::{MAX_TOKEN_NAME, is_token_name};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::AppState;
use crate::auth::{now_ms, random_secret, token_hash};
use crate::error::{ApiError, ApiResult};
use crate::hcp::{Target, path_param};

/// One year: tokens are for machines and scripts, not forever.
const MAX_VALIDITY_SECS: i64 = 365 * 24 * 3600;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenInfo {
    creation_time: i64,
    validity: i64,
    expires: i64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    id: String,
    login: String,
    email: Option<String>,
    healthcare_party_id: Option<String>,
    status: String,
    authentication_tokens: BTreeMap<String, TokenInfo>,
}

/// The user `user_id` if it belongs to the target database.
async fn user_in(st: &AppState, target: &Target, user_id: &str) -> ApiResult<User> {
    let row = sqlx::query(
        "SELECT id, login, email, hcp_id, status FROM users WHERE id = $1 AND group_id = $2",
    )
    .bind(user_id)
    .bind(&target.group_id)
    .fetch_optional(&st.pool)
    .await?
    .ok_or_else(|| ApiError::NotFound(format!("no user with id {user_id} in this database")))?;
    let tokens = sqlx::query(
        "SELECT name, created, expires FROM auth_tokens WHERE user_id = $1 ORDER BY name",
    )
    .bind(user_id)
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
        id: row.try_get("id")?,
        login: row.try_get("login")?,
        email: row.try_get("email")?,
        healthcare_party_id: row.try_get("hcp_id")?,
        status: row.try_get("status")?,
        authentication_tokens,
    })
}

pub async fn get_user(
    State(st): State<AppState>,
    target: Target,
    Path(params): Path<HashMap<String, String>>,
) -> ApiResult<Json<User>> {
    Ok(Json(
        user_in(&st, &target, path_param(&params, "userId")?).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidityQuery {
    token_validity: Option<i64>,
}

/// Creates a token and returns its value, the only time it is shown.
pub async fn create_token(
    State(st): State<AppState>,
    target: Target,
    Path(params): Path<HashMap<String, String>>,
    Query(q): Query<ValidityQuery>,
) -> ApiResult<Json<String>> {
    let user_id = path_param(&params, "userId")?;
    let name = path_param(&params, "name")?.trim();
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
    user_in(&st, &target, user_id).await?;
    let value = random_secret()?;
    let now = now_ms();
    let inserted = sqlx::query(
        "INSERT INTO auth_tokens (user_id, name, token_hash, created, expires) \
         SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM auth_tokens WHERE user_id = $1 AND name = $2)",
    )
    .bind(user_id)
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

pub async fn delete_token(
    State(st): State<AppState>,
    target: Target,
    Path(params): Path<HashMap<String, String>>,
) -> ApiResult<Json<User>> {
    let user_id = path_param(&params, "userId")?;
    let name = path_param(&params, "name")?;
    user_in(&st, &target, user_id).await?;
    let done = sqlx::query("DELETE FROM auth_tokens WHERE user_id = $1 AND name = $2")
        .bind(user_id)
        .bind(name)
        .execute(&st.pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::NotFound(format!("no token named {name:?}")));
    }
    Ok(Json(user_in(&st, &target, user_id).await?))
}
