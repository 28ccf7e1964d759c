//! Loa: a ward's loudspeaker in residents' Telegram chats.
//!
//! A map of the crate, following the two flows that carry everything:
//!
//! 1. **A Telegram update becomes a row.** [`app::run`] starts long polling (or a webhook, see
//!    [`http`]); the dispatcher runs the one handler tree [`bot::schema`]; a handler in [`bot`]
//!    parses its arguments with the pure parsers of [`domain`], makes one [`store`] call, and
//!    replies with a text from [`bot::texts`] in the chat's language. Composing by tapping is this flow too: each tap on
//!    a flow's buttons reads and writes one row of `flows`, so the flow's state is in the
//!    database, never in memory.
//! 2. **A row becomes delivered messages.** Confirming a post writes a broadcast and one
//!    delivery row per recipient chat in one transaction ([`store`]); the [`delivery`] worker
//!    sends what is owed, paced under Telegram's limits, and records each outcome. The
//!    [`scheduler`] turns reminders' due fires into broadcasts the same way.
//!
//! - [`alerts`]: tells the admins in Telegram when something needs a person, and when it is over.
//! - [`backups`]: scheduled backups, a job of the scheduler's cron.
//! - [`chart`]: `/stats`'s weekly chart, drawn as a PNG with an embedded font.
//! - [`config`]: settings from the environment, validated, the token redacted.
//! - [`doctor`]: `loa doctor`, what is wrong with this Loa, for whoever set it up.
//! - [`error`]: the one error type for failures that are not the user's fault.
//! - [`http`]: the webhook (instead of long polling), and `/healthz`, `/readyz`, `/metrics`.
//! - [`metrics`]: what Loa counts about itself, one registry per running app.
//! - [`clock`]: the time source, passed in so that tests move time by hand.
//! - [`import`]: `loa import`, a ward's reminders from a plan file.
//! - [`ops`]: the operator's subcommands besides `loa run`: `import`, `migrate`, `backup`.
//! - [`playground`]: a Telegram Bot API server built in, for the tests and `loa demo`.
//! - [`supervisor`]: keeps the worker and the scheduler going through failures, with backoff.

pub mod alerts;
pub mod app;
pub mod backups;
pub mod bot;
pub mod chart;
pub mod clock;
pub mod config;
pub mod delivery;
pub mod doctor;
pub mod domain;
pub mod error;
pub mod http;
pub mod import;
pub mod metrics;
pub mod ops;
pub mod playground;
pub mod scheduler;
pub mod store;
pub mod supervisor;

/// Loa's version and the commit it was built from (see build.rs), as `loa --version` prints it.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("LOA_COMMIT"), ")");
