//! Replies about time: scheduled posts, recurring reminders, what is coming to a chat.

use std::fmt::Write;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

use super::{areas_text, local};
use crate::{
    domain::{AreaCode, Lang, Media, QuietHours, TimeError, TopicCatalog, WhenError, WindowError, gist},
    store::{Reminder, ReminderStatus},
};

pub const REMIND_FORM_VI: &str = "Cách viết: /remind <lịch> <chủ đề> [area=5] [from=YYYY-MM-DD] [to=YYYY-MM-DD] [ghim] [khan] <nội dung>\n\
     Lịch: hangngay@17:30 · t2,t4,t6@17:30 (cn = Chủ nhật) · thang-15@08:00 · \"0 30 17 * * Mon,Wed,Fri\" (cron, giây trước)\n\
     Ví dụ: /remind t2,t4,t6@17:30 rac area=5 Mang rác ra điểm tập kết 18:00–20:00.\n\
     Ví dụ: /remind t7@08:00 y-te from=2026-06-01 to=2026-08-31 Diệt bọ gậy, lăng quăng phòng sốt xuất huyết.";
pub const REMIND_FORM_EN: &str = "Form: /remind <when> <topic> [area=5] [from=YYYY-MM-DD] [to=YYYY-MM-DD] [ghim|pin] [khan|urgent] <text>\n\
     When: daily@17:30 · mon,wed,fri@17:30 · monthly-15@08:00 · \"0 30 17 * * Mon,Wed,Fri\" (cron, seconds first)\n\
     Example: /remind mon,wed,fri@17:30 rac area=5 Bring waste out 18:00–20:00.\n\
     Example: /remind sat@08:00 y-te from=2026-06-01 to=2026-08-31 Clear standing water against dengue.";
pub const AT_FORM_VI: &str = "Cách viết: /at <YYYY-MM-DD> <HH:MM> <chủ đề> [area=5] [ghim] [khan] <nội dung>\n\
     Ví dụ: /at 2026-12-05 19:30 hop area=5 Họp tổ dân phố tại nhà văn hoá.";
pub const AT_FORM_EN: &str = "Form: /at <YYYY-MM-DD> <HH:MM> <topic> [area=5] [ghim|pin] [khan|urgent] <text>\n\
     Example: /at 2026-12-05 19:30 hop area=5 Residential group meeting at the community hall.";

pub fn remind_form(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => REMIND_FORM_VI,
        Lang::En => REMIND_FORM_EN,
    }
}

pub fn at_form(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => AT_FORM_VI,
        Lang::En => AT_FORM_EN,
    }
}

fn nothing_saved(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "Không có gì được lưu.",
        Lang::En => "Nothing was saved.",
    }
}

pub fn time_error(lang: Lang, error: &TimeError) -> String {
    match (lang, error) {
        (Lang::Vi, TimeError::BadDate(text)) => {
            format!("«{text}» không phải ngày dạng YYYY-MM-DD (ví dụ 2026-06-01).")
        }
        (Lang::Vi, TimeError::BadTime(text)) => {
            format!("«{text}» không phải giờ dạng HH:MM (00:00 đến 23:59).")
        }
        (Lang::Vi, TimeError::NonexistentLocalTime { at, .. }) => {
            format!("{at} không tồn tại (đồng hồ nhảy qua giờ này).")
        }
        (Lang::Vi, TimeError::BadDuration(text)) => {
            format!("«{text}» không phải khoảng thời gian như 30m, 2h.")
        }
        (Lang::En, error) => format!("{error}."),
    }
}

pub fn when_error(lang: Lang, error: &WhenError) -> String {
    let problem = match (lang, error) {
        (Lang::Vi, WhenError::Missing) => "Thiếu lịch nhắc.".to_owned(),
        (Lang::Vi, WhenError::Malformed(text)) => format!("«{text}» không phải lịch nhắc."),
        (Lang::Vi, WhenError::UnknownWeekday(text)) => {
            format!("«{text}» không phải thứ trong tuần (t2 … t7, cn hoặc mon … sun).")
        }
        (Lang::Vi, WhenError::BadTime(text)) => {
            format!("«{text}» không phải giờ dạng HH:MM (00:00 đến 23:59).")
        }
        (Lang::Vi, WhenError::BadDayOfMonth(text)) => {
            format!("«{text}» không phải ngày trong tháng (1 đến 31).")
        }
        (Lang::Vi, WhenError::BadCron { expr, reason }) => {
            format!("Biểu thức cron «{expr}» không hợp lệ (cần 6 trường, giây trước): {reason}.")
        }
        (Lang::Vi, WhenError::CronNeverFires(expr)) => {
            format!("Biểu thức cron «{expr}» không bao giờ đến hạn.")
        }
        (Lang::Vi, WhenError::UnclosedQuote) => "Thiếu dấu ngoặc kép đóng của biểu thức cron.".to_owned(),
        (Lang::En, error) => format!("{error}."),
    };
    format!("{problem} {}\n\n{}", nothing_saved(lang), remind_form(lang))
}

pub fn window_error(lang: Lang, error: &WindowError) -> String {
    let problem = match (lang, error) {
        (Lang::Vi, WindowError::EndsBeforeStart { from, to }) => {
            format!("Ngày kết thúc {} trước ngày bắt đầu {}.", day(*to), day(*from))
        }
        (Lang::Vi, WindowError::EndsInPast { to, .. }) => format!("Ngày kết thúc {} đã qua.", day(*to)),
        (Lang::En, error) => format!("{}.", capitalise(&error.to_string())),
    };
    format!("{problem} {}\n\n{}", nothing_saved(lang), remind_form(lang))
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn day(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// A cron expression whose fires are less than an hour apart.
pub fn too_frequent(lang: Lang, cron: &str) -> String {
    let problem = match lang {
        Lang::Vi => format!(
            "Lời nhắc định kỳ chỉ được gửi tối đa một lần mỗi giờ; biểu thức cron «{cron}» gửi nhiều lần trong một giờ. Hãy chọn một giây và một phút cố định, ví dụ \"0 30 17 * * *\"."
        ),
        Lang::En => format!(
            "A recurring reminder may be sent at most once an hour; the cron expression «{cron}» sends several times within an hour. Choose one fixed second and one fixed minute, e.g. \"0 30 17 * * *\"."
        ),
    };
    format!("{problem} {}\n\n{}", nothing_saved(lang), remind_form(lang))
}

pub fn never_in_window(lang: Lang) -> String {
    let problem = match lang {
        Lang::Vi => "Không có lần nhắc nào rơi vào khoảng from=… to=… đã chọn.",
        Lang::En => "The schedule has no fire between the chosen from=… and to=… dates.",
    };
    format!("{problem} {}\n\n{}", nothing_saved(lang), remind_form(lang))
}

/// A scheduled time that is already past.
pub fn in_the_past(lang: Lang, at: DateTime<Utc>, zone: Tz) -> String {
    match lang {
        Lang::Vi => {
            format!("Thời điểm {} đã qua. {}\n\n{}", local(at, zone), nothing_saved(lang), at_form(lang))
        }
        Lang::En => {
            format!("{} is in the past. {}\n\n{}", local(at, zone), nothing_saved(lang), at_form(lang))
        }
    }
}

pub fn date_and_time_missing(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "Thiếu ngày và giờ.",
        Lang::En => "The date and time are missing.",
    }
}

pub fn at_usage(lang: Lang, problem: &str) -> String {
    format!("{problem} {}\n\n{}", nothing_saved(lang), at_form(lang))
}

/// A non-urgent announcement set for the night.
pub fn quiet_hours_refusal(lang: Lang, at: NaiveTime, quiet: QuietHours, recurring: bool) -> String {
    let at = at.format("%H:%M");
    let form = if recurring { remind_form(lang) } else { at_form(lang) };
    match lang {
        Lang::Vi => format!(
            "{at} nằm trong giờ yên lặng ({quiet}): tin không khẩn không gửi lúc đó. Chọn giờ khác, hoặc thêm urgent nếu thật sự khẩn. {}\n\n{form}",
            nothing_saved(lang)
        ),
        Lang::En => format!(
            "{at} is within quiet hours ({quiet}): non-urgent messages are not sent then. Choose another time, or add urgent if it truly is. {}\n\n{form}",
            nothing_saved(lang)
        ),
    }
}

/// What a reminder became, for the reply to `/remind` or `/editremind`.
pub struct ReminderFacts<'a> {
    pub id: i64,
    /// The schedule in words.
    pub description: &'a str,
    pub topic: &'a str,
    pub areas: &'a [AreaCode],
    pub next: &'a [DateTime<Utc>],
}

/// Whether `/remind` made the reminder or `/editremind` changed it.
#[derive(Clone, Copy)]
pub enum ReminderSaved {
    Created,
    Changed,
}

pub fn reminder_saved(lang: Lang, saved: ReminderSaved, facts: &ReminderFacts, zone: Tz) -> String {
    let ReminderFacts { id, description, topic, areas, next } = *facts;
    let fires = next.iter().map(|at| local(*at, zone)).collect::<Vec<_>>().join("; ");
    let areas = areas_text(lang, areas);
    match (lang, saved) {
        (Lang::Vi, ReminderSaved::Created) => format!(
            "✅ Đã tạo lời nhắc #{id}: {description}.\nChủ đề: {topic} — {areas}\nBa lần tới: {fires}\n\
             Tạm dừng: /pause {id} · Bỏ: /cancel {id} · Nghỉ một ngày: /skip {id} YYYY-MM-DD"
        ),
        (Lang::En, ReminderSaved::Created) => format!(
            "✅ Reminder #{id} created: {description}.\nTopic: {topic} — {areas}\nNext three: {fires}\n\
             Pause: /pause {id} · Cancel: /cancel {id} · Skip a day: /skip {id} YYYY-MM-DD"
        ),
        (Lang::Vi, ReminderSaved::Changed) => format!(
            "✏️ Đã sửa lời nhắc #{id}: {description}.\nChủ đề: {topic} — {areas}\nBa lần tới: {fires}\n\
             Các ngày nghỉ và lịch sử gửi vẫn giữ nguyên."
        ),
        (Lang::En, ReminderSaved::Changed) => format!(
            "✏️ Reminder #{id} changed: {description}.\nTopic: {topic} — {areas}\nNext three: {fires}\n\
             Its skipped days and history are kept."
        ),
    }
}

fn status_name(lang: Lang, status: ReminderStatus) -> &'static str {
    match (lang, status) {
        (Lang::Vi, ReminderStatus::Active) => "đang chạy",
        (Lang::Vi, ReminderStatus::Paused) => "tạm dừng",
        (Lang::Vi, ReminderStatus::Finished) => "đã kết thúc",
        (Lang::Vi, ReminderStatus::Cancelled) => "đã huỷ",
        (Lang::En, ReminderStatus::Active) => "active",
        (Lang::En, ReminderStatus::Paused) => "paused",
        (Lang::En, ReminderStatus::Finished) => "finished",
        (Lang::En, ReminderStatus::Cancelled) => "cancelled",
    }
}

/// `/reminders`: each with its schedule in words (from the caller, which parses it).
pub fn reminders(lang: Lang, list: &[(Reminder, String)], zone: Tz) -> String {
    if list.is_empty() {
        return match lang {
            Lang::Vi => "Chưa có lời nhắc nào. Tạo bằng /remind.".into(),
            Lang::En => "No reminders yet. Create one with /remind.".into(),
        };
    }
    let mut text = String::from(match lang {
        Lang::Vi => "Lời nhắc:\n",
        Lang::En => "Reminders:\n",
    });
    for (reminder, description) in list {
        let next = reminder.next_fire_at.map(|at| local(at, zone)).unwrap_or_else(|| "—".into());
        let (next_word, last_word) = match lang {
            Lang::Vi => ("lần tới", "lần trước"),
            Lang::En => ("next", "last"),
        };
        let _ = write!(
            text,
            "\n#{} · {} · {} · {description} · {next_word}: {next}",
            reminder.id,
            status_name(lang, reminder.status),
            reminder.topic
        );
        let _ = write!(text, " · {}", areas_text(lang, &reminder.areas));
        if let Some(kind) = super::content_kind(lang, &reminder.media) {
            let _ = write!(text, " · {kind}");
        }
        if let Some(last) = &reminder.last_fire {
            let late = match (last.late, lang) {
                (false, _) => "",
                (true, Lang::Vi) => " (muộn)",
                (true, Lang::En) => " (late)",
            };
            let _ = write!(
                text,
                " · {last_word}: {}{late} #{} {}/{}",
                local(last.fire_at, zone),
                last.broadcast_id,
                last.delivered,
                last.total
            );
        }
        if reminder.missed > 0 {
            let _ = match lang {
                Lang::Vi => write!(text, " · bỏ lỡ {} lần (máy dừng quá lâu)", reminder.missed),
                Lang::En => write!(text, " · {} fires missed (down too long)", reminder.missed),
            };
        }
        text.push('\n');
    }
    text
}

pub fn reminder_not_found(lang: Lang, id: i64) -> String {
    match lang {
        Lang::Vi => format!("Không có lời nhắc #{id}. Xem /reminders."),
        Lang::En => format!("There is no reminder #{id}. See /reminders."),
    }
}

pub fn reminder_usage(lang: Lang, command: &str) -> String {
    match lang {
        Lang::Vi => format!("Cách viết: /{command} <số lời nhắc>, ví dụ /{command} 3. Xem số ở /reminders."),
        Lang::En => {
            format!("Form: /{command} <reminder id>, e.g. /{command} 3. See the ids with /reminders.")
        }
    }
}

pub fn editremind_usage(lang: Lang) -> String {
    match lang {
        Lang::Vi => format!(
            "Cách viết: /editremind <số lời nhắc> <lịch> <chủ đề> [tuỳ chọn] <nội dung>, như /remind; \
             hoặc trả lời một ảnh, tệp… bằng lệnh này để đổi nội dung. Ví dụ: /editremind 3 t7@08:00 health Diệt lăng quăng.\n\n{}",
            remind_form(lang)
        ),
        Lang::En => format!(
            "Form: /editremind <reminder id> <when> <topic> [options] <text>, as for /remind; or reply with it to a \
             photo, file… to change the content. Example: /editremind 3 sat@08:00 health Clear mosquito larvae.\n\n{}",
            remind_form(lang)
        ),
    }
}

pub fn reminder_status_changed(
    lang: Lang,
    id: i64,
    status: ReminderStatus,
    next: Option<DateTime<Utc>>,
    zone: Tz,
) -> String {
    let next = next.map(|at| local(at, zone));
    match (lang, status, next) {
        (Lang::Vi, ReminderStatus::Paused, _) => {
            format!("Đã tạm dừng lời nhắc #{id}. Chạy lại: /resume {id}.")
        }
        (Lang::En, ReminderStatus::Paused, _) => format!("Reminder #{id} paused. Resume it: /resume {id}."),
        (Lang::Vi, ReminderStatus::Cancelled, _) => format!("Đã huỷ lời nhắc #{id}."),
        (Lang::En, ReminderStatus::Cancelled, _) => format!("Reminder #{id} cancelled."),
        (Lang::Vi, _, Some(next)) => format!("Lời nhắc #{id} đang chạy; lần tới: {next}."),
        (Lang::En, _, Some(next)) => format!("Reminder #{id} is active; next: {next}."),
        (Lang::Vi, _, None) => format!("Lời nhắc #{id} đã hết thời gian chiến dịch nên đã kết thúc."),
        (Lang::En, _, None) => format!("Reminder #{id} is past its window and has finished."),
    }
}

pub fn reminder_not_changeable(lang: Lang, id: i64, status: ReminderStatus) -> String {
    match lang {
        Lang::Vi => format!("Lời nhắc #{id} {}; không đổi được.", status_name(lang, status)),
        Lang::En => format!("Reminder #{id} is {}; it cannot be changed.", status_name(lang, status)),
    }
}

pub fn skips(lang: Lang, id: i64, days: &[NaiveDate]) -> String {
    let list = if days.is_empty() {
        "—".to_owned()
    } else {
        days.iter().map(|d| day(*d)).collect::<Vec<_>>().join(", ")
    };
    match lang {
        Lang::Vi => format!("Lời nhắc #{id} nghỉ các ngày: {list}. Thêm: /skip {id} YYYY-MM-DD."),
        Lang::En => format!("Reminder #{id} skips: {list}. Add one: /skip {id} YYYY-MM-DD."),
    }
}

pub fn skip_added(lang: Lang, id: i64, skipped: NaiveDate, next: Option<DateTime<Utc>>, zone: Tz) -> String {
    let next = next.map(|at| local(at, zone)).unwrap_or_else(|| "—".into());
    match lang {
        Lang::Vi => format!("Lời nhắc #{id} sẽ không gửi ngày {}. Lần tới: {next}.", day(skipped)),
        Lang::En => format!("Reminder #{id} will not fire on {}. Next: {next}.", day(skipped)),
    }
}

/// One line of `/upcoming`.
pub struct Upcoming {
    pub at: DateTime<Utc>,
    pub topic: String,
    pub body: String,
    pub media: Media,
}

pub fn upcoming(lang: Lang, items: &[Upcoming], catalog: &TopicCatalog, zone: Tz) -> String {
    if items.is_empty() {
        return match lang {
            Lang::Vi => "Không có lời nhắc nào cho chat này trong 7 ngày tới.".into(),
            Lang::En => "Nothing is scheduled for this chat in the next 7 days.".into(),
        };
    }
    let mut text = String::from(match lang {
        Lang::Vi => "Lịch 7 ngày tới:\n",
        Lang::En => "The next 7 days:\n",
    });
    for item in items {
        let topic = catalog.get(&item.topic).map(|t| t.name(lang)).unwrap_or(&item.topic);
        let gist = super::gist_with_kind(lang, &item.media, gist(&item.body));
        let _ = writeln!(text, "• {} — {} — {gist}", local(item.at, zone), topic);
    }
    text
}

/// One line of `/latest`.
pub struct Delivered {
    pub at: DateTime<Utc>,
    pub topic: String,
    pub body: String,
    pub media: Media,
}

pub fn latest(lang: Lang, items: &[Delivered], catalog: &TopicCatalog, zone: Tz) -> String {
    if items.is_empty() {
        return match lang {
            Lang::Vi => "Chat này chưa nhận thông báo nào.".into(),
            Lang::En => "This chat has not received any announcement yet.".into(),
        };
    }
    let mut text = String::from(match lang {
        Lang::Vi => "Thông báo mới nhất:\n",
        Lang::En => "Latest announcements:\n",
    });
    for item in items {
        let topic = catalog.get(&item.topic).map(|t| t.name(lang)).unwrap_or(&item.topic);
        let gist = super::gist_with_kind(lang, &item.media, gist(&item.body));
        let _ = writeln!(text, "• {} — {} — {gist}", local(item.at, zone), topic);
    }
    text
}

/// The line a preview adds about when a post goes out.
pub fn sends_at(lang: Lang, at: DateTime<Utc>, zone: Tz, quiet: bool) -> String {
    match (lang, quiet) {
        (Lang::Vi, false) => format!("Gửi lúc: {}", local(at, zone)),
        (Lang::En, false) => format!("Goes out at: {}", local(at, zone)),
        (Lang::Vi, true) => format!("Đang giờ yên lặng: tin không khẩn sẽ chờ đến {}", local(at, zone)),
        (Lang::En, true) => format!("Quiet hours now: a non-urgent message waits until {}", local(at, zone)),
    }
}
