//! Tickets' personal data (Decree 13/2023: consent, purpose, retention, deletion on request):
//! the resident's name, username, photo or video, location, and the user id that ties the
//! ticket to them are erased after `LOA_KEEP_TICKETS`, or at once on `/xoadulieu`. What is
//! left — words, area, category, status, dates — is anonymous statistics.

use chrono::{DateTime, Utc};
use teloxide::types::UserId;

use super::{Store, audit, millis, tickets::A_RESIDENT};
use crate::error::Result;

/// The columns erased, in one place for both paths.
macro_rules! erase_personal {
    ($where:literal) => {
        concat!(
            "UPDATE tickets SET resident_id = NULL, name = NULL, username = NULL, media = NULL,
                                latitude = NULL, longitude = NULL, erased_at = ?2
             WHERE erased_at IS NULL AND ",
            $where
        )
    };
}

impl Store {
    /// Erases the personal data of tickets created before `cutoff`; returns how many.
    pub async fn erase_old_ticket_data(&self, cutoff: DateTime<Utc>, now: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let erased = sqlx::query(erase_personal!("created_at < ?1"))
            .bind(millis(cutoff))
            .bind(millis(now))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if erased > 0 {
            let detail = format!("{erased} tickets past retention");
            audit::record(&mut tx, A_RESIDENT, "ticket_erase", &detail, now).await?;
        }
        tx.commit().await?;
        Ok(erased)
    }

    /// `/xoadulieu`: erases the personal data of every ticket of `resident` and drops their
    /// report in progress; returns how many tickets were erased. The audit row names no one.
    pub async fn forget_resident(&self, resident: UserId, now: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let erased = sqlx::query(erase_personal!("resident_id = ?1"))
            .bind(resident.0 as i64)
            .bind(millis(now))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM ticket_drafts WHERE resident_id = ?1")
            .bind(resident.0 as i64)
            .execute(&mut *tx)
            .await?;
        audit::record(&mut tx, A_RESIDENT, "ticket_forget", &format!("{erased} tickets on request"), now)
            .await?;
        tx.commit().await?;
        Ok(erased)
    }
}
