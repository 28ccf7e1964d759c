//! A restart in the middle of a broadcast: the outbox finishes the work, and no chat gets a
//! second copy — except, after a crash, at most the chats whose send was in flight.

mod support;

use std::collections::HashMap;

use support::{
    fake_telegram::{Gate, Reply},
    test_app::{ADMIN_ID, Options, TestApp},
    ward::{announcements, count, outbox_drained, post_and_confirm},
};

const GROUPS: i64 = 30;

/// Slow enough (10 msg/s) that a test can stop the bot mid-broadcast.
async fn slow_ward() -> TestApp {
    let app = TestApp::spawn_with(Options { rate_global: 10, ..Options::default() }).await;
    for n in 1..=GROUPS {
        app.seed_chat(-1000 - n, &format!("Tổ {n}"), Some("1"), &["health"]).await;
    }
    app
}

fn copies_per_group(app: &TestApp) -> HashMap<i64, usize> {
    (1..=GROUPS).map(|n| (-1000 - n, announcements(app, -1000 - n).len())).collect()
}

async fn some_sent(app: &TestApp) {
    app.eventually("a few groups got it", || async {
        count(app, "SELECT count(*) FROM deliveries WHERE state = 'sent'").await >= 5
    })
    .await;
}

#[tokio::test]
async fn a_graceful_restart_mid_broadcast_delivers_each_group_exactly_once() {
    let mut app = slow_ward().await;
    post_and_confirm(&app, ADMIN_ID, "health Phát quang bụi rậm, diệt bọ gậy").await;
    some_sent(&app).await;

    app.restart().await;
    let unfinished = count(&app, "SELECT count(*) FROM deliveries WHERE state != 'sent'").await;
    assert!(unfinished > 0, "the restart happened mid-broadcast");
    outbox_drained(&app).await;

    for (group, copies) in copies_per_group(&app) {
        assert_eq!(copies, 1, "group {group}");
    }
    app.stop().await;
}

#[tokio::test]
async fn after_a_crash_every_group_gets_it_and_only_in_flight_sends_may_repeat() {
    let mut app = slow_ward().await;
    post_and_confirm(&app, ADMIN_ID, "health Phát quang bụi rậm, diệt bọ gậy").await;
    some_sent(&app).await;

    app.crash().await;
    let in_flight = count(&app, "SELECT count(*) FROM deliveries WHERE state = 'sending'").await as usize;
    let pending = count(&app, "SELECT count(*) FROM deliveries WHERE state = 'pending'").await;
    assert!(pending > 0, "the crash happened mid-broadcast");
    app.start().await;
    outbox_drained(&app).await;

    let copies = copies_per_group(&app);
    assert!(copies.values().all(|n| *n >= 1), "every group got it: {copies:?}");
    let repeated: usize = copies.values().map(|n| n - 1).sum();
    assert!(repeated <= in_flight, "{repeated} repeats, {in_flight} in flight at the crash");
    assert_eq!(count(&app, "SELECT count(*) FROM deliveries WHERE state = 'sent'").await, GROUPS);
    app.stop().await;
}

#[tokio::test]
async fn the_report_names_the_chats_whose_send_was_in_flight_at_a_crash() {
    let mut app = slow_ward().await;
    // The send to group 1 never answers before the crash.
    app.telegram.script(-1001, Reply::Hold { gate: Gate::default(), then: Box::new(Reply::Ok) });
    post_and_confirm(&app, ADMIN_ID, "health Phát quang bụi rậm, diệt bọ gậy").await;
    app.telegram
        .wait_for("the send to group 1", |calls| {
            calls.iter().any(|c| c.method == "sendMessage" && c.body["chat_id"] == -1001)
        })
        .await;

    app.crash().await;
    app.start().await;
    outbox_drained(&app).await;
    let report = app.official_says(ADMIN_ID, "/report 1", 1).await;
    let report = &report[0].text;
    assert!(report.contains("Có thể đã nhận hai lần"), "{report}");
    assert!(report.contains("Tổ 1 (-1001)"), "{report}");
    let in_doubt = count(&app, "SELECT count(*) FROM deliveries WHERE in_doubt = 1").await;
    let listed = report.lines().filter(|line| line.starts_with("  • ")).count() as i64;
    assert_eq!(listed, in_doubt, "every chat in doubt is named, and only those: {report}");
    app.stop().await;
}
