//! A call's parameters as one JSON object, however teloxide sent them: as JSON,
//! or as `multipart/form-data` for the methods that may carry a file (sendPhoto,
//! sendMediaGroup, …), which it uses even when every file is a `file_id`. A file
//! uploaded with the call is kept, as Telegram keeps it, and its parameter reads
//! as the file id Telegram gives it.

use axum::body::Bytes;
use axum::extract::multipart::{Multipart, MultipartError};
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use serde_json::{Map, Value, json};

use super::State;

/// A call's parameters, and the files it uploaded by parameter name.
pub(super) struct Form {
    pub parameters: Value,
    pub uploads: Vec<(String, Vec<u8>)>,
}

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
pub(super) async fn parameters(request: Request) -> Form {
    let unreadable = || Form { parameters: Value::Null, uploads: Vec::new() };
    if is_multipart(&request) {
        match Multipart::from_request(request, &()).await {
            Ok(form) => read_form(form).await.unwrap_or_else(|_| unreadable()),
            Err(_) => unreadable(),
        }
    } else {
        let parameters = match Bytes::from_request(request, &()).await {
            // A method without parameters (getMe) sends an empty body.
            Ok(body) if body.is_empty() => json!({}),
            Ok(body) => serde_json::from_slice(&body).unwrap_or(Value::Null),
            Err(_) => Value::Null,
        };
        Form { parameters, uploads: Vec::new() }
    }
}

impl State {
    /// Keeps the files `form` uploaded and returns its parameters, each uploaded
    /// file named by its new id (`uploaded-1`, …), as a later send would name it.
    /// teloxide uploads a file as a part of its own that the parameter names as
    /// `attach://<part>` (also inside `media`); a file sent as the parameter's own
    /// part is named the same way.
    pub(super) fn receive(&mut self, form: Form) -> Value {
        let mut parameters = form.parameters;
        for (part, bytes) in form.uploads {
            self.uploads.push(bytes);
            let id = json!(format!("uploaded-{}", self.uploads.len()));
            if !replace(&mut parameters, &format!("attach://{part}"), &id) {
                parameters[part] = id;
            }
        }
        parameters
    }
}

/// Replaces every string `from` inside `value` with `to`; whether there was one.
fn replace(value: &mut Value, from: &str, to: &Value) -> bool {
    match value {
        Value::String(text) if text == from => {
            *value = to.clone();
            true
        }
        Value::Array(items) => items.iter_mut().fold(false, |found, item| replace(item, from, to) | found),
        Value::Object(fields) => {
            fields.values_mut().fold(false, |found, field| replace(field, from, to) | found)
        }
        _ => false,
    }
}

fn is_multipart(request: &Request) -> bool {
    let content_type = request.headers().get(CONTENT_TYPE).and_then(|value| value.to_str().ok());
    content_type.is_some_and(|value| value.starts_with("multipart/form-data"))
}

/// A part with a file name is a file's content; any other part is a parameter.
async fn read_form(mut form: Multipart) -> Result<Form, MultipartError> {
    let mut parameters = Map::new();
    let mut uploads = Vec::new();
    while let Some(field) = form.next_field().await? {
        let name = field.name().unwrap_or_default().to_owned();
        if field.file_name().is_some() {
            uploads.push((name, field.bytes().await?.to_vec()));
        } else {
            let value = form_value(&name, field.text().await?);
            parameters.insert(name, value);
        }
    }
    Ok(Form { parameters: Value::Object(parameters), uploads })
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
