//! The rules a new recurring reminder must meet, shared by `/remind` and `loa import`.

use chrono::{DateTime, NaiveTime, Utc};
use chrono_tz::Tz;

use super::{QuietHours, Schedule, When, Window, WindowError};

/// Why a reminder is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReminderRefusal {
    /// A cron expression (its source) with fires less than an hour apart: a reminder that floods
    /// the ward. Daily, weekly and monthly schedules never are.
    TooFrequent {
        cron: String,
    },
    Window(WindowError),
    /// A non-urgent reminder would fire at `time`, inside quiet hours.
    QuietHours {
        time: NaiveTime,
        quiet: QuietHours,
    },
    /// The window holds no fire of the schedule.
    NeverInWindow,
}

/// Checks a new reminder and returns its schedule with its next `shown` fires after `now`. A
/// schedule that is never acceptable is refused before the rules that depend on the date.
pub fn plan_reminder(
    when: When,
    window: Window,
    urgent: bool,
    now: DateTime<Utc>,
    zone: Tz,
    quiet: Option<QuietHours>,
    shown: usize,
) -> Result<(Schedule, Vec<DateTime<Utc>>), ReminderRefusal> {
    if let When::Cron(cron) = &when
        && !cron.fires_at_most_hourly()
    {
        return Err(ReminderRefusal::TooFrequent { cron: cron.source().to_owned() });
    }
    let today = now.with_timezone(&zone).date_naive();
    Schedule::validate_window(window.from, window.to, today).map_err(ReminderRefusal::Window)?;
    let schedule = Schedule { when, from: window.from, to: window.to, skipped: Default::default() };
    if let Some(quiet) = quiet.filter(|_| !urgent) {
        // Recurring reminders never wake the ward: a night-time rule is refused outright.
        if let Some(time) = schedule.fire_times_of_day().into_iter().find(|time| quiet.contains(*time)) {
            return Err(ReminderRefusal::QuietHours { time, quiet });
        }
    }
    let next = schedule.next_fires(now, zone, shown.max(1));
    if next.is_empty() {
        return Err(ReminderRefusal::NeverInWindow);
    }
    Ok((schedule, next))
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};
    use chrono_tz::Asia::Ho_Chi_Minh;

    use super::*;

    fn now() -> DateTime<Utc> {
        Ho_Chi_Minh.with_ymd_and_hms(2026, 6, 1, 15, 0, 0).unwrap().with_timezone(&Utc)
    }

    fn quiet() -> Option<QuietHours> {
        QuietHours::parse("22:00-06:00").unwrap()
    }

    #[test]
    fn a_night_rule_is_refused_unless_urgent() {
        let when = When::parse("daily@23:00").unwrap();
        let refused = plan_reminder(when.clone(), Window::default(), false, now(), Ho_Chi_Minh, quiet(), 3);
        assert!(matches!(refused, Err(ReminderRefusal::QuietHours { .. })));
        assert!(plan_reminder(when, Window::default(), true, now(), Ho_Chi_Minh, quiet(), 3).is_ok());
    }

    #[test]
    fn a_cron_firing_more_than_once_an_hour_is_refused() {
        let plan = |token: &str| {
            let when = When::parse(token).unwrap();
            plan_reminder(when, Window::default(), true, now(), Ho_Chi_Minh, quiet(), 3).map(|_| ())
        };
        for token in ["\"0 30 17 * * *\"", "\"0 0 * * * *\"", "daily@17:30", "t2,t4@08:00", "monthly-1@08:00"]
        {
            assert_eq!(plan(token), Ok(()), "{token}");
        }
        for expr in ["* * * * * *", "0 */30 * * * *", "0,30 0 8 * * *"] {
            assert_eq!(
                plan(&format!("\"{expr}\"")),
                Err(ReminderRefusal::TooFrequent { cron: expr.into() }),
                "{expr}"
            );
        }
    }

    #[test]
    fn a_window_without_a_fire_is_refused() {
        let day = NaiveDate::from_ymd_opt(2026, 6, 2);
        let window = Window { from: day, to: day }; // a Tuesday
        let when = When::parse("sat@08:00").unwrap();
        assert_eq!(
            plan_reminder(when, window, false, now(), Ho_Chi_Minh, quiet(), 3),
            Err(ReminderRefusal::NeverInWindow)
        );
    }

    #[test]
    fn the_next_fires_are_returned() {
        let when = When::parse("mon@07:00").unwrap();
        let (_, next) =
            plan_reminder(when, Window::default(), false, now(), Ho_Chi_Minh, quiet(), 3).unwrap();
        assert_eq!(next.len(), 3);
        assert_eq!(next[0], Ho_Chi_Minh.with_ymd_and_hms(2026, 6, 8, 7, 0, 0).unwrap().with_timezone(&Utc));
    }
}
