//! Loa's HTTP side, for running unattended: the webhook Telegram posts updates to (in webhook
//! mode, on `LOA_LISTEN`), and `/healthz`, `/readyz` and `/metrics` (on `LOA_HTTP`). When both
//! addresses are the same, one listener serves both.

mod readiness;
mod status;
pub mod webhook;

use std::{future::pending, net::SocketAddr};

use axum::Router;
use teloxide::Bot;
use tokio::net::TcpListener;
use tokio_util::task::AbortOnDropHandle;

pub use readiness::probe_bot_api;
pub use status::Status;
pub use webhook::Webhook;

use crate::{
    config::Settings,
    error::{Error, Result},
    supervisor::Listening,
};

/// The listeners, bound at start-up before Telegram is told anything, so that an address in
/// use stops Loa at once.
pub struct Listeners {
    /// `LOA_LISTEN`, in webhook mode.
    pub webhook: Option<TcpListener>,
    /// `LOA_HTTP`, unless it is the webhook's address.
    pub status: Option<TcpListener>,
    /// `LOA_HTTP` is the webhook's address: the webhook's listener serves the status too.
    pub status_beside_webhook: bool,
}

impl Listeners {
    pub async fn bind(settings: &Settings) -> Result<Listeners> {
        let webhook_address = settings.webhook.as_ref().map(|webhook| webhook.listen);
        let status_beside_webhook = settings.http.is_some() && settings.http == webhook_address;
        let webhook = match webhook_address {
            Some(address) => Some(bind(address).await?),
            None => None,
        };
        let status = match settings.http.filter(|_| !status_beside_webhook) {
            Some(address) => Some(bind(address).await?),
            None => None,
        };
        Ok(Listeners { webhook, status, status_beside_webhook })
    }

    /// Starts what runs beside the bot: the status pages on their own listener, and the probe
    /// that keeps `/readyz` knowing whether the Bot API answers. Both stop when the returned
    /// `Serving` is dropped. In webhook mode, also returns the webhook the dispatcher takes
    /// updates from; its listener serves the status pages too when it has their address.
    pub async fn serve(self, settings: &Settings, status: &Status, bot: Bot) -> Result<Serving> {
        let mut tasks = Vec::new();
        if let Some(listener) = self.status {
            tasks.push(AbortOnDropHandle::new(tokio::spawn(run_server(
                listener,
                status.routes(),
                pending(),
            ))));
        }
        if settings.http.is_some() {
            let probe = probe_bot_api(bot, status.metrics().clone(), status.shutdown().clone());
            tasks.push(AbortOnDropHandle::new(tokio::spawn(probe)));
        }
        let webhook = match (&settings.webhook, self.webhook) {
            (Some(webhook), Some(listener)) => Some(Webhook {
                listener,
                url: webhook.url.clone(),
                secret: webhook::secret(webhook, status.store(), status.now()).await?,
                beside: self.status_beside_webhook.then(|| status.routes()),
            }),
            _ => None,
        };
        Ok(Serving { webhook, _tasks: tasks })
    }

    pub fn addresses(&self) -> Listening {
        let address = |listener: &Option<TcpListener>| listener.as_ref().and_then(|l| l.local_addr().ok());
        let webhook = address(&self.webhook);
        let status = if self.status_beside_webhook { webhook } else { address(&self.status) };
        Listening { webhook, status }
    }
}

/// What runs beside the bot; it stops when this is dropped.
pub struct Serving {
    /// `None`: long polling.
    pub webhook: Option<Webhook>,
    _tasks: Vec<AbortOnDropHandle<()>>,
}

async fn bind(address: SocketAddr) -> Result<TcpListener> {
    let listener = TcpListener::bind(address).await.map_err(|source| Error::Listen { address, source })?;
    tracing::info!(address = %listener.local_addr().unwrap_or(address), "listening");
    Ok(listener)
}

/// Serves `router` on `listener` until `stop`; then lets requests in progress finish.
async fn run_server(listener: TcpListener, router: Router, stop: impl Future<Output = ()> + Send + 'static) {
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    if let Err(error) = axum::serve(listener, service).with_graceful_shutdown(stop).await {
        tracing::error!(%error, "the HTTP listener failed");
    }
}
