//! Healthcare parties: the routes under `/rest/v2/hcparty`. Documents are
//! hcp-core's `Hcp`, checked with hcp-core's rules (the ones the browser
//! applies); `store` holds the SQL.

pub mod store;

use axum::extract::{DefaultBodyLimit, State};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use hcp_core::keys::leak::find_private_key;
use hcp_core::model::Hcp;
use hcp_core::rules::is_well_formed_id;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::AppState;
use crate::auth::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, MAX_BULK_BODY_BYTES, PathParams, QueryParams};
use crate::page::Page;
use crate::policy::{Authorized, act, check_update_hcp};
use store::{Filter, NewPerson, StoredDoc, new_id, new_rev, rev_generation};

pub use crate::page::MAX_PAGE;
const DEFAULT_PAGE: i64 = 100;
/// HCPs created in one batch request.
pub const MAX_BATCH: usize = 1000;

pub fn routes() -> Router<AppState> {
    let bulk = || DefaultBodyLimit::max(MAX_BULK_BODY_BYTES);
    Router::new()
        .route("/", get(list).post(create).put(update))
        .route("/batch", post(create_batch).layer(bulk()))
        .route("/byIds", post(by_ids))
        .route("/import", post(crate::import::import).layer(bulk()))
        .route("/purge/{id}", delete(purge))
        .route("/{id}", get(get_one).delete(soft_delete))
        .route("/{id}/invite", post(crate::invite::invite))
        .route("/{parentId}/children", get(children))
}

/// Refuses anything that looks like a private key anywhere in a request body
/// (the API never needs one, and storing one by mistake cannot be undone),
/// then reads the document.
pub fn parse_document(body: Value) -> ApiResult<Hcp> {
    if let Some(leak) = find_private_key(&body) {
        return Err(ApiError::BadRequest(format!(
            "requests must never carry a private key (found {})",
            leak.describe()
        )));
    }
    serde_json::from_value(body).map_err(|e| ApiError::BadRequest(e.to_string()))
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

/// Longest search term, in characters.
const MAX_SEARCH: usize = 256;

async fn page_of(
    st: &AppState,
    filter: Filter<'_>,
    q: ListQuery,
) -> ApiResult<Json<Page<StoredDoc>>> {
    let limit = crate::page::limit(q.limit, DEFAULT_PAGE)?;
    let start = q.start_document_id.unwrap_or_default();
    let rows = store::page(&mut *st.pool.acquire().await?, &filter, &start, limit).await?;
    Ok(Json(Page::of(rows, limit, |d| Some(d.id))))
}

pub async fn list(
    State(st): State<AppState>,
    auth: Authorized<act::ReadDirectory>,
    QueryParams(q): QueryParams<ListQuery>,
) -> ApiResult<Json<Page<StoredDoc>>> {
    let organizations = match q.kind.as_deref() {
        None | Some("") => None,
        Some("person") => Some(false),
        Some("organization") => Some(true),
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "kind must be person or organization, not {other:?}"
            )));
        }
    };
    if q.search
        .as_ref()
        .is_some_and(|s| s.chars().count() > MAX_SEARCH)
    {
        return Err(ApiError::BadRequest(format!(
            "a search is at most {MAX_SEARCH} characters"
        )));
    }
    let filter = Filter {
        group_id: &auth.group_id,
        search: q.search.as_deref().and_then(hcp_core::search::needle),
        organizations,
        parent_id: None,
    };
    page_of(&st, filter, q).await
}

/// The HCPs whose parent is an organization, paginated like the list.
pub async fn children(
    State(st): State<AppState>,
    auth: Authorized<act::ReadDirectory>,
    path: PathParams,
    QueryParams(q): QueryParams<ListQuery>,
) -> ApiResult<Json<Page<StoredDoc>>> {
    let filter = Filter {
        group_id: &auth.group_id,
        search: None,
        organizations: None,
        parent_id: Some(path.get("parentId")?),
    };
    page_of(&st, filter, q).await
}

pub async fn get_one(
    State(st): State<AppState>,
    auth: Authorized<act::ReadDirectory>,
    path: PathParams,
) -> ApiResult<Json<Hcp>> {
    Ok(Json(
        store::fetch_pool(&st.pool, &auth.group_id, path.get("id")?).await?,
    ))
}

#[derive(Debug, Deserialize)]
pub struct Ids {
    ids: Vec<String>,
}

pub async fn by_ids(
    State(st): State<AppState>,
    auth: Authorized<act::ReadDirectory>,
    JsonBody(body): JsonBody<Ids>,
) -> ApiResult<Json<Vec<Hcp>>> {
    if body.ids.len() as i64 > MAX_PAGE {
        return Err(ApiError::BadRequest(format!("at most {MAX_PAGE} ids")));
    }
    let mut conn = st.pool.acquire().await?;
    let mut out = Vec::new();
    for id in &body.ids {
        match store::fetch(&mut conn, &auth.group_id, id).await {
            Ok(h) => out.push(h),
            Err(ApiError::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Json(out))
}

#[derive(Debug, Deserialize)]
pub struct CreateQuery {
    invite: Option<bool>,
}

pub async fn create(
    State(st): State<AppState>,
    auth: Authorized<act::CreateHcp>,
    QueryParams(q): QueryParams<CreateQuery>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Json<Hcp>> {
    let mut tx = crate::db::begin_write(&st.pool).await?;
    let hcp = create_in(&mut tx, &auth.group_id, body, &auth.caller.user_id).await?;
    tx.commit().await?;
    if q.invite == Some(true)
        && let Some(id) = hcp.id.as_deref()
    {
        crate::invite::invite_hcp(&st, &auth.caller, &auth.group_id, id)
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

/// `POST .../hcparty/batch`: all of them or none (one transaction); a later
/// item may name an organization created earlier in the same batch as parent.
pub async fn create_batch(
    State(st): State<AppState>,
    auth: Authorized<act::BatchCreate>,
    JsonBody(bodies): JsonBody<Vec<Value>>,
) -> ApiResult<Json<Vec<Hcp>>> {
    if bodies.len() > MAX_BATCH {
        return Err(ApiError::BadRequest(format!(
            "at most {MAX_BATCH} HCPs per batch"
        )));
    }
    let mut tx = crate::db::begin_write(&st.pool).await?;
    let mut created = Vec::with_capacity(bodies.len());
    for (i, body) in bodies.into_iter().enumerate() {
        let hcp = create_in(&mut tx, &auth.group_id, body, &auth.caller.user_id)
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
    created_by: &str,
) -> ApiResult<Hcp> {
    let mut hcp = parse_document(body)?;
    let id = match hcp.id.take() {
        Some(id) if is_well_formed_id(&id) => id.to_ascii_lowercase(),
        Some(_) => return Err(ApiError::BadRequest("id must be a UUID".into())),
        None => new_id(),
    };
    hcp.id = Some(id);
    hcp.normalize().map_err(ApiError::BadRequest)?;
    hcp.check_key_chain(&[]).map_err(ApiError::BadRequest)?;
    if let Some(parent) = hcp.parent_id.as_deref() {
        store::check_parent(tx, group_id, parent).await?;
    }
    let now = now_ms();
    hcp.rev = Some(new_rev(1));
    hcp.created = Some(now);
    hcp.modified = Some(now);
    hcp.deletion_date = None;
    hcp.user_id = None;
    let email = hcp.email().map(str::to_lowercase);
    // "Add User": a person with an email gets a linked user whose login is that email.
    match (hcp.is_organization(), email) {
        (false, Some(login)) => {
            if store::login_taken(tx, &login).await? {
                return Err(ApiError::Conflict(format!(
                    "a user with login {login} already exists"
                )));
            }
            hcp.user_id = Some(new_id());
            let people = [NewPerson { hcp, login }];
            store::insert_people(tx, group_id, &people, created_by, now).await?;
            let [person] = people;
            Ok(person.hcp)
        }
        _ => {
            store::insert(tx, group_id, &hcp).await?;
            Ok(hcp)
        }
    }
}

pub async fn update(
    State(st): State<AppState>,
    auth: Authorized<act::UpdateHcp>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Json<Hcp>> {
    let mut hcp = parse_document(body)?;
    let id = hcp
        .id
        .clone()
        .ok_or_else(|| ApiError::BadRequest("id is required".into()))?;
    check_update_hcp(&auth.caller, &id)?;
    let rev = hcp
        .rev
        .clone()
        .ok_or_else(|| ApiError::BadRequest("rev is required".into()))?;
    let current = store::fetch_pool(&st.pool, &auth.group_id, &id).await?;
    hcp.normalize().map_err(ApiError::BadRequest)?;
    hcp.check_key_chain(&current.public_keys_p256)
        .map_err(ApiError::BadRequest)?;
    if let Some(parent) = hcp.parent_id.as_deref() {
        store::check_parent(&mut *st.pool.acquire().await?, &auth.group_id, parent).await?;
    }
    hcp.rev = Some(new_rev(rev_generation(&rev) + 1));
    hcp.created = current.created;
    hcp.user_id = current.user_id;
    hcp.deletion_date = None;
    hcp.modified = Some(now_ms());
    if !store::update(&st.pool, &auth.group_id, &rev, &hcp).await? {
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

/// Deletes or purges an HCP; its users' sessions end in the same transaction.
async fn remove(
    st: &AppState,
    group_id: &str,
    id: &str,
    rev: Option<String>,
    purge: bool,
) -> ApiResult<DocIdentifier> {
    let rev = rev.ok_or_else(|| ApiError::BadRequest("rev is required".into()))?;
    let mut tx = crate::db::begin_write(&st.pool).await?;
    let next = store::remove(&mut tx, group_id, id, &rev, purge).await?;
    crate::auth::session::end_for_hcp(&mut tx, id).await?;
    if purge {
        store::purge_users(&mut tx, id).await?;
    }
    tx.commit().await?;
    Ok(DocIdentifier {
        id: id.to_owned(),
        rev: next,
    })
}

pub async fn soft_delete(
    State(st): State<AppState>,
    auth: Authorized<act::DeleteHcp>,
    path: PathParams,
    QueryParams(q): QueryParams<RevQuery>,
) -> ApiResult<Json<DocIdentifier>> {
    Ok(Json(
        remove(&st, &auth.group_id, path.get("id")?, q.rev, false).await?,
    ))
}

pub async fn purge(
    State(st): State<AppState>,
    auth: Authorized<act::PurgeHcp>,
    path: PathParams,
    QueryParams(q): QueryParams<RevQuery>,
) -> ApiResult<Json<DocIdentifier>> {
    Ok(Json(
        remove(&st, &auth.group_id, path.get("id")?, q.rev, true).await?,
    ))
}
