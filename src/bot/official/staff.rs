//! `/officials` and `/official add|remove|invite`: admins manage who may post.

use teloxide::types::UserId;

use super::{Official, invites};
use crate::{
    bot::{Context, texts},
    domain::Role,
    error::Result,
    store::{Appointment, Removal},
};

pub async fn list(official: &Official, ctx: &Context) -> Result<String> {
    if official.role != Role::Admin {
        return Ok(texts::admins_only(official.lang));
    }
    Ok(texts::officials(official.lang, &ctx.store.officials().await?))
}

/// `/official add|remove|invite`; an invitation's link names the bot by `bot_username`.
pub async fn change(official: &Official, args: &str, bot_username: &str, ctx: &Context) -> Result<String> {
    let lang = official.lang;
    if official.role != Role::Admin {
        return Ok(texts::admins_only(lang));
    }
    let words: Vec<&str> = args.split_whitespace().collect();
    let now = ctx.clock.now();
    match words.as_slice() {
        ["add", id] | ["add", id, _] => {
            let role = match words.get(2) {
                None => Some(Role::Editor),
                Some(role) => Role::parse(role),
            };
            let (Ok(id), Some(role)) = (id.parse::<u64>(), role) else {
                return Ok(texts::official_usage(lang));
            };
            Ok(match ctx.store.add_official(UserId(id), role, official.user, now).await? {
                Appointment::Done => texts::official_added(lang, id, role),
                Appointment::LastAdmin => texts::last_admin(lang),
            })
        }
        ["remove", id] => {
            let Ok(id) = id.parse::<u64>() else { return Ok(texts::official_usage(lang)) };
            Ok(match ctx.store.remove_official(UserId(id), official.user, now).await? {
                Removal::Removed => texts::official_removed(lang, id),
                Removal::NotAnOfficial => texts::official_not_found(lang, id),
                Removal::LastAdmin => texts::last_admin(lang),
            })
        }
        ["invite"] => invites::create(official, None, bot_username, ctx).await,
        ["invite", role] => invites::create(official, Some(role), bot_username, ctx).await,
        _ => Ok(texts::official_usage(lang)),
    }
}
