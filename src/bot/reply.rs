//! What a handler answers: messages for the chat it came from, or changes to the bot's own
//! messages there. Handlers build these values; `outgoing` sends them, in one place.

use teloxide::types::{InlineKeyboardMarkup, MessageId};

use crate::{
    delivery::AckButton,
    domain::{Media, MediaItem, Rendered},
};

/// One message: plain text or HTML, with optional buttons.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub text: String,
    pub html: bool,
    pub keyboard: Option<InlineKeyboardMarkup>,
}

impl Reply {
    /// A message in HTML (the caller escaped what it quotes).
    pub fn html(text: impl Into<String>) -> Reply {
        Reply { text: text.into(), html: true, keyboard: None }
    }

    pub fn with_keyboard(self, keyboard: InlineKeyboardMarkup) -> Reply {
        Reply { keyboard: Some(keyboard), ..self }
    }
}

impl From<String> for Reply {
    /// A plain-text message.
    fn from(text: String) -> Reply {
        Reply { text, html: false, keyboard: None }
    }
}

/// A request to Telegram that a person is waiting for.
#[derive(Debug, Clone, PartialEq)]
pub enum Outgoing {
    Send(Reply),
    /// Replaces the text and buttons of one of the bot's messages (a page turned).
    Edit {
        message_id: MessageId,
        reply: Reply,
    },
    /// Takes the buttons off one of the bot's messages (a preview that was answered).
    RemoveButtons {
        message_id: MessageId,
    },
    /// Replaces the buttons of one of the bot's messages, text or media alike (a ticket's
    /// copy at the desk, as its status moves).
    Buttons {
        message_id: MessageId,
        keyboard: InlineKeyboardMarkup,
    },
    /// Deletes one of the bot's messages (a ticket's photo at the desk, once erased).
    Delete {
        message_id: MessageId,
    },
    /// One photo or video with a plain-text caption and optional buttons.
    Media {
        item: MediaItem,
        caption: Reply,
    },
    /// An announcement exactly as residents receive it (a preview).
    Announcement {
        rendered: Rendered,
        media: Media,
        button: Option<AckButton>,
    },
    /// A picture the bot drew (a chart), uploaded as a PNG file, with a plain-text caption.
    Picture {
        png: Vec<u8>,
        caption: String,
    },
}

impl Outgoing {
    /// How many messages it makes, each counted against Telegram's limits.
    pub fn messages(&self) -> usize {
        match self {
            Outgoing::Announcement { media, button, .. } => {
                media.messages() + usize::from(button.is_some() && media.ack_button_apart())
            }
            _ => 1,
        }
    }
}

impl From<Reply> for Outgoing {
    fn from(reply: Reply) -> Outgoing {
        Outgoing::Send(reply)
    }
}

impl From<String> for Outgoing {
    fn from(text: String) -> Outgoing {
        Outgoing::Send(text.into())
    }
}
