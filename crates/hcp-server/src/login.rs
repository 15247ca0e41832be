//! `POST /rest/v2/auth/login` and `/refresh`, in iCure's shapes. An
//! authentication token of the user is accepted in place of the password.

use axum::Json;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::AppState;
use crate::auth::{self, REFRESH_TTL_SECS, now_ms};
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Deserialize)]
pub struct Credentials {
    username: String,
    password: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginResponse {
    token: String,
    refresh_token: String,
    successful: bool,
    username: String,
    healthcare_party_id: Option<String>,
}

const REFUSED: &str = "wrong username or password";

pub async fn login(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Json(c): Json<Credentials>,
) -> ApiResult<Json<LoginResponse>> {
    let account = c.username.trim().to_lowercase();
    let address = peer.ip().to_string();
    for (limiter, key) in [
        (&st.limits.per_account, &account),
        (&st.limits.per_address, &address),
    ] {
        limiter.check(key).map_err(ApiError::TooManyRequests)?;
    }
    match authenticate(&st, &account, &c.password).await? {
        Some(response) => {
            st.limits.per_account.forget(&account);
            Ok(Json(response))
        }
        None => {
            st.limits.per_account.fail(&account);
            st.limits.per_address.fail(&address);
            Err(ApiError::Unauthorized(REFUSED.into()))
        }
    }
}

/// The login response when `password` (or an authentication token) is right.
async fn authenticate(
    st: &AppState,
    account: &str,
    password: &str,
) -> ApiResult<Option<LoginResponse>> {
    let Some(row) = sqlx::query(
        "SELECT id, login, password_hash, hcp_id FROM users WHERE login = $1 AND status = 'ACTIVE'",
    )
    .bind(account)
    .fetch_optional(&st.pool)
    .await?
    else {
        return Ok(None);
    };
    let user_id: String = row.try_get("id")?;
    let password_ok = row
        .try_get::<Option<String>, _>("password_hash")?
        .is_some_and(|phc| auth::verify_password(password, &phc));
    let token_ok = !password_ok
        && sqlx::query("SELECT 1 AS x FROM auth_tokens WHERE user_id = $1 AND token_hash = $2 AND expires > $3")
            .bind(&user_id)
            .bind(auth::token_hash(password))
            .bind(now_ms())
            .fetch_optional(&st.pool)
            .await?
            .is_some();
    if !password_ok && !token_ok {
        return Ok(None);
    }
    Ok(Some(LoginResponse {
        token: auth::issue(&st.jwt_secret, &user_id, "access", st.access_ttl_secs)?,
        refresh_token: auth::issue(&st.jwt_secret, &user_id, "refresh", REFRESH_TTL_SECS)?,
        successful: true,
        username: row.try_get("login")?,
        healthcare_party_id: row.try_get("hcp_id")?,
    }))
}

#[derive(Debug, Serialize)]
pub struct RefreshResponse {
    token: String,
}

/// A new access token for the `Refresh-Token` header's refresh token.
pub async fn refresh(
    State(st): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<RefreshResponse>> {
    let token = headers
        .get("refresh-token")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::Unauthorized("missing Refresh-Token header".into()))?;
    let claims = auth::check(&st.jwt_secret, token, "refresh")
        .ok_or_else(|| ApiError::Unauthorized("invalid or expired refresh token".into()))?;
    if crate::db::user_group(&st.pool, &claims.sub)
        .await?
        .is_none()
    {
        return Err(ApiError::Unauthorized("unknown user".into()));
    }
    Ok(Json(RefreshResponse {
        token: auth::issue(&st.jwt_secret, &claims.sub, "access", st.access_ttl_secs)?,
    }))
}
