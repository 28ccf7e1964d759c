//! When a recurring reminder fires, as officials write it: `daily@17:30`, `mon,wed,fri@17:30`,
//! `t2,t4,t6@17:30`, `monthly-15@08:00`, `tháng-15@08:00`, or a quoted cron expression.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Weekday, WeekdaySet};
use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};

use crate::domain::local_time::parse_time;

/// When a recurring reminder fires, in the wall-clock time of the configured zone. `at` is a
/// whole minute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    Daily {
        at: NaiveTime,
    },
    /// On the given weekdays; an empty set never fires (parsing never yields one).
    Weekly {
        days: WeekdaySet,
        at: NaiveTime,
    },
    /// On the given day of each month, 1 to 31; months without that day are left out, so day 31
    /// fires in seven months a year. A day outside 1 to 31 never fires.
    Monthly {
        day: u32,
        at: NaiveTime,
    },
    Cron(CronExpr),
}

/// A validated cron expression with six fields, seconds first (`0 30 17 * * Mon,Wed,Fri`), read
/// exactly as the scheduler of tokio-cron-scheduler reads it: day of month and day of week must
/// both match. Equal when the (blank-normalised) source texts are equal.
#[derive(Debug, Clone)]
pub struct CronExpr {
    source: String,
    cron: Box<Cron>,
}

/// Why a text is not a schedule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WhenError {
    #[error("no schedule given")]
    Missing,
    /// Neither `what@HH:MM` nor a cron expression.
    #[error("{0:?} is not a schedule such as daily@17:30, mon,wed,fri@17:30, monthly-15@08:00 or \"cron\"")]
    Malformed(String),
    #[error("{0:?} is not a weekday (mon to sun, t2 to t7, cn)")]
    UnknownWeekday(String),
    #[error("{0:?} is not a time of the form HH:MM")]
    BadTime(String),
    #[error("{0:?} is not a day of the month (1 to 31)")]
    BadDayOfMonth(String),
    /// `reason` is the cron parser's own message.
    #[error("{expr:?} is not a valid cron expression with six fields, seconds first: {reason}")]
    BadCron { expr: String, reason: String },
    /// Valid, but matches no date (`0 0 0 31 2 *`).
    #[error("the cron expression {0:?} never fires")]
    CronNeverFires(String),
    /// An opening quote with no closing one.
    #[error("the closing quote of the cron expression is missing")]
    UnclosedQuote,
}

const OPENING_QUOTES: [char; 2] = ['"', '“'];
const CLOSING_QUOTES: [char; 2] = ['"', '”'];
const WEEK: [Weekday; 7] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];
const DAILY_WORDS: [&str; 2] = ["daily", "hangngay"];
const MONTHLY_WORDS: [&str; 3] = ["monthly", "thang", "tháng"];

impl When {
    /// Reads one schedule token: `daily@17:30` or `hangngay@17:30`; weekdays `mon,wed,fri@17:30`
    /// or `t2,t4,t6@17:30` (`t2`/`th2` to `t7`/`th7` are Monday to Saturday, `cn` Sunday); a day
    /// of the month `monthly-15@08:00`, `thang-15@08:00` or `tháng-15@08:00`; or a cron
    /// expression, with or without its double quotes (straight or typographic). Words are matched
    /// without regard to case.
    pub fn parse(token: &str) -> Result<When, WhenError> {
        let token = token.trim();
        if token.is_empty() {
            return Err(WhenError::Missing);
        }
        if let Some(inner) = strip_quotes(token) {
            return CronExpr::parse(inner).map(When::Cron);
        }
        let Some((repeat, time)) = token.split_once('@') else {
            return if token.contains(char::is_whitespace) {
                CronExpr::parse(token).map(When::Cron)
            } else {
                Err(WhenError::Malformed(token.to_owned()))
            };
        };
        if repeat.trim().is_empty() {
            return Err(WhenError::Malformed(token.to_owned()));
        }
        let repeat = Repeat::parse(repeat)?;
        let at = parse_time(time).map_err(|_| WhenError::BadTime(time.trim().to_owned()))?;
        Ok(match repeat {
            Repeat::Daily => When::Daily { at },
            Repeat::Weekly(days) => When::Weekly { days, at },
            Repeat::Monthly(day) => When::Monthly { day, at },
        })
    }

    /// The canonical token for this schedule, which [`When::parse`] reads back as an equal value:
    /// `daily@17:30`, `mon,wed,fri@17:30`, `monthly-15@08:00` or `"0 30 17 * * Mon,Wed,Fri"`.
    pub fn to_storage(&self) -> String {
        match self {
            When::Daily { at } => format!("daily@{}", at.format("%H:%M")),
            When::Weekly { days, at } => {
                let days: Vec<&str> = days.iter(Weekday::Mon).map(english_abbreviation).collect();
                format!("{}@{}", days.join(","), at.format("%H:%M"))
            }
            When::Monthly { day, at } => format!("monthly-{day}@{}", at.format("%H:%M")),
            When::Cron(cron) => format!("\"{}\"", cron.source),
        }
    }
}

/// Reads the first token of a command's arguments as a schedule: a double-quoted cron expression
/// (straight or typographic quotes) or one word without blanks. Returns it with the rest of the
/// arguments, leading blanks removed.
pub fn split_when(args: &str) -> Result<(When, &str), WhenError> {
    let args = args.trim_start();
    let end = if args.starts_with(OPENING_QUOTES) {
        let opening = args.chars().next().map_or(0, char::len_utf8);
        let closing = args[opening..].find(CLOSING_QUOTES).ok_or(WhenError::UnclosedQuote)?;
        let closing_len = args[opening + closing..].chars().next().map_or(0, char::len_utf8);
        opening + closing + closing_len
    } else {
        args.find(char::is_whitespace).unwrap_or(args.len())
    };
    let (token, rest) = args.split_at(end);
    Ok((When::parse(token)?, rest.trim_start()))
}

/// The inside of `"…"` or `“…”` (either opening with either closing quote).
fn strip_quotes(token: &str) -> Option<&str> {
    token.strip_prefix(OPENING_QUOTES)?.strip_suffix(CLOSING_QUOTES)
}

/// What comes before the `@`.
enum Repeat {
    Daily,
    Weekly(WeekdaySet),
    Monthly(u32),
}

impl Repeat {
    fn parse(text: &str) -> Result<Repeat, WhenError> {
        let lower = text.trim().to_lowercase();
        if DAILY_WORDS.contains(&lower.as_str()) {
            return Ok(Repeat::Daily);
        }
        if let Some(day) = MONTHLY_WORDS.iter().find_map(|word| lower.strip_prefix(word))
            && (day.is_empty() || day.starts_with('-'))
        {
            return parse_day_of_month(day.strip_prefix('-').unwrap_or(day)).map(Repeat::Monthly);
        }
        text.split(',')
            .map(|word| {
                parse_weekday(word.trim()).ok_or_else(|| WhenError::UnknownWeekday(word.trim().to_owned()))
            })
            .collect::<Result<WeekdaySet, WhenError>>()
            .map(Repeat::Weekly)
    }
}

fn parse_day_of_month(text: &str) -> Result<u32, WhenError> {
    let bad = || WhenError::BadDayOfMonth(text.to_owned());
    if !(1..=2).contains(&text.len()) || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    text.parse().ok().filter(|day| (1..=31).contains(day)).ok_or_else(bad)
}

/// `mon` … `sun`, or the Vietnamese `t2`/`th2` … `t7`/`th7` and `cn`, in any case.
fn parse_weekday(word: &str) -> Option<Weekday> {
    let lower = word.to_lowercase();
    if let Some(day) = WEEK.into_iter().find(|day| english_abbreviation(*day) == lower) {
        return Some(day);
    }
    match lower.strip_prefix("th").or_else(|| lower.strip_prefix('t')) {
        Some("2") => Some(Weekday::Mon),
        Some("3") => Some(Weekday::Tue),
        Some("4") => Some(Weekday::Wed),
        Some("5") => Some(Weekday::Thu),
        Some("6") => Some(Weekday::Fri),
        Some("7") => Some(Weekday::Sat),
        _ => (lower == "cn").then_some(Weekday::Sun),
    }
}

fn english_abbreviation(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

impl PartialEq for CronExpr {
    fn eq(&self, other: &CronExpr) -> bool {
        self.source == other.source
    }
}

impl Eq for CronExpr {}

impl CronExpr {
    /// The span searched for a matching date. With no year field, whatever a pattern matches
    /// recurs with the 28-year cycle of weekdays and leap years (exact for 1901–2099), so a pattern
    /// that matches no date in one cycle never fires. (croner's own search would only give up at
    /// the year 5000, which takes a noticeable fraction of a second.)
    const CYCLE_YEARS: i32 = 28;
    const CYCLE_START: NaiveDate = NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid date");

    fn parse(text: &str) -> Result<CronExpr, WhenError> {
        let source = text.split_whitespace().collect::<Vec<_>>().join(" ");
        // tokio-cron-scheduler parses with seconds required and dom_and_dow; a year field would
        // be optional there, but a schedule here has exactly six fields.
        let parser =
            CronParser::builder().seconds(Seconds::Required).year(Year::Disallowed).dom_and_dow(true).build();
        let cron = parser
            .parse(&source)
            .map_err(|error| WhenError::BadCron { expr: source.clone(), reason: error.to_string() })?;
        let expr = CronExpr { source, cron: Box::new(cron) };
        if expr.fires_in_cycle() { Ok(expr) } else { Err(WhenError::CronNeverFires(expr.source)) }
    }

    /// The source text, blanks normalised to single spaces, case as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether some date of one calendar cycle from 2000-01-01 matches (every time field that
    /// parses matches some value).
    fn fires_in_cycle(&self) -> bool {
        let pattern = &self.cron.pattern;
        let date_matches = |date: &NaiveDate| {
            matches!(pattern.month_match(date.month()), Ok(true))
                && matches!(pattern.day_match(date.year(), date.month(), date.day()), Ok(true))
        };
        let end_year = Self::CYCLE_START.year() + Self::CYCLE_YEARS;
        Self::CYCLE_START
            .iter_days()
            .take_while(|date| date.year() < end_year)
            .any(|date| date_matches(&date))
    }

    /// The next wall time after (or at, if `inclusive`) `start` that the pattern matches, as
    /// croner finds it: a wall time the clocks skip comes back as the first instant after the gap
    /// (see [`CronExpr::matches`]), a repeated one as its earlier instant.
    pub(super) fn find_next(&self, start: DateTime<Tz>, inclusive: bool) -> Option<DateTime<Tz>> {
        self.cron.find_next_occurrence(&start, inclusive).ok()
    }

    /// Whether the wall time of `instant` matches the pattern.
    pub(super) fn matches(&self, instant: &DateTime<Tz>) -> bool {
        matches!(self.cron.is_time_matching(instant), Ok(true))
    }

    /// Whether no two fires are less than an hour apart on the wall clock. That holds exactly
    /// when the seconds field allows one value and the minutes field one value: two seconds or
    /// two minutes would mean two fires within one hour.
    pub fn fires_at_most_hourly(&self) -> bool {
        self.seconds().len() == 1 && self.minutes().len() == 1
    }

    /// Every wall time of day at which the pattern fires, sorted: its hour, minute and second
    /// fields combine freely, whatever the date.
    pub(super) fn times_of_day(&self) -> Vec<NaiveTime> {
        let (hours, minutes, seconds) = (self.hours(), self.minutes(), self.seconds());
        let mut times = Vec::with_capacity(hours.len() * minutes.len() * seconds.len());
        for hour in &hours {
            for minute in &minutes {
                times.extend(
                    seconds.iter().filter_map(|second| NaiveTime::from_hms_opt(*hour, *minute, *second)),
                );
            }
        }
        times
    }

    fn hours(&self) -> Vec<u32> {
        (0..24).filter(|h| matches!(self.cron.pattern.hour_match(*h), Ok(true))).collect()
    }

    fn minutes(&self) -> Vec<u32> {
        (0..60).filter(|m| matches!(self.cron.pattern.minute_match(*m), Ok(true))).collect()
    }

    fn seconds(&self) -> Vec<u32> {
        (0..60).filter(|s| matches!(self.cron.pattern.second_match(*s), Ok(true))).collect()
    }
}

#[cfg(test)]
mod tests {
    use chrono::WeekdaySet;

    use super::*;

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn weekly(days: &[Weekday], h: u32, m: u32) -> When {
        When::Weekly { days: days.iter().copied().collect::<WeekdaySet>(), at: time(h, m) }
    }

    fn cron_source(token: &str) -> String {
        match When::parse(token) {
            Ok(When::Cron(cron)) => cron.source().to_owned(),
            other => panic!("{token}: {other:?}"),
        }
    }

    #[test]
    fn parses_daily_in_both_languages() {
        for token in ["daily@17:30", "hangngay@17:30", "DAILY@17:30", "HangNgay@17:30", " daily@17:30 "] {
            assert_eq!(When::parse(token), Ok(When::Daily { at: time(17, 30) }), "{token}");
        }
        assert_eq!(When::parse("daily@7:05"), Ok(When::Daily { at: time(7, 5) }));
    }

    #[test]
    fn parses_weekday_lists_in_both_languages() {
        use Weekday::*;
        let mon_wed_fri = weekly(&[Mon, Wed, Fri], 17, 30);
        for token in [
            "mon,wed,fri@17:30",
            "Mon,WED,fri@17:30",
            "fri,mon,wed@17:30",
            "mon,wed,fri,mon@17:30",
            "t2,t4,t6@17:30",
            "T2,th4,TH6@17:30",
            "mon, wed, fri@17:30",
        ] {
            assert_eq!(When::parse(token), Ok(mon_wed_fri.clone()), "{token}");
        }
        assert_eq!(When::parse("t3,t5,t7,cn@08:00"), Ok(weekly(&[Tue, Thu, Sat, Sun], 8, 0)));
        assert_eq!(When::parse("CN@08:00"), Ok(weekly(&[Sun], 8, 0)));
        assert_eq!(When::parse("tue,thu,sat,sun@08:00"), Ok(weekly(&[Tue, Thu, Sat, Sun], 8, 0)));
        assert_eq!(When::parse("th7@06:15"), Ok(weekly(&[Sat], 6, 15)));
    }

    #[test]
    fn parses_days_of_the_month_in_both_languages() {
        for token in
            ["monthly-15@08:00", "thang-15@08:00", "tháng-15@08:00", "Tháng-15@08:00", "MONTHLY-15@8:00"]
        {
            assert_eq!(When::parse(token), Ok(When::Monthly { day: 15, at: time(8, 0) }), "{token}");
        }
        assert_eq!(When::parse("monthly-1@00:00"), Ok(When::Monthly { day: 1, at: time(0, 0) }));
        assert_eq!(When::parse("monthly-31@23:59"), Ok(When::Monthly { day: 31, at: time(23, 59) }));
        assert_eq!(When::parse("monthly-05@08:00"), Ok(When::Monthly { day: 5, at: time(8, 0) }));
    }

    #[test]
    fn parses_cron_expressions_with_or_without_quotes() {
        for token in [
            "\"0 30 17 * * Mon,Wed,Fri\"",
            "“0 30 17 * * Mon,Wed,Fri”",
            "0 30 17 * * Mon,Wed,Fri",
            "\"  0  30 17 * *   Mon,Wed,Fri \"",
        ] {
            assert_eq!(cron_source(token), "0 30 17 * * Mon,Wed,Fri", "{token}");
        }
        assert_eq!(cron_source("\"*/10 * 8-17 ? * MON-FRI\""), "*/10 * 8-17 ? * MON-FRI");
        // croner's nicknames, as tokio-cron-scheduler reads them.
        assert_eq!(cron_source("\"@daily\""), "@daily");
        // Fires only on Monday 29 February (2016, 2044, …): rare, but it fires.
        assert_eq!(cron_source("\"0 0 9 29 2 Mon\""), "0 0 9 29 2 Mon");
        assert_eq!(When::parse("\"0 0 9 * * *\""), When::parse("0 0 9 * * *"));
        assert_ne!(When::parse("\"0 0 9 * * *\""), When::parse("\"0 0 10 * * *\""));
    }

    #[test]
    fn rejects_malformed_tokens() {
        assert_eq!(When::parse(""), Err(WhenError::Missing));
        assert_eq!(When::parse("   "), Err(WhenError::Missing));
        assert_eq!(When::parse("daily"), Err(WhenError::Malformed("daily".into())));
        assert_eq!(When::parse("17:30"), Err(WhenError::Malformed("17:30".into())));
        assert_eq!(When::parse("@17:30"), Err(WhenError::Malformed("@17:30".into())));
        assert_eq!(When::parse("@daily"), Err(WhenError::Malformed("@daily".into())));
    }

    #[test]
    fn rejects_unknown_weekdays_naming_them() {
        for (token, word) in [
            ("mon,xyz,fri@17:30", "xyz"),
            ("t8@17:30", "t8"),
            ("T1@17:30", "T1"),
            ("monday@17:30", "monday"),
            ("mon,,fri@17:30", ""),
            ("weekly@17:30", "weekly"),
            ("thang15@08:00", "thang15"),
            ("thứ2@08:00", "thứ2"),
        ] {
            assert_eq!(When::parse(token), Err(WhenError::UnknownWeekday(word.into())), "{token}");
        }
    }

    #[test]
    fn rejects_bad_times_naming_them() {
        for (token, time) in [
            ("daily@25:00", "25:00"),
            ("mon@17:60", "17:60"),
            ("monthly-1@17h30", "17h30"),
            ("daily@", ""),
            ("daily@17:30@18:00", "17:30@18:00"),
        ] {
            assert_eq!(When::parse(token), Err(WhenError::BadTime(time.into())), "{token}");
        }
    }

    #[test]
    fn rejects_bad_days_of_the_month_naming_them() {
        for (token, day) in [
            ("monthly-32@08:00", "32"),
            ("monthly-0@08:00", "0"),
            ("thang-x@08:00", "x"),
            ("monthly-@08:00", ""),
            ("monthly@08:00", ""),
            ("tháng-015@08:00", "015"),
            ("monthly--1@08:00", "-1"),
        ] {
            assert_eq!(When::parse(token), Err(WhenError::BadDayOfMonth(day.into())), "{token}");
        }
    }

    #[test]
    fn rejects_invalid_cron_with_the_parsers_reason() {
        for (token, expr) in [
            ("\"0 30 17 * *\"", "0 30 17 * *"),
            ("\"0 0 30 17 * * 2026\"", "0 0 30 17 * * 2026"),
            ("\"0 61 17 * * *\"", "0 61 17 * * *"),
            ("0 30 17 * * Mon;", "0 30 17 * * Mon;"),
            ("\"\"", ""),
            ("“0 0 25 * * *”", "0 0 25 * * *"),
        ] {
            match When::parse(token) {
                Err(WhenError::BadCron { expr: got, reason }) => {
                    assert_eq!(got, expr, "{token}");
                    assert!(!reason.is_empty(), "{token}");
                }
                other => panic!("{token}: {other:?}"),
            }
        }
        let Err(WhenError::BadCron { reason, .. }) = When::parse("\"0 30 17 * *\"") else { panic!() };
        assert!(reason.contains("6 fields"), "{reason}");
    }

    #[test]
    fn rejects_cron_that_never_fires() {
        for expr in ["0 0 0 31 2 *", "0 0 0 30 2 *", "0 0 9 31 4,6,9,11 *"] {
            assert_eq!(
                When::parse(&format!("\"{expr}\"")),
                Err(WhenError::CronNeverFires(expr.into())),
                "{expr}"
            );
        }
    }

    #[test]
    fn a_cron_fires_at_most_hourly_only_with_one_second_and_one_minute() {
        let cron = |expr: &str| match When::parse(&format!("\"{expr}\"")) {
            Ok(When::Cron(cron)) => cron,
            other => panic!("{expr}: {other:?}"),
        };
        for expr in ["0 30 17 * * *", "0 0 * * * *", "15 45 8-17 * * Mon-Fri", "@daily", "@hourly"] {
            assert!(cron(expr).fires_at_most_hourly(), "{expr}");
        }
        for expr in ["* * * * * *", "0 */30 * * * *", "0,30 0 8 * * *", "0 * 8 * * *", "*/10 0 8 * * *"] {
            assert!(!cron(expr).fires_at_most_hourly(), "{expr}");
        }
    }

    #[test]
    fn splits_the_schedule_from_the_rest() {
        let (when, rest) = split_when("  mon,wed,fri@17:30   Họp tổ dân phố ").unwrap();
        assert_eq!(
            (when, rest),
            (weekly(&[Weekday::Mon, Weekday::Wed, Weekday::Fri], 17, 30), "Họp tổ dân phố ")
        );
        assert_eq!(split_when("daily@06:00"), Ok((When::Daily { at: time(6, 0) }, "")));
        for args in [
            "\"0 30 17 * * Mon,Wed,Fri\" Thu gom rác",
            "“0 30 17 * * Mon,Wed,Fri” Thu gom rác",
            "\"0 30 17 * * Mon,Wed,Fri”\nThu gom rác",
        ] {
            let (when, rest) = split_when(args).unwrap();
            assert_eq!(when.to_storage(), "\"0 30 17 * * Mon,Wed,Fri\"", "{args}");
            assert_eq!(rest, "Thu gom rác", "{args}");
        }
        let (when, rest) = split_when("“0 0 8 * * *”Xin chào").unwrap();
        assert_eq!((when.to_storage().as_str(), rest), ("\"0 0 8 * * *\"", "Xin chào"));
    }

    #[test]
    fn split_reports_what_is_wrong_with_the_first_token() {
        assert_eq!(split_when(""), Err(WhenError::Missing));
        assert_eq!(split_when("   "), Err(WhenError::Missing));
        assert_eq!(split_when("\"0 30 17 * * Mon thu gom rác"), Err(WhenError::UnclosedQuote));
        assert_eq!(split_when("“0 30 17 * * Mon"), Err(WhenError::UnclosedQuote));
        assert_eq!(split_when("daily@25:00 text"), Err(WhenError::BadTime("25:00".into())));
        assert_eq!(split_when("0 30 17 * * * text"), Err(WhenError::Malformed("0".into())));
        assert!(matches!(split_when("\"0 30 17 * *\" text"), Err(WhenError::BadCron { .. })));
    }

    #[test]
    fn storage_tokens_are_canonical() {
        for (token, stored) in [
            ("hangngay@7:05", "daily@07:05"),
            ("t6,t2,cn,t4@17:30", "mon,wed,fri,sun@17:30"),
            ("Tháng-5@08:00", "monthly-5@08:00"),
            ("“0  30 17 * * Mon,Wed,Fri”", "\"0 30 17 * * Mon,Wed,Fri\""),
        ] {
            let when = When::parse(token).unwrap();
            assert_eq!(when.to_storage(), stored, "{token}");
            assert_eq!(When::parse(&when.to_storage()), Ok(when), "{token}");
        }
    }

    #[test]
    fn errors_say_what_was_wrong() {
        assert_eq!(
            WhenError::UnknownWeekday("xyz".into()).to_string(),
            "\"xyz\" is not a weekday (mon to sun, t2 to t7, cn)"
        );
        assert_eq!(
            WhenError::BadTime("25:00".into()).to_string(),
            "\"25:00\" is not a time of the form HH:MM"
        );
        assert_eq!(
            WhenError::BadDayOfMonth("32".into()).to_string(),
            "\"32\" is not a day of the month (1 to 31)"
        );
        assert_eq!(
            WhenError::CronNeverFires("0 0 0 31 2 *".into()).to_string(),
            "the cron expression \"0 0 0 31 2 *\" never fires"
        );
        assert_eq!(
            WhenError::BadCron { expr: "0 0".into(), reason: "why".into() }.to_string(),
            "\"0 0\" is not a valid cron expression with six fields, seconds first: why"
        );
        assert_eq!(
            WhenError::Malformed("x".into()).to_string(),
            "\"x\" is not a schedule such as daily@17:30, mon,wed,fri@17:30, monthly-15@08:00 or \"cron\""
        );
        assert_eq!(WhenError::Missing.to_string(), "no schedule given");
        assert_eq!(
            WhenError::UnclosedQuote.to_string(),
            "the closing quote of the cron expression is missing"
        );
    }
}
