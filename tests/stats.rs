//! `/stats` for officials: twelve weeks of announcements, deliveries, reach and
//! acknowledgements, per week, topic and area, with a chart sent as a photo.
//!
//! The history is written into the tables directly (acknowledgements and reach come from the
//! resident side of the bot), and one announcement is posted, confirmed and delivered for
//! real. The test clock stands at Monday 2026-06-01 15:00 in Hà Nội, so the twelve weeks run
//! from Monday 16 March.

mod support;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use support::{
    fake_telegram::{SentKind, SentMessage},
    test_app::{ADMIN_ID, TestApp},
    updates,
    ward::{announcements, count, outbox_drained, post_and_confirm},
};

const AREA5_A: i64 = -501;
const AREA5_B: i64 = -502;
const AREA7: i64 = -503;
const AREA12: i64 = -512;
const RESIDENT: i64 = 7001;

async fn ward(app: &TestApp) {
    app.seed_chat(AREA5_A, "Tổ 5 — nhóm A", Some("5"), &["waste", "health"]).await;
    app.seed_chat(AREA5_B, "Tổ 5 — nhóm B", Some("5"), &["waste"]).await;
    app.seed_chat(AREA7, "Tổ 7", Some("7"), &["waste", "health"]).await;
    app.seed_chat(AREA12, "Tổ 12", Some("12"), &["health"]).await;
    app.seed_chat(RESIDENT, "Lan", None, &["waste"]).await;
}

/// A delivery written as the worker would have: to `chat`, sent (or failed), reaching
/// `reach` people (None: not known yet), with `acks` residents who tapped «✅ Đã nhận».
struct Sent {
    chat: i64,
    state: &'static str,
    reach: Option<i64>,
    acks: i64,
}

fn sent(chat: i64, reach: Option<i64>, acks: i64) -> Sent {
    Sent { chat, state: "sent", reach, acks }
}

/// The instant of a wall-clock time in Hà Nội, written `2026-05-31 23:30`.
fn hanoi(local: &str) -> DateTime<Utc> {
    let at = NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap();
    Ho_Chi_Minh.from_local_datetime(&at).unwrap().to_utc()
}

/// A past announcement and its deliveries and taps; returns its id.
async fn seed_broadcast(app: &TestApp, local: &str, topic: &str, sends: &[Sent], recalled: bool) -> i64 {
    let at = hanoi(local).timestamp_millis();
    let pool = app.store.pool();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO broadcasts (created_at, created_by, topic, areas, pin, urgent, body, not_before, recalled_at)
         VALUES (?1, ?2, ?3, '[]', 0, 0, 'Thông báo của phường', ?1, ?4) RETURNING id",
    )
    .bind(at)
    .bind(ADMIN_ID)
    .bind(topic)
    .bind(recalled.then_some(at + 60_000))
    .fetch_one(pool)
    .await
    .unwrap();
    for send in sends {
        sqlx::query(
            "INSERT INTO deliveries (broadcast_id, chat_id, urgent, state, next_attempt_at, sent_at, reach)
             VALUES (?1, ?2, 0, ?3, ?4, ?4, ?5)",
        )
        .bind(id)
        .bind(send.chat)
        .bind(send.state)
        .bind(at + 1000)
        .bind(send.reach)
        .execute(pool)
        .await
        .unwrap();
        tap(app, id, send.chat, send.acks, at + 600_000).await;
    }
    id
}

/// `count` residents of `chat` tap «✅ Đã nhận» on broadcast `id`.
async fn tap(app: &TestApp, id: i64, chat: i64, count: i64, at: i64) {
    for user in 0..count {
        sqlx::query("INSERT INTO acks (broadcast_id, chat_id, user_id, at) VALUES (?1, ?2, ?3, ?4)")
            .bind(id)
            .bind(chat)
            .bind(9000 + user)
            .bind(at + user)
            .execute(app.store.pool())
            .await
            .unwrap();
    }
}

/// Eleven weeks of history, as laid out in the comments; what /stats must count is noted.
async fn history(app: &TestApp) {
    // Before the twelve weeks: not counted.
    seed_broadcast(app, "2026-03-15 23:59", "waste", &[sent(AREA5_A, Some(40), 2)], false).await;
    // Week of 16/03, its very first minute: 1 announcement, 3 chats, 95 people (one group's
    // size was never known, and is too old to be asked now), 4 taps.
    seed_broadcast(
        app,
        "2026-03-16 00:00",
        "health",
        &[sent(AREA5_A, Some(40), 3), sent(AREA7, Some(55), 1), sent(AREA12, None, 0)],
        false,
    )
    .await;
    // Week of 06/04: 4 chats (the failed one is not a delivery), 131 people, 8 taps.
    let failed = Sent { chat: AREA12, state: "failed", reach: None, acks: 0 };
    let sends = [
        sent(AREA5_A, Some(40), 5),
        sent(AREA5_B, Some(35), 2),
        sent(AREA7, Some(55), 0),
        sent(RESIDENT, Some(1), 1),
        failed,
    ];
    seed_broadcast(app, "2026-04-08 19:00", "waste", &sends, false).await;
    // Recalled the same week: not counted anywhere.
    seed_broadcast(app, "2026-04-09 10:00", "meeting", &[sent(AREA5_A, Some(40), 1)], true).await;
    // Week of 20/04, its deliveries folded by retention into totals: 9 chats, 300 people, and
    // the 2 taps still in `acks`.
    let folded = seed_broadcast(app, "2026-04-20 09:00", "general", &[], false).await;
    sqlx::query(
        "INSERT INTO folded_deliveries (broadcast_id, total, sent, failed, cancelled, pinned, pin_failed,
                                        in_doubt, edited, deleted, folded_at, reach, acked_chats)
         VALUES (?1, 10, 9, 1, 0, 0, 0, 0, 0, 0, 0, 300, 1)",
    )
    .bind(folded)
    .execute(app.store.pool())
    .await
    .unwrap();
    tap(app, folded, AREA5_A, 2, hanoi("2026-04-20 10:00").timestamp_millis()).await;
    // Sunday 23:30 in Hà Nội (16:30 UTC): the week of 25/05. 2 chats, 84 people, 6 taps.
    seed_broadcast(
        app,
        "2026-05-31 23:30",
        "security",
        &[sent(AREA7, Some(55), 4), sent(AREA12, Some(29), 2)],
        false,
    )
    .await;
    // Monday 00:30 in Hà Nội, still Sunday in UTC: this week. 1 chat, 35 people.
    seed_broadcast(app, "2026-06-01 00:30", "waste", &[sent(AREA5_B, Some(35), 0)], false).await;
}

/// The rows of each `<pre>` table of a /stats reply: label → [announcements, chats, people, acks].
fn tables(reply: &SentMessage) -> Vec<HashMap<String, [u64; 4]>> {
    assert_eq!(reply.parse_mode.as_deref(), Some("HTML"), "{}", reply.text);
    reply
        .text
        .split("<pre>")
        .skip(1)
        .map(|rest| {
            let table = rest.split("</pre>").next().unwrap();
            table
                .lines()
                .skip(1) // the header
                .map(|line| {
                    let words: Vec<&str> = line.split_whitespace().collect();
                    let (label, numbers) = words.split_at(words.len() - 4);
                    let numbers: Vec<u64> = numbers.iter().map(|n| n.parse().unwrap()).collect();
                    (label.join(" "), numbers.try_into().unwrap())
                })
                .collect()
        })
        .collect()
}

/// What the database says the real broadcast `id` did: [1, chats, people, taps].
async fn counted_in_db(app: &TestApp, id: i64) -> [u64; 4] {
    let (chats, people, taps): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM deliveries WHERE broadcast_id = ?1 AND state = 'sent'),
                (SELECT coalesce(sum(reach), 0) FROM deliveries WHERE broadcast_id = ?1 AND state = 'sent'),
                (SELECT count(*) FROM acks WHERE broadcast_id = ?1)",
    )
    .bind(id)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    [1, chats as u64, people as u64, taps as u64]
}

fn add(a: [u64; 4], b: [u64; 4]) -> [u64; 4] {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]]
}

/// Width and height from a PNG's header, after checking its signature.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(png.len() > 24 && png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert_eq!(&png[12..16], b"IHDR");
    let number = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (number(16), number(20))
}

#[tokio::test]
async fn stats_count_twelve_local_weeks_per_topic_and_area_as_the_database_holds_them_with_a_chart() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    history(&app).await;

    // One announcement for real, asking for acknowledgement, to area 5's two groups of 41 and
    // 12 members (the bot among them); the bot asks their member counts, and three residents
    // of group A tap «✅ Đã nhận» (one of them twice).
    app.telegram.set_member_count(AREA5_A, 41);
    app.telegram.set_member_count(AREA5_B, 12);
    post_and_confirm(&app, ADMIN_ID, "waste area=5 ack Tối nay thu gom rác cồng kềnh 18:00–20:00.").await;
    outbox_drained(&app).await;
    let real: i64 =
        sqlx::query_scalar("SELECT max(id) FROM broadcasts").fetch_one(app.store.pool()).await.unwrap();
    // The one delivery left without a reach is the seeded one from March, too old to ask about.
    app.eventually("both deliveries know their reach", || async {
        count(&app, "SELECT count(*) FROM deliveries WHERE reach IS NULL AND state = 'sent'").await == 1
    })
    .await;
    let delivered = announcements(&app, AREA5_A).remove(0);
    for user in [3001, 3002, 3003, 3001] {
        app.telegram.push_update(updates::tap_button(&delivered, user, "ack:"));
    }
    app.eventually("the taps are recorded", || async {
        count(&app, "SELECT count(*) FROM acks WHERE broadcast_id = (SELECT max(id) FROM broadcasts)").await
            == 3
    })
    .await;
    let this_week = counted_in_db(&app, real).await;
    assert_eq!(this_week, [1, 2, 40 + 11, 3], "the real announcement as the bot recorded it");

    let reply = app.official_says(ADMIN_ID, "/stats", 2).await;

    let chart = &reply[0];
    assert_eq!(chart.kind, SentKind::Photo);
    assert_eq!(chart.text, "📊 Thống kê 12 tuần: 16/03 – 07/06/2026");
    let png = app.telegram.uploaded(chart.file_id.as_deref().unwrap()).expect("the chart was uploaded");
    let (width, height) = png_size(&png);
    assert!((480..=2048).contains(&width) && (320..=2048).contains(&height), "{width}×{height}");

    let tables = tables(&reply[1]);
    assert_eq!(tables.len(), 3, "weeks, topics, areas: {}", reply[1].text);
    let weeks = &tables[0];
    assert_eq!(weeks.len(), 13, "12 weeks and the total: {weeks:?}");
    let mut expected: HashMap<&str, [u64; 4]> = HashMap::from([
        ("16/03", [1, 3, 95, 4]),
        ("06/04", [1, 4, 131, 8]),
        ("20/04", [1, 9, 300, 2]),
        ("25/05", [1, 2, 84, 6]),
        ("01/06", add([1, 1, 35, 0], this_week)),
        ("Cộng", add([5, 19, 645, 20], this_week)),
    ]);
    for quiet in ["23/03", "30/03", "13/04", "27/04", "04/05", "11/05", "18/05"] {
        expected.insert(quiet, [0; 4]);
    }
    for (week, numbers) in &expected {
        assert_eq!(weeks.get(*week), Some(numbers), "week {week}: {}", reply[1].text);
    }

    let topics = &tables[1];
    assert_eq!(topics["Thu gom rác"], add([2, 5, 166, 8], this_week));
    assert_eq!(topics["Thông báo chung"], [1, 9, 300, 2]);
    assert_eq!(topics["Phòng chống dịch…"], [1, 3, 95, 4]);
    assert_eq!(topics["An ninh trật tự"], [1, 2, 84, 6]);
    assert_eq!(topics.len(), 4, "recalled and older announcements leave their topics out: {topics:?}");

    let areas = &tables[2];
    // Area 5: the health and waste posts, the Monday one, the real one, and the folded one
    // through its taps.
    assert_eq!(areas["5"], add([4, 4, 150, 12], this_week));
    assert_eq!(areas["7"], [3, 3, 165, 5]);
    assert_eq!(areas["12"], [2, 2, 29, 2]);
    assert_eq!(areas["Chưa gắn tổ"], [1, 1, 1, 1]);
    assert_eq!(areas["Đã gộp"], [1, 9, 300, 0]);
    assert!(reply[1].text.contains("«Đã gộp»"), "the folded row is explained");

    // Asking changed nothing.
    assert_eq!(counted_in_db(&app, real).await, this_week);
    app.stop().await;
}

#[tokio::test]
async fn stats_answer_in_english_after_lang_en() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    seed_broadcast(&app, "2026-05-27 18:00", "health", &[sent(AREA12, Some(30), 1)], false).await;
    app.official_says(ADMIN_ID, "/lang en", 1).await;

    let reply = app.official_says(ADMIN_ID, "/thongke", 2).await;
    assert_eq!(reply[0].text, "📊 Statistics, 12 weeks: 16/03 – 07/06/2026");
    let text = &reply[1].text;
    assert!(text.contains("Week of Ann. Chats People Acks"), "{text}");
    let tables = tables(&reply[1]);
    assert_eq!(tables[0]["25/05"], [1, 1, 30, 1]);
    assert_eq!(tables[1]["Disease prevention"], [1, 1, 30, 1]);
    assert_eq!(tables[2]["12"], [1, 1, 30, 1]);
    assert!(!text.contains("Tuần"), "{text}");
    app.stop().await;
}

#[tokio::test]
async fn a_resident_is_refused_and_sees_no_numbers() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    history(&app).await;

    let answer = app.private(RESIDENT, "/stats").await;
    assert_eq!(answer, "Lệnh này chỉ dành cho cán bộ phường, trong chat riêng với bot.");
    // The refusal is the whole answer: a chart would have come before it.
    assert!(app.telegram.calls_to("sendPhoto").is_empty());
    app.stop().await;
}

#[tokio::test]
async fn a_ward_with_nothing_in_twelve_weeks_is_told_so_without_a_chart() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    // Thirteen weeks ago, and a recall this week: neither counts.
    seed_broadcast(&app, "2026-03-02 09:00", "waste", &[sent(AREA5_A, Some(40), 2)], false).await;
    seed_broadcast(&app, "2026-06-01 09:00", "waste", &[sent(AREA5_A, Some(40), 1)], true).await;

    let reply = app.official_says(ADMIN_ID, "/stats", 1).await;
    assert_eq!(reply[0].kind, SentKind::Text);
    assert_eq!(
        reply[0].text,
        "Chưa có thông báo nào trong 12 tuần qua, nên chưa có gì để thống kê. Soạn thông báo bằng /post."
    );
    // The chart would have been queued before the text: none is coming.
    assert!(app.telegram.calls_to("sendPhoto").is_empty());
    app.stop().await;
}
