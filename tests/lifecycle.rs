//! The `loa` binary against the fake Bot API: it starts, polls, and stops cleanly on SIGTERM
//! and SIGINT.

mod support;

use std::{process::Stdio, time::Duration};

use support::fake_telegram::{FakeTelegram, TOKEN};
use tokio::process::{Child, Command};

async fn start_loa(telegram: &FakeTelegram, dir: &tempfile::TempDir) -> Child {
    Command::new(env!("CARGO_BIN_EXE_loa"))
        .current_dir(dir.path())
        .env_clear()
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", telegram.url())
        .env("DATABASE_URL", format!("sqlite://{}", dir.path().join("loa.db").display()))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("loa starts")
}

async fn stops_cleanly_on(signal: &str) {
    let telegram = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let child = start_loa(&telegram, &dir).await;
    telegram.wait_for("loa polls for updates", |calls| calls.iter().any(|c| c.method == "getUpdates")).await;

    let pid = child.id().expect("running").to_string();
    let killed = Command::new("kill").args([signal, &pid]).status().await.expect("kill runs");
    assert!(killed.success());
    let output = tokio::time::timeout(Duration::from_secs(20), child.wait_with_output())
        .await
        .expect("loa stops within 20 s")
        .unwrap();
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{signal}: {:?}\n{log}", output.status);
    assert!(log.contains("stopped"), "{log}");
    assert!(!log.contains(TOKEN.split(':').nth(1).unwrap()), "the token never reaches the log:\n{log}");
    assert!(dir.path().join("loa.db").exists(), "the database was created");
    assert!(
        !dir.path().join("loa.db-wal").exists(),
        "the write-ahead log is checkpointed into the database at the stop, so a copy of loa.db is whole"
    );
    assert!(!log.contains('\u{1b}'), "no terminal colour codes in a log that is not a terminal:\n{log}");
}

#[tokio::test]
async fn sigterm_stops_the_bot_cleanly() {
    stops_cleanly_on("-TERM").await;
}

#[tokio::test]
async fn sigint_stops_the_bot_cleanly() {
    stops_cleanly_on("-INT").await;
}
