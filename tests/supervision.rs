//! Nothing stops silently: when the database is unavailable for longer than its busy timeout
//! in the middle of a broadcast, the worker fails, backs off and carries on by itself once the
//! fault clears — without a restart of the process, and without sending anything twice.

mod support;

use std::time::Duration;

use sqlx::{Connection, SqliteConnection};
use support::{
    test_app::{ADMIN_ID, Options, TestApp},
    ward::{announcements, count, outbox_drained, post_and_confirm},
};

const GROUPS: i64 = 30;

#[tokio::test]
async fn a_database_locked_past_its_timeout_mid_broadcast_stalls_the_worker_but_loses_nothing() {
    // 10 msg/s and a slow server, so that sends are in flight when the lock is taken.
    let app = TestApp::spawn_with(Options { rate_global: 10, ..Options::default() }).await;
    app.telegram.set_latency(Duration::from_millis(150));
    for n in 1..=GROUPS {
        app.seed_chat(-1000 - n, &format!("Tổ {n}"), Some("1"), &["health"]).await;
    }
    post_and_confirm(&app, ADMIN_ID, "health Phát quang bụi rậm, diệt bọ gậy").await;
    app.eventually("a few groups got it", || async {
        count(&app, "SELECT count(*) FROM deliveries WHERE state = 'sent'").await >= 5
    })
    .await;

    // Another process holds SQLite's write lock for longer than Loa's busy timeout (5 s).
    let mut locker = SqliteConnection::connect(app.database_url()).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut locker).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while app.health.worker.failures() == 0 {
        assert!(tokio::time::Instant::now() < deadline, "the worker never noticed the lock");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!app.health.worker.is_healthy(), "a failing worker is reported");
    let unfinished = count(&app, "SELECT count(*) FROM deliveries WHERE state != 'sent'").await;
    assert!(unfinished > 0, "the fault came mid-broadcast");
    sqlx::query("ROLLBACK").execute(&mut locker).await.unwrap();

    outbox_drained(&app).await;
    assert_eq!(count(&app, "SELECT count(*) FROM deliveries WHERE state = 'sent'").await, GROUPS);
    for n in 1..=GROUPS {
        assert_eq!(announcements(&app, -1000 - n).len(), 1, "group {n} got exactly one copy");
    }
    assert_eq!(app.telegram.calls_to("sendMessage").len() as i64, GROUPS + 3, "3 replies, 30 sends");
    assert!(app.health.worker.is_healthy(), "the worker recovered without a restart");
    app.stop().await;
}
