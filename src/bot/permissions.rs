//! Who may change a chat's settings.

use teloxide::prelude::*;

use super::Context;
use crate::error::Result;

/// In a private chat the resident decides for themself. In a group: its Telegram admins
/// (including anonymous admins, who post as the group itself) and ward officials.
pub async fn may_change_settings(bot: &Bot, message: &Message, ctx: &Context) -> Result<bool> {
    if message.chat.is_private() {
        return Ok(true);
    }
    if message.sender_chat.as_ref().is_some_and(|sender| sender.id == message.chat.id) {
        return Ok(true);
    }
    let Some(user) = &message.from else { return Ok(false) };
    if ctx.store.official_role(user.id).await?.is_some() {
        return Ok(true);
    }
    let member = bot.get_chat_member(message.chat.id, user.id).await?;
    Ok(member.is_privileged())
}
