//! The demo database behind `hcp-server --demo`: an administrator, a
//! database with an organization and a few HCPs (one of them with a
//! password, to log in as an HCP user), and a second database the
//! administrator may also manage.

use sqlx::AnyPool;

use hcp_core::model::{organization_document, person_document};
use hcp_core::rules::PersonInput;
use serde_json::json;

use crate::auth::now_ms;
use crate::auth::password::hash_blocking;
use crate::error::ApiError;
use crate::hcp::create_in;

pub const DEMO_LOGIN: &str = "admin@demo.hcp-kit";
pub const DEMO_PASSWORD: &str = "demo-admin-password";
pub const DEMO_GROUP: &str = "demo-clinic";
pub const OTHER_GROUP: &str = "demo-research";
pub const DEMO_ORG_ID: &str = "7d0f4a2e-1b3c-4d5e-8f90-a1b2c3d4e5f6";
/// The demo HCP user: Anne Dupont, a person of the demo clinic.
pub const DEMO_HCP_LOGIN: &str = "anne.dupont@example.be";
pub const DEMO_HCP_PASSWORD: &str = "demo-hcp-password";
pub const DEMO_HCP_ID: &str = "00000000-0000-4000-8000-000000000001";
/// The passphrase of the demo HCP's keypair file.
pub const DEMO_KEY_PASSPHRASE: &str = "demo-key-passphrase";

/// Creates an administrator of `group_id` (and of `also`: both are granted
/// to it), returning its user id.
pub async fn create_admin(
    pool: &AnyPool,
    login: &str,
    password: &str,
    group_id: &str,
    also: &[&str],
) -> Result<String, ApiError> {
    let id = uuid::Uuid::new_v4().to_string();
    for g in std::iter::once(&group_id).chain(also) {
        sqlx::query("INSERT INTO groups (id, name) SELECT $1, $1 WHERE NOT EXISTS (SELECT 1 FROM groups WHERE id = $1)")
            .bind(*g)
            .execute(pool)
            .await?;
    }
    sqlx::query("INSERT INTO users (id, group_id, login, email, password_hash, status, created, rev, kind) VALUES ($1, $2, $3, $3, $4, 'ACTIVE', $5, '1-admin', 'admin')")
        .bind(&id)
        .bind(group_id)
        .bind(login)
        .bind(hash_blocking(password)?)
        .bind(now_ms())
        .execute(pool)
        .await?;
    for g in std::iter::once(&group_id).chain(also) {
        sqlx::query("INSERT INTO admin_groups (user_id, group_id) VALUES ($1, $2)")
            .bind(&id)
            .bind(*g)
            .execute(pool)
            .await?;
    }
    Ok(id)
}

/// Seeds the demo database once (a second run finds the admin and does nothing).
pub async fn seed(pool: &AnyPool) -> Result<(), ApiError> {
    let exists = sqlx::query("SELECT 1 AS x FROM users WHERE login = $1")
        .bind(DEMO_LOGIN)
        .fetch_optional(pool)
        .await?;
    if exists.is_some() {
        return Ok(());
    }
    let admin = create_admin(pool, DEMO_LOGIN, DEMO_PASSWORD, DEMO_GROUP, &[OTHER_GROUP]).await?;
    // The documents the "Add User" form sends, through the same create path,
    // so the people get their users.
    let seed_error =
        |what: &str| ApiError::Internal(format!("demo {what} does not pass the rules"));
    let mut tx = crate::db::begin_write(pool).await?;
    let org = organization_document("Clinique du Parc", Some("contact@clinique-du-parc.example"))
        .map_err(|_| seed_error("organization"))?;
    let mut org = serde_json::to_value(org).map_err(|_| seed_error("organization"))?;
    org["id"] = json!(DEMO_ORG_ID);
    create_in(&mut tx, DEMO_GROUP, org, &admin).await?;
    for (i, (first, last, email, phone)) in [
        ("Anne", "Dupont", "anne.dupont@example.be", "+32475123456"),
        ("Jean-Luc", "Martin", "jl.martin@example.fr", "+33612345678"),
        ("Zoë", "Van den Berghe", "zoe@example.be", "+32478001122"),
    ]
    .into_iter()
    .enumerate()
    {
        let input = PersonInput {
            first_name: first.into(),
            last_name: last.into(),
            email: email.into(),
            mobile_phone: phone.into(),
            parent_id: DEMO_ORG_ID.into(),
            ..PersonInput::default()
        };
        let person = person_document(&input).map_err(|_| seed_error("person"))?;
        let mut person = serde_json::to_value(person).map_err(|_| seed_error("person"))?;
        person["id"] = json!(format!("00000000-0000-4000-8000-00000000000{}", i + 1));
        create_in(&mut tx, DEMO_GROUP, person, &admin).await?;
    }
    sqlx::query("UPDATE users SET password_hash = $1 WHERE login = $2")
        .bind(hash_blocking(DEMO_HCP_PASSWORD)?)
        .bind(DEMO_HCP_LOGIN)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Gives the demo HCP (Anne Dupont) a key pair, registered on her HCP with
/// its certificate, and writes her keypair file (sealed with
/// `DEMO_KEY_PASSPHRASE`) to `path`, so the data owners' page can be tried
/// at once. Does nothing when she already has a key and the file exists.
pub async fn write_hcp_key(pool: &AnyPool, path: &std::path::Path) -> Result<(), ApiError> {
    use hcp_core::crypto::certs::certify;
    use hcp_core::keys::KeyPair;
    use hcp_core::keys::file::{SaveOptions, to_json};
    let mut conn = pool.acquire().await?;
    let mut anne = crate::hcp::store::fetch(&mut conn, DEMO_GROUP, DEMO_HCP_ID).await?;
    if !anne.public_keys_p256.is_empty() && path.exists() {
        return Ok(());
    }
    let key = KeyPair::generate().map_err(|e| ApiError::Internal(e.to_string()))?;
    let options = SaveOptions {
        passphrase: Some(zeroize::Zeroizing::new(DEMO_KEY_PASSPHRASE.to_owned())),
        ..SaveOptions::default()
    };
    let file = to_json(&key, DEMO_HCP_ID, "2026-01-01T00:00:00Z", &options)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let public = key.public_key();
    anne.public_keys_p256 = vec![public.spki_hex()];
    anne.key_certificates = [(public.fingerprint(), certify(DEMO_HCP_ID, &key, public))].into();
    let rev = anne.rev.clone().unwrap_or_default();
    anne.rev = Some(crate::hcp::store::new_rev(
        crate::hcp::store::rev_generation(&rev) + 1,
    ));
    if !crate::hcp::store::update(pool, DEMO_GROUP, &rev, &anne).await? {
        return Err(ApiError::Internal(
            "the demo HCP changed while seeding".into(),
        ));
    }
    std::fs::write(path, file.as_bytes())
        .map_err(|e| ApiError::Internal(format!("writing {}: {e}", path.display())))?;
    Ok(())
}
