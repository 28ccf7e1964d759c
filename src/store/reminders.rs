//! Recurring reminders, and turning their due fires into broadcasts.

use std::collections::{BTreeSet, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Row, SqliteConnection};
use teloxide::types::UserId;

use super::{
    Store, ack_json, areas_json, audit, content_columns, from_millis, millis, parse_areas_json, parse_media,
};
use crate::{
    domain::{AreaCode, Content, Media, PostRequest, Window},
    error::Result,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderStatus {
    Active,
    Paused,
    /// Past the end of its window.
    Finished,
    Cancelled,
}

impl ReminderStatus {
    fn as_str(self) -> &'static str {
        match self {
            ReminderStatus::Active => "active",
            ReminderStatus::Paused => "paused",
            ReminderStatus::Finished => "finished",
            ReminderStatus::Cancelled => "cancelled",
        }
    }

    fn parse(status: &str) -> ReminderStatus {
        match status {
            "active" => ReminderStatus::Active,
            "paused" => ReminderStatus::Paused,
            "finished" => ReminderStatus::Finished,
            _ => ReminderStatus::Cancelled,
        }
    }
}

/// What a new reminder is.
#[derive(Debug, Clone)]
pub struct NewReminder {
    /// The canonical `<when>` token.
    pub when: String,
    pub window: Window,
    /// The options; the words and media are `content`'s.
    pub request: PostRequest,
    pub content: Content,
    pub next_fire_at: Option<DateTime<Utc>>,
    /// For `loa import`: the plan entry's key.
    pub import_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reminder {
    pub id: i64,
    pub created_by: UserId,
    pub when: String,
    pub window: Window,
    pub topic: String,
    pub areas: Vec<AreaCode>,
    pub pin: bool,
    pub urgent: bool,
    pub body: String,
    /// What comes with the words, to name the kind in lists.
    pub media: Media,
    pub status: ReminderStatus,
    pub next_fire_at: Option<DateTime<Utc>>,
    pub missed: u64,
    pub last_missed_at: Option<DateTime<Utc>>,
    pub skipped: BTreeSet<NaiveDate>,
    pub last_fire: Option<LastFire>,
}

/// The latest broadcast a reminder made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastFire {
    pub broadcast_id: i64,
    pub fire_at: DateTime<Utc>,
    pub late: bool,
    pub delivered: u64,
    pub total: u64,
}

/// What to do with one due reminder, decided by the scheduler from its schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirePlan {
    pub reminder_id: i64,
    /// The `next_fire_at` the plan was made from: if it changed meanwhile (another tick,
    /// another process, a pause), the plan is dropped.
    pub due: DateTime<Utc>,
    /// The fire to broadcast, and whether it is late (catch-up after downtime).
    pub send: Option<(DateTime<Utc>, bool)>,
    /// Fires too old to send.
    pub missed: Vec<DateTime<Utc>>,
    /// `None`: the window has ended and the reminder is finished.
    pub next: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fired {
    pub broadcasts: u64,
    pub missed: u64,
}

#[derive(sqlx::FromRow)]
struct ReminderRow {
    id: i64,
    created_by: i64,
    schedule: String,
    window_from: Option<String>,
    window_to: Option<String>,
    topic: String,
    areas: String,
    pin: bool,
    urgent: bool,
    body: String,
    media: Option<String>,
    status: String,
    next_fire_at: Option<i64>,
    missed: i64,
    last_missed_at: Option<i64>,
    skipped: Option<String>,
    last_broadcast: Option<i64>,
    last_fire_at: Option<i64>,
    last_late: Option<bool>,
    last_delivered: Option<i64>,
    last_total: Option<i64>,
}

/// Every column a `Reminder` needs; `WHERE` clauses are appended by `concat!`.
macro_rules! select_reminders {
    () => {
        concat!(
            "SELECT r.id, r.created_by, r.schedule, r.window_from, r.window_to, r.topic, r.areas, r.pin,
                    r.urgent, r.body, r.media, r.status, r.next_fire_at, r.missed, r.last_missed_at,
                    (SELECT group_concat(day) FROM reminder_skips k WHERE k.reminder_id = r.id) AS skipped,
                    b.id AS last_broadcast, b.fire_at AS last_fire_at, b.late AS last_late, ",
            delivered!(),
            " AS last_delivered, ",
            total!(),
            " AS last_total
             FROM reminders r
             LEFT JOIN broadcasts b ON b.id = (SELECT max(id) FROM broadcasts WHERE reminder_id = r.id) "
        )
    };
}

fn date(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|day| day.parse().ok())
}

impl From<ReminderRow> for Reminder {
    fn from(row: ReminderRow) -> Reminder {
        let skipped = row.skipped.unwrap_or_default().split(',').filter_map(|day| day.parse().ok()).collect();
        let last_fire = row.last_broadcast.map(|broadcast_id| LastFire {
            broadcast_id,
            fire_at: from_millis(row.last_fire_at.unwrap_or_default()),
            late: row.last_late.unwrap_or_default(),
            delivered: row.last_delivered.unwrap_or_default() as u64,
            total: row.last_total.unwrap_or_default() as u64,
        });
        Reminder {
            id: row.id,
            created_by: UserId(row.created_by as u64),
            when: row.schedule,
            window: Window { from: date(row.window_from), to: date(row.window_to) },
            topic: row.topic,
            areas: parse_areas_json(&row.areas),
            pin: row.pin,
            urgent: row.urgent,
            body: row.body,
            media: parse_media(row.media.as_deref()),
            status: ReminderStatus::parse(&row.status),
            next_fire_at: row.next_fire_at.map(from_millis),
            missed: row.missed as u64,
            last_missed_at: row.last_missed_at.map(from_millis),
            skipped,
            last_fire,
        }
    }
}

impl Store {
    /// Creates a reminder and audits it.
    pub async fn create_reminder(&self, new: &NewReminder, by: UserId, now: DateTime<Utc>) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let id = insert_reminder(&mut tx, new, by, now).await?;
        tx.commit().await?;
        Ok(id.expect("a reminder without an import key never conflicts"))
    }

    /// Creates a plan's reminders in one transaction. Entries whose import key exists already
    /// are left as they are; returns the new ids (`None` for those).
    pub async fn import_reminders(
        &self,
        plan: &[NewReminder],
        now: DateTime<Utc>,
    ) -> Result<Vec<Option<i64>>> {
        let mut tx = self.begin_write().await?;
        let mut ids = Vec::with_capacity(plan.len());
        for new in plan {
            ids.push(insert_reminder(&mut tx, new, IMPORTER, now).await?);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Every reminder that is not cancelled, oldest first.
    pub async fn reminders(&self) -> Result<Vec<Reminder>> {
        let rows: Vec<ReminderRow> =
            sqlx::query_as(concat!(select_reminders!(), "WHERE r.status != 'cancelled' ORDER BY r.id"))
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(Reminder::from).collect())
    }

    pub async fn reminder(&self, id: i64) -> Result<Option<Reminder>> {
        let row: Option<ReminderRow> = sqlx::query_as(concat!(select_reminders!(), "WHERE r.id = ?1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(Reminder::from))
    }

    /// The earliest next fire of the active reminders.
    pub async fn next_fire_at(&self) -> Result<Option<DateTime<Utc>>> {
        let next: Option<i64> =
            sqlx::query_scalar("SELECT min(next_fire_at) FROM reminders WHERE status = 'active'")
                .fetch_one(&self.pool)
                .await?;
        Ok(next.map(from_millis))
    }

    /// Active reminders whose next fire has come, soonest first.
    pub async fn due_reminders(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Reminder>> {
        let rows: Vec<ReminderRow> = sqlx::query_as(concat!(
            select_reminders!(),
            "WHERE r.status = 'active' AND r.next_fire_at <= ?1 ORDER BY r.next_fire_at, r.id LIMIT ?2"
        ))
        .bind(millis(now))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Reminder::from).collect())
    }

    /// Active reminders that reach a chat: its topics, and its area or ward-wide.
    pub async fn reminders_for_chat(&self, chat_id: i64) -> Result<Vec<Reminder>> {
        let rows: Vec<ReminderRow> = sqlx::query_as(concat!(
            select_reminders!(),
            "JOIN chats c ON c.id = ?1
             WHERE r.status = 'active'
               AND r.topic IN (SELECT topic FROM subscriptions WHERE chat_id = ?1)
               AND (r.areas = '[]' OR c.area IN (SELECT value FROM json_each(r.areas)))
             ORDER BY r.next_fire_at"
        ))
        .bind(chat_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Reminder::from).collect())
    }

    /// Changes a reminder's status and next fire (pause, resume, cancel, a new skipped date)
    /// and audits it. Returns false when there is no such reminder.
    pub async fn update_reminder(
        &self,
        id: i64,
        status: ReminderStatus,
        next_fire_at: Option<DateTime<Utc>>,
        skip: Option<NaiveDate>,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query("UPDATE reminders SET status = ?2, next_fire_at = ?3 WHERE id = ?1")
            .bind(id)
            .bind(status.as_str())
            .bind(next_fire_at.map(millis))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        if let Some(day) = skip {
            sqlx::query("INSERT OR IGNORE INTO reminder_skips (reminder_id, day) VALUES (?1, ?2)")
                .bind(id)
                .bind(day.to_string())
                .execute(&mut *tx)
                .await?;
        }
        let action = match skip {
            Some(day) => format!("skip {day}"),
            None => status.as_str().to_owned(),
        };
        audit::record(&mut tx, by, "reminder", &format!("reminder {id}: {action}"), now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Gives reminder `id` a new schedule, audience, options and content; its id, its skipped
    /// days and the broadcasts it made stay. A paused reminder stays paused; a cancelled one is
    /// not changed (returns false).
    pub async fn redefine_reminder(
        &self,
        id: i64,
        new: &NewReminder,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let changed = bind_definition(
            sqlx::query(
                "UPDATE reminders SET schedule = ?1, window_from = ?2, window_to = ?3, topic = ?4, areas = ?5,
                     pin = ?6, urgent = ?7, body = ?8, entities = ?9, media = ?10, next_fire_at = ?11,
                     ack = ?12,
                     status = CASE WHEN status = 'paused' THEN 'paused'
                                   WHEN ?11 IS NULL THEN 'finished' ELSE 'active' END
                 WHERE id = ?13 AND status != 'cancelled'",
            ),
            new,
        )
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        let detail = format!("reminder {id}: now {} topic {}", new.when, new.request.topic);
        audit::record(&mut tx, by, "reminder_edit", &detail, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Applies the scheduler's plans in one transaction: each sent fire becomes one broadcast
    /// with its deliveries; missed fires are counted; the next fire is stored. A plan whose
    /// reminder moved on meanwhile is dropped, and the unique (reminder, fire time) index makes
    /// a second broadcast for one fire impossible whatever happens.
    pub async fn apply_fires(&self, plans: &[FirePlan], now: DateTime<Utc>) -> Result<Fired> {
        let mut tx = self.begin_write().await?;
        let advanced = advance_reminders(&mut tx, plans).await?;
        let plans: Vec<&FirePlan> =
            plans.iter().filter(|plan| advanced.contains(&plan.reminder_id)).collect();
        let mut fired =
            Fired { broadcasts: 0, missed: plans.iter().map(|plan| plan.missed.len() as u64).sum() };
        let broadcasts = broadcast_fires(&mut tx, &plans, now).await?;
        if !broadcasts.is_empty() {
            sqlx::query(concat!(
                "INSERT INTO deliveries (broadcast_id, chat_id, urgent, next_attempt_at)
                 SELECT broadcast_id, chat_id, urgent, ?2 FROM (",
                recipients!("(SELECT b.id, b.urgent, b.topic, b.areas FROM json_each(?1) n CROSS JOIN broadcasts b ON b.id = n.value)"),
                ")"
            ))
            .bind(serde_json::to_string(&broadcasts).expect("numbers serialise"))
            .bind(millis(now))
            .execute(&mut *tx)
            .await?;
        }
        fired.broadcasts = broadcasts.len() as u64;
        tx.commit().await?;
        Ok(fired)
    }
}

/// Moves each planned reminder on to its next fire (counting the missed ones), in one
/// statement, unless it moved on meanwhile. Returns the ids of those moved.
async fn advance_reminders(conn: &mut SqliteConnection, plans: &[FirePlan]) -> Result<HashSet<i64>> {
    let plans: Vec<_> = plans
        .iter()
        .map(|plan| {
            let last_missed = plan.missed.last().copied().map(millis);
            (plan.reminder_id, millis(plan.due), plan.next.map(millis), plan.missed.len(), last_missed)
        })
        .collect();
    let advanced: Vec<i64> = sqlx::query_scalar(
        "UPDATE reminders SET next_fire_at = p.next_fire,
             status = CASE WHEN p.next_fire IS NULL THEN 'finished' ELSE reminders.status END,
             missed = reminders.missed + p.missed_count,
             last_missed_at = coalesce(p.last_missed, reminders.last_missed_at)
         FROM (SELECT value ->> 0 AS id, value ->> 1 AS due, value ->> 2 AS next_fire,
                      value ->> 3 AS missed_count, value ->> 4 AS last_missed
               FROM json_each(?1)) p
         WHERE reminders.id = p.id AND reminders.status = 'active' AND reminders.next_fire_at = p.due
         RETURNING reminders.id",
    )
    .bind(serde_json::to_string(&plans).expect("numbers serialise"))
    .fetch_all(conn)
    .await?;
    Ok(advanced.into_iter().collect())
}

/// Writes one broadcast per fire to send, in one statement; a fire that already has its
/// broadcast is left out. Returns the new broadcasts' ids.
async fn broadcast_fires(
    conn: &mut SqliteConnection,
    plans: &[&FirePlan],
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let fires: Vec<_> = plans
        .iter()
        .filter_map(|plan| plan.send.map(|(fire_at, late)| (plan.reminder_id, millis(fire_at), late)))
        .collect();
    if fires.is_empty() {
        return Ok(Vec::new());
    }
    // `WHERE true` tells SQLite's parser that ON CONFLICT belongs to the INSERT, not the join.
    Ok(sqlx::query_scalar(
        "INSERT INTO broadcasts (created_at, created_by, topic, areas, pin, urgent, body, entities, media,
                                 not_before, reminder_id, fire_at, late, ack)
         SELECT ?2, r.created_by, r.topic, r.areas, r.pin, r.urgent, r.body, r.entities, r.media, ?2, r.id,
                f.value ->> 1, f.value ->> 2, r.ack
         FROM json_each(?1) f JOIN reminders r ON r.id = f.value ->> 0
         WHERE true
         ON CONFLICT (reminder_id, fire_at) WHERE reminder_id IS NOT NULL DO NOTHING
         RETURNING id",
    )
    .bind(serde_json::to_string(&fires).expect("numbers serialise"))
    .bind(millis(now))
    .fetch_all(conn)
    .await?)
}

/// The author recorded for reminders created by `loa import`.
const IMPORTER: UserId = UserId(0);

type Statement<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>;

/// Binds what `/remind` defines — schedule, window, audience, options, content, next fire,
/// acknowledgement — as ?1 to ?12: the one list of a reminder's columns, for creating it and
/// for redefining it.
fn bind_definition<'q>(statement: Statement<'q>, new: &'q NewReminder) -> Statement<'q> {
    let (entities, media) = content_columns(&new.content);
    statement
        .bind(&new.when)
        .bind(new.window.from.map(|d| d.to_string()))
        .bind(new.window.to.map(|d| d.to_string()))
        .bind(&new.request.topic)
        .bind(areas_json(&new.request.areas))
        .bind(new.request.pin)
        .bind(new.request.urgent)
        .bind(&new.content.text)
        .bind(entities)
        .bind(media)
        .bind(new.next_fire_at.map(millis))
        .bind(ack_json(new.request.ack))
}

async fn insert_reminder(
    conn: &mut SqliteConnection,
    new: &NewReminder,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let inserted = bind_definition(
        sqlx::query(
            "INSERT INTO reminders (schedule, window_from, window_to, topic, areas, pin, urgent, body, entities,
                                    media, next_fire_at, ack, created_by, created_at, status, import_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
             ON CONFLICT (import_key) DO NOTHING
             RETURNING id",
        ),
        new,
    )
    .bind(by.0 as i64)
    .bind(millis(now))
    .bind(if new.next_fire_at.is_some() { "active" } else { "finished" })
    .bind(&new.import_key)
    .fetch_optional(&mut *conn)
    .await?;
    let id: Option<i64> = inserted.map(|row| row.get(0));
    if let Some(id) = id {
        let source = new.import_key.as_deref().map(|key| format!(" (import {key})")).unwrap_or_default();
        let detail = format!("reminder {id}: {} topic {}{source}", new.when, new.request.topic);
        audit::record(conn, by, "remind", &detail, now).await?;
    }
    Ok(id)
}
