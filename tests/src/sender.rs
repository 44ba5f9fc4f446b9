//! The one sender as its own process, `guichet-admin sender`, for the tests that kill it: its
//! secrets as systemd gives them (a credentials folder), in an empty keyring of its own; the
//! links it is to mail asked for through the core; what the SMTP server received, counted by
//! `Message-ID`. Used by `guichet-admin`'s `tests/sender.rs` and by `tests/faults.rs`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::cluster::SENDER_PASSWORD;

/// The portal's signing key the senders of the tests hold.
pub const KEY: &str = "Kernel-Secret-Du-Portail-7c41e9";

/// A keyring of its own, and a user namespace of its own, so that the kernel's persistent
/// keyring (which keyutils links to every session of a user) is empty too. Each program execs
/// the next: the pid of the command is the sender's own, and SIGKILL reaches it.
pub const OWN_KEYRING: [&str; 6] = [
    "unshare",
    "--user",
    "--map-root-user",
    "keyctl",
    "session",
    "-",
];

/// `guichet-admin` as Cargo built it beside the test binaries (`cargo build -p guichet-admin`;
/// `cargo test --workspace` builds it too), or `GUICHET_ADMIN`.
pub fn admin_binary() -> PathBuf {
    if let Some(binary) = std::env::var_os("GUICHET_ADMIN") {
        return binary.into();
    }
    let exe = std::env::current_exe().expect("test binary path");
    let profile = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps");
    let binary = profile.join("guichet-admin");
    assert!(
        binary.exists(),
        "{} is missing: run `cargo build -p guichet-admin` first (or set GUICHET_ADMIN)",
        binary.display()
    );
    binary
}

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
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("the sender starts")
}

/// `binary ARGS` in a kernel keyring of its own, as the service runs: its database, its
/// credentials folder and its SMTP server, nothing of the test's own environment.
fn sender_command(
    binary: &Path,
    args: &[&str],
    database_url: &str,
    dir: &Path,
    smtp: &str,
) -> Command {
    let mut command = Command::new(OWN_KEYRING[0]);
    command
        .args(&OWN_KEYRING[1..])
        .arg(binary)
        .args(args)
        .env_remove("GUICHET_AGENT_PASSWORD")
        .env_remove("PGPASSWORD")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("GUICHET_KEYRING", "keyutils")
        .env("GUICHET_DATABASE_URL", database_url)
        .env("CREDENTIALS_DIRECTORY", dir)
        .env("GUICHET_SMTP_URL", smtp);
    command
}

/// `binary sender --once --json` as [`spawn_sender`] runs the service: sends what is due, then
/// its report.
pub fn sender_once(binary: &Path, database_url: &str, dir: &Path, smtp: &str) -> serde_json::Value {
    let output = sender_command(
        binary,
        &["sender", "--once", "--json"],
        database_url,
        dir,
        smtp,
    )
    .stdin(Stdio::null())
    .output()
    .expect("the sender runs");
    assert!(
        output.status.success(),
        "sender --once: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("its JSON report")
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
