//! Where a database's mail goes: the destination its settings choose (an SMTP server, or
//! `.eml` files), and the transport that hands each message over to it.

use super::files::FileSender;
use super::send_error::SendError;
use super::transport::SmtpSender;
use crate::error::Result;
use crate::mail::smtp_url::SmtpConfig;

/// Where a database's mail goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// `.eml` files in this folder.
    Files(std::path::PathBuf),
    Smtp(SmtpConfig),
}

impl Destination {
    /// The configured SMTP server, or files when none is. A demonstration database holds real
    /// lycées' functional addresses: its mail goes to a server on the loopback (a test sink)
    /// or to files, never to a relay that would deliver it to a real establishment.
    pub fn of(
        smtp_url: Option<&str>,
        outbox_dir: std::path::PathBuf,
        demo: bool,
    ) -> Result<Destination> {
        let Some(url) = smtp_url else {
            return Ok(Destination::Files(outbox_dir));
        };
        let config = SmtpConfig::parse(url)?;
        if demo && !config.is_loopback() {
            tracing::warn!(
                "demonstration database: mail goes to {} rather than {}",
                outbox_dir.display(),
                config.host
            );
            return Ok(Destination::Files(outbox_dir));
        }
        Ok(Destination::Smtp(config))
    }

    /// Where the mail goes, completing « Les courriels sont … ».
    pub fn describe(&self) -> String {
        match self {
            Destination::Files(dir) => format!("écrits dans {}", dir.display()),
            Destination::Smtp(config) => {
                format!("remis au serveur {}:{}", config.host, config.port)
            }
        }
    }
}

/// Where the mail goes: an SMTP server, or `.eml` files.
#[derive(Debug)]
pub(crate) enum Transport {
    Smtp(SmtpSender),
    Files(FileSender),
}

impl Transport {
    pub(crate) async fn reachable(&self) -> std::result::Result<(), SendError> {
        match self {
            Transport::Smtp(smtp) => smtp.reachable().await,
            Transport::Files(_) => Ok(()),
        }
    }

    pub(crate) fn concurrency(&self) -> usize {
        match self {
            Transport::Smtp(smtp) => smtp.concurrency(),
            // One writer: each file is flushed to the disk before the next.
            Transport::Files(_) => 1,
        }
    }

    /// Hands the message over (`envelope_id`: what a delivery report carries back); the
    /// server's reply, or where the file was written.
    pub(crate) async fn deliver(
        &self,
        outbox_id: i32,
        (envelope_from, recipient): (&str, &str),
        envelope_id: Option<&str>,
        bytes: Vec<u8>,
    ) -> std::result::Result<String, SendError> {
        match self {
            Transport::Smtp(smtp) => smtp
                .send_tracked(envelope_from, recipient, envelope_id, &bytes)
                .await
                .map(|accepted| accepted.reply),
            Transport::Files(files) => {
                let files = files.clone();
                // The same name for the same message: a repeat after a crash replaces the file.
                tokio::task::spawn_blocking(move || {
                    files.send(&format!("message-{outbox_id}"), &bytes)
                })
                .await
                .map_err(|error| SendError::Temporary {
                    reason: error.to_string(),
                })?
                .map(|path| format!("Écrit dans {}", path.display()))
                .map_err(|error| SendError::Unreachable {
                    reason: error.message(),
                })
            }
        }
    }

    pub(crate) async fn close(&self) {
        if let Transport::Smtp(smtp) = self {
            smtp.close().await;
        }
    }
}
