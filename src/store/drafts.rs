use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;
use teloxide::types::UserId;

use super::{Store, ack_json, areas_json, audit, content_columns, from_millis, millis};
use crate::{
    domain::{Content, PostRequest},
    error::Result,
};

/// An announcement awaiting its official's confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub id: i64,
    pub request: PostRequest,
    pub not_before: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// What a confirmation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmation {
    /// The broadcast and its deliveries were written.
    Created { broadcast_id: i64, recipients: u64, not_before: DateTime<Utc> },
    /// The official has no draft (never posted, cancelled, or already confirmed).
    NoDraft,
    /// The draft is older than its expiry; it is deleted.
    Expired,
    /// The button belongs to a draft that a newer `/post` replaced.
    Replaced,
}

#[derive(sqlx::FromRow)]
struct DraftRow {
    id: i64,
    topic: String,
    areas: String,
    pin: bool,
    urgent: bool,
    body: String,
    entities: Option<String>,
    media: Option<String>,
    ack: Option<String>,
    not_before: i64,
    expires_at: i64,
}

impl Store {
    /// How many chats a broadcast to `topic` in `areas` would reach now.
    pub async fn recipient_count(&self, request: &PostRequest) -> Result<u64> {
        let count: i64 = sqlx::query_scalar(concat!(
            "SELECT count(*) FROM (",
            recipients!("(SELECT 0 AS id, 0 AS urgent, ?1 AS topic, ?2 AS areas)"),
            ")"
        ))
        .bind(&request.topic)
        .bind(areas_json(&request.areas))
        .fetch_one(&self.pool)
        .await?;
        Ok(count as u64)
    }

    /// Saves the official's draft — `request`'s options, `content`'s words and media —
    /// replacing any earlier one, and audits it.
    pub async fn save_draft(
        &self,
        official: UserId,
        request: &PostRequest,
        content: &Content,
        not_before: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Draft> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM drafts WHERE official_id = ?1")
            .bind(official.0 as i64)
            .execute(&mut *tx)
            .await?;
        let (entities, media) = content_columns(content);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO drafts (official_id, topic, areas, pin, urgent, body, entities, media, not_before,
                                 created_at, expires_at, ack)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id",
        )
        .bind(official.0 as i64)
        .bind(&request.topic)
        .bind(areas_json(&request.areas))
        .bind(request.pin)
        .bind(request.urgent)
        .bind(&content.text)
        .bind(entities)
        .bind(media)
        .bind(millis(not_before))
        .bind(millis(now))
        .bind(millis(expires_at))
        .bind(ack_json(request.ack))
        .fetch_one(&mut *tx)
        .await?;
        let detail = format!(
            "draft {id}: topic {} areas {} chars {} messages {}",
            request.topic,
            areas_json(&request.areas),
            content.text.chars().count(),
            content.messages()
        );
        audit::record(&mut tx, official, "post", &detail, now).await?;
        tx.commit().await?;
        Ok(Draft { id, request: request.clone(), not_before, expires_at })
    }

    /// Turns the official's draft into a broadcast with one pending delivery per recipient chat,
    /// in one transaction. `draft_id` (from a button) must name the current draft; the text
    /// command `/confirm` passes `None`. Confirming twice finds no draft the second time, so a
    /// double tap sends nothing more. `quiet_until`: when quiet hours end, if they are on now;
    /// a non-urgent draft waits for it.
    pub async fn confirm_draft(
        &self,
        official: UserId,
        draft_id: Option<i64>,
        quiet_until: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Confirmation> {
        let mut tx = self.begin_write().await?;
        let row: Option<DraftRow> = sqlx::query_as(
            "SELECT id, topic, areas, pin, urgent, body, entities, media, ack, not_before, expires_at
             FROM drafts WHERE official_id = ?1",
        )
        .bind(official.0 as i64)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(DraftRow {
            id,
            topic,
            areas,
            pin,
            urgent,
            body,
            entities,
            media,
            ack,
            not_before,
            expires_at,
        }) = row
        else {
            return Ok(Confirmation::NoDraft);
        };
        if draft_id.is_some_and(|asked| asked != id) {
            return Ok(Confirmation::Replaced);
        }
        sqlx::query("DELETE FROM drafts WHERE id = ?1").bind(id).execute(&mut *tx).await?;
        if expires_at <= millis(now) {
            audit::record(&mut tx, official, "expire", &format!("draft {id}"), now).await?;
            tx.commit().await?;
            return Ok(Confirmation::Expired);
        }
        let not_before = match quiet_until {
            Some(until) if !urgent => not_before.max(millis(until)),
            _ => not_before,
        };
        let broadcast_id: i64 = sqlx::query_scalar(
            "INSERT INTO broadcasts (created_at, created_by, topic, areas, pin, urgent, body, entities, media,
                                     not_before, ack)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
        )
        .bind(millis(now))
        .bind(official.0 as i64)
        .bind(&topic)
        .bind(&areas)
        .bind(pin)
        .bind(urgent)
        .bind(&body)
        .bind(&entities)
        .bind(&media)
        .bind(not_before)
        .bind(&ack)
        .fetch_one(&mut *tx)
        .await?;
        let recipients = sqlx::query(concat!(
            "INSERT INTO deliveries (broadcast_id, chat_id, urgent, next_attempt_at, parked)
             SELECT broadcast_id, chat_id, urgent, ?2, ?2 > ?3 FROM (",
            recipients!("(SELECT id, urgent, topic, areas FROM broadcasts WHERE id = ?1)"),
            ")"
        ))
        .bind(broadcast_id)
        .bind(not_before)
        .bind(millis(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // The flow that composed it, if one did: its buttons now say it was sent.
        close_flow_of_draft(&mut tx, id, "sent", now).await?;
        let detail = format!("draft {id} -> broadcast {broadcast_id} to {recipients} chats");
        audit::record(&mut tx, official, "confirm", &detail, now).await?;
        tx.commit().await?;
        Ok(Confirmation::Created { broadcast_id, recipients, not_before: from_millis(not_before) })
    }

    /// Deletes the official's draft. Returns whether there was one to cancel.
    pub async fn cancel_draft(
        &self,
        official: UserId,
        draft_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let deleted: Option<i64> = sqlx::query_scalar(
            "DELETE FROM drafts WHERE official_id = ?1 AND (?2 IS NULL OR id = ?2) RETURNING id",
        )
        .bind(official.0 as i64)
        .bind(draft_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = deleted {
            close_flow_of_draft(&mut tx, id, "cancelled", now).await?;
            audit::record(&mut tx, official, "cancel", &format!("draft {id}"), now).await?;
        }
        tx.commit().await?;
        Ok(deleted.is_some())
    }

    /// Deletes drafts past their expiry; returns how many.
    pub async fn purge_expired_drafts(&self, now: DateTime<Utc>) -> Result<u64> {
        let result = sqlx::query("DELETE FROM drafts WHERE expires_at <= ?1")
            .bind(millis(now))
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected())
    }
}

/// Closes the open flow whose preview saved draft `draft_id`, in the caller's transaction.
async fn close_flow_of_draft(
    conn: &mut SqliteConnection,
    draft_id: i64,
    status: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("UPDATE flows SET status = ?2, updated_at = ?3 WHERE draft_id = ?1 AND status = 'open'")
        .bind(draft_id)
        .bind(status)
        .bind(millis(now))
        .execute(conn)
        .await?;
    Ok(())
}
