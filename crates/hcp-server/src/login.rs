//! `POST /rest/v2/auth/login`, `/refresh` and `/logout`, in iCure's shapes.
//! An authentication token of the user is accepted in place of the password.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::AppState;
use crate::auth::session::{self, Tokens};
use crate::auth::{ACCOUNT_SQL, Account, Caller, now_ms, token_hash};
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::throttle::{account_key, address_key};

/// Longest username: an e-mail address is at most 254 bytes (RFC 5321).
pub const MAX_USERNAME_BYTES: usize = 254;
/// Longest password or token accepted at login.
pub const MAX_PASSWORD_BYTES: usize = 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", post(login))
        .route("/refresh", post(refresh))
        .route("/logout", post(logout).get(logout))
}

#[derive(Debug, Deserialize)]
pub struct Credentials {
    username: String,
    password: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginResponse {
    #[serde(flatten)]
    tokens: Tokens,
    successful: bool,
    username: String,
    healthcare_party_id: Option<String>,
}

const REFUSED: &str = "wrong username or password";

pub async fn login(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    JsonBody(c): JsonBody<Credentials>,
) -> ApiResult<Json<LoginResponse>> {
    if c.username.len() > MAX_USERNAME_BYTES {
        return Err(ApiError::BadRequest(format!(
            "a username is at most {MAX_USERNAME_BYTES} bytes"
        )));
    }
    if c.password.len() > MAX_PASSWORD_BYTES {
        return Err(ApiError::BadRequest(format!(
            "a password is at most {MAX_PASSWORD_BYTES} bytes"
        )));
    }
    let login = c.username.trim().to_lowercase();
    let account = account_key(&login);
    // Every X-Forwarded-For line, in order (a proxy may add its own line
    // after the client's); an unreadable one reads as garbage, which stops
    // the walk from the right there.
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .map(|v| v.to_str().unwrap_or("unreadable"))
        .collect::<Vec<_>>()
        .join(",");
    let address = address_key(crate::throttle::client_ip(
        peer.ip(),
        Some(forwarded.as_str()).filter(|f| !f.is_empty()),
        &st.trusted_proxies,
    ));
    let limits = &st.throttle;
    limits.count(&st, &account, limits.per_account).await?;
    limits.count(&st, &address, limits.per_address).await?;
    match authenticate(&st, &login, c.password).await? {
        Some(response) => {
            limits.succeeded(&st, &account, &address).await?;
            Ok(Json(response))
        }
        None => Err(ApiError::Unauthorized(REFUSED.into())),
    }
}

/// The login response when the password (or an authentication token of the
/// account) is right and the account may log in. Costs one Argon2
/// verification whether or not the account exists.
async fn authenticate(
    st: &AppState,
    login: &str,
    password: String,
) -> ApiResult<Option<LoginResponse>> {
    let row = sqlx::query(&format!("{ACCOUNT_SQL} WHERE u.login = $1"))
        .bind(login)
        .fetch_optional(&st.pool)
        .await?;
    let account = row.as_ref().map(Account::from_row).transpose()?;
    let token = sqlx::query(
        "SELECT user_id, name, expires FROM auth_tokens WHERE token_hash = $1 AND expires > $2",
    )
    .bind(token_hash(&password))
    .bind(now_ms())
    .fetch_optional(&st.pool)
    .await?;
    let phc = account.as_ref().and_then(|a| a.password_hash.clone());
    let password_ok = st.hasher.verify(password, phc).await?;
    let Some(account) = account else {
        return Ok(None);
    };
    let opened_by = match token {
        Some(t) if !password_ok && t.try_get::<String, _>("user_id")? == account.id => Some((
            t.try_get::<String, _>("name")?,
            t.try_get::<i64, _>("expires")?,
        )),
        _ => None,
    };
    if !password_ok && opened_by.is_none() {
        return Ok(None);
    }
    if account.role().is_err() {
        return Ok(None);
    }
    let tokens = session::open(
        st,
        &account.id,
        opened_by.as_ref().map(|(n, e)| (n.as_str(), *e)),
    )
    .await?;
    Ok(Some(LoginResponse {
        tokens,
        successful: true,
        username: account.login,
        healthcare_party_id: account.hcp_id,
    }))
}

/// A new access token and a new refresh token for the `Refresh-Token`
/// header's refresh token, which is spent.
pub async fn refresh(State(st): State<AppState>, headers: HeaderMap) -> ApiResult<Json<Tokens>> {
    let token = headers
        .get("refresh-token")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::Unauthorized("missing Refresh-Token header".into()))?;
    Ok(Json(session::rotate(&st, token).await?))
}

/// Ends the caller's session: its access and refresh tokens stop working.
pub async fn logout(
    State(st): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<serde_json::Value>> {
    let mut conn = st.pool.acquire().await?;
    session::end(&mut conn, &caller.session_id, "logout").await?;
    Ok(Json(serde_json::json!({ "successful": true })))
}
