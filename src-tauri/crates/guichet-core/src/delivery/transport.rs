//! Delivering already-formatted messages over SMTP, on kept-open connections used in parallel
//! (`exchange` is one message's commands; `files` writes messages as `.eml` files instead when no
//! SMTP server is configured; `tls` holds the implicit TLS stream; `send_error` reads what a
//! failure means).
//!
//! Why not lettre's own connections: they leave Nagle's algorithm on, so the message and its final
//! `.` go out as two small writes and the second waits for the server's delayed ACK, about 40 ms a
//! message. Here the socket is opened with `TCP_NODELAY` and handed to lettre's
//! `AsyncSmtpConnection`, which still speaks the protocol. Its URL is read in [`crate::mail::smtp_url`].

use std::fmt;
use std::io;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use lettre::Address;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters};
use lettre::transport::smtp::commands::{Ehlo, Rset};
use lettre::transport::smtp::extension::ClientId;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio_rustls::TlsConnector;

use super::exchange::{offers_dsn, reply_text, transfer};
use super::tls::{ImplicitTls, tls_connector};
use crate::mail::smtp_url::{Security, SmtpConfig, SmtpConfigError};
use crate::secrets::Secret;

pub use super::files::FileSender;
pub use super::send_error::{SendError, Stage, classify};

/// One message to deliver; `bytes` hold the reset link, so `Debug` shows only their length.
#[derive(Clone)]
pub struct Outgoing {
    pub envelope_from: String,
    pub recipient: String,
    pub bytes: Vec<u8>,
}

impl fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Outgoing")
            .field("envelope_from", &self.envelope_from)
            .field("recipient", &self.recipient)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// The server took the message; `reply` is its answer to the end of the data (`250 …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub reply: String,
}

/// Sends over up to `concurrency` SMTP connections kept open between messages. Clones share the
/// connections.
#[derive(Clone)]
pub struct SmtpSender {
    inner: Arc<Inner>,
}

struct Inner {
    config: SmtpConfig,
    login: Option<(String, Secret)>,
    hello: ClientId,
    tls: Encryption,
    idle: Mutex<Vec<Connection>>,
    permits: Semaphore,
}

/// An open connection, and whether its server offers DSN (lettre keeps no such extension).
struct Connection {
    smtp: AsyncSmtpConnection,
    dsn: bool,
}

enum Encryption {
    None,
    StartTls(TlsParameters),
    Implicit(TlsConnector, ServerName<'static>),
}

impl fmt::Debug for SmtpSender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSender")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl SmtpSender {
    /// `password` is the keyring's `smtp-password`, required when the URL names a user. Nothing
    /// connects yet.
    pub fn new(
        config: SmtpConfig,
        password: Option<&Secret>,
    ) -> Result<SmtpSender, SmtpConfigError> {
        let login = match (&config.user, password) {
            (Some(user), Some(password)) => Some((user.clone(), password.clone())),
            (Some(user), None) => {
                return Err(SmtpConfigError::MissingPassword { user: user.clone() });
            }
            (None, Some(_)) => return Err(SmtpConfigError::MissingUser),
            (None, None) => None,
        };
        let tls = match config.security {
            Security::Plain => Encryption::None,
            Security::StartTls => Encryption::StartTls(
                TlsParameters::new(config.host.clone())
                    .map_err(|error| SmtpConfigError::Tls(error.to_string()))?,
            ),
            Security::ImplicitTls => Encryption::Implicit(
                tls_connector()?,
                ServerName::try_from(config.host.clone())
                    .map_err(|error| SmtpConfigError::Tls(error.to_string()))?,
            ),
        };
        Ok(SmtpSender {
            inner: Arc::new(Inner {
                permits: Semaphore::new(config.concurrency.max(1)),
                idle: Mutex::new(Vec::new()),
                hello: ClientId::default(),
                login,
                tls,
                config,
            }),
        })
    }

    pub fn config(&self) -> &SmtpConfig {
        &self.inner.config
    }

    /// Delivers `bytes` (RFC 5322, as `formatted()` gives them) to one recipient.
    pub async fn send(
        &self,
        envelope_from: &str,
        recipient: &str,
        bytes: &[u8],
    ) -> Result<Accepted, SendError> {
        self.send_tracked(envelope_from, recipient, None, bytes)
            .await
    }

    /// [`SmtpSender::send`], asking a server that offers DSN to report a failure or a delay
    /// with `envelope_id` (the message's id, which the bounce mailbox matches).
    pub async fn send_tracked(
        &self,
        envelope_from: &str,
        recipient: &str,
        envelope_id: Option<&str>,
        bytes: &[u8],
    ) -> Result<Accepted, SendError> {
        let from = parse_address(envelope_from)?;
        let to = parse_address(recipient)?;
        let _permit = self.inner.permits.acquire().await;
        loop {
            let (mut connection, reused) = match self.take_idle() {
                Some(connection) => (connection, true),
                None => (self.connect().await?, false),
            };
            let dsn = connection.dsn.then_some(envelope_id.unwrap_or_default());
            let exchange = transfer(&mut connection.smtp, (&from, &to), dsn, bytes);
            match tokio::time::timeout(self.inner.config.timeout, exchange).await {
                Ok(Ok(response)) => {
                    self.put_back(connection);
                    return Ok(Accepted {
                        reply: reply_text(&response),
                    });
                }
                // A kept-open connection the server has closed since (silently, or with 421
                // after its idle timeout) fails at MAIL, before any of the message went out:
                // another connection is safe.
                Ok(Err((Stage::Mail, error)))
                    if reused && error.status().is_none_or(|code| code.to_string() == "421") =>
                {
                    continue;
                }
                Ok(Err((stage, error))) => {
                    if error.status().is_some() {
                        self.reset_and_keep(connection).await;
                    }
                    return Err(classify(stage, &error));
                }
                Err(_) => {
                    return Err(SendError::Temporary {
                        reason: format!("no answer within {:?}", self.inner.config.timeout),
                    });
                }
            }
        }
    }

    /// Delivers every message over the sender's connections; the results keep the input order.
    pub async fn send_many(&self, messages: Vec<Outgoing>) -> Vec<Result<Accepted, SendError>> {
        let count = messages.len();
        let mut tasks = tokio::task::JoinSet::new();
        for (index, message) in messages.into_iter().enumerate() {
            let sender = self.clone();
            tasks.spawn(async move {
                let result = sender
                    .send(&message.envelope_from, &message.recipient, &message.bytes)
                    .await;
                (index, result)
            });
        }
        let mut results: Vec<Option<Result<Accepted, SendError>>> = vec![None; count];
        while let Some(joined) = tasks.join_next().await {
            let (index, result) = joined.unwrap_or_else(|error| {
                std::panic::resume_unwind(error.into_panic());
            });
            results[index] = Some(result);
        }
        results.into_iter().flatten().collect()
    }

    /// Makes sure a connection is open (opening one if none is kept), so that the sender learns
    /// the server is down before it claims a message.
    pub async fn reachable(&self) -> Result<(), SendError> {
        if self.lock_idle().is_empty() {
            let connection = self.connect().await?;
            self.put_back(connection);
        }
        Ok(())
    }

    /// How many messages go at once.
    pub fn concurrency(&self) -> usize {
        self.inner.config.concurrency.max(1)
    }

    /// Connects, says EHLO, negotiates TLS and authenticates as configured, then says QUIT: the
    /// settings screen's "tester la connexion".
    pub async fn test_connection(&self) -> Result<(), SendError> {
        let mut connection = self.connect().await?;
        let _ = tokio::time::timeout(self.inner.config.timeout, connection.smtp.quit()).await;
        Ok(())
    }

    /// Says QUIT on the connections kept open; the sender reconnects if used again.
    pub async fn close(&self) {
        let idle = std::mem::take(&mut *self.lock_idle());
        for mut connection in idle {
            let _ = tokio::time::timeout(Duration::from_secs(1), connection.smtp.quit()).await;
        }
    }

    async fn connect(&self) -> Result<Connection, SendError> {
        let config = &self.inner.config;
        tokio::time::timeout(config.timeout, self.open())
            .await
            .unwrap_or_else(|_| {
                Err(SendError::Unreachable {
                    reason: format!(
                        "no answer from {}:{} within {:?}",
                        config.host, config.port, config.timeout
                    ),
                })
            })
    }

    async fn open(&self) -> Result<Connection, SendError> {
        let Inner {
            config,
            hello,
            tls,
            login,
            ..
        } = &*self.inner;
        let unreachable = |error: io::Error| SendError::Unreachable {
            reason: format!("cannot connect to {}:{}: {error}", config.host, config.port),
        };
        let tcp = TcpStream::connect((config.host.as_str(), config.port))
            .await
            .map_err(unreachable)?;
        // Without it, the final "." waits behind the message for the server's delayed ACK.
        tcp.set_nodelay(true).map_err(unreachable)?;
        let stream: Box<dyn AsyncTokioStream> = match tls {
            Encryption::Implicit(connector, name) => Box::new(ImplicitTls(
                connector
                    .connect(name.clone(), tcp)
                    .await
                    .map_err(|error| SendError::Unreachable {
                        reason: format!("TLS with {}:{} failed: {error}", config.host, config.port),
                    })?,
            )),
            Encryption::None | Encryption::StartTls(_) => Box::new(tcp),
        };
        let mut connection = AsyncSmtpConnection::connect_with_transport(stream, hello)
            .await
            .map_err(|error| classify(Stage::Connect, &error))?;
        if let Encryption::StartTls(parameters) = tls {
            connection
                .starttls(parameters.clone(), hello)
                .await
                .map_err(|error| classify(Stage::Connect, &error))?;
        }
        // lettre reads only the extensions it uses: EHLO again (before AUTH, which a second
        // EHLO may undo) to learn whether the server offers DSN.
        let ehlo = connection
            .command(Ehlo::new(hello.clone()))
            .await
            .map_err(|error| classify(Stage::Connect, &error))?;
        let dsn = offers_dsn(&ehlo);
        if let Some((user, password)) = login {
            let credentials = Credentials::new(user.clone(), password.expose().to_owned());
            connection
                .auth(DEFAULT_MECHANISMS, &credentials)
                .await
                .map_err(|error| classify(Stage::Auth, &error))?;
        }
        Ok(Connection {
            smtp: connection,
            dsn,
        })
    }

    fn lock_idle(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        self.inner
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn take_idle(&self) -> Option<Connection> {
        self.lock_idle().pop()
    }

    fn put_back(&self, connection: Connection) {
        if !connection.smtp.has_broken() {
            self.lock_idle().push(connection);
        }
    }

    /// After a refused command the connection still works once the transaction is reset.
    async fn reset_and_keep(&self, mut connection: Connection) {
        let reset =
            tokio::time::timeout(Duration::from_secs(5), connection.smtp.command(Rset)).await;
        if matches!(reset, Ok(Ok(_))) {
            self.put_back(connection);
        }
    }
}

fn parse_address(text: &str) -> Result<Address, SendError> {
    text.trim().parse().map_err(|_| SendError::InvalidAddress {
        address: text.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outgoing_debug_hides_the_bytes() {
        let outgoing = Outgoing {
            envelope_from: "a@b.fr".into(),
            recipient: "c@d.fr".into(),
            bytes: b"https://portal/reset-password/reset/TOKEN".to_vec(),
        };
        let debug = format!("{outgoing:?}");
        assert!(!debug.contains("TOKEN"), "{debug}");
        assert!(debug.contains("c@d.fr"));
    }

    #[test]
    fn a_password_makes_a_user_necessary_and_the_reverse() {
        let mut config = SmtpConfig::parse("smtp://127.0.0.1:2525").expect("parses");
        let password = Secret::new("pw");
        assert_eq!(
            SmtpSender::new(config.clone(), Some(&password)).map(|_| ()),
            Err(SmtpConfigError::MissingUser)
        );
        config.user = Some("agent".into());
        assert_eq!(
            SmtpSender::new(config, None).map(|_| ()),
            Err(SmtpConfigError::MissingPassword {
                user: "agent".into()
            })
        );
    }
}
