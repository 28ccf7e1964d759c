//! `/healthz`, `/readyz` and `/metrics`.

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    extract::State,
    http::{StatusCode, header::CONTENT_TYPE},
    response::{IntoResponse, Response},
    routing::get,
};
use tokio_util::sync::CancellationToken;

use super::readiness::Findings;
use crate::{clock::Clock, metrics::Metrics, store::Store, supervisor::Health};

/// The database check gives up after this long even if SQLite does not (a hung disk).
const DATABASE_CHECK_LIMIT: Duration = Duration::from_secs(3);

const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// What the status pages look at. Cheap to clone.
#[derive(Clone)]
pub struct Status(Arc<Parts>);

struct Parts {
    store: Store,
    metrics: Metrics,
    health: Health,
    clock: Arc<dyn Clock>,
    /// Cancelled once Loa is stopping: it is no longer ready.
    shutdown: CancellationToken,
}

impl Status {
    pub fn new(
        store: Store,
        metrics: Metrics,
        health: Health,
        clock: Arc<dyn Clock>,
        shutdown: CancellationToken,
    ) -> Status {
        Status(Arc::new(Parts { store, metrics, health, clock, shutdown }))
    }

    pub fn routes(&self) -> Router {
        Router::new()
            // The process runs and answers: nothing more is asked of it.
            .route("/healthz", get(|| async { "ok\n" }))
            .route("/readyz", get(readyz))
            .route("/metrics", get(metrics))
            .with_state(self.clone())
    }

    pub(super) fn store(&self) -> &Store {
        &self.0.store
    }

    pub(super) fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    pub(super) fn shutdown(&self) -> &CancellationToken {
        &self.0.shutdown
    }

    pub(super) fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.clock.now()
    }

    async fn check_ready(&self) -> Result<(), String> {
        let parts = &self.0;
        let written =
            tokio::time::timeout(DATABASE_CHECK_LIMIT, parts.store.probe_writable(parts.clock.now()));
        let database = match written.await {
            Ok(Ok(())) => None,
            Ok(Err(error)) => Some(error.to_string()),
            Err(_) => Some(format!("no answer within {} s", DATABASE_CHECK_LIMIT.as_secs())),
        };
        Findings {
            stopping: parts.shutdown.is_cancelled(),
            database,
            worker: &parts.health.worker,
            scheduler: &parts.health.scheduler,
            since_answer: parts.metrics.since_bot_api_answered(),
        }
        .verdict()
    }
}

/// 200 when ready; otherwise 503 with why, as one line of JSON.
async fn readyz(State(status): State<Status>) -> Response {
    let (code, body) = match status.check_ready().await {
        Ok(()) => (StatusCode::OK, serde_json::json!({ "ready": true })),
        Err(reason) => {
            tracing::warn!(reason, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, serde_json::json!({ "ready": false, "reason": reason }))
        }
    };
    (code, [(CONTENT_TYPE, "application/json")], format!("{body}\n")).into_response()
}

async fn metrics(State(status): State<Status>) -> Response {
    let now = status.0.clock.now();
    match status.0.store.figures(now).await {
        Ok(figures) => {
            ([(CONTENT_TYPE, OPENMETRICS)], status.0.metrics.render(&figures, now)).into_response()
        }
        Err(error) => {
            tracing::error!(%error, "could not read the figures for /metrics");
            (StatusCode::SERVICE_UNAVAILABLE, format!("the database did not answer: {error}\n"))
                .into_response()
        }
    }
}
