//! Topics typed in Vietnamese, in any case, with or without diacritics, wherever a command
//! names one; the slug is what is stored. A word that names no topic is answered with the
//! Vietnamese words first.

mod support;

use support::{
    test_app::{ADMIN_ID, TestApp},
    ward::{count, post_and_confirm},
};

const RESIDENT: i64 = 7001;
const GROUP: i64 = -5005;
const GROUP_ADMIN: i64 = 7101;
const CHOICES: &str =
    "rac (waste), y-te (health), van-minh (civic), an-ninh (security), hop (meeting), chung (general)";

async fn topic_of(app: &TestApp, sql: &'static str) -> String {
    sqlx::query_scalar(sql).fetch_one(app.store.pool()).await.unwrap()
}

#[tokio::test]
async fn residents_subscribe_and_unsubscribe_with_vietnamese_words() {
    let app = TestApp::spawn().await;

    let reply = app.private(RESIDENT, "/subscribe rác y-te SỨC-KHỎE").await;
    assert!(reply.contains("✅ rac (waste)") && reply.contains("✅ y-te (health)"), "{reply}");
    assert_eq!(app.store.subscriptions(RESIDENT).await.unwrap(), ["waste", "health"]);
    app.private(RESIDENT, "/unsubscribe Y-TẾ").await;
    assert_eq!(app.store.subscriptions(RESIDENT).await.unwrap(), ["waste"]);

    app.telegram.set_member_status(GROUP, GROUP_ADMIN, "administrator");
    app.group(GROUP, GROUP_ADMIN, "/dangky an-ninh,thông-báo nep-song hội-nghị").await;
    assert_eq!(app.store.subscriptions(GROUP).await.unwrap(), ["civic", "security", "meeting", "general"]);
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_word_is_answered_with_the_vietnamese_words_first_and_changes_nothing() {
    let app = TestApp::spawn().await;

    let reply = app.private(RESIDENT, "/subscribe rác thoi-tiet").await;
    assert!(reply.starts_with("Không có chủ đề: thoi-tiet. Các chủ đề: "), "{reply}");
    assert!(reply.contains(CHOICES), "{reply}");
    assert!(app.store.subscriptions(RESIDENT).await.unwrap().is_empty());

    let reply = app.official_says(ADMIN_ID, "/post thoi-tiet Trời mưa to", 1).await.remove(0).text;
    assert!(reply.contains(&format!("Không có chủ đề «thoi-tiet». Các chủ đề: {CHOICES}.")), "{reply}");
    assert!(reply.contains("/post <chủ đề> [area=5,7] [ghim] [khan]"), "{reply}");

    app.private(RESIDENT, "/lang en").await;
    let reply = app.private(RESIDENT, "/unsubscribe weather").await;
    assert!(reply.contains(&format!("Unknown topic: weather. Topics: {CHOICES}.")), "{reply}");
    app.stop().await;
}

#[tokio::test]
async fn help_names_the_topics_by_their_vietnamese_words() {
    let app = TestApp::spawn().await;
    let help = app.private(RESIDENT, "/help").await;
    assert!(help.contains(&format!("Chủ đề: {CHOICES}")), "{help}");
    assert!(help.contains("/subscribe rac y-te"), "{help}");
    app.stop().await;
}

#[tokio::test]
async fn officials_post_schedule_and_remind_with_vietnamese_words_and_the_slug_is_stored() {
    let app = TestApp::spawn().await;
    app.seed_chat(GROUP, "Tổ 5", Some("5"), &["waste", "health", "meeting"]).await;

    post_and_confirm(&app, ADMIN_ID, "rac area=5 ghim Thu gom rác 18:00–20:00").await;
    assert_eq!(topic_of(&app, "SELECT topic FROM broadcasts").await, "waste");
    assert_eq!(count(&app, "SELECT pin FROM broadcasts").await, 1, "ghim pins it");

    let preview = app.official_says(ADMIN_ID, "/at 2026-06-02 09:00 Họp Họp tổ dân phố", 2).await;
    assert!(preview[1].text.contains("Họp, hội nghị"), "{}", preview[1].text);
    assert_eq!(topic_of(&app, "SELECT topic FROM drafts ORDER BY id DESC LIMIT 1").await, "meeting");

    let created = app
        .official_says(ADMIN_ID, "/remind t7@08:00 suc-khoe to=2026-08-31 Diệt bọ gậy, lăng quăng.", 1)
        .await;
    assert!(created[0].text.contains("Phòng chống dịch bệnh"), "{}", created[0].text);
    assert_eq!(topic_of(&app, "SELECT topic FROM reminders").await, "health");
    app.stop().await;
}
