//! Officials invited by link: `/official invite [editor|admin]` gives an admin a one-time link
//! to pass on, `https://t.me/<bot>?start=<code>`, valid for a day. Whoever opens it (Telegram
//! then sends the bot `/start <code>` in private) becomes an official with that role, so nobody
//! has to find a numeric user id.

use chrono::Duration;
use teloxide::types::{ChatId, User};

use super::Official;
use crate::{
    bot::{Context, texts},
    domain::{Lang, Role},
    error::Result,
    store::Redemption,
};

const INVITE_LIFETIME: Duration = Duration::hours(24);
/// 128 bits: beyond guessing, even by someone who tries codes all day.
const CODE_BYTES: usize = 16;

/// `/official invite [editor|admin]` (the caller checked that the official is an admin).
pub async fn create(
    official: &Official,
    role: Option<&str>,
    bot_username: &str,
    ctx: &Context,
) -> Result<String> {
    let lang = official.lang;
    let role = match role.map(Role::parse) {
        None => Role::Editor,
        Some(Some(role)) => role,
        Some(None) => return Ok(texts::official_usage(lang)),
    };
    let code = new_code()?;
    let now = ctx.clock.now();
    let expires_at = now + INVITE_LIFETIME;
    ctx.store.create_invite(&code, role, official.user, expires_at, now).await?;
    let link = format!("https://t.me/{bot_username}?start={code}");
    Ok(texts::invite_created(lang, &link, role, &texts::local(expires_at, ctx.timezone)))
}

/// `/start <code>` in private: `user` becomes an official, and the admin who invited them is
/// told who it was. A used, expired or unknown code changes nothing and says so.
pub async fn redeem(user: &User, code: &str, lang: Lang, ctx: &Context) -> Result<String> {
    Ok(match ctx.store.redeem_invite(code, user.id, ctx.clock.now()).await? {
        Redemption::Joined { role, invited_by } => {
            let inviter = ChatId::from(invited_by);
            let inviter_lang = ctx.lang_of(inviter).await?;
            let who = match &user.username {
                Some(username) => format!("{} (@{username}, id {})", user.full_name(), user.id),
                None => format!("{} (id {})", user.full_name(), user.id),
            };
            ctx.say(inviter, inviter_lang, texts::invite_accepted(inviter_lang, &who, role));
            texts::invite_welcome(lang, role)
        }
        Redemption::AlreadyOfficial(role) => texts::invite_for_an_official(lang, role),
        Redemption::Used => texts::invite_used(lang),
        Redemption::Expired => texts::invite_expired(lang),
        Redemption::Unknown => texts::invite_unknown(lang),
    })
}

/// A fresh code from the operating system's CSPRNG, in lower-case hex: only characters a
/// `start` parameter may carry.
fn new_code() -> Result<String> {
    let mut bytes = [0u8; CODE_BYTES];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}
