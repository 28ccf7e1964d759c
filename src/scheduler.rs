//! The clock: turns reminders' due fires into broadcasts. The scheduler sleeps until the
//! earliest stored next fire (woken early when a reminder is created or changed), so a fire
//! goes out at its moment; tokio-cron-scheduler drives the periodic work — a safety tick every
//! second, and housekeeping every minute. Everything about a schedule (its rule, its next
//! fire) lives in SQLite, so a restart loses nothing and a second tick finds nothing more to do.

use std::{ops::AddAssign, sync::Arc};

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use tokio::sync::Notify;
use tokio_cron_scheduler::{Job, JobScheduler};
use tokio_util::sync::CancellationToken;

use crate::{
    backups::ScheduledBackups,
    clock::Clock,
    delivery::OutboxSignal,
    domain::{Schedule, When, WhenError},
    error::Result,
    metrics::Metrics,
    store::{FirePlan, Fired, Reminder, Store},
    supervisor::{LoopHealth, Supervisor},
};

/// A fire sent this long after its time is marked late in reports (catch-up after downtime).
const LATE_AFTER: Duration = Duration::minutes(1);
/// Due reminders are planned and written this many at a time, one transaction each batch, and
/// the worker is woken after each: the first fires go out while later ones are still written.
const BATCH: u32 = 250;
/// An official's message stays usable for `/post` replying to it this long.
const INBOX_KEPT: Duration = Duration::days(1);
/// A report left unfinished this long is forgotten, with the photo and location it may hold.
const TICKET_DRAFTS_KEPT: Duration = Duration::days(1);
/// Who opened a ticket when is kept as long as the daily limit on tickets looks back.
const TICKET_OPENS_KEPT: Duration = Duration::days(1);
/// A flow that is over is kept this long, so that its old buttons can still say what became of
/// it; later they say it expired.
const FLOWS_KEPT: Duration = Duration::days(1);

pub struct Scheduler {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub timezone: Tz,
    /// Fires missed by at most this long are still sent, once.
    pub catchup: Duration,
    pub outbox: OutboxSignal,
    /// Rung when a reminder is created or changed, so that its next fire is waited for.
    pub changed: ScheduleSignal,
    /// Deliveries older than this are folded into per-broadcast totals.
    pub keep_deliveries: Duration,
    /// Tickets' personal data older than this is erased.
    pub keep_tickets: Duration,
    /// Told how late each fire it sends is.
    pub metrics: Metrics,
    /// `None`: no scheduled backups.
    pub backups: Option<Arc<ScheduledBackups>>,
}

/// Tells the scheduler that reminders changed. Cheap to clone.
#[derive(Clone, Default)]
pub struct ScheduleSignal(Arc<Notify>);

impl ScheduleSignal {
    pub fn changed(&self) {
        self.0.notify_one();
    }
}

/// A reminder's rule, rebuilt from what the store keeps.
pub fn schedule_of(reminder: &Reminder) -> Result<Schedule, WhenError> {
    Ok(Schedule {
        when: When::parse(&reminder.when)?,
        from: reminder.window.from,
        to: reminder.window.to,
        skipped: reminder.skipped.clone(),
    })
}

impl AddAssign for Fired {
    fn add_assign(&mut self, other: Fired) {
        self.broadcasts += other.broadcasts;
        self.missed += other.missed;
    }
}

impl Scheduler {
    /// Fires every reminder that is due now. Safe to call twice, or from two processes.
    pub async fn tick(&self) -> Result<Fired> {
        let now = self.clock.now();
        let mut total = Fired::default();
        loop {
            let due = self.store.due_reminders(now, BATCH).await?;
            let plans: Vec<FirePlan> = due.iter().map(|reminder| self.plan(reminder, now)).collect();
            let fired = self.store.apply_fires(&plans, now).await?;
            if fired.broadcasts > 0 {
                self.outbox.notify();
                let lags = plans.iter().filter_map(|plan| plan.send.map(|(fire, _)| now - fire));
                if let Some(lag) = lags.max() {
                    self.metrics.fired(lag);
                }
            }
            total += fired;
            if due.len() < BATCH as usize {
                return Ok(total);
            }
        }
    }

    /// Decides what a due reminder does now: the latest fire that is due is sent if it is
    /// within the catch-up window; older fires (after downtime) are only counted as missed.
    fn plan(&self, reminder: &Reminder, now: DateTime<Utc>) -> FirePlan {
        let due = reminder.next_fire_at.unwrap_or(now);
        let schedule = match schedule_of(reminder) {
            Ok(schedule) => schedule,
            Err(error) => {
                // Only a hand-edited database gets here: finish the reminder rather than loop.
                tracing::error!(reminder = reminder.id, %error, "unreadable schedule; finishing the reminder");
                return FirePlan { reminder_id: reminder.id, due, send: None, missed: vec![due], next: None };
            }
        };
        let mut fire = due;
        let mut missed = Vec::new();
        let next = loop {
            match schedule.next_fire_after(fire, self.timezone) {
                Some(later) if later <= now => {
                    missed.push(fire);
                    fire = later;
                }
                later => break later,
            }
        };
        let late = now - fire;
        let send = if late <= self.catchup {
            Some((fire, late > LATE_AFTER))
        } else {
            missed.push(fire);
            None
        };
        if !missed.is_empty() {
            tracing::warn!(reminder = reminder.id, missed = missed.len(), "fires missed while Loa was down");
        }
        FirePlan { reminder_id: reminder.id, due, send, missed, next }
    }

    /// Catches up at start-up, then fires each reminder at its moment until `shutdown`; also
    /// purges expired drafts every minute, and every hour folds old deliveries and erases old
    /// tickets' personal data. Supervised: a failed tick is retried with backoff,
    /// and after `GIVE_UP_AFTER` of failures the error is returned.
    pub async fn run(self, shutdown: CancellationToken, health: LoopHealth) -> Result<()> {
        let mut supervisor = Supervisor::new("scheduler", health, self.clock.clone());
        let Some(caught_up) = supervisor.retry(&shutdown, || self.tick()).await? else { return Ok(()) };
        tracing::info!(broadcasts = caught_up.broadcasts, missed = caught_up.missed, "scheduler ready");
        let safety_tick = Arc::new(Notify::new());
        let housekeeping = Arc::new(Notify::new());
        let retention = Arc::new(Notify::new());
        let mut cron = JobScheduler::new().await?;
        // Also what moves a test's hand-set clock along.
        cron.add(notify_job("* * * * * *", &safety_tick)?).await?;
        // Off the whole minute, at which reminders usually fire.
        cron.add(notify_job("30 * * * * *", &housekeeping)?).await?;
        cron.add(notify_job("30 7 * * * *", &retention)?).await?;
        if let Some(backups) = &self.backups {
            for job in backups.jobs()? {
                cron.add(job).await?;
            }
        }
        cron.start().await?;
        let ended = loop {
            let until_next_fire = match self.until_next_fire().await {
                Ok(wait) => wait,
                Err(error) => match supervisor.failed(error, &shutdown).await {
                    Ok(()) => continue,
                    Err(gave_up) => break Err(gave_up),
                },
            };
            let tick = tokio::select! {
                _ = tokio::time::sleep(until_next_fire.unwrap_or_default()), if until_next_fire.is_some() => true,
                _ = safety_tick.notified() => true,
                _ = self.changed.0.notified() => false,
                _ = housekeeping.notified() => {
                    self.housekeeping().await;
                    false
                }
                _ = retention.notified() => {
                    if let Err(error) = self.fold_old_deliveries().await {
                        tracing::warn!(%error, "could not fold old deliveries");
                    }
                    if let Err(error) = self.erase_old_ticket_data().await {
                        tracing::warn!(%error, "could not erase old tickets' personal data");
                    }
                    false
                }
                _ = shutdown.cancelled() => break Ok(()),
            };
            if !tick {
                continue;
            }
            match self.tick().await {
                Ok(_) => supervisor.succeeded(),
                Err(error) => {
                    if let Err(gave_up) = supervisor.failed(error, &shutdown).await {
                        break Err(gave_up);
                    }
                }
            }
        };
        cron.shutdown().await?;
        ended
    }

    /// Forgets expired drafts, what officials sent the bot more than `INBOX_KEPT` ago, flows
    /// over for more than `FLOWS_KEPT`, and who opened tickets more than a day ago.
    async fn housekeeping(&self) {
        let now = self.clock.now();
        if let Err(error) = self.store.purge_expired_drafts(now).await {
            tracing::warn!(%error, "could not purge expired drafts");
        }
        if let Err(error) = self.store.purge_inbox(now - INBOX_KEPT).await {
            tracing::warn!(%error, "could not purge the officials' inbox");
        }
        if let Err(error) = self.store.purge_flows(now, now - FLOWS_KEPT).await {
            tracing::warn!(%error, "could not purge old compose flows");
        }
        if let Err(error) = self.store.purge_ticket_drafts(now - TICKET_DRAFTS_KEPT).await {
            tracing::warn!(%error, "could not purge unfinished reports");
        }
        if let Err(error) = self.store.purge_ticket_opens(now - TICKET_OPENS_KEPT).await {
            tracing::warn!(%error, "could not purge the record of tickets opened");
        }
    }

    /// Erases the personal data of tickets older than `keep_tickets`; returns how many.
    pub async fn erase_old_ticket_data(&self) -> Result<u64> {
        let now = self.clock.now();
        let erased = self.store.erase_old_ticket_data(now - self.keep_tickets, now).await?;
        if erased > 0 {
            tracing::info!(erased, "personal data of old tickets erased");
        }
        Ok(erased)
    }

    /// Folds deliveries older than `keep_deliveries` into per-broadcast totals; returns how
    /// many broadcasts were folded.
    pub async fn fold_old_deliveries(&self) -> Result<u64> {
        let now = self.clock.now();
        let folded = self.store.fold_deliveries_before(now - self.keep_deliveries, now).await?;
        if folded > 0 {
            tracing::info!(folded, "deliveries of old broadcasts folded into totals");
        }
        Ok(folded)
    }

    /// How long until the earliest stored fire (zero if it is due); `None` if none is stored.
    async fn until_next_fire(&self) -> Result<Option<std::time::Duration>> {
        let next = self.store.next_fire_at().await?;
        Ok(next.map(|at| (at - self.clock.now()).to_std().unwrap_or_default()))
    }
}

/// A cron job that only wakes the scheduler loop: its work never overlaps, and a slow tick
/// coalesces the ones that came meanwhile.
fn notify_job(schedule: &str, notify: &Arc<Notify>) -> Result<Job> {
    let notify = notify.clone();
    Ok(Job::new_async(schedule, move |_, _| {
        let notify = notify.clone();
        Box::pin(async move { notify.notify_one() })
    })?)
}
