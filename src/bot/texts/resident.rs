//! Replies to residents' commands. Plain text: nothing here is parsed as markup.

use std::fmt::Write;

use super::{CommandHelp, mark};
use crate::domain::{AreaCode, AreaError, Lang, Role, TopicCatalog};

pub const RESIDENT_COMMANDS: &[CommandHelp] = &[
    CommandHelp { command: "start", vi: "Giới thiệu Loa", en: "What Loa does" },
    CommandHelp {
        command: "help", vi: "Các lệnh dùng được ở đây", en: "The commands you can use here"
    },
    CommandHelp {
        command: "topics",
        vi: "Các chủ đề và chủ đề đã đăng ký (/chude)",
        en: "Topics and which are subscribed (/chude)",
    },
    CommandHelp {
        command: "subscribe",
        vi: "Đăng ký chủ đề, ví dụ /subscribe rac y-te (/dangky)",
        en: "Subscribe to topics, e.g. /subscribe rac y-te (/dangky)",
    },
    CommandHelp {
        command: "unsubscribe",
        vi: "Huỷ đăng ký chủ đề; không ghi chủ đề là huỷ tất cả (/huydangky)",
        en: "Unsubscribe; no topic means all (/huydangky)",
    },
    CommandHelp {
        command: "area",
        vi: "Xem hoặc gắn tổ dân phố, ví dụ /area 5; /area none để bỏ (/to)",
        en: "Show or set the residential group, e.g. /area 5; /area none to clear (/to)",
    },
    CommandHelp {
        command: "upcoming",
        vi: "Lịch nhắc và thông báo 7 ngày tới (/lich)",
        en: "Reminders and announcements of the next 7 days (/lich)",
    },
    CommandHelp {
        command: "latest",
        vi: "Các thông báo mới nhất đã gửi tới đây (/tinmoi)",
        en: "The latest announcements sent here (/tinmoi)",
    },
    CommandHelp {
        command: "lang",
        vi: "Ngôn ngữ trả lời: /lang vi hoặc /lang en",
        en: "Reply language: /lang vi or /lang en",
    },
    CommandHelp {
        command: "phananh",
        vi: "Phản ánh với phường, kèm ảnh và vị trí (/gopy, /feedback)",
        en: "Report a problem to the ward, with a photo and location (/gopy, /feedback)",
    },
    CommandHelp {
        command: "tickets",
        vi: "Các phản ánh của bạn và trạng thái (/phieu)",
        en: "Your reports and where they stand (/phieu)",
    },
    CommandHelp {
        command: "xoadulieu",
        vi: "Xoá dữ liệu cá nhân trong các phản ánh (/forgetme)",
        en: "Erase your personal data in your reports (/forgetme)",
    },
];

/// The greeting of `/start`, naming the ward (`LOA_WARD_NAME`) when it is set.
pub fn start(lang: Lang, in_group: bool, ward_name: Option<&str>) -> String {
    let mut text = match (lang, ward_name) {
        (Lang::Vi, Some(ward)) => format!("Xin chào! Tôi là Loa, loa phường của {ward} trong nhóm chat: "),
        (Lang::Vi, None) => "Xin chào! Tôi là Loa, loa phường trong nhóm chat: ".to_owned(),
        (Lang::En, Some(ward)) => format!("Hello! I am Loa, the loudspeaker of {ward} in your chats: "),
        (Lang::En, None) => "Hello! I am Loa, the ward loudspeaker in your chats: ".to_owned(),
    };
    text.push_str(match lang {
        Lang::Vi => {
            "tôi chuyển thông báo của phường \
             (lịch thu gom rác, phòng chống dịch bệnh, họp tổ dân phố...) đến các nhóm và người đã đăng ký.\n\n"
        }
        Lang::En => {
            "I bring the ward's announcements \
             (waste collection, disease prevention, neighbourhood meetings...) to the groups and people who subscribed.\n\n"
        }
    });
    text.push_str(match (lang, in_group) {
        (Lang::Vi, true) => {
            "Quản trị viên của nhóm đăng ký cho cả nhóm: /subscribe để nhận mọi chủ đề, /area 5 để gắn nhóm với tổ dân phố số 5. Xem /help."
        }
        (Lang::En, true) => {
            "A group admin subscribes the group: /subscribe for every topic, /area 5 to bind the group to residential group 5. See /help."
        }
        (Lang::Vi, false) => {
            "Gõ /subscribe để nhận mọi chủ đề, hoặc /topics để chọn. Xem /help.\n\n\
             Có việc cần báo phường (rác thải, vệ sinh, an ninh, đường sá...)? Bấm «Phản ánh» hoặc gõ /phananh."
        }
        (Lang::En, false) => {
            "Send /subscribe to receive every topic, or /topics to choose. See /help.\n\n\
             Something the ward should know (waste, sanitation, safety, roads...)? Tap «Report» or send /feedback."
        }
    });
    text
}

/// The button under `/start` in private that opens a report.
pub fn report_button(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "📝 Phản ánh",
        Lang::En => "📝 Report",
    }
}

/// Greeting sent once when the bot is added to a group.
pub fn group_welcome(lang: Lang, ward_name: Option<&str>) -> String {
    start(lang, true, ward_name)
}

pub fn help(lang: Lang, official: Option<Role>, catalog: &TopicCatalog) -> String {
    let mut text = String::from(match lang {
        Lang::Vi => "Các lệnh:\n",
        Lang::En => "Commands:\n",
    });
    for help in RESIDENT_COMMANDS {
        let _ = writeln!(text, "/{} — {}", help.command, help.describe(lang));
    }
    let _ = match lang {
        Lang::Vi => writeln!(text, "\nChủ đề: {} — gõ có dấu hay không dấu đều được.", catalog.choices()),
        Lang::En => {
            writeln!(text, "\nTopics: {} — with or without Vietnamese diacritics.", catalog.choices())
        }
    };
    if let Some(role) = official {
        text.push_str(&super::official_help(lang, role));
    }
    text.push_str(match lang {
        Lang::Vi => {
            "\nTrong nhóm, chỉ quản trị viên nhóm hoặc cán bộ phường mới đổi được đăng ký, tổ và ngôn ngữ."
        }
        Lang::En => {
            "\nIn a group, only its admins or ward officials change its subscriptions, area and language."
        }
    });
    text
}

/// Every topic, a mark on those subscribed.
pub fn topics(lang: Lang, catalog: &TopicCatalog, subscribed: &[String]) -> String {
    let mut text = String::from(match lang {
        Lang::Vi => "Các chủ đề (✅ = đã đăng ký):\n",
        Lang::En => "Topics (✅ = subscribed):\n",
    });
    for topic in catalog.all() {
        let mark = mark(subscribed.contains(&topic.slug));
        let _ = writeln!(text, "{mark} {} — {}", topic.typed_name(), topic.name(lang));
    }
    text.push_str(match lang {
        Lang::Vi => "\nBấm một chủ đề để bật hoặc tắt, hoặc gõ /subscribe rac y-te — huỷ: /unsubscribe rac",
        Lang::En => {
            "\nTap a topic to turn it on or off, or type /subscribe rac y-te — unsubscribe: /unsubscribe rac"
        }
    });
    text
}

/// The chat's subscriptions after a change.
pub fn subscriptions(lang: Lang, catalog: &TopicCatalog, subscribed: &[String]) -> String {
    if subscribed.is_empty() {
        return match lang {
            Lang::Vi => "Chat này không đăng ký chủ đề nào. Gõ /subscribe để nhận mọi chủ đề.".into(),
            Lang::En => "This chat is subscribed to no topic. Send /subscribe to receive every topic.".into(),
        };
    }
    let mut text = String::from(match lang {
        Lang::Vi => "Chat này đang nhận các chủ đề:\n",
        Lang::En => "This chat receives these topics:\n",
    });
    for topic in catalog.all().iter().filter(|t| subscribed.contains(&t.slug)) {
        let _ = writeln!(text, "✅ {} — {}", topic.typed_name(), topic.name(lang));
    }
    text
}

pub fn unknown_topics(lang: Lang, catalog: &TopicCatalog, unknown: &[String]) -> String {
    let (unknown, valid) = (unknown.join(", "), catalog.choices());
    match lang {
        Lang::Vi => format!(
            "Không có chủ đề: {unknown}. Các chủ đề: {valid}.\nVí dụ: /subscribe rac y-te. Không thay đổi gì."
        ),
        Lang::En => format!(
            "Unknown topic: {unknown}. Topics: {valid}.\nExample: /subscribe rac y-te. Nothing was changed."
        ),
    }
}

pub fn area_current(lang: Lang, area: Option<&AreaCode>) -> String {
    match (lang, area) {
        (Lang::Vi, Some(area)) => {
            format!("Chat này thuộc tổ dân phố {area}. Đổi: /area <mã>, bỏ: /area none.")
        }
        (Lang::En, Some(area)) => {
            format!("This chat belongs to residential group {area}. Change: /area <code>, clear: /area none.")
        }
        (Lang::Vi, None) => "Chat này chưa gắn với tổ dân phố nào. Gắn: /area 5 (hoặc /area TDP5).".into(),
        (Lang::En, None) => {
            "This chat is not bound to a residential group. Bind it: /area 5 (or /area TDP5).".into()
        }
    }
}

pub fn area_set(lang: Lang, area: &AreaCode) -> String {
    match lang {
        Lang::Vi => format!("Đã gắn chat này với tổ dân phố {area}."),
        Lang::En => format!("This chat is now bound to residential group {area}."),
    }
}

pub fn area_cleared(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Đã bỏ gắn tổ dân phố: chat này chỉ nhận thông báo chung toàn phường.".into(),
        Lang::En => "Residential group cleared: this chat now receives only ward-wide announcements.".into(),
    }
}

pub fn area_invalid(lang: Lang, error: &AreaError) -> String {
    let problem = match (lang, error) {
        (Lang::Vi, AreaError::Empty) => "Mã tổ dân phố trống.".to_owned(),
        (Lang::En, AreaError::Empty) => "The residential group code is empty.".to_owned(),
        (Lang::Vi, AreaError::TooLong { max }) => format!("Mã tổ dân phố dài quá {max} ký tự."),
        (Lang::En, AreaError::TooLong { max }) => format!("The code is longer than {max} characters."),
        (Lang::Vi, AreaError::BadCharacter(c)) => format!("Mã tổ dân phố không được chứa «{c}»."),
        (Lang::En, AreaError::BadCharacter(c)) => format!("The code may not contain «{c}»."),
    };
    match lang {
        Lang::Vi => format!(
            "{problem} Mã chỉ gồm chữ không dấu, số và dấu gạch ngang, ví dụ: /area 5, /area TDP5, /area 12A. Không thay đổi gì."
        ),
        Lang::En => format!(
            "{problem} A code has only letters, digits and dashes, e.g. /area 5, /area TDP5, /area 12A. Nothing was changed."
        ),
    }
}

pub fn lang_set(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Từ nay tôi trả lời chat này bằng tiếng Việt.".into(),
        Lang::En => "From now on I reply in this chat in English.".into(),
    }
}

pub fn lang_usage(lang: Lang, asked: &str) -> String {
    let asked = asked.trim();
    match (lang, asked.is_empty()) {
        (Lang::Vi, true) => "Ngôn ngữ hiện tại: tiếng Việt. Đổi: /lang vi hoặc /lang en.".into(),
        (Lang::En, true) => "Current language: English. Change it: /lang vi or /lang en.".into(),
        (Lang::Vi, false) => {
            format!("Không có ngôn ngữ «{asked}». Chọn /lang vi hoặc /lang en. Không thay đổi gì.")
        }
        (Lang::En, false) => {
            format!("There is no language «{asked}». Choose /lang vi or /lang en. Nothing was changed.")
        }
    }
}

pub fn group_admins_only(lang: Lang) -> String {
    match lang {
        Lang::Vi => {
            "Xin lỗi, chỉ quản trị viên của nhóm (hoặc cán bộ phường) mới thay đổi được cài đặt của nhóm. \
                     Hãy nhờ quản trị viên nhóm gõ lệnh này."
                .into()
        }
        Lang::En => "Sorry, only this group's admins (or ward officials) can change the group's settings. \
                     Please ask a group admin to send this command."
            .into(),
    }
}

pub fn unknown_command(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Tôi không hiểu lệnh này. Gõ /help để xem các lệnh.".into(),
        Lang::En => "I don't know that command. Send /help to see the commands.".into(),
    }
}

pub fn internal_error(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Xin lỗi, đã có lỗi khi xử lý lệnh. Không có gì bị thay đổi dở dang; vui lòng thử lại sau.".into(),
        Lang::En => "Sorry, something went wrong handling that command. Nothing was half-changed; please try again later.".into(),
    }
}

/// Sent once to a chat that sends commands faster than its replies may go out.
pub fn please_wait(lang: Lang) -> String {
    match lang {
        Lang::Vi => "⏳ Có quá nhiều lệnh cùng lúc; vui lòng đợi một phút rồi thử lại.".into(),
        Lang::En => "⏳ Too many commands at once; please wait a minute and try again.".into(),
    }
}
