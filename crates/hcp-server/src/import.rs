//! `POST .../hcparty[/inGroup/{groupId}]/import`: a batch of rows the browser
//! accepted, re-validated with the same hcp-core rules plus what only the
//! database knows (existing emails and phones, parent organizations). One
//! transaction per batch; the `Idempotency-Key` makes a retry return the
//! first answer and create nothing twice.

use std::collections::HashSet;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use hcp_core::client::{ImportRequest, ImportResponse, ServerRowOutcome};
use hcp_core::model::Hcp;
use hcp_core::rules::duplicates::{CheckedRow, Known, lookup_keys, settle};
use hcp_core::rules::{PersonInput, RuleContext, TypedRow, validate_person};
use sqlx::Row;

use crate::AppState;
use crate::auth::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::hcp::store::{self, NewPerson, new_id, new_rev};
use crate::policy::{Authorized, act};

pub const MAX_BATCH_ROWS: usize = hcp_core::client::MAX_IMPORT_BATCH;
const MAX_KEY_LEN: usize = 200;

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
    auth: Authorized<act::Import>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<ImportRequest>,
) -> ApiResult<Json<ImportResponse>> {
    let group = auth.group_id.as_str();
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
    if let Some(previous) = stored(&st, group, &key).await? {
        return Ok(Json(previous));
    }
    let orgs: HashSet<String> =
        sqlx::query("SELECT id FROM hcps WHERE group_id = $1 AND is_org = 1 AND deleted IS NULL")
            .bind(group)
            .fetch_all(&st.pool)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>("id"))
            .collect::<Result<_, _>>()?;
    let rules = RuleContext {
        organizations: Some(orgs),
        ..RuleContext::default()
    };
    // The row rules, as the browser ran them.
    let checked: Vec<CheckedRow> = req
        .rows
        .into_iter()
        .map(|r| {
            let values = PersonInput {
                first_name: r.first_name,
                last_name: r.last_name,
                email: r.email,
                country_code: r.country_code,
                mobile_phone: r.phone.unwrap_or_default(),
                parent_id: r.parent_id.unwrap_or_default(),
            };
            let verdict = validate_person(&values, &rules);
            CheckedRow {
                row: r.row,
                values: TypedRow::from(&values),
                verdict,
            }
        })
        .collect();

    crate::db::refresh_statistics(&st.pool).await?;
    let mut tx = crate::db::begin_write(&st.pool).await?;
    // What the database already holds, looked up in bulk inside the
    // transaction that inserts, then the duplicate rules the browser applies.
    let (emails, phones) = lookup_keys(&checked);
    let hcp_emails = "SELECT email AS v FROM hcps WHERE deleted IS NULL AND email IN";
    let logins = "SELECT login AS v FROM users WHERE login IN";
    let hcp_phones = "SELECT phone AS v FROM hcps WHERE deleted IS NULL AND phone IN";
    let mut taken_emails = existing(&mut tx, hcp_emails, Some(group), &emails).await?;
    taken_emails.extend(existing(&mut tx, logins, None, &emails).await?);
    let taken_phones = existing(&mut tx, hcp_phones, Some(group), &phones).await?;
    let (accepted, rejected) = settle(checked, &Known::from_stored(taken_emails, taken_phones));

    let now = now_ms();
    let mut outcomes: Vec<ServerRowOutcome> = Vec::with_capacity(accepted.len() + rejected.len());
    let mut people: Vec<NewPerson> = Vec::with_capacity(accepted.len());
    for a in accepted {
        let id = new_id();
        let hcp = Hcp {
            id: Some(id.clone()),
            rev: Some(new_rev(1)),
            created: Some(now),
            modified: Some(now),
            user_id: Some(new_id()),
            ..Hcp::from_person(&a.person)
        };
        people.push(NewPerson {
            login: a.person.email().to_lowercase(),
            hcp,
        });
        outcomes.push(ServerRowOutcome::Created { row: a.row, id });
    }
    outcomes.extend(rejected.into_iter().map(|r| ServerRowOutcome::Rejected {
        row: r.row,
        reasons: r.reasons,
    }));
    outcomes.sort_by_key(|o| match o {
        ServerRowOutcome::Created { row, .. } | ServerRowOutcome::Rejected { row, .. } => *row,
    });
    store::insert_people(&mut tx, group, &people, &auth.caller.user_id, now).await?;
    let created = people.len();
    let response = ImportResponse {
        created,
        rejected: outcomes.len() - created,
        rows: outcomes,
    };
    let text = serde_json::to_string(&response).map_err(|e| ApiError::Internal(e.to_string()))?;
    let saved = sqlx::query("INSERT INTO import_batches (group_id, idempotency_key, response, created) VALUES ($1, $2, $3, $4)")
        .bind(group)
        .bind(&key)
        .bind(text)
        .bind(now)
        .execute(&mut *tx)
        .await;
    match saved {
        Ok(_) => {
            tx.commit().await?;
            st.metrics.imported(response.created, response.rejected);
            if let Err(e) = crate::db::merge_search_index(&st.pool).await {
                tracing::warn!(error = %e, "merging the search index's pending entries failed");
            }
            Ok(Json(response))
        }
        // The same batch committed concurrently: drop ours, answer with theirs.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            drop(tx);
            stored(&st, group, &key)
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
        // PostgreSQL plans an unnamed statement with its values: a cached
        // generic plan, made while an import grows the table from a few
        // rows, kept scanning every row for each of the 500 values.
        let mut q = sqlx::query(&sql).persistent(params == crate::db::Params::Anonymous);
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
