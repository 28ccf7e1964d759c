//! Residents' tickets: opened from a finished report, read by the desk, listed by `/tickets`.
//! Audit rows of residents' own actions name no one (user 0): the audit log is kept for good,
//! and it must not tie a person to a ticket whose personal data was erased.

use chrono::{DateTime, Utc};
use teloxide::types::UserId;

use super::{Store, audit, from_millis, millis, ticket_drafts::TicketDraft};
use crate::{
    domain::{AreaCode, Category, MediaItem, TicketStatus},
    error::Result,
};

/// Who the audit log names for a resident's own action: nobody in particular.
pub(super) const A_RESIDENT: UserId = UserId(0);

/// A ticket as the desk sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    pub id: i64,
    /// `None` once its personal data is erased: nothing can reach the resident any more.
    pub resident: Option<UserId>,
    pub status: TicketStatus,
    pub body: String,
    pub media: Option<MediaItem>,
    pub location: Option<(f64, f64)>,
    pub area: Option<AreaCode>,
    pub category: Category,
    /// The resident's name and username, kept only when they agreed to be contacted.
    pub contact: Option<Contact>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    pub username: Option<String>,
}

/// One line of `/tickets`.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketLine {
    pub id: i64,
    pub status: TicketStatus,
    pub category: Category,
    pub area: Option<AreaCode>,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct TicketRow {
    id: i64,
    resident_id: Option<i64>,
    status: String,
    body: String,
    media: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    area: Option<String>,
    category: String,
    name: Option<String>,
    username: Option<String>,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct LineRow {
    id: i64,
    status: String,
    category: String,
    area: Option<String>,
    created_at: i64,
}

impl Store {
    /// Turns the resident's finished report into a ticket and drops the draft, in one
    /// transaction, audited. `contact` is kept only if the resident agreed to be contacted.
    pub async fn open_ticket(
        &self,
        draft: &TicketDraft,
        category: Category,
        contact: Option<&Contact>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let media = draft.media.as_ref().map(|item| serde_json::to_string(item).expect("media serialises"));
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tickets (resident_id, body, media, latitude, longitude, area, category, consent, name,
                                  username, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             RETURNING id",
        )
        .bind(draft.resident.0 as i64)
        .bind(&draft.body)
        .bind(media)
        .bind(draft.location.map(|(latitude, _)| latitude))
        .bind(draft.location.map(|(_, longitude)| longitude))
        .bind(draft.area.as_ref().map(AreaCode::as_str))
        .bind(category.as_str())
        .bind(contact.is_some())
        .bind(contact.map(|contact| contact.name.as_str()))
        .bind(contact.and_then(|contact| contact.username.as_deref()))
        .bind(millis(now))
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM ticket_drafts WHERE resident_id = ?1")
            .bind(draft.resident.0 as i64)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO ticket_opens (resident_id, at) VALUES (?1, ?2)")
            .bind(draft.resident.0 as i64)
            .bind(millis(now))
            .execute(&mut *tx)
            .await?;
        let detail = format!("ticket {id} {}", category.as_str());
        audit::record(&mut tx, A_RESIDENT, "ticket_open", &detail, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// How many tickets `resident` opened since `since`, for the daily limit; erasing their
    /// tickets' personal data does not lower it.
    pub async fn tickets_opened_since(&self, resident: UserId, since: DateTime<Utc>) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT count(*) FROM ticket_opens WHERE resident_id = ?1 AND at >= ?2")
            .bind(resident.0 as i64)
            .bind(millis(since))
            .fetch_one(&self.pool)
            .await?)
    }

    /// Forgets who opened tickets before `before`: the daily limit no longer needs it.
    pub async fn purge_ticket_opens(&self, before: DateTime<Utc>) -> Result<u64> {
        let done = sqlx::query("DELETE FROM ticket_opens WHERE at < ?1")
            .bind(millis(before))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Whether `resident` has ever opened a ticket still linked to them: the privacy notice is
    /// shown to those who have not (again after `/xoadulieu`, which unlinks them).
    pub async fn has_tickets(&self, resident: UserId) -> Result<bool> {
        Ok(sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM tickets WHERE resident_id = ?1)")
            .bind(resident.0 as i64)
            .fetch_one(&self.pool)
            .await?)
    }

    pub async fn ticket(&self, id: i64) -> Result<Option<Ticket>> {
        let row: Option<TicketRow> = sqlx::query_as(
            "SELECT id, resident_id, status, body, media, latitude, longitude, area, category, name, username,
                    created_at
             FROM tickets WHERE id = ?1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.and_then(TicketRow::into_ticket))
    }

    /// The resident's own tickets, newest first.
    pub async fn resident_tickets(&self, resident: UserId, limit: u32) -> Result<Vec<TicketLine>> {
        let rows: Vec<LineRow> = sqlx::query_as(
            "SELECT id, status, category, area, created_at FROM tickets
             WHERE resident_id = ?1 ORDER BY id DESC LIMIT ?2",
        )
        .bind(resident.0 as i64)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().filter_map(LineRow::into_line).collect())
    }

    /// The ward's tickets not yet closed, oldest first: the desk's work list.
    pub async fn open_tickets(&self, limit: u32) -> Result<Vec<TicketLine>> {
        let rows: Vec<LineRow> = sqlx::query_as(
            "SELECT id, status, category, area, created_at FROM tickets
             WHERE status IN ('open', 'acknowledged') ORDER BY created_at, id LIMIT ?1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().filter_map(LineRow::into_line).collect())
    }
}

impl TicketRow {
    fn into_ticket(self) -> Option<Ticket> {
        Some(Ticket {
            id: self.id,
            resident: self.resident_id.map(|id| UserId(id as u64)),
            status: TicketStatus::parse(&self.status)?,
            body: self.body,
            media: self.media.and_then(|json| serde_json::from_str(&json).ok()),
            location: self.latitude.zip(self.longitude),
            area: self.area.map(AreaCode::from_stored),
            category: Category::parse(&self.category)?,
            contact: self.name.map(|name| Contact { name, username: self.username }),
            created_at: from_millis(self.created_at),
        })
    }
}

impl LineRow {
    fn into_line(self) -> Option<TicketLine> {
        Some(TicketLine {
            id: self.id,
            status: TicketStatus::parse(&self.status)?,
            category: Category::parse(&self.category)?,
            area: self.area.map(AreaCode::from_stored),
            created_at: from_millis(self.created_at),
        })
    }
}
