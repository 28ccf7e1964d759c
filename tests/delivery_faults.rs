//! What Telegram answers decides what the outbox does: wait, retry, give up on a chat, follow a
//! group to its supergroup — each delivery ends recorded, and no chat gets a second copy.

mod support;

use std::time::Duration;

use chrono::{DateTime, Duration as Span, TimeZone, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use support::{
    fake_telegram::Reply,
    test_app::{ADMIN_ID, Options, TestApp},
    ward::{announcements, count, delivery, outbox_drained, post_and_confirm},
};

const GROUP: i64 = -601;
const OTHER: i64 = -602;

async fn app_with_groups() -> TestApp {
    let app = TestApp::spawn().await;
    app.seed_chat(GROUP, "Tổ 6", Some("6"), &["waste"]).await;
    app.seed_chat(OTHER, "Tổ 8", Some("8"), &["waste"]).await;
    app
}

fn refusal(code: u16, description: &str) -> Reply {
    Reply::Error { code, description: description.into() }
}

async fn wait_for_state(app: &TestApp, chat: i64, state: &str) {
    app.eventually(&format!("chat {chat}'s delivery is {state}"), || async {
        delivery(app, chat).await.0 == state
    })
    .await;
}

#[tokio::test]
async fn a_429_waits_retry_after_then_sends_once() {
    let app = app_with_groups().await;
    app.telegram.script(GROUP, Reply::RetryAfter(30));
    post_and_confirm(&app, ADMIN_ID, "waste Nhắc đổ rác").await;

    app.eventually("the 429 is recorded", || async {
        delivery(&app, GROUP).await.1.is_some_and(|error| error.contains("429"))
    })
    .await;
    assert_eq!(delivery(&app, GROUP).await.0, "pending");
    assert!(announcements(&app, GROUP).is_empty(), "nothing is resent before retry_after");
    app.eventually("the other group is not held back", || async { announcements(&app, OTHER).len() == 1 })
        .await;

    app.clock.advance(Span::seconds(30));
    wait_for_state(&app, GROUP, "sent").await;
    assert_eq!(announcements(&app, GROUP).len(), 1);
    assert_eq!(delivery(&app, GROUP).await.2, 2, "two attempts");
    app.stop().await;
}

#[tokio::test]
async fn a_kicked_bot_fails_the_delivery_marks_the_chat_inactive_and_the_report_says_why() {
    let app = app_with_groups().await;
    app.telegram.script(GROUP, refusal(403, "Forbidden: bot was kicked from the group chat"));
    post_and_confirm(&app, ADMIN_ID, "waste Nhắc đổ rác").await;
    outbox_drained(&app).await;

    assert_eq!(delivery(&app, GROUP).await.0, "failed");
    assert!(!app.store.chat_settings(GROUP).await.unwrap().unwrap().active, "later broadcasts skip it");
    let report = app.official_says(ADMIN_ID, "/report 1", 1).await;
    let report = &report[0].text;
    assert!(report.contains("Đã gửi: 1/2") && report.contains("Lỗi: 1"), "{report}");
    assert!(report.contains("Tổ 6 (-601): Forbidden: bot was kicked from the group chat"), "{report}");

    post_and_confirm(&app, ADMIN_ID, "waste Lần hai").await;
    outbox_drained(&app).await;
    assert_eq!(count(&app, "SELECT count(*) FROM deliveries WHERE broadcast_id = 2").await, 1);
    app.stop().await;
}

#[tokio::test]
async fn every_kind_of_lost_chat_is_permanent() {
    let cases = [
        (400, "Bad Request: chat not found"),
        (403, "Forbidden: bot is not a member of the supergroup chat"),
        (403, "Forbidden: the group chat was deleted"),
        (403, "Forbidden: bot was blocked by the user"),
    ];
    for (code, description) in cases {
        let app = app_with_groups().await;
        app.telegram.script(GROUP, refusal(code, description));
        post_and_confirm(&app, ADMIN_ID, "waste Thông báo").await;
        outbox_drained(&app).await;
        let (state, error, attempts) = delivery(&app, GROUP).await;
        assert_eq!((state.as_str(), attempts), ("failed", 1), "{description}");
        assert!(error.unwrap().contains(description));
        assert!(!app.store.chat_settings(GROUP).await.unwrap().unwrap().active, "{description}");
        app.stop().await;
    }
}

#[tokio::test]
async fn a_group_that_became_a_supergroup_gets_the_message_there_once() {
    const SUPERGROUP: i64 = -100_601;
    let app = app_with_groups().await;
    app.telegram.script(GROUP, Reply::Migrate(SUPERGROUP));
    post_and_confirm(&app, ADMIN_ID, "waste Nhắc đổ rác").await;
    outbox_drained(&app).await;

    assert_eq!(announcements(&app, SUPERGROUP).len(), 1);
    assert!(announcements(&app, GROUP).is_empty());
    assert_eq!(delivery(&app, SUPERGROUP).await.0, "sent");
    assert_eq!(app.store.subscriptions(SUPERGROUP).await.unwrap(), ["waste"], "the subscriptions moved");
    let moved = app.store.chat_settings(SUPERGROUP).await.unwrap().unwrap();
    assert_eq!(moved.area.unwrap().as_str(), "6");
    assert!(!app.store.chat_settings(GROUP).await.unwrap().unwrap().active);
    app.stop().await;
}

#[tokio::test]
async fn a_timeout_is_retried_with_backoff() {
    let app = TestApp::spawn_with(Options { send_timeout_secs: 1, ..Options::default() }).await;
    app.seed_chat(GROUP, "Tổ 6", Some("6"), &["waste"]).await;
    app.telegram.script(GROUP, Reply::Delay(Duration::from_secs(3)));
    post_and_confirm(&app, ADMIN_ID, "waste Nhắc đổ rác").await;

    app.eventually("the timeout is recorded for a retry", || async {
        let (state, error, _) = delivery(&app, GROUP).await;
        state == "pending" && error.is_some()
    })
    .await;
    app.clock.advance(Span::seconds(5));
    wait_for_state(&app, GROUP, "sent").await;
    assert_eq!(delivery(&app, GROUP).await.2, 2);
    app.stop().await;
}

/// teloxide itself waits 10 s after a 5xx answer, so this test takes that long.
#[tokio::test]
async fn a_server_error_is_retried_with_backoff() {
    let app = app_with_groups().await;
    app.telegram.script(GROUP, refusal(500, "Internal Server Error"));
    post_and_confirm(&app, ADMIN_ID, "waste Nhắc đổ rác").await;

    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while delivery(&app, GROUP).await.1.is_none() {
        assert!(tokio::time::Instant::now() < deadline, "the 5xx is recorded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(delivery(&app, GROUP).await.0, "pending", "a server error is not final");
    app.clock.advance(Span::seconds(5));
    wait_for_state(&app, GROUP, "sent").await;
    assert_eq!(announcements(&app, GROUP).len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn a_pin_that_fails_never_fails_the_delivery_and_is_counted() {
    let app = app_with_groups().await;
    app.telegram.script_method(
        "pinChatMessage",
        GROUP,
        refusal(400, "Bad Request: not enough rights to pin a message"),
    );
    post_and_confirm(&app, ADMIN_ID, "waste pin Nhắc đổ rác").await;
    outbox_drained(&app).await;

    assert_eq!(delivery(&app, GROUP).await.0, "sent");
    let report = app.official_says(ADMIN_ID, "/report 1", 1).await;
    assert!(
        report[0].text.contains("Đã ghim: 1") && report[0].text.contains("Không ghim được: 1"),
        "{}",
        report[0].text
    );
    app.stop().await;
}

/// A local time in the ward.
fn local(d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Ho_Chi_Minh.with_ymd_and_hms(2026, 6, d, h, mi, 0).unwrap().with_timezone(&Utc)
}

#[tokio::test]
async fn a_retry_that_comes_due_in_quiet_hours_waits_until_they_end_while_urgent_ones_go() {
    let app = TestApp::spawn().await;
    app.seed_chat(GROUP, "Tổ 6", Some("6"), &["waste"]).await;
    app.seed_chat(OTHER, "Tổ 8", Some("8"), &["security"]).await;
    app.clock.set(local(1, 21, 58));
    app.telegram.script(GROUP, Reply::RetryAfter(120));
    post_and_confirm(&app, ADMIN_ID, "waste area=6 Nhắc đổ rác").await;
    app.eventually("the send waits for its retry at 22:00", || async {
        delivery(&app, GROUP).await
            == ("pending".into(), Some("Telegram asked to wait 120 s (429)".into()), 1)
    })
    .await;

    app.clock.set(local(1, 22, 5));
    post_and_confirm(&app, ADMIN_ID, "security area=8 urgent Cháy ở ngõ 12, tránh xa khu vực").await;
    wait_for_state(&app, OTHER, "sent").await;
    // The claim that took the urgent send saw the retry due too, and left it.
    assert_eq!(delivery(&app, GROUP).await.0, "pending", "held in quiet hours");
    assert!(announcements(&app, GROUP).is_empty());

    app.clock.set(local(2, 6, 0));
    wait_for_state(&app, GROUP, "sent").await;
    assert_eq!(announcements(&app, GROUP).len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn edits_and_recalls_are_not_held_by_quiet_hours() {
    let app = app_with_groups().await;
    post_and_confirm(&app, ADMIN_ID, "waste Nhắc đổ rác").await;
    outbox_drained(&app).await;
    app.clock.set(local(1, 23, 0));
    app.official_says(ADMIN_ID, "/edit 1 Nhắc đổ rác đúng giờ", 1).await;
    outbox_drained(&app).await;
    assert_eq!(app.telegram.calls_to("editMessageText").len(), 2);
    app.official_says(ADMIN_ID, "/recall 1", 1).await;
    outbox_drained(&app).await;
    assert_eq!(app.telegram.calls_to("deleteMessage").len(), 2);
    app.stop().await;
}
