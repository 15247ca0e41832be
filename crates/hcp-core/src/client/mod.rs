//! What a client of the HCP backend decides without doing any I/O: how an
//! HTTP answer becomes a typed error, when an access token needs refreshing,
//! how authentication tokens are listed, and how an import's browser-side and
//! server-side outcomes merge so every row of the file ends in exactly one
//! place. The wasm binding does the fetches; this module is tested natively.

mod import;

pub use import::{
    FileRowOutcome, ImportRequest, ImportResponse, ImportRow, ImportSummary, ServerRowOutcome,
    batch_key, merge_import,
};

use serde::Serialize;
use serde_json::Value;

use crate::error::{Code, Coded};

/// A failed call to the backend.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub code: Code,
    /// The HTTP status, when the server answered.
    pub status: Option<u16>,
    pub message: String,
}

impl Coded for ApiError {
    fn code(&self) -> Code {
        self.code
    }

    fn status(&self) -> Option<u16> {
        self.status
    }
}

impl ApiError {
    pub fn new(code: Code, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            status: None,
            message: message.into(),
        }
    }

    /// A non-2xx answer: the code from the status, the server's own message
    /// (`{"message": ...}`) when it sent one.
    pub fn from_response(status: u16, body: &str) -> ApiError {
        let code = match status {
            400 | 422 => Code::Validation,
            401 => Code::Unauthorized,
            403 => Code::Forbidden,
            404 => Code::NotFound,
            409 => Code::Conflict,
            413 => Code::TooLarge,
            429 => Code::RateLimited,
            _ => Code::Server,
        };
        let message = serde_json::from_str::<Value>(body)
            .ok()
            .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_owned))
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| format!("the server answered HTTP {status}"));
        ApiError {
            code,
            status: Some(status),
            message,
        }
    }

    pub fn network(detail: &str) -> ApiError {
        ApiError::new(
            Code::Network,
            format!("could not reach the server: {detail}"),
        )
    }

    pub fn timeout(ms: u32) -> ApiError {
        ApiError::new(Code::Timeout, format!("no answer within {ms} ms"))
    }

    pub fn cancelled() -> ApiError {
        ApiError::new(Code::Cancelled, "the request was cancelled")
    }

    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(Code::Validation, message)
    }

    /// A 2xx answer the client could not read.
    pub fn unexpected(detail: impl std::fmt::Display) -> ApiError {
        ApiError::new(
            Code::Server,
            format!("unexpected answer from the server: {detail}"),
        )
    }
}

/// Refresh this long before the access token expires, so a request never
/// leaves with a token that dies on the way.
pub const REFRESH_MARGIN_MS: f64 = 30_000.0;

/// When a JWT expires (its `exp`, in ms since the epoch), read without
/// checking the signature: the client only uses it to refresh in time.
pub fn jwt_expiry_ms(token: &str) -> Option<f64> {
    use base64ct::{Base64UrlUnpadded, Encoding};
    let payload = token.split('.').nth(1)?;
    let bytes = Base64UrlUnpadded::decode_vec(payload).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("exp")?.as_f64().map(|s| s * 1000.0)
}

/// Whether a token expiring at `expiry_ms` must be refreshed before use at `now_ms`.
pub fn needs_refresh(expiry_ms: Option<f64>, now_ms: f64) -> bool {
    expiry_ms.is_some_and(|exp| now_ms + REFRESH_MARGIN_MS >= exp)
}

/// One authentication token of a user, as listed (never its value).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenInfo {
    pub name: String,
    /// Creation time, ms since the epoch.
    pub created: f64,
    /// Expiry time, ms since the epoch.
    pub expires: f64,
    pub expired: bool,
}

/// The tokens in a user document (`authenticationTokens`), sorted by name.
pub fn tokens_of(user: &Value, now_ms: f64) -> Vec<TokenInfo> {
    let Some(map) = user.get("authenticationTokens").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut tokens: Vec<TokenInfo> = map
        .iter()
        .map(|(name, t)| {
            let num = |k: &str| t.get(k).and_then(Value::as_f64).unwrap_or(0.0);
            let created = num("creationTime");
            let expires = match t.get("expires").and_then(Value::as_f64) {
                Some(e) => e,
                None => created + num("validity") * 1000.0,
            };
            TokenInfo {
                name: name.clone(),
                created,
                expires,
                expired: expires <= now_ms,
            }
        })
        .collect();
    tokens.sort_by(|a, b| a.name.cmp(&b.name));
    tokens
}

/// Longest token name the server keeps.
pub const MAX_TOKEN_NAME: usize = 128;

/// The rule the server applies to a token name: 1 to `MAX_TOKEN_NAME`
/// characters, none of them control characters.
pub fn is_token_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= MAX_TOKEN_NAME
        && !name.chars().any(char::is_control)
}

/// Checks a new token's name and expiry before any request: names are unique
/// per user (the server would answer 409; this says so without the call).
/// Returns the validity in whole seconds.
pub fn check_new_token(
    name: &str,
    expires_ms: f64,
    existing: &[TokenInfo],
    now_ms: f64,
) -> Result<u64, ApiError> {
    let trimmed = name.trim();
    if trimmed.is_empty() || trimmed != name || name.chars().count() > MAX_TOKEN_NAME {
        return Err(ApiError::invalid(format!(
            "a token name is 1 to {MAX_TOKEN_NAME} characters, without surrounding spaces"
        )));
    }
    // Past the check above only a control character can fail the server's rule.
    if name.contains('/') || !is_token_name(name) {
        return Err(ApiError::invalid(
            "a token name cannot contain '/' or control characters",
        ));
    }
    if existing.iter().any(|t| t.name == name) {
        return Err(ApiError {
            code: Code::Conflict,
            status: None,
            message: format!("this user already has a token named {name:?}"),
        });
    }
    if !expires_ms.is_finite() || expires_ms <= now_ms + 1000.0 {
        return Err(ApiError::invalid("the expiry must be in the future"));
    }
    Ok(((expires_ms - now_ms) / 1000.0).floor() as u64)
}

/// The most rows the import endpoint takes in one request.
pub const MAX_IMPORT_BATCH: usize = 5000;
/// Rows per import request when the caller does not say.
pub const DEFAULT_IMPORT_BATCH: usize = 1000;

/// The row ranges an import sends, one request each: `size` rows (default
/// 1,000, at most `MAX_IMPORT_BATCH`), the last one shorter.
pub fn import_batches(
    total: usize,
    size: Option<usize>,
) -> impl Iterator<Item = std::ops::Range<usize>> {
    let size = size
        .unwrap_or(DEFAULT_IMPORT_BATCH)
        .clamp(1, MAX_IMPORT_BATCH);
    (0..total.div_ceil(size)).map(move |n| n * size..((n + 1) * size).min(total))
}

/// Import batches a client keeps in flight: while the server writes one, the
/// next is already on its way (to the other process behind a balancer, or
/// to another connection of the same one). One at a time left the two cores
/// of the test machine idle 42% of an import into PostgreSQL.
pub const IMPORT_IN_FLIGHT: usize = 2;

/// The batches of one import as its senders share them: each sender takes
/// the next batch, sends it, and records the answer; the answers come out
/// in batch order whatever order they arrived in. After a failure no batch
/// is handed out any more (the import rejects with that failure; a retry of
/// the whole import under the same key finds the batches already written).
#[derive(Debug)]
pub struct ImportQueue {
    batches: Vec<std::ops::Range<usize>>,
    next: usize,
    failed: bool,
    answers: Vec<Option<Vec<ServerRowOutcome>>>,
    rows: usize,
}

impl ImportQueue {
    /// The batches of `total` rows of `size` (see [`import_batches`]).
    pub fn new(total: usize, size: Option<usize>) -> ImportQueue {
        let batches: Vec<_> = import_batches(total, size).collect();
        ImportQueue {
            answers: batches.iter().map(|_| None).collect(),
            batches,
            next: 0,
            failed: false,
            rows: total,
        }
    }

    /// How many senders to run: [`IMPORT_IN_FLIGHT`], fewer for fewer batches.
    pub fn senders(&self) -> usize {
        IMPORT_IN_FLIGHT.min(self.batches.len())
    }

    /// The next batch to send, its number and rows; `None` once every batch
    /// is taken or one failed.
    pub fn take(&mut self) -> Option<(usize, std::ops::Range<usize>)> {
        if self.failed {
            return None;
        }
        let n = self.next;
        let range = self.batches.get(n)?.clone();
        self.next += 1;
        Some((n, range))
    }

    /// A batch failed for good: hand out no more.
    pub fn fail(&mut self) {
        self.failed = true;
    }

    /// Records the server's answer to batch `n`; the progress to report
    /// after it, none once a batch failed (the import has rejected already,
    /// though a batch in flight may still come back).
    pub fn answer(&mut self, n: usize, rows: Vec<ServerRowOutcome>) -> Option<ImportBatchProgress> {
        if let Some(slot @ None) = self.answers.get_mut(n) {
            *slot = Some(rows);
        }
        if self.failed {
            return None;
        }
        let answered = || {
            self.batches
                .iter()
                .zip(&self.answers)
                .filter(|(_, a)| a.is_some())
        };
        Some(ImportBatchProgress {
            batches_done: answered().count(),
            batches: self.batches.len(),
            rows_done: answered().map(|(r, _)| r.len()).sum(),
            rows: self.rows,
        })
    }

    /// Every batch's answer in batch order, taken out of the queue; `None`
    /// if one is missing.
    pub fn take_outcomes(&mut self) -> Option<Vec<ServerRowOutcome>> {
        let mut all = Vec::with_capacity(self.rows);
        for answer in std::mem::take(&mut self.answers) {
            all.extend(answer?);
        }
        Some(all)
    }
}

/// Progress of an import, after each batch (what `onProgress` receives).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportBatchProgress {
    pub batches_done: usize,
    pub batches: usize,
    pub rows_done: usize,
    pub rows: usize,
}

/// When a failed request is sent again: up to `attempts` tries in all,
/// waiting `base_ms` x 2^n before try n+1, and only for failures a retry can
/// cure (the server may not have seen the request, or failed transiently).
/// A 4xx answer will not change by retrying. Only requests that are safe to
/// repeat use it: an import batch carries its idempotency key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub base_ms: u32,
}

impl RetryPolicy {
    pub const IMPORT: RetryPolicy = RetryPolicy {
        attempts: 4,
        base_ms: 250,
    };

    /// How long to wait before trying again after failed try number
    /// `attempt` (1-based), or `None` to give up with `error`.
    pub fn delay_after(&self, attempt: u32, error: &ApiError) -> Option<u32> {
        let transient = matches!(error.code, Code::Network | Code::Timeout)
            || (error.code == Code::Server && error.status != Some(501));
        (transient && attempt < self.attempts)
            .then(|| self.base_ms.saturating_mul(2u32.saturating_pow(attempt)))
    }
}
