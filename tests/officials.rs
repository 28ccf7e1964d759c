//! Only officials post, only in private; admins manage officials; every action is audited.

mod support;

use support::{
    fake_telegram::Reply,
    test_app::{ADMIN_ID, TestApp},
    updates,
    ward::count,
};

const EDITOR: i64 = 4343;
const RESIDENT: i64 = 7001;
const GROUP: i64 = -801;

#[tokio::test]
async fn a_resident_cannot_use_official_commands_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    app.seed_chat(GROUP, "Tổ 1", Some("1"), &["waste"]).await;
    for command in [
        "/post waste Tin giả",
        "/confirm",
        "/broadcasts",
        "/report 1",
        "/official add 7001 admin",
        "/recall 1",
    ] {
        let reply = app.private(RESIDENT, command).await;
        assert!(reply.contains("chỉ dành cho cán bộ phường"), "{command}: {reply}");
    }
    assert_eq!(count(&app, "SELECT count(*) FROM drafts").await, 0);
    assert_eq!(count(&app, "SELECT count(*) FROM officials").await, 1);
    app.stop().await;
}

#[tokio::test]
async fn an_official_in_a_group_is_told_to_use_a_private_chat() {
    let app = TestApp::spawn().await;
    app.seed_chat(GROUP, "Tổ 1", Some("1"), &["waste"]).await;
    let reply = app.group(GROUP, ADMIN_ID, "/post waste Thông báo").await;
    assert!(reply.contains("trong chat riêng với bot"), "{reply}");
    assert_eq!(count(&app, "SELECT count(*) FROM drafts").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn admins_add_and_remove_officials_editors_post_but_do_not_manage() {
    let app = TestApp::spawn().await;
    app.seed_chat(GROUP, "Tổ 1", Some("1"), &["waste"]).await;

    let added = app.private(ADMIN_ID, &format!("/official add {EDITOR}")).await;
    assert!(added.contains("biên tập"), "editor by default: {added}");
    let preview = app.official_says(EDITOR, "/post waste Lịch thu gom", 2).await;
    assert!(preview[1].text.contains("Sẽ gửi tới: 1"), "an editor posts");
    let refused = app.private(EDITOR, "/official add 5 admin").await;
    assert!(refused.contains("quản trị"), "{refused}");
    let help = app.private(EDITOR, "/help").await;
    assert!(help.contains("/post") && !help.contains("/official add"), "{help}");

    let last = app.private(ADMIN_ID, &format!("/official remove {ADMIN_ID}")).await;
    assert!(last.contains("quản trị viên cuối cùng"), "{last}");
    let usage = app.private(ADMIN_ID, "/official promote 5").await;
    assert!(usage.contains("/official add <user_id>"), "{usage}");
    let removed = app.private(ADMIN_ID, &format!("/official remove {EDITOR}")).await;
    assert!(removed.contains("Đã bỏ quyền"), "{removed}");
    let refused = app.private(EDITOR, "/post waste Lịch").await;
    assert!(refused.contains("chỉ dành cho cán bộ phường"), "{refused}");

    let audit: Vec<(i64, String)> = sqlx::query_as("SELECT user_id, action FROM audit_log ORDER BY id")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    assert_eq!(
        audit,
        [
            (ADMIN_ID, "official_add".to_owned()),
            (EDITOR, "post".to_owned()),
            (ADMIN_ID, "official_remove".to_owned())
        ]
    );
    app.stop().await;
}

#[tokio::test]
async fn the_last_admin_cannot_demote_themselves_either() {
    let app = TestApp::spawn().await;
    let refused = app.private(ADMIN_ID, &format!("/official add {ADMIN_ID} editor")).await;
    assert!(refused.contains("quản trị viên cuối cùng"), "{refused}");
    let role: String = sqlx::query_scalar("SELECT role FROM officials WHERE user_id = ?1")
        .bind(ADMIN_ID)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(role, "admin");

    app.private(ADMIN_ID, &format!("/official add {EDITOR} admin")).await;
    let demoted = app.private(ADMIN_ID, &format!("/official add {ADMIN_ID} editor")).await;
    assert!(demoted.contains("biên tập"), "with another admin it is allowed: {demoted}");
    app.stop().await;
}

#[tokio::test]
async fn only_the_author_of_a_draft_can_send_it_with_its_buttons() {
    let app = TestApp::spawn().await;
    app.seed_chat(GROUP, "Tổ 1", Some("1"), &["waste"]).await;
    app.private(ADMIN_ID, &format!("/official add {EDITOR}")).await;
    let preview = app.official_says(ADMIN_ID, "/post waste Lịch thu gom rác", 2).await;

    let resident = app.reply_to(RESIDENT, updates::tap_button(&preview[1], RESIDENT, "confirm:")).await;
    assert!(resident.text.contains("chỉ dành cho cán bộ phường"), "{}", resident.text);
    let other = app.reply_to(EDITOR, updates::tap_button(&preview[1], EDITOR, "confirm:")).await;
    assert!(other.text.contains("Không có bản nháp"), "{}", other.text);
    let other = app.reply_to(EDITOR, updates::tap_button(&preview[1], EDITOR, "cancel:")).await;
    assert!(other.text.contains("Không có bản nháp"), "{}", other.text);
    assert_eq!(count(&app, "SELECT count(*) FROM broadcasts").await, 0);
    assert_eq!(count(&app, "SELECT count(*) FROM drafts").await, 1, "the author's draft stands");
    assert!(app.telegram.calls_to("editMessageReplyMarkup").is_empty(), "the author's buttons stay");

    let sent = app.reply_to(ADMIN_ID, updates::tap_button(&preview[1], ADMIN_ID, "confirm:")).await;
    assert!(sent.text.contains("Đã xác nhận"), "{}", sent.text);
    assert_eq!(count(&app, "SELECT count(*) FROM broadcasts").await, 1);
    app.stop().await;
}

#[tokio::test]
async fn a_tap_whose_query_expired_while_loa_was_down_still_confirms() {
    let mut app = TestApp::spawn().await;
    app.seed_chat(GROUP, "Tổ 1", Some("1"), &["waste"]).await;
    let preview = app.official_says(ADMIN_ID, "/post waste Lịch thu gom rác", 2).await;
    app.stop_for_a_while().await;
    app.telegram.script_method(
        "answerCallbackQuery",
        0,
        Reply::Error {
            code: 400,
            description: "Bad Request: query is too old and response timeout expired or query ID is invalid"
                .into(),
        },
    );
    app.telegram.push_update(updates::tap_button(&preview[1], ADMIN_ID, "confirm:"));
    app.start().await;
    let sent = app.telegram.wait_for_sent(ADMIN_ID, 3).await;
    assert!(sent[2].text.contains("Đã xác nhận"), "{}", sent[2].text);
    assert_eq!(app.telegram.calls_to("answerCallbackQuery").len(), 1, "the answer was tried");
    assert_eq!(count(&app, "SELECT count(*) FROM broadcasts").await, 1);
    app.stop().await;
}
