//! The buttons of `/topics` and `/area`, and the callback data they carry. A button says what
//! its tap asks for (subscribe to health, bind to area 7) rather than "toggle": a tap on a
//! message older than the chat's last change still does what its label showed, and a second
//! tap on the same button changes nothing more.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::{
    bot::{Reply, texts},
    domain::{AreaCode, Lang, TopicCatalog},
};

const TOPIC_ON: &str = "topic:on:";
const TOPIC_OFF: &str = "topic:off:";
const AREA: &str = "area:";
/// Lower case, so that it can never be a stored area code (those are upper case).
const NO_AREA: &str = "none";
/// Telegram's limit on a button's callback data, in bytes.
const MAX_DATA_LEN: usize = 64;
/// Telegram refuses keyboards of more than about a hundred buttons; a ward has fewer areas.
const MAX_AREA_BUTTONS: usize = 90;
const AREAS_PER_ROW: usize = 4;

/// What a settings button asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Toggle {
    /// Subscribe the chat to the topic with this slug (`on`), or unsubscribe it.
    Topic { slug: String, on: bool },
    /// Bind the chat to this area, or to none.
    Area(Option<AreaCode>),
}

impl Toggle {
    /// The button's callback data: `topic:on:waste`, `area:7`, `area:none`.
    fn data(&self) -> String {
        match self {
            Toggle::Topic { slug, on: true } => format!("{TOPIC_ON}{slug}"),
            Toggle::Topic { slug, on: false } => format!("{TOPIC_OFF}{slug}"),
            Toggle::Area(Some(area)) => format!("{AREA}{area}"),
            Toggle::Area(None) => format!("{AREA}{NO_AREA}"),
        }
    }

    /// Reads callback data back. Clients can send made-up data, so an area code is parsed as
    /// typed codes are; a slug is checked against the catalog by whoever applies it.
    pub fn parse(data: &str) -> Option<Toggle> {
        if let Some(slug) = data.strip_prefix(TOPIC_ON) {
            return Some(Toggle::Topic { slug: slug.to_owned(), on: true });
        }
        if let Some(slug) = data.strip_prefix(TOPIC_OFF) {
            return Some(Toggle::Topic { slug: slug.to_owned(), on: false });
        }
        match data.strip_prefix(AREA)? {
            NO_AREA => Some(Toggle::Area(None)),
            code => AreaCode::parse(code).ok().map(|area| Toggle::Area(Some(area))),
        }
    }

    fn button(&self, label: String) -> Option<InlineKeyboardButton> {
        let data = self.data();
        (data.len() <= MAX_DATA_LEN).then(|| InlineKeyboardButton::callback(label, data))
    }
}

/// `/topics`: every topic with its mark, and under it one button per topic that turns it on or
/// off. A topic whose slug is too long for a button (a ward's own) can still be typed.
pub fn topics_menu(lang: Lang, catalog: &TopicCatalog, subscribed: &[String]) -> Reply {
    let rows = catalog.all().iter().filter_map(|topic| {
        let on = subscribed.contains(&topic.slug);
        let toggle = Toggle::Topic { slug: topic.slug.clone(), on: !on };
        toggle.button(texts::topic_button(lang, topic, on)).map(|button| vec![button])
    });
    Reply::from(texts::topics(lang, catalog, subscribed)).with_keyboard(InlineKeyboardMarkup::new(rows))
}

/// `/area` without a code: where the chat belongs and, when chats are bound to areas, one
/// button per known area and a last one for none, the current choice marked.
pub fn area_menu(lang: Lang, current: Option<&AreaCode>, known: &[AreaCode]) -> Reply {
    let text = texts::area_current(lang, current);
    if known.is_empty() {
        return Reply::from(text);
    }
    let areas: Vec<InlineKeyboardButton> = known
        .iter()
        .take(MAX_AREA_BUTTONS)
        .filter_map(|area| {
            let label = texts::area_button(lang, area, current == Some(area));
            Toggle::Area(Some(area.clone())).button(label)
        })
        .collect();
    let none = Toggle::Area(None).button(texts::no_area_button(lang, current.is_none()));
    let rows = areas.chunks(AREAS_PER_ROW).map(<[_]>::to_vec).chain(none.map(|button| vec![button]));
    let text = format!("{text}\n{}", texts::area_buttons_hint(lang));
    Reply::from(text).with_keyboard(InlineKeyboardMarkup::new(rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Topic;

    fn catalog() -> TopicCatalog {
        let topic =
            |slug: &str| Topic {
                slug: slug.into(), name_vi: format!("Chủ đề {slug}"), name_en: slug.into()
            };
        TopicCatalog::new(vec![topic("waste"), topic("health"), topic(&"x".repeat(60))])
    }

    fn area(code: &str) -> AreaCode {
        AreaCode::parse(code).unwrap()
    }

    /// Each button's label and data, row by row.
    fn buttons(reply: &Reply) -> Vec<Vec<(String, String)>> {
        let keyboard = reply.keyboard.as_ref().expect("buttons");
        let data = |button: &InlineKeyboardButton| match &button.kind {
            teloxide::types::InlineKeyboardButtonKind::CallbackData(data) => data.clone(),
            other => panic!("not a callback button: {other:?}"),
        };
        keyboard
            .inline_keyboard
            .iter()
            .map(|row| row.iter().map(|b| (b.text.clone(), data(b))).collect())
            .collect()
    }

    #[test]
    fn data_reads_back_as_the_same_request() {
        for toggle in [
            Toggle::Topic { slug: "waste".into(), on: true },
            Toggle::Topic { slug: "health".into(), on: false },
            Toggle::Area(Some(area("12A"))),
            Toggle::Area(Some(area("khu-b"))),
            Toggle::Area(None),
        ] {
            assert_eq!(Toggle::parse(&toggle.data()), Some(toggle));
        }
    }

    #[test]
    fn other_buttons_and_made_up_data_are_not_settings() {
        for data in ["page:upcoming:1", "confirm:3", "topic:waste", "area:", "area:tổ 5", "area:5;drop"] {
            assert_eq!(Toggle::parse(data), None, "{data}");
        }
    }

    #[test]
    fn a_topic_button_turns_its_topic_the_other_way() {
        let menu = topics_menu(Lang::Vi, &catalog(), &["health".into()]);
        let rows = buttons(&menu);
        assert_eq!(rows[0], [("▫️ Chủ đề waste".to_owned(), "topic:on:waste".to_owned())]);
        assert_eq!(rows[1], [("✅ Chủ đề health".to_owned(), "topic:off:health".to_owned())]);
        assert_eq!(rows.len(), 2, "a slug too long for callback data gets no button");
        assert!(menu.text.contains("✅ y-te (health)"), "{}", menu.text);
    }

    #[test]
    fn area_buttons_mark_the_current_area_and_end_with_none() {
        let known: Vec<AreaCode> = ["5", "7", "9", "11", "12A"].map(area).to_vec();
        let rows = buttons(&area_menu(Lang::Vi, Some(&area("7")), &known));
        let labels: Vec<Vec<&str>> =
            rows.iter().map(|row| row.iter().map(|(l, _)| l.as_str()).collect()).collect();
        assert_eq!(labels, [vec!["Tổ 5", "✅ Tổ 7", "Tổ 9", "Tổ 11"], vec!["Tổ 12A"], vec!["Không gắn tổ"]]);
        assert_eq!(rows[0][1].1, "area:7");
        assert_eq!(rows[2][0].1, "area:none");

        let unbound = buttons(&area_menu(Lang::En, None, &known));
        assert_eq!(unbound[2][0].0, "✅ No area");
    }

    #[test]
    fn without_known_areas_there_are_no_area_buttons() {
        let menu = area_menu(Lang::Vi, None, &[]);
        assert_eq!(menu.keyboard, None);
        assert_eq!(menu.text, texts::area_current(Lang::Vi, None));
    }
}
