//! `GET /rest/v2/dataowner/{id}`: the public keys (and their certificates)
//! of an HCP, a patient or a device; `POST .../{id}/keys` adds one, by the
//! data owner's own user, only if the chain still verifies. HCP keys live in
//! the HCP's document (the HCP tab registers them), patients' and devices'
//! in `data_owners`.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use hcp_core::crypto::certs::{KeyCertificate, verify_chain};
use hcp_core::dataowner::{DataOwnerKeys, NewKey, OwnerKind};
use hcp_core::keys::PublicKey;
use sqlx::{AnyConnection, Row};

use crate::AppState;
use crate::auth::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, PathParams};
use crate::hcp::store::{self, new_rev, rev_generation};
use crate::policy::{Authorized, act, data_owner};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{id}", get(get_owner))
        .route("/{id}/keys", post(add_key))
}

/// The keys of data owner `id` of database `group_id`, if it is one.
pub async fn find(
    db: &mut AnyConnection,
    group_id: &str,
    id: &str,
) -> ApiResult<Option<DataOwnerKeys>> {
    if let Ok(hcp) = store::fetch(db, group_id, id).await {
        return Ok(Some(DataOwnerKeys {
            id: id.to_owned(),
            kind: OwnerKind::Hcp,
            public_keys_p256: hcp.public_keys_p256,
            key_certificates: hcp.key_certificates,
        }));
    }
    let row = sqlx::query(
        "SELECT kind, public_keys, key_certificates FROM data_owners WHERE id = $1 AND group_id = $2 AND deleted IS NULL",
    )
    .bind(id)
    .bind(group_id)
    .fetch_optional(&mut *db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let kind = match row.try_get::<String, _>("kind")?.as_str() {
        "patient" => OwnerKind::Patient,
        "device" => OwnerKind::Device,
        other => return Err(ApiError::Internal(format!("data owner kind {other}"))),
    };
    let text = |c: &str| row.try_get::<String, _>(c);
    Ok(Some(DataOwnerKeys {
        id: id.to_owned(),
        kind,
        public_keys_p256: serde_json::from_str(&text("public_keys")?)
            .map_err(|e| ApiError::Internal(e.to_string()))?,
        key_certificates: serde_json::from_str(&text("key_certificates")?)
            .map_err(|e| ApiError::Internal(e.to_string()))?,
    }))
}

/// Whether `id` is a live data owner of the database.
pub async fn exists(db: &mut AnyConnection, group_id: &str, id: &str) -> ApiResult<bool> {
    Ok(find(db, group_id, id).await?.is_some())
}

/// Registers a patient's or a device's data owner (no key yet: its user
/// adds the first one on its first login).
pub async fn insert(
    db: &mut AnyConnection,
    group_id: &str,
    id: &str,
    kind: OwnerKind,
    created_by: &str,
) -> ApiResult<()> {
    let kind = match kind {
        OwnerKind::Patient => "patient",
        OwnerKind::Device => "device",
        OwnerKind::Hcp => return Err(ApiError::Internal("an HCP is not stored here".into())),
    };
    sqlx::query(
        "INSERT INTO data_owners (id, group_id, kind, public_keys, key_certificates, created_by, created) \
         VALUES ($1, $2, $3, '[]', '{}', $4, $5)",
    )
    .bind(id)
    .bind(group_id)
    .bind(kind)
    .bind(created_by)
    .bind(now_ms())
    .execute(db)
    .await?;
    Ok(())
}

pub async fn get_owner(
    State(st): State<AppState>,
    auth: Authorized<act::ReadDataOwner>,
    path: PathParams,
) -> ApiResult<Json<DataOwnerKeys>> {
    let id = path.get("id")?;
    let mut conn = st.pool.acquire().await?;
    find(&mut conn, &auth.group_id, id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("no data owner {id} in this database")))
}

/// Appends a key with its certificate; the chain must still verify.
pub async fn add_key(
    State(st): State<AppState>,
    auth: Authorized<act::ManageOwnKeys>,
    path: PathParams,
    JsonBody(new): JsonBody<NewKey>,
) -> ApiResult<Json<DataOwnerKeys>> {
    let id = path.get("id")?;
    if data_owner(&auth.caller)? != id {
        return Err(ApiError::Forbidden(
            "a data owner adds keys to itself only".into(),
        ));
    }
    let key = PublicKey::parse(&new.public_key)
        .map_err(|e| ApiError::BadRequest(format!("publicKey: {e}")))?;
    let mut tx = crate::db::begin_write(&st.pool).await?;
    let mut owner = find(&mut tx, &auth.group_id, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no data owner {id}")))?;
    let hex = key.spki_hex();
    if owner.public_keys_p256.contains(&hex) {
        return Ok(Json(owner));
    }
    if owner.public_keys_p256.len() >= hcp_core::model::MAX_PUBLIC_KEYS {
        return Err(ApiError::BadRequest(
            "this data owner has all the keys it may have".into(),
        ));
    }
    owner.public_keys_p256.push(hex);
    owner
        .key_certificates
        .insert(key.fingerprint(), new.certificate);
    verify_chain(id, &owner.public_keys_p256, &owner.key_certificates)
        .map_err(|e| ApiError::BadRequest(format!("the key does not extend the chain: {e}")))?;
    save(&mut tx, &auth.group_id, &owner).await?;
    tx.commit().await?;
    Ok(Json(owner))
}

async fn save(db: &mut AnyConnection, group_id: &str, owner: &DataOwnerKeys) -> ApiResult<()> {
    let certs: &BTreeMap<String, KeyCertificate> = &owner.key_certificates;
    match owner.kind {
        OwnerKind::Hcp => {
            let mut hcp = store::fetch(db, group_id, &owner.id).await?;
            let rev = hcp.rev.clone().unwrap_or_default();
            hcp.public_keys_p256 = owner.public_keys_p256.clone();
            hcp.key_certificates = certs.clone();
            hcp.rev = Some(new_rev(rev_generation(&rev) + 1));
            hcp.modified = Some(now_ms());
            let doc = serde_json::to_string(&hcp).map_err(|e| ApiError::Internal(e.to_string()))?;
            sqlx::query("UPDATE hcps SET doc = $1, rev = $2, modified = $3 WHERE id = $4 AND group_id = $5 AND rev = $6")
                .bind(doc)
                .bind(hcp.rev.as_deref())
                .bind(hcp.modified)
                .bind(&owner.id)
                .bind(group_id)
                .bind(&rev)
                .execute(db)
                .await?;
        }
        OwnerKind::Patient | OwnerKind::Device => {
            sqlx::query("UPDATE data_owners SET public_keys = $1, key_certificates = $2 WHERE id = $3 AND group_id = $4")
                .bind(serde_json::to_string(&owner.public_keys_p256).map_err(|e| ApiError::Internal(e.to_string()))?)
                .bind(serde_json::to_string(certs).map_err(|e| ApiError::Internal(e.to_string()))?)
                .bind(&owner.id)
                .bind(group_id)
                .execute(db)
                .await?;
        }
    }
    Ok(())
}
