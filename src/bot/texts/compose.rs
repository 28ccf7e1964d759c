//! Composing an announcement by tapping: the flow message at each step, its buttons, and what
//! a tap that cannot act answers. Plain text: the flow quotes the official's own words.

use std::fmt::Write;

use chrono::{DateTime, NaiveTime, Utc};
use chrono_tz::Tz;

use super::{areas_text, gist_with_kind, local, time_error};
use crate::domain::{AreaCode, FlowStatus, Lang, Media, QuickTime, QuietHours, SendTimeError, Step, gist};

/// What the flow message says has been chosen so far.
pub struct FlowFacts<'a> {
    pub media: &'a Media,
    pub text: &'a str,
    pub topic: Option<&'a str>,
    /// Once the audience is chosen.
    pub areas: Option<&'a [AreaCode]>,
    /// Once the options are shown.
    pub options: Option<FlowOptions>,
}

pub struct FlowOptions {
    pub pin: bool,
    pub urgent: bool,
    /// Media's words go as a text message of their own, before it.
    pub text_apart: bool,
    /// Residents are asked to tap «✅ Đã nhận».
    pub ack: bool,
    /// The local send time; `None`: as soon as it is confirmed.
    pub send_at: Option<String>,
}

/// The flow message: what is chosen, what this step asks, and why the last tap was refused.
pub fn flow_text(lang: Lang, facts: &FlowFacts, step: Step, notice: Option<&str>, zone: Tz) -> String {
    let vi = lang == Lang::Vi;
    let mut text = String::from(if vi {
        "📝 Gửi tin này làm thông báo?"
    } else {
        "📝 Send this as an announcement?"
    });
    let content = gist_with_kind(lang, facts.media, gist(facts.text));
    if !content.is_empty() {
        let _ = write!(text, "\n{} {content}", if vi { "Nội dung:" } else { "Content:" });
    }
    if let Some(topic) = facts.topic {
        let _ = write!(text, "\n{} {topic}", if vi { "Chủ đề:" } else { "Topic:" });
    }
    if let Some(areas) = facts.areas {
        let _ = write!(text, "\n{} {}", if vi { "Gửi tới:" } else { "Audience:" }, areas_text(lang, areas));
    }
    if let Some(options) = &facts.options {
        let _ =
            write!(text, "\n{} {}", if vi { "Tuỳ chọn:" } else { "Options:" }, options_text(lang, options));
    }
    let _ = write!(text, "\n\n{}", step_prompt(lang, step, zone));
    if let Some(notice) = notice {
        let _ = write!(text, "\n\n⚠️ {notice}");
    }
    text
}

fn options_text(lang: Lang, options: &FlowOptions) -> String {
    let vi = lang == Lang::Vi;
    let mut parts = Vec::new();
    if options.pin {
        parts.push(if vi { "📌 ghim" } else { "📌 pinned" }.to_owned());
    }
    if options.urgent {
        parts.push(if vi { "⚠️ khẩn" } else { "⚠️ urgent" }.to_owned());
    }
    if options.ack {
        parts.push(if vi { "🙋 cần bấm «Đã nhận»" } else { "🙋 asks for «Got it»" }.to_owned());
    }
    if options.text_apart {
        parts.push(if vi { "✂️ chữ gửi thành tin riêng" } else { "✂️ words sent apart" }.to_owned());
    }
    parts.push(match (&options.send_at, vi) {
        (Some(at), true) => format!("🕒 gửi lúc {at}"),
        (Some(at), false) => format!("🕒 goes out at {at}"),
        (None, true) => "🕒 gửi ngay khi xác nhận".to_owned(),
        (None, false) => "🕒 goes out once confirmed".to_owned(),
    });
    parts.join(" · ")
}

fn step_prompt(lang: Lang, step: Step, zone: Tz) -> String {
    let vi = lang == Lang::Vi;
    match (step, vi) {
        (Step::Content, true) => {
            "Gửi cho Loa nội dung thông báo: văn bản, ảnh, album, tệp, video, tin thoại hay vị trí \
             (chuyển tiếp cũng được). Loa sẽ hỏi chủ đề, nơi gửi và tuỳ chọn, rồi cho xem trước."
                .into()
        }
        (Step::Content, false) => {
            "Send Loa the announcement: a text, photo, album, file, video, voice note or location \
             (forwarded is fine). Loa then asks for the topic, the audience and options, and shows a preview."
                .into()
        }
        (Step::Topic, true) => "Bước 1/3 · Chọn chủ đề. (Gõ lệnh vẫn được: trả lời tin của bạn bằng \
             /post <chủ đề> [area=5,7] [ghim] [khan].)"
            .into(),
        (Step::Topic, false) => {
            "Step 1/3 · Choose the topic. (Typing still works: reply to your message with \
             /post <topic> [area=5,7] [pin] [urgent].)"
                .into()
        }
        (Step::Audience, true) => {
            "Bước 2/3 · Gửi tới đâu? Bấm «Toàn phường», hoặc bấm chọn các tổ (✅ = đã chọn) \
             rồi «Tiếp». Số trong ngoặc: số nhóm/người nhận chủ đề này."
                .into()
        }
        (Step::Audience, false) => {
            "Step 2/3 · Who receives it? Tap «Whole ward», or tap areas on (✅ = chosen) \
             then «Next». In brackets: how many chats receive this topic."
                .into()
        }
        (Step::Options, true) => "Bước 3/3 · Bấm để bật/tắt tuỳ chọn, rồi «Xem trước».".into(),
        (Step::Options, false) => "Step 3/3 · Tap options on or off, then «Preview».".into(),
        (Step::When, true) => format!("Khi nào gửi? (giờ {zone})"),
        (Step::When, false) => format!("When should it go out? ({zone} time)"),
        (Step::TypedTime, true) => format!("⌨️ Gõ giờ gửi vào ô chat. {}", time_forms(lang, zone)),
        (Step::TypedTime, false) => format!("⌨️ Type the time in the chat. {}", time_forms(lang, zone)),
        (Step::Preview, true) => "👇 Bản xem trước ở ngay dưới: bấm «Gửi», «Sửa» hoặc «Huỷ» ở đó.".into(),
        (Step::Preview, false) => {
            "👇 The preview is just below: tap «Send», «Edit» or «Cancel» there.".into()
        }
    }
}

fn time_forms(lang: Lang, zone: Tz) -> String {
    match lang {
        Lang::Vi => format!(
            "Viết HH:MM (hôm nay, hoặc ngày mai nếu giờ đó đã qua) hoặc YYYY-MM-DD HH:MM, \
             ví dụ 19:30 hoặc 2026-06-05 07:00 (giờ {zone})."
        ),
        Lang::En => format!(
            "Write HH:MM (today, or tomorrow if that time has passed) or YYYY-MM-DD HH:MM, \
             e.g. 19:30 or 2026-06-05 07:00 ({zone} time)."
        ),
    }
}

/// The flow message once the flow was cancelled.
pub fn flow_cancelled(lang: Lang) -> String {
    match lang {
        Lang::Vi => "✖ Đã huỷ soạn thông báo; không có gì được gửi.".into(),
        Lang::En => "✖ Announcement discarded; nothing was sent.".into(),
    }
}

/// What a button of a flow that is over answers.
pub fn flow_over(lang: Lang, status: FlowStatus) -> String {
    let vi = lang == Lang::Vi;
    match (status, vi) {
        (FlowStatus::Sent, true) => "Thông báo này đã được gửi; các nút không còn tác dụng.",
        (FlowStatus::Sent, false) => "This announcement was sent; these buttons do nothing now.",
        (FlowStatus::Cancelled, true) => "Bản soạn này đã bị huỷ.",
        (FlowStatus::Cancelled, false) => "This announcement was discarded.",
        (FlowStatus::Replaced, true) => {
            "Bản soạn này đã được thay bằng bản mới hơn; hãy dùng tin soạn mới nhất."
        }
        (FlowStatus::Replaced, false) => "A newer announcement replaced this one; use the latest one.",
        (FlowStatus::Open | FlowStatus::Expired, true) => {
            "Bản soạn này đã hết hạn (sau 30 phút). Gửi lại nội dung cho Loa để soạn mới."
        }
        (FlowStatus::Open | FlowStatus::Expired, false) => {
            "This announcement expired (after 30 minutes). Send Loa the content again to start over."
        }
    }
    .into()
}

pub fn flow_not_yours(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Chỉ cán bộ đã soạn thông báo này mới bấm được các nút.".into(),
        Lang::En => "Only the official who wrote this announcement can use its buttons.".into(),
    }
}

pub fn flow_step_passed(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Bước này đã qua; hãy dùng các nút đang hiện ở tin soạn.".into(),
        Lang::En => "That step is over; use the buttons the announcement shows now.".into(),
    }
}

pub fn choose_audience(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Chưa chọn nơi gửi: bấm «Toàn phường», hoặc chọn ít nhất một tổ rồi bấm «Tiếp».".into(),
        Lang::En => "No audience yet: tap «Whole ward», or choose at least one area and tap «Next».".into(),
    }
}

/// Nobody would receive it: in the chosen areas, or (`areas` false) in the whole ward.
pub fn nobody_to_reach(lang: Lang, areas: bool) -> String {
    match (lang, areas) {
        (Lang::Vi, true) => {
            "Các tổ đã chọn chưa có nhóm hay người nào nhận chủ đề này, nên thông báo sẽ không đến ai. \
                             Chọn thêm tổ khác hoặc «Toàn phường»."
                .into()
        }
        (Lang::En, true) => {
            "No chat in the chosen areas receives this topic, so the announcement would reach no one. \
                             Choose other areas or «Whole ward»."
                .into()
        }
        (Lang::Vi, false) => {
            "Chưa có nhóm hay người nào trong phường nhận chủ đề này. Bấm «Quay lại» để chọn chủ đề khác."
                .into()
        }
        (Lang::En, false) => {
            "No chat in the ward receives this topic yet. Tap «Back» to choose another topic.".into()
        }
    }
}

/// A non-urgent send time in quiet hours.
pub fn flow_quiet_hours(lang: Lang, at: NaiveTime, quiet: QuietHours) -> String {
    let at = at.format("%H:%M");
    match lang {
        Lang::Vi => format!(
            "{at} nằm trong giờ yên lặng ({quiet}): tin không khẩn không gửi lúc đó. \
             Chọn giờ khác, hoặc bật ⚠️ Khẩn nếu thật sự khẩn."
        ),
        Lang::En => format!(
            "{at} is within quiet hours ({quiet}): non-urgent messages are not sent then. \
             Choose another time, or turn on ⚠️ Urgent if it truly is."
        ),
    }
}

pub fn time_passed(lang: Lang, at: DateTime<Utc>, zone: Tz) -> String {
    match lang {
        Lang::Vi => format!("{} đã qua; hãy chọn giờ khác.", local(at, zone)),
        Lang::En => format!("{} has passed; choose another time.", local(at, zone)),
    }
}

/// The reply to a typed send time that cannot be used; Loa keeps waiting for one.
pub fn send_time_refused(lang: Lang, problem: &str, zone: Tz) -> String {
    match lang {
        Lang::Vi => format!(
            "{problem}\n{}\nLoa vẫn đang chờ giờ gửi; bấm «Quay lại» ở tin soạn để chọn nhanh.",
            time_forms(lang, zone)
        ),
        Lang::En => format!(
            "{problem}\n{}\nLoa is still waiting for the time; tap «Back» on the announcement for quick choices.",
            time_forms(lang, zone)
        ),
    }
}

/// What was wrong with a typed send time.
pub fn send_time_error(lang: Lang, error: &SendTimeError, zone: Tz) -> String {
    match error {
        SendTimeError::Unreadable(error) => time_error(lang, error),
        SendTimeError::Past(at) => match lang {
            Lang::Vi => format!("{} đã qua.", local(*at, zone)),
            Lang::En => format!("{} has passed.", local(*at, zone)),
        },
    }
}

pub fn button_whole_ward(lang: Lang, reach: u64) -> String {
    match lang {
        Lang::Vi => format!("🏘 Toàn phường ({reach})"),
        Lang::En => format!("🏘 Whole ward ({reach})"),
    }
}

pub fn button_area(lang: Lang, area: &AreaCode, reach: u64, chosen: bool) -> String {
    let tick = if chosen { "✅ " } else { "" };
    match lang {
        Lang::Vi => format!("{tick}Tổ {area} ({reach})"),
        Lang::En => format!("{tick}Area {area} ({reach})"),
    }
}

fn ticked(label: &str, on: bool) -> String {
    if on { format!("✅ {label}") } else { label.to_owned() }
}

pub fn button_pin(lang: Lang, on: bool) -> String {
    ticked(if lang == Lang::Vi { "📌 Ghim" } else { "📌 Pin" }, on)
}

pub fn button_urgent(lang: Lang, on: bool) -> String {
    ticked(if lang == Lang::Vi { "⚠️ Khẩn" } else { "⚠️ Urgent" }, on)
}

pub fn button_ack(lang: Lang, on: bool) -> String {
    ticked(if lang == Lang::Vi { "🙋 Yêu cầu bấm «Đã nhận»" } else { "🙋 Ask for «Got it»" }, on)
}

pub fn button_text_apart(lang: Lang, on: bool) -> String {
    ticked(if lang == Lang::Vi { "✂️ Tách chữ thành tin riêng" } else { "✂️ Send the words apart" }, on)
}

/// `at`: the chosen local send time, if any.
pub fn button_when(lang: Lang, at: Option<&str>) -> String {
    match (lang, at) {
        (_, Some(at)) => format!("🕒 {at}"),
        (Lang::Vi, None) => "🕒 Hẹn giờ".into(),
        (Lang::En, None) => "🕒 Schedule".into(),
    }
}

pub fn button_quick_time(lang: Lang, choice: QuickTime) -> &'static str {
    match (lang, choice) {
        (Lang::Vi, QuickTime::Now) => "Ngay bây giờ",
        (Lang::En, QuickTime::Now) => "Right away",
        (Lang::Vi, QuickTime::InAnHour) => "Sau 1 giờ",
        (Lang::En, QuickTime::InAnHour) => "In an hour",
        (Lang::Vi, QuickTime::Tonight) => "19:00 hôm nay",
        (Lang::En, QuickTime::Tonight) => "19:00 today",
        (Lang::Vi, QuickTime::TomorrowMorning) => "07:00 sáng mai",
        (Lang::En, QuickTime::TomorrowMorning) => "07:00 tomorrow",
    }
}

pub fn button_type_time(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "⌨️ Nhập giờ",
        Lang::En => "⌨️ Type a time",
    }
}

pub fn button_next(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "Tiếp ›",
        Lang::En => "Next ›",
    }
}

pub fn button_back(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "‹ Quay lại",
        Lang::En => "‹ Back",
    }
}

pub fn button_preview(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "👁 Xem trước",
        Lang::En => "👁 Preview",
    }
}

pub fn button_edit(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "Sửa",
        Lang::En => "Edit",
    }
}
