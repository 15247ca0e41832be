//! `GET /rest/v2/group`: the databases (iCure groups) the caller may use,
//! its own first: an administrator's granted ones, a data owner's own.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use sqlx::Row;

use crate::AppState;
use crate::auth::Role;
use crate::error::ApiResult;
use crate::policy::{Authorized, act};

#[derive(Debug, Serialize)]
pub struct Database {
    id: String,
    name: String,
    own: bool,
}

pub async fn list(
    State(st): State<AppState>,
    auth: Authorized<act::ListDatabases>,
) -> ApiResult<Json<Vec<Database>>> {
    let caller = &auth.caller;
    let rows = match caller.role {
        Role::Admin => {
            sqlx::query(
                "SELECT id, name FROM groups WHERE id IN \
                 (SELECT group_id FROM admin_groups WHERE user_id = $1) ORDER BY name",
            )
            .bind(&caller.user_id)
            .fetch_all(&st.pool)
            .await?
        }
        _ => {
            sqlx::query("SELECT id, name FROM groups WHERE id = $1")
                .bind(&caller.home_group)
                .fetch_all(&st.pool)
                .await?
        }
    };
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: String = r.try_get("id")?;
        out.push(Database {
            own: id == caller.home_group,
            name: r.try_get("name")?,
            id,
        });
    }
    out.sort_by_key(|d| !d.own);
    Ok(Json(out))
}
