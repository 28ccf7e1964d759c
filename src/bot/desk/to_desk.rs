//! Tickets reach the ward's desk: `LOA_DESK_CHAT`, or every admin official in private when it
//! is unset — or when the desk group is gone (the bot removed, the group deleted): that is
//! logged, and the admins get the ticket instead, so nothing waits unseen. Each copy's message
//! id is recorded when Telegram accepts it, so that a reply to it answers the ticket.

use std::sync::Arc;

use chrono::Duration;
use teloxide::types::{ChatId, InlineKeyboardMarkup};
use tokio::{sync::oneshot, task::JoinHandle};

use super::buttons::{DeskTap, button, rows};
use crate::{
    bot::{Context, Outgoing, Receipt, Reply, texts},
    domain::{Lang, Role, TicketStatus},
    error::Result,
    store::{DeskCard, PersonalCopy, Ticket},
};

/// A copy of a ticket on its way to a chat of the desk.
type PendingCopy = (ChatId, DeskCard, oneshot::Receiver<Receipt>);

/// Sends `ticket` to the desk; `overdue`: as the reminder that nobody took it on in that long.
/// Returns once the copies are queued, with the task that records them as they are sent and
/// then marks the ticket posted (or reminded): until then the desk is owed it.
pub async fn post(ctx: &Arc<Context>, ticket: i64, overdue: Option<Duration>) -> Result<JoinHandle<()>> {
    let copies = match ctx.desk.chat {
        Some(desk) => send_card(ctx, desk, ticket, overdue)
            .await?
            .map(|(card, receipt)| (desk, card, receipt))
            .into_iter()
            .collect(),
        None => to_admins(ctx, ticket, overdue).await?,
    };
    Ok(tokio::spawn(settle(ctx.clone(), ticket, overdue, copies)))
}

/// The ticket's copy to each admin official, in private.
async fn to_admins(ctx: &Context, ticket: i64, overdue: Option<Duration>) -> Result<Vec<PendingCopy>> {
    let mut copies = Vec::new();
    for official in ctx.store.officials().await?.into_iter().filter(|official| official.role == Role::Admin) {
        let chat = ChatId::from(official.user_id);
        if let Some((card, receipt)) = send_card(ctx, chat, ticket, overdue).await? {
            copies.push((chat, card, receipt));
        }
    }
    Ok(copies)
}

/// Queues the ticket's card for `chat`, saying what it shows; `None` if the ticket is gone.
async fn send_card(
    ctx: &Context,
    chat: ChatId,
    ticket: i64,
    overdue: Option<Duration>,
) -> Result<Option<(DeskCard, oneshot::Receiver<Receipt>)>> {
    let Some(ticket) = ctx.store.ticket(ticket).await? else { return Ok(None) };
    let lang = ctx.lang_of(chat).await?;
    let text = texts::desk_card(lang, &ticket, ctx.timezone, overdue.map(|within| within.num_hours()));
    let caption = Reply::from(text).with_keyboard(keyboard(lang, &ticket));
    // Read with the ticket: erased meanwhile, the card sent is still the one made here.
    let (shows, card) = match ticket.media {
        Some(item) => (DeskCard::Media, Outgoing::Media { item, caption }),
        None if ticket.resident.is_none() => (DeskCard::Anonymous, caption.into()),
        None => (DeskCard::Text, caption.into()),
    };
    Ok(Some((shows, ctx.replies.push_with_receipt(chat, lang, card))))
}

/// Records each copy once sent; if the desk group is gone, the admins get the ticket. Once
/// Telegram answered for a copy, the desk has had its chance: the ticket is marked posted (or
/// reminded). A copy dropped unsent (Loa stopping) leaves it owed, to be sent again.
async fn settle(ctx: Arc<Context>, ticket: i64, overdue: Option<Duration>, mut copies: Vec<PendingCopy>) {
    let mut answered = false;
    while let Some((chat, card, receipt)) = copies.pop() {
        match receipt.await {
            Ok(Receipt::Failed { reason, chat_gone: true }) if ctx.desk.chat == Some(chat) => {
                tracing::error!(desk = chat.0, ticket, %reason, "the desk chat is gone; sending the ticket to the admins");
                match to_admins(&ctx, ticket, overdue).await {
                    Ok(more) => copies.extend(more),
                    Err(error) => tracing::warn!(%error, ticket, "could not send a ticket to the admins"),
                }
            }
            Ok(Receipt::Sent(Some(message))) => {
                answered = true;
                if let Err(error) = ctx.store.record_desk_message(ticket, chat, message, card).await {
                    tracing::warn!(%error, ticket, "could not record the desk's copy of a ticket");
                }
            }
            Ok(other) => {
                answered = true;
                tracing::warn!(chat = chat.0, ticket, ?other, "the desk did not get a ticket");
            }
            Err(_) => tracing::warn!(chat = chat.0, ticket, "a ticket's copy to the desk was not sent"),
        }
    }
    if answered && let Err(error) = ctx.store.ticket_at_desk(ticket, overdue.is_some(), ctx.clock.now()).await
    {
        tracing::warn!(%error, ticket, "could not mark a ticket as at the desk");
    }
}

/// Takes the personal data off a copy of an erased ticket: a text card is edited into the
/// anonymous one; a photo or video cannot be edited away, so that copy is deleted and the
/// anonymous card sent in its place. Returns the task that records it once Telegram answered:
/// until then the copy is still to be done, and a crash leaves it for the next start.
pub async fn anonymise(ctx: &Arc<Context>, copy: PersonalCopy) -> Result<JoinHandle<()>> {
    let Some(ticket) = ctx.store.ticket(copy.ticket).await? else { return Ok(tokio::spawn(async {})) };
    let lang = ctx.lang_of(copy.chat).await?;
    let what = match copy.media {
        true => Outgoing::Delete { message_id: copy.message },
        false => {
            let text = texts::desk_card(lang, &ticket, ctx.timezone, None);
            Outgoing::Edit {
                message_id: copy.message,
                reply: Reply::from(text).with_keyboard(keyboard(lang, &ticket)),
            }
        }
    };
    let receipt = ctx.replies.push_with_receipt(copy.chat, lang, what);
    let ctx = ctx.clone();
    Ok(tokio::spawn(async move {
        match receipt.await {
            Err(_) => {
                tracing::warn!(ticket = copy.ticket, "a desk copy was not anonymised");
                return;
            }
            // Refused for good (deleted by hand, or a photo past Telegram's 48 h for deleting):
            // nothing more the bot can do to it.
            Ok(Receipt::Failed { reason, .. }) => {
                tracing::error!(chat = copy.chat.0, ticket = copy.ticket, %reason, "a desk copy keeps personal data")
            }
            Ok(Receipt::Sent(_)) => {}
        }
        if copy.media {
            // The anonymous card in the photo's place, so that the desk can still answer it.
            match send_card(&ctx, copy.chat, copy.ticket, None).await {
                Ok(Some((card, receipt))) => {
                    if let Ok(Receipt::Sent(Some(message))) = receipt.await
                        && let Err(error) =
                            ctx.store.record_desk_message(copy.ticket, copy.chat, message, card).await
                    {
                        tracing::warn!(%error, ticket = copy.ticket, "could not record an anonymous desk copy");
                    }
                }
                Ok(None) => {}
                Err(error) => {
                    tracing::warn!(%error, ticket = copy.ticket, "could not send an anonymous desk copy")
                }
            }
        }
        if let Err(error) = ctx.store.desk_copy_anonymised(copy.chat, copy.message, copy.media).await {
            tracing::warn!(%error, ticket = copy.ticket, "could not record an anonymised desk copy");
        }
    }))
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
