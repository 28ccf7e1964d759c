//! Driving the feedback desk as residents and officials do: a report written step by step,
//! taps on the desk's buttons, replies to its copies of tickets.

use serde_json::Value;

use super::{
    fake_telegram::{Call, SentKind, SentMessage},
    test_app::TestApp,
    updates,
};

/// The desk group of tests that set `LOA_DESK_CHAT`.
pub const DESK: i64 = -1_001_234_567;

/// The message a tap on `sent`'s button edited in place, as that edit left it: read from the
/// edit's call, since a later edit may have changed the message again.
pub async fn edited_after_tap(app: &TestApp, sent: &SentMessage, user: i64, prefix: &str) -> SentMessage {
    let before = edits_of(&app.telegram.calls(), sent).len();
    app.telegram.push_update(updates::tap_button(sent, user, prefix));
    let description = format!("message {} edited", sent.message_id);
    let calls = app.telegram.wait_for(&description, |calls| edits_of(calls, sent).len() > before).await;
    let body = edits_of(&calls, sent).pop().expect("an edit");
    SentMessage {
        chat_id: sent.chat_id,
        message_id: sent.message_id,
        kind: SentKind::Text,
        text: body["text"].as_str().unwrap_or_default().to_owned(),
        reply_markup: body.get("reply_markup").cloned(),
        ..SentMessage::default()
    }
}

/// The bodies of the text edits of `sent` among `calls`.
fn edits_of(calls: &[Call], sent: &SentMessage) -> Vec<Value> {
    calls
        .iter()
        .filter(|call| call.method == "editMessageText")
        .map(|call| call.body.clone())
        .filter(|body| body["chat_id"] == sent.chat_id && body["message_id"] == sent.message_id)
        .collect()
}

/// `/phananh` from `resident` up to the question of what it is about: returns the bot's
/// message with the «Tiếp tục» button after `text` (and `extra`, e.g. a photo).
pub async fn report_until_continue(
    app: &TestApp,
    resident: i64,
    text: &str,
    extra: Vec<Value>,
) -> SentMessage {
    let before = app.telegram.sent_to(resident).len();
    app.telegram.push_update(text_from(resident, "/phananh"));
    // The first time, the privacy notice comes before the invitation to write.
    app.eventually("the report is started", || async {
        app.telegram.sent_to(resident)[before..].iter().any(|sent| sent.text.contains("Phản ánh với phường"))
    })
    .await;
    let mut last = app.private_update(resident, text_from(resident, text), 1).await.pop().unwrap();
    for content in extra {
        last = app
            .private_update(resident, updates::media_in_private(resident, content), 1)
            .await
            .pop()
            .unwrap();
    }
    last
}

/// A whole report, answered with the first area (if asked), waste, and `consent`; returns
/// the bot's last answer (with the ticket's number).
pub async fn file_ticket(app: &TestApp, resident: i64, text: &str, consent: bool) -> String {
    let so_far = report_until_continue(app, resident, text, Vec::new()).await;
    let mut question = edited_after_tap(app, &so_far, resident, "rp:next").await;
    if question.text.contains("tổ dân phố nào") {
        question = edited_after_tap(app, &question, resident, "rp:a:").await;
    }
    let consent_question = edited_after_tap(app, &question, resident, "rp:c:waste").await;
    let data = if consent { "rp:y" } else { "rp:n" };
    edited_after_tap(app, &consent_question, resident, data).await.text
}

/// The ticket number in «Đã gửi phản ánh số #N».
pub fn ticket_number(answer: &str) -> i64 {
    let start = answer.find('#').unwrap_or_else(|| panic!("a ticket number in: {answer}")) + 1;
    answer[start..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap()
}

pub fn text_from(resident: i64, text: &str) -> Value {
    updates::text_in_private(resident, "Lan", Some("lan_sd"), text)
}

/// `official`'s reply `text` to the desk's copy `card`, in the chat it is in.
pub fn reply_to_card(card: &SentMessage, official: i64, text: &str) -> Value {
    let update = if card.chat_id < 0 {
        updates::text_in_group(card.chat_id, "Bàn tiếp nhận phản ánh", official, text)
    } else {
        updates::text_in_private(official, "Cán bộ", None, text)
    };
    let replied = updates::bot_message(card, updates::chat(card.chat_id, "Bàn tiếp nhận phản ánh"));
    updates::replying_to(update, &serde_json::json!({ "message": replied }))
}

/// Pushes a button tap and returns the toast it was answered with ("" for none).
pub async fn toast_of(app: &TestApp, tap: Value) -> String {
    let answered = |calls: &[Call]| calls.iter().filter(|call| call.method == "answerCallbackQuery").count();
    let before = answered(&app.telegram.calls());
    app.telegram.push_update(tap);
    let calls = app.telegram.wait_for("the tap answered", |calls| answered(calls) > before).await;
    let answer = calls.into_iter().filter(|call| call.method == "answerCallbackQuery").nth(before).unwrap();
    answer.body["text"].as_str().unwrap_or_default().to_owned()
}

pub async fn ticket_row(app: &TestApp, ticket: i64) -> (String, Option<i64>, Option<String>, Option<String>) {
    sqlx::query_as("SELECT status, resident_id, name, media FROM tickets WHERE id = ?1")
        .bind(ticket)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}
