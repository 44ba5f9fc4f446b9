//! The entry point the desktop app and the CLI share: opens the database and offers the
//! operations an agent performs.

use chrono::Utc;

use crate::agents::{Permission, Session};
use crate::config::Settings;
use crate::demo;
use crate::error::{Error, Result};
use crate::model::establishment::Establishment;
use crate::model::uai::Uai;
use crate::search::{self, SearchHit};
use crate::store::{OpenMode, Store};

#[derive(Debug, Clone)]
pub struct Guichet {
    store: Store,
    settings: Settings,
}

impl Guichet {
    /// Connects, refuses a schema newer than this build, migrates, and on first launch fills the
    /// embedded demo database. A configured SQLite file must already exist unless `mode` says so.
    pub async fn open(settings: Settings, mode: OpenMode) -> Result<Guichet> {
        let mode = if settings.uses_embedded_database() {
            OpenMode::CreateIfMissing
        } else {
            mode
        };
        let store = Store::connect(&settings.effective_database_url(), mode).await?;
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
        Ok(Guichet { store, settings })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub async fn search(
        &self,
        session: &Session,
        query: &str,
        limit: usize,
    ) -> Result<Vec<SearchHit>> {
        self.require(session, Permission::Read).await?;
        search::plain(&self.store, query, limit).await
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
