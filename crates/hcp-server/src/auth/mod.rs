//! Who is calling: accounts and their roles, sessions, passwords, tokens.
//! `Caller` authenticates a request (a bearer access token whose session is
//! live and whose account may still log in); `crate::policy` decides what
//! the caller may do.

pub mod jwt;
pub mod password;
pub mod session;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64ct::{Base64UrlUnpadded, Encoding};
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::AppState;
use crate::error::ApiError;

pub const ACCESS_TTL_SECS: i64 = 15 * 60;

/// A fresh secret value (authentication tokens, invitations, JWT secrets):
/// 32 random bytes, base64url.
pub fn random_secret() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::Internal(format!("random: {e}")))?;
    Ok(Base64UrlUnpadded::encode_string(&bytes))
}

/// How a token is stored: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    base16ct::lower::encode_string(&Sha256::digest(token.as_bytes()))
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// What an account is. A data owner's user links to exactly one data owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// Manages the databases granted to it; holds no medical keys.
    Admin,
    /// The user of a Healthcare Party (its id).
    Hcp(String),
    /// The user of a Patient (its id).
    Patient(String),
    /// The user of a Medical Device (its id).
    Device(String),
}

impl Role {
    /// The data owner this account acts as (none for an administrator).
    pub fn data_owner(&self) -> Option<&str> {
        match self {
            Role::Admin => None,
            Role::Hcp(id) | Role::Patient(id) | Role::Device(id) => Some(id),
        }
    }

    /// The `kind` column of a user of this role.
    pub fn kind(&self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Hcp(_) => "hcp",
            Role::Patient(_) => "patient",
            Role::Device(_) => "device",
        }
    }
}

/// The columns of an account, and whether its data owner still exists.
pub const ACCOUNT_SQL: &str = "SELECT u.id, u.login, u.group_id, u.kind, u.hcp_id, u.patient_id, \
     u.device_id, u.status, u.password_hash, u.created_by, COALESCE(h.id, d.id) AS live_owner \
     FROM users u LEFT JOIN hcps h ON h.id = u.hcp_id AND h.deleted IS NULL \
     LEFT JOIN data_owners d ON d.id = COALESCE(u.patient_id, u.device_id) AND d.deleted IS NULL";

/// A user account as stored.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: String,
    pub login: String,
    pub group_id: String,
    pub kind: String,
    pub hcp_id: Option<String>,
    pub patient_id: Option<String>,
    pub device_id: Option<String>,
    pub status: String,
    pub password_hash: Option<String>,
    pub created_by: Option<String>,
    pub(crate) live_owner: Option<String>,
}

impl Account {
    pub fn from_row(row: &AnyRow) -> Result<Account, ApiError> {
        Ok(Account {
            id: row.try_get("id")?,
            login: row.try_get("login")?,
            group_id: row.try_get("group_id")?,
            kind: row.try_get("kind")?,
            hcp_id: row.try_get("hcp_id")?,
            patient_id: row.try_get("patient_id")?,
            device_id: row.try_get("device_id")?,
            status: row.try_get("status")?,
            password_hash: row.try_get("password_hash")?,
            created_by: row.try_get("created_by")?,
            live_owner: row.try_get("live_owner")?,
        })
    }

    /// The account's role, if it may act at all: active (or invited), its
    /// kind matching exactly one link, its data owner not deleted. The one
    /// rule every login, refresh and request goes through.
    pub fn role(&self) -> Result<Role, &'static str> {
        if self.status == UserStatus::Disabled.as_str() {
            return Err("this user is deactivated");
        }
        let links = [&self.hcp_id, &self.patient_id, &self.device_id];
        let linked = links.iter().filter(|l| l.is_some()).count();
        let role = match (self.kind.as_str(), linked) {
            ("admin", 0) => Role::Admin,
            ("hcp", 1) => Role::Hcp(self.hcp_id.clone().ok_or("no HCP")?),
            ("patient", 1) => Role::Patient(self.patient_id.clone().ok_or("no patient")?),
            ("device", 1) => Role::Device(self.device_id.clone().ok_or("no device")?),
            _ => return Err("this account is not set up correctly"),
        };
        if role != Role::Admin && self.live_owner.is_none() {
            return Err("the data owner of this user was deleted");
        }
        Ok(role)
    }
}

/// A user's state, in iCure's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserStatus {
    Active,
    /// Invited, and has not chosen a password yet.
    Registering,
    /// Deactivated: refused everywhere until reactivated.
    Disabled,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "ACTIVE",
            UserStatus::Registering => "REGISTERING",
            UserStatus::Disabled => "DISABLED",
        }
    }
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: String,
    pub session_id: String,
    /// The database the account sits in.
    pub home_group: String,
    pub role: Role,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        Ok(Caller::authenticate(parts, state, None).await?.0)
    }
}

/// The account of live session `sid`, and whether it was granted database
/// `group` (its own when `None`) as an administrator.
async fn live_session(
    db: &mut AnyConnection,
    sid: &str,
    group: Option<&str>,
) -> Result<Option<AnyRow>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT a.*, (SELECT count(*) FROM admin_groups g \
         WHERE g.user_id = a.id AND g.group_id = COALESCE($3, a.group_id)) AS granted \
         FROM ({ACCOUNT_SQL} JOIN sessions s ON s.user_id = u.id \
         WHERE s.id = $1 AND s.revoked IS NULL AND s.expires > $2) a"
    ))
    .bind(sid)
    .bind(now_ms())
    .bind(group)
    .fetch_optional(db)
    .await
}

/// Runs the statement every request starts with on a new connection, so
/// that its first request finds the statement prepared and the tables'
/// metadata cached (`db::connect`).
pub async fn warm_up(db: &mut AnyConnection) -> Result<(), sqlx::Error> {
    live_session(db, "", None).await.map(drop)
}

impl Caller {
    /// The caller of a request: its access token, then its session and
    /// account as they are in the database now. Also answers, in the same
    /// statement, whether the account was granted database `group` (its
    /// own when `None`) as an administrator: one round trip, not two, for
    /// every request a policy checks.
    pub async fn authenticate(
        parts: &mut Parts,
        state: &AppState,
        group: Option<&str>,
    ) -> Result<(Caller, bool), ApiError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| ApiError::Unauthorized("missing bearer token".into()))?;
        let token = header
            .strip_prefix("Bearer ")
            .ok_or_else(|| ApiError::Unauthorized("expected a bearer token".into()))?;
        let claims = state
            .keys
            .check(token, jwt::TokenType::Access)
            .ok_or_else(|| ApiError::Unauthorized("invalid or expired token".into()))?;
        let row = live_session(&mut *state.pool.acquire().await?, &claims.sid, group)
            .await?
            .ok_or_else(|| ApiError::Unauthorized("this session has ended".into()))?;
        let account = Account::from_row(&row)?;
        let granted = row.try_get::<i64, _>("granted")? > 0;
        if account.id != claims.sub {
            return Err(ApiError::Unauthorized("invalid token".into()));
        }
        let role = account
            .role()
            .map_err(|why| ApiError::Unauthorized(why.into()))?;
        let caller = Caller {
            user_id: account.id,
            session_id: claims.sid,
            home_group: account.group_id,
            role,
        };
        parts.extensions.insert(caller.clone());
        Ok((caller, granted))
    }
}
