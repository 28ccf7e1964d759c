//! `loa doctor`, the binary, against the fake Bot API and the database of a running Loa: one
//! line per check, what to do about each problem, exit status 0 only when all is well. It sends
//! nothing and changes nothing.

mod support;

use std::{collections::BTreeSet, process::Output};

use loa::store::{ChatInfo, ChatKind};
use sqlx::{Connection, SqliteConnection, sqlite::SqliteConnectOptions};
use support::{
    fake_telegram::{BOT_ID, FakeTelegram, TOKEN},
    test_app::{ADMIN_ID, Options, TestApp},
};
use teloxide::prelude::Requester;

/// Runs `loa doctor` in an empty directory (no developer's `.env`) with only these settings.
async fn doctor(database_url: &str, telegram: &FakeTelegram, lang: &str) -> (Option<i32>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_loa"))
        .arg("doctor")
        .current_dir(dir.path())
        .env_clear()
        .envs([
            ("TELOXIDE_TOKEN", TOKEN),
            ("TELOXIDE_API_URL", &telegram.url()),
            ("DATABASE_URL", database_url),
            ("LOA_ADMINS", &ADMIN_ID.to_string()),
            ("LOA_LANG", lang),
        ])
        .output()
        .await
        .expect("loa runs");
    (output.status.code(), lines(&output))
}

fn lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout).lines().map(str::to_owned).collect()
}

fn line<'a>(lines: &'a [String], needle: &str) -> &'a str {
    lines
        .iter()
        .find(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?}: {lines:#?}"))
}

/// A group the bot knows as a supergroup (an id Telegram gives them).
async fn supergroup(app: &TestApp, id: i64, title: &str) {
    app.seed_chat(id, title, Some("5"), &["waste"]).await;
    let chat = ChatInfo { id, kind: ChatKind::Supergroup, title: title.into() };
    app.store.touch_chat(&chat, chrono::Utc::now()).await.unwrap();
}

#[tokio::test]
async fn all_is_well_every_line_says_so_and_nothing_is_sent() {
    // The real clock: the doctor compares the reminders' next fires with the time now.
    let app = TestApp::spawn_with(Options { real_clock: true, ..Options::default() }).await;
    app.seed_chat(-101, "Tổ 1", Some("5"), &["waste"]).await;
    supergroup(&app, -1_001_000_000_002, "Tổ 2").await;
    app.telegram.set_member_status(-1_001_000_000_002, BOT_ID, "administrator");
    app.official_says(
        ADMIN_ID,
        "/remind t2,t4,t6@17:30 waste area=5 Mang rác ra điểm tập kết 18:00–20:00.",
        1,
    )
    .await;
    let before = app.telegram.calls().len();

    let (status, lines) = doctor(app.database_url(), &app.telegram, "en").await;

    assert_eq!(status, Some(0), "{lines:#?}");
    assert!(lines.iter().all(|line| line.starts_with("✓ ")), "{lines:#?}");
    for needle in [
        "Settings are valid",
        "Database ",
        "The schema is at version 0015",
        "Integrity (quick_check): ok",
        "Telegram answers: bot @loa_test_bot",
        "Privacy mode is on",
        "No webhook is set",
        "The clock is within",
        "Alerts go to 1 admin official(s)",
        "«Tổ 1»: the bot can send; it can pin if the group lets every member pin",
        "«Tổ 2»: the bot can send and pin",
        "Time zone Asia/Ho_Chi_Minh",
    ] {
        line(&lines, needle);
    }
    let next: i64 =
        sqlx::query_scalar("SELECT next_fire_at FROM reminders").fetch_one(app.store.pool()).await.unwrap();
    let next =
        chrono::DateTime::from_timestamp_millis(next).unwrap().with_timezone(&chrono_tz::Asia::Ho_Chi_Minh);
    let fires = line(&lines, "Next 5 reminder fire(s): ");
    assert!(fires.contains(&format!("{} (#1)", next.format("%d/%m/%Y 17:30"))), "{fires}");
    assert_eq!(fires.matches("17:30 (#1)").count(), 5, "{fires}");

    let methods: BTreeSet<String> =
        app.telegram.calls()[before..].iter().map(|call| call.method.clone()).collect();
    let asked: BTreeSet<String> =
        ["getMe", "getWebhookInfo", "getChatMember", "getUpdates"].map(String::from).into();
    assert!(methods.is_subset(&asked), "the doctor only asks: {methods:?}");
    assert_eq!(app.telegram.calls_to("getChatMember").len(), 2, "once per group");
    app.stop().await;
}

#[tokio::test]
async fn a_group_without_the_bot_one_without_the_pin_a_webhook_and_a_slow_clock_are_named_with_what_to_do() {
    let app = TestApp::spawn().await;
    supergroup(&app, -1_001_000_000_001, "Tổ 1").await;
    supergroup(&app, -1_001_000_000_002, "Tổ 2").await;
    supergroup(&app, -1_001_000_000_003, "Tổ 3").await;
    app.telegram.set_member_status(-1_001_000_000_001, BOT_ID, "kicked");
    app.telegram.set_member_status(-1_001_000_000_002, BOT_ID, "administrator");
    app.telegram.set_member_right(-1_001_000_000_002, BOT_ID, "can_pin_messages", false);
    app.telegram.set_member_status(-1_001_000_000_003, BOT_ID, "administrator");
    // Someone registered a webhook with Loa's token while Loa polls.
    app.telegram.bot().set_webhook("https://example.org/hook".parse().unwrap()).await.unwrap();
    // Telegram's clock five minutes ahead of this machine's.
    app.telegram.set_clock_skew(chrono::Duration::minutes(5));

    let (status, lines) = doctor(app.database_url(), &app.telegram, "vi").await;

    assert_eq!(status, Some(1), "{lines:#?}");
    let problems: Vec<&String> = lines.iter().filter(|line| line.starts_with("✗ ")).collect();
    assert_eq!(problems.len(), 4, "{lines:#?}");
    assert_eq!(
        line(&lines, "«Tổ 1»"),
        "✗ «Tổ 1»: bot không còn ở trong nhóm → một quản trị viên nhóm thêm lại bot (bỏ chặn trước, nếu bot bị chặn)"
    );
    assert_eq!(
        line(&lines, "«Tổ 2»"),
        "✗ «Tổ 2»: bot gửi được nhưng không ghim được tin → cho bot làm quản trị viên nhóm với quyền «Ghim tin nhắn»"
    );
    assert_eq!(line(&lines, "«Tổ 3»"), "✓ «Tổ 3»: bot gửi và ghim được tin");
    let clock = line(&lines, "Đồng hồ máy");
    let behind = clock.strip_prefix("✗ Đồng hồ máy chậm ").and_then(|rest| rest.split(' ').next());
    let behind: i64 = behind.and_then(|seconds| seconds.parse().ok()).unwrap_or_else(|| panic!("{clock}"));
    assert!((298..=302).contains(&behind) && clock.contains("lời nhắc sẽ đi trễ"), "{clock}");
    assert!(clock.contains("timedatectl set-ntp true"), "{clock}");
    assert!(line(&lines, "webhook https://example.org/hook").starts_with("✗ "));
    app.stop().await;
}

#[test]
fn without_a_token_it_exits_with_status_2_as_run_does() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("loa.db");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_loa"))
        .arg("doctor")
        .current_dir(dir.path())
        .env_clear()
        .env("DATABASE_URL", format!("sqlite://{}", database.display()))
        .output()
        .expect("loa runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("TELOXIDE_TOKEN") && stderr.contains("not set"), "{stderr}");
    assert!(output.stdout.is_empty());
    assert!(!database.exists(), "the database was not touched");
}

#[tokio::test]
async fn a_database_behind_this_loa_is_reported_and_left_as_it_was() {
    let telegram = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("loa.db");
    let url = format!("sqlite://{}", path.display());
    // A database an older Loa made: every migration up to 0013.
    let options = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
    let mut older = SqliteConnection::connect_with(&options).await.unwrap();
    sqlx::migrate!().run_to(13, &mut older).await.unwrap();
    older.close().await.unwrap();
    let bytes = std::fs::read(&path).unwrap();

    let (status, lines) = doctor(&url, &telegram, "en").await;

    assert_eq!(status, Some(1), "{lines:#?}");
    assert_eq!(
        line(&lines, "schema"),
        "✗ The schema is at version 0013; 2 migration(s) not applied: 0014, 0015 → stop the Loa that is running, \
         then run `loa migrate` (or start this one with `loa run`), which copies the database and applies them"
    );
    assert!(line(&lines, "Telegram answers").starts_with("✓ "), "the other checks still run");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "the file is as it was");
    let mut after = SqliteConnection::connect(&url).await.unwrap();
    let newest: i64 =
        sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations").fetch_one(&mut after).await.unwrap();
    assert_eq!(newest, 13, "nothing was migrated");
    let tables: i64 = sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE name = 'alerts'")
        .fetch_one(&mut after)
        .await
        .unwrap();
    assert_eq!(tables, 0);
}
