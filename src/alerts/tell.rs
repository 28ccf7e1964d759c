//! Who is told, and how: the desk chat where one is set, else every admin official in private,
//! each in its own language (`LOA_LANG` unless the chat chose one). If the desk group is gone,
//! the admins are told instead, as they get residents' reports then.

use teloxide::types::ChatId;
use tokio::sync::oneshot;

use crate::{
    bot::{Context, Receipt, Reply},
    domain::{Lang, Role},
    error::Result,
};

/// A message queued for one chat, and what became of it.
pub(super) struct Copy {
    chat: ChatId,
    receipt: oneshot::Receiver<Receipt>,
}

/// Queues the message, `text` in each recipient's language, for everyone who is told.
pub(super) async fn tell(ctx: &Context, text: impl Fn(Lang) -> String) -> Result<Vec<Copy>> {
    let chats = match ctx.desk.chat {
        Some(desk) => vec![desk],
        None => admins(ctx).await?,
    };
    if chats.is_empty() {
        // Nobody to tell: it stays owed until there is someone (`loa doctor` says so).
        tracing::debug!("no admin official and no desk chat to alert");
    }
    Ok(queue(ctx, chats, &text).await)
}

/// Waits until Telegram answered for every copy; returns whether it answered for any. A desk
/// chat that is gone passes the message on to the admins.
pub(super) async fn answered(ctx: &Context, mut copies: Vec<Copy>, text: impl Fn(Lang) -> String) -> bool {
    let mut answered = false;
    while let Some(copy) = copies.pop() {
        match copy.receipt.await {
            Ok(Receipt::Failed { reason, chat_gone: true }) if ctx.desk.chat == Some(copy.chat) => {
                tracing::error!(desk = copy.chat.0, %reason, "the desk chat is gone; alerting the admins instead");
                match admins(ctx).await {
                    Ok(chats) => copies.extend(queue(ctx, chats, &text).await),
                    Err(error) => tracing::warn!(%error, "could not alert the admins"),
                }
            }
            Ok(_) => answered = true,
            Err(_) => tracing::warn!(chat = copy.chat.0, "an alert was not sent"),
        }
    }
    answered
}

async fn admins(ctx: &Context) -> Result<Vec<ChatId>> {
    let officials = ctx.store.officials().await?;
    Ok(officials
        .into_iter()
        .filter(|official| official.role == Role::Admin)
        .map(|admin| admin.user_id.into())
        .collect())
}

async fn queue(ctx: &Context, chats: Vec<ChatId>, text: &impl Fn(Lang) -> String) -> Vec<Copy> {
    let mut copies = Vec::new();
    for chat in chats {
        // The language is a courtesy: a database that cannot be read does not hold an alert up.
        let lang = ctx.lang_of(chat).await.unwrap_or(ctx.default_lang);
        let receipt = ctx.replies.push_with_receipt(chat, lang, Reply::from(text(lang)).into());
        copies.push(Copy { chat, receipt });
    }
    copies
}
