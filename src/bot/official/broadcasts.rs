//! `/broadcasts`, `/report`, `/edit` and `/recall`: what was sent where, and changing it.

use super::Official;
use crate::{
    bot::{Context, texts},
    domain::{ContentError, max_text_len},
    error::Result,
    store::Amended,
};

/// How many broadcasts `/broadcasts` lists.
const LISTED: u32 = 10;

pub async fn list(official: &Official, ctx: &Context) -> Result<String> {
    let list = ctx.store.recent_broadcasts(LISTED).await?;
    Ok(texts::broadcasts(official.lang, &list, ctx.timezone))
}

/// `/report <id>`, and whether the text is HTML (the report quotes group titles and
/// Telegram's reasons, escaped).
pub async fn report(official: &Official, id: i64, ctx: &Context) -> Result<(String, bool)> {
    Ok(match ctx.store.broadcast_report(id).await? {
        Some(report) => (texts::report(official.lang, &report, ctx.timezone), true),
        None => (texts::broadcast_not_found(official.lang, id), false),
    })
}

pub async fn edit(official: &Official, args: &str, ctx: &Context) -> Result<String> {
    let lang = official.lang;
    let args = args.trim_start();
    let (id, body) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    let (Ok(id), body) = (id.parse::<i64>(), body.trim()) else {
        return Ok(texts::broadcast_usage(lang, "edit"));
    };
    if body.is_empty() {
        return Ok(texts::broadcast_usage(lang, "edit"));
    }
    let Some(media) = ctx.store.broadcast_media(id).await? else {
        return Ok(texts::broadcast_not_found(lang, id));
    };
    // The words of media are a caption, with the caption's limit.
    let caption = media.is_caption();
    let max = max_text_len(&ctx.topics, caption);
    let length = body.encode_utf16().count();
    if length > max {
        return Ok(texts::content_error(lang, &ContentError::TooLong { length, max, caption }));
    }
    let amended = ctx.store.edit_broadcast(id, body, official.user, ctx.clock.now()).await?;
    Ok(amended_reply(official, id, amended, ctx, texts::edit_queued))
}

pub async fn recall(official: &Official, args: &str, ctx: &Context) -> Result<String> {
    let Ok(id) = args.trim().parse::<i64>() else {
        return Ok(texts::broadcast_usage(official.lang, "recall"));
    };
    let amended = ctx.store.recall_broadcast(id, official.user, ctx.clock.now()).await?;
    if matches!(amended, Amended::Queued { .. }) {
        ctx.outbox.recalled(id);
    }
    Ok(amended_reply(official, id, amended, ctx, texts::recall_queued))
}

fn amended_reply(
    official: &Official,
    id: i64,
    amended: Amended,
    ctx: &Context,
    queued: fn(crate::domain::Lang, i64, u64) -> String,
) -> String {
    match amended {
        Amended::NotFound => texts::broadcast_not_found(official.lang, id),
        Amended::AlreadyRecalled => texts::already_recalled(official.lang, id),
        Amended::Queued { chats } => {
            ctx.outbox.notify();
            queued(official.lang, id, chats)
        }
    }
}
