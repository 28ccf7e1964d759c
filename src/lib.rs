//! Loa: a ward's loudspeaker in residents' Telegram chats.
//!
//! A map of the crate, following the two flows that carry everything:
//!
//! 1. **A Telegram update becomes a row.** [`app::run`] starts long polling; the dispatcher runs
//!    the one handler tree [`bot::schema`]; a handler in [`bot`] parses its arguments with the
//!    pure parsers of [`domain`], makes one [`store`] call, and replies with a text from
//!    [`bot::texts`] in the chat's language. Composing by tapping is this flow too: each tap on
//!    a flow's buttons reads and writes one row of `flows`, so the flow's state is in the
//!    database, never in memory.
//! 2. **A row becomes delivered messages.** Confirming a post writes a broadcast and one
//!    delivery row per recipient chat in one transaction ([`store`]); the [`delivery`] worker
//!    sends what is owed, paced under Telegram's limits, and records each outcome. The
//!    [`scheduler`] turns reminders' due fires into broadcasts the same way.
//!
//! - [`chart`]: `/stats`'s weekly chart, drawn as a PNG with an embedded font.
//! - [`config`]: settings from the environment, validated, the token redacted.
//! - [`error`]: the one error type for failures that are not the user's fault.
//! - [`clock`]: the time source, passed in so that tests move time by hand.
//! - [`import`]: `loa import`, a ward's reminders from a plan file.
//! - [`playground`]: a Telegram Bot API server built in, for the tests and `loa demo`.
//! - [`supervisor`]: keeps the worker and the scheduler going through failures, with backoff.

pub mod app;
pub mod bot;
pub mod chart;
pub mod clock;
pub mod config;
pub mod delivery;
pub mod domain;
pub mod error;
pub mod import;
pub mod playground;
pub mod scheduler;
pub mod store;
pub mod supervisor;
