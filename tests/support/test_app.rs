//! The real bot, started through `loa::app::run` (the code path of `loa run`), against the fake
//! Bot API server and a fresh SQLite file.

use std::{
    sync::{
        Arc,
        atomic::{AtomicI64, Ordering},
    },
    time::Duration,
};

use chrono::{TimeZone, Utc};
use loa::{
    clock::{Clock, ManualClock, SystemClock},
    config::RawSettings,
    store::Store,
    supervisor::{Health, Listening},
};
use serde_json::Value;
use tempfile::TempDir;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::fake_telegram::{FakeTelegram, SentMessage, TOKEN};
use super::updates;

/// An official with the admin role from `LOA_ADMINS`.
pub const ADMIN_ID: i64 = 42;

/// `LOA_WEBHOOK_URL` in webhook mode; the listener serves its path.
pub const WEBHOOK_URL: &str = "https://loa.example.vn/telegram";

/// Settings a test may change; the defaults pace far above Telegram's limits so that tests
/// that are not about pacing run fast.
#[derive(Clone, Debug)]
pub struct Options {
    pub rate_global: u32,
    pub rate_per_group_min: u32,
    pub rate_per_chat_sec: u32,
    pub send_timeout_secs: u32,
    pub quiet_hours: String,
    pub catchup: String,
    /// The system clock instead of the manual one, for the one test of real timing.
    pub real_clock: bool,
    /// `LOA_DESK_CHAT`; `None`: reports go to the admins in private.
    pub desk_chat: Option<i64>,
    pub ward_name: String,
    /// Webhook mode: `LOA_WEBHOOK_URL` is `WEBHOOK_URL`, `LOA_LISTEN` a free port on 127.0.0.1.
    pub webhook: bool,
    /// `LOA_WEBHOOK_SECRET`; `None`: generated and kept in the database.
    pub webhook_secret: Option<String>,
    /// `LOA_HTTP`, e.g. `127.0.0.1:0` for a free port; `None`: off.
    pub http: Option<String>,
    /// `LOA_BACKUP_DIR`; `None`: no scheduled backups.
    pub backup_dir: Option<std::path::PathBuf>,
    /// `LOA_BACKUP_EVERY`, used with `backup_dir`.
    pub backup_every: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            rate_global: 1000,
            rate_per_group_min: 10_000,
            rate_per_chat_sec: 1000,
            send_timeout_secs: 2,
            quiet_hours: "22:00-06:00".into(),
            catchup: "30m".into(),
            real_clock: false,
            desk_chat: None,
            ward_name: String::new(),
            webhook: false,
            webhook_secret: None,
            http: None,
            backup_dir: None,
            backup_every: "off".into(),
        }
    }
}

/// Where webhook mode listens: any free port, so that parallel tests never collide.
const FREE_PORT: &str = "127.0.0.1:0";

pub struct TestApp {
    pub telegram: FakeTelegram,
    /// The database the bot uses, for assertions.
    pub store: Store,
    pub clock: ManualClock,
    /// What the bot's worker and scheduler report about themselves.
    pub health: Health,
    /// The settings of the next `start`: a test may change them while the bot is stopped.
    pub options: Options,
    database_url: String,
    shutdown: CancellationToken,
    task: Option<JoinHandle<loa::error::Result<()>>>,
    /// Numbers updates posted to the webhook.
    last_update_id: AtomicI64,
    _dir: TempDir,
}

impl TestApp {
    /// Starts the bot and waits until it polls for updates.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(Options::default()).await
    }

    pub async fn spawn_with(options: Options) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        // Migrating here first means the test's handle and the bot never migrate concurrently.
        Store::connect(&database_in(&dir)).await.expect("test database");
        TestApp::spawn_on(dir, options).await
    }

    /// Starts the bot on `dir`'s `loa.db` as it stands, which the bot migrates as `loa run`
    /// does; the test's handle opens it once the bot polls.
    pub async fn spawn_on(dir: TempDir, options: Options) -> TestApp {
        let telegram = FakeTelegram::start().await;
        let database_url = database_in(&dir);
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap());
        let (shutdown, task, health) = launch(&telegram, &options, &database_url, &clock).await;
        let store = Store::open(&database_url).await.expect("the bot's database, migrated");
        TestApp {
            telegram,
            store,
            clock,
            health,
            options,
            database_url,
            shutdown,
            task: Some(task),
            last_update_id: AtomicI64::new(0),
            _dir: dir,
        }
    }

    pub async fn start(&mut self) {
        let (shutdown, task, health) =
            launch(&self.telegram, &self.options, &self.database_url, &self.clock).await;
        (self.shutdown, self.task, self.health) = (shutdown, Some(task), health);
    }

    /// Where the running bot listens.
    pub fn listening(&self) -> Listening {
        *self.health.listening.get().expect("the bot has bound its listeners")
    }

    /// Posts `update` to the webhook as Telegram would, with `secret` as its
    /// `X-Telegram-Bot-Api-Secret-Token`; returns the HTTP status.
    pub async fn post_update(&self, mut update: Value, secret: Option<&str>) -> u16 {
        update["update_id"] = self.last_update_id.fetch_add(1, Ordering::Relaxed).into();
        let address = self.listening().webhook.expect("webhook mode");
        let path = url::Url::parse(WEBHOOK_URL).unwrap().path().to_owned();
        let mut request =
            reqwest::Client::new().post(format!("http://{address}{path}")).body(update.to_string());
        request = request.header("content-type", "application/json");
        if let Some(secret) = secret {
            request = request.header("x-telegram-bot-api-secret-token", secret);
        }
        request.send().await.expect("the webhook answers").status().as_u16()
    }

    /// GETs `path` (`/healthz`, `/readyz`, `/metrics`) from `LOA_HTTP`; returns the status and
    /// the body.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let address = self.listening().status.expect("LOA_HTTP is set");
        let response = reqwest::Client::new().get(format!("http://{address}{path}")).send().await;
        let response = response.expect("the status listener answers");
        (response.status().as_u16(), response.text().await.expect("a body"))
    }

    /// The bot's database, for a test that opens its own connection to it.
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// A scheduler on the bot's database and clock, for tests that tick it by hand.
    pub fn scheduler(&self) -> loa::scheduler::Scheduler {
        loa::scheduler::Scheduler {
            store: self.store.clone(),
            clock: Arc::new(self.clock.clone()),
            timezone: chrono_tz::Asia::Ho_Chi_Minh,
            catchup: loa::domain::parse_duration(&self.options.catchup).unwrap(),
            outbox: Default::default(),
            changed: Default::default(),
            keep_deliveries: chrono::Duration::days(400),
            keep_tickets: chrono::Duration::days(365),
            metrics: Default::default(),
            backups: None,
        }
    }

    /// Stops the bot as SIGTERM would and waits until it has finished; `start` brings it back.
    pub async fn stop_for_a_while(&mut self) {
        self.stop_gracefully().await;
    }

    /// Stops the bot as SIGTERM would and starts it again on the same database.
    pub async fn restart(&mut self) {
        self.stop_gracefully().await;
        self.start().await;
    }

    /// Kills the bot where it stands, as `kill -9` would: no in-flight work finishes and
    /// nothing more is written. `start` brings it back on the same database.
    pub async fn crash(&mut self) {
        let task = self.task.take().expect("running");
        task.abort();
        let _ = task.await;
    }

    /// Records a chat with its area and subscriptions directly in the store, as if its admins
    /// had used `/area` and `/subscribe`.
    pub async fn seed_chat(&self, chat_id: i64, title: &str, area: Option<&str>, topics: &[&str]) {
        use loa::{
            domain::{AreaCode, TopicSelection},
            store::{ChatInfo, ChatKind},
        };
        let kind = if chat_id > 0 { ChatKind::Private } else { ChatKind::Group };
        let now = self.clock.now();
        self.store.touch_chat(&ChatInfo { id: chat_id, kind, title: title.into() }, now).await.unwrap();
        let area = area.map(|code| AreaCode::parse(code).unwrap());
        self.store.set_area(chat_id, area.as_ref()).await.unwrap();
        let topics = TopicSelection::Some(topics.iter().map(|t| t.to_string()).collect());
        self.store.subscribe(chat_id, &topics, now).await.unwrap();
    }

    /// Sends `text` from an official in private and returns the bot's next `n` messages.
    pub async fn official_says(&self, user_id: i64, text: &str, n: usize) -> Vec<SentMessage> {
        self.private_update(user_id, updates::text_in_private(user_id, "Cán bộ", None, text), n).await
    }

    /// Pushes `update`, a message from `user_id` in private, and returns the bot's next `n`
    /// messages to them.
    pub async fn private_update(&self, user_id: i64, update: Value, n: usize) -> Vec<SentMessage> {
        let before = self.telegram.sent_to(user_id).len();
        self.telegram.push_update(update);
        let sent = self.telegram.wait_for_sent(user_id, before + n).await;
        sent[before..].to_vec()
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

    /// Polls `check` until it holds, failing the test after 10 s.
    pub async fn eventually<F, Fut>(&self, what: &str, check: F)
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !check().await {
            assert!(tokio::time::Instant::now() < deadline, "timed out waiting for: {what}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    async fn stop_gracefully(&mut self) {
        self.shutdown.cancel();
        let task = self.task.take().expect("running");
        let result = tokio::time::timeout(Duration::from_secs(20), task)
            .await
            .expect("the bot stops within 20 s")
            .expect("the bot task does not panic");
        result.expect("the bot stops without an error");
    }

    /// Waits for the bot to stop by itself (within 20 s) and returns how it ended.
    pub async fn stopped_by_itself(mut self) -> loa::error::Result<()> {
        let task = self.task.take().expect("running");
        let ended = tokio::time::timeout(Duration::from_secs(20), task).await;
        ended.expect("the bot stops within 20 s").expect("the bot task does not panic")
    }

    /// Stops the bot as SIGTERM would and waits until it has finished.
    pub async fn stop(mut self) {
        self.stop_gracefully().await;
    }
}

fn database_in(dir: &TempDir) -> String {
    format!("sqlite://{}", dir.path().join("loa.db").display())
}

/// Starts the bot (the code path of `loa run`) and waits until it polls for updates, or has
/// registered its webhook.
async fn launch(
    telegram: &FakeTelegram,
    options: &Options,
    database_url: &str,
    clock: &ManualClock,
) -> (CancellationToken, JoinHandle<loa::error::Result<()>>, Health) {
    let settings = RawSettings {
        token: Some(TOKEN.into()),
        api_url: Some(telegram.url()),
        database_url: database_url.to_owned(),
        admins: ADMIN_ID.to_string(),
        timezone: "Asia/Ho_Chi_Minh".into(),
        lang: "vi".into(),
        rate_global: options.rate_global.to_string(),
        rate_per_group_min: options.rate_per_group_min.to_string(),
        rate_per_chat_sec: options.rate_per_chat_sec.to_string(),
        send_timeout: options.send_timeout_secs.to_string(),
        quiet_hours: options.quiet_hours.clone(),
        catchup: options.catchup.clone(),
        keep_deliveries: "400".into(),
        ack_within: "2h".into(),
        ward_name: options.ward_name.clone(),
        desk_chat: options.desk_chat.map(|chat| chat.to_string()),
        desk_ack_within: "8h".into(),
        keep_tickets: "365".into(),
        backup_dir: options.backup_dir.as_ref().map(|dir| dir.display().to_string()),
        backup_every: options.backup_every.clone(),
        backup_keep: "7".into(),
        webhook_url: options.webhook.then(|| WEBHOOK_URL.into()),
        listen: FREE_PORT.into(),
        webhook_secret: options.webhook_secret.clone(),
        http: options.http.clone().unwrap_or_else(|| "off".into()),
        log_format: "text".into(),
    }
    .validate()
    .expect("test settings");
    let shutdown = CancellationToken::new();
    // Up once it polls, or once it has registered its webhook.
    let ready_call = if options.webhook { "setWebhook" } else { "getUpdates" };
    let calls_before = telegram.calls_to(ready_call).len();
    let clock: Arc<dyn Clock> =
        if options.real_clock { Arc::new(SystemClock) } else { Arc::new(clock.clone()) };
    let health = Health::default();
    let task = tokio::spawn(loa::app::run(settings, clock, shutdown.clone(), health.clone()));
    telegram
        .wait_for(&format!("the bot calls {ready_call}"), |calls| {
            calls.iter().filter(|c| c.method == ready_call).count() > calls_before
        })
        .await;
    (shutdown, task, health)
}
