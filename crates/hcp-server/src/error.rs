//! API errors in the iCure shape: a status and `{"message": ...}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("too many login attempts; retry in {0} s")]
    TooManyRequests(u64),
    #[error("{0}")]
    BadGateway(String),
    /// The database does not answer (restarting, unreachable, every
    /// connection busy): the client may retry; the load balancer's `/ready`
    /// check takes the process out meanwhile.
    #[error("{0}")]
    Unavailable(String),
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    /// The same error with its message rewritten (internal details stay as they are).
    pub fn map_message(self, f: impl FnOnce(String) -> String) -> ApiError {
        match self {
            ApiError::BadRequest(m) => ApiError::BadRequest(f(m)),
            ApiError::Unauthorized(m) => ApiError::Unauthorized(f(m)),
            ApiError::Forbidden(m) => ApiError::Forbidden(f(m)),
            ApiError::NotFound(m) => ApiError::NotFound(f(m)),
            ApiError::Conflict(m) => ApiError::Conflict(f(m)),
            ApiError::Unprocessable(m) => ApiError::Unprocessable(f(m)),
            ApiError::PayloadTooLarge(m) => ApiError::PayloadTooLarge(f(m)),
            ApiError::BadGateway(m) => ApiError::BadGateway(f(m)),
            ApiError::Unavailable(m) => ApiError::Unavailable(f(m)),
            other => other,
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::BadGateway(_) => StatusCode::BAD_GATEWAY,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e
            && db.is_unique_violation()
        {
            return ApiError::Conflict(
                "an HCP with this email or phone already exists in this database".into(),
            );
        }
        if is_unavailable(&e) {
            tracing::warn!(error = %e, "the database does not answer");
            return ApiError::Unavailable(
                "the database is not available; retry in a moment".into(),
            );
        }
        ApiError::Internal(e.to_string())
    }
}

/// Whether an error says the database is out of reach rather than that the
/// statement was wrong: no connection within the pool's timeout, a broken
/// connection, PostgreSQL shutting down or starting (SQLSTATE 57P01-57P03,
/// class 08), or SQLite still locked after its busy timeout.
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            matches!(
                &*code,
                "57P01" | "57P02" | "57P03" | "5" | "6" | "261" | "517"
            ) || code.starts_with("08")
        }),
        _ => false,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        let body = serde_json::json!({ "message": self.to_string() });
        let mut response = (self.status(), Json(body)).into_response();
        if let ApiError::Unavailable(_) = self {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("1"),
            );
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
