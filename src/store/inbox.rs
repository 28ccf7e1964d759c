//! What officials sent the bot in private, kept for a while: an album arrives as one message
//! per item, and `/post` replying to any one of them takes the whole album from here.

use chrono::{DateTime, Utc};

use super::{Store, content_columns, content_from_columns, millis};
use crate::{domain::Content, error::Result};

impl Store {
    /// Keeps one message's content; the same message twice (an edit) keeps the latest.
    pub async fn keep_in_inbox(
        &self,
        chat_id: i64,
        message_id: i32,
        media_group_id: Option<&str>,
        content: &Content,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (entities, media) = content_columns(content);
        sqlx::query(
            "INSERT OR REPLACE INTO inbox (chat_id, message_id, media_group_id, body, entities, media, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .bind(chat_id)
        .bind(message_id)
        .bind(media_group_id)
        .bind(&content.text)
        .bind(entities)
        .bind(media)
        .bind(millis(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The content of message `message_id` in `chat_id`: with every item of its album so far,
    /// in message order. Empty if it was never kept (or is too old).
    pub async fn inbox_content(&self, chat_id: i64, message_id: i32) -> Result<Vec<Content>> {
        let rows: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT i.body, i.entities, i.media FROM inbox i
             WHERE i.chat_id = ?1
               AND (i.message_id = ?2
                    OR i.media_group_id = (SELECT media_group_id FROM inbox WHERE chat_id = ?1 AND message_id = ?2))
             ORDER BY i.message_id",
        )
        .bind(chat_id)
        .bind(message_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(content_from_row).collect())
    }

    /// The items of album `media_group_id` kept so far, in message order.
    pub async fn album_content(&self, chat_id: i64, media_group_id: &str) -> Result<Vec<Content>> {
        let rows: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT body, entities, media FROM inbox WHERE chat_id = ?1 AND media_group_id = ?2
             ORDER BY message_id",
        )
        .bind(chat_id)
        .bind(media_group_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(content_from_row).collect())
    }

    /// Forgets what was received before `before`; returns how many messages.
    pub async fn purge_inbox(&self, before: DateTime<Utc>) -> Result<u64> {
        let result = sqlx::query("DELETE FROM inbox WHERE received_at < ?1")
            .bind(millis(before))
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected())
    }
}

fn content_from_row((body, entities, media): (String, Option<String>, Option<String>)) -> Content {
    content_from_columns(body, entities.as_deref(), media.as_deref())
}
