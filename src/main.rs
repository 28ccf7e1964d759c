//! The `loa` binary: reads settings, sets up logging, runs until SIGINT or SIGTERM.

use std::{path::PathBuf, process::ExitCode, sync::Arc};

use clap::{Parser, Subcommand};
use loa::{
    clock::SystemClock,
    config::{RawSettings, Settings},
    supervisor::Health,
};
use tokio_util::sync::CancellationToken;
use tracing_subscriber::EnvFilter;

/// Loa, the ward loudspeaker: carries a ward's announcements and reminders into residents'
/// Telegram chats. Every setting can be given as a flag or as the environment variable shown
/// (a `.env` file in the working directory is read too).
#[derive(Parser)]
#[command(name = "loa", version = loa::VERSION)]
struct Cli {
    #[command(flatten)]
    settings: RawSettings,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the bot with long polling (what `loa` alone does). Migrates the database first, as
    /// `loa migrate` does.
    Run,
    /// Bring the database's schema up to this loa's, after writing a checked copy beside it
    /// (loa.db.before-NNNN; the last three are kept). Stop the loa that uses it first.
    Migrate,
    /// Write a consistent, checked copy of the database to FILE, safe while loa runs, and say
    /// what it holds. Never overwrites a file. To restore: stop loa, copy it back, start loa.
    Backup {
        /// Where the copy goes; must not exist.
        file: PathBuf,
    },
    /// Load a ward's recurring reminders from a TOML plan (see examples/plan.toml). Every entry
    /// is checked before any is written; importing the same plan twice creates nothing new.
    Import {
        /// The plan file.
        plan: PathBuf,
    },
}

/// Exit status for a setting that is missing or invalid.
const EXIT_BAD_SETTING: u8 = 2;

#[tokio::main]
async fn main() -> ExitCode {
    if let Err(error) = dotenvy::dotenv()
        && !error.not_found()
    {
        eprintln!("loa: .env: {error}");
        return ExitCode::from(EXIT_BAD_SETTING);
    }
    let cli = Cli::parse();
    let settings = match cli.settings.validate() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("loa: {error}");
            return ExitCode::from(EXIT_BAD_SETTING);
        }
    };
    let command = cli.command.unwrap_or(Command::Run);
    // Only talking to Telegram needs the token; offline subcommands run without one.
    if let (Command::Run, Err(error)) = (&command, settings.token()) {
        eprintln!("loa: {error}");
        return ExitCode::from(EXIT_BAD_SETTING);
    }
    init_tracing();

    match command {
        Command::Run => run(settings).await,
        Command::Migrate => loa::ops::migrate(&settings).await,
        Command::Import { plan } => loa::ops::import(&plan, &settings).await,
        Command::Backup { file } => loa::ops::backup(&file, &settings).await,
    }
}

async fn run(settings: Settings) -> ExitCode {
    let shutdown = CancellationToken::new();
    tokio::spawn(cancel_on_signal(shutdown.clone()));
    match loa::app::run(settings, Arc::new(SystemClock), shutdown, Health::default()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "loa stopped on an error");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    // HTTP client internals are noise at info; RUST_LOG overrides everything.
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,hyper=warn,reqwest=warn"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}

/// Cancels `shutdown` on the first SIGINT (Ctrl-C) or SIGTERM (systemd, docker stop).
async fn cancel_on_signal(shutdown: CancellationToken) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut interrupt), Ok(mut terminate)) =
        (signal(SignalKind::interrupt()), signal(SignalKind::terminate()))
    else {
        tracing::error!("cannot listen for SIGINT/SIGTERM; stop loa with SIGKILL");
        return;
    };
    tokio::select! {
        _ = interrupt.recv() => tracing::info!("SIGINT received, stopping"),
        _ = terminate.recv() => tracing::info!("SIGTERM received, stopping"),
    }
    shutdown.cancel();
}
