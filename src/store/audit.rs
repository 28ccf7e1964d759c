use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;
use teloxide::types::UserId;

use super::millis;
use crate::error::Result;

/// Writes one line of the audit log inside the caller's transaction, so that an action and its
/// record commit together.
pub(super) async fn record(
    conn: &mut SqliteConnection,
    user: UserId,
    action: &str,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("INSERT INTO audit_log (at, user_id, action, detail) VALUES (?1, ?2, ?3, ?4)")
        .bind(millis(now))
        .bind(user.0 as i64)
        .bind(action)
        .bind(detail)
        .execute(conn)
        .await?;
    Ok(())
}
