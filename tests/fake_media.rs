//! Proves the fake Telegram server serves the media methods closely enough for
//! the real teloxide client: what a chat receives, how albums are refused and
//! counted, stale files, caption edits and deletions; and that the update
//! builders for what officials send parse as teloxide's media kinds.

mod support;

use serde_json::{Value, json};
use teloxide::payloads::{EditMessageCaptionSetters, SendMessageSetters, SendPhotoSetters};
use teloxide::prelude::*;
use teloxide::types::{
    InlineKeyboardButton, InlineKeyboardMarkup, InputFile, InputMedia, InputMediaAnimation, InputMediaAudio,
    InputMediaDocument, InputMediaPhoto, InputMediaVideo, MessageEntity, MessageId, MessageOrigin, ParseMode,
    Seconds, Update, UpdateKind,
};
use teloxide::{ApiError, RequestError};

use support::fake_telegram::{FakeTelegram, Gate, Limits, Reply, SentKind};
use support::updates;

const GROUP: i64 = -5;
const ALICE: i64 = 42;
const OFFICIAL: i64 = 7;

fn keyboard() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("Đã xem", "seen")]])
}

fn file(id: &str) -> InputFile {
    InputFile::file_id(id.to_owned().into())
}

fn photo(id: &str) -> InputMedia {
    InputMedia::Photo(InputMediaPhoto::new(file(id)))
}

fn video(id: &str) -> InputMedia {
    InputMedia::Video(InputMediaVideo::new(file(id)))
}

fn document(id: &str) -> InputMedia {
    InputMedia::Document(InputMediaDocument::new(file(id)))
}

fn audio(id: &str) -> InputMedia {
    InputMedia::Audio(InputMediaAudio::new(file(id)))
}

/// "Lịch" in bold, as a JSON Value the way the fake records entities.
fn bold_entities() -> Value {
    json!([{ "type": "bold", "offset": 0, "length": 4 }])
}

fn api_error(result: Result<impl std::fmt::Debug, RequestError>) -> ApiError {
    match result {
        Err(RequestError::Api(error)) => error,
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// An error teloxide has no variant for, by its description.
fn unknown_error(result: Result<impl std::fmt::Debug, RequestError>) -> String {
    match api_error(result) {
        ApiError::Unknown(description) => description,
        other => panic!("expected an unknown API error, got {other:?}"),
    }
}

#[tokio::test]
async fn multipart_calls_are_recorded_as_the_same_parameters_json_would_carry() {
    let fake = FakeTelegram::start().await;

    // A caption that looks like a number stays text; nested values are JSON again.
    fake.bot()
        .send_photo(ChatId(GROUP), file("PHOTO-1"))
        .caption("42")
        .caption_entities([MessageEntity::bold(0, 2)])
        .parse_mode(ParseMode::Html)
        .has_spoiler(true)
        .reply_markup(keyboard())
        .await
        .unwrap();

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

#[tokio::test]
async fn each_kind_of_message_is_answered_and_recorded_with_consecutive_ids() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    let entities = [MessageEntity::bold(0, 4)];

    let text = bot.send_message(ChatId(ALICE), "Lịch thu gom").entities(entities.clone()).await.unwrap();
    let photo = bot
        .send_photo(ChatId(ALICE), file("PHOTO"))
        .caption("Lịch mới")
        .caption_entities(entities.clone())
        .reply_markup(keyboard())
        .await
        .unwrap();
    let video = bot.send_video(ChatId(ALICE), file("VIDEO")).caption("Video").await.unwrap();
    let animation = bot.send_animation(ChatId(ALICE), file("GIF")).await.unwrap();
    let document = bot.send_document(ChatId(ALICE), file("PDF")).caption("Lịch").await.unwrap();
    let audio = bot.send_audio(ChatId(ALICE), file("MP3")).await.unwrap();
    let voice = bot.send_voice(ChatId(ALICE), file("OGG")).await.unwrap();
    let location = bot.send_location(ChatId(ALICE), 10.762, 106.660).await.unwrap();

    assert_eq!(text.entities(), Some(&entities[..]));
    let sizes = photo.photo().expect("a photo");
    assert_eq!(sizes.last().map(|size| size.file.id.0.as_str()), Some("PHOTO"), "the largest size is last");
    assert_eq!(photo.caption(), Some("Lịch mới"));
    assert_eq!(photo.caption_entities(), Some(&entities[..]));
    assert_eq!(photo.reply_markup(), Some(&keyboard()));
    assert_eq!(video.video().map(|video| video.file.id.0.as_str()), Some("VIDEO"));
    assert_eq!(animation.animation().map(|animation| animation.file.id.0.as_str()), Some("GIF"));
    assert_eq!(document.document().map(|document| document.file.id.0.as_str()), Some("PDF"));
    assert_eq!(audio.audio().map(|audio| audio.file.id.0.as_str()), Some("MP3"));
    assert_eq!(voice.voice().map(|voice| voice.file.id.0.as_str()), Some("OGG"));
    let place = location.location().expect("a location");
    assert_eq!((place.latitude, place.longitude), (10.762, 106.660));

    let sent = fake.sent_to(ALICE);
    let summary: Vec<_> = sent
        .iter()
        .map(|sent| (sent.message_id, sent.kind, sent.text.as_str(), sent.file_id.as_deref()))
        .collect();
    assert_eq!(
        summary,
        [
            (1, SentKind::Text, "Lịch thu gom", None),
            (2, SentKind::Photo, "Lịch mới", Some("PHOTO")),
            (3, SentKind::Video, "Video", Some("VIDEO")),
            (4, SentKind::Animation, "", Some("GIF")),
            (5, SentKind::Document, "Lịch", Some("PDF")),
            (6, SentKind::Audio, "", Some("MP3")),
            (7, SentKind::Voice, "", Some("OGG")),
            (8, SentKind::Location, "", None),
        ]
    );
    assert_eq!(sent[0].entities, Some(bold_entities()));
    assert_eq!(sent[1].entities, Some(bold_entities()));
    assert!(sent[1].reply_markup.is_some());
    assert_eq!(sent[7].location, Some((10.762, 106.660)));
    assert!(sent.iter().all(|sent| sent.media_group_id.is_none()));
}

#[tokio::test]
async fn an_album_is_one_entry_per_item_sharing_one_media_group_id() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    bot.send_message(ChatId(GROUP), "before").await.unwrap();
    let captioned = InputMedia::Photo(
        InputMediaPhoto::new(file("P1")).caption("Lịch tuần").caption_entities([MessageEntity::bold(0, 4)]),
    );

    let album = bot.send_media_group(ChatId(GROUP), [captioned, video("V2"), photo("P3")]).await.unwrap();

    let ids: Vec<_> = album.iter().map(|message| message.id.0).collect();
    assert_eq!(ids, [2, 3, 4]);
    let group = album[0].media_group_id().expect("an album");
    assert!(album.iter().all(|message| message.media_group_id() == Some(group)));
    assert_eq!(album[0].caption(), Some("Lịch tuần"));
    assert!(album[1].video().is_some() && album[2].photo().is_some());

    let sent = &fake.sent_to(GROUP)[1..];
    let items: Vec<_> =
        sent.iter().map(|sent| (sent.message_id, sent.kind, sent.file_id.as_deref())).collect();
    assert_eq!(
        items,
        [
            (2, SentKind::Photo, Some("P1")),
            (3, SentKind::Video, Some("V2")),
            (4, SentKind::Photo, Some("P3"))
        ]
    );
    assert!(sent.iter().all(|sent| sent.media_group_id.as_deref() == Some(group.0.as_str())));
    assert_eq!((sent[0].text.as_str(), &sent[0].entities), ("Lịch tuần", &Some(bold_entities())));
    assert_eq!(bot.send_message(ChatId(GROUP), "after").await.unwrap().id, MessageId(5));
}

#[tokio::test]
async fn documents_and_audio_make_albums_of_their_own_kind() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();

    let documents = bot.send_media_group(ChatId(GROUP), [document("D1"), document("D2")]).await.unwrap();
    let tracks = bot.send_media_group(ChatId(GROUP), [audio("A1"), audio("A2")]).await.unwrap();

    assert!(documents.iter().all(|message| message.document().is_some()));
    assert!(tracks.iter().all(|message| message.audio().is_some()));
    assert_ne!(documents[0].media_group_id(), tracks[0].media_group_id());
}

/// As TDLib does, although the Bot API documents 2–10 items.
#[tokio::test]
async fn a_single_item_album_is_sent_as_an_ordinary_message() {
    let fake = FakeTelegram::start().await;

    let sent = fake.bot().send_media_group(ChatId(GROUP), [photo("P1")]).await.unwrap();

    assert_eq!(sent.len(), 1);
    assert!(sent[0].photo().is_some());
    assert_eq!(sent[0].media_group_id(), None);
    assert_eq!(fake.sent_to(GROUP)[0].media_group_id, None);
}

#[tokio::test]
async fn albums_are_refused_as_telegram_refuses_them_and_nothing_is_sent() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    let eleven: Vec<_> = (0..11).map(|i| photo(&format!("P{i}"))).collect();
    let animation = InputMedia::Animation(InputMediaAnimation::new(file("GIF")));

    for (album, expected) in [
        (vec![], "Bad Request: there are no messages to send"),
        (eleven, "Bad Request: too many messages to send as an album"),
        (vec![photo("P1"), document("D1")], "Bad Request: document can't be mixed with other media types"),
        (vec![audio("A1"), photo("P1")], "Bad Request: audio can't be mixed with other media types"),
        (vec![audio("A1"), document("D1")], "Bad Request: audio can't be mixed with other media types"),
        (
            vec![photo("P1"), animation],
            "Bad Request: can't parse InputMedia: type \"animation\" can't be used in sendMediaGroup",
        ),
    ] {
        let refused = bot.send_media_group(ChatId(GROUP), album).await;
        assert_eq!(unknown_error(refused), expected);
    }
    assert!(fake.sent_messages().is_empty());
}

#[tokio::test]
async fn a_stale_file_id_is_refused_alone_and_in_an_album() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    fake.reject_file_id("STALE");

    let alone = bot.send_photo(ChatId(ALICE), file("STALE")).caption("Lịch").await;
    let in_album = bot.send_media_group(ChatId(ALICE), [photo("P1"), photo("STALE")]).await;
    let fresh = bot.send_photo(ChatId(ALICE), file("FRESH")).await;

    assert!(matches!(api_error(alone), ApiError::WrongFileIdOrUrl));
    assert_eq!(
        unknown_error(in_album),
        "Bad Request: failed to send message #2 with the error message \"Wrong file identifier/HTTP URL specified\""
    );
    assert_eq!(fresh.unwrap().id, MessageId(1), "refused sends use no message id");
    assert_eq!(fake.sent_to(ALICE).len(), 1);
}

#[tokio::test]
async fn a_caption_edit_changes_the_current_caption_once() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    let sent = bot
        .send_photo(ChatId(GROUP), file("PHOTO"))
        .caption("Lịch cũ")
        .reply_markup(keyboard())
        .await
        .unwrap();

    let edited = bot
        .edit_message_caption(ChatId(GROUP), sent.id)
        .caption("Lịch mới")
        .caption_entities([MessageEntity::bold(0, 4)])
        .reply_markup(keyboard())
        .await
        .unwrap();
    let again = bot
        .edit_message_caption(ChatId(GROUP), sent.id)
        .caption("Lịch mới")
        .caption_entities([MessageEntity::bold(0, 4)])
        .reply_markup(keyboard())
        .await;

    assert_eq!(edited.caption(), Some("Lịch mới"));
    assert!(edited.photo().is_some() && edited.edit_date().is_some());
    assert!(matches!(api_error(again), ApiError::MessageNotModified));
    let current = fake.current_message(GROUP, sent.id.0).expect("still there");
    assert_eq!((current.text.as_str(), current.entities), ("Lịch mới", Some(bold_entities())));
    assert_eq!(fake.sent_to(GROUP)[0].text, "Lịch cũ", "sent_to keeps what was sent");

    // Without a caption or buttons, the edit removes them.
    let bare = bot.edit_message_caption(ChatId(GROUP), sent.id).await.unwrap();
    assert_eq!((bare.caption(), bare.reply_markup()), (None, None));
    assert_eq!(fake.current_message(GROUP, sent.id.0).unwrap().text, "");
}

#[tokio::test]
async fn a_caption_edit_needs_a_media_message_that_still_exists() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    let text = bot.send_message(ChatId(GROUP), "Lịch").await.unwrap();
    let location = bot.send_location(ChatId(GROUP), 10.0, 106.0).await.unwrap();
    let photo = bot.send_photo(ChatId(GROUP), file("PHOTO")).await.unwrap();
    bot.delete_message(ChatId(GROUP), photo.id).await.unwrap();

    for id in [text.id, location.id] {
        let refused = bot.edit_message_caption(ChatId(GROUP), id).caption("x").await;
        assert_eq!(unknown_error(refused), "Bad Request: there is no caption in the message to edit");
    }
    let deleted = bot.edit_message_caption(ChatId(GROUP), photo.id).caption("x").await;
    let never_sent = bot.edit_message_caption(ChatId(GROUP), MessageId(99)).caption("x").await;
    assert!(matches!(api_error(deleted), ApiError::MessageToEditNotFound));
    assert!(matches!(api_error(never_sent), ApiError::MessageToEditNotFound));
    let text_edit = bot.edit_message_text(ChatId(GROUP), photo.id, "x").await;
    assert!(text_edit.is_ok(), "text edits stay lenient, as before media: {text_edit:?}");
}

#[tokio::test]
async fn deletions_are_recorded_per_chat_in_order() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    let album = bot.send_media_group(ChatId(GROUP), [photo("P1"), photo("P2"), photo("P3")]).await.unwrap();
    let note = bot.send_message(ChatId(GROUP), "Lịch").await.unwrap();
    bot.send_message(ChatId(ALICE), "Lịch").await.unwrap();

    bot.delete_message(ChatId(GROUP), note.id).await.unwrap();
    let ids: Vec<_> = album.iter().map(|message| message.id).collect();
    bot.delete_messages(ChatId(GROUP), ids.clone()).await.unwrap();
    // Telegram skips ids it cannot find, and one already deleted is not deleted twice.
    bot.delete_messages(ChatId(GROUP), [note.id, MessageId(77)]).await.unwrap();

    assert_eq!(fake.deleted_in(GROUP), [4, 1, 2, 3, 77]);
    assert!(fake.deleted_in(ALICE).is_empty());
    assert!(fake.current_message(GROUP, 1).is_none());
    assert_eq!(fake.sent_to(GROUP).len(), 4, "sent_to keeps deleted messages");
    let none = bot.delete_messages(ChatId(GROUP), Vec::<MessageId>::new()).await;
    let too_many = bot.delete_messages(ChatId(GROUP), (1..=101).map(MessageId).collect::<Vec<_>>()).await;
    assert_eq!(unknown_error(none), "Bad Request: message identifiers are not specified");
    assert_eq!(unknown_error(too_many), "Bad Request: too many message identifiers specified");
}

#[tokio::test]
async fn an_album_fills_its_chats_second_so_a_fourth_message_is_refused() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    fake.enforce_limits(Limits::default());

    bot.send_media_group(ChatId(ALICE), [photo("P1"), photo("P2"), photo("P3")]).await.unwrap();
    let fourth = bot.send_photo(ChatId(ALICE), file("P4")).await;

    assert!(
        matches!(fourth, Err(RequestError::RetryAfter(after)) if after == Seconds::from_seconds(1)),
        "{fourth:?}"
    );
    assert_eq!(fake.too_many_requests(), 1);
    assert_eq!(fake.sent_to(ALICE).len(), 3);
}

#[tokio::test]
async fn an_album_of_three_counts_three_against_the_global_limit() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    fake.enforce_limits(Limits { global_per_sec: 4, ..Limits::default() });

    bot.send_media_group(ChatId(ALICE), [photo("P1"), photo("P2"), photo("P3")]).await.unwrap();
    let pair = bot.send_media_group(ChatId(OFFICIAL), [photo("P4"), photo("P5")]).await;
    let one = bot.send_message(ChatId(OFFICIAL), "fits").await;
    let fifth = bot.send_message(ChatId(GROUP), "over").await;

    assert!(matches!(pair, Err(RequestError::RetryAfter(_))), "3 + 2 > 4: {pair:?}");
    assert!(one.is_ok(), "3 + 1 fits: {one:?}");
    assert!(matches!(fifth, Err(RequestError::RetryAfter(_))), "{fifth:?}");
    assert_eq!(fake.too_many_requests(), 2);
}

#[tokio::test]
async fn an_album_of_three_counts_three_against_a_groups_minute() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    fake.enforce_limits(Limits { per_group_per_min: 5, per_chat_per_sec: 10, ..Limits::default() });

    bot.send_media_group(ChatId(GROUP), [photo("P1"), photo("P2"), photo("P3")]).await.unwrap();
    let second = bot.send_media_group(ChatId(GROUP), [photo("P4"), photo("P5"), photo("P6")]).await;
    bot.send_photo(ChatId(GROUP), file("P7")).await.unwrap();
    let pair = bot.send_media_group(ChatId(GROUP), [photo("P8"), photo("P9")]).await;

    for refused in [second, pair] {
        let Err(RequestError::RetryAfter(after)) = refused else {
            panic!("expected 429, got {refused:?}");
        };
        assert!(after.seconds() > 50, "the minute's oldest message must leave first: {after:?}");
    }
    assert_eq!(fake.sent_to(GROUP).len(), 4);
}

#[tokio::test]
async fn scripts_apply_to_media_sends_per_method_and_chat() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    fake.script_method("sendMediaGroup", GROUP, Reply::RetryAfter(3));
    let wording = "Forbidden: bot was blocked by the user";
    fake.script_method("sendVoice", ALICE, Reply::Error { code: 403, description: wording.into() });

    let album = bot.send_media_group(ChatId(GROUP), [photo("P1"), photo("P2")]).await;
    let voice = bot.send_voice(ChatId(ALICE), file("OGG")).await;

    assert!(
        matches!(album, Err(RequestError::RetryAfter(after)) if after == Seconds::from_seconds(3)),
        "{album:?}"
    );
    assert!(matches!(api_error(voice), ApiError::BotBlocked));
    assert!(fake.sent_messages().is_empty());
}

#[tokio::test]
async fn a_held_album_is_received_only_when_the_gate_opens() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    let gate = Gate::default();
    fake.script_method(
        "sendMediaGroup",
        GROUP,
        Reply::Hold { gate: gate.clone(), then: Box::new(Reply::Ok) },
    );

    let send =
        tokio::spawn(async move { bot.send_media_group(ChatId(GROUP), [photo("P1"), photo("P2")]).await });
    fake.wait_for("the album to arrive", |calls| calls.iter().any(|call| call.method == "sendMediaGroup"))
        .await;
    assert!(fake.sent_to(GROUP).is_empty(), "held, not yet sent");

    gate.open();
    assert_eq!(send.await.unwrap().unwrap().len(), 2);
    assert_eq!(fake.wait_for_sent(GROUP, 2).await.len(), 2);
}

#[tokio::test]
async fn a_tap_on_a_photos_button_carries_the_photo() {
    let fake = FakeTelegram::start().await;
    fake.bot()
        .send_photo(ChatId(GROUP), file("PHOTO"))
        .caption("Lịch")
        .reply_markup(keyboard())
        .await
        .unwrap();
    let sent = fake.sent_to(GROUP).remove(0);

    let UpdateKind::CallbackQuery(query) = parse(updates::tap_button(&sent, ALICE, "seen")).kind else {
        panic!("expected a callback query");
    };

    let message = query.regular_message().expect("an accessible message");
    assert!(message.photo().is_some());
    assert_eq!((message.caption(), message.reply_markup()), (Some("Lịch"), Some(&keyboard())));
}

// The update builders for what an official sends in private.

/// Builders leave `update_id` to `push_update`; Update requires one.
fn parse(mut update: Value) -> Update {
    update["update_id"] = json!(1);
    // Not `from_value`: teloxide's UpdateKind asks for a borrowed key, which
    // a `Value` cannot lend, and then silently yields `UpdateKind::Error`.
    serde_json::from_str(&update.to_string()).expect("builder output is a valid Update")
}

fn message_of(update: Value) -> Message {
    match parse(update).kind {
        UpdateKind::Message(message) => message,
        other => panic!("expected a message, got {other:?}"),
    }
}

#[test]
fn media_builders_parse_as_their_media_kind() {
    let media = |content| message_of(updates::media_in_private(OFFICIAL, content));

    let photo = message_of(updates::with_caption(
        updates::media_in_private(OFFICIAL, updates::photo("PHOTO")),
        "Lịch thu gom",
        bold_entities(),
    ));
    let sizes = photo.photo().expect("a photo");
    assert!(sizes.len() > 1 && sizes[0].width < sizes[sizes.len() - 1].width, "the largest size is last");
    assert_eq!(sizes.last().unwrap().file.id.0, "PHOTO");
    assert_eq!(photo.caption(), Some("Lịch thu gom"));
    assert_eq!(photo.caption_entities(), Some(&[MessageEntity::bold(0, 4)][..]));
    assert!(photo.chat.is_private() && photo.chat.id == ChatId(OFFICIAL));
    assert_eq!(photo.from.as_ref().map(|from| from.id), Some(UserId(OFFICIAL as u64)));

    let pdf = media(updates::document("PDF", Some("lich.pdf"), Some("application/pdf")));
    let pdf = pdf.document().expect("a document");
    assert_eq!((pdf.file.id.0.as_str(), pdf.file_name.as_deref()), ("PDF", Some("lich.pdf")));
    assert_eq!(pdf.mime_type.as_ref().map(|mime| mime.essence_str()), Some("application/pdf"));

    assert_eq!(
        media(updates::video("VIDEO")).video().map(|video| video.file.id.0.clone()),
        Some("VIDEO".into())
    );
    assert_eq!(media(updates::voice("OGG")).voice().map(|voice| voice.file.id.0.clone()), Some("OGG".into()));
    assert_eq!(media(updates::audio("MP3")).audio().map(|audio| audio.file.id.0.clone()), Some("MP3".into()));
    let gif = media(updates::animation("GIF"));
    assert_eq!(gif.animation().map(|animation| animation.file.id.0.clone()), Some("GIF".into()));
    assert!(gif.document().is_none(), "the document Telegram repeats an animation as is not read as one");
    let place = media(updates::location(10.762, 106.66));
    assert_eq!(place.location().map(|place| (place.latitude, place.longitude)), Some((10.762, 106.66)));
}

#[test]
fn unsupported_kinds_parse_as_what_they_are() {
    let sticker = message_of(updates::media_in_private(OFFICIAL, updates::sticker("STICKER")));
    let poll = message_of(updates::media_in_private(OFFICIAL, updates::poll("Họp tổ?", &["Có", "Không"])));

    assert!(sticker.sticker().is_some());
    let poll = poll.poll().expect("a poll");
    assert_eq!((poll.question.as_str(), poll.options.len()), ("Họp tổ?", 2));
}

#[test]
fn text_with_entities_keeps_its_formatting() {
    let message =
        message_of(updates::text_with_entities_in_private(OFFICIAL, "Lịch thu gom", bold_entities()));

    assert_eq!(message.text(), Some("Lịch thu gom"));
    assert_eq!(message.entities(), Some(&[MessageEntity::bold(0, 4)][..]));
}

#[test]
fn album_items_share_a_media_group_id_and_have_consecutive_ids() {
    let items = updates::album_in_private(
        OFFICIAL,
        vec![updates::photo("P1"), updates::video("V2"), updates::photo("P3")],
    );
    let first = updates::with_caption(items[0].clone(), "Lịch tuần", json!([]));
    assert!(first["message"].get("caption_entities").is_none(), "an empty entity list is left out");
    let messages: Vec<_> = std::iter::once(first).chain(items[1..].iter().cloned()).map(message_of).collect();

    let group = messages[0].media_group_id().expect("an album");
    assert!(messages.iter().all(|message| message.media_group_id() == Some(group)));
    let ids: Vec<_> = messages.iter().map(|message| message.id.0).collect();
    assert_eq!(ids, [ids[0], ids[0] + 1, ids[0] + 2]);
    assert_eq!(messages[0].caption(), Some("Lịch tuần"));
    assert!(messages[1].video().is_some() && messages[2].photo().is_some());
    let other = updates::album_in_private(OFFICIAL, vec![updates::photo("P4"), updates::photo("P5")]);
    assert_ne!(message_of(other[0].clone()).media_group_id(), Some(group));
}

#[test]
fn a_forward_names_the_channel_it_came_from() {
    let forward = message_of(updates::forwarded_from_channel(
        updates::media_in_private(OFFICIAL, updates::photo("PHOTO")),
        -1009876543210,
        "UBND Phường 7",
        321,
    ));

    let Some(MessageOrigin::Channel { chat, message_id, .. }) = forward.forward_origin() else {
        panic!("expected a channel origin, got {:?}", forward.forward_origin());
    };
    assert_eq!((chat.id, chat.title()), (ChatId(-1009876543210), Some("UBND Phường 7")));
    assert!(chat.is_channel());
    assert_eq!(*message_id, MessageId(321));
    assert!(forward.photo().is_some());
}

#[test]
fn a_reply_carries_the_message_it_answers_one_level_deep() {
    let photo = updates::media_in_private(OFFICIAL, updates::photo("PHOTO"));
    let earlier = updates::replying_to(updates::text_in_private(OFFICIAL, "Cán bộ", None, "x"), &photo);
    let post = message_of(updates::replying_to(
        updates::text_in_private(OFFICIAL, "Cán bộ", None, "/post waste"),
        &earlier,
    ));

    let replied = post.reply_to_message().expect("a reply");
    assert_eq!(post.text(), Some("/post waste"));
    assert_eq!(replied.text(), Some("x"));
    assert!(replied.reply_to_message().is_none(), "Telegram nests replies one level deep");
    let direct =
        message_of(updates::replying_to(updates::text_in_private(OFFICIAL, "Cán bộ", None, "/post"), &photo));
    assert!(direct.reply_to_message().and_then(Message::photo).is_some());
}
