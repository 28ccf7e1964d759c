//! The outbox worker: sends what the `deliveries` and `amendments` tables say is owed, paced
//! under Telegram's limits, and records each outcome. Whatever stops it, the database still
//! says what is owed, so the next start finishes the work.

mod announce;
mod attempt;
mod pacer;

use std::{
    collections::{HashSet, VecDeque},
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use teloxide::Bot;
use tokio::{sync::Notify, task::JoinSet, time::Instant};
use tokio_util::sync::CancellationToken;

pub use announce::{AckButton, send as send_announcement};
pub use attempt::{MAX_ATTEMPTS, classify, error_kind};
pub use pacer::{Pacer, SharedPacer};

use crate::{
    clock::Clock,
    config::Rates,
    domain::{Lang, QuietHours, Rendered, TopicCatalog, ack_overdue_text, ack_reminder_text, gist, render},
    error::Result,
    metrics::Metrics,
    store::{AckPolicy, Action, Job, Outcome, Store},
    supervisor::{LoopHealth, Supervisor},
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
/// A held job counts as startable if its chat's limits let it start within this.
const CLAIM_HORIZON: Duration = Duration::from_secs(1);
/// Jobs held at most, however many wait for their chat's limits.
const MAX_HELD: usize = 4 * 4 * MAX_IN_FLIGHT;

/// What the rest of Loa tells the worker: new work was written (a confirmed broadcast, an
/// edit, a reminder's fire), or a broadcast was recalled.
#[derive(Clone, Default)]
pub struct OutboxSignal(Arc<Signals>);

#[derive(Default)]
struct Signals {
    wake: Notify,
    /// Recalled broadcasts whose jobs the worker may hold claimed; a recall is a person's act,
    /// so this stays small even while the worker is down.
    recalled: Mutex<Vec<i64>>,
}

impl OutboxSignal {
    pub fn notify(&self) {
        self.0.wake.notify_one();
    }

    /// `broadcast` was recalled: jobs of it that the worker holds must not start.
    pub fn recalled(&self, broadcast: i64) {
        self.0.recalled.lock().unwrap_or_else(PoisonError::into_inner).push(broadcast);
        self.notify();
    }

    fn take_recalled(&self) -> Vec<i64> {
        std::mem::take(&mut *self.0.recalled.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

pub struct Worker {
    pub store: Store,
    pub bot: Bot,
    pub clock: Arc<dyn Clock>,
    pub topics: TopicCatalog,
    pub default_lang: Lang,
    pub rates: Rates,
    /// Shared with the replies to people, which go first.
    pub pacer: SharedPacer,
    pub signal: OutboxSignal,
    pub timezone: Tz,
    /// Non-urgent sends wait while these hours last.
    pub quiet_hours: Option<QuietHours>,
    /// The time a group has to acknowledge a delivery, and who else is told when it did not.
    pub ack_policy: AckPolicy,
    /// Counts each request and how it went.
    pub metrics: Metrics,
}

/// What the worker holds between steps. It survives a failed step, so outcomes of sends that
/// went out while the database was unavailable are recorded once it is back, and the rows
/// this worker marked in flight are never mistaken for a dead process's.
struct Held {
    /// Claimed jobs waiting for their moment.
    queue: VecDeque<Job>,
    /// Chats with a job queued or in flight: one request per chat at a time.
    busy_chats: HashSet<i64>,
    in_flight: JoinSet<(Job, Outcome)>,
    /// Outcomes not yet recorded.
    finished: Vec<(Job, Outcome)>,
    last_forget: Instant,
}

impl Worker {
    /// Runs until `shutdown`, supervised: a failed step is retried with backoff, and after
    /// `GIVE_UP_AFTER` of failures the error is returned. Either way, requests already sent are
    /// awaited and recorded before it returns, and claimed jobs go back to the outbox.
    pub async fn run(self, shutdown: CancellationToken, health: LoopHealth) -> Result<()> {
        let mut supervisor = Supervisor::new("delivery worker", health, self.clock.clone());
        let resumed = supervisor.retry(&shutdown, || self.store.resume_in_flight(self.clock.now())).await?;
        if let Some(resumed @ 1..) = resumed {
            tracing::warn!(resumed, "resuming work that was in flight when Loa last stopped");
        }
        let mut held = Held {
            queue: VecDeque::new(),
            busy_chats: HashSet::new(),
            in_flight: JoinSet::new(),
            finished: Vec::new(),
            last_forget: Instant::now(),
        };
        let ended = loop {
            if shutdown.is_cancelled() {
                break Ok(());
            }
            match self.step(&mut held).await {
                Ok(()) => {
                    supervisor.succeeded();
                    self.wait_for_work(&mut held, &shutdown).await;
                }
                Err(error) => {
                    if let Err(gave_up) = supervisor.failed(error, &shutdown).await {
                        break Err(gave_up);
                    }
                }
            }
        };
        self.put_down(held).await;
        ended
    }

    /// Stopping: what left is recorded; what never left goes back to the outbox. Best effort:
    /// rows left marked in flight are resumed at the next start.
    async fn put_down(&self, mut held: Held) {
        while let Some(done) = held.in_flight.join_next().await {
            held.finished.push(done.expect("a send task never panics"));
        }
        if let Err(error) = self.record(&mut held).await {
            tracing::error!(%error, "could not record the last outcomes; they are resumed at the next start");
        }
        if let Err(error) = self.store.release(held.queue.make_contiguous()).await {
            tracing::error!(%error, "could not put claimed jobs back; they are resumed at the next start");
        }
    }

    /// Records finished jobs, claims due ones, and starts those whose pace allows.
    async fn step(&self, held: &mut Held) -> Result<()> {
        while let Some(done) = held.in_flight.try_join_next() {
            held.finished.push(done.expect("a send task never panics"));
        }
        if held.finished.len() >= RECORD_BATCH
            || (!held.finished.is_empty() && held.in_flight.len() < MAX_IN_FLIGHT / 2)
        {
            self.record(held).await?;
        }
        self.drop_recalled(held).await?;
        self.claim(held).await?;
        let now = Instant::now();
        let mut pacer = self.pacer.lock();
        while held.in_flight.len() < MAX_IN_FLIGHT {
            let Some(index) = held.queue.iter().position(|job| ready_at(&pacer, job) <= now) else {
                break;
            };
            let job = held.queue.remove(index).expect("index from position");
            // Paced from the slot it was due in, not from when the timer woke us: timers fire
            // about a millisecond late, which would otherwise stretch every gap (28.1 instead
            // of 29.1 msg/s). A job more than SLOT_SLACK late (idle, or a stall) starts a new
            // schedule, so lateness never turns into a burst.
            let due = ready_at(&pacer, &job);
            let at = if due + SLOT_SLACK >= now { due } else { now };
            record_start(&mut pacer, &job, at);
            self.start(job, &mut held.in_flight);
        }
        // O(chats paced in the last minute): once a second, not once per request.
        if now >= held.last_forget + FORGET_EVERY {
            pacer.forget_idle(now);
            held.last_forget = now;
        }
        Ok(())
    }

    /// Claims more due jobs when few of those held can start soon. A job held back by its
    /// chat's limits (a group's minute already full) does not count, so it cannot keep other
    /// chats' work, an urgent post's included, from being claimed.
    async fn claim(&self, held: &mut Held) -> Result<()> {
        // Enough for a quarter second at full rate.
        let claim_ahead = (self.rates.global_per_sec as usize / 4).clamp(8, 4 * MAX_IN_FLIGHT);
        let soon = Instant::now() + CLAIM_HORIZON;
        let startable = {
            let pacer = self.pacer.lock();
            held.queue
                .iter()
                .filter(|job| pacer.chat_ready_at(job.chat_id, job.is_group, job.messages()) <= Some(soon))
                .count()
        };
        if startable >= claim_ahead / 2 || held.queue.len() >= MAX_HELD {
            return Ok(());
        }
        let now = self.clock.now();
        let limit = (claim_ahead - startable).min(MAX_HELD - held.queue.len());
        let quiet = self.is_quiet(now);
        let claimed = self.store.claim_due(now, limit, &held.busy_chats, quiet, &self.ack_policy).await?;
        held.busy_chats.extend(claimed.iter().map(|job| job.chat_id));
        held.queue.extend(claimed);
        Ok(())
    }

    /// Jobs of broadcasts recalled since they were claimed never start.
    async fn drop_recalled(&self, held: &mut Held) -> Result<()> {
        let recalled = self.signal.take_recalled();
        if recalled.is_empty() {
            return Ok(());
        }
        let (dropped, kept): (Vec<Job>, Vec<Job>) =
            held.queue.drain(..).partition(|job| recalled.contains(&job.broadcast_id));
        held.queue.extend(kept);
        if let Err(error) = self.store.release(&dropped).await {
            // Held again, so that the next step retries; the signal is given back too.
            held.queue.extend(dropped);
            recalled.into_iter().for_each(|id| self.signal.recalled(id));
            return Err(error);
        }
        for job in dropped {
            held.busy_chats.remove(&job.chat_id);
        }
        Ok(())
    }

    /// Sleeps until there is something to do: a request finished, a queued job's slot came,
    /// new work was signalled, or it is time to look for retries that came due.
    async fn wait_for_work(&self, held: &mut Held, shutdown: &CancellationToken) {
        let next_ready = {
            let pacer = self.pacer.lock();
            held.queue.iter().map(|job| ready_at(&pacer, job)).min()
        };
        let wait_for_pace = held.in_flight.len() < MAX_IN_FLIGHT && next_ready.is_some();
        tokio::select! {
            Some(done) = held.in_flight.join_next(), if !held.in_flight.is_empty() => {
                held.finished.push(done.expect("a send task never panics"));
            }
            _ = tokio::time::sleep_until(next_ready.unwrap_or_else(Instant::now)), if wait_for_pace => {}
            _ = self.signal.0.wake.notified() => {}
            // Retries and parked rows come due without a signal.
            _ = tokio::time::sleep(IDLE_POLL) => {}
            _ = shutdown.cancelled() => {}
        }
    }

    /// Whether non-urgent sends must wait now.
    fn is_quiet(&self, now: DateTime<Utc>) -> bool {
        self.quiet_hours.is_some_and(|quiet| quiet.contains(now.with_timezone(&self.timezone).time()))
    }

    fn start(&self, job: Job, in_flight: &mut JoinSet<(Job, Outcome)>) {
        let lang = job.lang.unwrap_or(self.default_lang);
        let content = &job.content;
        let topic = self.topics.get(&job.topic);
        let topic_name = topic.map_or(job.topic.as_str(), |topic| topic.name(lang));
        let plain = |text| Rendered { text, entities: Vec::new() };
        let rendered = match &job.action {
            Action::RemindAck => plain(ack_reminder_text(lang, topic_name, &gist(&content.text))),
            Action::ReportOverdue { chats, .. } => {
                plain(ack_overdue_text(lang, job.broadcast_id, topic_name, &gist(&content.text), chats))
            }
            _ => match topic {
                Some(topic) => render(topic, lang, &content.text, &content.entities),
                None => Rendered { text: content.text.clone(), entities: content.entities.clone() },
            },
        };
        let button = job.ack.map(|_| AckButton::new(job.broadcast_id, job.acks, lang));
        let bot = self.bot.clone();
        let clock = self.clock.clone();
        let metrics = self.metrics.clone();
        in_flight.spawn(async move {
            let outcome = attempt::perform(&bot, &job, rendered, button, &metrics, || clock.now()).await;
            (job, outcome)
        });
    }

    /// Records finished jobs in one transaction; on failure they stay held for the next try.
    async fn record(&self, held: &mut Held) -> Result<()> {
        if held.finished.is_empty() {
            return Ok(());
        }
        for (job, outcome) in &held.finished {
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
                Outcome::Retry { error, at, .. } => {
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
                Outcome::Sent { .. } | Outcome::Done | Outcome::Counted { .. } => {}
            }
        }
        self.store.record(&held.finished, self.clock.now(), &self.ack_policy).await?;
        for (job, _) in held.finished.drain(..) {
            held.busy_chats.remove(&job.chat_id);
        }
        Ok(())
    }
}

/// The earliest instant `job` may start under the limits every request shares.
fn ready_at(pacer: &Pacer, job: &Job) -> Instant {
    if job.is_background() {
        pacer.background_ready_at(job.chat_id, job.is_group)
    } else {
        pacer.ready_at(job.chat_id, job.is_group, job.messages())
    }
}

/// Records that `job` starts at `at`, against the limits and, for background work, its share.
fn record_start(pacer: &mut Pacer, job: &Job, at: Instant) {
    if job.is_background() {
        pacer.record_background(job.chat_id, job.is_group, at);
    } else {
        pacer.record(job.chat_id, job.is_group, at, job.messages());
    }
}
