//! Announcements being composed by tapping: one row per flow with its step and choices, so
//! that a restart in the middle keeps them, and so that the buttons of a flow that is over can
//! say what became of it.

use chrono::{DateTime, Utc};
use teloxide::types::{MessageId, UserId};

use super::{
    Store, ack_json, areas_json, audit, content_columns, content_from_columns, from_millis, millis,
    parse_ack, parse_areas_json,
};
use crate::{
    domain::{AckRequest, AreaCode, Content, FlowStatus, Step},
    error::Result,
};

/// One official's announcement in the making.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub id: i64,
    pub official: UserId,
    /// An open flow past its expiry reads as expired.
    pub status: FlowStatus,
    pub step: Step,
    pub content: Content,
    pub topic: Option<String>,
    /// Empty means ward-wide.
    pub areas: Vec<AreaCode>,
    pub pin: bool,
    pub urgent: bool,
    /// Residents are asked to tap «✅ Đã nhận».
    pub ack: Option<AckRequest>,
    /// `None`: as soon as it is confirmed.
    pub send_at: Option<DateTime<Utc>>,
    pub draft_id: Option<i64>,
    pub message_id: Option<MessageId>,
    pub expires_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct FlowRow {
    id: i64,
    official_id: i64,
    status: String,
    step: String,
    body: String,
    entities: Option<String>,
    media: Option<String>,
    topic: Option<String>,
    areas: String,
    pin: bool,
    urgent: bool,
    ack: Option<String>,
    send_at: Option<i64>,
    draft_id: Option<i64>,
    message_id: Option<i32>,
    expires_at: i64,
}

macro_rules! select_flows {
    ($where:literal) => {
        concat!(
            "SELECT id, official_id, status, step, body, entities, media, topic, areas, pin, urgent, ack,
                    send_at, draft_id, message_id, expires_at
             FROM flows WHERE ",
            $where
        )
    };
}

impl Store {
    /// Starts a flow at `step` with `content`. The official's open flow, if any, is replaced
    /// (or marked expired, if it had): its buttons stop acting.
    pub async fn start_flow(
        &self,
        official: UserId,
        step: Step,
        content: &Content,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Flow> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE flows SET status = CASE WHEN expires_at <= ?2 THEN 'expired' ELSE 'replaced' END,
                              updated_at = ?2
             WHERE official_id = ?1 AND status = 'open'",
        )
        .bind(official.0 as i64)
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        let (entities, media) = content_columns(content);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO flows (official_id, step, body, entities, media, updated_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
        )
        .bind(official.0 as i64)
        .bind(step.as_str())
        .bind(&content.text)
        .bind(entities)
        .bind(media)
        .bind(millis(now))
        .bind(millis(expires_at))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Flow {
            id,
            official,
            status: FlowStatus::Open,
            step,
            content: content.clone(),
            topic: None,
            areas: Vec::new(),
            pin: false,
            urgent: false,
            ack: None,
            send_at: None,
            draft_id: None,
            message_id: None,
            expires_at,
        })
    }

    /// Flow `id`, whoever it belongs to; `None` once purged.
    pub async fn flow(&self, id: i64, now: DateTime<Utc>) -> Result<Option<Flow>> {
        let row: Option<FlowRow> =
            sqlx::query_as(select_flows!("id = ?1")).bind(id).fetch_optional(&self.pool).await?;
        Ok(row.map(|row| flow_from_row(row, now)))
    }

    /// The official's open flow that has not expired.
    pub async fn open_flow(&self, official: UserId, now: DateTime<Utc>) -> Result<Option<Flow>> {
        let row: Option<FlowRow> =
            sqlx::query_as(select_flows!("official_id = ?1 AND status = 'open' AND expires_at > ?2"))
                .bind(official.0 as i64)
                .bind(millis(now))
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|row| flow_from_row(row, now)))
    }

    /// Saves an open flow's step, content and choices. Returns whether it was still open.
    pub async fn save_flow(&self, flow: &Flow, now: DateTime<Utc>) -> Result<bool> {
        let (entities, media) = content_columns(&flow.content);
        let saved = sqlx::query(
            "UPDATE flows SET step = ?2, body = ?3, entities = ?4, media = ?5, topic = ?6, areas = ?7, pin = ?8,
                              urgent = ?9, send_at = ?10, draft_id = ?11, message_id = ?12, updated_at = ?13,
                              expires_at = ?14, ack = ?15
             WHERE id = ?1 AND status = 'open'",
        )
        .bind(flow.id)
        .bind(flow.step.as_str())
        .bind(&flow.content.text)
        .bind(entities)
        .bind(media)
        .bind(&flow.topic)
        .bind(areas_json(&flow.areas))
        .bind(flow.pin)
        .bind(flow.urgent)
        .bind(flow.send_at.map(millis))
        .bind(flow.draft_id)
        .bind(flow.message_id.map(|id| id.0))
        .bind(millis(now))
        .bind(millis(flow.expires_at))
        .bind(ack_json(flow.ack))
        .execute(&self.pool)
        .await?;
        Ok(saved.rows_affected() == 1)
    }

    /// Cancels an open flow. Returns whether it was still open.
    pub async fn cancel_flow(&self, id: i64, now: DateTime<Utc>) -> Result<bool> {
        let cancelled = sqlx::query(
            "UPDATE flows SET status = 'cancelled', updated_at = ?2 WHERE id = ?1 AND status = 'open'",
        )
        .bind(id)
        .bind(millis(now))
        .execute(&self.pool)
        .await?;
        Ok(cancelled.rows_affected() == 1)
    }

    /// Takes back a flow's preview to change it: its draft is deleted (audited, as a cancelled
    /// draft is), so that neither its Send button nor `/confirm` can send it any more.
    pub async fn withdraw_preview(&self, flow: &Flow, now: DateTime<Utc>) -> Result<()> {
        let Some(draft_id) = flow.draft_id else { return Ok(()) };
        let mut tx = self.begin_write().await?;
        let deleted = sqlx::query("DELETE FROM drafts WHERE id = ?1 AND official_id = ?2")
            .bind(draft_id)
            .bind(flow.official.0 as i64)
            .execute(&mut *tx)
            .await?;
        if deleted.rows_affected() > 0 {
            let detail = format!("draft {draft_id} (flow {} back to its options)", flow.id);
            audit::record(&mut tx, flow.official, "cancel", &detail, now).await?;
        }
        sqlx::query("UPDATE flows SET draft_id = NULL WHERE id = ?1").bind(flow.id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks open flows past their expiry as expired, and forgets flows closed before
    /// `closed_before`; returns how many were forgotten. Until then an old flow's buttons can
    /// still say what became of it.
    pub async fn purge_flows(&self, now: DateTime<Utc>, closed_before: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE flows SET status = 'expired', updated_at = ?1 WHERE status = 'open' AND expires_at <= ?1",
        )
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        let purged = sqlx::query("DELETE FROM flows WHERE status != 'open' AND updated_at < ?1")
            .bind(millis(closed_before))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(purged.rows_affected())
    }
}

fn flow_from_row(row: FlowRow, now: DateTime<Utc>) -> Flow {
    let status = match FlowStatus::parse(&row.status) {
        Some(FlowStatus::Open) if row.expires_at <= millis(now) => FlowStatus::Expired,
        Some(status) => status,
        // The CHECK constraint admits nothing else.
        None => FlowStatus::Expired,
    };
    Flow {
        id: row.id,
        official: UserId(row.official_id as u64),
        status,
        // The CHECK constraint admits nothing else; a flow that cannot be read starts over.
        step: Step::parse(&row.step).unwrap_or(Step::Topic),
        content: content_from_columns(row.body, row.entities.as_deref(), row.media.as_deref()),
        topic: row.topic,
        areas: parse_areas_json(&row.areas),
        pin: row.pin,
        urgent: row.urgent,
        ack: parse_ack(row.ack.as_deref()),
        send_at: row.send_at.map(from_millis),
        draft_id: row.draft_id,
        message_id: row.message_id.map(MessageId),
        expires_at: from_millis(row.expires_at),
    }
}
