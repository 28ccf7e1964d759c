//! Replies to officials. Previews and reports are Telegram HTML, so every piece of text that
//! comes from people (announcements, group titles) goes through `html`.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{CommandHelp, areas_text, html, local};
use crate::{
    domain::{AreaCode, Lang, PostError, Role, TopicCatalog},
    store::{BroadcastReport, BroadcastSummary, Official},
};

/// Commands every official may use, in a private chat with the bot.
pub const OFFICIAL_COMMANDS: &[CommandHelp] = &[
    CommandHelp {
        command: "post",
        vi: "Soạn thông báo: /post <chủ đề> [area=5,7] [pin] [urgent] <nội dung> (/dang)",
        en: "Draft an announcement: /post <topic> [area=5,7] [pin] [urgent] <text> (/dang)",
    },
    CommandHelp {
        command: "at",
        vi: "Hẹn giờ gửi: /at 2026-12-05 19:30 <chủ đề> [area=5] <nội dung> (/hengio)",
        en: "Send at a time: /at 2026-12-05 19:30 <topic> [area=5] <text> (/hengio)",
    },
    CommandHelp { command: "confirm", vi: "Gửi bản nháp đang chờ", en: "Send the pending draft" },
    CommandHelp {
        command: "cancel",
        vi: "Huỷ bản nháp đang chờ; /cancel <số> huỷ lời nhắc (/huynhac)",
        en: "Discard the pending draft; /cancel <id> ends a reminder (/huynhac)",
    },
    CommandHelp {
        command: "remind",
        vi: "Lời nhắc định kỳ: /remind t2,t4,t6@17:30 waste area=5 <nội dung> (/nhac)",
        en: "Recurring reminder: /remind mon,wed,fri@17:30 waste area=5 <text> (/nhac)",
    },
    CommandHelp { command: "reminders", vi: "Các lời nhắc (/dsnhac)", en: "All reminders (/dsnhac)" },
    CommandHelp {
        command: "pause",
        vi: "Tạm dừng lời nhắc: /pause <số>",
        en: "Pause a reminder: /pause <id>",
    },
    CommandHelp {
        command: "resume",
        vi: "Chạy lại lời nhắc: /resume <số>",
        en: "Resume a reminder: /resume <id>",
    },
    CommandHelp {
        command: "skip",
        vi: "Nghỉ một ngày: /skip <số> YYYY-MM-DD; /skip <số> xem các ngày nghỉ",
        en: "Skip a day: /skip <id> YYYY-MM-DD; /skip <id> lists them",
    },
    CommandHelp {
        command: "broadcasts",
        vi: "Các thông báo gần đây (/dsgui)",
        en: "Recent announcements (/dsgui)",
    },
    CommandHelp {
        command: "report",
        vi: "Báo cáo gửi: /report <số> (/baocao)",
        en: "Delivery report: /report <id> (/baocao)",
    },
    CommandHelp {
        command: "edit",
        vi: "Sửa nội dung đã gửi: /edit <số> <nội dung mới>",
        en: "Edit a sent announcement: /edit <id> <new text>",
    },
    CommandHelp {
        command: "recall",
        vi: "Thu hồi thông báo: /recall <số> (/thuhoi)",
        en: "Delete a sent announcement: /recall <id> (/thuhoi)",
    },
];

/// Commands only admin officials may use.
pub const ADMIN_COMMANDS: &[CommandHelp] = &[
    CommandHelp { command: "officials", vi: "Danh sách cán bộ", en: "List officials" },
    CommandHelp {
        command: "official",
        vi: "Thêm/bớt cán bộ: /official add <user_id> [admin|editor], /official remove <user_id>",
        en: "Add/remove officials: /official add <user_id> [admin|editor], /official remove <user_id>",
    },
];

/// The official part of `/help`.
pub fn official_help(lang: Lang, role: Role) -> String {
    let mut text = String::from(match lang {
        Lang::Vi => "\nLệnh cán bộ (trong chat riêng với bot):\n",
        Lang::En => "\nOfficial commands (in a private chat with the bot):\n",
    });
    let admin = if role == Role::Admin { ADMIN_COMMANDS } else { &[] };
    for help in OFFICIAL_COMMANDS.iter().chain(admin) {
        let _ = writeln!(text, "/{} — {}", help.command, help.describe(lang));
    }
    text
}

pub fn officials_only(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Lệnh này chỉ dành cho cán bộ phường, trong chat riêng với bot.".into(),
        Lang::En => "This command is for ward officials, in a private chat with the bot.".into(),
    }
}

pub fn admins_only(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Lệnh này chỉ dành cho cán bộ quản trị (admin), trong chat riêng với bot.".into(),
        Lang::En => "This command is for admin officials, in a private chat with the bot.".into(),
    }
}

fn role_name(lang: Lang, role: Role) -> &'static str {
    match (lang, role) {
        (Lang::Vi, Role::Admin) => "quản trị",
        (Lang::Vi, Role::Editor) => "biên tập",
        (Lang::En, Role::Admin) => "admin",
        (Lang::En, Role::Editor) => "editor",
    }
}

pub fn officials(lang: Lang, officials: &[Official]) -> String {
    let mut text = String::from(match lang {
        Lang::Vi => "Cán bộ:\n",
        Lang::En => "Officials:\n",
    });
    for official in officials {
        let _ = writeln!(text, "• {} — {}", official.user_id, role_name(lang, official.role));
    }
    text
}

pub fn official_usage(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Cách dùng: /official add <user_id> [admin|editor] (mặc định editor), /official remove <user_id>. \
                     Ví dụ: /official add 123456789 editor. Không thay đổi gì."
            .into(),
        Lang::En => "Usage: /official add <user_id> [admin|editor] (editor by default), /official remove <user_id>. \
                     Example: /official add 123456789 editor. Nothing was changed."
            .into(),
    }
}

pub fn official_added(lang: Lang, user: u64, role: Role) -> String {
    match lang {
        Lang::Vi => format!("Đã thêm {user} làm cán bộ ({}).", role_name(lang, role)),
        Lang::En => format!("{user} is now an official ({}).", role_name(lang, role)),
    }
}

pub fn official_removed(lang: Lang, user: u64) -> String {
    match lang {
        Lang::Vi => format!("Đã bỏ quyền cán bộ của {user}."),
        Lang::En => format!("{user} is no longer an official."),
    }
}

pub fn official_not_found(lang: Lang, user: u64) -> String {
    match lang {
        Lang::Vi => format!("{user} không phải cán bộ. Xem /officials."),
        Lang::En => format!("{user} is not an official. See /officials."),
    }
}

pub fn last_admin(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Không thể bỏ quản trị viên cuối cùng: hãy thêm một quản trị viên khác trước.".into(),
        Lang::En => "The last admin cannot be removed: add another admin first.".into(),
    }
}

const POST_FORM_VI: &str = "Cách viết: /post <chủ đề> [area=5,7] [pin] [urgent] <nội dung>\n\
     Ví dụ: /post waste area=5 pin Từ 1/6, thu gom rác 18:00–20:00 thứ Hai, Tư, Sáu.\n\
     Dùng -- trước nội dung nếu nội dung bắt đầu bằng pin, urgent hoặc có dấu =.";
const POST_FORM_EN: &str = "Form: /post <topic> [area=5,7] [pin] [urgent] <text>\n\
     Example: /post waste area=5 pin From 1 June, waste is collected 18:00–20:00 Mon, Wed, Fri.\n\
     Put -- before the text if it starts with pin, urgent or contains =.";

fn post_form(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => POST_FORM_VI,
        Lang::En => POST_FORM_EN,
    }
}

/// Plain text: it may quote what the official typed.
pub fn post_error(lang: Lang, error: &PostError, catalog: &TopicCatalog) -> String {
    let topics = catalog.all().iter().map(|t| t.slug.as_str()).collect::<Vec<_>>().join(", ");
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
            format!("Không hiểu tuỳ chọn «{option}». Tuỳ chọn: area=, pin, urgent.")
        }
        (Lang::En, PostError::UnknownOption(option)) => {
            format!("Unknown option «{option}». Options: area=, pin, urgent.")
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
    match lang {
        Lang::Vi => format!(
            "☝️ Bản xem trước{flags}.\nChủ đề: {}\nPhạm vi: {areas}\nSẽ gửi tới: {} nhóm/người{sends}\n\n\
             Bấm «Gửi» (hoặc /confirm) để gửi, «Huỷ» (hoặc /cancel) để bỏ. Bản nháp hết hạn lúc {expires}.",
            html(facts.topic),
            facts.recipients
        ),
        Lang::En => format!(
            "☝️ Preview{flags}.\nTopic: {}\nAudience: {areas}\nWill reach: {} chats{sends}\n\n\
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

pub fn broadcasts(lang: Lang, list: &[BroadcastSummary], zone: Tz) -> String {
    if list.is_empty() {
        return match lang {
            Lang::Vi => "Chưa có thông báo nào. Soạn bằng /post.".into(),
            Lang::En => "No announcements yet. Write one with /post.".into(),
        };
    }
    let mut text = String::from(match lang {
        Lang::Vi => "Thông báo gần đây (đã gửi/tổng):\n",
        Lang::En => "Recent announcements (delivered/total):\n",
    });
    for b in list {
        let recalled = match (b.recalled, lang) {
            (false, _) => "",
            (true, Lang::Vi) => " — đã thu hồi",
            (true, Lang::En) => " — recalled",
        };
        let _ = writeln!(
            text,
            "#{} · {} · {} · {} · {} · {}/{}{recalled}",
            b.id,
            local(b.created_at, zone),
            b.created_by,
            b.topic,
            areas_text(lang, &b.areas),
            b.delivered,
            b.total
        );
    }
    text.push_str(match lang {
        Lang::Vi => "Chi tiết: /report <số>",
        Lang::En => "Details: /report <id>",
    });
    text
}

/// A delivery report, as Telegram HTML.
pub fn report(lang: Lang, report: &BroadcastReport, zone: Tz) -> String {
    let b = &report.summary;
    let mut text = match lang {
        Lang::Vi => format!(
            "<b>Thông báo #{}</b> — {} — {} — {}\nĐã gửi: {}/{}\nĐang chờ: {}\nLỗi: {}\n",
            b.id,
            local(b.created_at, zone),
            b.topic,
            areas_text(lang, &b.areas),
            b.delivered,
            b.total,
            report.pending,
            report.failed.len()
        ),
        Lang::En => format!(
            "<b>Announcement #{}</b> — {} — {} — {}\nDelivered: {}/{}\nPending: {}\nFailed: {}\n",
            b.id,
            local(b.created_at, zone),
            b.topic,
            areas_text(lang, &b.areas),
            b.delivered,
            b.total,
            report.pending,
            report.failed.len()
        ),
    };
    for failure in &report.failed {
        let _ =
            writeln!(text, "  • {} ({}): {}", html(&failure.title), failure.chat_id, html(&failure.reason));
    }
    let mut line = |vi: &str, en: &str, count: u64| {
        if count > 0 {
            let _ = writeln!(text, "{}: {count}", if lang == Lang::Vi { vi } else { en });
        }
    };
    line("Đã ghim", "Pinned", report.pinned);
    line("Không ghim được", "Pin failed", report.pin_failed);
    line("Không gửi (thu hồi/chuyển nhóm)", "Not sent (recalled/moved)", report.cancelled);
    line("Đã sửa", "Edited", report.edited);
    line("Đã xoá", "Deleted", report.deleted);
    line("Sửa/xoá đang chờ", "Edits/deletions pending", report.amendments_pending);
    if !report.amendment_failures.is_empty() {
        text.push_str(if lang == Lang::Vi {
            "Sửa/xoá không được:\n"
        } else {
            "Edits/deletions that failed:\n"
        });
        for failure in &report.amendment_failures {
            let _ = writeln!(
                text,
                "  • {} ({}): {}",
                html(&failure.title),
                failure.chat_id,
                html(&failure.reason)
            );
        }
    }
    if b.recalled {
        text.push_str(if lang == Lang::Vi { "Đã thu hồi.\n" } else { "Recalled.\n" });
    }
    if b.late {
        text.push_str(if lang == Lang::Vi {
            "Gửi muộn: lời nhắc đến hạn khi Loa đang dừng.\n"
        } else {
            "Sent late: the reminder came due while Loa was down.\n"
        });
    }
    text.push_str(match (lang, report.finished()) {
        (Lang::Vi, true) => "✅ Đã xong.",
        (Lang::Vi, false) => "⏳ Chưa xong.",
        (Lang::En, true) => "✅ Finished.",
        (Lang::En, false) => "⏳ Not finished yet.",
    });
    text
}

pub fn broadcast_usage(lang: Lang, command: &str) -> String {
    match (lang, command) {
        (Lang::Vi, "edit") => {
            "Cách viết: /edit <số thông báo> <nội dung mới>, ví dụ /edit 12 Lịch thu gom đổi sang 19:00."
                .into()
        }
        (Lang::En, "edit") => {
            "Form: /edit <announcement id> <new text>, e.g. /edit 12 Collection moves to 19:00.".into()
        }
        (Lang::Vi, _) => {
            format!("Cách viết: /{command} <số thông báo>, ví dụ /{command} 12. Xem số ở /broadcasts.")
        }
        (Lang::En, _) => {
            format!("Form: /{command} <announcement id>, e.g. /{command} 12. See the ids with /broadcasts.")
        }
    }
}

pub fn broadcast_not_found(lang: Lang, id: i64) -> String {
    match lang {
        Lang::Vi => format!("Không có thông báo #{id}. Xem /broadcasts."),
        Lang::En => format!("There is no announcement #{id}. See /broadcasts."),
    }
}

pub fn already_recalled(lang: Lang, id: i64) -> String {
    match lang {
        Lang::Vi => format!("Thông báo #{id} đã bị thu hồi; không sửa hay thu hồi lại được."),
        Lang::En => format!("Announcement #{id} was recalled; it cannot be edited or recalled again."),
    }
}

pub fn edit_queued(lang: Lang, id: i64, chats: u64) -> String {
    match lang {
        Lang::Vi => format!(
            "Đang sửa thông báo #{id} ở {chats} nhóm/người đã nhận; nơi chưa nhận sẽ nhận bản mới. Xem /report {id}."
        ),
        Lang::En => format!(
            "Editing announcement #{id} in {chats} chats that received it; the rest will get the new text. See /report {id}."
        ),
    }
}

pub fn recall_queued(lang: Lang, id: i64, chats: u64) -> String {
    match lang {
        Lang::Vi => format!(
            "Đang thu hồi thông báo #{id} ở {chats} nhóm/người; nơi chưa nhận sẽ không nhận. Telegram không cho xoá tin quá 48 giờ: xem /report {id}."
        ),
        Lang::En => format!(
            "Recalling announcement #{id} from {chats} chats; chats that did not get it yet never will. Telegram refuses to delete messages older than 48 hours: see /report {id}."
        ),
    }
}
