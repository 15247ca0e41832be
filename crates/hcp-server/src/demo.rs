//! The demo database behind `hcp-server --demo`: an administrator, a
//! database with an organization and a few HCPs, and a second database the
//! administrator may also manage.

use sqlx::AnyPool;

use crate::auth::{hash_password, now_ms};
use crate::error::ApiError;

pub const DEMO_LOGIN: &str = "admin@demo.hcp-kit";
pub const DEMO_PASSWORD: &str = "demo-admin-password";
pub const DEMO_GROUP: &str = "demo-clinic";
pub const OTHER_GROUP: &str = "demo-research";
pub const DEMO_ORG_ID: &str = "7d0f4a2e-1b3c-4d5e-8f90-a1b2c3d4e5f6";

/// Creates an administrator of `group_id` (and of `also`), returning its user id.
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
    sqlx::query("INSERT INTO users (id, group_id, login, email, password_hash, status, created, rev) VALUES ($1, $2, $3, $3, $4, 'ACTIVE', $5, '1-admin')")
        .bind(&id)
        .bind(group_id)
        .bind(login)
        .bind(hash_password(password)?)
        .bind(now_ms())
        .execute(pool)
        .await?;
    for g in also {
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
    create_admin(pool, DEMO_LOGIN, DEMO_PASSWORD, DEMO_GROUP, &[OTHER_GROUP]).await?;
    let now = now_ms();
    let org = serde_json::json!({
        "id": DEMO_ORG_ID, "rev": "1-demo", "created": now, "modified": now,
        "name": "Clinique du Parc",
        "addresses": [{"addressType": "work", "telecoms": [{"telecomType": "email", "telecomNumber": "contact@clinique-du-parc.example"}]}],
        "publicKeysP256": []
    });
    insert_raw(
        pool,
        DEMO_ORG_ID,
        &org,
        "clinique du parc",
        Some("contact@clinique-du-parc.example"),
        None,
        None,
        true,
        now,
    )
    .await?;
    for (i, (first, last, email, phone)) in [
        ("Anne", "Dupont", "anne.dupont@example.be", "+32475123456"),
        ("Jean-Luc", "Martin", "jl.martin@example.fr", "+33612345678"),
        ("Zoë", "Van den Berghe", "zoe@example.be", "+32478001122"),
    ]
    .into_iter()
    .enumerate()
    {
        let id = format!("00000000-0000-4000-8000-00000000000{}", i + 1);
        let doc = serde_json::json!({
            "id": id, "rev": "1-demo", "created": now, "modified": now,
            "firstName": first, "lastName": last, "parentId": DEMO_ORG_ID,
            "addresses": [{"addressType": "work", "telecoms": [
                {"telecomType": "email", "telecomNumber": email},
                {"telecomType": "mobile", "telecomNumber": phone}]}],
            "publicKeysP256": []
        });
        let sort = format!("{last} {first}").to_lowercase();
        insert_raw(
            pool,
            &id,
            &doc,
            &sort,
            Some(email),
            Some(phone),
            Some(DEMO_ORG_ID),
            false,
            now,
        )
        .await?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn insert_raw(
    pool: &AnyPool,
    id: &str,
    doc: &serde_json::Value,
    sort: &str,
    email: Option<&str>,
    phone: Option<&str>,
    parent: Option<&str>,
    is_org: bool,
    now: i64,
) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO hcps (id, group_id, rev, doc, sort_name, email, phone, parent_id, is_org, created, modified) \
         VALUES ($1, $2, '1-demo', $3, $4, $5, $6, $7, $8, $9, $9)",
    )
    .bind(id)
    .bind(DEMO_GROUP)
    .bind(doc.to_string())
    .bind(sort)
    .bind(email)
    .bind(phone)
    .bind(parent)
    .bind(i64::from(is_org))
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}
