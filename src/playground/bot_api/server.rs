//! The HTTP side of the fake: routing, and one answer per Bot API method.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, Request, State as AxumState};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::map_response_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use super::super::updates::{bot_user, chat, chat_member, user};
use super::{BOT_ID, Call, Reply, SentKind, Shared, State, form};

pub(super) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    // teloxide calls POST {api_url}/bot{TOKEN}/{method}; anything else is answered 404, as
    // Telegram does, with a `Date` like every answer.
    let app = Router::new()
        .route("/{token}/{method}", post(handle))
        .fallback(|| async { Answer::error(404, "Not Found") })
        .layer(map_response_with_state(shared.clone(), dated))
        .with_state(shared);
    axum::serve(listener, app).await.expect("fake Telegram server failed");
}

async fn handle(
    AxumState(shared): AxumState<Arc<Shared>>,
    Path((_token, method)): Path<(String, String)>,
    request: Request,
) -> Response {
    let method = camel_case(&method);
    let form = form::parameters(request).await;
    let body = {
        let mut state = shared.lock();
        let body = state.receive(form);
        state.calls.push(Call { method: method.clone(), body: body.clone(), at: Instant::now() });
        body
    };
    if method == "getUpdates" {
        if shared.lock().webhook.is_some() {
            // As Telegram: a bot has one way of getting updates at a time.
            let refusal = "Conflict: can't use getUpdates method while webhook is active; \
                           use deleteWebhook to delete the webhook first";
            return Answer::error(409, refusal).into_response();
        }
        return Answer::Ok(long_poll(&shared, &body).await).into_response();
    }
    let scripted = shared.lock().take_script(&method, &body);
    if let Some(Reply::Hold { gate, then }) = scripted {
        gate.pass().await;
        let answer = shared.lock().answer(&method, &body, Some(*then));
        shared.answered.send_modify(|answered| *answered += 1);
        return answer.into_response();
    }
    let (answer, delay) = shared.lock().answer_later(&method, &body, scripted);
    shared.answered.send_modify(|answered| *answered += 1);
    tokio::time::sleep(delay).await;
    answer.into_response()
}

/// Sets the `Date` header from this machine's clock moved by the skew a test set; hyper's own
/// would be the true time.
async fn dated(AxumState(shared): AxumState<Arc<Shared>>, mut response: Response) -> Response {
    let date = chrono::Utc::now() + shared.lock().clock_skew;
    let value = date.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    response.headers_mut().insert(header::DATE, HeaderValue::from_str(&value).expect("an HTTP date"));
    response
}

/// `getUpdates`: confirm everything below `offset`, then answer with what is
/// pending, waiting up to `timeout` seconds for something to arrive.
async fn long_poll(shared: &Shared, body: &Value) -> Value {
    let offset = body["offset"].as_i64();
    let limit = body["limit"].as_u64().map_or(100, |limit| limit.clamp(1, 100));
    let timeout = Duration::from_secs(body["timeout"].as_u64().unwrap_or(0));
    let give_up = tokio::time::Instant::now() + timeout;
    loop {
        // Registered before looking at the queue, so a push that lands in
        // between still wakes us.
        let pushed = shared.update_pushed.notified();
        let updates = shared.lock().take_updates(offset, limit as usize);
        if !updates.is_empty() {
            return Value::Array(updates);
        }
        if tokio::time::timeout_at(give_up, pushed).await.is_err() {
            return json!([]);
        }
    }
}

/// An answer in Telegram's envelope.
pub(super) enum Answer {
    Ok(Value),
    Err { code: u16, description: String, parameters: Option<Value> },
}

impl Answer {
    pub(super) fn error(code: u16, description: &str) -> Self {
        Self::Err { code, description: description.to_owned(), parameters: None }
    }

    pub(super) fn retry_after(seconds: u32) -> Self {
        Self::Err {
            code: 429,
            description: format!("Too Many Requests: retry after {seconds}"),
            parameters: Some(json!({ "retry_after": seconds })),
        }
    }

    /// What a scripted reply answers instead of the real one, if anything.
    fn scripted(reply: &Reply) -> Option<Self> {
        match reply {
            Reply::Ok | Reply::Delay(_) | Reply::Hold { .. } => None,
            Reply::Error { code, description } => Some(Self::error(*code, description)),
            Reply::RetryAfter(seconds) => Some(Self::retry_after(*seconds)),
            Reply::Migrate(chat_id) => Some(Self::Err {
                code: 400,
                description: "Bad Request: group chat was upgraded to a supergroup chat".into(),
                parameters: Some(json!({ "migrate_to_chat_id": chat_id })),
            }),
        }
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        match self {
            Self::Ok(result) => axum::Json(json!({ "ok": true, "result": result })).into_response(),
            Self::Err { code, description, parameters } => {
                let mut body = json!({ "ok": false, "error_code": code, "description": description });
                if let Some(parameters) = parameters {
                    body["parameters"] = parameters;
                }
                let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST);
                (status, axum::Json(body)).into_response()
            }
        }
    }
}

impl State {
    /// The scripted reply for this call, if the test scripted one.
    fn take_script(&mut self, method: &str, body: &Value) -> Option<Reply> {
        if self.scripts.is_empty() {
            return None; // the common case costs no key allocation
        }
        // Methods without a chat (answerCallbackQuery) are scripted for chat 0.
        self.scripts.get_mut(&(method.to_owned(), chat_id(body).unwrap_or(0)))?.pop_front()
    }

    /// The answer to a (non-polling) call, and how long to hold it back.
    fn answer_later(&mut self, method: &str, body: &Value, scripted: Option<Reply>) -> (Answer, Duration) {
        let sends = SentKind::sent_by(method).is_some() || method == "sendMediaGroup";
        let mut delay = if sends { self.latency } else { Duration::ZERO };
        if let Some(Reply::Delay(extra)) = scripted {
            delay += extra;
        }
        (self.answer(method, body, scripted), delay)
    }

    /// The answer to a (non-polling) call: the scripted failure, or the real answer.
    fn answer(&mut self, method: &str, body: &Value, scripted: Option<Reply>) -> Answer {
        match scripted.as_ref().and_then(Answer::scripted) {
            Some(failure) => failure,
            None => self.serve(method, body),
        }
    }

    fn serve(&mut self, method: &str, body: &Value) -> Answer {
        match method {
            "getMe" => Answer::Ok(me()),
            "getWebhookInfo" => Answer::Ok(json!({
                "url": self.webhook.as_ref().map_or("", |webhook| webhook["url"].as_str().unwrap_or("")),
                "has_custom_certificate": false,
                "pending_update_count": self.pending_updates.len(),
            })),
            "setWebhook" => {
                self.webhook = Some(body.clone());
                Answer::Ok(json!(true))
            }
            "deleteWebhook" => {
                self.webhook = None;
                Answer::Ok(json!(true))
            }
            "setMyCommands" | "answerCallbackQuery" | "pinChatMessage" => Answer::Ok(json!(true)),
            "sendMediaGroup" => self.send_media_group(body),
            "editMessageText" | "editMessageReplyMarkup" => self.edit_message(body),
            "editMessageCaption" => self.edit_caption(body),
            "deleteMessage" => self.delete_message(body),
            "deleteMessages" => self.delete_messages(body),
            "getChat" => self.get_chat(body),
            "getChatMember" => self.get_chat_member(body),
            "getChatAdministrators" => self.get_chat_administrators(body),
            "getChatMemberCount" => match chat_id(body) {
                Some(chat_id) => Answer::Ok(json!(self.member_counts.get(&chat_id).copied().unwrap_or(2))),
                None => Answer::error(400, "Bad Request: chat not found"),
            },
            _ => match SentKind::sent_by(method) {
                Some(kind) => self.send(kind, body),
                None => Answer::error(404, "Not Found: method not found"),
            },
        }
    }

    fn get_chat(&self, body: &Value) -> Answer {
        let Some(chat_id) = chat_id(body) else {
            return Answer::error(400, "Bad Request: chat not found");
        };
        let mut info = self.chat(chat_id);
        // Required by teloxide's ChatFullInfo.
        info["accepted_gift_types"] = json!({
            "unlimited_gifts": false,
            "limited_gifts": false,
            "unique_gifts": false,
            "premium_subscription": false,
        });
        info["max_reaction_count"] = json!(11);
        Answer::Ok(info)
    }

    fn get_chat_member(&self, body: &Value) -> Answer {
        let (Some(chat_id), Some(user_id)) = (chat_id(body), body["user_id"].as_i64()) else {
            return Answer::error(400, "Bad Request: user not found");
        };
        let status = self.members.get(&(chat_id, user_id)).map_or("member", String::as_str);
        let mut member = chat_member(member_user(user_id), status);
        for (right, allowed) in self.member_rights.get(&(chat_id, user_id)).into_iter().flatten() {
            member[right] = allowed.clone();
        }
        Answer::Ok(member)
    }

    fn get_chat_administrators(&self, body: &Value) -> Answer {
        let Some(chat_id) = chat_id(body) else {
            return Answer::error(400, "Bad Request: chat not found");
        };
        let mut admins: Vec<(i64, &str)> = self
            .members
            .iter()
            .filter(|((chat, _), status)| {
                *chat == chat_id && matches!(status.as_str(), "creator" | "administrator")
            })
            .map(|((_, user_id), status)| (*user_id, status.as_str()))
            .collect();
        admins.sort_unstable();
        let admins =
            admins.into_iter().map(|(user_id, status)| chat_member(member_user(user_id), status)).collect();
        Answer::Ok(Value::Array(admins))
    }

    pub(super) fn chat(&self, chat_id: i64) -> Value {
        self.chats.get(&chat_id).cloned().unwrap_or_else(|| chat(chat_id, &format!("Chat {chat_id}")))
    }

    fn take_updates(&mut self, offset: Option<i64>, limit: usize) -> Vec<Value> {
        match offset {
            // A negative offset keeps only the last -offset updates; teloxide
            // uses -1 to drop pending updates.
            Some(offset) if offset < 0 => {
                let keep = offset.unsigned_abs() as usize;
                let excess = self.pending_updates.len().saturating_sub(keep);
                self.pending_updates.drain(..excess);
            }
            Some(offset) => {
                self.pending_updates.retain(|update| update["update_id"].as_i64() >= Some(offset))
            }
            None => {}
        }
        self.pending_updates.iter().take(limit).cloned().collect()
    }
}

/// Telegram matches method names case-insensitively and teloxide sends them
/// capitalised ("SendMessage"); tests look them up as documented.
fn camel_case(method: &str) -> String {
    let mut chars = method.chars();
    let first = chars.next().map(|first| first.to_ascii_lowercase());
    first.into_iter().chain(chars).collect()
}

/// `chat_id` is an integer, or "@username" which no test scripts against.
pub(super) fn chat_id(body: &Value) -> Option<i64> {
    body["chat_id"].as_i64()
}

fn member_user(user_id: i64) -> Value {
    match user_id {
        BOT_ID => bot_user(),
        _ => user(user_id, &format!("User {user_id}"), None),
    }
}

fn me() -> Value {
    let mut me = bot_user();
    for (capability, value) in [
        ("can_join_groups", true),
        ("can_read_all_group_messages", false),
        ("supports_inline_queries", false),
        ("can_connect_to_business", false),
        ("has_main_web_app", false),
    ] {
        me[capability] = json!(value);
    }
    me
}
