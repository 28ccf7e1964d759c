//! Reach: how many people a delivery reached. A private chat is one person; a group is its
//! members less the bot, asked of Telegram (`getChatMemberCount`) at most once a day per
//! group and only when a delivery needs it, by the delivery worker under the same limits.

use chrono::{DateTime, Duration, Utc};
use sqlx::SqliteConnection;

use super::{
    millis,
    outbox::{Job, JobRow, Outcome},
};
use crate::error::Result;

/// A group's member count is asked again after this long.
const MEMBERS_KEPT: Duration = Duration::days(1);

/// Deliveries just sent (`sent`: a JSON array of rows that start with broadcast and chat)
/// reach one person in a private chat, and a group's members less the bot while its count is
/// fresh; otherwise their reach is left to be asked.
pub(super) async fn known_for_sent(
    conn: &mut SqliteConnection,
    sent: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE deliveries SET reach = CASE WHEN deliveries.chat_id > 0 THEN 1 ELSE max(c.members - 1, 0) END
         FROM json_each(?1) s
         LEFT JOIN chats c ON c.id = s.value ->> 1
         WHERE deliveries.broadcast_id = s.value ->> 0 AND deliveries.chat_id = s.value ->> 1
           AND (deliveries.chat_id > 0 OR (c.members IS NOT NULL AND c.members_at > ?2))",
    )
    .bind(sent)
    .bind(millis(now - MEMBERS_KEPT))
    .execute(conn)
    .await?;
    Ok(())
}

/// Groups whose member count a delivery of the last day needs (a group twice in the list gets
/// one job: a claim holds one job per chat).
pub(super) async fn claimable(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Job>> {
    let rows: Vec<JobRow> = sqlx::query_as(concat!(
        delivery_job!("'count_members'", "0"),
        "WHERE d.reach IS NULL AND d.state = 'sent' AND d.sent_at > ?2 AND c.active = 1
           AND coalesce(c.members_at, 0) <= ?2
         LIMIT ?1"
    ))
    .bind(limit)
    .bind(millis(now - MEMBERS_KEPT))
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(JobRow::into_job).collect())
}

/// The count is asked now: not again for a day, whatever the answer.
pub(super) async fn mark_in_flight(conn: &mut SqliteConnection, job: &Job, now: DateTime<Utc>) -> Result<()> {
    sqlx::query("UPDATE chats SET members_at = ?2 WHERE id = ?1")
        .bind(job.chat_id)
        .bind(millis(now))
        .execute(conn)
        .await?;
    Ok(())
}

/// The group's count, and the reach of its deliveries that waited for it. A failed count
/// leaves their reach unknown.
pub(super) async fn record(
    conn: &mut SqliteConnection,
    job: &Job,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<()> {
    let Outcome::Counted { members } = outcome else { return Ok(()) };
    sqlx::query("UPDATE chats SET members = ?2, members_at = ?3 WHERE id = ?1")
        .bind(job.chat_id)
        .bind(members)
        .bind(millis(now))
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE deliveries SET reach = max(?2 - 1, 0) WHERE chat_id = ?1 AND reach IS NULL AND state = 'sent'",
    )
    .bind(job.chat_id)
    .bind(members)
    .execute(conn)
    .await?;
    Ok(())
}
