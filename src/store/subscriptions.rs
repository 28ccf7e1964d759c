use chrono::{DateTime, Utc};

use super::{Store, millis};
use crate::{
    domain::{Topic, TopicSelection},
    error::Result,
};

impl Store {
    /// The seeded topics, in display order.
    pub async fn topics(&self) -> Result<Vec<Topic>> {
        let rows: Vec<(String, String, String)> =
            sqlx::query_as("SELECT slug, name_vi, name_en FROM topics ORDER BY position")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|(slug, name_vi, name_en)| Topic { slug, name_vi, name_en }).collect())
    }

    /// The slugs a chat is subscribed to, in topic order.
    pub async fn subscriptions(&self, chat_id: i64) -> Result<Vec<String>> {
        let mut conn = self.pool.acquire().await?;
        subscriptions_of(&mut conn, chat_id).await
    }

    /// Subscribes the chat and returns its subscriptions after the change, in one transaction.
    pub async fn subscribe(
        &self,
        chat_id: i64,
        topics: &TopicSelection,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>> {
        let mut tx = self.begin_write().await?;
        match topics {
            TopicSelection::All => {
                sqlx::query(
                    "INSERT OR IGNORE INTO subscriptions (chat_id, topic, created_at)
                         SELECT ?1, slug, ?2 FROM topics",
                )
                .bind(chat_id)
                .bind(millis(now))
                .execute(&mut *tx)
                .await?;
            }
            TopicSelection::Some(slugs) => {
                for slug in slugs {
                    sqlx::query("INSERT OR IGNORE INTO subscriptions (chat_id, topic, created_at) VALUES (?1, ?2, ?3)")
                        .bind(chat_id)
                        .bind(slug)
                        .bind(millis(now))
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        let after = subscriptions_of(&mut tx, chat_id).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Unsubscribes the chat and returns its subscriptions after the change, in one transaction.
    pub async fn unsubscribe(&self, chat_id: i64, topics: &TopicSelection) -> Result<Vec<String>> {
        let mut tx = self.begin_write().await?;
        match topics {
            TopicSelection::All => {
                sqlx::query("DELETE FROM subscriptions WHERE chat_id = ?1")
                    .bind(chat_id)
                    .execute(&mut *tx)
                    .await?;
            }
            TopicSelection::Some(slugs) => {
                for slug in slugs {
                    sqlx::query("DELETE FROM subscriptions WHERE chat_id = ?1 AND topic = ?2")
                        .bind(chat_id)
                        .bind(slug)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        let after = subscriptions_of(&mut tx, chat_id).await?;
        tx.commit().await?;
        Ok(after)
    }
}

async fn subscriptions_of(conn: &mut sqlx::SqliteConnection, chat_id: i64) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT s.topic FROM subscriptions s JOIN topics t ON t.slug = s.topic
         WHERE s.chat_id = ?1 ORDER BY t.position",
    )
    .bind(chat_id)
    .fetch_all(conn)
    .await?)
}
