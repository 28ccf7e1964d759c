//! Replies about sent announcements: the list, the report (Telegram HTML: group titles and
//! Telegram's reasons are escaped), edits and recalls.

use std::fmt::Write;

use chrono_tz::Tz;

use super::{areas_text, html, local};
use crate::{
    domain::Lang,
    store::{BroadcastReport, BroadcastSummary, FoldedCounts},
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
    let folded = report.folded.unwrap_or(FoldedCounts { failed: 0, in_doubt: 0 });
    let failed = report.failed.len() as u64 + folded.failed;
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
            failed
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
            failed
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
    if !report.in_doubt.is_empty() {
        text.push_str(if lang == Lang::Vi {
            "Có thể đã nhận hai lần (Loa dừng đột ngột khi đang gửi):\n"
        } else {
            "May have arrived twice (Loa stopped abruptly while sending):\n"
        });
        for chat in &report.in_doubt {
            let _ = writeln!(text, "  • {} ({})", html(&chat.title), chat.chat_id);
        }
    }
    if folded.in_doubt > 0 {
        let _ = writeln!(
            text,
            "{}: {}",
            if lang == Lang::Vi { "Có thể đã nhận hai lần" } else { "May have arrived twice" },
            folded.in_doubt
        );
    }
    if report.folded.is_some() {
        text.push_str(if lang == Lang::Vi {
            "Chi tiết từng nhóm đã được gộp khi hết hạn lưu; còn lại số liệu tổng.\n"
        } else {
            "Per-chat details were folded when their keeping time ended; the totals remain.\n"
        });
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
