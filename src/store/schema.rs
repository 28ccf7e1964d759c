//! The database's schema against the migrations built into this binary.
//!
//! Only `loa run` and `loa migrate` change it, through [`Store::migrate`]: when a database that
//! already has tables is behind, a checked copy is first written beside it
//! (`loa.db.before-NNNN`, NNNN the newest migration about to be applied; the last three are
//! kept), then each migration is applied in its own transaction, as sqlx does. Every other
//! command opens the database with [`Store::open`], which refuses any schema but this binary's:
//! a newer binary run beside an older running one never migrates under it, and an older binary
//! never writes into a schema it does not know.

use std::{
    path::{Path, PathBuf},
    str::FromStr,
};

use sqlx::{
    SqliteConnection,
    migrate::{AppliedMigration, MigrateError, Migration, Migrator},
    sqlite::SqliteConnectOptions,
};

use super::{
    Store,
    copies::{self, inspect},
};
use crate::error::Result;

/// The migrations in `migrations/`, built into the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!();

/// Copies written before migrating that are kept, the newest ones.
const KEEP_BEFORE_MIGRATING: usize = 3;

/// Why a database cannot be used as it is, or could not be migrated.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("there is no database at {}: `loa migrate` or `loa run` creates it", .0.display())]
    Missing(PathBuf),
    #[error("{}", pending_text(*.database, *.expected))]
    Pending { database: Option<i64>, expected: i64 },
    #[error(
        "the database is at schema {database:04}, newer than this loa knows (up to {known:04}): a \
         newer loa migrated it. Run that loa; or, to go back to this one, restore the copy it made \
         before migrating (the database's file name + .before-{database:04}; README: Backups and upgrades)"
    )]
    Newer { database: i64, known: i64 },
    #[error(
        "migration {0:04} in the database differs from this loa's own: this loa was built from \
         other sources than the one that migrated the database"
    )]
    Changed(i64),
    #[error("migration {version:04} ({description}) failed and was rolled back: {source}. {}", going_back(.backup.as_deref()))]
    Failed { version: i64, description: String, backup: Option<PathBuf>, source: MigrateError },
}

fn pending_text(database: Option<i64>, expected: i64) -> String {
    match database {
        None => "the database has no tables yet: `loa migrate` (or `loa run`) creates them".to_owned(),
        Some(database) => format!(
            "the database is at schema {database:04} and this loa needs {expected:04}: stop the loa \
             that uses it, then run `loa migrate` (or start this one with `loa run`), which copies \
             the database before migrating it"
        ),
    }
}

fn going_back(backup: Option<&Path>) -> String {
    match backup {
        Some(backup) => format!(
            "The migrations before it stay applied. To go back: stop loa, copy {} over the database \
             (deleting its -wal and -shm files), and run the loa you ran before (README: Backups and upgrades)",
            backup.display()
        ),
        None => "The database had no tables before, so there is nothing to restore".to_owned(),
    }
}

/// What [`Store::migrate`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migrated {
    /// The newest migration applied before; `None` for a database without tables.
    pub from: Option<i64>,
    /// The migrations applied now, oldest first.
    pub applied: Vec<i64>,
    /// The copy written first, when the database had tables and was behind.
    pub backup: Option<PathBuf>,
}

/// A database's schema against this binary's migrations, as `loa doctor` reports it.
#[derive(Debug)]
pub struct SchemaState {
    /// The newest migration applied; `None` for a database without tables.
    pub version: Option<i64>,
    /// The migrations it lacks, oldest first; or why this binary cannot use it as it is
    /// (`SchemaError::Newer`, `SchemaError::Changed`).
    pub pending: Result<Vec<i64>, SchemaError>,
}

/// The newest migration this binary carries.
pub fn newest_known() -> i64 {
    MIGRATOR.iter().map(|migration| migration.version).max().unwrap_or_default()
}

impl Store {
    /// Opens the database (creating it if missing) and applies the migrations it lacks, after
    /// writing a checked copy beside it if it has tables. What `loa run` and `loa migrate` do.
    pub async fn migrate(url: &str) -> Result<(Store, Migrated)> {
        let options = super::options(url)?.create_if_missing(true);
        let database = options.get_filename().to_owned();
        let store = Store::with_options(options).await?;
        let applied = applied(&mut *store.pool.acquire().await?).await?;
        let from = applied.last().map(|migration| migration.version);
        let pending = pending(&applied)?;
        let Some(target) = pending.last().map(|migration| migration.version) else {
            return Ok((store, Migrated { from, applied: Vec::new(), backup: None }));
        };
        let backup = match from {
            Some(from) => Some(store.copy_before_migrating(&database, from, target).await?),
            None => None,
        };
        let mut done = Vec::new();
        for migration in pending {
            MIGRATOR.run_to(migration.version, &store.pool).await.map_err(|source| SchemaError::Failed {
                version: migration.version,
                description: migration.description.to_string(),
                backup: backup.clone(),
                source,
            })?;
            tracing::info!(migration = migration.version, description = %migration.description, "migration applied");
            done.push(migration.version);
        }
        Ok((store, Migrated { from, applied: done, backup }))
    }

    /// Opens an existing database whose schema is this binary's, without ever changing it:
    /// what every command but `loa run` and `loa migrate` uses.
    pub async fn open(url: &str) -> Result<Store> {
        let options = existing(super::options(url)?)?;
        let store = Store::with_options(options).await?;
        let applied = applied(&mut *store.pool.acquire().await?).await?;
        if !pending(&applied)?.is_empty() {
            let database = applied.last().map(|migration| migration.version);
            return Err(SchemaError::Pending { database, expected: newest_known() }.into());
        }
        Ok(store)
    }

    /// Where the schema stands against this binary's migrations. Only reads.
    pub async fn schema_state(&self) -> Result<SchemaState> {
        let applied = applied(&mut *self.pool.acquire().await?).await?;
        let pending =
            pending(&applied).map(|pending| pending.iter().map(|migration| migration.version).collect());
        Ok(SchemaState { version: applied.last().map(|migration| migration.version), pending })
    }

    /// Opens an existing database read-only, whatever its schema: enough to copy it. Its
    /// journal mode is left as it is, which a read-only connection could not change anyway.
    pub async fn open_read_only(url: &str) -> Result<Store> {
        let options = SqliteConnectOptions::from_str(url)?.read_only(true).busy_timeout(super::BUSY_TIMEOUT);
        Store::with_options(existing(options)?).await
    }

    /// Writes `<database>.before-<target>` and keeps the last three such copies. A copy of that
    /// name left by an earlier attempt is kept instead when the database has moved past it (a
    /// migration failed after others went through): it is then the only copy that the previous
    /// binary can run on.
    async fn copy_before_migrating(&self, database: &Path, from: i64, target: i64) -> Result<PathBuf> {
        let name = format!("{}.before-", file_name(database));
        let path = database.with_file_name(format!("{name}{target:04}"));
        let earlier =
            if path.exists() { inspect(&path).await.ok().and_then(|copy| copy.schema) } else { None };
        if let Some(earlier) = earlier.filter(|earlier| *earlier < from) {
            tracing::warn!(path = %path.display(), schema = earlier, "keeping the copy made before an earlier, failed attempt to migrate");
        } else {
            let copy = self.back_up_to(&path).await?;
            tracing::info!(path = %path.display(), bytes = copy.bytes, schema = from, "database copied before migrating");
        }
        let directory = database.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let is_before_copy = |file: &str| {
            file.strip_prefix(&name)
                .is_some_and(|version| !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()))
        };
        for removed in copies::keep_last(directory, KEEP_BEFORE_MIGRATING, is_before_copy)? {
            tracing::info!(path = %removed.display(), "older copy from before a migration deleted");
        }
        Ok(path)
    }
}

/// `options` for a database that must already exist.
fn existing(options: SqliteConnectOptions) -> Result<SqliteConnectOptions, SchemaError> {
    if options.get_filename().exists() {
        Ok(options.create_if_missing(false))
    } else {
        Err(SchemaError::Missing(options.get_filename().to_owned()))
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The migrations applied in a database, oldest first. Only reads: a database without tables
/// has none.
pub(super) async fn applied(connection: &mut SqliteConnection) -> Result<Vec<AppliedMigration>> {
    let has_table: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
    )
    .fetch_one(&mut *connection)
    .await?;
    if !has_table {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(&mut *connection)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(version, checksum)| AppliedMigration { version, checksum: checksum.into() })
        .collect())
}

/// The migrations of this binary that `applied` lacks, oldest first; an error when the
/// database has one this binary does not know, or one that differs from this binary's.
fn pending(applied: &[AppliedMigration]) -> Result<Vec<&'static Migration>, SchemaError> {
    let known = newest_known();
    for migration in applied {
        match MIGRATOR.iter().find(|ours| ours.version == migration.version) {
            None => {
                let database = applied.last().map_or(migration.version, |newest| newest.version);
                return Err(SchemaError::Newer { database, known });
            }
            Some(ours) if ours.checksum != migration.checksum => {
                return Err(SchemaError::Changed(migration.version));
            }
            Some(_) => {}
        }
    }
    Ok(MIGRATOR
        .iter()
        .filter(|ours| !ours.migration_type.is_down_migration())
        .filter(|ours| applied.iter().all(|migration| migration.version != ours.version))
        .collect())
}
