//! Recurring reminders fire by themselves: at the right local time, once per fire, across
//! restarts; quiet hours, windows, pause/resume/cancel/skip; what residents see coming.

mod support;

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use loa::{
    domain::{Content, PostRequest, TopicCatalog, Window},
    store::NewReminder,
};
use support::{
    test_app::{ADMIN_ID, Options, TestApp},
    ward::{announcements, count, outbox_drained},
};
use teloxide::types::UserId;

const AREA5: i64 = -901;
const AREA5_OTHER: i64 = -902;
const AREA7: i64 = -903;

/// A local time in the ward.
fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Ho_Chi_Minh.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap().with_timezone(&Utc)
}

async fn ward_with_waste_reminder(options: Options) -> TestApp {
    let app = TestApp::spawn_with(options).await;
    app.seed_chat(AREA5, "Tổ 5", Some("5"), &["waste", "health"]).await;
    app.seed_chat(AREA5_OTHER, "Tổ 5 — khu B", Some("5"), &["waste"]).await;
    app.seed_chat(AREA7, "Tổ 7", Some("7"), &["waste", "health"]).await;
    // The test clock starts on Monday 2026-06-01, 15:00 in Hà Nội.
    let reply = app
        .official_says(
            ADMIN_ID,
            "/remind t2,t4,t6@17:30 waste area=5 Mang rác ra điểm tập kết 18:00–20:00.",
            1,
        )
        .await;
    assert!(reply[0].text.contains("Đã tạo lời nhắc #1"), "{}", reply[0].text);
    app
}

async fn waste_reminders(app: &TestApp, chat: i64) -> usize {
    announcements(app, chat).iter().filter(|m| m.text.contains("Mang rác")).count()
}

#[tokio::test]
async fn the_confirmation_shows_the_schedule_in_words_and_the_next_three_fires() {
    let app = ward_with_waste_reminder(Options::default()).await;
    let list = app.official_says(ADMIN_ID, "/dsnhac", 1).await;
    assert!(list[0].text.contains("Thứ Hai, Thứ Tư, Thứ Sáu lúc 17:30"), "{}", list[0].text);
    let created: String =
        sqlx::query_scalar("SELECT schedule FROM reminders").fetch_one(app.store.pool()).await.unwrap();
    assert_eq!(created, "mon,wed,fri@17:30");
    let again = app.official_says(ADMIN_ID, "/remind mon@07:00 waste Thứ Hai", 1).await;
    assert!(
        again[0].text.contains("Ba lần tới: 08/06/2026 07:00; 15/06/2026 07:00; 22/06/2026 07:00"),
        "{}",
        again[0].text
    );
    app.stop().await;
}

#[tokio::test]
async fn at_17_30_local_the_groups_of_area_5_receive_it_once() {
    let app = ward_with_waste_reminder(Options::default()).await;
    app.clock.set(local(2026, 6, 1, 17, 29));
    app.settle(AREA5).await;
    assert_eq!(count(&app, "SELECT count(*) FROM broadcasts").await, 0, "not before its time");

    app.clock.set(local(2026, 6, 1, 17, 30));
    app.eventually("the fire is broadcast", || async {
        count(&app, "SELECT count(*) FROM broadcasts").await == 1
    })
    .await;
    outbox_drained(&app).await;
    assert_eq!(waste_reminders(&app, AREA5).await, 1);
    assert_eq!(waste_reminders(&app, AREA5_OTHER).await, 1);
    assert_eq!(waste_reminders(&app, AREA7).await, 0);

    // Another tick at the same instant, as a second process would: nothing more.
    let fired = app.scheduler().tick().await.unwrap();
    assert_eq!(fired.broadcasts, 0);
    let next: i64 =
        sqlx::query_scalar("SELECT next_fire_at FROM reminders").fetch_one(app.store.pool()).await.unwrap();
    assert_eq!(next, local(2026, 6, 3, 17, 30).timestamp_millis(), "next: Wednesday 17:30");
    app.stop().await;
}

#[tokio::test]
async fn a_restart_across_17_30_sends_the_fire_once_and_late() {
    let mut app = ward_with_waste_reminder(Options::default()).await;
    app.stop_for_a_while().await;
    app.clock.set(local(2026, 6, 1, 17, 50));
    app.start().await;
    app.eventually("the missed fire is caught up", || async {
        count(&app, "SELECT count(*) FROM broadcasts").await == 1
    })
    .await;
    outbox_drained(&app).await;
    assert_eq!(waste_reminders(&app, AREA5).await, 1);

    app.restart().await;
    app.settle(AREA5).await;
    assert_eq!(
        count(&app, "SELECT count(*) FROM broadcasts").await,
        1,
        "a second restart sends nothing more"
    );
    let report = app.official_says(ADMIN_ID, "/report 1", 1).await;
    assert!(report[0].text.contains("Gửi muộn"), "{}", report[0].text);
    app.stop().await;
}

#[tokio::test]
async fn fires_older_than_the_catch_up_are_recorded_as_missed_not_sent() {
    let mut app = ward_with_waste_reminder(Options::default()).await;
    app.stop_for_a_while().await;
    app.clock.set(local(2026, 6, 1, 18, 31));
    app.start().await;
    app.eventually("the missed fire is recorded", || async {
        count(&app, "SELECT missed FROM reminders WHERE id = 1").await == 1
    })
    .await;
    assert_eq!(count(&app, "SELECT count(*) FROM broadcasts").await, 0);
    let list = app.official_says(ADMIN_ID, "/reminders", 1).await;
    assert!(
        list[0].text.contains("bỏ lỡ 1 lần") && list[0].text.contains("lần tới: 03/06/2026 17:30"),
        "{}",
        list[0].text
    );
    app.stop().await;
}

#[tokio::test]
async fn pause_resume_skip_and_cancel() {
    let app = ward_with_waste_reminder(Options::default()).await;
    // The bot's own scheduler ticks too: what counts is what the database and the groups hold
    // once a tick has certainly run at the new time (ticking again is harmless).
    let no_fire_at = |at: DateTime<Utc>, why: &'static str| {
        let app = &app;
        async move {
            app.clock.set(at);
            app.scheduler().tick().await.unwrap();
            app.settle(AREA5).await;
            assert_eq!(count(app, "SELECT count(*) FROM broadcasts").await, 0, "{why}");
            assert_eq!(waste_reminders(app, AREA5).await, 0, "{why}");
        }
    };
    let paused = app.official_says(ADMIN_ID, "/pause 1", 1).await;
    assert!(paused[0].text.contains("Đã tạm dừng"), "{}", paused[0].text);
    no_fire_at(local(2026, 6, 1, 17, 31), "a paused reminder does not fire").await;

    let resumed = app.official_says(ADMIN_ID, "/resume 1", 1).await;
    assert!(
        resumed[0].text.contains("lần tới: 03/06/2026 17:30"),
        "the pause is not replayed: {}",
        resumed[0].text
    );
    let skipped = app.official_says(ADMIN_ID, "/skip 1 2026-06-03", 1).await;
    assert!(skipped[0].text.contains("Lần tới: 05/06/2026 17:30"), "{}", skipped[0].text);
    let listed = app.official_says(ADMIN_ID, "/skip 1", 1).await;
    assert!(listed[0].text.contains("03/06/2026"), "{}", listed[0].text);
    no_fire_at(local(2026, 6, 3, 17, 31), "no fire on a skipped day").await;

    let cancelled = app.official_says(ADMIN_ID, "/huynhac 1", 1).await;
    assert!(cancelled[0].text.contains("Đã huỷ lời nhắc #1"), "{}", cancelled[0].text);
    no_fire_at(local(2026, 6, 5, 17, 31), "a cancelled reminder does not fire").await;
    let list = app.official_says(ADMIN_ID, "/reminders", 1).await;
    assert!(list[0].text.contains("Chưa có lời nhắc"), "{}", list[0].text);
    assert_eq!(count(&app, "SELECT count(*) FROM audit_log WHERE action = 'reminder'").await, 4);
    app.stop().await;
}

#[tokio::test]
async fn a_summer_campaign_fires_on_saturdays_in_its_window_then_finishes() {
    let app = ward_with_waste_reminder(Options::default()).await;
    let reply = app
        .official_says(
            ADMIN_ID,
            "/nhac t7@08:00 health from=2026-06-01 to=2026-08-31 Diệt bọ gậy, lăng quăng.",
            1,
        )
        .await;
    assert!(reply[0].text.contains("Thứ Bảy lúc 08:00, từ 01/06/2026 đến 31/08/2026"), "{}", reply[0].text);
    assert!(reply[0].text.contains("06/06/2026 08:00"), "{}", reply[0].text);

    // The last Saturday of the window.
    sqlx::query("UPDATE reminders SET next_fire_at = ?1 WHERE id = 2")
        .bind(local(2026, 8, 29, 8, 0).timestamp_millis())
        .execute(app.store.pool())
        .await
        .unwrap();
    app.clock.set(local(2026, 8, 29, 8, 0));
    app.eventually("the campaign fires", || async {
        count(&app, "SELECT count(*) FROM broadcasts WHERE reminder_id = 2").await == 1
    })
    .await;
    app.eventually("and finishes", || async {
        count(
            &app,
            "SELECT count(*) FROM reminders WHERE id = 2 AND status = 'finished' AND next_fire_at IS NULL",
        )
        .await
            == 1
    })
    .await;
    outbox_drained(&app).await;
    assert_eq!(announcements(&app, AREA7).len(), 1, "ward-wide: area 7 too");
    app.stop().await;
}

#[tokio::test]
async fn a_resident_of_area_5_sees_both_reminders_with_upcoming_and_the_latest_after() {
    let app = ward_with_waste_reminder(Options::default()).await;
    app.official_says(ADMIN_ID, "/remind sat@08:00 health from=2026-06-01 to=2026-08-31 Diệt bọ gậy.", 1)
        .await;

    let upcoming = app.group(AREA5, 1, "/lich").await;
    assert!(upcoming.contains("01/06/2026 17:30 — Thu gom rác"), "{upcoming}");
    assert!(upcoming.contains("06/06/2026 08:00 — Phòng chống dịch bệnh — Diệt bọ gậy."), "{upcoming}");
    assert!(upcoming.find("01/06/2026 17:30") < upcoming.find("06/06/2026 08:00"), "soonest first");
    let other = app.group(AREA7, 1, "/upcoming").await;
    assert!(!other.contains("Thu gom rác") && other.contains("Diệt bọ gậy"), "{other}");

    app.clock.set(local(2026, 6, 1, 17, 30));
    app.eventually("delivered", || async { waste_reminders(&app, AREA5).await == 1 }).await;
    // /latest lists what the database records as delivered, a moment after Telegram has it.
    outbox_drained(&app).await;
    let latest = app.group(AREA5, 1, "/tinmoi").await;
    assert!(latest.contains("01/06/2026 17:30") && latest.contains("Mang rác"), "{latest}");
    app.stop().await;
}

#[tokio::test]
async fn a_reminder_that_would_fire_more_than_once_an_hour_is_refused() {
    let app = ward_with_waste_reminder(Options::default()).await;
    for cron in ["\"* * * * * *\"", "\"0 */30 8-17 * * *\""] {
        let reply = app.official_says(ADMIN_ID, &format!("/remind {cron} health urgent Kiểm tra"), 1).await;
        assert!(reply[0].text.contains("tối đa một lần mỗi giờ"), "{cron}: {}", reply[0].text);
    }
    assert_eq!(count(&app, "SELECT count(*) FROM reminders").await, 1, "nothing stored");
    let hourly = app.official_says(ADMIN_ID, "/remind \"0 0 8-17 * * *\" health Uống đủ nước", 1).await;
    assert!(hourly[0].text.contains("Đã tạo lời nhắc #2"), "once an hour is allowed: {}", hourly[0].text);
    app.stop().await;
}

#[tokio::test]
async fn upcoming_shows_the_soonest_20_fires_of_all_reminders_together() {
    let app = ward_with_waste_reminder(Options::default()).await;
    // Three fires a day from the first reminder fill 20 lines on their own; a daily one read
    // after it still has its earlier fires shown.
    let often = app.official_says(ADMIN_ID, "/remind \"0 0 8,12,16 * * *\" health Uống đủ nước", 1).await;
    assert!(often[0].text.contains("Đã tạo lời nhắc #2"), "{}", often[0].text);
    app.official_says(ADMIN_ID, "/remind daily@07:00 waste area=7 Quét dọn ngõ xóm", 1).await;

    let upcoming = app.group(AREA7, 1, "/upcoming").await;
    let lines: Vec<&str> = upcoming.lines().filter(|line| line.contains(" — ")).collect();
    assert_eq!(lines.len(), 20, "{upcoming}");
    for day in 2..=6 {
        let line = format!("0{day}/06/2026 07:00 — Thu gom rác");
        assert!(upcoming.contains(&line), "{line} missing: {upcoming}");
    }
    assert!(!upcoming.contains("07/06/2026"), "later fires are left out: {upcoming}");
    app.stop().await;
}

#[tokio::test]
async fn quiet_hours_refuse_night_reminders_and_hold_night_posts_until_morning() {
    let app = ward_with_waste_reminder(Options::default()).await;
    let refused = app.official_says(ADMIN_ID, "/remind daily@23:00 health Ngủ sớm", 1).await;
    assert!(refused[0].text.contains("23:00 nằm trong giờ yên lặng (22:00-06:00)"), "{}", refused[0].text);
    let urgent = app.official_says(ADMIN_ID, "/remind daily@23:00 security urgent Tuần tra đêm", 1).await;
    assert!(urgent[0].text.contains("Đã tạo lời nhắc"), "urgent goes at any hour: {}", urgent[0].text);

    app.clock.set(local(2026, 6, 1, 23, 15));
    let preview = app.official_says(ADMIN_ID, "/post waste area=7 Nhắc nhở", 2).await;
    assert!(preview[1].text.contains("sẽ chờ đến 02/06/2026 06:00"), "{}", preview[1].text);
    let confirmed = app.official_says(ADMIN_ID, "/confirm", 1).await;
    assert!(confirmed[0].text.contains("lúc 02/06/2026 06:00"), "{}", confirmed[0].text);
    app.settle(AREA7).await;
    assert!(announcements(&app, AREA7).is_empty(), "held during quiet hours");
    let upcoming = app.group(AREA7, 1, "/upcoming").await;
    assert!(upcoming.contains("02/06/2026 06:00"), "{upcoming}");

    app.clock.set(local(2026, 6, 2, 6, 0));
    app.eventually("sent when quiet hours end", || async { announcements(&app, AREA7).len() == 1 }).await;
    app.stop().await;
}

#[tokio::test]
async fn at_schedules_a_one_off_post_through_the_same_preview() {
    let app = ward_with_waste_reminder(Options::default()).await;
    let preview = app
        .official_says(ADMIN_ID, "/hengio 2026-06-05 19:30 waste area=7 Họp tổ về vệ sinh môi trường", 2)
        .await;
    assert!(preview[1].text.contains("Gửi lúc: 05/06/2026 19:30"), "{}", preview[1].text);
    app.official_says(ADMIN_ID, "/confirm", 1).await;
    app.clock.set(local(2026, 6, 5, 19, 29));
    app.settle(AREA7).await;
    assert!(announcements(&app, AREA7).is_empty());
    app.clock.set(local(2026, 6, 5, 19, 30));
    app.eventually("sent at its time", || async { announcements(&app, AREA7).len() == 1 }).await;
    app.stop().await;
}

#[tokio::test]
async fn invalid_schedules_say_what_was_wrong_with_examples_and_store_nothing() {
    let app = ward_with_waste_reminder(Options::default()).await;
    let cases = [
        ("/at 2026-05-31 08:00 waste Quá khứ", "đã qua"),
        ("/at 2026-06-02 25:00 waste Giờ sai", "«25:00» không phải giờ"),
        ("/at mai 08:00 waste Ngày sai", "«mai» không phải ngày"),
        ("/at", "Thiếu ngày và giờ"),
        ("/remind t9@17:30 waste Sai thứ", "«t9» không phải thứ"),
        ("/remind daily@25:00 waste Sai giờ", "«25:00» không phải giờ"),
        ("/remind \"0 0 0 31 2 *\" waste Không bao giờ", "không bao giờ đến hạn"),
        ("/remind sat@08:00 health from=2026-08-31 to=2026-06-01 Ngược", "trước ngày bắt đầu"),
        ("/remind sat@08:00 health to=2026-05-01 Đã qua", "đã qua"),
        ("/remind sat@08:00 thoi-tiet Sai chủ đề", "Không có chủ đề «thoi-tiet»"),
        ("/remind", "Thiếu lịch nhắc"),
    ];
    for (command, expected) in cases {
        let reply = app.official_says(ADMIN_ID, command, 1).await;
        assert!(reply[0].text.contains(expected), "{command}: {}", reply[0].text);
        let form = if command.starts_with("/at") { "/at <YYYY-MM-DD> <HH:MM>" } else { "/remind <lịch>" };
        assert!(reply[0].text.contains(form), "{command} shows the accepted forms: {}", reply[0].text);
    }
    assert_eq!(count(&app, "SELECT count(*) FROM reminders").await, 1, "only the first, valid one");
    assert_eq!(count(&app, "SELECT count(*) FROM drafts").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn with_the_real_clock_a_reminder_due_two_seconds_ahead_is_delivered() {
    let app =
        TestApp::spawn_with(Options { real_clock: true, quiet_hours: "off".into(), ..Options::default() })
            .await;
    app.seed_chat(AREA5, "Tổ 5", Some("5"), &["waste"]).await;
    let due = Utc::now() + Duration::seconds(2);
    // Written straight to the store: through /remind, a slow machine could take the two seconds
    // and schedule the next day's fire instead.
    let new = NewReminder {
        when: due.with_timezone(&Ho_Chi_Minh).format("\"%S %M %H * * *\"").to_string(),
        window: Window::default(),
        request: PostRequest::parse("waste Nhắc đổ rác", &app_topics(&app).await).unwrap(),
        content: Content::text("Nhắc đổ rác"),
        next_fire_at: Some(due),
        import_key: None,
    };
    app.store.create_reminder(&new, UserId(ADMIN_ID as u64), Utc::now()).await.unwrap();
    app.telegram.wait_for_sent(AREA5, 1).await;
    assert_eq!(announcements(&app, AREA5).len(), 1);
    outbox_drained(&app).await;
    let sent_at: i64 = sqlx::query_scalar("SELECT sent_at FROM deliveries WHERE state = 'sent'")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert!(
        sent_at >= due.timestamp_millis(),
        "not before it was due: {sent_at} < {}",
        due.timestamp_millis()
    );
    app.stop().await;
}

async fn app_topics(app: &TestApp) -> TopicCatalog {
    TopicCatalog::new(app.store.topics().await.unwrap())
}

#[tokio::test]
async fn schedulers_racing_for_the_same_fire_make_one_broadcast() {
    let app = ward_with_waste_reminder(Options::default()).await;
    app.clock.set(local(2026, 6, 1, 17, 30));
    // Two more schedulers on the same database, as a second process would be, race the bot's own.
    let (one, other) = (app.scheduler(), app.scheduler());
    let (first, second) = tokio::join!(one.tick(), other.tick());
    let by_racers = first.unwrap().broadcasts + second.unwrap().broadcasts;
    assert!(by_racers <= 1, "{by_racers}");
    app.eventually("the fire is broadcast", || async {
        count(&app, "SELECT count(*) FROM broadcasts").await == 1
    })
    .await;
    outbox_drained(&app).await;
    assert_eq!(waste_reminders(&app, AREA5).await, 1);
    assert_eq!(count(&app, "SELECT count(*) FROM broadcasts").await, 1);
    app.stop().await;
}

#[tokio::test]
async fn a_reminder_is_changed_in_place_keeping_its_id_skipped_days_and_history() {
    let app = ward_with_waste_reminder(Options::default()).await;
    app.clock.set(local(2026, 6, 1, 17, 30));
    app.eventually("the first fire is broadcast", || async {
        count(&app, "SELECT count(*) FROM broadcasts WHERE reminder_id = 1").await == 1
    })
    .await;
    outbox_drained(&app).await;
    app.official_says(ADMIN_ID, "/skip 1 2026-06-08", 1).await;

    let refused = app.official_says(ADMIN_ID, "/suanhac 1 t5@25:00 waste Mới", 1).await;
    assert!(refused[0].text.contains("25:00"), "{}", refused[0].text);
    let missing = app.official_says(ADMIN_ID, "/editremind 9 t5@18:00 waste Mới", 1).await;
    assert!(missing[0].text.contains("#9"), "{}", missing[0].text);
    let stored = || async {
        sqlx::query_as::<_, (String, String, String)>(
            "SELECT schedule, areas, body FROM reminders WHERE id = 1",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap()
    };
    assert_eq!(stored().await.0, "mon,wed,fri@17:30", "bad input changes nothing");

    let changed = app
        .official_says(ADMIN_ID, "/editremind 1 t2,t5@18:00 waste area=7 Rác cồng kềnh thu tối nay.", 1)
        .await;
    assert!(changed[0].text.contains("Đã sửa lời nhắc #1"), "{}", changed[0].text);
    assert!(changed[0].text.contains("04/06/2026 18:00"), "next fire Thursday: {}", changed[0].text);
    assert_eq!(
        stored().await,
        ("mon,thu@18:00".to_owned(), "[\"7\"]".to_owned(), "Rác cồng kềnh thu tối nay.".to_owned())
    );
    assert_eq!(count(&app, "SELECT count(*) FROM reminders").await, 1, "changed, not replaced");
    assert_eq!(count(&app, "SELECT count(*) FROM reminder_skips WHERE reminder_id = 1").await, 1);
    assert_eq!(count(&app, "SELECT count(*) FROM audit_log WHERE action = 'reminder_edit'").await, 1);

    app.clock.set(local(2026, 6, 4, 18, 0));
    app.eventually("the changed reminder fires", || async {
        count(&app, "SELECT count(*) FROM broadcasts WHERE reminder_id = 1").await == 2
    })
    .await;
    outbox_drained(&app).await;
    let to_area7 = announcements(&app, AREA7);
    assert_eq!(to_area7.len(), 1);
    assert!(to_area7[0].text.ends_with("Rác cồng kềnh thu tối nay."), "{}", to_area7[0].text);
    assert_eq!(waste_reminders(&app, AREA5).await, 1, "area 5 got only the first fire");
    app.stop().await;
}

#[tokio::test]
async fn a_reminder_replying_to_a_message_carries_its_formatting() {
    let app = TestApp::spawn().await;
    app.seed_chat(AREA5, "Tổ 5", Some("5"), &["health"]).await;
    let mut poster =
        support::updates::text_in_private(ADMIN_ID, "Cán bộ", None, "Diệt lăng quăng mỗi thứ Bảy");
    poster["message"]["entities"] = serde_json::json!([{"type": "bold", "offset": 0, "length": 15}]);
    let offer = app.reply_to(ADMIN_ID, poster.clone()).await;
    assert!(offer.text.contains("Gửi tin này làm thông báo?"), "{}", offer.text);

    let mut command =
        support::updates::text_in_private(ADMIN_ID, "Cán bộ", None, "/remind t7@08:00 health area=5");
    command["message"]["reply_to_message"] = poster["message"].clone();
    let created = app.reply_to(ADMIN_ID, command).await;
    assert!(created.text.contains("Đã tạo lời nhắc #1"), "{}", created.text);
    let (body, entities): (String, Option<String>) =
        sqlx::query_as("SELECT body, entities FROM reminders").fetch_one(app.store.pool()).await.unwrap();
    assert_eq!(body, "Diệt lăng quăng mỗi thứ Bảy");
    assert!(entities.is_some_and(|e| e.contains("bold")), "the formatting is kept with the reminder");

    // The test clock starts on Monday 2026-06-01: the first Saturday is 06-06.
    app.clock.set(local(2026, 6, 6, 8, 0));
    app.telegram.wait_for_sent(AREA5, 1).await;
    let call = app
        .telegram
        .calls_to("sendMessage")
        .into_iter()
        .rfind(|call| call.body["chat_id"].as_i64() == Some(AREA5))
        .unwrap();
    let heading = "📢 Phòng chống dịch bệnh";
    assert_eq!(call.body["text"], format!("{heading}\n\nDiệt lăng quăng mỗi thứ Bảy"), "{}", call.body);
    let shift = heading.encode_utf16().count() + 2;
    assert_eq!(call.body["entities"][1], serde_json::json!({"type": "bold", "offset": shift, "length": 15}));
    app.stop().await;
}
