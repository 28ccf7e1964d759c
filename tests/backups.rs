//! Backups. `loa backup <file>`, run while the bot delivers a broadcast, writes a consistent,
//! checked copy and says what it holds, and never overwrites a file.

mod support;

use std::path::Path;

use loa::store::Store;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use support::{
    cli::{loa, stderr, stdout},
    fake_telegram::{Gate, Reply},
    test_app::{ADMIN_ID, Options, TestApp},
    ward::{count, outbox_drained, post_and_confirm},
};

const GROUPS: i64 = 120;

fn group(n: i64) -> i64 {
    -2000 - n
}

#[tokio::test]
async fn a_backup_taken_while_a_broadcast_is_delivered_is_consistent_and_says_what_it_holds() {
    // 120 groups at 40 messages a second: the broadcast takes three seconds, and the last
    // group's send is held until the copy is made, so the copy is taken in the middle of it.
    let app = TestApp::spawn_with(Options { rate_global: 40, ..Options::default() }).await;
    for n in 1..=GROUPS {
        app.seed_chat(group(n), &format!("Tổ {n}"), Some(&n.to_string()), &["waste"]).await;
    }
    let gate = Gate::default();
    app.telegram.script(group(GROUPS), Reply::Hold { gate: gate.clone(), then: Box::new(Reply::Ok) });
    post_and_confirm(&app, ADMIN_ID, "rac Thu gom rác cồng kềnh sáng thứ Bảy tại điểm tập kết.").await;
    let sent = "SELECT count(*) FROM deliveries WHERE state = 'sent'";
    app.eventually("some deliveries are sent", || async { count(&app, sent).await >= 10 }).await;

    let out = tempfile::tempdir().unwrap();
    let output = loa(out.path(), &["backup", "copy.db"], &[("DATABASE_URL", app.database_url())]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let copy = read_only(&out.path().join("copy.db")).await;
    let check: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&copy).await.unwrap();
    assert_eq!(check, ["ok"]);
    let (deliveries, sent_in_copy): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(*) FILTER (WHERE state = 'sent') FROM deliveries")
            .fetch_one(&copy)
            .await
            .unwrap();
    assert_eq!(deliveries, GROUPS, "the broadcast's deliveries, all of them");
    assert!((10..GROUPS).contains(&sent_in_copy), "taken mid-broadcast: {sent_in_copy} sent");
    let chats = count(&app, "SELECT count(*) FROM chats").await;
    let said = stdout(&output);
    assert!(said.contains("integrity ok"), "{said}");
    assert!(said.contains(&format!("holds: {chats} chats, 0 reminders, 1 broadcasts")), "{said}");
    let bytes = std::fs::metadata(out.path().join("copy.db")).unwrap().len();
    assert!(said.contains(&format!("size: {bytes} bytes")), "{said}");

    gate.open();
    outbox_drained(&app).await;
    let copied: Vec<(i64, i64)> =
        sqlx::query_as("SELECT chat_id, message_id FROM deliveries WHERE state = 'sent'")
            .fetch_all(&copy)
            .await
            .unwrap();
    for (chat, message) in copied {
        let now: (String, i64) =
            sqlx::query_as("SELECT state, message_id FROM deliveries WHERE chat_id = ?1")
                .bind(chat)
                .fetch_one(app.store.pool())
                .await
                .unwrap();
        assert_eq!(now, ("sent".to_owned(), message), "chat {chat}: the copy saw what happened");
    }
    for n in 1..=GROUPS {
        assert_eq!(app.telegram.sent_to(group(n)).len(), 1, "group {n}: one message");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_backup_never_overwrites_a_file() {
    let dir = tempfile::tempdir().unwrap();
    Store::connect(&format!("sqlite://{}", dir.path().join("loa.db").display())).await.unwrap();
    std::fs::write(dir.path().join("precious.db"), "not a backup").unwrap();

    let output = loa(dir.path(), &["backup", "precious.db"], &[]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("precious.db already exists"), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(dir.path().join("precious.db")).unwrap(), "not a backup");
}

async fn read_only(path: &Path) -> SqlitePool {
    SqlitePool::connect_with(SqliteConnectOptions::new().filename(path).read_only(true)).await.unwrap()
}
