//! Composing an announcement by tapping: the steps of a flow, what became of a flow, and the
//! send times an official picks from quick choices or types. Pure; the buttons live in
//! `bot::official::compose` and the state in `store::flows`.

use chrono::{DateTime, Days, Duration, NaiveTime, Utc};
use chrono_tz::Tz;

use super::{TimeError, local_to_utc, parse_date, parse_time};

/// The steps of a flow, in the order an official meets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// `/post` alone: waiting for the official to send the content.
    Content,
    Topic,
    /// The whole ward, or areas toggled on.
    Audience,
    /// 📌 pin, ⚠️ urgent, 🕒 when; then the preview.
    Options,
    /// The quick choices of a send time.
    When,
    /// Waiting for a typed send time: the official's next text message answers it.
    TypedTime,
    /// The preview was sent; its Edit button goes back to `Options`.
    Preview,
}

impl Step {
    pub const ALL: [Step; 7] = [
        Step::Content,
        Step::Topic,
        Step::Audience,
        Step::Options,
        Step::When,
        Step::TypedTime,
        Step::Preview,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Content => "content",
            Step::Topic => "topic",
            Step::Audience => "audience",
            Step::Options => "options",
            Step::When => "when",
            Step::TypedTime => "typed_time",
            Step::Preview => "preview",
        }
    }

    pub fn parse(text: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|step| step.as_str() == text)
    }

    /// Where Back leads; the first steps have nothing before them.
    pub fn back(self) -> Option<Step> {
        match self {
            Step::Content | Step::Topic => None,
            Step::Audience => Some(Step::Topic),
            Step::Options => Some(Step::Audience),
            Step::When | Step::Preview => Some(Step::Options),
            Step::TypedTime => Some(Step::When),
        }
    }
}

/// What became of a flow. Only an open flow's buttons act; the others say why they do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowStatus {
    Open,
    /// Its preview was confirmed.
    Sent,
    Cancelled,
    /// The official started a newer flow.
    Replaced,
    /// Left alone longer than a draft lives.
    Expired,
}

impl FlowStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FlowStatus::Open => "open",
            FlowStatus::Sent => "sent",
            FlowStatus::Cancelled => "cancelled",
            FlowStatus::Replaced => "replaced",
            FlowStatus::Expired => "expired",
        }
    }

    pub fn parse(text: &str) -> Option<FlowStatus> {
        [FlowStatus::Open, FlowStatus::Sent, FlowStatus::Cancelled, FlowStatus::Replaced, FlowStatus::Expired]
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// The quick choices of a send time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuickTime {
    Now,
    InAnHour,
    /// 19:00 today: after work, when residents read their groups.
    Tonight,
    /// 07:00 tomorrow.
    TomorrowMorning,
}

const TONIGHT: NaiveTime = NaiveTime::from_hms_opt(19, 0, 0).expect("a valid time");
const TOMORROW_MORNING: NaiveTime = NaiveTime::from_hms_opt(7, 0, 0).expect("a valid time");

/// Why a send time cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendTimeError {
    /// Neither `HH:MM` nor `YYYY-MM-DD HH:MM`, or no such day or time.
    Unreadable(TimeError),
    /// It has passed already.
    Past(DateTime<Utc>),
}

impl From<TimeError> for SendTimeError {
    fn from(error: TimeError) -> SendTimeError {
        SendTimeError::Unreadable(error)
    }
}

impl QuickTime {
    pub const ALL: [QuickTime; 4] =
        [QuickTime::Now, QuickTime::InAnHour, QuickTime::Tonight, QuickTime::TomorrowMorning];

    /// The choices worth offering at `now`: 19:00 today only while it is still ahead.
    pub fn offered(now: DateTime<Utc>, zone: Tz) -> Vec<QuickTime> {
        QuickTime::ALL.into_iter().filter(|choice| choice.send_at(now, zone).is_ok()).collect()
    }

    /// When the announcement goes out: `None` as soon as it is confirmed. A button tapped
    /// late (19:00 at 19:05) has passed.
    pub fn send_at(self, now: DateTime<Utc>, zone: Tz) -> Result<Option<DateTime<Utc>>, SendTimeError> {
        let today = now.with_timezone(&zone).date_naive();
        let at = match self {
            QuickTime::Now => return Ok(None),
            QuickTime::InAnHour => now + Duration::hours(1),
            QuickTime::Tonight => local_to_utc(today, TONIGHT, zone)?,
            QuickTime::TomorrowMorning => {
                let tomorrow = today.checked_add_days(Days::new(1)).unwrap_or(today);
                local_to_utc(tomorrow, TOMORROW_MORNING, zone)?
            }
        };
        if at <= now {
            return Err(SendTimeError::Past(at));
        }
        Ok(Some(at))
    }
}

/// A send time typed as `HH:MM` (today, or tomorrow once that time has passed) or as
/// `YYYY-MM-DD HH:MM`, on the wall clock of `zone`.
pub fn parse_send_time(text: &str, now: DateTime<Utc>, zone: Tz) -> Result<DateTime<Utc>, SendTimeError> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let today = now.with_timezone(&zone).date_naive();
    match words.as_slice() {
        [time] => {
            let time = parse_time(time)?;
            let at = local_to_utc(today, time, zone)?;
            if at > now {
                return Ok(at);
            }
            let tomorrow = today.checked_add_days(Days::new(1)).unwrap_or(today);
            Ok(local_to_utc(tomorrow, time, zone)?)
        }
        [date, time] => {
            let at = local_to_utc(parse_date(date)?, parse_time(time)?, zone)?;
            if at <= now {
                return Err(SendTimeError::Past(at));
            }
            Ok(at)
        }
        _ => Err(SendTimeError::Unreadable(TimeError::BadTime(text.trim().to_owned()))),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use chrono_tz::Asia::Ho_Chi_Minh;

    use super::*;

    /// 2026-06-01 at `hour`:`minute` in Hà Nội.
    fn local(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Ho_Chi_Minh.with_ymd_and_hms(2026, 6, day, hour, minute, 0).unwrap().to_utc()
    }

    #[test]
    fn a_time_alone_is_today_or_tomorrow_once_it_has_passed() {
        let now = local(1, 15, 0);
        assert_eq!(parse_send_time("19:30", now, Ho_Chi_Minh), Ok(local(1, 19, 30)));
        assert_eq!(parse_send_time(" 9:05 ", now, Ho_Chi_Minh), Ok(local(2, 9, 5)));
        assert_eq!(parse_send_time("15:00", now, Ho_Chi_Minh), Ok(local(2, 15, 0)), "now is not ahead");
    }

    #[test]
    fn a_date_and_time_must_be_ahead() {
        let now = local(1, 15, 0);
        assert_eq!(parse_send_time("2026-06-03 07:00", now, Ho_Chi_Minh), Ok(local(3, 7, 0)));
        assert_eq!(
            parse_send_time("2026-05-31 10:00", now, Ho_Chi_Minh),
            Err(SendTimeError::Past(Ho_Chi_Minh.with_ymd_and_hms(2026, 5, 31, 10, 0, 0).unwrap().to_utc()))
        );
    }

    #[test]
    fn anything_else_says_what_could_not_be_read() {
        let now = local(1, 15, 0);
        let unreadable = |text: &str| parse_send_time(text, now, Ho_Chi_Minh);
        assert_eq!(unreadable("25:00"), Err(SendTimeError::Unreadable(TimeError::BadTime("25:00".into()))));
        assert_eq!(unreadable("mai"), Err(SendTimeError::Unreadable(TimeError::BadTime("mai".into()))));
        assert_eq!(
            unreadable("2026-02-30 07:00"),
            Err(SendTimeError::Unreadable(TimeError::BadDate("2026-02-30".into())))
        );
        assert_eq!(
            unreadable("ngày mai 7 giờ"),
            Err(SendTimeError::Unreadable(TimeError::BadTime("ngày mai 7 giờ".into())))
        );
        assert!(matches!(unreadable(""), Err(SendTimeError::Unreadable(_))));
    }

    #[test]
    fn tonight_is_offered_only_while_it_is_ahead() {
        assert_eq!(QuickTime::offered(local(1, 15, 0), Ho_Chi_Minh), QuickTime::ALL);
        let evening = local(1, 19, 5);
        assert!(!QuickTime::offered(evening, Ho_Chi_Minh).contains(&QuickTime::Tonight));
        assert_eq!(
            QuickTime::Tonight.send_at(evening, Ho_Chi_Minh),
            Err(SendTimeError::Past(local(1, 19, 0)))
        );
    }

    #[test]
    fn quick_choices_name_their_instants() {
        let now = local(1, 15, 0);
        assert_eq!(QuickTime::Now.send_at(now, Ho_Chi_Minh), Ok(None));
        assert_eq!(QuickTime::InAnHour.send_at(now, Ho_Chi_Minh), Ok(Some(local(1, 16, 0))));
        assert_eq!(QuickTime::Tonight.send_at(now, Ho_Chi_Minh), Ok(Some(local(1, 19, 0))));
        assert_eq!(QuickTime::TomorrowMorning.send_at(now, Ho_Chi_Minh), Ok(Some(local(2, 7, 0))));
    }

    #[test]
    fn back_leads_one_step_back_and_steps_read_back() {
        assert_eq!(Step::Topic.back(), None);
        assert_eq!(Step::Audience.back(), Some(Step::Topic));
        assert_eq!(Step::Options.back(), Some(Step::Audience));
        assert_eq!(Step::TypedTime.back(), Some(Step::When));
        assert_eq!(Step::Preview.back(), Some(Step::Options));
        for step in Step::ALL {
            assert_eq!(Step::parse(step.as_str()), Some(step));
        }
        assert_eq!(FlowStatus::parse("replaced"), Some(FlowStatus::Replaced));
        assert_eq!(FlowStatus::parse("done"), None);
    }
}
