//! Reminder fires of the real `loa` binary against the fake Bot API server.
//!
//! ```sh
//! cargo bench --bench reminders                 # both scenarios
//! cargo bench --bench reminders -- one          # only "one"; `-- thousand` for only "thousand"
//! LOA_BENCH_RUNS=1 cargo bench --bench reminders
//! LOA_BENCH_RATE_GLOBAL=30 cargo bench --bench reminders   # Loa's default overall rate, for information
//! LOA_BENCH_LATENCY_MS=30 cargo bench --bench reminders    # the fake answers each sendMessage 30 ms late
//! ```
//!
//! Both scenarios seed a fresh SQLite file through the library: 1,000 groups, group i bound to
//! area i and subscribed to one topic (the six topics in turn); then, with
//! `Store::import_reminders` (one transaction), 10,000 active reminders with unique import keys.
//! 1,000 of them, `due-<i>`, are due at the same instant D, the start of a minute in
//! Asia/Ho_Chi_Minh: reminder i is `daily@HH:MM` at D's local time, on group i's topic, for area
//! i only, so the first sendMessage to group i is reminder i's fire. The other 9,000 (daily,
//! weekly, monthly and cron schedules at other times) are next due at least an hour after D, at
//! the fire their own schedule gives, so they are spread over the following days and weeks.
//!
//! Then `target/release/loa` starts as a child process pointed at the fake on 127.0.0.1
//! (environment cleared; LOA_QUIET_HOURS=off so that the result does not depend on the hour).
//! The fake enforces no limits and answers at once (`LOA_BENCH_LATENCY_MS` adds latency to every
//! sendMessage); Loa runs with LOA_RATE_GLOBAL=100000 so that its own pacing does not dominate
//! (`LOA_BENCH_RATE_GLOBAL` sets another value, 30 being Loa's default). Latencies are the time
//! the fake received a sendMessage, as wall-clock time, minus the instant the reminder was due:
//! the fake stamps calls with an `Instant`, and one (Instant, wall clock) pair read as loa is
//! spawned converts them.
//!
//! - **one**: a single reminder due while the 10,000 wait, 20 times in one loa process. D here is
//!   an hour ahead, so none of the seeded reminders fires. For each fire the bench writes one
//!   reminder straight into the database with `Store::create_reminder` (a connection of its own,
//!   as `loa import` would): a cron schedule with seconds, `"S M H * * *"` in the ward's zone, due
//!   at the first whole second at least 3 s ahead, for group k (topic and area of group k only),
//!   next due then. It waits for the fake to receive the sendMessage to group k, records the
//!   latency, and only then writes the next one (group k + 1). Loa does not learn of the write:
//!   its scheduler finds it on a tick. Target: the median of the 20 first sends ≤ 100 ms after
//!   their due second. Checks: exactly 20 broadcasts, one message to each of the 20 groups and
//!   none to any other chat, none of the seeded reminders fired or moved.
//! - **thousand**: D is the start of the first minute at least 25 s after the groups are seeded
//!   (the import, a second or two, comes after; a run stops if it leaves loa less than 15 s);
//!   loa starts, and the bench waits for D. For each of the 1,000 fires it takes the first
//!   sendMessage to its group minus D. The table also shows the scheduler tick that made the
//!   broadcasts (their `created_at`, the tick's `now`, minus D) and when the bench saw every
//!   delivery recorded as sent (polled every 50 ms). Targets: p95 ≤ 300 ms, the slowest ≤ 500 ms
//!   (a fire never sent counts as infinitely late). Checks: exactly 1,000 broadcasts, each a due
//!   reminder's fire at D; each group received exactly one message and nobody else any; every
//!   delivery recorded as sent with a message id; no other reminder fired or moved, and every
//!   due reminder moved on to D + 1 day. Waiting for D takes 25 to 85 s a run; 3 runs by default
//!   (`LOA_BENCH_RUNS`), each with a fresh ward and loa. The table shows every run and the median
//!   of each figure; PASS/FAIL compares the worst run.
//!
//! For every loa process of either scenario:
//! - **Start-up to ready**: from spawning loa to the fake's first getUpdates call. By then loa has
//!   read its settings, opened and migrated the database, called getMe, setMyCommands (three
//!   times) and deleteWebhook, and spawned the delivery worker and the scheduler. The
//!   scheduler's start-up catch-up runs in its own task and is not awaited before polling (here
//!   it finds nothing due). Target: ≤ 1 s.
//! - **Peak RSS**: the larger of loa's VmHWM at the end and its VmRSS sampled every 50 ms from
//!   spawn to the end. Target: ≤ 50 MB.
//! - **Exit**: loa exits with status 0 on SIGTERM.
//!
//! The process exits with status 1 if any target is missed, 2 on a bad argument.

#[path = "../../tests/support/mod.rs"]
mod support;

#[path = "../common/mod.rs"]
mod common;

mod child;
mod one;
mod report;
mod thousand;
mod ward;

use std::time::Duration;

use child::Settings;
use common::{runs_from_env, runtime};

const SCENARIOS: [&str; 2] = ["one", "thousand"];

fn main() {
    let wanted = scenarios_from_args();
    let settings = Settings {
        rate_global: env_number("LOA_BENCH_RATE_GLOBAL", 100_000, 1),
        latency: Duration::from_millis(env_number("LOA_BENCH_LATENCY_MS", 0, 0).into()),
    };
    let runtime = runtime();
    println!(
        "\nReminder fires, loa = {}\nfake: no limits, {} ms per sendMessage (LOA_BENCH_LATENCY_MS); \
         loa: LOA_RATE_GLOBAL={} (LOA_BENCH_RATE_GLOBAL{}), LOA_QUIET_HOURS=off",
        env!("CARGO_BIN_EXE_loa"),
        settings.latency.as_millis(),
        settings.rate_global,
        if settings.rate_global >= 10_000 {
            "; high so that Loa's own pacing does not dominate, 30 is its default"
        } else {
            ""
        },
    );
    let mut all_passed = true;
    if wanted.contains(&"one") {
        all_passed &= one::bench(&runtime, &settings);
    }
    if wanted.contains(&"thousand") {
        all_passed &= thousand::bench(&runtime, &settings, runs_from_env().unwrap_or(3));
    }
    if !all_passed {
        std::process::exit(1);
    }
}

/// The scenarios named on the command line (flags such as cargo's `--bench` aside), all of them
/// if none is; exits with status 2 on an unknown name.
fn scenarios_from_args() -> Vec<&'static str> {
    let named: Vec<String> = std::env::args().skip(1).filter(|arg| !arg.starts_with('-')).collect();
    if named.is_empty() {
        return SCENARIOS.to_vec();
    }
    named
        .iter()
        .map(|name| {
            SCENARIOS.into_iter().find(|known| known.eq_ignore_ascii_case(name)).unwrap_or_else(|| {
                eprintln!("unknown scenario {name:?}; expected one or thousand (or nothing for both)");
                std::process::exit(2);
            })
        })
        .collect()
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
