//! The playground: a Telegram Bot API server built into Loa, small and honest about what it
//! supports. The tests run the real bot against it; `loa demo` will too.
//!
//! - [`bot_api`]: the server over real HTTP on 127.0.0.1, and a handle to push updates into it
//!   and read what the bot sent.
//! - [`updates`]: the Bot API's JSON for updates and the objects they are made of.

pub mod bot_api;
pub mod updates;
