//! Copies of the database: `loa backup`, the copy before migrating, scheduled backups.
//!
//! `VACUUM INTO` writes one read snapshot, so a copy is consistent while Loa runs and takes no
//! write lock. It is written under a temporary name, checked with `PRAGMA integrity_check`,
//! synced, and only then renamed: a file named as a backup is always a whole, checked copy.

use std::{
    ffi::OsString,
    fs,
    path::{Path, PathBuf},
};

use sqlx::{ConnectOptions, Connection, SqliteConnection, sqlite::SqliteConnectOptions};

use super::{Store, schema::applied};
use crate::error::Result;

/// What a copy's file name ends with while it is written and checked.
pub const PARTIAL: &str = ".partial";

/// Why a copy could not be written.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{} already exists: a backup never overwrites a file", .0.display())]
    Exists(PathBuf),
    #[error("{}: {source}", .path.display())]
    File { path: PathBuf, source: std::io::Error },
    #[error("the copy {} failed its integrity check: {problems}", .path.display())]
    Damaged { path: PathBuf, problems: String },
    #[error("{} is not a path SQLite accepts (it is not UTF-8)", .0.display())]
    NotUtf8(PathBuf),
}

/// A checked copy and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySummary {
    pub path: PathBuf,
    pub bytes: u64,
    /// The newest migration applied in it.
    pub schema: Option<i64>,
    /// Rows of the tables an operator recognises; `None` where its schema predates the table.
    pub chats: Option<i64>,
    pub reminders: Option<i64>,
    pub broadcasts: Option<i64>,
}

impl Store {
    /// Writes a checked copy of the database to `path`, replacing a file already there.
    pub async fn back_up_to(&self, path: &Path) -> Result<CopySummary> {
        let partial = with_suffix(path, PARTIAL);
        remove_if_present(&partial)?;
        let target = partial.to_str().ok_or_else(|| BackupError::NotUtf8(partial.clone()))?;
        // A connection of its own: a large copy takes a while, and the pool's serve the bot.
        let mut connection = self.pool.connect_options().connect().await?;
        sqlx::query("VACUUM INTO ?1").bind(target).execute(&mut connection).await?;
        connection.close().await?;
        let summary = match inspect(&partial).await {
            Ok(summary) => summary,
            Err(error) => {
                let _ = fs::remove_file(&partial);
                return Err(error);
            }
        };
        let file_error = |source| BackupError::File { path: partial.clone(), source };
        fs::File::open(&partial).and_then(|file| file.sync_all()).map_err(file_error)?;
        fs::rename(&partial, path).map_err(file_error)?;
        Ok(CopySummary { path: path.to_owned(), ..summary })
    }
}

/// Opens the copy at `path` read-only, checks it, and counts what it holds.
pub async fn inspect(path: &Path) -> Result<CopySummary> {
    let bytes =
        fs::metadata(path).map_err(|source| BackupError::File { path: path.to_owned(), source })?.len();
    let mut copy = SqliteConnectOptions::new().filename(path).read_only(true).connect().await?;
    let problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&mut copy).await?;
    if problems != ["ok"] {
        return Err(BackupError::Damaged { path: path.to_owned(), problems: problems.join("; ") }.into());
    }
    let schema = applied(&mut copy).await?.last().map(|migration| migration.version);
    let summary = CopySummary {
        path: path.to_owned(),
        bytes,
        schema,
        chats: count(&mut copy, "chats", "SELECT count(*) FROM chats").await?,
        reminders: count(&mut copy, "reminders", "SELECT count(*) FROM reminders").await?,
        broadcasts: count(&mut copy, "broadcasts", "SELECT count(*) FROM broadcasts").await?,
    };
    copy.close().await?;
    Ok(summary)
}

/// The rows of `table` by `query`, or `None` if the copy has no such table.
async fn count(copy: &mut SqliteConnection, table: &str, query: &'static str) -> Result<Option<i64>> {
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)")
            .bind(table)
            .fetch_one(&mut *copy)
            .await?;
    if !exists {
        return Ok(None);
    }
    Ok(Some(sqlx::query_scalar(query).fetch_one(&mut *copy).await?))
}

/// Deletes all but the last `keep` files of `directory` whose names `ours` recognises, in name
/// order (backups are named so that it is their age order); returns those deleted.
pub fn keep_last(
    directory: &Path,
    keep: usize,
    ours: impl Fn(&str) -> bool,
) -> Result<Vec<PathBuf>, BackupError> {
    let listing_error = |source| BackupError::File { path: directory.to_owned(), source };
    let mut names: Vec<String> = fs::read_dir(directory)
        .map_err(listing_error)?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| ours(name))
        .collect();
    names.sort_unstable();
    let surplus = names.len().saturating_sub(keep);
    names[..surplus]
        .iter()
        .map(|name| directory.join(name))
        .map(|path| remove_if_present(&path).map(|()| path))
        .collect()
}

fn remove_if_present(path: &Path) -> Result<(), BackupError> {
    match fs::remove_file(path) {
        Err(source) if source.kind() != std::io::ErrorKind::NotFound => {
            Err(BackupError::File { path: path.to_owned(), source })
        }
        _ => Ok(()),
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(suffix);
    PathBuf::from(name)
}
