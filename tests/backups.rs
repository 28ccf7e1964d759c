//! Backups. `loa backup <file>`, run while the bot delivers a broadcast, writes a consistent,
//! checked copy and says what it holds, and never overwrites a file. Scheduled backups are made
//! when due — by the clock, not by how long Loa has run — the oldest beyond those kept are
//! deleted, and one that cannot be written is an error.

mod support;

use std::{path::Path, sync::Arc};

use chrono::{Duration, TimeZone, Utc};
use loa::{
    backups::ScheduledBackups,
    clock::ManualClock,
    config::BackupSchedule,
    store::{ChatInfo, ChatKind, Store, inspect},
};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use support::{
    cli::{loa, stderr, stdout},
    fake_telegram::{Gate, Reply},
    test_app::{ADMIN_ID, Options, TestApp},
    ward::{count, outbox_drained, post_and_confirm},
};

const GROUPS: i64 = 120;

fn group(n: i64) -> i64 {
    -2000 - n
}

#[tokio::test]
async fn a_backup_taken_while_a_broadcast_is_delivered_is_consistent_and_says_what_it_holds() {
    // 120 groups at 40 messages a second: the broadcast takes three seconds, and the last
    // group's send is held until the copy is made, so the copy is taken in the middle of it.
    let app = TestApp::spawn_with(Options { rate_global: 40, ..Options::default() }).await;
    for n in 1..=GROUPS {
        app.seed_chat(group(n), &format!("Tổ {n}"), Some(&n.to_string()), &["waste"]).await;
    }
    let gate = Gate::default();
    app.telegram.script(group(GROUPS), Reply::Hold { gate: gate.clone(), then: Box::new(Reply::Ok) });
    post_and_confirm(&app, ADMIN_ID, "rac Thu gom rác cồng kềnh sáng thứ Bảy tại điểm tập kết.").await;
    let sent = "SELECT count(*) FROM deliveries WHERE state = 'sent'";
    app.eventually("some deliveries are sent", || async { count(&app, sent).await >= 10 }).await;

    let out = tempfile::tempdir().unwrap();
    let output = loa(out.path(), &["backup", "copy.db"], &[("DATABASE_URL", app.database_url())]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let copy = read_only(&out.path().join("copy.db")).await;
    let check: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&copy).await.unwrap();
    assert_eq!(check, ["ok"]);
    let (deliveries, sent_in_copy): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(*) FILTER (WHERE state = 'sent') FROM deliveries")
            .fetch_one(&copy)
            .await
            .unwrap();
    assert_eq!(deliveries, GROUPS, "the broadcast's deliveries, all of them");
    assert!((10..GROUPS).contains(&sent_in_copy), "taken mid-broadcast: {sent_in_copy} sent");
    let chats = count(&app, "SELECT count(*) FROM chats").await;
    let said = stdout(&output);
    assert!(said.contains("integrity ok"), "{said}");
    assert!(said.contains(&format!("holds: {chats} chats, 0 reminders, 1 broadcasts")), "{said}");
    let bytes = std::fs::metadata(out.path().join("copy.db")).unwrap().len();
    assert!(said.contains(&format!("size: {bytes} bytes")), "{said}");

    gate.open();
    outbox_drained(&app).await;
    let copied: Vec<(i64, i64)> =
        sqlx::query_as("SELECT chat_id, message_id FROM deliveries WHERE state = 'sent'")
            .fetch_all(&copy)
            .await
            .unwrap();
    for (chat, message) in copied {
        let now: (String, i64) =
            sqlx::query_as("SELECT state, message_id FROM deliveries WHERE chat_id = ?1")
                .bind(chat)
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        assert_eq!(now, ("sent".to_owned(), message), "chat {chat}: the copy saw what happened");
    }
    for n in 1..=GROUPS {
        assert_eq!(app.telegram.sent_to(group(n)).len(), 1, "group {n}: one message");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_backup_never_overwrites_a_file() {
    let dir = tempfile::tempdir().unwrap();
    Store::connect(&format!("sqlite://{}", dir.path().join("loa.db").display())).await.unwrap();
    std::fs::write(dir.path().join("precious.db"), "not a backup").unwrap();

    let output = loa(dir.path(), &["backup", "precious.db"], &[]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("precious.db already exists"), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(dir.path().join("precious.db")).unwrap(), "not a backup");
}

#[tokio::test]
async fn scheduled_backups_are_made_when_due_and_only_the_last_ones_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = ward_store(dir.path()).await;
    let backups_dir = dir.path().join("backups");
    std::fs::create_dir(&backups_dir).unwrap();
    std::fs::write(backups_dir.join("notes.txt"), "the operator's").unwrap();
    std::fs::write(backups_dir.join("loa-20260531T080000Z.db.partial"), "cut short by a crash").unwrap();
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap());
    let schedule = BackupSchedule { dir: backups_dir.clone(), every: Duration::hours(24), keep: 3 };
    let backups = ScheduledBackups::new(store.clone(), Arc::new(clock.clone()), schedule.clone());

    let first = backups.run_if_due().await.unwrap().expect("none yet: one is due");
    assert_eq!(first.path, backups_dir.join("loa-20260601T080000Z.db"));
    assert_eq!((first.chats, first.reminders, first.broadcasts), (Some(2), Some(0), Some(0)));
    assert_eq!(backups.run_if_due().await.unwrap(), None, "not due again at once");
    clock.advance(Duration::hours(23) + Duration::minutes(59));
    assert_eq!(backups.run_if_due().await.unwrap(), None, "not due before a day has passed");
    clock.advance(Duration::minutes(1));
    assert!(backups.run_if_due().await.unwrap().is_some(), "due after a day");

    // A restart does not forget when the last one was made.
    let restarted = ScheduledBackups::new(store.clone(), Arc::new(clock.clone()), schedule);
    assert_eq!(restarted.run_if_due().await.unwrap(), None);
    for _ in 0..2 {
        clock.advance(Duration::hours(24));
        assert!(restarted.run_if_due().await.unwrap().is_some());
    }
    let mut files: Vec<String> = std::fs::read_dir(&backups_dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(
        files,
        ["loa-20260602T080000Z.db", "loa-20260603T080000Z.db", "loa-20260604T080000Z.db", "notes.txt"]
    );
    let kept = inspect(&backups_dir.join("loa-20260604T080000Z.db")).await.unwrap();
    assert_eq!(kept.chats, Some(2), "a checked copy of the ward");
}

#[tokio::test]
async fn a_scheduled_backup_that_cannot_be_written_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let store = ward_store(dir.path()).await;
    let not_a_directory = dir.path().join("backups");
    std::fs::write(&not_a_directory, "a file where the directory should be").unwrap();
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap());
    let schedule = BackupSchedule { dir: not_a_directory.clone(), every: Duration::hours(24), keep: 7 };
    let backups = ScheduledBackups::new(store, Arc::new(clock), schedule);

    let error = backups.run_if_due().await.unwrap_err();
    assert!(error.to_string().contains(&not_a_directory.display().to_string()), "{error}");
}

#[tokio::test]
async fn the_running_bot_backs_up_at_start_when_a_backup_is_due() {
    let backups_dir = tempfile::tempdir().unwrap();
    let options = Options {
        backup_dir: Some(backups_dir.path().to_owned()),
        backup_every: "24h".into(),
        ..Options::default()
    };
    let app = TestApp::spawn_with(options).await;
    // Named by the bot's clock, which the test holds at 2026-06-01 08:00 UTC.
    let expected = backups_dir.path().join("loa-20260601T080000Z.db");
    app.eventually("the start-up backup is written", || async { expected.exists() }).await;
    assert!(inspect(&expected).await.is_ok());
    app.stop().await;
}

/// A migrated database with two chats.
async fn ward_store(dir: &Path) -> Store {
    let store = Store::connect(&format!("sqlite://{}", dir.join("loa.db").display())).await.unwrap();
    let now = Utc.with_ymd_and_hms(2026, 6, 1, 7, 0, 0).unwrap();
    for (id, title) in [(-1001, "TDP 5"), (-1002, "TDP 7")] {
        store.touch_chat(&ChatInfo { id, kind: ChatKind::Group, title: title.into() }, now).await.unwrap();
    }
    store
}

async fn read_only(path: &Path) -> SqlitePool {
    SqlitePool::connect_with(SqliteConnectOptions::new().filename(path).read_only(true)).await.unwrap()
}
