//! Resident commands: what a chat receives and where it belongs.

use std::sync::Arc;

use teloxide::prelude::*;

use super::{
    Context, Reply, ResidentCommand, chat_info, desk, official, one,
    pages::{self, Listing},
    permissions::may_change_settings,
    texts, toggles,
};
use crate::{
    domain::{AreaArg, Lang, UnknownTopics},
    error::Result,
    scheduler::schedule_of,
    store::ChatSettings,
};

pub async fn handle(bot: Bot, message: Message, command: ResidentCommand, ctx: Arc<Context>) -> Result<()> {
    let chat = message.chat.id;
    let settings = match ctx.store.touch_chat(&chat_info(&message.chat), ctx.clock.now()).await {
        Ok(settings) => settings,
        Err(error) => return ctx.answer(chat, ctx.default_lang, Err(error)),
    };
    let lang = settings.lang.unwrap_or(ctx.default_lang);
    let outcome = match command {
        ResidentCommand::Feedback | ResidentCommand::Tickets | ResidentCommand::Forgetme => {
            desk::resident_command(&message, &command, lang, &ctx).await
        }
        command => answer(&bot, &message, command, &ctx, &settings, lang).await.map(one),
    };
    ctx.answer(chat, lang, outcome)
}

/// A command that names no command of this bot.
pub async fn unknown_command(message: Message, ctx: Arc<Context>) -> Result<()> {
    let lang = ctx.lang_of(message.chat.id).await?;
    ctx.say(message.chat.id, lang, texts::unknown_command(lang));
    Ok(())
}

/// What `/upcoming` lists for a chat.
pub async fn upcoming_text(ctx: &Context, chat: i64, lang: Lang) -> Result<String> {
    Ok(texts::upcoming(lang, &upcoming(ctx, chat).await?, &ctx.topics, ctx.timezone))
}

/// `/start`: the greeting, in private with the button that opens a report; with a code,
/// opened from an invitation link in private, the invitation is redeemed instead.
async fn start(message: &Message, code: &str, ctx: &Context, lang: Lang) -> Result<Reply> {
    let in_group = !message.chat.is_private();
    match &message.from {
        Some(user) if !in_group && !code.is_empty() => {
            official::redeem_invite(user, code, lang, ctx).await.map(Into::into)
        }
        _ if in_group => Ok(texts::start(lang, true, ctx.ward_name.as_deref()).into()),
        _ => Ok(Reply::from(texts::start(lang, false, ctx.ward_name.as_deref()))
            .with_keyboard(desk::start_keyboard(lang))),
    }
}

async fn answer(
    bot: &Bot,
    message: &Message,
    command: ResidentCommand,
    ctx: &Context,
    settings: &ChatSettings,
    lang: Lang,
) -> Result<Reply> {
    let chat = message.chat.id.0;
    let in_group = !message.chat.is_private();
    let changes_settings = match &command {
        ResidentCommand::Subscribe(_) | ResidentCommand::Unsubscribe(_) => true,
        ResidentCommand::Area(args) | ResidentCommand::Lang(args) => !args.trim().is_empty(),
        _ => false,
    };
    if changes_settings && !may_change_settings(bot, message, ctx).await? {
        return Ok(texts::group_admins_only(lang).into());
    }

    match command {
        ResidentCommand::Start(code) => start(message, code.trim(), ctx, lang).await,
        ResidentCommand::Help => {
            let official = match (&message.from, in_group) {
                (Some(user), false) => ctx.store.official_role(user.id).await?,
                _ => None,
            };
            Ok(texts::help(lang, official, &ctx.topics).into())
        }
        ResidentCommand::Topics => {
            let subscribed = ctx.store.subscriptions(chat).await?;
            Ok(toggles::topics_menu(lang, &ctx.topics, &subscribed))
        }
        ResidentCommand::Subscribe(args) => change_subscriptions(ctx, chat, &args, true, lang).await,
        ResidentCommand::Unsubscribe(args) => change_subscriptions(ctx, chat, &args, false, lang).await,
        ResidentCommand::Area(args) => area(ctx, chat, &args, settings, lang).await,
        // It can be long: it comes in pages.
        ResidentCommand::Upcoming => {
            Ok(pages::page(Listing::Upcoming, &upcoming_text(ctx, chat, lang).await?, false, 0))
        }
        ResidentCommand::Latest => {
            let latest = ctx.store.latest_for_chat(chat, LATEST).await?;
            let items: Vec<_> = latest
                .into_iter()
                .map(|a| texts::Delivered { at: a.at, topic: a.topic, body: a.body, media: a.media })
                .collect();
            Ok(texts::latest(lang, &items, &ctx.topics, ctx.timezone).into())
        }
        ResidentCommand::Lang(args) => match Lang::parse(&args) {
            Some(new_lang) => {
                ctx.store.set_lang(chat, new_lang).await?;
                Ok(texts::lang_set(new_lang).into())
            }
            None => Ok(texts::lang_usage(lang, &args).into()),
        },
        // The desk's commands are answered by `desk` before this is called.
        ResidentCommand::Feedback | ResidentCommand::Tickets | ResidentCommand::Forgetme => {
            Ok(texts::unknown_command(lang).into())
        }
    }
}

/// `/subscribe` (`on`) or `/unsubscribe` with the topics typed in `args`.
async fn change_subscriptions(ctx: &Context, chat: i64, args: &str, on: bool, lang: Lang) -> Result<Reply> {
    let selection = match ctx.topics.parse_selection(args) {
        Ok(selection) => selection,
        Err(UnknownTopics(unknown)) => return Ok(texts::unknown_topics(lang, &ctx.topics, &unknown).into()),
    };
    let after = if on {
        ctx.store.subscribe(chat, &selection, ctx.clock.now()).await?
    } else {
        ctx.store.unsubscribe(chat, &selection).await?
    };
    Ok(texts::subscriptions(lang, &ctx.topics, &after).into())
}

/// `/area`: without a code it shows the chat's area, with the known areas as buttons.
async fn area(ctx: &Context, chat: i64, args: &str, settings: &ChatSettings, lang: Lang) -> Result<Reply> {
    match AreaArg::parse(args) {
        Ok(AreaArg::Show) => {
            let known = ctx.store.known_areas().await?;
            Ok(toggles::area_menu(lang, settings.area.as_ref(), &known))
        }
        Ok(AreaArg::Clear) => {
            ctx.store.set_area(chat, None).await?;
            Ok(texts::area_cleared(lang).into())
        }
        Ok(AreaArg::Set(area)) => {
            ctx.store.set_area(chat, Some(&area)).await?;
            Ok(texts::area_set(lang, &area).into())
        }
        Err(error) => Ok(texts::area_invalid(lang, &error).into()),
    }
}

/// How many announcements `/latest` shows, and how far ahead and how many lines `/upcoming` does.
const LATEST: u32 = 5;
const UPCOMING_DAYS: i64 = 7;
const UPCOMING_LINES: usize = 20;

/// What will reach the chat in the coming week: fires of the reminders for its topics and area,
/// and announcements confirmed for a later time. Soonest first.
async fn upcoming(ctx: &Context, chat: i64) -> Result<Vec<texts::Upcoming>> {
    let now = ctx.clock.now();
    let until = now + chrono::Duration::days(UPCOMING_DAYS);
    let mut items = Vec::new();
    for reminder in ctx.store.reminders_for_chat(chat).await? {
        let Ok(schedule) = schedule_of(&reminder) else { continue };
        // Each reminder contributes its own soonest fires; only after sorting them all together
        // is the list cut, so a reminder read late cannot hide earlier fires of another.
        let fires =
            std::iter::successors(reminder.next_fire_at, |at| schedule.next_fire_after(*at, ctx.timezone))
                .take_while(|at| *at <= until)
                .take(UPCOMING_LINES);
        for at in fires {
            items.push(texts::Upcoming {
                at,
                topic: reminder.topic.clone(),
                body: reminder.body.clone(),
                media: reminder.media.clone(),
            });
        }
    }
    for later in ctx.store.scheduled_for_chat(chat, now, until).await? {
        items.push(texts::Upcoming {
            at: later.at,
            topic: later.topic,
            body: later.body,
            media: later.media,
        });
    }
    items.sort_by_key(|item| item.at);
    items.truncate(UPCOMING_LINES);
    Ok(items)
}
