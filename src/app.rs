//! Start-up and shutdown: the one code path that `loa run` and the tests both use.

use std::{sync::Arc, time::Duration};

use teloxide::{
    dispatching::ShutdownToken, error_handlers::LoggingErrorHandler, prelude::*, update_listeners::Polling,
};
use tokio_util::{sync::CancellationToken, task::AbortOnDropHandle};

use crate::{
    bot::{self, Context, ReplyQueue},
    clock::Clock,
    config::Settings,
    delivery::{OutboxSignal, SharedPacer, Worker},
    domain::TopicCatalog,
    error::Result,
    scheduler::{ScheduleSignal, Scheduler},
    store::Store,
    supervisor::Health,
};

/// How long one getUpdates call waits for updates before it is repeated.
const POLL_TIMEOUT: Duration = Duration::from_secs(10);
/// Workers that handle updates; a chat always goes to the same one.
const UPDATE_WORKERS: i64 = 32;

/// Runs the bot until `shutdown` is cancelled, or until the delivery worker or the scheduler
/// gives up (then with its error). In-flight handlers finish before it returns. `health`
/// receives the loops' state.
pub async fn run(
    settings: Settings,
    clock: Arc<dyn Clock>,
    shutdown: CancellationToken,
    health: Health,
) -> Result<()> {
    let token = settings.token()?.expose();
    let store = Store::connect(&settings.database_url).await?;
    store.ensure_admins(&settings.admins, clock.now()).await?;
    let topics = TopicCatalog::new(store.topics().await?);

    let bot = Bot::new(token).set_api_url(settings.api_url.clone());
    // Deliveries get their own client: a send that hangs is retried after LOA_SEND_TIMEOUT,
    // while long polling needs a timeout longer than its poll.
    let send_client = teloxide::net::default_reqwest_settings()
        .timeout(settings.send_timeout)
        .build()
        .map_err(teloxide::RequestError::from)?;
    let sender = Bot::with_client(token, send_client).set_api_url(settings.api_url.clone());
    // Fails fast on a wrong token or an unreachable server, before anything else starts.
    let me = bot.get_me().await?;
    tracing::info!(username = me.username(), "connected to the Bot API");
    bot::register_menu(&bot, settings.default_lang).await;

    let outbox = OutboxSignal::default();
    // Replies and deliveries share Telegram's limits, and so one pacer.
    let pacer = SharedPacer::new(settings.rates);
    let replies = ReplyQueue::new(bot.clone(), pacer.clone(), settings.rates);
    let replies_stop = CancellationToken::new();
    let replies_task = AbortOnDropHandle::new(tokio::spawn(replies.clone().run(replies_stop.clone())));
    let worker = Worker {
        store: store.clone(),
        bot: sender,
        clock: clock.clone(),
        topics: topics.clone(),
        default_lang: settings.default_lang,
        rates: settings.rates,
        pacer,
        signal: outbox.clone(),
        timezone: settings.timezone,
        quiet_hours: settings.quiet_hours,
    };
    // Aborted if `run` itself is dropped, so that nothing outlives it.
    let worker = worker.run(shutdown.clone(), health.worker.clone());
    let worker = AbortOnDropHandle::new(tokio::spawn(stop_all_if_it_fails(worker, shutdown.clone())));

    let schedule = ScheduleSignal::default();
    let scheduler = Scheduler {
        store: store.clone(),
        clock: clock.clone(),
        timezone: settings.timezone,
        catchup: settings.catchup,
        outbox: outbox.clone(),
        changed: schedule.clone(),
        keep_deliveries: settings.keep_deliveries,
    };
    let scheduler = scheduler.run(shutdown.clone(), health.scheduler.clone());
    let scheduler = AbortOnDropHandle::new(tokio::spawn(stop_all_if_it_fails(scheduler, shutdown.clone())));

    let context = Arc::new(Context {
        store,
        topics,
        default_lang: settings.default_lang,
        timezone: settings.timezone,
        clock,
        outbox,
        schedule,
        replies,
        quiet_hours: settings.quiet_hours,
    });
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
    let stopper = AbortOnDropHandle::new(tokio::spawn(stop_dispatcher_on(
        shutdown.clone(),
        dispatcher.shutdown_token(),
    )));
    let listener = Polling::builder(bot).timeout(POLL_TIMEOUT).delete_webhook().await.build();
    dispatcher
        .try_dispatch_with_listener(listener, LoggingErrorHandler::with_custom_text("getUpdates failed"))
        .await?;
    drop(stopper);
    // The dispatcher also stops on its own (a fatal polling error): the worker must stop too.
    shutdown.cancel();
    // The handlers have finished: what they queued leaves now.
    replies_stop.cancel();
    replies_task.await.expect("the reply queue never panics");
    let worker = worker.await.expect("the delivery worker never panics");
    let scheduler = scheduler.await.expect("the scheduler never panics");
    worker.and(scheduler)?;
    tracing::info!("stopped");
    Ok(())
}

/// Runs one of the supervised loops. If it gives up, everything stops, so that the process
/// exits with its error and systemd or Docker starts a fresh one.
async fn stop_all_if_it_fails(
    task: impl Future<Output = Result<()>>,
    shutdown: CancellationToken,
) -> Result<()> {
    let result = task.await;
    if let Err(error) = &result {
        tracing::error!(%error, "a background loop gave up; stopping Loa");
        shutdown.cancel();
    }
    result
}

/// Asks the dispatcher to stop once `shutdown` is cancelled. The dispatcher refuses while it is
/// still starting, so the request is repeated until it is taken.
async fn stop_dispatcher_on(shutdown: CancellationToken, token: ShutdownToken) {
    shutdown.cancelled().await;
    while token.shutdown().is_err() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
