//! What `/stats` reads: each announcement of a period with its deliveries, reach and
//! acknowledgements, and the same per area of the receiving chats. Recalled announcements are
//! left out. Deliveries folded by retention count through their totals.

use chrono::{DateTime, Utc};

use super::{Store, from_millis, millis};
use crate::{
    domain::{AreaCode, AreaRow, BroadcastTally, Counts},
    error::Result,
};

/// The announcements counted: confirmed in [?1, ?2] and not recalled.
macro_rules! counted {
    () => {
        "b.created_at >= ?1 AND b.created_at <= ?2 AND b.recalled_at IS NULL"
    };
}

impl Store {
    /// Every announcement confirmed from `start` to `end`, with what came of it.
    pub async fn broadcast_tallies(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<BroadcastTally>> {
        let rows: Vec<(i64, String, i64, i64, i64)> = sqlx::query_as(concat!(
            "SELECT b.created_at, b.topic, ",
            delivered!(),
            ",
                    (SELECT coalesce(sum(d.reach), 0) FROM deliveries d
                     WHERE d.broadcast_id = b.id AND d.state = 'sent')
                      + coalesce((SELECT reach FROM folded_deliveries f WHERE f.broadcast_id = b.id), 0),
                    (SELECT count(*) FROM acks a WHERE a.broadcast_id = b.id)
             FROM broadcasts b WHERE ",
            counted!(),
            " ORDER BY b.created_at"
        ))
        .bind(millis(start))
        .bind(millis(end))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(created_at, topic, deliveries, reach, acks)| BroadcastTally {
                created_at: from_millis(created_at),
                topic,
                counts: counts(1, deliveries, reach, acks),
            })
            .collect())
    }

    /// The same announcements counted per area of the chats that received them (as the chats
    /// are bound now); an announcement counts once in each area it reached. Folded deliveries
    /// no longer name their chats: they make a row of their own.
    pub async fn area_tallies(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<(AreaRow, Counts)>> {
        let rows: Vec<(Option<String>, i64, i64, i64, i64)> = sqlx::query_as(concat!(
            "SELECT area, count(DISTINCT broadcast_id), sum(delivered), sum(reach), sum(acked) FROM (
                 SELECT c.area AS area, d.broadcast_id AS broadcast_id, 1 AS delivered,
                        coalesce(d.reach, 0) AS reach, 0 AS acked
                 FROM broadcasts b JOIN deliveries d ON d.broadcast_id = b.id
                 LEFT JOIN chats c ON c.id = d.chat_id
                 WHERE d.state = 'sent' AND ",
            counted!(),
            " UNION ALL
                 SELECT c.area, a.broadcast_id, 0, 0, 1
                 FROM broadcasts b JOIN acks a ON a.broadcast_id = b.id
                 LEFT JOIN chats c ON c.id = a.chat_id
                 WHERE ",
            counted!(),
            ") GROUP BY area"
        ))
        .bind(millis(start))
        .bind(millis(end))
        .fetch_all(&self.pool)
        .await?;
        let mut tallies: Vec<(AreaRow, Counts)> = rows
            .into_iter()
            .map(|(area, announcements, deliveries, reach, acks)| {
                let row = area.map_or(AreaRow::Unbound, |code| AreaRow::Area(AreaCode::from_stored(code)));
                (row, counts(announcements, deliveries, reach, acks))
            })
            .collect();
        let (announcements, deliveries, reach): (i64, i64, i64) = sqlx::query_as(concat!(
            "SELECT count(*), coalesce(sum(f.sent), 0), coalesce(sum(f.reach), 0)
             FROM broadcasts b JOIN folded_deliveries f ON f.broadcast_id = b.id WHERE ",
            counted!()
        ))
        .bind(millis(start))
        .bind(millis(end))
        .fetch_one(&self.pool)
        .await?;
        if announcements > 0 {
            tallies.push((AreaRow::Folded, counts(announcements, deliveries, reach, 0)));
        }
        Ok(tallies)
    }
}

fn counts(announcements: i64, deliveries: i64, reach: i64, acks: i64) -> Counts {
    Counts {
        announcements: announcements as u64,
        deliveries: deliveries as u64,
        reach: reach as u64,
        acks: acks as u64,
    }
}
