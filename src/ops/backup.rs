//! `loa backup <file>`: a consistent, checked copy of the database, made while Loa runs. The
//! database is opened read-only, whatever its schema: a copy never changes it, and a nightly
//! job that already runs a newly installed binary beside the older one still running keeps
//! working.

use std::{path::Path, process::ExitCode};

use super::schema_name;
use crate::{
    config::Settings,
    error::Result,
    store::{BackupError, CopySummary, Store, newest_known},
};

pub async fn backup(file: &Path, settings: &Settings) -> ExitCode {
    match write(file, settings).await {
        Ok(copy) => {
            print!("{}", report(&copy));
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("loa backup: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn write(file: &Path, settings: &Settings) -> Result<CopySummary> {
    if file.exists() {
        return Err(BackupError::Exists(file.to_owned()).into());
    }
    let store = Store::open_read_only(&settings.database_url).await?;
    let copy = store.back_up_to(file).await;
    store.pool().close().await;
    copy
}

fn report(copy: &CopySummary) -> String {
    let count = |rows: Option<i64>| rows.map_or("no table of".to_owned(), |rows| rows.to_string());
    let mut text = format!(
        "backup written and checked (integrity ok): {}\nsize: {} bytes ({})\nholds: {} chats, {} reminders, {} broadcasts\n",
        copy.path.display(),
        copy.bytes,
        mebibytes(copy.bytes),
        count(copy.chats),
        count(copy.reminders),
        count(copy.broadcasts),
    );
    let expected = newest_known();
    text += &match copy.schema {
        Some(schema) if schema == expected => format!("schema: {schema:04}\n"),
        schema => format!(
            "schema: {}; this loa expects {expected:04}: the copy is of the database as it is, not migrated\n",
            schema_name(schema)
        ),
    };
    text
}

fn mebibytes(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}
