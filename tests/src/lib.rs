//! Shared helpers for the cross-component tests: a fresh, real database per test on SQLite (a
//! temporary file) and on PostgreSQL (a database created on the server and dropped afterwards);
//! the team, the times, the command line and the keyring in modules of their own.

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

pub mod annuaire;
pub mod bounces;
pub mod cli;
pub mod cluster;
pub mod desktop;
pub mod imap;
pub mod keyboard;
pub mod keyring;
pub mod sender;
pub mod smtp;
mod sql;
pub mod team;
pub mod time;

pub use keyring::{TestSecrets, in_session_keyring, store_signing_key};
pub use sql::Sql;
pub use team::{AGENT_PASSWORD, SUPERVISOR_PASSWORD, add_team, demo_team};

use guichet_core::model::database::{Backend, OpenMode};
use guichet_core::store::Store;

/// The PostgreSQL server the tests create their databases on.
pub fn postgres_server_url() -> String {
    std::env::var("GUICHET_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A database of its own for one test, migrated and empty.
#[derive(Debug, Clone)]
pub struct TestDb {
    pub url: String,
    pub store: Store,
    postgres_name: Option<String>,
    _dir: Option<std::sync::Arc<tempfile::TempDir>>,
}

impl TestDb {
    /// A new database that exists but has no schema yet.
    pub async fn empty(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}", dir.path().join("guichet.sqlite").display());
                let store = Store::connect(&url, OpenMode::CreateIfMissing)
                    .await
                    .expect("SQLite opens");
                TestDb {
                    url,
                    store,
                    postgres_name: None,
                    _dir: Some(std::sync::Arc::new(dir)),
                }
            }
            Backend::Postgres => {
                let name = unique_name();
                admin_execute(&format!("CREATE DATABASE {name}")).await;
                let url = format!("{}/{name}", postgres_server_url());
                let store = Store::connect(&url, OpenMode::MustExist)
                    .await
                    .expect("PostgreSQL reachable");
                TestDb {
                    url,
                    store,
                    postgres_name: Some(name),
                    _dir: None,
                }
            }
        }
    }

    /// A new database with the current schema.
    pub async fn migrated(backend: Backend) -> TestDb {
        let db = TestDb::empty(backend).await;
        db.store.migrate().await.expect("migrations apply");
        db
    }

    /// A connection of the test's own to this database, beside the store's.
    pub async fn sql(&self) -> Sql {
        Sql::open(&self.url).await
    }

    /// Closes the pool and drops the PostgreSQL database; the SQLite file goes with its folder.
    pub async fn remove(self) {
        self.store.close().await;
        if let Some(name) = &self.postgres_name {
            admin_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}

/// Runs `body` on a fresh migrated database of `backend`, removes the database, then passes on
/// the body's panic if it had one.
pub async fn with_db<F, Fut>(backend: Backend, body: F)
where
    F: FnOnce(TestDb) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let db = TestDb::migrated(backend).await;
    let outcome = tokio::spawn(body(db.clone())).await;
    db.remove().await;
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}

/// What [`on_both_backends!`] runs for one backend: `body` as [`with_db`] runs it, in a kernel
/// keyring of its own when `keyring` (see [`in_session_keyring`]).
pub async fn on_backend<F, Fut>(backend: Backend, keyring: bool, body: F)
where
    F: FnOnce(TestDb) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let secrets = keyring.then(in_session_keyring);
    if let Some(None) = secrets {
        return; // The run in the keyring was the test.
    }
    with_db(backend, body).await;
    drop(secrets);
}

/// Declares one test per backend running the same async body: `on_both_backends!(name, |db| …)`,
/// or `on_both_backends!(keyring name, |db| …)` for each run in a kernel keyring of its own.
#[macro_export]
macro_rules! on_both_backends {
    (@tests $keyring:expr, $name:ident, |$db:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                $crate::on_backend(
                    guichet_core::store::Backend::Sqlite,
                    $keyring,
                    |$db| async move { $body },
                )
                .await;
            }

            #[tokio::test]
            async fn postgres() {
                $crate::on_backend(
                    guichet_core::store::Backend::Postgres,
                    $keyring,
                    |$db| async move { $body },
                )
                .await;
            }
        }
    };
    (keyring $name:ident, |$db:ident| $body:expr) => {
        $crate::on_both_backends!(@tests true, $name, |$db| $body);
    };
    ($name:ident, |$db:ident| $body:expr) => {
        $crate::on_both_backends!(@tests false, $name, |$db| $body);
    };
}

/// Runs one statement on the server's maintenance database.
pub async fn admin_execute(sql: &str) {
    let url = format!("{}/postgres", postgres_server_url());
    let mut connection: sqlx::PgConnection = sqlx::Connection::connect(&url)
        .await
        .expect("PostgreSQL server reachable for tests");
    sqlx::Executor::execute(&mut connection, sql)
        .await
        .expect("administrative statement");
}

pub(crate) fn unique_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "guichet_test_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Delivers what is due on `guichet`'s database now, through a sender of this process (it is
/// the one in standalone mode) that mails `smtp_url` (`None`: `.eml` files in the data folder).
pub async fn deliver(
    guichet: &guichet_core::Guichet,
    smtp_url: Option<&str>,
) -> guichet_core::sender::DrainReport {
    deliver_at(guichet, smtp_url, None).await
}

/// [`deliver`] with the sender's clock stopped at `now`.
pub async fn deliver_at(
    guichet: &guichet_core::Guichet,
    smtp_url: Option<&str>,
    now: Option<chrono::DateTime<chrono::Utc>>,
) -> guichet_core::sender::DrainReport {
    use guichet_core::mail::sending::SendingName;
    let mut settings = guichet.settings().clone();
    settings
        .sending
        .set(SendingName::SmtpUrl, smtp_url.map(str::to_string));
    let sender = guichet
        .sender_with(settings)
        .await
        .expect("a sender starts");
    let report = sender.deliver_due_at(now).await.expect("a pass");
    sender.stop().await;
    report
}

/// A figure of a benchmark's JSON that must be a positive number (no bound on its value: times
/// are the benchmark's business, not the tests').
pub fn positive(value: &serde_json::Value, what: &str) -> f64 {
    let number = value
        .as_f64()
        .unwrap_or_else(|| panic!("{what} is not a number: {value}"));
    assert!(number > 0.0, "{what} = {number}");
    number
}
