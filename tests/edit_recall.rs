//! `/edit` and `/recall` change what was delivered, chat by chat, and report where they could not.

mod support;

use loa::clock::Clock;
use support::{
    fake_telegram::{Gate, Reply},
    test_app::{ADMIN_ID, TestApp},
    ward::{announcements, count, delivery, outbox_drained, post_and_confirm},
};
use teloxide::types::UserId;

const GROUP: i64 = -701;
const OTHER: i64 = -702;

async fn delivered() -> TestApp {
    let app = TestApp::spawn().await;
    app.seed_chat(GROUP, "Tổ 3", Some("3"), &["meeting"]).await;
    app.seed_chat(OTHER, "Tổ 4", Some("4"), &["meeting"]).await;
    post_and_confirm(&app, ADMIN_ID, "meeting Họp tổ dân phố lúc 19:30 tối thứ Bảy").await;
    outbox_drained(&app).await;
    app
}

#[tokio::test]
async fn edit_changes_the_text_in_every_chat_that_received_it() {
    let app = delivered().await;
    let reply = app.official_says(ADMIN_ID, "/edit 1 Họp tổ dân phố dời sang 20:00 <Chủ nhật>", 1).await;
    assert!(reply[0].text.contains("Đang sửa thông báo #1 ở 2"), "{}", reply[0].text);
    outbox_drained(&app).await;

    let edits = app.telegram.calls_to("editMessageText");
    assert_eq!(edits.len(), 2);
    for chat in [GROUP, OTHER] {
        let sent = &announcements(&app, chat)[0];
        let edit = edits.iter().find(|c| c.body["chat_id"] == chat).expect("edited");
        assert_eq!(edit.body["message_id"], sent.message_id);
        assert!(edit.body["text"].as_str().unwrap().ends_with("dời sang 20:00 <Chủ nhật>"), "{}", edit.body);
        assert_eq!(edit.body["entities"][0]["type"], "bold", "the heading stays bold: {}", edit.body);
    }
    let report = app.official_says(ADMIN_ID, "/report 1", 1).await;
    assert!(report[0].text.contains("Đã sửa: 2"), "{}", report[0].text);
    assert_eq!(count(&app, "SELECT count(*) FROM audit_log WHERE action = 'edit'").await, 1);
    app.stop().await;
}

#[tokio::test]
async fn recall_deletes_everywhere_it_can_and_reports_where_telegram_refused() {
    let app = delivered().await;
    app.telegram.script_method(
        "deleteMessage",
        OTHER,
        Reply::Error { code: 400, description: "Bad Request: message can't be deleted for everyone".into() },
    );
    let reply = app.official_says(ADMIN_ID, "/thuhoi 1", 1).await;
    assert!(reply[0].text.contains("Đang thu hồi thông báo #1"), "{}", reply[0].text);
    outbox_drained(&app).await;

    let deletions = app.telegram.calls_to("deleteMessage");
    assert_eq!(deletions.len(), 2);
    let report = app.official_says(ADMIN_ID, "/baocao 1", 1).await;
    let report = &report[0].text;
    assert!(report.contains("Đã xoá: 1"), "{report}");
    assert!(
        report.contains("Tổ 4 (-702): delete: Bad Request: message can't be deleted for everyone"),
        "{report}"
    );
    assert!(report.contains("Đã thu hồi"), "{report}");

    let again = app.official_says(ADMIN_ID, "/recall 1", 1).await;
    assert!(again[0].text.contains("đã bị thu hồi"), "{}", again[0].text);
    let edit = app.official_says(ADMIN_ID, "/edit 1 Nội dung mới", 1).await;
    assert!(edit[0].text.contains("đã bị thu hồi"), "{}", edit[0].text);
    app.stop().await;
}

#[tokio::test]
async fn recall_before_delivery_means_the_rest_never_receive_it() {
    let app = TestApp::spawn().await;
    app.seed_chat(GROUP, "Tổ 3", Some("3"), &["meeting"]).await;
    app.telegram.script(GROUP, Reply::RetryAfter(60));
    post_and_confirm(&app, ADMIN_ID, "meeting Họp").await;
    app.eventually("the send waits for its retry", || async {
        count(&app, "SELECT count(*) FROM deliveries WHERE state = 'pending' AND last_error IS NOT NULL")
            .await
            == 1
    })
    .await;

    app.official_says(ADMIN_ID, "/recall 1", 1).await;
    app.clock.advance(chrono::Duration::minutes(2));
    app.settle(GROUP).await;
    outbox_drained(&app).await;
    assert!(announcements(&app, GROUP).is_empty());
    assert_eq!(count(&app, "SELECT count(*) FROM deliveries WHERE state = 'cancelled'").await, 1);
    app.stop().await;
}

/// Posts to both groups with the send to GROUP held by the fake until `gate` opens, then
/// answered as `then`; returns once that send is in flight.
async fn posted_with_a_send_in_flight(app: &TestApp, gate: &Gate, then: Reply) {
    app.seed_chat(GROUP, "Tổ 3", Some("3"), &["meeting"]).await;
    app.seed_chat(OTHER, "Tổ 4", Some("4"), &["meeting"]).await;
    app.telegram.script(GROUP, Reply::Hold { gate: gate.clone(), then: Box::new(then) });
    post_and_confirm(app, ADMIN_ID, "meeting Họp tổ dân phố lúc 19:30").await;
    sends_to(app, GROUP, 1).await;
}

/// Waits until the fake has received `n` sendMessage calls for `chat`.
async fn sends_to(app: &TestApp, chat: i64, n: usize) {
    app.telegram
        .wait_for("the send to the group", |calls| {
            calls.iter().filter(|c| c.method == "sendMessage" && c.body["chat_id"] == chat).count() >= n
        })
        .await;
}

#[tokio::test]
async fn a_send_in_flight_during_recall_that_comes_back_as_retry_is_never_sent() {
    let app = TestApp::spawn().await;
    let gate = Gate::default();
    posted_with_a_send_in_flight(&app, &gate, Reply::RetryAfter(1)).await;
    let recalled = app.official_says(ADMIN_ID, "/recall 1", 1).await;
    assert!(recalled[0].text.contains("Đang thu hồi thông báo #1"), "{}", recalled[0].text);

    gate.open();
    outbox_drained(&app).await;
    assert_eq!(delivery(&app, GROUP).await.0, "cancelled", "the retry is not queued again");
    app.clock.advance(chrono::Duration::minutes(5));
    app.settle(GROUP).await;
    assert!(announcements(&app, GROUP).is_empty());
    assert_eq!(app.telegram.calls_to("deleteMessage").len(), 1, "the other group's copy is deleted");
    app.stop().await;
}

#[tokio::test]
async fn a_send_in_flight_during_recall_that_went_through_is_deleted() {
    let app = TestApp::spawn().await;
    let gate = Gate::default();
    posted_with_a_send_in_flight(&app, &gate, Reply::Ok).await;
    app.official_says(ADMIN_ID, "/recall 1", 1).await;

    gate.open();
    outbox_drained(&app).await;
    let deleted: Vec<_> =
        app.telegram.calls_to("deleteMessage").into_iter().map(|call| call.body["chat_id"].clone()).collect();
    assert!(deleted.contains(&GROUP.into()) && deleted.contains(&OTHER.into()), "{deleted:?}");
    app.stop().await;
}

#[tokio::test]
async fn a_send_in_flight_at_a_crash_of_a_broadcast_recalled_meanwhile_is_not_resumed() {
    let mut app = TestApp::spawn().await;
    let gate = Gate::default();
    posted_with_a_send_in_flight(&app, &gate, Reply::Ok).await;
    app.crash().await;
    assert_eq!(delivery(&app, GROUP).await.0, "sending");
    app.store.recall_broadcast(1, UserId(ADMIN_ID as u64), app.clock.now()).await.unwrap();

    app.start().await;
    app.settle(GROUP).await;
    outbox_drained(&app).await;
    assert_eq!(delivery(&app, GROUP).await.0, "cancelled");
    assert!(announcements(&app, GROUP).is_empty(), "nothing reached the group after the crash");
    let sends = app.telegram.calls_to("sendMessage");
    let announcing = |c: &&support::fake_telegram::Call| {
        c.body["chat_id"] == GROUP && c.body["text"].as_str().is_some_and(|text| text.contains("📢"))
    };
    assert_eq!(sends.iter().filter(announcing).count(), 1, "only the held one");
    app.stop().await;
}

#[tokio::test]
async fn a_group_that_moved_while_its_send_was_in_flight_during_recall_gets_nothing() {
    const SUPERGROUP: i64 = -100_701;
    let app = TestApp::spawn().await;
    let gate = Gate::default();
    posted_with_a_send_in_flight(&app, &gate, Reply::Migrate(SUPERGROUP)).await;
    app.official_says(ADMIN_ID, "/recall 1", 1).await;

    gate.open();
    app.eventually("the group moved", || async {
        count(&app, "SELECT count(*) FROM chats WHERE id = -100701").await == 1
    })
    .await;
    outbox_drained(&app).await;
    app.settle(ADMIN_ID).await;
    assert!(app.telegram.sent_to(SUPERGROUP).is_empty(), "nothing sent to the new supergroup");
    assert_eq!(count(&app, "SELECT count(*) FROM deliveries WHERE state = 'pending'").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn a_recall_mid_broadcast_stops_it_at_once_and_deletes_what_went_out() {
    // 10 msg/s: the worker holds a few claimed jobs ahead of their slots when the recall comes.
    let app = TestApp::spawn_with(support::test_app::Options { rate_global: 10, ..Default::default() }).await;
    let groups: Vec<i64> = (1..=30).map(|n| -7000 - n).collect();
    for group in &groups {
        app.seed_chat(*group, "Tổ", Some("9"), &["meeting"]).await;
    }
    post_and_confirm(&app, ADMIN_ID, "meeting Họp tổ dân phố lúc 19:30").await;
    app.eventually("the broadcast is under way", || async {
        count(&app, "SELECT count(*) FROM deliveries WHERE state = 'sent'").await >= 5
    })
    .await;
    let delivered = |app: &TestApp| groups.iter().map(|g| announcements(app, *g).len()).sum::<usize>();

    app.official_says(ADMIN_ID, "/recall 1", 1).await;
    let at_recall = delivered(&app);
    outbox_drained(&app).await;
    let after = delivered(&app);
    assert!(after <= at_recall + 1, "at most a send already under way: {at_recall} then {after}");
    assert!(after < groups.len(), "the recall came mid-broadcast");
    assert_eq!(app.telegram.calls_to("deleteMessage").len(), after, "every copy that went out is deleted");
    let cancelled = count(&app, "SELECT count(*) FROM deliveries WHERE state = 'cancelled'").await as usize;
    assert_eq!(cancelled, groups.len() - after, "the rest is cancelled, none left pending");
    app.stop().await;
}

#[tokio::test]
async fn bad_ids_get_the_form() {
    let app = delivered().await;
    for (command, expected) in [
        ("/edit", "/edit <số thông báo> <nội dung mới>"),
        ("/edit 1", "/edit <số thông báo> <nội dung mới>"),
        ("/edit 99 Mới", "Không có thông báo #99"),
        ("/recall x", "/recall <số thông báo>"),
        ("/report", "/report <số thông báo>"),
        ("/report 42", "Không có thông báo #42"),
    ] {
        let reply = app.official_says(ADMIN_ID, command, 1).await;
        assert!(reply[0].text.contains(expected), "{command}: {}", reply[0].text);
    }
    let list = app.official_says(ADMIN_ID, "/dsgui", 1).await;
    assert!(list[0].text.contains("#1 · ") && list[0].text.contains("2/2"), "{}", list[0].text);
    app.stop().await;
}
