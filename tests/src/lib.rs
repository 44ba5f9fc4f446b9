//! Shared helpers for the cross-component tests: a fresh, real database per test on SQLite (a
//! temporary file) and on PostgreSQL (a database created on the server and dropped afterwards).

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

pub mod cluster;
pub mod desktop;
pub mod sender;
pub mod smtp;
mod sql;

pub use sql::Sql;

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

/// Declares one test per backend running the same async body: `on_both_backends!(name, |db| …)`.
#[macro_export]
macro_rules! on_both_backends {
    // Each run in a kernel keyring of its own (see `in_session_keyring`).
    (keyring $name:ident, |$db:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                if let Some(_secrets) = $crate::in_session_keyring() {
                    $crate::with_db(
                        guichet_core::store::Backend::Sqlite,
                        |$db| async move { $body },
                    )
                    .await;
                }
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(_secrets) = $crate::in_session_keyring() {
                    $crate::with_db(guichet_core::store::Backend::Postgres, |$db| async move {
                        $body
                    })
                    .await;
                }
            }
        }
    };
    ($name:ident, |$db:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                $crate::with_db(
                    guichet_core::store::Backend::Sqlite,
                    |$db| async move { $body },
                )
                .await;
            }

            #[tokio::test]
            async fn postgres() {
                $crate::with_db(guichet_core::store::Backend::Postgres, |$db| async move {
                    $body
                })
                .await;
            }
        }
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

fn unique_name() -> String {
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

/// Passwords of the team [`demo_team`] creates.
pub const SUPERVISOR_PASSWORD: &str = "Superviseur-2026!";
pub const AGENT_PASSWORD: &str = "Guichet-agent-42";

/// Fills the embedded demo database of `data_dir` as a first launch would, then adds a
/// supervisor (`sandrine`), an agent (`camille`) and a read-only agent (`lea`).
pub async fn demo_team(data_dir: &std::path::Path) {
    let settings = guichet_core::Settings::with_defaults(None, data_dir.to_path_buf());
    let guichet = guichet_core::Guichet::open(settings, OpenMode::MustExist)
        .await
        .expect("demo database");
    add_team(&guichet).await;
    guichet.close().await;
}

/// Adds the team of [`demo_team`] to a database that has no agent yet.
pub async fn add_team(guichet: &guichet_core::Guichet) {
    use guichet_core::agents::Role;
    let supervisor = guichet
        .create_first_supervisor("sandrine", "Sandrine Petit", SUPERVISOR_PASSWORD)
        .await
        .expect("supervisor");
    guichet
        .add_agent(
            &supervisor,
            "camille",
            "Camille Martin",
            Role::Agent,
            AGENT_PASSWORD,
        )
        .await
        .expect("agent");
    guichet
        .add_agent(
            &supervisor,
            "lea",
            "Léa Bernard",
            Role::Lecture,
            AGENT_PASSWORD,
        )
        .await
        .expect("reader");
}

/// Runs the calling test again under `keyctl session -` with `GUICHET_KEYRING=keyutils` and
/// entries of its own (`GUICHET_KEYRING_SERVICE`), so that it reaches a real kernel keyring
/// without sharing a secret with another test, and fails if that run fails. Returns a guard in
/// that run (go on with the test; the guard deletes the test's secrets) and `None` in the first.
pub fn in_session_keyring() -> Option<TestSecrets> {
    const CHILD: &str = "GUICHET_TEST_IN_SESSION_KEYRING";
    if std::env::var_os(CHILD).is_some() {
        return Some(TestSecrets);
    }
    // libtest names each test's thread after the test.
    let name = std::thread::current()
        .name()
        .expect("a test thread")
        .to_string();
    let exe = std::env::current_exe().expect("test binary");
    let output = std::process::Command::new("keyctl")
        .args(["session", "-"])
        .arg(&exe)
        .args([name.as_str(), "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env("GUICHET_KEYRING", "keyutils")
        .env(
            "GUICHET_KEYRING_SERVICE",
            format!("guichet-siec-test-{}-{}", std::process::id(), unique_name()),
        )
        .output()
        .unwrap_or_else(|error| panic!("keyctl (package keyutils) cannot run: {error}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{name} under keyctl session failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    None
}

/// Deletes the secrets a test stored in its own keyring entries when the test ends.
#[derive(Debug)]
pub struct TestSecrets;

impl Drop for TestSecrets {
    fn drop(&mut self) {
        use guichet_core::keyring::Keyring;
        use guichet_core::secrets::SecretName;
        if let Ok(keyring) = Keyring::from_env() {
            for name in SecretName::ALL {
                let _ = keyring.delete(name);
            }
        }
    }
}

/// Delivers what is due on `guichet`'s database now, through a sender of this process (it is
/// the one in standalone mode) that mails `smtp_url` (`None`: `.eml` files in the data folder).
pub async fn deliver(
    guichet: &guichet_core::Guichet,
    smtp_url: Option<&str>,
) -> guichet_core::mail::sender::DrainReport {
    deliver_at(guichet, smtp_url, None).await
}

/// [`deliver`] with the sender's clock stopped at `now`.
pub async fn deliver_at(
    guichet: &guichet_core::Guichet,
    smtp_url: Option<&str>,
    now: Option<chrono::DateTime<chrono::Utc>>,
) -> guichet_core::mail::sender::DrainReport {
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

/// Stores the portal's signing key in the keyring the test runs with.
pub fn store_signing_key(key: &str) {
    use guichet_core::keyring::Keyring;
    use guichet_core::secrets::{Secret, SecretName};
    Keyring::from_env()
        .expect("keyring")
        .set(SecretName::PortalSigningKey, &Secret::new(key))
        .expect("key stored");
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
