//! `POST .../hcparty[/inGroup/{groupId}]/import`: a batch of rows the browser
//! accepted, re-validated with the same hcp-core rules plus what only the
//! database knows (existing emails and phones, parent organizations). One
//! transaction per batch; the `Idempotency-Key` makes a retry return the
//! first answer and create nothing twice.

use std::collections::{HashMap, HashSet};

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use hcp_core::rules::{Field, PersonInput, Reason, RuleContext, Violation, validate_person};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::AppState;
use crate::auth::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::hcp::{Address, Hcp, Target, Telecom};

pub const MAX_BATCH_ROWS: usize = 5000;
const MAX_KEY_LEN: usize = 200;

#[derive(Debug, Deserialize)]
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
    /// E.164 from the browser (`phone`), or as typed with `countryCode` (`mobilePhone`).
    #[serde(default, alias = "mobilePhone")]
    pub phone: Option<String>,
    #[serde(default)]
    pub parent_id: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ImportRequest {
    pub rows: Vec<ImportRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "status")]
pub enum RowOutcome {
    #[serde(rename = "created")]
    Created { row: u64, id: String },
    #[serde(rename = "rejected")]
    Rejected { row: u64, reasons: Vec<Violation> },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportResponse {
    pub created: usize,
    pub rejected: usize,
    pub rows: Vec<RowOutcome>,
}

async fn stored(st: &AppState, group: &str, key: &str) -> ApiResult<Option<ImportResponse>> {
    let row = sqlx::query(
        "SELECT response FROM import_batches WHERE group_id = $1 AND idempotency_key = $2",
    )
    .bind(group)
    .bind(key)
    .fetch_optional(&st.pool)
    .await?;
    match row {
        None => Ok(None),
        Some(r) => serde_json::from_str(&r.try_get::<String, _>("response")?)
            .map(Some)
            .map_err(|e| ApiError::Internal(format!("stored import response: {e}"))),
    }
}

pub async fn import(
    State(st): State<AppState>,
    target: Target,
    headers: HeaderMap,
    Json(req): Json<ImportRequest>,
) -> ApiResult<Json<ImportResponse>> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= MAX_KEY_LEN)
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "an Idempotency-Key header (1 to {MAX_KEY_LEN} characters) is required"
            ))
        })?
        .to_owned();
    if req.rows.len() > MAX_BATCH_ROWS {
        return Err(ApiError::BadRequest(format!(
            "at most {MAX_BATCH_ROWS} rows per batch"
        )));
    }
    if let Some(previous) = stored(&st, &target.group_id, &key).await? {
        return Ok(Json(previous));
    }
    let orgs: HashSet<String> =
        sqlx::query("SELECT id FROM hcps WHERE group_id = $1 AND is_org = 1 AND deleted IS NULL")
            .bind(&target.group_id)
            .fetch_all(&st.pool)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>("id"))
            .collect::<Result<_, _>>()?;
    let rules = RuleContext {
        organizations: Some(orgs),
        ..RuleContext::default()
    };

    let mut tx = st.pool.begin().await?;
    let mut outcomes = Vec::with_capacity(req.rows.len());
    let mut seen_emails: HashMap<String, u64> = HashMap::new();
    let mut seen_phones: HashMap<String, u64> = HashMap::new();
    let now = now_ms();
    for r in req.rows {
        let input = PersonInput {
            first_name: r.first_name,
            last_name: r.last_name,
            email: r.email,
            country_code: r.country_code,
            mobile_phone: r.phone.unwrap_or_default(),
            parent_id: r.parent_id.unwrap_or_default(),
        };
        let person = match validate_person(&input, &rules) {
            Ok(p) => p,
            Err(reasons) => {
                outcomes.push(RowOutcome::Rejected {
                    row: r.row,
                    reasons,
                });
                continue;
            }
        };
        let email_key = person.email.to_lowercase();
        let mut reasons = Vec::new();
        if let Some(other) = seen_emails.get(&email_key) {
            reasons.push(Violation::new(
                Field::Email,
                Reason::DuplicateInFile,
                format!("the same Email Address is on row {other}"),
            ));
        }
        if let Some(other) = person.phone.as_ref().and_then(|p| seen_phones.get(p)) {
            reasons.push(Violation::new(
                Field::MobilePhone,
                Reason::DuplicateInFile,
                format!("the same Mobile Phone is on row {other}"),
            ));
        }
        let taken = sqlx::query(
            "SELECT email, phone FROM hcps WHERE group_id = $1 AND deleted IS NULL AND (email = $2 OR phone = $3) \
             UNION ALL SELECT login AS email, NULL AS phone FROM users WHERE login = $2",
        )
        .bind(&target.group_id)
        .bind(&email_key)
        .bind(person.phone.as_deref())
        .fetch_all(&mut *tx)
        .await?;
        for t in &taken {
            if t.try_get::<Option<String>, _>("email")?.as_deref() == Some(email_key.as_str()) {
                reasons.push(Violation::new(
                    Field::Email,
                    Reason::AlreadyExists,
                    "an HCP or user with this Email Address already exists",
                ));
                break;
            }
        }
        if person.phone.is_some()
            && taken
                .iter()
                .any(|t| t.try_get::<Option<String>, _>("phone").ok().flatten() == person.phone)
        {
            reasons.push(Violation::new(
                Field::MobilePhone,
                Reason::AlreadyExists,
                "an HCP with this Mobile Phone already exists",
            ));
        }
        if !reasons.is_empty() {
            outcomes.push(RowOutcome::Rejected {
                row: r.row,
                reasons,
            });
            continue;
        }
        seen_emails.insert(email_key.clone(), r.row);
        if let Some(p) = &person.phone {
            seen_phones.insert(p.clone(), r.row);
        }
        let id = uuid::Uuid::new_v4().to_string();
        let user_id = uuid::Uuid::new_v4().to_string();
        let mut telecoms = vec![Telecom {
            telecom_type: Some("email".into()),
            telecom_number: Some(person.email.clone()),
        }];
        if let Some(p) = &person.phone {
            telecoms.push(Telecom {
                telecom_type: Some("mobile".into()),
                telecom_number: Some(p.clone()),
            });
        }
        let hcp = Hcp {
            id: Some(id.clone()),
            rev: Some(format!("1-{}", uuid::Uuid::new_v4().simple())),
            created: Some(now),
            modified: Some(now),
            first_name: Some(person.first_name),
            last_name: Some(person.last_name),
            parent_id: person.parent_id,
            user_id: Some(user_id.clone()),
            addresses: vec![Address {
                address_type: Some("work".into()),
                telecoms,
            }],
            ..Hcp::default()
        };
        crate::hcp::insert_with_user(&mut tx, &target.group_id, &hcp, &email_key, &user_id, now)
            .await?;
        outcomes.push(RowOutcome::Created { row: r.row, id });
    }
    let created = outcomes
        .iter()
        .filter(|o| matches!(o, RowOutcome::Created { .. }))
        .count();
    let response = ImportResponse {
        created,
        rejected: outcomes.len() - created,
        rows: outcomes,
    };
    let text = serde_json::to_string(&response).map_err(|e| ApiError::Internal(e.to_string()))?;
    let saved = sqlx::query("INSERT INTO import_batches (group_id, idempotency_key, response, created) VALUES ($1, $2, $3, $4)")
        .bind(&target.group_id)
        .bind(&key)
        .bind(text)
        .bind(now)
        .execute(&mut *tx)
        .await;
    match saved {
        Ok(_) => {
            tx.commit().await?;
            Ok(Json(response))
        }
        // The same batch committed concurrently: drop ours, answer with theirs.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            drop(tx);
            stored(&st, &target.group_id, &key)
                .await?
                .map(Json)
                .ok_or_else(|| ApiError::Conflict("import batch in progress; retry".into()))
        }
        Err(e) => Err(e.into()),
    }
}
