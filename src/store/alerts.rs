//! Alerts to people (`domain::Alert`), one row per kind: whether the trouble is on, what it is,
//! and what the admins have been told of it. Raising and resolving only write rows; the alert
//! watch (`crate::alerts`) sends what the rows say is owed and records it once Telegram
//! answered, as the desk's messages are made durable.
//!
//! Troubles with deliveries are found here, in the transaction that records their outcomes, so
//! that an outcome and the alert it raises are written together or not at all.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{
    Store, millis,
    outbox::{Action, Job, Outcome},
};
use crate::{
    domain::{
        ALERT_AT_MOST_EVERY, Alert, AlertKind, LostRight, Right, refuses_rights, rights_back, too_many_failed,
    },
    error::Result,
};

/// A message the admins are owed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwedAlert {
    pub alert: Alert,
    pub message: AlertMessage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertMessage {
    /// The trouble, as it stands at this revision.
    Problem { revision: i64 },
    /// The trouble is over.
    Resolved,
}

impl Store {
    /// Raises `alert`, or keeps it raised with what it now says: the admins are owed a message
    /// when the trouble begins or has news (another group, another broadcast). The hook for
    /// whatever finds trouble outside the worker and the scheduler: a scheduled backup that
    /// failed calls it with `Alert::Backup`, and `resolve_alert` once one succeeds. Returns the
    /// alert's revision.
    pub async fn raise_alert(&self, alert: &Alert, now: DateTime<Utc>) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let revision = raise(&mut tx, alert, now).await?;
        tx.commit().await?;
        Ok(revision)
    }

    /// The trouble of `kind` is over: if the admins were told of it, a "resolved" is owed.
    pub async fn resolve_alert(&self, kind: AlertKind) -> Result<()> {
        let mut tx = self.begin_write().await?;
        resolve(&mut tx, kind).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The messages owed now, in the order of their kinds: a trouble with something untold
    /// and no message of its kind in the last hour, and every "resolved" not yet sent.
    pub async fn owed_alerts(&self, now: DateTime<Utc>) -> Result<Vec<OwedAlert>> {
        let rows: Vec<(String, i64, bool)> = sqlx::query_as(
            "SELECT detail, revision, resolved_owed FROM alerts
             WHERE (open = 1 AND told_revision < revision AND coalesce(told_at, 0) <= ?1)
                OR resolved_owed = 1",
        )
        .bind(millis(now - ALERT_AT_MOST_EVERY))
        .fetch_all(&self.pool)
        .await?;
        let mut owed: Vec<OwedAlert> = rows
            .into_iter()
            .filter_map(|(detail, revision, resolved)| {
                let alert = serde_json::from_str(&detail).ok()?;
                let message =
                    if resolved { AlertMessage::Resolved } else { AlertMessage::Problem { revision } };
                Some(OwedAlert { alert, message })
            })
            .collect();
        owed.sort_by_key(|owed| owed.alert.kind());
        Ok(owed)
    }

    /// `message` about `kind` reached Telegram at `at`. A trouble that ended while its message
    /// was on the way now owes its "resolved".
    pub async fn alert_told(&self, kind: AlertKind, message: AlertMessage, at: DateTime<Utc>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        match message {
            AlertMessage::Problem { revision } => {
                sqlx::query(
                    "UPDATE alerts SET told_revision = max(told_revision, ?2), told_at = ?3,
                         resolved_owed = resolved_owed OR (open = 0 AND revision = ?2)
                     WHERE kind = ?1",
                )
                .bind(kind.as_str())
                .bind(revision)
                .bind(millis(at))
                .execute(&mut *tx)
                .await?;
            }
            AlertMessage::Resolved => {
                sqlx::query("UPDATE alerts SET resolved_owed = 0 WHERE kind = ?1 AND open = 0")
                    .bind(kind.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Opens the alert (a new revision), or gives it a new revision if what it says changed.
async fn raise(conn: &mut SqliteConnection, alert: &Alert, now: DateTime<Utc>) -> Result<i64> {
    let detail = serde_json::to_string(alert).expect("an alert serialises");
    // Every expression of the update reads the row as it was.
    let revision = sqlx::query_scalar(
        "INSERT INTO alerts (kind, open, detail, opened_at) VALUES (?1, 1, ?2, ?3)
         ON CONFLICT (kind) DO UPDATE SET
             revision = revision + (open = 0 OR detail <> excluded.detail),
             opened_at = CASE WHEN open = 0 THEN excluded.opened_at ELSE opened_at END,
             resolved_owed = CASE WHEN open = 0 THEN 0 ELSE resolved_owed END,
             detail = excluded.detail, open = 1
         RETURNING revision",
    )
    .bind(alert.kind().as_str())
    .bind(detail)
    .bind(millis(now))
    .fetch_one(conn)
    .await?;
    Ok(revision)
}

/// Closes the alert; a "resolved" is owed if the admins were told of this trouble.
async fn resolve(conn: &mut SqliteConnection, kind: AlertKind) -> Result<()> {
    sqlx::query(
        "UPDATE alerts SET open = 0, resolved_owed = coalesce(told_at >= opened_at, 0)
         WHERE kind = ?1 AND open = 1",
    )
    .bind(kind.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

/// The open alerts.
async fn open_alerts(conn: &mut SqliteConnection) -> Result<Vec<Alert>> {
    let details: Vec<String> =
        sqlx::query_scalar("SELECT detail FROM alerts WHERE open = 1").fetch_all(conn).await?;
    Ok(details.iter().filter_map(|detail| serde_json::from_str(detail).ok()).collect())
}

/// What a batch of recorded outcomes says about the bot's rights in groups and about the
/// broadcasts it belongs to. Called by `record` once the outcomes are written.
pub(super) async fn after_record(
    conn: &mut SqliteConnection,
    results: &[(Job, Outcome)],
    now: DateTime<Utc>,
) -> Result<()> {
    let sends = || results.iter().filter(|(job, _)| matches!(job.action, Action::Send { .. }));
    if sends().next().is_none() {
        return Ok(());
    }
    let open = open_alerts(&mut *conn).await?;
    let mut groups = open
        .iter()
        .find_map(|alert| match alert {
            Alert::Rights { groups } => Some(groups.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let mut lost = Vec::new();
    let mut back = false;
    for (job, outcome) in sends().filter(|(job, _)| job.is_group) {
        match outcome {
            Outcome::Failed { error, chat_gone } if *chat_gone || refuses_rights(error) => {
                lost.push((job.chat_id, Right::Send))
            }
            Outcome::Sent { pinned, .. } => {
                back |= rights_back(&mut groups, job.chat_id, *pinned == Some(true));
                if *pinned == Some(false) {
                    lost.push((job.chat_id, Right::Pin));
                }
            }
            _ => {}
        }
    }
    rights_changed(conn, groups, &lost, back, now).await?;

    let alerted = open.iter().find_map(|alert| match alert {
        Alert::Broadcast { broadcast, .. } => Some(*broadcast),
        _ => None,
    });
    let failed: BTreeSet<i64> = sends()
        .filter(|(_, outcome)| matches!(outcome, Outcome::Failed { .. }))
        .map(|(job, _)| job.broadcast_id)
        .collect();
    for broadcast in failed.into_iter().filter(|broadcast| Some(*broadcast) != alerted) {
        let tally = tally(&mut *conn, broadcast).await?;
        if too_many_failed(tally.failed, tally.total) {
            raise(&mut *conn, &tally.alert(broadcast), now).await?;
            return Ok(());
        }
    }
    // While a broadcast's alert is open, the next broadcast to finish with few failures ends it.
    if let Some(alerted) = alerted {
        let recorded: BTreeSet<i64> = sends().map(|(job, _)| job.broadcast_id).collect();
        for broadcast in recorded.into_iter().filter(|broadcast| *broadcast != alerted) {
            let tally = tally(&mut *conn, broadcast).await?;
            if tally.finished() && !too_many_failed(tally.failed, tally.total) {
                resolve(conn, AlertKind::Broadcast).await?;
                break;
            }
        }
    }
    Ok(())
}

/// Adds the groups that just refused the bot to the rights alert (news: a message is owed),
/// or, if some of those listed let it through again, says so quietly — and ends the alert
/// once none is left.
async fn rights_changed(
    conn: &mut SqliteConnection,
    mut groups: Vec<LostRight>,
    lost: &[(i64, Right)],
    back: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut news = false;
    for &(chat, right) in lost {
        if !groups.iter().any(|listed| listed.chat == chat && listed.right == right) {
            let title: Option<String> = sqlx::query_scalar("SELECT title FROM chats WHERE id = ?1")
                .bind(chat)
                .fetch_optional(&mut *conn)
                .await?
                .flatten();
            groups.push(LostRight { chat, title: title.unwrap_or_else(|| chat.to_string()), right });
            news = true;
        }
    }
    if news {
        raise(conn, &Alert::Rights { groups }, now).await?;
    } else if back && groups.is_empty() {
        resolve(conn, AlertKind::Rights).await?;
    } else if back {
        sqlx::query("UPDATE alerts SET detail = ?1 WHERE kind = ?2")
            .bind(serde_json::to_string(&Alert::Rights { groups }).expect("an alert serialises"))
            .bind(AlertKind::Rights.as_str())
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// A broadcast's deliveries: failed, meant (not cancelled), still owed.
struct Tally {
    failed: u64,
    total: u64,
    owed: u64,
}

impl Tally {
    fn finished(&self) -> bool {
        self.owed == 0
    }

    fn alert(&self, broadcast: i64) -> Alert {
        Alert::Broadcast { broadcast, failed: self.failed, total: self.total, finished: self.finished() }
    }
}

async fn tally(conn: &mut SqliteConnection, broadcast: i64) -> Result<Tally> {
    let (failed, total, owed): (i64, i64, i64) = sqlx::query_as(
        "SELECT coalesce(sum(state = 'failed'), 0), coalesce(sum(state <> 'cancelled'), 0),
                coalesce(sum(state IN ('pending', 'sending')), 0)
         FROM deliveries WHERE broadcast_id = ?1",
    )
    .bind(broadcast)
    .fetch_one(conn)
    .await?;
    Ok(Tally { failed: failed as u64, total: total as u64, owed: owed as u64 })
}
