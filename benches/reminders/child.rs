//! The `loa` child process: started against the fake, watched for memory, stopped with SIGTERM.

use std::{
    path::PathBuf,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use chrono::{DateTime, TimeDelta, Utc};
use tokio::{process::Child, task::JoinHandle};

use crate::{
    common::{cpu_time, loa_command, mb, proc_status_kb, stop, tail, wait_until},
    report::Verdict,
    support::fake_telegram::FakeTelegram,
    ward::{ADMIN, Ward},
};

const SAMPLE_EVERY: Duration = Duration::from_millis(50);
/// For loa to poll getUpdates.
const START_DEADLINE: Duration = Duration::from_secs(30);
const READY_LIMIT: Duration = Duration::from_secs(1);
const RSS_LIMIT_MB: f64 = 50.0;

/// How loa and the fake are set up, the same for both scenarios.
pub struct Settings {
    pub rate_global: u32,
    pub latency: Duration,
}

/// The moment loa was spawned, read on both clocks: converts the fake's Instants to wall-clock
/// time.
#[derive(Clone, Copy)]
pub struct Spawned {
    pub at: Instant,
    wall: DateTime<Utc>,
}

impl Spawned {
    pub fn wall_time(&self, at: Instant) -> DateTime<Utc> {
        if at >= self.at {
            self.wall + TimeDelta::from_std(at - self.at).unwrap_or_default()
        } else {
            self.wall - TimeDelta::from_std(self.at - at).unwrap_or_default()
        }
    }

    /// `at` minus `d`, in milliseconds.
    pub fn ms_after(&self, at: Instant, d: DateTime<Utc>) -> f64 {
        (self.wall_time(at) - d).num_microseconds().unwrap_or(i64::MAX) as f64 / 1000.0
    }

    /// `d` on the monotonic clock; `None` if it is before the spawn.
    pub fn instant_of(&self, d: DateTime<Utc>) -> Option<Instant> {
        Some(self.at + (d - self.wall).to_std().ok()?)
    }
}

/// A running loa that has polled getUpdates once.
pub struct Loa {
    pub child: Child,
    pub pid: u32,
    pub spawned: Spawned,
    /// From the spawn to the fake's first getUpdates call.
    ready: Duration,
    peak_rss_kb: Arc<AtomicU64>,
    sampler: JoinHandle<()>,
    log: PathBuf,
}

/// What a loa process showed from its start to its stop.
pub struct Lifetime {
    pub ready: Duration,
    /// The larger of VmHWM just before the stop and every VmRSS sampled.
    pub peak_rss_kb: u64,
    /// `None` if loa exited with status 0 on SIGTERM.
    pub exit_problem: Option<String>,
}

impl Loa {
    /// Spawns `target/release/loa` on the ward's database, pointed at `fake`, and waits for its
    /// first getUpdates.
    pub async fn start(settings: &Settings, fake: &FakeTelegram, ward: &Ward) -> Result<Loa, String> {
        fake.set_latency(settings.latency);
        let log = ward.dir.path().join("loa.log");
        let mut command = loa_command(&fake.url(), &ward.database_url, ADMIN, ward.dir.path(), &log)?;
        command.env("LOA_RATE_GLOBAL", settings.rate_global.to_string());
        let spawned = Spawned { at: Instant::now(), wall: Utc::now() };
        let child = command.spawn().map_err(|e| format!("start {}: {e}", env!("CARGO_BIN_EXE_loa")))?;
        let pid = child.id().ok_or("loa has no pid")?;
        let peak_rss_kb = Arc::new(AtomicU64::new(0));
        let sampler = tokio::spawn(sample_rss(pid, peak_rss_kb.clone()));
        let mut loa = Loa { child, pid, spawned, ready: Duration::ZERO, peak_rss_kb, sampler, log };
        let polled = loa
            .wait_until(START_DEADLINE, "loa to poll getUpdates", || {
                fake.calls_to("getUpdates").first().map(|call| call.at)
            })
            .await;
        match polled {
            Ok(first_poll) => {
                loa.ready = first_poll.saturating_duration_since(spawned.at);
                Ok(loa)
            }
            Err(error) => Err(loa.abandon(error).await),
        }
    }

    /// Polls `check` every 10 ms until it answers, loa exits, or `deadline` passes.
    pub async fn wait_until<T>(
        &mut self,
        deadline: Duration,
        what: &str,
        check: impl FnMut() -> Option<T>,
    ) -> Result<T, String> {
        wait_until(&mut self.child, deadline, what, check).await
    }

    /// An error if loa has exited.
    pub fn still_running(&mut self) -> Result<(), String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Err(format!("loa exited ({status})")),
            _ => Ok(()),
        }
    }

    pub fn cpu_time(&self) -> Duration {
        cpu_time(&self.pid.to_string())
    }

    /// SIGTERM, then waits for loa to exit.
    pub async fn stop(mut self) -> Lifetime {
        let hwm = proc_status_kb(self.pid, "VmHWM:").unwrap_or(0);
        self.sampler.abort();
        let exit_problem = stop(&mut self.child, self.pid).await;
        Lifetime {
            ready: self.ready,
            peak_rss_kb: hwm.max(self.peak_rss_kb.load(Ordering::Relaxed)),
            exit_problem,
        }
    }

    /// Kills loa after `error` and returns the error with the end of loa's log.
    pub async fn abandon(mut self, error: String) -> String {
        self.sampler.abort();
        // kill_on_drop would do it too; this also reaps the process.
        let _ = self.child.kill().await;
        format!("{error}\n--- loa's log (last lines) ---\n{}", tail(&self.log, 20))
    }
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

/// Start-up, memory and exit targets over every process a scenario ran, judged on the worst.
pub fn lifetime_verdicts(lifetimes: &[&Lifetime]) -> Vec<Verdict> {
    let ready_ms = lifetimes.iter().map(|l| l.ready.as_secs_f64() * 1000.0).fold(0.0, f64::max);
    let peak_mb = mb(lifetimes.iter().map(|l| l.peak_rss_kb).max().unwrap_or(0));
    let bad_exits: Vec<&str> = lifetimes.iter().filter_map(|l| l.exit_problem.as_deref()).collect();
    let ready_limit_ms = READY_LIMIT.as_secs_f64() * 1000.0;
    vec![
        Verdict::new(
            ready_ms <= ready_limit_ms,
            format!("start-up to ready (first getUpdates) {ready_ms:.0} ms (worst) ≤ {ready_limit_ms:.0} ms"),
        ),
        Verdict::new(
            peak_mb <= RSS_LIMIT_MB,
            format!("peak RSS {peak_mb:.1} MB (worst) ≤ {RSS_LIMIT_MB} MB"),
        ),
        Verdict::new(bad_exits.is_empty(), format!("loa exits with status 0 on SIGTERM: {bad_exits:?}")),
    ]
}
