//! Scheduled backups (`LOA_BACKUP_DIR`, `LOA_BACKUP_EVERY`, `LOA_BACKUP_KEEP`). Jobs of the
//! scheduler's cron — once at start-up, then every minute — ask whether the newest backup in the
//! directory is older than the interval and, if so, write a checked copy named by its UTC time
//! and delete the oldest beyond the number kept. Whether one is due is read from the directory,
//! not kept in memory, so a restart neither skips a backup nor makes an extra one.

use std::{fs, path::Path, sync::Arc};

use chrono::{DateTime, NaiveDateTime, Utc};
use tokio_cron_scheduler::{Job, JobToRunAsync};

use crate::{
    clock::Clock,
    config::BackupSchedule,
    domain::{Alert, AlertKind},
    error::Result,
    store::{BackupError, CopySummary, PARTIAL, Store, keep_last},
};

/// Scheduled backups are named `loa-<UTC time>.db`, so that their names sort as their ages.
const PREFIX: &str = "loa-";
const SUFFIX: &str = ".db";
const STAMP: &str = "%Y%m%dT%H%M%SZ";
/// Each minute, off the whole minute at which reminders usually fire.
const EVERY_MINUTE: &str = "45 * * * * *";

pub struct ScheduledBackups {
    store: Store,
    clock: Arc<dyn Clock>,
    schedule: BackupSchedule,
    /// Held while a backup is written: a slow one is never started twice.
    writing: tokio::sync::Mutex<()>,
}

impl ScheduledBackups {
    pub fn new(store: Store, clock: Arc<dyn Clock>, schedule: BackupSchedule) -> Arc<ScheduledBackups> {
        Arc::new(ScheduledBackups { store, clock, schedule, writing: Default::default() })
    }

    /// Writes a backup if one is due, then deletes the oldest beyond those kept. Returns the
    /// copy written, or `None` when none was due (or one is being written).
    pub async fn run_if_due(&self) -> Result<Option<CopySummary>> {
        let Ok(_writing) = self.writing.try_lock() else { return Ok(None) };
        let now = self.clock.now();
        let dir = &self.schedule.dir;
        fs::create_dir_all(dir).map_err(|source| BackupError::File { path: dir.clone(), source })?;
        // Copies a crash interrupted were never renamed, so they never count as backups; they
        // only take room.
        keep_last(dir, 0, |name| name.strip_suffix(PARTIAL).and_then(stamp).is_some())?;
        // A backup stamped later than now (the clock was set back) postpones the next one rather
        // than letting one be made every minute.
        if newest(dir)?.is_some_and(|newest| now - newest < self.schedule.every) {
            return Ok(None);
        }
        let path = dir.join(format!("{PREFIX}{}{SUFFIX}", now.format(STAMP)));
        let copy = self.store.back_up_to(&path).await?;
        tracing::info!(path = %path.display(), bytes = copy.bytes, "scheduled backup written");
        for removed in keep_last(dir, self.schedule.keep, |name| stamp(name).is_some())? {
            tracing::info!(path = %removed.display(), "old scheduled backup deleted");
        }
        Ok(Some(copy))
    }

    /// `run_if_due` as the cron runs it: a failure is logged and the admins are told (the
    /// backup alert); a backup written again tells them it is resolved.
    pub async fn run_and_tell(&self) {
        let told = match self.run_if_due().await {
            Ok(None) => return,
            Ok(Some(_)) => self.store.resolve_alert(AlertKind::Backup).await,
            Err(error) => {
                tracing::error!(dir = %self.schedule.dir.display(), %error, "scheduled backup failed");
                let alert = Alert::Backup { error: error.to_string() };
                self.store.raise_alert(&alert, self.clock.now()).await.map(drop)
            }
        };
        if let Err(error) = told {
            tracing::warn!(%error, "could not record the backup alert");
        }
    }

    /// The cron jobs: one at start-up (a backup that fell due while Loa was down is made at
    /// once), then one every minute.
    pub fn jobs(self: &Arc<Self>) -> Result<[Job; 2]> {
        let now = Job::new_one_shot_async(std::time::Duration::ZERO, self.job_body())?;
        let every_minute = Job::new_async(EVERY_MINUTE, self.job_body())?;
        Ok([now, every_minute])
    }

    fn job_body(self: &Arc<Self>) -> Box<JobToRunAsync> {
        let backups = self.clone();
        Box::new(move |_, _| {
            let backups = backups.clone();
            Box::pin(async move { backups.run_and_tell().await })
        })
    }
}

/// When the newest scheduled backup in `dir` was made.
fn newest(dir: &Path) -> Result<Option<DateTime<Utc>>, BackupError> {
    let listing = fs::read_dir(dir).map_err(|source| BackupError::File { path: dir.to_owned(), source })?;
    Ok(listing.filter_map(|entry| stamp(entry.ok()?.file_name().to_str()?)).max())
}

/// The time in a scheduled backup's file name; `None` for any other file.
fn stamp(file_name: &str) -> Option<DateTime<Utc>> {
    let stamp = file_name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    Some(NaiveDateTime::parse_from_str(stamp, STAMP).ok()?.and_utc())
}
