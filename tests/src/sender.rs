//! The one sender as its own process, `guichet-admin sender`, for the tests that kill it: its
//! secrets as systemd gives them (a credentials folder), in an empty keyring of its own; the
//! links it is to mail asked for through the core; what the SMTP server received, counted by
//! `Message-ID`. Used by `guichet-admin`'s `tests/sender.rs` and by `tests/faults.rs`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use crate::cli::Admin;
use crate::cluster::SENDER_PASSWORD;
use crate::keyring::OWN_KEYRING;

/// The portal's signing key the senders of the tests hold.
pub const KEY: &str = "Kernel-Secret-Du-Portail-7c41e9";

/// The service's credentials, as systemd gives them (`LoadCredentialEncrypted=`): a folder
/// with one file per secret (the shared desk's database password unused on SQLite).
pub fn credentials() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("credentials folder");
    std::fs::write(dir.path().join("portal-signing-key"), format!("{KEY}\n")).expect("key");
    std::fs::write(dir.path().join("database-password"), SENDER_PASSWORD).expect("password");
    dir
}

/// A running `binary sender` on `database_url` with the credentials of `dir`, in an empty
/// keyring, mailing `smtp`; its warnings appended to [`sender_log`] of `dir`.
pub fn spawn_sender(binary: &Path, database_url: &str, dir: &Path, smtp: &str) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(sender_log(dir))
        .expect("the sender's log");
    sender_command(binary, &["sender"], database_url, dir, smtp)
        .text()
        .env("RUST_LOG", "warn")
        .command()
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("the sender starts")
}

/// `binary ARGS` on the kernel's keyring, with nothing of the test's own environment that would
/// give it an agent's or the database's password, an SMTP server or credentials: what it is to
/// have, the caller gives.
pub fn admin_on_keyutils(binary: &Path, args: &[&str]) -> Admin {
    Admin::new(binary, args)
        .env_remove("GUICHET_AGENT_PASSWORD")
        .env_remove("GUICHET_SMTP_URL")
        .env_remove("CREDENTIALS_DIRECTORY")
        .env_remove("PGPASSWORD")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("GUICHET_KEYRING", "keyutils")
}

/// `binary ARGS` in a kernel keyring of its own, as the service runs: its database, its
/// credentials folder and its SMTP server, nothing of the test's own environment.
pub fn sender_command(
    binary: &Path,
    args: &[&str],
    database_url: &str,
    dir: &Path,
    smtp: &str,
) -> Admin {
    admin_on_keyutils(binary, args)
        .under(&OWN_KEYRING)
        .database(database_url)
        .env("CREDENTIALS_DIRECTORY", dir)
        .env("GUICHET_SMTP_URL", smtp)
}

/// `binary sender --once --json` as [`spawn_sender`] runs the service: sends what is due, then
/// its report.
pub fn sender_once(binary: &Path, database_url: &str, dir: &Path, smtp: &str) -> serde_json::Value {
    let run = sender_command(binary, &["sender", "--once"], database_url, dir, smtp).run();
    assert_eq!(run.code, 0, "sender --once: {}", run.stderr);
    run.parsed().clone()
}

/// Stops a sender as systemd does (SIGTERM): it must exit cleanly.
pub fn stop_sender(mut sender: Child) {
    let _ = std::process::Command::new("kill")
        .arg("-TERM")
        .arg(sender.id().to_string())
        .status();
    let status = sender.wait().expect("stopped");
    assert!(
        status.success(),
        "the sender stops cleanly on SIGTERM: {status}"
    );
}

/// Where [`spawn_sender`] writes the senders' warnings: beside their credentials, which
/// nothing else reads.
pub fn sender_log(dir: &Path) -> PathBuf {
    dir.join("sender.log")
}

/// Asks, as `session` through the core, for a link to each of `emails`, from eight tasks at
/// once as a team of agents would.
pub async fn ask_for_links(
    guichet: &guichet_core::Guichet,
    session: &guichet_core::agents::Session,
    emails: &[String],
) {
    let mut tasks = Vec::new();
    for chunk in emails.chunks(emails.len().div_ceil(8).max(1)) {
        let (guichet, session, chunk) = (guichet.clone(), session.clone(), chunk.to_vec());
        tasks.push(tokio::spawn(async move {
            for email in chunk {
                guichet
                    .send_link(&session, &email, None)
                    .await
                    .unwrap_or_else(|error| panic!("a link asked for {email}: {error}"));
            }
        }));
    }
    for task in tasks {
        task.await.expect("task");
    }
}

/// What an SMTP server received, by `Message-ID` (without its angle brackets).
#[derive(Debug, Default)]
pub struct Received {
    /// How many copies of each message arrived.
    pub copies: HashMap<String, usize>,
    /// Copies beyond the first, over every message.
    pub repeats: usize,
}

impl Received {
    /// Counts `by_message_id` (as `Aiosmtpd::by_message_id` gives it), and checks that every
    /// repeat is the same message byte for byte.
    pub fn count(by_message_id: Vec<(String, Vec<u8>)>) -> Received {
        let mut first: HashMap<String, Vec<u8>> = HashMap::new();
        let mut received = Received::default();
        for (id, raw) in by_message_id {
            let id = id.trim_matches(['<', '>']).to_string();
            *received.copies.entry(id.clone()).or_default() += 1;
            match first.get(&id) {
                Some(bytes) => {
                    assert!(bytes == &raw, "{id} repeated differently");
                    received.repeats += 1;
                }
                None => {
                    first.insert(id, raw);
                }
            }
        }
        received
    }

    /// The messages that arrived more than once.
    pub fn repeated(&self) -> impl Iterator<Item = &String> {
        self.copies
            .iter()
            .filter(|(_, copies)| **copies > 1)
            .map(|(id, _)| id)
    }
}
