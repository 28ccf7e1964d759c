//! Broadcasts as officials see them: lists, reports, edits and recalls.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;
use teloxide::types::UserId;

use super::{Store, audit, from_millis, millis, parse_areas_json, parse_media};
use crate::{
    domain::{AreaCode, Media},
    error::Result,
};

#[derive(Debug, Clone, PartialEq)]
pub struct BroadcastSummary {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: UserId,
    pub topic: String,
    pub areas: Vec<AreaCode>,
    pub urgent: bool,
    /// A reminder's fire sent in catch-up after downtime.
    pub late: bool,
    pub recalled: bool,
    pub delivered: u64,
    pub total: u64,
    /// People reached, as far as known (a group's members less the bot, one per private chat),
    /// and the groups among the chats delivered to.
    pub reach: u64,
    pub groups: u64,
    /// What came with the words, to name the kind in lists.
    pub media: Media,
    /// Whether residents are asked to tap «✅ Đã nhận».
    pub asks_ack: bool,
}

/// A chat where something failed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatFailure {
    pub chat_id: i64,
    pub title: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BroadcastReport {
    pub summary: BroadcastSummary,
    /// Not yet delivered: waiting, in flight or to be retried.
    pub pending: u64,
    pub failed: Vec<ChatFailure>,
    /// Not sent because the broadcast was recalled or the group moved.
    pub cancelled: u64,
    pub pinned: u64,
    pub pin_failed: u64,
    pub edited: u64,
    pub deleted: u64,
    pub amendments_pending: u64,
    pub amendment_failures: Vec<ChatFailure>,
    /// Chats whose send was in flight when Loa died and was sent again: they may have the
    /// announcement twice.
    pub in_doubt: Vec<ChatFailure>,
    /// Retention folded the per-chat rows away: what is left is counted here, without names.
    pub folded: Option<FoldedCounts>,
    /// Who tapped «✅ Đã nhận», when the broadcast asks for it.
    pub acks: Option<AckCounts>,
}

/// Acknowledgements of one broadcast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckCounts {
    /// Chats with at least one tap: title, id, people who tapped; most first.
    pub by_chat: Vec<(String, i64, u64)>,
    /// Groups delivered to where nobody has tapped.
    pub none: Vec<ChatFailure>,
    /// Groups with a tap, of the groups delivered to (folded ones included).
    pub acked_groups: u64,
    pub groups: u64,
}

/// What remains of deliveries folded by retention, beyond the totals in the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoldedCounts {
    pub failed: u64,
    pub in_doubt: u64,
}

impl BroadcastReport {
    /// Nothing is left to do for this broadcast.
    pub fn finished(&self) -> bool {
        self.pending == 0 && self.amendments_pending == 0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Amended {
    NotFound,
    AlreadyRecalled,
    /// The change is queued for `chats` delivered messages; pending deliveries will carry it.
    Queued {
        chats: u64,
    },
}

type SummaryRow = (i64, i64, i64, String, String, bool, bool, bool, i64, i64, i64, i64, Option<String>, bool);

fn summary_from_row(row: SummaryRow) -> BroadcastSummary {
    let (
        id,
        created_at,
        created_by,
        topic,
        areas,
        urgent,
        late,
        recalled,
        delivered,
        total,
        reach,
        groups,
        media,
        asks_ack,
    ) = row;
    BroadcastSummary {
        id,
        created_at: from_millis(created_at),
        created_by: UserId(created_by as u64),
        topic,
        areas: parse_areas_json(&areas),
        urgent,
        late,
        recalled,
        delivered: delivered as u64,
        total: total as u64,
        reach: reach as u64,
        groups: groups as u64,
        media: parse_media(media.as_deref()),
        asks_ack,
    }
}

/// What a `BroadcastSummary` is read from; the caller appends its `WHERE`/`ORDER BY`.
macro_rules! select_summaries {
    () => {
        concat!(
            "SELECT b.id, b.created_at, b.created_by, b.topic, b.areas, b.urgent, b.late,
                    b.recalled_at IS NOT NULL, ",
            delivered!(),
            ", ",
            total!(),
            ", ",
            reach!(),
            ", b.media, b.ack IS NOT NULL FROM broadcasts b "
        )
    };
}

impl Store {
    /// The latest broadcasts, newest first.
    pub async fn recent_broadcasts(&self, limit: u32) -> Result<Vec<BroadcastSummary>> {
        let rows: Vec<SummaryRow> =
            sqlx::query_as(concat!(select_summaries!(), "ORDER BY b.id DESC LIMIT ?1"))
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(summary_from_row).collect())
    }

    pub async fn broadcast_report(&self, id: i64) -> Result<Option<BroadcastReport>> {
        let summary: Option<SummaryRow> = sqlx::query_as(concat!(select_summaries!(), "WHERE b.id = ?1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(summary) = summary.map(summary_from_row) else { return Ok(None) };
        // Counts add what retention folded away (nothing, for a recent broadcast).
        let (pending, cancelled, pinned, pin_failed): (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT coalesce(sum(state IN ('pending', 'sending')), 0),
                    coalesce(sum(state = 'cancelled'), 0)
                        + coalesce((SELECT cancelled FROM folded_deliveries WHERE broadcast_id = ?1), 0),
                    coalesce(sum(pinned = 1), 0)
                        + coalesce((SELECT pinned FROM folded_deliveries WHERE broadcast_id = ?1), 0),
                    coalesce(sum(pinned = 0), 0)
                        + coalesce((SELECT pin_failed FROM folded_deliveries WHERE broadcast_id = ?1), 0)
             FROM deliveries WHERE broadcast_id = ?1",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        let (edited, deleted, amendments_pending): (i64, i64, i64) = sqlx::query_as(
            "SELECT coalesce(sum(kind = 'edit' AND state = 'done'), 0)
                        + coalesce((SELECT edited FROM folded_deliveries WHERE broadcast_id = ?1), 0),
                    coalesce(sum(kind = 'delete' AND state = 'done'), 0)
                        + coalesce((SELECT deleted FROM folded_deliveries WHERE broadcast_id = ?1), 0),
                    coalesce(sum(state IN ('pending', 'sending')), 0)
             FROM amendments WHERE broadcast_id = ?1",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        let failed = failures(
            self,
            "SELECT d.chat_id, coalesce(c.title, ''), coalesce(d.last_error, '')
             FROM deliveries d LEFT JOIN chats c ON c.id = d.chat_id
             WHERE d.broadcast_id = ?1 AND d.state = 'failed' ORDER BY d.chat_id",
            id,
        )
        .await?;
        let amendment_failures = failures(
            self,
            "SELECT a.chat_id, coalesce(c.title, ''), a.kind || ': ' || coalesce(a.last_error, '')
             FROM amendments a LEFT JOIN chats c ON c.id = a.chat_id
             WHERE a.broadcast_id = ?1 AND a.state = 'failed' ORDER BY a.chat_id",
            id,
        )
        .await?;
        let in_doubt = failures(
            self,
            "SELECT d.chat_id, coalesce(c.title, ''), ''
             FROM deliveries d LEFT JOIN chats c ON c.id = d.chat_id
             WHERE d.broadcast_id = ?1 AND d.in_doubt = 1 AND d.state = 'sent' ORDER BY d.chat_id",
            id,
        )
        .await?;
        let acks = match summary.asks_ack {
            true => Some(self.ack_counts(id, summary.groups).await?),
            false => None,
        };
        let folded: Option<(i64, i64)> =
            sqlx::query_as("SELECT failed, in_doubt FROM folded_deliveries WHERE broadcast_id = ?1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(Some(BroadcastReport {
            summary,
            pending: pending as u64,
            failed,
            cancelled: cancelled as u64,
            pinned: pinned as u64,
            pin_failed: pin_failed as u64,
            edited: edited as u64,
            deleted: deleted as u64,
            amendments_pending: amendments_pending as u64,
            amendment_failures,
            in_doubt,
            folded: folded
                .map(|(failed, in_doubt)| FoldedCounts { failed: failed as u64, in_doubt: in_doubt as u64 }),
            acks,
        }))
    }

    async fn ack_counts(&self, id: i64, groups: u64) -> Result<AckCounts> {
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT d.chat_id, coalesce(c.title, ''), d.acks
             FROM deliveries d LEFT JOIN chats c ON c.id = d.chat_id
             WHERE d.broadcast_id = ?1 AND d.state = 'sent'
             ORDER BY d.acks DESC, d.chat_id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let folded: i64 = sqlx::query_scalar(
            "SELECT coalesce((SELECT acked_chats FROM folded_deliveries WHERE broadcast_id = ?1), 0)",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        let acked_groups = rows.iter().filter(|(chat, _, acks)| *chat < 0 && *acks > 0).count() as u64;
        let (by_chat, none) = rows.into_iter().partition::<Vec<_>, _>(|(_, _, acks)| *acks > 0);
        Ok(AckCounts {
            by_chat: by_chat.into_iter().map(|(chat, title, acks)| (title, chat, acks as u64)).collect(),
            // A private subscriber who does not tap is their own business; a silent group is news.
            none: none
                .into_iter()
                .filter(|(chat, _, _)| *chat < 0)
                .map(|(chat_id, title, _)| ChatFailure { chat_id, title, reason: String::new() })
                .collect(),
            acked_groups: acked_groups + folded as u64,
            groups,
        })
    }

    /// What came with a broadcast's words; `None` if there is no such broadcast.
    pub async fn broadcast_media(&self, id: i64) -> Result<Option<Media>> {
        let media: Option<Option<String>> = sqlx::query_scalar("SELECT media FROM broadcasts WHERE id = ?1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(media.map(|media| parse_media(media.as_deref())))
    }

    /// Replaces a broadcast's text (or caption) with a typed one, without formatting. Delivered messages get an edit queued; pending deliveries
    /// send the new text; an older edit still queued is superseded.
    pub async fn edit_broadcast(
        &self,
        id: i64,
        body: &str,
        official: UserId,
        now: DateTime<Utc>,
    ) -> Result<Amended> {
        let mut tx = self.begin_write().await?;
        let recalled: Option<bool> =
            sqlx::query_scalar("SELECT recalled_at IS NOT NULL FROM broadcasts WHERE id = ?1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        match recalled {
            None => return Ok(Amended::NotFound),
            Some(true) => return Ok(Amended::AlreadyRecalled),
            Some(false) => {}
        }
        let revision: i64 = sqlx::query_scalar(
            "UPDATE broadcasts SET body = ?2, entities = NULL, revision = revision + 1 WHERE id = ?1
             RETURNING revision",
        )
        .bind(id)
        .bind(body)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE amendments SET state = 'superseded' WHERE broadcast_id = ?1 AND kind = 'edit' AND state = 'pending'",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let chats = amend_delivered(&mut tx, id, "edit", revision, now).await?;
        let detail = format!(
            "broadcast {id} revision {revision}: {} chars, {chats} messages to edit",
            body.chars().count()
        );
        audit::record(&mut tx, official, "edit", &detail, now).await?;
        tx.commit().await?;
        Ok(Amended::Queued { chats })
    }

    /// Recalls a broadcast: what is not sent yet never will be, and every delivered message gets
    /// a deletion queued.
    pub async fn recall_broadcast(&self, id: i64, official: UserId, now: DateTime<Utc>) -> Result<Amended> {
        let mut tx = self.begin_write().await?;
        let revision: Option<(i64, bool)> =
            sqlx::query_as("SELECT revision, recalled_at IS NOT NULL FROM broadcasts WHERE id = ?1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let revision = match revision {
            None => return Ok(Amended::NotFound),
            Some((_, true)) => return Ok(Amended::AlreadyRecalled),
            Some((revision, false)) => revision,
        };
        sqlx::query("UPDATE broadcasts SET recalled_at = ?2 WHERE id = ?1")
            .bind(id)
            .bind(millis(now))
            .execute(&mut *tx)
            .await?;
        let cancelled = sqlx::query(
            "UPDATE deliveries SET state = 'cancelled', last_error = 'recalled' WHERE broadcast_id = ?1 AND state = 'pending'",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query(
            "UPDATE amendments SET state = 'superseded' WHERE broadcast_id = ?1 AND state = 'pending'",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let chats = amend_delivered(&mut tx, id, "delete", revision, now).await?;
        let detail = format!("broadcast {id}: {chats} messages to delete, {cancelled} unsent cancelled");
        audit::record(&mut tx, official, "recall", &detail, now).await?;
        tx.commit().await?;
        Ok(Amended::Queued { chats })
    }
}

/// An announcement as a chat sees it in a list: when, what topic, what text, what with it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatAnnouncement {
    pub at: DateTime<Utc>,
    pub topic: String,
    pub body: String,
    pub media: Media,
}

type AnnouncementRow = (i64, String, String, Option<String>);

fn announcement_from_row((at, topic, body, media): AnnouncementRow) -> ChatAnnouncement {
    ChatAnnouncement { at: from_millis(at), topic, body, media: parse_media(media.as_deref()) }
}

impl Store {
    /// The last `limit` announcements delivered to a chat, newest first.
    pub async fn latest_for_chat(&self, chat_id: i64, limit: u32) -> Result<Vec<ChatAnnouncement>> {
        let rows: Vec<AnnouncementRow> = sqlx::query_as(
            "SELECT d.sent_at, b.topic, b.body, b.media FROM deliveries d JOIN broadcasts b ON b.id = d.broadcast_id
             WHERE d.chat_id = ?1 AND d.state = 'sent' AND b.recalled_at IS NULL
             ORDER BY d.sent_at DESC LIMIT ?2",
        )
        .bind(chat_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(announcement_from_row).collect())
    }

    /// Announcements confirmed for a later time (`/at`, or held by quiet hours) that are owed to
    /// a chat before `until`.
    pub async fn scheduled_for_chat(
        &self,
        chat_id: i64,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<ChatAnnouncement>> {
        let rows: Vec<AnnouncementRow> = sqlx::query_as(
            "SELECT b.not_before, b.topic, b.body, b.media FROM deliveries d JOIN broadcasts b ON b.id = d.broadcast_id
             WHERE d.chat_id = ?1 AND d.state = 'pending' AND b.not_before > ?2 AND b.not_before <= ?3
             ORDER BY b.not_before",
        )
        .bind(chat_id)
        .bind(millis(now))
        .bind(millis(until))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(announcement_from_row).collect())
    }
}

/// Queues an edit or a deletion for every chat that received the broadcast; returns how many.
async fn amend_delivered(
    conn: &mut SqliteConnection,
    broadcast: i64,
    kind: &str,
    revision: i64,
    now: DateTime<Utc>,
) -> Result<u64> {
    let queued = sqlx::query(
        "INSERT INTO amendments (broadcast_id, chat_id, kind, revision, next_attempt_at)
         SELECT broadcast_id, chat_id, ?2, ?3, ?4 FROM deliveries WHERE broadcast_id = ?1 AND state = 'sent'",
    )
    .bind(broadcast)
    .bind(kind)
    .bind(revision)
    .bind(millis(now))
    .execute(conn)
    .await?
    .rows_affected();
    Ok(queued)
}

async fn failures(store: &Store, statement: &'static str, id: i64) -> Result<Vec<ChatFailure>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(statement).bind(id).fetch_all(&store.pool).await?;
    Ok(rows.into_iter().map(|(chat_id, title, reason)| ChatFailure { chat_id, title, reason }).collect())
}
