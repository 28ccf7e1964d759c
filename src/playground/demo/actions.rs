//! What the page does as one of the ward's people: send a message, send a file, tap a button.
//! Each answers 204 once the update is queued for the bot; what the bot makes of it comes
//! through the event stream like everything else.

use std::sync::Arc;

use axum::{
    Json,
    extract::{Multipart, Path, State},
    http::StatusCode,
};
use serde::Deserialize;

use super::{
    Demo,
    transcript::{Refusal, Upload},
    ward::{self, Person},
};

type Answer = Result<StatusCode, (StatusCode, &'static str)>;

#[derive(Deserialize)]
pub struct Message {
    /// Who sends it: a person's id.
    from: i64,
    text: String,
}

#[derive(Deserialize)]
pub struct Tap {
    from: i64,
    /// The bot's message whose button is tapped.
    message_id: i32,
    /// The button's callback data.
    data: String,
}

pub async fn say(
    State(demo): State<Arc<Demo>>,
    Path(chat): Path<i64>,
    Json(message): Json<Message>,
) -> Answer {
    let person = person(message.from)?;
    let text = message.text.trim();
    if text.is_empty() {
        return Err((StatusCode::BAD_REQUEST, "an empty message"));
    }
    demo.transcript.say(&demo.telegram, chat, person, text).map_err(refused)?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn tap(State(demo): State<Arc<Demo>>, Path(chat): Path<i64>, Json(tap): Json<Tap>) -> Answer {
    let person = person(tap.from)?;
    demo.transcript.tap(&demo.telegram, chat, person, tap.message_id, &tap.data).map_err(refused)?;
    Ok(StatusCode::NO_CONTENT)
}

/// A form with `from`, an optional `caption`, and the `file`.
pub async fn send_file(State(demo): State<Arc<Demo>>, Path(chat): Path<i64>, mut form: Multipart) -> Answer {
    let unreadable = |_| (StatusCode::BAD_REQUEST, "an unreadable form");
    let (mut from, mut caption, mut upload) = (None, String::new(), None);
    while let Some(field) = form.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("from") => from = field.text().await.map_err(unreadable)?.parse().ok(),
            Some("caption") => caption = field.text().await.map_err(unreadable)?,
            Some("file") => {
                let name = field.file_name().unwrap_or("tep").to_owned();
                let mime = field.content_type().unwrap_or("application/octet-stream").to_owned();
                let bytes = field.bytes().await.map_err(unreadable)?.to_vec();
                upload = Some(Upload { name, mime, bytes });
            }
            _ => {}
        }
    }
    let person = person(from.ok_or((StatusCode::BAD_REQUEST, "who sends it?"))?)?;
    let upload = upload.ok_or((StatusCode::BAD_REQUEST, "no file"))?;
    demo.transcript.send_file(&demo.telegram, chat, person, upload, caption.trim()).map_err(refused)?;
    Ok(StatusCode::NO_CONTENT)
}

fn person(id: i64) -> Result<Person, (StatusCode, &'static str)> {
    ward::person(id).ok_or((StatusCode::BAD_REQUEST, "nobody of the ward"))
}

fn refused(refusal: Refusal) -> (StatusCode, &'static str) {
    match refusal {
        Refusal::NotTheirChat => (StatusCode::FORBIDDEN, "not a chat this person is in"),
        Refusal::NoSuchMessage => (StatusCode::NOT_FOUND, "no such message"),
    }
}
