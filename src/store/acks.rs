//! Acknowledgements: residents' taps on «✅ Đã nhận», the count each button shows, and what is
//! owed when a group has not tapped in time — a notice to the author, and (if asked) one
//! reminder to the group. All of it is outbox work, done by the delivery worker under the same
//! limits as deliveries, and all of it is in the database, so a restart finishes it.

use chrono::{DateTime, Duration, Utc};
use sqlx::SqliteConnection;
use teloxide::types::UserId;

use super::{
    Store, millis,
    outbox::{Action, Job, JobRow, Outcome},
};
use crate::{domain::Lang, error::Result};

/// A button's count is edited at most this often, so taps in a busy group cost few requests.
const COUNT_EDIT_EVERY: Duration = Duration::seconds(10);

/// What the ward set about acknowledgements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AckPolicy {
    /// The time a group has to tap, unless its broadcast sets its own (`LOA_ACK_WITHIN`).
    pub within: Duration,
    /// The ward's desk (`LOA_DESK_CHAT`), told after the author.
    pub desk: Option<i64>,
}

/// What a tap on «✅ Đã nhận» did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckTap {
    /// The first tap by this person in this chat: counted.
    Recorded,
    /// This person had already tapped here.
    Again,
    /// The announcement was recalled.
    Recalled,
    /// Not an announcement that asks for taps in this chat (a preview's button, one from
    /// before retention forgot its deliveries).
    NotAsked,
}

impl Store {
    /// Records `user`'s tap on broadcast `broadcast`'s button in `chat`, once.
    pub async fn record_ack(
        &self,
        broadcast: i64,
        chat: i64,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<AckTap> {
        let mut tx = self.begin_write().await?;
        let found: Option<(bool, Option<i64>)> = sqlx::query_as(
            "SELECT b.ack IS NOT NULL, b.recalled_at FROM broadcasts b
             JOIN deliveries d ON d.broadcast_id = b.id AND d.chat_id = ?2 AND d.state = 'sent'
             WHERE b.id = ?1",
        )
        .bind(broadcast)
        .bind(chat)
        .fetch_optional(&mut *tx)
        .await?;
        match found {
            None | Some((false, _)) => return Ok(AckTap::NotAsked),
            Some((true, Some(_))) => return Ok(AckTap::Recalled),
            Some((true, None)) => {}
        }
        let inserted = sqlx::query(
            "INSERT OR IGNORE INTO acks (broadcast_id, chat_id, user_id, at) VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(broadcast)
        .bind(chat)
        .bind(user.0 as i64)
        .bind(millis(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(AckTap::Again);
        }
        // One tap is enough for a group: nothing is owed for it any more unless already under way.
        sqlx::query(
            "UPDATE deliveries SET acks = acks + 1, ack_due_at = NULL,
                 ack_notice = CASE WHEN ack_notice = 'pending' THEN NULL ELSE ack_notice END,
                 ack_reminder = CASE WHEN ack_reminder = 'pending' THEN NULL ELSE ack_reminder END
             WHERE broadcast_id = ?1 AND chat_id = ?2",
        )
        .bind(broadcast)
        .bind(chat)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(AckTap::Recorded)
    }
}

/// Deliveries just sent (`sent`: a JSON array of rows that start with broadcast and chat) owe
/// a tap by their deadline if their broadcast asks for one. Only groups are held to it: a
/// private subscriber reads alone.
pub(super) async fn owed_by_sent(
    conn: &mut SqliteConnection,
    sent: &str,
    now: DateTime<Utc>,
    policy: &AckPolicy,
) -> Result<()> {
    sqlx::query(
        "UPDATE deliveries SET ack_due_at = ?2 + coalesce(b.ack ->> '$.within_secs', ?3) * 1000
         FROM json_each(?1) s
         CROSS JOIN broadcasts b ON b.id = s.value ->> 0
         WHERE deliveries.broadcast_id = s.value ->> 0 AND deliveries.chat_id = s.value ->> 1
           AND deliveries.chat_id < 0 AND b.ack IS NOT NULL AND deliveries.acks = 0",
    )
    .bind(sent)
    .bind(millis(now))
    .bind(policy.within.num_seconds())
    .execute(conn)
    .await?;
    Ok(())
}

/// Deliveries past their deadline without a tap: their author (then the desk) is to be told,
/// and, where the broadcast asked for it, the group reminded once. A recalled broadcast owes
/// neither. A reminder imported from a plan has no author: only the desk is told.
pub(super) async fn take_overdue(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    policy: &AckPolicy,
) -> Result<()> {
    sqlx::query(
        "UPDATE deliveries SET ack_due_at = NULL, ack_notice_at = ?1,
             ack_notice = CASE WHEN b.recalled_at IS NOT NULL THEN NULL
                               WHEN b.created_by <> 0 THEN 'pending'
                               WHEN ?2 THEN 'desk' END,
             ack_reminder = CASE WHEN ack_reminder IS NULL AND b.recalled_at IS NULL AND (b.ack ->> '$.remind')
                                 THEN 'pending' ELSE ack_reminder END,
             ack_reminder_at = ?1
         FROM broadcasts b
         WHERE b.id = deliveries.broadcast_id AND deliveries.ack_due_at <= ?1 AND deliveries.acks = 0",
    )
    .bind(millis(now))
    .bind(policy.desk.is_some())
    .execute(conn)
    .await?;
    Ok(())
}

/// Due acknowledgement work: counts to show, reminders to send (in quiet hours only for urgent
/// broadcasts), notices to authors and the desk.
pub(super) async fn claimable(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    limit: i64,
    quiet: bool,
    policy: &AckPolicy,
) -> Result<Vec<Job>> {
    // Two queries, not one with OR: each walks only its own partial index.
    let counts: Vec<JobRow> = sqlx::query_as(concat!(
        delivery_job!("'show_acks'", "0"),
        "WHERE d.acks <> d.acks_shown AND d.state = 'sent' AND b.recalled_at IS NULL
           AND coalesce(d.acks_shown_at, 0) <= ?1 - ?3
         LIMIT ?2"
    ))
    .bind(millis(now))
    .bind(limit)
    .bind(COUNT_EDIT_EVERY.num_milliseconds())
    .fetch_all(&mut *conn)
    .await?;
    let reminders: Vec<JobRow> = sqlx::query_as(concat!(
        delivery_job!("'remind_ack'", "d.ack_reminder_attempts"),
        "WHERE d.ack_reminder = 'pending' AND d.ack_reminder_at <= ?1 AND d.state = 'sent'
           AND b.recalled_at IS NULL AND d.urgent >= ?3
         LIMIT ?2"
    ))
    .bind(millis(now))
    .bind(limit)
    .bind(quiet)
    .fetch_all(&mut *conn)
    .await?;
    let mut jobs: Vec<Job> = counts.into_iter().chain(reminders).map(JobRow::into_job).collect();
    jobs.extend(overdue_notices(conn, now, limit, policy.desk).await?);
    Ok(jobs)
}

/// A broadcast with chats overdue: its id, who is told (author or desk) and whether it is the
/// desk, the notice's tries so far, topic, content columns, revision, the recipient's language,
/// and the overdue chats' titles as a JSON array.
type OverdueRow =
    (i64, i64, bool, i64, String, String, Option<String>, Option<String>, i64, Option<String>, String);

/// One notice per broadcast, to its author or to the desk, listing every chat now overdue. It
/// waits until no chat of the broadcast is still counting down (deliveries go out over a
/// minute or more, each with its own deadline), so that one message lists them all.
async fn overdue_notices(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    limit: i64,
    desk: Option<i64>,
) -> Result<Vec<Job>> {
    let rows: Vec<OverdueRow> = sqlx::query_as(
        "SELECT b.id, CASE WHEN d.ack_notice = 'desk' THEN ?3 ELSE b.created_by END AS recipient,
                d.ack_notice = 'desk' AS to_desk, max(d.ack_notice_attempts),
                b.topic, b.body, b.entities, b.media, b.revision, r.lang,
                json_group_array(coalesce(c.title, d.chat_id))
         FROM deliveries d
         JOIN broadcasts b ON b.id = d.broadcast_id
         LEFT JOIN chats c ON c.id = d.chat_id
         LEFT JOIN chats r ON r.id = CASE WHEN d.ack_notice = 'desk' THEN ?3 ELSE b.created_by END
         WHERE d.ack_notice IN ('pending', 'desk') AND coalesce(d.ack_notice_at, 0) <= ?1
           AND (d.ack_notice = 'pending' OR ?3 IS NOT NULL) AND b.recalled_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM deliveries w
                           WHERE w.broadcast_id = b.id
                             AND (w.ack_due_at IS NOT NULL OR w.state IN ('pending', 'sending')))
         GROUP BY b.id, d.ack_notice
         LIMIT ?2",
    )
    .bind(millis(now))
    .bind(limit)
    .bind(desk)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                broadcast_id,
                recipient,
                to_desk,
                attempts,
                topic,
                body,
                entities,
                media,
                revision,
                lang,
                chats,
            )| Job {
                broadcast_id,
                chat_id: recipient,
                action: Action::ReportOverdue {
                    chats: serde_json::from_str(&chats).unwrap_or_default(),
                    to_desk,
                },
                attempts: attempts as u32,
                topic,
                content: super::content_from_columns(body, entities.as_deref(), media.as_deref()),
                revision,
                lang: lang.as_deref().and_then(Lang::parse),
                is_group: recipient < 0,
                ack: None,
                acks: 0,
            },
        )
        .collect())
}

/// Marks claimed acknowledgement work in flight. A count edit only notes when it began: that
/// is its throttle, and an edit done twice shows the same count.
pub(super) async fn mark_in_flight(conn: &mut SqliteConnection, job: &Job, now: DateTime<Utc>) -> Result<()> {
    let statement = match job.action {
        Action::ShowAcks { .. } => {
            "UPDATE deliveries SET acks_shown_at = ?3 WHERE broadcast_id = ?1 AND chat_id = ?2"
        }
        Action::RemindAck => {
            "UPDATE deliveries SET ack_reminder = 'sending', ack_reminder_attempts = ack_reminder_attempts + 1
             WHERE broadcast_id = ?1 AND chat_id = ?2"
        }
        // A notice covers every chat of the broadcast that it lists: those due now.
        Action::ReportOverdue { to_desk: false, .. } => {
            "UPDATE deliveries SET ack_notice = 'sending', ack_notice_attempts = ack_notice_attempts + 1
             WHERE broadcast_id = ?1 AND ack_notice = 'pending' AND coalesce(ack_notice_at, 0) <= ?3"
        }
        Action::ReportOverdue { to_desk: true, .. } => {
            "UPDATE deliveries SET ack_notice = 'desk_sending', ack_notice_attempts = ack_notice_attempts + 1
             WHERE broadcast_id = ?1 AND ack_notice = 'desk' AND coalesce(ack_notice_at, 0) <= ?3"
        }
        Action::Send { .. } | Action::Edit { .. } | Action::Delete { .. } | Action::CountMembers => {
            unreachable!("not acknowledgement work: {:?}", job.action)
        }
    };
    sqlx::query(statement).bind(job.broadcast_id).bind(job.chat_id).bind(millis(now)).execute(conn).await?;
    Ok(())
}

/// Claimed work that never started goes back.
pub(super) async fn release(conn: &mut SqliteConnection, job: &Job) -> Result<()> {
    let statement = match job.action {
        Action::RemindAck => {
            "UPDATE deliveries SET ack_reminder = 'pending'
             WHERE broadcast_id = ?1 AND chat_id = ?2 AND ack_reminder = 'sending'"
        }
        Action::ReportOverdue { to_desk: false, .. } => {
            "UPDATE deliveries SET ack_notice = 'pending' WHERE broadcast_id = ?1 AND ack_notice = 'sending'"
        }
        Action::ReportOverdue { to_desk: true, .. } => {
            "UPDATE deliveries SET ack_notice = 'desk' WHERE broadcast_id = ?1 AND ack_notice = 'desk_sending'"
        }
        // A count edit is claimed again once its throttle has passed.
        Action::ShowAcks { .. } => return Ok(()),
        Action::Send { .. } | Action::Edit { .. } | Action::Delete { .. } | Action::CountMembers => {
            unreachable!("not acknowledgement work: {:?}", job.action)
        }
    };
    sqlx::query(statement).bind(job.broadcast_id).bind(job.chat_id).execute(conn).await?;
    Ok(())
}

/// At start-up, reminders and notices a dead process had in flight are owed again. A
/// reminder among them may have reached its group: it gets a second at most.
pub(super) async fn resume_in_flight(conn: &mut SqliteConnection) -> Result<u64> {
    let reminders =
        sqlx::query("UPDATE deliveries SET ack_reminder = 'pending' WHERE ack_reminder = 'sending'")
            .execute(&mut *conn)
            .await?
            .rows_affected();
    let notices = sqlx::query(
        "UPDATE deliveries SET ack_notice = CASE ack_notice WHEN 'sending' THEN 'pending' ELSE 'desk' END
         WHERE ack_notice IN ('sending', 'desk_sending')",
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(reminders + notices)
}

pub(super) async fn record(
    conn: &mut SqliteConnection,
    job: &Job,
    outcome: &Outcome,
    policy: &AckPolicy,
) -> Result<()> {
    let (broadcast, chat) = (job.broadcast_id, job.chat_id);
    match (&job.action, outcome) {
        // Shown, or it cannot be (the message is gone, the group moved): either way, not again
        // until a new tap.
        (Action::ShowAcks { .. }, Outcome::Done | Outcome::Failed { .. } | Outcome::Migrated { .. }) => {
            sqlx::query("UPDATE deliveries SET acks_shown = ?3 WHERE broadcast_id = ?1 AND chat_id = ?2")
                .bind(broadcast)
                .bind(chat)
                .bind(job.acks)
                .execute(conn)
                .await?;
        }
        (Action::ShowAcks { .. }, _) => {}
        (Action::RemindAck, Outcome::Sent { message_id, .. }) => {
            // Recalled with the announcement.
            sqlx::query(
                "UPDATE deliveries SET ack_reminder = 'sent',
                     more_message_ids = json_insert(coalesce(more_message_ids, '[]'), '$[#]', ?3)
                 WHERE broadcast_id = ?1 AND chat_id = ?2 AND ack_reminder = 'sending'",
            )
            .bind(broadcast)
            .bind(chat)
            .bind(message_id)
            .execute(conn)
            .await?;
        }
        (Action::RemindAck, Outcome::Retry { at, .. }) => {
            sqlx::query(
                "UPDATE deliveries SET ack_reminder = 'pending', ack_reminder_at = ?3
                 WHERE broadcast_id = ?1 AND chat_id = ?2 AND ack_reminder = 'sending'",
            )
            .bind(broadcast)
            .bind(chat)
            .bind(millis(*at))
            .execute(conn)
            .await?;
        }
        (Action::RemindAck, _) => {
            sqlx::query(
                "UPDATE deliveries SET ack_reminder = 'failed'
                 WHERE broadcast_id = ?1 AND chat_id = ?2 AND ack_reminder = 'sending'",
            )
            .bind(broadcast)
            .bind(chat)
            .execute(conn)
            .await?;
        }
        (Action::ReportOverdue { to_desk, .. }, outcome) => {
            // The author is told first, then the desk; the desk is told even if the author
            // could not be.
            let (sending, waiting) = if *to_desk { ("desk_sending", "desk") } else { ("sending", "pending") };
            let next = if !*to_desk && policy.desk.is_some() { "desk" } else { "sent" };
            let (state, at) = match outcome {
                Outcome::Sent { .. } | Outcome::Done => (next, None),
                Outcome::Retry { at, .. } => (waiting, Some(millis(*at))),
                _ if next == "desk" => (next, None),
                _ => ("failed", None),
            };
            sqlx::query(
                "UPDATE deliveries SET ack_notice = ?3, ack_notice_at = coalesce(?4, ack_notice_at)
                 WHERE broadcast_id = ?1 AND ack_notice = ?2",
            )
            .bind(broadcast)
            .bind(sending)
            .bind(state)
            .bind(at)
            .execute(conn)
            .await?;
        }
        _ => {}
    }
    Ok(())
}
