//! The delivery worker and the scheduler, as the alerts see them: a loop that has failed
//! without a break for `ALERT_AFTER` raises its alert, and one that works again resolves it.
//! The process gives up a minute after the alert (`GIVE_UP_AFTER`), so the alert is recorded
//! by then, and the fresh process, whose loop works, resolves it: "resolved" survives the
//! restart.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::tell;
use crate::{
    bot::{Context, texts},
    domain::Alert,
    error::Result,
    store::AlertMessage,
    supervisor::{ALERT_AFTER, LoopHealth},
};

pub(super) struct LoopWatch {
    alert: Alert,
    health: LoopHealth,
    /// Whether the alert is open in the database, as far as this watch has made it so; `None`
    /// at start, so that a working loop resolves what a previous process left open.
    open: Option<bool>,
    /// When the admins were told of a failure that the database could not record (the very
    /// trouble, often): recorded as soon as it can be, so that "resolved" follows.
    told_unrecorded: Option<DateTime<Utc>>,
}

impl LoopWatch {
    /// `alert`: the loop's own, `Alert::Worker` or `Alert::Scheduler`.
    pub(super) fn new(alert: Alert, health: LoopHealth) -> LoopWatch {
        LoopWatch { alert, health, open: None, told_unrecorded: None }
    }

    /// Raises or resolves the loop's alert as its health says.
    pub(super) async fn check(&mut self, ctx: &Arc<Context>) {
        let kind = self.alert.kind().as_str();
        if let Some(told_at) = self.told_unrecorded {
            if let Err(error) = self.record_told(ctx, told_at).await {
                tracing::debug!(%error, kind, "the alert told is still not recorded");
                return;
            }
            self.told_unrecorded = None;
            self.open = Some(true);
        }
        let now = ctx.clock.now();
        let failing_long = self
            .health
            .failing_since()
            .is_some_and(|since| (now - since).to_std().is_ok_and(|failing| failing >= ALERT_AFTER));
        if failing_long && self.open != Some(true) {
            match ctx.store.raise_alert(&self.alert, now).await {
                Ok(_) => self.open = Some(true),
                Err(error) => {
                    tracing::error!(%error, kind, "could not record an alert; telling the admins without a record");
                    match tell::tell(ctx, |lang| texts::alert_text(lang, &self.alert)).await {
                        Ok(_) => self.told_unrecorded = Some(now),
                        Err(error) => tracing::error!(%error, kind, "could not alert the admins"),
                    }
                }
            }
        } else if self.health.is_working() && self.open != Some(false) {
            match ctx.store.resolve_alert(self.alert.kind()).await {
                Ok(()) => self.open = Some(false),
                Err(error) => tracing::warn!(%error, kind, "could not resolve an alert"),
            }
        }
    }

    /// Records the alert as raised and told at `told_at`, so that its "resolved" is owed.
    async fn record_told(&self, ctx: &Context, told_at: DateTime<Utc>) -> Result<()> {
        let revision = ctx.store.raise_alert(&self.alert, told_at).await?;
        ctx.store.alert_told(self.alert.kind(), AlertMessage::Problem { revision }, told_at).await
    }
}
