//! What an official sends the bot in private that is not a command: a text, a poster, a PDF,
//! an album, a forwarded post. It is kept (an album item by item) so that `/post` or `/at`
//! replying to it can use it, and it starts a flow that composes it into an announcement by
//! tapping (`compose`).
//!
//! An album arrives as one update per item, with nothing saying how many will come, and one
//! chat's updates are handled in order: waiting here for the rest would hold them up. So each
//! item is stored at once, and the flow is started by a task of its own once the album has been
//! quiet for `ALBUM_QUIET`. A late item starts a new flow, with the whole album.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use teloxide::prelude::*;
use tokio::time::Instant;

use super::{Official, compose};
use crate::{
    bot::{Context, texts},
    domain::Content,
    error::Result,
};

/// Telegram sends an album's items within moments of each other.
const ALBUM_QUIET: Duration = Duration::from_secs(1);

/// Albums still arriving: when each last got an item. Entries leave when the album's flow
/// starts, so this holds only the albums of the last second or so.
#[derive(Default)]
pub struct Albums(Mutex<HashMap<(i64, String), Instant>>);

impl Albums {
    /// Notes an item; returns whether the album is new (its flow still to be scheduled).
    fn item_arrived(&self, key: &(i64, String)) -> bool {
        let mut albums = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        albums.insert(key.clone(), Instant::now()).is_none()
    }

    /// When the album will have been quiet long enough; `None` once it has (it is forgotten).
    fn quiet_at(&self, key: &(i64, String)) -> Option<Instant> {
        let mut albums = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let quiet_at = *albums.get(key)? + ALBUM_QUIET;
        if quiet_at <= Instant::now() {
            albums.remove(key);
            return None;
        }
        Some(quiet_at)
    }
}

/// A non-command message in a private chat. Only officials' messages are kept and answered;
/// anyone else's are left alone, as before. A text that answers a flow's «Nhập giờ» is that
/// answer; anything else is content, and starts a flow.
pub async fn message(message: Message, ctx: Arc<Context>) -> Result<()> {
    let Some(user) = message.from.as_ref() else { return Ok(()) };
    let Some(role) = ctx.store.official_role(user.id).await? else { return Ok(()) };
    let chat = message.chat.id;
    let lang = ctx.lang_of(chat).await?;
    let official = Official { user: user.id, role, lang };
    if let Some(text) = message.text() {
        let answer = compose::typed_time(&official, text, &ctx).await;
        if let Some(answer) = answer.transpose() {
            return ctx.answer(chat, lang, answer);
        }
    }
    let content = match Content::from_message(&message) {
        Ok(content) => content,
        Err(error) => {
            ctx.say(chat, lang, texts::content_error(lang, &error));
            return Ok(());
        }
    };
    let album = message.media_group_id().map(|id| id.0.clone());
    ctx.store.keep_in_inbox(chat.0, message.id.0, album.as_deref(), &content, ctx.clock.now()).await?;
    match album {
        None => {
            let flow = compose::start(&official, content, &ctx).await;
            ctx.answer(chat, lang, flow)?;
        }
        Some(album) => {
            let key = (chat.0, album);
            if ctx.albums.item_arrived(&key) {
                tokio::spawn(offer_album_when_complete(ctx.clone(), key, official));
            }
        }
    }
    Ok(())
}

/// Starts the flow for an album once no item has come for `ALBUM_QUIET`.
async fn offer_album_when_complete(ctx: Arc<Context>, key: (i64, String), official: Official) {
    while let Some(quiet_at) = ctx.albums.quiet_at(&key) {
        tokio::time::sleep_until(quiet_at).await;
    }
    let (chat, album) = key;
    let lang = official.lang;
    let flow = match ctx.store.album_content(chat, &album).await.map(Content::album) {
        Ok(Ok(album)) => compose::start(&official, album, &ctx).await,
        Ok(Err(refusal)) => Ok(vec![texts::content_error(lang, &refusal).into()]),
        Err(error) => Err(error),
    };
    if let Err(error) = ctx.answer(ChatId(chat), lang, flow) {
        tracing::warn!(%error, "could not start the flow of an album");
    }
}
