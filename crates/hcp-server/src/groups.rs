//! `GET /rest/v2/group`: the databases (iCure groups) the caller may manage,
//! its own first, so the page can offer a choice.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use sqlx::Row;

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiResult;

#[derive(Debug, Serialize)]
pub struct Database {
    id: String,
    name: String,
    own: bool,
}

pub async fn list(State(st): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<Database>>> {
    let rows = sqlx::query(
        "SELECT id, name FROM groups WHERE id = $1 \
         OR id IN (SELECT group_id FROM admin_groups WHERE user_id = $2) ORDER BY name",
    )
    .bind(&caller.group_id)
    .bind(&caller.user_id)
    .fetch_all(&st.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: String = r.try_get("id")?;
        out.push(Database {
            own: id == caller.group_id,
            name: r.try_get("name")?,
            id,
        });
    }
    out.sort_by_key(|d| !d.own);
    Ok(Json(out))
}
