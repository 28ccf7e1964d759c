//! `loa migrate`: brings the database's schema up to this binary's — what `loa run` does at
//! start — after writing a checked copy beside it. Run it with the older loa stopped.

use std::process::ExitCode;

use super::schema_name;
use crate::{
    config::Settings,
    store::{Migrated, Store},
};

pub async fn migrate(settings: &Settings) -> ExitCode {
    match Store::migrate(&settings.database_url).await {
        Ok((store, migrated)) => {
            store.pool().close().await;
            print!("{}", report(&migrated));
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("loa migrate: {error}");
            ExitCode::FAILURE
        }
    }
}

fn report(migrated: &Migrated) -> String {
    let Some(&to) = migrated.applied.last() else {
        return format!("the database is up to date: schema {}\n", schema_name(migrated.from));
    };
    let mut text = String::new();
    if let Some(backup) = &migrated.backup {
        text += &format!("copied the database first to {}\n", backup.display());
    }
    let applied: Vec<String> = migrated.applied.iter().map(|version| format!("{version:04}")).collect();
    text += &format!("applied {}: schema {} → {to:04}\n", applied.join(", "), schema_name(migrated.from));
    text
}
