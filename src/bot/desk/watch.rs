//! Reminds the desk, once, of each ticket nobody took on within `LOA_DESK_ACK_WITHIN`. The
//! deadline is read from the clock passed in (tests move it by hand), looked at every second as
//! the scheduler's safety tick does; the claim is one statement that marks the ticket reminded,
//! so a restart or a second look never reminds twice.

use std::{sync::Arc, time::Duration};

use tokio_util::sync::CancellationToken;

use super::to_desk;
use crate::{bot::Context, error::Result};

const LOOK_EVERY: Duration = Duration::from_secs(1);

/// Looks for overdue tickets until `shutdown`. A failure is logged and looked at again.
pub async fn watch(ctx: Arc<Context>, shutdown: CancellationToken) {
    loop {
        if let Err(error) = remind_overdue(&ctx).await {
            tracing::warn!(%error, "could not remind the desk of overdue tickets");
        }
        tokio::select! {
            _ = tokio::time::sleep(LOOK_EVERY) => {}
            _ = shutdown.cancelled() => return,
        }
    }
}

/// Sends the desk the tickets that just became overdue, again, under a reminder. Returns how
/// many.
pub async fn remind_overdue(ctx: &Arc<Context>) -> Result<usize> {
    let now = ctx.clock.now();
    let overdue = ctx.store.claim_unacknowledged(now - ctx.desk.ack_within, now).await?;
    for ticket in &overdue {
        to_desk::post(ctx, *ticket, Some(ctx.desk.ack_within)).await?;
    }
    Ok(overdue.len())
}
