//! The feedback desk end to end: a resident's report becomes a ticket at the desk group, the
//! officials take it on, answer and close it, and the resident hears each step signed with the
//! ward's name; anonymity, the reminder of a ticket nobody took on, restarts.

mod support;

use support::{
    desk::{
        DESK, edited_after_tap, file_ticket, reply_to_card, text_from, ticket_number, ticket_row, toast_of,
    },
    test_app::{ADMIN_ID, Options, TestApp},
    updates,
    ward::count,
};

const RESIDENT: i64 = 7001;
const BYSTANDER: i64 = 7002;

fn with_desk() -> Options {
    Options { desk_chat: Some(DESK), ward_name: "Phường Sài Đồng".into(), ..Options::default() }
}

#[tokio::test]
async fn a_report_goes_to_the_desk_is_answered_and_closed_and_the_resident_hears_each_step() {
    let mut app = TestApp::spawn_with(with_desk()).await;
    app.seed_chat(-500, "Tổ 5", Some("5"), &["waste"]).await;
    let start = app.private(RESIDENT, "/start").await;
    assert!(start.contains("Phường Sài Đồng") && start.contains("/phananh"), "{start}");

    let notice_and_start = app.private_update(RESIDENT, text_from(RESIDENT, "/gopy"), 2).await;
    assert!(notice_and_start[0].text.contains("/xoadulieu") && notice_and_start[0].text.contains("365 ngày"));
    app.private_update(RESIDENT, text_from(RESIDENT, "Rác đổ sai giờ ở đầu ngõ 12, bốc mùi cả tuần."), 1)
        .await;
    // A restart in the middle of a report keeps it.
    app.restart().await;
    app.private_update(RESIDENT, updates::media_in_private(RESIDENT, updates::photo("waste-pile")), 1).await;
    let so_far = app
        .private_update(
            RESIDENT,
            updates::media_in_private(RESIDENT, updates::location(21.0405, 105.9132)),
            1,
        )
        .await
        .pop()
        .unwrap();
    assert!(so_far.text.contains("ảnh/video") && so_far.text.contains("vị trí"), "{}", so_far.text);

    let area = edited_after_tap(&app, &so_far, RESIDENT, "rp:next").await;
    assert!(area.text.contains("tổ dân phố nào"), "{}", area.text);
    let category = edited_after_tap(&app, &area, RESIDENT, "rp:a:5").await;
    let consent = edited_after_tap(&app, &category, RESIDENT, "rp:c:waste").await;
    assert!(consent.text.contains("Cho phép phường liên hệ lại"), "{}", consent.text);
    let opened = edited_after_tap(&app, &consent, RESIDENT, "rp:y").await.text;
    assert!(opened.contains("/tickets") && opened.contains("8 giờ"), "{opened}");
    let ticket = ticket_number(&opened);

    let card = app.telegram.wait_for_sent(DESK, 1).await.pop().unwrap();
    assert_eq!(card.file_id.as_deref(), Some("waste-pile"), "the photo goes with the ticket");
    for part in [
        format!("Phản ánh #{ticket}"),
        "Rác thải".into(),
        "Tổ: 5".into(),
        "User 7001".into(),
        "21.0405".into(),
    ] {
        assert!(card.text.contains(&part), "{part} in {}", card.text);
    }
    app.eventually("the desk's copy is recorded", || async {
        count(&app, "SELECT count(*) FROM desk_messages").await == 1
    })
    .await;

    // A member of the desk group who is not an official changes nothing.
    let refused =
        toast_of(&app, updates::tap_button(&card, BYSTANDER, &format!("dk:{ticket}:acknowledged"))).await;
    assert!(refused.contains("Chỉ cán bộ"), "{refused}");
    assert_eq!(ticket_row(&app, ticket).await.0, "open");
    let before = app.telegram.sent_to(RESIDENT).len();
    let taken =
        toast_of(&app, updates::tap_button(&card, ADMIN_ID, &format!("dk:{ticket}:acknowledged"))).await;
    assert!(taken.contains("Đã tiếp nhận"), "{taken}");
    let told = app.telegram.wait_for_sent(RESIDENT, before + 1).await.pop().unwrap();
    assert_eq!(told.text, format!("📌 Phản ánh #{ticket}: Đã tiếp nhận. — Phường Sài Đồng"));
    assert_eq!(ticket_row(&app, ticket).await.0, "acknowledged");

    // Only officials' replies are relayed.
    app.telegram.push_update(reply_to_card(&card, BYSTANDER, "Nhà tôi cũng bị"));
    let answered =
        app.reply_to(DESK, reply_to_card(&card, ADMIN_ID, "Tổ vệ sinh sẽ thu gom trong sáng mai.")).await;
    assert!(answered.text.contains("Đã chuyển trả lời"), "{}", answered.text);
    let relayed = app.telegram.sent_to(RESIDENT).pop().unwrap();
    assert_eq!(
        relayed.text,
        format!(
            "💬 Trả lời phản ánh #{ticket}:\n\nTổ vệ sinh sẽ thu gom trong sáng mai.\n\n— Phường Sài Đồng"
        )
    );
    assert_eq!(count(&app, "SELECT count(*) FROM ticket_replies WHERE state = 'delivered'").await, 1);
    assert_eq!(
        count(&app, "SELECT count(*) FROM ticket_replies").await,
        1,
        "the bystander's reply is not one"
    );

    let before = app.telegram.sent_to(RESIDENT).len();
    let resolved =
        toast_of(&app, updates::tap_button(&card, ADMIN_ID, &format!("dk:{ticket}:resolved"))).await;
    assert!(resolved.contains("Đã xử lý"), "{resolved}");
    let closed = app.telegram.wait_for_sent(RESIDENT, before + 1).await.pop().unwrap();
    assert!(closed.text.contains("Đã xử lý"), "{}", closed.text);
    assert_eq!(ticket_row(&app, ticket).await.0, "resolved");
    let late = app.reply_to(DESK, reply_to_card(&card, ADMIN_ID, "Bổ sung")).await;
    assert!(late.text.contains("đã đóng"), "{}", late.text);
    let buttons = app.telegram.current_message(DESK, card.message_id).unwrap().reply_markup.unwrap();
    assert!(buttons.to_string().contains("✔️"), "the copy shows it is closed: {buttons}");

    let audited: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'ticket_%' ORDER BY id")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    assert_eq!(audited, ["ticket_open", "ticket_status", "ticket_reply", "ticket_status"]);
    let listed = app.private(RESIDENT, "/phieu").await;
    assert!(listed.contains(&format!("#{ticket}")) && listed.contains("Đã xử lý"), "{listed}");
}

#[tokio::test]
async fn without_consent_the_desk_sees_no_name_and_admins_get_it_privately_without_a_desk_group() {
    let app = TestApp::spawn().await;
    let opened = file_ticket(&app, RESIDENT, "Đèn đường hỏng trước số 8", false).await;
    let ticket = ticket_number(&opened);
    let card = app.telegram.wait_for_sent(ADMIN_ID, 1).await.pop().unwrap();
    assert!(card.text.contains(&format!("Người gửi: người dân #{ticket}")), "{}", card.text);
    assert!(!card.text.contains("7001") && !card.text.contains("User"), "{}", card.text);
    assert_eq!(ticket_row(&app, ticket).await.2, None, "no name is kept without consent");

    // The admin answers by /traloi in private as well as by replying.
    let answer = app.official_says(ADMIN_ID, &format!("/traloi {ticket} Đã báo điện lực."), 1).await;
    assert!(answer[0].text.contains("Đã chuyển"), "{}", answer[0].text);
    let relayed = app.telegram.sent_to(RESIDENT).pop().unwrap();
    assert!(
        relayed.text.contains("Đã báo điện lực.") && relayed.text.ends_with("— Phường"),
        "{}",
        relayed.text
    );
    let open = app.official_says(ADMIN_ID, "/tickets", 1).await;
    assert!(open[0].text.contains(&format!("#{ticket} · 0 phút")) && open[0].text.contains("Đã tiếp nhận"));
}

#[tokio::test]
async fn a_ticket_nobody_takes_on_is_reminded_to_the_desk_once() {
    let app = TestApp::spawn_with(with_desk()).await;
    let first = ticket_number(&file_ticket(&app, RESIDENT, "Cống thoát nước bị tắc", true).await);
    app.telegram.wait_for_sent(DESK, 1).await;
    app.clock.advance(chrono::Duration::hours(4));
    let second = ticket_number(&file_ticket(&app, BYSTANDER, "Vỉa hè bị lấn chiếm", false).await);
    app.telegram.wait_for_sent(DESK, 2).await;

    app.clock.advance(chrono::Duration::hours(4));
    let reminder = app.telegram.wait_for_sent(DESK, 3).await.pop().unwrap();
    assert!(
        reminder.text.starts_with("⏰") && reminder.text.contains(&format!("#{first}")),
        "{}",
        reminder.text
    );
    app.clock.advance(chrono::Duration::hours(4));
    // The watch that reminds of the second ticket also saw the first again, and left it.
    let reminder = app.telegram.wait_for_sent(DESK, 4).await.pop().unwrap();
    assert!(
        reminder.text.starts_with("⏰") && reminder.text.contains(&format!("#{second}")),
        "{}",
        reminder.text
    );
    app.eventually("every copy answers its ticket", || async {
        count(&app, "SELECT count(*) FROM desk_messages").await == 4
    })
    .await;
    app.settle(RESIDENT).await;
    assert_eq!(app.telegram.sent_to(DESK).len(), 4, "each ticket reminded once");
}
