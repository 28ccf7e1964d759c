//! Bot API JSON for updates a test pushes into the fake, and for the objects
//! they (and the fake's answers) are made of. Shapes follow what teloxide's
//! strict deserialisers require; `update_id` is left for `push_update`.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::fake_telegram::{BOT_ID, BOT_USERNAME, SentMessage};

/// Telegram's stand-in `from` for messages by anonymous group admins.
pub const ANONYMOUS_ADMIN_ID: i64 = 1087968824;

pub const MEMBER_STATUSES: [&str; 6] = ["creator", "administrator", "member", "restricted", "left", "kicked"];

/// Ids for incoming messages and callback queries, far above the fake's
/// per-chat counters for the bot's own messages so they never collide.
static NEXT_ID: AtomicI64 = AtomicI64::new(1_000_000);

fn next_id() -> i64 {
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
    let mut message = message(sent.message_id.into(), chat, bot_user(), &sent.text);
    if let Some(markup) = &sent.reply_markup {
        message["reply_markup"] = markup.clone();
    }
    json!({ "callback_query": {
        "id": next_id().to_string(),
        "from": someone(user_id),
        "message": message,
        "chat_instance": sent.chat_id.to_string(),
        "data": data,
    }})
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
