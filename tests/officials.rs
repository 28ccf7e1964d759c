//! Only officials post, only in private; admins manage officials; every action is audited.

mod support;

use support::{
    test_app::{ADMIN_ID, TestApp},
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
