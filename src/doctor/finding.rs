//! One line of `loa doctor`'s answer.

use std::fmt::{self, Display};

use crate::domain::Lang;

/// What one check found: all is well, or a problem and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub text: String,
    /// `None` when all is well.
    pub fix: Option<String>,
}

impl Finding {
    pub fn ok(text: String) -> Finding {
        Finding { text, fix: None }
    }

    pub fn problem(text: String, fix: String) -> Finding {
        Finding { text, fix: Some(fix) }
    }

    pub fn is_ok(&self) -> bool {
        self.fix.is_none()
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.fix {
            None => write!(f, "✓ {}", self.text),
            Some(fix) => write!(f, "✗ {} → {fix}", self.text),
        }
    }
}

/// The text in `lang`, Vietnamese and English side by side where they are written.
pub(super) fn say(lang: Lang, vi: impl Into<String>, en: impl Into<String>) -> String {
    match lang {
        Lang::Vi => vi.into(),
        Lang::En => en.into(),
    }
}

/// A read of the database that failed, after it opened and passed its checks: busy, most likely.
/// `what`: what could not be read, in Vietnamese and in English.
pub(super) fn not_read(lang: Lang, what: (&str, &str), error: &impl Display) -> Finding {
    Finding::problem(
        say(
            lang,
            format!("Không đọc được {}: {error}", what.0),
            format!("{} cannot be read: {error}", what.1),
        ),
        say(lang, "chạy lại `loa doctor` sau ít phút", "run `loa doctor` again in a few minutes"),
    )
}
