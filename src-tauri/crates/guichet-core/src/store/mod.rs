//! The account database over SQLite or PostgreSQL, behind one API.
//!
//! Queries are written once where the two dialects agree (both accept `$1` placeholders) and run
//! on whichever pool the store holds through [`on_pool!`]; where they differ, the function
//! matches on the backend. Every query runs against both backends in the test suite.

mod agents;
mod annuaire;
mod associations;
pub(crate) mod audit;
mod bench;
mod bounces;
mod bulk;
mod campaigns;
mod diagnosis;
mod errors;
mod establishments;
mod initialisation;
mod links;
mod outbox;
mod search;
mod sending;
mod shared;

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::error::{Error, Result};

pub(crate) use agents::{AgentChange, AgentRow, NewAgent};
pub use annuaire::ImportCounts;
pub(crate) use associations::{Actor, Applied, AssociationOp};
pub(crate) use bounces::ReportToMatch;
pub use bulk::{Batch, NewAccount, NewResetRequest};
pub use establishments::NewAttachment;
pub(crate) use outbox::{Attempt, Claim, MailOutcome, Minted, Minter, ToMint};
pub use search::ChangeRow;
pub(crate) use shared::{Whoami, sign_in_error};

static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("../../../migrations/sqlite");
static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("../../../migrations/postgres");

/// Runs the same code on whichever pool the store holds.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &($store).pool {
            $crate::store::Pool::Sqlite($pool) => $body,
            $crate::store::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// The columns of [`DeliveryFacts`](crate::mail::delivery::DeliveryFacts), over the message `o`:
/// what the outbox keeps of a message, its relay's answer and its report's verdict.
macro_rules! delivery_columns {
    () => {
        "o.state AS outbox_state, o.last_reply AS outbox_reply, o.sent_at, \
         o.relay_code, o.relay_enhanced, o.relay_text, o.relay_queue_id, o.relay_at, \
         o.report_verdict, o.report_status, o.report_text, o.report_at"
    };
}
pub(crate) use delivery_columns;

pub use crate::model::database::{Backend, Mode, OpenMode};

/// The account database. Its connections stay inside the core: whatever reads or writes goes
/// through a function of this module, named for what it does.
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
}

#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Store {
    /// How every transaction that writes begins. SQLite takes its write lock at `BEGIN
    /// IMMEDIATE`, waiting its turn behind another writer; a deferred transaction that reads,
    /// then writes after another connection committed, fails at once with SQLITE_BUSY_SNAPSHOT.
    pub(crate) fn begin_write(&self) -> &'static str {
        match &self.pool {
            Pool::Sqlite(_) => "BEGIN IMMEDIATE",
            Pool::Postgres(_) => "BEGIN",
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
            // A disk full (or an I/O error) at COMMIT makes SQLite roll the transaction back by
            // itself; sqlx's own ROLLBACK then fails and the connection comes back to the pool
            // still counted inside a transaction, so that every later write on it would fail.
            // Such a connection is closed instead of being handed out (tests/faults.rs).
            .before_acquire(|connection, _| {
                Box::pin(async move { Ok(!sqlx::Connection::is_in_transaction(connection)) })
            })
            .connect_with(options)
            .await?;
        Ok(Store {
            pool: Pool::Sqlite(pool),
        })
    }

    async fn connect_postgres(
        url: &str,
        password: Option<&crate::secrets::Secret>,
    ) -> Result<Store> {
        let mut options = postgres_options(url)?;
        if let Some(password) = password {
            options = options.password(password.expose());
        }
        // The sender's workers (one per SMTP connection, 8) each hold one while they claim.
        let pool = PgPoolOptions::new()
            .max_connections(12)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await?;
        Ok(Store {
            pool: Pool::Postgres(pool),
        })
    }

    /// Connects to a PostgreSQL URL as `user` (an agent's login role in shared mode) rather
    /// than the URL's own user. Each agent's window holds such a pool: a small one, whose idle
    /// connections close, so that a server serves many agents.
    pub async fn connect_as(
        url: &str,
        user: &str,
        password: &crate::secrets::Secret,
    ) -> Result<Store> {
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .min_connections(0)
            .idle_timeout(Duration::from_secs(60))
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(agent_options(url, user, password)?)
            .await?;
        Ok(Store {
            pool: Pool::Postgres(pool),
        })
    }

    /// Checks that `user` may connect to a PostgreSQL URL with `password`, on a connection of
    /// its own that is closed at once (unlocking a window in shared mode).
    pub(crate) async fn check_login(
        url: &str,
        user: &str,
        password: &crate::secrets::Secret,
    ) -> Result<()> {
        use sqlx::Connection;
        let options = agent_options(url, user, password)?;
        let connection = sqlx::PgConnection::connect_with(&options).await?;
        connection.close().await?;
        Ok(())
    }

    /// The role this store connects as (PostgreSQL), for sign-in messages.
    pub(crate) fn login(&self) -> Option<String> {
        match &self.pool {
            Pool::Sqlite(_) => None,
            Pool::Postgres(pool) => Some(pool.connect_options().get_username().to_string()),
        }
    }

    /// Connects new connections of the pool with `password` from now on (after an agent
    /// changed its own PostgreSQL password); open ones stay as they are.
    pub(crate) fn use_password(&self, password: &crate::secrets::Secret) {
        if let Pool::Postgres(pool) = &self.pool {
            let options = (*pool.connect_options())
                .clone()
                .password(password.expose());
            pool.set_connect_options(options);
        }
    }

    /// The database's mode. A database whose schema predates the modes is standalone.
    pub async fn mode(&self) -> Result<Mode> {
        let Pool::Postgres(pool) = &self.pool else {
            return Ok(Mode::Standalone);
        };
        let recorded: bool = sqlx::query_scalar("SELECT to_regclass('guichet_mode') IS NOT NULL")
            .fetch_one(pool)
            .await?;
        if !recorded {
            return Ok(Mode::Standalone);
        }
        let mode: String = sqlx::query_scalar("SELECT mode FROM guichet_mode")
            .fetch_one(pool)
            .await?;
        Ok(if mode == "shared" {
            Mode::Shared
        } else {
            Mode::Standalone
        })
    }

    /// Refuses a schema other than this build's: in shared mode only the owner migrates, so an
    /// agent's app neither migrates nor works on a schema it does not know.
    pub async fn require_current_schema(&self) -> Result<()> {
        let (found, known) = (self.schema_version().await?, self.known_schema_version());
        match found.cmp(&known) {
            std::cmp::Ordering::Less => Err(Error::SchemaTooOld { found, known }),
            std::cmp::Ordering::Greater => Err(Error::SchemaTooNew { found, known }),
            std::cmp::Ordering::Equal => Ok(()),
        }
    }

    /// Whether the pool has been closed (an agent signed out): background tasks stop then.
    pub fn is_closed(&self) -> bool {
        on_pool!(self, pool => pool.is_closed())
    }

    pub fn backend(&self) -> Backend {
        match &self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    fn migrator(&self) -> &'static Migrator {
        match &self.pool {
            Pool::Sqlite(_) => &SQLITE_MIGRATOR,
            Pool::Postgres(_) => &POSTGRES_MIGRATOR,
        }
    }

    /// The newest schema version this build knows.
    pub fn known_schema_version(&self) -> i64 {
        self.migrator().iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// The newest schema version applied to the database, 0 for a new database.
    pub async fn schema_version(&self) -> Result<i64> {
        let exists: bool = match &self.pool {
            Pool::Sqlite(pool) => sqlx::query_scalar(
                "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            )
            .fetch_one(pool)
            .await?,
            Pool::Postgres(pool) => sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
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

fn postgres_options(url: &str) -> Result<PgConnectOptions> {
    Ok(PgConnectOptions::from_str(url)
        .map_err(|_| Error::InvalidDatabaseUrl("adresse PostgreSQL mal formée".into()))?
        .application_name("guichet-siec"))
}

/// A PostgreSQL URL's options with `user` and its password in place of the URL's own user.
fn agent_options(
    url: &str,
    user: &str,
    password: &crate::secrets::Secret,
) -> Result<PgConnectOptions> {
    Ok(postgres_options(url)?
        .username(user)
        .password(password.expose()))
}

/// Whether a PostgreSQL URL names no user: the address of a shared database, which each agent
/// enters with its own role.
pub fn names_no_user(url: &str) -> bool {
    url::Url::parse(url)
        .is_ok_and(|url| url.scheme().starts_with("postgres") && url.username().is_empty())
}
