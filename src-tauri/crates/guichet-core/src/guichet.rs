//! The entry point the desktop app and the CLI share: opens the database and offers the
//! operations an agent performs.

use std::sync::Arc;

use chrono::Utc;

use crate::agents::{Permission, Session};
use crate::config::Settings;
use crate::demo;
use crate::error::{Error, Result};
use crate::mail::sender::{Destination, Sender, SendingStatus};
use crate::mail::sending::SendingSettings;
use crate::model::establishment::Establishment;
use crate::model::uai::Uai;
use crate::search::live::{Change, LiveSearch};
use crate::search::{self, SearchResponse};
use crate::store::{Mode, OpenMode, Store};

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
    unknown_logins: Arc<crate::agents::UnknownLogins>,
}

/// Connects to the configured database as the URL's own user (with the PostgreSQL password
/// from the keyring when the URL names a user but no password). A configured SQLite file must
/// already exist unless `mode` says so.
pub async fn connect(settings: &Settings, mode: OpenMode) -> Result<Store> {
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
    /// [`Guichet::ready`]). The desktop app opens a [`crate::Gate`] instead, through which each
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

    pub(crate) fn unknown_logins(&self) -> &crate::agents::UnknownLogins {
        &self.unknown_logins
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Ends an agent's use of this Guichet. In shared mode the connections are the agent's
    /// own: they close, and the background tasks on them stop.
    pub async fn sign_out(&self) {
        if self.mode == Mode::Shared {
            self.store.close().await;
        }
    }

    /// Runs this process's sender in the background for as long as the database is open (the
    /// desktop app on a standalone database): at once when an agent asks for a link, and every
    /// second for retries. A shared database's links are sent by its own service, never here.
    pub fn deliver_mail(&self) {
        if self.mode != Mode::Standalone {
            return;
        }
        let guichet = self.clone();
        tokio::spawn(async move {
            let sender = match guichet.sender().await {
                Ok(sender) => sender,
                Err(error) => {
                    tracing::warn!("no sender in this window: {error}");
                    return;
                }
            };
            let store = guichet.store.clone();
            sender
                .run_until(async move {
                    while !store.is_closed() {
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                })
                .await;
            sender.stop().await;
        });
    }

    /// A sender on this database with this process's settings (the CLI's `send-link
    /// --deliver`, `outbox --drain` and `sender`). Refused on a shared database unless this
    /// connection is the sender service's role (or the owner's).
    pub async fn sender(&self) -> Result<Sender> {
        Sender::start(
            self.store.clone(),
            self.settings.clone(),
            self.outbox.clone(),
        )
        .await
    }

    /// The sending settings in effect for this process: the database's, under this
    /// process's environment.
    pub async fn sending_settings(&self) -> Result<SendingSettings> {
        crate::mail::sender::sending_settings(&self.store, &self.settings).await
    }

    /// The portal's time zone, in which it reads the naive times of its requests.
    pub async fn portal_timezone(&self) -> Result<chrono_tz::Tz> {
        SendingSettings::timezone(&self.settings.sending, &self.store.sending_values().await?)
    }

    /// Where this database's mail goes (the demonstration rule applied).
    pub async fn mail_destination(&self) -> Result<Destination> {
        let demo = self.store.is_demo().await?;
        let settings = self.sending_settings().await?;
        Destination::of(
            settings.smtp_url.as_deref(),
            self.settings.outbox_dir(),
            demo,
        )
    }

    /// Whether the links leave: « Les liens ne partent pas : … » otherwise, for every window.
    pub async fn sending_status(&self, session: &Session) -> Result<SendingStatus> {
        self.require(session, Permission::Read).await?;
        crate::mail::sender::status(&self.store, Utc::now()).await
    }

    pub(crate) fn wake_outbox(&self) {
        self.outbox.notify_one();
    }

    pub(crate) fn live(&self) -> &LiveSearch {
        &self.live
    }

    /// The search index behind [`Guichet::search_unchecked`], for benchmarks to time its two
    /// phases apart (ranking in memory, reading the rows shown) and to read its size.
    pub fn search_index(&self) -> &LiveSearch {
        &self.live
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Builds the search index in the background and keeps it current with the change log,
    /// for as long as the process runs (the desktop app). Until it is built, searches are plain.
    pub fn follow_changes(&self) {
        tokio::spawn(search::live::follow(self.store.clone(), self.live.clone()));
    }

    /// Builds the search index now (one-shot commands).
    pub async fn build_search_index(&self) -> Result<()> {
        self.live.build(&self.store).await
    }

    /// Every change applied to the index, for windows to refresh what they show.
    pub fn changes(&self) -> tokio::sync::broadcast::Receiver<Change> {
        self.live.subscribe()
    }

    /// Applies the agent's own change to the index at once, rather than at the next poll.
    pub(crate) async fn after_change(&self) {
        if let Err(error) = self.live.catch_up(&self.store).await {
            tracing::warn!("search index not updated after a change: {error}");
        }
    }

    pub async fn search(
        &self,
        session: &Session,
        query: &str,
        limit: usize,
    ) -> Result<SearchResponse> {
        self.require(session, Permission::Read).await?;
        self.search_unchecked(query, limit).await
    }

    /// The search itself, for callers that hold the database already (the CLI).
    pub async fn search_unchecked(&self, query: &str, limit: usize) -> Result<SearchResponse> {
        match self.live.search(query, limit) {
            Some(results) => search::tolerant(&self.store, results).await,
            None => Ok(SearchResponse {
                hits: search::plain(&self.store, query, limit).await?,
                uai_correction: None,
            }),
        }
    }

    pub async fn establishment(&self, session: &Session, uai: &str) -> Result<Establishment> {
        self.require(session, Permission::Read).await?;
        let uai = Uai::parse(uai).map_err(|reason| Error::InvalidUai {
            input: uai.trim().into(),
            reason,
        })?;
        let tz = self.portal_timezone().await?;
        self.store.establishment(&uai, tz, Utc::now()).await
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
    crate::secrets::read_secret(crate::secrets::SecretName::DatabasePassword)
        .await
        .ok()
        .flatten()
}
