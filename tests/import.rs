//! `loa import`: a ward's plan in one go, all checked before any is written, idempotent.

use std::process::Command;

use chrono::{TimeZone, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use loa::{
    domain::{QuietHours, TopicCatalog},
    import::{ImportError, Rules, check_plan, check_plan_from_today, import},
    store::Store,
};

async fn fresh_store(dir: &tempfile::TempDir) -> Store {
    Store::connect(&format!("sqlite://{}", dir.path().join("loa.db").display())).await.unwrap()
}

/// The defaults of a Hà Nội ward.
fn ward_rules(topics: &TopicCatalog) -> Rules<'_> {
    Rules { topics, timezone: Ho_Chi_Minh, quiet_hours: QuietHours::parse("22:00-06:00").unwrap() }
}

async fn reminders(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM reminders").fetch_one(store.pool()).await.unwrap()
}

async fn next_fire(store: &Store, key: &str) -> i64 {
    sqlx::query_scalar("SELECT next_fire_at FROM reminders WHERE import_key = ?1")
        .bind(key)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn the_example_plan_imports_once_and_a_second_import_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(&dir).await;
    let topics = TopicCatalog::new(store.topics().await.unwrap());
    let rules = ward_rules(&topics);
    // Friday 2027-01-01, noon in Hà Nội: before the summer campaign's window.
    let now = Ho_Chi_Minh.with_ymd_and_hms(2027, 1, 1, 12, 0, 0).unwrap().with_timezone(&Utc);
    let plan = std::path::Path::new("examples/plan.toml");

    let first = import(plan, &store, &rules, now).await.unwrap();
    assert_eq!(first.created.len(), 9);
    assert!(first.existing.is_empty());
    let second = import(plan, &store, &rules, now).await.unwrap();
    assert!(second.created.is_empty());
    assert_eq!(second.existing.len(), 9);
    assert_eq!(reminders(&store).await, 9);

    let this_friday = Ho_Chi_Minh.with_ymd_and_hms(2027, 1, 1, 17, 30, 0).unwrap();
    assert_eq!(next_fire(&store, "rac-tdp5").await, this_friday.timestamp_millis());
    let first_summer_saturday = Ho_Chi_Minh.with_ymd_and_hms(2027, 6, 5, 8, 0, 0).unwrap();
    assert_eq!(next_fire(&store, "sot-xuat-huyet-he").await, first_summer_saturday.timestamp_millis());
}

#[tokio::test]
async fn entries_whose_window_has_ended_are_skipped_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(&dir).await;
    let topics = TopicCatalog::new(store.topics().await.unwrap());
    // Friday 2027-10-01 in Hà Nội: the summer campaigns ended on 31 August.
    let now = Ho_Chi_Minh.with_ymd_and_hms(2027, 10, 1, 12, 0, 0).unwrap().with_timezone(&Utc);

    let report =
        import(std::path::Path::new("examples/plan.toml"), &store, &ward_rules(&topics), now).await.unwrap();
    assert_eq!(report.created.len(), 7);
    assert!(report.existing.is_empty());
    let ended = |key: &str| (key.to_owned(), "its window ended on 2027-08-31".to_owned());
    assert_eq!(report.skipped, [ended("sot-xuat-huyet-he"), ended("tay-chan-mieng-he")]);
    assert_eq!(reminders(&store).await, 7);
    let this_friday = Ho_Chi_Minh.with_ymd_and_hms(2027, 10, 1, 17, 30, 0).unwrap();
    assert_eq!(next_fire(&store, "rac-tdp5").await, this_friday.timestamp_millis());
}

#[tokio::test]
async fn a_topic_written_in_vietnamese_is_imported_as_its_slug() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(&dir).await;
    let topics = TopicCatalog::new(store.topics().await.unwrap());
    let plan = dir.path().join("plan.toml");
    std::fs::write(
        &plan,
        r#"
[[reminder]]
key = "sot-xuat-huyet"
when = "t7@08:00"
topic = "Sức-Khỏe"
text = "Diệt bọ gậy, lăng quăng."

[[reminder]]
key = "thu-gom"
when = "t2,t4,t6@17:30"
topic = "rác"
text = "Mang rác ra điểm tập kết."
"#,
    )
    .unwrap();
    import(&plan, &store, &ward_rules(&topics), Utc::now()).await.unwrap();
    let stored: Vec<(String, String)> =
        sqlx::query_as("SELECT import_key, topic FROM reminders ORDER BY import_key")
            .fetch_all(store.pool())
            .await
            .unwrap();
    let expected = [("sot-xuat-huyet", "health"), ("thu-gom", "waste")].map(|(k, t)| (k.into(), t.into()));
    assert_eq!(stored, expected);
}

#[tokio::test]
async fn a_plan_with_errors_lists_them_all_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(&dir).await;
    let topics = TopicCatalog::new(store.topics().await.unwrap());
    let rules = ward_rules(&topics);
    let plan = dir.path().join("plan.toml");
    std::fs::write(
        &plan,
        r#"
[[reminder]]
key = "ok"
when = "daily@07:00"
topic = "waste"
text = "Hợp lệ"

[[reminder]]
key = "bad-time"
when = "daily@25:00"
topic = "waste"
text = "Sai giờ"

[[reminder]]
key = "night"
when = "daily@23:30"
topic = "health"
text = "Giờ yên lặng"

[[reminder]]
key = "ok"
when = "daily@08:00"
topic = "rac"
text = "Trùng khoá"

[[reminder]]
key = "bad-topic"
when = "daily@08:00"
topic = "thoi-tiet"
areas = ["tổ 5"]
text = "Sai chủ đề"
"#,
    )
    .unwrap();
    let error = import(&plan, &store, &rules, Utc::now()).await.unwrap_err();
    let ImportError::Invalid(problems) = error else { panic!("{error}") };
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(problems[0].starts_with("reminder 2 (bad-time): \"25:00\""), "{problems:#?}");
    assert!(problems[1].contains("reminder 3 (night): fires at 23:30 within quiet hours"), "{problems:#?}");
    assert!(problems[2].contains("reminder 4 (ok): the key is used twice"), "{problems:#?}");
    assert!(
        problems[3].contains(
            "reminder 5 (bad-topic): unknown topic \"thoi-tiet\"; topics: rac (waste), y-te (health)"
        ),
        "{problems:#?}"
    );
    assert_eq!(reminders(&store).await, 0, "nothing was written");
}

#[tokio::test]
async fn a_cron_entry_firing_more_than_once_an_hour_is_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(&dir).await;
    let topics = TopicCatalog::new(store.topics().await.unwrap());
    let plan = dir.path().join("plan.toml");
    std::fs::write(
        &plan,
        r#"
[[reminder]]
key = "hourly"
when = "\"0 0 * * * *\""
topic = "general"
urgent = true
text = "Mỗi giờ một lần: được phép"

[[reminder]]
key = "half-hourly"
when = "\"0 */30 8-17 * * *\""
topic = "general"
text = "Mỗi nửa giờ: quá dày"
"#,
    )
    .unwrap();
    let error = import(&plan, &store, &ward_rules(&topics), Utc::now()).await.unwrap_err();
    let ImportError::Invalid(problems) = error else { panic!("{error}") };
    assert_eq!(
        problems,
        [
            "reminder 2 (half-hourly): the cron expression \"0 */30 8-17 * * *\" fires more than once an hour; \
          give it one fixed second and one fixed minute, e.g. \"0 30 17 * * *\""
        ]
    );
    assert_eq!(reminders(&store).await, 0, "nothing was written");
}

#[test]
fn the_binary_imports_a_plan_and_reports_what_it_did() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.toml");
    std::fs::write(
        &plan,
        r#"
[[reminder]]
key = "rac"
when = "t2,t4,t6@17:30"
topic = "waste"
areas = ["5"]
text = "Mang rác ra"

[[reminder]]
key = "tet-2020"
when = "daily@08:00"
topic = "general"
to = "2020-01-31"
text = "Chúc mừng năm mới"
"#,
    )
    .unwrap();
    let loa = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_loa"))
            .args(args)
            .current_dir(dir.path())
            .env_clear()
            .env("TELOXIDE_TOKEN", "1:unused")
            .env("DATABASE_URL", format!("sqlite://{}", dir.path().join("loa.db").display()))
            .output()
            .unwrap()
    };
    let run = || loa(&["import", plan.to_str().unwrap()]);
    let missing = run();
    assert!(!missing.status.success(), "import never creates the database");
    assert!(String::from_utf8_lossy(&missing.stderr).contains("`loa migrate` or `loa run` creates it"));
    assert!(loa(&["migrate"]).status.success());
    let first = run();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(stdout.contains("skipped tet-2020: its window ended on 2020-01-31\n"), "{stdout}");
    assert!(stdout.contains("1 created, 0 already present, 1 skipped"), "{stdout}");
    let second = run();
    assert!(String::from_utf8_lossy(&second.stdout).contains("0 created, 1 already present, 1 skipped"));

    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "[[reminder]]\nkey = 1\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_loa"))
        .args(["import", broken.to_str().unwrap()])
        .env_clear()
        .env("TELOXIDE_TOKEN", "1:unused")
        .env("DATABASE_URL", format!("sqlite://{}", dir.path().join("loa.db").display()))
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("not valid TOML"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn a_plan_moved_to_today_runs_its_campaigns_from_today_keeping_their_length() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(&dir).await;
    let topics = TopicCatalog::new(store.topics().await.unwrap());
    let rules = ward_rules(&topics);
    // Monday 2028-01-03 in Hà Nội: the example plan's 2027 summer campaign has ended.
    let now = Ho_Chi_Minh.with_ymd_and_hms(2028, 1, 3, 9, 0, 0).unwrap().with_timezone(&Utc);
    let text = std::fs::read_to_string("examples/plan.toml").unwrap();
    assert_eq!(check_plan(&text, &rules, now).unwrap().skipped.len(), 2, "as it is, the campaign is over");

    let moved = check_plan_from_today(&text, &rules, now).unwrap();
    assert!(moved.skipped.is_empty(), "{:?}", moved.skipped);
    assert_eq!(moved.entries.len(), 9);
    let dengue = moved.entries.iter().find(|entry| entry.import_key.as_deref() == Some("sot-xuat-huyet-he"));
    let dengue = dengue.unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2028, 1, 3).unwrap();
    assert_eq!(dengue.window.from, Some(today));
    // 2027-06-01 to 2027-08-31 is 91 days; so is the moved window.
    assert_eq!(dengue.window.to, Some(today + chrono::Duration::days(91)));
    // Saturdays at 08:00: the first one after today.
    let first_saturday = Ho_Chi_Minh.with_ymd_and_hms(2028, 1, 8, 8, 0, 0).unwrap().with_timezone(&Utc);
    assert_eq!(dengue.next_fire_at, Some(first_saturday));
    let waste = moved.entries.iter().find(|entry| entry.import_key.as_deref() == Some("rac-tdp5")).unwrap();
    assert_eq!(waste.window.from, None, "entries without a window keep none");
}
