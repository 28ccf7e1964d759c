//! The messages the bot sends, edits and deletes: what each chat received, and
//! Telegram's answers and refusals (wordings as the Bot API server gives them).

use std::time::Instant;

use serde_json::{Value, json};

use super::super::updates::{bot_message, now};
use super::server::{Answer, chat_id};
use super::{SentKind, SentMessage, State};

/// Most items TDLib sends as one album.
const ALBUM_LIMIT: usize = 10;
/// Most ids one deleteMessages takes.
const DELETE_LIMIT: usize = 100;

/// TDLib's error for a file Telegram's servers refuse; the Bot API lowercases
/// its first letter when it is the whole description.
const WRONG_FILE: &str = "Wrong file identifier/HTTP URL specified";
const NOT_MODIFIED: &str = "Bad Request: message is not modified: specified new message content and reply \
                            markup are exactly the same as a current content and reply markup of the message";

impl State {
    /// sendMessage, sendPhoto, …, sendLocation: one message of `kind`.
    pub(super) fn send(&mut self, kind: SentKind, body: &Value) -> Answer {
        let Some(chat_id) = chat_id(body) else {
            return Answer::error(400, "Bad Request: chat not found");
        };
        let message = outgoing(chat_id, kind, body, kind.field());
        if self.is_rejected(&message) {
            return Answer::error(400, "Bad Request: wrong file identifier/HTTP URL specified");
        }
        if let Err(refusal) = self.admit(chat_id, 1) {
            return refusal;
        }
        let sent = self.deliver(message);
        Answer::Ok(self.message_json(&sent))
    }

    /// sendMediaGroup: one message per item, all in one album. A single item is
    /// sent outside any album, as TDLib does (the Bot API documents 2–10 items
    /// but refuses only none or more than 10).
    pub(super) fn send_media_group(&mut self, body: &Value) -> Answer {
        let Some(chat_id) = chat_id(body) else {
            return Answer::error(400, "Bad Request: chat not found");
        };
        let Some(items) = body["media"].as_array() else {
            return Answer::error(400, "Bad Request: parameter \"media\" is required");
        };
        let album = match album(chat_id, items) {
            Ok(album) => album,
            Err(refusal) => return refusal,
        };
        // Telegram's servers refuse a stale file once TDLib has accepted the
        // album, so the error names the item.
        if let Some(position) = album.iter().position(|message| self.is_rejected(message)) {
            let error = format!(
                "Bad Request: failed to send message #{} with the error message \"{WRONG_FILE}\"",
                position + 1
            );
            return Answer::error(400, &error);
        }
        if let Err(refusal) = self.admit(chat_id, album.len()) {
            return refusal;
        }
        let media_group_id = (album.len() > 1).then(|| self.next_media_group_id());
        let answer = album
            .into_iter()
            .map(|mut message| {
                message.media_group_id = media_group_id.clone();
                let sent = self.deliver(message);
                self.message_json(&sent)
            })
            .collect();
        Answer::Ok(Value::Array(answer))
    }

    /// editMessageText and editMessageReplyMarkup. A message the fake never
    /// sent is answered as a text message, and not remembered.
    pub(super) fn edit_message(&mut self, body: &Value) -> Answer {
        // Edits of inline-mode messages answer `true` instead of a Message.
        if body.get("inline_message_id").is_some() {
            return Answer::Ok(json!(true));
        }
        let (Some(chat_id), Some(message_id)) = (chat_id(body), message_id(body)) else {
            return Answer::error(400, "Bad Request: message to edit not found");
        };
        // Telegram counts edits against a chat's limits as it counts messages.
        if let Err(refusal) = self.admit(chat_id, 1) {
            return refusal;
        }
        let known = self.current(chat_id, message_id).cloned();
        let mut edited =
            known.clone().unwrap_or(SentMessage { chat_id, message_id, ..SentMessage::default() });
        // An edit without buttons removes them.
        edited.reply_markup = body.get("reply_markup").cloned();
        if let Some(text) = body["text"].as_str() {
            if edited.kind != SentKind::Text {
                return Answer::error(400, "Bad Request: there is no text in the message to edit");
            }
            edited.text = text.to_owned();
            edited.entities = body.get("entities").cloned();
            edited.parse_mode = body["parse_mode"].as_str().map(str::to_owned);
        }
        if known.is_some() {
            self.edited.insert((chat_id, message_id), edited.clone());
        }
        Answer::Ok(self.edited_json(&edited))
    }

    /// editMessageCaption: a media message's new caption (none if omitted) and
    /// buttons (none if omitted).
    pub(super) fn edit_caption(&mut self, body: &Value) -> Answer {
        if body.get("inline_message_id").is_some() {
            return Answer::Ok(json!(true));
        }
        let current = match (chat_id(body), message_id(body)) {
            (Some(chat_id), Some(message_id)) => self.current(chat_id, message_id),
            _ => None,
        };
        let Some(current) = current else {
            return Answer::error(400, "Bad Request: message to edit not found");
        };
        if !current.kind.has_file() {
            return Answer::error(400, "Bad Request: there is no caption in the message to edit");
        }
        let edited = SentMessage {
            text: body["caption"].as_str().unwrap_or_default().to_owned(),
            entities: body.get("caption_entities").cloned(),
            parse_mode: body["parse_mode"].as_str().map(str::to_owned),
            reply_markup: body.get("reply_markup").cloned(),
            ..current.clone()
        };
        if shows_the_same(current, &edited) {
            return Answer::error(400, NOT_MODIFIED);
        }
        self.edited.insert((edited.chat_id, edited.message_id), edited.clone());
        Answer::Ok(self.edited_json(&edited))
    }

    /// deleteMessage answers `true` whatever it names, as the fake always has.
    pub(super) fn delete_message(&mut self, body: &Value) -> Answer {
        if let (Some(chat_id), Some(message_id)) = (chat_id(body), message_id(body)) {
            self.record_deletion(chat_id, message_id);
        }
        Answer::Ok(json!(true))
    }

    /// deleteMessages: 1–100 ids; Telegram skips the ones it cannot find.
    pub(super) fn delete_messages(&mut self, body: &Value) -> Answer {
        let Some(chat_id) = chat_id(body) else {
            return Answer::error(400, "Bad Request: chat not found");
        };
        let ids = body["message_ids"].as_array().map(Vec::as_slice).unwrap_or_default();
        match ids.len() {
            0 => return Answer::error(400, "Bad Request: message identifiers are not specified"),
            n if n > DELETE_LIMIT => {
                return Answer::error(400, "Bad Request: too many message identifiers specified");
            }
            _ => {}
        }
        for id in ids.iter().filter_map(Value::as_i64) {
            self.record_deletion(chat_id, id as i32);
        }
        Answer::Ok(json!(true))
    }

    fn record_deletion(&mut self, chat_id: i64, message_id: i32) {
        if !self.deleted.contains(&(chat_id, message_id)) {
            self.deleted.push((chat_id, message_id));
        }
    }

    fn is_rejected(&self, message: &SentMessage) -> bool {
        message.file_id.as_ref().is_some_and(|file_id| self.rejected_file_ids.contains(file_id))
    }

    /// Counts `messages` against Telegram's limits, if the test enforces them.
    fn admit(&mut self, chat_id: i64, messages: usize) -> Result<(), Answer> {
        let Some(limiter) = &mut self.limiter else {
            return Ok(());
        };
        match limiter.admit(chat_id, messages, Instant::now()) {
            Ok(()) => Ok(()),
            Err(refused) => {
                *self.too_many_requests.entry(refused.limit).or_default() += 1;
                Err(Answer::retry_after(refused.retry_after))
            }
        }
    }

    /// Numbers `message` in its chat, consecutively across every kind of send,
    /// and records that the chat received it.
    fn deliver(&mut self, mut message: SentMessage) -> SentMessage {
        let last = self.last_message_id.entry(message.chat_id).or_insert(0);
        *last += 1;
        message.message_id = *last;
        self.sent.push(message.clone());
        message
    }

    /// Album ids look like Telegram's: long decimal strings.
    fn next_media_group_id(&mut self) -> String {
        self.last_media_group_id += 1;
        (13_000_000_000_000_000 + self.last_media_group_id).to_string()
    }

    fn message_json(&self, sent: &SentMessage) -> Value {
        bot_message(sent, self.chat(sent.chat_id))
    }

    fn edited_json(&self, edited: &SentMessage) -> Value {
        let mut message = self.message_json(edited);
        message["edit_date"] = json!(now());
        message
    }
}

/// The message `params` (a send's parameters, or an album item whose file is
/// in `media`) ask for, before Telegram numbers it.
fn outgoing(chat_id: i64, kind: SentKind, params: &Value, file_parameter: &str) -> SentMessage {
    let (text, entities) = match kind {
        SentKind::Text => ("text", "entities"),
        _ => ("caption", "caption_entities"),
    };
    let file_id = if kind.has_file() { params[file_parameter].as_str() } else { None };
    SentMessage {
        chat_id,
        kind,
        text: params[text].as_str().unwrap_or_default().to_owned(),
        entities: params.get(entities).cloned(),
        file_id: file_id.map(str::to_owned),
        location: params["latitude"].as_f64().zip(params["longitude"].as_f64()),
        reply_markup: params.get("reply_markup").cloned(),
        parse_mode: params["parse_mode"].as_str().map(str::to_owned),
        ..SentMessage::default()
    }
}

/// An album's messages, or TDLib's refusal of it.
fn album(chat_id: i64, items: &[Value]) -> Result<Vec<SentMessage>, Answer> {
    match items.len() {
        0 => return Err(Answer::error(400, "Bad Request: there are no messages to send")),
        n if n > ALBUM_LIMIT => {
            return Err(Answer::error(400, "Bad Request: too many messages to send as an album"));
        }
        _ => {}
    }
    let album = items
        .iter()
        .map(|item| Ok(outgoing(chat_id, album_kind(item)?, item, "media")))
        .collect::<Result<Vec<_>, Answer>>()?;
    // Photos and videos mix; documents go only with documents, audio only with audio.
    let loner = album
        .iter()
        .map(|message| message.kind)
        .find(|kind| matches!(kind, SentKind::Document | SentKind::Audio));
    if let Some(loner) = loner
        && album.iter().any(|message| message.kind != loner)
    {
        let error = format!("Bad Request: {} can't be mixed with other media types", loner.field());
        return Err(Answer::error(400, &error));
    }
    Ok(album)
}

/// Albums hold photos, videos, documents and audio; teloxide also lets a bot
/// put an animation in one, which Telegram refuses.
fn album_kind(item: &Value) -> Result<SentKind, Answer> {
    match item["type"].as_str().unwrap_or_default() {
        "photo" => Ok(SentKind::Photo),
        "video" => Ok(SentKind::Video),
        "document" => Ok(SentKind::Document),
        "audio" => Ok(SentKind::Audio),
        other => {
            let error = format!(
                "Bad Request: can't parse InputMedia: type \"{other}\" can't be used in sendMediaGroup"
            );
            Err(Answer::error(400, &error))
        }
    }
}

fn message_id(body: &Value) -> Option<i32> {
    body["message_id"].as_i64().map(|id| id as i32)
}

/// Whether an edit leaves what the chat shows unchanged: Telegram refuses such
/// an edit. No entities and an empty list of them show the same.
fn shows_the_same(current: &SentMessage, edited: &SentMessage) -> bool {
    let entities = |message: &SentMessage| message.entities.clone().filter(|entities| entities != &json!([]));
    current.text == edited.text
        && entities(current) == entities(edited)
        && current.reply_markup == edited.reply_markup
}
