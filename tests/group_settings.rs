//! Who may change a group's settings, and the settings themselves: area and language.

mod support;

use loa::domain::{AreaCode, Lang};
use support::{
    test_app::{ADMIN_ID, TestApp},
    updates,
};

const GROUP: i64 = -5005;
const OWNER: i64 = 7100;
const GROUP_ADMIN: i64 = 7101;
const MEMBER: i64 = 7102;

async fn app_with_group_roles() -> TestApp {
    let app = TestApp::spawn().await;
    app.telegram.set_member_status(GROUP, OWNER, "creator");
    app.telegram.set_member_status(GROUP, GROUP_ADMIN, "administrator");
    app.telegram.set_member_status(GROUP, MEMBER, "member");
    app
}

async fn area_of(app: &TestApp, chat: i64) -> Option<String> {
    app.store.chat_settings(chat).await.unwrap().and_then(|s| s.area).map(|a| a.to_string())
}

#[tokio::test]
async fn a_group_admin_subscribes_the_group_and_binds_it_to_area_5_in_vietnamese() {
    let app = app_with_group_roles().await;

    let reply = app.group(GROUP, GROUP_ADMIN, "/subscribe waste").await;
    assert!(reply.contains("Chat này đang nhận các chủ đề"), "{reply}");
    let reply = app.group(GROUP, GROUP_ADMIN, "/area 5").await;
    assert_eq!(reply, "Đã gắn chat này với tổ dân phố 5.");

    assert_eq!(app.store.subscriptions(GROUP).await.unwrap(), ["waste"]);
    assert_eq!(area_of(&app, GROUP).await.as_deref(), Some("5"));
    let asked = app.telegram.calls_to("getChatMember");
    assert!(asked.iter().all(|c| c.body["user_id"] == GROUP_ADMIN), "the sender's membership was checked");
    app.stop().await;
}

#[tokio::test]
async fn a_member_who_is_not_an_admin_is_refused_and_nothing_changes() {
    let app = app_with_group_roles().await;
    app.group(GROUP, OWNER, "/subscribe waste").await;
    app.group(GROUP, OWNER, "/area 5").await;

    for command in ["/subscribe health", "/unsubscribe", "/area 7", "/area none", "/lang en"] {
        let reply = app.group(GROUP, MEMBER, command).await;
        assert!(reply.contains("chỉ quản trị viên của nhóm"), "{command}: {reply}");
    }
    assert_eq!(app.store.subscriptions(GROUP).await.unwrap(), ["waste"]);
    let settings = app.store.chat_settings(GROUP).await.unwrap().unwrap();
    assert_eq!(settings.area, Some(AreaCode::parse("5").unwrap()));
    assert_eq!(settings.lang, None);

    let shown = app.group(GROUP, MEMBER, "/area").await;
    assert!(shown.contains("tổ dân phố 5"), "anyone may read the area: {shown}");
    app.stop().await;
}

#[tokio::test]
async fn an_anonymous_admin_and_a_ward_official_may_change_the_group() {
    let app = app_with_group_roles().await;

    app.reply_to(GROUP, updates::text_from_anonymous_admin(GROUP, "Tổ 5", "/subscribe meeting")).await;
    assert_eq!(app.store.subscriptions(GROUP).await.unwrap(), ["meeting"]);

    // The official is a plain member of the group on Telegram.
    app.telegram.set_member_status(GROUP, ADMIN_ID, "member");
    app.group(GROUP, ADMIN_ID, "/area TDP9").await;
    assert_eq!(area_of(&app, GROUP).await.as_deref(), Some("9"));
    app.stop().await;
}

#[tokio::test]
async fn in_a_private_chat_the_resident_decides_without_a_membership_check() {
    let app = TestApp::spawn().await;
    app.private(7200, "/area tdp-05").await;
    assert_eq!(area_of(&app, 7200).await.as_deref(), Some("5"));
    assert!(app.telegram.calls_to("getChatMember").is_empty());
    app.stop().await;
}

#[tokio::test]
async fn area_is_shown_cleared_and_bad_codes_are_explained() {
    let app = app_with_group_roles().await;

    let reply = app.group(GROUP, OWNER, "/to").await;
    assert!(reply.contains("chưa gắn"), "{reply}");
    app.group(GROUP, OWNER, "/to tdp5").await;
    assert_eq!(area_of(&app, GROUP).await.as_deref(), Some("5"), "tdp5 and TDP5 and 5 are one area");

    let reply = app.group(GROUP, OWNER, "/area tổ 5").await;
    assert!(reply.contains("không được chứa «Ổ»") && reply.contains("/area TDP5"), "{reply}");
    assert_eq!(area_of(&app, GROUP).await.as_deref(), Some("5"), "a bad code changes nothing");

    let reply = app.group(GROUP, OWNER, "/area none").await;
    assert!(reply.contains("Đã bỏ gắn"), "{reply}");
    assert_eq!(area_of(&app, GROUP).await, None);
    app.stop().await;
}

#[tokio::test]
async fn lang_switches_replies_to_english_and_back() {
    let app = app_with_group_roles().await;

    let reply = app.group(GROUP, GROUP_ADMIN, "/lang en").await;
    assert_eq!(reply, "From now on I reply in this chat in English.");
    let reply = app.group(GROUP, MEMBER, "/topics").await;
    assert!(reply.contains("rac (waste) — Waste collection and sanitation"), "{reply}");
    assert_eq!(app.store.chat_settings(GROUP).await.unwrap().unwrap().lang, Some(Lang::En));

    let reply = app.group(GROUP, GROUP_ADMIN, "/lang fr").await;
    assert!(reply.contains("There is no language «fr»"), "{reply}");
    assert_eq!(app.store.chat_settings(GROUP).await.unwrap().unwrap().lang, Some(Lang::En));

    app.group(GROUP, GROUP_ADMIN, "/lang vi").await;
    let reply = app.group(GROUP, MEMBER, "/topics").await;
    assert!(reply.contains("Thu gom rác"), "{reply}");
    app.stop().await;
}
