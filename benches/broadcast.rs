//! Broadcast throughput of the real `loa` binary against the fake Bot API server.
//!
//! ```sh
//! cargo bench --bench broadcast          # both scenarios
//! cargo bench --bench broadcast -- a     # only A; `-- b` for only B
//! LOA_BENCH_RUNS=5 cargo bench --bench broadcast -- b
//! ```
//!
//! - **A, Telegram limits**: the fake answers 429 where Telegram would (30/s overall, 20/min per
//!   group, 1/s per chat); Loa runs with its default rates; one announcement to 1,000 groups.
//! - **B, paid-broadcast ceiling**: no limits, 30 ms of latency on every sendMessage; Loa's own
//!   pacing is effectively off (LOA_RATE_GLOBAL=100000); one announcement to 10,000 groups.
//!
//! Each run seeds a fresh SQLite file through the library, starts `target/release/loa` as a child
//! process pointed at the fake on 127.0.0.1 (environment cleared; LOA_QUIET_HOURS=off so that the
//! result does not depend on the hour), posts and confirms as official 42, then polls the database
//! (read-only) every 50 ms until every delivery is recorded as sent. Throughput is groups divided
//! by the time from the pushed `/confirm` to that moment. In A the fake enforces its limits from
//! the moment the preview has arrived (its strict 1/s per chat would refuse the preview's second
//! message, which Telegram lets through); the confirmation reply counts, as it would at Telegram.
//! Peak RSS is the larger of loa's VmHWM and its VmRSS sampled every 50 ms.
//!
//! A run of A takes about 35 s, so A runs once by default and B three times; `LOA_BENCH_RUNS`
//! sets the count for both. The table shows every run and the median; PASS/FAIL compares the
//! median throughput, and the worst run for every count and for memory. The process exits with
//! status 1 if any target is missed.

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
    count, cpu_time, loa_command, mb, median, proc_status_kb, read_only, runs_from_env, runtime, stop, tail,
    wait_until,
};
use loa::{
    domain::TopicSelection,
    store::{ChatInfo, ChatKind, Store},
};
use support::{
    fake_telegram::{FakeTelegram, Limits},
    updates,
};
use tokio::process::Child;

/// The official who posts; named in LOA_ADMINS.
const ADMIN: i64 = 42;
/// Groups are numbered down from here: -1_000_001, -1_000_002, ...
const FIRST_GROUP: i64 = -1_000_001;
/// A ward's reminder about waste, in the register officials write in.
const ANNOUNCEMENT: &str = "Thời gian qua vẫn còn một số hộ dân đổ rác chưa đúng giờ, đúng nơi quy định, \
gây mất vệ sinh môi trường tại các ngõ xóm. Đề nghị các hộ gia đình để rác sinh hoạt tại điểm tập kết \
từ 18:00 đến 20:00 các ngày thứ Hai, thứ Tư, thứ Sáu; phân loại rác tái chế, không vứt rác xuống \
cống, ao hồ. Các tổ dân vận tổ dân phố tăng cường tuyên truyền, vận động Nhân dân thực hiện chủ đề \
“Hành động vì một Long Biên Xanh – Sạch – Đẹp – Văn minh” và Bộ quy tắc ứng xử trong cộng đồng dân cư.";

const SAMPLE_EVERY: Duration = Duration::from_millis(50);
/// For start-up, the preview and the confirmation; each normally takes well under a second.
const STEP_DEADLINE: Duration = Duration::from_secs(30);
const RSS_LIMIT_MB: f64 = 50.0;

struct Scenario {
    key: &'static str,
    title: &'static str,
    groups: usize,
    /// What the fake enforces, from the moment the preview has arrived.
    limits: Option<Limits>,
    /// Added by the fake to every sendMessage.
    latency: Duration,
    /// LOA_RATE_GLOBAL, LOA_RATE_PER_GROUP_MIN, LOA_RATE_PER_CHAT_SEC.
    rates: [(&'static str, u32); 3],
    deadline: Duration,
    default_runs: usize,
    min_throughput: f64,
    /// A's extra targets: no 429, none lost, none twice.
    strict: bool,
}

const SCENARIOS: [Scenario; 2] = [
    Scenario {
        key: "a",
        title: "A: Telegram limits (fake enforces 30/s, 20/min/group, 1/s/chat; Loa at its defaults)",
        groups: 1_000,
        limits: Some(Limits { global_per_sec: 30, per_group_per_min: 20, per_chat_per_sec: 1 }),
        latency: Duration::ZERO,
        rates: [("LOA_RATE_GLOBAL", 30), ("LOA_RATE_PER_GROUP_MIN", 20), ("LOA_RATE_PER_CHAT_SEC", 1)],
        deadline: Duration::from_secs(120),
        default_runs: 1,
        min_throughput: 28.5,
        strict: true,
    },
    Scenario {
        key: "b",
        title: "B: paid-broadcast ceiling (no limits, 30 ms per sendMessage; LOA_RATE_GLOBAL=100000)",
        groups: 10_000,
        limits: None,
        latency: Duration::from_millis(30),
        rates: [("LOA_RATE_GLOBAL", 100_000), ("LOA_RATE_PER_GROUP_MIN", 20), ("LOA_RATE_PER_CHAT_SEC", 1)],
        deadline: Duration::from_secs(120),
        default_runs: 3,
        min_throughput: 1000.0,
        strict: false,
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
    /// From the pushed `/confirm` until the fake saw the first group sendMessage.
    first_send: Option<Duration>,
    sends: usize,
    too_many: u64,
    lost: usize,
    duplicates: usize,
    durable: usize,
    peak_rss_kb: u64,
    /// CPU time loa and the bench process (the fake server) used from `/confirm` to the end.
    loa_cpu: Duration,
    fake_cpu: Duration,
    /// `None` when loa exited with status 0.
    exit_problem: Option<String>,
}

fn main() {
    let wanted: Vec<String> =
        std::env::args().skip(1).filter(|arg| !arg.starts_with('-')).map(|arg| arg.to_lowercase()).collect();
    if let Some(unknown) = wanted.iter().find(|arg| !SCENARIOS.iter().any(|s| s.key == arg.as_str())) {
        eprintln!("unknown scenario {unknown:?}; expected a or b (or nothing for both)");
        std::process::exit(2);
    }
    let runs_override = runs_from_env();
    let runtime = runtime();

    let mut all_passed = true;
    for scenario in SCENARIOS.iter().filter(|s| wanted.is_empty() || wanted.iter().any(|w| w == s.key)) {
        let runs = runs_override.unwrap_or(scenario.default_runs);
        println!("\n{}", scenario.title);
        println!("{} group(s), {runs} run(s), loa = {}", scenario.groups, env!("CARGO_BIN_EXE_loa"));
        let mut results = Vec::new();
        for index in 1..=runs {
            match runtime.block_on(run(scenario)) {
                Ok(result) => {
                    eprintln!("  run {index}/{runs} done");
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
            all_passed = false;
            continue;
        }
        print!("{}", table(&results));
        let verdicts = verdicts(scenario, &results);
        for (passed, line) in &verdicts {
            println!("{} {line}", if *passed { "PASS" } else { "FAIL" });
        }
        all_passed &= results.len() == runs && verdicts.iter().all(|(passed, _)| *passed);
    }
    if !all_passed {
        std::process::exit(1);
    }
}

async fn run(scenario: &Scenario) -> Result<Run, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let database = dir.path().join("loa.db");
    let database_url = format!("sqlite://{}", database.display());
    let groups: Vec<i64> = (0..scenario.groups as i64).map(|i| FIRST_GROUP - i).collect();
    let seeding = Instant::now();
    seed(&database_url, &groups).await?;
    eprintln!("  seeded {} groups in {:.1} s", groups.len(), seeding.elapsed().as_secs_f64());

    let fake = FakeTelegram::start().await;
    fake.set_latency(scenario.latency);
    let log = dir.path().join("loa.log");
    let mut loa = spawn_loa(scenario, &fake, &database_url, dir.path(), &log)?;
    let result = drive(scenario, &fake, &mut loa, &database_url, &groups).await;
    if result.is_err() {
        // kill_on_drop would do it too; this also reaps the process.
        let _ = loa.kill().await;
    }
    result.map_err(|error| format!("{error}\n--- loa's log (last lines) ---\n{}", tail(&log, 20)))
}

/// Records the groups and their subscriptions, as if each group's admin had sent
/// `/subscribe waste`, through the library's own calls.
async fn seed(database_url: &str, groups: &[i64]) -> Result<(), String> {
    let store = Store::connect(database_url).await.map_err(|e| format!("seed: {e}"))?;
    let now = Utc::now();
    let waste = TopicSelection::Some(vec!["waste".into()]);
    for (number, &id) in groups.iter().enumerate() {
        let chat = ChatInfo { id, kind: ChatKind::Group, title: format!("Tổ dân phố {}", number + 1) };
        store.touch_chat(&chat, now).await.map_err(|e| format!("seed chat {id}: {e}"))?;
        store.subscribe(id, &waste, now).await.map_err(|e| format!("seed subscription {id}: {e}"))?;
    }
    store.pool().close().await;
    Ok(())
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
    wait_until(loa, STEP_DEADLINE, "loa to poll getUpdates", || {
        (!fake.calls_to("getUpdates").is_empty()).then_some(())
    })
    .await?;

    fake.push_update(updates::text_in_private(ADMIN, "Cán bộ", None, &format!("/post waste {ANNOUNCEMENT}")));
    let preview = wait_until(loa, STEP_DEADLINE, "the preview (2 messages to the official)", || {
        let sent = fake.sent_to(ADMIN);
        (sent.len() >= 2).then_some(sent)
    })
    .await?;
    let reach = format!("Sẽ gửi tới: {} nhóm/người", groups.len());
    if !preview[1].text.contains(&reach) {
        return Err(format!("the preview does not say {reach:?}: {}", preview[1].text));
    }
    // Only now: the fake's 1/s per chat would refuse the preview's second message, which Telegram
    // lets through. The confirmation reply does count, as it would at Telegram.
    if let Some(limits) = scenario.limits {
        fake.enforce_limits(limits);
    }

    let cpu_before = (cpu_time(&pid.to_string()), cpu_time("self"));
    let t0 = Instant::now();
    fake.push_update(updates::text_in_private(ADMIN, "Cán bộ", None, "/confirm"));
    let confirmed = wait_until(loa, STEP_DEADLINE, "the confirmation", || {
        let sent = fake.sent_to(ADMIN);
        (sent.len() >= 3).then(|| sent[2].text.clone())
    })
    .await?;
    if !confirmed.contains("Đã xác nhận") || !confirmed.contains("đang gửi tới") {
        return Err(format!("/confirm was answered with: {confirmed}"));
    }

    let db = read_only(database_url).await?;
    let mut peak_rss_kb = 0;
    let mut ticker = tokio::time::interval(SAMPLE_EVERY);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let (recorded, elapsed) = loop {
        ticker.tick().await;
        peak_rss_kb = peak_rss_kb.max(proc_status_kb(pid, "VmRSS:").unwrap_or(0));
        let sent = count(&db, "SELECT count(*) FROM deliveries WHERE state = 'sent'").await?;
        let now = Instant::now();
        if sent >= groups.len() {
            break (sent, Some(now - t0));
        }
        if now - t0 >= scenario.deadline {
            break (sent, None);
        }
        if let Ok(Some(status)) = loa.try_wait() {
            return Err(format!("loa exited ({status}) with {sent} of {} deliveries sent", groups.len()));
        }
    };
    peak_rss_kb = peak_rss_kb.max(proc_status_kb(pid, "VmHWM:").unwrap_or(0));
    let loa_cpu = cpu_time(&pid.to_string()).saturating_sub(cpu_before.0);
    let fake_cpu = cpu_time("self").saturating_sub(cpu_before.1);
    let exit_problem = stop(loa, pid).await;

    let group_set: HashSet<i64> = groups.iter().copied().collect();
    let sends: Vec<Instant> = fake
        .calls_to("sendMessage")
        .into_iter()
        .filter(|call| call.body["chat_id"].as_i64().is_some_and(|chat| group_set.contains(&chat)))
        .map(|call| call.at)
        .collect();
    let fake_rate = match (sends.first(), sends.last()) {
        (Some(first), Some(last)) if last > first => {
            (sends.len() - 1) as f64 / (*last - *first).as_secs_f64()
        }
        _ => 0.0,
    };
    let mut received: HashMap<i64, usize> = groups.iter().map(|&chat| (chat, 0)).collect();
    for message in fake.sent_messages() {
        if message.text.contains("📢")
            && let Some(count) = received.get_mut(&message.chat_id)
        {
            *count += 1;
        }
    }
    let durable =
        count(&db, "SELECT count(*) FROM deliveries WHERE state = 'sent' AND message_id IS NOT NULL").await?;
    db.close().await;

    let throughput = match elapsed {
        Some(elapsed) => groups.len() as f64 / elapsed.as_secs_f64(),
        None => recorded as f64 / scenario.deadline.as_secs_f64(),
    };
    Ok(Run {
        groups: groups.len(),
        recorded,
        elapsed,
        throughput,
        fake_rate,
        first_send: sends.first().map(|first| first.saturating_duration_since(t0)),
        sends: sends.len(),
        too_many: fake.too_many_requests(),
        lost: received.values().filter(|n| **n == 0).count(),
        duplicates: received.values().filter(|n| **n > 1).count(),
        durable,
        peak_rss_kb,
        loa_cpu,
        fake_cpu,
        exit_problem,
    })
}

fn table(results: &[Run]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<7} {:>6} {:>8} {:>9} {:>10} {:>11} {:>6} {:>5} {:>5} {:>4} {:>8} {:>9}  exit",
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
        "peak MB"
    );
    for (index, run) in results.iter().enumerate() {
        let time = match run.elapsed {
            Some(elapsed) => format!("{:.2}", elapsed.as_secs_f64()),
            None => format!(">{}", run.recorded),
        };
        let first = run.first_send.map_or("-".into(), |first| format!("{:.0}", first.as_secs_f64() * 1000.0));
        let _ = writeln!(
            out,
            "{:<7} {:>6} {:>8} {:>9.2} {:>10.2} {:>11} {:>6} {:>5} {:>5} {:>4} {:>8} {:>9.1} {:>11}  {}",
            index + 1,
            run.groups,
            time,
            run.throughput,
            run.fake_rate,
            first,
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
        "(1st send: /confirm to the first group sendMessage; CPU s l/f: CPU seconds of loa / of this \
         process, the fake, from /confirm until all were recorded; 2 cores = 2 CPU s per second)"
    );
    if results.iter().any(|run| run.elapsed.is_none()) {
        let _ = writeln!(out, "(time \">N\": the deadline passed with N deliveries recorded)");
    }
    out
}

/// The targets, each with whether it was met.
fn verdicts(scenario: &Scenario, results: &[Run]) -> Vec<(bool, String)> {
    let throughput = median(results.iter().map(|r| r.throughput).collect());
    let worst = |metric: fn(&Run) -> u64| results.iter().map(metric).max().unwrap_or(0);
    let peak_mb = mb(worst(|r| r.peak_rss_kb));
    let timed_out = results.iter().filter(|r| r.elapsed.is_none()).count();
    let not_durable = worst(|r| (r.groups - r.durable.min(r.groups)) as u64);
    let bad_exits: Vec<&str> = results.iter().filter_map(|r| r.exit_problem.as_deref()).collect();
    let mut verdicts = vec![
        (
            timed_out == 0 && throughput >= scenario.min_throughput,
            format!(
                "throughput {throughput:.2} msg/s (median) >= {} msg/s{}",
                scenario.min_throughput,
                if timed_out > 0 { format!("; {timed_out} run(s) timed out") } else { String::new() }
            ),
        ),
        (not_durable == 0, format!("all durable (state 'sent' with a message_id): {not_durable} missing")),
    ];
    if scenario.strict {
        verdicts.extend([
            (worst(|r| r.too_many) == 0, format!("zero 429: {} (worst run)", worst(|r| r.too_many))),
            (worst(|r| r.lost as u64) == 0, format!("zero lost: {} (worst run)", worst(|r| r.lost as u64))),
            (
                worst(|r| r.duplicates as u64) == 0,
                format!("zero duplicates: {} (worst run)", worst(|r| r.duplicates as u64)),
            ),
        ]);
    }
    verdicts
        .push((peak_mb < RSS_LIMIT_MB, format!("peak RSS {peak_mb:.1} MB (worst run) < {RSS_LIMIT_MB} MB")));
    verdicts.push((bad_exits.is_empty(), format!("loa exits with status 0 on SIGTERM: {bad_exits:?}")));
    verdicts
}
