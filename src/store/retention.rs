//! Retention: deliveries older than `LOA_KEEP_DELIVERIES` are folded into one row of totals
//! per broadcast (`folded_deliveries`), so the database stops growing with time; who tapped
//! «Đã nhận» goes with them, counted.

use chrono::{DateTime, Utc};

use super::{Store, millis};
use crate::error::Result;

/// Broadcasts folded per transaction, so a first fold of years of history never holds the
/// write lock for long.
const FOLD_BATCH: i64 = 50;

impl Store {
    /// Folds the deliveries of broadcasts created before `cutoff` whose work is finished
    /// (nothing pending or in flight). Returns how many broadcasts were folded.
    pub async fn fold_deliveries_before(&self, cutoff: DateTime<Utc>, now: DateTime<Utc>) -> Result<u64> {
        let mut folded = 0;
        loop {
            let batch = self.fold_batch(cutoff, now).await?;
            folded += batch;
            if batch < FOLD_BATCH as u64 {
                return Ok(folded);
            }
        }
    }

    async fn fold_batch(&self, cutoff: DateTime<Utc>, now: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT b.id FROM broadcasts b
             WHERE b.created_at < ?1
               AND NOT EXISTS (SELECT 1 FROM folded_deliveries f WHERE f.broadcast_id = b.id)
               AND NOT EXISTS (SELECT 1 FROM deliveries d
                               WHERE d.broadcast_id = b.id
                                 AND (d.state IN ('pending', 'sending')
                                      OR d.ack_notice IN ('pending', 'sending', 'desk', 'desk_sending')
                                      OR d.ack_reminder IN ('pending', 'sending')))
               AND NOT EXISTS (SELECT 1 FROM amendments a
                               WHERE a.broadcast_id = b.id AND a.state IN ('pending', 'sending'))
             ORDER BY b.id LIMIT ?2",
        )
        .bind(millis(cutoff))
        .bind(FOLD_BATCH)
        .fetch_all(&mut *tx)
        .await?;
        let ids_json = serde_json::to_string(&ids).expect("numbers serialise");
        sqlx::query(
            "INSERT INTO folded_deliveries
                 (broadcast_id, total, sent, failed, cancelled, pinned, pin_failed, in_doubt, edited, deleted,
                  folded_at, reach, groups, acked_chats)
             SELECT b.value,
                    (SELECT count(*) FROM deliveries d WHERE d.broadcast_id = b.value),
                    (SELECT count(*) FROM deliveries d WHERE d.broadcast_id = b.value AND d.state = 'sent'),
                    (SELECT count(*) FROM deliveries d WHERE d.broadcast_id = b.value AND d.state = 'failed'),
                    (SELECT count(*) FROM deliveries d WHERE d.broadcast_id = b.value AND d.state = 'cancelled'),
                    (SELECT count(*) FROM deliveries d WHERE d.broadcast_id = b.value AND d.pinned = 1),
                    (SELECT count(*) FROM deliveries d WHERE d.broadcast_id = b.value AND d.pinned = 0),
                    (SELECT count(*) FROM deliveries d
                     WHERE d.broadcast_id = b.value AND d.in_doubt = 1 AND d.state = 'sent'),
                    (SELECT count(*) FROM amendments a
                     WHERE a.broadcast_id = b.value AND a.kind = 'edit' AND a.state = 'done'),
                    (SELECT count(*) FROM amendments a
                     WHERE a.broadcast_id = b.value AND a.kind = 'delete' AND a.state = 'done'),
                    ?2,
                    (SELECT coalesce(sum(d.reach), 0) FROM deliveries d
                     WHERE d.broadcast_id = b.value AND d.state = 'sent'),
                    (SELECT count(*) FROM deliveries d
                     WHERE d.broadcast_id = b.value AND d.state = 'sent' AND d.chat_id < 0),
                    (SELECT count(*) FROM deliveries d
                     WHERE d.broadcast_id = b.value AND d.acks > 0 AND d.chat_id < 0)
             FROM json_each(?1) b",
        )
        .bind(&ids_json)
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        for table in [
            "DELETE FROM amendments WHERE broadcast_id IN (SELECT value FROM json_each(?1))",
            // Who tapped is personal data: kept as long as the deliveries, as counts after.
            "DELETE FROM acks WHERE broadcast_id IN (SELECT value FROM json_each(?1))",
            "DELETE FROM deliveries WHERE broadcast_id IN (SELECT value FROM json_each(?1))",
        ] {
            sqlx::query(table).bind(&ids_json).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(ids.len() as u64)
    }
}
