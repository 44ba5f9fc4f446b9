//! The operations layer: [`Guichet`], the entry point the desktop app and the CLI share. It
//! opens the database, and each module of this folder adds the operations of one feature, each
//! taking the agent's [`Session`] and checking its role first.

use std::sync::Arc;

use chrono::Utc;

mod agents;
pub mod annuaire;
mod associations;
mod audit;
mod bench;
mod campaigns;
mod diagnosis;
pub mod gate;
pub mod initialisation;
mod links;
mod recent;
mod search;
mod sending;
pub mod settings;
mod shared_mode;
pub mod system;

use crate::agents::Session;
use crate::config::Settings;
use crate::demo;
use crate::error::Result;
use crate::live_index::LiveSearch;
use crate::mail::sending::SendingSettings;
use crate::model::database::{Mode, OpenMode};
use crate::store::Store;

#[derive(Debug, Clone)]
pub struct Guichet {
    store: Store,
    settings: Settings,
    /// Read once when the database is opened: chosen once, a database keeps its mode.
    mode: Mode,
    live: Arc<LiveSearch>,
    /// Wakes the sender of this process (standalone mode) when a link is asked for.
    outbox: Arc<tokio::sync::Notify>,
    /// Failed sign-ins of logins no agent has (standalone mode).
    unknown_logins: Arc<crate::agents::sign_in::UnknownLogins>,
}

/// Connects to the configured database as the URL's own user (with the PostgreSQL password
/// from the keyring when the URL names a user but no password). A configured SQLite file must
/// already exist unless `mode` says so.
pub(crate) async fn connect(settings: &Settings, mode: OpenMode) -> Result<Store> {
    let mode = if settings.uses_embedded_database() {
        OpenMode::CreateIfMissing
    } else {
        mode
    };
    let url = settings.effective_database_url();
    let password = database_password(&url).await;
    Store::connect_with_password(&url, mode, password.as_ref()).await
}

impl Guichet {
    /// Connects as the URL's own user and brings the database into service (see
    /// [`Guichet::ready`]). The desktop app opens a [`crate::operations::gate::Gate`] instead, through which each
    /// agent of a shared database connects with its own role.
    pub async fn open(settings: Settings, mode: OpenMode) -> Result<Guichet> {
        let store = connect(&settings, mode).await?;
        let mode = store.mode().await?;
        Guichet::ready(store, settings, mode).await
    }

    /// A standalone database is migrated (a schema newer than this build refused first), and
    /// the embedded demo database filled on first launch. A shared one is only checked: only
    /// its owner migrates it, with `guichet-admin migrate`.
    pub(crate) async fn ready(store: Store, settings: Settings, mode: Mode) -> Result<Guichet> {
        if mode == Mode::Shared {
            store.require_current_schema().await?;
            return Ok(Guichet::new(store, settings, mode));
        }
        store.migrate().await?;
        if settings.uses_embedded_database() && store.count_establishments().await? == 0 {
            tracing::info!("filling the embedded demo database");
            let tz = SendingSettings::timezone(&settings.sending, &store.sending_values().await?)?;
            demo::load(
                &store,
                demo::DEFAULT_SIZE,
                demo::DEFAULT_SEED,
                tz,
                Utc::now(),
            )
            .await?;
        }
        Ok(Guichet::new(store, settings, mode))
    }

    pub(crate) fn new(store: Store, settings: Settings, mode: Mode) -> Guichet {
        Guichet {
            store,
            settings,
            mode,
            live: Arc::default(),
            outbox: Arc::default(),
            unknown_logins: Arc::default(),
        }
    }

    /// A session for `agent`, locked after this PC's idle time.
    pub(crate) fn new_session(&self, agent: crate::agents::Agent) -> Session {
        let idle = std::time::Duration::from_secs(self.settings.idle_lock_seconds.into());
        Session::new(agent, idle)
    }

    pub(crate) fn unknown_logins(&self) -> &crate::agents::sign_in::UnknownLogins {
        &self.unknown_logins
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The session of whoever holds a standalone database's URL, for the command line's reading
    /// commands without `--agent`: it reads, and nothing more. A shared database is read only
    /// as an agent.
    pub fn reader_session(&self) -> Result<Session> {
        if self.mode != Mode::Standalone {
            return Err(crate::error::Error::NotSignedIn);
        }
        let idle = std::time::Duration::from_secs(self.settings.idle_lock_seconds.into());
        Ok(Session::database_reader(idle))
    }

    /// Closes this Guichet's connections: the end of a one-shot command, or of a test.
    pub async fn close(&self) {
        self.store.close().await;
    }

    /// Ends an agent's use of this Guichet. In shared mode the connections are the agent's
    /// own: they close, and the background tasks on them stop.
    pub async fn sign_out(&self) {
        if self.mode == Mode::Shared {
            self.store.close().await;
        }
    }

    pub(crate) fn wake_outbox(&self) {
        self.outbox.notify_one();
    }

    pub(crate) fn live(&self) -> &LiveSearch {
        &self.live
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Applies the agent's own change to the index at once, rather than at the next poll.
    pub(crate) async fn after_change(&self) {
        if let Err(error) = self.live.catch_up(&self.store).await {
            tracing::warn!("search index not updated after a change: {error}");
        }
    }
}

/// The PostgreSQL password from the keyring (or the service's credentials), for a URL that
/// names a user but carries no password, unless `PGPASSWORD` gives one for this command (the
/// owner's, once). Best effort:
/// without a keyring or a stored password, the server decides (trust or peer authentication)
/// and says so if it refuses.
async fn database_password(url: &str) -> Option<crate::secrets::Secret> {
    let parsed = url::Url::parse(url).ok()?;
    if !parsed.scheme().starts_with("postgres")
        || parsed.username().is_empty()
        || parsed.password().is_some()
        || std::env::var_os("PGPASSWORD").is_some_and(|password| !password.is_empty())
    {
        return None;
    }
    crate::keyring::read_secret(crate::secrets::SecretName::DatabasePassword)
        .await
        .ok()
        .flatten()
}
