//! Official commands. They work only in a private chat with the bot, for officials; anyone
//! else is refused and nothing is written.

mod broadcasts;
mod compose;
mod incoming;
mod invites;
mod posting;
mod reminders;
mod staff;
mod stats;

use std::sync::Arc;

use teloxide::{prelude::*, types::Me};

pub use compose::{is_flow_button, tap as flow_button};
pub use incoming::{Albums, message as incoming_message};
pub use invites::redeem as redeem_invite;
pub use posting::button;
use reminders::Change;

use super::{
    Context, OfficialCommand, Outgoing, desk, one,
    pages::{self, Listing, OfficialListing},
    texts,
};
use crate::{
    domain::{Lang, Role},
    error::Result,
};

/// Who is asking, once the role check has passed.
#[derive(Debug, Clone, Copy)]
pub struct Official {
    pub user: UserId,
    pub role: Role,
    pub lang: Lang,
}

pub async fn handle(message: Message, command: OfficialCommand, me: Me, ctx: Arc<Context>) -> Result<()> {
    let chat = message.chat.id;
    let lang = ctx.lang_of(chat).await?;
    let role = match &message.from {
        Some(user) if message.chat.is_private() => ctx.store.official_role(user.id).await?,
        _ => None,
    };
    let (Some(role), Some(user)) = (role, &message.from) else {
        ctx.say(chat, lang, texts::officials_only(lang));
        return Ok(());
    };
    let official = Official { user: user.id, role, lang };
    let outcome = match command {
        OfficialCommand::Officials => staff::list(&official, &ctx).await.map(one),
        OfficialCommand::Official(args) => {
            staff::change(&official, &args, me.username(), &ctx).await.map(one)
        }
        OfficialCommand::Post(args) if args.trim().is_empty() => {
            compose::post_alone(&official, message.reply_to_message(), &ctx).await
        }
        OfficialCommand::Post(args) => {
            posting::post(&official, &args, message.reply_to_message(), &ctx).await
        }
        OfficialCommand::At(args) => posting::at(&official, &args, message.reply_to_message(), &ctx).await,
        OfficialCommand::Confirm => posting::confirm(&official, None, &ctx).await.map(one),
        // With an id it ends a reminder; without one it discards the pending draft.
        OfficialCommand::Cancel(args) if args.trim().is_empty() => {
            posting::cancel(&official, None, &ctx).await.map(one)
        }
        OfficialCommand::Cancel(args) => {
            reminders::change(&official, &args, Change::Cancel, &ctx).await.map(one)
        }
        OfficialCommand::Remind(args) => {
            reminders::remind(&official, &args, message.reply_to_message(), &ctx).await.map(one)
        }
        OfficialCommand::EditRemind(args) => {
            reminders::redefine(&official, &args, message.reply_to_message(), &ctx).await.map(one)
        }
        OfficialCommand::Reminders => paged(OfficialListing::Reminders, &official, &ctx).await,
        OfficialCommand::Pause(args) => {
            reminders::change(&official, &args, Change::Pause, &ctx).await.map(one)
        }
        OfficialCommand::Resume(args) => {
            reminders::change(&official, &args, Change::Resume, &ctx).await.map(one)
        }
        OfficialCommand::Skip(args) => reminders::skip(&official, &args, &ctx).await.map(one),
        OfficialCommand::Broadcasts => paged(OfficialListing::Broadcasts, &official, &ctx).await,
        OfficialCommand::Report(args) => match args.trim().parse::<i64>() {
            Ok(id) => paged(OfficialListing::Report(id), &official, &ctx).await,
            Err(_) => Ok(one(texts::broadcast_usage(lang, "report"))),
        },
        OfficialCommand::Stats => stats::stats(&official, &ctx).await,
        OfficialCommand::Edit(args) => broadcasts::edit(&official, &args, &ctx).await.map(one),
        OfficialCommand::Recall(args) => broadcasts::recall(&official, &args, &ctx).await.map(one),
        OfficialCommand::Answer(args) => desk::answer_command(official.user, &args, lang, &ctx).await,
        OfficialCommand::Desk(args) => {
            desk::desk_command(official.user, official.role, &args, lang, &ctx).await.map(one)
        }
    };
    ctx.answer(chat, lang, outcome)
}

/// The first page of one of the officials' listings.
async fn paged(listing: OfficialListing, official: &Official, ctx: &Context) -> Result<Vec<Outgoing>> {
    let (text, html) = listing_of(listing, official, ctx).await?;
    Ok(pages::first(Listing::Official(listing), text, html))
}

/// An officials' listing built again for a page turned by `user` in `chat`: `None` unless the
/// user is an official and the chat their own.
pub async fn listing_text(
    listing: OfficialListing,
    user: UserId,
    chat: ChatId,
    lang: Lang,
    ctx: &Context,
) -> Result<Option<(String, bool)>> {
    if chat != ChatId::from(user) {
        return Ok(None);
    }
    let Some(role) = ctx.store.official_role(user).await? else { return Ok(None) };
    let official = Official { user, role, lang };
    listing_of(listing, &official, ctx).await.map(Some)
}

/// A listing's text, and whether it is HTML.
async fn listing_of(listing: OfficialListing, official: &Official, ctx: &Context) -> Result<(String, bool)> {
    match listing {
        OfficialListing::Reminders => Ok((reminders::list(official, ctx).await?, false)),
        OfficialListing::Broadcasts => Ok((broadcasts::list(official, ctx).await?, false)),
        OfficialListing::Report(id) => broadcasts::report(official, id, ctx).await,
    }
}
