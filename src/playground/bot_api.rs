//! A fake Telegram Bot API server for offline end-to-end tests.
//!
//! It speaks real HTTP on 127.0.0.1, so the real teloxide client (and with it
//! our request building, error mapping and long polling) is what gets tested.
//! Tests drive it through a `FakeTelegram` handle: push updates, script
//! failures, then wait for and inspect the calls the bot made.

mod form;
mod limits;
mod messages;
mod server;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::str::FromStr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use limits::Limiter;
pub use limits::{Limit, Limits};

use super::updates::MEMBER_STATUSES;

pub const BOT_ID: i64 = 1000;
pub const BOT_USERNAME: &str = "loa_test_bot";
pub const TOKEN: &str = "1000:fake-token";

/// Long enough for a slow CI machine, short enough that a hung test says why.
const DEFAULT_DEADLINE: Duration = Duration::from_secs(10);
/// Polling (rather than a notification per call) bounds how often a waiter
/// scans the call log, which matters when a benchmark makes 10,000 calls.
const POLL_INTERVAL: Duration = Duration::from_millis(10);

/// One request the bot made, in arrival order.
#[derive(Clone, Debug)]
pub struct Call {
    pub method: String,
    pub body: Value,
    pub at: Instant,
}

/// A message Telegram accepted from the bot: one per `sendMessage`,
/// `sendPhoto`, …, and one per item of a `sendMediaGroup`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SentMessage {
    pub chat_id: i64,
    pub kind: SentKind,
    /// The text, or the caption of a media message ("" without one).
    pub text: String,
    /// `entities`, or a media message's `caption_entities`, as the bot sent them.
    pub entities: Option<Value>,
    /// The file a media message carries, as the bot named it.
    pub file_id: Option<String>,
    /// (latitude, longitude) of a location.
    pub location: Option<(f64, f64)>,
    /// Shared by the messages of one album.
    pub media_group_id: Option<String>,
    pub message_id: i32,
    pub reply_markup: Option<Value>,
    pub parse_mode: Option<String>,
}

/// What a sent message shows; the name is its field in a Telegram `Message`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SentKind {
    #[default]
    Text,
    Photo,
    Video,
    Animation,
    Document,
    Audio,
    Voice,
    Location,
}

impl SentKind {
    /// The kind of message `method` sends, if it sends one.
    fn sent_by(method: &str) -> Option<SentKind> {
        Some(match method {
            "sendMessage" => SentKind::Text,
            "sendPhoto" => SentKind::Photo,
            "sendVideo" => SentKind::Video,
            "sendAnimation" => SentKind::Animation,
            "sendDocument" => SentKind::Document,
            "sendAudio" => SentKind::Audio,
            "sendVoice" => SentKind::Voice,
            "sendLocation" => SentKind::Location,
            _ => return None,
        })
    }

    /// The message field, which is also the send method's file parameter and
    /// an album item's `type`.
    pub fn field(self) -> &'static str {
        match self {
            SentKind::Text => "text",
            SentKind::Photo => "photo",
            SentKind::Video => "video",
            SentKind::Animation => "animation",
            SentKind::Document => "document",
            SentKind::Audio => "audio",
            SentKind::Voice => "voice",
            SentKind::Location => "location",
        }
    }

    /// Whether the message carries a file, and with it a caption.
    fn has_file(self) -> bool {
        !matches!(self, SentKind::Text | SentKind::Location)
    }
}

/// A scripted answer for the next call of one method to one chat.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Answer normally; lets one call through between scripted failures.
    Ok,
    /// `ok: false` with this HTTP status and description. Avoid 5xx codes:
    /// teloxide sleeps 10 s after a server error before it returns.
    Error { code: u16, description: String },
    /// 429 with `retry_after`, i.e. `RequestError::RetryAfter`.
    RetryAfter(u32),
    /// 400 with `migrate_to_chat_id`, i.e. `RequestError::MigrateToChatId`.
    Migrate(i64),
    /// Handle the call normally, but answer this much later. Longer than the
    /// client's timeout (17 s in teloxide) it simulates a lost response.
    Delay(Duration),
    /// Hold the call until the test opens `gate`, then answer as `then` says:
    /// a request the test knows to be in flight.
    Hold { gate: Gate, then: Box<Reply> },
}

/// Holds scripted calls until the test opens it.
#[derive(Clone, Debug)]
pub struct Gate(Arc<tokio::sync::Semaphore>);

impl Default for Gate {
    /// A closed gate.
    fn default() -> Gate {
        Gate(Arc::new(tokio::sync::Semaphore::new(0)))
    }
}

impl Gate {
    /// Lets every held call (and every later one) through.
    pub fn open(&self) {
        self.0.add_permits(tokio::sync::Semaphore::MAX_PERMITS / 2);
    }

    async fn pass(&self) {
        let _ = self.0.acquire().await;
    }
}

/// A cheap handle to a running fake; the server stops with the last clone.
#[derive(Clone)]
pub struct FakeTelegram {
    shared: Arc<Shared>,
    url: String,
    _server: Arc<ServerTask>,
}

#[derive(Default)]
struct Shared {
    /// Never held across an `.await`.
    state: Mutex<State>,
    /// Wakes long polls waiting in `getUpdates`.
    update_pushed: Notify,
    /// How many calls other than `getUpdates` have been answered, for watchers.
    answered: tokio::sync::watch::Sender<u64>,
}

#[derive(Default)]
struct State {
    calls: Vec<Call>,
    sent: Vec<SentMessage>,
    /// The latest version of each sent message edited since, by (chat, message).
    edited: HashMap<(i64, i32), SentMessage>,
    /// (chat, message) in the order they were first deleted.
    deleted: Vec<(i64, i32)>,
    /// File ids Telegram no longer accepts.
    rejected_file_ids: HashSet<String>,
    /// Files uploaded; `uploaded-n` names the n-th.
    uploads: Vec<Vec<u8>>,
    last_media_group_id: u64,
    pending_updates: VecDeque<Value>,
    last_update_id: i64,
    last_message_id: HashMap<i64, i32>,
    /// Chats seen in pushed updates, so replies carry their real title.
    chats: HashMap<i64, Value>,
    /// (chat_id, user_id) -> status; absent means "member".
    members: HashMap<(i64, i64), String>,
    /// (chat_id, user_id) -> rights that override the status's usual ones in `getChatMember`.
    member_rights: HashMap<(i64, i64), serde_json::Map<String, Value>>,
    /// How far the `Date` header of every answer is from this machine's clock.
    clock_skew: chrono::Duration,
    /// What `getChatMemberCount` answers per chat; 2 (the bot and one person) if unset.
    member_counts: HashMap<i64, u32>,
    scripts: HashMap<(String, i64), VecDeque<Reply>>,
    /// The parameters of the last `setWebhook`, until `deleteWebhook`; while it is set,
    /// `getUpdates` is refused (409), as Telegram does.
    webhook: Option<Value>,
    limiter: Option<Limiter>,
    latency: Duration,
    /// Sends refused by `enforce_limits`, per limit.
    too_many_requests: BTreeMap<Limit, u64>,
}

struct ServerTask(JoinHandle<()>);

impl Drop for ServerTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl FakeTelegram {
    pub async fn start() -> Self {
        let listener =
            tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the fake Telegram server");
        let address = listener.local_addr().expect("fake Telegram address");
        let shared = Arc::new(Shared::default());
        let task = tokio::spawn(server::serve(listener, shared.clone()));
        Self { shared, url: format!("http://{address}/"), _server: Arc::new(ServerTask(task)) }
    }

    /// The API base URL, e.g. `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The base URL parsed into whatever type the caller needs; generic so
    /// `Bot::set_api_url(fake.api_url())` works without naming `reqwest::Url`,
    /// which teloxide does not re-export.
    pub fn api_url<U>(&self) -> U
    where
        U: FromStr,
        U::Err: std::fmt::Debug,
    {
        self.url.parse().expect("fake Telegram URL parses")
    }

    /// A real teloxide client pointed at this fake.
    pub fn bot(&self) -> teloxide::Bot {
        teloxide::Bot::new(TOKEN).set_api_url(self.api_url())
    }

    /// Queues an update for `getUpdates`, numbering it if it has no
    /// `update_id`. Returns the update's id.
    pub fn push_update(&self, mut update: Value) -> i64 {
        let id = {
            let mut state = self.state();
            let id = update["update_id"].as_i64().unwrap_or(state.last_update_id + 1);
            state.last_update_id = state.last_update_id.max(id);
            update["update_id"] = json!(id);
            state.remember(&update);
            state.pending_updates.push_back(update);
            id
        };
        self.shared.update_pushed.notify_waiters();
        id
    }

    /// Keeps a file a person sends, as Telegram keeps it, and returns the file
    /// id that the message carrying it names (see `updates::photo`).
    pub fn upload(&self, bytes: Vec<u8>) -> String {
        let mut state = self.state();
        state.uploads.push(bytes);
        format!("uploaded-{}", state.uploads.len())
    }

    /// Changes each time a call other than `getUpdates` has been answered: a
    /// watcher learns that something may have changed without polling.
    pub fn answered(&self) -> tokio::sync::watch::Receiver<u64> {
        self.shared.answered.subscribe()
    }

    /// What `getChatMember` answers for this user; one of
    /// creator/administrator/member/restricted/left/kicked.
    pub fn set_member_status(&self, chat_id: i64, user_id: i64, status: &str) {
        assert!(MEMBER_STATUSES.contains(&status), "unknown chat member status {status:?}");
        self.state().members.insert((chat_id, user_id), status.to_owned());
    }

    /// Overrides one right (`can_pin_messages`, `can_post_messages`, `can_send_messages`, …)
    /// in what `getChatMember` answers for this user, whatever its status.
    pub fn set_member_right(&self, chat_id: i64, user_id: i64, right: &str, allowed: bool) {
        self.state()
            .member_rights
            .entry((chat_id, user_id))
            .or_default()
            .insert(right.to_owned(), json!(allowed));
    }

    /// Puts the `Date` header of every answer this far from this machine's clock, as a server
    /// whose clock (or ours) is off would.
    pub fn set_clock_skew(&self, skew: chrono::Duration) {
        self.state().clock_skew = skew;
    }

    /// What `getChatMemberCount` answers for `chat_id`, the bot included.
    pub fn set_member_count(&self, chat_id: i64, count: u32) {
        self.state().member_counts.insert(chat_id, count);
    }

    /// Scripts the answer to the next `sendMessage` to `chat_id`.
    pub fn script(&self, chat_id: i64, reply: Reply) {
        self.script_method("sendMessage", chat_id, reply);
    }

    /// Scripts the answer to the next `method` call whose `chat_id` matches
    /// (0 for methods without one, such as answerCallbackQuery). Replies
    /// queue up and are used once each, in order.
    pub fn script_method(&self, method: &str, chat_id: i64, reply: Reply) {
        self.state().scripts.entry((method.to_owned(), chat_id)).or_default().push_back(reply);
    }

    /// Makes every send (and edit of a message's text or buttons) answer 429 whenever
    /// Telegram's limits would; an album of k counts as k messages.
    pub fn enforce_limits(&self, limits: Limits) {
        self.state().limiter = Some(Limiter::new(limits));
    }

    /// Added to every send, to model a distant server.
    pub fn set_latency(&self, latency: Duration) {
        self.state().latency = latency;
    }

    /// The webhook registered (`url`, `secret_token`, `allowed_updates`, …), if one is.
    pub fn webhook(&self) -> Option<Value> {
        self.state().webhook.clone()
    }

    /// How many sends `enforce_limits` refused.
    pub fn too_many_requests(&self) -> u64 {
        self.state().too_many_requests.values().sum()
    }

    /// How many sends each of Telegram's limits refused, the limits that refused none left out.
    pub fn too_many_requests_by_limit(&self) -> BTreeMap<Limit, u64> {
        self.state().too_many_requests.clone()
    }

    pub fn calls(&self) -> Vec<Call> {
        self.state().calls.clone()
    }

    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        let state = self.state();
        state.calls_to(method).cloned().collect()
    }

    /// Every message sent, as sent (edits and deletions do not change it).
    pub fn sent_messages(&self) -> Vec<SentMessage> {
        self.state().sent.clone()
    }

    /// The messages `chat_id` received, in order, each album item on its own.
    pub fn sent_to(&self, chat_id: i64) -> Vec<SentMessage> {
        let state = self.state();
        state.sent_to(chat_id).cloned().collect()
    }

    /// Makes Telegram refuse this file id from now on, as it does a stale one:
    /// 400 "wrong file identifier/HTTP URL specified".
    pub fn reject_file_id(&self, file_id: &str) {
        self.state().rejected_file_ids.insert(file_id.to_owned());
    }

    /// The content of a file the bot uploaded, or of one given to `upload`, by
    /// the id it was given (`SentMessage::file_id` of a message that carried it).
    pub fn uploaded(&self, file_id: &str) -> Option<Vec<u8>> {
        let number: usize = file_id.strip_prefix("uploaded-")?.parse().ok()?;
        self.state().uploads.get(number.checked_sub(1)?).cloned()
    }

    /// The message as the chat shows it now, after edits of its text, caption
    /// or buttons; `None` if the bot never sent it or it was deleted.
    pub fn current_message(&self, chat_id: i64, message_id: i32) -> Option<SentMessage> {
        self.state().current(chat_id, message_id).cloned()
    }

    /// Ids of the messages deleted in `chat_id` (by deleteMessage or
    /// deleteMessages), in the order they were deleted.
    pub fn deleted_in(&self, chat_id: i64) -> Vec<i32> {
        let state = self.state();
        state.deleted.iter().filter(|(chat, _)| *chat == chat_id).map(|(_, message_id)| *message_id).collect()
    }

    /// Waits up to 10 s for `predicate` to hold over all calls so far, then
    /// returns those calls; panics with `description` otherwise.
    pub async fn wait_for(&self, description: &str, predicate: impl Fn(&[Call]) -> bool) -> Vec<Call> {
        self.wait_for_within(DEFAULT_DEADLINE, description, predicate).await
    }

    /// `wait_for` with a custom deadline, e.g. for long benchmarks.
    pub async fn wait_for_within(
        &self,
        deadline: Duration,
        description: &str,
        predicate: impl Fn(&[Call]) -> bool,
    ) -> Vec<Call> {
        self.wait_until(deadline, description, |state| predicate(&state.calls).then(|| state.calls.clone()))
            .await
    }

    /// Waits for `n` messages to reach `chat_id` and returns the first `n`.
    pub async fn wait_for_sent(&self, chat_id: i64, n: usize) -> Vec<SentMessage> {
        let description = format!("{n} message(s) sent to chat {chat_id}");
        self.wait_until(DEFAULT_DEADLINE, &description, |state| {
            let sent: Vec<_> = state.sent_to(chat_id).take(n).cloned().collect();
            (sent.len() == n).then_some(sent)
        })
        .await
    }

    async fn wait_until<T>(
        &self,
        deadline: Duration,
        description: &str,
        check: impl Fn(&State) -> Option<T>,
    ) -> T {
        let give_up = Instant::now() + deadline;
        loop {
            if let Some(found) = check(&self.state()) {
                return found;
            }
            if Instant::now() >= give_up {
                let calls = method_summary(&self.state().calls);
                panic!("timed out after {deadline:?} waiting for {description}; calls: [{calls}]");
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.shared.lock()
    }
}

impl Shared {
    /// A panicking test predicate poisons the lock; the state is still
    /// consistent, and the other tests' messages are more useful than a
    /// cascade of `PoisonError`s.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    fn calls_to<'a>(&'a self, method: &'a str) -> impl Iterator<Item = &'a Call> {
        self.calls.iter().filter(move |call| call.method == method)
    }

    fn sent_to(&self, chat_id: i64) -> impl Iterator<Item = &SentMessage> {
        self.sent.iter().filter(move |sent| sent.chat_id == chat_id)
    }

    fn current(&self, chat_id: i64, message_id: i32) -> Option<&SentMessage> {
        if self.deleted.contains(&(chat_id, message_id)) {
            return None;
        }
        self.edited.get(&(chat_id, message_id)).or_else(|| {
            self.sent.iter().rfind(|sent| sent.chat_id == chat_id && sent.message_id == message_id)
        })
    }

    /// Keeps the fake consistent with what a pushed update told the bot: the
    /// chat's title and type, and membership changes.
    fn remember(&mut self, update: &Value) {
        for kind in ["message", "edited_message", "my_chat_member", "chat_member"] {
            let chat = &update[kind]["chat"];
            if let Some(chat_id) = chat["id"].as_i64() {
                self.chats.insert(chat_id, chat.clone());
            }
        }
        for kind in ["my_chat_member", "chat_member"] {
            let change = &update[kind];
            let member = &change["new_chat_member"];
            if let (Some(chat_id), Some(user_id), Some(status)) =
                (change["chat"]["id"].as_i64(), member["user"]["id"].as_i64(), member["status"].as_str())
            {
                self.members.insert((chat_id, user_id), status.to_owned());
            }
        }
    }
}

/// "getMe, getUpdates ×3, sendMessage": run-length encoded so a dump of
/// thousands of calls stays readable.
fn method_summary(calls: &[Call]) -> String {
    let mut runs: Vec<(&str, usize)> = Vec::new();
    for call in calls {
        match runs.last_mut() {
            Some((method, count)) if *method == call.method => *count += 1,
            _ => runs.push((&call.method, 1)),
        }
    }
    let runs: Vec<String> = runs
        .into_iter()
        .map(|(method, count)| match count {
            1 => method.to_owned(),
            _ => format!("{method} ×{count}"),
        })
        .collect();
    runs.join(", ")
}
