//! Start-up and shutdown: the one code path that `loa run` and the tests both use.

use std::{sync::Arc, time::Duration};

use teloxide::{
    dispatching::ShutdownToken, error_handlers::LoggingErrorHandler, prelude::*, update_listeners::Polling,
};
use tokio_util::{sync::CancellationToken, task::AbortOnDropHandle};

use crate::{
    alerts,
    backups::ScheduledBackups,
    bot::{self, Context, ReplyQueue},
    clock::Clock,
    config::Settings,
    delivery::{OutboxSignal, SharedPacer, Worker},
    domain::TopicCatalog,
    error::{Error, Result},
    http::{Listeners, Status, Webhook},
    metrics::Metrics,
    scheduler::{ScheduleSignal, Scheduler},
    store::{AckPolicy, Store},
    supervisor::Health,
};

/// How long one getUpdates call waits for updates before it is repeated.
const POLL_TIMEOUT: Duration = Duration::from_secs(10);
/// Workers that handle updates; a chat always goes to the same one.
const UPDATE_WORKERS: i64 = 32;

/// Runs the bot until `shutdown` is cancelled, or until the delivery worker or the scheduler
/// gives up (then with its error). In-flight handlers finish, and what they queued is sent,
/// before it returns. `health` receives the loops' state and the listeners' addresses.
pub async fn run(
    settings: Settings,
    clock: Arc<dyn Clock>,
    shutdown: CancellationToken,
    health: Health,
) -> Result<()> {
    let token = settings.token()?.expose();
    tracing::info!(version = crate::VERSION, "starting");
    let store = Store::connect(&settings.database_url).await?;
    let database = store.clone();
    store.ensure_admins(&settings.admins, clock.now()).await?;
    let topics = TopicCatalog::new(store.topics().await?);
    let listeners = Listeners::bind(&settings).await?;
    let _ = health.listening.set(listeners.addresses());

    let (bot, sender) = connect(&settings, token).await?;
    let metrics = Metrics::new();
    metrics.bot_api_answered();

    let outbox = OutboxSignal::default();
    let schedule = ScheduleSignal::default();
    // Replies and deliveries share Telegram's limits, and so one pacer.
    let pacer = SharedPacer::new(settings.rates);
    let replies = ReplyQueue::new(sender.clone(), pacer.clone(), settings.rates, metrics.clone());
    let worker = Worker {
        store: store.clone(),
        bot: sender.clone(),
        clock: clock.clone(),
        topics: topics.clone(),
        default_lang: settings.default_lang,
        rates: settings.rates,
        pacer,
        signal: outbox.clone(),
        timezone: settings.timezone,
        quiet_hours: settings.quiet_hours,
        ack_policy: AckPolicy { within: settings.ack_within, desk: settings.desk.chat.map(|chat| chat.0) },
        metrics: metrics.clone(),
    };
    let scheduler = Scheduler {
        store: store.clone(),
        clock: clock.clone(),
        timezone: settings.timezone,
        catchup: settings.catchup,
        outbox: outbox.clone(),
        changed: schedule.clone(),
        keep_deliveries: settings.keep_deliveries,
        keep_tickets: settings.desk.keep_tickets,
        metrics: metrics.clone(),
        backups: settings
            .backups
            .clone()
            .map(|schedule| ScheduledBackups::new(store.clone(), clock.clone(), schedule)),
    };
    let status = Status::new(store.clone(), metrics, health.clone(), clock.clone(), shutdown.clone());
    let serving = listeners.serve(&settings, &status, sender).await?;
    let background = Background::spawn(replies.clone(), worker, scheduler, &health, &shutdown);

    let context = Arc::new(Context {
        store,
        topics,
        default_lang: settings.default_lang,
        timezone: settings.timezone,
        clock,
        outbox,
        schedule,
        replies,
        albums: Default::default(),
        quiet_hours: settings.quiet_hours,
        ward_name: settings.ward_name.clone(),
        desk: settings.desk,
    });
    if let Err(error) = bot::desk_catch_up(&context).await {
        tracing::warn!(%error, "could not send the desk what it is owed");
    }
    let desk_watch = AbortOnDropHandle::new(tokio::spawn(bot::watch_desk(context.clone(), shutdown.clone())));
    let alert_watch =
        AbortOnDropHandle::new(tokio::spawn(alerts::watch(context.clone(), health, shutdown.clone())));
    let dispatched = dispatch(bot, context, &shutdown, serving.webhook).await;
    // The dispatcher also stops on its own (a fatal polling error): the rest must stop too.
    shutdown.cancel();
    if desk_watch.await.is_err() {
        tracing::error!("the desk's watch stopped unexpectedly");
    }
    if alert_watch.await.is_err() {
        tracing::error!("the alerts' watch stopped unexpectedly");
    }
    let stopped = background.stop().await;
    database.close().await;
    dispatched.and(stopped)?;
    tracing::info!("stopped");
    Ok(())
}

/// Returns the bot that polls (and answers callbacks, registers the menu…) and the one that
/// sends messages. Fails fast on a wrong token or an unreachable server, before anything else
/// starts.
async fn connect(settings: &Settings, token: &str) -> Result<(Bot, Bot)> {
    let bot = Bot::new(token).set_api_url(settings.api_url.clone());
    // Messages get their own client: a send that hangs is retried after LOA_SEND_TIMEOUT,
    // while long polling needs a timeout longer than its poll.
    let send_client = teloxide::net::default_reqwest_settings()
        .timeout(settings.send_timeout)
        .build()
        .map_err(teloxide::RequestError::from)?;
    let sender = Bot::with_client(token, send_client).set_api_url(settings.api_url.clone());
    let me = bot.get_me().await?;
    tracing::info!(username = me.username(), "connected to the Bot API");
    bot::register_menu(&bot, settings.default_lang).await;
    Ok((bot, sender))
}

/// Handles updates from `webhook`, or without one by long polling (deleting a webhook left from
/// before), until `shutdown`; in-flight handlers finish before it returns.
async fn dispatch(
    bot: Bot,
    context: Arc<Context>,
    shutdown: &CancellationToken,
    webhook: Option<Webhook>,
) -> Result<()> {
    let mut dispatcher = Dispatcher::builder(bot.clone(), bot::schema())
        .dependencies(dptree::deps![context])
        // A chat's updates are handled in order, by one worker. teloxide's default starts a
        // worker (a task and a queue) per chat: a thousand groups joining at once would hold a
        // thousand. Chats share a bounded set of workers instead; handlers only touch SQLite
        // and queue their replies, so a few dozen keep up with any burst.
        .distribution_function(|update| update.chat().map(|chat| chat.id.0.rem_euclid(UPDATE_WORKERS)))
        // Messages that are not for the bot (group chatter) are expected; nothing to log.
        .default_handler(|_| async {})
        .error_handler(LoggingErrorHandler::with_custom_text("a handler failed"))
        .build();
    let _stopper = AbortOnDropHandle::new(tokio::spawn(stop_dispatcher_on(
        shutdown.clone(),
        dispatcher.shutdown_token(),
    )));
    if let Some(webhook) = webhook {
        return webhook.dispatch(&mut dispatcher, &bot, shutdown).await;
    }
    let listener = Polling::builder(bot).timeout(POLL_TIMEOUT).delete_webhook().await.build();
    dispatcher
        .try_dispatch_with_listener(listener, LoggingErrorHandler::with_custom_text("getUpdates failed"))
        .await?;
    Ok(())
}

/// Asks the dispatcher to stop once `shutdown` is cancelled. The dispatcher refuses while it is
/// still starting, so the request is repeated until it is taken.
async fn stop_dispatcher_on(shutdown: CancellationToken, token: ShutdownToken) {
    shutdown.cancelled().await;
    while token.shutdown().is_err() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The tasks beside the dispatcher. Each is aborted if `run` itself is dropped, so that
/// nothing outlives it.
struct Background {
    replies: AbortOnDropHandle<()>,
    replies_stop: CancellationToken,
    worker: AbortOnDropHandle<Result<()>>,
    scheduler: AbortOnDropHandle<Result<()>>,
}

impl Background {
    fn spawn(
        replies: ReplyQueue,
        worker: Worker,
        scheduler: Scheduler,
        health: &Health,
        shutdown: &CancellationToken,
    ) -> Background {
        // Replies stop only after the dispatcher: its last handlers still queue some.
        let replies_stop = CancellationToken::new();
        Background {
            replies: AbortOnDropHandle::new(tokio::spawn(replies.run(replies_stop.clone()))),
            replies_stop,
            worker: spawn_loop(
                "delivery worker",
                worker.run(shutdown.clone(), health.worker.clone()),
                shutdown,
            ),
            scheduler: spawn_loop(
                "scheduler",
                scheduler.run(shutdown.clone(), health.scheduler.clone()),
                shutdown,
            ),
        }
    }

    /// After the dispatcher stopped: sends what the handlers queued, lets the loops finish
    /// their work, and returns the first error of a loop.
    async fn stop(self) -> Result<()> {
        self.replies_stop.cancel();
        if self.replies.await.is_err() {
            tracing::error!("the reply queue stopped unexpectedly");
        }
        let worker = self.worker.await.unwrap_or(Err(Error::Panicked("delivery worker")));
        let scheduler = self.scheduler.await.unwrap_or(Err(Error::Panicked("scheduler")));
        worker.and(scheduler)
    }
}

/// Runs one of the supervised loops in a task of its own. If it gives up, or panics,
/// everything stops, so that the process exits with its error and systemd or Docker starts a
/// fresh one.
fn spawn_loop(
    name: &'static str,
    task: impl Future<Output = Result<()>> + Send + 'static,
    shutdown: &CancellationToken,
) -> AbortOnDropHandle<Result<()>> {
    let shutdown = shutdown.clone();
    AbortOnDropHandle::new(tokio::spawn(async move {
        let result = AbortOnDropHandle::new(tokio::spawn(task)).await.unwrap_or(Err(Error::Panicked(name)));
        if let Err(error) = &result {
            tracing::error!(%error, "a background loop stopped; stopping Loa");
            shutdown.cancel();
        }
        result
    }))
}
