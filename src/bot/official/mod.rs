//! Official commands. They work only in a private chat with the bot, for officials; anyone
//! else is refused and nothing is written.

mod broadcasts;
mod posting;
mod reminders;
mod staff;

use std::sync::Arc;

use teloxide::prelude::*;

pub use posting::button;
use reminders::Change;

use super::{Context, OfficialCommand, texts};
use crate::{
    domain::{Lang, Role},
    error::Result,
};

/// Who is asking, once the role check has passed.
pub struct Official {
    pub user: UserId,
    pub role: Role,
    pub lang: Lang,
}

pub async fn handle(bot: Bot, message: Message, command: OfficialCommand, ctx: Arc<Context>) -> Result<()> {
    let chat = message.chat.id;
    let lang = ctx.lang_of(chat).await?;
    let role = match &message.from {
        Some(user) if message.chat.is_private() => ctx.store.official_role(user.id).await?,
        _ => None,
    };
    let (Some(role), Some(user)) = (role, &message.from) else {
        ctx.say(&bot, chat, texts::officials_only(lang)).await?;
        return Ok(());
    };
    let official = Official { user: user.id, role, lang };
    let outcome = match command {
        OfficialCommand::Officials => staff::list(&official, &ctx).await,
        OfficialCommand::Official(args) => staff::change(&official, &args, &ctx).await,
        OfficialCommand::Post(args) => return posting::post(&bot, chat, &official, &args, &ctx).await,
        OfficialCommand::At(args) => return posting::at(&bot, chat, &official, &args, &ctx).await,
        OfficialCommand::Confirm => posting::confirm(&official, None, &ctx).await,
        // With an id it ends a reminder; without one it discards the pending draft.
        OfficialCommand::Cancel(args) if args.trim().is_empty() => {
            posting::cancel(&official, None, &ctx).await
        }
        OfficialCommand::Cancel(args) => reminders::change(&official, &args, Change::Cancel, &ctx).await,
        OfficialCommand::Remind(args) => reminders::remind(&official, &args, &ctx).await,
        OfficialCommand::Reminders => reminders::list(&official, &ctx).await,
        OfficialCommand::Pause(args) => reminders::change(&official, &args, Change::Pause, &ctx).await,
        OfficialCommand::Resume(args) => reminders::change(&official, &args, Change::Resume, &ctx).await,
        OfficialCommand::Skip(args) => reminders::skip(&official, &args, &ctx).await,
        OfficialCommand::Broadcasts => broadcasts::list(&official, &ctx).await,
        OfficialCommand::Report(args) => return broadcasts::report(&bot, chat, &official, &args, &ctx).await,
        OfficialCommand::Edit(args) => broadcasts::edit(&official, &args, &ctx).await,
        OfficialCommand::Recall(args) => broadcasts::recall(&official, &args, &ctx).await,
    };
    super::reply_or_apologise(&bot, &ctx, chat, lang, outcome).await
}
