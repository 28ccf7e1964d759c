//! SQLite access. Every query of the program lives in this module, one file per table family;
//! every statement is static SQL with bound parameters.

/// The recipients of broadcasts, as rows `(broadcast_id, urgent, chat_id)`: for each row of
/// `$broadcasts` (columns `id, urgent, topic, areas`), the active chats subscribed to its
/// topic, and when its JSON array of areas is not empty, bound to one of them. The one rule of
/// who receives what, shared by the preview's count and every fan-out, so that the preview's
/// number is the number of deliveries. Two halves, so that SQLite drives each from its own
/// index: a ward-wide broadcast from the topic's subscriptions, an area-bound one from the
/// areas' chats (a reminder for one residential group reads its few chats, not every
/// subscriber of the topic). UNION, not UNION ALL: an area named twice still means one
/// delivery.
macro_rules! recipients {
    ($broadcasts:literal) => {
        concat!(
            "SELECT b.id AS broadcast_id, b.urgent AS urgent, c.id AS chat_id
             FROM ",
            $broadcasts,
            " b CROSS JOIN subscriptions s CROSS JOIN chats c
             WHERE b.areas = '[]' AND s.topic = b.topic AND c.id = s.chat_id AND c.active = 1
             UNION
             SELECT b.id, b.urgent, c.id
             FROM ",
            $broadcasts,
            " b CROSS JOIN json_each(b.areas) a CROSS JOIN chats c CROSS JOIN subscriptions s
             WHERE c.area = a.value AND c.active = 1 AND s.chat_id = c.id AND s.topic = b.topic"
        )
    };
}

/// How many chats broadcast `b` reached: live deliveries plus those folded away by retention.
macro_rules! delivered {
    () => {
        "((SELECT count(*) FROM deliveries d WHERE d.broadcast_id = b.id AND d.state = 'sent')
          + coalesce((SELECT sent FROM folded_deliveries f WHERE f.broadcast_id = b.id), 0))"
    };
}

/// How many people broadcast `b` reached, as far as known, and in how many groups: live
/// deliveries plus those folded away.
macro_rules! reach {
    () => {
        "((SELECT coalesce(sum(d.reach), 0) FROM deliveries d WHERE d.broadcast_id = b.id AND d.state = 'sent')
          + coalesce((SELECT reach FROM folded_deliveries f WHERE f.broadcast_id = b.id), 0)),
         ((SELECT count(*) FROM deliveries d WHERE d.broadcast_id = b.id AND d.state = 'sent' AND d.chat_id < 0)
          + coalesce((SELECT groups FROM folded_deliveries f WHERE f.broadcast_id = b.id), 0))"
    };
}

/// For how many chats broadcast `b` was meant, folded deliveries included.
macro_rules! total {
    () => {
        "((SELECT count(*) FROM deliveries d WHERE d.broadcast_id = b.id)
          + coalesce((SELECT total FROM folded_deliveries f WHERE f.broadcast_id = b.id), 0))"
    };
}

/// The columns of a job on a delivery, `action` naming what is owed and `attempts` counting
/// its tries so far; `WHERE` is appended.
macro_rules! delivery_job {
    ($action:literal, $attempts:literal) => {
        concat!(
            "SELECT d.broadcast_id, d.chat_id, ",
            $attempts,
            " AS attempts, b.topic, b.body, b.entities, b.media, b.revision,
                    b.pin, c.lang, c.kind, d.message_id, d.more_message_ids, ",
            $action,
            " AS action, b.ack, d.acks
             FROM deliveries d
             CROSS JOIN broadcasts b ON b.id = d.broadcast_id
             LEFT JOIN chats c ON c.id = d.chat_id "
        )
    };
}

mod acks;
mod alerts;
mod audit;
mod broadcasts;
mod chats;
mod copies;
mod desk;
mod diagnosis;
mod drafts;
mod flows;
mod inbox;
mod invites;
mod officials;
mod ops;
mod outbox;
mod reach;
mod reminders;
mod retention;
mod schema;
mod stats;
mod subscriptions;
mod ticket_drafts;
mod ticket_privacy;
mod tickets;

use std::{str::FromStr, time::Duration};

use chrono::{DateTime, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use acks::{AckPolicy, AckTap};
pub use alerts::{AlertMessage, OwedAlert};
pub use broadcasts::{
    AckCounts, Amended, BroadcastReport, BroadcastSummary, ChatAnnouncement, ChatFailure, FoldedCounts,
};
pub use chats::{ChatInfo, ChatKind, ChatSettings};
pub use copies::{BackupError, CopySummary, PARTIAL, inspect, keep_last};
pub use desk::{Block, DeskCard, PendingReply, PersonalCopy, ReplyRecord, StatusChange};
pub use diagnosis::GroupChat;
pub use drafts::{Confirmation, Draft};
pub use flows::Flow;
pub use invites::Redemption;
pub use officials::{Appointment, Official, Removal};
pub use ops::Figures;
pub use outbox::{Action, Job, Outcome};
pub use reminders::{FirePlan, Fired, LastFire, NewReminder, Reminder, ReminderStatus};
pub use schema::{MIGRATOR, Migrated, SchemaError, SchemaState, newest_known};
pub use ticket_drafts::TicketDraft;
pub use tickets::{Contact, Ticket, TicketLine};

use crate::{
    domain::{AckRequest, AreaCode, Content, Media},
    error::Result,
};

/// A handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens the database, creating it if missing, and applies the migrations it lacks (see
    /// [`Store::migrate`]).
    pub async fn connect(url: &str) -> Result<Store> {
        Ok(Store::migrate(url).await?.0)
    }

    async fn with_options(options: SqliteConnectOptions) -> Result<Store> {
        // SQLite writes one at a time and WAL readers do not wait for it, so two connections
        // (the worker's and the handlers') lose no throughput, and each one fewer saves a
        // thread, its malloc arena and its caches. No code holds one while acquiring another.
        let pool = SqlitePoolOptions::new().max_connections(2).connect_with(options).await?;
        Ok(Store { pool })
    }

    /// Closes every connection once it is returned. The last one to close checkpoints the
    /// write-ahead log into the database file and removes it, so that a stopped Loa leaves one
    /// file that a plain copy backs up whole.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Starts a write transaction that takes SQLite's write lock at once, so that two writers
    /// queue on `busy_timeout` instead of failing when a read lock is upgraded.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

/// How long a statement waits for another connection's write lock before it fails.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How Loa opens the database at `url`.
fn options(url: &str) -> Result<SqliteConnectOptions> {
    Ok(SqliteConnectOptions::from_str(url)?
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT)
        // 512 KiB of page cache per connection instead of 2 MiB: the hot pages (the
        // queue's index, the chats being sent to) fit, and peak memory stays small.
        .pragma("cache_size", "-512"))
}

/// Instants are stored as unix milliseconds.
fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

pub(crate) fn from_millis(at: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(at).unwrap_or_default()
}

/// Areas are stored as a JSON array so that SQL can test membership with `json_each`.
fn areas_json(areas: &[AreaCode]) -> String {
    serde_json::to_string(&areas.iter().map(AreaCode::as_str).collect::<Vec<_>>()).expect("strings serialise")
}

fn parse_areas_json(json: &str) -> Vec<AreaCode> {
    serde_json::from_str::<Vec<String>>(json)
        .unwrap_or_default()
        .into_iter()
        .map(AreaCode::from_stored)
        .collect()
}

/// A content's formatting and media as stored: NULL for none, as plain text always was.
fn content_columns(content: &Content) -> (Option<String>, Option<String>) {
    let entities = (!content.entities.is_empty())
        .then(|| serde_json::to_string(&content.entities).expect("entities serialise"));
    let media = (content.media != Media::None)
        .then(|| serde_json::to_string(&content.media).expect("media serialise"));
    (entities, media)
}

/// The content stored as `body`, `entities` and `media`. Columns this program wrote always
/// read back; anything else reads as plain text rather than stop a broadcast.
fn content_from_columns(body: String, entities: Option<&str>, media: Option<&str>) -> Content {
    Content {
        text: body,
        entities: entities.and_then(|json| serde_json::from_str(json).ok()).unwrap_or_default(),
        media: parse_media(media),
    }
}

fn parse_media(json: Option<&str>) -> Media {
    json.and_then(|json| serde_json::from_str(json).ok()).unwrap_or_default()
}

/// What an announcement asks of its readers, as stored: NULL asks nothing.
fn ack_json(ack: Option<AckRequest>) -> Option<String> {
    ack.map(|ack| serde_json::to_string(&ack).expect("an ack request serialises"))
}

fn parse_ack(json: Option<&str>) -> Option<AckRequest> {
    json.and_then(|json| serde_json::from_str(json).ok())
}
