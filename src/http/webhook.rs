//! Webhook mode: Telegram posts each update to `LOA_WEBHOOK_URL`, which a reverse proxy passes
//! on to `LOA_LISTEN`. teloxide's axum listener takes the updates and refuses (401) a request
//! without the right `X-Telegram-Bot-Api-Secret-Token`; this module registers the webhook,
//! logs the refusals, and serves the listener until the dispatcher has stopped.

use std::{hash::Hash, net::SocketAddr};

use axum::{
    Router,
    extract::{ConnectInfo, Request},
    http::StatusCode,
    middleware::{self, Next},
    response::Response,
};
use chrono::{DateTime, Utc};
use teloxide::{
    dispatching::Dispatcher,
    error_handlers::LoggingErrorHandler,
    prelude::*,
    stop::StopToken,
    types::AllowedUpdate,
    update_listeners::{AsUpdateStream, UpdateListener, webhooks},
};
use tokio::{net::TcpListener, sync::oneshot};
use tokio_util::sync::CancellationToken;

use crate::{
    config::WebhookSettings,
    error::{Error, Result},
    store::Store,
};

/// Characters Telegram allows in a secret token: 64 of them, so that each random byte's low
/// six bits pick one uniformly.
const SECRET_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
/// 192 bits.
const SECRET_LENGTH: usize = 32;

/// What the dispatcher needs to take updates from a webhook.
pub struct Webhook {
    pub listener: TcpListener,
    pub url: url::Url,
    pub secret: String,
    /// Other routes served on the same listener (`/healthz`, …).
    pub beside: Option<Router>,
}

/// The secret token: `LOA_WEBHOOK_SECRET`, or one generated from the operating system's CSPRNG
/// the first time and kept in the database, so that restarts register the same one.
pub async fn secret(settings: &WebhookSettings, store: &Store, now: DateTime<Utc>) -> Result<String> {
    if let Some(secret) = &settings.secret {
        return Ok(secret.expose().to_owned());
    }
    let mut bytes = [0u8; SECRET_LENGTH];
    getrandom::fill(&mut bytes)?;
    let generated: String =
        bytes.iter().map(|byte| char::from(SECRET_ALPHABET[usize::from(byte & 63)])).collect();
    store.webhook_secret(&generated, now).await
}

impl Webhook {
    /// Runs `dispatcher` on the updates Telegram posts, until it stops. The webhook is
    /// registered with `setWebhook` once the dispatcher has said which kinds of update its
    /// handlers take (as polling asks `getUpdates` for them); if Telegram refuses it, `shutdown`
    /// is cancelled and the refusal returned. Updates acknowledged to Telegram are all handled
    /// before this returns: the listener's queue ends only once the server has stopped.
    pub async fn dispatch<K>(
        self,
        dispatcher: &mut Dispatcher<Bot, Error, K>,
        bot: &Bot,
        shutdown: &CancellationToken,
    ) -> Result<()>
    where
        K: Hash + Eq + Clone + Send + 'static,
    {
        let address = self.listener.local_addr().expect("a bound listener has an address");
        let mut options = webhooks::Options::new(address, self.url.clone());
        options.secret_token = Some(self.secret.clone());
        let (listener, stopped, router) = webhooks::axum_no_setup(options);
        let (hint, hinted) = oneshot::channel();
        let mut listener = Hinted { listener, hint: Some(hint) };
        let stop = listener.stop_token();
        let router = router.layer(middleware::from_fn(log_refused));
        let router = match self.beside {
            Some(beside) => router.merge(beside),
            None => router,
        };
        let server = tokio::spawn(super::run_server(self.listener, router, stopped));
        let register = async {
            // No hint: the dispatcher never started listening, so there is nothing to register.
            let Ok(allowed) = hinted.await else { return Ok(()) };
            let registered = bot
                .set_webhook(self.url.clone())
                .secret_token(self.secret.clone())
                .allowed_updates(allowed)
                .await;
            match registered {
                Ok(_) => tracing::info!(url = %self.url, "webhook registered"),
                Err(_) => shutdown.cancel(),
            }
            registered.map(|_| ())
        };
        let on_error = LoggingErrorHandler::with_custom_text("the webhook failed");
        let (dispatched, registered) =
            tokio::join!(dispatcher.try_dispatch_with_listener(listener, on_error), register);
        // Also when the dispatcher never started: nothing else would stop the server.
        stop.stop();
        if server.await.is_err() {
            tracing::error!("the webhook's listener stopped unexpectedly");
        }
        dispatched?;
        Ok(registered?)
    }
}

/// teloxide answers a request without the right secret token 401 and says nothing; this says
/// so, without the request's body (anyone can post anything there).
async fn log_refused(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(peer)| *peer);
    let response = next.run(request).await;
    if response.status() == StatusCode::UNAUTHORIZED {
        tracing::warn!(%method, path, ?peer, "refused a webhook request without the right secret token");
    }
    response
}

/// teloxide's webhook listener ignores the dispatcher's hint of the kinds of update its handlers
/// take; this one passes it on, so that the webhook is registered asking for exactly those.
struct Hinted<L> {
    listener: L,
    hint: Option<oneshot::Sender<Vec<AllowedUpdate>>>,
}

impl<'a, L: AsUpdateStream<'a>> AsUpdateStream<'a> for Hinted<L> {
    type StreamErr = L::StreamErr;
    type Stream = L::Stream;

    fn as_stream(&'a mut self) -> Self::Stream {
        self.listener.as_stream()
    }
}

impl<L: UpdateListener> UpdateListener for Hinted<L> {
    type Err = L::Err;

    fn stop_token(&mut self) -> StopToken {
        self.listener.stop_token()
    }

    fn hint_allowed_updates(&mut self, hint: &mut dyn Iterator<Item = AllowedUpdate>) {
        if let Some(sender) = self.hint.take() {
            let _ = sender.send(hint.collect());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alphabet_is_what_telegram_allows() {
        assert!(SECRET_ALPHABET.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-'));
        let mut seen = SECRET_ALPHABET.to_vec();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 64);
    }
}
