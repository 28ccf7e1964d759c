//! What each button does to a flow. The caller has checked that the flow is open, that the tap
//! is its author's and that the button belongs to the flow's step; it saves the flow after.
//! A tap that cannot be done changes nothing and says why in the flow message.

use chrono::{DateTime, Utc};

use super::{
    super::{Official, posting},
    buttons::{Action, button},
    request_of,
};
use crate::{
    bot::{Context, Outgoing, texts},
    domain::{AckRequest, AreaCode, Lang, QuickTime, SendTimeError, Step},
    error::Result,
    store::Flow,
};

/// What a tap did.
pub enum Outcome {
    /// Show the flow's step, the same or a new one; `notice`: why the tap changed nothing.
    Show { notice: Option<String> },
    /// The preview's messages, to send below the flow message.
    Previewed(Vec<Outgoing>),
    /// The flow is over; it was not sent.
    Cancelled,
}

pub async fn apply(official: &Official, flow: &mut Flow, action: Action, ctx: &Context) -> Result<Outcome> {
    let lang = official.lang;
    let notice = match action {
        Action::Cancel => {
            ctx.store.cancel_flow(flow.id, ctx.clock.now()).await?;
            return Ok(Outcome::Cancelled);
        }
        Action::Preview => return preview(official, flow, ctx).await,
        Action::Back => back(flow, ctx).await?,
        Action::Topic(slug) => {
            // A topic is offered only from the catalog; anything else changes nothing.
            if ctx.topics.get(&slug).is_some() {
                flow.topic = Some(slug);
                flow.step = Step::Audience;
            }
            None
        }
        Action::WholeWard => whole_ward(flow, lang, ctx).await?,
        Action::ToggleArea(area) => {
            toggle(&mut flow.areas, area);
            None
        }
        Action::AreasChosen => areas_chosen(flow, lang, ctx).await?,
        Action::TogglePin => {
            flow.pin = !flow.pin;
            None
        }
        Action::ToggleUrgent => {
            flow.urgent = !flow.urgent;
            // Urgent announcements ask for taps unless the official says otherwise after.
            if flow.urgent {
                flow.ack.get_or_insert_default();
            }
            None
        }
        Action::ToggleAck => {
            flow.ack = match flow.ack {
                Some(_) => None,
                None => Some(AckRequest::default()),
            };
            None
        }
        Action::ToggleTextApart => {
            let apart = !flow.content.media.text_first();
            flow.content = flow.content.clone().with_text_apart(apart);
            None
        }
        Action::ChooseTime => {
            flow.step = Step::When;
            None
        }
        Action::QuickTime(choice) => quick_time(flow, choice, lang, ctx),
        Action::TypeTime => {
            flow.step = Step::TypedTime;
            None
        }
    };
    Ok(Outcome::Show { notice })
}

/// One step back. From the preview («Sửa»), its draft is withdrawn first, so that it cannot be
/// sent while it is being changed.
async fn back(flow: &mut Flow, ctx: &Context) -> Result<Option<String>> {
    if flow.step == Step::Preview {
        ctx.store.withdraw_preview(flow, ctx.clock.now()).await?;
        flow.draft_id = None;
    }
    flow.step = flow.step.back().unwrap_or(flow.step);
    Ok(None)
}

fn toggle(areas: &mut Vec<AreaCode>, area: AreaCode) {
    match areas.iter().position(|chosen| *chosen == area) {
        Some(at) => {
            areas.remove(at);
        }
        None => {
            areas.push(area);
            areas.sort();
        }
    }
}

async fn whole_ward(flow: &mut Flow, lang: Lang, ctx: &Context) -> Result<Option<String>> {
    let Some(mut request) = request_of(flow) else { return Ok(None) };
    request.areas.clear();
    if ctx.store.recipient_count(&request).await? == 0 {
        return Ok(Some(texts::nobody_to_reach(lang, false)));
    }
    flow.areas.clear();
    flow.step = Step::Options;
    Ok(None)
}

async fn areas_chosen(flow: &mut Flow, lang: Lang, ctx: &Context) -> Result<Option<String>> {
    let Some(request) = request_of(flow) else { return Ok(None) };
    if request.areas.is_empty() {
        return Ok(Some(texts::choose_audience(lang)));
    }
    if ctx.store.recipient_count(&request).await? == 0 {
        return Ok(Some(texts::nobody_to_reach(lang, true)));
    }
    flow.step = Step::Options;
    Ok(None)
}

fn quick_time(flow: &mut Flow, choice: QuickTime, lang: Lang, ctx: &Context) -> Option<String> {
    let send_at = match choice.send_at(ctx.clock.now(), ctx.timezone) {
        Ok(send_at) => send_at,
        Err(SendTimeError::Past(at)) => return Some(texts::time_passed(lang, at, ctx.timezone)),
        Err(SendTimeError::Unreadable(error)) => return Some(texts::time_error(lang, &error)),
    };
    if let Some(refusal) = quiet_refusal(send_at, flow.urgent, lang, ctx) {
        return Some(refusal);
    }
    flow.send_at = send_at;
    flow.step = Step::Options;
    None
}

/// Why a non-urgent announcement cannot go out at `send_at`: it falls in quiet hours, as
/// `/at` refuses it.
pub fn quiet_refusal(
    send_at: Option<DateTime<Utc>>,
    urgent: bool,
    lang: Lang,
    ctx: &Context,
) -> Option<String> {
    let (at, quiet) = (send_at?, ctx.quiet_hours?);
    let time = at.with_timezone(&ctx.timezone).time();
    (!urgent && quiet.contains(time)).then(|| texts::flow_quiet_hours(lang, time, quiet))
}

/// The same draft and preview as `/post`, with «Sửa» between Send and Cancel. The send time
/// and quiet hours are checked again: time passed, and urgency may have been turned off.
async fn preview(official: &Official, flow: &mut Flow, ctx: &Context) -> Result<Outcome> {
    let lang = official.lang;
    let refused = |notice| Ok(Outcome::Show { notice: Some(notice) });
    if let Some(at) = flow.send_at.filter(|at| *at <= ctx.clock.now()) {
        return refused(texts::time_passed(lang, at, ctx.timezone));
    }
    if let Some(refusal) = quiet_refusal(flow.send_at, flow.urgent, lang, ctx) {
        return refused(refusal);
    }
    // Words too long for a caption are refused here, until they go apart or the flow is cancelled.
    if let Err(error) = flow.content.check(&ctx.topics) {
        return refused(texts::content_error(lang, &error));
    }
    let Some(request) = request_of(flow) else { return Ok(Outcome::Show { notice: None }) };
    match posting::prepare_preview(official, request, flow.content.clone(), flow.send_at, ctx).await? {
        Err(refusal) => refused(refusal),
        Ok(preview) => {
            flow.step = Step::Preview;
            flow.draft_id = Some(preview.draft_id);
            let edit = button(texts::button_edit(lang), flow.id, Step::Preview, Action::Back);
            Ok(Outcome::Previewed(preview.messages(lang, Some(edit))))
        }
    }
}
