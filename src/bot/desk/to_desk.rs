//! Tickets reach the ward's desk: `LOA_DESK_CHAT`, or every admin official in private when it
//! is unset — or when the desk group is gone (the bot removed, the group deleted): that is
//! logged, and the admins get the ticket instead, so nothing waits unseen. Each copy's message
//! id is recorded when Telegram accepts it, so that a reply to it answers the ticket.

use std::sync::Arc;

use chrono::Duration;
use teloxide::types::{ChatId, InlineKeyboardMarkup};
use tokio::sync::oneshot;

use super::buttons::{DeskTap, button, rows};
use crate::{
    bot::{Context, Outgoing, Receipt, Reply, texts},
    domain::{Lang, Role, TicketStatus},
    error::Result,
    store::Ticket,
};

/// Sends `ticket` to the desk; `overdue`: as the reminder that nobody took it on in that long.
/// Returns once the copies are queued; their ids are recorded as they are sent.
pub async fn post(ctx: &Arc<Context>, ticket: i64, overdue: Option<Duration>) -> Result<()> {
    match ctx.desk.chat {
        Some(desk) => {
            let receipt = send_card(ctx, desk, ticket, overdue).await?;
            if let Some(receipt) = receipt {
                tokio::spawn(fall_back_if_gone(ctx.clone(), desk, ticket, overdue, receipt));
            }
            Ok(())
        }
        None => to_admins(ctx, ticket, overdue).await,
    }
}

/// The ticket's copy to each admin official, in private.
async fn to_admins(ctx: &Arc<Context>, ticket: i64, overdue: Option<Duration>) -> Result<()> {
    for official in ctx.store.officials().await?.into_iter().filter(|official| official.role == Role::Admin) {
        if let Some(receipt) = send_card(ctx, ChatId::from(official.user_id), ticket, overdue).await? {
            tokio::spawn(record_when_sent(ctx.clone(), ChatId::from(official.user_id), ticket, receipt));
        }
    }
    Ok(())
}

/// Queues the ticket's card for `chat`; `None` if the ticket is gone.
async fn send_card(
    ctx: &Context,
    chat: ChatId,
    ticket: i64,
    overdue: Option<Duration>,
) -> Result<Option<oneshot::Receiver<Receipt>>> {
    let Some(ticket) = ctx.store.ticket(ticket).await? else { return Ok(None) };
    let lang = ctx.lang_of(chat).await?;
    let text = texts::desk_card(lang, &ticket, ctx.timezone, overdue.map(|within| within.num_hours()));
    let caption = Reply::from(text).with_keyboard(keyboard(lang, &ticket));
    let card = match ticket.media {
        Some(item) => Outgoing::Media { item, caption },
        None => caption.into(),
    };
    Ok(Some(ctx.replies.push_with_receipt(chat, lang, card)))
}

/// Records the desk group's copy once sent; if the group is gone, the admins get the ticket.
async fn fall_back_if_gone(
    ctx: Arc<Context>,
    desk: ChatId,
    ticket: i64,
    overdue: Option<Duration>,
    receipt: oneshot::Receiver<Receipt>,
) {
    let result = match receipt.await {
        Ok(Receipt::Failed { reason, chat_gone: true }) => {
            tracing::error!(desk = desk.0, ticket, %reason, "the desk chat is gone; sending the ticket to the admins");
            to_admins(&ctx, ticket, overdue).await
        }
        other => record(&ctx, desk, ticket, other).await,
    };
    if let Err(error) = result {
        tracing::warn!(%error, ticket, "could not record the desk's copy of a ticket");
    }
}

async fn record_when_sent(ctx: Arc<Context>, chat: ChatId, ticket: i64, receipt: oneshot::Receiver<Receipt>) {
    if let Err(error) = record(&ctx, chat, ticket, receipt.await).await {
        tracing::warn!(%error, ticket, "could not record the desk's copy of a ticket");
    }
}

async fn record(
    ctx: &Context,
    chat: ChatId,
    ticket: i64,
    receipt: Result<Receipt, oneshot::error::RecvError>,
) -> Result<()> {
    match receipt {
        Ok(Receipt::Sent(Some(message))) => ctx.store.record_desk_message(ticket, chat, message).await,
        Ok(other) => {
            tracing::warn!(chat = chat.0, ticket, ?other, "the desk did not get a ticket");
            Ok(())
        }
        // Dropped unsent (Loa stopping, the chat over its budget): the reminder sends it again.
        Err(_) => {
            tracing::warn!(chat = chat.0, ticket, "a ticket's copy to the desk was not sent");
            Ok(())
        }
    }
}

/// The status buttons a ticket's copy shows: what it can still become, or what it became.
pub fn keyboard(lang: Lang, ticket: &Ticket) -> InlineKeyboardMarkup {
    let status_button =
        |status| button(texts::status_button(lang, status), DeskTap::Status { ticket: ticket.id, status });
    match ticket.status {
        TicketStatus::Open => rows(
            vec![
                status_button(TicketStatus::Acknowledged),
                status_button(TicketStatus::Resolved),
                status_button(TicketStatus::Declined),
            ],
            1,
        ),
        TicketStatus::Acknowledged => {
            rows(vec![status_button(TicketStatus::Resolved), status_button(TicketStatus::Declined)], 1)
        }
        closed => rows(
            vec![button(
                texts::closed_button(lang, closed),
                DeskTap::Status { ticket: ticket.id, status: closed },
            )],
            1,
        ),
    }
}

/// Shows a ticket's new status on every copy at the desk.
pub async fn refresh_copies(ctx: &Context, ticket: i64) -> Result<()> {
    let Some(ticket) = ctx.store.ticket(ticket).await? else { return Ok(()) };
    for (chat, message_id) in ctx.store.desk_messages(ticket.id).await? {
        let lang = ctx.lang_of(chat).await?;
        ctx.replies.push(
            chat,
            lang,
            vec![Outgoing::Buttons { message_id, keyboard: keyboard(lang, &ticket) }],
        );
    }
    Ok(())
}
