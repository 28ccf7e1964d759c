//! Replies to residents about their reports (phản ánh) and tickets. Plain text.

use std::fmt::Write;

use chrono::Duration;
use chrono_tz::Tz;

use super::local;
use crate::{
    domain::{Category, Lang, PieceError, TicketStatus},
    store::{TicketDraft, TicketLine},
};

/// The ward as residents name it: `LOA_WARD_NAME`, or a plain "phường".
pub fn ward(lang: Lang, name: Option<&str>) -> String {
    match (name, lang) {
        (Some(name), _) => name.to_owned(),
        (None, Lang::Vi) => "Phường".into(),
        (None, Lang::En) => "The ward".into(),
    }
}

pub fn category_name(lang: Lang, category: Category) -> &'static str {
    match (lang, category) {
        (Lang::Vi, Category::Waste) => "Rác thải",
        (Lang::En, Category::Waste) => "Waste",
        (Lang::Vi, Category::Hygiene) => "Vệ sinh",
        (Lang::En, Category::Hygiene) => "Sanitation",
        (Lang::Vi, Category::Security) => "An ninh trật tự",
        (Lang::En, Category::Security) => "Public order",
        (Lang::Vi, Category::Infrastructure) => "Hạ tầng",
        (Lang::En, Category::Infrastructure) => "Infrastructure",
        (Lang::Vi, Category::Other) => "Khác",
        (Lang::En, Category::Other) => "Other",
    }
}

pub fn status_name(lang: Lang, status: TicketStatus) -> &'static str {
    match (lang, status) {
        (Lang::Vi, TicketStatus::Open) => "Mới, chờ tiếp nhận",
        (Lang::En, TicketStatus::Open) => "New, waiting to be taken on",
        (Lang::Vi, TicketStatus::Acknowledged) => "Đã tiếp nhận",
        (Lang::En, TicketStatus::Acknowledged) => "Taken on",
        (Lang::Vi, TicketStatus::Resolved) => "Đã xử lý",
        (Lang::En, TicketStatus::Resolved) => "Resolved",
        (Lang::Vi, TicketStatus::Declined) => "Không thuộc thẩm quyền của phường",
        (Lang::En, TicketStatus::Declined) => "Not within the ward's remit",
    }
}

/// Shown before a resident's first report: what is kept, how long, why, how to delete it.
pub fn privacy_notice(lang: Lang, keep: Duration) -> String {
    let days = keep.num_days();
    match lang {
        Lang::Vi => format!(
            "🔒 Về dữ liệu của bạn: phường lưu nội dung phản ánh, ảnh/video, vị trí và (nếu bạn đồng ý) tên, \
             tài khoản Telegram của bạn, chỉ để xử lý phản ánh và trả lời bạn. Tên, ảnh, vị trí được xoá sau {days} ngày; \
             phần còn lại được giữ ẩn danh để thống kê. Gõ /xoadulieu để xoá dữ liệu cá nhân của bạn bất cứ lúc nào."
        ),
        Lang::En => format!(
            "🔒 About your data: the ward keeps your report's text, photo/video, location and (if you agree) \
             your name and Telegram username, only to handle the report and answer you. Name, photo and location \
             are erased after {days} days; the rest is kept anonymously for statistics. Send /forgetme to erase \
             your personal data at any time."
        ),
    }
}

pub fn report_start(lang: Lang) -> String {
    match lang {
        Lang::Vi => {
            "📝 Phản ánh với phường: hãy gửi vài dòng mô tả sự việc, kèm ảnh (hoặc video ngắn) và vị trí 📍 \
                     nếu có. Xong thì bấm «Tiếp tục»."
                .into()
        }
        Lang::En => {
            "📝 Report to the ward: send a few lines about what is wrong, with a photo (or a short video) \
                     and a location 📍 if you have them. Then tap «Continue»."
                .into()
        }
    }
}

/// What the report holds so far, after each piece.
pub fn report_so_far(lang: Lang, draft: &TicketDraft) -> String {
    let mut parts = Vec::new();
    if !draft.body.is_empty() {
        parts.push(match lang {
            Lang::Vi => format!("{} ký tự mô tả", draft.body.chars().count()),
            Lang::En => format!("{} characters of text", draft.body.chars().count()),
        });
    }
    if draft.media.is_some() {
        parts.push(match lang {
            Lang::Vi => "ảnh/video".into(),
            Lang::En => "a photo/video".into(),
        });
    }
    if draft.location.is_some() {
        parts.push(match lang {
            Lang::Vi => "vị trí".into(),
            Lang::En => "a location".into(),
        });
    }
    let parts = parts.join(", ");
    match (lang, draft.body.is_empty()) {
        (Lang::Vi, false) => format!("Đã nhận: {parts}. Gửi thêm nếu cần, hoặc bấm «Tiếp tục»."),
        (Lang::En, false) => format!("Got: {parts}. Send more if needed, or tap «Continue»."),
        (Lang::Vi, true) => format!("Đã nhận: {parts}. Hãy viết thêm vài dòng mô tả sự việc."),
        (Lang::En, true) => format!("Got: {parts}. Please add a few lines about what is wrong."),
    }
}

pub fn continue_button(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "Tiếp tục ➡️",
        Lang::En => "Continue ➡️",
    }
}

pub fn cancel_button(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "Huỷ",
        Lang::En => "Cancel",
    }
}

pub fn report_piece_refused(lang: Lang, error: &PieceError) -> String {
    match (lang, error) {
        (Lang::Vi, PieceError::Unsupported) => {
            "Phản ánh chỉ nhận chữ, ảnh, video ngắn và vị trí; tin này (nhãn dán, tệp, ghi âm...) không được thêm."
                .into()
        }
        (Lang::En, PieceError::Unsupported) => {
            "A report takes text, a photo, a short video and a location; this (a sticker, file, voice note...) \
             was not added."
                .into()
        }
        (Lang::Vi, PieceError::VideoTooLarge { bytes, max }) => format!(
            "Video quá lớn ({} MB); tối đa {} MB. Hãy gửi ảnh, hoặc một video ngắn hơn. Video này không được thêm.",
            megabytes(*bytes),
            megabytes(*max)
        ),
        (Lang::En, PieceError::VideoTooLarge { bytes, max }) => format!(
            "The video is too large ({} MB); at most {} MB. Send a photo, or a shorter video. This one was not added.",
            megabytes(*bytes),
            megabytes(*max)
        ),
    }
}

fn megabytes(bytes: u32) -> String {
    format!("{:.1}", f64::from(bytes) / (1024.0 * 1024.0))
}

pub fn report_too_long(lang: Lang, max: usize) -> String {
    match lang {
        Lang::Vi => {
            format!("Nội dung phản ánh dài quá {max} ký tự; hãy viết ngắn gọn hơn. Phần này không được thêm.")
        }
        Lang::En => {
            format!("A report's text is limited to {max} characters; please shorten it. This was not added.")
        }
    }
}

/// «Tiếp tục» with no words: an empty report, or only a photo or a location.
pub fn report_needs_text(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Phản ánh cần vài dòng mô tả sự việc (ảnh hay vị trí thôi thì cán bộ chưa hiểu được). \
                     Hãy gõ nội dung rồi bấm «Tiếp tục»."
            .into(),
        Lang::En => {
            "A report needs a few lines about what is wrong (a photo or a location alone is not enough). \
                     Type them, then tap «Continue»."
                .into()
        }
    }
}

pub fn choose_area(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Sự việc ở tổ dân phố nào?".into(),
        Lang::En => "Which residential group is it in?".into(),
    }
}

pub fn report_area_button(lang: Lang, area: &str) -> String {
    match lang {
        Lang::Vi => format!("Tổ {area}"),
        Lang::En => format!("Area {area}"),
    }
}

pub fn unknown_area_button(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "Không rõ / khác",
        Lang::En => "Not sure / other",
    }
}

pub fn choose_category(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Phản ánh về việc gì?".into(),
        Lang::En => "What is it about?".into(),
    }
}

pub fn consent_question(lang: Lang) -> String {
    match lang {
        Lang::Vi => {
            "Cho phép phường liên hệ lại với bạn? Nếu đồng ý, cán bộ thấy tên và tài khoản Telegram của bạn; \
                     nếu không, phản ánh được gửi ẩn danh (bạn vẫn nhận được trả lời qua Loa)."
                .into()
        }
        Lang::En => {
            "May the ward contact you? If yes, officials see your name and Telegram username; if not, \
                     the report is anonymous (you still get the answer through Loa)."
                .into()
        }
    }
}

pub fn consent_button(lang: Lang, yes: bool) -> &'static str {
    match (lang, yes) {
        (Lang::Vi, true) => "Đồng ý",
        (Lang::En, true) => "Yes",
        (Lang::Vi, false) => "Không, gửi ẩn danh",
        (Lang::En, false) => "No, stay anonymous",
    }
}

/// A text while the report waits for a button.
pub fn use_the_buttons(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Hãy chọn bằng các nút bên dưới (hoặc «Huỷ»).".into(),
        Lang::En => "Please choose with the buttons below (or «Cancel»).".into(),
    }
}

pub fn ticket_opened(lang: Lang, ticket: i64, ack_within: Duration) -> String {
    let hours = ack_within.num_hours().max(1);
    match lang {
        Lang::Vi => format!(
            "✅ Đã gửi phản ánh số #{ticket}. Cán bộ phường sẽ xem và tiếp nhận trong khoảng {hours} giờ làm việc; \
             bạn sẽ nhận tin tại đây khi phản ánh được tiếp nhận, được trả lời hoặc xử lý xong. Xem lại: /tickets."
        ),
        Lang::En => format!(
            "✅ Report #{ticket} sent. Ward officials will look at it and take it on within about {hours} working \
             hours; you will hear here when it is taken on, answered or resolved. Review it: /tickets."
        ),
    }
}

pub fn report_cancelled(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Đã huỷ phản ánh; không có gì được gửi.".into(),
        Lang::En => "Report cancelled; nothing was sent.".into(),
    }
}

/// A button of a report that is no longer being written.
pub fn report_over(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Phản ánh này đã gửi hoặc đã huỷ. Gõ /phananh để viết phản ánh mới.".into(),
        Lang::En => "This report was sent or cancelled. Send /feedback to write a new one.".into(),
    }
}

pub fn report_in_private(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Để phản ánh với phường, hãy nhắn riêng cho tôi và gõ /phananh.".into(),
        Lang::En => "To report to the ward, message me in private and send /feedback.".into(),
    }
}

pub fn report_limit(lang: Lang, per_day: i64) -> String {
    match lang {
        Lang::Vi => format!(
            "Bạn đã gửi {per_day} phản ánh trong 24 giờ qua, mức tối đa để bàn tiếp nhận kịp xử lý. \
             Vui lòng thử lại sau; phản ánh đã gửi vẫn đang được xem (/tickets)."
        ),
        Lang::En => format!(
            "You sent {per_day} reports in the last 24 hours, the most the desk takes so that it can keep up. \
             Please try again later; those you sent are being looked at (/tickets)."
        ),
    }
}

/// Told to a blocked resident: briefly, without detail.
pub fn report_blocked(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Hiện bạn không gửi được phản ánh qua Loa. Xin liên hệ trực tiếp UBND phường.".into(),
        Lang::En => {
            "You cannot send reports through Loa at the moment. Please contact the ward office directly."
                .into()
        }
    }
}

/// A status change, told to the resident.
pub fn ticket_status_changed(lang: Lang, ticket: i64, status: TicketStatus, ward_name: &str) -> String {
    let status = status_name(lang, status);
    match lang {
        Lang::Vi => format!("📌 Phản ánh #{ticket}: {status}. — {ward_name}"),
        Lang::En => format!("📌 Report #{ticket}: {status}. — {ward_name}"),
    }
}

/// An official's answer, relayed to the resident and signed with the ward's name.
pub fn relayed_answer(lang: Lang, ticket: i64, answer: &str, ward_name: &str) -> String {
    match lang {
        Lang::Vi => format!("💬 Trả lời phản ánh #{ticket}:\n\n{answer}\n\n— {ward_name}"),
        Lang::En => format!("💬 Answer to your report #{ticket}:\n\n{answer}\n\n— {ward_name}"),
    }
}

pub fn resident_tickets(lang: Lang, tickets: &[TicketLine], zone: Tz) -> String {
    if tickets.is_empty() {
        return match lang {
            Lang::Vi => "Bạn chưa có phản ánh nào. Gõ /phananh để gửi.".into(),
            Lang::En => "You have no reports. Send /feedback to write one.".into(),
        };
    }
    let mut text = String::from(match lang {
        Lang::Vi => "Phản ánh của bạn:\n",
        Lang::En => "Your reports:\n",
    });
    for ticket in tickets {
        let _ = writeln!(
            text,
            "#{} · {} · {} · {}",
            ticket.id,
            local(ticket.created_at, zone),
            category_name(lang, ticket.category),
            status_name(lang, ticket.status)
        );
    }
    text
}

pub fn forget_question(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Xoá dữ liệu cá nhân của bạn trong mọi phản ánh (tên, tài khoản, ảnh/video, vị trí) và phản ánh \
                     đang viết dở? Nội dung được giữ ẩn danh; phản ánh đang mở sẽ không nhận được trả lời nữa."
            .into(),
        Lang::En => "Erase your personal data in every report (name, username, photo/video, location) and the report \
                     you are writing? The text is kept anonymously; open reports will no longer get answers."
            .into(),
    }
}

pub fn forget_button(lang: Lang, yes: bool) -> &'static str {
    match (lang, yes) {
        (Lang::Vi, true) => "Xoá dữ liệu",
        (Lang::En, true) => "Erase my data",
        (Lang::Vi, false) => "Không xoá",
        (Lang::En, false) => "Keep it",
    }
}

pub fn forgotten(lang: Lang, tickets: u64) -> String {
    match lang {
        Lang::Vi => format!("Đã xoá dữ liệu cá nhân của bạn ({tickets} phản ánh)."),
        Lang::En => format!("Your personal data is erased ({tickets} reports)."),
    }
}

pub fn forget_kept(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Không xoá gì.".into(),
        Lang::En => "Nothing was erased.".into(),
    }
}
