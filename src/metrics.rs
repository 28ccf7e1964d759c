//! What Loa counts about itself for `/metrics` — the delivery worker's requests and their errors
//! by kind, their latency, replies sent, the scheduler's lag — and when the Bot API last
//! answered, for `/readyz`. Each running app has its own registry (no global recorder): the
//! tests run many apps in one process. What the database holds (deliveries by state, the queue,
//! reminders, chats) is not counted here but read from it at scrape time, so that it equals it.

use std::{
    sync::{Arc, Mutex, PoisonError, atomic::AtomicU64},
    time::Duration,
};

use chrono::{DateTime, Utc};
use prometheus_client::{
    encoding::text::{encode_eof, encode_registry},
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{Histogram, exponential_buckets},
        info::Info,
    },
    registry::{Registry, Unit},
};
use tokio::time::Instant;

use crate::store::Figures;

/// How a request to Telegram failed, as counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendError {
    /// 429: Telegram asked to wait.
    RateLimited,
    /// A 5xx answer: the server's (or a proxy's) trouble.
    ServerError,
    /// No answer within `LOA_SEND_TIMEOUT`.
    Timeout,
    /// No connection, or a broken one.
    Network,
    /// The bot can no longer write to the chat: kicked, blocked, the chat deleted.
    ChatGone,
    /// Any other refusal (no rights, a stale file id, a group moved to a supergroup).
    Refused,
}

impl SendError {
    const ALL: [SendError; 6] = [
        SendError::RateLimited,
        SendError::ServerError,
        SendError::Timeout,
        SendError::Network,
        SendError::ChatGone,
        SendError::Refused,
    ];

    fn label(self) -> &'static str {
        match self {
            SendError::RateLimited => "rate_limited",
            SendError::ServerError => "server_error",
            SendError::Timeout => "timeout",
            SendError::Network => "network",
            SendError::ChatGone => "chat_gone",
            SendError::Refused => "refused",
        }
    }

    /// Whether the Bot API itself gave this answer (a refusal is an answer; silence and a 5xx
    /// are not).
    fn is_an_answer(self) -> bool {
        matches!(self, SendError::RateLimited | SendError::ChatGone | SendError::Refused)
    }
}

type Label = [(&'static str, &'static str); 1];

/// A handle to one app's counters; cheap to clone.
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

struct Inner {
    registry: Registry,
    sends: Counter,
    send_errors: Family<Label, Counter>,
    send_seconds: Histogram,
    replies: Counter,
    scheduler_lag: Gauge<f64, AtomicU64>,
    last_answer: Mutex<Option<Instant>>,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("loa");
        let sends = Counter::default();
        registry.register(
            "sends",
            "Requests the delivery worker made to Telegram (messages, edits, deletions, member counts), since start",
            sends.clone(),
        );
        let send_errors = Family::<Label, Counter>::default();
        // Every kind from the start, at 0, so that a rate of errors has a baseline.
        for kind in SendError::ALL {
            let _ = send_errors.get_or_create(&[("kind", kind.label())]);
        }
        registry.register(
            "send_errors",
            "Those requests that failed, by kind, since start",
            send_errors.clone(),
        );
        // 50 ms to about 25 s.
        let send_seconds = Histogram::new(exponential_buckets(0.05, 2.0, 10));
        registry.register_with_unit(
            "send_duration",
            "Time Telegram took to answer the delivery worker's requests",
            Unit::Seconds,
            send_seconds.clone(),
        );
        let replies = Counter::default();
        registry.register(
            "replies_sent",
            "Replies to people that Telegram accepted, since start",
            replies.clone(),
        );
        let scheduler_lag = Gauge::<f64, AtomicU64>::default();
        registry.register_with_unit(
            "scheduler_lag",
            "How late the scheduler wrote the last reminder fire it sent, after its time",
            Unit::Seconds,
            scheduler_lag.clone(),
        );
        registry.register(
            "build",
            "The version of Loa running",
            Info::new([("version", env!("CARGO_PKG_VERSION"))]),
        );
        Metrics(Arc::new(Inner {
            registry,
            sends,
            send_errors,
            send_seconds,
            replies,
            scheduler_lag,
            last_answer: Mutex::new(None),
        }))
    }

    /// The delivery worker's request took `elapsed` and failed with `error`, if it did.
    pub fn sent(&self, elapsed: Duration, error: Option<SendError>) {
        self.0.sends.inc();
        self.0.send_seconds.observe(elapsed.as_secs_f64());
        if let Some(error) = error {
            self.0.send_errors.get_or_create(&[("kind", error.label())]).inc();
        }
        self.heard_back(error);
    }

    /// A reply to a person went out, or failed with `error`.
    pub fn replied(&self, error: Option<SendError>) {
        if error.is_none() {
            self.0.replies.inc();
        }
        self.heard_back(error);
    }

    /// The scheduler sent a reminder's fire `lag` after its time.
    pub fn fired(&self, lag: chrono::Duration) {
        self.0.scheduler_lag.set(lag.as_seconds_f64().max(0.0));
    }

    /// The Bot API answered a request (getMe at start, the readiness probe's).
    pub fn bot_api_answered(&self) {
        *self.0.last_answer.lock().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
    }

    /// How long ago the Bot API last answered; `None` if it never did.
    pub fn since_bot_api_answered(&self) -> Option<Duration> {
        let last = *self.0.last_answer.lock().unwrap_or_else(PoisonError::into_inner);
        last.map(|at| at.elapsed())
    }

    fn heard_back(&self, error: Option<SendError>) {
        if error.is_none_or(SendError::is_an_answer) {
            self.bot_api_answered();
        }
    }

    /// The page `/metrics` serves: the counters, then `figures` read from the database `now`,
    /// in the OpenMetrics text format.
    pub fn render(&self, figures: &Figures, now: DateTime<Utc>) -> String {
        let mut page = String::new();
        encode_registry(&mut page, &self.0.registry)
            .and_then(|()| encode_registry(&mut page, &figures_registry(figures, now)))
            .and_then(|()| encode_eof(&mut page))
            .expect("writing to a String cannot fail");
        page
    }
}

/// A registry of gauges made for one scrape, holding what the database holds.
fn figures_registry(figures: &Figures, now: DateTime<Utc>) -> Registry {
    let mut registry = Registry::with_prefix("loa");
    registry.register(
        "deliveries",
        "Deliveries in the database, by state",
        gauges("state", &figures.deliveries),
    );
    let depth = Gauge::<i64>::default();
    depth.set(figures.queue_depth());
    registry.register("queue_depth", "Deliveries still owed: pending or in flight", depth);
    let age = Gauge::<f64, AtomicU64>::default();
    age.set(figures.oldest_due_at.map_or(0.0, |due| (now - due).as_seconds_f64().max(0.0)));
    registry.register_with_unit(
        "oldest_due_delivery_age",
        "How long the oldest pending delivery whose time has come has waited (0: none)",
        Unit::Seconds,
        age,
    );
    registry.register("reminders", "Reminders by status", gauges("status", &figures.reminders));
    registry.register(
        "active_chats",
        "Chats the bot can write to, by kind",
        gauges("kind", &figures.active_chats),
    );
    registry
}

fn gauges(label: &'static str, counts: &[(&'static str, i64)]) -> Family<Label, Gauge> {
    let family = Family::<Label, Gauge>::default();
    for (value, count) in counts {
        family.get_or_create(&[(label, *value)]).set(*count);
    }
    family
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn figures() -> Figures {
        Figures {
            deliveries: vec![("pending", 2), ("sending", 1), ("sent", 7), ("failed", 0), ("cancelled", 0)],
            oldest_due_at: Some(Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap()),
            reminders: vec![("active", 3), ("paused", 0), ("finished", 1), ("cancelled", 0)],
            active_chats: vec![("private", 4), ("group", 2), ("supergroup", 0), ("channel", 0)],
        }
    }

    #[test]
    fn the_page_holds_the_counters_and_the_figures() {
        let metrics = Metrics::new();
        metrics.sent(Duration::from_millis(120), None);
        metrics.sent(Duration::from_millis(80), Some(SendError::RateLimited));
        metrics.replied(None);
        metrics.fired(chrono::Duration::seconds(90));
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 42).unwrap();
        let page = metrics.render(&figures(), now);
        for line in [
            "loa_sends_total 2",
            "loa_send_errors_total{kind=\"rate_limited\"} 1",
            "loa_send_errors_total{kind=\"chat_gone\"} 0",
            "loa_send_duration_seconds_count 2",
            "loa_replies_sent_total 1",
            "loa_scheduler_lag_seconds 90.0",
            "loa_deliveries{state=\"sent\"} 7",
            "loa_deliveries{state=\"failed\"} 0",
            "loa_queue_depth 3",
            "loa_oldest_due_delivery_age_seconds 42.0",
            "loa_reminders{status=\"active\"} 3",
            "loa_active_chats{kind=\"group\"} 2",
            &format!("loa_build_info{{version=\"{}\"}} 1", env!("CARGO_PKG_VERSION")),
        ] {
            assert!(page.lines().any(|l| l == line), "{line:?} missing from:\n{page}");
        }
        assert!(page.ends_with("# EOF\n"));
    }

    #[test]
    fn only_an_answer_from_the_bot_api_counts_as_one() {
        let metrics = Metrics::new();
        metrics.sent(Duration::ZERO, Some(SendError::Timeout));
        metrics.replied(Some(SendError::ServerError));
        assert_eq!(metrics.since_bot_api_answered(), None, "silence and a 5xx are not answers");
        metrics.sent(Duration::ZERO, Some(SendError::ChatGone));
        assert!(metrics.since_bot_api_answered().is_some(), "a refusal is an answer");
    }

    #[test]
    fn each_app_counts_on_its_own() {
        let (one, other) = (Metrics::new(), Metrics::new());
        one.sent(Duration::ZERO, None);
        assert!(other.render(&figures(), Utc::now()).lines().any(|l| l == "loa_sends_total 0"));
    }
}
