//! Keeps the long-running loops (the delivery worker, the scheduler) going. A loop whose step
//! fails — the database busy past its timeout, a disk full for a moment — is logged and tried
//! again with backoff (1 s doubling to 1 min), keeping what it holds in memory; work resumes
//! from the database. A loop that has failed without a break for `ALERT_AFTER` is reported to
//! people (see `alerts`); one that has failed for `GIVE_UP_AFTER` gives up, and with it the
//! process, so that systemd or Docker starts a fresh one.

use std::{
    net::SocketAddr,
    sync::{
        Arc, Mutex, OnceLock, PoisonError,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::Duration,
};

use chrono::{DateTime, Utc};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::{
    clock::Clock,
    error::{Error, Result},
};

const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// How long a loop may keep failing before the admins are told.
pub const ALERT_AFTER: Duration = Duration::from_secs(5 * 60);
/// How long a loop may keep failing before the process exits: a minute after the alert, so that
/// the alert leaves (and is recorded, for the fresh process to say "resolved") before then.
pub const GIVE_UP_AFTER: Duration = Duration::from_secs(ALERT_AFTER.as_secs() + 60);

/// What the loops report about themselves, and where Loa listens: shared with whoever watches
/// (tests, a readiness check). Cheap to clone.
#[derive(Clone, Default)]
pub struct Health {
    pub worker: LoopHealth,
    pub scheduler: LoopHealth,
    /// Set once the listeners are bound.
    pub listening: Arc<OnceLock<Listening>>,
}

/// The addresses Loa's HTTP listeners are bound to: a port 0 in the settings is the port the
/// system chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listening {
    /// `LOA_LISTEN`, in webhook mode.
    pub webhook: Option<SocketAddr>,
    /// `LOA_HTTP`: /healthz, /readyz, /metrics.
    pub status: Option<SocketAddr>,
}

/// One loop's state: running, how its last step went, and how many of its steps failed since
/// start.
#[derive(Clone, Default)]
pub struct LoopHealth(Arc<LoopState>);

#[derive(Default)]
struct LoopState {
    running: AtomicBool,
    last_step: Mutex<LastStep>,
    failures: AtomicU64,
}

#[derive(Clone, Copy, Default)]
enum LastStep {
    /// None yet since the loop started.
    #[default]
    None,
    Succeeded,
    /// Failed, and every step since this instant (by the clock passed in) too.
    Failing {
        since: DateTime<Utc>,
    },
}

impl LoopHealth {
    /// The loop is running and its last step, if any, succeeded.
    pub fn is_healthy(&self) -> bool {
        self.is_running() && !matches!(self.last_step(), LastStep::Failing { .. })
    }

    /// The loop is running and a step of it has succeeded since its last failure: it works,
    /// not merely started.
    pub fn is_working(&self) -> bool {
        self.is_running() && matches!(self.last_step(), LastStep::Succeeded)
    }

    /// Since when the loop has failed without a break, if its last step failed.
    pub fn failing_since(&self) -> Option<DateTime<Utc>> {
        match self.last_step() {
            LastStep::Failing { since } => Some(since),
            LastStep::None | LastStep::Succeeded => None,
        }
    }

    /// The loop is running, failing or not.
    pub fn is_running(&self) -> bool {
        self.0.running.load(Ordering::Relaxed)
    }

    /// Steps that failed since the process started.
    pub fn failures(&self) -> u64 {
        self.0.failures.load(Ordering::Relaxed)
    }

    fn last_step(&self) -> LastStep {
        *self.0.last_step.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn set_last_step(&self, step: LastStep) {
        *self.0.last_step.lock().unwrap_or_else(PoisonError::into_inner) = step;
    }

    fn set_running(&self, running: bool) {
        self.0.running.store(running, Ordering::Relaxed);
    }
}

/// The retry policy of one loop.
pub struct Supervisor {
    name: &'static str,
    health: LoopHealth,
    /// Dates the failures that `health` reports, so that a test can move it past `ALERT_AFTER`;
    /// the backoff and the giving up keep tokio's time.
    clock: Arc<dyn Clock>,
    backoff: Duration,
    failing_since: Option<Instant>,
}

impl Supervisor {
    pub fn new(name: &'static str, health: LoopHealth, clock: Arc<dyn Clock>) -> Supervisor {
        health.set_running(true);
        health.set_last_step(LastStep::None);
        Supervisor { name, health, clock, backoff: FIRST_BACKOFF, failing_since: None }
    }

    /// A step went well: the next failure starts a new backoff.
    pub fn succeeded(&mut self) {
        if self.failing_since.take().is_some() {
            tracing::info!(task = self.name, "recovered");
        }
        self.backoff = FIRST_BACKOFF;
        self.health.set_last_step(LastStep::Succeeded);
    }

    /// A step failed: logs it and waits out the backoff (less if `shutdown` comes first).
    /// Returns the error once the loop has been failing for `GIVE_UP_AFTER`.
    pub async fn failed(&mut self, error: Error, shutdown: &CancellationToken) -> Result<()> {
        let now = Instant::now();
        let since = *self.failing_since.get_or_insert(now);
        if self.health.failing_since().is_none() {
            self.health.set_last_step(LastStep::Failing { since: self.clock.now() });
        }
        self.health.0.failures.fetch_add(1, Ordering::Relaxed);
        if now - since >= GIVE_UP_AFTER {
            tracing::error!(task = self.name, %error, failing_for = ?GIVE_UP_AFTER, "giving up");
            self.health.set_running(false);
            return Err(error);
        }
        tracing::error!(task = self.name, %error, retry_in = ?self.backoff, "failed; retrying");
        tokio::select! {
            _ = tokio::time::sleep(self.backoff) => {}
            _ = shutdown.cancelled() => {}
        }
        self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
        Ok(())
    }

    /// Retries `attempt` under this policy until it succeeds, gives up, or `shutdown` comes
    /// (then `None`).
    pub async fn retry<T, F, Fut>(
        &mut self,
        shutdown: &CancellationToken,
        mut attempt: F,
    ) -> Result<Option<T>>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        while !shutdown.is_cancelled() {
            match attempt().await {
                Ok(value) => {
                    self.succeeded();
                    return Ok(Some(value));
                }
                Err(error) => self.failed(error, shutdown).await?,
            }
        }
        Ok(None)
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        self.health.set_running(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn clock() -> ManualClock {
        ManualClock::new(DateTime::from_timestamp(1_780_000_000, 0).unwrap())
    }

    fn error() -> Error {
        Error::Database(sqlx::Error::PoolTimedOut)
    }

    #[tokio::test(start_paused = true)]
    async fn backoff_doubles_to_a_minute_then_the_loop_gives_up_after_six_minutes() {
        let health = LoopHealth::default();
        let mut supervisor = Supervisor::new("test", health.clone(), Arc::new(clock()));
        let shutdown = CancellationToken::new();
        let start = Instant::now();
        let mut waits = Vec::new();
        let gave_up = loop {
            let before = Instant::now();
            if let Err(error) = supervisor.failed(error(), &shutdown).await {
                break error;
            }
            waits.push((Instant::now() - before).as_secs());
        };
        assert_eq!(waits[..8], [1, 2, 4, 8, 16, 32, 60, 60]);
        assert!(Instant::now() - start >= GIVE_UP_AFTER);
        assert!(Instant::now() - start < GIVE_UP_AFTER + MAX_BACKOFF);
        assert!(matches!(gave_up, Error::Database(_)));
        assert!(!health.is_healthy());
        assert_eq!(health.failures(), waits.len() as u64 + 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_success_resets_the_backoff_and_the_health() {
        let health = LoopHealth::default();
        let clock = clock();
        let mut supervisor = Supervisor::new("test", health.clone(), Arc::new(clock.clone()));
        assert!(health.is_healthy() && !health.is_working(), "started, not yet proven");
        let shutdown = CancellationToken::new();
        let first_failure = clock.now();
        supervisor.failed(error(), &shutdown).await.unwrap();
        clock.advance(chrono::Duration::minutes(3));
        supervisor.failed(error(), &shutdown).await.unwrap();
        assert!(!health.is_healthy() && !health.is_working());
        assert_eq!(health.failing_since(), Some(first_failure), "dated by the clock passed in");
        supervisor.succeeded();
        assert!(health.is_healthy() && health.is_working());
        assert_eq!(health.failing_since(), None);
        let before = Instant::now();
        supervisor.failed(error(), &shutdown).await.unwrap();
        assert_eq!((Instant::now() - before).as_secs(), 1);
        assert_eq!(health.failing_since(), Some(clock.now()), "a new run of failures");
        drop(supervisor);
        assert!(!health.is_healthy(), "a loop that ended is not running");
    }
}
