//! What the people of the demo said, sent and tapped, kept beside what the bot sent (which the
//! built-in Bot API keeps), so that a chat can be shown in the order things happened. Each is
//! pushed to the bot as the update Telegram would make of it.

use std::{
    collections::HashMap,
    sync::{Mutex, MutexGuard, PoisonError},
};

use serde_json::{Value, json};

use super::ward::{self, Person};
use crate::playground::{bot_api::FakeTelegram, updates};

#[derive(Default)]
pub struct Transcript(Mutex<Log>);

#[derive(Default)]
pub(super) struct Log {
    pub said: Vec<Said>,
    pub taps: Vec<Tap>,
    /// Files people sent, by file id.
    pub files: HashMap<String, FileInfo>,
}

/// A message someone sent, or a line about what they did ("added Loa to the group").
pub(super) struct Said {
    pub chat_id: i64,
    pub person: Person,
    pub message_id: i64,
    /// "text", "photo", "document", or "service" for a line about what they did.
    pub kind: &'static str,
    /// The text, a caption, or the line.
    pub text: String,
    /// The file id of a photo or document.
    pub file: Option<String>,
    /// How many messages the bot had sent when it was said: it shows after those.
    pub after_sent: usize,
}

/// A tap on a button, whose answer (a short notice) the chat shows.
pub(super) struct Tap {
    pub chat_id: i64,
    pub callback_id: String,
}

#[derive(Debug, Clone)]
pub struct FileInfo {
    pub name: String,
    pub mime: String,
}

/// A file someone sends from their computer.
pub struct Upload {
    pub name: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not one of the ward's chats, or a private chat that is someone else's.
    NotTheirChat,
    /// No such message of the bot in this chat (or it was deleted).
    NoSuchMessage,
}

impl Transcript {
    /// `person` sends `text` in `chat_id`.
    pub fn say(
        &self,
        telegram: &FakeTelegram,
        chat_id: i64,
        person: Person,
        text: &str,
    ) -> Result<(), Refusal> {
        self.send(telegram, chat_id, person, json!({ "text": text }), ("text", text), None)
    }

    /// `person` adds the bot to the group `chat_id`: the chat shows a line, the bot learns it
    /// is a member.
    pub fn add_bot(&self, telegram: &FakeTelegram, chat_id: i64, person: Person) -> Result<(), Refusal> {
        let Some(title) = ward::chat(chat_id).filter(|chat| chat.kind == "group").map(|chat| chat.title)
        else {
            return Err(Refusal::NotTheirChat);
        };
        let mut added = updates::my_chat_member(chat_id, title, person.id, "left", "member");
        added["my_chat_member"]["from"] = ward::user(person);
        let text = format!("{} đã thêm Loa vào nhóm", person.name);
        let message_id = updates::next_id();
        self.record(telegram, added, |after_sent| Said {
            chat_id,
            person,
            message_id,
            kind: "service",
            text,
            file: None,
            after_sent,
        });
        Ok(())
    }

    /// `person` sends a file in `chat_id`: an image as a photo, anything else as a document,
    /// as Telegram's apps do.
    pub fn send_file(
        &self,
        telegram: &FakeTelegram,
        chat_id: i64,
        person: Person,
        upload: Upload,
        caption: &str,
    ) -> Result<(), Refusal> {
        chat_of(chat_id, person)?;
        let file_id = telegram.upload(upload.bytes);
        let (kind, mut content) = if upload.mime.starts_with("image/") {
            ("photo", updates::photo(&file_id))
        } else {
            ("document", updates::document(&file_id, Some(&upload.name), Some(&upload.mime)))
        };
        if !caption.is_empty() {
            content["caption"] = json!(caption);
        }
        self.log().files.insert(file_id.clone(), FileInfo { name: upload.name, mime: upload.mime });
        self.send(telegram, chat_id, person, content, (kind, caption), Some(file_id))
    }

    /// `person` taps the button with `data` under the bot's message `message_id` in `chat_id`.
    pub fn tap(
        &self,
        telegram: &FakeTelegram,
        chat_id: i64,
        person: Person,
        message_id: i32,
        data: &str,
    ) -> Result<(), Refusal> {
        let chat = chat_of(chat_id, person)?;
        let message = telegram.current_message(chat_id, message_id).ok_or(Refusal::NoSuchMessage)?;
        let callback_id = updates::next_id().to_string();
        let tap = json!({ "callback_query": {
            "id": callback_id,
            "from": ward::user(person),
            "message": updates::bot_message(&message, chat),
            "chat_instance": chat_id.to_string(),
            "data": data,
        }});
        self.log().taps.push(Tap { chat_id, callback_id });
        telegram.push_update(tap);
        Ok(())
    }

    /// What a person's file is called and what it holds.
    pub fn file_info(&self, file_id: &str) -> Option<FileInfo> {
        self.log().files.get(file_id).cloned()
    }

    pub(super) fn log(&self) -> MutexGuard<'_, Log> {
        // The log stays consistent whatever panicked while holding it.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Pushes a message with `content` and records what it shows.
    fn send(
        &self,
        telegram: &FakeTelegram,
        chat_id: i64,
        person: Person,
        content: Value,
        shown: (&'static str, &str),
        file: Option<String>,
    ) -> Result<(), Refusal> {
        let chat = chat_of(chat_id, person)?;
        let message_id = updates::next_id();
        let mut message = json!({ "message_id": message_id, "from": ward::user(person), "chat": chat, "date": updates::now() });
        if let (Some(message), Value::Object(content)) = (message.as_object_mut(), content) {
            message.extend(content);
        }
        let (kind, text) = shown;
        self.record(telegram, json!({ "message": message }), |after_sent| Said {
            chat_id,
            person,
            message_id,
            kind,
            text: text.to_owned(),
            file,
            after_sent,
        });
        Ok(())
    }

    /// Pushes `update` and records what it shows (`said`, told how many messages the bot had
    /// sent), under the lock: the order shown is the order sent.
    fn record(&self, telegram: &FakeTelegram, update: Value, said: impl FnOnce(usize) -> Said) {
        let mut log = self.log();
        let said = said(telegram.sent_messages().len());
        log.said.push(said);
        telegram.push_update(update);
    }
}

/// The Telegram `Chat` in which `person` may write: one of the ward's groups, or their own
/// private chat.
pub fn chat_of(chat_id: i64, person: Person) -> Result<Value, Refusal> {
    match ward::chat(chat_id) {
        Some(chat) if chat.owner.is_none_or(|owner| owner == person.id) => {
            Ok(updates::chat(chat.id, chat.title))
        }
        _ => Err(Refusal::NotTheirChat),
    }
}
