//! Settings as buttons: `/topics` turns topics on and off, `/area` offers the known areas. A
//! group's admins and ward officials change the group by tapping; anyone else gets a short
//! notice and changes nothing. Each accepted tap edits the message in place.

mod support;

use serde_json::Value;
use support::{
    fake_telegram::{Call, Reply, SentMessage},
    test_app::{ADMIN_ID, TestApp},
    updates,
};

const GROUP: i64 = -5005;
const GROUP_ADMIN: i64 = 7101;
const MEMBER: i64 = 7102;
const RESIDENT: i64 = 7001;
const ONLY_ADMINS: &str = "Chỉ quản trị viên nhóm mới đổi được cài đặt này";

async fn app_with_group_roles() -> TestApp {
    let app = TestApp::spawn().await;
    app.telegram.set_member_status(GROUP, GROUP_ADMIN, "administrator");
    app.telegram.set_member_status(GROUP, MEMBER, "member");
    app
}

/// What `user` in the group gets for `text`.
async fn in_group(app: &TestApp, user: i64, text: &str) -> SentMessage {
    app.reply_to(GROUP, updates::text_in_group(GROUP, "Tổ 5", user, text)).await
}

/// Every button of a keyboard, row after row, as (label, callback data).
fn buttons(markup: &Value) -> Vec<(String, String)> {
    let rows = markup["inline_keyboard"].as_array().expect("rows of buttons");
    rows.iter()
        .flat_map(|row| row.as_array().expect("a row"))
        .map(|b| (b["text"].as_str().unwrap().to_owned(), b["callback_data"].as_str().unwrap().to_owned()))
        .collect()
}

fn labels(markup: &Value) -> Vec<String> {
    buttons(markup).into_iter().map(|(label, _)| label).collect()
}

fn label_of(markup: &Value, data: &str) -> String {
    let found = buttons(markup).into_iter().find(|(_, d)| d == data);
    found.unwrap_or_else(|| panic!("no button {data} in {markup}")).0
}

fn edits(app: &TestApp) -> Vec<Call> {
    let calls = app.telegram.calls();
    calls.into_iter().filter(|c| c.method.starts_with("editMessage")).collect()
}

/// `user` taps the button with `data` under `message`; returns the edit that answers the tap,
/// and the message as it now reads, to tap again.
async fn tap(app: &TestApp, message: &SentMessage, user: i64, data: &str) -> (Call, SentMessage) {
    let before = edits(app).len();
    app.telegram.push_update(updates::callback_query(message, user, data));
    app.eventually("the tap edits the message", || async { edits(app).len() > before }).await;
    let edit = edits(app).remove(before);
    assert_eq!(edit.method, "editMessageText", "text and buttons are edited together");
    assert_eq!(edit.body["message_id"], message.message_id, "the same message, edited in place");
    let text = edit.body["text"].as_str().unwrap().to_owned();
    let now = SentMessage { text, reply_markup: Some(edit.body["reply_markup"].clone()), ..message.clone() };
    (edit, now)
}

async fn subscriptions(app: &TestApp, chat: i64) -> Vec<String> {
    app.store.subscriptions(chat).await.unwrap()
}

async fn area_of(app: &TestApp, chat: i64) -> Option<String> {
    app.store.chat_settings(chat).await.unwrap().and_then(|s| s.area).map(|a| a.to_string())
}

#[tokio::test]
async fn a_group_admin_taps_topics_on_and_off_and_the_marks_follow() {
    let app = app_with_group_roles().await;
    in_group(&app, GROUP_ADMIN, "/subscribe rac").await;

    let topics = in_group(&app, MEMBER, "/topics").await;
    assert!(topics.text.contains("✅ rac (waste)"), "the list is still there: {}", topics.text);
    let markup = topics.reply_markup.as_ref().expect("a button per topic");
    assert_eq!(label_of(markup, "topic:off:waste"), "✅ Thu gom rác, vệ sinh môi trường");
    assert_eq!(label_of(markup, "topic:on:health"), "▫️ Phòng chống dịch bệnh");

    let (edit, topics) = tap(&app, &topics, GROUP_ADMIN, "topic:on:health").await;
    assert_eq!(subscriptions(&app, GROUP).await, ["waste", "health"]);
    assert_eq!(label_of(&edit.body["reply_markup"], "topic:off:health"), "✅ Phòng chống dịch bệnh");
    assert!(topics.text.contains("✅ y-te (health)"), "{}", topics.text);

    let (edit, topics) = tap(&app, &topics, GROUP_ADMIN, "topic:off:waste").await;
    assert_eq!(subscriptions(&app, GROUP).await, ["health"]);
    let marked: Vec<String> =
        labels(&edit.body["reply_markup"]).into_iter().filter(|l| l.starts_with('✅')).collect();
    assert_eq!(marked, ["✅ Phòng chống dịch bệnh"], "the mark moved with the subscription");
    assert!(topics.text.contains("▫️ rac (waste)"), "{}", topics.text);

    let answers = app.telegram.calls_to("answerCallbackQuery");
    assert_eq!(answers.len(), 2, "every tap is answered");
    assert!(answers.iter().all(|a| a.body.get("text").is_none()), "without a notice: {answers:?}");
    app.stop().await;
}

#[tokio::test]
async fn a_member_who_is_not_an_admin_gets_a_notice_and_nothing_changes() {
    let app = app_with_group_roles().await;
    in_group(&app, GROUP_ADMIN, "/subscribe rac").await;
    in_group(&app, GROUP_ADMIN, "/area 5").await;
    let topics = in_group(&app, MEMBER, "/topics").await;
    let area = in_group(&app, MEMBER, "/area").await;

    app.telegram.push_update(updates::tap_button(&topics, MEMBER, "topic:on:health"));
    app.telegram.push_update(updates::tap_button(&area, MEMBER, "area:none"));
    app.telegram
        .wait_for("both taps are answered", |calls| {
            calls.iter().filter(|c| c.method == "answerCallbackQuery").count() == 2
        })
        .await;
    // The group's updates and replies keep their order: once this is answered, any edit the
    // taps had caused would have been sent.
    app.settle(GROUP).await;

    for answer in app.telegram.calls_to("answerCallbackQuery") {
        assert_eq!(answer.body["text"], ONLY_ADMINS);
        assert_eq!(answer.body["show_alert"], false, "a toast, not an alert");
    }
    assert!(edits(&app).is_empty(), "no edit: {:?}", edits(&app));
    assert_eq!(subscriptions(&app, GROUP).await, ["waste"]);
    assert_eq!(area_of(&app, GROUP).await.as_deref(), Some("5"));
    let asked = app.telegram.calls_to("getChatMember");
    assert!(asked.iter().any(|c| c.body["user_id"] == MEMBER), "the tapper's membership was checked");
    app.stop().await;
}

#[tokio::test]
async fn area_buttons_bind_the_group_for_its_admins_and_ward_officials() {
    let app = app_with_group_roles().await;
    app.seed_chat(-6007, "Tổ 7", Some("7"), &[]).await;
    app.seed_chat(-6009, "Tổ 9", Some("TDP9"), &[]).await;

    let area = in_group(&app, GROUP_ADMIN, "/area").await;
    assert!(area.text.contains("chưa gắn") && area.text.contains("bấm chọn tổ"), "{}", area.text);
    assert_eq!(labels(area.reply_markup.as_ref().unwrap()), ["Tổ 7", "Tổ 9", "✅ Không gắn tổ"]);

    let (edit, area) = tap(&app, &area, GROUP_ADMIN, "area:7").await;
    assert_eq!(area_of(&app, GROUP).await.as_deref(), Some("7"));
    assert!(area.text.contains("thuộc tổ dân phố 7"), "{}", area.text);
    assert_eq!(labels(&edit.body["reply_markup"]), ["✅ Tổ 7", "Tổ 9", "Không gắn tổ"]);

    // A ward official is a plain member of the group on Telegram.
    app.telegram.set_member_status(GROUP, ADMIN_ID, "member");
    let (edit, _) = tap(&app, &area, ADMIN_ID, "area:none").await;
    assert_eq!(area_of(&app, GROUP).await, None);
    assert_eq!(labels(&edit.body["reply_markup"]), ["Tổ 7", "Tổ 9", "✅ Không gắn tổ"]);

    let typed = in_group(&app, GROUP_ADMIN, "/area 9").await;
    assert_eq!(typed.text, "Đã gắn chat này với tổ dân phố 9.", "typing still binds");
    assert_eq!(area_of(&app, GROUP).await.as_deref(), Some("9"));
    app.stop().await;
}

#[tokio::test]
async fn in_a_private_chat_the_resident_taps_without_a_membership_check() {
    let app = TestApp::spawn().await;
    let topics = app.reply_to(RESIDENT, updates::text_in_private(RESIDENT, "Lan", None, "/topics")).await;
    tap(&app, &topics, RESIDENT, "topic:on:meeting").await;
    assert_eq!(subscriptions(&app, RESIDENT).await, ["meeting"]);
    assert!(app.telegram.calls_to("getChatMember").is_empty());
    app.stop().await;
}

#[tokio::test]
async fn a_tap_telegram_no_longer_lets_the_bot_answer_still_acts() {
    let app = app_with_group_roles().await;
    let topics = in_group(&app, GROUP_ADMIN, "/topics").await;
    let stale = Reply::Error {
        code: 400,
        description: "Bad Request: query is too old and response timeout expired or query ID is invalid"
            .into(),
    };
    app.telegram.script_method("answerCallbackQuery", 0, stale);

    tap(&app, &topics, GROUP_ADMIN, "topic:on:waste").await;
    assert_eq!(subscriptions(&app, GROUP).await, ["waste"]);
    app.stop().await;
}
