//! One error type for everything that is not the user's fault. Bad input is not an error: the
//! handlers answer it with a reply that says what was wrong. What reaches this type is logged in
//! full and the user is told only that something went wrong (see `bot::texts::internal_error`).

/// A failure of the database or of Telegram.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The database's schema is not the one this binary expects, or migrating it failed.
    #[error(transparent)]
    Schema(#[from] crate::store::SchemaError),
    #[error(transparent)]
    Backup(#[from] crate::store::BackupError),
    // teloxide already strips the token from the URLs inside network errors.
    #[error("telegram: {0}")]
    Telegram(#[from] teloxide::RequestError),
    #[error("cannot listen on {address}: {source}")]
    Listen { address: std::net::SocketAddr, source: std::io::Error },
    #[error("setting {0}")]
    Setting(#[from] crate::config::SettingError),
    /// The operating system gave no random bytes.
    #[error("random numbers: {0}")]
    Random(#[from] getrandom::Error),
    #[error("scheduler: {0}")]
    Scheduler(#[from] tokio_cron_scheduler::JobSchedulerError),
    /// A background loop panicked: a bug, logged where it happened.
    #[error("the {0} stopped unexpectedly")]
    Panicked(&'static str),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
