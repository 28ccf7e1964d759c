//! The ward's weeks, Monday to Sunday on its own wall clock: an announcement confirmed on
//! Sunday at 23:30 in Hà Nội belongs to that week, even though it is Sunday 16:30 in UTC and
//! Monday 00:30 is already the next week.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

use super::local_time::first_instant_at_or_after;

/// A run of consecutive weeks in one time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weeks {
    /// The Monday the first week starts on.
    first: NaiveDate,
    count: usize,
    zone: Tz,
}

impl Weeks {
    /// The `count` weeks that end with the one `now` falls in (that week so far included).
    pub fn ending_at(now: DateTime<Utc>, zone: Tz, count: usize) -> Weeks {
        let last = monday_of(now, zone);
        let back = 7 * count.saturating_sub(1) as u64;
        let first = last.checked_sub_days(Days::new(back)).unwrap_or(NaiveDate::MIN);
        Weeks { first, count, zone }
    }

    /// The instant the first week starts: its Monday's midnight in the zone.
    pub fn start(&self) -> DateTime<Utc> {
        let midnight = self.first.and_time(NaiveTime::MIN);
        first_instant_at_or_after(midnight, self.zone).unwrap_or(DateTime::<Utc>::MIN_UTC)
    }

    /// The Mondays the weeks start on, in order.
    pub fn mondays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        (0..self.count).filter_map(|week| self.first.checked_add_days(Days::new(7 * week as u64)))
    }

    /// Which of the weeks `at` falls in, if any.
    pub fn index_of(&self, at: DateTime<Utc>) -> Option<usize> {
        let days = (monday_of(at, self.zone) - self.first).num_days();
        let index = usize::try_from(days / 7).ok().filter(|_| days >= 0)?;
        (index < self.count).then_some(index)
    }
}

/// The Monday of the week `at` falls in, on the zone's wall clock.
fn monday_of(at: DateTime<Utc>, zone: Tz) -> NaiveDate {
    let day = at.with_timezone(&zone).date_naive();
    let since_monday = u64::from(day.weekday().num_days_from_monday());
    day.checked_sub_days(Days::new(since_monday)).unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use chrono_tz::{Asia::Ho_Chi_Minh, Europe::Berlin};

    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn sunday_late_evening_and_monday_just_after_midnight_are_different_weeks() {
        // Hà Nội is UTC+7: Sunday 2026-05-31 23:30 local is 16:30 UTC, Monday 00:30 is 17:30 UTC.
        let sunday_night = utc("2026-05-31T16:30:00Z");
        let monday_morning = utc("2026-05-31T17:30:00Z");
        assert_eq!(monday_of(sunday_night, Ho_Chi_Minh), date(2026, 5, 25));
        assert_eq!(monday_of(monday_morning, Ho_Chi_Minh), date(2026, 6, 1));
        // Both are Sunday in UTC: bucketing by UTC would put them together.
        assert_eq!(monday_of(monday_morning, chrono_tz::UTC), date(2026, 5, 25));

        let weeks = Weeks::ending_at(monday_morning, Ho_Chi_Minh, 12);
        assert_eq!(weeks.index_of(sunday_night), Some(10));
        assert_eq!(weeks.index_of(monday_morning), Some(11));
    }

    #[test]
    fn twelve_weeks_start_on_the_monday_eleven_weeks_before_this_one_at_local_midnight() {
        let now = utc("2026-06-03T03:00:00Z"); // Wednesday 10:00 in Hà Nội
        let weeks = Weeks::ending_at(now, Ho_Chi_Minh, 12);
        let mondays: Vec<NaiveDate> = weeks.mondays().collect();
        assert_eq!(mondays.len(), 12);
        assert_eq!(mondays[0], date(2026, 3, 16));
        assert_eq!(mondays[11], date(2026, 6, 1));
        // Midnight of Monday 16 March in Hà Nội is 17:00 UTC on Sunday 15 March.
        assert_eq!(weeks.start(), utc("2026-03-15T17:00:00Z"));
        assert_eq!(weeks.index_of(weeks.start()), Some(0));
        assert_eq!(weeks.index_of(weeks.start() - chrono::Duration::seconds(1)), None, "before the window");
        assert_eq!(weeks.index_of(utc("2026-06-08T00:00:00Z")), None, "after the window");
    }

    #[test]
    fn a_week_with_a_clock_change_is_still_one_week() {
        // Berlin moves its clocks forward on Sunday 2026-03-29: that week has 167 hours.
        let weeks = Weeks::ending_at(utc("2026-04-01T12:00:00Z"), Berlin, 2);
        assert_eq!(weeks.start(), utc("2026-03-22T23:00:00Z"), "Monday 23 March, 00:00 CET");
        assert_eq!(weeks.index_of(utc("2026-03-29T21:59:00Z")), Some(0), "Sunday 23:59 CEST");
        assert_eq!(weeks.index_of(utc("2026-03-29T22:00:00Z")), Some(1), "Monday 00:00 CEST");
    }
}
