//! A small ward for broadcast tests, and what to look at afterwards.

use super::{fake_telegram::SentMessage, test_app::TestApp};

/// Announcements the chat received (the bot's other replies have no 📢 heading).
pub fn announcements(app: &TestApp, chat: i64) -> Vec<SentMessage> {
    app.telegram.sent_to(chat).into_iter().filter(|m| m.text.contains("📢")).collect()
}

pub async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(app.store.pool()).await.unwrap()
}

/// Waits until nothing is pending or in flight in the outbox.
pub async fn outbox_drained(app: &TestApp) {
    app.eventually("the outbox is drained", || async {
        count(app, "SELECT count(*) FROM deliveries WHERE state IN ('pending', 'sending')").await == 0
            && count(app, "SELECT count(*) FROM amendments WHERE state IN ('pending', 'sending')").await == 0
    })
    .await;
}

/// A delivery's state and last error.
pub async fn delivery(app: &TestApp, chat: i64) -> (String, Option<String>, i64) {
    sqlx::query_as("SELECT state, last_error, attempts FROM deliveries WHERE chat_id = ?1")
        .bind(chat)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

/// Posts `text` on `topic` from the admin official and confirms it.
pub async fn post_and_confirm(app: &TestApp, official: i64, args: &str) {
    let preview = app.official_says(official, &format!("/post {args}"), 2).await;
    assert!(preview[1].text.contains("Sẽ gửi tới"), "{}", preview[1].text);
    let confirmed = app.official_says(official, "/confirm", 1).await;
    assert!(confirmed[0].text.contains("Đã xác nhận"), "{}", confirmed[0].text);
}

/// Recalls broadcast `id` as the admin official and returns, sorted, the ids of the messages
/// then deleted in `chat`.
pub async fn recall_and_deleted(app: &TestApp, id: i64, chat: i64) -> Vec<i32> {
    app.official_says(super::test_app::ADMIN_ID, &format!("/recall {id}"), 1).await;
    outbox_drained(app).await;
    let mut deleted = app.telegram.deleted_in(chat);
    deleted.sort_unstable();
    deleted
}
