//! The flow message at each step: what has been chosen, what the step asks, and its buttons.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use super::{
    buttons::{Action, button},
    request_of,
};
use crate::{
    bot::{Context, Reply, texts},
    domain::{AreaCode, Content, Lang, Media, QuickTime, Step, TopicCatalog},
    error::Result,
    store::Flow,
};

const AREAS_PER_ROW: usize = 3;

/// The flow message for `flow`'s step, with `notice` saying why the last tap changed nothing.
pub async fn show(flow: &Flow, lang: Lang, notice: Option<&str>, ctx: &Context) -> Result<Reply> {
    let mut rows = match flow.step {
        Step::Topic => topic_rows(flow, lang, &ctx.topics),
        Step::Audience => audience_rows(flow, lang, &reach(flow, ctx).await?),
        Step::Options => option_rows(flow, lang, ctx),
        Step::When => time_rows(flow, lang, ctx.clock.now(), ctx.timezone),
        Step::Content | Step::TypedTime => Vec::new(),
        // The preview's own message carries its buttons.
        Step::Preview => return Ok(text_of(flow, lang, notice, ctx).into()),
    };
    rows.push(navigation(flow, lang));
    Ok(Reply::from(text_of(flow, lang, notice, ctx)).with_keyboard(InlineKeyboardMarkup::new(rows)))
}

fn text_of(flow: &Flow, lang: Lang, notice: Option<&str>, ctx: &Context) -> String {
    let chosen = matches!(flow.step, Step::Options | Step::When | Step::TypedTime | Step::Preview);
    let facts = texts::FlowFacts {
        media: &flow.content.media,
        text: &flow.content.text,
        topic: flow.topic.as_deref().and_then(|slug| ctx.topics.get(slug)).map(|topic| topic.name(lang)),
        areas: chosen.then_some(flow.areas.as_slice()),
        options: chosen.then(|| texts::FlowOptions {
            pin: flow.pin,
            urgent: flow.urgent,
            text_apart: text_apart(&flow.content),
            ack: flow.ack.is_some(),
            send_at: flow.send_at.map(|at| texts::local(at, ctx.timezone)),
        }),
    };
    texts::flow_text(lang, &facts, flow.step, notice, ctx.timezone)
}

/// Back, where there is a step to go back to, and Cancel.
fn navigation(flow: &Flow, lang: Lang) -> Vec<InlineKeyboardButton> {
    let back = flow.step.back().map(|_| button(texts::button_back(lang), flow.id, flow.step, Action::Back));
    let cancel = button(texts::button_cancel(lang), flow.id, flow.step, Action::Cancel);
    back.into_iter().chain([cancel]).collect()
}

/// One topic a row: their names are long.
fn topic_rows(flow: &Flow, lang: Lang, topics: &TopicCatalog) -> Vec<Vec<InlineKeyboardButton>> {
    topics
        .all()
        .iter()
        .map(|topic| {
            let label = match flow.topic.as_deref() == Some(topic.slug.as_str()) {
                true => format!("✅ {}", topic.name(lang)),
                false => topic.name(lang).to_owned(),
            };
            vec![button(label, flow.id, flow.step, Action::Topic(topic.slug.clone()))]
        })
        .collect()
}

/// How many chats receive the flow's topic: in the whole ward, and in each area.
struct Reach {
    ward: u64,
    areas: Vec<(AreaCode, u64)>,
}

async fn reach(flow: &Flow, ctx: &Context) -> Result<Reach> {
    let Some(mut ward) = request_of(flow) else { return Ok(Reach { ward: 0, areas: Vec::new() }) };
    ward.areas.clear();
    let mut areas = ctx.store.area_reach(&ward.topic).await?;
    // A chosen area whose chats left meanwhile stays on the list, so it can be toggled off.
    for chosen in &flow.areas {
        if !areas.iter().any(|(area, _)| area == chosen) {
            areas.push((chosen.clone(), 0));
        }
    }
    areas.sort_by_cached_key(|(area, _)| area_order(area));
    Ok(Reach { ward: ctx.store.recipient_count(&ward).await?, areas })
}

/// Numbered areas by their number (5 before 12), then the others by name.
fn area_order(area: &AreaCode) -> (bool, u64, String) {
    let number = area.as_str().parse::<u64>().ok();
    (number.is_none(), number.unwrap_or_default(), area.to_string())
}

fn audience_rows(flow: &Flow, lang: Lang, reach: &Reach) -> Vec<Vec<InlineKeyboardButton>> {
    let ward = button(texts::button_whole_ward(lang, reach.ward), flow.id, flow.step, Action::WholeWard);
    let areas: Vec<_> = reach
        .areas
        .iter()
        .map(|(area, count)| {
            let label = texts::button_area(lang, area, *count, flow.areas.contains(area));
            button(label, flow.id, flow.step, Action::ToggleArea(area.clone()))
        })
        .collect();
    let next = button(texts::button_next(lang), flow.id, flow.step, Action::AreasChosen);
    let mut rows = vec![vec![ward]];
    rows.extend(areas.chunks(AREAS_PER_ROW).map(<[_]>::to_vec));
    rows.push(vec![next]);
    rows
}

fn option_rows(flow: &Flow, lang: Lang, ctx: &Context) -> Vec<Vec<InlineKeyboardButton>> {
    let at = flow.send_at.map(|at| texts::local(at, ctx.timezone));
    let mut rows = vec![
        vec![
            button(texts::button_pin(lang, flow.pin), flow.id, flow.step, Action::TogglePin),
            button(texts::button_urgent(lang, flow.urgent), flow.id, flow.step, Action::ToggleUrgent),
        ],
        vec![button(texts::button_ack(lang, flow.ack.is_some()), flow.id, flow.step, Action::ToggleAck)],
        vec![button(texts::button_when(lang, at.as_deref()), flow.id, flow.step, Action::ChooseTime)],
    ];
    // Offered only when the words are too long for a caption: otherwise one message is better.
    let apart = text_apart(&flow.content);
    if apart || flow.content.could_go_apart(&ctx.topics) {
        let label = texts::button_text_apart(lang, apart);
        rows.push(vec![button(label, flow.id, flow.step, Action::ToggleTextApart)]);
    }
    rows.push(vec![button(texts::button_preview(lang), flow.id, flow.step, Action::Preview)]);
    rows
}

/// Whether media's words go apart, as a text message before it (a location's always do).
fn text_apart(content: &Content) -> bool {
    matches!(content.media, Media::Items { text_apart: true, .. })
}

fn time_rows(flow: &Flow, lang: Lang, now: DateTime<Utc>, zone: Tz) -> Vec<Vec<InlineKeyboardButton>> {
    let quick: Vec<_> = QuickTime::offered(now, zone)
        .into_iter()
        .map(|choice| {
            button(texts::button_quick_time(lang, choice), flow.id, flow.step, Action::QuickTime(choice))
        })
        .collect();
    let mut rows: Vec<_> = quick.chunks(2).map(<[_]>::to_vec).collect();
    rows.push(vec![button(texts::button_type_time(lang), flow.id, flow.step, Action::TypeTime)]);
    rows
}
