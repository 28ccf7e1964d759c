//! `/remind`, `/reminders`, `/pause`, `/resume`, `/cancel <id>` and `/skip`.

use chrono::{DateTime, Utc};
use teloxide::types::Message;

use super::{Official, posting};
use crate::{
    bot::{Context, texts},
    domain::{Lang, PostRequest, ReminderRefusal, Schedule, plan_reminder, split_when},
    error::Result,
    scheduler::schedule_of,
    store::{NewReminder, ReminderStatus},
};

/// How many future fires the confirmation of a new reminder shows.
const SHOWN_FIRES: usize = 3;

/// `/remind <when> <topic> [options] <text>`, or replying to the content.
pub async fn remind(
    official: &Official,
    args: &str,
    replied: Option<&Message>,
    ctx: &Context,
) -> Result<String> {
    let planned = match plan(official, args, replied, ctx).await? {
        Ok(planned) => planned,
        Err(refusal) => return Ok(refusal),
    };
    let id = ctx.store.create_reminder(&planned.new, official.user, ctx.clock.now()).await?;
    ctx.schedule.changed();
    Ok(planned.described(official, id, ctx, texts::ReminderSaved::Created))
}

/// `/editremind <id> <when> <topic> [options] <text>`: the reminder gets the new schedule,
/// audience and content, and keeps its id, skipped days and history.
pub async fn redefine(
    official: &Official,
    args: &str,
    replied: Option<&Message>,
    ctx: &Context,
) -> Result<String> {
    let lang = official.lang;
    let args = args.trim_start();
    let (id, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    let Ok(id) = id.parse::<i64>() else { return Ok(texts::editremind_usage(lang)) };
    let Some(reminder) = ctx.store.reminder(id).await? else {
        return Ok(texts::reminder_not_found(lang, id));
    };
    let planned = match plan(official, rest, replied, ctx).await? {
        Ok(planned) => planned,
        Err(refusal) => return Ok(refusal),
    };
    if !ctx.store.redefine_reminder(id, &planned.new, official.user, ctx.clock.now()).await? {
        return Ok(texts::reminder_not_changeable(lang, id, reminder.status));
    }
    ctx.schedule.changed();
    Ok(planned.described(official, id, ctx, texts::ReminderSaved::Changed))
}

/// A reminder as typed, checked and with its next fires.
struct Planned {
    new: NewReminder,
    schedule: Schedule,
    next: Vec<DateTime<Utc>>,
}

impl Planned {
    fn described(&self, official: &Official, id: i64, ctx: &Context, saved: texts::ReminderSaved) -> String {
        let lang = official.lang;
        let request = &self.new.request;
        let topic = ctx.topics.get(&request.topic).map(|t| t.name(lang)).unwrap_or(&request.topic);
        let description = self.schedule.describe(lang);
        let facts = texts::ReminderFacts {
            id,
            description: &description,
            topic,
            areas: &request.areas,
            next: &self.next,
        };
        texts::reminder_saved(lang, saved, &facts, ctx.timezone)
    }
}

/// Reads `<when> <topic> [options] <text>` (the text may come from the message replied to)
/// and plans the fires. `Err`: the reply that says what was wrong and how to write it.
async fn plan(
    official: &Official,
    args: &str,
    replied: Option<&Message>,
    ctx: &Context,
) -> Result<std::result::Result<Planned, String>> {
    let lang = official.lang;
    let (when, rest) = match split_when(args) {
        Ok(parsed) => parsed,
        Err(error) => return Ok(Err(texts::when_error(lang, &error))),
    };
    let replied = posting::by_a_person(replied);
    let parsed = match replied {
        Some(_) => PostRequest::parse_reply_with_window(rest, &ctx.topics),
        None => PostRequest::parse_with_window(rest, &ctx.topics),
    };
    let (request, window) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => {
            let problem = texts::post_error(lang, &error, &ctx.topics);
            return Ok(Err(format!("{problem}\n\n{}", texts::remind_form(lang))));
        }
    };
    let content = match posting::content_for(official, &request, replied, ctx).await? {
        Ok(content) => content,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let now = ctx.clock.now();
    let planned =
        plan_reminder(when, window, request.urgent, now, ctx.timezone, ctx.quiet_hours, SHOWN_FIRES);
    let (schedule, next) = match planned {
        Ok(planned) => planned,
        Err(refusal) => return Ok(Err(refusal_text(lang, refusal))),
    };
    let new = NewReminder {
        when: schedule.when.to_storage(),
        window,
        request,
        content,
        next_fire_at: next.first().copied(),
        import_key: None,
    };
    Ok(Ok(Planned { new, schedule, next }))
}

fn refusal_text(lang: Lang, refusal: ReminderRefusal) -> String {
    match refusal {
        ReminderRefusal::TooFrequent { cron } => texts::too_frequent(lang, &cron),
        ReminderRefusal::Window(error) => texts::window_error(lang, &error),
        ReminderRefusal::QuietHours { time, quiet } => texts::quiet_hours_refusal(lang, time, quiet, true),
        ReminderRefusal::NeverInWindow => texts::never_in_window(lang),
    }
}

pub async fn list(official: &Official, ctx: &Context) -> Result<String> {
    let reminders = ctx.store.reminders().await?;
    let described = reminders
        .into_iter()
        .map(|reminder| {
            let words = schedule_of(&reminder)
                .map(|s| s.describe(official.lang))
                .unwrap_or_else(|_| reminder.when.clone());
            (reminder, words)
        })
        .collect::<Vec<_>>();
    Ok(texts::reminders(official.lang, &described, ctx.timezone))
}

/// What `/pause`, `/resume` and `/cancel <id>` do.
#[derive(Clone, Copy)]
pub enum Change {
    Pause,
    Resume,
    Cancel,
}

pub async fn change(official: &Official, args: &str, change: Change, ctx: &Context) -> Result<String> {
    let lang = official.lang;
    let command = match change {
        Change::Pause => "pause",
        Change::Resume => "resume",
        Change::Cancel => "cancel",
    };
    let Ok(id) = args.trim().parse::<i64>() else { return Ok(texts::reminder_usage(lang, command)) };
    let Some(reminder) = ctx.store.reminder(id).await? else {
        return Ok(texts::reminder_not_found(lang, id));
    };
    let now = ctx.clock.now();
    let (status, next) = match (change, reminder.status) {
        (_, ReminderStatus::Cancelled) | (Change::Pause | Change::Resume, ReminderStatus::Finished) => {
            return Ok(texts::reminder_not_changeable(lang, id, reminder.status));
        }
        (Change::Pause, _) => (ReminderStatus::Paused, reminder.next_fire_at),
        (Change::Cancel, _) => (ReminderStatus::Cancelled, None),
        // Resuming does not replay the fires of the pause: the next one is from now on.
        (Change::Resume, _) => {
            let next = schedule_of(&reminder).ok().and_then(|s| s.next_fire_after(now, ctx.timezone));
            (if next.is_some() { ReminderStatus::Active } else { ReminderStatus::Finished }, next)
        }
    };
    ctx.store.update_reminder(id, status, next, None, official.user, now).await?;
    ctx.schedule.changed();
    Ok(texts::reminder_status_changed(lang, id, status, next, ctx.timezone))
}

/// `/skip <id> <YYYY-MM-DD>` adds a holiday; `/skip <id>` lists them.
pub async fn skip(official: &Official, args: &str, ctx: &Context) -> Result<String> {
    let lang = official.lang;
    let mut words = args.split_whitespace();
    let Some(Ok(id)) = words.next().map(str::parse::<i64>) else {
        return Ok(texts::reminder_usage(lang, "skip"));
    };
    let Some(reminder) = ctx.store.reminder(id).await? else {
        return Ok(texts::reminder_not_found(lang, id));
    };
    let Some(day) = words.next() else {
        return Ok(texts::skips(lang, id, &reminder.skipped.iter().copied().collect::<Vec<_>>()));
    };
    let day = match crate::domain::parse_date(day) {
        Ok(day) => day,
        Err(error) => {
            return Ok(format!(
                "{} {}",
                texts::time_error(lang, &error),
                texts::reminder_usage(lang, "skip")
            ));
        }
    };
    if matches!(reminder.status, ReminderStatus::Cancelled | ReminderStatus::Finished) {
        return Ok(texts::reminder_not_changeable(lang, id, reminder.status));
    }
    let Ok(mut schedule) = schedule_of(&reminder) else { return Ok(texts::reminder_not_found(lang, id)) };
    schedule.skipped.insert(day);
    let now = ctx.clock.now();
    // The next fire moves only if it fell on the skipped day.
    let next = match reminder.next_fire_at {
        Some(next) if next.with_timezone(&ctx.timezone).date_naive() == day => {
            schedule.next_fire_after(next, ctx.timezone)
        }
        next => next,
    };
    let status = if next.is_none() && reminder.status == ReminderStatus::Active {
        ReminderStatus::Finished
    } else {
        reminder.status
    };
    ctx.store.update_reminder(id, status, next, Some(day), official.user, now).await?;
    ctx.schedule.changed();
    Ok(texts::skip_added(lang, id, day, next, ctx.timezone))
}
