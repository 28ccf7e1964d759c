//! Replies about what an announcement carries: the kind of its media, in lists and previews,
//! and why a message cannot become an announcement.

use crate::domain::{ContentError, Lang, Media, MediaKind};

/// The kind of media, as lists name it ("📷 3 ảnh", "📄 Ke-hoach-211.pdf"); `None` for text.
pub fn content_kind(lang: Lang, media: &Media) -> Option<String> {
    let vi = lang == Lang::Vi;
    match media {
        Media::None => None,
        Media::Location { .. } => Some(if vi { "📍 vị trí" } else { "📍 location" }.to_owned()),
        Media::Items { items, .. } => match items.as_slice() {
            [] => None,
            [item] => Some(one_item(lang, item.kind, item.file_name.as_deref())),
            [first, ..] => {
                let count = items.len();
                let same = items.iter().all(|item| item.kind == first.kind);
                Some(match (same.then_some(first.kind), vi) {
                    (Some(MediaKind::Photo), true) => format!("📷 {count} ảnh"),
                    (Some(MediaKind::Photo), false) => format!("📷 {count} photos"),
                    (Some(MediaKind::Video), true) => format!("🎬 {count} video"),
                    (Some(MediaKind::Video), false) => format!("🎬 {count} videos"),
                    (Some(MediaKind::Document), true) => format!("📄 {count} tệp"),
                    (Some(MediaKind::Document), false) => format!("📄 {count} files"),
                    (Some(MediaKind::Audio), true) => format!("🎵 {count} tệp âm thanh"),
                    (Some(MediaKind::Audio), false) => format!("🎵 {count} audio files"),
                    (_, true) => format!("🖼 {count} ảnh/video"),
                    (_, false) => format!("🖼 {count} photos/videos"),
                })
            }
        },
    }
}

fn one_item(lang: Lang, kind: MediaKind, file_name: Option<&str>) -> String {
    let vi = lang == Lang::Vi;
    match (kind, file_name) {
        (MediaKind::Document | MediaKind::Audio, Some(name)) => {
            let icon = if kind == MediaKind::Document { "📄" } else { "🎵" };
            format!("{icon} {name}")
        }
        (MediaKind::Photo, _) => if vi { "📷 ảnh" } else { "📷 photo" }.to_owned(),
        (MediaKind::Video, _) => "🎬 video".to_owned(),
        (MediaKind::Animation, _) => if vi { "🎞 ảnh động" } else { "🎞 animation" }.to_owned(),
        (MediaKind::Document, None) => if vi { "📄 tệp" } else { "📄 file" }.to_owned(),
        (MediaKind::Audio, None) => if vi { "🎵 âm thanh" } else { "🎵 audio" }.to_owned(),
        (MediaKind::Voice, _) => if vi { "🎤 tin nhắn thoại" } else { "🎤 voice note" }.to_owned(),
    }
}

/// A list's gist of an announcement: its kind, then the first line of its words.
pub fn gist_with_kind(lang: Lang, media: &Media, gist: String) -> String {
    match (content_kind(lang, media), gist.is_empty()) {
        (Some(kind), true) => kind,
        (Some(kind), false) => format!("{kind} · {gist}"),
        (None, _) => gist,
    }
}

const SUPPORTED_VI: &str = "Loa gửi được: văn bản (giữ định dạng), ảnh, album ảnh/video (tối đa 10), \
     tệp (PDF, DOCX, XLSX…), video, ảnh động, tin nhắn thoại, âm thanh, vị trí, và tin chuyển tiếp của các loại này.";
const SUPPORTED_EN: &str = "Loa can send: text (formatting kept), photos, albums of photos/videos (up to 10), \
     files (PDF, DOCX, XLSX…), videos, animations, voice notes, audio, locations, and forwarded posts of these kinds.";

/// Why a message cannot become an announcement, and how to make one that can.
pub fn content_error(lang: Lang, error: &ContentError) -> String {
    let vi = lang == Lang::Vi;
    let supported = if vi { SUPPORTED_VI } else { SUPPORTED_EN };
    let problem = match (error, vi) {
        (ContentError::Unsupported, true) => "Loa chưa gửi được loại tin này.".to_owned(),
        (ContentError::Unsupported, false) => "Loa cannot send this kind of message yet.".to_owned(),
        (ContentError::MixedAlbum, true) => {
            "Telegram không cho gộp loại tin này thành một album: tệp chỉ đi cùng tệp, \
             âm thanh chỉ đi cùng âm thanh, ảnh đi cùng video. Hãy gửi riêng từng phần."
                .to_owned()
        }
        (ContentError::MixedAlbum, false) => {
            "Telegram does not group these into one album: files go only with files, \
             audio only with audio, photos with videos. Send the parts separately."
                .to_owned()
        }
        (ContentError::TooManyItems(count), true) => {
            format!("Album có {count} mục; Telegram nhận tối đa 10.")
        }
        (ContentError::TooManyItems(count), false) => {
            format!("The album has {count} items; Telegram takes at most 10.")
        }
        (ContentError::EmptyText, true) => "Tin không có nội dung.".to_owned(),
        (ContentError::EmptyText, false) => "The message has no content.".to_owned(),
        (ContentError::TooLong { length, max, caption: true }, _) => format!(
            "{} {}",
            caption_too_long(lang, *length, *max),
            if vi {
                "Hãy rút gọn chú thích, hoặc gửi chữ thành một tin riêng ngay trước ảnh/tệp: \
                 bấm «✂️ Tách chữ thành tin riêng» ở bước tuỳ chọn, hoặc thêm tach vào lệnh (/post rac tach)."
            } else {
                "Shorten it, or send the words as a message of their own just before the media: \
                 tap «✂️ Send the words apart» at the options step, or add apart to the command (/post waste apart)."
            }
        ),
        (ContentError::TooLong { length, max, caption: false }, true) => {
            format!(
                "Nội dung dài {length} ký tự, quá giới hạn {max} ký tự của một tin Telegram (đã trừ tiêu đề)."
            )
        }
        (ContentError::TooLong { length, max, caption: false }, false) => format!(
            "The text is {length} characters long, over the {max} that fit in one Telegram message (after the heading)."
        ),
    };
    let nothing = if vi { "Không có gì được lưu." } else { "Nothing was saved." };
    match error {
        ContentError::Unsupported => format!("{problem} {nothing}\n{supported}"),
        _ => format!("{problem} {nothing}"),
    }
}

fn caption_too_long(lang: Lang, length: usize, max: usize) -> String {
    match lang {
        Lang::Vi => format!(
            "Chú thích dài {length} ký tự, quá giới hạn {max} ký tự của chú thích ảnh/tệp trên Telegram (đã trừ tiêu đề)."
        ),
        Lang::En => format!(
            "The caption is {length} characters long, over the {max} Telegram allows under media (after the heading)."
        ),
    }
}

/// A flow started for media whose caption is too long: the words can go apart.
pub fn caption_too_long_in_flow(lang: Lang, length: usize, max: usize) -> String {
    let choice = match lang {
        Lang::Vi => {
            "Ở bước tuỳ chọn, bấm «✂️ Tách chữ thành tin riêng» để gửi chữ thành một tin ngay trước ảnh/tệp, \
                     hoặc Huỷ rồi gửi lại với chú thích ngắn hơn."
        }
        Lang::En => {
            "At the options step, tap «✂️ Send the words apart» to send them as a message just before the media, \
                     or Cancel and send it again with a shorter caption."
        }
    };
    format!("{} {choice}", caption_too_long(lang, length, max))
}

/// `/post` replied to a text message and also typed a text.
pub fn two_texts(lang: Lang) -> String {
    match lang {
        Lang::Vi => "Tin được trả lời đã là nội dung thông báo; chỉ ghi chủ đề và tuỳ chọn sau /post. \
                     (Với ảnh hay tệp, chữ ghi thêm sẽ thành chú thích.) Không có gì được lưu."
            .into(),
        Lang::En => "The message replied to is already the announcement's text; write only the topic and options \
                     after /post. (With a photo or file, a typed text becomes its caption.) Nothing was saved."
            .into(),
    }
}
