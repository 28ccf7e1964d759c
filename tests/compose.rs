//! Officials compose an announcement by tapping: topic, audience, options, preview, all in one
//! message edited in place; state in the database; only the author's buttons of an open flow
//! act.

mod support;

use chrono::{TimeZone, Utc};
use loa::clock::Clock;
use serde_json::{Value, json};
use support::{
    fake_telegram::{SentKind, SentMessage},
    test_app::{ADMIN_ID, TestApp},
    updates,
    ward::{announcements, count, outbox_drained},
};

const AREA5_A: i64 = -501;
const AREA5_B: i64 = -502;
const AREA7: i64 = -503;
const AREA9_HEALTH_ONLY: i64 = -504;
const RESIDENT: i64 = 7001;
const EDITOR: i64 = 4343;
const HEADING: &str = "📢 Thu gom rác, vệ sinh môi trường";

async fn ward(app: &TestApp) {
    app.seed_chat(AREA5_A, "Tổ 5 — nhóm A", Some("5"), &["waste"]).await;
    app.seed_chat(AREA5_B, "Tổ 5 — nhóm B", Some("5"), &["waste", "health"]).await;
    app.seed_chat(AREA7, "Tổ 7", Some("7"), &["waste"]).await;
    app.seed_chat(AREA9_HEALTH_ONLY, "Tổ 9", Some("9"), &["health"]).await;
    app.seed_chat(RESIDENT, "Lan", None, &["waste"]).await;
}

/// Every button of a message as (label, callback data), row after row.
fn buttons(message: &SentMessage) -> Vec<(String, String)> {
    let Some(markup) = &message.reply_markup else { return Vec::new() };
    let rows = markup["inline_keyboard"].as_array().expect("an inline keyboard");
    rows.iter()
        .flat_map(|row| row.as_array().expect("a row").iter())
        .map(|button| {
            let label = button["text"].as_str().expect("a label").to_owned();
            (label, button["callback_data"].as_str().expect("callback data").to_owned())
        })
        .collect()
}

fn labels(message: &SentMessage) -> Vec<String> {
    buttons(message).into_iter().map(|(label, _)| label).collect()
}

/// The data of the button whose label contains `label`.
fn data_of(message: &SentMessage, label: &str) -> String {
    let found = buttons(message).into_iter().find(|(text, _)| text.contains(label));
    found.unwrap_or_else(|| panic!("no button «{label}» in {:?}", labels(message))).1
}

/// The bot's edits of `message`, oldest first, as the message looked after each.
fn edits_of(app: &TestApp, message: &SentMessage) -> Vec<SentMessage> {
    app.telegram
        .calls_to("editMessageText")
        .into_iter()
        .filter(|call| {
            call.body["chat_id"].as_i64() == Some(message.chat_id)
                && call.body["message_id"].as_i64() == Some(message.message_id.into())
        })
        .map(|call| SentMessage {
            text: call.body["text"].as_str().expect("a text").to_owned(),
            reply_markup: call.body.get("reply_markup").cloned(),
            ..message.clone()
        })
        .collect()
}

/// The admin taps the button labelled `label` on `message`; returns the message as edited.
async fn tap(app: &TestApp, message: &SentMessage, label: &str) -> SentMessage {
    let data = data_of(message, label);
    let before = edits_of(app, message).len();
    app.telegram.push_update(updates::callback_query(message, ADMIN_ID, &data));
    app.eventually(&format!("«{label}» edits the flow message"), || async {
        edits_of(app, message).len() > before
    })
    .await;
    edits_of(app, message).pop().expect("an edit")
}

/// The admin taps «Xem trước» on `message`; returns the preview's two messages.
async fn preview(app: &TestApp, message: &SentMessage) -> Vec<SentMessage> {
    let before = app.telegram.sent_to(ADMIN_ID).len();
    app.telegram.push_update(updates::callback_query(message, ADMIN_ID, &data_of(message, "Xem trước")));
    app.telegram.wait_for_sent(ADMIN_ID, before + 2).await[before..].to_vec()
}

/// `user` taps the button with `data` on `message`, which should change nothing: returns the
/// note the tap was answered with, once every update before it was handled.
async fn refused_tap(app: &TestApp, message: &SentMessage, user: i64, data: &str) -> String {
    let before = app.telegram.calls_to("answerCallbackQuery").len();
    let edits = app.telegram.calls_to("editMessageText").len();
    app.telegram.push_update(updates::callback_query(message, user, data));
    let calls = app
        .telegram
        .wait_for("the tap is answered", |calls| {
            calls.iter().filter(|call| call.method == "answerCallbackQuery").count() > before
        })
        .await;
    app.settle(ADMIN_ID).await;
    assert_eq!(app.telegram.calls_to("editMessageText").len(), edits, "a refused tap edits nothing");
    let answer = calls.into_iter().filter(|call| call.method == "answerCallbackQuery").nth(before).unwrap();
    answer.body["text"].as_str().unwrap_or_default().to_owned()
}

/// The latest flow's status, step and choices, to show that nothing changed.
async fn latest_flow(app: &TestApp) -> (String, String, Option<String>, String, bool, Option<i64>) {
    sqlx::query_as("SELECT status, step, topic, areas, pin, send_at FROM flows ORDER BY id DESC LIMIT 1")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

/// Confirms a preview with its Send button and waits until the outbox has nothing left.
async fn send(app: &TestApp, summary: &SentMessage) -> String {
    let confirmed = app.reply_to(ADMIN_ID, updates::tap_button(summary, ADMIN_ID, "confirm:")).await;
    outbox_drained(app).await;
    confirmed.text
}

async fn delivered_to(app: &TestApp) -> Vec<i64> {
    sqlx::query_scalar("SELECT chat_id FROM deliveries WHERE state = 'sent' ORDER BY chat_id")
        .fetch_all(app.store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_message_becomes_an_announcement_by_tapping_topic_two_areas_and_pin() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let text = "Từ ngày 1/6, rác thải sinh hoạt thu gom 18:00–20:00 thứ Hai, Tư, Sáu.";

    let topics = app.official_says(ADMIN_ID, text, 1).await.remove(0);
    assert!(topics.text.contains("Chọn chủ đề") && topics.text.contains(text), "{}", topics.text);
    assert!(labels(&topics).contains(&"Phòng chống dịch bệnh".to_owned()), "{:?}", labels(&topics));

    let audience = tap(&app, &topics, "Thu gom rác, vệ sinh môi trường").await;
    assert_eq!(
        labels(&audience),
        ["🏘 Toàn phường (4)", "Tổ 5 (2)", "Tổ 7 (1)", "Tổ 9 (0)", "Tiếp ›", "‹ Quay lại", "Huỷ"],
        "each area with its chats on the topic"
    );
    let audience = tap(&app, &audience, "Tổ 5").await;
    let audience = tap(&app, &audience, "Tổ 9").await;
    let audience = tap(&app, &audience, "Tổ 7").await;
    let audience = tap(&app, &audience, "Tổ 9").await;
    let chosen: Vec<String> = labels(&audience).into_iter().filter(|label| label.starts_with('✅')).collect();
    assert_eq!(chosen, ["✅ Tổ 5 (2)", "✅ Tổ 7 (1)"], "toggled on, and off again");

    let options = tap(&app, &audience, "Tiếp").await;
    assert!(options.text.contains("Gửi tới: tổ 5, 7"), "{}", options.text);
    let options = tap(&app, &options, "Ghim").await;
    assert!(labels(&options).contains(&"✅ 📌 Ghim".to_owned()), "{:?}", labels(&options));
    assert_eq!(count(&app, "SELECT count(*) FROM drafts").await, 0, "no draft before the preview");

    let shown = preview(&app, &options).await;
    assert_eq!(shown[0].text, format!("{HEADING}\n\n{text}"), "exactly what residents will see");
    let summary = &shown[1];
    assert!(summary.text.contains("Sẽ gửi tới: 3 nhóm/người"), "{}", summary.text);
    assert!(summary.text.contains("Phạm vi: tổ 5, 7") && summary.text.contains("ghim"), "{}", summary.text);
    assert_eq!(labels(summary), ["Gửi", "Sửa", "Huỷ"]);
    let flow_message = edits_of(&app, &options).pop().unwrap();
    assert!(flow_message.text.contains("Bản xem trước ở ngay dưới"), "{}", flow_message.text);
    assert_eq!(count(&app, "SELECT count(*) FROM broadcasts").await, 0, "nothing is sent before Gửi");

    let confirmed = send(&app, summary).await;
    assert!(confirmed.contains("Đã xác nhận") && confirmed.contains("3 nhóm/người"), "{confirmed}");
    assert_eq!(delivered_to(&app).await, [AREA7, AREA5_B, AREA5_A]);
    for chat in [AREA5_A, AREA5_B, AREA7] {
        assert_eq!(announcements(&app, chat).len(), 1, "chat {chat}");
        assert_eq!(announcements(&app, chat)[0].text, format!("{HEADING}\n\n{text}"));
    }
    for chat in [AREA9_HEALTH_ONLY, RESIDENT] {
        assert!(announcements(&app, chat).is_empty(), "chat {chat} is outside the audience");
    }
    assert_eq!(app.telegram.calls_to("pinChatMessage").len(), 3, "pinned in each receiving group");
    let (areas, pin): (String, bool) =
        sqlx::query_as("SELECT areas, pin FROM broadcasts").fetch_one(app.store.pool()).await.unwrap();
    assert_eq!((areas.as_str(), pin), (r#"["5","7"]"#, true));
    assert_eq!(latest_flow(&app).await.0, "sent");
    app.stop().await;
}

#[tokio::test]
async fn post_alone_asks_for_the_content_and_back_leads_one_step_back_at_every_step() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let prompt = app.official_says(ADMIN_ID, "/post", 1).await.remove(0);
    assert!(prompt.text.contains("Gửi cho Loa nội dung thông báo"), "{}", prompt.text);
    assert_eq!(labels(&prompt), ["Huỷ"]);

    let text = "Sáng Chủ nhật 7:00 tổng vệ sinh đường phố, mỗi hộ cử một người.";
    let topics = app.official_says(ADMIN_ID, text, 1).await.remove(0);
    assert!(topics.text.contains(text) && topics.text.contains("Chọn chủ đề"), "{}", topics.text);
    assert_eq!(
        count(&app, "SELECT count(*) FROM flows").await,
        1,
        "the message filled the flow /post opened"
    );
    assert!(!labels(&topics).iter().any(|label| label.contains("Quay lại")), "nothing before the topic");

    let audience = tap(&app, &topics, "Thu gom rác").await;
    let topics = tap(&app, &audience, "Quay lại").await;
    assert!(topics.text.contains("Chọn chủ đề"), "{}", topics.text);
    assert!(labels(&topics).contains(&"✅ Thu gom rác, vệ sinh môi trường".to_owned()), "the choice is kept");
    let audience = tap(&app, &topics, "Thu gom rác").await;
    let options = tap(&app, &audience, "Toàn phường").await;
    assert!(options.text.contains("Gửi tới: toàn phường"), "{}", options.text);
    let audience = tap(&app, &options, "Quay lại").await;
    assert!(audience.text.contains("Gửi tới đâu"), "{}", audience.text);
    let options = tap(&app, &audience, "Toàn phường").await;
    let when = tap(&app, &options, "Hẹn giờ").await;
    assert!(when.text.contains("Khi nào gửi"), "{}", when.text);
    let typed = tap(&app, &when, "Nhập giờ").await;
    assert!(typed.text.contains("Gõ giờ gửi"), "{}", typed.text);
    let when = tap(&app, &typed, "Quay lại").await;
    assert!(when.text.contains("Khi nào gửi"), "{}", when.text);
    let options = tap(&app, &when, "Quay lại").await;
    assert!(options.text.contains("Bước 3/3"), "{}", options.text);

    let shown = preview(&app, &options).await;
    assert_eq!(count(&app, "SELECT count(*) FROM drafts").await, 1);
    let options = tap(&app, &shown[1], "Sửa").await;
    assert!(options.text.contains("Bước 3/3"), "Sửa goes back to the options: {}", options.text);
    assert_eq!(count(&app, "SELECT count(*) FROM drafts").await, 0, "the withdrawn preview cannot be sent");
    let stale = app.official_says(ADMIN_ID, "/confirm", 1).await;
    assert!(stale[0].text.contains("Không có bản nháp"), "{}", stale[0].text);

    let shown = preview(&app, &options).await;
    assert!(shown[1].text.contains("Sẽ gửi tới: 4"), "{}", shown[1].text);
    send(&app, &shown[1]).await;
    assert_eq!(delivered_to(&app).await, [AREA7, AREA5_B, AREA5_A, RESIDENT]);
    app.stop().await;
}

#[tokio::test]
async fn cancel_at_a_step_or_at_the_preview_sends_nothing_and_the_buttons_say_so() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let topics = app.official_says(ADMIN_ID, "Lịch tiêm chủng tháng 6", 1).await.remove(0);
    let audience = tap(&app, &topics, "Phòng chống dịch bệnh").await;
    let cancelled = tap(&app, &audience, "Huỷ").await;
    assert!(cancelled.text.contains("Đã huỷ soạn thông báo"), "{}", cancelled.text);
    assert_eq!(cancelled.reply_markup, None, "no buttons left");
    assert_eq!(latest_flow(&app).await.0, "cancelled");
    let note = refused_tap(&app, &audience, ADMIN_ID, &data_of(&audience, "Tổ 5")).await;
    assert!(note.contains("đã bị huỷ"), "{note}");

    let topics = app.official_says(ADMIN_ID, "Lịch tiêm chủng tháng 6", 1).await.remove(0);
    let audience = tap(&app, &topics, "Phòng chống dịch bệnh").await;
    let options = tap(&app, &audience, "Toàn phường").await;
    let shown = preview(&app, &options).await;
    let cancelled = app.reply_to(ADMIN_ID, updates::tap_button(&shown[1], ADMIN_ID, "cancel:")).await;
    assert!(cancelled.text.contains("Đã huỷ"), "{}", cancelled.text);
    assert_eq!(latest_flow(&app).await.0, "cancelled");
    let note = refused_tap(&app, &shown[1], ADMIN_ID, &data_of(&shown[1], "Sửa")).await;
    assert!(note.contains("đã bị huỷ"), "{note}");

    assert_eq!(count(&app, "SELECT count(*) FROM drafts").await, 0);
    assert_eq!(count(&app, "SELECT count(*) FROM broadcasts").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn an_area_set_nobody_receives_and_a_passed_quick_time_are_refused_in_place() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    // 18:50 in Hà Nội.
    app.clock.set(Utc.with_ymd_and_hms(2026, 6, 1, 11, 50, 0).unwrap());
    let topics = app.official_says(ADMIN_ID, "Phun thuốc diệt muỗi", 1).await.remove(0);
    let audience = tap(&app, &topics, "Thu gom rác").await;
    let refused = tap(&app, &audience, "Tiếp").await;
    assert!(refused.text.contains("Chưa chọn nơi gửi"), "{}", refused.text);
    let audience = tap(&app, &refused, "Tổ 9").await;
    let refused = tap(&app, &audience, "Tiếp").await;
    assert!(refused.text.contains("không đến ai"), "{}", refused.text);
    assert!(refused.text.contains("Gửi tới đâu"), "still at the audience: {}", refused.text);
    assert_eq!(latest_flow(&app).await.1, "audience");

    let audience = tap(&app, &refused, "Tổ 9").await;
    let audience = tap(&app, &audience, "Tổ 7").await;
    let options = tap(&app, &audience, "Tiếp").await;
    let when = tap(&app, &options, "Hẹn giờ").await;
    // 19:00 is offered at 18:50; tapped after 19:00, it has passed.
    app.clock.advance(chrono::Duration::minutes(15));
    let refused = tap(&app, &when, "19:00 hôm nay").await;
    assert!(refused.text.contains("01/06/2026 19:00 đã qua"), "{}", refused.text);
    assert!(!labels(&refused).iter().any(|label| label.contains("19:00")), "no longer offered");
    let options = tap(&app, &refused, "07:00 sáng mai").await;
    assert!(options.text.contains("gửi lúc 02/06/2026 07:00"), "{}", options.text);
    app.stop().await;
}

#[tokio::test]
async fn a_typed_time_is_asked_again_until_it_can_be_used_and_becomes_the_broadcasts_not_before() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    // 15:00 in Hà Nội.
    let topics = app.official_says(ADMIN_ID, "Họp tổ dân phố tại nhà văn hoá", 1).await.remove(0);
    let audience = tap(&app, &topics, "Thu gom rác").await;
    let audience = tap(&app, &audience, "Tổ 7").await;
    let options = tap(&app, &audience, "Tiếp").await;
    let when = tap(&app, &options, "Hẹn giờ").await;
    let typed = tap(&app, &when, "Nhập giờ").await;
    assert!(typed.text.contains("HH:MM") && typed.text.contains("YYYY-MM-DD HH:MM"), "{}", typed.text);

    let cases = [
        ("mai 7 giờ", "«mai 7 giờ» không phải giờ dạng HH:MM"),
        ("2026-05-31 10:00", "31/05/2026 10:00 đã qua"),
        ("2026-06-31 10:00", "«2026-06-31» không phải ngày"),
        ("22:30", "giờ yên lặng (22:00-06:00)"),
    ];
    for (answer, expected) in cases {
        let reply = app.official_says(ADMIN_ID, answer, 1).await.remove(0);
        assert!(reply.text.contains(expected), "{answer}: {}", reply.text);
        assert!(reply.text.contains("Loa vẫn đang chờ giờ gửi"), "{answer}: {}", reply.text);
    }
    assert_eq!(latest_flow(&app).await.1, "typed_time", "still waiting");
    assert_eq!(count(&app, "SELECT count(*) FROM flows").await, 1, "a typed time is no new content");
    assert_eq!(count(&app, "SELECT count(*) FROM inbox").await, 1, "nor kept as content");

    let before = edits_of(&app, &typed).len();
    app.telegram.push_update(updates::text_in_private(ADMIN_ID, "Cán bộ", None, "2026-06-02 09:30"));
    app.eventually("the flow message shows the time", || async { edits_of(&app, &typed).len() > before })
        .await;
    let options = edits_of(&app, &typed).pop().unwrap();
    assert!(options.text.contains("gửi lúc 02/06/2026 09:30"), "{}", options.text);

    let shown = preview(&app, &options).await;
    assert!(shown[1].text.contains("Gửi lúc: 02/06/2026 09:30"), "{}", shown[1].text);
    let confirmed = app.reply_to(ADMIN_ID, updates::tap_button(&shown[1], ADMIN_ID, "confirm:")).await;
    assert!(confirmed.text.contains("lúc 02/06/2026 09:30"), "{}", confirmed.text);
    let not_before: i64 =
        sqlx::query_scalar("SELECT not_before FROM broadcasts").fetch_one(app.store.pool()).await.unwrap();
    assert_eq!(not_before, Utc.with_ymd_and_hms(2026, 6, 2, 2, 30, 0).unwrap().timestamp_millis());
    app.settle(AREA7).await;
    assert!(announcements(&app, AREA7).is_empty(), "it waits for its time");
    app.stop().await;
}

#[tokio::test]
async fn a_flow_survives_a_restart_and_its_buttons_keep_working() {
    let mut app = TestApp::spawn().await;
    ward(&app).await;
    let topics = app.official_says(ADMIN_ID, "Cắt nước từ 8:00 đến 11:00 thứ Bảy", 1).await.remove(0);
    let audience = tap(&app, &topics, "Thu gom rác").await;
    let audience = tap(&app, &audience, "Tổ 5").await;

    app.restart().await;

    let audience = tap(&app, &audience, "Tổ 7").await;
    let chosen: Vec<String> = labels(&audience).into_iter().filter(|label| label.starts_with('✅')).collect();
    assert_eq!(chosen, ["✅ Tổ 5 (2)", "✅ Tổ 7 (1)"], "the choice made before the restart is kept");
    let options = tap(&app, &audience, "Tiếp").await;
    let shown = preview(&app, &options).await;
    send(&app, &shown[1]).await;
    assert_eq!(delivered_to(&app).await, [AREA7, AREA5_B, AREA5_A]);
    app.stop().await;
}

#[tokio::test]
async fn only_the_author_can_press_the_buttons() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    app.private(ADMIN_ID, &format!("/official add {EDITOR}")).await;
    let topics = app.official_says(ADMIN_ID, "Thông báo mất điện", 1).await.remove(0);
    let before = latest_flow(&app).await;

    for (user, label) in
        [(EDITOR, "Thu gom rác"), (EDITOR, "Huỷ"), (RESIDENT, "Thu gom rác"), (RESIDENT, "Huỷ")]
    {
        let note = refused_tap(&app, &topics, user, &data_of(&topics, label)).await;
        assert!(note.contains("Chỉ cán bộ đã soạn"), "{user} {label}: {note}");
    }
    assert_eq!(latest_flow(&app).await, before, "nothing changed");
    for user in [EDITOR, RESIDENT] {
        assert!(app.telegram.sent_to(user).is_empty(), "a refused tap sends {user} nothing");
    }

    let audience = tap(&app, &topics, "Thu gom rác").await;
    assert!(audience.text.contains("Gửi tới đâu"), "the author's tap works: {}", audience.text);
    app.stop().await;
}

#[tokio::test]
async fn buttons_of_a_replaced_sent_expired_or_passed_flow_answer_so_and_do_nothing() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let old = app.official_says(ADMIN_ID, "Bản một", 1).await.remove(0);
    let new = app.official_says(ADMIN_ID, "Bản hai", 1).await.remove(0);
    let note = refused_tap(&app, &old, ADMIN_ID, &data_of(&old, "Thu gom rác")).await;
    assert!(note.contains("đã được thay bằng bản mới hơn"), "{note}");

    let audience = tap(&app, &new, "Thu gom rác").await;
    let options = tap(&app, &audience, "Toàn phường").await;
    let note = refused_tap(&app, &audience, ADMIN_ID, &data_of(&audience, "Tổ 7")).await;
    assert!(note.contains("Bước này đã qua"), "a double tap on a step left: {note}");
    let shown = preview(&app, &options).await;
    send(&app, &shown[1]).await;
    for (message, label) in [(&shown[1], "Sửa"), (&options, "Ghim")] {
        let note = refused_tap(&app, message, ADMIN_ID, &data_of(message, label)).await;
        assert!(note.contains("đã được gửi"), "{label}: {note}");
    }
    assert_eq!(count(&app, "SELECT count(*) FROM broadcasts").await, 1);
    assert_eq!(count(&app, "SELECT count(*) FROM deliveries").await, 4);

    let late = app.official_says(ADMIN_ID, "Bản ba", 1).await.remove(0);
    app.clock.advance(chrono::Duration::minutes(31));
    let note = refused_tap(&app, &late, ADMIN_ID, &data_of(&late, "Thu gom rác")).await;
    assert!(note.contains("hết hạn"), "{note}");
    assert_eq!(latest_flow(&app).await.1, "topic");

    // Housekeeping forgets flows that are over; their buttons still say something true.
    let now = app.clock.now();
    assert_eq!(app.store.purge_flows(now, now + chrono::Duration::days(2)).await.unwrap(), 3);
    assert_eq!(count(&app, "SELECT count(*) FROM flows").await, 0);
    let note = refused_tap(&app, &old, ADMIN_ID, &data_of(&old, "Thu gom rác")).await;
    assert!(note.contains("hết hạn"), "{note}");
    app.stop().await;
}

/// A photo of an album, as Telegram sends each item on its own.
fn album_photo(message_id: i64, album: &str, file_id: &str, caption: Option<&str>) -> Value {
    let from = updates::user(ADMIN_ID, "Cán bộ", None);
    let mut message = updates::message(message_id, updates::chat(ADMIN_ID, "Cán bộ"), from, "");
    message.as_object_mut().unwrap().remove("text");
    message["photo"] =
        json!([{ "file_id": file_id, "file_unique_id": file_id, "width": 1280, "height": 960 }]);
    message["media_group_id"] = json!(album);
    if let Some(caption) = caption {
        message["caption"] = json!(caption);
    }
    json!({ "message": message })
}

#[tokio::test]
async fn an_album_starts_one_flow_carrying_every_item_once_it_is_complete() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let caption = "Điểm đổ rác sai quy định ở ngõ 12";
    app.telegram.push_update(album_photo(900_001, "album-1", "photo-a", Some(caption)));
    app.telegram.push_update(album_photo(900_002, "album-1", "photo-b", None));

    let topics = app.telegram.wait_for_sent(ADMIN_ID, 1).await.remove(0);
    assert!(topics.text.contains(&format!("📷 2 ảnh · {caption}")), "{}", topics.text);
    app.settle(ADMIN_ID).await;
    assert_eq!(count(&app, "SELECT count(*) FROM flows").await, 1, "one flow for the album");
    let media: String =
        sqlx::query_scalar("SELECT media FROM flows").fetch_one(app.store.pool()).await.unwrap();
    assert!(media.contains("photo-a") && media.contains("photo-b"), "{media}");
    let audience = tap(&app, &topics, "Thu gom rác").await;
    assert!(audience.text.contains("📷 2 ảnh") && audience.text.contains("Gửi tới đâu"), "{}", audience.text);
    app.stop().await;
}

#[tokio::test]
async fn post_alone_replying_to_a_message_composes_that_message() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let original = updates::text_in_private(ADMIN_ID, "Cán bộ", None, "Bản gốc: họp tổ 19:30 thứ Sáu");
    let replied = original["message"].clone();
    app.telegram.push_update(original);
    app.telegram.wait_for_sent(ADMIN_ID, 1).await;

    let mut post = updates::text_in_private(ADMIN_ID, "Cán bộ", None, "/post");
    post["message"]["reply_to_message"] = replied;
    let topics = app.reply_to(ADMIN_ID, post).await;
    assert!(
        topics.text.contains("Bản gốc: họp tổ") && topics.text.contains("Chọn chủ đề"),
        "{}",
        topics.text
    );
    let statuses: Vec<String> =
        sqlx::query_scalar("SELECT status FROM flows ORDER BY id").fetch_all(app.store.pool()).await.unwrap();
    assert_eq!(statuses, ["replaced", "open"]);
    app.stop().await;
}

#[tokio::test]
async fn a_caption_too_long_for_telegram_goes_apart_once_the_official_taps_the_scissors() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let words = "Lịch thu gom rác mới. ".repeat(50);
    let poster = updates::with_caption(
        updates::media_in_private(ADMIN_ID, updates::photo("POSTER")),
        &words,
        json!([{"type": "bold", "offset": 0, "length": 5}]),
    );
    let topics = app.private_update(ADMIN_ID, poster, 1).await.remove(0);
    assert!(topics.text.contains("Chú thích dài 1100 ký tự, quá giới hạn"), "{}", topics.text);
    assert!(topics.text.contains("Tách chữ thành tin riêng"), "says what can be done: {}", topics.text);

    let audience = tap(&app, &topics, "Thu gom rác").await;
    let audience = tap(&app, &audience, "Tổ 7").await;
    let options = tap(&app, &audience, "Tiếp").await;
    assert!(labels(&options).contains(&"✂️ Tách chữ thành tin riêng".to_owned()), "{:?}", labels(&options));
    let refused = tap(&app, &options, "Xem trước").await;
    assert!(refused.text.contains("Chú thích dài 1100 ký tự"), "refused at preview: {}", refused.text);
    assert_eq!(count(&app, "SELECT count(*) FROM drafts").await, 0);

    let options = tap(&app, &refused, "Tách chữ").await;
    assert!(
        labels(&options).contains(&"✅ ✂️ Tách chữ thành tin riêng".to_owned()),
        "{:?}",
        labels(&options)
    );
    assert!(options.text.contains("✂️ chữ gửi thành tin riêng"), "{}", options.text);
    let before = app.telegram.sent_to(ADMIN_ID).len();
    app.telegram.push_update(updates::callback_query(&options, ADMIN_ID, &data_of(&options, "Xem trước")));
    let shown = app.telegram.wait_for_sent(ADMIN_ID, before + 3).await[before..].to_vec();
    assert_eq!(shown[0].text, format!("{HEADING}\n\n{words}"), "the words first, under the heading");
    assert_eq!((shown[1].kind, shown[1].text.as_str()), (SentKind::Photo, ""), "then the poster, bare");
    assert!(shown[2].text.contains("Bản xem trước"), "{}", shown[2].text);

    send(&app, &shown[2]).await;
    let received = app.telegram.sent_to(AREA7);
    assert_eq!(received.len(), 2, "two messages: the words, then the photo");
    assert_eq!((received[0].kind, received[0].text.as_str()), (SentKind::Text, shown[0].text.as_str()));
    assert_eq!(received[0].entities.as_ref().unwrap()[1]["type"], "bold", "the words keep their formatting");
    assert_eq!((received[1].kind, received[1].text.as_str()), (SentKind::Photo, ""));
    let more: String = sqlx::query_scalar("SELECT more_message_ids FROM deliveries WHERE chat_id = ?")
        .bind(AREA7)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(more, format!("[{}]", received[1].message_id), "both messages are recorded");
    app.stop().await;
}

#[tokio::test]
async fn the_acknowledgement_toggle_comes_on_with_urgent_and_its_button_goes_out() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let topics = app.official_says(ADMIN_ID, "Cắt điện khu vực tổ 7 từ 8:00 đến 11:00", 1).await.remove(0);
    let audience = tap(&app, &topics, "Thu gom rác").await;
    let audience = tap(&app, &audience, "Tổ 7").await;
    let options = tap(&app, &audience, "Tiếp").await;
    assert!(labels(&options).contains(&"🙋 Yêu cầu bấm «Đã nhận»".to_owned()), "off by default");
    let options = tap(&app, &options, "Khẩn").await;
    assert!(labels(&options).contains(&"✅ 🙋 Yêu cầu bấm «Đã nhận»".to_owned()), "on with urgent");
    let options = tap(&app, &options, "Yêu cầu bấm").await;
    assert!(labels(&options).contains(&"🙋 Yêu cầu bấm «Đã nhận»".to_owned()), "and off again by hand");
    let options = tap(&app, &options, "Yêu cầu bấm").await;
    assert!(options.text.contains("🙋 cần bấm «Đã nhận»"), "{}", options.text);

    let shown = preview(&app, &options).await;
    assert!(shown[0].reply_markup.is_some(), "the preview shows the button");
    send(&app, &shown[1]).await;
    let received = announcements(&app, AREA7).remove(0);
    let data = received.reply_markup.expect("the button")["inline_keyboard"][0][0]["callback_data"].clone();
    assert_eq!(data, "ack:1");
    assert_eq!(count(&app, "SELECT count(*) FROM broadcasts WHERE ack IS NOT NULL AND urgent = 1").await, 1);
    app.stop().await;
}
