//! What running Loa unattended asks of the database: whether it can still be written (for
//! `/readyz`), the figures `/metrics` shows, and the webhook's secret token.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::{Connection, SqliteConnection};

use super::{Store, from_millis, millis};
use crate::error::Result;

/// A readiness check waits this long for a lock another connection holds, not the pool's 5 s:
/// whoever asks (a load balancer, Docker) wants a quick answer.
const PROBE_BUSY_TIMEOUT: Duration = Duration::from_secs(1);

/// The values each column may hold (the tables' CHECK constraints), so that a state with no
/// rows shows as 0 rather than disappearing from the figures.
const DELIVERY_STATES: [&str; 5] = ["pending", "sending", "sent", "failed", "cancelled"];
const REMINDER_STATUSES: [&str; 4] = ["active", "paused", "finished", "cancelled"];
const CHAT_KINDS: [&str; 4] = ["private", "group", "supergroup", "channel"];

const WEBHOOK_SECRET: &str = "webhook_secret";
const READINESS_PROBE: &str = "readiness_probe";

/// What the database holds now, as `/metrics` shows it; read in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    /// Deliveries by state, every state listed.
    pub deliveries: Vec<(&'static str, i64)>,
    /// When the oldest pending delivery whose time has come was due; `None` if none is.
    pub oldest_due_at: Option<DateTime<Utc>>,
    /// Reminders by status, every status listed.
    pub reminders: Vec<(&'static str, i64)>,
    /// Chats the bot can still write to, by kind, every kind listed.
    pub active_chats: Vec<(&'static str, i64)>,
}

impl Figures {
    /// Deliveries still owed: waiting, or in flight.
    pub fn queue_depth(&self) -> i64 {
        self.deliveries
            .iter()
            .filter(|(state, _)| matches!(*state, "pending" | "sending"))
            .map(|(_, n)| n)
            .sum()
    }
}

impl Store {
    /// The figures of [`Figures`], as of `now`.
    pub async fn figures(&self, now: DateTime<Utc>) -> Result<Figures> {
        // A read transaction: every figure comes from the same snapshot.
        let mut tx = self.pool.begin().await?;
        let deliveries =
            counts(&mut tx, "SELECT state, count(*) FROM deliveries GROUP BY state", &DELIVERY_STATES)
                .await?;
        // Parked and unparked rows apart, so that each half reads its own partial index: one
        // query over both scans every delivery (2 s for 400,000, against 1 ms).
        let oldest_due_at: Option<i64> = sqlx::query_scalar(
            "SELECT min(at) FROM (
                 SELECT min(next_attempt_at) AS at FROM deliveries
                 WHERE state = 'pending' AND parked = 1 AND next_attempt_at <= ?1
                 UNION ALL
                 SELECT min(next_attempt_at) FROM deliveries
                 WHERE state = 'pending' AND parked = 0 AND next_attempt_at <= ?1)",
        )
        .bind(millis(now))
        .fetch_one(&mut *tx)
        .await?;
        let reminders =
            counts(&mut tx, "SELECT status, count(*) FROM reminders GROUP BY status", &REMINDER_STATUSES)
                .await?;
        let active_chats =
            counts(&mut tx, "SELECT kind, count(*) FROM chats WHERE active = 1 GROUP BY kind", &CHAT_KINDS)
                .await?;
        tx.commit().await?;
        Ok(Figures { deliveries, oldest_due_at: oldest_due_at.map(from_millis), reminders, active_chats })
    }

    /// Writes one row and commits, on a connection of its own that waits at most
    /// `PROBE_BUSY_TIMEOUT` for the write lock: succeeds only if the database can be written
    /// now (not locked by another process, not read-only, the disk not full).
    pub async fn probe_writable(&self, now: DateTime<Utc>) -> Result<()> {
        let options =
            (*self.pool.connect_options()).clone().create_if_missing(false).busy_timeout(PROBE_BUSY_TIMEOUT);
        let mut connection = SqliteConnection::connect_with(&options).await?;
        let written = async {
            let mut tx = connection.begin_with("BEGIN IMMEDIATE").await?;
            sqlx::query(
                "INSERT INTO service_state (key, value, updated_at) VALUES (?1, 'written', ?2)
                 ON CONFLICT (key) DO UPDATE SET updated_at = excluded.updated_at",
            )
            .bind(READINESS_PROBE)
            .bind(millis(now))
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        }
        .await;
        // The connection is dropped either way; closing it politely is only worth a log line.
        if let Err(error) = connection.close().await {
            tracing::debug!(%error, "closing the readiness probe's connection");
        }
        Ok(written?)
    }

    /// The webhook's secret token kept in the database. The first call keeps `generated`;
    /// every later one returns it, so that a restart registers the same token.
    pub async fn webhook_secret(&self, generated: &str, now: DateTime<Utc>) -> Result<String> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO service_state (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(WEBHOOK_SECRET)
        .bind(generated)
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        let kept = sqlx::query_scalar("SELECT value FROM service_state WHERE key = ?1")
            .bind(WEBHOOK_SECRET)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(kept)
    }
}

/// Counts grouped by a column that holds one of `known`, each of them listed, in that order.
async fn counts(
    tx: &mut SqliteConnection,
    sql: &'static str,
    known: &[&'static str],
) -> Result<Vec<(&'static str, i64)>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(sql).fetch_all(tx).await?;
    Ok(known
        .iter()
        .map(|value| (*value, rows.iter().find(|(v, _)| v == value).map_or(0, |(_, n)| *n)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_is_what_is_pending_or_in_flight() {
        let figures = Figures {
            deliveries: vec![("pending", 3), ("sending", 2), ("sent", 10), ("failed", 1), ("cancelled", 4)],
            oldest_due_at: None,
            reminders: Vec::new(),
            active_chats: Vec::new(),
        };
        assert_eq!(figures.queue_depth(), 5);
    }
}
