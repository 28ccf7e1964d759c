//! An official's announcement: the `/post` arguments, and the message residents see.

use chrono::NaiveDate;

use super::{
    AckError, AckRequest, AreaCode, AreaError, TimeError, TopicCatalog,
    content::{max_text_len, utf16_len},
    parse_date,
};

/// What `/post <topic> [area=<code>[,<code>...]] [pin] [urgent] [tach] <text>` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostRequest {
    pub topic: String,
    /// Empty means ward-wide.
    pub areas: Vec<AreaCode>,
    pub pin: bool,
    pub urgent: bool,
    /// Media's words too long for a caption go as a text message of their own, before it.
    pub text_apart: bool,
    /// Residents are asked to tap «✅ Đã nhận»; asked by default of urgent announcements.
    pub ack: Option<AckRequest>,
    /// Exactly as written, after the options.
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostError {
    MissingTopic,
    UnknownTopic(String),
    UnknownOption(String),
    BadArea(String, AreaError),
    EmptyText,
    TooLong {
        length: usize,
        max: usize,
    },
    /// `from=` or `to=` with something that is not a date.
    BadDate(TimeError),
    BadAck(AckError),
}

/// A campaign's dates, from `from=YYYY-MM-DD` and `to=YYYY-MM-DD` (recurring reminders only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Window {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl PostRequest {
    /// Parses the arguments of `/post`. Options come before the text in any order; `--` ends
    /// them, so a text may itself begin with `pin` or `a=b`.
    pub fn parse(args: &str, catalog: &TopicCatalog) -> Result<PostRequest, PostError> {
        Self::parse_options(args, catalog, None, true)
    }

    /// Like [`PostRequest::parse`] for a command that replies to the announcement's content:
    /// the text may be left out (it then comes from the message replied to).
    pub fn parse_reply(args: &str, catalog: &TopicCatalog) -> Result<PostRequest, PostError> {
        Self::parse_options(args, catalog, None, false)
    }

    /// Like [`PostRequest::parse`], and also takes `from=` and `to=` dates.
    pub fn parse_with_window(args: &str, catalog: &TopicCatalog) -> Result<(PostRequest, Window), PostError> {
        let mut window = Window::default();
        let request = Self::parse_options(args, catalog, Some(&mut window), true)?;
        Ok((request, window))
    }

    /// Like [`PostRequest::parse_with_window`] for a command that replies to its content.
    pub fn parse_reply_with_window(
        args: &str,
        catalog: &TopicCatalog,
    ) -> Result<(PostRequest, Window), PostError> {
        let mut window = Window::default();
        let request = Self::parse_options(args, catalog, Some(&mut window), false)?;
        Ok((request, window))
    }

    fn parse_options(
        args: &str,
        catalog: &TopicCatalog,
        mut window: Option<&mut Window>,
        text_required: bool,
    ) -> Result<PostRequest, PostError> {
        let mut rest = args.trim_start();
        let word = next_word(&mut rest).ok_or(PostError::MissingTopic)?;
        let topic = match catalog.find(word) {
            Some(topic) => topic.slug.clone(),
            None => return Err(PostError::UnknownTopic(word.to_lowercase())),
        };
        let mut request = PostRequest {
            topic,
            areas: Vec::new(),
            pin: false,
            urgent: false,
            text_apart: false,
            ack: None,
            body: String::new(),
        };
        // `None` until written: then an urgent announcement asks for taps by default.
        let mut ack = None;
        loop {
            let before = rest;
            let Some(word) = next_word(&mut rest) else { break };
            match word.to_lowercase().as_str() {
                "--" => break,
                "pin" | "ghim" => request.pin = true,
                "urgent" | "khan" => request.urgent = true,
                "tach" | "tách" | "apart" => request.text_apart = true,
                "ack" | "xacnhan" => ack = Some(Some(AckRequest::default())),
                lower if lower.starts_with("ack=") || lower.starts_with("xacnhan=") => {
                    let (_, value) = word.split_once('=').expect("the word has =");
                    ack = Some(AckRequest::parse_value(value).map_err(PostError::BadAck)?);
                }
                lower if lower.starts_with("area=") => {
                    request.areas.extend(parse_areas(&word["area=".len()..])?)
                }
                lower if window.is_some() && (lower.starts_with("from=") || lower.starts_with("to=")) => {
                    let (key, value) = word.split_once('=').expect("the word has =");
                    let date = parse_date(value).map_err(PostError::BadDate)?;
                    let window = window.as_deref_mut().expect("checked above");
                    if key.eq_ignore_ascii_case("from") {
                        window.from = Some(date);
                    } else {
                        window.to = Some(date);
                    }
                }
                _ if word.contains('=') => return Err(PostError::UnknownOption(word.to_owned())),
                _ => {
                    rest = before;
                    break;
                }
            }
        }
        request.ack = ack.unwrap_or(request.urgent.then(AckRequest::default));
        request.areas.sort();
        request.areas.dedup();
        request.body = rest.trim().to_owned();
        if request.body.is_empty() && text_required {
            return Err(PostError::EmptyText);
        }
        let max = max_text_len(catalog, false);
        let length = utf16_len(&request.body);
        if length > max {
            return Err(PostError::TooLong { length, max });
        }
        Ok(request)
    }
}

/// Takes the next whitespace-separated word off the front of `rest`.
fn next_word<'a>(rest: &mut &'a str) -> Option<&'a str> {
    let text = rest.trim_start();
    if text.is_empty() {
        return None;
    }
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    let (word, tail) = text.split_at(end);
    *rest = tail;
    Some(word)
}

fn parse_areas(list: &str) -> Result<Vec<AreaCode>, PostError> {
    list.split(',')
        .map(|code| AreaCode::parse(code).map_err(|error| PostError::BadArea(code.to_owned(), error)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Topic;

    fn catalog() -> TopicCatalog {
        TopicCatalog::new(vec![Topic {
            slug: "waste".into(),
            name_vi: "Thu gom rác, vệ sinh môi trường".into(),
            name_en: "Waste collection and sanitation".into(),
        }])
    }

    fn parse(args: &str) -> Result<PostRequest, PostError> {
        PostRequest::parse(args, &catalog())
    }

    #[test]
    fn options_in_any_order_before_the_text() {
        let request = parse("waste urgent area=5,tdp7 pin Đổ rác đúng giờ 18:00–20:00.").unwrap();
        assert_eq!(request.topic, "waste");
        assert_eq!(request.areas, vec![AreaCode::parse("5").unwrap(), AreaCode::parse("7").unwrap()]);
        assert!(request.pin && request.urgent);
        assert_eq!(request.body, "Đổ rác đúng giờ 18:00–20:00.");
    }

    #[test]
    fn acknowledgement_is_asked_by_ack_and_by_default_of_urgent_announcements() {
        assert_eq!(parse("waste Đổ rác").unwrap().ack, None);
        assert_eq!(parse("waste ack Đổ rác").unwrap().ack, Some(AckRequest::default()));
        assert_eq!(parse("waste khan Đổ rác").unwrap().ack, Some(AckRequest::default()), "urgent asks");
        assert_eq!(parse("waste khan ack=off Đổ rác").unwrap().ack, None, "unless told not to");
        let timed = parse("waste xacnhan=30m,remind Đổ rác").unwrap().ack;
        assert_eq!(timed, Some(AckRequest { within_secs: Some(1800), remind: true }));
        assert_eq!(
            parse("waste ack=soon Đổ rác"),
            Err(PostError::BadAck(AckError::Unreadable("soon".into())))
        );
    }

    #[test]
    fn without_options_the_post_is_ward_wide_and_the_text_keeps_its_lines() {
        let request = parse("WASTE Dòng một\n\n  dòng hai <b>&").unwrap();
        assert!(request.areas.is_empty() && !request.pin && !request.urgent);
        assert_eq!(request.body, "Dòng một\n\n  dòng hai <b>&");
    }

    #[test]
    fn a_vietnamese_topic_word_is_stored_as_the_slug() {
        for word in ["rac", "Rác", "MOI-TRUONG", "rác-thải"] {
            assert_eq!(parse(&format!("{word} ghim Đổ rác đúng giờ")).unwrap().topic, "waste", "{word}");
        }
    }

    #[test]
    fn double_dash_ends_the_options() {
        let request = parse("waste pin -- urgent là chữ đầu").unwrap();
        assert!(request.pin && !request.urgent);
        assert_eq!(request.body, "urgent là chữ đầu");
    }

    #[test]
    fn bad_input_says_what_was_wrong() {
        assert_eq!(parse(""), Err(PostError::MissingTopic));
        assert_eq!(parse("Thoi-tiet Hello"), Err(PostError::UnknownTopic("thoi-tiet".into())));
        assert_eq!(parse("waste aera=5 Hello"), Err(PostError::UnknownOption("aera=5".into())));
        assert_eq!(parse("waste area=5 pin"), Err(PostError::EmptyText));
        assert!(matches!(parse("waste area=5,tổ Hello"), Err(PostError::BadArea(code, _)) if code == "tổ"));
    }

    #[test]
    fn reminders_also_take_a_window_and_posts_do_not() {
        let (request, window) =
            PostRequest::parse_with_window("waste from=2026-06-01 to=2026-08-31 Hi", &catalog()).unwrap();
        assert_eq!(request.body, "Hi");
        assert_eq!(window.from, NaiveDate::from_ymd_opt(2026, 6, 1));
        assert_eq!(window.to, NaiveDate::from_ymd_opt(2026, 8, 31));
        assert_eq!(
            parse("waste from=2026-06-01 Hi"),
            Err(PostError::UnknownOption("from=2026-06-01".into()))
        );
        assert!(matches!(
            PostRequest::parse_with_window("waste to=2026-02-30 Hi", &catalog()),
            Err(PostError::BadDate(_))
        ));
    }

    #[test]
    fn a_text_over_the_limit_reports_its_length_and_the_limit() {
        let max = max_text_len(&catalog(), false);
        assert_eq!(max, 4096 - "📢 Thu gom rác, vệ sinh môi trường".encode_utf16().count() - 2);
        assert!(parse(&format!("waste {}", "ă".repeat(max))).is_ok());
        assert_eq!(
            parse(&format!("waste {}", "ă".repeat(max + 1))),
            Err(PostError::TooLong { length: max + 1, max })
        );
    }
}
