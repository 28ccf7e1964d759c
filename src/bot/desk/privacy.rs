//! Residents' control over their data, and the desk's over abusive senders: `/xoadulieu`
//! erases a resident's personal data after a confirmation button; `/desk block <ticket>` stops
//! a ticket's sender from opening new ones, without anyone having to see who they are.

use teloxide::types::{InlineKeyboardMarkup, MessageId, UserId};

use super::buttons::{DeskTap, button};
use crate::{
    bot::{Context, Outgoing, Reply, texts},
    domain::Lang,
    error::Result,
    store::Block,
};

/// The confirmation `/xoadulieu` asks for.
pub fn question(lang: Lang) -> Outgoing {
    let keyboard = InlineKeyboardMarkup::new([[
        button(texts::forget_button(lang, true), DeskTap::Forget(true)),
        button(texts::forget_button(lang, false), DeskTap::Forget(false)),
    ]]);
    Reply::from(texts::forget_question(lang)).with_keyboard(keyboard).into()
}

/// The answer to the confirmation, shown in its place.
pub async fn answer(
    resident: UserId,
    yes: bool,
    message: MessageId,
    lang: Lang,
    ctx: &Context,
) -> Result<(Option<String>, Vec<Outgoing>)> {
    let text = match yes {
        true => texts::forgotten(lang, ctx.store.forget_resident(resident, ctx.clock.now()).await?),
        false => texts::forget_kept(lang),
    };
    Ok((None, vec![Outgoing::Edit { message_id: message, reply: text.into() }]))
}

/// Blocks the sender of `ticket` for admin `by`.
pub async fn block(by: UserId, ticket: i64, lang: Lang, ctx: &Context) -> Result<String> {
    Ok(match ctx.store.block_ticket_author(ticket, by, ctx.clock.now()).await? {
        Block::Blocked => texts::author_blocked(lang, ticket),
        Block::AlreadyBlocked => texts::author_already_blocked(lang, ticket),
        Block::Anonymous => texts::author_anonymous(lang, ticket),
        Block::Unknown => texts::ticket_unknown(lang, ticket),
    })
}
