//! The page and its HTTP API: the assets embedded in the binary, what the page reads (the ward,
//! a chat, the panel, files), and the one stream that tells it something changed.

use std::{convert::Infallible, sync::Arc};

use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, Path, State},
    http::{StatusCode, header},
    response::{
        IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
    routing::{get, post},
};
use futures_util::Stream;
use serde_json::{Value, json};

use super::{Demo, actions, panel, view, ward};

const INDEX: &str = include_str!("../../../assets/demo/index.html");
const SCRIPT: &str = include_str!("../../../assets/demo/app.js");
const STYLE: &str = include_str!("../../../assets/demo/style.css");

/// What a person may send from their computer: Telegram's limit for bots' downloads.
const MAX_UPLOAD: usize = 20 * 1024 * 1024;

pub(super) fn router(demo: Arc<Demo>) -> Router {
    Router::new()
        .route("/", get(|| async { asset("text/html; charset=utf-8", INDEX) }))
        .route("/app.js", get(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }))
        .route("/style.css", get(|| async { asset("text/css; charset=utf-8", STYLE) }))
        .route("/api/ward", get(ward_now))
        .route("/api/chats/{chat}", get(chat))
        .route("/api/chats/{chat}/messages", post(actions::say))
        .route("/api/chats/{chat}/files", post(actions::send_file).layer(DefaultBodyLimit::max(MAX_UPLOAD)))
        .route("/api/chats/{chat}/taps", post(actions::tap))
        .route("/api/report", get(report))
        .route("/api/clock", get(clock))
        .route("/api/clock/skip", post(skip))
        .route("/api/events", get(events))
        .route("/files/{file_id}", get(file))
        .with_state(demo)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// The people one can be, and the chats with their last messages.
async fn ward_now(State(demo): State<Arc<Demo>>) -> Json<Value> {
    Json(json!({ "people": ward::PEOPLE, "chats": view::chat_list(&demo.transcript, &demo.telegram) }))
}

async fn chat(State(demo): State<Arc<Demo>>, Path(chat): Path<i64>) -> Result<Json<Value>, StatusCode> {
    ward::chat(chat).ok_or(StatusCode::NOT_FOUND)?;
    Ok(Json(view::chat(&demo.transcript, &demo.telegram, chat)))
}

async fn report(State(demo): State<Arc<Demo>>) -> Result<Json<Value>, StatusCode> {
    panel::report(&demo).await.map(Json).map_err(internal)
}

async fn clock(State(demo): State<Arc<Demo>>) -> Result<Json<Value>, StatusCode> {
    panel::clock(&demo).await.map(Json).map_err(internal)
}

async fn skip(State(demo): State<Arc<Demo>>) -> Result<Json<Value>, StatusCode> {
    panel::skip_to_next_reminder(&demo).await.map(Json).map_err(internal)
}

pub(super) fn internal(error: crate::error::Error) -> StatusCode {
    tracing::error!(%error, "the demo's page could not be answered");
    StatusCode::INTERNAL_SERVER_ERROR
}

/// One event, "changed", each time the bot has called the Bot API: the page then reads again
/// what it shows. Ends when the demo stops, so that the server can.
async fn events(State(demo): State<Arc<Demo>>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let state = (demo.telegram.answered(), demo.shutdown.clone());
    let changes = futures_util::stream::unfold(state, |(mut answered, shutdown)| async move {
        tokio::select! {
            changed = answered.changed() => changed.ok()?,
            _ = shutdown.cancelled() => return None,
        }
        // A browser drops an event without data: the count of calls is the data.
        let calls = *answered.borrow_and_update();
        Some((Ok(Event::default().event("changed").data(calls.to_string())), (answered, shutdown)))
    });
    Sse::new(changes).keep_alive(KeepAlive::default())
}

/// A file someone sent, or the bot uploaded (the /stats chart). Only images and PDFs are shown
/// in the page; anything else is downloaded, so that a file cannot run as part of the page.
async fn file(State(demo): State<Arc<Demo>>, Path(file_id): Path<String>) -> Response {
    let Some(bytes) = demo.telegram.uploaded(&file_id) else { return StatusCode::NOT_FOUND.into_response() };
    let declared = demo.transcript.file_info(&file_id).map(|info| info.mime);
    let content_type = match declared.as_deref() {
        Some(shown @ ("image/png" | "image/jpeg" | "image/gif" | "image/webp" | "application/pdf")) => shown,
        // The bot's own uploads are PNG charts.
        None if bytes.starts_with(b"\x89PNG") => "image/png",
        _ => "application/octet-stream",
    };
    let disposition = if content_type == "application/octet-stream" { "attachment" } else { "inline" };
    let headers = [
        (header::CONTENT_TYPE, content_type),
        (header::CONTENT_DISPOSITION, disposition),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (headers, bytes).into_response()
}
