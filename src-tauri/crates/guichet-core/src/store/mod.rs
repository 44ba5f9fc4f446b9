//! The account database over SQLite or PostgreSQL, behind one API.
//!
//! Queries are written once where the two dialects agree (both accept `$1` placeholders) and run
//! on whichever pool the store holds through [`on_pool!`]; where they differ, the function
//! matches on the backend. Every query runs against both backends in the test suite.

mod agents;
mod associations;
pub(crate) mod audit;
mod bulk;
mod establishments;
mod links;
mod search;

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::error::{Error, Result};

pub(crate) use agents::{AgentRow, NewAgent, SignInOutcome};
pub(crate) use associations::{Actor, Applied, AssociationOp};
pub use bulk::{Batch, NewAccount, NewResetRequest};
pub use establishments::{NewAttachment, NewEstablishment};
pub(crate) use links::{ClaimedMail, LedgerRow, MailOutcome};
pub use search::ChangeRow;

static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("../../../migrations/sqlite");
static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("../../../migrations/postgres");

/// Runs the same code on whichever pool the store holds.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            $crate::store::Store::Sqlite($pool) => $body,
            $crate::store::Store::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Whether opening a SQLite database may create its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    MustExist,
    CreateIfMissing,
}

#[derive(Debug, Clone)]
pub enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Store {
    /// How every transaction that writes begins. SQLite takes its write lock at `BEGIN
    /// IMMEDIATE`, waiting its turn behind another writer; a deferred transaction that reads,
    /// then writes after another connection committed, fails at once with SQLITE_BUSY_SNAPSHOT.
    pub(crate) fn begin_write(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "BEGIN IMMEDIATE",
            Store::Postgres(_) => "BEGIN",
        }
    }

    /// Connects to `sqlite://…` or `postgres://…`, without changing anything in the database.
    pub async fn connect(url: &str, mode: OpenMode) -> Result<Store> {
        Self::connect_with_password(url, mode, None).await
    }

    /// [`Store::connect`], with the PostgreSQL password from the keyring when the URL has none.
    pub async fn connect_with_password(
        url: &str,
        mode: OpenMode,
        password: Option<&crate::secrets::Secret>,
    ) -> Result<Store> {
        match url.split_once(':').map(|(scheme, _)| scheme) {
            Some("sqlite") => Self::connect_sqlite(url, mode).await,
            Some("postgres" | "postgresql") => Self::connect_postgres(url, password).await,
            Some(scheme)
                if !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric()) =>
            {
                Err(Error::InvalidDatabaseUrl(format!(
                    "le schéma «\u{a0}{scheme}\u{a0}» n’est pas pris en charge"
                )))
            }
            _ => Err(Error::InvalidDatabaseUrl("aucun schéma reconnu".into())),
        }
    }

    async fn connect_sqlite(url: &str, mode: OpenMode) -> Result<Store> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|_| Error::InvalidDatabaseUrl("adresse SQLite mal formée".into()))?;
        let path = PathBuf::from(options.get_filename());
        let in_memory = path.as_os_str().is_empty() || path.to_string_lossy().contains(":memory:");
        if mode == OpenMode::MustExist && !in_memory && !path.exists() {
            return Err(Error::SqliteFileMissing(path));
        }
        if mode == OpenMode::CreateIfMissing
            && let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                path: parent.into(),
                source,
            })?;
        }
        let options = options
            .create_if_missing(mode == OpenMode::CreateIfMissing)
            .foreign_keys(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Store::Sqlite(pool))
    }

    async fn connect_postgres(
        url: &str,
        password: Option<&crate::secrets::Secret>,
    ) -> Result<Store> {
        let mut options = PgConnectOptions::from_str(url)
            .map_err(|_| Error::InvalidDatabaseUrl("adresse PostgreSQL mal formée".into()))?
            .application_name("guichet-siec");
        if let Some(password) = password {
            options = options.password(password.expose());
        }
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await?;
        Ok(Store::Postgres(pool))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Store::Sqlite(_) => Backend::Sqlite,
            Store::Postgres(_) => Backend::Postgres,
        }
    }

    fn migrator(&self) -> &'static Migrator {
        match self {
            Store::Sqlite(_) => &SQLITE_MIGRATOR,
            Store::Postgres(_) => &POSTGRES_MIGRATOR,
        }
    }

    /// The newest schema version this build knows.
    pub fn known_schema_version(&self) -> i64 {
        self.migrator().iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// The newest schema version applied to the database, 0 for a new database.
    pub async fn schema_version(&self) -> Result<i64> {
        let exists: bool = match self {
            Store::Sqlite(pool) => sqlx::query_scalar(
                "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            )
            .fetch_one(pool)
            .await?,
            Store::Postgres(pool) => sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
                .fetch_one(pool)
                .await?,
        };
        if !exists {
            return Ok(0);
        }
        let version: Option<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(pool)
                .await?
        });
        Ok(version.unwrap_or(0))
    }

    /// Brings the schema up to date; refuses, before writing anything, a schema newer than this build.
    pub async fn migrate(&self) -> Result<()> {
        let (found, known) = (self.schema_version().await?, self.known_schema_version());
        if found > known {
            return Err(Error::SchemaTooNew { found, known });
        }
        on_pool!(self, pool => self.migrator().run(pool).await?);
        Ok(())
    }

    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await);
    }
}
