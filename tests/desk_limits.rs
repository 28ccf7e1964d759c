//! The feedback desk's refusals and failures: bad input, the daily limit, a blocked sender, a
//! resident who blocked the bot, a desk group that removed it, and personal data erased on
//! request and after retention.

mod support;

use loa::clock::Clock;
use serde_json::json;
use support::{
    desk::{
        DESK, edited_after_tap, file_ticket, report_until_continue, text_from, ticket_number, ticket_row,
    },
    fake_telegram::Reply,
    test_app::{ADMIN_ID, Options, TestApp},
    updates,
    ward::count,
};

const RESIDENT: i64 = 7001;

#[tokio::test]
async fn bad_input_to_a_report_gets_the_reason_and_nothing_is_filed() {
    let app = TestApp::spawn().await;
    // Only a location, then «Tiếp tục»: words are needed.
    let so_far = report_until_continue(&app, RESIDENT, "", Vec::new()).await;
    assert!(so_far.text.contains("vài dòng"), "an empty text adds nothing: {}", so_far.text);
    let located = app
        .private_update(RESIDENT, updates::media_in_private(RESIDENT, updates::location(21.04, 105.91)), 1)
        .await
        .pop()
        .unwrap();
    let needs_text =
        app.private_update(RESIDENT, updates::tap_button(&located, RESIDENT, "rp:next"), 1).await;
    assert!(needs_text[0].text.contains("cần vài dòng mô tả"), "{}", needs_text[0].text);

    let sticker =
        app.private_update(RESIDENT, updates::media_in_private(RESIDENT, updates::sticker("s1")), 1).await;
    assert!(sticker[0].text.contains("nhãn dán"), "{}", sticker[0].text);
    let mut video = updates::media_in_private(RESIDENT, updates::video("big-clip"));
    video["message"]["video"]["file_size"] = json!(10 * 1024 * 1024);
    let refused = app.private_update(RESIDENT, video, 1).await;
    assert!(refused[0].text.contains("Video quá lớn (10.0 MB); tối đa 5.0 MB"), "{}", refused[0].text);
    let long = app.private_update(RESIDENT, text_from(RESIDENT, &"rác ".repeat(250)), 1).await;
    assert!(long[0].text.contains("800 ký tự"), "{}", long[0].text);
    let draft: (String, Option<String>, Option<f64>) =
        sqlx::query_as("SELECT body, media, latitude FROM ticket_drafts WHERE resident_id = ?1")
            .bind(RESIDENT)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(draft, (String::new(), None, Some(21.04)), "only the location was taken");

    // In a group, and as an official with unknown or missing tickets.
    assert!(app.group(-500, RESIDENT, "/phananh").await.contains("nhắn riêng"));
    let unknown = app.official_says(ADMIN_ID, "/traloi 99 Xong rồi", 1).await;
    assert!(unknown[0].text.contains("Không có phản ánh #99"), "{}", unknown[0].text);
    let usage = app.official_says(ADMIN_ID, "/traloi 99", 1).await;
    assert!(usage[0].text.contains("Cách dùng"), "{}", usage[0].text);
    assert_eq!(count(&app, "SELECT count(*) FROM tickets").await, 0);
    assert_eq!(count(&app, "SELECT count(*) FROM ticket_replies").await, 0);
}

#[tokio::test]
async fn a_sixth_ticket_in_a_day_is_refused_and_a_blocked_sender_is_told_only_briefly() {
    let app = TestApp::spawn().await;
    for n in 1..=5 {
        let opened = file_ticket(&app, RESIDENT, &format!("Phản ánh số {n}"), false).await;
        assert_eq!(ticket_number(&opened), n);
    }
    let sixth = app.private(RESIDENT, "/phananh").await;
    assert!(sixth.contains("5 phản ánh trong 24 giờ qua"), "{sixth}");
    app.clock.advance(chrono::Duration::hours(24) + chrono::Duration::minutes(1));
    assert!(app.private(RESIDENT, "/phananh").await.contains("Phản ánh với phường"), "a day later it opens");

    let blocked = app.official_says(ADMIN_ID, "/desk block 3", 1).await;
    assert!(blocked[0].text.contains("Đã chặn người gửi phản ánh #3"), "{}", blocked[0].text);
    assert!(!blocked[0].text.contains("7001"), "no identity revealed: {}", blocked[0].text);
    let told = app.private(RESIDENT, "/gopy").await;
    assert_eq!(told, "Hiện bạn không gửi được phản ánh qua Loa. Xin liên hệ trực tiếp UBND phường.");
    assert_eq!(count(&app, "SELECT count(*) FROM audit_log WHERE action = 'desk_block'").await, 1);
}

#[tokio::test]
async fn erasing_personal_data_does_not_reset_the_daily_limit() {
    let app = TestApp::spawn().await;
    for n in 1..=5 {
        file_ticket(&app, RESIDENT, &format!("Phản ánh số {n}"), false).await;
    }
    let question = app.private_update(RESIDENT, text_from(RESIDENT, "/forgetme"), 1).await.pop().unwrap();
    let erased = edited_after_tap(&app, &question, RESIDENT, "fg:yes").await;
    assert!(erased.text.contains("(5 phản ánh)"), "{}", erased.text);
    let sixth = app.private(RESIDENT, "/phananh").await;
    assert!(sixth.contains("5 phản ánh trong 24 giờ qua"), "still five today: {sixth}");

    // A day later the limit lets them in again, and housekeeping forgets who opened what.
    app.clock.advance(chrono::Duration::hours(24) + chrono::Duration::minutes(1));
    assert_eq!(app.store.purge_ticket_opens(app.clock.now() - chrono::Duration::days(1)).await.unwrap(), 5);
    // Unlinked by the erasure, they see the privacy notice first, then the invitation.
    let before = app.telegram.sent_to(RESIDENT).len();
    app.telegram.push_update(text_from(RESIDENT, "/phananh"));
    app.eventually("the report opens a day later", || async {
        app.telegram.sent_to(RESIDENT)[before..].iter().any(|sent| sent.text.contains("Phản ánh với phường"))
    })
    .await;
}

#[tokio::test]
async fn an_answer_to_a_resident_who_blocked_the_bot_is_recorded_as_undeliverable() {
    let app = TestApp::spawn().await;
    let ticket = ticket_number(&file_ticket(&app, RESIDENT, "Chó thả rông trong ngõ", true).await);
    app.telegram.wait_for_sent(ADMIN_ID, 1).await;
    // The status message goes first, then the answer: both are refused.
    for _ in 0..2 {
        app.telegram.script(
            RESIDENT,
            Reply::Error { code: 403, description: "Forbidden: bot was blocked by the user".into() },
        );
    }
    let told = app.official_says(ADMIN_ID, &format!("/traloi {ticket} Tổ dân phố sẽ nhắc nhở."), 1).await;
    assert!(told[0].text.contains("Không chuyển được"), "{}", told[0].text);
    let (state, error): (String, Option<String>) =
        sqlx::query_as("SELECT state, error FROM ticket_replies").fetch_one(app.store.pool()).await.unwrap();
    assert_eq!(state, "undeliverable");
    assert!(error.unwrap().contains("blocked"));
    // Loa goes on: the next answer is relayed.
    let next = app.official_says(ADMIN_ID, &format!("/traloi {ticket} Đã nhắc nhở."), 1).await;
    assert!(next[0].text.contains("Đã chuyển"), "{}", next[0].text);
}

#[tokio::test]
async fn a_desk_group_that_removed_the_bot_is_logged_and_the_admins_get_the_ticket() {
    let app = TestApp::spawn_with(Options { desk_chat: Some(DESK), ..Options::default() }).await;
    app.telegram.script(
        DESK,
        Reply::Error { code: 403, description: "Forbidden: bot was kicked from the supergroup chat".into() },
    );
    let ticket = ticket_number(&file_ticket(&app, RESIDENT, "Nắp cống bị vỡ", true).await);
    let card = app.telegram.wait_for_sent(ADMIN_ID, 1).await.pop().unwrap();
    assert!(card.text.contains(&format!("Phản ánh #{ticket}")), "{}", card.text);
    app.eventually("the admin's copy answers the ticket", || async {
        count(&app, "SELECT count(*) FROM desk_messages WHERE chat_id = 42").await == 1
    })
    .await;
    assert!(app.telegram.sent_to(DESK).is_empty());
}

#[tokio::test]
async fn personal_data_is_erased_on_request_after_a_confirmation_and_after_retention() {
    let app = TestApp::spawn().await;
    let so_far =
        report_until_continue(&app, RESIDENT, "Rác ở bãi đất trống", vec![updates::photo("evidence")]).await;
    let category = edited_after_tap(&app, &so_far, RESIDENT, "rp:next").await;
    let consent = edited_after_tap(&app, &category, RESIDENT, "rp:c:hygiene").await;
    let first = ticket_number(&edited_after_tap(&app, &consent, RESIDENT, "rp:y").await.text);
    let (_, resident, name, media) = ticket_row(&app, first).await;
    assert_eq!((resident, name.as_deref()), (Some(RESIDENT), Some("User 7001")));
    assert!(media.unwrap().contains("evidence"), "the photo is kept with consent");

    let question = app.private_update(RESIDENT, text_from(RESIDENT, "/xoadulieu"), 1).await.pop().unwrap();
    let kept = edited_after_tap(&app, &question, RESIDENT, "fg:no").await;
    assert_eq!(kept.text, "Không xoá gì.");
    assert_eq!(ticket_row(&app, first).await.1, Some(RESIDENT), "nothing erased without confirmation");
    let question = app.private_update(RESIDENT, text_from(RESIDENT, "/forgetme"), 1).await.pop().unwrap();
    let erased = edited_after_tap(&app, &question, RESIDENT, "fg:yes").await;
    assert!(erased.text.contains("(1 phản ánh)"), "{}", erased.text);
    let (status, resident, name, media) = ticket_row(&app, first).await;
    assert_eq!((status.as_str(), resident, name, media), ("open", None, None, None));
    let body: String =
        sqlx::query_scalar("SELECT body FROM tickets").fetch_one(app.store.pool()).await.unwrap();
    assert_eq!(body, "Rác ở bãi đất trống", "kept as anonymous statistics");

    // Retention: a year and a day later the next ticket's personal data goes too.
    let second = ticket_number(&file_ticket(&app, RESIDENT, "Cây đổ chắn lối đi", true).await);
    app.clock.advance(chrono::Duration::days(364));
    assert_eq!(app.scheduler().erase_old_ticket_data().await.unwrap(), 0);
    app.clock.advance(chrono::Duration::days(2));
    assert_eq!(app.scheduler().erase_old_ticket_data().await.unwrap(), 1);
    assert_eq!(ticket_row(&app, second).await.1, None);
    let audit: Vec<(i64, String)> = sqlx::query_as(
        "SELECT user_id, action FROM audit_log WHERE action IN ('ticket_forget', 'ticket_erase')",
    )
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    assert_eq!(audit, [(0, "ticket_forget".into()), (0, "ticket_erase".into())], "the audit names no one");
}

#[tokio::test]
async fn erased_personal_data_goes_from_the_desks_copies_too() {
    let app = TestApp::spawn_with(Options { desk_chat: Some(DESK), ..Options::default() }).await;
    // A photo with consent: the desk's copy shows it, and who sent it; then a text-only one.
    let so_far =
        report_until_continue(&app, RESIDENT, "Rác ở bãi đất trống", vec![updates::photo("evidence")]).await;
    let category = edited_after_tap(&app, &so_far, RESIDENT, "rp:next").await;
    let consent = edited_after_tap(&app, &category, RESIDENT, "rp:c:hygiene").await;
    let first = ticket_number(&edited_after_tap(&app, &consent, RESIDENT, "rp:y").await.text);
    let photo_card = app.telegram.wait_for_sent(DESK, 1).await.pop().unwrap();
    let second = ticket_number(&file_ticket(&app, RESIDENT, "Cây đổ chắn lối đi", true).await);
    let text_card = app.telegram.wait_for_sent(DESK, 2).await.pop().unwrap();
    for card in [&photo_card, &text_card] {
        assert!(card.text.contains("User 7001"), "{}", card.text);
    }
    app.eventually("both copies recorded", || async {
        count(&app, "SELECT count(*) FROM desk_messages").await == 2
    })
    .await;

    let question = app.private_update(RESIDENT, text_from(RESIDENT, "/xoadulieu"), 1).await.pop().unwrap();
    edited_after_tap(&app, &question, RESIDENT, "fg:yes").await;

    // The text copy is edited into the anonymous card; the photo's is deleted and replaced.
    let calls = app
        .telegram
        .wait_for("the text copy edited", |calls| {
            calls.iter().any(|call| {
                call.method == "editMessageText" && call.body["message_id"] == text_card.message_id
            })
        })
        .await;
    let edit = calls.iter().rfind(|call| call.method == "editMessageText").unwrap();
    let edited = edit.body["text"].as_str().unwrap();
    assert!(edited.contains(&format!("#{second}")) && edited.contains("người dân #"), "{edited}");
    assert!(!edited.contains("User 7001") && !edited.contains("lan_sd"), "{edited}");
    app.eventually("the photo's copy deleted", || async {
        app.telegram.deleted_in(DESK).contains(&photo_card.message_id)
    })
    .await;
    let replaced = app.telegram.wait_for_sent(DESK, 3).await.pop().unwrap();
    assert!(replaced.file_id.is_none(), "no photo in its place");
    assert!(
        replaced.text.contains(&format!("#{first}")) && !replaced.text.contains("User 7001"),
        "{}",
        replaced.text
    );
    app.eventually("every copy at the desk is anonymous, and answers its ticket", || async {
        count(&app, "SELECT count(*) FROM desk_messages WHERE card = 'anonymous'").await == 2
            && count(&app, "SELECT count(*) FROM desk_messages").await == 2
    })
    .await;
}

#[tokio::test]
async fn the_desks_copies_are_made_anonymous_after_retention_too() {
    let app = TestApp::spawn_with(Options { desk_chat: Some(DESK), ..Options::default() }).await;
    file_ticket(&app, RESIDENT, "Cây đổ chắn lối đi", true).await;
    let card = app.telegram.wait_for_sent(DESK, 1).await.pop().unwrap();
    assert!(card.text.contains("User 7001"), "{}", card.text);
    app.eventually("the copy recorded", || async {
        count(&app, "SELECT count(*) FROM desk_messages").await == 1
    })
    .await;

    app.clock.advance(chrono::Duration::days(366));
    assert_eq!(app.scheduler().erase_old_ticket_data().await.unwrap(), 1);
    let calls = app
        .telegram
        .wait_for("the copy edited", |calls| {
            calls
                .iter()
                .any(|call| call.method == "editMessageText" && call.body["message_id"] == card.message_id)
        })
        .await;
    let edit = calls.iter().rfind(|call| call.body["message_id"] == card.message_id).unwrap();
    assert!(!edit.body["text"].as_str().unwrap().contains("User 7001"), "{}", edit.body);
    // The reminder the year's wait brought is anonymous as well, one way or the other.
    app.eventually("every copy at the desk is anonymous", || async {
        count(&app, "SELECT count(*) FROM desk_messages WHERE card != 'anonymous'").await == 0
    })
    .await;
}
