//! What a pass needs before it claims anything (the settings, the signing key, the sender's
//! address, the transport kept open), or why the links cannot leave; and minting a link and its
//! message, which only the sender, holding the key, does.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::sealed::Seal;
use super::{Sender, sending_settings};
use crate::delivery::destination::{Destination, Transport};
use crate::delivery::transport::FileSender;
use crate::delivery::transport::SmtpSender;
use crate::error::{Error, Result};
use crate::keyring::read_secret;
use crate::links::token::{self, SigningKey};
use crate::mail::message::{formatted, message_id, reset_email};
use crate::mail::sending::SendingSettings;
use crate::portal_time::from_portal;
use crate::secrets::SecretName;
use crate::store::{Minted, Minter, ToMint};

impl Sender {
    /// The settings, the key and the transport of this pass, or why the links cannot leave.
    pub(super) async fn prepare(&self) -> std::result::Result<Ready, String> {
        let settings = sending_settings(&self.store, &self.local)
            .await
            .map_err(|error| error.message())?;
        let key = read_secret(SecretName::PortalSigningKey)
            .await
            .map_err(|error| error.message())?
            .ok_or_else(|| Error::MissingSigningKey.message())
            .and_then(|secret| {
                SigningKey::new(secret.expose()).map_err(|_| Error::MissingSigningKey.message())
            })?;
        // Bounces go back to the envelope's sender.
        let envelope_from = settings.bounce_address().map_err(|error| error.message())?;
        let transport = self
            .transport(&settings)
            .await
            .map_err(|error| error.message())?;
        Ok(Ready {
            seal: Seal::new(&key),
            key,
            settings,
            envelope_from,
            transport,
        })
    }

    /// The transport for the configured server, kept (with its open connections) while the
    /// setting stays the same.
    async fn transport(&self, settings: &SendingSettings) -> Result<Arc<Transport>> {
        let mut kept = self.transport.lock().await;
        if let Some((url, transport)) = kept.as_ref()
            && *url == settings.smtp_url
        {
            return Ok(transport.clone());
        }
        let destination = Destination::of(
            settings.smtp_url.as_deref(),
            self.local.outbox_dir(),
            self.demo,
        )?;
        let transport = Arc::new(match destination {
            Destination::Files(dir) => Transport::Files(FileSender::new(dir)),
            Destination::Smtp(config) => {
                let password = if config.user.is_some() {
                    read_secret(SecretName::SmtpPassword).await?
                } else {
                    None
                };
                Transport::Smtp(SmtpSender::new(config, password.as_ref())?)
            }
        });
        if let Some((_, old)) = kept.replace((settings.smtp_url.clone(), transport.clone())) {
            old.close().await;
        }
        Ok(transport)
    }
}

/// What a pass needs: the key, the settings and where the mail goes.
pub(super) struct Ready {
    key: SigningKey,
    seal: Seal,
    settings: SendingSettings,
    envelope_from: String,
    pub(super) transport: Arc<Transport>,
}

impl Ready {
    /// The return path of message `outbox_id`: the bounce address, with the message's id when
    /// VERP is on, so that a bounce finds its message even from a server that ignores DSN.
    pub(super) fn return_path(&self, outbox_id: i32) -> String {
        if self.settings.bounce_verp {
            crate::mail::bounce::return_path(&self.envelope_from, outbox_id)
        } else {
            self.envelope_from.clone()
        }
    }
}

impl Minter for Ready {
    fn open(&self, outbox_id: i32, sealed: &[u8]) -> Option<Vec<u8>> {
        self.seal.open(outbox_id, sealed)
    }

    fn mint(&self, job: &ToMint, now: DateTime<Utc>) -> std::result::Result<Minted, String> {
        let tz = self.settings.portal_timezone;
        let lifetime = self.settings.link_lifetime_seconds;
        let issued = token::issue(
            job.account_id,
            now,
            Duration::seconds(i64::from(lifetime)),
            tz,
            &self.key,
            &mut rand::rng(),
        );
        let link = issued.link(&self.settings.portal_url);
        let message = reset_email(
            &self.settings.mail_from,
            &job.recipient,
            link.expose(),
            lifetime,
        )
        .map_err(|error| error.message())?;
        let bytes = formatted(&message);
        Ok(Minted {
            token_sha256: token::token_digest(&issued.selector, &issued.verifier),
            message_id: message_id(&message).unwrap_or_default(),
            sealed: self.seal.seal(job.outbox_id, &bytes),
            bytes,
            expires_at: from_portal(tz, issued.expires_at),
            requested_local: issued.requested_at,
            expires_local: issued.expires_at,
            hashed_token: issued.hashed_token,
            selector: issued.selector,
        })
    }
}
