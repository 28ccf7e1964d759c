//! The bot's own membership: added to a group, removed from it, the group upgraded.

use std::sync::Arc;

use teloxide::types::{ChatMemberUpdated, ChatMigration, Message};

use super::{Context, chat_info, texts};
use crate::error::Result;

/// `my_chat_member`: the bot's status in a chat changed.
pub async fn bot_status_changed(update: ChatMemberUpdated, ctx: Arc<Context>) -> Result<()> {
    let chat = chat_info(&update.chat);
    let now = ctx.clock.now();
    if update.new_chat_member.is_present() {
        let newly_joined = ctx.store.bot_joined(&chat, now).await?;
        tracing::info!(chat = chat.id, newly_joined, "bot is in the chat");
        if newly_joined && !update.chat.is_private() {
            let lang = ctx.lang_of(update.chat.id).await?;
            ctx.say(update.chat.id, lang, texts::group_welcome(lang, ctx.ward_name.as_deref()));
        }
    } else {
        tracing::info!(chat = chat.id, "bot left the chat or was removed; marking it inactive");
        ctx.store.bot_left(chat.id, now).await?;
    }
    Ok(())
}

/// A group became a supergroup. Telegram tells both chats; either message moves the settings.
pub async fn chat_migrated(message: Message, migration: ChatMigration, ctx: Arc<Context>) -> Result<()> {
    let (from, to) = match migration {
        ChatMigration::To { chat_id } => (message.chat.id, chat_id),
        ChatMigration::From { chat_id } => (chat_id, message.chat.id),
    };
    tracing::info!(from = from.0, to = to.0, "group migrated to a supergroup");
    ctx.store.migrate_chat(from.0, to.0, ctx.clock.now()).await
}
