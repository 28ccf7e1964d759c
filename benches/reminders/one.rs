//! Scenario "one": a single reminder due while the 10,000 wait, 20 fires in one loa process.

use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Timelike, Utc};
use loa::store::Store;
use teloxide::types::UserId;
use tokio::runtime::Runtime;

use crate::{
    child::{Lifetime, Loa, Settings, lifetime_verdicts},
    common::{count, mb, read_only},
    report::{Spread, Verdict, print_verdicts, table},
    support::fake_telegram::FakeTelegram,
    ward::{ADMIN, DUE, LATER, Receipts, Ward, ZONE, due_reminders_next_at, reminder_for_group},
};

const FIRES: usize = 20;
/// The seeded reminders' D is at least this far ahead, so that none of them fires meanwhile.
const SEEDED_LEAD: Duration = Duration::from_secs(3600);
/// Each fire is due at the first whole second at least this long after the bench starts writing
/// its reminder: time to write it, and for loa to tick before it is due.
const FIRE_LEAD: TimeDelta = TimeDelta::seconds(3);
/// After its due second, for a fire's sendMessage to arrive.
const FIRE_DEADLINE: Duration = Duration::from_secs(10);
const MEDIAN_LIMIT_MS: f64 = 100.0;

/// What the scenario measured.
struct Run {
    /// Each fire's first sendMessage to its group minus its due second, in fire order.
    latencies: Vec<f64>,
    /// Each broadcast's `created_at` (the scheduler tick's clock) minus its fire's due second.
    ticks: Vec<f64>,
    broadcasts: usize,
    receipts: Receipts,
    /// Seeded reminders that fired, were counted as missed, or whose next fire changed.
    seeded_moved: usize,
    lifetime: Lifetime,
}

/// Runs the scenario once, prints its figures and verdicts; true if every target was met.
pub fn bench(runtime: &Runtime, settings: &Settings) -> bool {
    println!(
        "\n== one: {FIRES} fires of a single reminder due at a whole second, written to the database \
         about 3 s ahead, with {} reminders waiting; one loa process",
        DUE + LATER
    );
    match runtime.block_on(run(settings)) {
        Ok(run) => {
            print!("{}", report(&run));
            print_verdicts(&verdicts(&run))
        }
        Err(error) => {
            println!("one: ERROR {error}");
            false
        }
    }
}

async fn run(settings: &Settings) -> Result<Run, String> {
    let ward = Ward::seed(SEEDED_LEAD).await?;
    let fake = FakeTelegram::start().await;
    let mut loa = Loa::start(settings, &fake, &ward).await?;
    let fired = match Store::connect(&ward.database_url).await {
        Ok(store) => {
            let fired = fire_each(&store, &fake, &mut loa, &ward).await;
            store.pool().close().await;
            fired
        }
        Err(error) => Err(format!("the bench's own connection: {error}")),
    };
    match fired {
        Ok(latencies) => {
            let lifetime = loa.stop().await;
            measure(&fake, &ward, latencies, lifetime).await
        }
        Err(error) => Err(loa.abandon(error).await),
    }
}

/// Fires group k's reminder for k in 0..FIRES, one after the other; returns their latencies.
async fn fire_each(
    store: &Store,
    fake: &FakeTelegram,
    loa: &mut Loa,
    ward: &Ward,
) -> Result<Vec<f64>, String> {
    let mut latencies = Vec::with_capacity(FIRES);
    for (k, &group) in ward.groups[..FIRES].iter().enumerate() {
        let due = write_reminder(store, k).await?;
        let wait = (due - Utc::now()).to_std().unwrap_or_default() + FIRE_DEADLINE;
        let what = format!("fire {k}'s sendMessage to group {group}");
        let sent = loa.wait_until(wait, &what, || first_send_to(fake, group)).await?;
        latencies.push(loa.spawned.ms_after(sent, due));
    }
    Ok(latencies)
}

/// Writes group k's reminder, due at the first whole second at least FIRE_LEAD ahead, as a cron
/// schedule with seconds; returns that second.
async fn write_reminder(store: &Store, k: usize) -> Result<DateTime<Utc>, String> {
    let due = whole_second_after(Utc::now() + FIRE_LEAD);
    let when = due.with_timezone(&ZONE).format("\"%S %M %H * * *\"").to_string();
    let reminder = reminder_for_group(k, when, due, None)?;
    store
        .create_reminder(&reminder, UserId(ADMIN as u64), Utc::now())
        .await
        .map_err(|e| format!("fire {k}: writing its reminder: {e}"))?;
    if Utc::now() >= due {
        return Err(format!("fire {k}: writing its reminder took until after its due second"));
    }
    Ok(due)
}

fn whole_second_after(earliest: DateTime<Utc>) -> DateTime<Utc> {
    let second = earliest.with_nanosecond(0).expect("zero nanoseconds are valid");
    if second < earliest { second + TimeDelta::seconds(1) } else { second }
}

/// Each fire has a group of its own, so the first sendMessage to it is that fire's.
fn first_send_to(fake: &FakeTelegram, group: i64) -> Option<Instant> {
    fake.calls_to("sendMessage")
        .into_iter()
        .find(|call| call.body["chat_id"].as_i64() == Some(group))
        .map(|call| call.at)
}

/// Reads what the fake received and what loa recorded, after loa stopped.
async fn measure(
    fake: &FakeTelegram,
    ward: &Ward,
    latencies: Vec<f64>,
    lifetime: Lifetime,
) -> Result<Run, String> {
    let db = read_only(&ward.database_url).await?;
    let ticks: Vec<i64> = sqlx::query_scalar("SELECT created_at - fire_at FROM broadcasts ORDER BY id")
        .fetch_all(&db)
        .await
        .map_err(|e| format!("the broadcasts' ticks: {e}"))?;
    let seeded_moved =
        ward.later_moved(&db).await? + DUE.saturating_sub(due_reminders_next_at(&db, ward.d).await?);
    let run = Run {
        latencies,
        ticks: ticks.into_iter().map(|ms| ms as f64).collect(),
        broadcasts: count(&db, "SELECT count(*) FROM broadcasts").await?,
        receipts: Receipts::of(fake, &ward.groups[..FIRES]),
        seeded_moved,
        lifetime,
    };
    db.close().await;
    Ok(run)
}

fn report(run: &Run) -> String {
    let in_order = |values: &[f64]| values.iter().map(|ms| format!("{ms:.0}")).collect::<Vec<_>>().join(" ");
    let mut row = vec!["1".into(), format!("{:.0}", run.lifetime.ready.as_secs_f64() * 1000.0)];
    row.extend(Spread::fields(Spread::of(&run.ticks)));
    row.extend(Spread::fields(Spread::of(&run.latencies)));
    row.extend(
        [run.broadcasts, run.receipts.lost, run.receipts.extra(), run.seeded_moved].map(|n| n.to_string()),
    );
    row.push(format!("{:.1}", mb(run.lifetime.peak_rss_kb)));
    row.push(run.lifetime.exit_problem.clone().unwrap_or("0".into()));
    let header = [
        "run", "ready ms", "tick min", "tick med", "tick p95", "tick max", "min ms", "med ms", "p95 ms",
        "max ms", "bcasts", "lost", "dup", "seeded", "peak MB", "exit",
    ];
    format!(
        "first send after its due second, in fire order (ms): {}\ntick after the due second, in fire order (ms): {}\n{}\
         (ready: spawn to the first getUpdates; tick: each broadcast's created_at, the scheduler tick's clock, \
         minus its due second;\n min/med/p95/max: each fire's first sendMessage at the fake minus its due \
         second; dup: extra messages;\n seeded: seeded reminders that fired or moved)\n",
        in_order(&run.latencies),
        in_order(&run.ticks),
        table(vec![header.map(String::from).to_vec(), row]),
    )
}

fn verdicts(run: &Run) -> Vec<Verdict> {
    let spread = Spread::of(&run.latencies);
    let [min, median, p95, max] = Spread::fields(spread);
    let mut verdicts = vec![
        Verdict::new(
            spread.is_some_and(|s| s.median <= MEDIAN_LIMIT_MS),
            format!(
                "median of {FIRES} single fires' first sends {median} ms after their due second ≤ \
                 {MEDIAN_LIMIT_MS:.0} ms (min {min}, p95 {p95}, max {max})"
            ),
        ),
        Verdict::new(run.broadcasts == FIRES, format!("exactly {FIRES} broadcasts: {}", run.broadcasts)),
        Verdict::new(
            run.receipts.lost == 0 && run.receipts.extra() == 0,
            format!(
                "each of the {FIRES} groups received exactly one message: {} without, {} extra",
                run.receipts.lost,
                run.receipts.extra()
            ),
        ),
        Verdict::new(
            run.seeded_moved == 0,
            format!("no seeded reminder fired or moved: {}", run.seeded_moved),
        ),
    ];
    verdicts.extend(lifetime_verdicts(&[&run.lifetime]));
    verdicts
}
