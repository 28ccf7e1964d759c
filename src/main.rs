//! The `loa` binary: reads settings, sets up logging, runs until SIGINT or SIGTERM.

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
    sync::Arc,
};

use chrono::Utc;
use clap::{Parser, Subcommand};
use loa::{
    clock::SystemClock,
    config::{RawSettings, Settings},
    domain::TopicCatalog,
    import::Rules,
    store::Store,
    supervisor::Health,
};
use tokio_util::sync::CancellationToken;
use tracing_subscriber::EnvFilter;

/// Loa, the ward loudspeaker: carries a ward's announcements and reminders into residents'
/// Telegram chats. Every setting can be given as a flag or as the environment variable shown
/// (a `.env` file in the working directory is read too).
#[derive(Parser)]
#[command(name = "loa", version)]
struct Cli {
    #[command(flatten)]
    settings: RawSettings,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the bot with long polling (what `loa` alone does).
    Run,
    /// Load a ward's recurring reminders from a TOML plan (see examples/plan.toml). Every entry
    /// is checked before any is written; importing the same plan twice creates nothing new.
    Import {
        /// The plan file.
        plan: PathBuf,
    },
    /// Try Loa without Telegram: the real bot against a built-in Bot API, with a seeded ward, played
    /// in the browser at http://127.0.0.1:8080. Needs no token; ignores `.env` and the settings.
    Demo(loa::playground::demo::DemoArgs),
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
    if let Some(Command::Demo(demo)) = &cli.command {
        init_tracing();
        let shutdown = CancellationToken::new();
        tokio::spawn(cancel_on_signal(shutdown.clone()));
        return loa::playground::demo::run(demo.clone(), shutdown).await;
    }
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
        Command::Run => {
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
        Command::Import { plan } => import(&plan, &settings).await,
        Command::Demo(_) => unreachable!("the demo runs before the settings are read"),
    }
}

async fn import(plan: &Path, settings: &Settings) -> ExitCode {
    let result = async {
        let store = Store::connect(&settings.database_url).await?;
        let topics = TopicCatalog::new(store.topics().await?);
        let rules = Rules { topics: &topics, timezone: settings.timezone, quiet_hours: settings.quiet_hours };
        loa::import::import(plan, &store, &rules, Utc::now()).await
    }
    .await;
    match result {
        Ok(report) => {
            for (key, id) in &report.created {
                println!("created reminder #{id} ({key})");
            }
            for key in &report.existing {
                println!("already imported: {key}");
            }
            for (key, reason) in &report.skipped {
                println!("skipped {key}: {reason}");
            }
            println!(
                "{} created, {} already present, {} skipped",
                report.created.len(),
                report.existing.len(),
                report.skipped.len()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("loa import: {error}");
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
