//! Residents answer back: «✅ Đã nhận» under announcements that ask for it, counted once per
//! person and chat, the count shown on the button (edited at most once per 10 s), groups that
//! did not tap in time reported to the author and reminded once, and the people reached.

mod support;

use chrono::Duration;
use loa::clock::Clock;
use serde_json::Value;
use support::{
    fake_telegram::{Reply, SentMessage},
    test_app::{ADMIN_ID, Options, TestApp},
    updates,
    ward::{announcements, count, outbox_drained, post_and_confirm, recall_and_deleted},
};

const AREA5: i64 = -801;
const AREA5_B: i64 = -802;
const AREA7: i64 = -803;
const RESIDENT: i64 = 9001;
/// Receives only health announcements: the probe that shows the worker has looked again.
const PROBE: i64 = -809;

async fn ward(app: &TestApp) {
    app.seed_chat(AREA5, "Tổ 5", Some("5"), &["waste"]).await;
    app.seed_chat(AREA5_B, "Tổ 5 — khu B", Some("5"), &["waste"]).await;
    app.seed_chat(AREA7, "Tổ 7", Some("7"), &["waste"]).await;
    app.seed_chat(RESIDENT, "Lan", None, &["waste"]).await;
    app.seed_chat(PROBE, "Tổ 9", Some("9"), &["health"]).await;
}

/// Returns once the delivery worker has claimed work at the current time: a post it delivers
/// is proof, so what it did not do by then (a second notice, say) it was not going to do.
async fn worker_looked(app: &TestApp) {
    let before = app.telegram.sent_to(PROBE).len();
    post_and_confirm(app, ADMIN_ID, "y-te Kiểm tra").await;
    app.eventually("the probe is delivered", || async { app.telegram.sent_to(PROBE).len() > before }).await;
}

/// The notices the author got about groups that did not tap in time.
fn notices(app: &TestApp, chat: i64) -> Vec<String> {
    app.telegram.sent_to(chat).into_iter().map(|m| m.text).filter(|text| text.starts_with("⏳")).collect()
}

/// The label of the only button of `message`, as Telegram shows it now.
fn button_label(app: &TestApp, message: &SentMessage) -> String {
    let current = app.telegram.current_message(message.chat_id, message.message_id).expect("still there");
    let markup = current.reply_markup.expect("a button");
    markup["inline_keyboard"][0][0]["text"].as_str().expect("a label").to_owned()
}

/// `user` taps the «Đã nhận» button of `message`; returns the toast it was answered with.
async fn tap(app: &TestApp, message: &SentMessage, user: i64) -> String {
    let before = app.telegram.calls_to("answerCallbackQuery").len();
    app.telegram.push_update(updates::tap_button(message, user, "ack:"));
    let calls = app
        .telegram
        .wait_for("the tap is answered", |calls| {
            calls.iter().filter(|call| call.method == "answerCallbackQuery").count() > before
        })
        .await;
    let answer = calls.into_iter().filter(|call| call.method == "answerCallbackQuery").nth(before).unwrap();
    answer.body["text"].as_str().unwrap_or_default().to_owned()
}

async fn acks_of(app: &TestApp, chat: i64) -> (i64, i64) {
    sqlx::query_as(
        "SELECT acks, (SELECT count(*) FROM acks a WHERE a.chat_id = ?1) FROM deliveries WHERE chat_id = ?1",
    )
    .bind(chat)
    .fetch_one(app.store.pool())
    .await
    .unwrap()
}

fn markup_edits(app: &TestApp, chat: i64) -> Vec<Value> {
    app.telegram
        .calls_to("editMessageReplyMarkup")
        .into_iter()
        .filter(|call| call.body["chat_id"] == chat)
        .map(|call| call.body)
        .collect()
}

#[tokio::test]
async fn each_person_counts_once_per_chat_and_the_button_shows_the_count_edited_at_most_every_10_s() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let preview = app.official_says(ADMIN_ID, "/post rac ack Họp tổ dân phố 19:30 tối nay", 2).await;
    assert!(preview[0].reply_markup.is_some(), "the preview carries the button residents will get");
    assert!(tap(&app, &preview[0], ADMIN_ID).await.contains("bản xem trước"));
    app.official_says(ADMIN_ID, "/confirm", 1).await;
    outbox_drained(&app).await;
    let in_area5 = announcements(&app, AREA5).remove(0);
    let in_area7 = announcements(&app, AREA7).remove(0);
    assert_eq!(button_label(&app, &in_area5), "✅ Đã nhận");

    assert!(tap(&app, &in_area5, 1001).await.contains("đã ghi nhận"));
    app.eventually("the count shows the first tap at once", || async {
        button_label(&app, &in_area5) == "✅ Đã nhận (1)"
    })
    .await;
    for user in [1002, 1003, 1004] {
        assert!(tap(&app, &in_area5, user).await.contains("đã ghi nhận"));
    }
    assert_eq!(tap(&app, &in_area5, 1001).await, "Bạn đã xác nhận rồi.");
    assert!(
        tap(&app, &in_area7, 1001).await.contains("đã ghi nhận"),
        "the same person in another group counts there"
    );
    assert_eq!(acks_of(&app, AREA5).await, (4, 4));
    assert_eq!(acks_of(&app, AREA7).await, (1, 1));

    // The three later taps came within 10 s of the first edit: one edit shows them all.
    app.clock.advance(Duration::seconds(10));
    app.eventually("the count catches up", || async {
        button_label(&app, &in_area5) == "✅ Đã nhận (4)"
    })
    .await;
    assert_eq!(markup_edits(&app, AREA5).len(), 2, "two edits for four taps");
    app.eventually("every button shows its count", || async {
        count(&app, "SELECT count(*) FROM deliveries WHERE acks <> acks_shown").await == 0
    })
    .await;
    assert_eq!(button_label(&app, &in_area7), "✅ Đã nhận (1)");

    // An edit without buttons would take them off: /edit gives the button again, count and all.
    app.official_says(ADMIN_ID, "/edit 1 Họp tổ dân phố 20:00 tối nay", 1).await;
    outbox_drained(&app).await;
    let edit =
        app.telegram.calls_to("editMessageText").into_iter().rfind(|c| c.body["chat_id"] == AREA5).unwrap();
    assert_eq!(edit.body["reply_markup"]["inline_keyboard"][0][0]["text"], "✅ Đã nhận (4)");

    app.official_says(ADMIN_ID, "/recall 1", 1).await;
    outbox_drained(&app).await;
    assert!(tap(&app, &in_area7, 1005).await.contains("thu hồi"));
    assert_eq!(
        count(&app, "SELECT count(*) FROM acks").await,
        5,
        "a tap on a recalled announcement is not counted"
    );
    app.stop().await;
}

#[tokio::test]
async fn an_album_carries_its_button_on_a_message_right_after_it_recalled_with_it() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let items = updates::album_in_private(ADMIN_ID, vec![updates::photo("A"), updates::photo("B")]);
    let before = app.telegram.sent_to(ADMIN_ID).len();
    for item in &items {
        app.telegram.push_update(item.clone());
    }
    app.telegram.wait_for_sent(ADMIN_ID, before + 1).await;
    let command = updates::text_in_private(ADMIN_ID, "Cán bộ", None, "/post rac area=7 ack Lịch mới");
    app.private_update(ADMIN_ID, updates::replying_to(command, &items[0]), 4).await;
    app.official_says(ADMIN_ID, "/confirm", 1).await;
    outbox_drained(&app).await;
    let received = app.telegram.sent_to(AREA7);
    assert_eq!(received.len(), 3, "two photos, then the button's message");
    assert!(received[2].text.contains("Đã nhận"), "{}", received[2].text);
    assert!(tap(&app, &received[2], 1001).await.contains("đã ghi nhận"));
    app.eventually("the count shows on the button's message", || async {
        button_label(&app, &received[2]) == "✅ Đã nhận (1)"
    })
    .await;
    let deleted = recall_and_deleted(&app, 1, AREA7).await;
    assert_eq!(deleted, received.iter().map(|m| m.message_id).collect::<Vec<_>>());
    app.stop().await;
}

#[tokio::test]
async fn groups_without_a_tap_in_time_are_reported_to_the_author_once_and_reminded_once() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    post_and_confirm(&app, ADMIN_ID, "rac ack=30m,remind Phun thuốc diệt muỗi sáng mai").await;
    outbox_drained(&app).await;
    let in_area5 = announcements(&app, AREA5).remove(0);
    tap(&app, &in_area5, 1001).await;

    app.clock.advance(Duration::minutes(29));
    worker_looked(&app).await;
    assert_eq!(
        count(&app, "SELECT count(*) FROM deliveries WHERE ack_notice IS NOT NULL").await,
        0,
        "not yet due"
    );

    let author_before = app.telegram.sent_to(ADMIN_ID).len();
    app.clock.advance(Duration::minutes(1));
    let notice = app.telegram.wait_for_sent(ADMIN_ID, author_before + 1).await.pop().unwrap();
    assert!(notice.text.contains("2 nhóm chưa bấm «Đã nhận»"), "{}", notice.text);
    assert!(notice.text.contains("Tổ 5 — khu B") && notice.text.contains("Tổ 7"), "{}", notice.text);
    assert!(!notice.text.contains("• Tổ 5\n"), "the group that tapped is not listed: {}", notice.text);
    assert!(!notice.text.contains("Lan"), "private subscribers are not held to it: {}", notice.text);
    for chat in [AREA5_B, AREA7] {
        app.eventually("the group is reminded", || async { app.telegram.sent_to(chat).len() == 2 }).await;
        let reminder = app.telegram.sent_to(chat).pop().unwrap();
        assert!(
            reminder.text.contains("⏰ Nhắc lại") && reminder.reply_markup.is_some(),
            "{}",
            reminder.text
        );
    }
    assert_eq!(app.telegram.sent_to(AREA5).len(), 1, "the group that tapped is not reminded");

    app.clock.advance(Duration::hours(3));
    worker_looked(&app).await;
    assert_eq!(notices(&app, ADMIN_ID).len(), 1, "told once");
    assert_eq!(app.telegram.sent_to(AREA7).len(), 2, "reminded once");
    let report = app.official_says(ADMIN_ID, "/report 1", 1).await.remove(0).text;
    assert!(report.contains("Đã nhận: 1/3 nhóm") && report.contains("Tổ 5 (-801): 1 người"), "{report}");
    assert!(report.contains("Chưa ai bấm «Đã nhận»:\n  • Tổ 7 (-803)\n  • Tổ 5 — khu B (-802)"), "{report}");
    let deleted = recall_and_deleted(&app, 1, AREA7).await;
    assert_eq!(deleted.len(), 2, "the reminder goes with the announcement");
    app.stop().await;
}

#[tokio::test]
async fn urgent_announcements_ask_by_default_and_reach_counts_members_less_the_bot() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    app.telegram.set_member_count(AREA5, 41);
    app.telegram.set_member_count(AREA5_B, 12);
    app.telegram.set_member_count(AREA7, 30);
    post_and_confirm(&app, ADMIN_ID, "rac khan Cắt nước khẩn cấp từ 14:00").await;
    outbox_drained(&app).await;
    assert!(announcements(&app, AREA7)[0].reply_markup.is_some(), "urgent asks for taps by default");
    app.eventually("every delivery knows its reach", || async {
        count(&app, "SELECT count(*) FROM deliveries WHERE reach IS NULL").await == 0
    })
    .await;
    assert_eq!(count(&app, "SELECT sum(reach) FROM deliveries").await, 40 + 11 + 29 + 1);
    let report = app.official_says(ADMIN_ID, "/report 1", 1).await.remove(0);
    assert!(report.text.contains("~81 người"), "{}", report.text);

    post_and_confirm(&app, ADMIN_ID, "rac Lịch thu gom mới").await;
    outbox_drained(&app).await;
    assert!(announcements(&app, AREA7)[1].reply_markup.is_none(), "a plain announcement has no button");
    app.eventually("the second delivery's reach comes from the day's count", || async {
        count(&app, "SELECT count(*) FROM deliveries WHERE reach IS NULL").await == 0
    })
    .await;
    assert_eq!(app.telegram.calls_to("getChatMemberCount").len(), 3, "asked once a day per group");
    app.stop().await;
}

#[tokio::test]
async fn a_reminder_that_asks_for_taps_carries_the_button_at_each_fire() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let now = app.clock.now().with_timezone(&chrono_tz::Asia::Ho_Chi_Minh);
    let at = now + Duration::minutes(10);
    let command = format!("/remind {}@{} rac area=7 ack=1h Đổ rác đúng giờ", "daily", at.format("%H:%M"));
    let saved = app.official_says(ADMIN_ID, &command, 1).await.remove(0);
    assert!(saved.text.contains("#1"), "{}", saved.text);
    app.clock.advance(Duration::minutes(10));
    app.eventually("the fire is delivered", || async { !announcements(&app, AREA7).is_empty() }).await;
    outbox_drained(&app).await;
    assert!(announcements(&app, AREA7)[0].reply_markup.is_some());
    let within: i64 = sqlx::query_scalar("SELECT ack_due_at - sent_at FROM deliveries WHERE chat_id = ?1")
        .bind(AREA7)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(within, 3_600_000, "the reminder's own time to tap");
    app.stop().await;
}

#[tokio::test]
async fn the_wards_desk_is_told_after_the_author() {
    const DESK: i64 = -900;
    let app = TestApp::spawn_with(Options { desk_chat: Some(DESK), ..Options::default() }).await;
    ward(&app).await;
    app.seed_chat(DESK, "Tổ tiếp nhận phản ánh", None, &[]).await;
    post_and_confirm(&app, ADMIN_ID, "rac area=7 ack=30m Phun thuốc diệt muỗi sáng mai").await;
    outbox_drained(&app).await;
    let author_before = app.telegram.sent_to(ADMIN_ID).len();
    app.clock.advance(Duration::minutes(30));
    let notice = app.telegram.wait_for_sent(ADMIN_ID, author_before + 1).await.pop().unwrap();
    assert!(notice.text.contains("1 nhóm chưa bấm") && notice.text.contains("Tổ 7"), "{}", notice.text);
    let desk = app.telegram.wait_for_sent(DESK, 1).await.pop().unwrap();
    assert_eq!(desk.text, notice.text, "the desk reads what the author read");
    app.eventually("the notice is done", || async {
        count(&app, "SELECT count(*) FROM deliveries WHERE ack_notice = 'sent'").await == 1
    })
    .await;
    app.stop().await;
}

#[tokio::test]
async fn groups_delivered_later_are_waited_for_so_that_one_notice_lists_them_all() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    app.telegram.script(AREA7, Reply::RetryAfter(30));
    post_and_confirm(&app, ADMIN_ID, "rac ack=30m Phun thuốc diệt muỗi sáng mai").await;
    app.eventually("the first groups have it", || async { announcements(&app, AREA5_B).len() == 1 }).await;
    app.clock.advance(Duration::seconds(31));
    outbox_drained(&app).await;

    // Tổ 5 and Tổ 5 — khu B are past their 30 minutes; Tổ 7, delivered 31 s later, is not yet.
    app.clock.advance(Duration::seconds(30 * 60 - 30));
    worker_looked(&app).await;
    assert!(notices(&app, ADMIN_ID).is_empty(), "{:?}", notices(&app, ADMIN_ID));

    app.clock.advance(Duration::minutes(1));
    app.eventually("the author is told", || async { notices(&app, ADMIN_ID).len() == 1 }).await;
    worker_looked(&app).await;
    let told = notices(&app, ADMIN_ID);
    assert_eq!(told.len(), 1, "one message: {told:?}");
    assert!(
        told[0].contains("3 nhóm") && told[0].contains("Tổ 7") && told[0].contains("Tổ 5 — khu B"),
        "{}",
        told[0]
    );
    app.stop().await;
}
