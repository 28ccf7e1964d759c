//! Officials post announcements: preview, confirm, targeting, bad input, permissions.

mod support;

use serde_json::Value;
use support::{
    fake_telegram::SentMessage,
    test_app::{ADMIN_ID, TestApp},
    updates,
};

const AREA5_A: i64 = -501;
const AREA5_B: i64 = -502;
const AREA7: i64 = -503;
const AREA5_HEALTH_ONLY: i64 = -504;
const RESIDENT: i64 = 7001;

/// Announcements the chat received (the bot's other replies have no 📢 heading).
fn announcements(app: &TestApp, chat: i64) -> Vec<SentMessage> {
    app.telegram.sent_to(chat).into_iter().filter(|m| m.text.contains("📢")).collect()
}

/// The formatting Telegram was asked to show on message `message_id` of `chat`.
fn entities_of(app: &TestApp, chat: i64, text: &str) -> serde_json::Value {
    let call = app
        .telegram
        .calls_to("sendMessage")
        .into_iter()
        .rfind(|call| call.body["chat_id"].as_i64() == Some(chat) && call.body["text"].as_str() == Some(text))
        .expect("the message was sent");
    call.body["entities"].clone()
}

/// The heading's bold entity: "📢" is two UTF-16 units.
fn bold_heading(heading: &str) -> serde_json::Value {
    serde_json::json!([{"type": "bold", "offset": 0, "length": heading.encode_utf16().count()}])
}

async fn ward(app: &TestApp) {
    app.seed_chat(AREA5_A, "Tổ 5 — nhóm A", Some("5"), &["waste"]).await;
    app.seed_chat(AREA5_B, "Tổ 5 — nhóm B", Some("TDP5"), &["waste", "health"]).await;
    app.seed_chat(AREA7, "Tổ 7", Some("7"), &["waste"]).await;
    app.seed_chat(AREA5_HEALTH_ONLY, "Tổ 5 — y tế", Some("5"), &["health"]).await;
    app.seed_chat(RESIDENT, "Lan", None, &["waste"]).await;
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(app.store.pool()).await.unwrap()
}

/// Waits until `chats` each show one announcement, then a little proof that none gets two:
/// the report says the broadcast is finished.
async fn wait_delivered(app: &TestApp, chats: &[i64]) {
    for chat in chats {
        app.telegram.wait_for_sent(*chat, 1).await;
        app.eventually("the announcement is delivered", || async { announcements(app, *chat).len() == 1 })
            .await;
    }
    app.eventually("every delivery is recorded", || async {
        count(app, "SELECT count(*) FROM deliveries WHERE state IN ('pending', 'sending')").await == 0
    })
    .await;
}

#[tokio::test]
async fn an_official_posts_to_area_5_previews_confirms_and_only_its_subscribed_groups_receive_it() {
    let app = TestApp::spawn().await;
    ward(&app).await;

    let text = "Từ ngày 1/6, rác thải sinh hoạt thu gom 18:00–20:00 thứ Hai, Tư, Sáu.";
    let preview = app.official_says(ADMIN_ID, &format!("/post waste area=5 pin {text}"), 2).await;
    let heading = "📢 Thu gom rác, vệ sinh môi trường";
    assert_eq!(preview[0].text, format!("{heading}\n\n{text}"));
    assert_eq!(preview[0].parse_mode, None, "formatting goes as entities, never re-parsed");
    assert_eq!(entities_of(&app, ADMIN_ID, &preview[0].text), bold_heading(heading));
    assert!(preview[1].text.contains("Sẽ gửi tới: 2 nhóm/người"), "{}", preview[1].text);
    assert!(preview[1].text.contains("Phạm vi: tổ 5"), "{}", preview[1].text);
    let buttons = preview[1].reply_markup.as_ref().expect("buttons").to_string();
    assert!(buttons.contains("Gửi") && buttons.contains("Huỷ"), "{buttons}");
    assert_eq!(
        count(&app, "SELECT count(*) FROM broadcasts").await,
        0,
        "nothing is sent before confirmation"
    );
    assert!(announcements(&app, AREA5_A).is_empty());

    let confirmed = app.official_says(ADMIN_ID, "/confirm", 1).await;
    assert!(confirmed[0].text.contains("tới 2 nhóm/người"), "{}", confirmed[0].text);
    wait_delivered(&app, &[AREA5_A, AREA5_B]).await;

    for chat in [AREA7, AREA5_HEALTH_ONLY, RESIDENT] {
        assert!(announcements(&app, chat).is_empty(), "chat {chat} is outside the audience");
    }
    let pins = app.telegram.calls_to("pinChatMessage");
    assert_eq!(pins.len(), 2, "pinned in each receiving group");
    let sent: Vec<(i64, String, Option<i64>, Option<i64>)> =
        sqlx::query_as("SELECT chat_id, state, message_id, pinned FROM deliveries ORDER BY chat_id")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    assert_eq!(sent.len(), 2);
    for (chat, state, message_id, pinned) in sent {
        assert_eq!(state, "sent", "chat {chat}");
        assert_eq!(message_id, Some(i64::from(announcements(&app, chat)[0].message_id)));
        assert_eq!(pinned, Some(1));
    }

    let report = app.official_says(ADMIN_ID, "/report 1", 1).await;
    assert!(
        report[0].text.contains("Đã gửi: 2/2") && report[0].text.contains("Đã ghim: 2"),
        "{}",
        report[0].text
    );
    assert!(report[0].text.contains("Đã xong"), "{}", report[0].text);
    app.stop().await;
}

#[tokio::test]
async fn a_ward_wide_post_reaches_every_active_subscriber_including_private_chats() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    app.seed_chat(-505, "Tổ 9 (đã rời)", Some("9"), &["waste"]).await;
    app.store.bot_left(-505, chrono::Utc::now()).await.unwrap();

    let preview = app.official_says(ADMIN_ID, "/dang waste Thông báo chung về rác", 2).await;
    assert!(
        preview[1].text.contains("toàn phường") && preview[1].text.contains("Sẽ gửi tới: 4"),
        "{}",
        preview[1].text
    );
    app.official_says(ADMIN_ID, "/confirm", 1).await;
    wait_delivered(&app, &[AREA5_A, AREA5_B, AREA7, RESIDENT]).await;
    assert!(announcements(&app, AREA5_HEALTH_ONLY).is_empty());
    assert!(announcements(&app, -505).is_empty(), "an inactive chat is skipped");
    assert!(app.telegram.calls_to("pinChatMessage").is_empty(), "not asked to pin, nothing is pinned");
    app.stop().await;
}

fn callback(preview: &SentMessage, data_prefix: &str) -> Value {
    updates::tap_button(preview, ADMIN_ID, data_prefix)
}

#[tokio::test]
async fn the_send_button_confirms_once_and_a_double_tap_sends_nothing_more() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let preview = app.official_says(ADMIN_ID, "/post waste area=7 Nhắc đổ rác đúng giờ", 2).await;

    let first = app.reply_to(ADMIN_ID, callback(&preview[1], "confirm:")).await;
    assert!(first.text.contains("Đã xác nhận"), "{}", first.text);
    let second = app.reply_to(ADMIN_ID, callback(&preview[1], "confirm:")).await;
    assert!(second.text.contains("Không có bản nháp"), "{}", second.text);
    wait_delivered(&app, &[AREA7]).await;
    assert_eq!(count(&app, "SELECT count(*) FROM broadcasts").await, 1);
    assert_eq!(app.telegram.calls_to("answerCallbackQuery").len(), 2, "each tap is answered");
    assert!(!app.telegram.calls_to("editMessageReplyMarkup").is_empty(), "the buttons are removed");
    app.stop().await;
}

#[tokio::test]
async fn cancel_by_button_or_command_sends_nothing_and_a_new_post_replaces_the_draft() {
    let app = TestApp::spawn().await;
    ward(&app).await;

    let first = app.official_says(ADMIN_ID, "/post waste area=7 Bản một", 2).await;
    let cancelled = app.reply_to(ADMIN_ID, callback(&first[1], "cancel:")).await;
    assert!(cancelled.text.contains("Đã huỷ"), "{}", cancelled.text);

    let second = app.official_says(ADMIN_ID, "/post waste area=7 Bản hai", 2).await;
    let third = app.official_says(ADMIN_ID, "/post waste area=7 Bản ba", 2).await;
    let stale = app.reply_to(ADMIN_ID, callback(&second[1], "confirm:")).await;
    assert!(stale.text.contains("đã được thay"), "{}", stale.text);
    let cancelled = app.official_says(ADMIN_ID, "/cancel", 1).await;
    assert!(cancelled[0].text.contains("Đã huỷ"), "{}", cancelled[0].text);
    let nothing = app.reply_to(ADMIN_ID, callback(&third[1], "confirm:")).await;
    assert!(nothing.text.contains("Không có bản nháp"), "{}", nothing.text);

    assert_eq!(count(&app, "SELECT count(*) FROM broadcasts").await, 0);
    assert_eq!(count(&app, "SELECT count(*) FROM drafts").await, 0);
    app.settle(AREA7).await;
    assert!(announcements(&app, AREA7).is_empty());
    app.stop().await;
}

#[tokio::test]
async fn a_draft_left_for_30_minutes_expires() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    app.official_says(ADMIN_ID, "/post waste area=7 Quá hạn", 2).await;
    app.clock.advance(chrono::Duration::minutes(31));
    let reply = app.official_says(ADMIN_ID, "/confirm", 1).await;
    assert!(reply[0].text.contains("hết hạn"), "{}", reply[0].text);
    assert_eq!(count(&app, "SELECT count(*) FROM broadcasts").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn bad_input_says_what_was_wrong_shows_the_form_and_stores_nothing() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let long = "ă".repeat(4100);
    let cases = [
        ("/post thoi-tiet Thông báo", "Không có chủ đề «thoi-tiet»"),
        ("/post waste aera=5 Thông báo", "Không hiểu tuỳ chọn «aera=5»"),
        ("/post waste area=5 pin", "Thiếu nội dung"),
        ("/post waste area=5,tổ Thông báo", "Mã tổ dân phố «tổ»"),
        ("/post waste area=12 Thông báo", "Các tổ đã có nhóm: 5, 7"),
        ("/post security Thông báo", "Chưa có nhóm hay người nào đăng ký"),
    ];
    for (command, expected) in cases {
        let reply = app.official_says(ADMIN_ID, command, 1).await;
        assert!(reply[0].text.contains(expected), "{command}: {}", reply[0].text);
    }
    let reply = app.official_says(ADMIN_ID, &format!("/post waste {long}"), 1).await;
    assert!(reply[0].text.contains("Nội dung dài 4100 ký tự, quá giới hạn 4060"), "{}", reply[0].text);
    assert!(reply[0].text.contains("/post <chủ đề>"), "shows the right form: {}", reply[0].text);
    assert_eq!(count(&app, "SELECT count(*) FROM drafts").await, 0);
    assert_eq!(count(&app, "SELECT count(*) FROM broadcasts").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn text_with_markup_characters_and_diacritics_is_shown_verbatim() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let body = "Phòng chống sốt xuất huyết: diệt bọ gậy, lăng quăng <ngay hôm nay> & \"mỗi tuần\"";
    app.official_says(ADMIN_ID, &format!("/post waste area=7 {body}"), 2).await;
    app.official_says(ADMIN_ID, "/confirm", 1).await;
    wait_delivered(&app, &[AREA7]).await;
    let message = &announcements(&app, AREA7)[0];
    assert_eq!(message.parse_mode, None);
    assert_eq!(message.text, format!("📢 Thu gom rác, vệ sinh môi trường\n\n{body}"));
    assert_eq!(entities_of(&app, AREA7, &message.text), bold_heading("📢 Thu gom rác, vệ sinh môi trường"));
    let stored: String =
        sqlx::query_scalar("SELECT body FROM broadcasts").fetch_one(app.store.pool()).await.unwrap();
    assert_eq!(stored, body, "the database keeps the text as written");
    app.stop().await;
}

#[tokio::test]
async fn a_group_in_english_gets_an_english_heading() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    app.store.set_lang(AREA7, loa::domain::Lang::En).await.unwrap();
    app.official_says(ADMIN_ID, "/post waste area=7 Rác", 2).await;
    app.official_says(ADMIN_ID, "/confirm", 1).await;
    wait_delivered(&app, &[AREA7]).await;
    assert_eq!(announcements(&app, AREA7)[0].text, "📢 Waste collection and sanitation\n\nRác");
    app.stop().await;
}

#[tokio::test]
async fn an_urgent_broadcast_overtakes_one_still_being_delivered() {
    use support::test_app::Options;
    let app = TestApp::spawn_with(Options { rate_global: 5, ..Options::default() }).await;
    for n in 1..=12 {
        app.seed_chat(-2000 - n, &format!("Tổ {n}"), Some("2"), &["waste"]).await;
        app.seed_chat(-3000 - n, &format!("Tổ {n}"), Some("3"), &["security"]).await;
    }
    app.official_says(ADMIN_ID, "/post waste area=2 Lịch thu gom", 2).await;
    app.official_says(ADMIN_ID, "/confirm", 1).await;
    app.official_says(ADMIN_ID, "/post security area=3 urgent Mất điện, đề phòng trộm cắp", 2).await;
    app.official_says(ADMIN_ID, "/confirm", 1).await;
    app.eventually("both are delivered", || async {
        count(&app, "SELECT count(*) FROM deliveries WHERE state = 'sent'").await == 24
    })
    .await;

    let order: Vec<i64> = app
        .telegram
        .sent_messages()
        .into_iter()
        .filter(|m| m.text.contains("📢"))
        .map(|m| m.chat_id)
        .collect();
    let last_urgent = order.iter().rposition(|chat| *chat <= -3000).unwrap();
    let last_normal = order.iter().rposition(|chat| *chat > -3000).unwrap();
    assert!(last_urgent < last_normal, "the urgent one finished first: {order:?}");
    app.stop().await;
}
