//! The entry point the desktop app and the CLI share: opens the database and offers the
//! operations an agent performs.

use std::sync::Arc;

use chrono::Utc;

use crate::agents::{Permission, Session};
use crate::config::Settings;
use crate::demo;
use crate::error::{Error, Result};
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
    /// Wakes the outbox sender when a message is committed.
    outbox: Arc<tokio::sync::Notify>,
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
            demo::load(
                &store,
                demo::DEFAULT_SIZE,
                demo::DEFAULT_SEED,
                settings.portal_timezone,
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
        }
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

    /// Delivers the outbox in the background for as long as the database is open (the desktop
    /// app): at once when a message is committed, and every few seconds for retries. In shared
    /// mode only the windows of agents who may send links deliver.
    pub fn deliver_mail(&self) {
        let guichet = self.clone();
        tokio::spawn(async move {
            let mut delivery = None;
            while !guichet.store.is_closed() {
                if !guichet.may_deliver().await {
                    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                    continue;
                }
                if delivery.is_none() {
                    match guichet.delivery().await {
                        Ok(ready) => delivery = Some(ready),
                        Err(error) => tracing::warn!("mail delivery not configured: {error}"),
                    }
                }
                if let Some(delivery) = &delivery
                    && let Err(error) = guichet.deliver_once(delivery).await
                {
                    tracing::warn!("outbox round failed: {error}");
                }
                let _ = tokio::time::timeout(
                    std::time::Duration::from_secs(5),
                    guichet.outbox.notified(),
                )
                .await;
            }
        });
    }

    async fn may_deliver(&self) -> bool {
        self.mode == Mode::Standalone || self.connected_agent_may(Permission::SendLinks).await
    }

    /// How this database's mail is delivered (see [`crate::mail::outbox::Destination`]).
    pub async fn delivery(&self) -> Result<crate::mail::outbox::Delivery> {
        let demo = self.store.is_demo().await?;
        crate::mail::outbox::Delivery::for_database(&self.settings, demo).await
    }

    /// Where this database's mail goes (the demonstration rule applied).
    pub async fn mail_destination(&self) -> Result<crate::mail::outbox::Destination> {
        let demo = self.store.is_demo().await?;
        crate::mail::outbox::Destination::of(&self.settings, demo)
    }

    /// Delivers what is due in the outbox now.
    pub async fn deliver_once(
        &self,
        delivery: &crate::mail::outbox::Delivery,
    ) -> Result<crate::mail::outbox::DrainReport> {
        crate::mail::outbox::drain_once(&self.store, delivery, &self.settings, Utc::now()).await
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
        self.store
            .establishment(&uai, self.settings.portal_timezone, Utc::now())
            .await
    }
}

/// The PostgreSQL password from the keyring, for a URL that names a user but carries no
/// password, unless `PGPASSWORD` gives one for this command (the owner's, once). Best effort:
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
    tokio::task::spawn_blocking(|| {
        crate::secrets::Keyring::from_env()
            .ok()?
            .get(crate::secrets::SecretName::DatabasePassword)
            .ok()?
    })
    .await
    .ok()
    .flatten()
}
