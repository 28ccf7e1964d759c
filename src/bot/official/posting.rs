//! `/post`, its preview, and its confirmation by button or by `/confirm` and `/cancel`.

use std::sync::Arc;

use chrono::Duration;
use teloxide::{
    prelude::*,
    types::{InlineKeyboardButton, InlineKeyboardMarkup, ParseMode},
};

use super::Official;
use crate::{
    bot::{Context, reply_or_apologise, texts},
    domain::{PostRequest, render},
    error::Result,
    store::Confirmation,
};

/// An unconfirmed draft is discarded after this long.
const DRAFT_LIFETIME: Duration = Duration::minutes(30);

/// Validates the post and answers with two messages: exactly what residents will see, then
/// the facts (topic, areas, reach) with the Send and Cancel buttons. Nothing is sent yet.
pub async fn post(bot: &Bot, chat: ChatId, official: &Official, args: &str, ctx: &Context) -> Result<()> {
    let lang = official.lang;
    let outcome = async {
        let request = match PostRequest::parse(args, &ctx.topics) {
            Ok(request) => request,
            Err(error) => return Ok(Err(texts::post_error(lang, &error, &ctx.topics))),
        };
        let known = ctx.store.known_areas().await?;
        let unknown: Vec<_> = request.areas.iter().filter(|area| !known.contains(area)).cloned().collect();
        if !unknown.is_empty() {
            return Ok(Err(texts::unknown_areas(lang, &unknown, &known)));
        }
        let recipients = ctx.store.recipient_count(&request).await?;
        if recipients == 0 {
            return Ok(Err(texts::no_recipients(lang)));
        }
        let now = ctx.clock.now();
        let draft = ctx.store.save_draft(official.user, &request, now, now + DRAFT_LIFETIME, now).await?;
        Ok(Ok((draft, recipients)))
    }
    .await;
    let (draft, recipients) = match outcome {
        Ok(Ok(saved)) => saved,
        Ok(Err(refusal)) => return reply_or_apologise(bot, chat, lang, Ok(refusal)).await,
        Err(error) => return reply_or_apologise(bot, chat, lang, Err(error)).await,
    };

    let topic = ctx.topics.get(&draft.request.topic).expect("parse checked the topic");
    // Residents read the announcement in the ward's default language unless their chat chose.
    let exact = render(topic, ctx.default_lang, &draft.request.body);
    bot.send_message(chat, exact).parse_mode(ParseMode::Html).await?;
    let facts = texts::PreviewFacts {
        topic: topic.name(lang),
        areas: &draft.request.areas,
        recipients,
        pin: draft.request.pin,
        urgent: draft.request.urgent,
        expires_at: draft.expires_at,
    };
    let buttons = InlineKeyboardMarkup::new([[
        InlineKeyboardButton::callback(texts::button_send(lang), format!("{CONFIRM}{}", draft.id)),
        InlineKeyboardButton::callback(texts::button_cancel(lang), format!("{CANCEL}{}", draft.id)),
    ]]);
    bot.send_message(chat, texts::preview_summary(lang, &facts, ctx.timezone))
        .parse_mode(ParseMode::Html)
        .reply_markup(buttons)
        .await?;
    Ok(())
}

const CONFIRM: &str = "confirm:";
const CANCEL: &str = "cancel:";

/// Confirms the official's draft (`draft_id` from a button must still be the current one).
pub async fn confirm(official: &Official, draft_id: Option<i64>, ctx: &Context) -> Result<String> {
    let lang = official.lang;
    Ok(match ctx.store.confirm_draft(official.user, draft_id, ctx.clock.now()).await? {
        Confirmation::Created { broadcast_id, recipients } => {
            ctx.outbox.notify();
            texts::confirmed(lang, broadcast_id, recipients)
        }
        Confirmation::NoDraft => texts::no_draft(lang),
        Confirmation::Expired => texts::draft_expired(lang),
        Confirmation::Replaced => texts::draft_replaced(lang),
    })
}

pub async fn cancel(official: &Official, draft_id: Option<i64>, ctx: &Context) -> Result<String> {
    let cancelled = ctx.store.cancel_draft(official.user, draft_id, ctx.clock.now()).await?;
    Ok(if cancelled { texts::draft_cancelled(official.lang) } else { texts::no_draft(official.lang) })
}

/// A tap on a preview's Send or Cancel button.
pub async fn button(bot: Bot, query: CallbackQuery, ctx: Arc<Context>) -> Result<()> {
    // Stops the button's spinner whatever happens next.
    bot.answer_callback_query(query.id.clone()).await?;
    let data = query.data.as_deref().unwrap_or_default();
    let (confirming, draft_id) = if let Some(id) = data.strip_prefix(CONFIRM) {
        (true, id.parse::<i64>().ok())
    } else if let Some(id) = data.strip_prefix(CANCEL) {
        (false, id.parse::<i64>().ok())
    } else {
        (false, None)
    };
    let Some(draft_id) = draft_id else { return Ok(()) };
    let chat = ChatId::from(query.from.id);
    let lang = ctx.lang_of(chat).await?;
    let Some(role) = ctx.store.official_role(query.from.id).await? else {
        bot.send_message(chat, texts::officials_only(lang)).await?;
        return Ok(());
    };
    if let Some(preview) = &query.message {
        // The buttons have done their job; a failure to remove them is harmless.
        let _ = bot.edit_message_reply_markup(preview.chat().id, preview.id()).await;
    }
    let official = Official { user: query.from.id, role, lang };
    let outcome = if confirming {
        confirm(&official, Some(draft_id), &ctx).await
    } else {
        cancel(&official, Some(draft_id), &ctx).await
    };
    reply_or_apologise(&bot, chat, lang, outcome).await
}
