//! Replies about writing an announcement: its errors, its preview, its confirmation. Previews
//! are Telegram HTML, so the text that comes from people goes through `html`.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{areas_text, html, local};
use crate::domain::{AckError, AreaCode, Lang, PostError, TopicCatalog};

const POST_FORM_VI: &str = "Cách viết: /post <chủ đề> [area=5,7] [ghim] [khan] [ack[=30m][,remind]] <nội dung>\n\
     Ví dụ: /post rac area=5 ghim Từ 1/6, thu gom rác 18:00–20:00 thứ Hai, Tư, Sáu.\n\
     Với ảnh/tệp có chú thích quá dài, thêm tach để gửi chữ thành tin riêng ngay trước ảnh.\n\
     Dùng -- trước nội dung nếu nội dung bắt đầu bằng ghim, khan, tach, ack, pin, urgent, apart hoặc có dấu =.";
const POST_FORM_EN: &str = "Form: /post <topic> [area=5,7] [ghim|pin] [khan|urgent] [ack[=30m][,remind]] <text>\n\
     Example: /post rac area=5 ghim From 1 June, waste is collected 18:00–20:00 Mon, Wed, Fri.\n\
     With media whose caption is too long, add apart to send the words as a message just before it.\n\
     Put -- before the text if it starts with ghim, khan, tach, ack, pin, urgent, apart or contains =.";

fn post_form(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => POST_FORM_VI,
        Lang::En => POST_FORM_EN,
    }
}

/// Plain text: it may quote what the official typed.
pub fn post_error(lang: Lang, error: &PostError, catalog: &TopicCatalog) -> String {
    let topics = catalog.choices();
    let problem = match (lang, error) {
        (Lang::Vi, PostError::MissingTopic) => "Thiếu chủ đề và nội dung.".to_owned(),
        (Lang::En, PostError::MissingTopic) => "The topic and text are missing.".to_owned(),
        (Lang::Vi, PostError::UnknownTopic(topic)) => {
            format!("Không có chủ đề «{topic}». Các chủ đề: {topics}.")
        }
        (Lang::En, PostError::UnknownTopic(topic)) => {
            format!("There is no topic «{topic}». Topics: {topics}.")
        }
        (Lang::Vi, PostError::UnknownOption(option)) => {
            format!(
                "Không hiểu tuỳ chọn «{option}». Tuỳ chọn: area=, ghim (pin), khan (urgent), xacnhan (ack), tach (apart)."
            )
        }
        (Lang::En, PostError::UnknownOption(option)) => {
            format!(
                "Unknown option «{option}». Options: area=, ghim (pin), khan (urgent), xacnhan (ack), tach (apart)."
            )
        }
        (Lang::Vi, PostError::BadArea(code, _)) => {
            format!("Mã tổ dân phố «{code}» không hợp lệ: chỉ gồm chữ không dấu, số và dấu gạch ngang.")
        }
        (Lang::En, PostError::BadArea(code, _)) => {
            format!("«{code}» is not a residential group code: letters, digits and dashes only.")
        }
        (Lang::Vi, PostError::EmptyText) => "Thiếu nội dung thông báo.".to_owned(),
        (Lang::En, PostError::EmptyText) => "The announcement text is missing.".to_owned(),
        (lang, PostError::BadDate(error)) => super::time_error(lang, error),
        (Lang::Vi, PostError::BadAck(AckError::Unreadable(part))) => format!(
            "Không hiểu «{part}» trong ack=. Viết ack (hạn mặc định), ack=30m, ack=2h,remind (nhắc lại nhóm chưa xác nhận) hoặc ack=off."
        ),
        (Lang::En, PostError::BadAck(AckError::Unreadable(part))) => format!(
            "«{part}» in ack= is unreadable. Write ack (the default time), ack=30m, ack=2h,remind (remind groups that did not tap) or ack=off."
        ),
        (Lang::Vi, PostError::BadAck(AckError::OutOfRange(part))) => {
            format!("Hạn xác nhận «{part}» phải từ 1 phút đến 7 ngày (168h).")
        }
        (Lang::En, PostError::BadAck(AckError::OutOfRange(part))) => {
            format!("The time to acknowledge «{part}» must be between 1 minute and 7 days (168h).")
        }
        (Lang::Vi, PostError::TooLong { length, max }) => {
            format!(
                "Nội dung dài {length} ký tự, quá giới hạn {max} ký tự của một tin Telegram (đã trừ tiêu đề)."
            )
        }
        (Lang::En, PostError::TooLong { length, max }) => {
            format!(
                "The text is {length} characters long, over the {max} that fit in one Telegram message (after the heading)."
            )
        }
    };
    let nothing = match lang {
        Lang::Vi => "Không có gì được lưu.",
        Lang::En => "Nothing was saved.",
    };
    format!("{problem} {nothing}\n\n{}", post_form(lang))
}

pub fn unknown_areas(lang: Lang, unknown: &[AreaCode], known: &[AreaCode]) -> String {
    let list = |areas: &[AreaCode]| areas.iter().map(AreaCode::to_string).collect::<Vec<_>>().join(", ");
    let known = if known.is_empty() { "—".to_owned() } else { list(known) };
    match lang {
        Lang::Vi => format!(
            "Chưa có nhóm nào gắn với tổ dân phố: {}. Các tổ đã có nhóm: {known}. Kiểm tra lại mã tổ; không có gì được lưu.",
            list(unknown)
        ),
        Lang::En => format!(
            "No chat is bound to residential group: {}. Groups with chats: {known}. Check the code; nothing was saved.",
            list(unknown)
        ),
    }
}

pub fn no_recipients(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Chưa có nhóm hay người nào đăng ký chủ đề này (ở các tổ đã chọn), nên thông báo sẽ không đến ai. \
                     Không có gì được lưu."
            .into(),
        Lang::En => "No chat subscribes to this topic (in the chosen areas), so the announcement would reach no one. \
                     Nothing was saved."
            .into(),
    }
}

/// What a preview says about the draft under the exact message residents will see.
pub struct PreviewFacts<'a> {
    /// The kind of media, if any ("📷 3 ảnh").
    pub kind: Option<String>,
    pub topic: &'a str,
    pub areas: &'a [AreaCode],
    pub recipients: u64,
    pub pin: bool,
    pub urgent: bool,
    pub expires_at: DateTime<Utc>,
    /// When it goes out, if not at once (`/at`, or held by quiet hours).
    pub sends: Option<String>,
}

pub fn preview_summary(lang: Lang, facts: &PreviewFacts, zone: Tz) -> String {
    let areas = areas_text(lang, facts.areas);
    let expires = local(facts.expires_at, zone);
    let mut flags = Vec::new();
    if facts.urgent {
        flags.push(if lang == Lang::Vi { "khẩn" } else { "urgent" });
    }
    if facts.pin {
        flags.push(if lang == Lang::Vi { "ghim trong nhóm" } else { "pinned in groups" });
    }
    let flags = if flags.is_empty() { String::new() } else { format!(" ({})", flags.join(", ")) };
    let sends = facts.sends.as_ref().map(|line| format!("\n{line}")).unwrap_or_default();
    let kind = facts.kind.as_ref().map(|kind| format!(" — {}", html(kind))).unwrap_or_default();
    match lang {
        Lang::Vi => format!(
            "☝️ Bản xem trước{kind}{flags}.\nChủ đề: {}\nPhạm vi: {areas}\nSẽ gửi tới: {} nhóm/người{sends}\n\n\
             Bấm «Gửi» (hoặc /confirm) để gửi, «Huỷ» (hoặc /cancel) để bỏ. Bản nháp hết hạn lúc {expires}.",
            html(facts.topic),
            facts.recipients
        ),
        Lang::En => format!(
            "☝️ Preview{kind}{flags}.\nTopic: {}\nAudience: {areas}\nWill reach: {} chats{sends}\n\n\
             Tap «Send» (or /confirm) to send, «Cancel» (or /cancel) to discard. The draft expires at {expires}.",
            html(facts.topic),
            facts.recipients
        ),
    }
}

pub fn button_send(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "Gửi",
        Lang::En => "Send",
    }
}

pub fn button_cancel(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "Huỷ",
        Lang::En => "Cancel",
    }
}

/// `later`: the local time it goes out, when that is not now.
pub fn confirmed(lang: Lang, broadcast_id: i64, recipients: u64, later: Option<String>) -> String {
    let report = format!("/report {broadcast_id}");
    match (lang, later) {
        (Lang::Vi, None) => {
            format!(
                "✅ Đã xác nhận thông báo #{broadcast_id}: đang gửi tới {recipients} nhóm/người. Xem {report}."
            )
        }
        (Lang::En, None) => {
            format!("✅ Announcement #{broadcast_id} confirmed: sending to {recipients} chats. See {report}.")
        }
        (Lang::Vi, Some(at)) => format!(
            "✅ Đã xác nhận thông báo #{broadcast_id}: sẽ gửi tới {recipients} nhóm/người lúc {at}. Xem {report}."
        ),
        (Lang::En, Some(at)) => {
            format!(
                "✅ Announcement #{broadcast_id} confirmed: goes to {recipients} chats at {at}. See {report}."
            )
        }
    }
}

pub fn no_draft(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Không có bản nháp nào đang chờ (có thể đã gửi hoặc đã huỷ). Soạn mới bằng /post.".into(),
        Lang::En => {
            "There is no pending draft (it may have been sent or discarded). Write one with /post.".into()
        }
    }
}

pub fn draft_expired(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Bản nháp đã hết hạn (sau 30 phút) và đã bị xoá; không có gì được gửi. Soạn lại bằng /post.".into(),
        Lang::En => "The draft expired (after 30 minutes) and was discarded; nothing was sent. Write it again with /post.".into(),
    }
}

pub fn draft_replaced(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Bản xem trước này đã được thay bằng bản nháp mới hơn; hãy dùng nút của bản mới.".into(),
        Lang::En => "This preview was replaced by a newer draft; use the newer preview's buttons.".into(),
    }
}

pub fn draft_cancelled(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Đã huỷ bản nháp; không có gì được gửi.".into(),
        Lang::En => "Draft discarded; nothing was sent.".into(),
    }
}
