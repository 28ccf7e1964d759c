//! The feedback desk across crashes: a ticket's card, its reminder and an official's answer
//! that were on their way when Loa died are sent at the next start.

mod support;

use support::{
    desk::{DESK, file_ticket, ticket_number},
    fake_telegram::{Call, Gate, Reply},
    test_app::{ADMIN_ID, Options, TestApp},
    ward::count,
};

const RESIDENT: i64 = 7001;

fn with_desk() -> Options {
    Options { desk_chat: Some(DESK), ward_name: "Phường Sài Đồng".into(), ..Options::default() }
}

/// Messages sent to `chat` among `calls`, answered or still held.
fn sends_to(calls: &[Call], chat: i64) -> usize {
    calls.iter().filter(|call| call.method.starts_with("send") && call.body["chat_id"] == chat).count()
}

/// Scripts the next message to `chat` to be held forever: it is on its way when Loa crashes.
fn hold_next(app: &TestApp, chat: i64) {
    app.telegram.script(chat, Reply::Hold { gate: Gate::default(), then: Box::new(Reply::Ok) });
}

#[tokio::test]
async fn a_ticket_whose_card_a_crash_kept_from_the_desk_is_sent_at_the_next_start() {
    let mut app = TestApp::spawn_with(with_desk()).await;
    hold_next(&app, DESK);
    let ticket = ticket_number(&file_ticket(&app, RESIDENT, "Đèn đường ngõ 7 hỏng", true).await);
    app.telegram.wait_for("the card on its way", |calls| sends_to(calls, DESK) == 1).await;
    app.crash().await;
    app.start().await;

    let card = app.telegram.wait_for_sent(DESK, 1).await.pop().unwrap();
    assert!(card.text.contains(&format!("Phản ánh #{ticket}")), "{}", card.text);
    app.eventually("the copy answers the ticket, which the desk has", || async {
        count(&app, "SELECT count(*) FROM desk_messages").await == 1
            && count(&app, "SELECT count(*) FROM tickets WHERE posted_at IS NOT NULL").await == 1
    })
    .await;
    // Once at the desk, a ticket is not sent again.
    app.restart().await;
    app.settle(RESIDENT).await;
    assert_eq!(app.telegram.sent_to(DESK).len(), 1);
}

#[tokio::test]
async fn a_reminder_a_crash_kept_from_the_desk_is_given_at_the_next_start() {
    let mut app = TestApp::spawn_with(with_desk()).await;
    let ticket = ticket_number(&file_ticket(&app, RESIDENT, "Cống thoát nước bị tắc", true).await);
    app.telegram.wait_for_sent(DESK, 1).await;
    hold_next(&app, DESK);
    app.clock.advance(chrono::Duration::hours(8));
    app.telegram.wait_for("the reminder on its way", |calls| sends_to(calls, DESK) == 2).await;
    app.crash().await;
    app.start().await;

    let reminder = app.telegram.wait_for_sent(DESK, 2).await.pop().unwrap();
    assert!(
        reminder.text.starts_with("⏰") && reminder.text.contains(&format!("#{ticket}")),
        "{}",
        reminder.text
    );
    app.eventually("the reminder counts as given", || async {
        count(&app, "SELECT count(*) FROM tickets WHERE reminded_at IS NOT NULL").await == 1
    })
    .await;
    app.settle(RESIDENT).await;
    assert_eq!(app.telegram.sent_to(DESK).len(), 2, "reminded once");
}

#[tokio::test]
async fn an_answer_a_crash_kept_from_the_resident_is_relayed_at_the_next_start() {
    let mut app = TestApp::spawn_with(with_desk()).await;
    let ticket = ticket_number(&file_ticket(&app, RESIDENT, "Vỉa hè bị lấn chiếm", true).await);
    // The news that the ticket was taken on reaches the resident; the answer is held.
    let before = sends_to(&app.telegram.calls(), RESIDENT);
    app.telegram.script(RESIDENT, Reply::Ok);
    hold_next(&app, RESIDENT);
    app.telegram
        .push_update(support::desk::text_from(ADMIN_ID, &format!("/traloi {ticket} Đã cử người xử lý.")));
    app.telegram.wait_for("the answer on its way", |calls| sends_to(calls, RESIDENT) == before + 2).await;
    app.crash().await;
    app.start().await;

    app.eventually("the answer reaches the resident", || async {
        app.telegram.sent_to(RESIDENT).iter().any(|sent| sent.text.contains("Đã cử người xử lý."))
    })
    .await;
    app.eventually("recorded as delivered", || async {
        count(&app, "SELECT count(*) FROM ticket_replies WHERE state = 'delivered'").await == 1
    })
    .await;
    app.eventually("the official is told", || async {
        app.telegram.sent_to(ADMIN_ID).iter().any(|sent| sent.text.contains("Đã chuyển"))
    })
    .await;
}
