//! The bot's rights in each active group (and the desk chat): can it still send there, and pin?
//! One `getChatMember` for itself per chat, paced at the ward's overall rate, so that the doctor
//! never takes from Loa's own sends what Telegram allows.

use std::time::Duration;

use teloxide::{
    prelude::*,
    types::{ChatMemberKind, UserId},
};

use super::{Finding, finding::not_read, say};
use crate::{
    config::Settings,
    domain::Lang,
    store::{ChatKind, GroupChat, Store},
};

/// What the bot may do in a chat. `pin`: `None` when the group's own permissions decide (a
/// plain member may pin only where the group lets every member pin).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rights {
    present: bool,
    send: bool,
    pin: Option<bool>,
}

/// `me`: the bot's own user id.
pub(super) async fn examine(
    bot: &Bot,
    me: UserId,
    store: &Store,
    settings: &Settings,
    findings: &mut Vec<Finding>,
) {
    let lang = settings.default_lang;
    let mut chats = match store.active_groups().await {
        Ok(groups) => groups.into_iter().map(|group| (group, true)).collect::<Vec<_>>(),
        Err(error) => {
            findings.push(not_read(lang, ("danh sách nhóm", "The groups"), &error));
            return;
        }
    };
    if chats.is_empty() {
        findings.push(Finding::ok(say(lang, "Bot chưa ở trong nhóm nào", "The bot is in no group yet")));
    }
    if let Some(desk) = settings.desk.chat {
        let title = say(lang, "nhóm tiếp nhận (LOA_DESK_CHAT)", "the desk chat (LOA_DESK_CHAT)");
        // The desk gets reports and alerts, never pinned announcements.
        chats.push((GroupChat { id: desk.0, title, kind: ChatKind::Supergroup }, false));
    }
    let mut pace = tokio::time::interval(Duration::from_secs(1) / settings.rates.global_per_sec);
    for (chat, needs_pin) in chats {
        pace.tick().await;
        findings.push(match bot.get_chat_member(ChatId(chat.id), me).await {
            Ok(member) => finding(lang, &chat.title, rights(&member.kind, chat.kind), needs_pin),
            Err(error) => Finding::problem(
                say(
                    lang,
                    format!("«{}»: Telegram không cho biết quyền của bot: {error}", chat.title),
                    format!("«{}»: Telegram does not say what the bot may do: {error}", chat.title),
                ),
                say(
                    lang,
                    "thêm lại bot vào nhóm, nếu nhóm còn",
                    "add the bot to the group again, if it still exists",
                ),
            ),
        });
    }
}

/// The bot's rights from its membership in a chat of `kind`.
fn rights(member: &ChatMemberKind, kind: ChatKind) -> Rights {
    match member {
        ChatMemberKind::Owner(_) => Rights { present: true, send: true, pin: Some(true) },
        ChatMemberKind::Administrator(admin) => Rights {
            present: true,
            // Admins write in groups; in a channel only with the right to post.
            send: kind != ChatKind::Channel || admin.can_post_messages,
            pin: Some(match kind {
                // A basic group's admins all pin (Telegram sends no such right there).
                ChatKind::Group => true,
                ChatKind::Channel => admin.can_edit_messages,
                ChatKind::Supergroup | ChatKind::Private => admin.can_pin_messages,
            }),
        },
        ChatMemberKind::Member(_) => Rights { present: true, send: kind != ChatKind::Channel, pin: None },
        ChatMemberKind::Restricted(restricted) => Rights {
            present: restricted.is_member,
            send: restricted.is_member && restricted.can_send_messages,
            pin: Some(restricted.is_member && restricted.can_pin_messages),
        },
        ChatMemberKind::Left | ChatMemberKind::Banned(_) => {
            Rights { present: false, send: false, pin: Some(false) }
        }
    }
}

fn finding(lang: Lang, title: &str, rights: Rights, needs_pin: bool) -> Finding {
    match rights {
        Rights { present: false, .. } => Finding::problem(
            say(
                lang,
                format!("«{title}»: bot không còn ở trong nhóm"),
                format!("«{title}»: the bot is no longer in the group"),
            ),
            say(
                lang,
                "một quản trị viên nhóm thêm lại bot (bỏ chặn trước, nếu bot bị chặn)",
                "a group admin adds the bot again (unbanning it first, if it was banned)",
            ),
        ),
        Rights { send: false, .. } => Finding::problem(
            say(
                lang,
                format!("«{title}»: bot không được gửi tin"),
                format!("«{title}»: the bot may not send messages"),
            ),
            say(
                lang,
                "một quản trị viên nhóm bỏ hạn chế gửi tin của bot",
                "a group admin lifts the bot's restriction on sending",
            ),
        ),
        Rights { pin: Some(false), .. } if needs_pin => Finding::problem(
            say(
                lang,
                format!("«{title}»: bot gửi được nhưng không ghim được tin"),
                format!("«{title}»: the bot can send but not pin"),
            ),
            say(
                lang,
                "cho bot làm quản trị viên nhóm với quyền «Ghim tin nhắn»",
                "make the bot a group admin with the right to pin messages",
            ),
        ),
        Rights { pin: None, .. } if needs_pin => Finding::ok(say(
            lang,
            format!("«{title}»: bot gửi được; ghim được nếu nhóm cho mọi thành viên ghim tin"),
            format!("«{title}»: the bot can send; it can pin if the group lets every member pin"),
        )),
        Rights { .. } if needs_pin => Finding::ok(say(
            lang,
            format!("«{title}»: bot gửi và ghim được tin"),
            format!("«{title}»: the bot can send and pin"),
        )),
        Rights { .. } => Finding::ok(say(
            lang,
            format!("«{title}»: bot gửi được tin"),
            format!("«{title}»: the bot can send"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(json: serde_json::Value) -> ChatMemberKind {
        serde_json::from_value(json).unwrap()
    }

    fn admin(can_pin: bool, can_post: bool) -> ChatMemberKind {
        member(serde_json::json!({
            "status": "administrator", "is_anonymous": false, "can_be_edited": false, "can_manage_chat": true,
            "can_change_info": false, "can_delete_messages": true, "can_manage_video_chats": false,
            "can_invite_users": true, "can_restrict_members": false, "can_promote_members": false,
            "can_pin_messages": can_pin, "can_post_messages": can_post,
        }))
    }

    #[test]
    fn what_the_bot_may_do_follows_its_status_and_the_kind_of_chat() {
        let sends_and_pins = Rights { present: true, send: true, pin: Some(true) };
        assert_eq!(rights(&admin(true, false), ChatKind::Supergroup), sends_and_pins);
        assert_eq!(
            rights(&admin(false, false), ChatKind::Group),
            sends_and_pins,
            "a basic group's admins pin"
        );
        assert_eq!(rights(&admin(false, false), ChatKind::Supergroup).pin, Some(false));
        assert!(!rights(&admin(true, false), ChatKind::Channel).send);
        assert!(rights(&admin(true, true), ChatKind::Channel).send);
        assert_eq!(
            rights(&member(serde_json::json!({ "status": "member" })), ChatKind::Supergroup).pin,
            None
        );
        let gone =
            rights(&member(serde_json::json!({ "status": "kicked", "until_date": 0 })), ChatKind::Group);
        assert!(!gone.present && !gone.send);
        assert!(!rights(&ChatMemberKind::Left, ChatKind::Group).present);
    }

    #[test]
    fn a_problem_names_the_group_and_what_to_do() {
        let no_pin = Rights { present: true, send: true, pin: Some(false) };
        let line = finding(Lang::Vi, "Tổ 5", no_pin, true);
        assert_eq!(
            line.to_string(),
            "✗ «Tổ 5»: bot gửi được nhưng không ghim được tin → cho bot làm quản trị viên nhóm với quyền «Ghim tin nhắn»"
        );
        assert!(finding(Lang::Vi, "desk", no_pin, false).is_ok(), "the desk needs no pin");
    }
}
