//! A page of a list, in iCure's shape (`rows`, `nextKeyPair`): the HCP
//! directory and the encrypted entities page the same way.

use serde::Serialize;

use crate::error::{ApiError, ApiResult};

/// Most rows in one page.
pub const MAX_PAGE: i64 = 1000;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyPair {
    start_key: String,
    start_key_doc_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    page_size: i64,
    rows: Vec<T>,
    next_key_pair: Option<KeyPair>,
}

impl<T> Page<T> {
    /// `rows` as read with `limit + 1`: the extra row, if any, is where the
    /// next page starts (`id_of` names it).
    pub fn of(mut rows: Vec<T>, limit: i64, id_of: impl Fn(T) -> Option<String>) -> Page<T> {
        let next = if rows.len() as i64 > limit {
            rows.pop().and_then(id_of)
        } else {
            None
        };
        Page {
            page_size: limit,
            rows,
            next_key_pair: next.map(|id| KeyPair {
                start_key: id.clone(),
                start_key_doc_id: id,
            }),
        }
    }
}

/// The page size a request asks for (`default` when it names none), 1 to `MAX_PAGE`.
pub fn limit(asked: Option<i64>, default: i64) -> ApiResult<i64> {
    let limit = asked.unwrap_or(default);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit must be between 1 and {MAX_PAGE}"
        )));
    }
    Ok(limit)
}
