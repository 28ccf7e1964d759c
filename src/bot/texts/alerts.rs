//! What Loa tells the admins (or the desk) when something needs a person, and when it is over.

use crate::domain::{Alert, AlertKind, Lang, LostRight, Right};

/// Groups named in one message at most; the rest are counted.
const LISTED_GROUPS: usize = 10;

/// The message about a trouble.
pub fn alert_text(lang: Lang, alert: &Alert) -> String {
    let vi = lang == Lang::Vi;
    match alert {
        Alert::Worker if vi => "🚨 Loa: việc gửi tin đã lỗi liên tục 5 phút: thông báo và lời nhắc đang không đến \
             được các nhóm. Loa sẽ tự khởi động lại; nếu vẫn lỗi, người quản lý máy chủ hãy chạy `loa doctor` \
             và xem nhật ký (log)."
            .to_owned(),
        Alert::Worker => "🚨 Loa: sending has failed for 5 minutes without a break: announcements and reminders are \
             not reaching the groups. Loa restarts itself; if it keeps failing, whoever runs the server should \
             run `loa doctor` and read the logs."
            .to_owned(),
        Alert::Scheduler if vi => "🚨 Loa: bộ hẹn giờ đã lỗi liên tục 5 phút: lời nhắc định kỳ có thể không được \
             gửi đúng giờ. Loa sẽ tự khởi động lại; nếu vẫn lỗi, người quản lý máy chủ hãy chạy `loa doctor` và \
             xem nhật ký (log)."
            .to_owned(),
        Alert::Scheduler => "🚨 Loa: the scheduler has failed for 5 minutes without a break: recurring reminders \
             may not go out on time. Loa restarts itself; if it keeps failing, whoever runs the server should \
             run `loa doctor` and read the logs."
            .to_owned(),
        Alert::Broadcast { broadcast, failed, total, finished } => {
            let percent = failed * 100 / (*total).max(1);
            match (vi, finished) {
                (true, true) => format!(
                    "🚨 Loa: thông báo #{broadcast} không đến được {failed}/{total} nơi nhận ({percent}%). \
                     Xem lý do: /baocao {broadcast}"
                ),
                (true, false) => format!(
                    "🚨 Loa: thông báo #{broadcast} đã không đến được ít nhất {failed}/{total} nơi nhận \
                     ({percent}%), và vẫn đang gửi. Xem lý do: /baocao {broadcast}"
                ),
                (false, true) => format!(
                    "🚨 Loa: announcement #{broadcast} did not reach {failed} of its {total} chats ({percent}%). \
                     Why: /report {broadcast}"
                ),
                (false, false) => format!(
                    "🚨 Loa: announcement #{broadcast} has already failed to reach {failed} of its {total} chats \
                     ({percent}%), and is still being sent. Why: /report {broadcast}"
                ),
            }
        }
        Alert::Rights { groups } => rights_text(vi, groups),
        Alert::Backup { error } if vi => format!(
            "🚨 Loa: sao lưu theo lịch không thành công: {error}. Người quản lý máy chủ hãy kiểm tra thư mục \
             sao lưu và dung lượng đĩa."
        ),
        Alert::Backup { error } => format!(
            "🚨 Loa: a scheduled backup failed: {error}. Whoever runs the server should check the backup \
             directory and the free disk space."
        ),
    }
}

fn rights_text(vi: bool, groups: &[LostRight]) -> String {
    let mut text = if vi {
        format!("🚨 Loa: Telegram không cho bot gửi hoặc ghim tin trong {} nhóm:", groups.len())
    } else {
        format!("🚨 Loa: Telegram refused the bot a send or a pin in {} group(s):", groups.len())
    };
    for lost in groups.iter().take(LISTED_GROUPS) {
        let what = match (lost.right, vi) {
            (Right::Send, true) => {
                "không gửi được: bot đã bị xoá khỏi nhóm hoặc bị cấm gửi tin — hãy thêm lại bot"
            }
            (Right::Send, false) => "cannot send: the bot was removed or may not write — add it back",
            (Right::Pin, true) => "không ghim được — hãy cho bot làm quản trị viên với quyền «Ghim tin nhắn»",
            (Right::Pin, false) => "cannot pin — make the bot an admin with the right to pin messages",
        };
        text.push_str(&format!("\n• «{}»: {what}", lost.title));
    }
    if let Some(more @ 1..) = groups.len().checked_sub(LISTED_GROUPS) {
        text.push_str(&if vi {
            format!("\n• và {more} nhóm khác")
        } else {
            format!("\n• and {more} more")
        });
    }
    text
}

/// The short message that a trouble is over.
pub fn alert_resolved_text(lang: Lang, kind: AlertKind) -> String {
    let vi = lang == Lang::Vi;
    match (kind, vi) {
        (AlertKind::Worker, true) => "✅ Loa: việc gửi tin đã hoạt động trở lại.",
        (AlertKind::Worker, false) => "✅ Loa: sending works again.",
        (AlertKind::Scheduler, true) => "✅ Loa: bộ hẹn giờ đã hoạt động trở lại.",
        (AlertKind::Scheduler, false) => "✅ Loa: the scheduler works again.",
        (AlertKind::Broadcast, true) => "✅ Loa: thông báo mới nhất đã đến được hầu hết các nơi nhận.",
        (AlertKind::Broadcast, false) => "✅ Loa: the latest announcement reached nearly all its chats.",
        (AlertKind::Rights, true) => "✅ Loa: bot đã gửi và ghim được tin trở lại ở các nhóm đã báo.",
        (AlertKind::Rights, false) => "✅ Loa: the bot can send and pin again in the groups reported.",
        (AlertKind::Backup, true) => "✅ Loa: sao lưu theo lịch đã thành công trở lại.",
        (AlertKind::Backup, false) => "✅ Loa: scheduled backups succeed again.",
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_of_groups_is_cut_and_counted() {
        let groups: Vec<LostRight> =
            (1..=12).map(|n| LostRight { chat: -n, title: format!("Tổ {n}"), right: Right::Pin }).collect();
        let text = alert_text(Lang::Vi, &Alert::Rights { groups });
        assert!(text.contains("12 nhóm") && text.contains("«Tổ 10»") && !text.contains("«Tổ 11»"), "{text}");
        assert!(text.ends_with("và 2 nhóm khác"), "{text}");
    }

    #[test]
    fn an_unfinished_broadcast_says_at_least() {
        let alert = Alert::Broadcast { broadcast: 7, failed: 3, total: 10, finished: false };
        assert!(alert_text(Lang::Vi, &alert).contains("ít nhất 3/10 nơi nhận (30%)"));
        assert!(alert_text(Lang::En, &alert).contains("already failed to reach 3 of its 10 chats (30%)"));
    }
}
