//! Loa tells the admins (or the desk) in Telegram when something needs a person — a broadcast
//! that mostly failed, a group that refuses the bot, the worker failing for 5 minutes — at most
//! once a kind an hour, and "resolved" when it is over. Time is the test's clock, moved by hand.

mod support;

use std::{sync::Arc, time::Duration};

use chrono::Duration as Span;
use loa::{backups::ScheduledBackups, clock::Clock, config::BackupSchedule, domain::Alert};
use sqlx::{Connection, SqliteConnection};
use support::{
    fake_telegram::Reply,
    test_app::{ADMIN_ID, Options, TestApp},
    ward::{outbox_drained, post_and_confirm},
};

/// Long enough for a write that waits out SQLite's busy timeout (5 s) on each loop's alert.
const PATIENCE: Duration = Duration::from_secs(30);

/// The texts sent to `chat` that contain `needle`.
fn told(app: &TestApp, chat: i64, needle: &str) -> Vec<String> {
    app.telegram
        .sent_to(chat)
        .into_iter()
        .map(|message| message.text)
        .filter(|text| text.contains(needle))
        .collect()
}

/// Waits until `n` messages containing `needle` reached `chat`, and returns them.
async fn wait_told(app: &TestApp, chat: i64, needle: &str, n: usize) -> Vec<String> {
    let description = format!("{n} message(s) to {chat} saying {needle:?}");
    app.telegram
        .wait_for_within(PATIENCE, &description, |calls| {
            let sent = calls.iter().filter(|call| {
                call.method == "sendMessage"
                    && call.body["chat_id"].as_i64() == Some(chat)
                    && call.body["text"].as_str().is_some_and(|text| text.contains(needle))
            });
            sent.count() >= n
        })
        .await;
    told(app, chat, needle)
}

/// Raises an alert of another kind and waits until it reached `chat`. The watch sends what is
/// owed in the order of the kinds, backups last, so any alert owed before it has arrived by then.
/// Its row is taken away first, so that probes are not held to one an hour.
async fn probe(app: &TestApp, chat: i64, n: usize) {
    sqlx::query("DELETE FROM alerts WHERE kind = 'backup'").execute(app.store.pool()).await.unwrap();
    app.store.raise_alert(&Alert::Backup { error: format!("probe {n}") }, app.clock.now()).await.unwrap();
    wait_told(app, chat, &format!("probe {n}"), 1).await;
}

/// (open, revision, told_revision, resolved_owed) of the alert of `kind`.
async fn alert_row(app: &TestApp, kind: &str) -> (bool, i64, i64, bool) {
    sqlx::query_as("SELECT open, revision, told_revision, resolved_owed FROM alerts WHERE kind = ?1")
        .bind(kind)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

async fn seed_groups(app: &TestApp, chats: &[i64]) {
    for (n, chat) in chats.iter().enumerate() {
        app.seed_chat(*chat, &format!("Tổ {}", n + 1), Some("1"), &["health"]).await;
    }
}

#[tokio::test]
async fn a_broadcast_that_mostly_failed_is_told_once_an_hour() {
    let app = TestApp::spawn().await;
    let groups = [-101, -102, -103, -104, -105];
    seed_groups(&app, &groups).await;
    let refuse_two = || {
        for chat in [-104, -105] {
            let refusal = Reply::Error { code: 400, description: "Bad Request: TOPIC_CLOSED".into() };
            app.telegram.script(chat, refusal);
        }
    };

    refuse_two();
    post_and_confirm(&app, ADMIN_ID, "health Phun thuốc diệt muỗi sáng thứ Bảy").await;
    outbox_drained(&app).await;
    let alerts = wait_told(&app, ADMIN_ID, "🚨", 1).await;
    assert!(alerts[0].contains("thông báo #1") && alerts[0].contains("2/5 nơi nhận (40%)"), "{alerts:?}");
    assert!(alerts[0].contains("/baocao 1"), "says where to look: {alerts:?}");
    app.eventually("the alert is recorded as told", || async {
        let (open, revision, told, _) = alert_row(&app, "broadcast").await;
        open && told == revision
    })
    .await;

    // A second broadcast as bad within the hour: recorded, not sent.
    refuse_two();
    post_and_confirm(&app, ADMIN_ID, "health Thu gom rác cồng kềnh chiều Chủ nhật").await;
    outbox_drained(&app).await;
    probe(&app, ADMIN_ID, 1).await;
    assert_eq!(told(&app, ADMIN_ID, "🚨 Loa: thông báo").len(), 1, "one alert an hour");
    let (open, revision, told_revision, _) = alert_row(&app, "broadcast").await;
    assert!(open && told_revision < revision, "the second is owed, not lost");

    // An hour on, the admins hear of it.
    app.clock.advance(Span::minutes(61));
    let alerts = wait_told(&app, ADMIN_ID, "🚨 Loa: thông báo", 2).await;
    assert!(alerts[1].contains("thông báo #2"), "{alerts:?}");

    // A broadcast that reaches everyone ends the trouble.
    post_and_confirm(&app, ADMIN_ID, "health Họp tổ dân phố tối thứ Năm").await;
    let resolved = wait_told(&app, ADMIN_ID, "✅ Loa", 1).await;
    assert!(resolved[0].contains("thông báo mới nhất"), "{resolved:?}");
    app.stop().await;
}

#[tokio::test]
async fn a_group_that_refuses_the_pin_is_told_to_the_desk_once_and_resolved_when_it_pins_again() {
    const DESK: i64 = -900;
    let app = TestApp::spawn_with(Options { desk_chat: Some(DESK), ..Options::default() }).await;
    seed_groups(&app, &[-201, -202, -203]).await;
    let refuse_pin = || {
        let refusal = Reply::Error {
            code: 400,
            description: "Bad Request: not enough rights to manage pinned messages in the chat".into(),
        };
        app.telegram.script_method("pinChatMessage", -202, refusal);
    };

    refuse_pin();
    post_and_confirm(&app, ADMIN_ID, "health pin Lịch tiêm chủng mở rộng tháng 6").await;
    let alerts = wait_told(&app, DESK, "🚨", 1).await;
    assert!(alerts[0].contains("1 nhóm") && alerts[0].contains("«Tổ 2»: không ghim được"), "{alerts:?}");
    assert!(alerts[0].contains("quyền «Ghim tin nhắn»"), "says what to do: {alerts:?}");

    // The same refusal again is no news.
    refuse_pin();
    post_and_confirm(&app, ADMIN_ID, "health pin Lịch tiêm chủng bổ sung").await;
    outbox_drained(&app).await;
    probe(&app, DESK, 1).await;
    assert_eq!(told(&app, DESK, "🚨 Loa: Telegram").len(), 1);
    assert!(told(&app, ADMIN_ID, "🚨").is_empty(), "the desk is told, not each admin");

    // The group's admins gave the right back: the next pin goes through.
    post_and_confirm(&app, ADMIN_ID, "health pin Lịch khám sức khoẻ người cao tuổi").await;
    let resolved = wait_told(&app, DESK, "✅ Loa", 1).await;
    assert!(resolved[0].contains("ghim được tin trở lại"), "{resolved:?}");
    app.eventually("the resolved is recorded", || async {
        alert_row(&app, "rights").await == (false, 1, 1, false)
    })
    .await;
    app.stop().await;
}

#[tokio::test]
async fn a_worker_failing_for_five_minutes_is_told_and_resolved_by_the_process_that_follows() {
    let mut app = TestApp::spawn().await;
    // Something the worker reads every step, gone: it fails while the database takes writes.
    let mut conn = SqliteConnection::connect(app.database_url()).await.unwrap();
    sqlx::query("ALTER TABLE chats RENAME TO chats_away").execute(&mut conn).await.unwrap();
    app.eventually("the worker fails", || async { app.health.worker.failing_since().is_some() }).await;
    assert!(told(&app, ADMIN_ID, "🚨").is_empty());

    app.clock.advance(Span::minutes(4));
    // The watch looked at the worker at least once after the clock moved: it sent probe 2, which
    // came after probe 1 had been sent.
    probe(&app, ADMIN_ID, 1).await;
    probe(&app, ADMIN_ID, 2).await;
    assert!(told(&app, ADMIN_ID, "🚨 Loa: việc gửi tin").is_empty(), "not before 5 minutes");
    app.clock.advance(Span::minutes(1));
    let alerts = wait_told(&app, ADMIN_ID, "🚨 Loa: việc gửi tin", 1).await;
    assert!(alerts[0].contains("5 phút") && alerts[0].contains("loa doctor"), "{alerts:?}");
    app.eventually("the alert is recorded as told", || async {
        let (open, revision, told, _) = alert_row(&app, "worker").await;
        open && told == revision
    })
    .await;

    // The process gives up and systemd starts a fresh one, on a database that works again.
    app.crash().await;
    sqlx::query("ALTER TABLE chats_away RENAME TO chats").execute(&mut conn).await.unwrap();
    app.start().await;
    let resolved = wait_told(&app, ADMIN_ID, "✅ Loa", 1).await;
    assert_eq!(resolved, ["✅ Loa: việc gửi tin đã hoạt động trở lại."]);
    assert_eq!(told(&app, ADMIN_ID, "🚨 Loa: việc gửi tin").len(), 1, "not repeated by the restart");
    app.eventually("the resolved is recorded", || async {
        alert_row(&app, "worker").await == (false, 1, 1, false)
    })
    .await;
    assert!(told(&app, ADMIN_ID, "bộ hẹn giờ").is_empty(), "the scheduler kept working");
    app.stop().await;
}

#[tokio::test]
async fn when_the_database_cannot_be_written_the_alert_still_goes_out_and_resolved_follows() {
    let app = TestApp::spawn().await;
    // Another process holds SQLite's write lock past Loa's busy timeout: every loop fails, and
    // no alert can be recorded.
    let mut locker = SqliteConnection::connect(app.database_url()).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut locker).await.unwrap();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while app.health.worker.failing_since().is_none() || app.health.scheduler.failing_since().is_none() {
        assert!(tokio::time::Instant::now() < deadline, "the loops never noticed the lock");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.clock.advance(Span::minutes(5));
    wait_told(&app, ADMIN_ID, "🚨 Loa: việc gửi tin", 1).await;
    wait_told(&app, ADMIN_ID, "🚨 Loa: bộ hẹn giờ", 1).await;

    sqlx::query("ROLLBACK").execute(&mut locker).await.unwrap();
    wait_told(&app, ADMIN_ID, "✅ Loa: việc gửi tin", 1).await;
    wait_told(&app, ADMIN_ID, "✅ Loa: bộ hẹn giờ", 1).await;
    assert_eq!(told(&app, ADMIN_ID, "🚨").len(), 2, "each told once");
    app.eventually("both are recorded, and over", || async {
        alert_row(&app, "worker").await == (false, 1, 1, false)
            && alert_row(&app, "scheduler").await == (false, 1, 1, false)
    })
    .await;
    app.stop().await;
}

#[tokio::test]
async fn a_scheduled_backup_that_fails_is_told_and_resolved_by_the_next_one_written() {
    let dir = tempfile::tempdir().unwrap();
    let backups = dir.path().join("backups");
    std::fs::write(&backups, "a file where the directory should be").unwrap();
    let options =
        Options { backup_dir: Some(backups.clone()), backup_every: "24h".into(), ..Options::default() };
    let app = TestApp::spawn_with(options).await;
    // The backup due at start-up fails.
    let alerts = wait_told(&app, ADMIN_ID, "🚨", 1).await;
    assert!(alerts[0].starts_with("🚨 Loa: sao lưu theo lịch không thành công"), "{alerts:?}");
    assert!(alerts[0].contains(&backups.display().to_string()), "says why: {alerts:?}");

    // The operator makes room for it; the next backup the cron runs is written.
    std::fs::remove_file(&backups).unwrap();
    let schedule = BackupSchedule { dir: backups.clone(), every: Span::hours(24), keep: 7 };
    ScheduledBackups::new(app.store.clone(), Arc::new(app.clock.clone()), schedule).run_and_tell().await;
    let resolved = wait_told(&app, ADMIN_ID, "✅ Loa", 1).await;
    assert_eq!(resolved, ["✅ Loa: sao lưu theo lịch đã thành công trở lại."]);
    assert_eq!(told(&app, ADMIN_ID, "🚨").len(), 1);
    app.stop().await;
}
