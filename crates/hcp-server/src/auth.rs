//! Passwords (Argon2id PHC strings), authentication tokens (random, stored
//! as SHA-256), and the HS256 JWTs the API hands out after login.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64ct::{Base64UrlUnpadded, Encoding};
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::ApiError;

pub const ACCESS_TTL_SECS: i64 = 15 * 60;
pub const REFRESH_TTL_SECS: i64 = 12 * 60 * 60;

pub fn hash_password(password: &str) -> Result<String, ApiError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| ApiError::Internal(format!("password hashing: {e}")))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}

/// A fresh secret value (authentication tokens, JWT secrets): 32 random bytes, base64url.
pub fn random_secret() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::Internal(format!("random: {e}")))?;
    Ok(Base64UrlUnpadded::encode_string(&bytes))
}

/// How a token is stored: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    base16ct::lower::encode_string(&Sha256::digest(token.as_bytes()))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub typ: String,
    pub iat: i64,
    pub exp: i64,
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn mac(secret: &[u8], data: &[u8]) -> Result<Hmac<Sha256>, ApiError> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret).map_err(|e| ApiError::Internal(e.to_string()))?;
    mac.update(data);
    Ok(mac)
}

pub fn issue(secret: &[u8], user_id: &str, typ: &str, ttl_secs: i64) -> Result<String, ApiError> {
    let iat = now_ms() / 1000;
    let claims = Claims {
        sub: user_id.into(),
        typ: typ.into(),
        iat,
        exp: iat + ttl_secs,
    };
    let header = Base64UrlUnpadded::encode_string(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = serde_json::to_vec(&claims).map_err(|e| ApiError::Internal(e.to_string()))?;
    let signing_input = format!("{header}.{}", Base64UrlUnpadded::encode_string(&payload));
    let sig = mac(secret, signing_input.as_bytes())?
        .finalize()
        .into_bytes();
    Ok(format!(
        "{signing_input}.{}",
        Base64UrlUnpadded::encode_string(&sig)
    ))
}

/// The claims of a valid, unexpired token of the given type.
pub fn check(secret: &[u8], token: &str, typ: &str) -> Option<Claims> {
    let (signing_input, sig) = token.rsplit_once('.')?;
    let (header, payload) = signing_input.split_once('.')?;
    let header = Base64UrlUnpadded::decode_vec(header).ok()?;
    let header: serde_json::Value = serde_json::from_slice(&header).ok()?;
    if header.get("alg")?.as_str()? != "HS256" {
        return None;
    }
    let sig = Base64UrlUnpadded::decode_vec(sig).ok()?;
    mac(secret, signing_input.as_bytes())
        .ok()?
        .verify_slice(&sig)
        .ok()?;
    let claims: Claims =
        serde_json::from_slice(&Base64UrlUnpadded::decode_vec(payload).ok()?).ok()?;
    (claims.typ == typ && claims.exp > now_ms() / 1000).then_some(claims)
}

/// The authenticated caller of a request (bearer access token).
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: String,
    /// The caller's own database.
    pub group_id: String,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| ApiError::Unauthorized("missing bearer token".into()))?;
        let token = header
            .strip_prefix("Bearer ")
            .ok_or_else(|| ApiError::Unauthorized("expected a bearer token".into()))?;
        let claims = check(&state.jwt_secret, token, "access")
            .ok_or_else(|| ApiError::Unauthorized("invalid or expired token".into()))?;
        let group_id = crate::db::user_group(&state.pool, &claims.sub)
            .await?
            .ok_or_else(|| ApiError::Unauthorized("unknown user".into()))?;
        Ok(Caller {
            user_id: claims.sub,
            group_id,
        })
    }
}
