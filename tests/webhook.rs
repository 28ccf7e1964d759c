//! Webhook mode: Telegram posts updates to Loa's listener with the secret token registered by
//! `setWebhook`; a request without it is refused and logged without its body. Updates that were
//! acknowledged are handled before Loa stops, and going back to long polling deletes the webhook.

mod support;

use std::{
    io::Write,
    sync::{Arc, Mutex, OnceLock, PoisonError},
};

use serde_json::Value;
use support::{
    fake_telegram::Reply,
    test_app::{Options, TestApp, WEBHOOK_URL},
    updates::text_in_private,
};

const RESIDENT: i64 = 7301;
const STRANGER: i64 = 7302;

fn webhook_mode() -> Options {
    Options { webhook: true, ..Options::default() }
}

/// The webhook Telegram was told about: it must be there.
fn registered(app: &TestApp) -> Value {
    app.telegram.webhook().expect("a webhook is registered")
}

fn secret_of(app: &TestApp) -> String {
    registered(app)["secret_token"].as_str().expect("a secret token is registered").to_owned()
}

#[tokio::test]
async fn an_update_with_the_secret_is_answered_and_one_without_is_refused_and_logged_without_its_body() {
    let logs = captured_logs();
    let app = TestApp::spawn_with(webhook_mode()).await;
    let webhook = registered(&app);
    assert_eq!(webhook["url"], WEBHOOK_URL);
    let secret = secret_of(&app);
    assert_eq!(secret.len(), 32, "a generated secret: {secret}");

    let start = text_in_private(RESIDENT, "Lan", None, "/start");
    assert_eq!(app.post_update(start, Some(&secret)).await, 200);
    let reply = app.telegram.wait_for_sent(RESIDENT, 1).await;
    assert!(reply[0].text.contains("Xin chào! Tôi là Loa"), "{}", reply[0].text);

    let forged = text_in_private(STRANGER, "Kẻ lạ", None, "/start nội-dung-không-được-ghi-log");
    assert_eq!(app.post_update(forged.clone(), None).await, 401, "no secret");
    assert_eq!(app.post_update(forged, Some("not-the-secret")).await, 401, "a wrong secret");
    // The stranger's chat is handled in order: once a real update of theirs is answered, the
    // refused ones would have been answered before it, had they got through.
    let probe = text_in_private(STRANGER, "Kẻ lạ", None, "/help");
    assert_eq!(app.post_update(probe, Some(&secret)).await, 200);
    let answered = app.telegram.wait_for_sent(STRANGER, 1).await;
    assert!(answered[0].text.contains("/subscribe"), "the first answer is the /help's: {}", answered[0].text);
    assert_eq!(app.telegram.sent_to(STRANGER).len(), 1);

    let logged = logs.text();
    let refusals = logged.lines().filter(|line| line.contains("refused a webhook request")).count();
    assert_eq!(refusals, 2, "each refusal is logged:\n{logged}");
    assert!(!logged.contains("nội-dung-không-được-ghi-log"), "never the body:\n{logged}");
    assert!(!logged.contains(&secret), "never the secret:\n{logged}");
    app.stop().await;
}

#[tokio::test]
async fn the_webhook_asks_for_the_updates_polling_asks_for() {
    let polling = TestApp::spawn().await;
    let asked = kinds(&polling.telegram.calls_to("getUpdates")[0].body["allowed_updates"]);
    polling.stop().await;
    let app = TestApp::spawn_with(webhook_mode()).await;
    let allowed = kinds(&registered(&app)["allowed_updates"]);
    assert_eq!(allowed, asked);
    for kind in ["message", "callback_query", "my_chat_member"] {
        assert!(allowed.iter().any(|k| k == kind), "{kind} in {allowed:?}");
    }
    app.stop().await;
}

/// A list of update kinds, in a stable order.
fn kinds(list: &Value) -> Vec<String> {
    let mut kinds: Vec<String> =
        list.as_array().expect("a list").iter().map(|kind| kind.as_str().unwrap().to_owned()).collect();
    kinds.sort();
    kinds
}

#[tokio::test]
async fn a_generated_secret_is_kept_across_restarts_and_a_configured_one_is_used() {
    let mut app = TestApp::spawn_with(webhook_mode()).await;
    let generated = secret_of(&app);
    let kept: String = sqlx::query_scalar("SELECT value FROM service_state WHERE key = 'webhook_secret'")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(kept, generated);
    app.restart().await;
    assert_eq!(app.telegram.calls_to("setWebhook").len(), 2);
    assert_eq!(secret_of(&app), generated, "the same secret after a restart");
    app.stop().await;

    let configured = Options { webhook_secret: Some("bi-mat_cua-phuong_42".into()), ..webhook_mode() };
    let app = TestApp::spawn_with(configured).await;
    assert_eq!(secret_of(&app), "bi-mat_cua-phuong_42");
    let update = text_in_private(RESIDENT, "Lan", None, "/help");
    assert_eq!(app.post_update(update, Some("bi-mat_cua-phuong_42")).await, 200);
    app.telegram.wait_for_sent(RESIDENT, 1).await;
    app.stop().await;
}

#[tokio::test]
async fn a_webhook_telegram_refuses_stops_loa_with_telegrams_words() {
    let mut app = TestApp::spawn_with(webhook_mode()).await;
    app.stop_for_a_while().await;
    let refusal = "Bad Request: bad webhook: Failed to resolve host: Name or service not known";
    app.telegram.script_method("setWebhook", 0, Reply::Error { code: 400, description: refusal.into() });
    app.start().await;
    let error = app.stopped_by_itself().await.expect_err("Loa stops on the refusal");
    assert!(error.to_string().contains("bad webhook: Failed to resolve host"), "{error}");
}

#[tokio::test]
async fn updates_acknowledged_before_sigterm_are_all_handled_then_the_listener_closes() {
    let mut app = TestApp::spawn_with(webhook_mode()).await;
    let secret = secret_of(&app);
    let residents: Vec<i64> = (1..=20).map(|n| RESIDENT + 100 + n).collect();
    for &resident in &residents {
        let update = text_in_private(resident, "Lan", None, "/help");
        assert_eq!(app.post_update(update, Some(&secret)).await, 200);
    }
    let address = app.listening().webhook.unwrap();
    // Stopped as SIGTERM would, right after Telegram was told the updates arrived.
    app.stop_for_a_while().await;
    for resident in residents {
        assert_eq!(app.telegram.sent_to(resident).len(), 1, "resident {resident} was answered");
    }
    assert!(tokio::net::TcpStream::connect(address).await.is_err(), "nothing listens any more");
}

#[tokio::test]
async fn going_back_to_long_polling_deletes_the_webhook() {
    let mut app = TestApp::spawn_with(webhook_mode()).await;
    registered(&app);
    app.stop_for_a_while().await;
    app.options.webhook = false;
    app.start().await;
    assert_eq!(app.telegram.calls_to("deleteWebhook").len(), 1);
    assert!(app.telegram.webhook().is_none());
    // The fake, like Telegram, refuses getUpdates while a webhook is set: this reply came by polling.
    let reply = app.private(RESIDENT, "/help").await;
    assert!(reply.contains("/subscribe"), "{reply}");
    app.stop().await;
}

#[tokio::test]
async fn the_status_pages_share_the_webhooks_listener_when_the_addresses_are_equal() {
    let app = TestApp::spawn_with(Options { http: Some("127.0.0.1:0".into()), ..webhook_mode() }).await;
    let listening = app.listening();
    assert_eq!(listening.status, listening.webhook);
    assert_eq!(app.get("/healthz").await.0, 200);
    assert_eq!(app.get("/readyz").await, (200, "{\"ready\":true}\n".to_owned()));
    let update = text_in_private(RESIDENT, "Lan", None, "/help");
    assert_eq!(app.post_update(update, Some(&secret_of(&app))).await, 200);
    app.telegram.wait_for_sent(RESIDENT, 1).await;
    app.stop().await;
}

/// What this test binary logs, from the first call on.
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

impl Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn captured_logs() -> Logs {
    static CAPTURED: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    let buffer = CAPTURED.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = buffer.clone();
        tracing_subscriber::fmt().with_ansi(false).with_writer(move || Logs(writer.clone())).init();
        buffer
    });
    Logs(buffer.clone())
}
