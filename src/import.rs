//! `loa import <plan.toml>`: loads a ward's recurring reminders in one go. Every entry is
//! checked by the rules `/remind` applies before anything is written, except that an entry whose
//! campaign window has ended is left out with a note; entries are keyed, so importing the same
//! plan twice creates nothing new.

use std::{collections::HashSet, path::Path};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

use crate::{
    domain::{
        AckRequest, AreaCode, Content, PostRequest, QuietHours, ReminderRefusal, TopicCatalog, When, Window,
        WindowError, max_text_len, parse_date, plan_reminder,
    },
    error::Error,
    store::{NewReminder, Store},
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Plan {
    #[serde(rename = "reminder", default)]
    reminders: Vec<PlanEntry>,
}

/// One `[[reminder]]` of a plan.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanEntry {
    /// Unique within the ward: what makes a second import of the entry a no-op.
    key: String,
    when: String,
    topic: String,
    #[serde(default)]
    areas: Vec<String>,
    from: Option<String>,
    to: Option<String>,
    #[serde(default)]
    pin: bool,
    #[serde(default)]
    urgent: bool,
    text: String,
}

/// What an import did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Keys and ids of the reminders created.
    pub created: Vec<(String, i64)>,
    /// Keys already imported before, left as they are.
    pub existing: Vec<String>,
    /// Keys left out, with why: `its window ended on 2027-08-31`.
    pub skipped: Vec<(String, String)>,
}

/// A plan checked against the rules: what to write, and what is left out.
#[derive(Debug)]
pub struct CheckedPlan {
    /// Every valid entry whose window is still open, in the plan's order.
    pub entries: Vec<NewReminder>,
    /// Keys of the entries whose campaign is over, with why: last year's summer campaign in a
    /// plan kept from year to year is not a mistake, just nothing to do.
    pub skipped: Vec<(String, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read the plan: {0}")]
    Read(#[from] std::io::Error),
    #[error("the plan is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("the plan has errors; nothing was imported:\n{}", .0.join("\n"))]
    Invalid(Vec<String>),
    #[error(transparent)]
    Store(#[from] Error),
}

/// The rules the plan is checked against: the ward's topics, zone and quiet hours.
pub struct Rules<'a> {
    pub topics: &'a TopicCatalog,
    pub timezone: Tz,
    pub quiet_hours: Option<QuietHours>,
}

pub async fn import(
    path: &Path,
    store: &Store,
    rules: &Rules<'_>,
    now: DateTime<Utc>,
) -> Result<ImportReport, ImportError> {
    let plan = check_plan(&std::fs::read_to_string(path)?, rules, now)?;
    let ids = store.import_reminders(&plan.entries, now).await?;
    let mut report = ImportReport { skipped: plan.skipped, ..ImportReport::default() };
    for (entry, id) in plan.entries.into_iter().zip(ids) {
        let key = entry.import_key.expect("every plan entry has a key");
        match id {
            Some(id) => report.created.push((key, id)),
            None => report.existing.push(key),
        }
    }
    Ok(report)
}

/// Reads a plan and checks every entry against `rules` as of `now`, without touching the
/// database. Every problem is collected, so that one run shows them all.
pub fn check_plan(text: &str, rules: &Rules, now: DateTime<Utc>) -> Result<CheckedPlan, ImportError> {
    check_entries(toml::from_str(text)?, rules, now)
}

/// [`check_plan`] with every campaign window moved by the same number of days, so that the
/// earliest `from` is today in the ward's zone and the gaps between campaigns stay as planned:
/// `loa demo`'s ward runs its summer campaigns whatever the season. A plan without a `from` is
/// checked as it is.
pub fn check_plan_from_today(
    text: &str,
    rules: &Rules,
    now: DateTime<Utc>,
) -> Result<CheckedPlan, ImportError> {
    let mut plan: Plan = toml::from_str(text)?;
    plan.move_windows_to(now.with_timezone(&rules.timezone).date_naive());
    check_entries(plan, rules, now)
}

impl Plan {
    /// Dates that do not parse are left for the check to report.
    fn move_windows_to(&mut self, today: NaiveDate) {
        let earliest =
            self.reminders.iter().filter_map(|entry| parse_date(entry.from.as_deref()?).ok()).min();
        let Some(shift) = earliest.map(|earliest| today - earliest) else { return };
        for entry in &mut self.reminders {
            for date in [&mut entry.from, &mut entry.to].into_iter().flatten() {
                if let Ok(planned) = parse_date(date) {
                    *date = (planned + shift).to_string();
                }
            }
        }
    }
}

fn check_entries(plan: Plan, rules: &Rules, now: DateTime<Utc>) -> Result<CheckedPlan, ImportError> {
    let mut problems = Vec::new();
    let mut keys = HashSet::new();
    let mut checked = CheckedPlan { entries: Vec::new(), skipped: Vec::new() };
    for (index, entry) in plan.reminders.into_iter().enumerate() {
        let place = format!("reminder {} ({})", index + 1, entry.key);
        if !keys.insert(entry.key.clone()) {
            problems.push(format!("{place}: the key is used twice"));
            continue;
        }
        let key = entry.key.clone();
        match check_entry(entry, rules, now) {
            Ok(Checked::Import(new)) => checked.entries.push(*new),
            Ok(Checked::Ended(to)) => checked.skipped.push((key, format!("its window ended on {to}"))),
            Err(problem) => problems.push(format!("{place}: {problem}")),
        }
    }
    if problems.is_empty() { Ok(checked) } else { Err(ImportError::Invalid(problems)) }
}

/// What checking one valid entry found.
enum Checked {
    Import(Box<NewReminder>),
    /// The entry's window ended on this date, before today.
    Ended(NaiveDate),
}

fn check_entry(entry: PlanEntry, rules: &Rules, now: DateTime<Utc>) -> Result<Checked, String> {
    let when = When::parse(&entry.when).map_err(|error| error.to_string())?;
    let Some(topic) = rules.topics.find(&entry.topic) else {
        return Err(format!("unknown topic {:?}; topics: {}", entry.topic, rules.topics.choices()));
    };
    let topic = topic.slug.clone();
    let mut areas = entry
        .areas
        .iter()
        .map(|code| {
            AreaCode::parse(code)
                .map_err(|_| format!("{code:?} is not an area code (letters, digits, dashes)"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    areas.sort();
    areas.dedup();
    let date = |text: &Option<String>| {
        text.as_deref().map(parse_date).transpose().map_err(|error| error.to_string())
    };
    let window = Window { from: date(&entry.from)?, to: date(&entry.to)? };
    let body = entry.text.trim().to_owned();
    let max = max_text_len(rules.topics, false);
    if body.is_empty() {
        return Err("the text is empty".into());
    }
    if body.encode_utf16().count() > max {
        return Err(format!("the text is longer than {max} characters"));
    }
    let planned = plan_reminder(when, window, entry.urgent, now, rules.timezone, rules.quiet_hours, 1);
    if let Err(ReminderRefusal::Window(WindowError::EndsInPast { to, .. })) = planned {
        return Ok(Checked::Ended(to));
    }
    let (schedule, next) = planned.map_err(refusal_problem)?;
    Ok(Checked::Import(Box::new(NewReminder {
        when: schedule.when.to_storage(),
        window,
        content: Content::text(body.clone()),
        request: PostRequest {
            topic,
            areas,
            pin: entry.pin,
            urgent: entry.urgent,
            text_apart: false,
            ack: entry.urgent.then(AckRequest::default),
            body,
        },
        next_fire_at: next.first().copied(),
        import_key: Some(entry.key),
    })))
}

fn refusal_problem(refusal: ReminderRefusal) -> String {
    match refusal {
        ReminderRefusal::TooFrequent { cron } => format!(
            "the cron expression {cron:?} fires more than once an hour; give it one fixed second and one fixed minute, e.g. \"0 30 17 * * *\""
        ),
        ReminderRefusal::Window(error) => error.to_string(),
        ReminderRefusal::QuietHours { time, quiet } => {
            format!(
                "fires at {} within quiet hours ({quiet}); mark it urgent or move it",
                time.format("%H:%M")
            )
        }
        ReminderRefusal::NeverInWindow => "no fire falls between from and to".into(),
    }
}
