//! The connection pool (SQLite by default, PostgreSQL by URL) and the few
//! queries shared by several routes. SQL uses `$n` placeholders, which both
//! databases accept.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{Any, AnyConnection, AnyPool, Row, Transaction};

/// Set on every SQLite connection (most pragmas are per connection). WAL
/// lets readers proceed during an import; with WAL, `synchronous = NORMAL`
/// still survives a killed process (only an OS crash may lose the last
/// commits); foreign keys are off by default; 64 MiB of page cache and 256 MiB
/// of memory-mapped reads keep the indexes of a large database at hand during
/// bulk loads (the duplicate lookups of an import read them all).
const SQLITE_PRAGMAS: [&str; 6] = [
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
    "PRAGMA cache_size = -65536",
    "PRAGMA mmap_size = 268435456",
];

/// How long a request waits for a connection before it is answered 503
/// (sqlx's default, 30 s, would hold every request while the database
/// restarts, and the load balancer's clients with it).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn connect(url: &str) -> Result<AnyPool, sqlx::Error> {
    install_default_drivers();
    let (url, max) = match url {
        // An in-memory SQLite database exists per connection: keep one.
        ":memory:" | "sqlite::memory:" => ("sqlite::memory:".to_owned(), 1),
        u if u.starts_with("postgres") => (u.to_owned(), 16),
        u if u.starts_with("sqlite:") => (u.to_owned(), 4),
        path => (format!("sqlite://{path}?mode=rwc"), 4),
    };
    let sqlite = url.starts_with("sqlite");
    let migrated = Arc::new(AtomicBool::new(false));
    let migrated_flag = Arc::clone(&migrated);
    let pool = AnyPoolOptions::new()
        .max_connections(max)
        // Every connection opened at start and kept: opened on demand, the
        // first second of load after a start (or a quiet spell) forked
        // PostgreSQL backends and filled their caches under the requests,
        // and the list's p99 at 1,000/s was 45-128 ms against 5-8 ms on the
        // same processes once warm (scripts/scale.sh). Connections are not
        // recycled either: all opened together, they would all expire together.
        .min_connections(max)
        .idle_timeout(None)
        .max_lifetime(None)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        // No ping before each use: a round trip per statement (three a
        // request), on top of the one sqlx sends when a connection returns
        // to the pool. A connection the database dropped fails its statement
        // (503) and that return ping closes it; the restart test in
        // scripts/scale.sh sees 200s again within 40 ms of the database.
        .test_before_acquire(false)
        .after_connect(move |conn, _| {
            let migrated = Arc::clone(&migrated_flag);
            Box::pin(async move {
                if sqlite {
                    for pragma in SQLITE_PRAGMAS {
                        sqlx::query(pragma)
                            .persistent(false)
                            .execute(&mut *conn)
                            .await?;
                    }
                }
                // A connection opened after start (the database restarted)
                // is warmed before it serves; those opened before the
                // migrations are warmed below.
                if migrated.load(Ordering::Acquire) {
                    warm_up(conn).await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await?;
    migrate(&pool, sqlite).await?;
    backfill_search(&pool).await?;
    migrated.store(true, Ordering::Release);
    // Held until all are warmed, so that each `try_acquire` yields another.
    let mut opened = Vec::new();
    while let Some(mut conn) = pool.try_acquire() {
        warm_up(&mut conn).await?;
        opened.push(conn);
    }
    drop(opened);
    Ok(pool)
}

/// The statements that every request, every list page and every get run,
/// once on each new connection: a cold PostgreSQL backend parses, plans and
/// loads the tables' metadata on its first use of each, and a pool of cold
/// backends meeting 1,000 requests/s made the list's p99 45-128 ms for the
/// first seconds against 5-8 ms warm (scripts/scale.sh).
async fn warm_up(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    crate::auth::warm_up(conn).await?;
    crate::hcp::store::warm_up(conn).await
}

/// The shared schema (`migrations/`), then the one database's own
/// (`migrations-sqlite/` or `migrations-postgres/`: the search indexes).
/// Each migrator ignores the versions the other applied.
async fn migrate(pool: &AnyPool, sqlite: bool) -> Result<(), sqlx::migrate::MigrateError> {
    let mut shared = sqlx::migrate!("./migrations");
    shared.set_ignore_missing(true);
    shared.run(pool).await?;
    let mut own = if sqlite {
        sqlx::migrate!("./migrations-sqlite")
    } else {
        sqlx::migrate!("./migrations-postgres")
    };
    own.set_ignore_missing(true);
    own.run(pool).await
}

/// Gives the HCPs stored before the search text existed theirs (the
/// migration cannot: the text is made by `hcp_core::search`).
async fn backfill_search(pool: &AnyPool) -> Result<(), sqlx::Error> {
    loop {
        let rows = sqlx::query("SELECT id, doc FROM hcps WHERE search IS NULL LIMIT 500")
            .fetch_all(pool)
            .await?;
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = pool.begin().await?;
        for row in &rows {
            let id: String = row.try_get("id")?;
            let doc: String = row.try_get("doc")?;
            // An unreadable document still gets a text, so the loop ends.
            let hcp = serde_json::from_str::<hcp_core::model::Hcp>(&doc).ok();
            let text = hcp
                .as_ref()
                .map(hcp_core::search::index_text)
                .unwrap_or_default();
            let phone = hcp.as_ref().and_then(hcp_core::search::phone_key);
            sqlx::query("UPDATE hcps SET search = $1, phone_key = $2 WHERE id = $3")
                .bind(text)
                .bind(phone)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    }
}

/// Gives PostgreSQL's planner fresh statistics of the columns an import's
/// key lookups read, when `hcps` or `users` has more than doubled since
/// (autovacuum looks once a minute; an import adds 10,000 rows a second).
/// With statistics of a nearly empty table, the planner answers the bulk
/// lookups by walking every row of the database and testing it against each
/// of 500 keys, and every batch takes longer than the one before. Only those
/// columns: the whole table's `ANALYZE` samples 90,000 rows for the search
/// text's histogram, which took a fifth of an import's database time, and
/// leaves autovacuum its count of changes, so it still analyzes the rest.
/// SQLite needs none.
pub async fn refresh_statistics(pool: &AnyPool) -> Result<(), sqlx::Error> {
    if is_sqlite(pool) {
        return Ok(());
    }
    let stale = sqlx::query(
        "SELECT count(*) AS n FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid \
         WHERE s.relname IN ('hcps', 'users') AND s.n_live_tup > 1000 \
         AND s.n_live_tup > 2 * GREATEST(c.reltuples, 0)",
    )
    .fetch_one(pool)
    .await?
    .try_get::<i64, _>("n")?;
    if stale > 0 {
        sqlx::query("ANALYZE hcps (group_id, email, phone, deleted, is_org), users (login)")
            .execute(pool)
            .await?;
    }
    Ok(())
}

/// Moves the search index's pending entries into the index proper after a
/// bulk insert (PostgreSQL's GIN keeps new entries in an unsorted list of up
/// to 4 MB that every search reads through: 3 ms a search just after an
/// import, against 0.3 ms once merged). Merging in bulk here costs the
/// import what the automatic merge would have. SQLite needs none.
pub async fn merge_search_index(pool: &AnyPool) -> Result<(), sqlx::Error> {
    if is_sqlite(pool) {
        return Ok(());
    }
    sqlx::query("SELECT gin_clean_pending_list('hcps_search_trgm'::regclass) AS merged")
        .execute(pool)
        .await?;
    Ok(())
}

/// Whether the pool is SQLite's (else PostgreSQL's).
pub fn is_sqlite(pool: &AnyPool) -> bool {
    pool.connect_options()
        .database_url
        .scheme()
        .starts_with("sqlite")
}

pub fn is_sqlite_conn(conn: &AnyConnection) -> bool {
    conn.backend_name() == "SQLite"
}

/// A transaction that will write. SQLite's starts with the write lock
/// (`BEGIN IMMEDIATE`): a deferred one that read first could not take it
/// later once another writer committed (SQLITE_BUSY_SNAPSHOT, no retry), so
/// concurrent writers queue at the start instead (busy_timeout).
pub async fn begin_write(pool: &AnyPool) -> Result<Transaction<'static, Any>, sqlx::Error> {
    if is_sqlite(pool) {
        pool.begin_with("BEGIN IMMEDIATE").await
    } else {
        pool.begin().await
    }
}

/// A row lock for a `SELECT` in PostgreSQL (`FOR UPDATE`, `FOR SHARE`); SQLite
/// has none and needs none (its writers hold the whole database).
pub fn row_lock(conn: &AnyConnection, mode: &'static str) -> &'static str {
    match Params::of(conn) {
        Params::Anonymous => "",
        Params::Numbered => mode,
    }
}

/// Placeholders for statements with many parameters (bulk inserts, `IN`
/// lists). PostgreSQL needs `$n`. SQLite gets anonymous `?`: sqlx resolves
/// every named parameter with `sqlite3_bind_parameter_name`, a linear scan,
/// so thousands of `$n` in one statement cost quadratic time (over half of a
/// bulk import's profile). Anonymous parameters bind in textual order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Params {
    Anonymous,
    Numbered,
}

impl Params {
    pub fn of(conn: &AnyConnection) -> Params {
        if is_sqlite_conn(conn) {
            Params::Anonymous
        } else {
            Params::Numbered
        }
    }

    /// The parameter numbered `n` (1-based) in a statement.
    pub fn nth(self, n: usize) -> String {
        match self {
            Params::Anonymous => "?".to_owned(),
            Params::Numbered => format!("${n}"),
        }
    }

    /// `count` parameters from number `first`, comma-separated.
    pub fn list(self, first: usize, count: usize) -> String {
        (first..first + count)
            .map(|n| self.nth(n))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `rows` parenthesized tuples of `cols` parameters, for a multi-row `VALUES`.
    pub fn rows(self, rows: usize, cols: usize) -> String {
        (0..rows)
            .map(|r| format!("({})", self.list(r * cols + 1, cols)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::Params;

    #[test]
    fn placeholders_number_in_textual_order() {
        assert_eq!(Params::Numbered.rows(2, 2), "($1, $2), ($3, $4)");
        assert_eq!(Params::Anonymous.rows(2, 2), "(?, ?), (?, ?)");
        assert_eq!(Params::Numbered.list(2, 3), "$2, $3, $4");
    }
}
