//! `loa import <plan>`: a ward's reminders from a plan file, into a database already at this
//! binary's schema.

use std::{path::Path, process::ExitCode};

use chrono::Utc;

use crate::{config::Settings, domain::TopicCatalog, import::Rules, store::Store};

pub async fn import(plan: &Path, settings: &Settings) -> ExitCode {
    let result = async {
        let store = Store::open(&settings.database_url).await?;
        let topics = TopicCatalog::new(store.topics().await?);
        let rules = Rules { topics: &topics, timezone: settings.timezone, quiet_hours: settings.quiet_hours };
        let report = crate::import::import(plan, &store, &rules, Utc::now()).await;
        store.pool().close().await;
        report
    }
    .await;
    match result {
        Ok(report) => {
            for (key, id) in &report.created {
                println!("created reminder #{id} ({key})");
            }
            for key in &report.existing {
                println!("already imported: {key}");
            }
            for (key, reason) in &report.skipped {
                println!("skipped {key}: {reason}");
            }
            println!(
                "{} created, {} already present, {} skipped",
                report.created.len(),
                report.existing.len(),
                report.skipped.len()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("loa import: {error}");
            ExitCode::FAILURE
        }
    }
}
