//! Every reply the bot writes, in Vietnamese (the default) and English, side by side so that a
//! change to one is seen next to the other.

mod acks;
mod alerts;
mod broadcasts;
mod compose;
mod content;
mod desk;
mod official;
mod posting;
mod report;
mod resident;
mod schedule;
mod stats;
mod toggles;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

pub use acks::*;
pub use alerts::*;
pub use broadcasts::*;
pub use compose::*;
pub use content::*;
pub use desk::*;
pub use official::*;
pub use posting::*;
pub use report::*;
pub use resident::*;
pub use schedule::*;
pub use stats::*;
pub use toggles::*;

use crate::domain::{AreaCode, Lang};

/// One line of `/help` and of the command menu.
pub struct CommandHelp {
    pub command: &'static str,
    pub vi: &'static str,
    pub en: &'static str,
}

impl CommandHelp {
    pub fn describe(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Vi => self.vi,
            Lang::En => self.en,
        }
    }
}

/// An instant as people in the ward read it: local day/month/year and time.
pub fn local(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%d/%m/%Y %H:%M").to_string()
}

/// Escapes text that goes into an HTML-formatted reply.
pub fn html(text: &str) -> String {
    teloxide::utils::html::escape(text)
}

/// The audience of an announcement: its areas, or the whole ward.
pub fn areas_text(lang: Lang, areas: &[AreaCode]) -> String {
    if areas.is_empty() {
        return match lang {
            Lang::Vi => "toàn phường".into(),
            Lang::En => "ward-wide".into(),
        };
    }
    let codes = areas.iter().map(AreaCode::to_string).collect::<Vec<_>>().join(", ");
    match lang {
        Lang::Vi => format!("tổ {codes}"),
        Lang::En => format!("areas {codes}"),
    }
}
