//! `loa demo`: the real Loa — the same `app::run`, dispatcher, store, worker and scheduler —
//! against the built-in Bot API server, with a seeded ward, and a chat client in the browser to
//! play every part in it. Nothing leaves the machine: the Bot API and the page listen on
//! 127.0.0.1, the database is a fresh file in a temporary directory unless `--db` names one.
//!
//! - [`ward`]: the people and chats of the demo's ward; [`seed`]: how they are set up.
//! - [`settings`]: Loa's settings for the demo, whatever the environment says.
//! - [`transcript`]: what the people said, sent and tapped, pushed to the bot as updates.
//! - [`view`]: a chat as the page shows it, the people's messages merged with the bot's.
//! - [`actions`], [`panel`], [`web`]: the page and its small HTTP API.

mod actions;
mod panel;
mod seed;
mod settings;
mod transcript;
mod view;
mod ward;
mod web;

use std::{
    net::{Ipv4Addr, SocketAddr},
    path::PathBuf,
    process::ExitCode,
    sync::Arc,
};

use tokio::{net::TcpListener, task::JoinHandle};
use tokio_util::sync::CancellationToken;

use super::bot_api::{FakeTelegram, Limits};
use crate::{
    clock::{Clock, OffsetClock},
    domain::TopicCatalog,
    error::Error,
    import::ImportError,
    store::Store,
    supervisor::Health,
};

/// `loa demo`'s options.
#[derive(Debug, Clone, clap::Args)]
pub struct DemoArgs {
    /// Where the page is served; a loopback address only, since the demo has no logins.
    #[arg(long, default_value_t = SocketAddr::from((Ipv4Addr::LOCALHOST, 8080)))]
    pub listen: SocketAddr,
    /// An SQLite file to keep the demo's ward in (created if missing); without it, a fresh one in
    /// a temporary directory, removed when the demo stops.
    #[arg(long)]
    pub db: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("--listen {0}: the demo serves 127.0.0.1 (or ::1) only")]
    NotLoopback(SocketAddr),
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
    #[error("serving the page: {0}")]
    Serve(std::io::Error),
    #[error("temporary directory: {0}")]
    TempDir(std::io::Error),
    #[error(transparent)]
    Loa(#[from] Error),
    #[error("the example plan: {0}")]
    Plan(#[from] ImportError),
    #[error("setting the ward up: {0}")]
    Seed(String),
}

/// What the page's handlers share.
struct Demo {
    telegram: FakeTelegram,
    store: Store,
    clock: OffsetClock,
    topics: TopicCatalog,
    transcript: transcript::Transcript,
    /// Ends the page's event streams too.
    shutdown: CancellationToken,
}

/// Runs the demo until `shutdown`; prints the page's address, opens nothing.
pub async fn run(args: DemoArgs, shutdown: CancellationToken) -> ExitCode {
    match serve(args, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("loa demo: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: DemoArgs, shutdown: CancellationToken) -> Result<(), DemoError> {
    if !args.listen.ip().is_loopback() {
        return Err(DemoError::NotLoopback(args.listen));
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|error| DemoError::Listen(args.listen, error))?;
    let address = listener.local_addr().map_err(|error| DemoError::Listen(args.listen, error))?;
    // Dropped last: the database lives in it.
    let temporary = tempfile::Builder::new().prefix("loa-demo-").tempdir().map_err(DemoError::TempDir)?;
    let db = args.db.unwrap_or_else(|| temporary.path().join("loa.db"));
    let playground = Playground::start(&format!("sqlite://{}", db.display()), shutdown.clone()).await?;
    println!(
        "Loa demo: mở http://{address} trong trình duyệt / open it in your browser (Ctrl-C: dừng / stop)"
    );
    playground.serve(listener, shutdown).await
}

/// The demo running: the built-in Bot API, Loa on it, the ward set up.
pub struct Playground {
    demo: Arc<Demo>,
    app: JoinHandle<crate::error::Result<()>>,
}

impl Playground {
    /// Starts the built-in Bot API and Loa on the database at `database_url`, and sets the ward
    /// up. Loa runs until `shutdown`.
    pub async fn start(database_url: &str, shutdown: CancellationToken) -> Result<Playground, DemoError> {
        let telegram = FakeTelegram::start().await;
        telegram.enforce_limits(Limits::default());
        let settings = settings::demo(&telegram.url(), database_url);
        let clock = OffsetClock::default();
        let store = Store::connect(database_url).await?;
        let topics = TopicCatalog::new(store.topics().await?);
        seed::import_plan(&store, &topics, &settings, clock.now()).await?;
        let demo = Arc::new(Demo {
            telegram,
            store,
            clock,
            topics,
            transcript: Default::default(),
            shutdown: shutdown.clone(),
        });
        let loa =
            crate::app::run(settings, Arc::new(demo.clock.clone()), shutdown.clone(), Health::default());
        let app = tokio::spawn(loa);
        if let Err(problem) = seed::set_up_chats(&demo).await {
            shutdown.cancel();
            let _ = app.await;
            return Err(DemoError::Seed(problem));
        }
        Ok(Playground { demo, app })
    }

    /// Serves the page on `listener` until `shutdown`, then waits for Loa to stop.
    pub async fn serve(self, listener: TcpListener, shutdown: CancellationToken) -> Result<(), DemoError> {
        // The demo (with its Bot API) outlives the page: Loa may still be talking to it.
        let page = axum::serve(listener, web::router(self.demo.clone()))
            .with_graceful_shutdown(shutdown.clone().cancelled_owned());
        let served = page.await;
        shutdown.cancel();
        let stopped = self.app.await.unwrap_or(Err(Error::Panicked("demo's Loa")));
        served.map_err(DemoError::Serve)?;
        Ok(stopped?)
    }
}
