//! Broadcast throughput of the real `loa` binary against the fake Bot API server, alone and
//! with replies to people, a storm of groups joining, or a backlog of deliveries due tomorrow.
//!
//! ```sh
//! cargo bench --bench broadcast                      # every scenario
//! cargo bench --bench broadcast -- a storm           # only these: a, aburst, storm, album, b, bfuture
//! LOA_BENCH_RUNS=5 cargo bench --bench broadcast -- b
//! ```
//!
//! - **A, Telegram limits** (`a`): the fake answers 429 where Telegram would (30/s overall,
//!   20/min per group, 1/s per chat); Loa runs with its default rates; one announcement to 1,000
//!   groups.
//! - **A+burst** (`aburst`): A, and once 100 deliveries are recorded, 300 of the 1,000 groups
//!   each send `/topics` (which groups answer), the 300 updates spread evenly over one second.
//!   The burst groups are among the subscribed ones, 3 in every 10 by number, so that about 30
//!   already have the announcement and about 270 still wait for it: a reply and a delivery to one
//!   group share its limits. Loa sends replies first, so the broadcast takes longer; its time is
//!   compared with A's (selecting `aburst` runs A too).
//! - **Join storm** (`storm`): Telegram's limits as in A, but no group is seeded. Within one
//!   second arrive 2,000 updates: for each of 1,000 groups, a `my_chat_member` adding the bot
//!   (Loa greets a group it newly joined) and then `/subscribe waste` from that group's admin
//!   (the fake says the sender is an administrator, so the subscription is allowed). Once every
//!   subscription is recorded, the official posts to the 1,000 groups; the preview and the
//!   confirmation wait behind the 2,000 replies like any reply, and the deliveries go after them.
//!   About 2,000 / 30 + 1,000 / 30 = 100 s in all.
//! - **Album** (`album`): A, but the announcement is an album of 3 photos that the official
//!   sent the bot (3 updates, one `media_group_id`, the caption on the first) and posted by
//!   replying `/post waste` to it: one `sendMediaGroup` per group, which counts as 3 messages
//!   against every limit. Throughput is in messages (3 per group), compared with A's; a group
//!   with more than 3 items got (part of) the album twice.
//! - **B, paid-broadcast ceiling** (`b`): no limits, 30 ms of latency on every sendMessage; Loa's
//!   own pacing is effectively off (LOA_RATE_GLOBAL=100000); one announcement to 10,000 groups.
//! - **B+future** (`bfuture`): B, with an earlier broadcast (a lower id, so its rows come first
//!   in the worker's queue order) confirmed for tomorrow: 100,000 pending deliveries, next attempt
//!   a day ahead, to chats Loa does not know, seeded in one statement. A claim that walks those
//!   rows instead of skipping them slows the broadcast; its throughput is compared with B's
//!   (selecting `bfuture` runs B too).
//!
//! Each run seeds a fresh SQLite file through the library (the groups, each subscribed to
//! `waste` as if its admin had sent `/subscribe waste`; the backlog in raw SQL), starts
//! `target/release/loa` as a child process pointed at the fake on 127.0.0.1 (environment
//! cleared; LOA_QUIET_HOURS=off so that the result does not depend on the hour), posts and
//! confirms as official 42, then polls the database (read-only) every 50 ms until every delivery
//! of that broadcast is recorded as sent. Where limits apply, the fake enforces them from the
//! start: Loa paces replies under the same limits as deliveries.
//!
//! - **Throughput**: groups divided by the time from the pushed `/confirm` to that moment. The
//!   table also shows the fake's rate over every sendMessage to a group ((n - 1) / (last -
//!   first), replies included) and the time from `/confirm` to the first announcement.
//! - **Checks**: 429s counted by the fake; groups without the announcement (lost) or with it
//!   twice; deliveries recorded as sent with a message id (durable); loa exits with status 0 on
//!   SIGTERM.
//! - **Replies** (A+burst, join storm): a group's k-th reply (any sendMessage to it but the
//!   announcement; of a request sent again after a 429, the last) answers its k-th update. The
//!   latency is the fake's receipt of the reply minus the moment the bench pushed the update
//!   (both `Instant`s); "all answered" runs from the first push to the last reply.
//! - **Peak RSS**: the larger of loa's VmHWM at the end and its VmRSS sampled every 50 ms, over
//!   the whole run (the storm included).
//!
//! A, A+burst and the join storm run once by default, B and B+future three times;
//! `LOA_BENCH_RUNS` sets the count for all. The table shows every run and the median; PASS/FAIL
//! compares the median throughput, and the worst run for every count and for memory; INFO lines
//! report without a target. The process exits with status 1 if any target is missed.

#[path = "../tests/support/mod.rs"]
mod support;

mod common;

use std::{
    collections::{HashMap, HashSet},
    fmt::Write as _,
    path::Path,
    time::{Duration, Instant},
};

use chrono::Utc;
use common::{
    PeakRss, count, cpu_time, group_title, loa_command, mb, median, percentile, read_only, runs_from_env,
    runtime, stop, subscribe_groups, tail, until_polling, wait_until,
};
use loa::store::Store;
use serde_json::Value;
use sqlx::SqlitePool;
use support::{
    fake_telegram::{FakeTelegram, Limits},
    updates,
};
use tokio::process::Child;

/// The official who posts; named in LOA_ADMINS.
const ADMIN: i64 = 42;
/// Groups are numbered down from here: -1_000_001, -1_000_002, ...
const FIRST_GROUP: i64 = -1_000_001;
/// Group n's updates come from user FIRST_GROUP_USER + n, its admin in the join storm.
const FIRST_GROUP_USER: i64 = 10_000;
/// The backlog's chats, unknown to Loa, are numbered down from here.
const FIRST_BACKLOG_CHAT: i64 = -2_000_001;
const BACKLOG_DELIVERIES: usize = 100_000;
const ALBUM_ITEMS: usize = 3;
/// A ward's reminder about waste, in the register officials write in.
const ANNOUNCEMENT: &str = "Thời gian qua vẫn còn một số hộ dân đổ rác chưa đúng giờ, đúng nơi quy định, \
gây mất vệ sinh môi trường tại các ngõ xóm. Đề nghị các hộ gia đình để rác sinh hoạt tại điểm tập kết \
từ 18:00 đến 20:00 các ngày thứ Hai, thứ Tư, thứ Sáu; phân loại rác tái chế, không vứt rác xuống \
cống, ao hồ. Các tổ dân vận tổ dân phố tăng cường tuyên truyền, vận động Nhân dân thực hiện chủ đề \
“Hành động vì một Long Biên Xanh – Sạch – Đẹp – Văn minh” và Bộ quy tắc ứng xử trong cộng đồng dân cư.";

const SAMPLE_EVERY: Duration = Duration::from_millis(50);
/// For start-up, the preview, the confirmation and the storm's subscriptions. Each normally
/// takes well under a second, but in the join storm a reply waits behind 2,000 others (70 s).
const STEP_DEADLINE: Duration = Duration::from_secs(120);
/// After the last delivery, for replies still on their way: they go first, so normally none is.
const REPLY_GRACE: Duration = Duration::from_secs(10);
/// A burst's or a storm's updates arrive spread evenly over this long.
const SPREAD: Duration = Duration::from_secs(1);
/// Deliveries recorded before the burst begins.
const BURST_AFTER: usize = 100;
/// Groups numbered n with n % 10 below this send the burst's command: 3 in 10.
const BURST_SHARE_OF_TEN: usize = 3;

/// The deliveries of the measured broadcast (the newest) recorded as sent.
const SENT: &str = "SELECT count(*) FROM deliveries
    WHERE broadcast_id = (SELECT max(id) FROM broadcasts) AND state = 'sent'";
const DURABLE: &str = "SELECT count(*) FROM deliveries
    WHERE broadcast_id = (SELECT max(id) FROM broadcasts) AND state = 'sent' AND message_id IS NOT NULL";
const SUBSCRIPTIONS: &str = "SELECT count(*) FROM subscriptions";

const TELEGRAM_LIMITS: Option<Limits> =
    Some(Limits { global_per_sec: 30, per_group_per_min: 20, per_chat_per_sec: 1 });
const DEFAULT_RATES: [(&str, u32); 3] =
    [("LOA_RATE_GLOBAL", 30), ("LOA_RATE_PER_GROUP_MIN", 20), ("LOA_RATE_PER_CHAT_SEC", 1)];
const UNPACED_RATES: [(&str, u32); 3] =
    [("LOA_RATE_GLOBAL", 100_000), ("LOA_RATE_PER_GROUP_MIN", 20), ("LOA_RATE_PER_CHAT_SEC", 1)];

/// What happens besides the measured broadcast.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Load {
    Alone,
    /// Once BURST_AFTER deliveries are recorded, 3 groups in 10 each send `/topics`.
    Burst,
    /// No group is seeded; before the post, each adds the bot and subscribes.
    JoinStorm,
    /// An earlier broadcast's BACKLOG_DELIVERIES deliveries wait for tomorrow.
    FutureBacklog,
    /// The announcement is an album of ALBUM_ITEMS photos.
    Album,
}

impl Load {
    /// Messages each group receives: every album item counts.
    fn messages_per_group(self) -> usize {
        if self == Load::Album { ALBUM_ITEMS } else { 1 }
    }
}

struct Scenario {
    key: &'static str,
    title: &'static str,
    groups: usize,
    /// What the fake enforces.
    limits: Option<Limits>,
    /// Added by the fake to every sendMessage.
    latency: Duration,
    /// LOA_RATE_GLOBAL, LOA_RATE_PER_GROUP_MIN, LOA_RATE_PER_CHAT_SEC.
    rates: [(&'static str, u32); 3],
    load: Load,
    /// From `/confirm` until every delivery is recorded.
    deadline: Duration,
    default_runs: usize,
    /// `None`: reported only (replies share the limits with the broadcast).
    min_throughput: Option<f64>,
    /// Compared with another scenario's median, which runs first.
    baseline: Option<Baseline>,
    /// No 429, none lost, none twice.
    strict: bool,
    max_rss_mb: f64,
}

struct Baseline {
    key: &'static str,
    /// The least share of the baseline's throughput that passes; `None`: reported only.
    min_share: Option<f64>,
}

static SCENARIOS: [Scenario; 6] = [
    Scenario {
        key: "a",
        title: "A: Telegram limits (fake enforces 30/s, 20/min/group, 1/s/chat; Loa at its defaults)",
        groups: 1_000,
        limits: TELEGRAM_LIMITS,
        latency: Duration::ZERO,
        rates: DEFAULT_RATES,
        load: Load::Alone,
        deadline: Duration::from_secs(120),
        default_runs: 1,
        // 97 % of the limit: the pacer keeps 2 % of room for requests that arrive late.
        min_throughput: Some(29.1),
        baseline: None,
        strict: true,
        max_rss_mb: 50.0,
    },
    Scenario {
        key: "aburst",
        title: "A+burst: A, and 300 of the groups send /topics within 1 s once 100 deliveries are recorded",
        groups: 1_000,
        limits: TELEGRAM_LIMITS,
        latency: Duration::ZERO,
        rates: DEFAULT_RATES,
        load: Load::Burst,
        deadline: Duration::from_secs(120),
        default_runs: 1,
        min_throughput: None,
        baseline: Some(Baseline { key: "a", min_share: None }),
        strict: true,
        max_rss_mb: 50.0,
    },
    Scenario {
        key: "storm",
        title: "Join storm: 1,000 groups add the bot and subscribe within 1 s (2,000 updates), then the \
                broadcast; Telegram limits as in A",
        groups: 1_000,
        limits: TELEGRAM_LIMITS,
        latency: Duration::ZERO,
        rates: DEFAULT_RATES,
        load: Load::JoinStorm,
        deadline: Duration::from_secs(240),
        default_runs: 1,
        min_throughput: None,
        baseline: None,
        strict: true,
        max_rss_mb: 25.0,
    },
    Scenario {
        key: "album",
        title: "Album: A, but a 3-photo album posted by replying /post to it (msg/s counts every item)",
        groups: 1_000,
        limits: TELEGRAM_LIMITS,
        latency: Duration::ZERO,
        rates: DEFAULT_RATES,
        load: Load::Album,
        deadline: Duration::from_secs(240),
        default_runs: 1,
        min_throughput: None,
        baseline: Some(Baseline { key: "a", min_share: None }),
        strict: true,
        max_rss_mb: 50.0,
    },
    Scenario {
        key: "b",
        title: "B: paid-broadcast ceiling (no limits, 30 ms per sendMessage; LOA_RATE_GLOBAL=100000)",
        groups: 10_000,
        limits: None,
        latency: Duration::from_millis(30),
        rates: UNPACED_RATES,
        load: Load::Alone,
        deadline: Duration::from_secs(120),
        default_runs: 3,
        min_throughput: Some(1000.0),
        baseline: None,
        strict: false,
        max_rss_mb: 25.0,
    },
    Scenario {
        key: "bfuture",
        title: "B+future: B, with 100,000 deliveries of an earlier broadcast waiting for tomorrow",
        groups: 10_000,
        limits: None,
        latency: Duration::from_millis(30),
        rates: UNPACED_RATES,
        load: Load::FutureBacklog,
        deadline: Duration::from_secs(120),
        default_runs: 3,
        min_throughput: None,
        baseline: Some(Baseline { key: "b", min_share: Some(0.9) }),
        strict: false,
        max_rss_mb: 25.0,
    },
];

/// What one run measured.
struct Run {
    groups: usize,
    /// Deliveries in state 'sent' when the wait ended.
    recorded: usize,
    /// From the pushed `/confirm` until every delivery was recorded; `None` if the deadline passed.
    elapsed: Option<Duration>,
    /// groups / elapsed (recorded / deadline after a timeout).
    throughput: f64,
    /// (n - 1) / (last - first) over the group sendMessage calls the fake received.
    fake_rate: f64,
    /// From the pushed `/confirm` until the fake saw the first announcement.
    first_send: Option<Duration>,
    sends: usize,
    too_many: u64,
    lost: usize,
    duplicates: usize,
    durable: usize,
    subscriptions: usize,
    /// How the pushed updates were answered; `None` when the scenario pushes none.
    replies: Option<Replies>,
    peak_rss_kb: u64,
    /// CPU time loa and the bench process (the fake server) used from `/confirm` to the end.
    loa_cpu: Duration,
    fake_cpu: Duration,
    /// `None` when loa exited with status 0.
    exit_problem: Option<String>,
}

impl Run {
    /// The broadcast's time, the deadline's after a timeout.
    fn broadcast_secs(&self) -> f64 {
        self.groups as f64 / self.throughput
    }
}

/// An update the bench pushed to a group.
struct Pushed {
    chat: i64,
    at: Instant,
}

/// How the bot answered the updates the bench pushed.
struct Replies {
    updates: usize,
    /// Updates whose reply the fake accepted.
    answered: usize,
    /// Groups with an update left unanswered.
    groups_unanswered: usize,
    /// From push to reply; `None` if nothing was answered.
    p50: Option<Duration>,
    p95: Option<Duration>,
    /// From the first push to the last reply; `None` unless every update was answered.
    all_answered: Option<Duration>,
}

fn main() {
    let selected = selected_scenarios();
    let runs_override = runs_from_env();
    let runtime = runtime();

    let mut finished: HashMap<&str, Vec<Run>> = HashMap::new();
    let mut all_passed = true;
    for scenario in selected {
        let runs = runs_override.unwrap_or(scenario.default_runs);
        println!("\n{}", scenario.title);
        println!("{} group(s), {runs} run(s), loa = {}", scenario.groups, env!("CARGO_BIN_EXE_loa"));
        let results = run_repeatedly(&runtime, scenario, runs);
        all_passed &= results.len() == runs;
        if results.is_empty() {
            println!("FAIL no run completed");
            continue;
        }
        print!("{}", table(&results));
        print!("{}", replies_table(&results));
        let baseline = scenario.baseline.as_ref().and_then(|b| Some((b, finished.get(b.key)?.as_slice())));
        for (passed, line) in verdicts(scenario, &results, baseline) {
            let label = match passed {
                Some(true) => "PASS",
                Some(false) => "FAIL",
                None => "INFO",
            };
            println!("{label} {line}");
            all_passed &= passed != Some(false);
        }
        finished.insert(scenario.key, results);
    }
    if !all_passed {
        std::process::exit(1);
    }
}

/// The scenarios named on the command line (all if none), and the baselines they are compared
/// with, in the order of SCENARIOS, where every baseline comes first.
fn selected_scenarios() -> Vec<&'static Scenario> {
    let wanted: Vec<String> =
        std::env::args().skip(1).filter(|arg| !arg.starts_with('-')).map(|arg| arg.to_lowercase()).collect();
    if let Some(unknown) = wanted.iter().find(|arg| !SCENARIOS.iter().any(|s| s.key == arg.as_str())) {
        let keys: Vec<&str> = SCENARIOS.iter().map(|s| s.key).collect();
        eprintln!("unknown scenario {unknown:?}; expected some of {keys:?} (or nothing for all)");
        std::process::exit(2);
    }
    let named = |scenario: &Scenario| wanted.is_empty() || wanted.iter().any(|w| w == scenario.key);
    let is_baseline_of_named = |scenario: &Scenario| {
        SCENARIOS
            .iter()
            .any(|other| named(other) && other.baseline.as_ref().is_some_and(|b| b.key == scenario.key))
    };
    SCENARIOS.iter().filter(|s| named(s) || is_baseline_of_named(s)).collect()
}

/// The runs that completed; each failed one is printed with its error.
fn run_repeatedly(runtime: &tokio::runtime::Runtime, scenario: &Scenario, runs: usize) -> Vec<Run> {
    let mut results = Vec::new();
    for index in 1..=runs {
        match runtime.block_on(run(scenario)) {
            Ok(result) => {
                eprintln!("  run {index}/{runs} done");
                results.push(result);
            }
            Err(error) => println!("run {index}: ERROR {error}"),
        }
    }
    results
}

async fn run(scenario: &Scenario) -> Result<Run, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let database = dir.path().join("loa.db");
    let database_url = format!("sqlite://{}", database.display());
    let groups: Vec<i64> = (0..scenario.groups as i64).map(|i| FIRST_GROUP - i).collect();
    let seeding = Instant::now();
    seed(&database_url, scenario.load, &groups).await?;
    eprintln!("  seeded in {:.1} s", seeding.elapsed().as_secs_f64());

    let fake = FakeTelegram::start().await;
    fake.set_latency(scenario.latency);
    if let Some(limits) = scenario.limits {
        fake.enforce_limits(limits);
    }
    let log = dir.path().join("loa.log");
    let mut loa = spawn_loa(scenario, &fake, &database_url, dir.path(), &log)?;
    let result = drive(scenario, &fake, &mut loa, &database_url, &groups).await;
    if result.is_err() {
        // kill_on_drop would do it too; this also reaps the process.
        let _ = loa.kill().await;
    }
    result.map_err(|error| format!("{error}\n--- loa's log (last lines) ---\n{}", tail(&log, 20)))
}

/// Creates the database; subscribes the groups, unless they are to join during the run; adds
/// the backlog.
async fn seed(database_url: &str, load: Load, groups: &[i64]) -> Result<(), String> {
    let store = Store::connect(database_url).await.map_err(|e| format!("seed: {e}"))?;
    if load != Load::JoinStorm {
        subscribe_groups(&store, groups).await?;
    }
    if load == Load::FutureBacklog {
        add_future_backlog(&store).await?;
    }
    store.pool().close().await;
    Ok(())
}

/// A broadcast confirmed for tomorrow, with BACKLOG_DELIVERIES pending deliveries due then to
/// chats Loa does not know. Seeded before the measured broadcast exists, it has the lower id.
/// The rows are written as Loa's own confirmation writes a delivery due later: parked.
async fn add_future_backlog(store: &Store) -> Result<(), String> {
    let now = Utc::now().timestamp_millis();
    let tomorrow = (Utc::now() + chrono::Duration::days(1)).timestamp_millis();
    let error = |e: sqlx::Error| format!("seed the backlog: {e}");
    let mut tx = store.pool().begin().await.map_err(error)?;
    let broadcast: i64 = sqlx::query_scalar(
        "INSERT INTO broadcasts (created_at, created_by, topic, areas, pin, urgent, body, not_before)
         VALUES (?1, ?2, 'waste', '[]', 0, 0, ?3, ?4) RETURNING id",
    )
    .bind(now)
    .bind(ADMIN)
    .bind(ANNOUNCEMENT)
    .bind(tomorrow)
    .fetch_one(&mut *tx)
    .await
    .map_err(error)?;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1)
         INSERT INTO deliveries (broadcast_id, chat_id, urgent, state, next_attempt_at, parked)
         SELECT ?2, ?3 - i, 0, 'pending', ?4, 1 FROM n",
    )
    .bind(BACKLOG_DELIVERIES as i64)
    .bind(broadcast)
    .bind(FIRST_BACKLOG_CHAT)
    .bind(tomorrow)
    .execute(&mut *tx)
    .await
    .map_err(error)?;
    tx.commit().await.map_err(error)
}

fn spawn_loa(
    scenario: &Scenario,
    fake: &FakeTelegram,
    database_url: &str,
    dir: &Path,
    log: &Path,
) -> Result<Child, String> {
    let mut command = loa_command(&fake.url(), database_url, ADMIN, dir, log)?;
    for (variable, value) in scenario.rates {
        command.env(variable, value.to_string());
    }
    command.spawn().map_err(|e| format!("start {}: {e}", env!("CARGO_BIN_EXE_loa")))
}

async fn drive(
    scenario: &Scenario,
    fake: &FakeTelegram,
    loa: &mut Child,
    database_url: &str,
    groups: &[i64],
) -> Result<Run, String> {
    let pid = loa.id().ok_or("loa has no pid")?;
    let rss = PeakRss::start(pid, SAMPLE_EVERY);
    until_polling(loa, fake, STEP_DEADLINE).await?;
    let db = read_only(database_url).await?;
    let mut pushed =
        if scenario.load == Load::JoinStorm { join_storm(fake, loa, &db, groups).await? } else { Vec::new() };
    let answers = post(fake, loa, groups.len(), scenario.load).await?;

    let cpu_before = (cpu_time(&pid.to_string()), cpu_time("self"));
    let t0 = Instant::now();
    confirm(fake, loa, answers).await?;
    let (recorded, elapsed) = await_deliveries(scenario, fake, loa, &db, groups, t0, &mut pushed).await?;
    let loa_cpu = cpu_time(&pid.to_string()).saturating_sub(cpu_before.0);
    let fake_cpu = cpu_time("self").saturating_sub(cpu_before.1);
    if !pushed.is_empty() {
        // A timeout is no error here: what is missing shows in the results.
        let _ = wait_until(loa, REPLY_GRACE, "the last replies", || {
            (group_replies(fake).count() >= pushed.len()).then_some(())
        })
        .await;
    }
    let peak_rss_kb = rss.peak_kb();
    let exit_problem = stop(loa, pid).await;

    let durable = count(&db, DURABLE).await?;
    let subscriptions = count(&db, SUBSCRIPTIONS).await?;
    db.close().await;
    let sends = group_sends(fake, groups);
    let per_group = scenario.load.messages_per_group();
    let (lost, duplicates) = announcement_misses(fake, groups, per_group);
    let throughput = match elapsed {
        Some(elapsed) => (groups.len() * per_group) as f64 / elapsed.as_secs_f64(),
        None => (recorded * per_group) as f64 / scenario.deadline.as_secs_f64(),
    };
    Ok(Run {
        groups: groups.len(),
        recorded,
        elapsed,
        throughput,
        fake_rate: rate(&sends),
        first_send: first_announcement(fake, t0),
        sends: sends.len(),
        too_many: fake.too_many_requests(),
        lost,
        duplicates,
        durable,
        subscriptions,
        replies: (!pushed.is_empty()).then(|| replies_to(fake, &pushed)),
        peak_rss_kb,
        loa_cpu,
        fake_cpu,
        exit_problem,
    })
}

/// Pushes the storm's 2,000 updates and waits until every group's subscription is recorded.
async fn join_storm(
    fake: &FakeTelegram,
    loa: &mut Child,
    db: &SqlitePool,
    groups: &[i64],
) -> Result<Vec<Pushed>, String> {
    let mut storm = Vec::with_capacity(2 * groups.len());
    for (number, &chat) in groups.iter().enumerate() {
        let admin = FIRST_GROUP_USER + number as i64;
        fake.set_member_status(chat, admin, "administrator");
        let title = group_title(number);
        storm.push((chat, updates::my_chat_member(chat, &title, admin, "left", "member")));
        storm.push((chat, updates::text_in_group(chat, &title, admin, "/subscribe waste")));
    }
    let pushed = push_spread(fake, storm).await;
    let subscribed = poll_count(loa, db, SUBSCRIPTIONS, groups.len(), Instant::now() + STEP_DEADLINE).await?;
    if subscribed < groups.len() {
        return Err(format!("{subscribed} of {} groups subscribed within {STEP_DEADLINE:?}", groups.len()));
    }
    Ok(pushed)
}

/// `/topics` from 3 groups in 10, spread over the whole broadcast's order.
fn burst(groups: &[i64]) -> Vec<(i64, Value)> {
    groups
        .iter()
        .enumerate()
        .filter(|(number, _)| number % 10 < BURST_SHARE_OF_TEN)
        .map(|(number, &chat)| {
            let member = FIRST_GROUP_USER + number as i64;
            (chat, updates::text_in_group(chat, &group_title(number), member, "/topics"))
        })
        .collect()
}

/// Pushes `updates` evenly over SPREAD; returns when each was pushed.
async fn push_spread(fake: &FakeTelegram, updates: Vec<(i64, Value)>) -> Vec<Pushed> {
    let start = tokio::time::Instant::now();
    let gap = SPREAD / updates.len().max(1) as u32;
    let mut pushed = Vec::with_capacity(updates.len());
    for (index, (chat, update)) in updates.into_iter().enumerate() {
        tokio::time::sleep_until(start + gap * index as u32).await;
        fake.push_update(update);
        pushed.push(Pushed { chat, at: Instant::now() });
    }
    pushed
}

/// Posts the announcement as the official and checks that the preview names `reach` groups;
/// returns how many messages the official has had from Loa by then.
async fn post(fake: &FakeTelegram, loa: &mut Child, reach: usize, load: Load) -> Result<usize, String> {
    let answers = if load == Load::Album {
        let photos = (0..ALBUM_ITEMS).map(|n| updates::photo(&format!("PHOTO-{n}"))).collect();
        let mut album = updates::album_in_private(ADMIN, photos);
        album[0] = updates::with_caption(album[0].clone(), ANNOUNCEMENT, serde_json::json!([]));
        for item in &album {
            fake.push_update(item.clone());
        }
        wait_until(loa, STEP_DEADLINE, "the offer to send the album", || {
            (!fake.sent_to(ADMIN).is_empty()).then_some(())
        })
        .await?;
        let command = updates::text_in_private(ADMIN, "Cán bộ", None, "/post waste");
        fake.push_update(updates::replying_to(command, &album[0]));
        // The offer, the album itself, and the summary.
        1 + ALBUM_ITEMS + 1
    } else {
        fake.push_update(updates::text_in_private(
            ADMIN,
            "Cán bộ",
            None,
            &format!("/post waste {ANNOUNCEMENT}"),
        ));
        2
    };
    let preview = wait_until(loa, STEP_DEADLINE, "the preview", || {
        let sent = fake.sent_to(ADMIN);
        (sent.len() >= answers).then_some(sent)
    })
    .await?;
    let reach = format!("Sẽ gửi tới: {reach} nhóm/người");
    if !preview[answers - 1].text.contains(&reach) {
        return Err(format!("the preview does not say {reach:?}: {}", preview[answers - 1].text));
    }
    Ok(answers)
}

/// Confirms the post and waits for the confirmation's reply, the official's `answers + 1`th.
async fn confirm(fake: &FakeTelegram, loa: &mut Child, answers: usize) -> Result<(), String> {
    fake.push_update(updates::text_in_private(ADMIN, "Cán bộ", None, "/confirm"));
    let confirmed = wait_until(loa, STEP_DEADLINE, "the confirmation", || {
        let sent = fake.sent_to(ADMIN);
        (sent.len() > answers).then(|| sent[answers].text.clone())
    })
    .await?;
    if !confirmed.contains("Đã xác nhận") || !confirmed.contains("đang gửi tới") {
        return Err(format!("/confirm was answered with: {confirmed}"));
    }
    Ok(())
}

/// Waits until every delivery of the broadcast is recorded as sent, or the deadline passes;
/// returns the count then, and the time since `t0` if all were. The burst, if the scenario has
/// one, is pushed on the way and added to `pushed`.
async fn await_deliveries(
    scenario: &Scenario,
    fake: &FakeTelegram,
    loa: &mut Child,
    db: &SqlitePool,
    groups: &[i64],
    t0: Instant,
    pushed: &mut Vec<Pushed>,
) -> Result<(usize, Option<Duration>), String> {
    let give_up = t0 + scenario.deadline;
    if scenario.load == Load::Burst {
        poll_count(loa, db, SENT, BURST_AFTER, give_up).await?;
        pushed.extend(push_spread(fake, burst(groups)).await);
    }
    let recorded = poll_count(loa, db, SENT, groups.len(), give_up).await?;
    Ok((recorded, (recorded >= groups.len()).then(|| t0.elapsed())))
}

/// Runs `sql`, a count, every SAMPLE_EVERY until it reaches `target` or `give_up` passes, and
/// returns the last count; an error if loa exits meanwhile.
async fn poll_count(
    loa: &mut Child,
    db: &SqlitePool,
    sql: &'static str,
    target: usize,
    give_up: Instant,
) -> Result<usize, String> {
    let mut ticker = tokio::time::interval(SAMPLE_EVERY);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let counted = count(db, sql).await?;
        if counted >= target || Instant::now() >= give_up {
            return Ok(counted);
        }
        if let Ok(Some(status)) = loa.try_wait() {
            return Err(format!("loa exited ({status}) with {counted} of {target} counted by {sql}"));
        }
    }
}

fn is_announcement(text: &str) -> bool {
    text.contains("📢")
}

/// When the fake received each message to one of `groups`, refused ones included: an album's
/// items each count, at the moment of their `sendMediaGroup`.
fn group_sends(fake: &FakeTelegram, groups: &[i64]) -> Vec<Instant> {
    let groups: HashSet<i64> = groups.iter().copied().collect();
    let mut sends: Vec<Instant> = sends_to_groups(fake)
        .filter(|call| call.body["chat_id"].as_i64().is_some_and(|chat| groups.contains(&chat)))
        .flat_map(|call| std::iter::repeat_n(call.at, call.body["media"].as_array().map_or(1, Vec::len)))
        .collect();
    sends.sort_unstable();
    sends
}

/// The calls that send messages: texts and albums.
fn sends_to_groups(fake: &FakeTelegram) -> impl Iterator<Item = support::fake_telegram::Call> {
    let mut calls = fake.calls_to("sendMessage");
    calls.extend(fake.calls_to("sendMediaGroup"));
    calls.into_iter()
}

/// (n - 1) / (last - first).
fn rate(instants: &[Instant]) -> f64 {
    match (instants.first(), instants.last()) {
        (Some(first), Some(last)) if last > first => {
            (instants.len() - 1) as f64 / (*last - *first).as_secs_f64()
        }
        _ => 0.0,
    }
}

/// From `t0` to the first announcement to a group (the preview shows it to the official too).
fn first_announcement(fake: &FakeTelegram, t0: Instant) -> Option<Duration> {
    let first = sends_to_groups(fake)
        .filter(|call| {
            let text = call.body["text"].as_str().or_else(|| call.body["media"][0]["caption"].as_str());
            call.body["chat_id"].as_i64().is_some_and(|chat| chat < 0) && text.is_some_and(is_announcement)
        })
        .map(|call| call.at)
        .min()?;
    Some(first.saturating_duration_since(t0))
}

/// How many groups did not get the whole announcement (`per_group` messages: an album's
/// items), and how many got more of it than that.
fn announcement_misses(fake: &FakeTelegram, groups: &[i64], per_group: usize) -> (usize, usize) {
    let mut received: HashMap<i64, usize> = groups.iter().map(|&chat| (chat, 0)).collect();
    for message in fake.sent_messages() {
        if (is_announcement(&message.text) || message.media_group_id.is_some())
            && let Some(count) = received.get_mut(&message.chat_id)
        {
            *count += 1;
        }
    }
    let lost = received.values().filter(|n| **n < per_group).count();
    (lost, received.values().filter(|n| **n > per_group).count())
}

/// The messages to groups that the fake accepted, the announcements left out: the replies.
fn group_replies(fake: &FakeTelegram) -> impl Iterator<Item = i64> {
    fake.sent_messages()
        .into_iter()
        .filter(|message| {
            message.chat_id < 0 && !is_announcement(&message.text) && message.media_group_id.is_none()
        })
        .map(|message| message.chat_id)
}

/// Pairs each group's k-th reply with its k-th pushed update.
fn replies_to(fake: &FakeTelegram, pushed: &[Pushed]) -> Replies {
    let mut pushes: HashMap<i64, Vec<Instant>> = HashMap::new();
    for update in pushed {
        pushes.entry(update.chat).or_default().push(update.at);
    }
    let mut accepted: HashMap<i64, usize> = HashMap::new();
    for chat in group_replies(fake) {
        *accepted.entry(chat).or_default() += 1;
    }
    let receipts = reply_receipts(fake, &pushes);

    let mut latencies = Vec::new();
    let mut answered = 0;
    let mut groups_unanswered = 0;
    for (chat, pushed_at) in &pushes {
        let chat_answered = accepted.get(chat).copied().unwrap_or(0).min(pushed_at.len());
        answered += chat_answered;
        groups_unanswered += usize::from(chat_answered < pushed_at.len());
        let received_at = receipts.get(chat).map_or(&[][..], Vec::as_slice);
        latencies.extend(
            pushed_at
                .iter()
                .zip(received_at)
                .map(|(pushed, received)| received.saturating_duration_since(*pushed)),
        );
    }
    latencies.sort();
    let first_push = pushed.iter().map(|update| update.at).min();
    let last_reply = receipts.values().flatten().max();
    let all_answered = match (first_push, last_reply) {
        (Some(first), Some(last)) if answered == pushed.len() => Some(last.saturating_duration_since(first)),
        _ => None,
    };
    Replies {
        updates: pushed.len(),
        answered,
        groups_unanswered,
        p50: percentile(&latencies, 50),
        p95: percentile(&latencies, 95),
        all_answered,
    }
}

/// When the fake received each reply to the chats in `pushes`. A request refused with a 429 is
/// sent again with the same text, so of a run of identical texts only the last, the accepted
/// one, counts.
fn reply_receipts(fake: &FakeTelegram, pushes: &HashMap<i64, Vec<Instant>>) -> HashMap<i64, Vec<Instant>> {
    let mut last_text: HashMap<i64, String> = HashMap::new();
    let mut receipts: HashMap<i64, Vec<Instant>> = HashMap::new();
    for call in fake.calls_to("sendMessage") {
        let (Some(chat), Some(text)) = (call.body["chat_id"].as_i64(), call.body["text"].as_str()) else {
            continue;
        };
        if !pushes.contains_key(&chat) || is_announcement(text) {
            continue;
        }
        let received = receipts.entry(chat).or_default();
        if last_text.get(&chat).is_some_and(|last| last == text) {
            received.pop();
        }
        received.push(call.at);
        last_text.insert(chat, text.to_owned());
    }
    receipts
}

fn table(results: &[Run]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<7} {:>6} {:>8} {:>9} {:>10} {:>11} {:>6} {:>5} {:>5} {:>4} {:>8} {:>9} {:>11}  exit",
        "run",
        "groups",
        "time s",
        "msg/s",
        "fake msg/s",
        "1st send ms",
        "sends",
        "429",
        "lost",
        "dup",
        "durable",
        "peak MB",
        "CPU s l/f"
    );
    for (index, run) in results.iter().enumerate() {
        let time = match run.elapsed {
            Some(elapsed) => format!("{:.2}", elapsed.as_secs_f64()),
            None => format!(">{}", run.recorded),
        };
        let _ = writeln!(
            out,
            "{:<7} {:>6} {:>8} {:>9.2} {:>10.2} {:>11} {:>6} {:>5} {:>5} {:>4} {:>8} {:>9.1} {:>11}  {}",
            index + 1,
            run.groups,
            time,
            run.throughput,
            run.fake_rate,
            millis(run.first_send),
            run.sends,
            run.too_many,
            run.lost,
            run.duplicates,
            run.durable,
            mb(run.peak_rss_kb),
            format!("{:.1}/{:.1}", run.loa_cpu.as_secs_f64(), run.fake_cpu.as_secs_f64()),
            run.exit_problem.as_deref().unwrap_or("0"),
        );
    }
    if results.len() > 1 {
        let _ = writeln!(
            out,
            "{:<7} {:>6} {:>8} {:>9.2} {:>10.2} {:>11} {:>6} {:>5} {:>5} {:>4} {:>8} {:>9.1}",
            "median",
            "",
            "",
            median(results.iter().map(|r| r.throughput).collect()),
            median(results.iter().map(|r| r.fake_rate).collect()),
            "",
            "",
            "",
            "",
            "",
            "",
            median(results.iter().map(|r| mb(r.peak_rss_kb)).collect()),
        );
    }
    let _ = writeln!(
        out,
        "(1st send: /confirm to the first announcement; CPU s l/f: CPU seconds of loa / of this \
         process, the fake, from /confirm until all were recorded; 2 cores = 2 CPU s per second)"
    );
    if results.iter().any(|run| run.elapsed.is_none()) {
        let _ = writeln!(out, "(time \">N\": the deadline passed with N deliveries recorded)");
    }
    out
}

/// The replies of every run that pushed updates; empty if none did.
fn replies_table(results: &[Run]) -> String {
    let replies: Vec<&Replies> = results.iter().filter_map(|run| run.replies.as_ref()).collect();
    if replies.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<7} {:>8} {:>9} {:>18} {:>7} {:>7} {:>15}",
        "replies", "updates", "answered", "groups unanswered", "p50 ms", "p95 ms", "all answered s"
    );
    for (index, run) in replies.iter().enumerate() {
        let _ = writeln!(
            out,
            "{:<7} {:>8} {:>9} {:>18} {:>7} {:>7} {:>15}",
            index + 1,
            run.updates,
            run.answered,
            run.groups_unanswered,
            millis(run.p50),
            millis(run.p95),
            run.all_answered.map_or("-".into(), |all| format!("{:.2}", all.as_secs_f64())),
        );
    }
    let _ = writeln!(out, "(latency: the update's push to the fake's receipt of its reply)");
    out
}

fn millis(duration: Option<Duration>) -> String {
    duration.map_or("-".into(), |duration| format!("{:.0}", duration.as_secs_f64() * 1000.0))
}

/// The targets, each with whether it was met (`None`: reported only).
fn verdicts(
    scenario: &Scenario,
    results: &[Run],
    baseline: Option<(&Baseline, &[Run])>,
) -> Vec<(Option<bool>, String)> {
    let throughput = median(results.iter().map(|r| r.throughput).collect());
    let worst = |metric: fn(&Run) -> u64| results.iter().map(metric).max().unwrap_or(0);
    let timed_out = results.iter().filter(|r| r.elapsed.is_none()).count();
    let timed_out_note =
        if timed_out > 0 { format!("; {timed_out} run(s) timed out") } else { String::new() };
    let mut verdicts = vec![match scenario.min_throughput {
        Some(min) => (
            Some(timed_out == 0 && throughput >= min),
            format!("throughput {throughput:.2} msg/s (median) >= {min} msg/s{timed_out_note}"),
        ),
        None => (None, format!("throughput {throughput:.2} msg/s (median){timed_out_note}")),
    }];
    let not_durable = worst(|r| (r.groups - r.durable.min(r.groups)) as u64);
    verdicts.push((
        Some(not_durable == 0),
        format!("all durable (state 'sent' with a message_id): {not_durable} missing"),
    ));
    if scenario.strict {
        for (what, worst) in [
            ("zero 429", worst(|r| r.too_many)),
            ("zero lost", worst(|r| r.lost as u64)),
            ("zero duplicates", worst(|r| r.duplicates as u64)),
        ] {
            verdicts.push((Some(worst == 0), format!("{what}: {worst} (worst run)")));
        }
    }
    if scenario.load == Load::JoinStorm {
        let fewest = results.iter().map(|r| r.subscriptions).min().unwrap_or(0);
        verdicts.push((
            Some(fewest == scenario.groups),
            format!("every group subscribed: {fewest} of {} (worst run)", scenario.groups),
        ));
    }
    if let Some(replies) = results.iter().map(|r| r.replies.as_ref()).collect::<Option<Vec<_>>>() {
        let unanswered = replies.iter().map(|r| r.updates - r.answered).max().unwrap_or(0);
        let updates = replies.first().map_or(0, |r| r.updates);
        verdicts.push((
            Some(unanswered == 0),
            format!("all {updates} updates answered: {unanswered} not (worst run)"),
        ));
    }
    if let Some((baseline, theirs)) = baseline {
        verdicts.push(comparison(baseline, results, theirs));
    }
    let peak_mb = mb(worst(|r| r.peak_rss_kb));
    let max_mb = scenario.max_rss_mb;
    verdicts.push((Some(peak_mb <= max_mb), format!("peak RSS {peak_mb:.1} MB (worst run) <= {max_mb} MB")));
    let bad_exits: Vec<&str> = results.iter().filter_map(|r| r.exit_problem.as_deref()).collect();
    verdicts.push((Some(bad_exits.is_empty()), format!("loa exits with status 0 on SIGTERM: {bad_exits:?}")));
    verdicts
}

/// The broadcast's median time and throughput against the baseline's.
fn comparison(baseline: &Baseline, ours: &[Run], theirs: &[Run]) -> (Option<bool>, String) {
    let secs = |runs: &[Run]| median(runs.iter().map(Run::broadcast_secs).collect());
    let throughput = |runs: &[Run]| median(runs.iter().map(|r| r.throughput).collect());
    let share = throughput(ours) / throughput(theirs);
    let key = baseline.key;
    let line = format!(
        "broadcast {:.2} s vs {:.2} s in {key} (medians): {:.2} msg/s is {:.1} % of {key}'s {:.2}",
        secs(ours),
        secs(theirs),
        throughput(ours),
        share * 100.0,
        throughput(theirs),
    );
    match baseline.min_share {
        Some(min) => (Some(share >= min), format!("{line}; target >= {:.0} %", min * 100.0)),
        None => (None, line),
    }
}
