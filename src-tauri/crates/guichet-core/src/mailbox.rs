//! The bounce mailbox over IMAP with TLS (async-imap on tokio-rustls): the reports not yet
//! looked at, read a bounded batch at a time; those recorded moved to the done folder; those not
//! understood flagged and left where they are, so that the mailbox is never emptied of them.

use std::collections::BTreeSet;
use std::time::Duration;

use futures_util::TryStreamExt;
use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use crate::delivery::tls::connector_trusting;
use crate::secrets::Secret;

/// Log targets that write secrets at their trace level (the IMAP client logs every command it
/// sends, LOGIN's password included): every front end silences them, whatever `RUST_LOG` says.
pub const SECRET_LOG_TARGETS: [&str; 1] = ["async_imap"];

/// The keyword a report left in the mailbox carries, so that the next reading skips it.
pub const LEFT_KEYWORD: &str = "GuichetLaisse";
/// Reports read at once: memory stays bounded whatever the mailbox holds.
pub const BATCH: usize = 200;
/// A report larger than this is left unread: bounces are small, a huge one is something else.
pub const MAX_REPORT_BYTES: u32 = 5 * 1024 * 1024;
const TIMEOUT: Duration = Duration::from_secs(30);

/// Why the mailbox could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailboxError {
    /// No connection, no TLS, no greeting, a folder that does not exist, a lost connection.
    #[error("{0}")]
    Unreachable(String),
    /// The server refused the user or the password.
    #[error("login refused: {0}")]
    Login(String),
}

/// Where the mailbox is and who reads it.
#[derive(Debug, Clone)]
pub struct MailboxConfig {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub folder: String,
    pub done_folder: String,
    /// Authorities to trust besides the public ones (PEM).
    pub ca_file: Option<std::path::PathBuf>,
}

impl MailboxConfig {
    /// `host` or `host:port` (993 by default), as the setting holds it.
    pub fn new(address: &str, user: &str, folder: &str, done_folder: &str) -> MailboxConfig {
        let (host, port) = match address.rsplit_once(':') {
            Some((host, port)) => (host, port.parse().unwrap_or(993)),
            None => (address, 993),
        };
        MailboxConfig {
            host: host.to_owned(),
            port,
            user: user.to_owned(),
            folder: folder.to_owned(),
            done_folder: done_folder.to_owned(),
            ca_file: None,
        }
    }
}

/// One report as it lies in the mailbox: its UID and its bytes (`None`: too large to read).
#[derive(Debug)]
pub struct Stored {
    pub uid: u32,
    pub bytes: Option<Vec<u8>>,
}

/// A logged-in session on the reports' folder.
pub struct Mailbox {
    session: async_imap::Session<TlsStream<TcpStream>>,
    config: MailboxConfig,
    moves: bool,
}

impl std::fmt::Debug for Mailbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailbox")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

type Result<T> = std::result::Result<T, MailboxError>;

fn lost(error: impl std::fmt::Display) -> MailboxError {
    MailboxError::Unreachable(error.to_string())
}

async fn within<T>(what: &str, work: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    tokio::time::timeout(TIMEOUT, work)
        .await
        .unwrap_or_else(|_| {
            Err(MailboxError::Unreachable(format!(
                "no answer to {what} within {TIMEOUT:?}"
            )))
        })
}

impl Mailbox {
    /// Connects over TLS, logs in and selects the reports' folder (the done folder created if
    /// it is missing).
    pub async fn open(config: MailboxConfig, password: &Secret) -> Result<Mailbox> {
        within("the connection", async {
            let tcp = TcpStream::connect((config.host.as_str(), config.port))
                .await
                .map_err(|error| {
                    lost(format!(
                        "cannot connect to {}:{}: {error}",
                        config.host, config.port
                    ))
                })?;
            let name = ServerName::try_from(config.host.clone()).map_err(lost)?;
            let tls = connector(config.ca_file.as_deref())?
                .connect(name, tcp)
                .await
                .map_err(|error| {
                    lost(format!(
                        "TLS with {}:{} failed: {error}",
                        config.host, config.port
                    ))
                })?;
            let mut client = async_imap::Client::new(tls);
            client
                .read_response()
                .await
                .map_err(lost)?
                .ok_or_else(|| lost("no greeting"))?;
            let mut session = client
                .login(&config.user, password.expose())
                .await
                .map_err(|(error, _)| match error {
                    async_imap::error::Error::No(text) => MailboxError::Login(text),
                    other => lost(other),
                })?;
            let moves = session.capabilities().await.map_err(lost)?.has_str("MOVE");
            // Creating a folder that exists is refused with NO: that refusal is expected.
            let _ = session.create(&config.done_folder).await;
            session
                .select(&config.folder)
                .await
                .map_err(|error| lost(format!("folder {:?}: {error}", config.folder)))?;
            Ok(Mailbox {
                session,
                config,
                moves,
            })
        })
        .await
    }

    /// The UIDs of the reports not yet looked at, oldest first.
    pub async fn unread(&mut self) -> Result<Vec<u32>> {
        let query = format!("NOT KEYWORD {LEFT_KEYWORD}");
        let uids = within("SEARCH", async {
            self.session.uid_search(&query).await.map_err(lost)
        })
        .await?;
        Ok(uids
            .into_iter()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect())
    }

    /// How many reports were left in the mailbox, by this reading or earlier ones.
    pub async fn left_count(&mut self) -> Result<usize> {
        let query = format!("KEYWORD {LEFT_KEYWORD}");
        within("SEARCH", async {
            Ok(self.session.uid_search(&query).await.map_err(lost)?.len())
        })
        .await
    }

    /// The reports of `uids` (at most [`BATCH`]), each read whole unless it is too large.
    pub async fn read(&mut self, uids: &[u32]) -> Result<Vec<Stored>> {
        if uids.is_empty() {
            return Ok(Vec::new());
        }
        let set = uid_set(uids);
        let sizes: Vec<(u32, u32)> = within("FETCH", async {
            let fetches: Vec<_> =
                answers(self.session.uid_fetch(&set, "(UID RFC822.SIZE)").await).await?;
            Ok(fetches
                .iter()
                .filter_map(|fetch| Some((fetch.uid?, fetch.size.unwrap_or(0))))
                .collect())
        })
        .await?;
        let small: Vec<u32> = sizes
            .iter()
            .filter(|(_, size)| *size <= MAX_REPORT_BYTES)
            .map(|(uid, _)| *uid)
            .collect();
        let mut bodies = std::collections::HashMap::new();
        if !small.is_empty() {
            let set = uid_set(&small);
            within("FETCH", async {
                let fetches: Vec<_> =
                    answers(self.session.uid_fetch(&set, "(UID BODY.PEEK[])").await).await?;
                for fetch in &fetches {
                    if let (Some(uid), Some(body)) = (fetch.uid, fetch.body()) {
                        bodies.insert(uid, body.to_vec());
                    }
                }
                Ok(())
            })
            .await?;
        }
        Ok(sizes
            .into_iter()
            .map(|(uid, _)| Stored {
                uid,
                bytes: bodies.remove(&uid),
            })
            .collect())
    }

    /// Moves the reports recorded to the done folder (COPY, then delete, where MOVE is missing).
    pub async fn file_away(&mut self, uids: &[u32]) -> Result<()> {
        if uids.is_empty() {
            return Ok(());
        }
        let set = uid_set(uids);
        let done = self.config.done_folder.clone();
        within("MOVE", async {
            if self.moves {
                return self.session.uid_mv(&set, &done).await.map_err(lost);
            }
            self.session.uid_copy(&set, &done).await.map_err(lost)?;
            let _: Vec<_> = answers(
                self.session
                    .uid_store(&set, "+FLAGS.SILENT (\\Deleted)")
                    .await,
            )
            .await?;
            let _: Vec<_> = answers(self.session.uid_expunge(&set).await).await?;
            Ok(())
        })
        .await
    }

    /// Flags the reports not understood, which stay in the mailbox for a person to read.
    pub async fn leave(&mut self, uids: &[u32]) -> Result<()> {
        if uids.is_empty() {
            return Ok(());
        }
        let set = uid_set(uids);
        within("STORE", async {
            let _: Vec<_> = answers(
                self.session
                    .uid_store(&set, format!("+FLAGS.SILENT ({LEFT_KEYWORD})"))
                    .await,
            )
            .await?;
            Ok(())
        })
        .await
    }

    pub async fn close(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(5), self.session.logout()).await;
    }
}

/// Every item of a command's answer, or why the command failed.
async fn answers<T, S>(command: async_imap::error::Result<S>) -> Result<Vec<T>>
where
    S: futures_util::Stream<Item = async_imap::error::Result<T>>,
{
    command.map_err(lost)?.try_collect().await.map_err(lost)
}

fn uid_set(uids: &[u32]) -> String {
    uids.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The public roots, and the authorities of `ca_file` when there is one.
fn connector(ca_file: Option<&std::path::Path>) -> Result<TlsConnector> {
    let extra = match ca_file {
        Some(path) => CertificateDer::pem_file_iter(path)
            .and_then(|certificates| certificates.collect::<std::result::Result<Vec<_>, _>>())
            .map_err(|error| lost(format!("authorities {}: {error}", path.display())))?,
        None => Vec::new(),
    };
    connector_trusting(extra).map_err(lost)
}
