//! Sessions: opened by a login, named by every token issued for it, ended
//! by a logout, a reused refresh token, or an event that concerns its user
//! (deactivation, password change, deletion of its data owner or of the
//! authentication token that opened it). An ended session refuses its access
//! and refresh tokens at once.

use serde::Serialize;
use sqlx::{AnyConnection, Row};

use super::jwt::{Claims, TokenType};
use super::{Account, now_ms};
use crate::AppState;
use crate::error::{ApiError, ApiResult};

/// A refresh token lives this long; a session no longer than that.
pub const REFRESH_TTL_SECS: i64 = 12 * 60 * 60;

/// The tokens of a session, as login and refresh answer them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tokens {
    pub token: String,
    pub refresh_token: String,
}

fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn tokens(st: &AppState, user_id: &str, sid: &str, jti: &str, ends: i64) -> ApiResult<Tokens> {
    let iat = now_ms() / 1000;
    let claims = |typ, exp, jti: Option<&str>| Claims {
        sub: user_id.to_owned(),
        sid: sid.to_owned(),
        typ,
        jti: jti.map(str::to_owned),
        iat,
        exp,
    };
    let access_exp = (iat + st.access_ttl_secs).min(ends / 1000);
    Ok(Tokens {
        token: st
            .keys
            .issue(&claims(TokenType::Access, access_exp, None))?,
        refresh_token: st
            .keys
            .issue(&claims(TokenType::Refresh, ends / 1000, Some(jti)))?,
    })
}

/// Opens a session for `user_id`; `auth_token` names the authentication
/// token used as the password (the session ends when it does).
pub async fn open(
    st: &AppState,
    user_id: &str,
    auth_token: Option<(&str, i64)>,
) -> ApiResult<Tokens> {
    let now = now_ms();
    let mut ends = now + REFRESH_TTL_SECS * 1000;
    if let Some((_, token_expires)) = auth_token {
        ends = ends.min(token_expires);
    }
    let (sid, jti) = (new_id(), new_id());
    sqlx::query(
        "INSERT INTO sessions (id, user_id, refresh_jti, auth_token, created, expires) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&sid)
    .bind(user_id)
    .bind(&jti)
    .bind(auth_token.map(|(name, _)| name))
    .bind(now)
    .bind(ends)
    .execute(&st.pool)
    .await?;
    tokens(st, user_id, &sid, &jti, ends)
}

/// A new token pair for a refresh token, which is then spent. Presenting a
/// spent refresh token again ends the whole session: either the client lost
/// a race with itself, or someone else holds a copy.
pub async fn rotate(st: &AppState, refresh_token: &str) -> ApiResult<Tokens> {
    let refused = || ApiError::Unauthorized("invalid, expired or ended refresh token".into());
    let claims = st
        .keys
        .check(refresh_token, TokenType::Refresh)
        .ok_or_else(refused)?;
    let jti = claims.jti.as_deref().ok_or_else(refused)?;
    let now = now_ms();
    let row = sqlx::query(&format!(
        "{} JOIN sessions s ON s.user_id = u.id WHERE s.id = $1 AND s.revoked IS NULL AND s.expires > $2",
        super::ACCOUNT_SQL
    ))
    .bind(&claims.sid)
    .bind(now)
    .fetch_optional(&st.pool)
    .await?
    .ok_or_else(refused)?;
    let account = Account::from_row(&row)?;
    if account.id != claims.sub || account.role().is_err() {
        return Err(refused());
    }
    let next = new_id();
    let spent = sqlx::query(
        "UPDATE sessions SET refresh_jti = $1 WHERE id = $2 AND refresh_jti = $3 AND revoked IS NULL",
    )
    .bind(&next)
    .bind(&claims.sid)
    .bind(jti)
    .execute(&st.pool)
    .await?;
    if spent.rows_affected() != 1 {
        let mut conn = st.pool.acquire().await?;
        end(&mut conn, &claims.sid, "refresh token reused").await?;
        tracing::warn!(session = %claims.sid, "a spent refresh token was presented: session ended");
        return Err(refused());
    }
    let ends: i64 = sqlx::query("SELECT expires FROM sessions WHERE id = $1")
        .bind(&claims.sid)
        .fetch_one(&st.pool)
        .await?
        .try_get("expires")?;
    tokens(st, &account.id, &claims.sid, &next, ends)
}

/// Ends one session.
pub async fn end(db: &mut AnyConnection, sid: &str, reason: &str) -> ApiResult<()> {
    sqlx::query(
        "UPDATE sessions SET revoked = $1, revoked_reason = $2 WHERE id = $3 AND revoked IS NULL",
    )
    .bind(now_ms())
    .bind(reason)
    .bind(sid)
    .execute(db)
    .await?;
    Ok(())
}

/// Ends every session of a user.
pub async fn end_all(db: &mut AnyConnection, user_id: &str, reason: &str) -> ApiResult<()> {
    sqlx::query(
        "UPDATE sessions SET revoked = $1, revoked_reason = $2 WHERE user_id = $3 AND revoked IS NULL",
    )
    .bind(now_ms())
    .bind(reason)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(())
}

/// Ends the sessions an authentication token opened.
pub async fn end_opened_by(db: &mut AnyConnection, user_id: &str, token: &str) -> ApiResult<()> {
    sqlx::query(
        "UPDATE sessions SET revoked = $1, revoked_reason = 'authentication token deleted' \
         WHERE user_id = $2 AND auth_token = $3 AND revoked IS NULL",
    )
    .bind(now_ms())
    .bind(user_id)
    .bind(token)
    .execute(db)
    .await?;
    Ok(())
}

/// Ends the sessions of the users of an HCP (deleted or purged).
pub async fn end_for_hcp(db: &mut AnyConnection, hcp_id: &str) -> ApiResult<()> {
    sqlx::query(
        "UPDATE sessions SET revoked = $1, revoked_reason = 'HCP deleted' \
         WHERE revoked IS NULL AND user_id IN (SELECT id FROM users WHERE hcp_id = $2)",
    )
    .bind(now_ms())
    .bind(hcp_id)
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets sessions a day after they ended or expired.
pub async fn prune(st: &AppState) -> ApiResult<u64> {
    let horizon = now_ms() - 24 * 3600 * 1000;
    let done = sqlx::query("DELETE FROM sessions WHERE expires < $1 OR revoked < $1")
        .bind(horizon)
        .execute(&st.pool)
        .await?;
    Ok(done.rows_affected())
}
