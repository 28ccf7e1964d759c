//! What the benchmarks share: starting and stopping the real `loa` binary, waiting on it, and
//! reading the database, /proc and the results.

// Every benches/*.rs binary compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};
use std::{path::Path, process::Stdio, str::FromStr, time::Duration};

use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use tokio::process::{Child, Command};

use chrono::Utc;
use loa::{
    domain::TopicSelection,
    store::{ChatInfo, ChatKind, Store},
};

use crate::support::fake_telegram::{FakeTelegram, TOKEN};

/// For loa to stop after SIGTERM.
pub const STOP_DEADLINE: Duration = Duration::from_secs(30);

/// `target/release/loa` with a cleared environment, pointed at the fake at `api_url` and at
/// `database_url`, official `admin` in LOA_ADMINS, RUST_LOG=warn, quiet hours off, run in `dir`
/// with its stderr in `log`. The caller adds the rates and spawns it.
pub fn loa_command(
    api_url: &str,
    database_url: &str,
    admin: i64,
    dir: &Path,
    log: &Path,
) -> Result<Command, String> {
    let log = std::fs::File::create(log).map_err(|e| format!("loa's log file: {e}"))?;
    let mut command = Command::new(env!("CARGO_BIN_EXE_loa"));
    command
        .env_clear()
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", api_url)
        .env("DATABASE_URL", database_url)
        .env("LOA_ADMINS", admin.to_string())
        .env("RUST_LOG", "warn")
        // Sends now whatever the hour: a post confirmed in quiet hours would wait until morning.
        .env("LOA_QUIET_HOURS", "off")
        // Keeps a developer's .env out of the run: loa reads one from its working directory.
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .kill_on_drop(true);
    Ok(command)
}

/// Polls `check` every 10 ms until it answers, loa exits, or `deadline` passes.
pub async fn wait_until<T>(
    loa: &mut Child,
    deadline: Duration,
    what: &str,
    mut check: impl FnMut() -> Option<T>,
) -> Result<T, String> {
    let give_up = std::time::Instant::now() + deadline;
    loop {
        if let Some(found) = check() {
            return Ok(found);
        }
        if let Ok(Some(status)) = loa.try_wait() {
            return Err(format!("loa exited ({status}) while the bench waited for {what}"));
        }
        if std::time::Instant::now() >= give_up {
            return Err(format!("timed out after {deadline:?} waiting for {what}"));
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Waits until loa polls `fake` for updates: it is up and handling them.
pub async fn until_polling(loa: &mut Child, fake: &FakeTelegram, deadline: Duration) -> Result<(), String> {
    wait_until(loa, deadline, "loa to poll getUpdates", || {
        (!fake.calls_to("getUpdates").is_empty()).then_some(())
    })
    .await
}

/// SIGTERM, then wait; `None` if loa stopped by itself with status 0.
pub async fn stop(loa: &mut Child, pid: u32) -> Option<String> {
    let signalled = Command::new("kill").args(["-TERM", &pid.to_string()]).status().await;
    if !signalled.as_ref().is_ok_and(|status| status.success()) {
        let _ = loa.kill().await;
        return Some(format!("kill -TERM failed: {signalled:?}"));
    }
    match tokio::time::timeout(STOP_DEADLINE, loa.wait()).await {
        Ok(Ok(status)) if status.success() => None,
        Ok(Ok(status)) => Some(format!("loa exited with {status}")),
        Ok(Err(error)) => Some(format!("waiting for loa: {error}")),
        Err(_) => {
            let _ = loa.kill().await;
            Some(format!("loa did not stop within {STOP_DEADLINE:?} of SIGTERM"))
        }
    }
}

pub async fn read_only(database_url: &str) -> Result<SqlitePool, String> {
    let options = SqliteConnectOptions::from_str(database_url)
        .map_err(|e| format!("{database_url}: {e}"))?
        .read_only(true)
        .busy_timeout(Duration::from_secs(5));
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(|e| format!("read-only connection: {e}"))
}

pub async fn count(db: &SqlitePool, sql: &'static str) -> Result<usize, String> {
    let n: i64 = sqlx::query_scalar(sql).fetch_one(db).await.map_err(|e| format!("{sql}: {e}"))?;
    Ok(n as usize)
}

/// A `kB` field of /proc/<pid>/status, such as VmRSS or VmHWM.
pub fn proc_status_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    line[field.len()..].trim().trim_end_matches("kB").trim().parse().ok()
}

/// A process's peak resident memory: the larger of its VmHWM and its VmRSS, sampled in the
/// background from `start` until this is dropped.
pub struct PeakRss {
    pid: u32,
    sampled_kb: Arc<AtomicU64>,
    sampler: tokio::task::JoinHandle<()>,
}

impl PeakRss {
    pub fn start(pid: u32, every: Duration) -> PeakRss {
        let sampled_kb = Arc::new(AtomicU64::new(0));
        let peak = sampled_kb.clone();
        let sampler = tokio::spawn(async move {
            let mut ticker = tokio::time::interval(every);
            loop {
                ticker.tick().await;
                if let Some(rss) = proc_status_kb(pid, "VmRSS:") {
                    peak.fetch_max(rss, Ordering::Relaxed);
                }
            }
        });
        PeakRss { pid, sampled_kb, sampler }
    }

    /// Read it while the process still runs: its VmHWM goes with it.
    pub fn peak_kb(&self) -> u64 {
        let sampled = self.sampled_kb.load(Ordering::Relaxed);
        sampled.max(proc_status_kb(self.pid, "VmHWM:").unwrap_or(0))
    }
}

impl Drop for PeakRss {
    fn drop(&mut self) {
        self.sampler.abort();
    }
}

/// User plus system time of a process (all its threads), from /proc/<pid>/stat.
pub fn cpu_time(pid: &str) -> Duration {
    // Linux reports it in clock ticks of USER_HZ, which is 100 on every architecture Rust targets.
    const TICKS_PER_SEC: u64 = 100;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The command name may contain spaces; the fields after it start with the state (field 3).
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks = |index: usize| fields.get(index).and_then(|field| field.parse::<u64>().ok()).unwrap_or(0);
    Duration::from_millis((ticks(11) + ticks(12)) * 1000 / TICKS_PER_SEC)
}

pub fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

pub fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len() % 2 == 1 { values[middle] } else { (values[middle - 1] + values[middle]) / 2.0 }
}

/// The nearest-rank `percent`-th percentile of `sorted` (ascending); `None` if it is empty.
pub fn percentile<T: Copy>(sorted: &[T], percent: usize) -> Option<T> {
    let rank = (sorted.len() * percent).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// `LOA_BENCH_RUNS`, if set: a positive whole number, or the process exits with status 2.
pub fn runs_from_env() -> Option<usize> {
    match std::env::var("LOA_BENCH_RUNS") {
        Ok(value) => match value.trim().parse::<usize>() {
            Ok(runs) if runs > 0 => Some(runs),
            _ => {
                eprintln!("LOA_BENCH_RUNS: {value:?} is not a positive whole number");
                std::process::exit(2);
            }
        },
        Err(_) => None,
    }
}

/// The runtime the benchmarks and the fake run on: two workers, like the machine's two cores.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// Records the groups and their subscriptions, as if each group's admin had sent
/// `/subscribe waste`, through the library's own calls.
pub async fn subscribe_groups(store: &Store, groups: &[i64]) -> Result<(), String> {
    let now = Utc::now();
    let waste = TopicSelection::Some(vec!["waste".into()]);
    for (number, &id) in groups.iter().enumerate() {
        let chat = ChatInfo { id, kind: ChatKind::Group, title: group_title(number) };
        store.touch_chat(&chat, now).await.map_err(|e| format!("seed chat {id}: {e}"))?;
        store.subscribe(id, &waste, now).await.map_err(|e| format!("seed subscription {id}: {e}"))?;
    }
    Ok(())
}

pub fn group_title(number: usize) -> String {
    format!("Tổ dân phố {}", number + 1)
}
