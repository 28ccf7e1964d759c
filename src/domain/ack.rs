//! Asking residents to acknowledge an announcement ("✅ Đã nhận"): `ack`, `ack=30m`,
//! `ack=30m,remind`, `ack=remind`, or `ack=off` for an urgent one that needs no taps.

use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::{Lang, parse_duration};

/// Callback data of the acknowledgement button: `ack:<broadcast id>` (0 in a preview).
const BUTTON_PREFIX: &str = "ack:";

/// What an announcement asks of its readers: a tap within a time, counted from the delivery to
/// each group, and, for groups with none by then, one reminder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AckRequest {
    /// The time a group has to tap; `None`: the ward's default (`LOA_ACK_WITHIN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_secs: Option<i64>,
    /// Groups with no tap in time are reminded once, as well as reported to the author.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub remind: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AckError {
    /// A part that is neither a duration nor `remind`.
    Unreadable(String),
    /// Zero, or longer than a week: nobody would be reminded in a useful time.
    OutOfRange(String),
}

/// The longest time a group may be given to acknowledge.
const LONGEST_WITHIN: i64 = 7 * 24 * 3600;

impl AckRequest {
    /// Reads what follows `ack=`: `30m`, `2h,remind`, `remind`; `off` (or `khong`) asks nothing.
    pub fn parse_value(value: &str) -> Result<Option<AckRequest>, AckError> {
        let value = value.trim().to_lowercase();
        if matches!(value.as_str(), "off" | "khong" | "không" | "no") {
            return Ok(None);
        }
        let mut ack = AckRequest::default();
        for part in value.split(',').map(str::trim).filter(|part| !part.is_empty()) {
            match part {
                "remind" | "nhac" | "nhắc" => ack.remind = true,
                duration => {
                    let within =
                        parse_duration(duration).map_err(|_| AckError::Unreadable(duration.to_owned()))?;
                    let seconds = within.num_seconds();
                    if !(1..=LONGEST_WITHIN).contains(&seconds) {
                        return Err(AckError::OutOfRange(duration.to_owned()));
                    }
                    ack.within_secs = Some(seconds);
                }
            }
        }
        Ok(Some(ack))
    }

    /// The time a group has to tap, `default` unless the announcement set its own.
    pub fn within(&self, default: Duration) -> Duration {
        self.within_secs.map_or(default, Duration::seconds)
    }
}

/// The data of broadcast `broadcast`'s button.
pub fn ack_button_data(broadcast: i64) -> String {
    format!("{BUTTON_PREFIX}{broadcast}")
}

/// The broadcast an acknowledgement button belongs to; `None` for any other button.
pub fn parse_ack_button(data: &str) -> Option<i64> {
    data.strip_prefix(BUTTON_PREFIX)?.parse().ok()
}

/// The button, with how many people in this chat have tapped it.
pub fn ack_label(lang: Lang, count: i64) -> String {
    let label = match lang {
        Lang::Vi => "✅ Đã nhận",
        Lang::En => "✅ Got it",
    };
    if count > 0 { format!("{label} ({count})") } else { label.to_owned() }
}

/// The short message that carries the button after an album, which cannot carry one.
pub fn album_ack_prompt(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "👆 Bấm «Đã nhận» khi bạn đã đọc thông báo trên.",
        Lang::En => "👆 Tap «Got it» once you have read the announcement above.",
    }
}

/// The one reminder to a group that has not acknowledged in time: the topic and the first
/// words of the announcement, to find it again.
pub fn ack_reminder_text(lang: Lang, topic: &str, gist: &str) -> String {
    match lang {
        Lang::Vi => format!(
            "⏰ Nhắc lại thông báo «{topic}»: {gist}\nMời bấm «Đã nhận» ở thông báo (hoặc ngay dưới) khi đã đọc."
        ),
        Lang::En => format!(
            "⏰ A reminder of the «{topic}» announcement: {gist}\nPlease tap «Got it» on it (or just below) once read."
        ),
    }
}

/// Tells an announcement's author which chats have not acknowledged it in time.
pub fn ack_overdue_text(lang: Lang, broadcast: i64, topic: &str, gist: &str, chats: &[String]) -> String {
    let list = chats.iter().map(|chat| format!("• {chat}")).collect::<Vec<_>>().join("\n");
    match lang {
        Lang::Vi => format!(
            "⏳ Thông báo #{broadcast} «{topic}» ({gist}): {} nhóm chưa bấm «Đã nhận» trong thời hạn:\n{list}\n\
             Xem chi tiết: /report {broadcast}",
            chats.len()
        ),
        Lang::En => format!(
            "⏳ Announcement #{broadcast} «{topic}» ({gist}): {} group(s) did not tap «Got it» in time:\n{list}\n\
             Details: /report {broadcast}",
            chats.len()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_written_form_reads_as_meant() {
        let ack = |within_secs, remind| Ok(Some(AckRequest { within_secs, remind }));
        assert_eq!(AckRequest::parse_value(""), ack(None, false));
        assert_eq!(AckRequest::parse_value("30m"), ack(Some(1800), false));
        assert_eq!(AckRequest::parse_value("30m,remind"), ack(Some(1800), true));
        assert_eq!(AckRequest::parse_value("2H, nhac"), ack(Some(7200), true));
        assert_eq!(AckRequest::parse_value("remind"), ack(None, true));
        assert_eq!(AckRequest::parse_value("off"), Ok(None));
        assert_eq!(AckRequest::parse_value("khong"), Ok(None));
    }

    #[test]
    fn unreadable_or_useless_times_are_refused() {
        assert_eq!(AckRequest::parse_value("soon"), Err(AckError::Unreadable("soon".into())));
        assert_eq!(AckRequest::parse_value("30m,later"), Err(AckError::Unreadable("later".into())));
        assert_eq!(AckRequest::parse_value("0"), Err(AckError::OutOfRange("0".into())));
        assert_eq!(AckRequest::parse_value("200h"), Err(AckError::OutOfRange("200h".into())));
    }

    #[test]
    fn the_wards_default_applies_unless_the_announcement_sets_its_own() {
        let default = Duration::hours(2);
        assert_eq!(AckRequest::default().within(default), default);
        assert_eq!(AckRequest { within_secs: Some(60), remind: false }.within(default), Duration::minutes(1));
    }

    #[test]
    fn the_button_names_its_broadcast_and_shows_the_count_once_there_is_one() {
        assert_eq!(parse_ack_button(&ack_button_data(42)), Some(42));
        assert_eq!(parse_ack_button("cf:1:t:x"), None);
        assert_eq!(ack_label(Lang::Vi, 0), "✅ Đã nhận");
        assert_eq!(ack_label(Lang::Vi, 3), "✅ Đã nhận (3)");
        assert_eq!(ack_label(Lang::En, 1), "✅ Got it (1)");
    }

    #[test]
    fn stored_as_little_json_as_it_needs() {
        assert_eq!(serde_json::to_string(&AckRequest::default()).unwrap(), "{}");
        let full = AckRequest { within_secs: Some(1800), remind: true };
        let json = serde_json::to_string(&full).unwrap();
        assert_eq!(json, r#"{"within_secs":1800,"remind":true}"#);
        assert_eq!(serde_json::from_str::<AckRequest>(&json).unwrap(), full);
    }
}
