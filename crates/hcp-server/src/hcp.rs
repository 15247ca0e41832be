//! Healthcare parties: the iCure `HealthcarePartyDto` subset hcp-kit uses,
//! checked with hcp-core's rules (the same the browser import applies).

use std::collections::HashMap;

use axum::Json;
use axum::extract::{FromRequestParts, Path, Query, RawPathParams, State};
use axum::http::request::Parts;
use hcp_core::keys::PublicKey;
use hcp_core::rules::{PersonInput, RuleContext, is_well_formed_id, validate_person};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};

use crate::AppState;
use crate::auth::{Caller, now_ms};
use crate::error::{ApiError, ApiResult};

pub const MAX_PAGE: i64 = 1000;

/// A named path parameter (`{id}`, `{userId}`, ...); a missing one is a 400.
pub fn path_param<'a>(params: &'a HashMap<String, String>, name: &str) -> ApiResult<&'a str> {
    params
        .get(name)
        .map(String::as_str)
        .ok_or_else(|| ApiError::BadRequest(format!("missing {name}")))
}
const DEFAULT_PAGE: i64 = 100;
const MAX_TEXT: usize = 1024;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Telecom {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telecom_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telecom_number: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_type: Option<String>,
    #[serde(default)]
    pub telecoms: Vec<Telecom>,
}

/// An HCP as the API reads and writes it. Unknown fields are ignored.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hcp {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_date: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default)]
    pub addresses: Vec<Address>,
    #[serde(default)]
    pub public_keys_p256: Vec<String>,
}

impl Hcp {
    fn telecom(&self, kind: &str) -> Option<&str> {
        self.addresses
            .iter()
            .flat_map(|a| &a.telecoms)
            .find(|t| t.telecom_type.as_deref() == Some(kind))
            .and_then(|t| t.telecom_number.as_deref())
            .filter(|n| !n.trim().is_empty())
    }

    fn set_telecom(&mut self, kind: &str, value: String) {
        for t in self
            .addresses
            .iter_mut()
            .flat_map(|a| a.telecoms.iter_mut())
        {
            if t.telecom_type.as_deref() == Some(kind) {
                t.telecom_number = Some(value);
                return;
            }
        }
    }

    pub fn is_organization(&self) -> bool {
        self.first_name.is_none() && self.last_name.is_none() && self.name.is_some()
    }

    pub fn email(&self) -> Option<&str> {
        self.telecom("email")
    }
}

/// Refuses anything that looks like a private key anywhere in a request body:
/// the API never needs one, and storing one by mistake cannot be undone.
pub fn refuse_private_keys(body: &Value) -> ApiResult<()> {
    fn walk(v: &Value) -> bool {
        match v {
            Value::Object(m) => m
                .iter()
                .any(|(k, v)| k.to_ascii_lowercase().contains("privatekey") || walk(v)),
            Value::Array(a) => a.iter().any(walk),
            Value::String(s) => {
                s.contains("PRIVATE KEY") || (s.starts_with("{") && s.contains("\"d\""))
            }
            _ => false,
        }
    }
    if walk(body) {
        return Err(ApiError::BadRequest(
            "requests must never carry a private key".into(),
        ));
    }
    Ok(())
}

/// Checks and normalizes an HCP before it is stored.
async fn validate(db: &mut AnyConnection, group_id: &str, hcp: &mut Hcp) -> ApiResult<()> {
    for s in [&hcp.name, &hcp.first_name, &hcp.last_name]
        .into_iter()
        .flatten()
    {
        if s.chars().count() > MAX_TEXT {
            return Err(ApiError::BadRequest(format!(
                "values are limited to {MAX_TEXT} characters"
            )));
        }
    }
    if hcp.is_organization() {
        if hcp.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
            return Err(ApiError::BadRequest("an organization needs a name".into()));
        }
        if let Some(email) = hcp.email().map(str::to_owned) {
            let normalized = hcp_core::rules::normalize_email(email.trim())
                .map_err(|v| ApiError::BadRequest(v.message))?;
            hcp.set_telecom("email", normalized);
        }
    } else {
        let input = PersonInput {
            first_name: hcp.first_name.clone().unwrap_or_default(),
            last_name: hcp.last_name.clone().unwrap_or_default(),
            email: hcp.email().unwrap_or_default().to_owned(),
            country_code: String::new(),
            mobile_phone: hcp.telecom("mobile").unwrap_or_default().to_owned(),
            parent_id: hcp.parent_id.clone().unwrap_or_default(),
        };
        let person = validate_person(&input, &RuleContext::default()).map_err(|violations| {
            let msgs: Vec<String> = violations.into_iter().map(|v| v.message).collect();
            ApiError::BadRequest(msgs.join("; "))
        })?;
        hcp.first_name = Some(person.first_name);
        hcp.last_name = Some(person.last_name);
        hcp.set_telecom("email", person.email);
        if let Some(phone) = person.phone {
            hcp.set_telecom("mobile", phone);
        }
        hcp.parent_id = person.parent_id;
    }
    if let Some(parent) = hcp.parent_id.as_deref() {
        if !is_well_formed_id(parent) {
            return Err(ApiError::BadRequest(
                "parentId is not a well-formed id".into(),
            ));
        }
        let row = sqlx::query(
            "SELECT is_org FROM hcps WHERE id = $1 AND group_id = $2 AND deleted IS NULL",
        )
        .bind(parent)
        .bind(group_id)
        .fetch_optional(&mut *db)
        .await?;
        if row.map(|r| r.get::<i64, _>("is_org")) != Some(1) {
            return Err(ApiError::BadRequest(format!(
                "parentId {parent} is not an organization of this database"
            )));
        }
    }
    let mut keys = Vec::with_capacity(hcp.public_keys_p256.len());
    for k in &hcp.public_keys_p256 {
        let key = PublicKey::parse(k)
            .map_err(|e| ApiError::BadRequest(format!("publicKeysP256: {e}")))?;
        keys.push(key.spki_hex());
    }
    hcp.public_keys_p256 = keys;
    Ok(())
}

/// A new HCP or user id: a time-ordered UUID (v7), so bulk inserts append to
/// the primary-key B-trees instead of touching a random page per row.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub fn new_rev(generation: u64) -> String {
    format!("{generation}-{}", uuid::Uuid::new_v4().simple())
}

fn rev_generation(rev: &str) -> u64 {
    rev.split_once('-')
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or(0)
}

fn from_row(row: &AnyRow) -> ApiResult<Hcp> {
    let doc: String = row.try_get("doc")?;
    serde_json::from_str(&doc).map_err(|e| ApiError::Internal(format!("stored document: {e}")))
}

/// The database a request acts on: `/inGroup/{groupId}` or the caller's own,
/// after checking the caller may use it.
pub struct Target {
    pub caller: Caller,
    pub group_id: String,
}

impl FromRequestParts<AppState> for Target {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::BadRequest(e.to_string()))?;
        let group_id = params
            .iter()
            .find(|(k, _)| *k == "groupId")
            .map(|(_, v)| v.to_owned())
            .unwrap_or_else(|| caller.group_id.clone());
        if !crate::db::may_access(&state.pool, &caller.user_id, &caller.group_id, &group_id).await?
        {
            return Err(ApiError::Forbidden(format!(
                "no access to database {group_id}"
            )));
        }
        Ok(Target { caller, group_id })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    limit: Option<i64>,
    start_document_id: Option<String>,
    search: Option<String>,
    /// `person` or `organization`: only HCPs of that kind.
    kind: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyPair {
    start_key: String,
    start_key_doc_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    page_size: i64,
    rows: Vec<Hcp>,
    next_key_pair: Option<KeyPair>,
}

pub async fn list(
    State(st): State<AppState>,
    target: Target,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Page>> {
    let limit = q.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit must be between 1 and {MAX_PAGE}"
        )));
    }
    let start = q.start_document_id.unwrap_or_default();
    let search = q
        .search
        .map(|s| format!("%{}%", s.trim().to_lowercase()))
        .unwrap_or_else(|| "%".into());
    // -1 matches both kinds (is_org is 0 or 1).
    let kind: i64 = match q.kind.as_deref() {
        None | Some("") => -1,
        Some("person") => 0,
        Some("organization") => 1,
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "kind must be person or organization, not {other:?}"
            )));
        }
    };
    let rows = sqlx::query(
        "SELECT doc FROM hcps WHERE group_id = $1 AND deleted IS NULL AND id >= $2 \
         AND (sort_name LIKE $3 OR COALESCE(email, '') LIKE $3) \
         AND ($4 < 0 OR is_org = $4) ORDER BY id LIMIT $5",
    )
    .bind(&target.group_id)
    .bind(&start)
    .bind(&search)
    .bind(kind)
    .bind(limit + 1)
    .fetch_all(&st.pool)
    .await?;
    let mut hcps = rows.iter().map(from_row).collect::<ApiResult<Vec<_>>>()?;
    let next = if hcps.len() as i64 > limit {
        hcps.pop()
    } else {
        None
    };
    let next_key_pair = next.and_then(|h| h.id).map(|id| KeyPair {
        start_key: id.clone(),
        start_key_doc_id: id,
    });
    Ok(Json(Page {
        page_size: limit,
        rows: hcps,
        next_key_pair,
    }))
}

async fn fetch(pool: &AnyPool, group_id: &str, id: &str) -> ApiResult<Hcp> {
    let row =
        sqlx::query("SELECT doc FROM hcps WHERE id = $1 AND group_id = $2 AND deleted IS NULL")
            .bind(id)
            .bind(group_id)
            .fetch_optional(pool)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("no HCP with id {id}")))?;
    from_row(&row)
}

pub async fn get(
    State(st): State<AppState>,
    target: Target,
    Path(params): Path<HashMap<String, String>>,
) -> ApiResult<Json<Hcp>> {
    let id = path_param(&params, "id")?;
    Ok(Json(fetch(&st.pool, &target.group_id, id).await?))
}

#[derive(Debug, Deserialize)]
pub struct Ids {
    ids: Vec<String>,
}

pub async fn by_ids(
    State(st): State<AppState>,
    target: Target,
    Json(body): Json<Ids>,
) -> ApiResult<Json<Vec<Hcp>>> {
    if body.ids.len() as i64 > MAX_PAGE {
        return Err(ApiError::BadRequest(format!("at most {MAX_PAGE} ids")));
    }
    let mut out = Vec::new();
    for id in &body.ids {
        match fetch(&st.pool, &target.group_id, id).await {
            Ok(h) => out.push(h),
            Err(ApiError::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Json(out))
}

pub async fn children(
    State(st): State<AppState>,
    target: Target,
    Path(params): Path<HashMap<String, String>>,
) -> ApiResult<Json<Vec<Hcp>>> {
    let parent = path_param(&params, "parentId")?;
    let rows = sqlx::query("SELECT doc FROM hcps WHERE group_id = $1 AND parent_id = $2 AND deleted IS NULL ORDER BY id")
        .bind(&target.group_id)
        .bind(parent)
        .fetch_all(&st.pool)
        .await?;
    Ok(Json(
        rows.iter().map(from_row).collect::<ApiResult<Vec<_>>>()?,
    ))
}

fn sort_name(hcp: &Hcp) -> String {
    let name = match (&hcp.last_name, &hcp.first_name, &hcp.name) {
        (Some(l), Some(f), _) => format!("{l} {f}"),
        (_, _, Some(n)) => n.clone(),
        _ => String::new(),
    };
    name.to_lowercase()
}

#[derive(Debug, Deserialize)]
pub struct CreateQuery {
    invite: Option<bool>,
}

pub async fn create(
    State(st): State<AppState>,
    target: Target,
    Query(q): Query<CreateQuery>,
    headers: axum::http::HeaderMap,
    Json(body): Json<Value>,
) -> ApiResult<Json<Hcp>> {
    let mut tx = st.pool.begin().await?;
    let hcp = create_in(&mut tx, &target.group_id, body).await?;
    tx.commit().await?;
    if q.invite == Some(true)
        && let Some(id) = hcp.id.as_deref()
    {
        let base = crate::invite::base_url(&headers);
        crate::invite::invite_hcp(&st, &target.group_id, id, &base)
            .await
            .map_err(|e| match e {
                // The HCP exists now: say so, and how to send the invitation again.
                ApiError::BadGateway(m) => ApiError::BadGateway(format!(
                    "HCP {id} was created, but its invitation was not sent ({m}); retry with POST /rest/v2/hcparty/{id}/invite"
                )),
                other => other,
            })?;
    }
    Ok(Json(hcp))
}

/// HCPs created in one request.
pub const MAX_BATCH: usize = 1000;

/// `POST .../hcparty/batch`: all of them or none (one transaction); a later
/// item may name an organization created earlier in the same batch as parent.
pub async fn create_batch(
    State(st): State<AppState>,
    target: Target,
    Json(bodies): Json<Vec<Value>>,
) -> ApiResult<Json<Vec<Hcp>>> {
    if bodies.len() > MAX_BATCH {
        return Err(ApiError::BadRequest(format!(
            "at most {MAX_BATCH} HCPs per batch"
        )));
    }
    let mut tx = st.pool.begin().await?;
    let mut created = Vec::with_capacity(bodies.len());
    for (i, body) in bodies.into_iter().enumerate() {
        let hcp = create_in(&mut tx, &target.group_id, body)
            .await
            .map_err(|e| e.map_message(|m| format!("item {i}: {m}; nothing was created")))?;
        created.push(hcp);
    }
    tx.commit().await?;
    Ok(Json(created))
}

/// Checks, completes and inserts one new HCP (with its user, for a person
/// with an email) inside the caller's transaction.
pub(crate) async fn create_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    group_id: &str,
    body: Value,
) -> ApiResult<Hcp> {
    refuse_private_keys(&body)?;
    let mut hcp: Hcp =
        serde_json::from_value(body).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    validate(tx, group_id, &mut hcp).await?;
    let id = match hcp.id.take() {
        Some(id) if is_well_formed_id(&id) => id.to_ascii_lowercase(),
        Some(_) => return Err(ApiError::BadRequest("id must be a UUID".into())),
        None => new_id(),
    };
    let now = now_ms();
    hcp.id = Some(id.clone());
    hcp.rev = Some(new_rev(1));
    hcp.created = Some(now);
    hcp.modified = Some(now);
    hcp.deletion_date = None;
    let email = hcp.email().map(str::to_lowercase);
    // "Add User": a person with an email gets a linked user whose login is that email.
    if let (false, Some(login)) = (hcp.is_organization(), &email) {
        let taken = sqlx::query("SELECT 1 AS x FROM users WHERE login = $1")
            .bind(login)
            .fetch_optional(&mut **tx)
            .await?;
        if taken.is_some() {
            return Err(ApiError::Conflict(format!(
                "a user with login {login} already exists"
            )));
        }
        hcp.user_id = Some(new_id());
        let people = [(hcp, login.clone())];
        insert_people(tx, group_id, &people, now).await?;
        let [(inserted, _)] = people;
        Ok(inserted)
    } else {
        insert(tx, group_id, &hcp, email.as_deref()).await?;
        Ok(hcp)
    }
}

async fn insert(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    group_id: &str,
    hcp: &Hcp,
    email: Option<&str>,
) -> ApiResult<()> {
    let doc = serde_json::to_string(hcp).map_err(|e| ApiError::Internal(e.to_string()))?;
    sqlx::query(
        "INSERT INTO hcps (id, group_id, rev, doc, sort_name, email, phone, parent_id, is_org, created, modified) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(hcp.id.as_deref())
    .bind(group_id)
    .bind(hcp.rev.as_deref())
    .bind(doc)
    .bind(sort_name(hcp))
    .bind(email)
    .bind(hcp.telecom("mobile"))
    .bind(hcp.parent_id.as_deref())
    .bind(i64::from(hcp.is_organization()))
    .bind(hcp.created)
    .bind(hcp.modified)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn update(
    State(st): State<AppState>,
    target: Target,
    Json(body): Json<Value>,
) -> ApiResult<Json<Hcp>> {
    refuse_private_keys(&body)?;
    let mut hcp: Hcp =
        serde_json::from_value(body).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let id = hcp
        .id
        .clone()
        .ok_or_else(|| ApiError::BadRequest("id is required".into()))?;
    let rev = hcp
        .rev
        .clone()
        .ok_or_else(|| ApiError::BadRequest("rev is required".into()))?;
    let current = fetch(&st.pool, &target.group_id, &id).await?;
    validate(&mut *st.pool.acquire().await?, &target.group_id, &mut hcp).await?;
    if hcp.parent_id.as_deref() == Some(id.as_str()) {
        return Err(ApiError::BadRequest(
            "an HCP cannot be its own parent".into(),
        ));
    }
    let next = new_rev(rev_generation(&rev) + 1);
    hcp.rev = Some(next.clone());
    hcp.created = current.created;
    hcp.user_id = current.user_id;
    hcp.modified = Some(now_ms());
    let doc = serde_json::to_string(&hcp).map_err(|e| ApiError::Internal(e.to_string()))?;
    let done = sqlx::query(
        "UPDATE hcps SET rev = $1, doc = $2, sort_name = $3, email = $4, phone = $5, parent_id = $6, is_org = $7, modified = $8 \
         WHERE id = $9 AND group_id = $10 AND rev = $11 AND deleted IS NULL",
    )
    .bind(&next)
    .bind(doc)
    .bind(sort_name(&hcp))
    .bind(hcp.email().map(str::to_lowercase))
    .bind(hcp.telecom("mobile"))
    .bind(hcp.parent_id.as_deref())
    .bind(i64::from(hcp.is_organization()))
    .bind(hcp.modified)
    .bind(&id)
    .bind(&target.group_id)
    .bind(&rev)
    .execute(&st.pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::Conflict(format!(
            "HCP {id} was modified by someone else: rev {rev} is not the current rev {}",
            current.rev.unwrap_or_default()
        )));
    }
    Ok(Json(hcp))
}

#[derive(Debug, Deserialize)]
pub struct RevQuery {
    rev: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct DocIdentifier {
    id: String,
    rev: String,
}

async fn remove(
    st: &AppState,
    target: &Target,
    id: &str,
    rev: Option<String>,
    purge: bool,
) -> ApiResult<DocIdentifier> {
    let rev = rev.ok_or_else(|| ApiError::BadRequest("rev is required".into()))?;
    let current = fetch(&st.pool, &target.group_id, id).await?;
    if current.rev.as_deref() != Some(rev.as_str()) {
        return Err(ApiError::Conflict(format!(
            "HCP {id}: rev {rev} is not the current rev"
        )));
    }
    let children = sqlx::query(
        "SELECT 1 AS x FROM hcps WHERE group_id = $1 AND parent_id = $2 AND deleted IS NULL",
    )
    .bind(&target.group_id)
    .bind(id)
    .fetch_optional(&st.pool)
    .await?;
    if children.is_some() {
        return Err(ApiError::Conflict(format!(
            "organization {id} still has HCPs; move or delete them first"
        )));
    }
    let mut tx = st.pool.begin().await?;
    let next = new_rev(rev_generation(&rev) + 1);
    if purge {
        // Everything that references the HCP's user goes with it.
        for table in ["auth_tokens", "invitations"] {
            let sql = format!(
                "DELETE FROM {table} WHERE user_id IN (SELECT id FROM users WHERE hcp_id = $1)"
            );
            sqlx::query(&sql).bind(id).execute(&mut *tx).await?;
        }
        sqlx::query("DELETE FROM users WHERE hcp_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM hcps WHERE id = $1 AND group_id = $2 AND rev = $3")
            .bind(id)
            .bind(&target.group_id)
            .bind(&rev)
            .execute(&mut *tx)
            .await?;
    } else {
        let mut doc = current;
        doc.deletion_date = Some(now_ms());
        doc.rev = Some(next.clone());
        let text = serde_json::to_string(&doc).map_err(|e| ApiError::Internal(e.to_string()))?;
        sqlx::query("UPDATE hcps SET deleted = $1, rev = $2, doc = $3 WHERE id = $4 AND group_id = $5 AND rev = $6")
            .bind(doc.deletion_date)
            .bind(&next)
            .bind(text)
            .bind(id)
            .bind(&target.group_id)
            .bind(&rev)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(DocIdentifier {
        id: id.to_owned(),
        rev: next,
    })
}

pub async fn delete(
    State(st): State<AppState>,
    target: Target,
    Path(params): Path<HashMap<String, String>>,
    Query(q): Query<RevQuery>,
) -> ApiResult<Json<DocIdentifier>> {
    let id = path_param(&params, "id")?;
    Ok(Json(remove(&st, &target, id, q.rev, false).await?))
}

pub async fn purge(
    State(st): State<AppState>,
    target: Target,
    Path(params): Path<HashMap<String, String>>,
    Query(q): Query<RevQuery>,
) -> ApiResult<Json<DocIdentifier>> {
    let id = path_param(&params, "id")?;
    Ok(Json(remove(&st, &target, id, q.rev, true).await?))
}

/// Rows per multi-row INSERT: far below both databases' parameter limits,
/// large enough that round trips stop dominating a bulk import.
const INSERT_CHUNK: usize = 200;

/// Inserts many people and their linked users (login = email) in few statements.
pub async fn insert_people(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    group_id: &str,
    people: &[(Hcp, String)],
    now: i64,
) -> ApiResult<()> {
    let params = crate::db::Params::of(tx);
    for chunk in people.chunks(INSERT_CHUNK) {
        let sql = format!(
            "INSERT INTO users (id, group_id, login, email, hcp_id, status, created, rev) VALUES {}",
            params.rows(chunk.len(), 8)
        );
        let mut q = sqlx::query(&sql);
        for (hcp, login) in chunk {
            q = q
                .bind(hcp.user_id.clone())
                .bind(group_id)
                .bind(login.clone())
                .bind(login.clone());
            q = q
                .bind(hcp.id.clone())
                .bind("ACTIVE")
                .bind(now)
                .bind(new_rev(1));
        }
        q.execute(&mut **tx).await?;
        let sql = format!(
            "INSERT INTO hcps (id, group_id, rev, doc, sort_name, email, phone, parent_id, is_org, created, modified) VALUES {}",
            params.rows(chunk.len(), 11)
        );
        let mut q = sqlx::query(&sql);
        for (hcp, login) in chunk {
            let doc = serde_json::to_string(hcp).map_err(|e| ApiError::Internal(e.to_string()))?;
            q = q
                .bind(hcp.id.clone())
                .bind(group_id)
                .bind(hcp.rev.clone())
                .bind(doc)
                .bind(sort_name(hcp));
            q = q
                .bind(login.clone())
                .bind(hcp.telecom("mobile").map(str::to_owned))
                .bind(hcp.parent_id.clone());
            q = q.bind(0i64).bind(hcp.created).bind(hcp.modified);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}
