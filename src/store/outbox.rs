//! The worker's side of the outbox: claim due work, record what happened.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{
    Store,
    acks::{self, AckPolicy},
    alerts,
    chats::move_chat,
    content_from_columns, millis, parse_ack, reach,
};
use crate::{
    domain::{AckRequest, Content, Lang},
    error::Result,
};

/// One request the worker owes Telegram: a message to send, or an edit or deletion of a
/// message already delivered.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub broadcast_id: i64,
    pub chat_id: i64,
    pub action: Action,
    /// Attempts including this one.
    pub attempts: u32,
    pub topic: String,
    /// The broadcast's current content, and its revision.
    pub content: Content,
    pub revision: i64,
    /// The chat's own language, if it chose one.
    pub lang: Option<Lang>,
    pub is_group: bool,
    /// What the broadcast asks of its readers, and how many in this chat have tapped.
    pub ack: Option<AckRequest>,
    pub acks: i64,
}

impl Job {
    /// How many messages the request makes: an album's items each count against Telegram's
    /// limits, and the acknowledgement button's own message after one; anything else is one
    /// request.
    pub fn messages(&self) -> usize {
        match self.action {
            Action::Send { .. } => {
                let button_apart = self.ack.is_some() && self.content.media.ack_button_apart();
                self.content.messages() + usize::from(button_apart)
            }
            _ => 1,
        }
    }

    /// Nobody waits for it (the count on a «Đã nhận» button): it gets what the overall rate
    /// leaves, never all of it.
    pub fn is_background(&self) -> bool {
        matches!(self.action, Action::ShowAcks { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Send {
        pin: bool,
    },
    /// The message that carries the text or caption.
    Edit {
        message_id: i32,
    },
    /// Every message of the delivery.
    Delete {
        message_ids: Vec<i32>,
    },
    /// The acknowledgement button's count (`Job::acks`), on the message that carries it.
    ShowAcks {
        message_id: i32,
    },
    /// The one reminder to a group that has not acknowledged in time.
    RemindAck,
    /// Tells the broadcast's author, or the ward's desk (the job's chat), which chats, by
    /// title, have not acknowledged in time.
    ReportOverdue {
        chats: Vec<String>,
        to_desk: bool,
    },
    /// Asks how many people are in the group, for the reach of its deliveries.
    CountMembers,
}

/// What happened to a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A message was sent (and `more` after it: an album's other items, a location after its
    /// heading); `pinned` is `None` when no pin was asked for.
    Sent { message_id: i32, more: Vec<i32>, pinned: Option<bool> },
    /// An edit or deletion was done (or was already so).
    Done,
    /// Try again at `at`. `in_doubt`: part of it may have arrived (an album whose answer was
    /// lost), so the chat may see some of it twice.
    Retry { error: String, at: DateTime<Utc>, in_doubt: bool },
    /// Given up. `chat_gone`: the bot can no longer write to the chat at all.
    Failed { error: String, chat_gone: bool },
    /// The group became supergroup `to`: move the chat and send there.
    Migrated { to: i64 },
    /// The group has this many members, the bot included.
    Counted { members: u32 },
}

impl Store {
    /// At start-up, work marked in flight belongs to a process that died: it becomes due again,
    /// except sends of a broadcast recalled meanwhile, which are cancelled. A send among it may
    /// have reached its chat before the crash, the one case where a chat can get a copy twice:
    /// it is marked `in_doubt` for `/report`. Only for start-up: a worker that restarts inside
    /// the process still owns its in-flight rows and records their outcomes instead.
    pub async fn resume_in_flight(&self, now: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE deliveries SET state = 'cancelled', last_error = 'recalled'
             WHERE state IN ('pending', 'sending')
               AND broadcast_id IN (SELECT id FROM broadcasts WHERE recalled_at IS NOT NULL)",
        )
        .execute(&mut *tx)
        .await?;
        let sends = sqlx::query(
            "UPDATE deliveries SET state = 'pending', next_attempt_at = ?1, in_doubt = 1 WHERE state = 'sending'",
        )
        .bind(millis(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let amendments = sqlx::query(
            "UPDATE amendments SET state = 'pending', next_attempt_at = ?1 WHERE state = 'sending'",
        )
        .bind(millis(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let ack_work = acks::resume_in_flight(&mut tx).await?;
        tx.commit().await?;
        Ok(sends + amendments + ack_work)
    }

    /// Claims up to `limit` due jobs, at most one per chat and none for `busy` chats, urgent
    /// broadcasts first, and marks them in flight — all in one transaction. In `quiet` hours
    /// only urgent sends are claimed; edits and deletions make no sound and always go.
    pub async fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: usize,
        busy: &HashSet<i64>,
        quiet: bool,
        ack_policy: &AckPolicy,
    ) -> Result<Vec<Job>> {
        let mut tx = self.begin_write().await?;
        unpark_due(&mut tx, now).await?;
        acks::take_overdue(&mut tx, now, ack_policy).await?;
        let fetch = (limit + busy.len()) as i64;
        let mut jobs = claimable_amendments(&mut tx, now, fetch).await?;
        jobs.extend(claimable_sends(&mut tx, now, fetch, quiet).await?);
        // After the announcements themselves: what their readers did, and who they reached.
        jobs.extend(acks::claimable(&mut tx, now, fetch, quiet, ack_policy).await?);
        jobs.extend(reach::claimable(&mut tx, now, fetch).await?);
        let mut chats = busy.clone();
        jobs.retain(|job| chats.insert(job.chat_id));
        jobs.truncate(limit);
        // Sends are marked in one statement: one round trip to SQLite instead of one per job.
        let sends: Vec<(i64, i64)> = jobs
            .iter()
            .filter(|job| matches!(job.action, Action::Send { .. }))
            .map(|job| (job.broadcast_id, job.chat_id))
            .collect();
        if !sends.is_empty() {
            sqlx::query(
                "UPDATE deliveries SET state = 'sending', attempts = attempts + 1
                 WHERE (broadcast_id, chat_id) IN
                       (SELECT value ->> 0, value ->> 1 FROM json_each(?1))",
            )
            .bind(serde_json::to_string(&sends).expect("numbers serialise"))
            .execute(&mut *tx)
            .await?;
        }
        for job in &mut jobs {
            job.attempts += 1;
            match job.action {
                Action::Send { .. } => {}
                Action::Edit { .. } | Action::Delete { .. } => mark_amendment_in_flight(&mut tx, job).await?,
                Action::CountMembers => reach::mark_in_flight(&mut tx, job, now).await?,
                Action::ShowAcks { .. } | Action::RemindAck | Action::ReportOverdue { .. } => {
                    acks::mark_in_flight(&mut tx, job, now).await?
                }
            }
        }
        tx.commit().await?;
        Ok(jobs)
    }

    /// Puts claimed jobs that were never attempted back (on shutdown, or their broadcast was
    /// recalled: then they are cancelled, so no pending row of a recalled broadcast is left).
    pub async fn release(&self, jobs: &[Job]) -> Result<()> {
        if jobs.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        for job in jobs {
            let statement = match job.action {
                Action::ShowAcks { .. } | Action::RemindAck | Action::ReportOverdue { .. } => {
                    acks::release(&mut tx, job).await?;
                    continue;
                }
                // Asked again a day later at most: a member count is a courtesy.
                Action::CountMembers => continue,
                Action::Send { .. } => {
                    "UPDATE deliveries SET attempts = attempts - 1,
                         state = CASE WHEN (SELECT recalled_at FROM broadcasts WHERE id = ?1) IS NULL
                                      THEN 'pending' ELSE 'cancelled' END
                     WHERE broadcast_id = ?1 AND chat_id = ?2 AND state = 'sending'"
                }
                Action::Edit { .. } | Action::Delete { .. } => {
                    "UPDATE amendments SET state = 'pending', attempts = attempts - 1
                     WHERE broadcast_id = ?1 AND chat_id = ?2 AND state = 'sending'"
                }
            };
            sqlx::query(statement).bind(job.broadcast_id).bind(job.chat_id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records the outcomes of finished jobs in one transaction.
    pub async fn record(
        &self,
        results: &[(Job, Outcome)],
        now: DateTime<Utc>,
        ack_policy: &AckPolicy,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        // Successful sends, the bulk of any broadcast, are recorded in two statements in all.
        let mut sent: Vec<SentRow> = Vec::new();
        for (job, outcome) in results {
            match job.action {
                Action::Send { .. } => match outcome {
                    Outcome::Sent { message_id, more, pinned } => {
                        sent.push(sent_row(job, *message_id, more, *pinned))
                    }
                    _ => record_send(&mut tx, job, outcome, now).await?,
                },
                Action::Edit { .. } | Action::Delete { .. } => {
                    record_amendment(&mut tx, job, outcome, now).await?
                }
                Action::CountMembers => reach::record(&mut tx, job, outcome, now).await?,
                Action::ShowAcks { .. } | Action::RemindAck | Action::ReportOverdue { .. } => {
                    acks::record(&mut tx, job, outcome, ack_policy).await?;
                    if let Outcome::Failed { error, chat_gone: true } = outcome {
                        chat_is_gone(&mut tx, job.chat_id, error, now).await?;
                    }
                }
            }
        }
        if !sent.is_empty() {
            record_sent(&mut tx, &sent, now, ack_policy).await?;
        }
        alerts::after_record(&mut tx, results, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct JobRow {
    broadcast_id: i64,
    chat_id: i64,
    attempts: i64,
    topic: String,
    body: String,
    entities: Option<String>,
    media: Option<String>,
    revision: i64,
    pin: bool,
    lang: Option<String>,
    kind: Option<String>,
    message_id: Option<i64>,
    more_message_ids: Option<String>,
    action: String,
    ack: Option<String>,
    acks: i64,
}

impl JobRow {
    pub(super) fn into_job(self) -> Job {
        let message_id = self.message_id.unwrap_or_default() as i32;
        let more: Vec<i32> = self
            .more_message_ids
            .as_deref()
            .and_then(|ids| serde_json::from_str(ids).ok())
            .unwrap_or_default();
        let content = content_from_columns(self.body, self.entities.as_deref(), self.media.as_deref());
        let action = match self.action.as_str() {
            "edit" => Action::Edit { message_id },
            "delete" => Action::Delete { message_ids: std::iter::once(message_id).chain(more).collect() },
            "show_acks" => {
                // After an album, the button has its own message: the one after the last item.
                let apart =
                    content.media.ack_button_apart().then(|| more.get(content.messages() - 1)).flatten();
                Action::ShowAcks { message_id: apart.copied().unwrap_or(message_id) }
            }
            "remind_ack" => Action::RemindAck,
            "count_members" => Action::CountMembers,
            _ => Action::Send { pin: self.pin },
        };
        Job {
            broadcast_id: self.broadcast_id,
            chat_id: self.chat_id,
            action,
            attempts: self.attempts as u32,
            topic: self.topic,
            content,
            revision: self.revision,
            lang: self.lang.as_deref().and_then(Lang::parse),
            is_group: matches!(self.kind.as_deref(), Some("group" | "supergroup")) || self.chat_id < 0,
            ack: parse_ack(self.ack.as_deref()),
            acks: self.acks,
        }
    }
}

/// A successful send as `record_sent` reads it from JSON: (broadcast, chat, message id,
/// revision, pinned, the other message ids or null).
type SentRow = (i64, i64, i32, i64, Option<bool>, Option<Vec<i32>>);

fn sent_row(job: &Job, message_id: i32, more: &[i32], pinned: Option<bool>) -> SentRow {
    let more = (!more.is_empty()).then(|| more.to_vec());
    (job.broadcast_id, job.chat_id, message_id, job.revision, pinned, more)
}

async fn claimable_sends(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    limit: i64,
    urgent_only: bool,
) -> Result<Vec<Job>> {
    // Only the head of each chat's queue is a candidate, so that one busy chat's backlog
    // cannot fill a claim and starve every other chat. The scan follows `deliveries_queue`
    // (parked rows are not in it) and stops at the limit; `urgent >= 1` makes it a range of
    // that index, so in quiet hours the held rows are not even read. CROSS JOIN keeps SQLite
    // from scanning `broadcasts` for every row. A recalled broadcast's rows are cancelled by
    // the recall; the check here is the last guard.
    let rows: Vec<JobRow> = sqlx::query_as(
        "SELECT d.broadcast_id, d.chat_id, d.attempts, b.topic, b.body, b.entities, b.media, b.revision,
                b.pin, c.lang, c.kind, NULL AS message_id, NULL AS more_message_ids, 'send' AS action,
                b.ack, d.acks
         FROM deliveries d
         CROSS JOIN broadcasts b ON b.id = d.broadcast_id
         LEFT JOIN chats c ON c.id = d.chat_id
         WHERE d.state = 'pending' AND d.parked = 0 AND d.next_attempt_at <= ?1 AND b.recalled_at IS NULL
           AND d.urgent >= ?3
           AND NOT EXISTS (
               SELECT 1 FROM deliveries ahead
               WHERE ahead.chat_id = d.chat_id AND ahead.state = 'pending' AND ahead.next_attempt_at <= ?1
                 AND (ahead.urgent > d.urgent
                      OR (ahead.urgent = d.urgent AND ahead.broadcast_id < d.broadcast_id)))
         ORDER BY d.urgent DESC, d.broadcast_id, d.chat_id
         LIMIT ?2",
    )
    .bind(millis(now))
    .bind(limit)
    .bind(urgent_only)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(JobRow::into_job).collect())
}

/// Parked deliveries whose time has come join the worker's queue.
async fn unpark_due(conn: &mut SqliteConnection, now: DateTime<Utc>) -> Result<()> {
    sqlx::query(
        "UPDATE deliveries SET parked = 0 WHERE state = 'pending' AND parked = 1 AND next_attempt_at <= ?1",
    )
    .bind(millis(now))
    .execute(conn)
    .await?;
    Ok(())
}

async fn claimable_amendments(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Job>> {
    let rows: Vec<JobRow> = sqlx::query_as(
        "SELECT a.broadcast_id, a.chat_id, a.attempts, b.topic, b.body, b.entities, b.media,
                a.revision, b.pin, c.lang, c.kind, d.message_id, d.more_message_ids, a.kind AS action,
                b.ack, d.acks
         FROM amendments a
         JOIN deliveries d ON d.broadcast_id = a.broadcast_id AND d.chat_id = a.chat_id
         JOIN broadcasts b ON b.id = a.broadcast_id
         LEFT JOIN chats c ON c.id = a.chat_id
         WHERE a.state = 'pending' AND a.next_attempt_at <= ?1
         ORDER BY a.broadcast_id, a.chat_id
         LIMIT ?2",
    )
    .bind(millis(now))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(JobRow::into_job).collect())
}

/// Sends are marked in flight in one statement by `claim_due`; amendments, rare, one by one.
async fn mark_amendment_in_flight(conn: &mut SqliteConnection, job: &Job) -> Result<()> {
    sqlx::query(
        "UPDATE amendments SET state = 'sending', attempts = attempts + 1
         WHERE broadcast_id = ?1 AND chat_id = ?2 AND revision = ?3 AND kind = ?4",
    )
    .bind(job.broadcast_id)
    .bind(job.chat_id)
    .bind(job.revision)
    .bind(amendment_kind(&job.action))
    .execute(conn)
    .await?;
    Ok(())
}

fn amendment_kind(action: &Action) -> &'static str {
    match action {
        Action::Edit { .. } => "edit",
        Action::Delete { .. } => "delete",
        // Only amendments are looked up by their kind.
        _ => "send",
    }
}

/// Records successful sends in one go, with what each now owes (a tap by its deadline) and
/// whom it reached.
async fn record_sent(
    conn: &mut SqliteConnection,
    sent: &[SentRow],
    now: DateTime<Utc>,
    ack_policy: &AckPolicy,
) -> Result<()> {
    let sent = serde_json::to_string(sent).expect("numbers serialise");
    sqlx::query(
        "UPDATE deliveries SET state = 'sent', message_id = s.message_id, sent_at = ?2,
             sent_revision = s.revision, pinned = s.pinned, last_error = NULL,
             more_message_ids = s.more_message_ids
         FROM (SELECT value ->> 0 AS broadcast_id, value ->> 1 AS chat_id, value ->> 2 AS message_id,
                      value ->> 3 AS revision, value ->> 4 AS pinned, value ->> 5 AS more_message_ids
               FROM json_each(?1)) s
         WHERE deliveries.broadcast_id = s.broadcast_id AND deliveries.chat_id = s.chat_id
           AND deliveries.state = 'sending'",
    )
    .bind(&sent)
    .bind(millis(now))
    .execute(&mut *conn)
    .await?;
    // An /edit or /recall that came while these messages were in flight applies to them too.
    sqlx::query(
        "INSERT OR IGNORE INTO amendments (broadcast_id, chat_id, kind, revision, next_attempt_at)
         SELECT b.id, s.value ->> 1, CASE WHEN b.recalled_at IS NULL THEN 'edit' ELSE 'delete' END,
                b.revision, ?2
         FROM json_each(?1) s
         CROSS JOIN broadcasts b ON b.id = s.value ->> 0
         WHERE b.recalled_at IS NOT NULL OR b.revision > s.value ->> 3",
    )
    .bind(&sent)
    .bind(millis(now))
    .execute(&mut *conn)
    .await?;
    acks::owed_by_sent(&mut *conn, &sent, now, ack_policy).await?;
    reach::known_for_sent(conn, &sent, now).await
}

async fn record_send(
    conn: &mut SqliteConnection,
    job: &Job,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<()> {
    let (broadcast, chat) = (job.broadcast_id, job.chat_id);
    match outcome {
        Outcome::Migrated { to } => {
            move_chat(&mut *conn, chat, *to, now).await?;
            // Pending work follows the chat (this job is the chat's only one in flight); where
            // the new chat already has this broadcast, the old row is cancelled so the group
            // still gets one copy. A broadcast recalled while this job was in flight is not
            // sent again anywhere.
            sqlx::query(
                "UPDATE deliveries SET state = 'cancelled', last_error = 'recalled'
                 WHERE broadcast_id = ?1 AND chat_id = ?2 AND state = 'sending'
                   AND ?1 IN (SELECT id FROM broadcasts WHERE recalled_at IS NOT NULL)",
            )
            .bind(broadcast)
            .bind(chat)
            .execute(&mut *conn)
            .await?;
            sqlx::query(
                "UPDATE OR IGNORE deliveries SET chat_id = ?2, state = 'pending',
                     next_attempt_at = CASE WHEN state = 'sending' THEN ?3 ELSE next_attempt_at END
                 WHERE chat_id = ?1 AND state IN ('pending', 'sending')",
            )
            .bind(chat)
            .bind(to)
            .bind(millis(now))
            .execute(&mut *conn)
            .await?;
            sqlx::query(
                "UPDATE deliveries SET state = 'cancelled', last_error = ?2
                 WHERE chat_id = ?1 AND state IN ('pending', 'sending')",
            )
            .bind(chat)
            .bind(format!("the group moved to supergroup {to}, which already had this announcement"))
            .execute(&mut *conn)
            .await?;
        }
        // Successful sends are recorded in one go by `record_sent`; only edits and deletions
        // end in `Done`.
        Outcome::Sent { .. } | Outcome::Done | Outcome::Counted { .. } => {
            debug_assert!(false, "not recorded one by one: {outcome:?}")
        }
        // A broadcast recalled while this send was in flight is not tried again.
        Outcome::Retry { error, at, in_doubt } => {
            sqlx::query(
                "UPDATE deliveries SET next_attempt_at = ?3, last_error = ?4, parked = ?3 > ?5,
                     in_doubt = in_doubt OR ?6,
                     state = CASE WHEN (SELECT recalled_at FROM broadcasts WHERE id = ?1) IS NULL
                                  THEN 'pending' ELSE 'cancelled' END
                 WHERE broadcast_id = ?1 AND chat_id = ?2 AND state = 'sending'",
            )
            .bind(broadcast)
            .bind(chat)
            .bind(millis(*at))
            .bind(error)
            .bind(millis(now))
            .bind(in_doubt)
            .execute(&mut *conn)
            .await?;
        }
        Outcome::Failed { error, chat_gone } => {
            sqlx::query(
                "UPDATE deliveries SET state = 'failed', last_error = ?3
                 WHERE broadcast_id = ?1 AND chat_id = ?2 AND state = 'sending'",
            )
            .bind(broadcast)
            .bind(chat)
            .bind(error)
            .execute(&mut *conn)
            .await?;
            if *chat_gone {
                chat_is_gone(conn, chat, error, now).await?;
            }
        }
    }
    Ok(())
}

async fn record_amendment(
    conn: &mut SqliteConnection,
    job: &Job,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<()> {
    let (state, error, at) = match outcome {
        Outcome::Done | Outcome::Sent { .. } | Outcome::Counted { .. } => ("done", None, now),
        Outcome::Retry { error, at, .. } => ("pending", Some(error.clone()), *at),
        Outcome::Failed { error, .. } => ("failed", Some(error.clone()), now),
        Outcome::Migrated { to } => (
            "failed",
            Some(format!("the group moved to supergroup {to}; its old messages stay as they are")),
            now,
        ),
    };
    sqlx::query(
        "UPDATE amendments SET state = ?5, last_error = ?6, next_attempt_at = ?7,
             done_at = CASE WHEN ?5 = 'done' THEN ?7 END
         WHERE broadcast_id = ?1 AND chat_id = ?2 AND revision = ?3 AND kind = ?4 AND state = 'sending'",
    )
    .bind(job.broadcast_id)
    .bind(job.chat_id)
    .bind(job.revision)
    .bind(amendment_kind(&job.action))
    .bind(state)
    .bind(error)
    .bind(millis(at))
    .execute(&mut *conn)
    .await?;
    if let Outcome::Failed { error, chat_gone: true } = outcome {
        chat_is_gone(conn, job.chat_id, error, now).await?;
    }
    Ok(())
}

/// The bot was removed, blocked, or the chat deleted: the chat is inactive, so later broadcasts
/// skip it, and whatever else was queued for it fails with the same reason.
pub(super) async fn chat_is_gone(
    conn: &mut SqliteConnection,
    chat: i64,
    error: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("UPDATE chats SET active = 0, left_at = coalesce(left_at, ?2) WHERE id = ?1")
        .bind(chat)
        .bind(millis(now))
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE deliveries SET state = 'failed', last_error = ?2 WHERE chat_id = ?1 AND state = 'pending'",
    )
    .bind(chat)
    .bind(error)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE amendments SET state = 'failed', last_error = ?2 WHERE chat_id = ?1 AND state = 'pending'",
    )
    .bind(chat)
    .bind(error)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
