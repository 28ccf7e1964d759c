//! What `loa doctor` reads: the database opened read-only, so that it changes nothing — not
//! even the schema of a database that this binary would migrate.

use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use super::{ChatKind, Store};
use crate::error::Result;

/// The schema as the database records it, against the migrations this binary carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaState {
    /// The newest migration applied; `None` for a database without Loa's tables.
    pub version: Option<i64>,
    /// Migrations this binary carries that the database lacks, oldest first.
    pub pending: Vec<i64>,
    /// Migrations the database has that this binary does not know (a newer Loa applied them).
    pub unknown: Vec<i64>,
    /// Migrations recorded as started but not finished.
    pub failed: Vec<i64>,
}

/// An active group, as the bot last saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupChat {
    pub id: i64,
    pub title: String,
    pub kind: ChatKind,
}

impl Store {
    /// Opens an existing database read-only, whatever its schema, and never migrates it.
    pub async fn open_to_inspect(url: &str) -> Result<Store> {
        let options = SqliteConnectOptions::from_str(url)?.read_only(true);
        let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await?;
        Ok(Store { pool })
    }

    pub async fn schema_state(&self) -> Result<SchemaState> {
        let known: Vec<i64> = sqlx::migrate!().iter().map(|migration| migration.version).collect();
        let has_table: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
        )
        .fetch_one(&self.pool)
        .await?;
        let applied: Vec<(i64, bool)> = match has_table {
            true => {
                sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
                    .fetch_all(&self.pool)
                    .await?
            }
            false => Vec::new(),
        };
        let done: Vec<i64> =
            applied.iter().filter(|(_, success)| *success).map(|(version, _)| *version).collect();
        Ok(SchemaState {
            version: done.last().copied(),
            pending: known.iter().filter(|version| !done.contains(version)).copied().collect(),
            unknown: done.iter().filter(|version| !known.contains(version)).copied().collect(),
            failed: applied.iter().filter(|(_, success)| !success).map(|(version, _)| *version).collect(),
        })
    }

    /// SQLite's `quick_check`: `["ok"]`, or the problems it found (at most ten).
    pub async fn quick_check(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("PRAGMA quick_check(10)").fetch_all(&self.pool).await?)
    }

    /// The groups (and channels) the bot is in, by title.
    pub async fn active_groups(&self) -> Result<Vec<GroupChat>> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT id, title, kind FROM chats WHERE active = 1 AND kind <> 'private' ORDER BY title, id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, title, kind)| GroupChat {
                id,
                title: if title.is_empty() { id.to_string() } else { title },
                kind: ChatKind::parse(&kind),
            })
            .collect())
    }
}
