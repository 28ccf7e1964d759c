//! Replies about sent announcements: the list, the report (Telegram HTML: group titles and
//! Telegram's reasons are escaped), edits and recalls.

use std::fmt::Write;

use chrono_tz::Tz;

use super::{areas_text, html, local};
use crate::{
    domain::Lang,
    store::{AckCounts, BroadcastReport, BroadcastSummary, ChatFailure},
};

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
        let kind = super::content_kind(lang, &b.media).map(|kind| format!(" · {kind}")).unwrap_or_default();
        let _ = writeln!(
            text,
            "#{} · {} · {} · {}{kind} · {} · {}/{} · {}{recalled}",
            b.id,
            local(b.created_at, zone),
            b.created_by,
            b.topic,
            areas_text(lang, &b.areas),
            b.delivered,
            b.total,
            reach_text(lang, b.reach, b.groups),
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
    let mut text = report_head(lang, report, zone);
    chat_list(&mut text, None, &report.failed);
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
    let heading = pick(lang, "Sửa/xoá không được:\n", "Edits/deletions that failed:\n");
    chat_list(&mut text, Some(heading), &report.amendment_failures);
    let heading = pick(
        lang,
        "Có thể đã nhận hai lần, hoặc một phần album (Loa dừng đột ngột, hay Telegram không trả lời, khi đang gửi):\n",
        "May have arrived twice, or part of an album (Loa stopped abruptly, or Telegram did not answer, while sending):\n",
    );
    chat_list(&mut text, Some(heading), &report.in_doubt);
    if let Some(acks) = &report.acks {
        ack_lines(&mut text, lang, acks);
    }
    report_notes(&mut text, lang, report);
    text
}

/// Who tapped «✅ Đã nhận», chat by chat, and the groups where nobody has.
fn ack_lines(text: &mut String, lang: Lang, acks: &AckCounts) {
    let (title, people, none) = match lang {
        Lang::Vi => ("Đã nhận", "người", "Chưa ai bấm «Đã nhận»:\n"),
        Lang::En => ("Acknowledged", "people", "Nobody has tapped «Got it» yet:\n"),
    };
    let groups = if lang == Lang::Vi { "nhóm" } else { "groups" };
    let _ = writeln!(text, "{title}: {}/{} {groups}", acks.acked_groups, acks.groups);
    for (chat_title, chat_id, count) in &acks.by_chat {
        let _ = writeln!(text, "  • {} ({chat_id}): {count} {people}", html(chat_title));
    }
    chat_list(text, Some(none), &acks.none);
}

/// "~N people in M groups": how far an announcement went, as far as member counts are known.
pub fn reach_text(lang: Lang, reach: u64, groups: u64) -> String {
    match lang {
        Lang::Vi => format!("đến ~{reach} người trong {groups} nhóm"),
        Lang::En => format!("reached ~{reach} people in {groups} groups"),
    }
}

/// The report's first lines: which announcement, and how far its delivery got.
fn report_head(lang: Lang, report: &BroadcastReport, zone: Tz) -> String {
    let b = &report.summary;
    let folded_failed = report.folded.map_or(0, |folded| folded.failed);
    let failed = report.failed.len() as u64 + folded_failed;
    let (title, delivered, pending, failed_word) = match lang {
        Lang::Vi => ("Thông báo", "Đã gửi", "Đang chờ", "Lỗi"),
        Lang::En => ("Announcement", "Delivered", "Pending", "Failed"),
    };
    let kind =
        super::content_kind(lang, &b.media).map(|kind| format!(" — {}", html(&kind))).unwrap_or_default();
    format!(
        "<b>{title} #{}</b> — {} — {}{kind} — {}\n{delivered}: {}/{} ({})\n{pending}: {}\n{failed_word}: {failed}\n",
        b.id,
        local(b.created_at, zone),
        b.topic,
        areas_text(lang, &b.areas),
        b.delivered,
        b.total,
        reach_text(lang, b.reach, b.groups),
        report.pending,
    )
}

/// One line per chat (title, id, and the reason when there is one), under `heading` if any.
fn chat_list(text: &mut String, heading: Option<&str>, chats: &[ChatFailure]) {
    if chats.is_empty() {
        return;
    }
    text.push_str(heading.unwrap_or_default());
    for chat in chats {
        let _ = write!(text, "  • {} ({})", html(&chat.title), chat.chat_id);
        let _ = match chat.reason.as_str() {
            "" => writeln!(text),
            reason => writeln!(text, ": {}", html(reason)),
        };
    }
}

/// What else is worth knowing: folded details, a recall, a late fire, and whether it is done.
fn report_notes(text: &mut String, lang: Lang, report: &BroadcastReport) {
    if let Some(folded) = report.folded {
        if folded.in_doubt > 0 {
            let _ = writeln!(
                text,
                "{}: {}",
                pick(lang, "Có thể đã nhận hai lần", "May have arrived twice"),
                folded.in_doubt
            );
        }
        text.push_str(pick(
            lang,
            "Chi tiết từng nhóm đã được gộp khi hết hạn lưu; còn lại số liệu tổng.\n",
            "Per-chat details were folded when their keeping time ended; the totals remain.\n",
        ));
    }
    if report.summary.recalled {
        text.push_str(pick(lang, "Đã thu hồi.\n", "Recalled.\n"));
    }
    if report.summary.late {
        text.push_str(pick(
            lang,
            "Gửi muộn: lời nhắc đến hạn khi Loa đang dừng.\n",
            "Sent late: the reminder came due while Loa was down.\n",
        ));
    }
    text.push_str(match (lang, report.finished()) {
        (Lang::Vi, true) => "✅ Đã xong.",
        (Lang::Vi, false) => "⏳ Chưa xong.",
        (Lang::En, true) => "✅ Finished.",
        (Lang::En, false) => "⏳ Not finished yet.",
    });
}

fn pick(lang: Lang, vi: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
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
