//! A chat as the page shows it: the people's messages and the bot's, in the order they came, the
//! bot's as they are now (edited, pinned; deleted ones gone), and the notices its taps got.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::{
    transcript::{Log, Said, Transcript},
    ward,
};
use crate::playground::bot_api::{FakeTelegram, SentMessage};

/// Every chat of the ward, with its last message and how many there are.
pub fn chat_list(transcript: &Transcript, telegram: &FakeTelegram) -> Value {
    let chats: Vec<Value> = ward::chats()
        .map(|chat| {
            let messages = messages(transcript, telegram, chat.id);
            let mut listed = json!(chat);
            listed["count"] = json!(messages.len());
            listed["last"] = json!(messages.last());
            listed
        })
        .collect();
    Value::Array(chats)
}

/// One chat's messages, and the notices answered to taps in it.
pub fn chat(transcript: &Transcript, telegram: &FakeTelegram, chat_id: i64) -> Value {
    let notices: Vec<Value> = {
        let log = transcript.log();
        let taps: HashSet<&str> = log
            .taps
            .iter()
            .filter(|tap| tap.chat_id == chat_id)
            .map(|tap| tap.callback_id.as_str())
            .collect();
        let answers = telegram.calls_to("answerCallbackQuery");
        answers
            .iter()
            .filter(|call| call.body["callback_query_id"].as_str().is_some_and(|id| taps.contains(id)))
            .filter_map(|call| {
                let text = call.body["text"].as_str().filter(|text| !text.is_empty())?;
                Some(json!({ "id": call.body["callback_query_id"], "text": text }))
            })
            .collect()
    };
    json!({ "messages": messages(transcript, telegram, chat_id), "notices": notices })
}

fn messages(transcript: &Transcript, telegram: &FakeTelegram, chat_id: i64) -> Vec<Value> {
    let log = transcript.log();
    let pinned = pinned_in(telegram, chat_id);
    let mut said = log.said.iter().filter(|said| said.chat_id == chat_id).peekable();
    let mut shown = Vec::new();
    for (index, sent) in telegram.sent_messages().iter().enumerate() {
        while let Some(earlier) = said.next_if(|said| said.after_sent <= index) {
            shown.push(person_message(&log, earlier));
        }
        if sent.chat_id != chat_id {
            continue;
        }
        if let Some(current) = telegram.current_message(chat_id, sent.message_id) {
            shown.push(bot_message(&log, &current, pinned.contains(&current.message_id)));
        }
    }
    shown.extend(said.map(|said| person_message(&log, said)));
    shown
}

fn person_message(log: &Log, said: &Said) -> Value {
    let file = said.file.as_deref().map_or(Value::Null, |file_id| file(log, file_id));
    json!({
        "key": format!("p{}", said.message_id),
        "from": { "id": said.person.id, "name": said.person.name },
        "kind": said.kind,
        "text": said.text,
        "file": file,
    })
}

fn bot_message(log: &Log, message: &SentMessage, pinned: bool) -> Value {
    let file = message.file_id.as_deref().map_or(Value::Null, |file_id| file(log, file_id));
    json!({
        "key": format!("b{}", message.message_id),
        "message_id": message.message_id,
        "from": null,
        "kind": message.kind.field(),
        "text": message.text,
        "entities": message.entities,
        "parse_mode": message.parse_mode,
        "file": file,
        "location": message.location,
        "buttons": message.reply_markup.as_ref().map(|markup| &markup["inline_keyboard"]),
        "pinned": pinned,
    })
}

/// Where the page fetches a file, and its name when someone sent it.
fn file(log: &Log, file_id: &str) -> Value {
    let name = log.files.get(file_id).map(|info| info.name.as_str());
    json!({ "url": format!("/files/{file_id}"), "name": name })
}

fn pinned_in(telegram: &FakeTelegram, chat_id: i64) -> HashSet<i32> {
    let pins = telegram.calls_to("pinChatMessage");
    pins.iter()
        .filter(|call| call.body["chat_id"].as_i64() == Some(chat_id))
        .filter_map(|call| call.body["message_id"].as_i64().map(|id| id as i32))
        .collect()
}
