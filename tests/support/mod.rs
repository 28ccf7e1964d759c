// Every tests/*.rs binary compiles this module on its own and uses only part
// of it, so unused items are expected rather than dead.
#![allow(dead_code)]

pub mod cli;
pub mod desk;
pub mod old_databases;
pub mod test_app;
pub mod ward;

// The fake Bot API lives in the crate, where `loa demo` runs on it too; the tests keep their names for it.
pub use loa::playground::{bot_api as fake_telegram, updates};
