//! What the command line does as the database's owner rather than as an agent: bring the schema
//! up to date (and choose shared mode once), fill a demonstration database. Whoever runs these
//! holds the database's URL and its owner's password already; the journal records what they
//! change as the database's own user.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Guichet;
use crate::config::Settings;
use crate::demo::{self, DemoReport, DemoSize};
use crate::error::Result;
use crate::mail::sending::SendingSettings;
use crate::model::database::{Backend, Mode, OpenMode};
use crate::store::Store;

/// The schema once brought up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Migrated {
    pub schema_version: i64,
    pub backend: Backend,
    pub mode: Mode,
}

impl Guichet {
    /// Migrates the configured database as the URL's own user (its owner), creating a SQLite
    /// file if need be; `shared` puts a PostgreSQL database in shared mode, once.
    pub async fn migrate_database(settings: &Settings, shared: bool) -> Result<Migrated> {
        let store = super::connect(settings, OpenMode::CreateIfMissing).await?;
        let migrated = migrate(&store, shared).await;
        store.close().await;
        migrated
    }

    /// Migrates the configured database and fills it with demonstration data of `size`,
    /// deterministic for `seed`.
    pub async fn load_demo_database(
        settings: &Settings,
        size: DemoSize,
        seed: u64,
    ) -> Result<DemoReport> {
        let store = super::connect(settings, OpenMode::CreateIfMissing).await?;
        let loaded = async {
            store.migrate().await?;
            let tz = SendingSettings::timezone(&settings.sending, &store.sending_values().await?)?;
            demo::load(&store, size, seed, tz, Utc::now()).await
        }
        .await;
        store.close().await;
        loaded
    }

    /// Fills this (empty) database with demonstration data, its times read in the portal's
    /// zone as of `now`.
    pub async fn load_demo(
        &self,
        size: DemoSize,
        seed: u64,
        now: DateTime<Utc>,
    ) -> Result<DemoReport> {
        let tz = self.portal_timezone().await?;
        demo::load(self.store(), size, seed, tz, now).await
    }
}

async fn migrate(store: &Store, shared: bool) -> Result<Migrated> {
    store.migrate().await?;
    if shared {
        store.enter_shared_mode().await?;
    }
    Ok(Migrated {
        schema_version: store.schema_version().await?,
        backend: store.backend(),
        mode: store.mode().await?,
    })
}
