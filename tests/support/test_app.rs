//! The real bot, started through `loa::app::run` (the code path of `loa run`), against the fake
//! Bot API server and a fresh SQLite file.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use loa::{clock::ManualClock, config::RawSettings, store::Store};
use serde_json::Value;
use tempfile::TempDir;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::fake_telegram::{FakeTelegram, SentMessage, TOKEN};
use super::updates;

/// An official with the admin role from `LOA_ADMINS`.
pub const ADMIN_ID: i64 = 42;

pub struct TestApp {
    pub telegram: FakeTelegram,
    /// The database the bot uses, for assertions.
    pub store: Store,
    pub clock: ManualClock,
    shutdown: CancellationToken,
    task: JoinHandle<loa::error::Result<()>>,
    _dir: TempDir,
}

impl TestApp {
    /// Starts the bot and waits until it polls for updates.
    pub async fn spawn() -> TestApp {
        let telegram = FakeTelegram::start().await;
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = format!("sqlite://{}", dir.path().join("loa.db").display());
        // Migrating here first means the test's handle and the bot never migrate concurrently.
        let store = Store::connect(&database_url).await.expect("test database");
        let settings = RawSettings {
            token: Some(TOKEN.into()),
            api_url: Some(telegram.url()),
            database_url,
            admins: ADMIN_ID.to_string(),
            timezone: "Asia/Ho_Chi_Minh".into(),
            lang: "vi".into(),
        }
        .validate()
        .expect("test settings");
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap());
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(loa::app::run(settings, Arc::new(clock.clone()), shutdown.clone()));
        telegram
            .wait_for("the bot polls for updates", |calls| calls.iter().any(|c| c.method == "getUpdates"))
            .await;
        TestApp { telegram, store, clock, shutdown, task, _dir: dir }
    }

    /// Pushes an update and returns the bot's next message to `chat_id`.
    pub async fn reply_to(&self, chat_id: i64, update: Value) -> SentMessage {
        let before = self.telegram.sent_to(chat_id).len();
        self.telegram.push_update(update);
        self.telegram.wait_for_sent(chat_id, before + 1).await.pop().expect("a reply")
    }

    /// Sends `text` in a private chat from `user_id` and returns the reply's text.
    pub async fn private(&self, user_id: i64, text: &str) -> String {
        self.reply_to(user_id, updates::text_in_private(user_id, "Lan", None, text)).await.text
    }

    /// Sends `text` in group `chat_id` from `user_id` and returns the reply's text.
    pub async fn group(&self, chat_id: i64, user_id: i64, text: &str) -> String {
        self.reply_to(chat_id, updates::text_in_group(chat_id, "Tổ 5", user_id, text)).await.text
    }

    /// Waits until every update pushed so far has been handled. The dispatcher handles one
    /// chat's updates in order, so once a `/help` pushed after them is answered, they were.
    pub async fn settle(&self, chat_id: i64) {
        let probe = if chat_id > 0 {
            updates::text_in_private(chat_id, "Lan", None, "/help")
        } else {
            updates::text_in_group(chat_id, "Tổ 5", 1, "/help")
        };
        self.reply_to(chat_id, probe).await;
    }

    /// Stops the bot as SIGTERM would and waits until it has finished.
    pub async fn stop(self) {
        self.shutdown.cancel();
        let result = tokio::time::timeout(std::time::Duration::from_secs(20), self.task)
            .await
            .expect("the bot stops within 20 s")
            .expect("the bot task does not panic");
        result.expect("the bot stops without an error");
    }
}
