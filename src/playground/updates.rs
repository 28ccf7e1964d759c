//! Bot API JSON for updates a test pushes into the fake, and for the objects
//! they (and the fake's answers) are made of. Shapes follow what teloxide's
//! strict deserialisers require; `update_id` is left for `push_update`.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::bot_api::{BOT_ID, BOT_USERNAME, SentKind, SentMessage};

/// Telegram's stand-in `from` for messages by anonymous group admins.
pub const ANONYMOUS_ADMIN_ID: i64 = 1087968824;

pub const MEMBER_STATUSES: [&str; 6] = ["creator", "administrator", "member", "restricted", "left", "kicked"];

/// Ids for incoming messages and callback queries, far above the fake's
/// per-chat counters for the bot's own messages so they never collide.
static NEXT_ID: AtomicI64 = AtomicI64::new(1_000_000);

/// An id for a message or callback query someone sends.
pub fn next_id() -> i64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

/// Unix time now; teloxide treats a date of 0 as an inaccessible message.
pub fn now() -> i64 {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH);
    since_epoch.expect("clock after 1970").as_secs() as i64
}

// Updates.

/// A private chat's id is the user's id.
pub fn text_in_private(user_id: i64, first_name: &str, username: Option<&str>, text: &str) -> Value {
    let from = user(user_id, first_name, username);
    let mut chat = json!({ "id": user_id, "type": "private", "first_name": first_name });
    if let Some(username) = username {
        chat["username"] = json!(username);
    }
    json!({ "message": message(next_id(), chat, from, text) })
}

/// A formatted text from `user_id` in private: `entities` is a JSON array of
/// MessageEntity, offsets in UTF-16 code units.
pub fn text_with_entities_in_private(user_id: i64, text: &str, entities: Value) -> Value {
    let mut update = text_in_private(user_id, &format!("User {user_id}"), None, text);
    update["message"]["entities"] = entities;
    update
}

/// A message from `user_id` in private carrying `content`: `photo(..)`,
/// `document(..)`, `location(..)`, `sticker(..)`, `poll(..)` and the like.
pub fn media_in_private(user_id: i64, content: Value) -> Value {
    json!({ "message": private_message(user_id, next_id(), content) })
}

/// The updates of an album `user_id` sends in private, one per item of
/// `contents`: one `media_group_id`, consecutive message ids. Telegram puts a
/// caption typed for the whole album on the first item (see `with_caption`).
pub fn album_in_private(user_id: i64, contents: Vec<Value>) -> Vec<Value> {
    let first_id = NEXT_ID.fetch_add(contents.len() as i64, Ordering::Relaxed);
    let media_group_id = next_id().to_string();
    (first_id..)
        .zip(contents)
        .map(|(message_id, content)| {
            let mut message = private_message(user_id, message_id, content);
            message["media_group_id"] = json!(media_group_id);
            json!({ "message": message })
        })
        .collect()
}

/// `update`'s message with a caption; an empty `caption_entities` array is
/// left out, as Telegram does.
pub fn with_caption(mut update: Value, caption: &str, caption_entities: Value) -> Value {
    let message = &mut update["message"];
    message["caption"] = json!(caption);
    if caption_entities != json!([]) {
        message["caption_entities"] = caption_entities;
    }
    update
}

/// `update`'s message as a forward of post `post_id` of a channel.
pub fn forwarded_from_channel(mut update: Value, channel_id: i64, title: &str, post_id: i64) -> Value {
    update["message"]["forward_origin"] = json!({
        "type": "channel",
        "chat": { "id": channel_id, "type": "channel", "title": title },
        "message_id": post_id,
        "date": now() - 3600,
    });
    update
}

/// `update`'s message as a reply to `replied`'s, e.g. "/post" replying to a
/// photo. Telegram nests replies one level deep only.
pub fn replying_to(mut update: Value, replied: &Value) -> Value {
    let mut replied = replied["message"].clone();
    if let Some(replied) = replied.as_object_mut() {
        replied.remove("reply_to_message");
    }
    update["message"]["reply_to_message"] = replied;
    update
}

/// A group, or a supergroup when `chat_id` is -100…, as Telegram numbers them.
pub fn text_in_group(chat_id: i64, title: &str, user_id: i64, text: &str) -> Value {
    let chat = chat(chat_id, title);
    json!({ "message": message(next_id(), chat, someone(user_id), text) })
}

/// An admin posting "as the group": Telegram hides them behind
/// GroupAnonymousBot and names the group itself as `sender_chat`.
pub fn text_from_anonymous_admin(chat_id: i64, title: &str, text: &str) -> Value {
    let chat = chat(chat_id, title);
    let anonymous = json!({
        "id": ANONYMOUS_ADMIN_ID,
        "is_bot": true,
        "first_name": "Group",
        "username": "GroupAnonymousBot",
    });
    let mut message = message(next_id(), chat.clone(), anonymous, text);
    message["sender_chat"] = chat;
    json!({ "message": message })
}

/// The bot's own membership changing, e.g. ("left", "administrator") when
/// `by_user_id` adds it as an admin, ("member", "kicked") when removed.
pub fn my_chat_member(chat_id: i64, title: &str, by_user_id: i64, old: &str, new: &str) -> Value {
    json!({ "my_chat_member": {
        "chat": chat(chat_id, title),
        "from": someone(by_user_id),
        "date": now(),
        "old_chat_member": chat_member(bot_user(), old),
        "new_chat_member": chat_member(bot_user(), new),
    }})
}

/// The service message left in a group that became a supergroup.
pub fn migrated_to(old_chat_id: i64, title: &str, new_chat_id: i64) -> Value {
    migration(old_chat_id, title, "migrate_to_chat_id", new_chat_id)
}

/// The service message opening the supergroup a group became.
pub fn migrated_from(new_chat_id: i64, title: &str, old_chat_id: i64) -> Value {
    migration(new_chat_id, title, "migrate_from_chat_id", old_chat_id)
}

/// A tap by `user_id` on the first button of `sent`, in any row, whose callback data starts
/// with `prefix`.
pub fn tap_button(sent: &SentMessage, user_id: i64, prefix: &str) -> Value {
    let markup = sent.reply_markup.as_ref().expect("buttons");
    let data = markup["inline_keyboard"]
        .as_array()
        .expect("rows of buttons")
        .iter()
        .flat_map(|row| row.as_array().expect("a row of buttons"))
        .map(|button| button["callback_data"].as_str().expect("callback data").to_owned())
        .find(|data| data.starts_with(prefix))
        .unwrap_or_else(|| panic!("no button {prefix}… in {markup}"));
    callback_query(sent, user_id, &data)
}

/// `user_id` pressing the button with callback data `data` under a message the bot sent.
pub fn callback_query(sent: &SentMessage, user_id: i64, data: &str) -> Value {
    let chat = chat(sent.chat_id, &format!("Chat {}", sent.chat_id));
    json!({ "callback_query": {
        "id": next_id().to_string(),
        "from": someone(user_id),
        "message": bot_message(sent, chat),
        "chat_instance": sent.chat_id.to_string(),
        "data": data,
    }})
}

/// A message in `user_id`'s private chat with the bot, sent by them.
fn private_message(user_id: i64, message_id: i64, content: Value) -> Value {
    let name = format!("User {user_id}");
    let mut message = json!({
        "message_id": message_id,
        "from": user(user_id, &name, None),
        "chat": { "id": user_id, "type": "private", "first_name": name },
        "date": now(),
    });
    merge(&mut message, content);
    message
}

fn migration(chat_id: i64, title: &str, field: &str, other_chat_id: i64) -> Value {
    // Telegram also names who upgraded the group in `from`; the bot must
    // not care, so it is left out.
    let mut message = json!({ "message_id": next_id(), "chat": chat(chat_id, title), "date": now() });
    message[field] = json!(other_chat_id);
    json!({ "message": message })
}

// Objects.

pub fn user(id: i64, first_name: &str, username: Option<&str>) -> Value {
    let mut user = json!({ "id": id, "is_bot": false, "first_name": first_name });
    if let Some(username) = username {
        user["username"] = json!(username);
    }
    user
}

/// A user the test knows only by id.
fn someone(id: i64) -> Value {
    user(id, &format!("User {id}"), None)
}

pub fn bot_user() -> Value {
    json!({ "id": BOT_ID, "is_bot": true, "first_name": "Loa", "username": BOT_USERNAME })
}

/// Chat type follows the id, as Telegram assigns them: users are positive,
/// supergroups are -100…, other groups are negative.
pub fn chat(id: i64, title: &str) -> Value {
    match id {
        1.. => json!({ "id": id, "type": "private", "first_name": title }),
        ..=-1_000_000_000_000 => json!({ "id": id, "type": "supergroup", "title": title }),
        _ => json!({ "id": id, "type": "group", "title": title }),
    }
}

pub fn message(message_id: i64, chat: Value, from: Value, text: &str) -> Value {
    json!({ "message_id": message_id, "from": from, "chat": chat, "date": now(), "text": text })
}

/// `sent` as Telegram shows it in `chat`: the answer to the send, and the
/// message of a callback query.
pub fn bot_message(sent: &SentMessage, chat: Value) -> Value {
    let mut message =
        json!({ "message_id": sent.message_id, "from": bot_user(), "chat": chat, "date": now() });
    merge(&mut message, content_of(sent));
    let (text, entities) = match sent.kind {
        SentKind::Text => ("text", "entities"),
        _ => ("caption", "caption_entities"),
    };
    if sent.kind == SentKind::Text || !sent.text.is_empty() {
        message[text] = json!(sent.text);
    }
    if let Some(sent_entities) = sent.entities.as_ref().filter(|sent| *sent != &json!([])) {
        message[entities] = sent_entities.clone();
    }
    if let Some(media_group_id) = &sent.media_group_id {
        message["media_group_id"] = json!(media_group_id);
    }
    // Telegram echoes only inline keyboards, and teloxide's Message rejects
    // any other kind of markup.
    if let Some(markup) = sent.reply_markup.as_ref().filter(|markup| markup.get("inline_keyboard").is_some())
    {
        message["reply_markup"] = markup.clone();
    }
    message
}

/// The media fields of `sent`; a file the bot resent by id is described with
/// made-up sizes and durations, as the fake never saw the file itself.
fn content_of(sent: &SentMessage) -> Value {
    let file_id = sent.file_id.as_deref().unwrap_or_default();
    match sent.kind {
        SentKind::Text => json!({}),
        SentKind::Photo => photo(file_id),
        SentKind::Video => video(file_id),
        SentKind::Animation => animation(file_id),
        SentKind::Document => document(file_id, None, None),
        SentKind::Audio => audio(file_id),
        SentKind::Voice => voice(file_id),
        SentKind::Location => {
            let (latitude, longitude) = sent.location.unwrap_or_default();
            location(latitude, longitude)
        }
    }
}

// Message contents: each returns the fields a message carries for it, to pass
// to `media_in_private`.

/// Two sizes of one photo, the largest last as Telegram orders them.
pub fn photo(file_id: &str) -> Value {
    let thumbnail = format!("{file_id}-thumbnail");
    json!({ "photo": [
        file(&thumbnail, json!({ "width": 90, "height": 68, "file_size": 1_480 })),
        file(file_id, json!({ "width": 1280, "height": 960, "file_size": 98_304 })),
    ]})
}

pub fn video(file_id: &str) -> Value {
    json!({ "video": file(file_id, json!({ "width": 1280, "height": 720, "duration": 30, "mime_type": "video/mp4" })) })
}

/// Telegram repeats an animation as a document for clients that predate
/// animations; teloxide reads it as an animation.
pub fn animation(file_id: &str) -> Value {
    let as_document = file(file_id, json!({ "file_name": "animation.mp4", "mime_type": "video/mp4" }));
    let mut animation = as_document.clone();
    merge(&mut animation, json!({ "width": 480, "height": 270, "duration": 3 }));
    json!({ "animation": animation, "document": as_document })
}

pub fn document(file_id: &str, file_name: Option<&str>, mime_type: Option<&str>) -> Value {
    let mut document = file(file_id, json!({}));
    if let Some(file_name) = file_name {
        document["file_name"] = json!(file_name);
    }
    if let Some(mime_type) = mime_type {
        document["mime_type"] = json!(mime_type);
    }
    json!({ "document": document })
}

pub fn audio(file_id: &str) -> Value {
    json!({ "audio": file(file_id, json!({ "duration": 180, "mime_type": "audio/mpeg" })) })
}

pub fn voice(file_id: &str) -> Value {
    json!({ "voice": file(file_id, json!({ "duration": 5, "mime_type": "audio/ogg" })) })
}

pub fn location(latitude: f64, longitude: f64) -> Value {
    json!({ "location": { "latitude": latitude, "longitude": longitude } })
}

/// A kind of message Loa does not announce.
pub fn sticker(file_id: &str) -> Value {
    let fields = json!({
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": false,
        "is_video": false,
        "emoji": "👍",
    });
    json!({ "sticker": file(file_id, fields) })
}

/// A kind of message Loa does not announce.
pub fn poll(question: &str, options: &[&str]) -> Value {
    let options: Vec<Value> = options.iter().map(|text| json!({ "text": text, "voter_count": 0 })).collect();
    json!({ "poll": {
        "id": next_id().to_string(),
        "question": question,
        "options": options,
        "total_voter_count": 0,
        "is_closed": false,
        "is_anonymous": true,
        "type": "regular",
        "allows_multiple_answers": false,
    }})
}

/// A file's identity plus `fields`. Telegram's unique ids differ from its file
/// ids; any stable string does here.
fn file(file_id: &str, mut fields: Value) -> Value {
    fields["file_id"] = json!(file_id);
    fields["file_unique_id"] = json!(format!("unique-{file_id}"));
    fields
}

/// Copies `fields`' entries into the object `target`.
fn merge(target: &mut Value, fields: Value) {
    if let (Some(target), Value::Object(fields)) = (target.as_object_mut(), fields) {
        target.extend(fields);
    }
}

/// A ChatMember with every field teloxide requires for `status`.
pub fn chat_member(user: Value, status: &str) -> Value {
    let mut member = match status {
        "creator" => json!({ "is_anonymous": false }),
        "administrator" => administrator_rights(),
        "member" | "left" => json!({}),
        "restricted" => restricted_rights(),
        // 0 means "forever".
        "kicked" => json!({ "until_date": 0 }),
        other => panic!("unknown chat member status {other:?}"),
    };
    member["user"] = user;
    member["status"] = json!(status);
    member
}

fn administrator_rights() -> Value {
    let mut rights = json!({ "is_anonymous": false, "can_be_edited": false });
    for right in [
        "can_manage_chat",
        "can_change_info",
        "can_delete_messages",
        "can_manage_video_chats",
        "can_invite_users",
        "can_restrict_members",
        "can_pin_messages",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
    ] {
        rights[right] = json!(true);
    }
    rights["can_promote_members"] = json!(false);
    rights
}

fn restricted_rights() -> Value {
    let mut rights = json!({ "until_date": 0, "is_member": true });
    for right in [
        "can_send_messages",
        "can_send_audios",
        "can_send_documents",
        "can_send_photos",
        "can_send_videos",
        "can_send_video_notes",
        "can_send_voice_notes",
        "can_send_other_messages",
        "can_add_web_page_previews",
        "can_change_info",
        "can_invite_users",
        "can_pin_messages",
        "can_manage_topics",
        "can_send_polls",
    ] {
        rights[right] = json!(false);
    }
    rights
}
