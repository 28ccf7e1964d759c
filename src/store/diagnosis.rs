//! What `loa doctor` reads, besides the schema (`schema`), from a database it opened read-only
//! (`Store::open_read_only`), so that it changes nothing.

use super::{ChatKind, Store};
use crate::error::Result;

/// An active group, as the bot last saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupChat {
    pub id: i64,
    pub title: String,
    pub kind: ChatKind,
}

impl Store {
    /// SQLite's `quick_check`: `["ok"]`, or the problems it found (at most ten).
    pub async fn quick_check(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("PRAGMA quick_check(10)").fetch_all(&self.pool).await?)
    }

    /// The groups (and channels) the bot is in, by title.
    pub async fn active_groups(&self) -> Result<Vec<GroupChat>> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT id, title, kind FROM chats WHERE active = 1 AND kind <> 'private' ORDER BY title, id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, title, kind)| GroupChat {
                id,
                title: if title.is_empty() { id.to_string() } else { title },
                kind: ChatKind::parse(&kind),
            })
            .collect())
    }
}
