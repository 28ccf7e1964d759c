//! Composing an announcement by tapping. Whatever an official sends the bot in private (or the
//! message after `/post` alone) starts a flow: one message of buttons, edited in place, that
//! asks for the topic, the audience and the options, then shows the same preview as `/post`.
//!
//! The flow's state is a row of `flows`, so a restart in the middle keeps it and its buttons
//! keep working. Every button names its flow and the step it was shown at: a button of a flow
//! that is over (sent, cancelled, replaced, expired), of a step already left, or tapped by
//! anyone but the flow's author answers so and changes nothing.

mod buttons;
mod steps;
mod view;

use std::sync::Arc;

use chrono::Duration;
use teloxide::{
    prelude::*,
    types::{Message, MessageId},
};

use buttons::Tap;
pub use buttons::is_flow_button;
use steps::Outcome;

use super::{
    Official,
    posting::{self, DRAFT_LIFETIME},
};
use crate::{
    bot::{Context, Outgoing, Reply, one, texts},
    domain::{Content, ContentError, FlowStatus, Lang, PostRequest, Step, parse_send_time},
    error::Result,
    store::Flow,
};

/// A flow left alone this long expires, as a draft does; every tap starts the time again.
const FLOW_LIFETIME: Duration = DRAFT_LIFETIME;

/// Starts the flow for `content`, replacing any open one, or fills the flow that `/post` alone
/// opened. Content Telegram would refuse gets the reason instead, and no flow; a caption too
/// long for Telegram starts it with the reason, since its words can still go apart («✂️»).
pub async fn start(official: &Official, content: Content, ctx: &Context) -> Result<Vec<Outgoing>> {
    let notice = match content.check(&ctx.topics) {
        Ok(()) => None,
        Err(ContentError::TooLong { length, max, .. }) if content.could_go_apart(&ctx.topics) => {
            Some(texts::caption_too_long_in_flow(official.lang, length, max))
        }
        Err(error) => return Ok(one(texts::content_error(official.lang, &error))),
    };
    let now = ctx.clock.now();
    let expires_at = now + FLOW_LIFETIME;
    let waiting = ctx.store.open_flow(official.user, now).await?.filter(|flow| flow.step == Step::Content);
    let flow = match waiting {
        Some(mut flow) => {
            flow.content = content;
            flow.step = Step::Topic;
            flow.expires_at = expires_at;
            match ctx.store.save_flow(&flow, now).await? {
                true => flow,
                false => {
                    ctx.store.start_flow(official.user, Step::Topic, &flow.content, expires_at, now).await?
                }
            }
        }
        None => ctx.store.start_flow(official.user, Step::Topic, &content, expires_at, now).await?,
    };
    Ok(one(view::show(&flow, official.lang, notice.as_deref(), ctx).await?))
}

/// `/post` alone. Replying to a message, that message is the content; otherwise Loa asks for
/// it, and the official's next message is.
pub async fn post_alone(
    official: &Official,
    replied: Option<&Message>,
    ctx: &Context,
) -> Result<Vec<Outgoing>> {
    // A reply to one of the bot's own messages is no content.
    match replied.filter(|message| message.from.as_ref().is_some_and(|from| !from.is_bot)) {
        Some(replied) => match posting::replied_content(replied, ctx).await? {
            Ok(content) => start(official, content, ctx).await,
            Err(error) => Ok(one(texts::content_error(official.lang, &error))),
        },
        None => {
            let now = ctx.clock.now();
            let flow = ctx
                .store
                .start_flow(official.user, Step::Content, &Content::text(""), now + FLOW_LIFETIME, now)
                .await?;
            Ok(one(view::show(&flow, official.lang, None, ctx).await?))
        }
    }
}

/// A text while the official's flow waits for a typed send time: the answer, not new content.
/// `None` when no flow waits. A time that cannot be used gets the reason, and Loa keeps waiting.
pub async fn typed_time(official: &Official, text: &str, ctx: &Context) -> Result<Option<Vec<Outgoing>>> {
    let now = ctx.clock.now();
    let waiting = ctx.store.open_flow(official.user, now).await?.filter(|flow| flow.step == Step::TypedTime);
    let Some(mut flow) = waiting else { return Ok(None) };
    let lang = official.lang;
    let problem = match parse_send_time(text, now, ctx.timezone) {
        Err(error) => Some(texts::send_time_error(lang, &error, ctx.timezone)),
        Ok(at) => steps::quiet_refusal(Some(at), flow.urgent, lang, ctx).or_else(|| {
            flow.send_at = Some(at);
            None
        }),
    };
    if let Some(problem) = problem {
        return Ok(Some(one(texts::send_time_refused(lang, &problem, ctx.timezone))));
    }
    flow.step = Step::Options;
    flow.expires_at = now + FLOW_LIFETIME;
    if !ctx.store.save_flow(&flow, now).await? {
        return Ok(Some(one(texts::flow_over(lang, FlowStatus::Expired))));
    }
    let reply = view::show(&flow, lang, None, ctx).await?;
    // The flow message is the one last tapped («Nhập giờ»), so it is known.
    Ok(Some(vec![match flow.message_id {
        Some(message_id) => Outgoing::Edit { message_id, reply },
        None => reply.into(),
    }]))
}

/// A tap on a flow's button. It is answered (best effort: a tap made while Loa was down can no
/// longer be) with a short note when it cannot act; what it did is saved before the flow
/// message changes.
pub async fn tap(bot: Bot, query: CallbackQuery, ctx: Arc<Context>) -> Result<()> {
    let chat = ChatId::from(query.from.id);
    let lang = ctx.lang_of(chat).await?;
    let outcome = act(&query, lang, &ctx).await;
    let mut answer = bot.answer_callback_query(query.id.clone());
    answer.text = outcome.as_ref().ok().and_then(|acted| acted.note.clone());
    if let Err(error) = answer.await {
        tracing::info!(%error, "could not answer a button tap");
    }
    ctx.answer(chat, lang, outcome.map(|acted| acted.messages))
}

/// What a tap did: a note for the tapper, or messages for the flow's chat.
struct Acted {
    note: Option<String>,
    messages: Vec<Outgoing>,
}

impl Acted {
    fn refused(note: String) -> Result<Acted> {
        Ok(Acted { note: Some(note), messages: Vec::new() })
    }
}

/// Checks that the tap may act on its flow, then acts.
async fn act(query: &CallbackQuery, lang: Lang, ctx: &Context) -> Result<Acted> {
    let gone = || Acted::refused(texts::flow_over(lang, FlowStatus::Expired));
    let (Some(tap), Some(message)) = (query.data.as_deref().and_then(Tap::parse), query.message.as_ref())
    else {
        return gone();
    };
    let now = ctx.clock.now();
    let Some(mut flow) = ctx.store.flow(tap.flow, now).await? else { return gone() };
    if flow.official != query.from.id {
        return Acted::refused(texts::flow_not_yours(lang));
    }
    let Some(role) = ctx.store.official_role(query.from.id).await? else {
        return Acted::refused(texts::officials_only(lang));
    };
    if flow.status != FlowStatus::Open {
        return Acted::refused(texts::flow_over(lang, flow.status));
    }
    if tap.step != flow.step || !tap.action.shown_at(flow.step) {
        return Acted::refused(texts::flow_step_passed(lang));
    }
    let official = Official { user: query.from.id, role, lang };
    flow.message_id = Some(message.id());
    let outcome = steps::apply(&official, &mut flow, tap.action, ctx).await?;
    show(&mut flow, outcome, message.id(), lang, ctx).await
}

/// Saves what a tap did and shows it in the tapped message (and the preview below it).
async fn show(
    flow: &mut Flow,
    outcome: Outcome,
    message_id: MessageId,
    lang: Lang,
    ctx: &Context,
) -> Result<Acted> {
    let (notice, below) = match outcome {
        Outcome::Cancelled => {
            let reply = Reply::from(texts::flow_cancelled(lang));
            return Ok(Acted { note: None, messages: vec![Outgoing::Edit { message_id, reply }] });
        }
        Outcome::Show { notice } => (notice, Vec::new()),
        Outcome::Previewed(messages) => (None, messages),
    };
    let now = ctx.clock.now();
    flow.expires_at = now + FLOW_LIFETIME;
    if !ctx.store.save_flow(flow, now).await? {
        // Closed between reading and saving: by a confirmation in another update, say.
        return Acted::refused(texts::flow_over(lang, FlowStatus::Expired));
    }
    let reply = view::show(flow, lang, notice.as_deref(), ctx).await?;
    let mut messages = vec![Outgoing::Edit { message_id, reply }];
    messages.extend(below);
    Ok(Acted { note: None, messages })
}

/// The flow's choices as a `/post` would carry them; `None` before a topic is chosen.
fn request_of(flow: &Flow) -> Option<PostRequest> {
    Some(PostRequest {
        topic: flow.topic.clone()?,
        areas: flow.areas.clone(),
        pin: flow.pin,
        urgent: flow.urgent,
        // The flow sets it on its content, with the ✂️ button.
        text_apart: false,
        ack: flow.ack,
        body: String::new(),
    })
}
