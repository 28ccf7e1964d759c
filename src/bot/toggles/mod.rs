//! Settings as buttons: `/topics` turns each topic on or off, `/area` offers the areas chats
//! are bound to. A tap follows the rule typed commands follow: in a group only its admins and
//! ward officials change anything, and anyone else's tap gets a short notice. An accepted tap
//! edits the message in place, so its marks show the chat's settings as they now are.

mod keyboards;

use std::sync::Arc;

use teloxide::{prelude::*, types::Chat};

pub use keyboards::{area_menu, topics_menu};

use super::{Context, Outgoing, Reply, chat_info, permissions::may_change, texts};
use crate::{
    domain::{Lang, TopicSelection},
    error::Result,
};
use keyboards::Toggle;

/// Whether a button tap is a settings button's.
pub fn is_toggle(query: &CallbackQuery) -> bool {
    query.data.as_deref().and_then(Toggle::parse).is_some()
}

/// A tap on a topic or area button.
pub async fn tap(bot: Bot, query: CallbackQuery, ctx: Arc<Context>) -> Result<()> {
    let (Some(toggle), Some(message)) =
        (query.data.as_deref().and_then(Toggle::parse), query.message.as_ref())
    else {
        answer_tap(&bot, &query, None).await;
        return Ok(());
    };
    let chat = message.chat();
    let lang = match ctx.lang_of(chat.id).await {
        Ok(lang) => lang,
        Err(error) => {
            answer_tap(&bot, &query, None).await;
            return Err(error);
        }
    };
    let allowed = may_change(&bot, chat, query.from.id, &ctx).await;
    let refusal = matches!(allowed, Ok(false)).then(|| texts::admins_only_toast(lang));
    answer_tap(&bot, &query, refusal).await;
    if !allowed? {
        return Ok(());
    }
    let outcome = apply(toggle, chat, lang, &ctx).await;
    let edit = outcome.map(|reply| vec![Outgoing::Edit { message_id: message.id(), reply }]);
    ctx.answer(chat.id, lang, edit)
}

/// Changes the chat's settings as the button asks, and builds its message again.
async fn apply(toggle: Toggle, chat: &Chat, lang: Lang, ctx: &Context) -> Result<Reply> {
    let now = ctx.clock.now();
    // The row the chat's subscriptions and area belong to, as a command would record it.
    ctx.store.touch_chat(&chat_info(chat), now).await?;
    let chat = chat.id.0;
    match toggle {
        Toggle::Topic { slug, on } if ctx.topics.get(&slug).is_some() => {
            let selection = TopicSelection::Some(vec![slug]);
            let after = if on {
                ctx.store.subscribe(chat, &selection, now).await?
            } else {
                ctx.store.unsubscribe(chat, &selection).await?
            };
            Ok(topics_menu(lang, &ctx.topics, &after))
        }
        // A topic no longer in the catalog, or data a client made up: nothing to change.
        Toggle::Topic { .. } => Ok(topics_menu(lang, &ctx.topics, &ctx.store.subscriptions(chat).await?)),
        Toggle::Area(area) => {
            ctx.store.set_area(chat, area.as_ref()).await?;
            Ok(area_menu(lang, area.as_ref(), &ctx.store.known_areas().await?))
        }
    }
}

/// Stops the button's spinner, with a short notice over the chat when given. Best effort: a
/// query older than Telegram keeps (a tap made while Loa was down) can no longer be answered,
/// and the tap still acts.
async fn answer_tap(bot: &Bot, query: &CallbackQuery, notice: Option<String>) {
    let mut answer = bot.answer_callback_query(query.id.clone());
    if let Some(notice) = notice {
        answer = answer.text(notice).show_alert(false);
    }
    if let Err(error) = answer.await {
        tracing::info!(%error, "could not answer a button tap");
    }
}
