//! Reminder fires of the real `loa` binary against the fake Bot API server.
//!
//! ```sh
//! cargo bench --bench reminders
//! LOA_BENCH_RUNS=1 cargo bench --bench reminders
//! LOA_BENCH_RATE_GLOBAL=30 cargo bench --bench reminders   # Loa's default overall rate, for information
//! LOA_BENCH_LATENCY_MS=30 cargo bench --bench reminders    # the fake answers each sendMessage 30 ms late
//! ```
//!
//! Each run seeds a fresh SQLite file through the library: 1,000 groups, group i bound to area
//! i and subscribed to one topic (the six topics in turn); then, with `Store::import_reminders`
//! (one transaction), 10,000 active reminders with unique import keys. 1,000 of them are due at
//! the same instant D, the start of the first minute in Asia/Ho_Chi_Minh at least 25 s after the
//! groups are seeded (the import, a second or two, comes after; a run stops if it leaves loa less
//! than 15 s): reminder i is `daily@HH:MM` at D's local time, on group i's topic, for area i
//! only, so the first sendMessage to group i is reminder i's fire. The other 9,000 (daily,
//! weekly, monthly and cron schedules at other times) are next due at least an hour after D, at
//! the fire their own schedule gives, so they are spread over the following days and weeks.
//!
//! Then `target/release/loa` starts as a child process pointed at the fake on 127.0.0.1
//! (environment cleared; LOA_QUIET_HOURS=off so that the result does not depend on the hour).
//! The fake enforces no limits and answers at once (`LOA_BENCH_LATENCY_MS` adds latency to every
//! sendMessage); Loa runs with LOA_RATE_GLOBAL=100000 so that its own pacing does not dominate
//! (`LOA_BENCH_RATE_GLOBAL` sets another value, 30 being Loa's default).
//!
//! - **Start-up to ready**: from spawning loa to the fake's first getUpdates call. By then loa has
//!   read its settings, opened and migrated the database, called getMe, setMyCommands (three
//!   times) and deleteWebhook, and spawned the delivery worker and the scheduler. The
//!   scheduler's start-up catch-up runs in its own task and is not awaited before polling (here
//!   it finds nothing due). Target: under 1 s.
//! - **Fire latency**: for each of the 1,000 fires, the time the fake received the first
//!   sendMessage to its group, as wall-clock time, minus D. The fake stamps calls with an
//!   `Instant`; one (Instant, wall clock) pair read before loa starts converts them. The table
//!   also shows the scheduler tick that made the broadcasts (their `created_at`, the tick's `now`,
//!   minus D) and when the bench saw every delivery recorded as sent (polled every 50 ms).
//!   Target: every one under 1 s.
//! - **Peak RSS**: the larger of loa's VmHWM at the end and its VmRSS sampled every 50 ms from
//!   spawn to the end. Target: under 50 MB.
//! - **Checks**: exactly 1,000 broadcasts, each a due reminder's fire at D; each group received
//!   exactly one message and nobody else any; every delivery recorded as sent with a message id;
//!   no other reminder fired or moved, and every due reminder moved on to D + 1 day; loa exits
//!   with status 0 on SIGTERM.
//!
//! Waiting for D takes 25 to 85 s a run; 3 runs by default (`LOA_BENCH_RUNS`). The table shows
//! every run and the median of each figure; PASS/FAIL compares the worst run. The process exits
//! with status 1 if any target is missed.

#[path = "../tests/support/mod.rs"]
mod support;

mod common;

use std::{
    collections::{HashMap, HashSet},
    fmt::Write as _,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use chrono::{DateTime, TimeDelta, Timelike, Utc};
use chrono_tz::{Asia::Ho_Chi_Minh, Tz};
use loa::{
    domain::{AreaCode, PostRequest, Schedule, TopicSelection, When, Window},
    store::{ChatInfo, ChatKind, NewReminder, Store},
};
use sqlx::sqlite::SqlitePool;
use support::fake_telegram::FakeTelegram;
use tokio::process::Child;

use common::{
    count, cpu_time, loa_command, mb, median, proc_status_kb, read_only, runs_from_env, runtime, stop, tail,
    wait_until,
};

/// Named in LOA_ADMINS; the bench sends no command.
const ADMIN: i64 = 42;
/// Group i is FIRST_GROUP - i, bound to area i + 1.
const FIRST_GROUP: i64 = -1_000_001;
/// Reminders due at D, one per group.
const DUE: usize = 1_000;
/// Reminders due later.
const LATER: usize = 9_000;
const TOPICS: [&str; 6] = ["waste", "health", "civic", "security", "meeting", "general"];
/// The ward's zone (LOA_TIMEZONE's default), in which D is the start of a minute.
const ZONE: Tz = Ho_Chi_Minh;
const BODY: &str = "Đề nghị các hộ gia đình để rác sinh hoạt tại điểm tập kết từ 18:00 đến 20:00, \
phân loại rác tái chế, không vứt rác xuống cống, ao hồ. Xe thu gom đi qua các ngõ trong tổ.";

/// D is the start of the first minute at least this long after the groups are seeded.
const LEAD: Duration = Duration::from_secs(25);
/// The reminders' import must leave loa at least this long before D.
const MIN_HEAD_START: Duration = Duration::from_secs(15);
/// The later reminders are next due at least this long after D.
const LATER_AFTER: TimeDelta = TimeDelta::hours(1);
const SAMPLE_EVERY: Duration = Duration::from_millis(50);
/// For loa to poll getUpdates.
const START_DEADLINE: Duration = Duration::from_secs(30);
/// After D, for every delivery to be recorded as sent (longer at slow rates, see `fire_deadline`).
const FIRE_DEADLINE: Duration = Duration::from_secs(30);
const READY_LIMIT: Duration = Duration::from_secs(1);
const FIRE_LIMIT_MS: f64 = 1000.0;
const RSS_LIMIT_MB: f64 = 50.0;

struct Settings {
    runs: usize,
    rate_global: u32,
    latency: Duration,
}

/// What a run seeded.
struct Ward {
    database_url: String,
    groups: Vec<i64>,
    /// When the due reminders fire.
    d: DateTime<Utc>,
    /// The later reminders' next fires (unix milliseconds) by import key.
    later: HashMap<String, i64>,
}

/// The moment loa was spawned, read on both clocks: converts the fake's Instants to wall-clock
/// time.
#[derive(Clone, Copy)]
struct Spawned {
    at: Instant,
    wall: DateTime<Utc>,
}

impl Spawned {
    fn wall_time(&self, at: Instant) -> DateTime<Utc> {
        if at >= self.at {
            self.wall + TimeDelta::from_std(at - self.at).unwrap_or_default()
        } else {
            self.wall - TimeDelta::from_std(self.at - at).unwrap_or_default()
        }
    }
}

/// What one run measured. Times in milliseconds are relative to D.
struct Run {
    ready: Duration,
    /// The tick that made the broadcasts: their `created_at` minus D.
    tick_ms: Option<f64>,
    /// The first sendMessage to each group that received one, minus D, sorted.
    latencies: Vec<f64>,
    /// When the bench saw every delivery recorded as sent; `None` if the deadline passed.
    all_sent_ms: Option<f64>,
    broadcasts: usize,
    /// Broadcasts that are a due reminder's fire at D.
    due_broadcasts: usize,
    /// Groups that received no message, more than one, and messages to other chats.
    lost: usize,
    duplicates: usize,
    stray: usize,
    deliveries: usize,
    /// Deliveries in state 'sent' with a message id.
    durable: usize,
    /// Due reminders whose next fire is D + 1 day.
    advanced: usize,
    /// Later reminders that fired, were counted as missed, or whose next fire changed.
    others: usize,
    peak_rss_kb: u64,
    /// CPU time of loa from a second before D to the end.
    loa_cpu: Duration,
    exit_problem: Option<String>,
}

fn main() {
    let settings = Settings {
        runs: runs_from_env().unwrap_or(3),
        rate_global: env_number("LOA_BENCH_RATE_GLOBAL", 100_000, 1),
        latency: Duration::from_millis(env_number("LOA_BENCH_LATENCY_MS", 0, 0).into()),
    };
    let runtime = runtime();
    println!(
        "\nReminder fires: {DUE} of {} active reminders due at the same minute D, each to its own group",
        DUE + LATER
    );
    println!(
        "{} run(s), loa = {}\nfake: no limits, {} ms per sendMessage (LOA_BENCH_LATENCY_MS); \
         loa: LOA_RATE_GLOBAL={} (LOA_BENCH_RATE_GLOBAL{}), LOA_QUIET_HOURS=off",
        settings.runs,
        env!("CARGO_BIN_EXE_loa"),
        settings.latency.as_millis(),
        settings.rate_global,
        if settings.rate_global >= 10_000 {
            "; high so that Loa's own pacing does not dominate, 30 is its default"
        } else {
            ""
        },
    );
    let mut results = Vec::new();
    let mut all_passed = true;
    for index in 1..=settings.runs {
        match runtime.block_on(run(&settings)) {
            Ok(result) => {
                eprintln!("  run {index}/{} done", settings.runs);
                results.push(result);
            }
            Err(error) => {
                println!("run {index}: ERROR {error}");
                all_passed = false;
            }
        }
    }
    if results.is_empty() {
        println!("FAIL no run completed");
        std::process::exit(1);
    }
    print!("{}", table(&results));
    let verdicts = verdicts(&results);
    for (passed, line) in &verdicts {
        println!("{} {line}", if *passed { "PASS" } else { "FAIL" });
    }
    all_passed &= verdicts.iter().all(|(passed, _)| *passed);
    if !all_passed {
        std::process::exit(1);
    }
}

/// A whole number of at least `min` from the environment, `default` if unset; exits with status
/// 2 otherwise.
fn env_number(variable: &str, default: u32, min: u32) -> u32 {
    match std::env::var(variable) {
        Ok(value) => match value.trim().parse::<u32>() {
            Ok(number) if number >= min => number,
            _ => {
                eprintln!("{variable}: {value:?} is not a whole number of at least {min}");
                std::process::exit(2);
            }
        },
        Err(_) => default,
    }
}

async fn run(settings: &Settings) -> Result<Run, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let database = dir.path().join("loa.db");
    let database_url = format!("sqlite://{}", database.display());
    let groups: Vec<i64> = (0..DUE as i64).map(|i| FIRST_GROUP - i).collect();
    let seeding = Instant::now();
    let store = Store::connect(&database_url).await.map_err(|e| format!("seed: {e}"))?;
    seed_groups(&store, &groups).await?;
    let d = start_of_minute_after(Utc::now() + LEAD);
    let later = seed_reminders(&store, d).await?;
    store.pool().close().await;
    let ward = Ward { database_url, groups, d, later };
    let head_start = (d - Utc::now()).to_std().unwrap_or_default();
    eprintln!(
        "  seeded {} groups and {} reminders in {:.1} s; D = {} ({} local), in {:.1} s",
        ward.groups.len(),
        DUE + LATER,
        seeding.elapsed().as_secs_f64(),
        d.format("%H:%M:%S UTC"),
        d.with_timezone(&ZONE).format("%H:%M"),
        head_start.as_secs_f64()
    );
    if head_start < MIN_HEAD_START {
        return Err(format!(
            "seeding left loa only {head_start:?} before D; at least {MIN_HEAD_START:?} needed"
        ));
    }

    let fake = FakeTelegram::start().await;
    fake.set_latency(settings.latency);
    let log = dir.path().join("loa.log");
    let mut command = loa_command(&fake.url(), &ward.database_url, ADMIN, dir.path(), &log)?;
    command.env("LOA_RATE_GLOBAL", settings.rate_global.to_string());
    let spawned = Spawned { at: Instant::now(), wall: Utc::now() };
    let mut loa = command.spawn().map_err(|e| format!("start {}: {e}", env!("CARGO_BIN_EXE_loa")))?;
    let result = drive(settings, &fake, &mut loa, spawned, &ward).await;
    if result.is_err() {
        // kill_on_drop would do it too; this also reaps the process.
        let _ = loa.kill().await;
    }
    result.map_err(|error| format!("{error}\n--- loa's log (last lines) ---\n{}", tail(&log, 20)))
}

/// D: the first start of a minute in the ward's zone at or after `earliest`.
fn start_of_minute_after(earliest: DateTime<Utc>) -> DateTime<Utc> {
    let local = earliest.with_timezone(&ZONE);
    let minute = local.with_second(0).and_then(|t| t.with_nanosecond(0)).expect("a valid local time");
    let minute = if minute < local { minute + TimeDelta::minutes(1) } else { minute };
    minute.to_utc()
}

/// Records the groups as if each group's admin had sent `/area <i + 1>` and `/subscribe <topic>`,
/// through the library's own calls.
async fn seed_groups(store: &Store, groups: &[i64]) -> Result<(), String> {
    let now = Utc::now();
    for (i, &id) in groups.iter().enumerate() {
        let chat = ChatInfo { id, kind: ChatKind::Group, title: format!("Tổ dân phố {}", i + 1) };
        store.touch_chat(&chat, now).await.map_err(|e| format!("seed chat {id}: {e}"))?;
        store.set_area(id, Some(&area(i))).await.map_err(|e| format!("seed area {id}: {e}"))?;
        let topic = TopicSelection::Some(vec![TOPICS[i % TOPICS.len()].into()]);
        store.subscribe(id, &topic, now).await.map_err(|e| format!("seed subscription {id}: {e}"))?;
    }
    Ok(())
}

fn area(i: usize) -> AreaCode {
    AreaCode::parse(&(i + 1).to_string()).expect("a number is an area code")
}

/// Imports the reminders in one transaction: `due-<i>` at D for group i, `later-<j>` next due at
/// least an hour after D. Returns the later ones' next fires by import key.
async fn seed_reminders(store: &Store, d: DateTime<Utc>) -> Result<HashMap<String, i64>, String> {
    let at = d.with_timezone(&ZONE).time();
    let when = When::Daily { at }.to_storage();
    let daily = schedule(&when)?;
    if daily.next_fire_after(d - TimeDelta::seconds(1), ZONE) != Some(d) {
        return Err(format!("{when} does not fire at D = {d}"));
    }
    let mut plan = Vec::with_capacity(DUE + LATER);
    for i in 0..DUE {
        plan.push(NewReminder {
            when: when.clone(),
            window: Window::default(),
            request: PostRequest {
                topic: TOPICS[i % TOPICS.len()].into(),
                areas: vec![area(i)],
                pin: false,
                urgent: false,
                body: format!("Tổ dân phố {}: {BODY}", i + 1),
            },
            next_fire_at: Some(d),
            import_key: Some(format!("due-{i}")),
        });
    }
    let mut later = HashMap::with_capacity(LATER);
    for j in 0..LATER {
        let (hour, minute) = (6 + j % 16, (j * 7) % 60);
        let token = match j % 4 {
            0 => format!("daily@{hour:02}:{minute:02}"),
            1 => format!("{}@{hour:02}:{minute:02}", ["mon,wed,fri", "tue,thu", "sat", "cn"][j / 4 % 4]),
            2 => format!("monthly-{}@{hour:02}:{minute:02}", 1 + j % 28),
            _ => format!("\"0 {minute} {hour} * * *\""),
        };
        let when = When::parse(&token).map_err(|e| format!("{token}: {e}"))?.to_storage();
        let next = schedule(&when)?
            .next_fire_after(d + LATER_AFTER, ZONE)
            .ok_or_else(|| format!("{when} never fires after D"))?;
        let key = format!("later-{j}");
        later.insert(key.clone(), next.timestamp_millis());
        plan.push(NewReminder {
            when,
            window: Window::default(),
            request: PostRequest {
                topic: TOPICS[j % TOPICS.len()].into(),
                // Every third one is ward-wide.
                areas: if j % 3 == 0 { Vec::new() } else { vec![area(j % DUE)] },
                pin: j % 5 == 0,
                urgent: false,
                body: format!("Nhắc việc {}: {BODY}", j + 1),
            },
            next_fire_at: Some(next),
            import_key: Some(key),
        });
    }
    let ids = store.import_reminders(&plan, Utc::now()).await.map_err(|e| format!("import: {e}"))?;
    let created = ids.iter().flatten().count();
    if created != plan.len() {
        return Err(format!("the import created {created} of {} reminders", plan.len()));
    }
    Ok(later)
}

fn schedule(when: &str) -> Result<Schedule, String> {
    let when = When::parse(when).map_err(|e| format!("{when}: {e}"))?;
    Ok(Schedule { when, from: None, to: None, skipped: Default::default() })
}

async fn drive(
    settings: &Settings,
    fake: &FakeTelegram,
    loa: &mut Child,
    spawned: Spawned,
    ward: &Ward,
) -> Result<Run, String> {
    let pid = loa.id().ok_or("loa has no pid")?;
    let peak_rss_kb = Arc::new(AtomicU64::new(0));
    let sampler = tokio::spawn(sample_rss(pid, peak_rss_kb.clone()));
    let result = watch(settings, fake, loa, pid, spawned, ward).await;
    sampler.abort();
    let mut run = result?;
    run.peak_rss_kb = run.peak_rss_kb.max(peak_rss_kb.load(Ordering::Relaxed));
    Ok(run)
}

/// Keeps the largest VmRSS of `pid` in `peak`, every 50 ms, until aborted.
async fn sample_rss(pid: u32, peak: Arc<AtomicU64>) {
    let mut ticker = tokio::time::interval(SAMPLE_EVERY);
    loop {
        ticker.tick().await;
        if let Some(rss) = proc_status_kb(pid, "VmRSS:") {
            peak.fetch_max(rss, Ordering::Relaxed);
        }
    }
}

async fn watch(
    settings: &Settings,
    fake: &FakeTelegram,
    loa: &mut Child,
    pid: u32,
    spawned: Spawned,
    ward: &Ward,
) -> Result<Run, String> {
    let Ward { database_url, groups, d, later } = ward;
    let d = *d;
    let first_poll = wait_until(loa, START_DEADLINE, "loa to poll getUpdates", || {
        fake.calls_to("getUpdates").first().map(|call| call.at)
    })
    .await?;
    let ready = first_poll.saturating_duration_since(spawned.at);

    let d_instant = spawned.at + (d - spawned.wall).to_std().map_err(|_| "D passed before loa started")?;
    let deadline = fire_deadline(settings.rate_global);
    let db = read_only(database_url).await?;
    let mut cpu_mark = None;
    let mut ticker = tokio::time::interval(SAMPLE_EVERY);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let all_sent = loop {
        ticker.tick().await;
        if let Ok(Some(status)) = loa.try_wait() {
            return Err(format!("loa exited ({status}) before every fire was delivered"));
        }
        let now = Instant::now();
        if now + Duration::from_secs(1) < d_instant {
            continue;
        }
        let cpu_before = *cpu_mark.get_or_insert_with(|| cpu_time(&pid.to_string()));
        if now < d_instant {
            continue;
        }
        let sent = count(&db, "SELECT count(*) FROM deliveries WHERE state = 'sent'").await?;
        if sent >= groups.len() {
            break (Some(now - d_instant), cpu_before);
        }
        if now >= d_instant + deadline {
            break (None, cpu_before);
        }
    };
    let (all_sent, cpu_before) = all_sent;
    let hwm = proc_status_kb(pid, "VmHWM:").unwrap_or(0);
    let loa_cpu = cpu_time(&pid.to_string()).saturating_sub(cpu_before);
    let exit_problem = stop(loa, pid).await;

    // Everything relative to D, in milliseconds.
    let since_d =
        |at: Instant| (spawned.wall_time(at) - d).num_microseconds().unwrap_or(i64::MAX) as f64 / 1000.0;
    let group_set: HashSet<i64> = groups.iter().copied().collect();
    let mut first_send: HashMap<i64, Instant> = HashMap::new();
    for call in fake.calls_to("sendMessage") {
        if let Some(chat) = call.body["chat_id"].as_i64().filter(|chat| group_set.contains(chat)) {
            first_send.entry(chat).or_insert(call.at);
        }
    }
    let mut latencies: Vec<f64> = first_send.values().map(|at| since_d(*at)).collect();
    latencies.sort_by(f64::total_cmp);
    let mut received: HashMap<i64, usize> = groups.iter().map(|&chat| (chat, 0)).collect();
    let mut stray = 0;
    for message in fake.sent_messages() {
        match received.get_mut(&message.chat_id) {
            Some(count) => *count += 1,
            None => stray += 1,
        }
    }

    let d_ms = d.timestamp_millis();
    let tick: Option<i64> = scalar(&db, "SELECT min(created_at) FROM broadcasts", &[]).await?;
    let run = Run {
        ready,
        tick_ms: tick.map(|created| (created - d_ms) as f64),
        latencies,
        all_sent_ms: all_sent.map(|elapsed| elapsed.as_secs_f64() * 1000.0),
        broadcasts: count(&db, "SELECT count(*) FROM broadcasts").await?,
        due_broadcasts: scalar_count(
            &db,
            "SELECT count(DISTINCT b.reminder_id) FROM broadcasts b JOIN reminders r ON r.id = b.reminder_id
             WHERE r.import_key LIKE 'due-%' AND b.fire_at = ?1 AND b.late = 0",
            &[d_ms],
        )
        .await?,
        lost: received.values().filter(|n| **n == 0).count(),
        duplicates: received.values().filter(|n| **n > 1).count(),
        stray,
        deliveries: count(&db, "SELECT count(*) FROM deliveries").await?,
        durable: count(
            &db,
            "SELECT count(*) FROM deliveries WHERE state = 'sent' AND message_id IS NOT NULL",
        )
        .await?,
        advanced: scalar_count(
            &db,
            "SELECT count(*) FROM reminders
             WHERE import_key LIKE 'due-%' AND status = 'active' AND next_fire_at = ?1 AND missed = 0",
            &[(d + TimeDelta::days(1)).timestamp_millis()],
        )
        .await?,
        others: others_moved(&db, later).await?
            + count(
                &db,
                "SELECT count(*) FROM broadcasts b LEFT JOIN reminders r ON r.id = b.reminder_id
                 WHERE r.import_key IS NULL OR r.import_key NOT LIKE 'due-%'",
            )
            .await?,
        peak_rss_kb: hwm,
        loa_cpu,
        exit_problem,
    };
    db.close().await;
    Ok(run)
}

/// After D, how long the bench waits for every delivery: 30 s, or three times what the overall
/// rate needs for 1,000 messages if that is longer.
fn fire_deadline(rate_global: u32) -> Duration {
    FIRE_DEADLINE.max(Duration::from_secs_f64(3.0 * DUE as f64 / f64::from(rate_global)))
}

/// Later reminders no longer as imported: another status, a missed fire, another next fire.
async fn others_moved(db: &SqlitePool, later: &HashMap<String, i64>) -> Result<usize, String> {
    let rows: Vec<(String, String, Option<i64>, i64)> = sqlx::query_as(
        "SELECT import_key, status, next_fire_at, missed FROM reminders WHERE import_key LIKE 'later-%'",
    )
    .fetch_all(db)
    .await
    .map_err(|e| format!("the later reminders: {e}"))?;
    let unchanged = rows
        .iter()
        .filter(|(key, status, next, missed)| {
            status == "active" && *missed == 0 && next.is_some() && later.get(key) == next.as_ref()
        })
        .count();
    Ok(later.len() - unchanged)
}

async fn scalar(db: &SqlitePool, sql: &'static str, binds: &[i64]) -> Result<Option<i64>, String> {
    let mut query = sqlx::query_scalar(sql);
    for bind in binds {
        query = query.bind(*bind);
    }
    query.fetch_one(db).await.map_err(|e| format!("{sql}: {e}"))
}

async fn scalar_count(db: &SqlitePool, sql: &'static str, binds: &[i64]) -> Result<usize, String> {
    Ok(scalar(db, sql, binds).await?.unwrap_or(0) as usize)
}

/// The value at `fraction` of sorted `values` (nearest rank).
fn percentile(values: &[f64], fraction: f64) -> Option<f64> {
    let rank = ((fraction * values.len() as f64).ceil() as usize).clamp(1, values.len().max(1));
    values.get(rank - 1).copied()
}

fn late_fires(run: &Run) -> usize {
    // A group that got nothing is a fire that never arrived: late too.
    run.latencies.iter().filter(|ms| **ms >= FIRE_LIMIT_MS).count() + (DUE - run.latencies.len())
}

fn ms(value: Option<f64>) -> String {
    value.map_or("-".into(), |ms| format!("{ms:.0}"))
}

fn table(results: &[Run]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<7} {:>8} {:>7} {:>7} {:>7} {:>7} {:>7} {:>6} {:>8} {:>6} {:>5} {:>4} {:>8} {:>6} {:>6} {:>8} {:>6}  exit",
        "run",
        "ready ms",
        "tick ms",
        "min ms",
        "med ms",
        "p95 ms",
        "max ms",
        ">1 s",
        "all sent",
        "bcasts",
        "lost",
        "dup",
        "durable",
        "moved",
        "others",
        "peak MB",
        "CPU s"
    );
    for (index, run) in results.iter().enumerate() {
        let lats = &run.latencies;
        let _ = writeln!(
            out,
            "{:<7} {:>8.0} {:>7} {:>7} {:>7} {:>7} {:>7} {:>6} {:>8} {:>6} {:>5} {:>4} {:>8} {:>6} {:>6} {:>8.1} {:>6.1}  {}",
            index + 1,
            run.ready.as_secs_f64() * 1000.0,
            ms(run.tick_ms),
            ms(lats.first().copied()),
            ms(percentile(lats, 0.5)),
            ms(percentile(lats, 0.95)),
            ms(lats.last().copied()),
            late_fires(run),
            run.all_sent_ms.map_or(">deadline".into(), |ms| format!("{ms:.0}")),
            run.broadcasts,
            run.lost,
            run.duplicates + run.stray,
            run.durable,
            run.advanced,
            run.others,
            mb(run.peak_rss_kb),
            run.loa_cpu.as_secs_f64(),
            run.exit_problem.as_deref().unwrap_or("0"),
        );
    }
    if results.len() > 1 {
        let med = |metric: fn(&Run) -> Option<f64>| {
            let values: Vec<f64> = results.iter().filter_map(metric).collect();
            if values.is_empty() { "-".into() } else { format!("{:.0}", median(values)) }
        };
        let _ = writeln!(
            out,
            "{:<7} {:>8} {:>7} {:>7} {:>7} {:>7} {:>7} {:>6} {:>8} {:>6} {:>5} {:>4} {:>8} {:>6} {:>6} {:>8.1} {:>6.1}",
            "median",
            med(|r| Some(r.ready.as_secs_f64() * 1000.0)),
            med(|r| r.tick_ms),
            med(|r| r.latencies.first().copied()),
            med(|r| percentile(&r.latencies, 0.5)),
            med(|r| percentile(&r.latencies, 0.95)),
            med(|r| r.latencies.last().copied()),
            med(|r| Some(late_fires(r) as f64)),
            med(|r| r.all_sent_ms),
            med(|r| Some(r.broadcasts as f64)),
            med(|r| Some(r.lost as f64)),
            med(|r| Some((r.duplicates + r.stray) as f64)),
            med(|r| Some(r.durable as f64)),
            med(|r| Some(r.advanced as f64)),
            med(|r| Some(r.others as f64)),
            median(results.iter().map(|r| mb(r.peak_rss_kb)).collect()),
            median(results.iter().map(|r| r.loa_cpu.as_secs_f64()).collect()),
        );
    }
    let _ = writeln!(
        out,
        "(ready: spawn to the first getUpdates; tick: the broadcasts' created_at, the scheduler tick's \
         clock, minus D;\n min/med/p95/max: each group's first sendMessage at the fake minus D; >1 s: \
         fires not sent within 1 s of D;\n all sent: D to every delivery seen recorded as sent (polled \
         every 50 ms); bcasts: broadcasts; dup: extra messages;\n moved: due reminders moved on to D + 1 \
         day; others: other reminders that fired or moved; CPU s: loa's CPU seconds from D - 1 s)"
    );
    out
}

/// The targets, each with whether it was met in every run.
fn verdicts(results: &[Run]) -> Vec<(bool, String)> {
    let worst = |metric: &dyn Fn(&Run) -> u64| results.iter().map(metric).max().unwrap_or(0);
    let worst_ms = |metric: &dyn Fn(&Run) -> Option<f64>| {
        results.iter().map(|r| metric(r).unwrap_or(f64::INFINITY)).fold(f64::NEG_INFINITY, f64::max)
    };
    let ready_ms = worst_ms(&|r| Some(r.ready.as_secs_f64() * 1000.0));
    let max_ms = worst_ms(&|r| r.latencies.last().copied());
    let late = worst(&|r| late_fires(r) as u64);
    let wrong_broadcasts =
        worst(&|r| (r.broadcasts.abs_diff(DUE) + DUE.saturating_sub(r.due_broadcasts)) as u64);
    let lost = worst(&|r| r.lost as u64);
    let extra = worst(&|r| (r.duplicates + r.stray) as u64);
    let not_durable = worst(&|r| (r.deliveries.abs_diff(DUE) + DUE.saturating_sub(r.durable)) as u64);
    let not_advanced = worst(&|r| DUE.saturating_sub(r.advanced) as u64);
    let others = worst(&|r| r.others as u64);
    let peak_mb = mb(worst(&|r| r.peak_rss_kb));
    let bad_exits: Vec<&str> = results.iter().filter_map(|r| r.exit_problem.as_deref()).collect();
    vec![
        (
            ready_ms < READY_LIMIT.as_secs_f64() * 1000.0,
            format!(
                "start-up to ready (first getUpdates) {ready_ms:.0} ms (worst run) < {} ms",
                READY_LIMIT.as_millis()
            ),
        ),
        (
            late == 0 && max_ms < FIRE_LIMIT_MS,
            format!(
                "every fire's first send within {FIRE_LIMIT_MS:.0} ms of D: slowest {max_ms:.0} ms, \
                 {late} of {DUE} later (worst run)"
            ),
        ),
        (
            wrong_broadcasts == 0,
            format!(
                "exactly {DUE} broadcasts, one per due reminder's fire at D: {wrong_broadcasts} off (worst run)"
            ),
        ),
        (
            lost == 0 && extra == 0,
            format!("each group received exactly one message: {lost} without, {extra} extra (worst run)"),
        ),
        (
            not_durable == 0,
            format!("every delivery recorded sent with a message_id: {not_durable} missing (worst run)"),
        ),
        (
            others == 0 && not_advanced == 0,
            format!(
                "no other reminder fired or moved: {others}; due reminders not moved on to D + 1 day: \
                 {not_advanced} (worst run)"
            ),
        ),
        (peak_mb < RSS_LIMIT_MB, format!("peak RSS {peak_mb:.1} MB (worst run) < {RSS_LIMIT_MB} MB")),
        (bad_exits.is_empty(), format!("loa exits with status 0 on SIGTERM: {bad_exits:?}")),
    ]
}
