//! One request to Telegram for one job, and what its answer means for the outbox.

use chrono::{DateTime, Duration, Utc};
use teloxide::{ApiError, RequestError, prelude::*, types::MessageId};

use super::announce::{self, AckButton};
use crate::{
    domain::Rendered,
    store::{Action, Job, Outcome},
};

/// Transient failures are retried this many times in all, then the job fails.
pub const MAX_ATTEMPTS: u32 = 8;
/// The wait before the second attempt; it doubles each time (5 s, 10 s, ... about 10 min).
const FIRST_BACKOFF: Duration = Duration::seconds(5);

/// Performs `job` with its content (or, for a reminder or a notice, its message) already
/// rendered and its acknowledgement button, if it has one, and classifies the result.
pub async fn perform(
    bot: &Bot,
    job: &Job,
    rendered: Rendered,
    button: Option<AckButton>,
    now: impl Fn() -> DateTime<Utc>,
) -> Outcome {
    let chat = ChatId(job.chat_id);
    let media = &job.content.media;
    let error = match &job.action {
        Action::Send { pin } => match announce::send(bot, chat, &rendered, media, button.as_ref()).await {
            Ok(ids) => {
                let first = ids[0];
                // A pin is a courtesy: its failure (no rights) never fails the delivery. Asked only
                // when wanted (`then_some` would make the call whatever `pin` says).
                let pinned = if *pin && job.is_group {
                    Some(bot.pin_chat_message(chat, first).disable_notification(true).await.is_ok())
                } else {
                    None
                };
                let more = ids[1..].iter().map(|id| id.0).collect();
                return Outcome::Sent { message_id: first.0, more, pinned };
            }
            Err(announce::Failure { error, partial }) => {
                return match classify(&error, job.attempts, now()) {
                    Outcome::Retry { error, at, .. } => Outcome::Retry { error, at, in_doubt: partial },
                    other => other,
                };
            }
        },
        Action::Edit { message_id } => {
            let edited = announce::edit(bot, chat, MessageId(*message_id), &rendered, media, button.as_ref());
            match edited.await {
                Ok(()) => return Outcome::Done,
                Err(error) => error,
            }
        }
        Action::Delete { message_ids } => match announce::delete(bot, chat, message_ids).await {
            Ok(()) => return Outcome::Done,
            Err(error) => error,
        },
        Action::ShowAcks { message_id } => {
            let Some(button) = button else { return Outcome::Done };
            match announce::show_button(bot, chat, MessageId(*message_id), &button).await {
                Ok(()) => return Outcome::Done,
                Err(error) => error,
            }
        }
        Action::RemindAck | Action::ReportOverdue { .. } => {
            let mut message = bot.send_message(chat, &rendered.text);
            message.reply_markup =
                button.filter(|_| job.action == Action::RemindAck).map(|b| b.markup.into());
            match message.await {
                Ok(sent) => return Outcome::Sent { message_id: sent.id.0, more: Vec::new(), pinned: None },
                Err(error) => error,
            }
        }
        Action::CountMembers => match announce::member_count(bot, chat).await {
            Ok(members) => return Outcome::Counted { members },
            Err(error) => error,
        },
    };
    classify(&error, job.attempts, now())
}

/// What a failed request means: retry later, give up on this job, give up on the chat, or
/// follow the group to its new supergroup id.
pub fn classify(error: &RequestError, attempts: u32, now: DateTime<Utc>) -> Outcome {
    match error {
        RequestError::RetryAfter(wait) => Outcome::Retry {
            error: format!("Telegram asked to wait {} s (429)", wait.seconds()),
            at: now + Duration::seconds(i64::from(wait.seconds())),
            in_doubt: false,
        },
        RequestError::MigrateToChatId(to) => Outcome::Migrated { to: to.0 },
        RequestError::Api(api) if chat_is_gone(api) => {
            Outcome::Failed { error: reason(api), chat_gone: true }
        }
        RequestError::Api(ApiError::Unknown(text)) if looks_transient(text) => {
            retry_or_give_up(text, attempts, now)
        }
        RequestError::Api(api) => Outcome::Failed { error: reason(api), chat_gone: false },
        RequestError::Network(_) | RequestError::InvalidJson { .. } | RequestError::Io(_) => {
            retry_or_give_up(&error.to_string(), attempts, now)
        }
    }
}

/// Telegram's own words, for the report.
fn reason(error: &ApiError) -> String {
    match error {
        ApiError::Unknown(text) => text.clone(),
        known => known.to_string(),
    }
}

/// The bot can no longer write to the chat: kicked, blocked, not a member, the group deleted or
/// deactivated, the chat unknown. Several of these arrive as `Unknown` with Telegram's text.
fn chat_is_gone(error: &ApiError) -> bool {
    match error {
        ApiError::BotBlocked
        | ApiError::BotKicked
        | ApiError::BotKickedFromSupergroup
        | ApiError::BotKickedFromChannel
        | ApiError::UserDeactivated
        | ApiError::CantInitiateConversation
        | ApiError::ChatNotFound
        | ApiError::GroupDeactivated => true,
        ApiError::Unknown(text) => {
            let text = text.to_lowercase();
            text.starts_with("forbidden")
                || [
                    "chat not found",
                    "not a member",
                    "group chat was deleted",
                    "kicked",
                    "blocked",
                    "deactivated",
                ]
                .iter()
                .any(|sign| text.contains(sign))
        }
        _ => false,
    }
}

/// Telegram's own refusals start with their HTTP reason; anything else (an "Internal Server
/// Error", a proxy's "Bad Gateway") is the server's trouble and worth another try.
fn looks_transient(text: &str) -> bool {
    !["Bad Request", "Forbidden", "Unauthorized", "Not Found", "Conflict"]
        .iter()
        .any(|refusal| text.starts_with(refusal))
}

fn retry_or_give_up(error: &str, attempts: u32, now: DateTime<Utc>) -> Outcome {
    if attempts >= MAX_ATTEMPTS {
        return Outcome::Failed {
            error: format!("gave up after {attempts} attempts: {error}"),
            chat_gone: false,
        };
    }
    let backoff = FIRST_BACKOFF * 2_i32.pow(attempts.saturating_sub(1));
    Outcome::Retry { error: error.to_owned(), at: now + backoff, in_doubt: false }
}

#[cfg(test)]
mod tests {
    use teloxide::types::Seconds;

    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000, 0).unwrap()
    }

    fn api(text: &str) -> RequestError {
        RequestError::Api(serde_json::from_value(serde_json::Value::String(text.into())).unwrap())
    }

    #[test]
    fn retry_after_waits_as_long_as_telegram_asks() {
        let outcome = classify(&RequestError::RetryAfter(Seconds::from_seconds(7)), 1, now());
        assert!(matches!(outcome, Outcome::Retry { at, .. } if at == now() + Duration::seconds(7)));
    }

    #[test]
    fn every_way_of_losing_a_chat_is_permanent_and_marks_the_chat() {
        for text in [
            "Forbidden: bot was kicked from the group chat",
            "Forbidden: bot was blocked by the user",
            "Forbidden: bot is not a member of the supergroup chat",
            "Forbidden: the group chat was deleted",
            "Bad Request: chat not found",
            "Forbidden: user is deactivated",
        ] {
            let outcome = classify(&api(text), 1, now());
            assert!(matches!(&outcome, Outcome::Failed { chat_gone: true, .. }), "{text}: {outcome:?}");
        }
    }

    #[test]
    fn other_refusals_fail_the_message_but_keep_the_chat() {
        let outcome =
            classify(&api("Bad Request: not enough rights to send text messages to the chat"), 1, now());
        assert!(matches!(outcome, Outcome::Failed { chat_gone: false, .. }), "{outcome:?}");
    }

    #[test]
    fn server_errors_back_off_exponentially_then_give_up() {
        let at = |attempts| match classify(&api("Internal Server Error"), attempts, now()) {
            Outcome::Retry { at, .. } => Some(at - now()),
            _ => None,
        };
        assert_eq!(at(1), Some(Duration::seconds(5)));
        assert_eq!(at(2), Some(Duration::seconds(10)));
        assert_eq!(at(4), Some(Duration::seconds(40)));
        assert_eq!(at(MAX_ATTEMPTS), None);
        assert!(matches!(
            classify(&api("Internal Server Error"), MAX_ATTEMPTS, now()),
            Outcome::Failed { chat_gone: false, error } if error.contains("gave up after 8 attempts")
        ));
    }

    #[test]
    fn a_migrated_group_is_followed() {
        let outcome = classify(&RequestError::MigrateToChatId(ChatId(-10_077)), 1, now());
        assert_eq!(outcome, Outcome::Migrated { to: -10_077 });
    }
}
