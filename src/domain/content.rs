//! What an announcement carries: a text with its formatting, or media — a photo, video,
//! animation, document, audio file or voice note, an album of 2–10 of them, or a location —
//! with a caption. Built from the official's own message, checked against Telegram's limits,
//! and rendered under the topic's heading. Formatting travels as Telegram's `entities`
//! (offsets in UTF-16 units), never re-parsed from markup.

use serde::{Deserialize, Serialize};
use teloxide::types::{Message, MessageEntity};

use super::{Lang, Topic, TopicCatalog};

/// Telegram's limit on a message's text, counted in UTF-16 units after markup is parsed.
pub const MAX_MESSAGE_LEN: usize = 4096;
/// Telegram's limit on a bot's caption, counted the same way.
pub const MAX_CAPTION_LEN: usize = 1024;
/// `sendMediaGroup` takes 2 to 10 items.
pub const MAX_ALBUM_ITEMS: usize = 10;

const HEADING_GAP: &str = "\n\n";

/// The words of an announcement and what they come with.
#[derive(Debug, Clone, PartialEq)]
pub struct Content {
    /// The text, or the caption of media; may be empty for media.
    pub text: String,
    /// `text`'s formatting, as the official's client sent it.
    pub entities: Vec<MessageEntity>,
    pub media: Media,
}

/// What comes with the words.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Media {
    /// A text message.
    #[default]
    None,
    /// One media message, or an album in order; the caption goes on the first item.
    Items {
        items: Vec<MediaItem>,
        /// The words are too long for a caption and the official chose to send them apart:
        /// residents get the heading and words as a text message just before the items,
        /// which then carry no caption.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        text_apart: bool,
    },
    /// A location cannot carry a caption: residents get the heading and text as a message
    /// just before it.
    Location { latitude: f64, longitude: f64 },
}

impl Media {
    /// Media as a message or an album carries it, the words as its caption.
    pub fn items(items: Vec<MediaItem>) -> Media {
        Media::Items { items, text_apart: false }
    }

    /// Whether the words travel as the caption of the first item.
    pub fn is_caption(&self) -> bool {
        matches!(self, Media::Items { text_apart: false, .. })
    }

    /// Whether the heading and words travel as a text message of their own, just before the
    /// media.
    pub fn text_first(&self) -> bool {
        matches!(self, Media::Location { .. } | Media::Items { text_apart: true, .. })
    }

    /// Whether an acknowledgement button needs a message of its own after the media: an
    /// album's caption carries the words, and an album cannot carry buttons.
    pub fn ack_button_apart(&self) -> bool {
        matches!(self, Media::Items { items, text_apart: false } if items.len() > 1)
    }

    /// How many messages carry it (with the words): one per album item, and one more for
    /// the text sent before a location or media whose words go apart.
    pub fn messages(&self) -> usize {
        let items = match self {
            Media::None => 1,
            Media::Items { items, .. } => items.len(),
            Media::Location { .. } => 1,
        };
        items + usize::from(self.text_first())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaItem {
    pub kind: MediaKind,
    /// The bot's own id of the file: Telegram keeps the file, so the announcement never
    /// depends on the official's message still existing.
    pub file_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Photo,
    Video,
    Animation,
    Document,
    Audio,
    Voice,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentError {
    /// A sticker, poll, game, contact, dice...: nothing Loa sends.
    Unsupported,
    /// Telegram groups documents only with documents, audio only with audio, and photos
    /// with videos; animations and voice notes not at all.
    MixedAlbum,
    TooManyItems(usize),
    EmptyText,
    /// Over Telegram's limit once the topic's heading is added.
    TooLong {
        length: usize,
        max: usize,
        caption: bool,
    },
}

impl Content {
    /// A typed text, without formatting.
    pub fn text(text: impl Into<String>) -> Content {
        Content { text: text.into(), entities: Vec::new(), media: Media::None }
    }

    /// What an official's message carries.
    pub fn from_message(message: &Message) -> Result<Content, ContentError> {
        let item = |kind, file_id: &str, file_name: Option<&String>| {
            Media::items(vec![MediaItem { kind, file_id: file_id.to_owned(), file_name: file_name.cloned() }])
        };
        // An animation also arrives with a `document`: it is looked at first.
        let media = if let Some(sizes) = message.photo() {
            let largest = sizes.last().ok_or(ContentError::Unsupported)?;
            item(MediaKind::Photo, &largest.file.id.0, None)
        } else if let Some(animation) = message.animation() {
            item(MediaKind::Animation, &animation.file.id.0, animation.file_name.as_ref())
        } else if let Some(video) = message.video() {
            item(MediaKind::Video, &video.file.id.0, video.file_name.as_ref())
        } else if let Some(document) = message.document() {
            item(MediaKind::Document, &document.file.id.0, document.file_name.as_ref())
        } else if let Some(audio) = message.audio() {
            item(MediaKind::Audio, &audio.file.id.0, audio.file_name.as_ref())
        } else if let Some(voice) = message.voice() {
            item(MediaKind::Voice, &voice.file.id.0, None)
        } else if let Some(location) = message.location() {
            Media::Location { latitude: location.latitude, longitude: location.longitude }
        } else if message.text().is_some() {
            Media::None
        } else {
            return Err(ContentError::Unsupported);
        };
        let (text, entities) = match (message.text(), message.caption()) {
            (Some(text), _) => (text, message.entities()),
            (None, Some(caption)) => (caption, message.caption_entities()),
            (None, None) => ("", None),
        };
        Ok(Content { text: text.to_owned(), entities: entities.unwrap_or_default().to_vec(), media })
    }

    /// One album from its items in message order. The album's caption is the first item's
    /// that has one, as Telegram shows an album's caption.
    pub fn album(parts: Vec<Content>) -> Result<Content, ContentError> {
        let mut items = Vec::new();
        let mut caption = None;
        for part in parts {
            let Media::Items { items: mut more, .. } = part.media else {
                return Err(ContentError::MixedAlbum);
            };
            items.append(&mut more);
            if caption.is_none() && !part.text.is_empty() {
                caption = Some((part.text, part.entities));
            }
        }
        if items.len() > MAX_ALBUM_ITEMS {
            return Err(ContentError::TooManyItems(items.len()));
        }
        if !groups_together(&items) {
            return Err(ContentError::MixedAlbum);
        }
        let (text, entities) = caption.unwrap_or_default();
        Ok(Content { text, entities, media: Media::items(items) })
    }

    /// The same media with a typed text in place of its caption.
    pub fn with_text(self, text: String) -> Content {
        Content { text, entities: Vec::new(), media: self.media }
    }

    /// The same content with media's words sent apart, before the media, or with them as its
    /// caption again (`apart == false`). Text and locations have no choice to make.
    pub fn with_text_apart(mut self, apart: bool) -> Content {
        if let Media::Items { text_apart, .. } = &mut self.media {
            *text_apart = apart;
        }
        self
    }

    /// Whether the words are too long for a caption but would go as a text message apart.
    pub fn could_go_apart(&self, catalog: &TopicCatalog) -> bool {
        matches!(self.check(catalog), Err(ContentError::TooLong { caption: true, .. }))
            && self.clone().with_text_apart(true).check(catalog).is_ok()
    }

    /// How many messages a chat receives: each counts against Telegram's limits.
    pub fn messages(&self) -> usize {
        self.media.messages()
    }

    /// Whether the text travels as a caption (and is edited as one).
    pub fn is_caption(&self) -> bool {
        self.media.is_caption()
    }

    /// Checks the text against Telegram's limits with the longest heading of any topic.
    pub fn check(&self, catalog: &TopicCatalog) -> Result<(), ContentError> {
        if self.text.trim().is_empty() && self.media == Media::None {
            return Err(ContentError::EmptyText);
        }
        let caption = self.is_caption();
        let max = max_text_len(catalog, caption);
        let length = utf16_len(&self.text);
        if length > max {
            return Err(ContentError::TooLong { length, max, caption });
        }
        Ok(())
    }
}

/// Whether Telegram accepts these items as one `sendMediaGroup`.
fn groups_together(items: &[MediaItem]) -> bool {
    use MediaKind::*;
    let family = |kind| match kind {
        Photo | Video => Some(0),
        Document => Some(1),
        Audio => Some(2),
        Animation | Voice => None,
    };
    match items {
        [] => false,
        [_] => true,
        [first, rest @ ..] => {
            family(first.kind).is_some() && rest.iter().all(|item| family(item.kind) == family(first.kind))
        }
    }
}

/// The longest text (or caption) that fits under any topic's heading in any language.
pub fn max_text_len(catalog: &TopicCatalog, caption: bool) -> usize {
    let longest_heading = catalog
        .all()
        .iter()
        .flat_map(|topic| Lang::ALL.map(|lang| utf16_len(&heading(topic, lang))))
        .max()
        .unwrap_or(0);
    let limit = if caption { MAX_CAPTION_LEN } else { MAX_MESSAGE_LEN };
    limit.saturating_sub(longest_heading + HEADING_GAP.len())
}

/// A text as Telegram shows it: the words and their formatting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub text: String,
    pub entities: Vec<MessageEntity>,
}

/// What residents read: the topic's name in bold, then the official's text with its own
/// formatting, shifted past the heading.
pub fn render(topic: &Topic, lang: Lang, text: &str, entities: &[MessageEntity]) -> Rendered {
    let heading = heading(topic, lang);
    let bold = MessageEntity::bold(0, utf16_len(&heading));
    if text.is_empty() {
        return Rendered { text: heading, entities: vec![bold] };
    }
    let prefix = format!("{heading}{HEADING_GAP}");
    let shift = utf16_len(&prefix);
    let shifted = entities.iter().cloned().map(|mut entity| {
        entity.offset += shift;
        entity
    });
    Rendered { text: prefix + text, entities: std::iter::once(bold).chain(shifted).collect() }
}

/// The first line of an announcement, shortened for a list.
pub fn gist(text: &str) -> String {
    const MAX: usize = 80;
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() > MAX {
        format!("{}…", line.chars().take(MAX).collect::<String>())
    } else {
        line.to_owned()
    }
}

fn heading(topic: &Topic, lang: Lang) -> String {
    format!("📢 {}", topic.name(lang))
}

pub(super) fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn topic() -> Topic {
        Topic {
            slug: "waste".into(),
            name_vi: "Thu gom rác, vệ sinh môi trường".into(),
            name_en: "Waste collection and sanitation".into(),
        }
    }

    fn message(fields: serde_json::Value) -> Message {
        let mut message = json!({
            "message_id": 7,
            "date": 1_780_000_000,
            "chat": {"id": 42, "type": "private", "first_name": "Hiền"},
            "from": {"id": 42, "is_bot": false, "first_name": "Hiền"},
        });
        message.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
        serde_json::from_value(message).unwrap()
    }

    fn photo(file_id: &str, caption: Option<&str>) -> Content {
        let size =
            |id: &str, side| json!({"file_id": id, "file_unique_id": id, "width": side, "height": side});
        let mut fields = json!({"photo": [size("small", 90), size(file_id, 1280)]});
        if let Some(caption) = caption {
            fields["caption"] = json!(caption);
        }
        Content::from_message(&message(fields)).unwrap()
    }

    fn document(file_id: &str, name: &str) -> Content {
        Content::from_message(&message(json!({
            "document": {"file_id": file_id, "file_unique_id": file_id, "file_name": name}
        })))
        .unwrap()
    }

    #[test]
    fn a_text_keeps_its_formatting() {
        let content = Content::from_message(&message(json!({
            "text": "Đổ rác đúng giờ",
            "entities": [{"type": "bold", "offset": 0, "length": 6}],
        })))
        .unwrap();
        assert_eq!(content.text, "Đổ rác đúng giờ");
        assert_eq!(content.entities, vec![MessageEntity::bold(0, 6)]);
        assert_eq!((content.messages(), content.media), (1, Media::None));
    }

    #[test]
    fn a_photo_is_its_largest_size_with_the_caption() {
        let content = photo("big", Some("Áp phích"));
        assert_eq!(content.text, "Áp phích");
        let Media::Items { items, .. } = &content.media else { panic!("{content:?}") };
        assert_eq!((items[0].kind, items[0].file_id.as_str()), (MediaKind::Photo, "big"));
        assert!(content.is_caption());
    }

    #[test]
    fn a_document_keeps_its_name_and_a_location_needs_two_messages() {
        let content = document("pdf", "Ke-hoach-211.pdf");
        let Media::Items { items, .. } = &content.media else { panic!() };
        assert_eq!(items[0].file_name.as_deref(), Some("Ke-hoach-211.pdf"));
        let location = Content::from_message(&message(json!({
            "location": {"latitude": 21.03, "longitude": 105.85}
        })))
        .unwrap();
        assert_eq!(location.media, Media::Location { latitude: 21.03, longitude: 105.85 });
        assert_eq!(location.messages(), 2);
        assert!(!location.is_caption());
    }

    #[test]
    fn stickers_and_polls_are_not_announcements() {
        let sticker = message(json!({"sticker": {
            "file_id": "s", "file_unique_id": "s", "type": "regular", "width": 512, "height": 512,
            "is_animated": false, "is_video": false
        }}));
        assert_eq!(Content::from_message(&sticker), Err(ContentError::Unsupported));
    }

    #[test]
    fn an_album_keeps_its_order_and_the_first_caption() {
        let album =
            Content::album(vec![photo("a", None), photo("b", Some("Chiến dịch")), photo("c", Some("x"))])
                .unwrap();
        assert_eq!(album.text, "Chiến dịch");
        let Media::Items { items, .. } = &album.media else { panic!() };
        let ids: Vec<_> = items.iter().map(|item| item.file_id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(album.messages(), 3);
    }

    #[test]
    fn albums_telegram_refuses_are_refused_here() {
        assert_eq!(
            Content::album(vec![photo("a", None), document("d", "x.pdf")]),
            Err(ContentError::MixedAlbum)
        );
        assert_eq!(
            Content::album((0..11).map(|i| photo(&i.to_string(), None)).collect()),
            Err(ContentError::TooManyItems(11))
        );
        assert!(Content::album(vec![document("d", "a.pdf"), document("e", "b.docx")]).is_ok());
    }

    #[test]
    fn captions_have_the_caption_limit_and_texts_the_message_limit() {
        let catalog = TopicCatalog::new(vec![topic()]);
        let heading = utf16_len("📢 Thu gom rác, vệ sinh môi trường") + 2;
        let caption_max = max_text_len(&catalog, true);
        assert_eq!(caption_max, 1024 - heading);
        assert!(photo("p", Some(&"ă".repeat(caption_max))).check(&catalog).is_ok());
        assert_eq!(
            photo("p", Some(&"ă".repeat(caption_max + 1))).check(&catalog),
            Err(ContentError::TooLong { length: caption_max + 1, max: caption_max, caption: true })
        );
        assert!(Content::text("ă".repeat(caption_max + 1)).check(&catalog).is_ok());
        assert_eq!(Content::text("  ").check(&catalog), Err(ContentError::EmptyText));
        assert!(photo("p", None).check(&catalog).is_ok());
    }

    #[test]
    fn words_too_long_for_a_caption_can_go_apart_as_one_more_message() {
        let catalog = TopicCatalog::new(vec![topic()]);
        let long = photo("p", Some(&"ă".repeat(max_text_len(&catalog, true) + 1)));
        assert!(long.could_go_apart(&catalog));
        assert!(!photo("p", Some("ngắn")).could_go_apart(&catalog), "a short caption stays a caption");
        let apart = long.with_text_apart(true);
        assert!(apart.check(&catalog).is_ok() && !apart.is_caption() && apart.media.text_first());
        assert_eq!(apart.messages(), 2, "the words, then the photo");
        assert!(!apart.could_go_apart(&catalog), "already apart");
        let location =
            Content { media: Media::Location { latitude: 1.0, longitude: 2.0 }, ..Content::text("") };
        assert_eq!(location.clone().with_text_apart(true), location, "only media has the choice");
        assert_eq!(Content::text("x").messages(), 1);
    }

    #[test]
    fn media_stored_before_the_choice_existed_keeps_its_caption() {
        let stored = r#"{"kind":"items","items":[{"kind":"photo","file_id":"P"}]}"#;
        let media: Media = serde_json::from_str(stored).unwrap();
        assert!(media.is_caption());
        assert_eq!(serde_json::to_string(&media).unwrap(), stored, "written as before unless apart");
    }

    #[test]
    fn rendering_heads_the_text_and_shifts_its_formatting_past_the_heading() {
        let rendered = render(&topic(), Lang::Vi, "Đổ rác 18:00", &[MessageEntity::italic(7, 5)]);
        assert_eq!(rendered.text, "📢 Thu gom rác, vệ sinh môi trường\n\nĐổ rác 18:00");
        // "📢" is two UTF-16 units.
        let heading = utf16_len("📢 Thu gom rác, vệ sinh môi trường");
        assert_eq!(
            rendered.entities,
            vec![MessageEntity::bold(0, heading), MessageEntity::italic(heading + 2 + 7, 5)]
        );
        let bare = render(&topic(), Lang::En, "", &[]);
        assert_eq!(bare.text, "📢 Waste collection and sanitation");
    }

    #[test]
    fn media_survive_the_database_as_json() {
        let album = Content::album(vec![photo("a", None), photo("b", None)]).unwrap();
        let json = serde_json::to_string(&album.media).unwrap();
        assert_eq!(serde_json::from_str::<Media>(&json).unwrap(), album.media);
        let location = Media::Location { latitude: 1.5, longitude: 2.5 };
        assert_eq!(
            serde_json::from_str::<Media>(&serde_json::to_string(&location).unwrap()).unwrap(),
            location
        );
    }
}
