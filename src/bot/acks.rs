//! Taps on «✅ Đã nhận». Anyone in a chat that received the announcement may tap, once; the
//! tap is answered with a short toast, and the button's count is edited by the delivery
//! worker, throttled, so a busy group's taps cost few requests.

use std::sync::Arc;

use teloxide::prelude::*;

use super::{Context, texts};
use crate::{domain::parse_ack_button, error::Result, store::AckTap};

/// Whether a button tap is an acknowledgement.
pub fn is_ack_button(query: &CallbackQuery) -> bool {
    query.data.as_deref().and_then(parse_ack_button).is_some()
}

pub async fn tap(bot: Bot, query: CallbackQuery, ctx: Arc<Context>) -> Result<()> {
    let broadcast = query.data.as_deref().and_then(parse_ack_button).unwrap_or_default();
    let chat = query.message.as_ref().map(|message| message.chat().id);
    let recorded = match (broadcast, chat) {
        // A preview's button belongs to no broadcast.
        (1.., Some(chat)) => ctx.store.record_ack(broadcast, chat.0, query.from.id, ctx.clock.now()).await,
        _ => Ok(AckTap::NotAsked),
    };
    // The tapper's own language: the toast is for them, not for the group.
    let lang = ctx.lang_of(ChatId::from(query.from.id)).await.unwrap_or(ctx.default_lang);
    let toast = match &recorded {
        Ok(tap) => texts::ack_toast(lang, *tap, broadcast == 0),
        Err(_) => texts::internal_error(lang),
    };
    if recorded.as_ref().is_ok_and(|tap| *tap == AckTap::Recorded) {
        ctx.outbox.notify();
    }
    if let Err(error) = bot.answer_callback_query(query.id.clone()).text(toast).await {
        tracing::info!(%error, "could not answer an acknowledgement tap");
    }
    recorded.map(drop)
}
