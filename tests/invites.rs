//! Admins invite officials by link: whoever opens it becomes an official with its role, once,
//! within 24 hours; audited; editors cannot invite.

mod support;

use support::{
    fake_telegram::BOT_USERNAME,
    test_app::{ADMIN_ID, TestApp},
    updates,
    ward::count,
};

const NEWCOMER: i64 = 5555;
const LATECOMER: i64 = 6666;
const EDITOR: i64 = 4343;

/// The code in an invitation reply: the `start` parameter of the link.
fn code_of(reply: &str) -> String {
    let prefix = format!("https://t.me/{BOT_USERNAME}?start=");
    let start = reply.find(&prefix).unwrap_or_else(|| panic!("a link in: {reply}")) + prefix.len();
    let code: String = reply[start..].chars().take_while(char::is_ascii_alphanumeric).collect();
    assert!(code.len() == 32 && code.bytes().all(|b| b.is_ascii_hexdigit()), "128 random bits: {code}");
    code
}

/// Opens the link as `user` would: Telegram sends `/start <code>` in their private chat.
async fn open_link(app: &TestApp, user: i64, code: &str) -> String {
    app.private(user, &format!("/start {code}")).await
}

async fn role_of(app: &TestApp, user: i64) -> Option<(String, Option<i64>)> {
    sqlx::query_as("SELECT role, added_by FROM officials WHERE user_id = ?1")
        .bind(user)
        .fetch_optional(app.store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn whoever_opens_an_admins_link_becomes_an_editor_once_and_it_is_audited() {
    let app = TestApp::spawn().await;
    let reply = app.private(ADMIN_ID, "/official invite").await;
    assert!(reply.contains("biên tập") && reply.contains("dùng một lần"), "{reply}");
    let code = code_of(&reply);
    assert_ne!(code_of(&app.private(ADMIN_ID, "/official invite").await), code, "every link is new");

    let welcome = open_link(&app, NEWCOMER, &code).await;
    assert!(welcome.contains("Chào mừng") && welcome.contains("biên tập"), "{welcome}");
    assert_eq!(role_of(&app, NEWCOMER).await, Some(("editor".into(), Some(ADMIN_ID))));
    let told = app.telegram.wait_for_sent(ADMIN_ID, 3).await.pop().unwrap();
    assert!(told.text.contains("id 5555") && told.text.contains("trở thành cán bộ"), "{}", told.text);
    let help = app.private(NEWCOMER, "/help").await;
    assert!(help.contains("Lệnh cán bộ"), "the newcomer is an official: {help}");
    let audit: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT user_id, action, detail FROM audit_log WHERE action LIKE 'official_%' ORDER BY id",
    )
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    assert_eq!(audit.len(), 3, "{audit:?}");
    assert_eq!((audit[0].0, audit[0].1.as_str()), (ADMIN_ID, "official_invite"));
    assert_eq!((audit[2].0, audit[2].1.as_str()), (NEWCOMER, "official_join"));
    assert!(audit[2].2.contains("as editor by invite 1 from 42"), "{}", audit[2].2);
    assert!(audit.iter().all(|(_, _, detail)| !detail.contains(&code)), "the code is a secret");

    let second = open_link(&app, LATECOMER, &code).await;
    assert!(second.contains("đã được dùng") && second.contains("Không có gì thay đổi"), "{second}");
    assert_eq!(role_of(&app, LATECOMER).await, None);
    let again = open_link(&app, NEWCOMER, &code).await;
    assert!(again.contains("đã là cán bộ"), "{again}");
    assert_eq!(count(&app, "SELECT count(*) FROM officials").await, 2);
    app.stop().await;
}

#[tokio::test]
async fn an_admin_link_makes_an_admin_and_two_people_tapping_at_once_make_one_official() {
    let app = TestApp::spawn().await;
    let code = code_of(&app.private(ADMIN_ID, "/official invite admin").await);
    // Two private chats are handled side by side: only the transaction keeps the link single-use.
    app.telegram.push_update(updates::text_in_private(NEWCOMER, "An", None, &format!("/start {code}")));
    app.telegram.push_update(updates::text_in_private(LATECOMER, "Bình", None, &format!("/start {code}")));
    let first = app.telegram.wait_for_sent(NEWCOMER, 1).await.remove(0).text;
    let second = app.telegram.wait_for_sent(LATECOMER, 1).await.remove(0).text;
    let welcomed = [&first, &second].into_iter().filter(|reply| reply.contains("Chào mừng")).count();
    let refused = [&first, &second].into_iter().filter(|reply| reply.contains("đã được dùng")).count();
    assert_eq!((welcomed, refused), (1, 1), "{first} / {second}");
    assert_eq!(count(&app, "SELECT count(*) FROM officials WHERE role = 'admin'").await, 2);
    assert!(first.contains("quản trị") || second.contains("quản trị"), "{first} / {second}");
    app.stop().await;
}

#[tokio::test]
async fn editors_cannot_invite_and_a_bad_role_an_expired_or_unknown_code_change_nothing() {
    let app = TestApp::spawn().await;
    app.private(ADMIN_ID, &format!("/official add {EDITOR}")).await;
    let refused = app.private(EDITOR, "/official invite").await;
    assert!(refused.contains("chỉ dành cho cán bộ quản trị"), "{refused}");
    let usage = app.private(ADMIN_ID, "/official invite owner").await;
    assert!(usage.contains("/official invite [editor|admin]"), "{usage}");
    assert_eq!(count(&app, "SELECT count(*) FROM invites").await, 0);

    let code = code_of(&app.private(ADMIN_ID, "/official invite").await);
    app.clock.advance(chrono::Duration::hours(24) + chrono::Duration::minutes(1));
    let expired = open_link(&app, NEWCOMER, &code).await;
    assert!(expired.contains("hết hạn") && expired.contains("/official invite"), "{expired}");
    let unknown = open_link(&app, NEWCOMER, "0123456789abcdef0123456789abcdef").await;
    assert!(unknown.contains("Không có link mời nào như vậy"), "{unknown}");
    assert_eq!(role_of(&app, NEWCOMER).await, None);
    assert_eq!(count(&app, "SELECT count(*) FROM invites WHERE used_at IS NOT NULL").await, 0);
    assert_eq!(count(&app, "SELECT count(*) FROM audit_log WHERE action = 'official_join'").await, 0);

    let greeting = app.private(NEWCOMER, "/start").await;
    assert!(greeting.contains("Xin chào"), "a plain /start still greets: {greeting}");
    app.stop().await;
}
