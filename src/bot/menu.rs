//! The command menu Telegram shows next to the text box, in Vietnamese and English.

use teloxide::{prelude::*, types::BotCommand};

use super::texts::{CommandHelp, RESIDENT_COMMANDS};
use crate::domain::Lang;

/// Registers the resident commands: Vietnamese for every user, English for English clients.
/// A failure is logged, not fatal: the bot answers commands without a menu too.
pub async fn register_menu(bot: &Bot, default_lang: Lang) {
    let menu = |lang: Lang| -> Vec<BotCommand> {
        RESIDENT_COMMANDS
            .iter()
            .map(|help: &CommandHelp| BotCommand::new(help.command, help.describe(lang)))
            .collect()
    };
    let results = [
        bot.set_my_commands(menu(default_lang)).await,
        bot.set_my_commands(menu(Lang::Vi)).language_code("vi").await,
        bot.set_my_commands(menu(Lang::En)).language_code("en").await,
    ];
    for error in results.into_iter().filter_map(Result::err) {
        tracing::warn!(%error, "could not register the command menu");
    }
}
