//! Every reply arrives: paced under Telegram's limits with the deliveries, a 429 waited out,
//! ahead of a running broadcast, within a chat's budget, and long answers in pages.

mod support;

use chrono::{Duration, Utc};
use loa::{
    domain::{Content, PostRequest, TopicCatalog, Window},
    store::NewReminder,
};
use serde_json::Value;
use support::{
    fake_telegram::{Limits, Reply, SentMessage},
    test_app::{ADMIN_ID, Options, TestApp},
    updates,
    ward::{announcements, count, outbox_drained, post_and_confirm},
};
use teloxide::types::UserId;

const GROUP: i64 = -1201;

#[tokio::test]
async fn a_429_on_a_preview_is_waited_out_and_the_preview_arrives_with_its_buttons() {
    let app = TestApp::spawn().await;
    app.seed_chat(GROUP, "Tổ 12", Some("12"), &["waste"]).await;
    app.telegram.script(ADMIN_ID, Reply::RetryAfter(1));
    let preview = app.official_says(ADMIN_ID, "/post waste Nhắc đổ rác đúng giờ", 2).await;
    assert!(preview[0].text.contains("Nhắc đổ rác"), "{}", preview[0].text);
    assert!(preview[1].reply_markup.is_some(), "the Send button came with it");
    let to_admin =
        app.telegram.calls_to("sendMessage").iter().filter(|c| c.body["chat_id"] == ADMIN_ID).count();
    assert_eq!(to_admin, 3, "the refused one, then both messages of the preview");
    app.stop().await;
}

#[tokio::test]
async fn confirming_does_not_depend_on_its_reply_getting_through() {
    let app = TestApp::spawn().await;
    app.seed_chat(GROUP, "Tổ 12", Some("12"), &["waste"]).await;
    app.official_says(ADMIN_ID, "/post waste Nhắc đổ rác đúng giờ", 2).await;
    app.telegram.script(ADMIN_ID, Reply::RetryAfter(1));
    app.telegram.push_update(updates::text_in_private(ADMIN_ID, "Cán bộ", None, "/confirm"));
    app.telegram.wait_for_sent(GROUP, 1).await;
    assert_eq!(count(&app, "SELECT count(*) FROM broadcasts").await, 1, "committed before the reply");
    let sent = app.telegram.wait_for_sent(ADMIN_ID, 3).await;
    assert!(sent[2].text.contains("Đã xác nhận"), "the reply came after the wait: {}", sent[2].text);
    app.stop().await;
}

#[tokio::test]
async fn replies_during_a_broadcast_keep_telegrams_limits_and_all_arrive() {
    // Here the fake shares a thread with the bot, so it stamps arrivals a few milliseconds late
    // now and then; 29/s leaves room for that. The broadcast benchmark, with the fake in its own
    // process, measures how close to 30/s Loa really runs.
    let app = TestApp::spawn_with(Options {
        rate_global: 29,
        rate_per_group_min: 20,
        rate_per_chat_sec: 1,
        ..Options::default()
    })
    .await;
    app.telegram.enforce_limits(Limits::default());
    let groups: Vec<i64> = (1..=40).map(|n| -1300 - n).collect();
    for group in &groups {
        app.seed_chat(*group, &format!("Tổ {group}"), Some("13"), &["health"]).await;
    }
    post_and_confirm(&app, ADMIN_ID, "health Phun thuốc diệt muỗi sáng thứ Bảy").await;
    for group in &groups {
        app.telegram.push_update(updates::text_in_group(*group, "Tổ", 1, "/topics"));
    }
    for group in &groups {
        app.telegram.wait_for_sent(*group, 2).await;
    }
    outbox_drained(&app).await;
    assert_eq!(app.telegram.too_many_requests(), 0, "no request went past Telegram's limits");
    for group in &groups {
        assert_eq!(announcements(&app, *group).len(), 1);
        assert_eq!(app.telegram.sent_to(*group).len(), 2, "the announcement and the /topics reply");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_reply_goes_ahead_of_a_running_broadcast() {
    let app = TestApp::spawn_with(Options { rate_global: 10, ..Options::default() }).await;
    let groups: Vec<i64> = (1..=40).map(|n| -1400 - n).collect();
    for group in &groups {
        app.seed_chat(*group, &format!("Tổ {group}"), Some("14"), &["health"]).await;
    }
    post_and_confirm(&app, ADMIN_ID, "health Phun thuốc diệt muỗi sáng thứ Bảy").await;
    app.eventually("the broadcast is under way", || async {
        count(&app, "SELECT count(*) FROM deliveries WHERE state = 'sent'").await >= 5
    })
    .await;

    let deliveries_before = announcement_calls(&app).len();
    app.private(7001, "/help").await;
    let calls = app.telegram.calls_to("sendMessage");
    let reply_at = calls.iter().position(|c| c.body["chat_id"] == 7001).expect("the reply");
    let deliveries_until_reply = calls[..reply_at].iter().filter(|c| is_announcement(c)).count();
    assert!(
        deliveries_until_reply <= deliveries_before + 2,
        "at 10 msg/s, at most the deliveries already under way go first: {deliveries_before} before, \
         {deliveries_until_reply} by the reply"
    );
    assert!(
        count(&app, "SELECT count(*) FROM deliveries WHERE state = 'pending'").await > 0,
        "mid-broadcast"
    );
    app.stop().await;
}

fn is_announcement(call: &support::fake_telegram::Call) -> bool {
    call.body["text"].as_str().is_some_and(|text| text.contains("📢"))
}

fn announcement_calls(app: &TestApp) -> Vec<support::fake_telegram::Call> {
    app.telegram.calls_to("sendMessage").into_iter().filter(is_announcement).collect()
}

#[tokio::test]
async fn a_chat_over_its_budget_gets_its_first_replies_and_one_please_wait() {
    let mut app = TestApp::spawn_with(Options { rate_per_group_min: 20, ..Options::default() }).await;
    app.seed_chat(GROUP, "Tổ 12", Some("12"), &["waste"]).await;
    app.telegram.set_member_status(GROUP, 9, "administrator");
    for _ in 0..30 {
        app.telegram.push_update(updates::text_in_group(GROUP, "Tổ 12", 1, "/help"));
    }
    // The group's updates are handled in order: once this one changed the area, all 30 were.
    app.telegram.push_update(updates::text_in_group(GROUP, "Tổ 12", 9, "/area 9"));
    app.eventually("every command was handled", || async {
        count(&app, "SELECT count(*) FROM chats WHERE area = '9'").await == 1
    })
    .await;
    // Stopping sends whatever was queued.
    app.stop_for_a_while().await;

    let sent = app.telegram.sent_to(GROUP);
    assert_eq!(sent.len(), 20, "the group's budget of 20 messages a minute");
    let waits = sent.iter().filter(|m| m.text.contains("quá nhiều lệnh")).count();
    assert_eq!(waits, 1, "one please-wait, and 19 replies");
}

/// Builds a tap on the button labelled `label` of a message with `markup`.
fn tap(message: &SentMessage, markup: &Value, label: &str) -> Option<Value> {
    let data = markup["inline_keyboard"][0]
        .as_array()?
        .iter()
        .find(|button| button["text"] == label)?["callback_data"]
        .as_str()?
        .to_owned();
    Some(updates::callback_query(message, message.chat_id, &data))
}

/// Turns the pages of `first` with › until the last, and returns every page's text.
async fn every_page(app: &TestApp, first: &SentMessage) -> Vec<String> {
    let mut pages = vec![first.text.clone()];
    let mut markup = first.reply_markup.clone().expect("page buttons");
    while let Some(next) = tap(first, &markup, "›") {
        let edits = app.telegram.calls_to("editMessageText").len();
        app.telegram.push_update(next);
        let calls = app.telegram.wait_for("the page is turned", |calls| {
            calls.iter().filter(|c| c.method == "editMessageText").count() > edits
        });
        let edit = calls.await.into_iter().filter(|c| c.method == "editMessageText").nth(edits).unwrap();
        assert_eq!(edit.body["message_id"], first.message_id, "turned in place");
        pages.push(edit.body["text"].as_str().unwrap().to_owned());
        markup = edit.body["reply_markup"].clone();
    }
    pages
}

fn assert_pages_fit(pages: &[String]) {
    assert!(pages.len() > 1, "{} page(s)", pages.len());
    for page in pages {
        assert!(page.encode_utf16().count() <= 4096, "a page of {} units", page.encode_utf16().count());
    }
}

#[tokio::test]
async fn sixty_reminders_are_listed_in_pages_each_entry_whole_and_once() {
    let app = TestApp::spawn().await;
    let topics = TopicCatalog::new(app.store.topics().await.unwrap());
    for n in 0..60 {
        let request =
            PostRequest::parse(&format!("waste area={n} Nhắc tổ {n} mang rác ra điểm tập kết"), &topics)
                .unwrap();
        let new = NewReminder {
            when: format!("daily@{:02}:{:02}", 6 + n / 4, (n % 4) * 15),
            window: Window::default(),
            content: Content::text(request.body.clone()),
            request,
            next_fire_at: Some(Utc::now() + Duration::days(1)),
            import_key: None,
        };
        app.store.create_reminder(&new, UserId(ADMIN_ID as u64), Utc::now()).await.unwrap();
    }
    let first = app.official_says(ADMIN_ID, "/reminders", 1).await.remove(0);
    let pages = every_page(&app, &first).await;
    assert_pages_fit(&pages);
    let first_markup = first.reply_markup.as_ref().unwrap();
    assert_eq!(first_markup["inline_keyboard"][0][0]["text"], format!("1/{}", pages.len()));
    for id in 1..=60 {
        let entry = format!("#{id} · ");
        let found =
            pages.iter().map(|page| page.lines().filter(|l| l.starts_with(&entry)).count()).sum::<usize>();
        assert_eq!(found, 1, "reminder {id} is listed once");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_report_with_200_failed_groups_is_paged_without_cutting_a_line() {
    let app = TestApp::spawn().await;
    let groups: Vec<i64> = (1..=200).map(|n| -20_000 - n).collect();
    for group in &groups {
        app.seed_chat(*group, &format!("Tổ dân phố số {group} — khu tập thể"), Some("1"), &["waste"]).await;
    }
    post_and_confirm(&app, ADMIN_ID, "waste Lịch thu gom rác mới").await;
    outbox_drained(&app).await;
    sqlx::query("UPDATE deliveries SET state = 'failed', last_error = 'Forbidden: bot was kicked from the group chat'")
        .execute(app.store.pool())
        .await
        .unwrap();

    let first = app.official_says(ADMIN_ID, "/report 1", 1).await.remove(0);
    assert_eq!(first.parse_mode.as_deref(), Some("HTML"));
    let pages = every_page(&app, &first).await;
    assert_pages_fit(&pages);
    for group in &groups {
        let line = format!("({group}): Forbidden: bot was kicked from the group chat");
        let found =
            pages.iter().map(|page| page.lines().filter(|l| l.ends_with(&line)).count()).sum::<usize>();
        assert_eq!(found, 1, "group {group} is named once, on one whole line");
    }
    app.stop().await;
}
