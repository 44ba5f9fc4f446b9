//! Delivering the outbox. A message is claimed ('sending', committed) before it is sent and
//! settled after: a crash or a dead server loses nothing, and a message interrupted mid-delivery
//! is never sent a second time. The e-mail is composed only now, from the ledger's selector and
//! the verifier derived from the signing key, so the link is never stored in clear.

use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use lettre::message::Mailbox;
use serde::Serialize;

use super::message::{formatted, reset_email};
use super::transport::{FileSender, Outgoing, SendError, SmtpConfig, SmtpSender};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::links::token::{SigningKey, derive_verifier};
use crate::secrets::{Keyring, SecretName};
use crate::store::{ClaimedMail, MailOutcome, Store};

/// How many messages one round claims.
const BATCH: i64 = 64;
/// Temporary failures are retried this many times (with growing pauses) before giving up.
pub const MAX_ATTEMPTS: i32 = 10;
/// A message still 'sending' this long after it was claimed belongs to a sender that died.
const INTERRUPTED_AFTER: Duration = Duration::minutes(5);

/// Where messages go: an SMTP server, or `.eml` files when none is configured.
#[derive(Debug, Clone)]
pub enum Delivery {
    Smtp(SmtpSender),
    Files(FileSender),
}

impl Delivery {
    /// From the settings, with the SMTP password (if the URL names a user) from the keyring.
    /// A demonstration database (`demo`) hands mail only to an SMTP server on the loopback.
    pub async fn for_database(settings: &Settings, demo: bool) -> Result<Delivery> {
        let config = match Destination::of(settings, demo)? {
            Destination::Files(dir) => return Ok(Delivery::Files(FileSender::new(dir))),
            Destination::Smtp(config) => config,
        };
        let password = if config.user.is_some() {
            tokio::task::spawn_blocking(|| Keyring::from_env()?.get(SecretName::SmtpPassword))
                .await
                .map_err(|error| Error::Internal(format!("keyring task: {error}")))??
        } else {
            None
        };
        Ok(Delivery::Smtp(SmtpSender::new(config, password.as_ref())?))
    }
}

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
    pub fn of(settings: &Settings, demo: bool) -> Result<Destination> {
        let files = || Destination::Files(settings.outbox_dir());
        let Some(url) = &settings.smtp_url else {
            return Ok(files());
        };
        let config = SmtpConfig::parse(url)?;
        if demo && !config.is_loopback() {
            tracing::warn!(
                "demonstration database: mail goes to {} rather than {}",
                settings.outbox_dir().display(),
                config.host
            );
            return Ok(files());
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

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DrainReport {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    pub interrupted: u64,
}

/// The portal's signing key, from the keyring.
pub async fn signing_key() -> Result<SigningKey> {
    let secret =
        tokio::task::spawn_blocking(|| Keyring::from_env()?.get(SecretName::PortalSigningKey))
            .await
            .map_err(|error| Error::Internal(format!("keyring task: {error}")))??;
    let secret = secret.ok_or(Error::MissingSigningKey)?;
    SigningKey::new(secret.expose()).map_err(|_| Error::MissingSigningKey)
}

/// The pause before the next attempt: 15 s, doubling, at most 15 minutes.
fn backoff(attempts: i32) -> Duration {
    let doublings = (attempts - 1).clamp(0, 6);
    Duration::seconds((15_i64 << doublings).min(15 * 60))
}

/// Claims the due messages and delivers them once. Returns what happened to each.
pub async fn drain_once(
    store: &Store,
    delivery: &Delivery,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<DrainReport> {
    let mut report = DrainReport {
        interrupted: store
            .abandon_interrupted_mail(now - INTERRUPTED_AFTER)
            .await?,
        ..DrainReport::default()
    };
    let claimed = store.claim_mail(now, BATCH).await?;
    if claimed.is_empty() {
        return Ok(report);
    }
    let key = match signing_key().await {
        Ok(key) => Some(key),
        Err(error) => {
            tracing::warn!("outbox waits for the signing key: {error}");
            None
        }
    };
    let envelope_from = Mailbox::from_str(&settings.mail_from)
        .map(|mailbox| mailbox.email.to_string())
        .unwrap_or_default();
    let mut outgoing = Vec::new();
    let mut settled = Vec::new();
    for mail in &claimed {
        match compose(mail, key.as_ref(), settings, now) {
            Ok(bytes) => outgoing.push((
                mail,
                Outgoing {
                    envelope_from: envelope_from.clone(),
                    recipient: mail.recipient.clone(),
                    bytes,
                },
            )),
            Err(outcome) => settled.push((mail.id, outcome)),
        }
    }
    let results: Vec<std::result::Result<String, SendError>> = match delivery {
        Delivery::Smtp(sender) => sender
            .send_many(
                outgoing
                    .iter()
                    .map(|(_, message)| message.clone())
                    .collect(),
            )
            .await
            .into_iter()
            .map(|result| result.map(|accepted| accepted.reply))
            .collect(),
        Delivery::Files(files) => outgoing
            .iter()
            .map(|(mail, message)| {
                files
                    .send(&format!("message-{}", mail.id), &message.bytes)
                    .map(|path| format!("Écrit dans {}", path.display()))
                    .map_err(|error| SendError::Temporary {
                        reason: error.message(),
                    })
            })
            .collect(),
    };
    for ((mail, _), result) in outgoing.iter().zip(results) {
        settled.push((mail.id, settle(mail, result, now)));
    }
    for (_, outcome) in &settled {
        match outcome {
            MailOutcome::Sent { .. } => report.sent += 1,
            MailOutcome::Retry { .. } => report.retried += 1,
            MailOutcome::Failed { .. } => report.failed += 1,
        }
    }
    store.finish_mail(settled, Utc::now()).await?;
    Ok(report)
}

/// The message's bytes, or why it cannot be sent now (retry) or ever (failed).
fn compose(
    mail: &ClaimedMail,
    key: Option<&SigningKey>,
    settings: &Settings,
    now: DateTime<Utc>,
) -> std::result::Result<Vec<u8>, MailOutcome> {
    let (Some(selector), Some(expires_at)) = (&mail.selector, mail.expires_at) else {
        return Err(MailOutcome::Failed {
            reason: "Message sans lien\u{a0}: rien à envoyer.".into(),
        });
    };
    if expires_at <= now {
        return Err(MailOutcome::Failed {
            reason: "Le lien a expiré avant que le message parte\u{a0}; envoyez-en un nouveau."
                .into(),
        });
    }
    let Some(key) = key else {
        return Err(retry_or_fail(mail, Error::MissingSigningKey.message(), now));
    };
    let verifier = derive_verifier(key, selector);
    let link = format!(
        "{}/reset-password/reset/{selector}{}",
        settings.portal_url,
        verifier.expose()
    );
    let message = reset_email(&settings.mail_from, &mail.recipient, &link).map_err(|error| {
        MailOutcome::Failed {
            reason: error.message(),
        }
    })?;
    Ok(formatted(&message))
}

fn settle(
    mail: &ClaimedMail,
    result: std::result::Result<String, SendError>,
    now: DateTime<Utc>,
) -> MailOutcome {
    match result {
        Ok(reply) => MailOutcome::Sent { reply },
        Err(error) if error.is_temporary() || matches!(error, SendError::Authentication { .. }) => {
            retry_or_fail(mail, error.message(), now)
        }
        Err(error) => MailOutcome::Failed {
            reason: error.message(),
        },
    }
}

fn retry_or_fail(mail: &ClaimedMail, reason: String, now: DateTime<Utc>) -> MailOutcome {
    let at = now + backoff(mail.attempts);
    let too_late = mail.expires_at.is_some_and(|expires| at >= expires);
    if mail.attempts >= MAX_ATTEMPTS || too_late {
        MailOutcome::Failed {
            reason: format!("{reason} (abandonné après {} essais)", mail.attempts),
        }
    } else {
        MailOutcome::Retry { reason, at }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_fifteen_minutes() {
        assert_eq!(backoff(1), Duration::seconds(15));
        assert_eq!(backoff(2), Duration::seconds(30));
        assert_eq!(backoff(5), Duration::seconds(240));
        assert_eq!(backoff(9), Duration::minutes(15));
    }

    fn claimed(attempts: i32, expires_in: Duration) -> ClaimedMail {
        let now = Utc::now();
        ClaimedMail {
            id: 1,
            recipient: "ce.0750654d@ac-paris.fr".into(),
            selector: Some("VmuBQ7epOgsaacQ5tand".into()),
            expires_at: Some(now + expires_in),
            attempts,
        }
    }

    #[test]
    fn a_temporary_failure_is_retried_until_the_link_would_expire() {
        let now = Utc::now();
        let temporary = SendError::Temporary {
            reason: "451".into(),
        };
        assert!(matches!(
            settle(
                &claimed(1, Duration::minutes(50)),
                Err(temporary.clone()),
                now
            ),
            MailOutcome::Retry { .. }
        ));
        assert!(matches!(
            settle(
                &claimed(1, Duration::seconds(10)),
                Err(temporary.clone()),
                now
            ),
            MailOutcome::Failed { .. }
        ));
        assert!(matches!(
            settle(
                &claimed(MAX_ATTEMPTS, Duration::minutes(50)),
                Err(temporary),
                now
            ),
            MailOutcome::Failed { .. }
        ));
    }

    #[test]
    fn a_permanent_failure_is_final_with_the_servers_reply() {
        let outcome = settle(
            &claimed(1, Duration::minutes(50)),
            Err(SendError::Permanent {
                reply: "550 No such user".into(),
            }),
            Utc::now(),
        );
        assert!(
            matches!(outcome, MailOutcome::Failed { reason } if reason.contains("550 No such user"))
        );
    }

    #[test]
    fn an_expired_link_is_not_sent() {
        let settings = Settings::with_defaults(None, std::env::temp_dir());
        let key = SigningKey::new("secret").expect("key");
        let outcome = compose(
            &claimed(1, Duration::seconds(-1)),
            Some(&key),
            &settings,
            Utc::now(),
        );
        assert!(
            matches!(outcome, Err(MailOutcome::Failed { reason }) if reason.contains("expiré"))
        );
    }
}
