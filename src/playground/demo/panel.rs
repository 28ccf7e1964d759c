//! The page's side panel: the last announcement's delivery report, and the demo's clock with its
//! skip to just before the next reminder.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::{Demo, ward};
use crate::{clock::Clock, domain::Lang, error::Result, store::Reminder};

/// How long before a reminder's fire a skip lands: time to open the chat and watch it come.
pub const LEAD: Duration = Duration::seconds(5);

/// The latest broadcast's delivery report, or `null` before the first.
pub async fn report(demo: &Demo) -> Result<Value> {
    let Some(latest) = demo.store.recent_broadcasts(1).await?.pop() else { return Ok(Value::Null) };
    let Some(report) = demo.store.broadcast_report(latest.id).await? else { return Ok(Value::Null) };
    let summary = &report.summary;
    let topic = demo.topics.get(&summary.topic).map_or(summary.topic.as_str(), |topic| topic.name(Lang::Vi));
    let failed: Vec<Value> = report
        .failed
        .iter()
        .map(|failure| json!({ "title": failure.title, "reason": failure.reason }))
        .collect();
    Ok(json!({
        "id": summary.id,
        "topic": topic,
        "at": summary.created_at.timestamp_millis(),
        "recalled": summary.recalled,
        "total": summary.total,
        "delivered": summary.delivered,
        "pending": report.pending,
        "failed": failed,
        "finished": report.finished(),
    }))
}

/// The demo's clock, as its offset from the computer's (the page lets it tick), and the next
/// reminder that will reach one of the ward's chats.
pub async fn clock(demo: &Demo) -> Result<Value> {
    let next = next_reminder(demo).await?.map(|(at, reminder)| {
        let first_line = reminder.body.lines().next().unwrap_or_default().to_owned();
        json!({ "id": reminder.id, "at": at.timestamp_millis(), "text": first_line })
    });
    Ok(json!({ "offset_ms": demo.clock.offset().num_milliseconds(), "next": next }))
}

/// Moves the clock to `LEAD` before the next reminder that reaches one of the ward's chats;
/// answers with the clock as `clock` does.
pub async fn skip_to_next_reminder(demo: &Demo) -> Result<Value> {
    if let Some((at, _)) = next_reminder(demo).await? {
        demo.clock.jump_to(at - LEAD);
    }
    clock(demo).await
}

/// Reminders for areas without a chat in the demo fire too, unseen: skipping to them would show
/// nothing happening.
async fn next_reminder(demo: &Demo) -> Result<Option<(DateTime<Utc>, Reminder)>> {
    let now = demo.clock.now();
    let mut next: Option<(DateTime<Utc>, Reminder)> = None;
    for chat in ward::chats() {
        for reminder in demo.store.reminders_for_chat(chat.id).await? {
            let Some(at) = reminder.next_fire_at.filter(|at| *at > now) else { continue };
            if next.as_ref().is_none_or(|(earliest, _)| at < *earliest) {
                next = Some((at, reminder));
            }
        }
    }
    Ok(next)
}
