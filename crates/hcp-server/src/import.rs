//! `POST .../hcparty[/inGroup/{groupId}]/import`: a batch of rows the browser
//! accepted, re-validated with the same hcp-core rules plus what only the
//! database knows (existing emails and phones, parent organizations). One
//! transaction per batch; the `Idempotency-Key` makes a retry return the
//! first answer and create nothing twice.

use std::collections::{HashMap, HashSet};

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use hcp_core::client::ServerRowOutcome;
use hcp_core::rules::{Field, PersonInput, Reason, RuleContext, Violation, validate_person};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::AppState;
use crate::auth::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::hcp::{Address, Hcp, Target, Telecom, new_id, new_rev};

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
#[serde(rename_all = "camelCase")]
pub struct ImportResponse {
    pub created: usize,
    pub rejected: usize,
    pub rows: Vec<ServerRowOutcome>,
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

    // Pass 1: the row rules, and duplicates inside the batch.
    let mut outcomes: Vec<Option<ServerRowOutcome>> = Vec::with_capacity(req.rows.len());
    let mut valid: Vec<(usize, u64, hcp_core::rules::Person, String)> = Vec::new();
    let mut seen_emails: HashMap<String, u64> = HashMap::new();
    let mut seen_phones: HashMap<String, u64> = HashMap::new();
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
                outcomes.push(Some(ServerRowOutcome::Rejected {
                    row: r.row,
                    reasons,
                }));
                continue;
            }
        };
        let email_key = person.email.to_lowercase();
        let mut reasons = Vec::new();
        if let Some(other) = seen_emails.get(&email_key) {
            let msg = format!("the same Email Address is on row {other}");
            reasons.push(Violation::new(Field::Email, Reason::DuplicateInFile, msg));
        }
        if let Some(other) = person.phone.as_ref().and_then(|p| seen_phones.get(p)) {
            let msg = format!("the same Mobile Phone is on row {other}");
            reasons.push(Violation::new(
                Field::MobilePhone,
                Reason::DuplicateInFile,
                msg,
            ));
        }
        if !reasons.is_empty() {
            outcomes.push(Some(ServerRowOutcome::Rejected {
                row: r.row,
                reasons,
            }));
            continue;
        }
        seen_emails.insert(email_key.clone(), r.row);
        if let Some(p) = &person.phone {
            seen_phones.insert(p.clone(), r.row);
        }
        valid.push((outcomes.len(), r.row, person, email_key));
        outcomes.push(None);
    }

    let mut tx = st.pool.begin().await?;
    // Pass 2: what the database already holds, looked up in bulk.
    let emails: Vec<String> = valid.iter().map(|v| v.3.clone()).collect();
    let phones: Vec<String> = valid.iter().filter_map(|v| v.2.phone.clone()).collect();
    let group = &target.group_id;
    let hcp_emails = "SELECT email AS v FROM hcps WHERE deleted IS NULL AND email IN";
    let logins = "SELECT login AS v FROM users WHERE login IN";
    let hcp_phones = "SELECT phone AS v FROM hcps WHERE deleted IS NULL AND phone IN";
    let taken_emails = existing(&mut tx, hcp_emails, Some(group), &emails).await?;
    let taken_logins = existing(&mut tx, logins, None, &emails).await?;
    let taken_phones = existing(&mut tx, hcp_phones, Some(group), &phones).await?;

    // Pass 3: create the rest.
    let now = now_ms();
    let mut people: Vec<(Hcp, String)> = Vec::with_capacity(valid.len());
    for (slot, row, person, email_key) in valid {
        let mut reasons = Vec::new();
        if taken_emails.contains(&email_key) || taken_logins.contains(&email_key) {
            let msg = "an HCP or user with this Email Address already exists";
            reasons.push(Violation::new(Field::Email, Reason::AlreadyExists, msg));
        }
        if person
            .phone
            .as_ref()
            .is_some_and(|p| taken_phones.contains(p))
        {
            let msg = "an HCP with this Mobile Phone already exists";
            reasons.push(Violation::new(
                Field::MobilePhone,
                Reason::AlreadyExists,
                msg,
            ));
        }
        if !reasons.is_empty() {
            outcomes[slot] = Some(ServerRowOutcome::Rejected { row, reasons });
            continue;
        }
        let id = new_id();
        let email_telecom = Telecom {
            telecom_type: Some("email".into()),
            telecom_number: Some(person.email.clone()),
        };
        let mut telecoms = vec![email_telecom];
        if let Some(p) = &person.phone {
            telecoms.push(Telecom {
                telecom_type: Some("mobile".into()),
                telecom_number: Some(p.clone()),
            });
        }
        let hcp = Hcp {
            id: Some(id.clone()),
            rev: Some(new_rev(1)),
            created: Some(now),
            modified: Some(now),
            first_name: Some(person.first_name),
            last_name: Some(person.last_name),
            parent_id: person.parent_id,
            user_id: Some(new_id()),
            addresses: vec![Address {
                address_type: Some("work".into()),
                telecoms,
            }],
            ..Hcp::default()
        };
        people.push((hcp, email_key));
        outcomes[slot] = Some(ServerRowOutcome::Created { row, id });
    }
    crate::hcp::insert_people(&mut tx, &target.group_id, &people, now).await?;
    let outcomes: Vec<ServerRowOutcome> = outcomes.into_iter().flatten().collect();
    let created = outcomes
        .iter()
        .filter(|o| matches!(o, ServerRowOutcome::Created { .. }))
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

/// Which of `values` the query (ending in `IN`) finds, looked up in chunks;
/// `group` restricts it to one database.
async fn existing(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    sql_prefix: &str,
    group: Option<&str>,
    values: &[String],
) -> ApiResult<HashSet<String>> {
    let params = crate::db::Params::of(tx);
    let mut found = HashSet::new();
    for chunk in values.chunks(500) {
        // Bound in textual order: the values, then the group.
        let mut sql = format!("{sql_prefix} ({})", params.list(1, chunk.len()));
        if group.is_some() {
            sql.push_str(&format!(" AND group_id = {}", params.nth(chunk.len() + 1)));
        }
        let mut q = sqlx::query(&sql);
        for v in chunk {
            q = q.bind(v.clone());
        }
        if let Some(g) = group {
            q = q.bind(g);
        }
        for row in q.fetch_all(&mut **tx).await? {
            if let Some(v) = row.try_get::<Option<String>, _>("v")? {
                found.insert(v);
            }
        }
    }
    Ok(found)
}
