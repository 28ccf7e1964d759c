//! Official commands. They work only in a private chat with the bot, for officials.

use std::sync::Arc;

use teloxide::prelude::*;

use super::{Context, OfficialCommand, reply_or_apologise, texts};
use crate::{domain::Role, error::Result};

pub async fn handle(bot: Bot, message: Message, command: OfficialCommand, ctx: Arc<Context>) -> Result<()> {
    let lang = ctx.lang_of(message.chat.id).await?;
    let outcome = async {
        let role = match &message.from {
            Some(user) if message.chat.is_private() => ctx.store.official_role(user.id).await?,
            _ => None,
        };
        match command {
            OfficialCommand::Officials if role == Some(Role::Admin) => {
                Ok(texts::officials(lang, &ctx.store.officials().await?))
            }
            OfficialCommand::Officials if role.is_some() => Ok(texts::admins_only(lang)),
            OfficialCommand::Officials => Ok(texts::officials_only(lang)),
        }
    }
    .await;
    reply_or_apologise(&bot, message.chat.id, lang, outcome).await
}
