//! The playground: a Telegram Bot API server built into Loa, small and honest about what it
//! supports. The tests run the real bot against it, and so does `loa demo`.
//!
//! - [`bot_api`]: the server over real HTTP on 127.0.0.1, and a handle to push updates into it
//!   and read what the bot sent.
//! - [`updates`]: the Bot API's JSON for updates and the objects they are made of.
//! - [`demo`]: `loa demo`, the real Loa on it with a seeded ward, played from a browser.

pub mod bot_api;
pub mod demo;
pub mod updates;
