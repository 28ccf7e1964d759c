//! `/post` and `/at`, their preview, and confirmation by button or by `/confirm` and `/cancel`.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use teloxide::{
    prelude::*,
    types::{InlineKeyboardButton, InlineKeyboardMarkup},
};

use super::Official;
use crate::{
    bot::{Context, Outgoing, Reply, one, texts},
    delivery::AckButton,
    domain::{Content, Lang, Media, PostRequest, local_to_utc, parse_date, parse_time, render},
    error::Result,
    store::Confirmation,
};

/// An unconfirmed draft is discarded after this long.
pub const DRAFT_LIFETIME: Duration = Duration::minutes(30);
const CONFIRM: &str = "confirm:";
const CANCEL: &str = "cancel:";

/// `/post`: an announcement that goes out once confirmed. Replying to a message, that
/// message (or its whole album) is the content.
pub async fn post(
    official: &Official,
    args: &str,
    replied: Option<&Message>,
    ctx: &Context,
) -> Result<Vec<Outgoing>> {
    match compose(official, args, replied, ctx).await? {
        Ok((request, content)) => preview(official, request, content, None, ctx).await,
        Err(refusal) => Ok(one(refusal)),
    }
}

/// `/at <YYYY-MM-DD> <HH:MM> ...`: an announcement that goes out at a local time.
pub async fn at(
    official: &Official,
    args: &str,
    replied: Option<&Message>,
    ctx: &Context,
) -> Result<Vec<Outgoing>> {
    let lang = official.lang;
    let (date, rest) = first_word(args);
    let (time, rest) = first_word(rest);
    if time.is_empty() {
        return Ok(one(texts::at_usage(lang, texts::date_and_time_missing(lang))));
    }
    let parsed = parse_date(date).and_then(|date| Ok((date, parse_time(time)?)));
    let send_at = parsed.and_then(|(date, time)| Ok((local_to_utc(date, time, ctx.timezone)?, time)));
    let (send_at, time) = match send_at {
        Ok(parsed) => parsed,
        Err(error) => return Ok(one(texts::at_usage(lang, &texts::time_error(lang, &error)))),
    };
    if send_at <= ctx.clock.now() {
        return Ok(one(texts::in_the_past(lang, send_at, ctx.timezone)));
    }
    let (request, content) = match compose(official, rest, replied, ctx).await? {
        Ok(composed) => composed,
        Err(refusal) => return Ok(one(refusal)),
    };
    if let Some(quiet) = ctx.quiet_hours.filter(|quiet| !request.urgent && quiet.contains(time)) {
        return Ok(one(texts::quiet_hours_refusal(lang, time, quiet, false)));
    }
    preview(official, request, content, Some(send_at), ctx).await
}

/// The options typed after the command, and the content: the typed text, or the message the
/// command replies to. `Err`: the reply that says what was wrong; nothing is stored.
async fn compose(
    official: &Official,
    args: &str,
    replied: Option<&Message>,
    ctx: &Context,
) -> Result<std::result::Result<(PostRequest, Content), String>> {
    let replied = by_a_person(replied);
    let parsed = match replied {
        Some(_) => PostRequest::parse_reply(args, &ctx.topics),
        None => PostRequest::parse(args, &ctx.topics),
    };
    let request = match parsed {
        Ok(request) => request,
        Err(error) => return Ok(Err(texts::post_error(official.lang, &error, &ctx.topics))),
    };
    Ok(content_for(official, &request, replied, ctx).await?.map(|content| (request, content)))
}

/// The message a command replies to, unless it is one of the bot's own (a reply to a preview
/// is an ordinary command).
pub(super) fn by_a_person(replied: Option<&Message>) -> Option<&Message> {
    replied.filter(|message| message.from.as_ref().is_some_and(|from| !from.is_bot))
}

/// A command's content: its typed text, or the message it replies to (whose media or location
/// then take a typed text as their words), checked against Telegram's limits.
pub(super) async fn content_for(
    official: &Official,
    request: &PostRequest,
    replied: Option<&Message>,
    ctx: &Context,
) -> Result<std::result::Result<Content, String>> {
    let lang = official.lang;
    let Some(replied) = replied else { return Ok(Ok(Content::text(request.body.clone()))) };
    let content = match replied_content(replied, ctx).await? {
        Ok(content) => content,
        Err(error) => return Ok(Err(texts::content_error(lang, &error))),
    };
    let content = match (request.body.is_empty(), &content.media) {
        (true, _) => content,
        (false, Media::None) => return Ok(Err(texts::two_texts(lang))),
        (false, _) => content.with_text(request.body.clone()),
    }
    .with_text_apart(request.text_apart);
    Ok(content.check(&ctx.topics).map(|()| content).map_err(|error| texts::content_error(lang, &error)))
}

/// What a replied-to message carries: the whole album when it is one item of an album the
/// bot kept, else the message itself.
pub async fn replied_content(
    replied: &Message,
    ctx: &Context,
) -> Result<std::result::Result<Content, crate::domain::ContentError>> {
    let mut parts = ctx.store.inbox_content(replied.chat.id.0, replied.id.0).await?;
    Ok(match parts.len() {
        0 => Content::from_message(replied),
        1 => Ok(parts.remove(0)),
        _ => Content::album(parts),
    })
}

fn first_word(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    text.split_once(char::is_whitespace).unwrap_or((text, ""))
}

/// A saved draft and its two messages, waiting for their buttons.
pub struct Preview {
    pub draft_id: i64,
    /// Exactly what residents will see.
    exact: Outgoing,
    /// The facts: topic, areas, reach, when.
    summary: Reply,
}

impl Preview {
    /// The two messages, the facts with the Send and Cancel buttons, and `more` between them
    /// (a composing flow's Edit).
    pub fn messages(self, lang: Lang, more: Option<InlineKeyboardButton>) -> Vec<Outgoing> {
        let send =
            InlineKeyboardButton::callback(texts::button_send(lang), format!("{CONFIRM}{}", self.draft_id));
        let cancel =
            InlineKeyboardButton::callback(texts::button_cancel(lang), format!("{CANCEL}{}", self.draft_id));
        let row: Vec<_> = [Some(send), more, Some(cancel)].into_iter().flatten().collect();
        vec![self.exact, self.summary.with_keyboard(InlineKeyboardMarkup::new([row])).into()]
    }
}

/// Checks the audience, saves the draft and answers with the preview's two messages.
async fn preview(
    official: &Official,
    request: PostRequest,
    content: Content,
    send_at: Option<DateTime<Utc>>,
    ctx: &Context,
) -> Result<Vec<Outgoing>> {
    Ok(match prepare_preview(official, request, content, send_at, ctx).await? {
        Ok(preview) => preview.messages(official.lang, None),
        Err(refusal) => one(refusal),
    })
}

/// Checks the audience and saves the draft; `Err`: the reply that says why not, with nothing
/// saved.
pub async fn prepare_preview(
    official: &Official,
    request: PostRequest,
    content: Content,
    send_at: Option<DateTime<Utc>>,
    ctx: &Context,
) -> Result<std::result::Result<Preview, String>> {
    let lang = official.lang;
    let known = ctx.store.known_areas().await?;
    let unknown: Vec<_> = request.areas.iter().filter(|area| !known.contains(area)).cloned().collect();
    if !unknown.is_empty() {
        return Ok(Err(texts::unknown_areas(lang, &unknown, &known)));
    }
    let recipients = match ctx.store.recipient_count(&request).await? {
        0 => return Ok(Err(texts::no_recipients(lang))),
        recipients => recipients,
    };
    let now = ctx.clock.now();
    let quiet_until = if request.urgent { None } else { quiet_until(ctx, now) };
    let sends = match (send_at, quiet_until) {
        (Some(at), _) => Some(texts::sends_at(lang, at, ctx.timezone, false)),
        (None, Some(until)) => Some(texts::sends_at(lang, until, ctx.timezone, true)),
        (None, None) => None,
    };
    let not_before = send_at.unwrap_or(now);
    let draft = ctx
        .store
        .save_draft(official.user, &request, &content, not_before, now + DRAFT_LIFETIME, now)
        .await?;

    let topic = ctx.topics.get(&request.topic).expect("parse checked the topic");
    // Residents read the announcement in the ward's default language unless their chat chose.
    // The button of a preview belongs to no broadcast: a tap on it is answered as such.
    let exact = Outgoing::Announcement {
        rendered: render(topic, ctx.default_lang, &content.text, &content.entities),
        media: content.media.clone(),
        button: request.ack.map(|_| AckButton::new(0, 0, ctx.default_lang)),
    };
    let facts = texts::PreviewFacts {
        kind: texts::content_kind(lang, &content.media),
        topic: topic.name(lang),
        areas: &request.areas,
        recipients,
        pin: request.pin,
        urgent: request.urgent,
        expires_at: draft.expires_at,
        sends,
    };
    let summary = Reply::html(texts::preview_summary(lang, &facts, ctx.timezone));
    Ok(Ok(Preview { draft_id: draft.id, exact, summary }))
}

/// When quiet hours end, if they are on at `now`.
fn quiet_until(ctx: &Context, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    ctx.quiet_hours.and_then(|quiet| quiet.ends_after(now, ctx.timezone))
}

/// Confirms the official's draft (`draft_id` from a button must still be the current one).
pub async fn confirm(official: &Official, draft_id: Option<i64>, ctx: &Context) -> Result<String> {
    let lang = official.lang;
    let now = ctx.clock.now();
    Ok(match ctx.store.confirm_draft(official.user, draft_id, quiet_until(ctx, now), now).await? {
        Confirmation::Created { broadcast_id, recipients, not_before } => {
            ctx.outbox.notify();
            let later = (not_before > now).then(|| texts::local(not_before, ctx.timezone));
            texts::confirmed(lang, broadcast_id, recipients, later)
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

/// A tap on a preview's Send or Cancel button. What it does is committed before any reply is
/// queued, and the reply is retried if Telegram refuses it for a while: confirming never
/// depends on a message getting through.
pub async fn button(bot: Bot, query: CallbackQuery, ctx: Arc<Context>) -> Result<()> {
    // Stops the button's spinner. Best effort: a query older than Telegram keeps (a tap made
    // while Loa was down) can no longer be answered, and the tap still acts.
    if let Err(error) = bot.answer_callback_query(query.id.clone()).await {
        tracing::info!(%error, "could not answer a button tap");
    }
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
        ctx.say(chat, lang, texts::officials_only(lang));
        return Ok(());
    };
    let official = Official { user: query.from.id, role, lang };
    let outcome = if confirming {
        confirm(&official, Some(draft_id), &ctx).await
    } else {
        cancel(&official, Some(draft_id), &ctx).await
    };
    let mut messages = Vec::new();
    // A preview lives in its author's private chat; the buttons have done their job there.
    // Anyone else's tap leaves them.
    if let Some(preview) = query.message.as_ref().filter(|preview| preview.chat().id == chat) {
        messages.push(Outgoing::RemoveButtons { message_id: preview.id() });
    }
    ctx.answer(chat, lang, outcome.map(|text| [messages, one(text)].concat()))
}
