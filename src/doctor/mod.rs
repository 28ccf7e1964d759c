//! `loa doctor`: tells whoever set Loa up what is wrong, in `LOA_LANG`, one line per check with
//! what to do about a problem: the settings, the database (opened read-only: it changes
//! nothing, and a schema this binary would migrate is reported, not migrated), Telegram (the
//! bot, its privacy mode, the webhook against the polling Loa does, the clock against the Bot
//! API server's), who receives alerts, the bot's rights in every active group, and the
//! reminders' next fires. It sends no message. Exit status 0 when all is well, 1 otherwise.

mod alerts;
mod database;
mod finding;
mod groups;
mod reminders;
mod telegram;

use std::process::ExitCode;

use chrono::Utc;
use teloxide::Bot;

pub use finding::Finding;
use finding::say;

use crate::config::{Secret, Settings};

/// Examines everything, prints a line per check, and says whether all is well.
pub async fn run(settings: &Settings) -> ExitCode {
    // `loa` refuses to start without the token, as for `loa run`, with the same exit status.
    let Ok(token) = settings.token() else { return ExitCode::from(2) };
    let findings = examine(settings, token).await;
    for finding in &findings {
        println!("{finding}");
    }
    match findings.iter().all(Finding::is_ok) {
        true => ExitCode::SUCCESS,
        false => ExitCode::FAILURE,
    }
}

/// Every check, in the order a person would fix them. What depends on a failed check (the
/// groups, when Telegram cannot be reached) is left out rather than reported twice.
pub async fn examine(settings: &Settings, token: &Secret) -> Vec<Finding> {
    let lang = settings.default_lang;
    let mut findings = vec![Finding::ok(say(
        lang,
        format!("Cài đặt hợp lệ (ngôn ngữ {}, máy chủ Bot API {})", lang.code(), settings.api_url),
        format!("Settings are valid (language {}, Bot API server {})", lang.code(), settings.api_url),
    ))];
    let store = database::examine(settings, &mut findings).await;
    let bot = Bot::new(token.expose()).set_api_url(settings.api_url.clone());
    let me = telegram::examine(&bot, settings, &mut findings).await;
    if let Some(store) = store {
        alerts::examine(&store, settings, &mut findings).await;
        if let Some(me) = me {
            groups::examine(&bot, me, &store, settings, &mut findings).await;
        }
        reminders::examine(&store, settings, Utc::now(), &mut findings).await;
    }
    findings
}
