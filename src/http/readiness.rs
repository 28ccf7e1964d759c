//! Whether Loa can do its work now: the database writable, the delivery worker and the
//! scheduler alive, the Bot API answering. And the probe that keeps the last of these known
//! when nothing else talks to Telegram.

use std::time::Duration;

use teloxide::{Bot, prelude::Requester};
use tokio_util::sync::CancellationToken;

use crate::{metrics::Metrics, supervisor::LoopHealth};

/// Without an answer from the Bot API for this long, Loa is not ready.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(2 * 60);
/// After this long without an answer, the probe asks for one: at most once a minute.
const PROBE_AFTER: Duration = Duration::from_secs(60);

/// What a readiness check found.
pub struct Findings<'a> {
    pub stopping: bool,
    /// Why the database could not be written, if it could not.
    pub database: Option<String>,
    pub worker: &'a LoopHealth,
    pub scheduler: &'a LoopHealth,
    /// How long ago the Bot API last answered; `None`: never.
    pub since_answer: Option<Duration>,
}

impl Findings<'_> {
    /// `Ok` when ready; otherwise what is wrong, each problem in a few words, on one line.
    pub fn verdict(&self) -> Result<(), String> {
        let mut problems = Vec::new();
        if self.stopping {
            problems.push("stopping".to_owned());
        }
        if let Some(error) = &self.database {
            problems.push(format!("database not writable: {error}"));
        }
        for (name, health) in [("delivery worker", self.worker), ("scheduler", self.scheduler)] {
            if !health.is_running() {
                problems.push(format!("{name} stopped"));
            } else if !health.is_healthy() {
                problems.push(format!("{name} failing ({} failures since start)", health.failures()));
            }
        }
        match self.since_answer {
            None => problems.push("no answer from the Bot API yet".to_owned()),
            Some(quiet) if quiet > ANSWER_WITHIN => {
                problems.push(format!("no answer from the Bot API for {} s", quiet.as_secs()))
            }
            Some(_) => {}
        }
        if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) }
    }
}

/// Asks the Bot API `getMe` whenever it has not answered anything for a minute — on a quiet
/// night in webhook mode nothing else calls it — so that `/readyz` knows it still answers.
/// Runs until `shutdown`.
pub async fn probe_bot_api(bot: Bot, metrics: Metrics, shutdown: CancellationToken) {
    loop {
        let wait = match until_probe(metrics.since_bot_api_answered()) {
            Duration::ZERO => {
                match bot.get_me().await {
                    Ok(_) => metrics.bot_api_answered(),
                    Err(error) => tracing::warn!(%error, "the Bot API did not answer getMe"),
                }
                // Failed or not, the next probe is a minute away.
                PROBE_AFTER
            }
            wait => wait,
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.cancelled() => return,
        }
    }
}

/// How long until the probe should ask, given how long the Bot API has been quiet.
fn until_probe(quiet_for: Option<Duration>) -> Duration {
    quiet_for.map_or(Duration::ZERO, |quiet| PROBE_AFTER.saturating_sub(quiet))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use crate::{clock::SystemClock, supervisor::Supervisor};

    fn running() -> (LoopHealth, Supervisor) {
        let health = LoopHealth::default();
        let supervisor = Supervisor::new("test", health.clone(), Arc::new(SystemClock));
        (health, supervisor)
    }

    #[test]
    fn all_well_is_ready() {
        let ((worker, _w), (scheduler, _s)) = (running(), running());
        let findings = Findings {
            stopping: false,
            database: None,
            worker: &worker,
            scheduler: &scheduler,
            since_answer: Some(Duration::from_secs(100)),
        };
        assert_eq!(findings.verdict(), Ok(()));
    }

    #[tokio::test]
    async fn each_problem_is_named_on_one_line() {
        let (worker, scheduler) = (LoopHealth::default(), LoopHealth::default());
        let mut failing = Supervisor::new("delivery worker", worker.clone(), Arc::new(SystemClock));
        failing.failed(crate::error::Error::Panicked("x"), &cancelled()).await.unwrap();
        let findings = Findings {
            stopping: true,
            database: Some("database is locked".into()),
            worker: &worker,
            scheduler: &scheduler,
            since_answer: Some(Duration::from_secs(121)),
        };
        assert_eq!(
            findings.verdict().unwrap_err(),
            "stopping; database not writable: database is locked; delivery worker failing (1 failures \
             since start); scheduler stopped; no answer from the Bot API for 121 s"
        );
        let never = Findings { since_answer: None, stopping: false, database: None, ..findings };
        assert!(never.verdict().unwrap_err().ends_with("no answer from the Bot API yet"));
    }

    fn cancelled() -> CancellationToken {
        let token = CancellationToken::new();
        token.cancel();
        token
    }

    #[test]
    fn the_probe_asks_only_after_a_quiet_minute() {
        assert_eq!(until_probe(None), Duration::ZERO, "never answered: ask now");
        assert_eq!(until_probe(Some(Duration::from_secs(15))), Duration::from_secs(45));
        assert_eq!(until_probe(Some(Duration::from_secs(60))), Duration::ZERO);
        assert_eq!(until_probe(Some(Duration::from_secs(600))), Duration::ZERO);
    }
}
