//! The bot's own membership: added, removed, the group upgraded to a supergroup; officials.

mod support;

use support::{
    test_app::{ADMIN_ID, TestApp},
    updates,
};

const GROUP: i64 = -5005;
const SUPERGROUP: i64 = -1_005_005;
const ADDER: i64 = 7100;

#[tokio::test]
async fn added_to_a_group_the_bot_records_it_and_greets_once() {
    let app = TestApp::spawn().await;

    let greeting = app.reply_to(GROUP, updates::my_chat_member(GROUP, "Tổ 5", ADDER, "left", "member")).await;
    assert!(greeting.text.contains("/subscribe"), "{}", greeting.text);
    assert!(app.store.chat_settings(GROUP).await.unwrap().unwrap().active);

    // Promoted to admin: still in the group, no second greeting.
    app.telegram.push_update(updates::my_chat_member(GROUP, "Tổ 5", ADDER, "member", "administrator"));
    app.settle(GROUP).await;
    let greetings = app.telegram.sent_to(GROUP).iter().filter(|m| m.text.contains("Xin chào")).count();
    assert_eq!(greetings, 1);
    app.stop().await;
}

#[tokio::test]
async fn removed_from_a_group_the_chat_is_inactive_and_keeps_its_settings() {
    let app = TestApp::spawn().await;
    app.telegram.set_member_status(GROUP, ADDER, "creator");
    app.group(GROUP, ADDER, "/subscribe waste").await;
    app.group(GROUP, ADDER, "/area 5").await;

    app.telegram.push_update(updates::my_chat_member(GROUP, "Tổ 5", ADDER, "member", "kicked"));
    let inactive = async {
        loop {
            if !app.store.chat_settings(GROUP).await.unwrap().unwrap().active {
                break;
            }
            tokio::task::yield_now().await;
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), inactive)
        .await
        .expect("the chat becomes inactive");

    let settings = app.store.chat_settings(GROUP).await.unwrap().unwrap();
    assert_eq!(settings.area.map(|a| a.to_string()).as_deref(), Some("5"));
    assert_eq!(app.store.subscriptions(GROUP).await.unwrap(), ["waste"]);

    // Added back: active again, greeted again, settings intact.
    app.reply_to(GROUP, updates::my_chat_member(GROUP, "Tổ 5", ADDER, "left", "member")).await;
    assert!(app.store.chat_settings(GROUP).await.unwrap().unwrap().active);
    assert_eq!(app.store.subscriptions(GROUP).await.unwrap(), ["waste"]);
    app.stop().await;
}

#[tokio::test]
async fn a_group_upgraded_to_a_supergroup_keeps_its_settings_under_the_new_id() {
    let app = TestApp::spawn().await;
    app.telegram.set_member_status(GROUP, ADDER, "creator");
    app.group(GROUP, ADDER, "/subscribe waste health").await;
    app.group(GROUP, ADDER, "/area 5").await;

    // Telegram tells both chats; handling both must be harmless.
    app.telegram.push_update(updates::migrated_to(GROUP, "Tổ 5", SUPERGROUP));
    app.telegram.push_update(updates::migrated_from(SUPERGROUP, "Tổ 5", GROUP));
    app.settle(SUPERGROUP).await;
    app.settle(GROUP).await;

    assert_eq!(app.store.subscriptions(SUPERGROUP).await.unwrap(), ["waste", "health"]);
    let new = app.store.chat_settings(SUPERGROUP).await.unwrap().unwrap();
    assert!(new.active);
    assert_eq!(new.area.map(|a| a.to_string()).as_deref(), Some("5"));
    assert!(app.store.subscriptions(GROUP).await.unwrap().is_empty());
    assert!(!app.store.chat_settings(GROUP).await.unwrap().unwrap().active, "the old id stays inactive");
    app.stop().await;
}

#[tokio::test]
async fn officials_from_loa_admins_exist_at_start_up_and_only_admins_list_them() {
    let app = TestApp::spawn().await;

    let list = app.private(ADMIN_ID, "/officials").await;
    assert!(list.contains(&format!("{ADMIN_ID} — quản trị")), "{list}");

    let refused = app.private(7001, "/officials").await;
    assert!(refused.contains("chỉ dành cho cán bộ"), "{refused}");

    let in_group = app.group(GROUP, ADMIN_ID, "/officials").await;
    assert!(in_group.contains("trong chat riêng"), "{in_group}");
    app.stop().await;
}
