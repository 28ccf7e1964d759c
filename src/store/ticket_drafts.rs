//! Reports residents are still writing: one row per resident, so that a restart in the middle
//! of a report keeps what they sent and which question they were answering.

use chrono::{DateTime, Utc};
use teloxide::types::UserId;

use super::{Store, millis};
use crate::{
    domain::{AreaCode, Category, MediaItem, ReportStep},
    error::Result,
};

/// A report in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketDraft {
    pub resident: UserId,
    pub step: ReportStep,
    /// The resident's words so far, each message on its own line.
    pub body: String,
    pub media: Option<MediaItem>,
    pub location: Option<(f64, f64)>,
    /// `None` until asked, and when the resident does not know their area.
    pub area: Option<AreaCode>,
    pub category: Option<Category>,
}

#[derive(sqlx::FromRow)]
struct DraftRow {
    resident_id: i64,
    step: String,
    body: String,
    media: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    area: Option<String>,
    category: Option<String>,
}

impl Store {
    /// Starts an empty report for `resident`, replacing the one they had.
    pub async fn start_ticket_draft(&self, resident: UserId, now: DateTime<Utc>) -> Result<TicketDraft> {
        let draft = TicketDraft {
            resident,
            step: ReportStep::Content,
            body: String::new(),
            media: None,
            location: None,
            area: None,
            category: None,
        };
        sqlx::query("DELETE FROM ticket_drafts WHERE resident_id = ?1")
            .bind(resident.0 as i64)
            .execute(&self.pool)
            .await?;
        self.save_ticket_draft(&draft, now).await?;
        Ok(draft)
    }

    pub async fn ticket_draft(&self, resident: UserId) -> Result<Option<TicketDraft>> {
        let row: Option<DraftRow> = sqlx::query_as(
            "SELECT resident_id, step, body, media, latitude, longitude, area, category
             FROM ticket_drafts WHERE resident_id = ?1",
        )
        .bind(resident.0 as i64)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.and_then(DraftRow::into_draft))
    }

    /// Writes the whole draft; one statement, so it needs no transaction.
    pub async fn save_ticket_draft(&self, draft: &TicketDraft, now: DateTime<Utc>) -> Result<()> {
        let media = draft.media.as_ref().map(|item| serde_json::to_string(item).expect("media serialises"));
        sqlx::query(
            "INSERT INTO ticket_drafts (resident_id, step, body, media, latitude, longitude, area, category, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (resident_id) DO UPDATE SET
                 step = excluded.step, body = excluded.body, media = excluded.media,
                 latitude = excluded.latitude, longitude = excluded.longitude, area = excluded.area,
                 category = excluded.category, updated_at = excluded.updated_at",
        )
        .bind(draft.resident.0 as i64)
        .bind(draft.step.as_str())
        .bind(&draft.body)
        .bind(media)
        .bind(draft.location.map(|(latitude, _)| latitude))
        .bind(draft.location.map(|(_, longitude)| longitude))
        .bind(draft.area.as_ref().map(AreaCode::as_str))
        .bind(draft.category.map(Category::as_str))
        .bind(millis(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Drops the resident's report in progress, if any; returns whether there was one.
    pub async fn drop_ticket_draft(&self, resident: UserId) -> Result<bool> {
        let done = sqlx::query("DELETE FROM ticket_drafts WHERE resident_id = ?1")
            .bind(resident.0 as i64)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Forgets reports left unfinished since `before`: they may hold a photo and a location.
    pub async fn purge_ticket_drafts(&self, before: DateTime<Utc>) -> Result<u64> {
        let done = sqlx::query("DELETE FROM ticket_drafts WHERE updated_at < ?1")
            .bind(millis(before))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}

impl DraftRow {
    /// `None` only for a row this program did not write.
    fn into_draft(self) -> Option<TicketDraft> {
        Some(TicketDraft {
            resident: UserId(self.resident_id as u64),
            step: ReportStep::parse(&self.step)?,
            body: self.body,
            media: self.media.and_then(|json| serde_json::from_str(&json).ok()),
            location: self.latitude.zip(self.longitude),
            area: self.area.map(AreaCode::from_stored),
            category: self.category.as_deref().and_then(Category::parse),
        })
    }
}
