//! An import, end to end: the browser rejected some rows of the file, the
//! server created or rejected the rest, batch by batch. The merge puts every
//! row of the file in exactly one outcome, in file order.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::import::RejectedRow;
use crate::rules::Violation;

/// One row of the import endpoint's answer (`rows[]`): hcp-server writes it, the
/// client reads it, from this one definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum ServerRowOutcome {
    #[serde(rename = "created")]
    Created { row: u64, id: String },
    #[serde(rename = "rejected")]
    Rejected { row: u64, reasons: Vec<Violation> },
}

/// One row the import endpoint receives (`rows[]` of the request): what the
/// browser accepted (`AcceptedRow`, with `phone` in E.164), or a row as typed
/// by a script (`countryCode` with `mobilePhone`). Re-checked by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportRow {
    pub row: u64,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub country_code: String,
    #[serde(default, alias = "mobilePhone")]
    pub phone: Option<String>,
    #[serde(default)]
    pub parent_id: Option<String>,
}

/// The body of an import batch request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRequest {
    pub rows: Vec<ImportRow>,
}

/// The answer to an import batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportResponse {
    pub created: usize,
    pub rejected: usize,
    pub rows: Vec<ServerRowOutcome>,
}

/// Where one row of the file ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum FileRowOutcome {
    #[serde(rename = "created")]
    Created { row: u64, id: String },
    /// Refused by the browser's checks; never sent.
    #[serde(rename = "rejectedInBrowser")]
    RejectedInBrowser { row: u64, reasons: Vec<Violation> },
    /// Sent, and refused by the server (e.g. already in the database).
    #[serde(rename = "rejectedByServer")]
    RejectedByServer { row: u64, reasons: Vec<Violation> },
}

impl FileRowOutcome {
    pub fn row(&self) -> u64 {
        match self {
            FileRowOutcome::Created { row, .. }
            | FileRowOutcome::RejectedInBrowser { row, .. }
            | FileRowOutcome::RejectedByServer { row, .. } => *row,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    pub created: usize,
    pub rejected_in_browser: usize,
    pub rejected_by_server: usize,
    /// Every row of the file once, in row order.
    pub rows: Vec<FileRowOutcome>,
}

/// The idempotency key of batch `n` of an import: a retry of the same import
/// sends the same keys, so batches the server already committed are answered
/// from its record instead of being created twice.
pub fn batch_key(import_key: &str, n: usize) -> String {
    format!("{import_key}/{n}")
}

/// One outcome per row; should a row somehow appear twice (a server bug), the
/// server's answer wins over the browser's and the first answer over later ones.
pub fn merge_import(
    browser_rejected: &[RejectedRow],
    server: impl IntoIterator<Item = ServerRowOutcome>,
) -> ImportSummary {
    let mut by_row: BTreeMap<u64, FileRowOutcome> = BTreeMap::new();
    for outcome in server {
        let merged = match outcome {
            ServerRowOutcome::Created { row, id } => FileRowOutcome::Created { row, id },
            ServerRowOutcome::Rejected { row, reasons } => {
                FileRowOutcome::RejectedByServer { row, reasons }
            }
        };
        by_row.entry(merged.row()).or_insert(merged);
    }
    for r in browser_rejected {
        by_row
            .entry(r.row)
            .or_insert_with(|| FileRowOutcome::RejectedInBrowser {
                row: r.row,
                reasons: r.reasons.clone(),
            });
    }
    let rows: Vec<FileRowOutcome> = by_row.into_values().collect();
    let count = |f: fn(&FileRowOutcome) -> bool| rows.iter().filter(|r| f(r)).count();
    ImportSummary {
        created: count(|r| matches!(r, FileRowOutcome::Created { .. })),
        rejected_in_browser: count(|r| matches!(r, FileRowOutcome::RejectedInBrowser { .. })),
        rejected_by_server: count(|r| matches!(r, FileRowOutcome::RejectedByServer { .. })),
        rows,
    }
}
