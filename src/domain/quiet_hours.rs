//! Quiet hours: a daily stretch of wall-clock time in which non-urgent messages wait.

use std::fmt;

use chrono::{DateTime, Days, LocalResult, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::local_time::{first_instant_at_or_after, parse_time};

/// From `start` (included) to `end` (excluded) every day, in the configured zone's wall time;
/// wraps past midnight when `end` is earlier than `start` (`22:00-06:00`). Equal ends make an
/// empty stretch, which parsing refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// Why a text is not quiet hours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuietHoursError {
    #[error("{0:?} is not quiet hours of the form HH:MM-HH:MM, or off")]
    Malformed(String),
    #[error("{0:?} is not a time of the form HH:MM")]
    BadTime(String),
    #[error("quiet hours that start and end at {} are empty", .0.format("%H:%M"))]
    Empty(NaiveTime),
}

impl QuietHours {
    /// Reads `22:00-06:00`, or `off` (any case) for none.
    pub fn parse(input: &str) -> Result<Option<QuietHours>, QuietHoursError> {
        let text = input.trim();
        if text.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let (start, end) = text.split_once('-').ok_or_else(|| QuietHoursError::Malformed(text.to_owned()))?;
        let time =
            |part: &str| parse_time(part).map_err(|_| QuietHoursError::BadTime(part.trim().to_owned()));
        let (start, end) = (time(start)?, time(end)?);
        if start == end {
            return Err(QuietHoursError::Empty(start));
        }
        Ok(Some(QuietHours { start, end }))
    }

    /// Whether a wall time falls into the quiet hours.
    pub fn contains(&self, time: NaiveTime) -> bool {
        if self.start <= self.end {
            self.start <= time && time < self.end
        } else {
            self.start <= time || time < self.end
        }
    }

    /// If `instant` falls into the quiet hours in `tz`, the instant they end: the next time the
    /// wall clock shows `end` (the first instant after a gap if the clocks skip `end`).
    pub fn ends_after(&self, instant: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        let local = instant.with_timezone(&tz);
        if !self.contains(local.time()) {
            return None;
        }
        let today = local.date_naive();
        [Some(today), today.checked_add_days(Days::new(1))]
            .into_iter()
            .flatten()
            .flat_map(|date| {
                let end = date.and_time(self.end);
                match tz.from_local_datetime(&end) {
                    LocalResult::Single(at) => vec![at.to_utc()],
                    LocalResult::Ambiguous(first, second) => vec![first.to_utc(), second.to_utc()],
                    LocalResult::None => first_instant_at_or_after(end, tz).into_iter().collect(),
                }
            })
            .find(|end| *end > instant)
    }
}

impl fmt::Display for QuietHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start.format("%H:%M"), self.end.format("%H:%M"))
    }
}

#[cfg(test)]
mod tests {
    use chrono_tz::{Asia::Ho_Chi_Minh, Europe::Berlin};

    use super::*;

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn quiet(text: &str) -> QuietHours {
        QuietHours::parse(text).unwrap().unwrap()
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn parses_ranges_and_off() {
        assert_eq!(
            QuietHours::parse("22:00-06:00"),
            Ok(Some(QuietHours { start: time(22, 0), end: time(6, 0) }))
        );
        assert_eq!(
            QuietHours::parse(" 12:30 - 13:45 "),
            Ok(Some(QuietHours { start: time(12, 30), end: time(13, 45) }))
        );
        assert_eq!(
            QuietHours::parse("7:00-9:00"),
            Ok(Some(QuietHours { start: time(7, 0), end: time(9, 0) }))
        );
        assert_eq!(QuietHours::parse("off"), Ok(None));
        assert_eq!(QuietHours::parse(" OFF "), Ok(None));
    }

    #[test]
    fn rejects_what_is_not_quiet_hours() {
        assert_eq!(QuietHours::parse("22:00"), Err(QuietHoursError::Malformed("22:00".into())));
        assert_eq!(QuietHours::parse(""), Err(QuietHoursError::Malformed("".into())));
        let en_dash = "22:00–06:00";
        assert_eq!(QuietHours::parse(en_dash), Err(QuietHoursError::Malformed(en_dash.into())));
        assert_eq!(QuietHours::parse("25:00-06:00"), Err(QuietHoursError::BadTime("25:00".into())));
        assert_eq!(QuietHours::parse("22:00-6h"), Err(QuietHoursError::BadTime("6h".into())));
        assert_eq!(
            QuietHours::parse("22:00-06:00-07:00"),
            Err(QuietHoursError::BadTime("06:00-07:00".into()))
        );
        assert_eq!(QuietHours::parse("22:00-22:00"), Err(QuietHoursError::Empty(time(22, 0))));
        assert_eq!(
            QuietHoursError::Empty(time(22, 0)).to_string(),
            "quiet hours that start and end at 22:00 are empty"
        );
        assert_eq!(
            QuietHoursError::Malformed("x".into()).to_string(),
            "\"x\" is not quiet hours of the form HH:MM-HH:MM, or off"
        );
    }

    #[test]
    fn contains_start_but_not_end_and_wraps_midnight() {
        let night = quiet("22:00-06:00");
        for (h, m, inside) in [
            (22, 0, true),
            (23, 59, true),
            (0, 0, true),
            (5, 59, true),
            (6, 0, false),
            (12, 0, false),
            (21, 59, false),
        ] {
            assert_eq!(night.contains(time(h, m)), inside, "{h}:{m}");
        }
        let noon = quiet("12:00-13:30");
        for (h, m, inside) in [(12, 0, true), (13, 29, true), (13, 30, false), (11, 59, false), (0, 0, false)]
        {
            assert_eq!(noon.contains(time(h, m)), inside, "{h}:{m}");
        }
        let empty = QuietHours { start: time(8, 0), end: time(8, 0) };
        assert!(!empty.contains(time(8, 0)) && !empty.contains(time(20, 0)));
    }

    #[test]
    fn displays_as_it_is_written() {
        assert_eq!(quiet("7:00-9:05").to_string(), "07:00-09:05");
        assert_eq!(quiet(&quiet("22:00-06:00").to_string()), quiet("22:00-06:00"));
    }

    #[test]
    fn ends_at_the_next_end_wall_time() {
        let night = quiet("22:00-06:00");
        // 23:00 on 1 June in Hanoi time (UTC+7) → 06:00 on 2 June = 23:00 UTC on 1 June.
        assert_eq!(
            night.ends_after(utc("2026-06-01T16:00:00Z"), Ho_Chi_Minh),
            Some(utc("2026-06-01T23:00:00Z"))
        );
        // 05:59:30 on 2 June → 06:00 the same day.
        assert_eq!(
            night.ends_after(utc("2026-06-01T22:59:30Z"), Ho_Chi_Minh),
            Some(utc("2026-06-01T23:00:00Z"))
        );
        // 22:00 exactly is quiet.
        assert_eq!(
            night.ends_after(utc("2026-06-01T15:00:00Z"), Ho_Chi_Minh),
            Some(utc("2026-06-01T23:00:00Z"))
        );
        // 06:00 and noon are not.
        assert_eq!(night.ends_after(utc("2026-06-01T23:00:00Z"), Ho_Chi_Minh), None);
        assert_eq!(night.ends_after(utc("2026-06-02T05:00:00Z"), Ho_Chi_Minh), None);
        let noon = quiet("12:00-13:30");
        assert_eq!(
            noon.ends_after(utc("2026-06-02T05:10:00Z"), Ho_Chi_Minh),
            Some(utc("2026-06-02T06:30:00Z"))
        );
    }

    #[test]
    fn ends_across_clock_changes() {
        // Berlin, 29 March 2026: 02:00 → 03:00. Quiet until 02:30, which is skipped: they end at
        // the jump, 01:00 UTC.
        let early = quiet("22:00-02:30");
        assert_eq!(early.ends_after(utc("2026-03-28T23:30:00Z"), Berlin), Some(utc("2026-03-29T01:00:00Z")));
        // 25 October 2026: 03:00 → 02:00. At 02:15 the first time (00:15 UTC) quiet hours end at
        // the first 02:30 (00:30 UTC); at 02:15 the second time (01:15 UTC), at the second 02:30.
        assert_eq!(early.ends_after(utc("2026-10-25T00:15:00Z"), Berlin), Some(utc("2026-10-25T00:30:00Z")));
        assert_eq!(early.ends_after(utc("2026-10-25T01:15:00Z"), Berlin), Some(utc("2026-10-25T01:30:00Z")));
        // Summer time: 23:00 CEST → 02:30 CEST = 00:30 UTC.
        assert_eq!(early.ends_after(utc("2026-07-01T21:00:00Z"), Berlin), Some(utc("2026-07-02T00:30:00Z")));
    }
}
