//! Scenario "thousand": 1,000 reminders due at the same minute D, each to its own group; one
//! fresh ward and one loa process per run.

use std::time::{Duration, Instant};

use chrono::TimeDelta;
use tokio::runtime::Runtime;

use crate::{
    child::{Lifetime, Loa, Settings, Spawned, lifetime_verdicts},
    common::{count, mb, median, read_only},
    report::{Spread, Verdict, ms, print_verdicts, table},
    support::fake_telegram::FakeTelegram,
    ward::{DUE, LATER, Receipts, Ward, due_reminders_next_at, scalar, scalar_count},
};

/// D is the start of the first minute at least this long after the groups are seeded.
const LEAD: Duration = Duration::from_secs(25);
/// The reminders' import must leave loa at least this long before D.
const MIN_HEAD_START: Duration = Duration::from_secs(15);
/// How often the bench looks at the database while it waits for D and the deliveries.
const POLL_EVERY: Duration = Duration::from_millis(50);
/// After D, for every delivery to be recorded as sent (longer at slow rates, see `fire_deadline`).
const FIRE_DEADLINE: Duration = Duration::from_secs(30);
const P95_LIMIT_MS: f64 = 300.0;
const MAX_LIMIT_MS: f64 = 500.0;

/// What one run measured. Times in milliseconds are relative to D.
struct Run {
    /// The tick that made the broadcasts: their `created_at` minus D.
    tick_ms: Option<f64>,
    /// The first sendMessage to each group minus D; `f64::INFINITY` for a group that got none.
    latencies: Vec<f64>,
    watched: Watched,
    broadcasts: usize,
    /// Broadcasts that are a due reminder's fire at D.
    due_broadcasts: usize,
    receipts: Receipts,
    deliveries: usize,
    /// Deliveries in state 'sent' with a message id.
    durable: usize,
    /// Due reminders whose next fire is D + 1 day.
    advanced: usize,
    /// Later reminders that fired, were counted as missed, or whose next fire changed.
    others: usize,
    lifetime: Lifetime,
}

/// What the bench saw while loa ran.
struct Watched {
    /// When the bench saw every delivery recorded as sent; `None` if the deadline passed.
    all_sent_ms: Option<f64>,
    /// CPU time of loa from a second before D to the end.
    loa_cpu: Duration,
}

impl Run {
    fn spread(&self) -> Option<Spread> {
        Spread::of(&self.latencies)
    }
}

/// Runs the scenario `runs` times, prints its table and verdicts; true if every target was met.
pub fn bench(runtime: &Runtime, settings: &Settings, runs: usize) -> bool {
    println!(
        "\n== thousand: {DUE} of {} active reminders due at the same minute D, each to its own group; \
         {runs} run(s) (LOA_BENCH_RUNS)",
        DUE + LATER
    );
    let mut results = Vec::new();
    let mut all_ran = true;
    for index in 1..=runs {
        match runtime.block_on(run(settings)) {
            Ok(result) => {
                eprintln!("  run {index}/{runs} done");
                results.push(result);
            }
            Err(error) => {
                println!("run {index}: ERROR {error}");
                all_ran = false;
            }
        }
    }
    if results.is_empty() {
        println!("FAIL no run of thousand completed");
        return false;
    }
    print!("{}", results_table(&results));
    print_verdicts(&verdicts(&results)) && all_ran
}

async fn run(settings: &Settings) -> Result<Run, String> {
    let ward = Ward::seed(LEAD).await?;
    let head_start = (ward.d - chrono::Utc::now()).to_std().unwrap_or_default();
    if head_start < MIN_HEAD_START {
        return Err(format!(
            "seeding left loa only {head_start:?} before D; at least {MIN_HEAD_START:?} needed"
        ));
    }
    let fake = FakeTelegram::start().await;
    let mut loa = Loa::start(settings, &fake, &ward).await?;
    match watch(settings, &mut loa, &ward).await {
        Ok(watched) => {
            let spawned = loa.spawned;
            let lifetime = loa.stop().await;
            measure(&fake, &ward, spawned, watched, lifetime).await
        }
        Err(error) => Err(loa.abandon(error).await),
    }
}

/// Waits for D, then until every delivery is recorded as sent or the deadline passes.
async fn watch(settings: &Settings, loa: &mut Loa, ward: &Ward) -> Result<Watched, String> {
    let d = loa.spawned.instant_of(ward.d).ok_or("D passed before loa started")?;
    let deadline = fire_deadline(settings.rate_global);
    let db = read_only(&ward.database_url).await?;
    let mut cpu_before = None;
    let mut ticker = tokio::time::interval(POLL_EVERY);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let all_sent = loop {
        ticker.tick().await;
        loa.still_running().map_err(|exited| format!("{exited} before every fire was delivered"))?;
        let now = Instant::now();
        if now + Duration::from_secs(1) < d {
            continue;
        }
        cpu_before.get_or_insert_with(|| loa.cpu_time());
        if now < d {
            continue;
        }
        let sent = count(&db, "SELECT count(*) FROM deliveries WHERE state = 'sent'").await?;
        if sent >= ward.groups.len() {
            break Some((now - d).as_secs_f64() * 1000.0);
        }
        if now >= d + deadline {
            break None;
        }
    };
    db.close().await;
    let loa_cpu = loa.cpu_time().saturating_sub(cpu_before.unwrap_or_default());
    Ok(Watched { all_sent_ms: all_sent, loa_cpu })
}

/// After D, how long the bench waits for every delivery: 30 s, or three times what the overall
/// rate needs for 1,000 messages if that is longer.
fn fire_deadline(rate_global: u32) -> Duration {
    FIRE_DEADLINE.max(Duration::from_secs_f64(3.0 * DUE as f64 / f64::from(rate_global)))
}

/// Reads what the fake received and what loa recorded, after loa stopped.
async fn measure(
    fake: &FakeTelegram,
    ward: &Ward,
    spawned: Spawned,
    watched: Watched,
    lifetime: Lifetime,
) -> Result<Run, String> {
    let receipts = Receipts::of(fake, &ward.groups);
    let latencies = ward
        .groups
        .iter()
        .map(|group| receipts.first_send.get(group).map_or(f64::INFINITY, |at| spawned.ms_after(*at, ward.d)))
        .collect();
    let db = read_only(&ward.database_url).await?;
    let d_ms = ward.d.timestamp_millis();
    let tick: Option<i64> = scalar(&db, "SELECT min(created_at) FROM broadcasts", &[]).await?;
    let run = Run {
        tick_ms: tick.map(|created| (created - d_ms) as f64),
        latencies,
        watched,
        broadcasts: count(&db, "SELECT count(*) FROM broadcasts").await?,
        due_broadcasts: scalar_count(
            &db,
            "SELECT count(DISTINCT b.reminder_id) FROM broadcasts b JOIN reminders r ON r.id = b.reminder_id
             WHERE r.import_key LIKE 'due-%' AND b.fire_at = ?1 AND b.late = 0",
            &[d_ms],
        )
        .await?,
        receipts,
        deliveries: count(&db, "SELECT count(*) FROM deliveries").await?,
        durable: count(
            &db,
            "SELECT count(*) FROM deliveries WHERE state = 'sent' AND message_id IS NOT NULL",
        )
        .await?,
        advanced: due_reminders_next_at(&db, ward.d + TimeDelta::days(1)).await?,
        others: ward.later_moved(&db).await?,
        lifetime,
    };
    db.close().await;
    Ok(run)
}

fn results_table(results: &[Run]) -> String {
    const HEADER: [&str; 17] = [
        "run", "ready ms", "tick ms", "min ms", "med ms", "p95 ms", "max ms", "all sent", "bcasts", "lost",
        "dup", "durable", "moved", "others", "peak MB", "CPU s", "exit",
    ];
    let mut rows = vec![HEADER.map(String::from).to_vec()];
    for (index, run) in results.iter().enumerate() {
        let mut row = vec![(index + 1).to_string(), format!("{:.0}", ready_ms(run)), ms(run.tick_ms)];
        row.extend(Spread::fields(run.spread()));
        row.push(run.watched.all_sent_ms.map_or(">deadline".into(), |ms| format!("{ms:.0}")));
        row.extend(
            [run.broadcasts, run.receipts.lost, run.receipts.extra(), run.durable, run.advanced, run.others]
                .map(|n| n.to_string()),
        );
        row.push(format!("{:.1}", mb(run.lifetime.peak_rss_kb)));
        row.push(format!("{:.1}", run.watched.loa_cpu.as_secs_f64()));
        row.push(run.lifetime.exit_problem.clone().unwrap_or("0".into()));
        rows.push(row);
    }
    if results.len() > 1 {
        rows.push(median_row(results));
    }
    let mut out = table(rows);
    out.push_str(
        "(ready: spawn to the first getUpdates; tick: the broadcasts' created_at, the scheduler tick's \
         clock, minus D;\n min/med/p95/max: each group's first sendMessage at the fake minus D (inf: \
         never sent);\n all sent: D to every delivery seen recorded as sent (polled every 50 ms); \
         bcasts: broadcasts; dup: extra messages;\n moved: due reminders moved on to D + 1 day; others: \
         other reminders that fired or moved; CPU s: loa's CPU seconds from D - 1 s)\n",
    );
    out
}

/// The median of each figure over the runs.
fn median_row(results: &[Run]) -> Vec<String> {
    let med = |metric: &dyn Fn(&Run) -> Option<f64>, decimals: usize| {
        let values: Vec<f64> = results.iter().filter_map(metric).collect();
        if values.is_empty() { "-".into() } else { format!("{:.*}", decimals, median(values)) }
    };
    let spreads: Vec<Option<Spread>> = results.iter().map(Run::spread).collect();
    let spread_med = |part: fn(&Spread) -> f64| {
        let values: Vec<f64> = spreads.iter().flatten().map(part).collect();
        if values.is_empty() { "-".into() } else { ms(Some(median(values))) }
    };
    vec![
        "median".into(),
        med(&|r| Some(ready_ms(r)), 0),
        med(&|r| r.tick_ms, 0),
        spread_med(|s| s.min),
        spread_med(|s| s.median),
        spread_med(|s| s.p95),
        spread_med(|s| s.max),
        med(&|r| r.watched.all_sent_ms, 0),
        med(&|r| Some(r.broadcasts as f64), 0),
        med(&|r| Some(r.receipts.lost as f64), 0),
        med(&|r| Some(r.receipts.extra() as f64), 0),
        med(&|r| Some(r.durable as f64), 0),
        med(&|r| Some(r.advanced as f64), 0),
        med(&|r| Some(r.others as f64), 0),
        med(&|r| Some(mb(r.lifetime.peak_rss_kb)), 1),
        med(&|r| Some(r.watched.loa_cpu.as_secs_f64()), 1),
        String::new(),
    ]
}

fn ready_ms(run: &Run) -> f64 {
    run.lifetime.ready.as_secs_f64() * 1000.0
}

/// The targets, each judged on the worst run.
fn verdicts(results: &[Run]) -> Vec<Verdict> {
    let worst = |metric: &dyn Fn(&Run) -> usize| results.iter().map(metric).max().unwrap_or(0);
    let worst_ms = |part: fn(&Spread) -> f64| {
        results
            .iter()
            .map(|r| r.spread().map_or(f64::INFINITY, |s| part(&s)))
            .fold(f64::NEG_INFINITY, f64::max)
    };
    let p95_ms = worst_ms(|s| s.p95);
    let max_ms = worst_ms(|s| s.max);
    let wrong_broadcasts = worst(&|r| r.broadcasts.abs_diff(DUE) + DUE.saturating_sub(r.due_broadcasts));
    let lost = worst(&|r| r.receipts.lost);
    let extra = worst(&|r| r.receipts.extra());
    let not_durable = worst(&|r| r.deliveries.abs_diff(DUE) + DUE.saturating_sub(r.durable));
    let not_advanced = worst(&|r| DUE.saturating_sub(r.advanced));
    let others = worst(&|r| r.others);
    let mut verdicts = vec![
        Verdict::new(
            p95_ms <= P95_LIMIT_MS,
            format!("p95 of the {DUE} first sends {p95_ms:.0} ms after D (worst run) ≤ {P95_LIMIT_MS:.0} ms"),
        ),
        Verdict::new(
            max_ms <= MAX_LIMIT_MS,
            format!("slowest first send {max_ms:.0} ms after D (worst run) ≤ {MAX_LIMIT_MS:.0} ms"),
        ),
        Verdict::new(
            wrong_broadcasts == 0,
            format!(
                "exactly {DUE} broadcasts, one per due reminder's fire at D: {wrong_broadcasts} off (worst run)"
            ),
        ),
        Verdict::new(
            lost == 0 && extra == 0,
            format!("each group received exactly one message: {lost} without, {extra} extra (worst run)"),
        ),
        Verdict::new(
            not_durable == 0,
            format!("every delivery recorded sent with a message_id: {not_durable} missing (worst run)"),
        ),
        Verdict::new(
            others == 0 && not_advanced == 0,
            format!(
                "no other reminder fired or moved: {others}; due reminders not moved on to D + 1 day: \
                 {not_advanced} (worst run)"
            ),
        ),
    ];
    let lifetimes: Vec<&Lifetime> = results.iter().map(|r| &r.lifetime).collect();
    verdicts.extend(lifetime_verdicts(&lifetimes));
    verdicts
}
