use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::{Store, millis};
use crate::{
    domain::{AreaCode, Lang},
    error::Result,
};

/// What Telegram says a chat is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatKind {
    Private,
    Group,
    Supergroup,
    Channel,
}

impl ChatKind {
    fn as_str(self) -> &'static str {
        match self {
            ChatKind::Private => "private",
            ChatKind::Group => "group",
            ChatKind::Supergroup => "supergroup",
            ChatKind::Channel => "channel",
        }
    }

    /// As stored; a kind this program never wrote reads as a group.
    pub(super) fn parse(kind: &str) -> ChatKind {
        match kind {
            "private" => ChatKind::Private,
            "supergroup" => ChatKind::Supergroup,
            "channel" => ChatKind::Channel,
            _ => ChatKind::Group,
        }
    }
}

/// The facts about a chat that each update carries.
#[derive(Debug, Clone)]
pub struct ChatInfo {
    pub id: i64,
    pub kind: ChatKind,
    pub title: String,
}

/// A chat's own settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChatSettings {
    pub area: Option<AreaCode>,
    pub lang: Option<Lang>,
    pub active: bool,
}

impl Store {
    /// Records that the chat exists and the bot is in it (it just received a message there),
    /// and returns the chat's settings.
    pub async fn touch_chat(&self, chat: &ChatInfo, now: DateTime<Utc>) -> Result<ChatSettings> {
        let row: Option<(Option<String>, Option<String>, bool)> = sqlx::query_as(
            "INSERT INTO chats (id, kind, title, joined_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title,
                 active = 1, left_at = NULL
             WHERE chats.migrated_to IS NULL
             RETURNING area, lang, active",
        )
        .bind(chat.id)
        .bind(chat.kind.as_str())
        .bind(&chat.title)
        .bind(millis(now))
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => Ok(settings_from_row(row)),
            // A group that became a supergroup keeps its old row as it was.
            None => Ok(self.chat_settings(chat.id).await?.unwrap_or_default()),
        }
    }

    /// Records that the bot was added to the chat. Returns whether the chat was not active
    /// before, so that the caller greets a group once, not on every status change.
    pub async fn bot_joined(&self, chat: &ChatInfo, now: DateTime<Utc>) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let was_active: Option<bool> = sqlx::query_scalar("SELECT active FROM chats WHERE id = ?1")
            .bind(chat.id)
            .fetch_optional(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO chats (id, kind, title, joined_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title,
                 active = 1, left_at = NULL,
                 joined_at = CASE WHEN chats.active = 1 THEN chats.joined_at ELSE excluded.joined_at END",
        )
        .bind(chat.id)
        .bind(chat.kind.as_str())
        .bind(&chat.title)
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(was_active != Some(true))
    }

    /// Records that the bot was removed from the chat (or blocked by the resident). Its settings
    /// and subscriptions stay, so that adding it back restores them.
    pub async fn bot_left(&self, chat_id: i64, now: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE chats SET active = 0, left_at = ?2 WHERE id = ?1 AND active = 1")
            .bind(chat_id)
            .bind(millis(now))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A group became a supergroup with a new id: its settings and subscriptions move to the new
    /// id and the old row stays, inactive, pointing to it. Running it twice changes nothing more,
    /// which matters because Telegram reports a migration in both chats.
    pub async fn migrate_chat(&self, from: i64, to: i64, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        move_chat(&mut tx, from, to, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn chat_settings(&self, chat_id: i64) -> Result<Option<ChatSettings>> {
        let row: Option<(Option<String>, Option<String>, bool)> =
            sqlx::query_as("SELECT area, lang, active FROM chats WHERE id = ?1")
                .bind(chat_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(settings_from_row))
    }

    /// The areas active chats are bound to, in order.
    pub async fn known_areas(&self) -> Result<Vec<AreaCode>> {
        let areas: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT area FROM chats WHERE active = 1 AND area IS NOT NULL ORDER BY area",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(areas.into_iter().map(AreaCode::from_stored).collect())
    }

    /// Every area with an active chat, and how many of its active chats subscribe to `topic`:
    /// what an announcement on `topic` to that area would reach (zero included, so that an
    /// official sees why an area is not worth choosing).
    pub async fn area_reach(&self, topic: &str) -> Result<Vec<(AreaCode, u64)>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT c.area, count(s.chat_id) FROM chats c
             LEFT JOIN subscriptions s ON s.chat_id = c.id AND s.topic = ?1
             WHERE c.active = 1 AND c.area IS NOT NULL
             GROUP BY c.area ORDER BY c.area",
        )
        .bind(topic)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(area, count)| (AreaCode::from_stored(area), count as u64)).collect())
    }

    pub async fn set_area(&self, chat_id: i64, area: Option<&AreaCode>) -> Result<()> {
        sqlx::query("UPDATE chats SET area = ?2 WHERE id = ?1")
            .bind(chat_id)
            .bind(area.map(AreaCode::as_str))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn set_lang(&self, chat_id: i64, lang: Lang) -> Result<()> {
        sqlx::query("UPDATE chats SET lang = ?2 WHERE id = ?1")
            .bind(chat_id)
            .bind(lang.code())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

fn settings_from_row((area, lang, active): (Option<String>, Option<String>, bool)) -> ChatSettings {
    ChatSettings {
        area: area.map(AreaCode::from_stored),
        lang: lang.as_deref().and_then(Lang::parse),
        active,
    }
}

/// The body of [`Store::migrate_chat`], for callers that already hold a transaction.
pub(super) async fn move_chat(
    conn: &mut SqliteConnection,
    from: i64,
    to: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO chats (id, kind, title, area, lang, active, joined_at)
             SELECT ?2, 'supergroup', title, area, lang, 1, ?3 FROM chats WHERE id = ?1
         ON CONFLICT (id) DO UPDATE SET
             area = coalesce(chats.area, excluded.area),
             lang = coalesce(chats.lang, excluded.lang),
             active = 1, left_at = NULL",
    )
    .bind(from)
    .bind(to)
    .bind(millis(now))
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT OR IGNORE INTO subscriptions (chat_id, topic, created_at)
             SELECT ?2, topic, created_at FROM subscriptions WHERE chat_id = ?1",
    )
    .bind(from)
    .bind(to)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM subscriptions WHERE chat_id = ?1").bind(from).execute(&mut *conn).await?;
    sqlx::query(
        "UPDATE chats SET active = 0, migrated_to = ?2, left_at = coalesce(left_at, ?3) WHERE id = ?1",
    )
    .bind(from)
    .bind(to)
    .bind(millis(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}
