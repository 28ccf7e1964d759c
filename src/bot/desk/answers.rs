//! The desk answers: a status tap on a ticket's copy, a reply to the copy, or `/traloi <ticket>
//! <text>` in private. Only officials count; each change is recorded (and audited) before
//! anything is sent, and the resident hears of it in their own language, signed with the
//! ward's name. A resident who blocked the bot makes the answer undeliverable: recorded, and
//! the official told, nothing more.

use std::sync::Arc;

use teloxide::types::{ChatId, UserId};

use super::to_desk::refresh_copies;
use crate::{
    bot::{Context, Receipt, texts},
    domain::{Lang, TicketStatus},
    error::Result,
    store::{PendingReply, ReplyRecord, StatusChange},
};

/// A tap on a status button by `user`; returns the toast to show them.
pub async fn set_status(
    ctx: &Arc<Context>,
    user: UserId,
    ticket: i64,
    status: TicketStatus,
    lang: Lang,
) -> Result<String> {
    if ctx.store.official_role(user).await?.is_none() {
        return Ok(texts::desk_officials_only(lang));
    }
    Ok(match ctx.store.set_ticket_status(ticket, status, user, ctx.clock.now()).await? {
        StatusChange::Changed { resident } => {
            refresh_copies(ctx, ticket).await?;
            if let Some(resident) = resident {
                tell_status(ctx, resident, ticket, status).await?;
            }
            texts::status_set(lang, ticket, status)
        }
        StatusChange::Unchanged => texts::status_unchanged(lang, ticket, status),
        StatusChange::Closed(status) => texts::ticket_closed(lang, ticket, status),
        StatusChange::Unknown => texts::ticket_unknown(lang, ticket),
    })
}

/// An official's answer `text` to `ticket`, from `chat` (the desk group, or their private
/// chat): recorded, then relayed; `chat` is told whether it reached the resident.
pub async fn answer(
    ctx: &Arc<Context>,
    official: UserId,
    chat: ChatId,
    ticket: i64,
    text: &str,
    lang: Lang,
) -> Result<()> {
    let (reply, resident, acknowledged) =
        match ctx.store.record_ticket_reply(ticket, official, text, ctx.clock.now()).await? {
            ReplyRecord::Recorded { reply, resident, acknowledged } => (reply, resident, acknowledged),
            ReplyRecord::Closed(status) => {
                ctx.say(chat, lang, texts::ticket_closed(lang, ticket, status));
                return Ok(());
            }
            ReplyRecord::Unknown => {
                ctx.say(chat, lang, texts::ticket_unknown(lang, ticket));
                return Ok(());
            }
        };
    if acknowledged {
        refresh_copies(ctx, ticket).await?;
    }
    let Some(resident) = resident else {
        ctx.say(chat, lang, texts::answer_undeliverable(lang, ticket));
        return Ok(());
    };
    if acknowledged {
        tell_status(ctx, resident, ticket, TicketStatus::Acknowledged).await?;
    }
    relay(ctx, reply, ticket, resident, text, chat, lang).await
}

/// Relays again an answer a crash left unrelayed; the official who gave it is told in private
/// what became of it, as they would have been.
pub async fn relay_again(ctx: &Arc<Context>, pending: PendingReply) -> Result<()> {
    let chat = ChatId::from(pending.official);
    let lang = ctx.lang_of(chat).await?;
    let Some(resident) = pending.resident else {
        ctx.store.ticket_reply_outcome(pending.reply, Some("the resident's data was erased")).await?;
        ctx.say(chat, lang, texts::answer_undeliverable(lang, pending.ticket));
        return Ok(());
    };
    relay(ctx, pending.reply, pending.ticket, resident, &pending.body, chat, lang).await
}

/// Relays answer `reply` to the resident; `chat` is told whether it reached them.
async fn relay(
    ctx: &Arc<Context>,
    reply: i64,
    ticket: i64,
    resident: UserId,
    text: &str,
    chat: ChatId,
    lang: Lang,
) -> Result<()> {
    let resident_chat = ChatId::from(resident);
    let resident_lang = ctx.lang_of(resident_chat).await?;
    let relayed = texts::relayed_answer(resident_lang, ticket, text, &ward(ctx, resident_lang));
    let receipt = ctx.replies.push_with_receipt(resident_chat, resident_lang, relayed.into());
    let ctx = ctx.clone();
    tokio::spawn(async move {
        let (error, told) = match receipt.await {
            Ok(Receipt::Sent(_)) => (None, texts::answer_relayed(lang, ticket)),
            Ok(Receipt::Failed { reason, .. }) => (Some(reason), texts::answer_undeliverable(lang, ticket)),
            // Dropped unsent (Loa stopping, a flood of answers to one resident): it stays
            // pending, relayed again at the next start.
            Err(_) => {
                tracing::warn!(ticket, reply, "an answer was not relayed");
                return;
            }
        };
        if let Err(error) = ctx.store.ticket_reply_outcome(reply, error.as_deref()).await {
            tracing::warn!(%error, ticket, "could not record what became of an answer");
        }
        ctx.say(chat, lang, told);
    });
    Ok(())
}

/// Tells the resident where their ticket stands now.
async fn tell_status(ctx: &Context, resident: UserId, ticket: i64, status: TicketStatus) -> Result<()> {
    let chat = ChatId::from(resident);
    let lang = ctx.lang_of(chat).await?;
    ctx.say(chat, lang, texts::ticket_status_changed(lang, ticket, status, &ward(ctx, lang)));
    Ok(())
}

fn ward(ctx: &Context, lang: Lang) -> String {
    texts::ward(lang, ctx.ward_name.as_deref())
}

/// `/traloi <ticket> <text>`: the ticket and the answer, or `None` when either is missing.
pub fn parse_answer(args: &str) -> Option<(i64, &str)> {
    let (ticket, text) = args.trim().split_once(char::is_whitespace)?;
    let ticket = ticket.trim_start_matches('#').parse().ok()?;
    let text = text.trim();
    (!text.is_empty()).then_some((ticket, text))
}

#[cfg(test)]
mod tests {
    use super::parse_answer;

    #[test]
    fn an_answer_names_its_ticket_and_says_something() {
        assert_eq!(parse_answer(" 12  Đã cử người thu gom. "), Some((12, "Đã cử người thu gom.")));
        assert_eq!(parse_answer("#7 Xong"), Some((7, "Xong")));
        for bad in ["", "12", "12   ", "mười hai Xong"] {
            assert_eq!(parse_answer(bad), None, "{bad:?}");
        }
    }
}
