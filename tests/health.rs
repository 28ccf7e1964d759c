//! `/healthz` and `/readyz` on `LOA_HTTP`: ready only while the database can be written and the
//! delivery worker and the scheduler are alive; otherwise 503 and why, in one line of JSON.

mod support;

use serde_json::Value;
use sqlx::{Connection, SqliteConnection};
use support::test_app::{Options, TestApp};

async fn app_with_status_pages() -> TestApp {
    TestApp::spawn_with(Options { http: Some("127.0.0.1:0".into()), ..Options::default() }).await
}

/// `/readyz`'s status and its JSON, which must be one line.
async fn readiness(app: &TestApp) -> (u16, Value) {
    let (status, body) = app.get("/readyz").await;
    assert_eq!(body.trim_end().lines().count(), 1, "one line: {body}");
    (status, serde_json::from_str(&body).expect("JSON"))
}

async fn until_ready(app: &TestApp) {
    app.eventually("/readyz is 200 again", || async { readiness(app).await.0 == 200 }).await;
}

#[tokio::test]
async fn a_running_bot_is_alive_and_ready() {
    let app = app_with_status_pages().await;
    assert_eq!(app.get("/healthz").await, (200, "ok\n".to_owned()));
    until_ready(&app).await;
    assert_eq!(readiness(&app).await.1, serde_json::json!({ "ready": true }));
    assert_eq!(app.get("/nothing-here").await.0, 404);
    app.stop().await;
}

#[tokio::test]
async fn while_another_connection_holds_the_database_it_is_not_ready() {
    let app = app_with_status_pages().await;
    until_ready(&app).await;

    let mut locker = SqliteConnection::connect(app.database_url()).await.unwrap();
    sqlx::query("BEGIN EXCLUSIVE").execute(&mut locker).await.unwrap();
    let (status, body) = readiness(&app).await;
    assert_eq!(status, 503);
    assert_eq!(body["ready"], false);
    let reason = body["reason"].as_str().unwrap();
    assert!(reason.starts_with("database not writable: ") && reason.contains("locked"), "{reason}");
    assert_eq!(app.get("/healthz").await.0, 200, "alive all the same");

    sqlx::query("ROLLBACK").execute(&mut locker).await.unwrap();
    until_ready(&app).await;
    app.stop().await;
}

#[tokio::test]
async fn while_the_delivery_worker_fails_it_is_not_ready_and_it_is_again_once_it_recovers() {
    let app = app_with_status_pages().await;
    until_ready(&app).await;

    // A table the worker reads on every step, and nothing else reads, goes missing.
    sqlx::query("ALTER TABLE amendments RENAME TO amendments_away").execute(app.store.pool()).await.unwrap();
    app.eventually("the worker fails", || async { !app.health.worker.is_healthy() }).await;
    let (status, body) = readiness(&app).await;
    assert_eq!(status, 503);
    let reason = body["reason"].as_str().unwrap();
    assert!(reason.starts_with("delivery worker failing ("), "{reason}");
    assert!(!reason.contains("database") && !reason.contains("scheduler"), "the worker alone: {reason}");

    sqlx::query("ALTER TABLE amendments_away RENAME TO amendments").execute(app.store.pool()).await.unwrap();
    until_ready(&app).await;
    assert!(app.health.worker.is_healthy());
    app.stop().await;
}
