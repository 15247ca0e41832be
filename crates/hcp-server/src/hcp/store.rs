//! Where HCPs live: one row per HCP holding its JSON document plus the
//! columns queries need. Every statement the routes run on `hcps` is here.

use hcp_core::model::Hcp;
use hcp_core::search::Needle;
use serde::Serialize;
use serde_json::value::RawValue;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row, Transaction};

use crate::auth::{UserStatus, now_ms};
use crate::error::{ApiError, ApiResult};

/// A new HCP or user id: a time-ordered UUID (v7), so bulk inserts append to
/// the primary-key B-trees instead of touching a random page per row.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub fn new_rev(generation: u64) -> String {
    format!("{generation}-{}", uuid::Uuid::new_v4().simple())
}

pub fn rev_generation(rev: &str) -> u64 {
    rev.split_once('-')
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or(0)
}

fn from_row(row: &AnyRow) -> ApiResult<Hcp> {
    let doc: String = row.try_get("doc")?;
    serde_json::from_str(&doc).map_err(|e| ApiError::Internal(format!("stored document: {e}")))
}

/// An HCP's document as stored, answered as it is: a page of them is sent
/// without parsing and writing each again (every one was written by this
/// server from an `Hcp`, and is checked to be JSON when read).
#[derive(Debug)]
pub struct StoredDoc {
    pub id: String,
    doc: Box<RawValue>,
}

impl Serialize for StoredDoc {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.doc.serialize(s)
    }
}

fn stored_from_row(row: &AnyRow) -> ApiResult<StoredDoc> {
    let doc = RawValue::from_string(row.try_get("doc")?)
        .map_err(|e| ApiError::Internal(format!("stored document: {e}")))?;
    Ok(StoredDoc {
        id: row.try_get("id")?,
        doc,
    })
}

fn to_doc(hcp: &Hcp) -> ApiResult<String> {
    serde_json::to_string(hcp).map_err(|e| ApiError::Internal(e.to_string()))
}

/// Lowercase, for the unique index (emails compare case-insensitively).
fn email_column(hcp: &Hcp) -> Option<String> {
    hcp.email().map(str::to_lowercase)
}

/// A live HCP of a database, or 404.
pub async fn fetch(db: &mut AnyConnection, group_id: &str, id: &str) -> ApiResult<Hcp> {
    let row = live_row(db, group_id, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no HCP with id {id}")))?;
    from_row(&row)
}

async fn live_row(
    db: &mut AnyConnection,
    group_id: &str,
    id: &str,
) -> Result<Option<AnyRow>, sqlx::Error> {
    sqlx::query("SELECT doc FROM hcps WHERE id = $1 AND group_id = $2 AND deleted IS NULL")
        .bind(id)
        .bind(group_id)
        .fetch_optional(db)
        .await
}

pub async fn fetch_pool(pool: &AnyPool, group_id: &str, id: &str) -> ApiResult<Hcp> {
    fetch(&mut *pool.acquire().await?, group_id, id).await
}

/// Runs the statements of a list page and of a get by id on a new
/// connection (`db::connect`), matching nothing.
pub async fn warm_up(db: &mut AnyConnection) -> Result<(), sqlx::Error> {
    let everything = Filter {
        group_id: "",
        search: None,
        organizations: None,
        parent_id: None,
    };
    unsearched(db, &everything, "", 0).await?;
    live_row(db, "", "").await.map(drop)
}

/// Which HCPs a page holds.
pub struct Filter<'a> {
    pub group_id: &'a str,
    /// What to look for (`hcp_core::search::needle`); `None`: every HCP.
    pub search: Option<Needle>,
    /// `Some(true)`: organizations only; `Some(false)`: people only.
    pub organizations: Option<bool>,
    /// Only the children of this organization.
    pub parent_id: Option<&'a str>,
}

impl Filter<'_> {
    /// `$3` of `PAGE_WHERE`: 1 organizations, 0 people, -1 both (is_org
    /// is 0 or 1).
    fn kind(&self) -> i64 {
        self.organizations.map(i64::from).unwrap_or(-1)
    }

    /// `$4` of `PAGE_WHERE`: the parent, or '' for any.
    fn parent(&self) -> &str {
        self.parent_id.unwrap_or("")
    }
}

/// The conditions every page has ($1 to $4), on `hcps h`.
const PAGE_WHERE: &str = "h.group_id = $1 AND h.deleted IS NULL AND h.id >= $2 \
     AND ($3 < 0 OR h.is_org = $3) AND ($4 = '' OR h.parent_id = $4)";

/// Above this many index matches, SQLite reads the HCPs in id order and
/// tests each text instead: a needle that common fills a page within a few
/// thousand rows, where sorting every match would cost more.
const SQLITE_INDEX_MAX: i64 = 1000;

/// Up to `limit + 1` HCPs from `start` (an id) on, in id order (the extra
/// one says where the next page starts). A search is a substring of the
/// search text in both databases, found through their trigram indexes.
pub async fn page(
    db: &mut AnyConnection,
    filter: &Filter<'_>,
    start: &str,
    limit: i64,
) -> ApiResult<Vec<StoredDoc>> {
    let Some(needle) = &filter.search else {
        let rows = unsearched(db, filter, start, limit).await?;
        return rows.iter().map(stored_from_row).collect();
    };
    let needle = match needle {
        Needle::Text(text) => text,
        Needle::Phone(key) => return phone_page(db, filter, start, limit, key).await,
    };
    let like = hcp_core::search::like_pattern(needle);
    let indexed = needle.chars().count() >= hcp_core::search::INDEXED_MIN_CHARS;
    let sqlite = crate::db::is_sqlite_conn(db);
    let candidates = if sqlite && indexed {
        sqlite_candidates(db, needle).await?
    } else {
        None
    };
    let rows = if let Some(rowids) = candidates {
        // The `LIKE` again on each row: the index only narrows.
        let sql = format!(
            "SELECT h.id, h.doc FROM json_each($5) c CROSS JOIN hcps h ON h.rowid = c.value \
             WHERE {PAGE_WHERE} AND h.search LIKE $6 ESCAPE '\\' ORDER BY h.id LIMIT $7"
        );
        sqlx::query(&sql)
            .bind(filter.group_id)
            .bind(start)
            .bind(filter.kind())
            .bind(filter.parent())
            .bind(rowids)
            .bind(&like)
            .bind(limit + 1)
            .fetch_all(&mut *db)
            .await?
    } else {
        let sql = format!(
            "SELECT h.id, h.doc FROM hcps h WHERE {PAGE_WHERE} AND h.search LIKE $5 ESCAPE '\\' \
             ORDER BY h.id LIMIT $6"
        );
        // PostgreSQL: an unnamed statement is planned with this needle, so
        // the planner weighs the trigram index against the id order for
        // it (a cached generic plan could not tell a miss from a common hit).
        sqlx::query(&sql)
            .bind(filter.group_id)
            .bind(start)
            .bind(filter.kind())
            .bind(filter.parent())
            .bind(&like)
            .bind(limit + 1)
            .persistent(sqlite)
            .fetch_all(&mut *db)
            .await?
    };
    rows.iter().map(stored_from_row).collect()
}

async fn unsearched(
    db: &mut AnyConnection,
    filter: &Filter<'_>,
    start: &str,
    limit: i64,
) -> Result<Vec<AnyRow>, sqlx::Error> {
    let sql = format!("SELECT h.id, h.doc FROM hcps h WHERE {PAGE_WHERE} ORDER BY h.id LIMIT $5");
    sqlx::query(&sql)
        .bind(filter.group_id)
        .bind(start)
        .bind(filter.kind())
        .bind(filter.parent())
        .bind(limit + 1)
        .fetch_all(db)
        .await
}

/// The HCPs whose mobile number ends with the digits `key` holds reversed:
/// a range of the phone-key B-tree, in either database.
async fn phone_page(
    db: &mut AnyConnection,
    filter: &Filter<'_>,
    start: &str,
    limit: i64,
    key: &str,
) -> ApiResult<Vec<StoredDoc>> {
    let (from, below) = hcp_core::search::phone_key_range(key);
    // SQLite, without statistics, would rather walk the id index (no sort)
    // and test every row; PostgreSQL plans the unnamed statement with the
    // range's bounds.
    let sqlite = crate::db::is_sqlite_conn(db);
    let indexed = if sqlite {
        " INDEXED BY hcps_phone_key"
    } else {
        ""
    };
    // Both bounds in the statement, so both bound the index range (an
    // all-nines key has no upper one).
    let (below_sql, limit_at) = if below.is_some() {
        (" AND h.phone_key < $6", "$7")
    } else {
        ("", "$6")
    };
    let sql = format!(
        "SELECT h.id, h.doc FROM hcps h{indexed} WHERE {PAGE_WHERE} AND h.phone_key >= $5{below_sql} \
         ORDER BY h.id LIMIT {limit_at}"
    );
    let mut q = sqlx::query(&sql)
        .bind(filter.group_id)
        .bind(start)
        .bind(filter.kind())
        .bind(filter.parent())
        .bind(from);
    if let Some(below) = below {
        q = q.bind(below);
    }
    let rows = q
        .bind(limit + 1)
        .persistent(sqlite)
        .fetch_all(&mut *db)
        .await?;
    rows.iter().map(stored_from_row).collect()
}

/// The rowids (a JSON array) of the texts holding `needle`, from the FTS
/// index, when there are fewer than `SQLITE_INDEX_MAX` (every database's
/// HCPs, live or not); `None` when there are more.
async fn sqlite_candidates(db: &mut AnyConnection, needle: &str) -> ApiResult<Option<String>> {
    let row = sqlx::query(
        "SELECT count(*) AS n, json_group_array(rowid) AS ids \
         FROM (SELECT rowid FROM hcps_search WHERE hcps_search MATCH $1 LIMIT $2)",
    )
    .bind(hcp_core::search::fts_phrase(needle))
    .bind(SQLITE_INDEX_MAX)
    .fetch_one(&mut *db)
    .await?;
    let few = row.try_get::<i64, _>("n")? < SQLITE_INDEX_MAX;
    Ok(few.then(|| row.try_get::<String, _>("ids")).transpose()?)
}

/// Checks, inside the caller's transaction, that `parent` is a live
/// organization of the database.
pub async fn check_parent(db: &mut AnyConnection, group_id: &str, parent: &str) -> ApiResult<()> {
    // Locked until the child is in: a concurrent purge of the parent waits,
    // then sees the child and refuses.
    let lock = crate::db::row_lock(db, " FOR SHARE");
    let row = sqlx::query(&format!(
        "SELECT is_org FROM hcps WHERE id = $1 AND group_id = $2 AND deleted IS NULL{lock}"
    ))
    .bind(parent)
    .bind(group_id)
    .fetch_optional(db)
    .await?;
    if row.map(|r| r.try_get::<i64, _>("is_org")).transpose()? != Some(1) {
        return Err(ApiError::BadRequest(format!(
            "parentId {parent} is not an organization of this database"
        )));
    }
    Ok(())
}

pub async fn insert(
    tx: &mut Transaction<'_, sqlx::Any>,
    group_id: &str,
    hcp: &Hcp,
) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO hcps (id, group_id, rev, doc, sort_name, email, phone, parent_id, is_org, created, modified, search, phone_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(hcp.id.as_deref())
    .bind(group_id)
    .bind(hcp.rev.as_deref())
    .bind(to_doc(hcp)?)
    .bind(hcp.sort_name())
    .bind(email_column(hcp))
    .bind(hcp.mobile())
    .bind(hcp.parent_id.as_deref())
    .bind(i64::from(hcp.is_organization()))
    .bind(hcp.created)
    .bind(hcp.modified)
    .bind(hcp_core::search::index_text(hcp))
    .bind(hcp_core::search::phone_key(hcp))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes `hcp` over the stored one if its rev is still `rev`; false when
/// someone else wrote in between (or it was deleted).
pub async fn update(pool: &AnyPool, group_id: &str, rev: &str, hcp: &Hcp) -> ApiResult<bool> {
    let done = sqlx::query(
        "UPDATE hcps SET rev = $1, doc = $2, sort_name = $3, email = $4, phone = $5, parent_id = $6, is_org = $7, modified = $8, search = $12, phone_key = $13 \
         WHERE id = $9 AND group_id = $10 AND rev = $11 AND deleted IS NULL",
    )
    .bind(hcp.rev.as_deref())
    .bind(to_doc(hcp)?)
    .bind(hcp.sort_name())
    .bind(email_column(hcp))
    .bind(hcp.mobile())
    .bind(hcp.parent_id.as_deref())
    .bind(i64::from(hcp.is_organization()))
    .bind(hcp.modified)
    .bind(hcp.id.as_deref())
    .bind(group_id)
    .bind(rev)
    .bind(hcp_core::search::index_text(hcp))
    .bind(hcp_core::search::phone_key(hcp))
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes (or, with `purge`, erases) HCP `id` at rev `rev`, with the rev
/// and the children checked by the statement that deletes, inside the
/// transaction: a concurrent edit or a child added in between makes it a
/// 409, never a reported success. Returns the new rev (the last one, purged).
pub async fn remove(
    tx: &mut Transaction<'_, sqlx::Any>,
    group_id: &str,
    id: &str,
    rev: &str,
    purge: bool,
) -> ApiResult<String> {
    let next = new_rev(rev_generation(rev) + 1);
    // PostgreSQL: hold the row first, so the statements below (each with a
    // fresh snapshot) see a child that a concurrent transaction committed.
    let lock = crate::db::row_lock(tx, " FOR UPDATE");
    sqlx::query(&format!(
        "SELECT id FROM hcps WHERE id = $1 AND group_id = $2{lock}"
    ))
    .bind(id)
    .bind(group_id)
    .fetch_optional(&mut **tx)
    .await?;
    let no_children = "NOT EXISTS (SELECT 1 FROM hcps c WHERE c.group_id = $2 AND c.parent_id = $1 AND c.deleted IS NULL)";
    let done = if purge {
        sqlx::query(&format!(
            "DELETE FROM hcps WHERE id = $1 AND group_id = $2 AND rev = $3 AND {no_children}"
        ))
        .bind(id)
        .bind(group_id)
        .bind(rev)
        .execute(&mut **tx)
        .await?
    } else {
        let mut doc = fetch(tx, group_id, id).await?;
        doc.deletion_date = Some(now_ms());
        doc.rev = Some(next.clone());
        sqlx::query(&format!(
            "UPDATE hcps SET deleted = $4, rev = $5, doc = $6 \
             WHERE id = $1 AND group_id = $2 AND rev = $3 AND deleted IS NULL AND {no_children}"
        ))
        .bind(id)
        .bind(group_id)
        .bind(rev)
        .bind(doc.deletion_date)
        .bind(&next)
        .bind(to_doc(&doc)?)
        .execute(&mut **tx)
        .await?
    };
    if done.rows_affected() == 1 {
        return Ok(next);
    }
    // Say why, from what the transaction sees now.
    let current = sqlx::query("SELECT rev, deleted FROM hcps WHERE id = $1 AND group_id = $2")
        .bind(id)
        .bind(group_id)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(current) = current else {
        return Err(ApiError::NotFound(format!("no HCP with id {id}")));
    };
    if current.try_get::<Option<i64>, _>("deleted")?.is_some() && !purge {
        return Err(ApiError::NotFound(format!("no HCP with id {id}")));
    }
    let current_rev: String = current.try_get("rev")?;
    if current_rev != rev {
        return Err(ApiError::Conflict(format!(
            "HCP {id}: rev {rev} is not the current rev {current_rev}"
        )));
    }
    Err(ApiError::Conflict(format!(
        "organization {id} still has HCPs; move or delete them first"
    )))
}

/// Erases what hangs off the users of a purged HCP, then the users.
pub async fn purge_users(tx: &mut Transaction<'_, sqlx::Any>, hcp_id: &str) -> ApiResult<()> {
    let of_users = "(SELECT id FROM users WHERE hcp_id = $1)";
    sqlx::query(&format!(
        "UPDATE outbox SET body = $2 WHERE invitation_id IN (SELECT id FROM invitations WHERE user_id IN {of_users})"
    ))
    .bind(hcp_id)
    .bind(crate::invite::withdrawn_body())
    .execute(&mut **tx)
    .await?;
    for table in ["auth_tokens", "invitations", "sessions"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE user_id IN {of_users}"))
            .bind(hcp_id)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("DELETE FROM users WHERE hcp_id = $1")
        .bind(hcp_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Rows per multi-row INSERT: far below both databases' parameter limits,
/// large enough that round trips stop dominating a bulk import.
const INSERT_CHUNK: usize = 200;

/// A person to insert with its user: the document and the user's login.
pub struct NewPerson {
    pub hcp: Hcp,
    pub login: String,
}

/// Inserts many people and their linked users (login = email) in few
/// statements; `created_by` is the user who created them.
pub async fn insert_people(
    tx: &mut Transaction<'_, sqlx::Any>,
    group_id: &str,
    people: &[NewPerson],
    created_by: &str,
    now: i64,
) -> ApiResult<()> {
    let params = crate::db::Params::of(tx);
    for chunk in people.chunks(INSERT_CHUNK) {
        let sql = format!(
            "INSERT INTO users (id, group_id, login, email, hcp_id, status, created, rev, kind, created_by) VALUES {}",
            params.rows(chunk.len(), 10)
        );
        let mut q = sqlx::query(&sql);
        for p in chunk {
            q = q
                .bind(p.hcp.user_id.clone())
                .bind(group_id)
                .bind(p.login.clone())
                .bind(p.login.clone())
                .bind(p.hcp.id.clone());
            q = q
                .bind(UserStatus::Active.as_str())
                .bind(now)
                .bind(new_rev(1))
                .bind("hcp")
                .bind(created_by);
        }
        q.execute(&mut **tx).await?;
        let sql = format!(
            "INSERT INTO hcps (id, group_id, rev, doc, sort_name, email, phone, parent_id, is_org, created, modified, search, phone_key) VALUES {}",
            params.rows(chunk.len(), 13)
        );
        let mut q = sqlx::query(&sql);
        for p in chunk {
            q = q
                .bind(p.hcp.id.clone())
                .bind(group_id)
                .bind(p.hcp.rev.clone())
                .bind(to_doc(&p.hcp)?)
                .bind(p.hcp.sort_name());
            q = q
                .bind(p.login.clone())
                .bind(p.hcp.mobile().map(str::to_owned))
                .bind(p.hcp.parent_id.clone());
            q = q
                .bind(0i64)
                .bind(p.hcp.created)
                .bind(p.hcp.modified)
                .bind(hcp_core::search::index_text(&p.hcp))
                .bind(hcp_core::search::phone_key(&p.hcp));
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Whether a login is taken by any user (logins are unique across databases).
pub async fn login_taken(db: &mut AnyConnection, login: &str) -> ApiResult<bool> {
    Ok(sqlx::query("SELECT 1 AS x FROM users WHERE login = $1")
        .bind(login)
        .fetch_optional(db)
        .await?
        .is_some())
}
