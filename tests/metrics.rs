//! `/metrics` on `LOA_HTTP`: what the database holds, read at scrape time, and what happened
//! since start — each fault Telegram answered counted by its kind.

mod support;

use std::time::Duration;

use chrono::{Duration as Span, TimeZone, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use support::{
    fake_telegram::Reply,
    test_app::{ADMIN_ID, Options, TestApp},
    ward::{count, delivery, outbox_drained, post_and_confirm},
};

const RATE_LIMITED: i64 = -701;
const KICKED: i64 = -702;
const SERVER_ERROR: i64 = -703;
const TIMED_OUT: i64 = -704;
const NO_RIGHTS: i64 = -705;
const FINE: [i64; 2] = [-706, -707];

fn with_status_pages() -> Options {
    Options { http: Some("127.0.0.1:0".into()), ..Options::default() }
}

/// The value of the sample `name` (with its labels, as written) on the page.
fn sample(page: &str, name: &str) -> f64 {
    let line = page.lines().find(|line| line.rsplit_once(' ').is_some_and(|(n, _)| n == name));
    let line = line.unwrap_or_else(|| panic!("{name} missing from:\n{page}"));
    line.rsplit_once(' ').unwrap().1.parse().expect("a number")
}

async fn scrape(app: &TestApp) -> String {
    let (status, page) = app.get("/metrics").await;
    assert_eq!(status, 200, "{page}");
    page
}

async fn scalar(app: &TestApp, sql: &'static str, value: &str) -> i64 {
    sqlx::query_scalar(sql).bind(value).fetch_one(app.store.pool()).await.unwrap()
}

/// teloxide waits 10 s after a 5xx answer before it reads it: the send timeout must be longer
/// for the answer to arrive, and a lost answer longer still. So this test takes 13 s.
#[tokio::test]
async fn after_a_broadcast_with_faults_the_figures_equal_the_database_and_each_fault_is_counted() {
    let app = TestApp::spawn_with(Options { send_timeout_secs: 12, ..with_status_pages() }).await;
    let groups = [RATE_LIMITED, KICKED, SERVER_ERROR, TIMED_OUT, NO_RIGHTS, FINE[0], FINE[1]];
    for (n, group) in groups.into_iter().enumerate() {
        app.seed_chat(group, &format!("Tổ {}", n + 1), Some("1"), &["waste"]).await;
    }
    let refusal = |code, description: &str| Reply::Error { code, description: description.into() };
    app.telegram.script(RATE_LIMITED, Reply::RetryAfter(30));
    app.telegram.script(KICKED, refusal(403, "Forbidden: bot was kicked from the group chat"));
    app.telegram.script(SERVER_ERROR, refusal(500, "Internal Server Error"));
    app.telegram.script(TIMED_OUT, Reply::Delay(Duration::from_secs(13)));
    app.telegram.script(NO_RIGHTS, refusal(400, "Bad Request: not enough rights to send text messages"));
    post_and_confirm(&app, ADMIN_ID, "waste Lịch thu gom rác tuần này").await;

    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while count(&app, "SELECT count(*) FROM deliveries WHERE last_error IS NOT NULL").await < 5 {
        assert!(tokio::time::Instant::now() < deadline, "every fault is recorded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The retries come due; the faults were scripted once each.
    app.clock.advance(Span::seconds(60));
    outbox_drained(&app).await;
    app.eventually("each group's members are counted", || async {
        count(&app, "SELECT count(*) FROM deliveries WHERE state = 'sent' AND reach IS NULL").await == 0
    })
    .await;
    assert_eq!(delivery(&app, RATE_LIMITED).await.0, "sent");
    assert_eq!(delivery(&app, KICKED).await.0, "failed");

    let page = scrape(&app).await;
    for state in ["pending", "sending", "sent", "failed", "cancelled"] {
        let held = scalar(&app, "SELECT count(*) FROM deliveries WHERE state = ?1", state).await;
        assert_eq!(sample(&page, &format!("loa_deliveries{{state=\"{state}\"}}")), held as f64, "{state}");
    }
    assert_eq!(sample(&page, "loa_deliveries{state=\"sent\"}"), 5.0);
    assert_eq!(sample(&page, "loa_queue_depth"), 0.0);
    assert_eq!(sample(&page, "loa_oldest_due_delivery_age_seconds"), 0.0);
    for (kind, injected) in [
        ("rate_limited", 1),
        ("server_error", 1),
        ("timeout", 1),
        ("chat_gone", 1),
        ("refused", 1),
        ("network", 0),
    ] {
        assert_eq!(
            sample(&page, &format!("loa_send_errors_total{{kind=\"{kind}\"}}")),
            injected as f64,
            "{kind}"
        );
    }
    // Every request the worker made reached the fake: the sends (each attempt) and, after each
    // send to a group, the count of its members.
    let attempts = count(&app, "SELECT sum(attempts) FROM deliveries").await as usize;
    let sends = app
        .telegram
        .calls_to("sendMessage")
        .iter()
        .filter(|call| call.body["chat_id"].as_i64() < Some(0))
        .count();
    assert_eq!((attempts, sends), (10, 10), "seven sends and three retries");
    let requests = sends + app.telegram.calls_to("getChatMemberCount").len();
    assert_eq!(sample(&page, "loa_sends_total"), requests as f64);
    assert_eq!(sample(&page, "loa_send_duration_seconds_count"), requests as f64);
    let replies = app.telegram.sent_to(ADMIN_ID).len();
    assert_eq!(sample(&page, "loa_replies_sent_total"), replies as f64, "the preview and the confirmation");
    for kind in ["private", "group", "supergroup", "channel"] {
        let active = scalar(&app, "SELECT count(*) FROM chats WHERE active = 1 AND kind = ?1", kind).await;
        assert_eq!(sample(&page, &format!("loa_active_chats{{kind=\"{kind}\"}}")), active as f64, "{kind}");
    }
    assert_eq!(sample(&page, "loa_active_chats{kind=\"group\"}"), 6.0, "the kicked group is gone");
    app.stop().await;
}

/// A local time in the ward on Monday 2026-06-01, the test clock's first day.
fn monday(h: u32, mi: u32, sec: u32) -> chrono::DateTime<Utc> {
    Ho_Chi_Minh.with_ymd_and_hms(2026, 6, 1, h, mi, sec).unwrap().with_timezone(&Utc)
}

#[tokio::test]
async fn the_scheduler_lag_and_the_age_of_the_oldest_due_delivery_are_what_they_are_now() {
    const GROUP: i64 = -801;
    let app = TestApp::spawn_with(with_status_pages()).await;
    app.seed_chat(GROUP, "Tổ 5", Some("5"), &["waste"]).await;
    let reply =
        app.official_says(ADMIN_ID, "/remind t2@17:30 waste area=5 Mang rác ra điểm tập kết.", 1).await;
    assert!(reply[0].text.contains("Đã tạo lời nhắc #1"), "{}", reply[0].text);
    let page = scrape(&app).await;
    assert_eq!(sample(&page, "loa_reminders{status=\"active\"}"), 1.0);
    assert_eq!(sample(&page, "loa_reminders{status=\"cancelled\"}"), 0.0);

    // Loa was down over the fire: it comes 90 s late, within the catch-up window.
    app.clock.set(monday(17, 31, 30));
    app.eventually("the late fire is broadcast", || async {
        count(&app, "SELECT count(*) FROM broadcasts").await == 1
    })
    .await;
    outbox_drained(&app).await;
    assert_eq!(sample(&scrape(&app).await, "loa_scheduler_lag_seconds"), 90.0);

    // A retry that comes due at 22:00 waits for quiet hours to end: at 22:05 it has been due 5 min.
    app.clock.set(monday(21, 58, 0));
    app.telegram.script(GROUP, Reply::RetryAfter(120));
    post_and_confirm(&app, ADMIN_ID, "waste area=5 Nhắc đổ rác đúng giờ").await;
    app.eventually("Telegram asked to wait", || async {
        count(&app, "SELECT count(*) FROM deliveries WHERE last_error LIKE '%429%'").await == 1
    })
    .await;
    app.clock.set(monday(22, 5, 0));
    let page = scrape(&app).await;
    assert_eq!(sample(&page, "loa_queue_depth"), 1.0);
    assert_eq!(sample(&page, "loa_oldest_due_delivery_age_seconds"), 300.0);
    app.stop().await;
}
