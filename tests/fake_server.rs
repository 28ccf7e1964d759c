//! Proves the fake Telegram server speaks the Bot API closely enough for the
//! real teloxide client, so end-to-end tests built on it mean something.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use teloxide::payloads::{EditMessageReplyMarkupSetters, GetUpdatesSetters, SendMessageSetters};
use teloxide::prelude::*;
use teloxide::types::{
    BotCommand, ChatMemberStatus, InlineKeyboardButton, InlineKeyboardMarkup, MessageId, ParseMode, Seconds,
    Update, UpdateKind,
};
use teloxide::{ApiError, RequestError};

use support::fake_telegram::{BOT_ID, BOT_USERNAME, FakeTelegram, Limits, Reply};
use support::updates;

const GROUP: i64 = -5;
const SUPERGROUP: i64 = -1001234567890;
const ALICE: i64 = 42;

fn keyboard() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("Yes", "yes")]])
}

/// Builders leave `update_id` to `push_update`; Update requires one.
fn parse(mut update: Value) -> Update {
    update["update_id"] = json!(1);
    // Not `from_value`: teloxide's UpdateKind asks for a borrowed key, which
    // a `Value` cannot lend, and then silently yields `UpdateKind::Error`.
    serde_json::from_str(&update.to_string()).expect("builder output is a valid Update")
}

fn message_of(update: Update) -> Message {
    match update.kind {
        UpdateKind::Message(message) => message,
        other => panic!("expected a message, got {other:?}"),
    }
}

#[tokio::test]
async fn get_me_reports_the_fixed_bot_identity() {
    let fake = FakeTelegram::start().await;

    let me = fake.bot().get_me().await.unwrap();

    assert_eq!(me.id, UserId(BOT_ID as u64));
    assert!(me.is_bot);
    assert_eq!(me.first_name, "Loa");
    assert_eq!(me.username(), BOT_USERNAME);
    assert_eq!(fake.calls_to("getMe").len(), 1);
}

#[tokio::test]
async fn pushed_updates_are_delivered_until_confirmed_by_offset() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    let first = fake.push_update(updates::text_in_group(GROUP, "Tổ 5", ALICE, "/subscribe waste"));
    let second = fake.push_update(updates::text_in_private(ALICE, "Alice", Some("alice"), "hi"));
    assert_eq!((first, second), (1, 2));

    let delivered = bot.get_updates().timeout(0).await.unwrap();
    assert_eq!(delivered.len(), 2);
    let message = message_of(delivered[0].clone());
    assert_eq!(message.chat.id, ChatId(GROUP));
    assert!(message.chat.is_group());
    assert_eq!(message.text(), Some("/subscribe waste"));

    let after_first = bot.get_updates().offset(2).timeout(0).await.unwrap();
    assert_eq!(after_first.len(), 1);
    assert!(message_of(after_first[0].clone()).chat.is_private());

    let after_both = bot.get_updates().offset(3).timeout(0).await.unwrap();
    assert!(after_both.is_empty());
    // Confirmed updates stay gone even without an offset.
    assert!(bot.get_updates().timeout(0).await.unwrap().is_empty());
}

#[tokio::test]
async fn get_updates_respects_limit() {
    let fake = FakeTelegram::start().await;
    for text in ["a", "b", "c"] {
        fake.push_update(updates::text_in_private(ALICE, "Alice", None, text));
    }

    let delivered = fake.bot().get_updates().limit(2).timeout(0).await.unwrap();

    assert_eq!(delivered.len(), 2);
}

#[tokio::test]
async fn long_poll_returns_as_soon_as_an_update_is_pushed() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    // Shorter than teloxide's 17 s client timeout, longer than the deadline
    // below: only an early wake-up can make this test pass.
    let poll = tokio::spawn(async move { bot.get_updates().timeout(15).await });
    fake.wait_for("the long poll to arrive", |calls| calls.iter().any(|call| call.method == "getUpdates"))
        .await;

    fake.push_update(updates::text_in_private(ALICE, "Alice", None, "wake up"));

    let delivered = tokio::time::timeout(Duration::from_secs(5), poll)
        .await
        .expect("the long poll should end when an update arrives")
        .unwrap()
        .unwrap();
    assert_eq!(delivered.len(), 1);
}

#[tokio::test]
async fn send_message_answers_a_message_from_the_bot_in_that_chat() {
    let fake = FakeTelegram::start().await;
    fake.push_update(updates::text_in_group(SUPERGROUP, "Phường 7", ALICE, "hello"));
    let bot = fake.bot();

    let first = bot
        .send_message(ChatId(SUPERGROUP), "<b>Lịch thu gom</b>")
        .parse_mode(ParseMode::Html)
        .reply_markup(keyboard())
        .await
        .unwrap();
    let second = bot.send_message(ChatId(SUPERGROUP), "again").await.unwrap();

    assert_eq!(first.chat.id, ChatId(SUPERGROUP));
    assert_eq!(first.chat.title(), Some("Phường 7"));
    assert_eq!(first.from.as_ref().map(|from| from.id), Some(UserId(BOT_ID as u64)));
    assert_eq!(first.text(), Some("<b>Lịch thu gom</b>"));
    assert_eq!(first.reply_markup(), Some(&keyboard()));
    assert_eq!(second.id, MessageId(first.id.0 + 1));

    let sent = fake.sent_to(SUPERGROUP);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].message_id, first.id.0);
    assert_eq!(sent[0].parse_mode.as_deref(), Some("HTML"));
    assert!(sent[0].reply_markup.is_some());
    assert_eq!(sent[1].text, "again");
    assert!(fake.sent_to(GROUP).is_empty());
}

#[tokio::test]
async fn wait_for_sent_returns_the_first_messages_once_they_arrive() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    tokio::spawn(async move {
        for text in ["one", "two", "three"] {
            bot.send_message(ChatId(GROUP), text).await.unwrap();
        }
    });

    let sent = fake.wait_for_sent(GROUP, 2).await;

    let texts: Vec<_> = sent.iter().map(|sent| sent.text.as_str()).collect();
    assert_eq!(texts, ["one", "two"]);
}

#[tokio::test]
#[should_panic(expected = "waiting for a message that never comes; calls: [getMe]")]
async fn wait_for_panics_with_its_description_and_the_calls_so_far() {
    let fake = FakeTelegram::start().await;
    fake.bot().get_me().await.unwrap();

    fake.wait_for_within(Duration::from_millis(50), "a message that never comes", |calls| {
        calls.iter().any(|call| call.method == "sendMessage")
    })
    .await;
}

#[tokio::test]
async fn get_chat_member_answers_every_status_a_test_sets() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();

    let default = bot.get_chat_member(ChatId(GROUP), UserId(ALICE as u64)).await.unwrap();
    assert_eq!(default.status(), ChatMemberStatus::Member);

    for (status, expected) in [
        ("creator", ChatMemberStatus::Owner),
        ("administrator", ChatMemberStatus::Administrator),
        ("member", ChatMemberStatus::Member),
        ("restricted", ChatMemberStatus::Restricted),
        ("left", ChatMemberStatus::Left),
        ("kicked", ChatMemberStatus::Banned),
    ] {
        fake.set_member_status(GROUP, BOT_ID, status);
        let member = bot.get_chat_member(ChatId(GROUP), UserId(BOT_ID as u64)).await.unwrap();
        assert_eq!(member.status(), expected, "status {status}");
        assert_eq!(member.user.id, UserId(BOT_ID as u64));
    }
}

#[tokio::test]
async fn a_members_rights_and_the_date_header_are_settable() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    fake.set_member_status(SUPERGROUP, BOT_ID, "administrator");
    fake.set_member_right(SUPERGROUP, BOT_ID, "can_pin_messages", false);
    fake.set_member_right(SUPERGROUP, BOT_ID, "can_post_messages", true);
    let member = bot.get_chat_member(ChatId(SUPERGROUP), UserId(BOT_ID as u64)).await.unwrap();
    let teloxide::types::ChatMemberKind::Administrator(rights) = member.kind else { panic!("{member:?}") };
    assert!(!rights.can_pin_messages && rights.can_post_messages && rights.can_manage_chat);

    fake.set_clock_skew(chrono::Duration::minutes(-3));
    // Any request is answered with a Date, a method of the Bot API or not.
    let client = teloxide::net::default_reqwest_settings().build().unwrap();
    let answer = client.get(fake.url()).send().await.unwrap();
    assert_eq!(answer.status().as_u16(), 404);
    let date = answer.headers().get("date").expect("a Date header").to_str().unwrap();
    let date = chrono::DateTime::parse_from_rfc2822(date).expect("an HTTP date");
    let skew = date.signed_duration_since(chrono::Utc::now()).num_seconds();
    assert!((-182..=-178).contains(&skew), "{date}: {skew} s");
}

#[tokio::test]
async fn scripted_errors_map_to_teloxide_errors_and_send_nothing() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    // teloxide knows the first wording; Telegram actually sends the second.
    fake.script(
        GROUP,
        Reply::Error { code: 403, description: "Unauthorized: bot was kicked from a chat".into() },
    );
    let wording = "Forbidden: bot was kicked from the group chat";
    fake.script(GROUP, Reply::Error { code: 403, description: wording.into() });

    let known = bot.send_message(ChatId(GROUP), "x").await.unwrap_err();
    let unknown = bot.send_message(ChatId(GROUP), "x").await.unwrap_err();
    let unscripted = bot.send_message(ChatId(GROUP), "x").await;

    assert!(matches!(known, RequestError::Api(ApiError::BotKicked)), "{known:?}");
    assert!(matches!(&unknown, RequestError::Api(ApiError::Unknown(text)) if text == wording), "{unknown:?}");
    assert!(unscripted.is_ok(), "scripts are used once: {unscripted:?}");
    assert_eq!(fake.sent_to(GROUP).len(), 1);
    assert_eq!(fake.calls_to("sendMessage").len(), 3);
}

#[tokio::test]
async fn scripted_retry_after_and_migration_map_to_their_request_errors() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    fake.script(GROUP, Reply::RetryAfter(7));
    fake.script(GROUP, Reply::Migrate(SUPERGROUP));

    let retry = bot.send_message(ChatId(GROUP), "x").await.unwrap_err();
    let migrate = bot.send_message(ChatId(GROUP), "x").await.unwrap_err();

    assert!(
        matches!(retry, RequestError::RetryAfter(after) if after == Seconds::from_seconds(7)),
        "{retry:?}"
    );
    assert!(matches!(migrate, RequestError::MigrateToChatId(ChatId(SUPERGROUP))), "{migrate:?}");
    assert!(fake.sent_messages().is_empty());
}

#[tokio::test]
async fn scripts_are_per_method_and_chat() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    fake.script_method(
        "getChatMember",
        GROUP,
        Reply::Error { code: 400, description: "Bad Request: chat not found".into() },
    );

    let other_chat = bot.send_message(ChatId(SUPERGROUP), "x").await;
    let other_method = bot.send_message(ChatId(GROUP), "x").await;
    let scripted = bot.get_chat_member(ChatId(GROUP), UserId(ALICE as u64)).await;

    assert!(other_chat.is_ok() && other_method.is_ok());
    assert!(matches!(scripted, Err(RequestError::Api(ApiError::ChatNotFound))), "{scripted:?}");
}

#[tokio::test]
async fn a_delayed_reply_is_delivered_before_it_is_answered() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    fake.script(GROUP, Reply::Delay(Duration::from_secs(60)));

    let send = tokio::spawn(async move { bot.send_message(ChatId(GROUP), "slow").await });
    fake.wait_for_sent(GROUP, 1).await;

    assert!(!send.is_finished(), "the answer should still be held back");
    send.abort();
}

#[tokio::test]
async fn enforced_limits_answer_429_and_count_it() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    fake.enforce_limits(Limits::default());

    bot.send_message(ChatId(ALICE), "first").await.unwrap();
    let refused = bot.send_message(ChatId(ALICE), "second").await.unwrap_err();
    let other_chat = bot.send_message(ChatId(GROUP), "elsewhere").await;

    assert!(
        matches!(refused, RequestError::RetryAfter(after) if after == Seconds::from_seconds(1)),
        "{refused:?}"
    );
    assert!(other_chat.is_ok(), "the per-chat limit is per chat: {other_chat:?}");
    assert_eq!(fake.too_many_requests(), 1);
    assert_eq!(fake.sent_messages().len(), 2);
}

#[tokio::test]
async fn unknown_methods_fail_and_are_recorded() {
    let fake = FakeTelegram::start().await;

    let error = fake.bot().send_dice(ChatId(GROUP)).await.unwrap_err();

    assert!(
        matches!(&error, RequestError::Api(ApiError::Unknown(text)) if text == "Not Found: method not found"),
        "{error:?}"
    );
    assert_eq!(fake.calls_to("sendDice").len(), 1);
}

#[tokio::test]
async fn every_other_served_method_deserialises() {
    let fake = FakeTelegram::start().await;
    let bot = fake.bot();
    fake.push_update(updates::my_chat_member(GROUP, "Tổ 5", ALICE, "left", "administrator"));
    fake.set_member_status(GROUP, ALICE, "creator");
    let sent = bot.send_message(ChatId(GROUP), "Vote?").reply_markup(keyboard()).await.unwrap();

    assert!(bot.get_webhook_info().await.unwrap().url.is_none());
    bot.delete_webhook().await.unwrap();
    bot.set_my_commands([BotCommand::new("subscribe", "Subscribe")]).await.unwrap();
    let edited = bot.edit_message_text(ChatId(GROUP), sent.id, "Vote!").await.unwrap();
    assert_eq!(edited.text(), Some("Vote!"));
    assert!(edited.edit_date().is_some());
    let unmarked = bot.edit_message_reply_markup(ChatId(GROUP), sent.id).await.unwrap();
    assert_eq!(unmarked.text(), Some("Vote!"), "the text as last edited");
    assert!(unmarked.reply_markup().is_none());
    let remarked =
        bot.edit_message_reply_markup(ChatId(GROUP), sent.id).reply_markup(keyboard()).await.unwrap();
    assert_eq!(remarked.reply_markup(), Some(&keyboard()));
    bot.pin_chat_message(ChatId(GROUP), sent.id).await.unwrap();
    bot.delete_message(ChatId(GROUP), sent.id).await.unwrap();
    bot.answer_callback_query("cb".to_owned().into()).await.unwrap();

    let chat = bot.get_chat(ChatId(GROUP)).await.unwrap();
    assert_eq!(chat.title(), Some("Tổ 5"));
    assert!(chat.is_group());
    assert!(bot.get_chat(ChatId(ALICE)).await.unwrap().is_private());

    // The pushed my_chat_member made the bot an administrator.
    let admins = bot.get_chat_administrators(ChatId(GROUP)).await.unwrap();
    let admins: Vec<_> = admins.iter().map(|admin| (admin.user.id, admin.status())).collect();
    assert_eq!(
        admins,
        [
            (UserId(ALICE as u64), ChatMemberStatus::Owner),
            (UserId(BOT_ID as u64), ChatMemberStatus::Administrator),
        ]
    );
}

#[test]
fn my_chat_member_builder_covers_joining_and_leaving() {
    for (old, new) in
        [("left", "member"), ("left", "administrator"), ("member", "left"), ("administrator", "kicked")]
    {
        let update = parse(updates::my_chat_member(GROUP, "Tổ 5", ALICE, old, new));
        let UpdateKind::MyChatMember(change) = update.kind else {
            panic!("{old} -> {new}: expected my_chat_member, got {:?}", update.kind);
        };
        assert_eq!(change.chat.id, ChatId(GROUP));
        assert_eq!(change.from.id, UserId(ALICE as u64));
        assert_eq!(change.new_chat_member.user.id, UserId(BOT_ID as u64));
        let statuses = (change.old_chat_member.status(), change.new_chat_member.status());
        let expected = (status(old), status(new));
        assert_eq!(statuses, expected, "{old} -> {new}");
    }
}

fn status(name: &str) -> ChatMemberStatus {
    match name {
        "member" => ChatMemberStatus::Member,
        "administrator" => ChatMemberStatus::Administrator,
        "left" => ChatMemberStatus::Left,
        "kicked" => ChatMemberStatus::Banned,
        other => panic!("no status {other}"),
    }
}

#[test]
fn anonymous_admin_message_comes_from_the_group_itself() {
    let message =
        message_of(parse(updates::text_from_anonymous_admin(SUPERGROUP, "Phường 7", "/broadcast hi")));

    assert!(message.from.as_ref().is_some_and(|from| from.is_anonymous()));
    assert_eq!(message.sender_chat.as_ref().map(|chat| chat.id), Some(ChatId(SUPERGROUP)));
    assert!(message.chat.is_supergroup());
    assert_eq!(message.text(), Some("/broadcast hi"));
}

#[test]
fn migration_messages_name_the_other_chat() {
    let to = message_of(parse(updates::migrated_to(GROUP, "Tổ 5", SUPERGROUP)));
    let from = message_of(parse(updates::migrated_from(SUPERGROUP, "Tổ 5", GROUP)));

    assert_eq!((to.chat.id, to.migrate_to_chat_id()), (ChatId(GROUP), Some(&ChatId(SUPERGROUP))));
    assert_eq!((from.chat.id, from.migrate_from_chat_id()), (ChatId(SUPERGROUP), Some(&ChatId(GROUP))));
}

#[tokio::test]
async fn callback_query_is_attached_to_the_message_the_bot_sent() {
    let fake = FakeTelegram::start().await;
    fake.bot().send_message(ChatId(GROUP), "Vote?").reply_markup(keyboard()).await.unwrap();
    let sent = fake.sent_to(GROUP).remove(0);

    let update = parse(updates::callback_query(&sent, ALICE, "yes"));

    let UpdateKind::CallbackQuery(query) = update.kind else {
        panic!("expected a callback query, got {:?}", update.kind);
    };
    assert_eq!(query.from.id, UserId(ALICE as u64));
    assert_eq!(query.data.as_deref(), Some("yes"));
    let message = query.regular_message().expect("an accessible message");
    assert_eq!((message.chat.id, message.id), (ChatId(GROUP), MessageId(sent.message_id)));
    assert_eq!(message.reply_markup(), Some(&keyboard()));
}

#[tokio::test]
async fn teloxide_dispatcher_polls_the_fake_and_replies() {
    let fake = FakeTelegram::start().await;
    let handler = Update::filter_message().endpoint(|bot: Bot, message: Message| async move {
        let echo = format!("echo: {}", message.text().unwrap_or_default());
        bot.send_message(message.chat.id, echo).await?;
        respond(())
    });
    let mut dispatcher = Dispatcher::builder(fake.bot(), handler).build();
    let shutdown = dispatcher.shutdown_token();
    let dispatching = tokio::spawn(async move { dispatcher.dispatch().await });

    fake.push_update(updates::text_in_group(GROUP, "Tổ 5", ALICE, "hello"));

    let sent = fake.wait_for_sent(GROUP, 1).await;
    assert_eq!(sent[0].text, "echo: hello");
    shutdown.shutdown().expect("dispatcher is running").await;
    dispatching.await.unwrap();
}
