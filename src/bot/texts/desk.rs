//! What the ward's desk reads about tickets, and the answers to officials' desk commands and
//! taps. Plain text: residents' words are quoted as they wrote them.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{category_name, local, status_name};
use crate::{
    domain::{Lang, TicketStatus},
    store::{Ticket, TicketLine},
};

/// The desk's copy of a ticket. `overdue`: the reminder that nobody took it on in time.
pub fn desk_card(lang: Lang, ticket: &Ticket, zone: Tz, overdue: Option<i64>) -> String {
    let mut text = String::new();
    if let Some(hours) = overdue {
        let _ = match lang {
            Lang::Vi => writeln!(text, "⏰ Chưa có ai tiếp nhận sau {hours} giờ!"),
            Lang::En => writeln!(text, "⏰ Nobody took this on in {hours} hours!"),
        };
    }
    let category = category_name(lang, ticket.category);
    let area = ticket.area.as_ref().map(ToString::to_string);
    let from = match &ticket.contact {
        Some(contact) => match &contact.username {
            Some(username) => format!("{} (@{username})", contact.name),
            None => contact.name.clone(),
        },
        None => anonymous(lang, ticket.id),
    };
    let _ = match lang {
        Lang::Vi => writeln!(
            text,
            "📝 Phản ánh #{} — {category}\nTổ: {}\nNgười gửi: {from}\nLúc: {}",
            ticket.id,
            area.as_deref().unwrap_or("không rõ"),
            local(ticket.created_at, zone)
        ),
        Lang::En => writeln!(
            text,
            "📝 Report #{} — {category}\nArea: {}\nFrom: {from}\nAt: {}",
            ticket.id,
            area.as_deref().unwrap_or("not known"),
            local(ticket.created_at, zone)
        ),
    };
    if let Some((latitude, longitude)) = ticket.location {
        let _ = writeln!(text, "📍 https://maps.google.com/?q={latitude},{longitude}");
    }
    let _ = write!(text, "\n{}\n\n", ticket.body);
    text.push_str(match lang {
        Lang::Vi => "Trả lời tin này để nhắn lại người gửi.",
        Lang::En => "Reply to this message to answer the sender.",
    });
    text
}

/// How the desk names a resident who did not agree to be contacted.
pub fn anonymous(lang: Lang, ticket: i64) -> String {
    match lang {
        Lang::Vi => format!("người dân #{ticket}"),
        Lang::En => format!("resident #{ticket}"),
    }
}

/// A status button's label.
pub fn status_button(lang: Lang, status: TicketStatus) -> &'static str {
    match (lang, status) {
        (Lang::Vi, TicketStatus::Acknowledged) => "Tiếp nhận",
        (Lang::En, TicketStatus::Acknowledged) => "Take on",
        (Lang::Vi, TicketStatus::Resolved) => "Đã xử lý",
        (Lang::En, TicketStatus::Resolved) => "Resolved",
        (Lang::Vi, TicketStatus::Declined) => "Không thuộc thẩm quyền",
        (Lang::En, TicketStatus::Declined) => "Not our remit",
        (_, TicketStatus::Open) => "…",
    }
}

/// The one button left on a closed ticket's copy: what became of it.
pub fn closed_button(lang: Lang, status: TicketStatus) -> String {
    format!("✔️ {}", status_name(lang, status))
}

/// The toast for a tap that moved a ticket.
pub fn status_set(lang: Lang, ticket: i64, status: TicketStatus) -> String {
    match lang {
        Lang::Vi => format!("#{ticket}: {}", status_name(lang, status)),
        Lang::En => format!("#{ticket}: {}", status_name(lang, status)),
    }
}

pub fn status_unchanged(lang: Lang, ticket: i64, status: TicketStatus) -> String {
    match lang {
        Lang::Vi => format!("#{ticket} đã ở trạng thái này: {}", status_name(lang, status)),
        Lang::En => format!("#{ticket} already is: {}", status_name(lang, status)),
    }
}

pub fn ticket_closed(lang: Lang, ticket: i64, status: TicketStatus) -> String {
    match lang {
        Lang::Vi => format!(
            "Phản ánh #{ticket} đã đóng ({}); không chuyển thêm gì tới người gửi.",
            status_name(lang, status)
        ),
        Lang::En => {
            format!(
                "Report #{ticket} is closed ({}); nothing more goes to the sender.",
                status_name(lang, status)
            )
        }
    }
}

pub fn ticket_unknown(lang: Lang, ticket: i64) -> String {
    match lang {
        Lang::Vi => format!("Không có phản ánh #{ticket}. Xem các phản ánh đang mở: /tickets."),
        Lang::En => format!("There is no report #{ticket}. See the open ones: /tickets."),
    }
}

/// A tap in the desk group by someone who is not an official.
pub fn desk_officials_only(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Chỉ cán bộ phường xử lý phản ánh.".into(),
        Lang::En => "Only ward officials handle reports.".into(),
    }
}

pub fn answer_relayed(lang: Lang, ticket: i64) -> String {
    match lang {
        Lang::Vi => format!("✅ Đã chuyển trả lời tới người gửi phản ánh #{ticket}."),
        Lang::En => format!("✅ Answer relayed to the sender of report #{ticket}."),
    }
}

pub fn answer_undeliverable(lang: Lang, ticket: i64) -> String {
    match lang {
        Lang::Vi => format!(
            "⚠️ Không chuyển được trả lời cho phản ánh #{ticket}: người gửi đã chặn Loa hoặc đã xoá dữ liệu. \
             Trả lời đã được lưu."
        ),
        Lang::En => format!(
            "⚠️ The answer to report #{ticket} could not be delivered: the sender blocked Loa or erased their data. \
             It was recorded."
        ),
    }
}

/// An official's reply at the desk that is not text.
pub fn answer_text_only(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Chỉ chuyển được trả lời bằng chữ tới người gửi.".into(),
        Lang::En => "Only text answers are relayed to the sender.".into(),
    }
}

pub fn traloi_usage(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Cách dùng: /traloi <số phản ánh> <nội dung trả lời>, ví dụ /traloi 12 Phường đã cử người thu gom.".into(),
        Lang::En => "Usage: /traloi <report number> <answer>, e.g. /traloi 12 A crew was sent to collect it.".into(),
    }
}

pub fn desk_usage(lang: Lang) -> String {
    match lang {
        Lang::Vi => {
            "Cách dùng: /desk block <số phản ánh> — chặn người gửi phản ánh đó (không lộ danh tính).".into()
        }
        Lang::En => {
            "Usage: /desk block <report number> — blocks that report's sender (without naming them).".into()
        }
    }
}

pub fn author_blocked(lang: Lang, ticket: i64) -> String {
    match lang {
        Lang::Vi => format!("Đã chặn người gửi phản ánh #{ticket}: họ không gửi phản ánh mới được nữa."),
        Lang::En => format!("The sender of report #{ticket} is blocked: they can send no new reports."),
    }
}

pub fn author_already_blocked(lang: Lang, ticket: i64) -> String {
    match lang {
        Lang::Vi => format!("Người gửi phản ánh #{ticket} đã bị chặn từ trước."),
        Lang::En => format!("The sender of report #{ticket} was already blocked."),
    }
}

pub fn author_anonymous(lang: Lang, ticket: i64) -> String {
    match lang {
        Lang::Vi => format!("Dữ liệu cá nhân của phản ánh #{ticket} đã xoá; không còn ai để chặn."),
        Lang::En => format!("Report #{ticket}'s personal data is erased; there is nobody to block."),
    }
}

/// The ward's open tickets, oldest first, with their age.
pub fn open_tickets(lang: Lang, tickets: &[TicketLine], now: DateTime<Utc>) -> String {
    if tickets.is_empty() {
        return match lang {
            Lang::Vi => "Không có phản ánh nào đang mở.".into(),
            Lang::En => "No open reports.".into(),
        };
    }
    let mut text = String::from(match lang {
        Lang::Vi => "Phản ánh đang mở (cũ nhất trước):\n",
        Lang::En => "Open reports (oldest first):\n",
    });
    for ticket in tickets {
        let area = ticket.area.as_ref().map(ToString::to_string).unwrap_or_else(|| "?".into());
        let _ = writeln!(
            text,
            "#{} · {} · {} · {} {area} · {}",
            ticket.id,
            age(lang, now - ticket.created_at),
            category_name(lang, ticket.category),
            match lang {
                Lang::Vi => "tổ",
                Lang::En => "area",
            },
            status_name(lang, ticket.status)
        );
    }
    text.push_str(match lang {
        Lang::Vi => "\nTrả lời: /traloi <số> <nội dung>",
        Lang::En => "\nAnswer: /traloi <number> <text>",
    });
    text
}

/// How long ago, in the largest whole unit.
fn age(lang: Lang, age: chrono::Duration) -> String {
    let (count, vi, en) = if age.num_days() > 0 {
        (age.num_days(), "ngày", "d")
    } else if age.num_hours() > 0 {
        (age.num_hours(), "giờ", "h")
    } else {
        (age.num_minutes().max(0), "phút", "min")
    };
    match lang {
        Lang::Vi => format!("{count} {vi}"),
        Lang::En => format!("{count} {en}"),
    }
}
