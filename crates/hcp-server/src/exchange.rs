//! `/rest/v2/exchangedata`: the wrapped exchange keys of each (delegator,
//! delegate) pair. The server cannot open them; it checks only who may
//! write (the delegator) and who may read (either party).

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use hcp_core::crypto::exchange::ExchangeData;
use hcp_core::model::MAX_PUBLIC_KEYS;
use hcp_core::rules::is_well_formed_id;
use sqlx::Row;

use crate::AppState;
use crate::auth::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, PathParams};
use crate::hcp::store::{new_rev, rev_generation};
use crate::policy::{Authorized, act, data_owner};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", post(create).put(update))
        .route("/{id}", get(get_one))
        .route("/byDelegatorDelegate/{delegator}/{delegate}", get(by_pair))
}

fn parse(doc: &str) -> ApiResult<ExchangeData> {
    serde_json::from_str(doc).map_err(|e| ApiError::Internal(format!("stored exchange data: {e}")))
}

fn check(data: &ExchangeData, me: &str) -> ApiResult<()> {
    if data.delegator != me {
        return Err(ApiError::Forbidden(
            "only the delegator writes its exchange data".into(),
        ));
    }
    if !is_well_formed_id(&data.id) {
        return Err(ApiError::BadRequest("id must be a UUID".into()));
    }
    if data.wrapped_keys.len() > 2 * MAX_PUBLIC_KEYS {
        return Err(ApiError::BadRequest("too many wrapped keys".into()));
    }
    let too_long = data
        .wrapped_keys
        .iter()
        .any(|(k, v)| k.len() > 64 || v.len() > 512)
        || data.signature.len() > 256
        || [&data.delegator_root, &data.delegate_root, &data.signed_by]
            .iter()
            .any(|s| s.len() > 64);
    if too_long {
        return Err(ApiError::BadRequest(
            "a value of the exchange data is too long".into(),
        ));
    }
    Ok(())
}

pub async fn create(
    State(st): State<AppState>,
    auth: Authorized<act::ExchangeData>,
    JsonBody(mut data): JsonBody<ExchangeData>,
) -> ApiResult<Json<ExchangeData>> {
    check(&data, data_owner(&auth.caller)?)?;
    let mut tx = crate::db::begin_write(&st.pool).await?;
    if !crate::dataowners::exists(&mut tx, &auth.group_id, &data.delegate).await? {
        return Err(ApiError::BadRequest(format!(
            "no data owner {} in this database",
            data.delegate
        )));
    }
    let now = now_ms();
    data.rev = Some(new_rev(1));
    let doc = serde_json::to_string(&data).map_err(|e| ApiError::Internal(e.to_string()))?;
    let inserted = sqlx::query(
        "INSERT INTO exchange_data (id, group_id, delegator, delegate, rev, doc, created, modified) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(&data.id)
    .bind(&auth.group_id)
    .bind(&data.delegator)
    .bind(&data.delegate)
    .bind(data.rev.as_deref())
    .bind(doc)
    .bind(now)
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(ApiError::Conflict(
                "exchange data for this pair (or this id) already exists".into(),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(Json(data))
}

pub async fn update(
    State(st): State<AppState>,
    auth: Authorized<act::ExchangeData>,
    JsonBody(mut data): JsonBody<ExchangeData>,
) -> ApiResult<Json<ExchangeData>> {
    check(&data, data_owner(&auth.caller)?)?;
    let rev = data
        .rev
        .clone()
        .ok_or_else(|| ApiError::BadRequest("rev is required".into()))?;
    let next = new_rev(rev_generation(&rev) + 1);
    data.rev = Some(next.clone());
    let doc = serde_json::to_string(&data).map_err(|e| ApiError::Internal(e.to_string()))?;
    let done = sqlx::query(
        "UPDATE exchange_data SET doc = $1, rev = $2, modified = $3 \
         WHERE id = $4 AND group_id = $5 AND delegator = $6 AND delegate = $7 AND rev = $8",
    )
    .bind(doc)
    .bind(&next)
    .bind(now_ms())
    .bind(&data.id)
    .bind(&auth.group_id)
    .bind(&data.delegator)
    .bind(&data.delegate)
    .bind(&rev)
    .execute(&st.pool)
    .await?;
    if done.rows_affected() != 1 {
        return Err(ApiError::Conflict(format!(
            "exchange data {}: rev {rev} is not current (or the pair changed)",
            data.id
        )));
    }
    Ok(Json(data))
}

/// The exchange data found, if the caller is one of its two parties.
fn answer(me: &str, row: Option<sqlx::any::AnyRow>, what: &str) -> ApiResult<Json<ExchangeData>> {
    let data = match row {
        Some(r) => parse(&r.try_get::<String, _>("doc")?)?,
        None => return Err(ApiError::NotFound(format!("no exchange data {what}"))),
    };
    if data.delegator != me && data.delegate != me {
        return Err(ApiError::NotFound(format!("no exchange data {what}")));
    }
    Ok(Json(data))
}

pub async fn get_one(
    State(st): State<AppState>,
    auth: Authorized<act::ExchangeData>,
    path: PathParams,
) -> ApiResult<Json<ExchangeData>> {
    let me = data_owner(&auth.caller)?;
    let id = path.get("id")?;
    let row = sqlx::query("SELECT doc FROM exchange_data WHERE id = $1 AND group_id = $2")
        .bind(id)
        .bind(&auth.group_id)
        .fetch_optional(&st.pool)
        .await?;
    answer(me, row, id)
}

pub async fn by_pair(
    State(st): State<AppState>,
    auth: Authorized<act::ExchangeData>,
    path: PathParams,
) -> ApiResult<Json<ExchangeData>> {
    let me = data_owner(&auth.caller)?;
    let (delegator, delegate) = (path.get("delegator")?, path.get("delegate")?);
    if me != delegator && me != delegate {
        return Err(ApiError::Forbidden(
            "only the two parties read their exchange data".into(),
        ));
    }
    let row = sqlx::query(
        "SELECT doc FROM exchange_data WHERE delegator = $1 AND delegate = $2 AND group_id = $3",
    )
    .bind(delegator)
    .bind(delegate)
    .bind(&auth.group_id)
    .fetch_optional(&st.pool)
    .await?;
    answer(me, row, &format!("from {delegator} to {delegate}"))
}
