//! The one place that turns an announcement's content into Bot API calls. The worker's
//! deliveries and an official's preview both go through here, so the preview is exactly what
//! residents receive. A new content kind touches `domain::content`, the store, and this file.

use teloxide::{
    ApiError, RequestError,
    prelude::*,
    types::{
        FileId, InputFile, InputMedia, InputMediaAudio, InputMediaDocument, InputMediaPhoto, InputMediaVideo,
        MessageId,
    },
};

use crate::domain::{Media, MediaItem, MediaKind, Rendered};

/// A send that did not go through. `partial`: some of it may have reached the chat (an
/// album whose answer was lost, a location's heading sent before the location failed).
#[derive(Debug)]
pub struct Failure {
    pub error: RequestError,
    pub partial: bool,
}

/// Sends `rendered` with its `media`; returns the messages' ids, the one carrying the text
/// (or caption) first.
pub async fn send(
    bot: &Bot,
    chat: ChatId,
    rendered: &Rendered,
    media: &Media,
) -> Result<Vec<MessageId>, Failure> {
    let whole = |error| Failure { error, partial: false };
    // The heading and words go first as a text message when the media cannot carry them.
    let mut sent = Vec::new();
    if media.text_first() || *media == Media::None {
        let message = bot.send_message(chat, &rendered.text).entities(rendered.entities.clone()).await;
        sent.push(message.map_err(whole)?.id);
    }
    let caption = media.is_caption().then_some(rendered);
    // Anything after the text message fails a send that has partly reached the chat.
    let partial = !sent.is_empty();
    let rest = match media {
        Media::None => Ok(Vec::new()),
        Media::Items { items, .. } => match items.as_slice() {
            [item] => send_one(bot, chat, caption, item).await.map(|id| vec![id]).map_err(whole),
            _ => send_album(bot, chat, caption, items).await,
        },
        Media::Location { latitude, longitude } => bot
            .send_location(chat, *latitude, *longitude)
            .await
            .map(|location| vec![location.id])
            .map_err(whole),
    };
    match rest {
        Ok(more) => {
            sent.extend(more);
            Ok(sent)
        }
        Err(failure) => Err(Failure { error: failure.error, partial: failure.partial || partial }),
    }
}

/// Macro rather than function: each send method has its own request type, all with captions.
macro_rules! with_caption {
    ($request:expr, $caption:expr) => {
        match $caption {
            Some(rendered) => {
                $request.caption(&rendered.text).caption_entities(rendered.entities.clone()).await
            }
            None => $request.await,
        }
        .map(|sent| sent.id)
    };
}

async fn send_one(
    bot: &Bot,
    chat: ChatId,
    caption: Option<&Rendered>,
    item: &MediaItem,
) -> Result<MessageId, RequestError> {
    let file = file(item);
    match item.kind {
        MediaKind::Photo => with_caption!(bot.send_photo(chat, file), caption),
        MediaKind::Video => with_caption!(bot.send_video(chat, file), caption),
        MediaKind::Animation => with_caption!(bot.send_animation(chat, file), caption),
        MediaKind::Document => with_caption!(bot.send_document(chat, file), caption),
        MediaKind::Audio => with_caption!(bot.send_audio(chat, file), caption),
        MediaKind::Voice => with_caption!(bot.send_voice(chat, file), caption),
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
/// message that carries them.
pub async fn edit(
    bot: &Bot,
    chat: ChatId,
    message_id: MessageId,
    rendered: &Rendered,
    media: &Media,
) -> Result<(), RequestError> {
    let result = match media.is_caption() {
        true => bot
            .edit_message_caption(chat, message_id)
            .caption(&rendered.text)
            .caption_entities(rendered.entities.clone())
            .await
            .map(drop),
        false => bot
            .edit_message_text(chat, message_id, &rendered.text)
            .entities(rendered.entities.clone())
            .await
            .map(drop),
    };
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
