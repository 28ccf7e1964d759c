//! The settings buttons' labels, and the notice for a tap that may not change anything.

use crate::domain::{AreaCode, Lang, Topic};

/// The mark of a topic the chat receives, and of one it does not.
pub fn mark(on: bool) -> &'static str {
    if on { "✅" } else { "▫️" }
}

pub fn topic_button(lang: Lang, topic: &Topic, on: bool) -> String {
    format!("{} {}", mark(on), topic.name(lang))
}

pub fn area_button(lang: Lang, area: &AreaCode, current: bool) -> String {
    let label = match lang {
        Lang::Vi => format!("Tổ {area}"),
        Lang::En => format!("Area {area}"),
    };
    if current { format!("✅ {label}") } else { label }
}

pub fn no_area_button(lang: Lang, current: bool) -> String {
    let label = match lang {
        Lang::Vi => "Không gắn tổ",
        Lang::En => "No area",
    };
    if current { format!("✅ {label}") } else { label.to_owned() }
}

pub fn area_buttons_hint(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "Hoặc bấm chọn tổ bên dưới.",
        Lang::En => "Or tap an area below.",
    }
}

/// Shown briefly over the chat (Telegram allows 200 characters) to whoever may not change it.
pub fn admins_only_toast(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Chỉ quản trị viên nhóm mới đổi được cài đặt này".into(),
        Lang::En => "Only this group's admins can change this".into(),
    }
}
