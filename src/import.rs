//! `loa import <plan.toml>`: loads a ward's recurring reminders in one go. Every entry is
//! checked by the rules `/remind` applies before anything is written; entries are keyed, so
//! importing the same plan twice creates nothing new.

use std::{collections::HashSet, path::Path};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

use crate::{
    domain::{
        AreaCode, PostRequest, QuietHours, ReminderRefusal, TopicCatalog, When, Window, max_body_len,
        parse_date, plan_reminder,
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
    let plan: Plan = toml::from_str(&std::fs::read_to_string(path)?)?;
    let entries = validate(plan, rules, now).map_err(ImportError::Invalid)?;
    let ids = store.import_reminders(&entries, now).await?;
    let mut report = ImportReport::default();
    for (entry, id) in entries.into_iter().zip(ids) {
        let key = entry.import_key.expect("every plan entry has a key");
        match id {
            Some(id) => report.created.push((key, id)),
            None => report.existing.push(key),
        }
    }
    Ok(report)
}

/// Checks every entry, collecting every problem, so that one run shows them all.
fn validate(plan: Plan, rules: &Rules, now: DateTime<Utc>) -> Result<Vec<NewReminder>, Vec<String>> {
    let mut problems = Vec::new();
    let mut keys = HashSet::new();
    let mut entries = Vec::new();
    for (index, entry) in plan.reminders.into_iter().enumerate() {
        let place = format!("reminder {} ({})", index + 1, entry.key);
        if !keys.insert(entry.key.clone()) {
            problems.push(format!("{place}: the key is used twice"));
            continue;
        }
        match new_reminder(entry, rules, now) {
            Ok(new) => entries.push(new),
            Err(problem) => problems.push(format!("{place}: {problem}")),
        }
    }
    if problems.is_empty() { Ok(entries) } else { Err(problems) }
}

fn new_reminder(entry: PlanEntry, rules: &Rules, now: DateTime<Utc>) -> Result<NewReminder, String> {
    let when = When::parse(&entry.when).map_err(|error| error.to_string())?;
    if rules.topics.get(&entry.topic).is_none() {
        let known: Vec<&str> = rules.topics.all().iter().map(|t| t.slug.as_str()).collect();
        return Err(format!("unknown topic {:?}; topics: {}", entry.topic, known.join(", ")));
    }
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
    let max = max_body_len(rules.topics);
    if body.is_empty() {
        return Err("the text is empty".into());
    }
    if body.encode_utf16().count() > max {
        return Err(format!("the text is longer than {max} characters"));
    }
    let (schedule, next) =
        plan_reminder(when, window, entry.urgent, now, rules.timezone, rules.quiet_hours, 1).map_err(
            |refusal| match refusal {
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
            },
        )?;
    Ok(NewReminder {
        when: schedule.when.to_storage(),
        window,
        request: PostRequest { topic: entry.topic, areas, pin: entry.pin, urgent: entry.urgent, body },
        next_fire_at: next.first().copied(),
        import_key: Some(entry.key),
    })
}
