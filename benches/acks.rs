//! Acknowledgement taps at scale: 10,000 taps on «✅ Đã nhận» within 10 s on one announcement
//! delivered to 1,000 groups, with the real `loa` binary against the fake Bot API server
//! enforcing Telegram's limits (30/s overall, 20/min per group, 1/s per chat; edits count
//! like messages).
//!
//! ```sh
//! cargo bench --bench acks
//! LOA_BENCH_RUNS=3 cargo bench --bench acks
//! ```
//!
//! Each run seeds 1,000 groups subscribed to `waste`, starts `target/release/loa`, posts
//! `/post waste ack …` as official 42, confirms, and waits until every group has it. Then 10
//! different members of each group tap its button — 10,000 callback queries pushed evenly over
//! 10 s, the groups interleaved — and the bench polls the database (read-only) until every
//! tap is recorded and every button shows its count.
//!
//! - **Recorded once**: rows of `acks` equal 10,000, and each group's count is 10; every tap
//!   was answered (answerCallbackQuery).
//! - **429s from the count edits**: refused requests counted by the fake after the broadcast.
//! - **Count edits**: editMessageReplyMarkup calls; at most once per 10 s per message, so
//!   10 taps in 10 s cost a group 1 or 2 edits, not 10.
//! - **Times**: from the first tap to the last recorded, and to the last count shown (the
//!   edits get two thirds of the overall 30/s, so ~1,000–2,000 edits take 50–100 s).
//! - **Peak RSS**: the larger of loa's VmHWM and its VmRSS sampled every 50 ms, whole run.

#[path = "../tests/support/mod.rs"]
mod support;

mod common;

use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

use common::{
    PeakRss, count, loa_command, mb, median, read_only, runs_from_env, runtime, stop, subscribe_groups, tail,
    until_polling, wait_until,
};
use loa::store::Store;
use support::{
    fake_telegram::{FakeTelegram, Limit, Limits, SentMessage},
    updates,
};
use tokio::process::Child;

const ADMIN: i64 = 42;
const GROUPS: usize = 1_000;
const TAPS_PER_GROUP: usize = 10;
const FIRST_GROUP: i64 = -1_000_001;
/// Group n's k-th tapper is user FIRST_MEMBER + n * TAPS_PER_GROUP + k.
const FIRST_MEMBER: i64 = 100_000;
const TAPS_SPREAD: Duration = Duration::from_secs(10);
const STEP_DEADLINE: Duration = Duration::from_secs(180);
const SAMPLE_EVERY: Duration = Duration::from_millis(50);
const LIMITS: Limits = Limits { global_per_sec: 30, per_group_per_min: 20, per_chat_per_sec: 1 };
const MAX_RSS_MB: f64 = 50.0;

const DELIVERED: &str = "SELECT count(*) FROM deliveries WHERE state = 'sent'";
const ACKS: &str = "SELECT count(*) FROM acks";
const COUNTS_BEHIND: &str = "SELECT count(*) FROM deliveries WHERE acks <> acks_shown";
const GROUPS_WITH_TEN: &str = "SELECT count(*) FROM deliveries WHERE acks = 10";

struct Run {
    recorded: usize,
    groups_with_ten: usize,
    answered: usize,
    /// 429s after the broadcast, by the limit that refused.
    too_many: BTreeMap<Limit, u64>,
    edits: usize,
    to_recorded: Duration,
    to_shown: Duration,
    labels_right: usize,
    peak_rss_kb: u64,
    exit_problem: Option<String>,
}

fn main() {
    let runs = runs_from_env().unwrap_or(1);
    let runtime = runtime();
    println!(
        "Acknowledgements: {} taps within {TAPS_SPREAD:?} on one announcement in {GROUPS} groups",
        GROUPS * TAPS_PER_GROUP
    );
    println!("{runs} run(s), loa = {}", env!("CARGO_BIN_EXE_loa"));
    let mut results = Vec::new();
    for index in 1..=runs {
        match runtime.block_on(run()) {
            Ok(result) => {
                println!(
                    "run {index}: recorded {} (groups at 10: {}), answered {}, 429 after the broadcast: {:?}, \
                     count edits: {}, all recorded {:.1} s after the first tap, all counts shown {:.1} s, \
                     buttons showing (10): {}, peak RSS {:.1} MB{}",
                    result.recorded,
                    result.groups_with_ten,
                    result.answered,
                    result.too_many,
                    result.edits,
                    result.to_recorded.as_secs_f64(),
                    result.to_shown.as_secs_f64(),
                    result.labels_right,
                    mb(result.peak_rss_kb),
                    result.exit_problem.as_deref().map(|p| format!(", exit: {p}")).unwrap_or_default(),
                );
                results.push(result);
            }
            Err(error) => println!("run {index}: ERROR {error}"),
        }
    }
    if results.is_empty() {
        std::process::exit(1);
    }
    let taps = GROUPS * TAPS_PER_GROUP;
    let median_of = |f: fn(&Run) -> f64| median(results.iter().map(f).collect());
    println!(
        "median: all recorded {:.1} s, all counts shown {:.1} s, {:.0} count edits, peak RSS {:.1} MB",
        median_of(|r| r.to_recorded.as_secs_f64()),
        median_of(|r| r.to_shown.as_secs_f64()),
        median_of(|r| r.edits as f64),
        median_of(|r| mb(r.peak_rss_kb)),
    );
    let verdicts = [
        (
            results.iter().all(|r| r.recorded == taps && r.groups_with_ten == GROUPS),
            "every tap recorded once",
        ),
        (results.iter().all(|r| r.answered == taps), "every tap answered"),
        (results.iter().all(|r| r.too_many.is_empty()), "0 × 429 from the count edits"),
        (results.iter().all(|r| r.labels_right == GROUPS), "every button shows (10)"),
        (results.iter().all(|r| r.edits <= 2 * GROUPS), "at most 2 count edits per group"),
        (results.iter().all(|r| mb(r.peak_rss_kb) <= MAX_RSS_MB), "peak RSS within 50 MB"),
        (results.iter().all(|r| r.exit_problem.is_none()), "loa stops cleanly on SIGTERM"),
    ];
    let mut failed = false;
    for (passed, what) in verdicts {
        println!("{} {what}", if passed { "PASS" } else { "FAIL" });
        failed |= !passed;
    }
    if failed {
        std::process::exit(1);
    }
}

async fn run() -> Result<Run, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let database_url = format!("sqlite://{}", dir.path().join("loa.db").display());
    let groups: Vec<i64> = (0..GROUPS as i64).map(|i| FIRST_GROUP - i).collect();
    let store = Store::connect(&database_url).await.map_err(|e| format!("seed: {e}"))?;
    subscribe_groups(&store, &groups).await?;
    store.pool().close().await;

    let fake = FakeTelegram::start().await;
    fake.enforce_limits(LIMITS);
    let log = dir.path().join("loa.log");
    let mut command = loa_command(&fake.url(), &database_url, ADMIN, dir.path(), &log)?;
    let mut loa = command.spawn().map_err(|e| format!("start loa: {e}"))?;
    let result = drive(&fake, &mut loa, &database_url, &groups).await;
    if result.is_err() {
        let _ = loa.kill().await;
    }
    result.map_err(|error| format!("{error}\n--- loa's log (last lines) ---\n{}", tail(&log, 20)))
}

async fn drive(
    fake: &FakeTelegram,
    loa: &mut Child,
    database_url: &str,
    groups: &[i64],
) -> Result<Run, String> {
    let pid = loa.id().ok_or("loa has no pid")?;
    let rss = PeakRss::start(pid, SAMPLE_EVERY);
    until_polling(loa, fake, STEP_DEADLINE).await?;
    let db = read_only(database_url).await?;
    official_says(fake, loa, "/post waste ack Họp tổ dân phố 19:30 tối thứ Sáu tại nhà văn hoá.", 2).await?;
    official_says(fake, loa, "/confirm", 3).await?;
    poll(loa, &db, DELIVERED, GROUPS, |n, want| n >= want).await?;
    let announcements = groups
        .iter()
        .map(|&chat| fake.sent_to(chat).into_iter().next().ok_or(format!("group {chat} has no announcement")))
        .collect::<Result<Vec<SentMessage>, String>>()?;
    let too_many_before = fake.too_many_requests_by_limit();

    let started = Instant::now();
    push_taps(fake, &announcements).await;
    let taps = GROUPS * TAPS_PER_GROUP;
    poll(loa, &db, ACKS, taps, |n, want| n >= want).await?;
    let to_recorded = started.elapsed();
    poll(loa, &db, COUNTS_BEHIND, 0, |n, want| n <= want).await?;
    let to_shown = started.elapsed();

    let labels_right = announcements.iter().filter(|sent| label_of(fake, sent).ends_with("(10)")).count();
    let peak_rss_kb = rss.peak_kb();
    let exit_problem = stop(loa, pid).await;
    let run = Run {
        recorded: count(&db, ACKS).await?,
        groups_with_ten: count(&db, GROUPS_WITH_TEN).await?,
        answered: fake.calls_to("answerCallbackQuery").len(),
        too_many: fake
            .too_many_requests_by_limit()
            .into_iter()
            .map(|(limit, n)| (limit, n - too_many_before.get(&limit).copied().unwrap_or(0)))
            .filter(|&(_, n)| n > 0)
            .collect(),
        edits: fake.calls_to("editMessageReplyMarkup").len(),
        to_recorded,
        to_shown,
        labels_right,
        peak_rss_kb,
        exit_problem,
    };
    db.close().await;
    Ok(run)
}

/// Sends `text` as the official and waits until they have had `total` messages from Loa.
async fn official_says(fake: &FakeTelegram, loa: &mut Child, text: &str, total: usize) -> Result<(), String> {
    fake.push_update(updates::text_in_private(ADMIN, "Cán bộ", None, text));
    wait_until(loa, STEP_DEADLINE, text, || (fake.sent_to(ADMIN).len() >= total).then_some(())).await
}

/// TAPS_PER_GROUP taps per group, the groups interleaved, spread evenly over TAPS_SPREAD.
async fn push_taps(fake: &FakeTelegram, announcements: &[SentMessage]) {
    let taps: Vec<_> = (0..TAPS_PER_GROUP)
        .flat_map(|k| {
            announcements.iter().enumerate().map(move |(n, sent)| {
                let member = FIRST_MEMBER + (n * TAPS_PER_GROUP + k) as i64;
                updates::tap_button(sent, member, "ack:")
            })
        })
        .collect();
    let start = tokio::time::Instant::now();
    let gap = TAPS_SPREAD / taps.len() as u32;
    for (index, tap) in taps.into_iter().enumerate() {
        tokio::time::sleep_until(start + gap * index as u32).await;
        fake.push_update(tap);
    }
}

/// Polls `sql` every 50 ms until `done(count, want)`.
async fn poll(
    loa: &mut Child,
    db: &sqlx::SqlitePool,
    sql: &'static str,
    want: usize,
    done: fn(usize, usize) -> bool,
) -> Result<(), String> {
    let give_up = Instant::now() + STEP_DEADLINE;
    loop {
        let n = count(db, sql).await?;
        if done(n, want) {
            return Ok(());
        }
        if let Ok(Some(status)) = loa.try_wait() {
            return Err(format!("loa exited ({status}) while waiting for {sql} to reach {want}"));
        }
        if Instant::now() >= give_up {
            return Err(format!("{sql} = {n}, not {want}, after {STEP_DEADLINE:?}"));
        }
        tokio::time::sleep(SAMPLE_EVERY).await;
    }
}

fn label_of(fake: &FakeTelegram, sent: &SentMessage) -> String {
    let current = fake.current_message(sent.chat_id, sent.message_id);
    let markup = current.and_then(|message| message.reply_markup).unwrap_or_default();
    markup["inline_keyboard"][0][0]["text"].as_str().unwrap_or_default().to_owned()
}
