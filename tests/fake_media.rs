//! Proves the fake Telegram server serves the media methods honestly enough for
//! the real teloxide client: what a chat receives, how albums are refused and
//! counted, stale files, caption edits and deletions.

mod support;

use serde_json::json;
use teloxide::payloads::SendPhotoSetters;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, InputFile, MessageEntity, ParseMode};

use support::fake_telegram::FakeTelegram;

const GROUP: i64 = -5;

fn keyboard() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("Đã xem", "seen")]])
}

#[tokio::test]
async fn multipart_calls_are_recorded_as_the_same_parameters_json_would_carry() {
    let fake = FakeTelegram::start().await;

    // A caption that looks like a number stays text; nested values are JSON again.
    let _ = fake
        .bot()
        .send_photo(ChatId(GROUP), InputFile::file_id("PHOTO-1".into()))
        .caption("42")
        .caption_entities([MessageEntity::bold(0, 2)])
        .parse_mode(ParseMode::Html)
        .has_spoiler(true)
        .reply_markup(keyboard())
        .await;

    let body = &fake.calls_to("sendPhoto")[0].body;
    assert_eq!(body["chat_id"], json!(GROUP));
    assert_eq!(body["photo"], json!("PHOTO-1"));
    assert_eq!(body["caption"], json!("42"));
    assert_eq!(body["caption_entities"], json!([{ "type": "bold", "offset": 0, "length": 2 }]));
    assert_eq!(body["parse_mode"], json!("HTML"));
    assert_eq!(body["has_spoiler"], json!(true));
    assert_eq!(
        body["reply_markup"],
        json!({ "inline_keyboard": [[{ "text": "Đã xem", "callback_data": "seen" }]] })
    );
}
