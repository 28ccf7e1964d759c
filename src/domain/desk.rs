//! The feedback desk's pure rules: what a resident's message adds to a report, the categories
//! and statuses of a ticket, and the limits that keep the desk usable.

use teloxide::types::Message;

use super::{MediaItem, MediaKind};

/// New tickets one resident may open in 24 hours: enough for a neighbourhood's real problems,
/// few enough that one person cannot flood the desk.
pub const DAILY_TICKETS: i64 = 5;
/// A report's words, in characters. The desk's message carries them with a heading of a few
/// lines as a photo's caption, which Telegram caps at 1024.
pub const MAX_REPORT_LEN: usize = 800;
/// A video a resident attaches: a short clip of the problem. Larger files take long to load on
/// the officials' phones and are rarely needed to see a pile of waste.
pub const MAX_VIDEO_BYTES: u32 = 5 * 1024 * 1024;

/// What a ticket is about; the desk sorts by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Waste,
    Hygiene,
    Security,
    Infrastructure,
    Other,
}

impl Category {
    pub const ALL: [Category; 5] =
        [Category::Waste, Category::Hygiene, Category::Security, Category::Infrastructure, Category::Other];

    /// As stored and carried in buttons.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Waste => "waste",
            Category::Hygiene => "hygiene",
            Category::Security => "security",
            Category::Infrastructure => "infrastructure",
            Category::Other => "other",
        }
    }

    pub fn parse(stored: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|category| category.as_str() == stored)
    }
}

/// Where a ticket stands. Resolved and declined tickets are closed: nothing more is relayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketStatus {
    Open,
    Acknowledged,
    Resolved,
    /// «Không thuộc thẩm quyền»: not the ward's to handle.
    Declined,
}

impl TicketStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Open => "open",
            TicketStatus::Acknowledged => "acknowledged",
            TicketStatus::Resolved => "resolved",
            TicketStatus::Declined => "declined",
        }
    }

    pub fn parse(stored: &str) -> Option<TicketStatus> {
        [TicketStatus::Open, TicketStatus::Acknowledged, TicketStatus::Resolved, TicketStatus::Declined]
            .into_iter()
            .find(|status| status.as_str() == stored)
    }

    pub fn is_closed(self) -> bool {
        matches!(self, TicketStatus::Resolved | TicketStatus::Declined)
    }
}

/// What a report in progress waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportStep {
    /// Words, a photo or video, a location; then «Tiếp tục».
    Content,
    Area,
    Category,
    /// «Cho phép phường liên hệ lại với bạn?»
    Consent,
}

impl ReportStep {
    pub const ALL: [ReportStep; 4] =
        [ReportStep::Content, ReportStep::Area, ReportStep::Category, ReportStep::Consent];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportStep::Content => "content",
            ReportStep::Area => "area",
            ReportStep::Category => "category",
            ReportStep::Consent => "consent",
        }
    }

    pub fn parse(stored: &str) -> Option<ReportStep> {
        ReportStep::ALL.into_iter().find(|step| step.as_str() == stored)
    }
}

/// What one message of a resident adds to their report.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// The text, or the caption of a photo or video.
    pub text: Option<String>,
    pub media: Option<MediaItem>,
    pub location: Option<(f64, f64)>,
}

/// Why a message cannot go into a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PieceError {
    /// A sticker, a voice note, a document, a poll...: the desk takes words, a photo or short
    /// video, and a location.
    Unsupported,
    VideoTooLarge {
        bytes: u32,
        max: u32,
    },
}

impl Piece {
    /// Reads a resident's message. A video's size is what Telegram says of it (teloxide reads a
    /// missing size as the largest possible, so such a video is refused rather than guessed).
    pub fn from_message(message: &Message) -> Result<Piece, PieceError> {
        let media = if let Some(sizes) = message.photo() {
            let largest = sizes.last().ok_or(PieceError::Unsupported)?;
            Some(MediaItem { kind: MediaKind::Photo, file_id: largest.file.id.0.clone(), file_name: None })
        } else if message.animation().is_some() {
            return Err(PieceError::Unsupported);
        } else if let Some(video) = message.video() {
            let bytes = video.file.size;
            if bytes > MAX_VIDEO_BYTES {
                return Err(PieceError::VideoTooLarge { bytes, max: MAX_VIDEO_BYTES });
            }
            Some(MediaItem { kind: MediaKind::Video, file_id: video.file.id.0.clone(), file_name: None })
        } else {
            None
        };
        let location = message.location().map(|location| (location.latitude, location.longitude));
        let text = message.text().or(message.caption()).map(str::trim).filter(|text| !text.is_empty());
        if media.is_none() && location.is_none() && message.text().is_none() {
            return Err(PieceError::Unsupported);
        }
        Ok(Piece { text: text.map(str::to_owned), media, location })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn message(fields: serde_json::Value) -> Message {
        let mut message = json!({
            "message_id": 1,
            "date": 1_780_000_000,
            "chat": { "id": 7, "type": "private", "first_name": "Lan" },
            "from": { "id": 7, "is_bot": false, "first_name": "Lan" },
        });
        message.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
        serde_json::from_value(message).unwrap()
    }

    fn video(bytes: u32) -> Message {
        message(json!({ "video": {
            "file_id": "v1", "file_unique_id": "u1", "file_size": bytes,
            "width": 640, "height": 360, "duration": 20, "mime_type": "video/mp4",
        }, "caption": "Cống tắc" }))
    }

    #[test]
    fn words_a_photo_with_its_caption_and_a_location_are_pieces() {
        let text = Piece::from_message(&message(json!({ "text": "  Rác đổ sai giờ  " }))).unwrap();
        assert_eq!(text.text.as_deref(), Some("Rác đổ sai giờ"));
        let photo = Piece::from_message(&message(json!({ "caption": "Ngõ 12", "photo": [
            { "file_id": "small", "file_unique_id": "s", "width": 90, "height": 90 },
            { "file_id": "large", "file_unique_id": "l", "width": 1280, "height": 960 },
        ] })))
        .unwrap();
        assert_eq!((photo.text.as_deref(), photo.media.unwrap().file_id.as_str()), (Some("Ngõ 12"), "large"));
        let here =
            Piece::from_message(&message(json!({ "location": { "latitude": 21.04, "longitude": 105.91 } })));
        assert_eq!(here.unwrap(), Piece { text: None, media: None, location: Some((21.04, 105.91)) });
    }

    #[test]
    fn a_video_over_the_limit_and_a_sticker_are_refused() {
        assert!(Piece::from_message(&video(MAX_VIDEO_BYTES)).unwrap().media.is_some());
        assert_eq!(
            Piece::from_message(&video(10 * 1024 * 1024)),
            Err(PieceError::VideoTooLarge { bytes: 10 * 1024 * 1024, max: MAX_VIDEO_BYTES })
        );
        let sticker = message(json!({ "sticker": {
            "file_id": "s1", "file_unique_id": "u", "type": "regular", "width": 512, "height": 512,
            "is_animated": false, "is_video": false,
        } }));
        assert_eq!(Piece::from_message(&sticker), Err(PieceError::Unsupported));
    }

    #[test]
    fn stored_names_read_back() {
        for category in Category::ALL {
            assert_eq!(Category::parse(category.as_str()), Some(category));
        }
        for step in ReportStep::ALL {
            assert_eq!(ReportStep::parse(step.as_str()), Some(step));
        }
        assert_eq!(TicketStatus::parse("declined"), Some(TicketStatus::Declined));
        assert!(TicketStatus::Declined.is_closed() && !TicketStatus::Acknowledged.is_closed());
    }
}
