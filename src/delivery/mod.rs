//! The outbox worker: sends what the `deliveries` and `amendments` tables say is owed, paced
//! under Telegram's limits, and records each outcome. Whatever stops it, the database still
//! says what is owed, so the next start finishes the work.

mod attempt;
mod pacer;

use std::{
    collections::{HashSet, VecDeque},
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use teloxide::Bot;
use tokio::{sync::Notify, task::JoinSet, time::Instant};
use tokio_util::sync::CancellationToken;

pub use attempt::MAX_ATTEMPTS;
use pacer::Pacer;

use crate::{
    clock::Clock,
    config::Rates,
    domain::{Lang, TopicCatalog, render},
    error::Result,
    store::{Job, Outcome, Store},
};

/// Requests waiting for their answer at once: 1,000 msg/s at 30 ms a request needs about 30.
const MAX_IN_FLIGHT: usize = 64;
/// Outcomes are written in batches of up to this many, in one transaction.
const RECORD_BATCH: usize = 64;
/// How late a job may start and still be paced from its slot.
const SLOT_SLACK: Duration = Duration::from_millis(5);
/// How often the pacer forgets chats it no longer holds back.
const FORGET_EVERY: Duration = Duration::from_secs(1);
/// How often an idle worker looks for retries that have come due.
const IDLE_POLL: Duration = Duration::from_millis(500);

/// What the rest of Loa tells the worker: new work was written (a confirmed broadcast, an
/// edit, a recall, a reminder's fire), and messages were sent outside the outbox (replies to
/// commands), which count against the same overall rate.
#[derive(Clone, Default)]
pub struct OutboxSignal(Arc<Signals>);

#[derive(Default)]
struct Signals {
    wake: Notify,
    replies: Mutex<Vec<Instant>>,
}

impl OutboxSignal {
    pub fn notify(&self) {
        self.0.wake.notify_one();
    }

    /// A handler is about to send a message of its own.
    pub fn note_reply(&self) {
        self.0.replies.lock().unwrap_or_else(PoisonError::into_inner).push(Instant::now());
    }

    fn take_replies(&self) -> Vec<Instant> {
        std::mem::take(&mut *self.0.replies.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

pub struct Worker {
    pub store: Store,
    pub bot: Bot,
    pub clock: Arc<dyn Clock>,
    pub topics: TopicCatalog,
    pub default_lang: Lang,
    pub rates: Rates,
    pub signal: OutboxSignal,
}

impl Worker {
    /// Runs until `shutdown`; requests already sent are awaited and recorded before it returns.
    pub async fn run(self, shutdown: CancellationToken) -> Result<()> {
        let resumed = self.store.reset_in_flight(self.clock.now()).await?;
        if resumed > 0 {
            tracing::warn!(resumed, "resuming work that was in flight when Loa last stopped");
        }
        let mut pacer = Pacer::new(self.rates, Instant::now());
        // Claimed jobs wait here for their moment; enough for a quarter second at full rate.
        let claim_ahead = (self.rates.global_per_sec as usize / 4).clamp(8, 4 * MAX_IN_FLIGHT);
        let mut queue: VecDeque<Job> = VecDeque::new();
        let mut busy_chats: HashSet<i64> = HashSet::new();
        let mut in_flight: JoinSet<(Job, Outcome)> = JoinSet::new();
        let mut finished: Vec<(Job, Outcome)> = Vec::new();
        let mut last_forget = Instant::now();

        while !shutdown.is_cancelled() {
            while let Some(done) = in_flight.try_join_next() {
                finished.push(done.expect("a send task never panics"));
            }
            if finished.len() >= RECORD_BATCH || (!finished.is_empty() && in_flight.len() < MAX_IN_FLIGHT / 2)
            {
                self.record(&mut finished, &mut busy_chats).await?;
            }
            if queue.len() < claim_ahead / 2 {
                let claimed =
                    self.store.claim_due(self.clock.now(), claim_ahead - queue.len(), &busy_chats).await?;
                busy_chats.extend(claimed.iter().map(|job| job.chat_id));
                queue.extend(claimed);
            }
            for reply in self.signal.take_replies() {
                pacer.reserve_global(reply);
            }
            let now = Instant::now();
            while in_flight.len() < MAX_IN_FLIGHT {
                let Some(index) =
                    queue.iter().position(|job| pacer.ready_at(job.chat_id, job.is_group) <= now)
                else {
                    break;
                };
                let job = queue.remove(index).expect("index from position");
                // Paced from the slot it was due in, not from when the timer woke us: timers fire
                // about a millisecond late, which would otherwise stretch every gap (28.1 instead
                // of 29.1 msg/s). A job more than SLOT_SLACK late (idle, or a stall) starts a new
                // schedule, so lateness never turns into a burst.
                let due = pacer.ready_at(job.chat_id, job.is_group);
                let at = if due + SLOT_SLACK >= now { due } else { now };
                pacer.record(job.chat_id, job.is_group, at);
                self.start(job, &mut in_flight);
            }
            // O(chats paced in the last minute): once a second, not once per request.
            if now >= last_forget + FORGET_EVERY {
                pacer.forget_idle(now);
                last_forget = now;
            }

            let next_ready = queue.iter().map(|job| pacer.ready_at(job.chat_id, job.is_group)).min();
            let wait_for_pace = in_flight.len() < MAX_IN_FLIGHT && next_ready.is_some();
            tokio::select! {
                Some(done) = in_flight.join_next(), if !in_flight.is_empty() => {
                    finished.push(done.expect("a send task never panics"));
                }
                _ = tokio::time::sleep_until(next_ready.unwrap_or(now)), if wait_for_pace => {}
                _ = self.signal.0.wake.notified() => {}
                _ = tokio::time::sleep(IDLE_POLL), if in_flight.is_empty() && queue.is_empty() => {}
                _ = shutdown.cancelled() => {}
            }
        }

        // Stopping: what left is recorded; what never left goes back to the outbox.
        while let Some(done) = in_flight.join_next().await {
            finished.push(done.expect("a send task never panics"));
        }
        self.record(&mut finished, &mut busy_chats).await?;
        self.store.release(queue.make_contiguous()).await?;
        Ok(())
    }

    fn start(&self, job: Job, in_flight: &mut JoinSet<(Job, Outcome)>) {
        let lang = job.lang.unwrap_or(self.default_lang);
        let text = match self.topics.get(&job.topic) {
            Some(topic) => render(topic, lang, &job.body),
            None => teloxide::utils::html::escape(&job.body),
        };
        let bot = self.bot.clone();
        let clock = self.clock.clone();
        in_flight.spawn(async move {
            let outcome = attempt::perform(&bot, &job, text, || clock.now()).await;
            (job, outcome)
        });
    }

    async fn record(&self, finished: &mut Vec<(Job, Outcome)>, busy_chats: &mut HashSet<i64>) -> Result<()> {
        if finished.is_empty() {
            return Ok(());
        }
        for (job, outcome) in finished.iter() {
            match outcome {
                Outcome::Failed { error, chat_gone } => {
                    tracing::warn!(
                        broadcast = job.broadcast_id,
                        chat = job.chat_id,
                        chat_gone,
                        error,
                        "delivery failed"
                    )
                }
                Outcome::Retry { error, at } => {
                    tracing::info!(broadcast = job.broadcast_id, chat = job.chat_id, %at, error, "delivery will be retried")
                }
                Outcome::Migrated { to } => {
                    tracing::info!(
                        broadcast = job.broadcast_id,
                        chat = job.chat_id,
                        to,
                        "group moved to a supergroup"
                    )
                }
                Outcome::Sent { .. } | Outcome::Done => {}
            }
        }
        self.store.record(finished, self.clock.now()).await?;
        for (job, _) in finished.drain(..) {
            busy_chats.remove(&job.chat_id);
        }
        Ok(())
    }
}
