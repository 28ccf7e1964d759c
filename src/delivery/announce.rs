//! The one place that turns an announcement's content into Bot API calls. The worker's
//! deliveries and an official's preview both go through here, so the preview is exactly what
//! residents receive. A new content kind touches `domain::content`, the store, and this file.

use teloxide::{
    ApiError, RequestError,
    prelude::*,
    types::{
        FileId, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, InputMedia, InputMediaAudio,
        InputMediaDocument, InputMediaPhoto, InputMediaVideo, MessageId,
    },
};

use crate::domain::{
    Lang, Media, MediaItem, MediaKind, Rendered, ack_button_data, ack_label, album_ack_prompt,
};

/// A send that did not go through. `partial`: some of it may have reached the chat (an
/// album whose answer was lost, a location's heading sent before the location failed).
#[derive(Debug)]
pub struct Failure {
    pub error: RequestError,
    pub partial: bool,
}

/// The «✅ Đã nhận (n)» button of an announcement that asks for acknowledgement. It rides on
/// the message carrying the words; an album cannot carry buttons, so there it comes on a short
/// message of its own, `prompt`, right after the album.
#[derive(Debug, Clone, PartialEq)]
pub struct AckButton {
    pub markup: InlineKeyboardMarkup,
    pub prompt: String,
}

impl AckButton {
    /// Broadcast `broadcast`'s button (0 for a preview) with `count` taps, in `lang`.
    pub fn new(broadcast: i64, count: i64, lang: Lang) -> AckButton {
        let button = InlineKeyboardButton::callback(ack_label(lang, count), ack_button_data(broadcast));
        AckButton { markup: InlineKeyboardMarkup::new([[button]]), prompt: album_ack_prompt(lang).to_owned() }
    }
}

/// Sends `rendered` with its `media` (and `button`); returns the messages' ids, the one
/// carrying the text (or caption) first, a button's own message last.
pub async fn send(
    bot: &Bot,
    chat: ChatId,
    rendered: &Rendered,
    media: &Media,
    button: Option<&AckButton>,
) -> Result<Vec<MessageId>, Failure> {
    let whole = |error| Failure { error, partial: false };
    let on_words = button.filter(|_| !media.ack_button_apart()).map(|button| button.markup.clone());
    // The heading and words go first as a text message when the media cannot carry them.
    let mut sent = Vec::new();
    if media.text_first() || *media == Media::None {
        let mut message = bot.send_message(chat, &rendered.text).entities(rendered.entities.clone());
        message.reply_markup = on_words.clone().map(Into::into);
        sent.push(message.await.map_err(whole)?.id);
    }
    let caption = media.is_caption().then_some(rendered);
    // Anything after the first message fails a send that has partly reached the chat.
    let partial = |sent: &Vec<MessageId>, failure: Failure| Failure {
        error: failure.error,
        partial: failure.partial || !sent.is_empty(),
    };
    let rest = match media {
        Media::None => Ok(Vec::new()),
        Media::Items { items, .. } => match items.as_slice() {
            [item] => {
                let markup = on_words.filter(|_| caption.is_some());
                send_one(bot, chat, caption, markup, item).await.map(|id| vec![id]).map_err(whole)
            }
            _ => send_album(bot, chat, caption, items).await,
        },
        Media::Location { latitude, longitude } => bot
            .send_location(chat, *latitude, *longitude)
            .await
            .map(|location| vec![location.id])
            .map_err(whole),
    };
    let rest = rest.map_err(|failure| partial(&sent, failure))?;
    sent.extend(rest);
    if let Some(button) = button.filter(|_| media.ack_button_apart()) {
        let message = bot.send_message(chat, &button.prompt).reply_markup(button.markup.clone()).await;
        let message = message.map_err(|error| partial(&sent, Failure { error, partial: false }))?;
        sent.push(message.id);
    }
    Ok(sent)
}

/// Macro rather than function: each send method has its own request type, all with captions
/// and buttons.
macro_rules! with_caption {
    ($request:expr, $caption:expr, $markup:expr) => {{
        let mut request = $request;
        request.reply_markup = $markup.map(Into::into);
        match $caption {
            Some(rendered) => {
                request.caption(&rendered.text).caption_entities(rendered.entities.clone()).await
            }
            None => request.await,
        }
        .map(|sent| sent.id)
    }};
}

async fn send_one(
    bot: &Bot,
    chat: ChatId,
    caption: Option<&Rendered>,
    markup: Option<InlineKeyboardMarkup>,
    item: &MediaItem,
) -> Result<MessageId, RequestError> {
    let file = file(item);
    match item.kind {
        MediaKind::Photo => with_caption!(bot.send_photo(chat, file), caption, markup),
        MediaKind::Video => with_caption!(bot.send_video(chat, file), caption, markup),
        MediaKind::Animation => with_caption!(bot.send_animation(chat, file), caption, markup),
        MediaKind::Document => with_caption!(bot.send_document(chat, file), caption, markup),
        MediaKind::Audio => with_caption!(bot.send_audio(chat, file), caption, markup),
        MediaKind::Voice => with_caption!(bot.send_voice(chat, file), caption, markup),
    }
}

/// One `sendMediaGroup`, the caption (if any) on its first item. Telegram answers for the whole album
/// or not at all; a 429 or a refusal means none of it went out, anything else (a timeout, a
/// server error) may have left part of it delivered.
async fn send_album(
    bot: &Bot,
    chat: ChatId,
    caption: Option<&Rendered>,
    items: &[MediaItem],
) -> Result<Vec<MessageId>, Failure> {
    let media =
        items.iter().enumerate().map(|(index, item)| album_item(item, caption.filter(|_| index == 0)));
    match bot.send_media_group(chat, media).await {
        Ok(messages) => Ok(messages.into_iter().map(|message| message.id).collect()),
        Err(error) => {
            let partial = matches!(
                error,
                RequestError::Network(_) | RequestError::Io(_) | RequestError::InvalidJson { .. }
            ) || matches!(&error, RequestError::Api(ApiError::Unknown(text)) if !text.starts_with("Bad Request"));
            Err(Failure { error, partial })
        }
    }
}

fn album_item(item: &MediaItem, caption: Option<&Rendered>) -> InputMedia {
    let file = file(item);
    let text = caption.map(|rendered| rendered.text.clone());
    let entities = caption.map(|rendered| rendered.entities.clone());
    match item.kind {
        MediaKind::Photo => InputMedia::Photo(InputMediaPhoto {
            caption: text,
            caption_entities: entities,
            ..InputMediaPhoto::new(file)
        }),
        MediaKind::Video => InputMedia::Video(InputMediaVideo {
            caption: text,
            caption_entities: entities,
            ..InputMediaVideo::new(file)
        }),
        // Animations and voice notes never make an album (`Content::album` refuses them); sent
        // as documents, Telegram would say why.
        MediaKind::Document | MediaKind::Animation | MediaKind::Voice => {
            InputMedia::Document(InputMediaDocument {
                caption: text,
                caption_entities: entities,
                ..InputMediaDocument::new(file)
            })
        }
        MediaKind::Audio => InputMedia::Audio(InputMediaAudio {
            caption: text,
            caption_entities: entities,
            ..InputMediaAudio::new(file)
        }),
    }
}

fn file(item: &MediaItem) -> InputFile {
    InputFile::file_id(FileId(item.file_id.clone()))
}

/// Shows `rendered` in place of the announcement's words: the caption of media, or the text
/// message that carries them. An edit without buttons would take them off, so the
/// acknowledgement button is given again where it rides on the words.
pub async fn edit(
    bot: &Bot,
    chat: ChatId,
    message_id: MessageId,
    rendered: &Rendered,
    media: &Media,
    button: Option<&AckButton>,
) -> Result<(), RequestError> {
    let markup = button.filter(|_| !media.ack_button_apart()).map(|button| button.markup.clone());
    let result = match media.is_caption() {
        true => {
            let mut edit = bot
                .edit_message_caption(chat, message_id)
                .caption(&rendered.text)
                .caption_entities(rendered.entities.clone());
            edit.reply_markup = markup;
            edit.await.map(drop)
        }
        false => {
            let mut edit =
                bot.edit_message_text(chat, message_id, &rendered.text).entities(rendered.entities.clone());
            edit.reply_markup = markup;
            edit.await.map(drop)
        }
    };
    unchanged_is_done(result)
}

/// Shows the acknowledgement button's new count.
pub async fn show_button(
    bot: &Bot,
    chat: ChatId,
    message_id: MessageId,
    button: &AckButton,
) -> Result<(), RequestError> {
    unchanged_is_done(
        bot.edit_message_reply_markup(chat, message_id).reply_markup(button.markup.clone()).await.map(drop),
    )
}

/// People in a group, the bot included.
pub async fn member_count(bot: &Bot, chat: ChatId) -> Result<u32, RequestError> {
    bot.get_chat_member_count(chat).await
}

fn unchanged_is_done(result: Result<(), RequestError>) -> Result<(), RequestError> {
    match result {
        Err(RequestError::Api(ApiError::MessageNotModified)) => Ok(()),
        other => other,
    }
}

/// Deletes every message of a delivery. Messages already gone count as deleted.
pub async fn delete(bot: &Bot, chat: ChatId, message_ids: &[i32]) -> Result<(), RequestError> {
    let result = match message_ids {
        [one] => bot.delete_message(chat, MessageId(*one)).await.map(drop),
        many => bot.delete_messages(chat, many.iter().map(|id| MessageId(*id))).await.map(drop),
    };
    match result {
        Err(RequestError::Api(ApiError::MessageToDeleteNotFound)) => Ok(()),
        other => other,
    }
}
