//! Announcements as wards make them: posters, PDFs, albums, locations and forwarded posts, sent
//! to the bot, used by `/post` replying to them, delivered, edited and recalled as a whole.

mod support;

use serde_json::{Value, json};
use support::{
    fake_telegram::{SentKind, SentMessage},
    test_app::{ADMIN_ID, TestApp},
    updates,
    ward::{announcements, count, outbox_drained, recall_and_deleted},
};

const AREA5: i64 = -701;
const AREA5_B: i64 = -702;
const AREA7: i64 = -703;
const HEADING: &str = "📢 Thu gom rác, vệ sinh môi trường";

async fn ward(app: &TestApp) {
    app.seed_chat(AREA5, "Tổ 5", Some("5"), &["waste"]).await;
    app.seed_chat(AREA5_B, "Tổ 5 — khu B", Some("5"), &["waste"]).await;
    app.seed_chat(AREA7, "Tổ 7", Some("7"), &["waste"]).await;
}

/// Pushes `update` from the official and returns the bot's next `n` messages to them.
async fn official_sends(app: &TestApp, update: Value, n: usize) -> Vec<SentMessage> {
    app.private_update(ADMIN_ID, update, n).await
}

/// `/post <args>` replying to `replied`; returns the preview (`n` messages in all).
async fn post_replying(app: &TestApp, replied: &Value, args: &str, n: usize) -> Vec<SentMessage> {
    let command = updates::text_in_private(ADMIN_ID, "Cán bộ", None, &format!("/post {args}"));
    official_sends(app, updates::replying_to(command, replied), n).await
}

async fn confirm(app: &TestApp) {
    let confirmed = app.official_says(ADMIN_ID, "/confirm", 1).await;
    assert!(confirmed[0].text.contains("Đã xác nhận"), "{}", confirmed[0].text);
    outbox_drained(app).await;
}

fn poster() -> Value {
    let photo = updates::media_in_private(ADMIN_ID, updates::photo("POSTER"));
    updates::with_caption(photo, "Lịch thu gom mới", json!([{"type": "bold", "offset": 0, "length": 4}]))
}

#[tokio::test]
async fn a_poster_replied_to_with_post_reaches_the_groups_with_its_caption_and_formatting() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let poster = poster();
    let offer = official_sends(&app, poster.clone(), 1).await;
    assert!(offer[0].text.contains("Gửi tin này làm thông báo?"), "{}", offer[0].text);
    assert!(offer[0].text.contains("Nội dung: 📷 ảnh · Lịch thu gom mới"), "{}", offer[0].text);
    assert_eq!(count(&app, "SELECT count(*) FROM drafts").await, 0, "an offer is not a draft");

    let preview = post_replying(&app, &poster, "waste area=5 ghim", 2).await;
    assert_eq!(preview[0].kind, SentKind::Photo, "the preview is exactly what residents get");
    assert!(preview[1].text.contains("Bản xem trước — 📷 ảnh"), "{}", preview[1].text);
    confirm(&app).await;

    for group in [AREA5, AREA5_B] {
        let received = announcements(&app, group);
        assert_eq!(received.len(), 1);
        let photo = &received[0];
        assert_eq!((photo.kind, photo.file_id.as_deref()), (SentKind::Photo, Some("POSTER")));
        assert_eq!(photo.text, format!("{HEADING}\n\nLịch thu gom mới"));
        let shift = HEADING.encode_utf16().count() + 2;
        assert_eq!(
            photo.entities,
            Some(json!([
                {"type": "bold", "offset": 0, "length": HEADING.encode_utf16().count()},
                {"type": "bold", "offset": shift, "length": 4}
            ]))
        );
    }
    assert!(announcements(&app, AREA7).is_empty());
    let media: String =
        sqlx::query_scalar("SELECT media FROM broadcasts").fetch_one(app.store.pool()).await.unwrap();
    assert!(media.contains("POSTER"), "the file id is stored, not the official's message: {media}");
    app.stop().await;
}

#[tokio::test]
async fn an_album_sent_as_three_updates_is_offered_once_delivered_whole_and_recalled_whole() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let mut items = updates::album_in_private(
        ADMIN_ID,
        vec![updates::photo("A"), updates::photo("B"), updates::photo("C")],
    );
    items[0] = updates::with_caption(items[0].clone(), "Chiến dịch diệt lăng quăng", json!([]));
    for item in &items {
        app.telegram.push_update(item.clone());
    }
    let offer = app.telegram.wait_for_sent(ADMIN_ID, 1).await;
    assert!(offer[0].text.contains("📷 3 ảnh"), "one offer for the album: {}", offer[0].text);

    // Replying to any item takes the whole album.
    let preview = post_replying(&app, &items[1], "waste area=7", 4).await;
    assert!(preview[..3].iter().all(|item| item.kind == SentKind::Photo));
    confirm(&app).await;

    let received = announcements(&app, AREA7);
    let album = app.telegram.sent_to(AREA7);
    assert_eq!(album.len(), 3, "one sendMediaGroup of three items");
    let ids: Vec<_> = album.iter().map(|item| item.file_id.clone().unwrap()).collect();
    assert_eq!(ids, ["A", "B", "C"], "in the album's order");
    assert!(
        album
            .iter()
            .all(|item| item.media_group_id.is_some() && item.media_group_id == album[0].media_group_id)
    );
    assert_eq!(received.len(), 1, "the caption with the heading is on the first item only");
    assert_eq!(received[0].text, format!("{HEADING}\n\nChiến dịch diệt lăng quăng"));
    let more: String = sqlx::query_scalar("SELECT more_message_ids FROM deliveries WHERE chat_id = ?1")
        .bind(AREA7)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(more, format!("[{},{}]", album[1].message_id, album[2].message_id));

    let listed = app.official_says(ADMIN_ID, "/broadcasts", 1).await;
    assert!(listed[0].text.contains("📷 3 ảnh"), "{}", listed[0].text);
    let recalled = app.official_says(ADMIN_ID, "/recall 1", 1).await;
    assert!(recalled[0].text.contains("#1"), "{}", recalled[0].text);
    outbox_drained(&app).await;
    let mut deleted = app.telegram.deleted_in(AREA7);
    deleted.sort_unstable();
    assert_eq!(deleted, album.iter().map(|item| item.message_id).collect::<Vec<_>>());
    app.stop().await;
}

#[tokio::test]
async fn a_pdf_is_named_in_lists_and_its_caption_is_edited_in_place() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let pdf = updates::media_in_private(
        ADMIN_ID,
        updates::document("PDF211", Some("Ke-hoach-211.pdf"), Some("application/pdf")),
    );
    let offer = official_sends(&app, pdf.clone(), 1).await;
    assert!(offer[0].text.contains("📄 Ke-hoach-211.pdf"), "{}", offer[0].text);
    // A typed text becomes the caption of the file.
    post_replying(&app, &pdf, "waste area=7 Kế hoạch 211 của phường", 2).await;
    confirm(&app).await;
    let document = &announcements(&app, AREA7)[0];
    assert_eq!(document.kind, SentKind::Document);
    assert_eq!(document.text, format!("{HEADING}\n\nKế hoạch 211 của phường"));

    let report = app.official_says(ADMIN_ID, "/report 1", 1).await;
    assert!(report[0].text.contains("📄 Ke-hoach-211.pdf"), "{}", report[0].text);
    app.official_says(ADMIN_ID, "/edit 1 Kế hoạch 211 (sửa đổi)", 1).await;
    outbox_drained(&app).await;
    assert_eq!(app.telegram.calls_to("editMessageCaption").len(), 1);
    assert!(app.telegram.calls_to("editMessageText").is_empty(), "media are edited by their caption");
    let shown = app.telegram.current_message(AREA7, document.message_id).expect("still there");
    assert_eq!(shown.text, format!("{HEADING}\n\nKế hoạch 211 (sửa đổi)"));
    app.stop().await;
}

#[tokio::test]
async fn a_forwarded_post_is_sent_as_a_copy_without_a_forwarded_header() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let text = "Quận thông báo: cắt nước ngày 5/12";
    let forwarded = updates::forwarded_from_channel(
        updates::text_with_entities_in_private(
            ADMIN_ID,
            text,
            json!([{"type": "italic", "offset": 0, "length": 4}]),
        ),
        -100_555,
        "UBND Quận",
        77,
    );
    official_sends(&app, forwarded.clone(), 1).await;
    post_replying(&app, &forwarded, "waste area=5", 2).await;
    confirm(&app).await;
    let copy = &announcements(&app, AREA5)[0];
    assert_eq!(copy.text, format!("{HEADING}\n\n{text}"));
    assert!(
        app.telegram.calls_to("forwardMessage").is_empty() && app.telegram.calls_to("copyMessage").is_empty()
    );
    let call =
        app.telegram.calls_to("sendMessage").into_iter().rfind(|c| c.body["chat_id"] == AREA5).unwrap();
    assert!(call.body.get("forward_origin").is_none());
    assert_eq!(call.body["entities"][1]["type"], "italic", "{}", call.body);
    app.stop().await;
}

#[tokio::test]
async fn a_location_comes_after_its_heading_and_both_are_recalled() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let place = updates::media_in_private(ADMIN_ID, updates::location(21.0367, 105.8342));
    official_sends(&app, place.clone(), 1).await;
    post_replying(&app, &place, "waste area=7 Điểm tập kết rác mới", 3).await;
    confirm(&app).await;
    let received = app.telegram.sent_to(AREA7);
    assert_eq!(received.len(), 2);
    assert_eq!(
        (received[0].kind, received[0].text.as_str()),
        (SentKind::Text, &*format!("{HEADING}\n\nĐiểm tập kết rác mới"))
    );
    assert_eq!((received[1].kind, received[1].location), (SentKind::Location, Some((21.0367, 105.8342))));
    let deleted = recall_and_deleted(&app, 1, AREA7).await;
    assert_eq!(deleted, vec![received[0].message_id, received[1].message_id]);
    app.stop().await;
}

#[tokio::test]
async fn with_tach_a_caption_too_long_goes_as_a_text_before_the_photo_and_both_are_edited_and_recalled() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let words = "ă".repeat(1000);
    let poster = updates::with_caption(
        updates::media_in_private(ADMIN_ID, updates::photo("POSTER")),
        &words,
        json!([]),
    );
    official_sends(&app, poster.clone(), 1).await;
    let preview = post_replying(&app, &poster, "waste area=7 tach", 3).await;
    assert_eq!((preview[0].kind, preview[1].kind), (SentKind::Text, SentKind::Photo));
    confirm(&app).await;
    let received = app.telegram.sent_to(AREA7);
    assert_eq!(received.len(), 2);
    assert_eq!(
        (received[0].kind, received[0].text.clone()),
        (SentKind::Text, format!("{HEADING}\n\n{words}"))
    );
    assert_eq!((received[1].kind, received[1].text.as_str()), (SentKind::Photo, ""), "no caption");
    let photo_call =
        app.telegram.calls_to("sendPhoto").into_iter().rfind(|c| c.body["chat_id"] == AREA7).unwrap();
    assert!(photo_call.body.get("caption").is_none(), "{}", photo_call.body);

    let edited = app.official_says(ADMIN_ID, "/edit 1 Lịch mới, đã sửa", 1).await;
    assert!(edited[0].text.contains("1 nhóm"), "{}", edited[0].text);
    outbox_drained(&app).await;
    assert!(app.telegram.calls_to("editMessageCaption").is_empty(), "the words are a text message");
    let edit =
        app.telegram.calls_to("editMessageText").into_iter().rfind(|c| c.body["chat_id"] == AREA7).unwrap();
    assert_eq!(edit.body["message_id"], received[0].message_id, "the message carrying the words");
    assert_eq!(edit.body["text"], format!("{HEADING}\n\nLịch mới, đã sửa"));

    let deleted = recall_and_deleted(&app, 1, AREA7).await;
    assert_eq!(deleted, vec![received[0].message_id, received[1].message_id]);
    app.stop().await;
}

#[tokio::test]
async fn bad_content_is_refused_with_the_reason_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let sticker = official_sends(&app, updates::media_in_private(ADMIN_ID, updates::sticker("S")), 1).await;
    assert!(sticker[0].text.contains("Loa chưa gửi được loại tin này"), "{}", sticker[0].text);
    assert!(sticker[0].text.contains("tệp (PDF"), "lists what is supported: {}", sticker[0].text);

    let long = updates::with_caption(
        updates::media_in_private(ADMIN_ID, updates::photo("P")),
        &"ă".repeat(1000),
        json!([]),
    );
    official_sends(&app, long.clone(), 1).await;
    let refused = post_replying(&app, &long, "waste", 1).await;
    assert!(refused[0].text.contains("Chú thích dài 1000 ký tự, quá giới hạn"), "{}", refused[0].text);

    let text = updates::text_in_private(ADMIN_ID, "Cán bộ", None, "Họp tổ dân phố tối nay");
    official_sends(&app, text.clone(), 1).await;
    let twice = post_replying(&app, &text, "waste Một nội dung khác", 1).await;
    assert!(twice[0].text.contains("đã là nội dung thông báo"), "{}", twice[0].text);

    let mut mixed = updates::album_in_private(
        ADMIN_ID,
        vec![updates::photo("A"), updates::document("D", Some("x.pdf"), None)],
    );
    let before = app.telegram.sent_to(ADMIN_ID).len();
    for item in &mixed {
        app.telegram.push_update(item.clone());
    }
    let explained = app.telegram.wait_for_sent(ADMIN_ID, before + 1).await;
    assert!(explained.last().unwrap().text.contains("không cho gộp"), "{}", explained.last().unwrap().text);
    let refused = post_replying(&app, &mixed.remove(0), "waste", 1).await;
    assert!(refused[0].text.contains("không cho gộp"), "{}", refused[0].text);

    assert_eq!(count(&app, "SELECT count(*) FROM drafts").await, 0);
    assert_eq!(count(&app, "SELECT count(*) FROM broadcasts").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn a_file_telegram_no_longer_accepts_fails_that_delivery_with_the_reason_not_the_broadcast() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let poster = poster();
    official_sends(&app, poster.clone(), 1).await;
    post_replying(&app, &poster, "waste area=5", 2).await;
    app.telegram.reject_file_id("POSTER");
    confirm(&app).await;
    let report = app.official_says(ADMIN_ID, "/report 1", 1).await;
    assert!(report[0].text.contains("wrong file identifier"), "{}", report[0].text);
    assert_eq!(count(&app, "SELECT count(*) FROM deliveries WHERE state = 'failed'").await, 2);
    assert_eq!(count(&app, "SELECT count(*) FROM chats WHERE active = 1").await, 3, "the groups stay");
    app.stop().await;
}

#[tokio::test]
async fn every_other_kind_goes_out_as_itself_with_the_heading_as_caption() {
    let app = TestApp::spawn().await;
    ward(&app).await;
    let kinds = [
        (updates::video("VID"), SentKind::Video),
        (updates::animation("GIF"), SentKind::Animation),
        (updates::audio("MP3"), SentKind::Audio),
        (updates::voice("OGG"), SentKind::Voice),
    ];
    for (id, (content, kind)) in kinds.into_iter().enumerate() {
        let message = updates::media_in_private(ADMIN_ID, content);
        official_sends(&app, message.clone(), 1).await;
        post_replying(&app, &message, "waste area=7 Loa phường", 2).await;
        confirm(&app).await;
        let received = announcements(&app, AREA7);
        assert_eq!(received.len(), id + 1, "{kind:?}");
        let last = received.last().unwrap();
        assert_eq!((last.kind, last.text.as_str()), (kind, &*format!("{HEADING}\n\nLoa phường")));
    }
    app.stop().await;
}

#[tokio::test]
async fn an_album_whose_answer_was_lost_is_sent_again_whole_and_reported_as_maybe_partial() {
    let app =
        TestApp::spawn_with(support::test_app::Options { send_timeout_secs: 1, ..Default::default() }).await;
    ward(&app).await;
    let items = updates::album_in_private(ADMIN_ID, vec![updates::photo("A"), updates::photo("B")]);
    for item in &items {
        app.telegram.push_update(item.clone());
    }
    app.telegram.wait_for_sent(ADMIN_ID, 1).await;
    post_replying(&app, &items[0], "waste area=7", 3).await;
    // Telegram takes the album but its answer never arrives in time.
    app.telegram.script_method(
        "sendMediaGroup",
        AREA7,
        support::fake_telegram::Reply::Delay(std::time::Duration::from_secs(3)),
    );
    app.official_says(ADMIN_ID, "/confirm", 1).await;
    app.eventually("the lost answer is recorded for a retry", || async {
        count(&app, "SELECT count(*) FROM deliveries WHERE state = 'pending' AND last_error IS NOT NULL")
            .await
            == 1
    })
    .await;
    app.clock.advance(chrono::Duration::seconds(5));
    app.eventually("the album is sent again", || async {
        count(&app, "SELECT count(*) FROM deliveries WHERE state = 'sent'").await == 1
    })
    .await;
    let (attempts, in_doubt): (i64, bool) = sqlx::query_as("SELECT attempts, in_doubt FROM deliveries")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!((attempts, in_doubt), (2, true));
    let report = app.official_says(ADMIN_ID, "/report 1", 1).await;
    assert!(report[0].text.contains("một phần album"), "{}", report[0].text);
    assert!(report[0].text.contains("Tổ 7"), "names the chat: {}", report[0].text);
    app.stop().await;
}
