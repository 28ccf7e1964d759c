//! Time as the scheduler sees it: the zone, the quiet hours, and the next five fires of the
//! active reminders, computed from their schedules as the scheduler computes them. A fire long
//! past that has not gone out means that Loa is not running.

use chrono::{DateTime, Duration, Utc};

use super::{Finding, finding::not_read, say};
use crate::{
    bot::texts::local,
    config::Settings,
    scheduler::schedule_of,
    store::{ReminderStatus, Store},
};

/// How many coming fires are listed.
const NEXT_FIRES: usize = 5;
/// A fire this far past without going out is overdue (Loa fires on the second).
const OVERDUE_AFTER: Duration = Duration::minutes(2);

pub(super) async fn examine(
    store: &Store,
    settings: &Settings,
    now: DateTime<Utc>,
    findings: &mut Vec<Finding>,
) {
    let (lang, zone) = (settings.default_lang, settings.timezone);
    let quiet = settings.quiet_hours.map_or_else(|| say(lang, "tắt", "off"), |quiet| quiet.to_string());
    let time = now.with_timezone(&zone).format("%H:%M");
    findings.push(Finding::ok(say(
        lang,
        format!("Múi giờ {zone} (bây giờ là {time}); giờ yên lặng: {quiet}"),
        format!("Time zone {zone} (it is {time} now); quiet hours: {quiet}"),
    )));
    let reminders = match store.reminders().await {
        Ok(reminders) => reminders,
        Err(error) => {
            findings.push(not_read(lang, ("lời nhắc", "The reminders"), &error));
            return;
        }
    };
    let mut fires = Vec::new();
    let mut overdue = Vec::new();
    for reminder in reminders.iter().filter(|reminder| reminder.status == ReminderStatus::Active) {
        let Some(next) = reminder.next_fire_at else { continue };
        if now - next > OVERDUE_AFTER {
            overdue.push((next, reminder.id));
        }
        fires.push((next, reminder.id));
        if let Ok(schedule) = schedule_of(reminder) {
            let later = schedule.next_fires(next, zone, NEXT_FIRES - 1);
            fires.extend(later.into_iter().map(|fire| (fire, reminder.id)));
        }
    }
    fires.sort_unstable();
    fires.truncate(NEXT_FIRES);
    let listed: Vec<String> = fires.iter().map(|(at, id)| format!("{} (#{id})", local(*at, zone))).collect();
    findings.push(Finding::ok(match listed.is_empty() {
        true => say(lang, "Không có lời nhắc nào đang chạy", "No reminder is active"),
        false => say(
            lang,
            format!("{} lần nhắc tới: {}", listed.len(), listed.join(", ")),
            format!("Next {} reminder fire(s): {}", listed.len(), listed.join(", ")),
        ),
    }));
    if let Some((first, _)) = overdue.iter().min() {
        let ids: Vec<String> = overdue.iter().map(|(_, id)| format!("#{id}")).collect();
        let (ids, first) = (ids.join(", "), local(*first, zone));
        findings.push(Finding::problem(
            say(
                lang,
                format!("Lời nhắc {ids} lẽ ra đã gửi (sớm nhất lúc {first}) mà chưa gửi"),
                format!("Reminder(s) {ids} should have fired (the first at {first}) and have not"),
            ),
            say(
                lang,
                "Loa có đang chạy không? Khởi động bằng `loa run` (hoặc systemctl start loa)",
                "is Loa running? Start it with `loa run` (or systemctl start loa)",
            ),
        ));
    }
}
