//! The connection pool (SQLite by default, PostgreSQL by URL) and the few
//! queries shared by several routes. SQL uses `$n` placeholders, which both
//! databases accept.

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Row};

use crate::error::ApiError;

pub async fn connect(url: &str) -> Result<AnyPool, sqlx::Error> {
    install_default_drivers();
    let (url, max) = match url {
        // An in-memory SQLite database exists per connection: keep one.
        ":memory:" | "sqlite::memory:" => ("sqlite::memory:".to_owned(), 1),
        u if u.starts_with("postgres") => (u.to_owned(), 16),
        u if u.starts_with("sqlite:") => (u.to_owned(), 4),
        path => (format!("sqlite://{path}?mode=rwc"), 4),
    };
    let pool = AnyPoolOptions::new()
        .max_connections(max)
        .connect(&url)
        .await?;
    if url.starts_with("sqlite") {
        // WAL lets readers proceed during an import; foreign keys are off by default in SQLite.
        for pragma in [
            "PRAGMA journal_mode = WAL",
            "PRAGMA foreign_keys = ON",
            "PRAGMA busy_timeout = 5000",
        ] {
            sqlx::query(pragma).execute(&pool).await?;
        }
    }
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

pub async fn user_group(pool: &AnyPool, user_id: &str) -> Result<Option<String>, ApiError> {
    let row = sqlx::query("SELECT group_id FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|r| r.get::<String, _>("group_id")))
}

/// Whether `user_id` may act on database `group_id`: its own, or one granted to it.
pub async fn may_access(
    pool: &AnyPool,
    user_id: &str,
    own_group: &str,
    group_id: &str,
) -> Result<bool, ApiError> {
    if own_group == group_id {
        return Ok(true);
    }
    let row = sqlx::query("SELECT 1 AS ok FROM admin_groups WHERE user_id = $1 AND group_id = $2")
        .bind(user_id)
        .bind(group_id)
        .fetch_optional(pool)
        .await?;
    Ok(row.is_some())
}
