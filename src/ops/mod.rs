//! The operator's subcommands besides `loa run`. Each prints what it did for the person at the
//! terminal and returns the exit status. Only `loa migrate` changes the schema; none sends a
//! message.

mod backup;
mod import;
mod migrate;

pub use backup::backup;
pub use import::import;
pub use migrate::migrate;

/// A schema as operators read it: its newest migration's number, as in `migrations/`.
fn schema_name(version: Option<i64>) -> String {
    version.map_or("none".to_owned(), |version| format!("{version:04}"))
}
