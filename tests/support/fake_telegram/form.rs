//! A call's parameters as one JSON object, however teloxide sent them: as JSON,
//! or as `multipart/form-data` for the methods that may carry a file (sendPhoto,
//! sendMediaGroup, …), which it uses even when every file is a `file_id`.

use axum::body::Bytes;
use axum::extract::multipart::{Multipart, MultipartError};
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use serde_json::{Map, Value, json};

/// Parameters that are free text or name a file: kept as the text they are, even
/// when a caption reads "42" or a file id looks like a number.
const TEXT_PARAMETERS: [&str; 16] = [
    "text",
    "caption",
    "title",
    "performer",
    "business_connection_id",
    "message_effect_id",
    "photo",
    "video",
    "animation",
    "document",
    "audio",
    "voice",
    "video_note",
    "sticker",
    "thumbnail",
    "cover",
];

/// An unreadable body reads as `null`: the call is still recorded for the test
/// to see, and the method answers as it would without parameters.
pub(super) async fn parameters(request: Request) -> Value {
    if is_multipart(&request) {
        match Multipart::from_request(request, &()).await {
            Ok(form) => read_form(form).await.map_or(Value::Null, Value::Object),
            Err(_) => Value::Null,
        }
    } else {
        match Bytes::from_request(request, &()).await {
            // A method without parameters (getMe) sends an empty body.
            Ok(body) if body.is_empty() => json!({}),
            Ok(body) => serde_json::from_slice(&body).unwrap_or(Value::Null),
            Err(_) => Value::Null,
        }
    }
}

fn is_multipart(request: &Request) -> bool {
    let content_type = request.headers().get(CONTENT_TYPE).and_then(|value| value.to_str().ok());
    content_type.is_some_and(|value| value.starts_with("multipart/form-data"))
}

async fn read_form(mut form: Multipart) -> Result<Map<String, Value>, MultipartError> {
    let mut parameters = Map::new();
    while let Some(field) = form.next_field().await? {
        let name = field.name().unwrap_or_default().to_owned();
        let value = form_value(&name, field.text().await?);
        parameters.insert(name, value);
    }
    Ok(parameters)
}

/// teloxide writes a scalar as its text and a nested value (`media`,
/// `caption_entities`, `reply_markup`) as JSON text; this reads each back as
/// the same call sent as JSON would have carried it, so `chat_id` is a number.
fn form_value(name: &str, text: String) -> Value {
    if TEXT_PARAMETERS.contains(&name) {
        return Value::String(text);
    }
    match serde_json::from_str(&text) {
        Ok(value @ (Value::Number(_) | Value::Bool(_) | Value::Array(_) | Value::Object(_))) => value,
        // Anything else ("HTML", "@channel") is text.
        _ => Value::String(text),
    }
}
