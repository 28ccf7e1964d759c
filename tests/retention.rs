//! Deliveries are kept for LOA_KEEP_DELIVERIES days; older ones are folded into per-broadcast
//! totals, so the database stops growing while reports still give the counts.

mod support;

use chrono::Duration;
use support::{
    fake_telegram::Reply,
    test_app::{ADMIN_ID, TestApp},
    ward::{count, outbox_drained, post_and_confirm},
};

#[tokio::test]
async fn deliveries_older_than_the_keeping_time_are_folded_and_still_reported() {
    let app = TestApp::spawn().await;
    for (n, title) in [(1, "Tổ 1"), (2, "Tổ 2"), (3, "Tổ 3")] {
        app.seed_chat(-1500 - n, title, Some("15"), &["civic"]).await;
    }
    app.telegram.script(-1503, Reply::Error { code: 403, description: "Forbidden: bot was kicked".into() });
    post_and_confirm(&app, ADMIN_ID, "civic pin Thực hiện nếp sống văn minh nơi công cộng").await;
    outbox_drained(&app).await;
    let before = app.official_says(ADMIN_ID, "/report 1", 1).await.remove(0).text;

    app.clock.advance(Duration::days(300));
    post_and_confirm(&app, ADMIN_ID, "civic Họp tổ dân phố tối thứ Bảy").await;
    outbox_drained(&app).await;
    app.clock.advance(Duration::days(101));
    assert_eq!(app.scheduler().fold_old_deliveries().await.unwrap(), 1, "only the first is 400 days old");
    assert_eq!(app.scheduler().fold_old_deliveries().await.unwrap(), 0, "folding twice changes nothing");

    assert_eq!(count(&app, "SELECT count(*) FROM deliveries WHERE broadcast_id = 1").await, 0);
    assert_eq!(count(&app, "SELECT count(*) FROM deliveries WHERE broadcast_id = 2").await, 2);
    let after = app.official_says(ADMIN_ID, "/report 1", 1).await.remove(0).text;
    for line in ["Đã gửi: 2/3", "Lỗi: 1", "Đã ghim: 2"] {
        assert!(before.contains(line) && after.contains(line), "{line}:\n{before}\n---\n{after}");
    }
    assert!(after.contains("đã được gộp"), "{after}");
    assert!(!after.contains("Tổ 3"), "names are gone with the rows: {after}");
    let list = app.official_says(ADMIN_ID, "/broadcasts", 1).await.remove(0).text;
    assert!(list.contains("#1 · ") && list.contains("2/3"), "{list}");
    app.stop().await;
}
