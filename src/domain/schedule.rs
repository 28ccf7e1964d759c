//! Recurring reminders: when they fire ([`When`]), within which dates and with which dates left
//! out ([`Schedule`]), computed directly from the calendar so that start-up can plan thousands.
//!
//! Times are wall-clock times of the configured zone; fires are UTC instants. Two rules cover
//! the days on which the zone changes its clocks (Vietnam has none, but the zone is a setting):
//! a wall time the clocks skip does not fire that day, and a wall time that happens twice fires
//! once, at the earlier instant. Both hold for cron expressions too.

mod when;

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;

use super::Lang;
use super::local_time::{first_instant_at_or_after, local_to_utc};
pub use when::{CronExpr, When, WhenError, split_when};

/// A recurring reminder's schedule. Dates are local dates of the configured zone; the window
/// `from`..=`to` includes both ends, and either may be open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub when: When,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Dates on which the reminder does not fire (holidays, cancelled meetings).
    pub skipped: BTreeSet<NaiveDate>,
}

/// Why a `from`/`to` window is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    #[error("the end date {to} is before the start date {from}")]
    EndsBeforeStart { from: NaiveDate, to: NaiveDate },
    #[error("the end date {to} has passed (today is {today})")]
    EndsInPast { to: NaiveDate, today: NaiveDate },
}

impl Schedule {
    /// Checks a window before it is stored: it may start in the past, but not end there, and not
    /// end before it starts.
    pub fn validate_window(
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<(), WindowError> {
        match (from, to) {
            (Some(from), Some(to)) if to < from => Err(WindowError::EndsBeforeStart { from, to }),
            (_, Some(to)) if to < today => Err(WindowError::EndsInPast { to, today }),
            _ => Ok(()),
        }
    }

    /// The first fire strictly after `after`: inside the window, not on a skipped date, and not
    /// at a wall time the clocks skip. `None` once the reminder is finished.
    pub fn next_fire_after(&self, after: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        match &self.when {
            When::Daily { at } | When::Weekly { at, .. } | When::Monthly { at, .. } => {
                self.next_fixed_fire_after(*at, after, tz)
            }
            When::Cron(cron) => self.next_cron_fire_after(cron, after, tz),
        }
    }

    /// The next `n` fires after `after`, fewer if the reminder finishes first.
    pub fn next_fires(&self, after: DateTime<Utc>, tz: Tz, n: usize) -> Vec<DateTime<Utc>> {
        std::iter::successors(self.next_fire_after(after, tz), |fire| self.next_fire_after(*fire, tz))
            .take(n)
            .collect()
    }

    /// Every wall time of day at which the reminder can fire, sorted, so that a caller can refuse
    /// one that falls into quiet hours: one time for daily, weekly and monthly schedules; for a
    /// cron expression every combination of its hour, minute and second fields (at most 86,400).
    pub fn fire_times_of_day(&self) -> Vec<NaiveTime> {
        match &self.when {
            When::Daily { at } | When::Weekly { at, .. } | When::Monthly { at, .. } => vec![*at],
            When::Cron(cron) => cron.times_of_day(),
        }
    }

    /// The schedule in words: `Thứ Hai, Thứ Tư lúc 17:30, từ 01/06/2026 đến 31/08/2026` or
    /// `Mon, Wed at 17:30, from 2026-06-01 to 2026-08-31`.
    pub fn describe(&self, lang: Lang) -> String {
        let time = |at: &NaiveTime| at.format("%H:%M").to_string();
        let mut text = match (&self.when, lang) {
            (When::Daily { at }, Lang::Vi) => format!("Hằng ngày lúc {}", time(at)),
            (When::Daily { at }, Lang::En) => format!("Daily at {}", time(at)),
            (When::Weekly { days, at }, lang) => {
                let names: Vec<&str> = days.iter(Weekday::Mon).map(|day| weekday_name(day, lang)).collect();
                let word = match lang {
                    Lang::Vi => "lúc",
                    Lang::En => "at",
                };
                format!("{} {word} {}", names.join(", "), time(at))
            }
            (When::Monthly { day, at }, Lang::Vi) => format!("Ngày {day} hằng tháng lúc {}", time(at)),
            (When::Monthly { day, at }, Lang::En) => format!("Monthly on day {day} at {}", time(at)),
            (When::Cron(cron), Lang::Vi) => format!("Theo lịch cron \"{}\"", cron.source()),
            (When::Cron(cron), Lang::En) => format!("Cron \"{}\"", cron.source()),
        };
        let date = |date: NaiveDate| match lang {
            Lang::Vi => date.format("%d/%m/%Y").to_string(),
            Lang::En => date.format("%Y-%m-%d").to_string(),
        };
        let (from_word, to_word, until_word) = match lang {
            Lang::Vi => ("từ", "đến", "đến"),
            Lang::En => ("from", "to", "until"),
        };
        match (self.from, self.to) {
            (Some(from), Some(to)) => text += &format!(", {from_word} {} {to_word} {}", date(from), date(to)),
            (Some(from), None) => text += &format!(", {from_word} {}", date(from)),
            (None, Some(to)) => text += &format!(", {until_word} {}", date(to)),
            (None, None) => {}
        }
        text
    }

    /// Daily, weekly and monthly: walk the matching dates only, from the later of `after`'s date
    /// and `from`, until one is neither skipped nor at a skipped wall time and lies after `after`.
    fn next_fixed_fire_after(&self, at: NaiveTime, after: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        let after_date = after.with_timezone(&tz).date_naive();
        let mut date = self.from.map_or(after_date, |from| from.max(after_date));
        loop {
            let candidate = self.next_matching_date(date)?;
            if self.to.is_some_and(|to| candidate > to) {
                return None;
            }
            if !self.skipped.contains(&candidate)
                && let Ok(fire) = local_to_utc(candidate, at, tz)
                && fire > after
            {
                return Some(fire);
            }
            date = candidate.succ_opt()?;
        }
    }

    /// The first date on or after `date` that the (daily, weekly or monthly) pattern matches.
    fn next_matching_date(&self, date: NaiveDate) -> Option<NaiveDate> {
        match &self.when {
            When::Weekly { days, .. } => (0..7)
                .filter_map(|ahead| date.checked_add_signed(Duration::days(ahead)))
                .find(|d| days.contains(d.weekday())),
            When::Monthly { day, .. } if (1..=31).contains(day) => {
                let mut month_start = date.with_day(1)?;
                loop {
                    if let Some(candidate) = month_start.with_day(*day)
                        && candidate >= date
                    {
                        return Some(candidate);
                    }
                    month_start = month_start.checked_add_months(Months::new(1))?;
                }
            }
            When::Monthly { .. } => None,
            When::Daily { .. } | When::Cron(_) => Some(date),
        }
    }

    /// Cron: croner finds each candidate; this walks only over the candidates it must refuse (on
    /// a skipped date, at a skipped or already passed wall time), jumping over skipped dates and
    /// to the start of the window.
    fn next_cron_fire_after(&self, cron: &CronExpr, after: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        let start_of = |date: NaiveDate| first_instant_at_or_after(date.and_time(NaiveTime::MIN), tz);
        let after_date = after.with_timezone(&tz).date_naive();
        let (mut start, mut inclusive) = match self.from {
            Some(from) if after_date < from => (start_of(from)?, true),
            _ => (after, false),
        };
        loop {
            let found = cron.find_next(start.with_timezone(&tz), inclusive)?;
            let date = found.date_naive();
            if self.to.is_some_and(|to| date > to) {
                return None;
            }
            if self.skipped.contains(&date) {
                (start, inclusive) = (start_of(date.succ_opt()?)?, true);
            } else if found.to_utc() > after && cron.matches(&found) {
                return Some(found.to_utc());
            } else {
                (start, inclusive) = (found.to_utc(), false);
            }
        }
    }
}

fn weekday_name(day: Weekday, lang: Lang) -> &'static str {
    match (lang, day) {
        (Lang::Vi, Weekday::Mon) => "Thứ Hai",
        (Lang::Vi, Weekday::Tue) => "Thứ Ba",
        (Lang::Vi, Weekday::Wed) => "Thứ Tư",
        (Lang::Vi, Weekday::Thu) => "Thứ Năm",
        (Lang::Vi, Weekday::Fri) => "Thứ Sáu",
        (Lang::Vi, Weekday::Sat) => "Thứ Bảy",
        (Lang::Vi, Weekday::Sun) => "Chủ Nhật",
        (Lang::En, Weekday::Mon) => "Mon",
        (Lang::En, Weekday::Tue) => "Tue",
        (Lang::En, Weekday::Wed) => "Wed",
        (Lang::En, Weekday::Thu) => "Thu",
        (Lang::En, Weekday::Fri) => "Fri",
        (Lang::En, Weekday::Sat) => "Sat",
        (Lang::En, Weekday::Sun) => "Sun",
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, WeekdaySet};
    use chrono_tz::{America::New_York, Asia::Ho_Chi_Minh, Europe::Berlin};
    use proptest::prelude::*;

    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn schedule(token: &str) -> Schedule {
        Schedule { when: When::parse(token).unwrap(), from: None, to: None, skipped: BTreeSet::new() }
    }

    fn window(token: &str, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Schedule {
        Schedule { from, to, ..schedule(token) }
    }

    fn skipping(token: &str, skipped: &[NaiveDate]) -> Schedule {
        Schedule { skipped: skipped.iter().copied().collect(), ..schedule(token) }
    }

    /// Fires in Hanoi time (UTC+7), 2026-06-01 being a Monday.
    fn next(s: &Schedule, after: &str) -> Option<DateTime<Utc>> {
        s.next_fire_after(utc(after), Ho_Chi_Minh)
    }

    fn fires(s: &Schedule, after: &str, tz: Tz, n: usize) -> Vec<String> {
        s.next_fires(utc(after), tz, n).iter().map(|fire| fire.to_rfc3339()).collect()
    }

    #[test]
    fn weekly_fires_on_the_next_listed_day() {
        let s = schedule("mon,wed,fri@17:30");
        // Monday 17:30 → Wednesday 17:30 local = 10:30 UTC.
        assert_eq!(next(&s, "2026-06-01T10:30:00Z"), Some(utc("2026-06-03T10:30:00Z")));
        assert_eq!(next(&s, "2026-06-01T10:29:59Z"), Some(utc("2026-06-01T10:30:00Z")));
        assert_eq!(next(&s, "2026-06-05T10:30:00Z"), Some(utc("2026-06-08T10:30:00Z")));
        assert_eq!(next(&s, "2026-06-06T00:00:00Z"), Some(utc("2026-06-08T10:30:00Z")));
        assert_eq!(next(&schedule("cn@08:00"), "2026-06-01T00:00:00Z"), Some(utc("2026-06-07T01:00:00Z")));
    }

    #[test]
    fn daily_fires_on_the_local_date() {
        let s = schedule("daily@17:30");
        assert_eq!(next(&s, "2026-06-01T10:30:00Z"), Some(utc("2026-06-02T10:30:00Z")));
        assert_eq!(next(&s, "2026-06-01T16:59:59Z"), Some(utc("2026-06-02T10:30:00Z")));
        // 23:59:59 on 1 June local → midnight of 2 June local, still 1 June in UTC.
        assert_eq!(next(&schedule("daily@00:00"), "2026-06-01T16:59:59Z"), Some(utc("2026-06-01T17:00:00Z")));
        assert_eq!(next(&schedule("daily@00:00"), "2026-06-01T17:00:00Z"), Some(utc("2026-06-02T17:00:00Z")));
    }

    #[test]
    fn monthly_fires_only_in_months_that_have_the_day() {
        assert_eq!(
            next(&schedule("monthly-15@08:00"), "2026-06-15T00:59:00Z"),
            Some(utc("2026-06-15T01:00:00Z"))
        );
        assert_eq!(
            next(&schedule("monthly-15@08:00"), "2026-06-15T01:00:00Z"),
            Some(utc("2026-07-15T01:00:00Z"))
        );
        assert_eq!(
            next(&schedule("monthly-15@08:00"), "2026-12-15T01:00:00Z"),
            Some(utc("2027-01-15T01:00:00Z"))
        );
        assert_eq!(
            fires(&schedule("monthly-31@08:00"), "2026-01-01T00:00:00Z", Ho_Chi_Minh, 7),
            [
                "2026-01-31",
                "2026-03-31",
                "2026-05-31",
                "2026-07-31",
                "2026-08-31",
                "2026-10-31",
                "2026-12-31"
            ]
            .map(|day| format!("{day}T01:00:00+00:00"))
        );
        assert_eq!(
            next(&schedule("monthly-29@08:00"), "2027-01-29T01:00:00Z"),
            Some(utc("2027-03-29T01:00:00Z"))
        );
        assert_eq!(
            next(&schedule("monthly-29@08:00"), "2028-01-29T01:00:00Z"),
            Some(utc("2028-02-29T01:00:00Z"))
        );
    }

    #[test]
    fn window_start_is_inclusive_and_jumped_to() {
        let from = Some(date(2026, 7, 1));
        assert_eq!(
            next(&window("daily@17:30", from, None), "2026-06-01T00:00:00Z"),
            Some(utc("2026-07-01T10:30:00Z"))
        );
        // 2 July 2026 is a Thursday.
        let s = window("mon,wed,fri@17:30", Some(date(2026, 7, 2)), None);
        assert_eq!(next(&s, "2020-01-01T00:00:00Z"), Some(utc("2026-07-03T10:30:00Z")));
        assert_eq!(
            next(&window("monthly-15@08:00", Some(date(2026, 7, 16)), None), "2026-06-01T00:00:00Z"),
            Some(utc("2026-08-15T01:00:00Z"))
        );
    }

    #[test]
    fn window_end_is_inclusive_and_then_the_reminder_is_finished() {
        let s = window("mon,wed,fri@17:30", None, Some(date(2026, 6, 5)));
        assert_eq!(next(&s, "2026-06-05T10:29:00Z"), Some(utc("2026-06-05T10:30:00Z")));
        assert_eq!(next(&s, "2026-06-05T10:30:00Z"), None);
        assert_eq!(next(&s, "2027-01-01T00:00:00Z"), None);
        assert_eq!(
            fires(&s, "2026-06-01T00:00:00Z", Ho_Chi_Minh, 10),
            ["2026-06-01T10:30:00+00:00", "2026-06-03T10:30:00+00:00", "2026-06-05T10:30:00+00:00"]
        );
        let one_day = window("daily@17:30", Some(date(2026, 6, 2)), Some(date(2026, 6, 2)));
        assert_eq!(fires(&one_day, "2026-01-01T00:00:00Z", Ho_Chi_Minh, 5), ["2026-06-02T10:30:00+00:00"]);
        let backwards = window("daily@17:30", Some(date(2026, 6, 2)), Some(date(2026, 6, 1)));
        assert_eq!(next(&backwards, "2026-01-01T00:00:00Z"), None);
    }

    #[test]
    fn skipped_dates_do_not_fire() {
        let s = skipping("mon,wed,fri@17:30", &[date(2026, 6, 3), date(2026, 6, 5)]);
        assert_eq!(next(&s, "2026-06-01T10:30:00Z"), Some(utc("2026-06-08T10:30:00Z")));
        let s = skipping("daily@17:30", &[date(2026, 6, 2), date(2026, 6, 3), date(2026, 6, 4)]);
        assert_eq!(next(&s, "2026-06-01T10:30:00Z"), Some(utc("2026-06-05T10:30:00Z")));
        let s = Schedule { from: Some(date(2026, 6, 2)), ..skipping("daily@17:30", &[date(2026, 6, 2)]) };
        assert_eq!(next(&s, "2026-01-01T00:00:00Z"), Some(utc("2026-06-03T10:30:00Z")));
        // Skipping the last day of the window finishes it early.
        let s = Schedule { to: Some(date(2026, 6, 3)), ..skipping("mon,wed,fri@17:30", &[date(2026, 6, 3)]) };
        assert_eq!(next(&s, "2026-06-01T10:30:00Z"), None);
    }

    #[test]
    fn schedules_that_parsing_never_yields_never_fire() {
        let never = |when| Schedule { when, from: None, to: None, skipped: BTreeSet::new() };
        let after = utc("2026-06-01T00:00:00Z");
        assert_eq!(
            never(When::Weekly { days: WeekdaySet::EMPTY, at: time(8, 0) })
                .next_fire_after(after, Ho_Chi_Minh),
            None
        );
        assert_eq!(never(When::Monthly { day: 0, at: time(8, 0) }).next_fire_after(after, Ho_Chi_Minh), None);
        assert_eq!(
            never(When::Monthly { day: 32, at: time(8, 0) }).next_fire_after(after, Ho_Chi_Minh),
            None
        );
    }

    #[test]
    fn cron_fires_in_the_zone_with_seconds() {
        assert_eq!(
            next(&schedule("\"0 30 17 * * Mon,Wed,Fri\""), "2026-06-01T10:30:00Z"),
            Some(utc("2026-06-03T10:30:00Z"))
        );
        assert_eq!(
            fires(&schedule("\"30 15 8 * * *\""), "2026-06-01T00:00:00Z", Ho_Chi_Minh, 2),
            ["2026-06-01T01:15:30+00:00", "2026-06-02T01:15:30+00:00"]
        );
        assert_eq!(
            next(&schedule("\"*/10 * * * * *\""), "2026-06-01T00:00:05Z"),
            Some(utc("2026-06-01T00:00:10Z"))
        );
        // Day of month and day of week must both match: Friday the 13th.
        assert_eq!(
            next(&schedule("\"0 0 9 13 * Fri\""), "2026-01-01T00:00:00Z"),
            Some(utc("2026-02-13T02:00:00Z"))
        );
        assert_eq!(
            next(&schedule("\"0 0 9 29 2 Mon\""), "2026-01-01T00:00:00Z"),
            Some(utc("2044-02-29T02:00:00Z"))
        );
    }

    #[test]
    fn cron_keeps_to_the_window_and_skips_dates() {
        let from = Some(date(2026, 7, 1));
        assert_eq!(
            next(&window("\"0 0 9 * * *\"", from, None), "2026-06-01T00:00:00Z"),
            Some(utc("2026-07-01T02:00:00Z"))
        );
        // The window opens at local midnight, which fires.
        assert_eq!(
            next(&window("\"0 0 0 * * *\"", from, None), "2026-06-01T00:00:00Z"),
            Some(utc("2026-06-30T17:00:00Z"))
        );
        let to = Some(date(2026, 6, 2));
        assert_eq!(
            next(&window("\"0 0 9 * * *\"", None, to), "2026-06-02T01:59:59Z"),
            Some(utc("2026-06-02T02:00:00Z"))
        );
        assert_eq!(next(&window("\"0 0 9 * * *\"", None, to), "2026-06-02T02:00:00Z"), None);
        let s = skipping("\"0 0 9 * * *\"", &[date(2026, 6, 2), date(2026, 6, 3)]);
        assert_eq!(next(&s, "2026-06-01T02:00:00Z"), Some(utc("2026-06-04T02:00:00Z")));
        // Every ten seconds, 2 June skipped: from 23:59:55 on 1 June to midnight starting 3 June.
        let s = skipping("\"*/10 * * * * *\"", &[date(2026, 6, 2)]);
        assert_eq!(
            fires(&s, "2026-06-01T16:59:45Z", Ho_Chi_Minh, 2),
            ["2026-06-01T16:59:50+00:00", "2026-06-02T17:00:00+00:00"]
        );
    }

    #[test]
    fn skipped_wall_times_do_not_fire_and_repeated_ones_fire_once() {
        // Berlin, 29 March 2026: 02:00 → 03:00; 25 October 2026: 03:00 → 02:00.
        for token in ["daily@02:30", "\"0 30 2 * * *\""] {
            let s = schedule(token);
            assert_eq!(
                s.next_fire_after(utc("2026-03-28T12:00:00Z"), Berlin),
                Some(utc("2026-03-30T00:30:00Z")),
                "{token}"
            );
            assert_eq!(
                s.next_fire_after(utc("2026-10-24T12:00:00Z"), Berlin),
                Some(utc("2026-10-25T00:30:00Z")),
                "{token}"
            );
            assert_eq!(
                s.next_fire_after(utc("2026-10-25T00:30:00Z"), Berlin),
                Some(utc("2026-10-26T01:30:00Z")),
                "{token}"
            );
            assert_eq!(
                s.next_fire_after(utc("2026-10-25T01:15:00Z"), Berlin),
                Some(utc("2026-10-26T01:30:00Z")),
                "{token}"
            );
        }
        let half_hourly = schedule("\"0 */30 * * * *\"");
        // 02:05 for the second time → the repeated 02:30 has fired already → 03:00 CET.
        assert_eq!(
            half_hourly.next_fire_after(utc("2026-10-25T01:05:00Z"), Berlin),
            Some(utc("2026-10-25T02:00:00Z"))
        );
        assert_eq!(
            fires(&half_hourly, "2026-03-29T00:15:00Z", Berlin, 2),
            ["2026-03-29T00:30:00+00:00", "2026-03-29T01:00:00+00:00"]
        );
    }

    #[test]
    fn next_fires_counts() {
        let s = schedule("daily@17:30");
        assert!(fires(&s, "2026-06-01T00:00:00Z", Ho_Chi_Minh, 0).is_empty());
        assert_eq!(
            fires(&s, "2026-06-01T00:00:00Z", Ho_Chi_Minh, 3),
            ["2026-06-01T10:30:00+00:00", "2026-06-02T10:30:00+00:00", "2026-06-03T10:30:00+00:00"]
        );
    }

    #[test]
    fn windows_must_end_after_they_start_and_not_in_the_past() {
        let today = date(2026, 6, 10);
        assert_eq!(Schedule::validate_window(None, None, today), Ok(()));
        assert_eq!(Schedule::validate_window(Some(date(2026, 1, 1)), None, today), Ok(()));
        assert_eq!(Schedule::validate_window(Some(date(2026, 6, 1)), Some(today), today), Ok(()));
        assert_eq!(Schedule::validate_window(Some(today), Some(today), today), Ok(()));
        assert_eq!(
            Schedule::validate_window(Some(date(2026, 7, 2)), Some(date(2026, 7, 1)), today),
            Err(WindowError::EndsBeforeStart { from: date(2026, 7, 2), to: date(2026, 7, 1) })
        );
        assert_eq!(
            Schedule::validate_window(None, Some(date(2026, 6, 9)), today),
            Err(WindowError::EndsInPast { to: date(2026, 6, 9), today })
        );
        assert_eq!(
            Schedule::validate_window(Some(date(2026, 6, 1)), Some(date(2026, 6, 9)), today),
            Err(WindowError::EndsInPast { to: date(2026, 6, 9), today })
        );
        assert_eq!(
            WindowError::EndsBeforeStart { from: date(2026, 7, 2), to: date(2026, 7, 1) }.to_string(),
            "the end date 2026-07-01 is before the start date 2026-07-02"
        );
        assert_eq!(
            WindowError::EndsInPast { to: date(2026, 6, 9), today }.to_string(),
            "the end date 2026-06-09 has passed (today is 2026-06-10)"
        );
    }

    #[test]
    fn fire_times_of_day_list_every_possible_wall_time() {
        assert_eq!(schedule("daily@17:30").fire_times_of_day(), [time(17, 30)]);
        assert_eq!(schedule("t2,t4@06:05").fire_times_of_day(), [time(6, 5)]);
        assert_eq!(schedule("monthly-31@23:00").fire_times_of_day(), [time(23, 0)]);
        assert_eq!(
            schedule("\"0 0,30 8-9 * * *\"").fire_times_of_day(),
            [time(8, 0), time(8, 30), time(9, 0), time(9, 30)]
        );
        assert_eq!(schedule("\"0 0 7 13 * Fri\"").fire_times_of_day(), [time(7, 0)]);
        let seconds = |s| NaiveTime::from_hms_opt(12, 0, s).unwrap();
        assert_eq!(
            schedule("\"*/20 0 12 * * *\"").fire_times_of_day(),
            [seconds(0), seconds(20), seconds(40)]
        );
        let every_second = schedule("\"* * * * * *\"").fire_times_of_day();
        assert_eq!(
            (every_second.len(), every_second.first(), every_second.last()),
            (86_400, Some(&NaiveTime::MIN), Some(&NaiveTime::from_hms_opt(23, 59, 59).unwrap()))
        );
        assert!(every_second.is_sorted());
    }

    #[test]
    fn describes_in_vietnamese_and_english() {
        for (token, vi, en) in [
            ("mon,wed,fri@17:30", "Thứ Hai, Thứ Tư, Thứ Sáu lúc 17:30", "Mon, Wed, Fri at 17:30"),
            (
                "t3,t5,t7,cn@06:00",
                "Thứ Ba, Thứ Năm, Thứ Bảy, Chủ Nhật lúc 06:00",
                "Tue, Thu, Sat, Sun at 06:00",
            ),
            ("hangngay@7:05", "Hằng ngày lúc 07:05", "Daily at 07:05"),
            ("tháng-15@08:00", "Ngày 15 hằng tháng lúc 08:00", "Monthly on day 15 at 08:00"),
            (
                "“0 30 17 * * Mon,Wed,Fri”",
                "Theo lịch cron \"0 30 17 * * Mon,Wed,Fri\"",
                "Cron \"0 30 17 * * Mon,Wed,Fri\"",
            ),
        ] {
            assert_eq!(schedule(token).describe(Lang::Vi), vi);
            assert_eq!(schedule(token).describe(Lang::En), en);
        }
        let (june, august) = (Some(date(2026, 6, 1)), Some(date(2026, 8, 31)));
        for (from, to, vi, en) in [
            (
                june,
                august,
                "Hằng ngày lúc 17:30, từ 01/06/2026 đến 31/08/2026",
                "Daily at 17:30, from 2026-06-01 to 2026-08-31",
            ),
            (june, None, "Hằng ngày lúc 17:30, từ 01/06/2026", "Daily at 17:30, from 2026-06-01"),
            (None, august, "Hằng ngày lúc 17:30, đến 31/08/2026", "Daily at 17:30, until 2026-08-31"),
        ] {
            assert_eq!(window("daily@17:30", from, to).describe(Lang::Vi), vi);
            assert_eq!(window("daily@17:30", from, to).describe(Lang::En), en);
        }
    }

    fn fixed_when() -> impl Strategy<Value = When> {
        let at = (0u32..24, 0u32..60).prop_map(|(h, m)| time(h, m));
        let weekdays = (1u8..128).prop_map(|bits| {
            (0..7)
                .filter(|i| bits & (1 << i) != 0)
                .filter_map(|i| Weekday::try_from(i as u8).ok())
                .collect::<WeekdaySet>()
        });
        prop_oneof![
            at.clone().prop_map(|at| When::Daily { at }),
            (weekdays, at.clone()).prop_map(|(days, at)| When::Weekly { days, at }),
            (1u32..=31, at).prop_map(|(day, at)| When::Monthly { day, at }),
        ]
    }

    fn any_when() -> impl Strategy<Value = When> {
        let crons = [
            "0 30 17 * * Mon,Wed,Fri",
            "*/10 * 8-17 ? * MON-FRI",
            "0 0 9 13 * Fri",
            "15 0 0 1 1 *",
            "@daily",
        ];
        prop_oneof![
            3 => fixed_when(),
            1 => proptest::sample::select(crons.to_vec())
                .prop_map(|expr| When::parse(&format!("“{expr}”")).unwrap()),
        ]
    }

    fn zone() -> impl Strategy<Value = Tz> {
        prop_oneof![Just(Ho_Chi_Minh), Just(Berlin), Just(New_York)]
    }

    /// The first fire after `after`, by looking at every local date in turn.
    fn brute_force_next(s: &Schedule, after: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        let (at, date_matches): (NaiveTime, Box<dyn Fn(NaiveDate) -> bool>) = match &s.when {
            When::Daily { at } => (*at, Box::new(|_| true)),
            When::Weekly { days, at } => (*at, Box::new(|d: NaiveDate| days.contains(d.weekday()))),
            When::Monthly { day, at } => (*at, Box::new(|d: NaiveDate| d.day() == *day)),
            When::Cron(_) => unreachable!("only fixed times are brute-forced"),
        };
        let first = after.with_timezone(&tz).date_naive();
        let last = first.max(s.from.unwrap_or(first)) + Duration::days(800);
        first.iter_days().take_while(|d| *d <= last && s.to.is_none_or(|to| *d <= to)).find_map(|d| {
            let eligible = date_matches(d) && s.from.is_none_or(|from| d >= from) && !s.skipped.contains(&d);
            let fire = tz.from_local_datetime(&d.and_time(at)).earliest().map(|fire| fire.to_utc());
            fire.filter(|fire| eligible && *fire > after)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn next_fire_is_the_first_valid_fire(
            when in fixed_when(),
            tz in zone(),
            after_seconds in 1_577_836_800i64..2_082_758_400,
            from in proptest::option::of(-400i64..400),
            to in proptest::option::of(-100i64..800),
            skipped in proptest::collection::btree_set(0i64..60, 0..30),
        ) {
            let after = DateTime::from_timestamp(after_seconds, 0).unwrap();
            let after_date = after.with_timezone(&tz).date_naive();
            let day = |offset: i64| after_date + Duration::days(offset);
            let s = Schedule {
                when: when.clone(),
                from: from.map(day),
                to: to.map(day),
                skipped: skipped.into_iter().map(day).collect(),
            };
            let fire = s.next_fire_after(after, tz);
            prop_assert_eq!(fire, brute_force_next(&s, after, tz));
            match fire {
                None => prop_assert!(s.to.is_some(), "an open-ended schedule always fires again"),
                Some(fire) => {
                    let local = fire.with_timezone(&tz);
                    let fire_date = local.date_naive();
                    prop_assert!(fire > after);
                    prop_assert!(s.from.is_none_or(|from| fire_date >= from));
                    prop_assert!(s.to.is_none_or(|to| fire_date <= to));
                    prop_assert!(!s.skipped.contains(&fire_date));
                    match when {
                        When::Daily { at } => prop_assert_eq!(local.time(), at),
                        When::Weekly { days, at } => {
                            prop_assert_eq!(local.time(), at);
                            prop_assert!(days.contains(fire_date.weekday()));
                        }
                        When::Monthly { day, at } => {
                            prop_assert_eq!(local.time(), at);
                            prop_assert_eq!(fire_date.day(), day);
                        }
                        When::Cron(_) => unreachable!(),
                    }
                }
            }
        }

        #[test]
        fn storage_tokens_read_back_unchanged(when in any_when()) {
            prop_assert_eq!(When::parse(&when.to_storage()), Ok(when));
        }
    }
}
