//! `/stats`: three small monospace tables (Telegram HTML `<pre>`) — per week, per topic, per
//! area — and the words on the chart.

use std::fmt::Write;

use chrono::{Days, NaiveDate};

use super::html;
use crate::{
    chart::Labels,
    domain::{AreaRow, Counts, Lang, Stats, TopicCatalog, TopicRow},
};

/// Row labels longer than this are cut with "…", so a row fits a phone's width.
const LABEL_WIDTH: usize = 18;

pub fn stats_empty(lang: Lang, weeks: usize) -> String {
    match lang {
        Lang::Vi => format!(
            "Chưa có thông báo nào trong {weeks} tuần qua, nên chưa có gì để thống kê. Soạn thông báo bằng /post."
        ),
        Lang::En => format!(
            "No announcements in the last {weeks} weeks, so nothing to count yet. Write one with /post."
        ),
    }
}

/// "Thống kê 12 tuần: 16/03 – 07/06/2026": the chart's title and the photo's caption.
pub fn stats_title(lang: Lang, stats: &Stats) -> String {
    let weeks = stats.weeks.len();
    let first = stats.weeks.first().map(|(monday, _)| *monday).unwrap_or_default();
    let last_sunday =
        stats.weeks.last().and_then(|(monday, _)| monday.checked_add_days(Days::new(6))).unwrap_or_default();
    let period = format!("{} – {}", first.format("%d/%m"), last_sunday.format("%d/%m/%Y"));
    match lang {
        Lang::Vi => format!("Thống kê {weeks} tuần: {period}"),
        Lang::En => format!("Statistics, {weeks} weeks: {period}"),
    }
}

pub fn stats_chart_labels(lang: Lang, stats: &Stats) -> Labels {
    let [people, reach, acks, messages, announcements, deliveries] = match lang {
        Lang::Vi => [
            "Số người mỗi tuần",
            "Người nhận được",
            "Người bấm «Đã nhận»",
            "Tin gửi mỗi tuần",
            "Thông báo",
            "Lượt gửi tới nhóm/người",
        ],
        Lang::En => [
            "People per week",
            "People reached",
            "People who acknowledged",
            "Messages per week",
            "Announcements",
            "Chats sent to",
        ],
    };
    Labels {
        title: stats_title(lang, stats),
        people: people.into(),
        reach: reach.into(),
        acks: acks.into(),
        messages: messages.into(),
        announcements: announcements.into(),
        deliveries: deliveries.into(),
    }
}

/// The three tables and what their columns mean, as Telegram HTML.
pub fn stats_table(lang: Lang, stats: &Stats, topics: &TopicCatalog) -> String {
    let vi = lang == Lang::Vi;
    let mut text = format!("<b>{}</b>\n", html(&stats_title(lang, stats)));
    let mut weeks: Vec<(String, Counts)> =
        stats.weeks.iter().map(|(monday, counts)| (week_label(*monday), *counts)).collect();
    weeks.push((if vi { "Cộng" } else { "Total" }.into(), stats.total));
    table(&mut text, lang, if vi { "Tuần từ" } else { "Week of" }, &weeks);

    text.push_str(if vi { "<b>Theo chủ đề</b>\n" } else { "<b>By topic</b>\n" });
    let topic_rows: Vec<(String, Counts)> =
        stats.topics.iter().map(|(row, counts)| (topic_label(lang, row, topics), *counts)).collect();
    table(&mut text, lang, if vi { "Chủ đề" } else { "Topic" }, &topic_rows);

    text.push_str(if vi {
        "<b>Theo tổ của nơi nhận</b>\n"
    } else {
        "<b>By the receiving chat's area</b>\n"
    });
    let area_rows: Vec<(String, Counts)> =
        stats.areas.iter().map(|(row, counts)| (area_label(lang, row), *counts)).collect();
    table(&mut text, lang, if vi { "Tổ" } else { "Area" }, &area_rows);

    text.push_str(if vi {
        "TB: thông báo · Nhóm: lượt gửi tới nhóm/người · Người: số người nhận được (thành viên các nhóm, nơi đã biết) \
         · Đã nhận: số người bấm «✅ Đã nhận». Thông báo tính vào tuần được xác nhận gửi; thông báo đã thu hồi không tính."
    } else {
        "Ann.: announcements · Chats: chats sent to · People: people reached (the groups' members, where known) \
         · Acks: people who tapped «✅ Đã nhận». An announcement counts in the week it was confirmed; recalled ones do not count."
    });
    if stats.areas.iter().any(|(row, _)| *row == AreaRow::Folded) {
        text.push_str(if vi {
            " «Đã gộp»: lượt gửi cũ chỉ còn số tổng, không còn biết tổ."
        } else {
            " «Folded»: old deliveries kept only as totals, their areas no longer known."
        });
    }
    text
}

/// One `<pre>` table: a label column and the four counts, right-aligned.
fn table(text: &mut String, lang: Lang, label_header: &str, rows: &[(String, Counts)]) {
    let headers = match lang {
        Lang::Vi => ["TB", "Nhóm", "Người", "Đã nhận"],
        Lang::En => ["Ann.", "Chats", "People", "Acks"],
    };
    let numbers = |c: &Counts| [c.announcements, c.deliveries, c.reach, c.acks].map(|n| n.to_string());
    let label_width =
        rows.iter().map(|(label, _)| width(label)).chain([width(label_header)]).max().unwrap_or(0);
    let mut widths = headers.map(width);
    for (_, counts) in rows {
        for (column, number) in numbers(counts).iter().enumerate() {
            widths[column] = widths[column].max(number.len());
        }
    }
    let line = |text: &mut String, label: &str, cells: [String; 4]| {
        let _ = write!(text, "{}{}", html(label), " ".repeat(label_width - width(label)));
        for (cell, cell_width) in cells.iter().zip(widths) {
            let _ = write!(text, " {}{}", " ".repeat(cell_width - width(cell)), html(cell));
        }
        text.push('\n');
    };
    text.push_str("<pre>");
    line(text, label_header, headers.map(str::to_owned));
    for (label, counts) in rows {
        line(text, label, numbers(counts));
    }
    text.push_str("</pre>\n");
}

/// Characters, as a monospace font lays out composed Vietnamese letters.
fn width(text: &str) -> usize {
    text.chars().count()
}

fn week_label(monday: NaiveDate) -> String {
    monday.format("%d/%m").to_string()
}

/// A topic's name up to its first comma ("Thu gom rác"), cut to fit.
fn topic_label(lang: Lang, row: &TopicRow, topics: &TopicCatalog) -> String {
    match row {
        TopicRow::Topic(slug) => {
            let name = topics.get(slug).map_or(slug.as_str(), |topic| topic.name(lang));
            fit(name.split(',').next().unwrap_or(name).trim())
        }
        TopicRow::Others(n) => match lang {
            Lang::Vi => format!("+{n} chủ đề khác"),
            Lang::En => format!("+{n} more"),
        },
    }
}

fn area_label(lang: Lang, row: &AreaRow) -> String {
    match (row, lang) {
        (AreaRow::Area(code), _) => fit(code.as_str()),
        (AreaRow::Unbound, Lang::Vi) => "Chưa gắn tổ".into(),
        (AreaRow::Unbound, Lang::En) => "No area".into(),
        (AreaRow::Others(n), Lang::Vi) => format!("+{n} tổ khác"),
        (AreaRow::Others(n), Lang::En) => format!("+{n} more"),
        (AreaRow::Folded, Lang::Vi) => "Đã gộp".into(),
        (AreaRow::Folded, Lang::En) => "Folded".into(),
    }
}

fn fit(label: &str) -> String {
    if width(label) <= LABEL_WIDTH {
        return label.to_owned();
    }
    let cut: String = label.chars().take(LABEL_WIDTH - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use chrono_tz::Asia::Ho_Chi_Minh;

    use super::*;
    use crate::domain::{
        AreaCode, BroadcastTally, MAX_AREA_ROWS, MAX_MESSAGE_LEN, MAX_TOPIC_ROWS, Topic, Weeks,
    };

    fn catalog() -> TopicCatalog {
        TopicCatalog::new(vec![Topic {
            slug: "waste".into(),
            name_vi: "Thu gom rác, vệ sinh môi trường".into(),
            name_en: "Waste collection and sanitation".into(),
        }])
    }

    fn now() -> DateTime<Utc> {
        "2026-06-03T03:00:00Z".parse().unwrap()
    }

    #[test]
    fn columns_line_up_and_labels_are_vietnamese() {
        let weeks = Weeks::ending_at(now(), Ho_Chi_Minh, 12);
        let tally = BroadcastTally {
            created_at: now(),
            topic: "waste".into(),
            counts: Counts { announcements: 1, deliveries: 12, reach: 1530, acks: 7 },
        };
        let areas = vec![(AreaRow::Area(AreaCode::parse("5").unwrap()), tally.counts)];
        let text = stats_table(Lang::Vi, &Stats::gather(&weeks, &[tally], areas), &catalog());
        assert!(text.starts_with("<b>Thống kê 12 tuần: 16/03 – 07/06/2026</b>\n<pre>"), "{text}");
        assert!(text.contains("Tuần từ TB Nhóm Người Đã nhận\n"), "{text}");
        assert!(text.contains("01/06    1   12  1530       7\n"), "{text}");
        assert!(text.contains("Cộng     1   12  1530       7\n"), "{text}");
        assert!(text.contains("Thu gom rác  1   12  1530       7\n"), "{text}");
        // Every row of a table is as wide as its header.
        let first_table = text.split("<pre>").nth(1).unwrap().split("</pre>").next().unwrap();
        let widths: Vec<usize> = first_table.lines().map(|line| line.chars().count()).collect();
        assert!(widths.iter().all(|w| *w == widths[0]), "{widths:?}");
    }

    #[test]
    fn the_largest_table_fits_one_message() {
        let weeks = Weeks::ending_at(now(), Ho_Chi_Minh, 12);
        let big =
            Counts { announcements: 99_999, deliveries: 9_999_999, reach: 999_999_999, acks: 99_999_999 };
        let tallies: Vec<BroadcastTally> = (0..40)
            .map(|n| BroadcastTally {
                created_at: now(),
                topic: format!("chủ-đề-rất-dài-số-{n}"),
                counts: big,
            })
            .collect();
        let areas: Vec<(AreaRow, Counts)> = (0..100)
            .map(|n| (AreaRow::Area(AreaCode::parse(&format!("KHU-PHO-RAT-DAI-{n}")).unwrap()), big))
            .chain([(AreaRow::Unbound, big), (AreaRow::Folded, big)])
            .collect();
        let stats = Stats::gather(&weeks, &tallies, areas);
        assert_eq!(stats.topics.len(), MAX_TOPIC_ROWS + 1);
        assert_eq!(stats.areas.len(), MAX_AREA_ROWS + 3);
        for lang in [Lang::Vi, Lang::En] {
            let text = stats_table(lang, &stats, &catalog());
            assert!(text.encode_utf16().count() <= MAX_MESSAGE_LEN, "{} units", text.encode_utf16().count());
        }
    }

    #[test]
    fn english_has_its_own_words_and_html_is_escaped() {
        let weeks = Weeks::ending_at(now(), Ho_Chi_Minh, 12);
        let tally = BroadcastTally { created_at: now(), topic: "<b>".into(), counts: Counts::default() };
        let text = stats_table(Lang::En, &Stats::gather(&weeks, &[tally], Vec::new()), &catalog());
        assert!(text.contains("Week of Ann. Chats People Acks"), "{text}");
        assert!(text.contains("&lt;b&gt;"), "{text}");
        assert!(!text.contains("Tuần"), "{text}");
    }
}
