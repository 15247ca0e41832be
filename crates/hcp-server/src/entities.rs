//! The encrypted entities: `/rest/v2/patient`, `/contact` (visits and their
//! Data Samples), `/helement`, `/maintenancetask` (Notifications),
//! `/device`. The server holds ciphertext and clear metadata only, refuses a
//! field meant to be encrypted that arrives in clear, and checks on every
//! read and write that the caller is a delegate (or the author) with the
//! permission it needs: anyone else gets 404 and never the ciphertext.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::routing::{get, put};
use axum::{Json, Router};
use hcp_core::dataowner::OwnerKind;
use hcp_core::dataowner::entity::{Delegation, Entity, EntityKind, Permission, check_document};
use hcp_core::keys::leak::find_private_key;
use hcp_core::rules::is_well_formed_id;
use serde::Deserialize;
use serde_json::Value;
use sqlx::{AnyConnection, Row};

use crate::AppState;
use crate::auth::{Caller, now_ms, session};
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, PathParams, QueryParams};
use crate::hcp::store::{new_rev, rev_generation};
use crate::page::Page;
use crate::policy::{Authorized, act, check_create, data_owner};

const DEFAULT_PAGE: i64 = 100;

/// The routes of one kind, under `/rest/v2/{kind.route()}`.
pub fn routes(kind: EntityKind) -> Router<AppState> {
    let mut router = Router::new()
        .route(
            "/",
            get(move |st, auth, q| list(kind, st, auth, q))
                .post(move |st, auth, body| create(kind, st, auth, body))
                .put(move |st, auth, body| update(kind, st, auth, body)),
        )
        .route(
            "/{id}",
            get(move |st, auth, path| get_one(kind, st, auth, path))
                .delete(move |st, auth, path, q| remove(kind, st, auth, path, q)),
        )
        .route(
            "/{id}/delegations/{delegateId}",
            put(move |st, auth, path, body| share(kind, st, auth, path, body)),
        );
    if kind.belongs_to_patient() {
        router = router.route(
            "/byForeignKey/{key}",
            get(move |st, auth, path, q| by_foreign_key(kind, st, auth, path, q)),
        );
    }
    router
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    limit: Option<i64>,
    start_document_id: Option<String>,
    /// Notifications only: `pending`, `ongoing`, `cancelled` or `completed`.
    status: Option<String>,
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::BadRequest(message.into())
}

fn not_found(kind: EntityKind, id: &str) -> ApiError {
    ApiError::NotFound(format!("no {} {id} shared with you", kind.route()))
}

/// Reads a request's entity: no private key anywhere, only clear metadata in
/// clear, within the caps.
fn parse(kind: EntityKind, body: Value) -> ApiResult<Entity> {
    if let Some(leak) = find_private_key(&body) {
        return Err(bad(format!(
            "requests must never carry a private key (found {})",
            leak.describe()
        )));
    }
    check_document(kind, &body).map_err(bad)?;
    serde_json::from_value(body).map_err(|e| bad(e.to_string()))
}

fn from_doc(doc: &str) -> ApiResult<Entity> {
    serde_json::from_str(doc).map_err(|e| ApiError::Internal(format!("stored entity: {e}")))
}

/// The entity and the caller's permission on it, if it may see it at all.
async fn load(
    db: &mut AnyConnection,
    kind: EntityKind,
    group: &str,
    id: &str,
    me: &str,
) -> ApiResult<(Entity, Permission)> {
    let row = sqlx::query(
        "SELECT e.doc, e.author, a.permission FROM entities e \
         LEFT JOIN entity_access a ON a.entity_id = e.id AND a.data_owner = $4 \
         WHERE e.id = $1 AND e.kind = $2 AND e.group_id = $3 AND e.deleted IS NULL",
    )
    .bind(id)
    .bind(kind.route())
    .bind(group)
    .bind(me)
    .fetch_optional(&mut *db)
    .await?
    .ok_or_else(|| not_found(kind, id))?;
    let author: String = row.try_get("author")?;
    let permission = match row.try_get::<Option<String>, _>("permission")?.as_deref() {
        _ if author == me => Permission::Write,
        Some("write") => Permission::Write,
        Some("read") => Permission::Read,
        _ => return Err(not_found(kind, id)),
    };
    Ok((from_doc(&row.try_get::<String, _>("doc")?)?, permission))
}

fn permission_str(p: Permission) -> &'static str {
    match p {
        Permission::Read => "read",
        Permission::Write => "write",
    }
}

/// Checks that every delegate named is a data owner of the database.
async fn check_delegates(
    db: &mut AnyConnection,
    group: &str,
    delegations: &BTreeMap<String, Delegation>,
) -> ApiResult<()> {
    for delegate in delegations.keys() {
        if !crate::dataowners::exists(db, group, delegate).await? {
            return Err(bad(format!("no data owner {delegate} in this database")));
        }
    }
    Ok(())
}

/// Writes the document and its access and link rows.
async fn store(
    db: &mut AnyConnection,
    kind: EntityKind,
    group: &str,
    entity: &Entity,
    insert: bool,
) -> ApiResult<()> {
    let doc = serde_json::to_string(entity).map_err(|e| ApiError::Internal(e.to_string()))?;
    let status = entity.clear.get("status").and_then(Value::as_str);
    if insert {
        sqlx::query(
            "INSERT INTO entities (id, kind, group_id, rev, author, status, doc, created, modified) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&entity.id)
        .bind(kind.route())
        .bind(group)
        .bind(entity.rev.as_deref())
        .bind(entity.author.as_deref())
        .bind(status)
        .bind(doc)
        .bind(entity.created)
        .bind(entity.modified)
        .execute(&mut *db)
        .await?;
        for key in &entity.secret_foreign_keys {
            sqlx::query("INSERT INTO entity_links (secret_key, entity_id) VALUES ($1, $2)")
                .bind(key)
                .bind(&entity.id)
                .execute(&mut *db)
                .await?;
        }
    } else {
        sqlx::query(
            "UPDATE entities SET rev = $1, status = $2, doc = $3, modified = $4 WHERE id = $5",
        )
        .bind(entity.rev.as_deref())
        .bind(status)
        .bind(doc)
        .bind(entity.modified)
        .bind(&entity.id)
        .execute(&mut *db)
        .await?;
        sqlx::query("DELETE FROM entity_access WHERE entity_id = $1")
            .bind(&entity.id)
            .execute(&mut *db)
            .await?;
    }
    for (delegate, d) in &entity.security_metadata.secure_delegations {
        sqlx::query(
            "INSERT INTO entity_access (entity_id, data_owner, permission) VALUES ($1, $2, $3)",
        )
        .bind(&entity.id)
        .bind(delegate)
        .bind(permission_str(d.permission))
        .execute(&mut *db)
        .await?;
    }
    Ok(())
}

pub async fn create(
    kind: EntityKind,
    State(st): State<AppState>,
    auth: Authorized<act::WriteMedical>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Json<Entity>> {
    check_create(&auth.caller, kind)?;
    let me = data_owner(&auth.caller)?.to_owned();
    let mut entity = parse(kind, body)?;
    if !is_well_formed_id(&entity.id) {
        return Err(bad("id must be a UUID"));
    }
    let delegations = &entity.security_metadata.secure_delegations;
    if delegations.get(&me).map(|d| d.permission) != Some(Permission::Write) {
        return Err(bad(
            "the author must delegate the entity to itself, with write permission",
        ));
    }
    if let Some((delegate, _)) = delegations.iter().find(|(_, d)| d.delegator != me) {
        return Err(bad(format!(
            "the delegation to {delegate} is not the author's"
        )));
    }
    if kind.belongs_to_patient() && entity.secret_foreign_keys.is_empty() {
        return Err(bad(format!(
            "a {} needs its secret foreign key",
            kind.route()
        )));
    }
    if !kind.belongs_to_patient() && !entity.secret_foreign_keys.is_empty() {
        return Err(bad(format!(
            "a {} has no secret foreign keys",
            kind.route()
        )));
    }
    if kind == EntityKind::MaintenanceTask && !entity.clear.contains_key("status") {
        entity
            .clear
            .insert("status".into(), Value::String("pending".into()));
    }
    let now = now_ms();
    entity.rev = Some(new_rev(1));
    entity.created = Some(now);
    entity.modified = Some(now);
    entity.deletion_date = None;
    entity.author = Some(me.clone());
    let mut tx = crate::db::begin_write(&st.pool).await?;
    check_delegates(
        &mut tx,
        &auth.group_id,
        &entity.security_metadata.secure_delegations,
    )
    .await?;
    let taken = sqlx::query("SELECT 1 AS x FROM entities WHERE id = $1")
        .bind(&entity.id)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(ApiError::Conflict(format!("id {} is taken", entity.id)));
    }
    store(&mut tx, kind, &auth.group_id, &entity, true).await?;
    match kind {
        EntityKind::Patient => {
            crate::dataowners::insert(&mut tx, &auth.group_id, &entity.id, OwnerKind::Patient, &me)
                .await?
        }
        EntityKind::Device => {
            crate::dataowners::insert(&mut tx, &auth.group_id, &entity.id, OwnerKind::Device, &me)
                .await?
        }
        _ => {}
    }
    tx.commit().await?;
    Ok(Json(entity))
}

pub async fn get_one(
    kind: EntityKind,
    State(st): State<AppState>,
    auth: Authorized<act::ReadMedical>,
    path: PathParams,
) -> ApiResult<Json<Entity>> {
    let me = data_owner(&auth.caller)?;
    let mut conn = st.pool.acquire().await?;
    let (entity, _) = load(&mut conn, kind, &auth.group_id, path.get("id")?, me).await?;
    Ok(Json(entity))
}

fn page(rows: Vec<sqlx::any::AnyRow>, limit: i64) -> ApiResult<Json<Page<Entity>>> {
    let entities = rows
        .iter()
        .map(|r| from_doc(&r.try_get::<String, _>("doc")?))
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Json(Page::of(entities, limit, |e| Some(e.id))))
}

/// The entities of a kind the caller may read, a page at a time (in id order).
pub async fn list(
    kind: EntityKind,
    State(st): State<AppState>,
    auth: Authorized<act::ReadMedical>,
    QueryParams(q): QueryParams<ListQuery>,
) -> ApiResult<Json<Page<Entity>>> {
    let me = data_owner(&auth.caller)?;
    let limit = crate::page::limit(q.limit, DEFAULT_PAGE)?;
    if q.status.is_some() && kind != EntityKind::MaintenanceTask {
        return Err(bad("only Notifications are listed by status"));
    }
    let rows = sqlx::query(
        "SELECT e.doc FROM entities e JOIN entity_access a ON a.entity_id = e.id AND a.data_owner = $1 \
         WHERE e.kind = $2 AND e.group_id = $3 AND e.deleted IS NULL AND e.id >= $4 \
         AND ($5 = '' OR e.status = $5) ORDER BY e.id LIMIT $6",
    )
    .bind(me)
    .bind(kind.route())
    .bind(&auth.group_id)
    .bind(q.start_document_id.as_deref().unwrap_or(""))
    .bind(q.status.as_deref().unwrap_or(""))
    .bind(limit + 1)
    .fetch_all(&st.pool)
    .await?;
    page(rows, limit)
}

/// A patient's children of this kind the caller may read, by the secret
/// foreign key only the patient's delegates can compute.
pub async fn by_foreign_key(
    kind: EntityKind,
    State(st): State<AppState>,
    auth: Authorized<act::ReadMedical>,
    path: PathParams,
    QueryParams(q): QueryParams<ListQuery>,
) -> ApiResult<Json<Page<Entity>>> {
    let me = data_owner(&auth.caller)?;
    let limit = crate::page::limit(q.limit, DEFAULT_PAGE)?;
    let rows = sqlx::query(
        "SELECT e.doc FROM entity_links l JOIN entities e ON e.id = l.entity_id \
         JOIN entity_access a ON a.entity_id = e.id AND a.data_owner = $1 \
         WHERE l.secret_key = $2 AND e.kind = $3 AND e.group_id = $4 AND e.deleted IS NULL \
         AND e.id >= $5 ORDER BY e.id LIMIT $6",
    )
    .bind(me)
    .bind(path.get("key")?)
    .bind(kind.route())
    .bind(&auth.group_id)
    .bind(q.start_document_id.as_deref().unwrap_or(""))
    .bind(limit + 1)
    .fetch_all(&st.pool)
    .await?;
    page(rows, limit)
}

/// Saves a new version: the caller needs write permission; every delegation
/// it adds or changes must be its own; versions never go back.
pub async fn update(
    kind: EntityKind,
    State(st): State<AppState>,
    auth: Authorized<act::WriteMedical>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Json<Entity>> {
    let me = data_owner(&auth.caller)?.to_owned();
    let mut entity = parse(kind, body)?;
    let rev = entity.rev.clone().ok_or_else(|| bad("rev is required"))?;
    let mut tx = crate::db::begin_write(&st.pool).await?;
    let (stored, permission) = load(&mut tx, kind, &auth.group_id, &entity.id, &me).await?;
    if permission != Permission::Write {
        return Err(ApiError::Forbidden(format!(
            "{} {} is shared with you for reading only",
            kind.route(),
            entity.id
        )));
    }
    if stored.rev.as_deref() != Some(rev.as_str()) {
        return Err(ApiError::Conflict(format!(
            "{} {} was modified by someone else: rev {rev} is not the current rev",
            kind.route(),
            entity.id
        )));
    }
    let old = &stored.security_metadata;
    let new = &entity.security_metadata;
    for (delegate, d) in &new.secure_delegations {
        if old.secure_delegations.get(delegate) != Some(d) && d.delegator != me {
            return Err(bad(format!(
                "the delegation to {delegate} changed, and is not yours"
            )));
        }
    }
    let content_changed =
        entity.encrypted_self != stored.encrypted_self || entity.services != stored.services;
    if new.key_version < old.key_version
        || entity.content_version < stored.content_version
        || (content_changed && entity.content_version == stored.content_version)
    {
        return Err(bad(
            "versions only go forward: a new content needs the next contentVersion",
        ));
    }
    check_delegates(&mut tx, &auth.group_id, &new.secure_delegations).await?;
    entity.rev = Some(new_rev(rev_generation(&rev) + 1));
    entity.created = stored.created;
    entity.author = stored.author;
    entity.secret_foreign_keys = stored.secret_foreign_keys;
    entity.deletion_date = None;
    entity.modified = Some(now_ms());
    store(&mut tx, kind, &auth.group_id, &entity, false).await?;
    tx.commit().await?;
    Ok(Json(entity))
}

/// Adds (or replaces) one delegation: shares the entity with one more data
/// owner without re-encrypting it. A delegate grants no more than it holds.
pub async fn share(
    kind: EntityKind,
    State(st): State<AppState>,
    auth: Authorized<act::ReadMedical>,
    path: PathParams,
    JsonBody(delegation): JsonBody<Delegation>,
) -> ApiResult<Json<Entity>> {
    let me = data_owner(&auth.caller)?.to_owned();
    let (id, delegate) = (path.get("id")?, path.get("delegateId")?);
    if delegation.delegator != me {
        return Err(bad("a delegation you send is yours (delegator)"));
    }
    if delegation.encrypted_key.len() > 512 || delegation.exchange_data_id.len() > 64 {
        return Err(bad("a value of the delegation is too long"));
    }
    let mut tx = crate::db::begin_write(&st.pool).await?;
    let (mut entity, permission) = load(&mut tx, kind, &auth.group_id, id, &me).await?;
    if delegation.permission > permission {
        return Err(ApiError::Forbidden(
            "you cannot grant more than you hold".into(),
        ));
    }
    let delegations = &mut entity.security_metadata.secure_delegations;
    if let Some(existing) = delegations.get(delegate)
        && existing.delegator != me
        && permission != Permission::Write
    {
        return Err(ApiError::Forbidden(format!(
            "{delegate} holds a delegation from someone else"
        )));
    }
    if delegations.len() >= hcp_core::dataowner::entity::MAX_DELEGATIONS {
        return Err(bad("this entity has all the delegates it may have"));
    }
    delegations.insert(delegate.to_owned(), delegation);
    check_delegates(
        &mut tx,
        &auth.group_id,
        &entity.security_metadata.secure_delegations,
    )
    .await?;
    let rev = entity.rev.clone().unwrap_or_default();
    entity.rev = Some(new_rev(rev_generation(&rev) + 1));
    entity.modified = Some(now_ms());
    store(&mut tx, kind, &auth.group_id, &entity, false).await?;
    tx.commit().await?;
    Ok(Json(entity))
}

#[derive(Debug, Deserialize)]
pub struct RevQuery {
    rev: Option<String>,
}

/// Deletes (softly) an entity the caller may write. A deleted patient or
/// device is no longer a data owner: its user's sessions end and it cannot
/// log in.
pub async fn remove(
    kind: EntityKind,
    State(st): State<AppState>,
    auth: Authorized<act::WriteMedical>,
    path: PathParams,
    QueryParams(q): QueryParams<RevQuery>,
) -> ApiResult<Json<Value>> {
    let me = data_owner(&auth.caller)?.to_owned();
    let id = path.get("id")?;
    let rev = q.rev.ok_or_else(|| bad("rev is required"))?;
    let mut tx = crate::db::begin_write(&st.pool).await?;
    let (mut entity, permission) = load(&mut tx, kind, &auth.group_id, id, &me).await?;
    if permission != Permission::Write {
        return Err(ApiError::Forbidden("you may only read this".into()));
    }
    if entity.rev.as_deref() != Some(rev.as_str()) {
        return Err(ApiError::Conflict(format!(
            "rev {rev} is not the current rev"
        )));
    }
    let now = now_ms();
    entity.deletion_date = Some(now);
    entity.rev = Some(new_rev(rev_generation(&rev) + 1));
    let doc = serde_json::to_string(&entity).map_err(|e| ApiError::Internal(e.to_string()))?;
    sqlx::query("UPDATE entities SET deleted = $1, rev = $2, doc = $3 WHERE id = $4")
        .bind(now)
        .bind(entity.rev.as_deref())
        .bind(doc)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if matches!(kind, EntityKind::Patient | EntityKind::Device) {
        sqlx::query("UPDATE data_owners SET deleted = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        end_owner_sessions(&mut tx, id).await?;
    }
    tx.commit().await?;
    Ok(Json(serde_json::json!({ "id": id, "rev": entity.rev })))
}

async fn end_owner_sessions(db: &mut AnyConnection, owner: &str) -> ApiResult<()> {
    let users = sqlx::query("SELECT id FROM users WHERE patient_id = $1 OR device_id = $1")
        .bind(owner)
        .fetch_all(&mut *db)
        .await?;
    for u in users {
        session::end_all(db, &u.try_get::<String, _>("id")?, "data owner deleted").await?;
    }
    Ok(())
}

/// Whether `caller` may write entity `id` (a patient or a device it would
/// create a user for).
pub async fn may_write(
    db: &mut AnyConnection,
    caller: &Caller,
    kind: EntityKind,
    group: &str,
    id: &str,
) -> ApiResult<bool> {
    let Some(me) = caller.role.data_owner() else {
        return Ok(false);
    };
    match load(db, kind, group, id, me).await {
        Ok((_, p)) => Ok(p == Permission::Write),
        Err(ApiError::NotFound(_)) => Ok(false),
        Err(e) => Err(e),
    }
}
