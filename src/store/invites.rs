//! One-time invitations that make officials: an admin creates one, whoever opens its link
//! first (and in time) becomes an official. Redeeming is one transaction, so two taps on the
//! same link — by one person or by two — make one official.

use chrono::{DateTime, Utc};
use teloxide::types::UserId;

use super::{Store, audit, millis};
use crate::{domain::Role, error::Result};

/// What opening an invitation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redemption {
    /// The user is now an official with `role`; `invited_by` made the invitation.
    Joined {
        role: Role,
        invited_by: UserId,
    },
    /// The user already is an official (perhaps by this very invitation); nothing changes.
    AlreadyOfficial(Role),
    Used,
    Expired,
    /// No invitation has this code.
    Unknown,
}

impl Store {
    /// Stores an invitation, and audits it (without its code, which is a secret).
    pub async fn create_invite(
        &self,
        code: &str,
        role: Role,
        by: UserId,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO invites (code, role, created_by, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)
             RETURNING id",
        )
        .bind(code)
        .bind(role.as_str())
        .bind(by.0 as i64)
        .bind(millis(now))
        .bind(millis(expires_at))
        .fetch_one(&mut *tx)
        .await?;
        let detail = format!("invite {id} as {}", role.as_str());
        audit::record(&mut tx, by, "official_invite", &detail, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Makes `user` an official with the invitation's role and marks it used, in one
    /// transaction, audited; or says why not, changing nothing.
    pub async fn redeem_invite(&self, code: &str, user: UserId, now: DateTime<Utc>) -> Result<Redemption> {
        let mut tx = self.begin_write().await?;
        let invite: Option<(i64, String, i64, i64, Option<i64>)> =
            sqlx::query_as("SELECT id, role, created_by, expires_at, used_at FROM invites WHERE code = ?1")
                .bind(code)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((id, role, created_by, expires_at, used_at)) = invite else {
            return Ok(Redemption::Unknown);
        };
        let Some(role) = Role::parse(&role) else { return Ok(Redemption::Unknown) };
        // First: an official's double tap on their own link is no reason to say it was used.
        let current: Option<String> = sqlx::query_scalar("SELECT role FROM officials WHERE user_id = ?1")
            .bind(user.0 as i64)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(current) = current.as_deref().and_then(Role::parse) {
            return Ok(Redemption::AlreadyOfficial(current));
        }
        if used_at.is_some() {
            return Ok(Redemption::Used);
        }
        if expires_at <= millis(now) {
            return Ok(Redemption::Expired);
        }
        sqlx::query("UPDATE invites SET used_by = ?2, used_at = ?3 WHERE id = ?1")
            .bind(id)
            .bind(user.0 as i64)
            .bind(millis(now))
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO officials (user_id, role, added_by, added_at) VALUES (?1, ?2, ?3, ?4)")
            .bind(user.0 as i64)
            .bind(role.as_str())
            .bind(created_by)
            .bind(millis(now))
            .execute(&mut *tx)
            .await?;
        let detail = format!("{user} as {} by invite {id} from {created_by}", role.as_str());
        audit::record(&mut tx, user, "official_join", &detail, now).await?;
        tx.commit().await?;
        Ok(Redemption::Joined { role, invited_by: UserId(created_by as u64) })
    }
}
