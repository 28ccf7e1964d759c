//! Start-up and shutdown: the one code path that `loa run` and the tests both use.

use std::{sync::Arc, time::Duration};

use teloxide::{
    dispatching::ShutdownToken, error_handlers::LoggingErrorHandler, prelude::*, update_listeners::Polling,
};
use tokio_util::{sync::CancellationToken, task::AbortOnDropHandle};

use crate::{
    bot::{self, Context},
    clock::Clock,
    config::Settings,
    delivery::{OutboxSignal, Worker},
    domain::TopicCatalog,
    error::Result,
    scheduler::Scheduler,
    store::Store,
};

/// How long one getUpdates call waits for updates before it is repeated.
const POLL_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs the bot until `shutdown` is cancelled. In-flight handlers finish before it returns.
pub async fn run(settings: Settings, clock: Arc<dyn Clock>, shutdown: CancellationToken) -> Result<()> {
    let store = Store::connect(&settings.database_url).await?;
    store.ensure_admins(&settings.admins, clock.now()).await?;
    let topics = TopicCatalog::new(store.topics().await?);

    let bot = Bot::new(settings.token.expose()).set_api_url(settings.api_url.clone());
    // Deliveries get their own client: a send that hangs is retried after LOA_SEND_TIMEOUT,
    // while long polling needs a timeout longer than its poll.
    let send_client = teloxide::net::default_reqwest_settings()
        .timeout(settings.send_timeout)
        .build()
        .map_err(teloxide::RequestError::from)?;
    let sender = Bot::with_client(settings.token.expose(), send_client).set_api_url(settings.api_url.clone());
    // Fails fast on a wrong token or an unreachable server, before anything else starts.
    let me = bot.get_me().await?;
    tracing::info!(username = me.username(), "connected to the Bot API");
    bot::register_menu(&bot, settings.default_lang).await;

    let outbox = OutboxSignal::default();
    let worker = Worker {
        store: store.clone(),
        bot: sender,
        clock: clock.clone(),
        topics: topics.clone(),
        default_lang: settings.default_lang,
        rates: settings.rates,
        signal: outbox.clone(),
    };
    // Aborted if `run` itself is dropped, so that nothing outlives it.
    let worker = AbortOnDropHandle::new(tokio::spawn(worker.run(shutdown.clone())));

    let scheduler = Scheduler {
        store: store.clone(),
        clock: clock.clone(),
        timezone: settings.timezone,
        catchup: settings.catchup,
        outbox: outbox.clone(),
    };
    let scheduler = AbortOnDropHandle::new(tokio::spawn(scheduler.run(shutdown.clone())));

    let context = Arc::new(Context {
        store,
        topics,
        default_lang: settings.default_lang,
        timezone: settings.timezone,
        clock,
        outbox,
        quiet_hours: settings.quiet_hours,
    });
    let mut dispatcher = Dispatcher::builder(bot.clone(), bot::schema())
        .dependencies(dptree::deps![context])
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
    worker.await.expect("the delivery worker never panics")?;
    scheduler.await.expect("the scheduler never panics")?;
    tracing::info!("stopped");
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
