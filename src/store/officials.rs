use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;
use teloxide::types::UserId;

use super::{Store, audit, millis};
use crate::{domain::Role, error::Result};

/// A ward official who may use the official commands in a private chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Official {
    pub user_id: UserId,
    pub role: Role,
    pub added_by: Option<UserId>,
}

impl Store {
    /// Makes the users named in `LOA_ADMINS` admins, whatever they were before.
    pub async fn ensure_admins(&self, admins: &[UserId], now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        for admin in admins {
            sqlx::query(
                "INSERT INTO officials (user_id, role, added_at) VALUES (?1, 'admin', ?2)
                 ON CONFLICT (user_id) DO UPDATE SET role = 'admin'",
            )
            .bind(user_id(*admin))
            .bind(millis(now))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn official_role(&self, user: UserId) -> Result<Option<Role>> {
        let role: Option<String> = sqlx::query_scalar("SELECT role FROM officials WHERE user_id = ?1")
            .bind(user_id(user))
            .fetch_optional(&self.pool)
            .await?;
        Ok(role.as_deref().and_then(Role::parse))
    }

    /// Every official, admins first.
    pub async fn officials(&self) -> Result<Vec<Official>> {
        let rows: Vec<(i64, String, Option<i64>)> = sqlx::query_as(
            "SELECT user_id, role, added_by FROM officials ORDER BY role = 'admin' DESC, user_id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(user, role, added_by)| {
                Some(Official {
                    user_id: UserId(user as u64),
                    role: Role::parse(&role)?,
                    added_by: added_by.map(|id| UserId(id as u64)),
                })
            })
            .collect())
    }
}

/// What `/official remove` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    Removed,
    NotAnOfficial,
    LastAdmin,
}

/// What `/official add` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appointment {
    Done,
    /// Refused: it would demote the last admin, leaving nobody to manage officials.
    LastAdmin,
}

impl Store {
    /// Adds an official or changes their role, unless that demotes the last admin; audits it.
    pub async fn add_official(
        &self,
        user: UserId,
        role: Role,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<Appointment> {
        let mut tx = self.begin_write().await?;
        if role != Role::Admin && is_last_admin(&mut tx, user).await? {
            return Ok(Appointment::LastAdmin);
        }
        sqlx::query(
            "INSERT INTO officials (user_id, role, added_by, added_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (user_id) DO UPDATE SET role = excluded.role",
        )
        .bind(user_id(user))
        .bind(role.as_str())
        .bind(user_id(by))
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        audit::record(&mut tx, by, "official_add", &format!("{user} as {}", role.as_str()), now).await?;
        tx.commit().await?;
        Ok(Appointment::Done)
    }

    /// Removes an official, unless they are the last admin; audits a removal.
    pub async fn remove_official(&self, user: UserId, by: UserId, now: DateTime<Utc>) -> Result<Removal> {
        let mut tx = self.begin_write().await?;
        let role: Option<String> = sqlx::query_scalar("SELECT role FROM officials WHERE user_id = ?1")
            .bind(user_id(user))
            .fetch_optional(&mut *tx)
            .await?;
        let Some(role) = role else { return Ok(Removal::NotAnOfficial) };
        if is_last_admin(&mut tx, user).await? {
            return Ok(Removal::LastAdmin);
        }
        sqlx::query("DELETE FROM officials WHERE user_id = ?1").bind(user_id(user)).execute(&mut *tx).await?;
        audit::record(&mut tx, by, "official_remove", &format!("{user} (was {role})"), now).await?;
        tx.commit().await?;
        Ok(Removal::Removed)
    }
}

/// Whether `user` is an admin and no other official is.
async fn is_last_admin(conn: &mut SqliteConnection, user: UserId) -> Result<bool> {
    let others: Option<i64> = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM officials WHERE role = 'admin' AND user_id != ?1)
         FROM officials WHERE user_id = ?1 AND role = 'admin'",
    )
    .bind(user_id(user))
    .fetch_optional(conn)
    .await?;
    Ok(others == Some(0))
}

/// Telegram user ids fit in 52 bits, so they are stored as SQLite integers.
fn user_id(user: UserId) -> i64 {
    user.0 as i64
}
