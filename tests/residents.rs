//! Resident commands in private chats and groups: greeting, help, topics, subscriptions.

mod support;

use support::{
    fake_telegram::BOT_USERNAME,
    test_app::{ADMIN_ID, TestApp},
    updates,
};

const RESIDENT: i64 = 7001;
const GROUP: i64 = -5005;
const GROUP_ADMIN: i64 = 7101;

#[tokio::test]
async fn start_explains_the_bot_in_vietnamese_and_how_to_subscribe() {
    let app = TestApp::spawn().await;

    let private = app.private(RESIDENT, "/start").await;
    assert!(private.contains("Xin chào! Tôi là Loa"), "{private}");
    assert!(private.contains("/subscribe"), "{private}");

    let group = app.group(GROUP, RESIDENT, "/start").await;
    assert!(group.contains("Quản trị viên của nhóm"), "a group is told an admin subscribes it: {group}");
    app.stop().await;
}

#[tokio::test]
async fn help_lists_resident_commands_and_admin_commands_only_to_admins_in_private() {
    let app = TestApp::spawn().await;

    let resident = app.private(RESIDENT, "/help").await;
    for command in
        ["/start", "/topics", "/subscribe", "/unsubscribe", "/area", "/lang", "/upcoming", "/latest"]
    {
        assert!(resident.contains(command), "{command} missing from {resident}");
    }
    assert!(!resident.contains("/officials"), "{resident}");

    let admin = app.private(ADMIN_ID, "/help").await;
    assert!(admin.contains("/officials"), "{admin}");

    let admin_in_group = app.group(GROUP, ADMIN_ID, "/help").await;
    assert!(!admin_in_group.contains("/officials"), "official commands are not shown in groups");
    app.stop().await;
}

#[tokio::test]
async fn subscribe_without_topics_subscribes_to_all_and_topics_marks_them() {
    let app = TestApp::spawn().await;

    let reply = app.private(RESIDENT, "/subscribe").await;
    assert!(reply.contains("Thu gom rác") && reply.contains("Thông báo chung"), "{reply}");
    assert_eq!(
        app.store.subscriptions(RESIDENT).await.unwrap(),
        ["waste", "health", "civic", "security", "meeting", "general"]
    );

    let reply = app.private(RESIDENT, "/unsubscribe health civic").await;
    assert!(!reply.contains("Phòng chống dịch bệnh"), "{reply}");
    assert_eq!(app.store.subscriptions(RESIDENT).await.unwrap(), ["waste", "security", "meeting", "general"]);

    let topics = app.private(RESIDENT, "/chude").await;
    assert!(topics.contains("✅ rac (waste)"), "{topics}");
    assert!(topics.contains("▫️ y-te (health)"), "{topics}");

    app.private(RESIDENT, "/huydangky").await;
    assert!(app.store.subscriptions(RESIDENT).await.unwrap().is_empty());
    app.stop().await;
}

#[tokio::test]
async fn subscribe_to_named_topics_with_the_vietnamese_alias() {
    let app = TestApp::spawn().await;

    let reply = app.private(RESIDENT, "/dangky waste, HEALTH").await;
    assert!(reply.contains("✅ rac (waste) — Thu gom rác, vệ sinh môi trường"), "{reply}");
    assert_eq!(app.store.subscriptions(RESIDENT).await.unwrap(), ["waste", "health"]);
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_topic_is_named_with_the_valid_choices_and_nothing_changes() {
    let app = TestApp::spawn().await;
    app.private(RESIDENT, "/subscribe waste").await;

    let reply = app.private(RESIDENT, "/subscribe health thoi-tiet").await;
    assert!(reply.contains("Không có chủ đề: thoi-tiet"), "{reply}");
    assert!(
        reply.contains(
            "rac (waste), y-te (health), van-minh (civic), an-ninh (security), hop (meeting), chung (general)"
        ),
        "the Vietnamese words first: {reply}"
    );
    assert_eq!(app.store.subscriptions(RESIDENT).await.unwrap(), ["waste"], "health was not added either");
    app.stop().await;
}

#[tokio::test]
async fn commands_addressed_to_this_bot_work_and_to_another_bot_are_ignored() {
    let app = TestApp::spawn().await;
    app.telegram.set_member_status(GROUP, GROUP_ADMIN, "administrator");

    let ours = format!("/subscribe@{BOT_USERNAME} waste");
    app.group(GROUP, GROUP_ADMIN, &ours).await;
    assert_eq!(app.store.subscriptions(GROUP).await.unwrap(), ["waste"]);

    let before = app.telegram.sent_to(GROUP).len();
    app.telegram.push_update(updates::text_in_group(
        GROUP,
        "Tổ 5",
        GROUP_ADMIN,
        "/subscribe@other_bot health",
    ));
    app.telegram.push_update(updates::text_in_group(GROUP, "Tổ 5", GROUP_ADMIN, "/weather"));
    app.settle(GROUP).await;
    assert_eq!(app.telegram.sent_to(GROUP).len(), before + 1, "only the settle probe was answered");
    assert_eq!(app.store.subscriptions(GROUP).await.unwrap(), ["waste"]);
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_command_in_private_points_to_help() {
    let app = TestApp::spawn().await;
    let reply = app.private(RESIDENT, "/weather").await;
    assert!(reply.contains("/help"), "{reply}");
    let reply = app.group(GROUP, RESIDENT, &format!("/weather@{BOT_USERNAME}")).await;
    assert!(reply.contains("/help"), "a command naming this bot in a group is answered: {reply}");
    app.stop().await;
}

#[tokio::test]
async fn the_command_menu_is_registered_in_vietnamese_and_english() {
    let app = TestApp::spawn().await;
    let calls = app.telegram.calls_to("setMyCommands");
    let menu_in = |lang: Option<&str>| {
        calls
            .iter()
            .find(|c| c.body.get("language_code").and_then(|l| l.as_str()) == lang)
            .unwrap_or_else(|| panic!("no menu for {lang:?}"))
            .body["commands"]
            .to_string()
    };
    assert!(menu_in(None).contains("Đăng ký chủ đề"), "the default menu is Vietnamese");
    assert!(menu_in(Some("vi")).contains("Đăng ký chủ đề"));
    assert!(menu_in(Some("en")).contains("Subscribe to topics"));
    for lang in [None, Some("vi"), Some("en")] {
        let menu = menu_in(lang);
        assert!(menu.contains("\"upcoming\"") && menu.contains("\"latest\""), "{lang:?}: {menu}");
    }
    app.stop().await;
}
