//! The Telegram side: one dptree tree (`schema`) routes each update to a handler. The same tree
//! runs in production and in the tests.

mod acks;
mod commands;
mod desk;
mod membership;
mod menu;
mod official;
mod outgoing;
mod pages;
mod permissions;
mod reply;
mod resident;
pub mod texts;
mod toggles;

use std::sync::Arc;

use chrono_tz::Tz;
use teloxide::{
    dispatching::{HandlerExt, UpdateFilterExt, UpdateHandler},
    prelude::*,
    types::{Chat, Me},
};

pub use commands::{OfficialCommand, ResidentCommand};
pub use desk::{catch_up as desk_catch_up, watch as watch_desk};
pub use menu::register_menu;
pub use outgoing::{Receipt, ReplyQueue};
pub use reply::{Outgoing, Reply};

use crate::{
    clock::Clock,
    config::DeskSettings,
    delivery::OutboxSignal,
    domain::{Lang, QuietHours, TopicCatalog},
    error::{Error, Result},
    scheduler::ScheduleSignal,
    store::{ChatInfo, ChatKind, Store},
};

/// What every handler may use; injected into the tree as one dependency.
pub struct Context {
    pub store: Store,
    pub topics: TopicCatalog,
    pub default_lang: Lang,
    pub timezone: Tz,
    pub clock: Arc<dyn Clock>,
    /// Wakes the delivery worker when new work is written.
    pub outbox: OutboxSignal,
    /// Wakes the scheduler when a reminder is created or changed.
    pub schedule: ScheduleSignal,
    /// Every message to a person leaves through here.
    pub replies: ReplyQueue,
    /// Officials' albums still arriving, item by item.
    pub albums: official::Albums,
    pub quiet_hours: Option<QuietHours>,
    /// `LOA_WARD_NAME`; `None`: "phường" / "the ward".
    pub ward_name: Option<String>,
    /// Where residents' reports go, and for how long they are kept.
    pub desk: DeskSettings,
}

impl Context {
    /// Queues a handler's answer for `chat`. When the handler failed, the user is told that
    /// something went wrong instead, and the error is passed on to be logged.
    pub fn answer(&self, chat: ChatId, lang: Lang, outcome: Result<Vec<Outgoing>>) -> Result<()> {
        match outcome {
            Ok(messages) => {
                self.replies.push(chat, lang, messages);
                Ok(())
            }
            Err(error) => {
                self.replies.push(chat, lang, one(texts::internal_error(lang)));
                Err(error)
            }
        }
    }

    /// Queues one message for `chat`.
    pub fn say(&self, chat: ChatId, lang: Lang, message: impl Into<Outgoing>) {
        self.replies.push(chat, lang, one(message));
    }

    /// The language of a chat: its own choice, or `LOA_LANG`.
    pub async fn lang_of(&self, chat_id: ChatId) -> Result<Lang> {
        let settings = self.store.chat_settings(chat_id.0).await?;
        Ok(settings.and_then(|s| s.lang).unwrap_or(self.default_lang))
    }
}

/// The whole update-handling tree.
pub fn schema() -> UpdateHandler<Error> {
    let messages = Update::filter_message()
        .branch(Message::filter_migration().endpoint(membership::chat_migrated))
        .branch(dptree::entry().filter_command::<ResidentCommand>().endpoint(resident::handle))
        .branch(dptree::entry().filter_command::<OfficialCommand>().endpoint(official::handle))
        .branch(dptree::filter(is_unknown_command_for_us).endpoint(resident::unknown_command))
        .branch(dptree::filter_map_async(desk::replied_card).endpoint(desk::reply_to_card))
        .branch(
            dptree::filter(|message: Message| message.chat.is_private())
                .branch(dptree::filter_map_async(desk::open_report).endpoint(desk::report_message))
                .endpoint(official::incoming_message),
        );

    let buttons = Update::filter_callback_query()
        .branch(dptree::filter(|query: CallbackQuery| acks::is_ack_button(&query)).endpoint(acks::tap))
        .branch(dptree::filter(|query: CallbackQuery| pages::is_page_button(&query)).endpoint(pages::turn))
        .branch(dptree::filter(|query: CallbackQuery| toggles::is_toggle(&query)).endpoint(toggles::tap))
        .branch(dptree::filter(|query: CallbackQuery| desk::is_desk_button(&query)).endpoint(desk::tap))
        .branch(
            dptree::filter(|query: CallbackQuery| official::is_flow_button(&query))
                .endpoint(official::flow_button),
        )
        .branch(dptree::endpoint(official::button));

    dptree::entry()
        .branch(Update::filter_my_chat_member().endpoint(membership::bot_status_changed))
        .branch(buttons)
        .branch(messages)
}

/// A command no enum parsed that is still meant for this bot: in a private chat, or in a group
/// when it names this bot. `/cmd@otherbot` and other bots' commands in groups are left alone.
fn is_unknown_command_for_us(message: Message, me: Me) -> bool {
    let Some(text) = message.text() else { return false };
    let Some(mention) = text.split_whitespace().next().and_then(|word| word.strip_prefix('/')) else {
        return false;
    };
    match mention.split_once('@') {
        Some((_, bot)) => me.username.as_deref().is_some_and(|ours| ours.eq_ignore_ascii_case(bot)),
        None => message.chat.is_private(),
    }
}

/// The facts about a chat that the store records.
fn chat_info(chat: &Chat) -> ChatInfo {
    let kind = if chat.is_private() {
        ChatKind::Private
    } else if chat.is_group() {
        ChatKind::Group
    } else if chat.is_supergroup() {
        ChatKind::Supergroup
    } else {
        ChatKind::Channel
    };
    let title = match chat.title() {
        Some(title) => title.to_owned(),
        None => [chat.first_name(), chat.last_name()].into_iter().flatten().collect::<Vec<_>>().join(" "),
    };
    ChatInfo { id: chat.id.0, kind, title }
}

/// A handler's answer of one message.
fn one(message: impl Into<Outgoing>) -> Vec<Outgoing> {
    vec![message.into()]
}
