//! The desk's side of tickets: its copies of each ticket, officials' status changes and replies
//! (each audited in the transaction that makes it), reminders of tickets nobody took on, and
//! residents blocked from the desk.

use chrono::{DateTime, Utc};
use teloxide::types::{ChatId, MessageId, UserId};

use super::{Store, audit, millis};
use crate::{domain::TicketStatus, error::Result};

/// What an official's status change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChange {
    /// The ticket moved; the resident is to be told.
    Changed {
        resident: Option<UserId>,
    },
    /// It already had that status (a double tap).
    Unchanged,
    /// It is closed: nothing changes any more.
    Closed(TicketStatus),
    Unknown,
}

/// What recording an official's reply did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyRecord {
    /// Recorded as pending; `resident` is who to relay it to (`None`: erased, undeliverable).
    /// An open ticket answered counts as taken on.
    Recorded {
        reply: i64,
        resident: Option<UserId>,
        acknowledged: bool,
    },
    Closed(TicketStatus),
    Unknown,
}

/// What one of the desk's copies of a ticket shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskCard {
    Text,
    /// A photo or video under the text, which no edit can take away.
    Media,
    /// Made from a ticket whose personal data was erased.
    Anonymous,
}

impl DeskCard {
    fn as_str(self) -> &'static str {
        match self {
            DeskCard::Text => "text",
            DeskCard::Media => "media",
            DeskCard::Anonymous => "anonymous",
        }
    }
}

/// A copy at the desk still showing personal data of a ticket erased since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonalCopy {
    pub chat: ChatId,
    pub message: MessageId,
    pub ticket: i64,
    pub media: bool,
}

/// An official's answer not yet relayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingReply {
    pub reply: i64,
    pub ticket: i64,
    pub official: UserId,
    pub body: String,
    pub resident: Option<UserId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    Blocked,
    AlreadyBlocked,
    /// The ticket's personal data is erased: there is nobody to block.
    Anonymous,
    Unknown,
}

impl Store {
    /// Remembers a message of the desk that shows `ticket` as `card`.
    pub async fn record_desk_message(
        &self,
        ticket: i64,
        chat: ChatId,
        message: MessageId,
        card: DeskCard,
    ) -> Result<()> {
        sqlx::query(
            "INSERT OR IGNORE INTO desk_messages (chat_id, message_id, ticket_id, card) VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(chat.0)
        .bind(message.0)
        .bind(ticket)
        .bind(card.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The desk's copies that still show personal data their ticket no longer has.
    pub async fn personal_desk_copies(&self) -> Result<Vec<PersonalCopy>> {
        let rows: Vec<(i64, i32, i64, String)> = sqlx::query_as(
            "SELECT d.chat_id, d.message_id, d.ticket_id, d.card
             FROM desk_messages d JOIN tickets t ON t.id = d.ticket_id
             WHERE d.card != 'anonymous' AND t.erased_at IS NOT NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(chat, message, ticket, card)| PersonalCopy {
                chat: ChatId(chat),
                message: MessageId(message),
                ticket,
                media: card == DeskCard::Media.as_str(),
            })
            .collect())
    }

    /// A desk copy now shows no personal data (`deleted`: it is gone altogether).
    pub async fn desk_copy_anonymised(&self, chat: ChatId, message: MessageId, deleted: bool) -> Result<()> {
        let query = match deleted {
            true => "DELETE FROM desk_messages WHERE chat_id = ?1 AND message_id = ?2",
            false => "UPDATE desk_messages SET card = 'anonymous' WHERE chat_id = ?1 AND message_id = ?2",
        };
        sqlx::query(query).bind(chat.0).bind(message.0).execute(&self.pool).await?;
        Ok(())
    }

    /// The ticket a desk message shows, if it is one.
    pub async fn ticket_of_desk_message(&self, chat: ChatId, message: MessageId) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT ticket_id FROM desk_messages WHERE chat_id = ?1 AND message_id = ?2")
            .bind(chat.0)
            .bind(message.0)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Every desk message showing `ticket`, to update their buttons.
    pub async fn desk_messages(&self, ticket: i64) -> Result<Vec<(ChatId, MessageId)>> {
        let rows: Vec<(i64, i32)> = sqlx::query_as(
            "SELECT chat_id, message_id FROM desk_messages WHERE ticket_id = ?1 ORDER BY chat_id",
        )
        .bind(ticket)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(chat, message)| (ChatId(chat), MessageId(message))).collect())
    }

    /// Moves `ticket` to `status` for official `by`, audited. Closed tickets stay closed, and a
    /// taken-on ticket does not go back to open.
    pub async fn set_ticket_status(
        &self,
        ticket: i64,
        status: TicketStatus,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<StatusChange> {
        let mut tx = self.begin_write().await?;
        let Some((current, resident)) = ticket_state(&mut tx, ticket).await? else {
            return Ok(StatusChange::Unknown);
        };
        if current.is_closed() {
            return Ok(StatusChange::Closed(current));
        }
        if current == status || status == TicketStatus::Open {
            return Ok(StatusChange::Unchanged);
        }
        sqlx::query(
            "UPDATE tickets SET status = ?2,
                 acked_at = coalesce(acked_at, ?3),
                 closed_at = CASE WHEN ?2 IN ('resolved', 'declined') THEN ?3 END
             WHERE id = ?1",
        )
        .bind(ticket)
        .bind(status.as_str())
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        let detail = format!("ticket {ticket} {} -> {}", current.as_str(), status.as_str());
        audit::record(&mut tx, by, "ticket_status", &detail, now).await?;
        tx.commit().await?;
        Ok(StatusChange::Changed { resident })
    }

    /// Records official `by`'s answer to `ticket`, to be relayed; an open ticket becomes
    /// acknowledged with it. A closed ticket takes no more answers.
    pub async fn record_ticket_reply(
        &self,
        ticket: i64,
        by: UserId,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<ReplyRecord> {
        let mut tx = self.begin_write().await?;
        let Some((current, resident)) = ticket_state(&mut tx, ticket).await? else {
            return Ok(ReplyRecord::Unknown);
        };
        if current.is_closed() {
            return Ok(ReplyRecord::Closed(current));
        }
        let acknowledged = current == TicketStatus::Open;
        if acknowledged {
            sqlx::query("UPDATE tickets SET status = 'acknowledged', acked_at = ?2 WHERE id = ?1")
                .bind(ticket)
                .bind(millis(now))
                .execute(&mut *tx)
                .await?;
        }
        let (state, error) = match resident {
            Some(_) => ("pending", None),
            None => ("undeliverable", Some("the resident's data was erased")),
        };
        let reply: i64 = sqlx::query_scalar(
            "INSERT INTO ticket_replies (ticket_id, official_id, body, state, error, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
        )
        .bind(ticket)
        .bind(by.0 as i64)
        .bind(body)
        .bind(state)
        .bind(error)
        .bind(millis(now))
        .fetch_one(&mut *tx)
        .await?;
        audit::record(&mut tx, by, "ticket_reply", &format!("ticket {ticket} reply {reply}"), now).await?;
        tx.commit().await?;
        Ok(ReplyRecord::Recorded { reply, resident, acknowledged })
    }

    /// What became of relaying reply `reply`: delivered, or undeliverable with Telegram's reason.
    pub async fn ticket_reply_outcome(&self, reply: i64, error: Option<&str>) -> Result<()> {
        sqlx::query("UPDATE ticket_replies SET state = ?2, error = ?3 WHERE id = ?1")
            .bind(reply)
            .bind(if error.is_some() { "undeliverable" } else { "delivered" })
            .bind(error)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The tickets still open that were created before `cutoff` and whose reminder has not
    /// reached the desk yet.
    pub async fn unacknowledged(&self, cutoff: DateTime<Utc>) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM tickets WHERE status = 'open' AND reminded_at IS NULL AND created_at <= ?1
             ORDER BY id",
        )
        .bind(millis(cutoff))
        .fetch_all(&self.pool)
        .await?)
    }

    /// The tickets whose card has not reached the desk yet (a crash came first).
    pub async fn unposted_tickets(&self) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar("SELECT id FROM tickets WHERE posted_at IS NULL ORDER BY id")
            .fetch_all(&self.pool)
            .await?)
    }

    /// Telegram answered for `ticket`'s card at the desk (`reminder`: for its reminder).
    pub async fn ticket_at_desk(&self, ticket: i64, reminder: bool, now: DateTime<Utc>) -> Result<()> {
        let query = match reminder {
            true => "UPDATE tickets SET reminded_at = coalesce(reminded_at, ?2) WHERE id = ?1",
            false => "UPDATE tickets SET posted_at = coalesce(posted_at, ?2) WHERE id = ?1",
        };
        sqlx::query(query).bind(ticket).bind(millis(now)).execute(&self.pool).await?;
        Ok(())
    }

    /// Answers still to be relayed (a crash came first), with the resident to relay them to
    /// (`None`: erased since).
    pub async fn pending_ticket_replies(&self) -> Result<Vec<PendingReply>> {
        let rows: Vec<(i64, i64, i64, String, Option<i64>)> = sqlx::query_as(
            "SELECT r.id, r.ticket_id, r.official_id, r.body, t.resident_id
             FROM ticket_replies r JOIN tickets t ON t.id = r.ticket_id
             WHERE r.state = 'pending' ORDER BY r.id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(reply, ticket, official, body, resident)| PendingReply {
                reply,
                ticket,
                official: UserId(official as u64),
                body,
                resident: resident.map(|id| UserId(id as u64)),
            })
            .collect())
    }

    /// Blocks the author of `ticket` from the desk, for admin `by`, without naming them.
    pub async fn block_ticket_author(&self, ticket: i64, by: UserId, now: DateTime<Utc>) -> Result<Block> {
        let mut tx = self.begin_write().await?;
        let Some((_, resident)) = ticket_state(&mut tx, ticket).await? else { return Ok(Block::Unknown) };
        let Some(resident) = resident else { return Ok(Block::Anonymous) };
        let added = sqlx::query(
            "INSERT OR IGNORE INTO desk_blocks (resident_id, ticket_id, blocked_by, blocked_at)
             VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(resident.0 as i64)
        .bind(ticket)
        .bind(by.0 as i64)
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        if added.rows_affected() == 0 {
            return Ok(Block::AlreadyBlocked);
        }
        audit::record(&mut tx, by, "desk_block", &format!("author of ticket {ticket}"), now).await?;
        tx.commit().await?;
        Ok(Block::Blocked)
    }

    pub async fn is_blocked_from_desk(&self, resident: UserId) -> Result<bool> {
        Ok(sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM desk_blocks WHERE resident_id = ?1)")
            .bind(resident.0 as i64)
            .fetch_one(&self.pool)
            .await?)
    }
}

/// A ticket's status and resident, read inside a write transaction.
async fn ticket_state(
    conn: &mut sqlx::SqliteConnection,
    ticket: i64,
) -> Result<Option<(TicketStatus, Option<UserId>)>> {
    let row: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT status, resident_id FROM tickets WHERE id = ?1")
            .bind(ticket)
            .fetch_optional(conn)
            .await?;
    Ok(row.and_then(|(status, resident)| {
        Some((TicketStatus::parse(&status)?, resident.map(|id| UserId(id as u64))))
    }))
}
