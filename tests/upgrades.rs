//! Upgrades. A database left at each earlier schema (0001 … N−1), with a ward's rows, is opened
//! by this Loa — the real bot against the fake Bot API — which copies it, then migrates it:
//! nothing is lost, the broadcast that was half delivered finishes with exactly what was still
//! owed, and reminders keep their next fire. Only `loa run` and `loa migrate` change the schema;
//! a database newer than this Loa, or a migration that fails, is said plainly.

mod support;

use std::path::Path;

use chrono::DateTime;
use loa::store::MIGRATOR;
use sqlx::{
    SqlSafeStr,
    migrate::{Migration, MigrationType, Migrator},
    sqlite::SqlitePool,
};
use support::{
    cli::{loa, stderr, stdout},
    old_databases::{
        AREA_5, HAD_BROADCAST, OWED_BROADCAST, WASTE_FIRE_AFTER, WASTE_NEXT_FIRE, database_at, schema_of,
        steps, witnesses,
    },
    test_app::{Options, TestApp},
    ward::{count, outbox_drained},
};

fn newest() -> i64 {
    *steps().last().expect("migrations")
}

#[tokio::test]
async fn a_database_from_each_earlier_schema_is_upgraded_without_losing_or_repeating_anything() {
    let steps = steps();
    for &step in &steps[..steps.len() - 1] {
        upgrade_from(step).await;
    }
}

async fn upgrade_from(step: i64) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    let database = path.join("loa.db");
    database_at(&database, step).await;
    let before = witnesses(&database, step).await;

    let app = TestApp::spawn_on(dir, Options::default()).await;
    let copy = path.join(format!("loa.db.before-{:04}", newest()));
    assert_eq!(
        schema_of(&copy).await,
        step,
        "step {step}: the copy written before migrating holds the old schema"
    );
    assert_eq!(witnesses(&copy, step).await, before, "step {step}: and the old rows");
    assert_eq!(schema_of(&database).await, newest(), "step {step}: migrated");

    if step >= 2 {
        outbox_drained(&app).await;
        for chat in OWED_BROADCAST {
            assert_eq!(
                app.telegram.sent_to(chat).len(),
                1,
                "step {step}: chat {chat} gets what it was owed, once"
            );
        }
        for chat in HAD_BROADCAST {
            assert!(app.telegram.sent_to(chat).is_empty(), "step {step}: chat {chat} had it already");
        }
        let sent =
            count(&app, "SELECT count(*) FROM deliveries WHERE broadcast_id = 1 AND state = 'sent'").await;
        assert_eq!(sent, 5, "step {step}: broadcast 1 finished");
        let kept = count(&app, "SELECT count(*) FROM deliveries WHERE message_id IN (7001, 7002)").await;
        assert_eq!(kept, 2, "step {step}: what was delivered before keeps its messages");
    }
    assert_eq!(witnesses(&database, step).await, before, "step {step}: nothing lost");

    if step >= 3 {
        the_waste_reminder_fires_when_it_was_due(&app, step).await;
    }
    app.stop().await;
}

async fn the_waste_reminder_fires_when_it_was_due(app: &TestApp, step: i64) {
    app.clock.set(DateTime::from_timestamp_millis(WASTE_NEXT_FIRE).unwrap());
    // The bot's own scheduler may be first; either way the fire is made once.
    app.scheduler().tick().await.unwrap();
    let sent = app.telegram.wait_for_sent(AREA_5, 1).await;
    assert!(sent[0].text.contains("Mang rác ra điểm tập kết"), "step {step}: {}", sent[0].text);
    let fires = count(app, "SELECT count(*) FROM broadcasts WHERE reminder_id = 1").await;
    assert_eq!(fires, 2, "step {step}: Friday's fire and today's");
    let next: i64 = sqlx::query_scalar("SELECT next_fire_at FROM reminders WHERE id = 1")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(next, WASTE_FIRE_AFTER, "step {step}: then Wednesday's");
}

#[tokio::test]
async fn import_refuses_a_database_with_pending_migrations_and_leaves_it_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("loa.db");
    let behind = newest() - 1;
    database_at(&database, behind).await;

    let plan = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/plan.toml");
    let output = loa(dir.path(), &["import", plan], &[]).await;
    assert_eq!(output.status.code(), Some(1));
    let said = stderr(&output);
    assert!(
        said.contains(&format!("the database is at schema {behind:04} and this loa needs {:04}", newest())),
        "{said}"
    );
    assert!(said.contains("loa migrate"), "says what to do: {said}");
    assert_eq!(schema_of(&database).await, behind, "not migrated");
    assert_eq!(reminders(&database).await, 3, "nothing imported");
}

#[tokio::test]
async fn backup_copies_a_database_with_pending_migrations_without_migrating_it() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("loa.db");
    let behind = newest() - 1;
    database_at(&database, behind).await;

    let output = loa(dir.path(), &["backup", "copy.db"], &[]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let said = stdout(&output);
    assert!(said.contains("holds: 6 chats, 3 reminders, 2 broadcasts"), "{said}");
    assert!(said.contains(&format!("schema: {behind:04}; this loa expects {:04}", newest())), "{said}");
    assert_eq!(schema_of(&database).await, behind, "the database is not migrated");
    assert_eq!(schema_of(&dir.path().join("copy.db")).await, behind);
}

#[tokio::test]
async fn migrating_a_database_with_rows_copies_it_first_and_keeps_the_last_three_copies() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("loa.db");
    database_at(&database, 1).await;
    for older in ["loa.db.before-0002", "loa.db.before-0003", "loa.db.before-0004", "loa.db.before-notes.txt"]
    {
        std::fs::write(dir.path().join(older), "an older copy").unwrap();
    }

    let output = loa(dir.path(), &["migrate"], &[]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let copy = dir.path().join(format!("loa.db.before-{:04}", newest()));
    let said = stdout(&output);
    assert!(said.contains(&format!("copied the database first to {}", copy.display())), "{said}");
    assert!(said.contains(&format!("schema 0001 → {:04}", newest())), "{said}");
    assert!(stderr(&output).contains("database copied before migrating"), "logged: {}", stderr(&output));
    assert_eq!(schema_of(&copy).await, 1);
    assert_eq!(witnesses(&copy, 1).await, witnesses(&database, 1).await);
    let mut files: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with("loa.db.before-"))
        .collect();
    files.sort();
    let newest_copy = format!("loa.db.before-{:04}", newest());
    assert_eq!(files, ["loa.db.before-0003", "loa.db.before-0004", &newest_copy, "loa.db.before-notes.txt"]);

    let again = loa(dir.path(), &["migrate"], &[]).await;
    assert_eq!(stdout(&again), format!("the database is up to date: schema {:04}\n", newest()));
}

#[tokio::test]
async fn a_failed_migration_names_the_copy_and_how_to_go_back() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("loa.db");
    database_at(&database, 9).await;
    let before = witnesses(&database, 9).await;
    // A table that migration 0011 creates, made by hand: 0010 goes through, 0011 fails.
    sqlx::raw_sql("CREATE TABLE invites (code TEXT)").execute(&pool(&database).await).await.unwrap();

    let output = loa(dir.path(), &["migrate"], &[]).await;
    assert_eq!(output.status.code(), Some(1));
    let copy = dir.path().join(format!("loa.db.before-{:04}", newest()));
    let said = stderr(&output);
    assert!(said.contains("migration 0011 (invites) failed and was rolled back"), "{said}");
    assert!(said.contains(&format!("copy {} over the database", copy.display())), "{said}");
    assert!(said.contains("run the loa you ran before"), "{said}");
    assert_eq!(schema_of(&database).await, 10, "0010 stays applied");
    assert_eq!(schema_of(&copy).await, 9, "the copy is from before the upgrade");
    assert_eq!(witnesses(&copy, 9).await, before);

    // Tried again, it fails again, and keeps the copy that the previous binary can run on.
    let again = loa(dir.path(), &["migrate"], &[]).await;
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("keeping the copy made before an earlier, failed attempt"),
        "{}",
        stderr(&again)
    );
    assert_eq!(schema_of(&copy).await, 9);
}

#[tokio::test]
async fn a_database_newer_than_this_loa_is_said_so_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("loa.db");
    database_at(&database, newest()).await;
    let future = newest() + 1;
    let mut migrations: Vec<Migration> = MIGRATOR.iter().cloned().collect();
    let sql = "CREATE TABLE from_the_future (id INTEGER PRIMARY KEY)".into_sql_str();
    migrations.push(Migration::new(future, "from the future".into(), MigrationType::Simple, sql, false));
    Migrator::with_migrations(migrations).run(&pool(&database).await).await.unwrap();

    let newer =
        format!("the database is at schema {future:04}, newer than this loa knows (up to {:04})", newest());
    let run_vars = [("TELOXIDE_TOKEN", "123:abc"), ("TELOXIDE_API_URL", "http://127.0.0.1:9")];
    for (args, vars) in [(&["migrate"][..], &[][..]), (&["import", "plan.toml"], &[]), (&["run"], &run_vars)]
    {
        let output = loa(dir.path(), args, vars).await;
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(stderr(&output).contains(&newer), "{args:?}: {}", stderr(&output));
        assert!(stderr(&output).contains(&format!(".before-{future:04}")), "{args:?}: names the way back");
    }
    assert_eq!(schema_of(&database).await, future, "left alone");

    let output = loa(dir.path(), &["backup", "copy.db"], &[]).await;
    assert!(output.status.success(), "a copy can still be made: {}", stderr(&output));
    assert!(
        stdout(&output).contains(&format!("schema: {future:04}; this loa expects")),
        "{}",
        stdout(&output)
    );
}

async fn pool(database: &Path) -> SqlitePool {
    SqlitePool::connect(&format!("sqlite://{}", database.display())).await.unwrap()
}

async fn reminders(database: &Path) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM reminders").fetch_one(&pool(database).await).await.unwrap()
}
