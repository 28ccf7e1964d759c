//! The dates, times and durations that people type, and their conversion between the configured
//! zone's wall clock and the UTC instants that the store keeps.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// Why a text is not a date, time or duration, or why a local time has no instant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// Not of the form `YYYY-MM-DD`, or no such day (`2026-02-30`).
    #[error("{0:?} is not a date of the form YYYY-MM-DD")]
    BadDate(String),
    /// Not of the form `HH:MM`, or out of range (`25:00`, `17:60`).
    #[error("{0:?} is not a time of the form HH:MM")]
    BadTime(String),
    /// The wall-clock time is skipped when the zone's clocks go forward.
    #[error("{at} does not exist in {tz}: the clocks skip it")]
    NonexistentLocalTime { at: NaiveDateTime, tz: Tz },
    /// Not a whole number of seconds, minutes or hours such as `90s`, `30m`, `2h`, or `0`.
    #[error("{0:?} is not a duration such as 90s, 30m, 2h or 0")]
    BadDuration(String),
}

/// Reads a date written strictly as `YYYY-MM-DD`, with surrounding blanks allowed.
pub fn parse_date(input: &str) -> Result<NaiveDate, TimeError> {
    let text = input.trim();
    let bad = || TimeError::BadDate(text.to_owned());
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() });
    if !shaped {
        return Err(bad());
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().map_err(|_| bad());
    let year = i32::try_from(number(0..4)?).map_err(|_| bad())?;
    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?).ok_or_else(bad)
}

/// Reads a 24-hour time written as `HH:MM` or `H:MM`, with surrounding blanks allowed.
pub fn parse_time(input: &str) -> Result<NaiveTime, TimeError> {
    let text = input.trim();
    let bad = || TimeError::BadTime(text.to_owned());
    let (hours, minutes) = text.split_once(':').ok_or_else(bad)?;
    let digits = |part: &str, lengths: std::ops::RangeInclusive<usize>| {
        lengths.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(hours, 1..=2) || !digits(minutes, 2..=2) {
        return Err(bad());
    }
    let number = |part: &str| part.parse::<u32>().map_err(|_| bad());
    NaiveTime::from_hms_opt(number(hours)?, number(minutes)?, 0).ok_or_else(bad)
}

/// The instant at which the wall clock of `tz` shows `time` on `date`. When the clocks go back
/// and the wall time happens twice, the earlier instant; when they go forward over it, an error.
pub fn local_to_utc(date: NaiveDate, time: NaiveTime, tz: Tz) -> Result<DateTime<Utc>, TimeError> {
    let at = date.and_time(time);
    tz.from_local_datetime(&at)
        .earliest()
        .map(|instant| instant.to_utc())
        .ok_or(TimeError::NonexistentLocalTime { at, tz })
}

/// Reads a setting such as `90s`, `30m`, `2h` (any case), or `0` for none.
pub fn parse_duration(input: &str) -> Result<Duration, TimeError> {
    let text = input.trim();
    let bad = || TimeError::BadDuration(text.to_owned());
    if text == "0" {
        return Ok(Duration::zero());
    }
    let lower = text.to_ascii_lowercase();
    let (number, unit_seconds) = if let Some(number) = lower.strip_suffix('s') {
        (number, 1)
    } else if let Some(number) = lower.strip_suffix('m') {
        (number, 60)
    } else if let Some(number) = lower.strip_suffix('h') {
        (number, 3600)
    } else {
        return Err(bad());
    };
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let seconds = number.parse::<i64>().ok().and_then(|n| n.checked_mul(unit_seconds)).ok_or_else(bad)?;
    Duration::try_seconds(seconds).ok_or_else(bad)
}

/// The first instant at which the wall clock of `tz` shows `at` or later: the earlier instant of
/// an ambiguous wall time, or, for a wall time the clocks skip, the instant they jump past it.
/// `None` only if the calendar overflows.
pub(super) fn first_instant_at_or_after(at: NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
    let mut local = at;
    loop {
        if let Some(instant) = tz.from_local_datetime(&local).earliest() {
            return Some(instant.to_utc());
        }
        // Inside a gap. Zone changes happen on whole minutes, so the first wall time after the
        // gap is a whole minute: step to the next one, and on minute by minute.
        local = local.with_second(0)?.with_nanosecond(0)?.checked_add_signed(Duration::minutes(1))?;
    }
}

#[cfg(test)]
mod tests {
    use chrono_tz::{Asia::Ho_Chi_Minh, Europe::Berlin, Pacific::Apia};

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

    #[test]
    fn parses_strict_dates() {
        assert_eq!(parse_date("2026-06-01"), Ok(date(2026, 6, 1)));
        assert_eq!(parse_date(" 2028-02-29 "), Ok(date(2028, 2, 29)));
        for input in [
            "2026-02-30",
            "2027-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-6-1",
            "2026/06/01",
            "+2026-06-01",
            "26-06-01",
            "2026-06-01x",
            "",
            "１２３４-06-01",
        ] {
            assert_eq!(parse_date(input), Err(TimeError::BadDate(input.trim().to_owned())), "{input}");
        }
    }

    #[test]
    fn parses_times_of_the_form_hh_mm() {
        assert_eq!(parse_time("17:30"), Ok(time(17, 30)));
        assert_eq!(parse_time("7:05"), Ok(time(7, 5)));
        assert_eq!(parse_time("00:00"), Ok(time(0, 0)));
        assert_eq!(parse_time(" 23:59 "), Ok(time(23, 59)));
        for input in [
            "25:00", "24:00", "17:60", "17h30", "17:3", "017:30", "17:300", ":30", "17:", "1730", "",
            "-1:30", "+7:30", "17:30:00",
        ] {
            assert_eq!(parse_time(input), Err(TimeError::BadTime(input.to_owned())), "{input}");
        }
    }

    #[test]
    fn converts_local_wall_time_to_utc() {
        assert_eq!(
            local_to_utc(date(2026, 6, 3), time(17, 30), Ho_Chi_Minh),
            Ok(utc("2026-06-03T10:30:00Z"))
        );
        // Berlin: CET (+1) in winter, CEST (+2) in summer.
        assert_eq!(local_to_utc(date(2026, 1, 15), time(9, 0), Berlin), Ok(utc("2026-01-15T08:00:00Z")));
        assert_eq!(local_to_utc(date(2026, 7, 15), time(9, 0), Berlin), Ok(utc("2026-07-15T07:00:00Z")));
    }

    #[test]
    fn skipped_wall_time_is_an_error_and_repeated_one_takes_the_earlier_instant() {
        // 2026-03-29 02:00 → 03:00 in Berlin.
        assert_eq!(
            local_to_utc(date(2026, 3, 29), time(2, 30), Berlin),
            Err(TimeError::NonexistentLocalTime { at: date(2026, 3, 29).and_time(time(2, 30)), tz: Berlin })
        );
        // 2026-10-25 03:00 → 02:00: 02:30 happens at 00:30 UTC (CEST) and 01:30 UTC (CET).
        assert_eq!(local_to_utc(date(2026, 10, 25), time(2, 30), Berlin), Ok(utc("2026-10-25T00:30:00Z")));
    }

    #[test]
    fn parses_durations() {
        assert_eq!(parse_duration("30m"), Ok(Duration::minutes(30)));
        assert_eq!(parse_duration("2h"), Ok(Duration::hours(2)));
        assert_eq!(parse_duration("90s"), Ok(Duration::seconds(90)));
        assert_eq!(parse_duration(" 0 "), Ok(Duration::zero()));
        assert_eq!(parse_duration("0m"), Ok(Duration::zero()));
        assert_eq!(parse_duration("15M"), Ok(Duration::minutes(15)));
        for input in [
            "",
            "m",
            "30",
            "30 m",
            "-5m",
            "+5m",
            "1.5h",
            "2d",
            "1h30m",
            "30min",
            "99999999999999999999h",
            "9223372036854775807h",
            "5ｍ",
        ] {
            assert_eq!(parse_duration(input), Err(TimeError::BadDuration(input.to_owned())), "{input}");
        }
    }

    #[test]
    fn errors_say_what_was_wrong() {
        assert_eq!(
            TimeError::BadDate("2026-02-30".into()).to_string(),
            "\"2026-02-30\" is not a date of the form YYYY-MM-DD"
        );
        assert_eq!(
            TimeError::BadTime("25:00".into()).to_string(),
            "\"25:00\" is not a time of the form HH:MM"
        );
        assert_eq!(
            TimeError::NonexistentLocalTime { at: date(2026, 3, 29).and_time(time(2, 30)), tz: Berlin }
                .to_string(),
            "2026-03-29 02:30:00 does not exist in Europe/Berlin: the clocks skip it"
        );
        assert_eq!(
            TimeError::BadDuration("2d".into()).to_string(),
            "\"2d\" is not a duration such as 90s, 30m, 2h or 0"
        );
    }

    #[test]
    fn first_instant_at_or_after_jumps_over_gaps() {
        let at = |d: NaiveDate, h, m, s| d.and_hms_opt(h, m, s).unwrap();
        assert_eq!(
            first_instant_at_or_after(at(date(2026, 6, 1), 0, 0, 0), Ho_Chi_Minh),
            Some(utc("2026-05-31T17:00:00Z"))
        );
        // Inside Berlin's gap, even from a time with seconds: the switch at 01:00 UTC.
        assert_eq!(
            first_instant_at_or_after(at(date(2026, 3, 29), 2, 30, 15), Berlin),
            Some(utc("2026-03-29T01:00:00Z"))
        );
        // Repeated wall time: the earlier instant.
        assert_eq!(
            first_instant_at_or_after(at(date(2026, 10, 25), 2, 30, 0), Berlin),
            Some(utc("2026-10-25T00:30:00Z"))
        );
        // Samoa skipped 2011-12-30 entirely: its midnight is the start of the 31st (+14), which
        // is 10:00 UTC on the 30th.
        assert_eq!(
            first_instant_at_or_after(at(date(2011, 12, 30), 0, 0, 0), Apia),
            Some(utc("2011-12-30T10:00:00Z"))
        );
        // West of Greenwich the last wall times of the calendar have no instant, and neither do later ones.
        assert_eq!(first_instant_at_or_after(NaiveDateTime::MAX, chrono_tz::America::New_York), None);
    }
}
