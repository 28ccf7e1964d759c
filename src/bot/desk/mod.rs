//! The feedback desk (phản ánh). Residents report a problem in private (`report`); the ticket
//! goes to the ward's desk (`to_desk`), whose officials take it on, close it or answer it
//! (`answers`); residents list their tickets and can erase their personal data (`privacy`).
//! The tapped buttons are in `buttons`; all state is in the database (`store::tickets` and
//! friends), so a restart loses nothing: `watch` sends what a crash left unsent, and reminds
//! the desk of tickets nobody took on.
//!
//! Routing in private: a message of someone writing a report (official or not) goes to the
//! report; an official's other messages compose announcements as before. A reply to one of the
//! desk's copies of a ticket, in the desk group or an admin's private chat, answers it.

mod answers;
mod buttons;
mod privacy;
mod report;
mod to_desk;
mod watch;

use std::sync::Arc;

use teloxide::{
    prelude::*,
    types::{InlineKeyboardMarkup, Me},
};

pub use buttons::is_desk_button;
use buttons::{DeskTap, button};
pub use watch::{catch_up, watch};

use super::{Context, Outgoing, ResidentCommand, one, texts};
use crate::{
    domain::{Lang, Role},
    error::Result,
    store::TicketDraft,
};

/// Lists of tickets are cut at this many lines.
const LISTED: u32 = 30;

/// The button under `/start` in private that opens a report.
pub fn start_keyboard(lang: Lang) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[button(texts::report_button(lang), DeskTap::NewReport)]])
}

/// `/phananh`, `/tickets` and `/xoadulieu`, which work in private only.
pub async fn resident_command(
    message: &Message,
    command: &ResidentCommand,
    lang: Lang,
    ctx: &Arc<Context>,
) -> Result<Vec<Outgoing>> {
    let Some(user) = message.from.as_ref().filter(|_| message.chat.is_private()) else {
        return Ok(one(texts::report_in_private(lang)));
    };
    match command {
        ResidentCommand::Feedback => report::start(user.id, lang, ctx).await,
        ResidentCommand::Tickets => tickets(user.id, lang, ctx).await.map(one),
        _ => Ok(one(privacy::question(lang))),
    }
}

/// `/tickets`: an official's is the ward's open tickets, oldest first; a resident's, their own.
async fn tickets(user: UserId, lang: Lang, ctx: &Context) -> Result<String> {
    Ok(match ctx.store.official_role(user).await? {
        Some(_) => texts::open_tickets(lang, &ctx.store.open_tickets(LISTED).await?, ctx.clock.now()),
        None => texts::resident_tickets(lang, &ctx.store.resident_tickets(user, LISTED).await?, ctx.timezone),
    })
}

/// `/traloi <ticket> <text>`, from an official in private.
pub async fn answer_command(
    official: UserId,
    args: &str,
    lang: Lang,
    ctx: &Arc<Context>,
) -> Result<Vec<Outgoing>> {
    match answers::parse_answer(args) {
        Some((ticket, text)) => {
            answers::answer(ctx, official, ChatId::from(official), ticket, text, lang).await?;
            Ok(Vec::new())
        }
        None => Ok(one(texts::traloi_usage(lang))),
    }
}

/// `/desk block <ticket>`, from an admin in private.
pub async fn desk_command(
    official: UserId,
    role: Role,
    args: &str,
    lang: Lang,
    ctx: &Context,
) -> Result<String> {
    if role != Role::Admin {
        return Ok(texts::admins_only(lang));
    }
    let mut words = args.split_whitespace();
    let (Some("block"), Some(Ok(ticket)), None) = (
        words.next(),
        words.next().map(|ticket| ticket.trim_start_matches('#').parse::<i64>()),
        words.next(),
    ) else {
        return Ok(texts::desk_usage(lang));
    };
    privacy::block(official, ticket, lang, ctx).await
}

/// The ticket a message replies to, if it replies to one of the desk's copies.
#[derive(Debug, Clone, Copy)]
pub struct RepliedCard(i64);

/// Projection for the tree: `Some` when `message` replies to the bot's copy of a ticket.
pub async fn replied_card(message: Message, me: Me, ctx: Arc<Context>) -> Option<RepliedCard> {
    let replied = message.reply_to_message()?;
    replied.from.as_ref().filter(|from| from.id == me.id)?;
    match ctx.store.ticket_of_desk_message(message.chat.id, replied.id).await {
        Ok(ticket) => ticket.map(RepliedCard),
        Err(error) => {
            tracing::warn!(%error, "could not look up a desk message");
            None
        }
    }
}

/// A reply to a ticket's copy: an official's text answers the ticket; anyone else is ignored.
pub async fn reply_to_card(message: Message, card: RepliedCard, ctx: Arc<Context>) -> Result<()> {
    let Some(user) = message.from.as_ref() else { return Ok(()) };
    if ctx.store.official_role(user.id).await?.is_none() {
        return Ok(());
    }
    let chat = message.chat.id;
    let lang = ctx.lang_of(chat).await?;
    match message.text().map(str::trim).filter(|text| !text.is_empty()) {
        Some(text) => answers::answer(&ctx, user.id, chat, card.0, text, lang).await,
        None => {
            ctx.say(chat, lang, texts::answer_text_only(lang));
            Ok(())
        }
    }
}

/// Projection for the tree: the report the sender of a private message is writing, if any.
pub async fn open_report(message: Message, ctx: Arc<Context>) -> Option<TicketDraft> {
    let user = message.from.as_ref()?;
    match ctx.store.ticket_draft(user.id).await {
        Ok(draft) => draft,
        Err(error) => {
            tracing::warn!(%error, "could not read a report in progress");
            None
        }
    }
}

/// A message for the report its sender is writing.
pub async fn report_message(message: Message, draft: TicketDraft, ctx: Arc<Context>) -> Result<()> {
    let chat = message.chat.id;
    let lang = ctx.lang_of(chat).await?;
    let outcome = report::add(&message, draft, lang, &ctx).await;
    ctx.answer(chat, lang, outcome)
}

/// A tap on one of the desk's buttons, answered best-effort (it may be old).
pub async fn tap(bot: Bot, query: CallbackQuery, ctx: Arc<Context>) -> Result<()> {
    let chat = query.message.as_ref().map_or(ChatId::from(query.from.id), |message| message.chat().id);
    let lang = ctx.lang_of(chat).await?;
    let outcome = act(&query, chat, lang, &ctx).await;
    let mut answer = bot.answer_callback_query(query.id.clone());
    answer.text = outcome.as_ref().ok().and_then(|(note, _)| note.clone());
    if let Err(error) = answer.await {
        tracing::info!(%error, "could not answer a desk button");
    }
    ctx.answer(chat, lang, outcome.map(|(_, messages)| messages))
}

async fn act(
    query: &CallbackQuery,
    chat: ChatId,
    lang: Lang,
    ctx: &Arc<Context>,
) -> Result<(Option<String>, Vec<Outgoing>)> {
    let (Some(tap), Some(message)) = (query.data.as_deref().and_then(DeskTap::parse), query.message.as_ref())
    else {
        return Ok((Some(texts::report_over(lang)), Vec::new()));
    };
    match tap {
        DeskTap::Status { ticket, status } => {
            Ok((Some(answers::set_status(ctx, query.from.id, ticket, status, lang).await?), Vec::new()))
        }
        // A report's and the erasure's buttons are in the resident's own private chat.
        _ if chat != ChatId::from(query.from.id) => Ok((None, Vec::new())),
        DeskTap::NewReport => Ok((None, report::start(query.from.id, lang, ctx).await?)),
        DeskTap::Report(tap) => report::tap(&query.from, tap, message.id(), lang, ctx).await,
        DeskTap::Forget(yes) => privacy::answer(query.from.id, yes, message.id(), lang, ctx).await,
    }
}
