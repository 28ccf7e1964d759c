//! Replies about officials themselves: their commands, roles and refusals.

use std::fmt::Write;

use super::CommandHelp;
use crate::{
    domain::{Lang, Role},
    store::Official,
};

/// Commands every official may use, in a private chat with the bot.
pub const OFFICIAL_COMMANDS: &[CommandHelp] = &[
    CommandHelp {
        command: "post",
        vi: "Soạn thông báo: /post <chủ đề> [area=5,7] [ghim] [khan] [ack=2h,remind] <nội dung> (/dang); \
             ack: người dân bấm «✅ Đã nhận»; gửi ảnh, tệp, album rồi trả lời tin đó bằng /post <chủ đề>",
        en: "Draft an announcement: /post <topic> [area=5,7] [ghim|pin] [khan|urgent] [ack=2h,remind] <text> (/dang); \
             ack: residents tap «✅ Got it»; send a photo, file or album, then reply to it with /post <topic>",
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
        vi: "Lời nhắc định kỳ: /remind t2,t4,t6@17:30 rac area=5 <nội dung> (/nhac)",
        en: "Recurring reminder: /remind mon,wed,fri@17:30 rac area=5 <text> (/nhac)",
    },
    CommandHelp {
        command: "editremind",
        vi: "Sửa lời nhắc, giữ số và lịch sử: /editremind <số> <lịch> <chủ đề> … (/suanhac)",
        en: "Change a reminder, keeping its id and history: /editremind <id> <when> <topic> … (/suanhac)",
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
        command: "stats",
        vi: "Thống kê 12 tuần: thông báo, lượt gửi, số người nhận, số người bấm «Đã nhận», kèm biểu đồ (/thongke)",
        en: "12 weeks of statistics: announcements, deliveries, people reached and acknowledgements, with a chart (/thongke)",
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
    CommandHelp {
        command: "traloi",
        vi: "Trả lời phản ánh của người dân: /traloi <số> <nội dung>; /tickets: các phản ánh đang mở",
        en: "Answer a resident's report: /traloi <number> <text>; /tickets: the open reports",
    },
];

/// Commands only admin officials may use.
pub const ADMIN_COMMANDS: &[CommandHelp] = &[
    CommandHelp { command: "officials", vi: "Danh sách cán bộ", en: "List officials" },
    CommandHelp {
        command: "official",
        vi: "Thêm/bớt cán bộ: /official invite [editor|admin] cho link mời dùng một lần; \
             /official add <user_id> [admin|editor], /official remove <user_id>",
        en: "Add/remove officials: /official invite [editor|admin] gives a one-time link; \
             /official add <user_id> [admin|editor], /official remove <user_id>",
    },
    CommandHelp {
        command: "desk",
        vi: "Chặn người gửi một phản ánh (không lộ danh tính): /desk block <số>",
        en: "Block a report's sender (without naming them): /desk block <number>",
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
        Lang::Vi => "Cách dùng: /official invite [editor|admin] (mặc định editor) cho một link mời, \
                     /official add <user_id> [admin|editor], /official remove <user_id>. \
                     Ví dụ: /official invite editor. Không thay đổi gì."
            .into(),
        Lang::En => "Usage: /official invite [editor|admin] (editor by default) for an invitation link, \
                     /official add <user_id> [admin|editor], /official remove <user_id>. \
                     Example: /official invite editor. Nothing was changed."
            .into(),
    }
}

/// A new invitation, for the admin to pass on.
pub fn invite_created(lang: Lang, link: &str, role: Role, expires: &str) -> String {
    let role = role_name(lang, role);
    match lang {
        Lang::Vi => format!(
            "🔗 Link mời làm cán bộ ({role}), dùng một lần, hết hạn lúc {expires}:\n{link}\n\n\
             Gửi riêng link này cho người cần thêm: ai mở link trước sẽ thành cán bộ. Đừng đăng vào nhóm chung."
        ),
        Lang::En => format!(
            "🔗 Invitation to become an official ({role}), for one use, until {expires}:\n{link}\n\n\
             Send it privately to the person to add: whoever opens it first becomes an official. Do not post it in a group."
        ),
    }
}

/// To the admin whose invitation was just used.
pub fn invite_accepted(lang: Lang, who: &str, role: Role) -> String {
    let role = role_name(lang, role);
    match lang {
        Lang::Vi => format!("✅ {who} đã mở link mời và trở thành cán bộ ({role}). Xem /officials."),
        Lang::En => {
            format!("✅ {who} opened your invitation and is now an official ({role}). See /officials.")
        }
    }
}

pub fn invite_welcome(lang: Lang, role: Role) -> String {
    let role = role_name(lang, role);
    match lang {
        Lang::Vi => format!(
            "Chào mừng! Bạn đã là cán bộ phường ({role}) trên Loa. Gửi cho Loa một tin (văn bản, ảnh, tệp…) \
             để soạn thông báo, hoặc xem /help."
        ),
        Lang::En => format!(
            "Welcome! You are now a ward official ({role}) on Loa. Send Loa a message (text, photo, file…) \
             to compose an announcement, or see /help."
        ),
    }
}

pub fn invite_for_an_official(lang: Lang, role: Role) -> String {
    let role = role_name(lang, role);
    match lang {
        Lang::Vi => format!("Bạn đã là cán bộ ({role}) rồi; link mời không thay đổi gì."),
        Lang::En => format!("You already are an official ({role}); the invitation changes nothing."),
    }
}

const ASK_AGAIN_VI: &str = "Xin cán bộ quản trị gửi link mới (/official invite). Không có gì thay đổi.";
const ASK_AGAIN_EN: &str = "Ask an admin official for a new one (/official invite). Nothing was changed.";

pub fn invite_used(lang: Lang) -> String {
    match lang {
        Lang::Vi => format!("Link mời này đã được dùng; mỗi link chỉ dùng được một lần. {ASK_AGAIN_VI}"),
        Lang::En => format!("This invitation was used already; each works only once. {ASK_AGAIN_EN}"),
    }
}

pub fn invite_expired(lang: Lang) -> String {
    match lang {
        Lang::Vi => format!("Link mời này đã hết hạn (sau 24 giờ). {ASK_AGAIN_VI}"),
        Lang::En => format!("This invitation has expired (after 24 hours). {ASK_AGAIN_EN}"),
    }
}

pub fn invite_unknown(lang: Lang) -> String {
    match lang {
        Lang::Vi => format!("Không có link mời nào như vậy (có thể link bị chép thiếu). {ASK_AGAIN_VI}"),
        Lang::En => format!(
            "There is no such invitation (the link may have been copied incompletely). {ASK_AGAIN_EN}"
        ),
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
        Lang::Vi => {
            "Không thể bỏ hay hạ quyền quản trị viên cuối cùng: hãy thêm một quản trị viên khác trước.".into()
        }
        Lang::En => "The last admin cannot be removed or demoted: add another admin first.".into(),
    }
}
