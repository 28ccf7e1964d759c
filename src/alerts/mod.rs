//! Alerts to people. Nobody at a ward watches Loa's metrics, so when something needs a person
//! Loa says so in Telegram, in one message, to the admin officials — or to the desk chat
//! (`LOA_DESK_CHAT`) where one is set:
//! - the delivery worker or the scheduler has failed for `supervisor::ALERT_AFTER` (watched
//!   here, from their health: `loops`);
//! - more than a fifth of a broadcast's deliveries failed, or Telegram refused the bot a send
//!   or a pin in a group (found by the store as it records outcomes);
//! - a scheduled backup failed (`backups` raises it, and resolves it once one is written,
//!   through `Store::raise_alert` and `Store::resolve_alert`: the hook for any new trouble).
//!
//! At most one message of a kind an hour, and a short "resolved" when the trouble is over.
//!
//! Durable as the desk's messages are: an alert is a row (`alerts`) before anything is sent;
//! this watch sends what the rows say is owed through the reply queue (so under the same pacing
//! as every message) and records it once Telegram answered. A crash before that sends it again
//! at the next start; a restart neither repeats an alert nor loses one — the fresh process
//! says "resolved" for the trouble that made the old one give up. One exception: a loop that
//! fails because the database cannot be written cannot have its alert recorded. The admins are
//! told all the same, and the record follows once the database takes it.

mod loops;
mod tell;

use std::{collections::HashMap, sync::Arc, time::Duration};

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::{
    bot::{Context, texts},
    domain::{Alert, AlertKind, Lang},
    error::Result,
    store::{AlertMessage, OwedAlert},
    supervisor::Health,
};

/// How often the loops' health and the owed messages are looked at.
const LOOK_EVERY: Duration = Duration::from_secs(1);

/// Watches the loops and sends what alerts are owed, until `shutdown`. Failures are logged and
/// looked at again.
pub async fn watch(ctx: Arc<Context>, health: Health, shutdown: CancellationToken) {
    let mut loops = [
        loops::LoopWatch::new(Alert::Worker, health.worker),
        loops::LoopWatch::new(Alert::Scheduler, health.scheduler),
    ];
    let mut on_the_way = HashMap::new();
    loop {
        for watched in &mut loops {
            watched.check(&ctx).await;
        }
        if let Err(error) = send_owed(&ctx, &mut on_the_way).await {
            tracing::warn!(%error, "could not send the alerts owed");
        }
        tokio::select! {
            _ = tokio::time::sleep(LOOK_EVERY) => {}
            _ = shutdown.cancelled() => return,
        }
    }
}

/// Sends the owed messages not already on their way; `on_the_way` holds those Telegram has
/// not answered for yet.
async fn send_owed(ctx: &Arc<Context>, on_the_way: &mut HashMap<AlertKind, JoinHandle<()>>) -> Result<()> {
    on_the_way.retain(|_, settling| !settling.is_finished());
    for owed in ctx.store.owed_alerts(ctx.clock.now()).await? {
        let kind = owed.alert.kind();
        if on_the_way.contains_key(&kind) {
            continue;
        }
        let copies = tell::tell(ctx, |lang| text(lang, &owed)).await?;
        on_the_way.insert(kind, tokio::spawn(settle(ctx.clone(), owed, copies)));
    }
    Ok(())
}

fn text(lang: Lang, owed: &OwedAlert) -> String {
    match owed.message {
        AlertMessage::Problem { .. } => texts::alert_text(lang, &owed.alert),
        AlertMessage::Resolved => texts::alert_resolved_text(lang, owed.alert.kind()),
    }
}

/// Records the message as told once Telegram answered for a copy of it (sent, or refused for
/// good: the admins had their chance). A copy dropped unsent (Loa stopping) leaves it owed.
async fn settle(ctx: Arc<Context>, owed: OwedAlert, copies: Vec<tell::Copy>) {
    if tell::answered(&ctx, copies, |lang| text(lang, &owed)).await
        && let Err(error) = ctx.store.alert_told(owed.alert.kind(), owed.message, ctx.clock.now()).await
    {
        tracing::warn!(%error, kind = owed.alert.kind().as_str(), "could not record an alert as told");
    }
}
