//! What the desk is owed. At start-up: the tickets and answers a crash left unsent. Then,
//! once, the reminder of each ticket nobody took on within `LOA_DESK_ACK_WITHIN`. The deadline
//! is read from the clock passed in (tests move it by hand), looked at every second as the
//! scheduler's safety tick does. A reminder counts as given once it reached the desk, so one
//! lost to a crash is given again; while it is on its way it is not sent twice. And the desk's
//! copies of tickets whose personal data was erased are made anonymous, likewise.

use std::{collections::HashMap, sync::Arc, time::Duration};

use teloxide::types::{ChatId, MessageId};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::{answers, to_desk};
use crate::{bot::Context, error::Result};

const LOOK_EVERY: Duration = Duration::from_secs(1);

/// Sends the desk what a crash left unsent: tickets whose card never reached it, and answers
/// never relayed to their resident. Run before updates are handled, so that nothing new is
/// mistaken for owed. Each failure is logged and the rest carry on.
pub async fn catch_up(ctx: &Arc<Context>) -> Result<()> {
    for ticket in ctx.store.unposted_tickets().await? {
        if let Err(error) = to_desk::post(ctx, ticket, None).await {
            tracing::warn!(%error, ticket, "could not send an owed ticket to the desk");
        }
    }
    for reply in ctx.store.pending_ticket_replies().await? {
        let id = reply.reply;
        if let Err(error) = answers::relay_again(ctx, reply).await {
            tracing::warn!(%error, reply = id, "could not relay an owed answer");
        }
    }
    Ok(())
}

/// Looks for overdue tickets until `shutdown`. A failure is logged and looked at again.
pub async fn watch(ctx: Arc<Context>, shutdown: CancellationToken) {
    let mut on_the_way = HashMap::new();
    let mut anonymising = HashMap::new();
    loop {
        if let Err(error) = remind_overdue(&ctx, &mut on_the_way).await {
            tracing::warn!(%error, "could not remind the desk of overdue tickets");
        }
        if let Err(error) = anonymise_erased(&ctx, &mut anonymising).await {
            tracing::warn!(%error, "could not take erased personal data off the desk's copies");
        }
        tokio::select! {
            _ = tokio::time::sleep(LOOK_EVERY) => {}
            _ = shutdown.cancelled() => return,
        }
    }
}

/// Sends the desk the overdue tickets not yet reminded of, again, under a reminder;
/// `on_the_way` holds the reminders not yet answered for by Telegram.
async fn remind_overdue(ctx: &Arc<Context>, on_the_way: &mut HashMap<i64, JoinHandle<()>>) -> Result<()> {
    on_the_way.retain(|_, settling| !settling.is_finished());
    let overdue = ctx.store.unacknowledged(ctx.clock.now() - ctx.desk.ack_within).await?;
    for ticket in overdue {
        if on_the_way.contains_key(&ticket) {
            continue;
        }
        // One ticket's failure does not keep the desk from the others.
        match to_desk::post(ctx, ticket, Some(ctx.desk.ack_within)).await {
            Ok(settling) => {
                on_the_way.insert(ticket, settling);
            }
            Err(error) => tracing::warn!(%error, ticket, "could not remind the desk of a ticket"),
        }
    }
    Ok(())
}

/// Takes personal data erased from tickets (on `/xoadulieu`, or after retention) off the desk's
/// copies of them; `anonymising` holds the copies not yet answered for by Telegram.
async fn anonymise_erased(
    ctx: &Arc<Context>,
    anonymising: &mut HashMap<(ChatId, MessageId), JoinHandle<()>>,
) -> Result<()> {
    anonymising.retain(|_, settling| !settling.is_finished());
    for copy in ctx.store.personal_desk_copies().await? {
        if anonymising.contains_key(&(copy.chat, copy.message)) {
            continue;
        }
        match to_desk::anonymise(ctx, copy).await {
            Ok(settling) => {
                anonymising.insert((copy.chat, copy.message), settling);
            }
            Err(error) => tracing::warn!(%error, ticket = copy.ticket, "could not anonymise a desk copy"),
        }
    }
    Ok(())
}
