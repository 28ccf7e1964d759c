//! The `loa` binary: reads settings, sets up logging, runs until SIGINT or SIGTERM.

use std::{io::IsTerminal, path::PathBuf, process::ExitCode, sync::Arc};

use clap::{Parser, Subcommand};
use loa::{
    clock::SystemClock,
    config::{LogFormat, RawSettings, Settings},
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
    /// Run the bot, with long polling or a webhook (what `loa` alone does). Migrates the
    /// database first, as `loa migrate` does.
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
    /// Says what is wrong with this Loa, in LOA_LANG: settings, database, Telegram, the bot's
    /// rights in each group, the clock, the next reminders. Sends nothing, changes nothing;
    /// exit status 0 when all is well, 1 otherwise.
    Doctor,
    /// Try Loa without Telegram: the real bot against a built-in Bot API, with a seeded ward, played
    /// in the browser at http://127.0.0.1:8080. Needs no token; ignores `.env` and the settings.
    Demo(loa::playground::demo::DemoArgs),
}

/// Exit status for a setting that is missing or invalid.
const EXIT_BAD_SETTING: u8 = 2;

fn main() -> ExitCode {
    limit_malloc_arenas();
    match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime.block_on(run_command()),
        Err(error) => {
            eprintln!("loa: cannot start the async runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

/// glibc gives each thread that contends for the heap an arena of its own, up to eight per
/// core, and memory freed in one arena is not reused by the others. Loa's threads (the
/// runtime's workers, one per SQLite connection, the blocking pool) would hold 7 arenas, much
/// of them free but resident: two arenas keep a 10,000-group broadcast's peak RSS about 3 MB
/// lower (27.6–28.7 → 25.2–25.5 MB, `cargo bench --bench broadcast -- b`) at the same speed.
/// Called before any thread starts; `MALLOC_ARENA_MAX` in the environment still overrides it.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets a tunable of the allocator; no thread exists yet.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

async fn run_command() -> ExitCode {
    if let Err(error) = dotenvy::dotenv()
        && !error.not_found()
    {
        eprintln!("loa: .env: {error}");
        return ExitCode::from(EXIT_BAD_SETTING);
    }
    let cli = Cli::parse();
    if let Some(Command::Demo(demo)) = &cli.command {
        init_tracing(LogFormat::Text);
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
    if let (Command::Run | Command::Doctor, Err(error)) = (&command, settings.token()) {
        eprintln!("loa: {error}");
        return ExitCode::from(EXIT_BAD_SETTING);
    }
    init_tracing(settings.log_format);

    match command {
        Command::Run => run(settings).await,
        Command::Migrate => loa::ops::migrate(&settings).await,
        Command::Import { plan } => loa::ops::import(&plan, &settings).await,
        Command::Backup { file } => loa::ops::backup(&file, &settings).await,
        Command::Doctor => loa::doctor::run(&settings).await,
        Command::Demo(_) => unreachable!("the demo runs before the settings are read"),
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

/// Logs go to stderr, for people (`text`) or as one JSON object a line (`json`, for journald or
/// Loki, with the event's fields at the top level).
fn init_tracing(format: LogFormat) {
    // HTTP client internals are noise at info; RUST_LOG overrides everything.
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,hyper=warn,reqwest=warn"));
    // Colours only for a person at a terminal: the journal and `docker logs` keep the codes.
    let colours = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let logs =
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(colours);
    match format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
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
