//! Who may change a chat's settings, by command or by button.

use teloxide::{prelude::*, types::Chat};

use super::Context;
use crate::error::Result;

/// Whether the sender of a command may change its chat's settings (see [`may_change`]).
/// Anonymous admins, who post as the group itself, may.
pub async fn may_change_settings(bot: &Bot, message: &Message, ctx: &Context) -> Result<bool> {
    if message.sender_chat.as_ref().is_some_and(|sender| sender.id == message.chat.id) {
        return Ok(true);
    }
    match &message.from {
        Some(user) => may_change(bot, &message.chat, user.id, ctx).await,
        None => Ok(message.chat.is_private()),
    }
}

/// In a private chat the resident decides for themself. In a group: its Telegram admins and
/// ward officials. A button tap is checked here too: the user is the one who tapped, the chat
/// the one the button's message is in.
pub async fn may_change(bot: &Bot, chat: &Chat, user: UserId, ctx: &Context) -> Result<bool> {
    if chat.is_private() {
        return Ok(true);
    }
    if ctx.store.official_role(user).await?.is_some() {
        return Ok(true);
    }
    let member = bot.get_chat_member(chat.id, user).await?;
    Ok(member.is_privileged())
}
