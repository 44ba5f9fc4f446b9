//! The third daily call: send a fresh link, show every link an address was sent and what became
//! of it, and tell a caller what is wrong with the link they read out.

use chrono::{DateTime, Utc};

use super::Guichet;
use crate::agents::{Permission, Session};
use crate::associations::parse_email;
use crate::error::{Error, Result};
use crate::keyring::read_secret;
use crate::links::ledger::*;
use crate::links::token::{self, SigningKey, StoredRequest, digest_matches, parse_link};
use crate::model::database::Mode;
use crate::portal_time::from_portal;
use crate::secrets::SecretName;
use crate::text::paris_time;

impl Guichet {
    /// Asks for a fresh link for an address: the ledger row and its message in the outbox, in
    /// one transaction with the journal entry. The sender mints the link right before the
    /// message leaves, and then the address's older links stop working. No key is needed here.
    pub async fn send_link(
        &self,
        session: &Session,
        email: &str,
        note: Option<&str>,
    ) -> Result<LinkSent> {
        self.send_link_at(session, email, note, Utc::now()).await
    }

    /// [`Guichet::send_link`] as if it were `now`: tests issue links in winter, in summer and in
    /// the hour that repeats when daylight saving ends.
    #[doc(hidden)]
    pub async fn send_link_at(
        &self,
        session: &Session,
        email: &str,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<LinkSent> {
        let session = self.require(session, Permission::SendLinks).await?;
        let email = parse_email(email)?;
        let requested = self
            .store()
            .request_link(email.as_str(), session.agent().id, now, note)
            .await?;
        self.wake_outbox();
        self.after_change().await;
        self.note_link_sent(&session, requested.account.id).await;
        let recent_link = RecentLink::of(requested.previous, now).map(|recent| recent.at);
        let mut message = format!(
            "Un lien d’initialisation est demandé pour «\u{a0}{}\u{a0}»\u{a0}; il part dans l’instant. \
             Les liens envoyés avant cessent de fonctionner dès qu’il est créé.",
            requested.account.email
        );
        if let Some(at) = recent_link {
            message.push_str(&format!(
                " Le lien envoyé à {} ne fonctionnera plus.",
                crate::text::paris_hour(at)
            ));
        }
        Ok(LinkSent {
            message,
            email: requested.account.email,
            link_id: requested.link_id,
            recent_link,
        })
    }

    /// Notes the establishments of an address just sent a link as changed: the call is about
    /// them. Best effort, like every note.
    async fn note_link_sent(&self, session: &Session, account_id: i32) {
        match self.store().addresses_with_uais(&[account_id]).await {
            Ok(mut addresses) => {
                let uais = addresses
                    .remove(&account_id)
                    .map(|(_, uais)| uais)
                    .unwrap_or_default();
                self.note_changed(session, &uais.iter().collect::<Vec<_>>())
                    .await;
            }
            Err(error) => tracing::warn!("recent establishments not noted after a link: {error}"),
        }
    }

    /// One link of the ledger, to follow its message: « en file », « envoyé », « échec ».
    pub async fn link_entry(&self, session: &Session, link_id: i32) -> Result<Option<LinkEntry>> {
        self.require(session, Permission::Read).await?;
        let Some(row) = self.store().ledger_row(link_id).await? else {
            return Ok(None);
        };
        let rows = self.store().ledger(row.account_id).await?;
        Ok(entries(&rows, Utc::now())
            .into_iter()
            .find(|entry| entry.id == link_id))
    }

    /// An address's state and the ledger of its links.
    pub async fn address_links(&self, session: &Session, email: &str) -> Result<AddressLinks> {
        self.require(session, Permission::Read).await?;
        let (account_id, email) = self
            .store()
            .account_by_email(email.trim())
            .await?
            .ok_or_else(|| Error::AddressNotFound(email.trim().into()))?;
        let rows = self.store().ledger(account_id).await?;
        let tz = self.portal_timezone().await?;
        let now = Utc::now();
        let status = self.store().account_status(account_id, tz, now).await?;
        let newest_sent = rows.iter().filter_map(|row| row.minted_at).max();
        Ok(AddressLinks {
            email,
            account_id,
            status,
            recent_link: RecentLink::of(newest_sent, now),
            links: entries(&rows, now),
        })
    }

    /// What a pasted link (or token) is: valid until, expired at, replaced by, used, unknown,
    /// altered or malformed.
    pub async fn check_link(&self, session: &Session, input: &str) -> Result<LinkCheck> {
        self.require(session, Permission::Read).await?;
        self.check(input).await
    }

    /// The check itself. A link the
    /// Guichet sent is told intact or altered by the SHA-256 the ledger keeps of its token,
    /// without the signing key; a request the portal issued itself is checked with the key only
    /// where this process's sender holds it (standalone mode), else the verdict says that the
    /// portal alone can tell.
    async fn check(&self, input: &str) -> Result<LinkCheck> {
        let parsed = match parse_link(input) {
            Ok(parsed) => parsed,
            Err(error) => {
                return Ok(LinkCheck::new(
                    LinkVerdict::Malformed,
                    format!("Ce n’est pas un lien complet\u{a0}: {}.", error.message()),
                ));
            }
        };
        if let Some(site) = &parsed.site {
            let portal = self.sending_settings().await?.portal_url;
            if !same_site(site, &portal) {
                return Ok(LinkCheck::new(
                    LinkVerdict::OtherSite,
                    other_site(site, &portal),
                ));
            }
        }
        let tz = self.portal_timezone().await?;
        let now = Utc::now();
        let ledger = self.store().ledger_by_selector(&parsed.selector).await?;
        let mut check = LinkCheck::new(LinkVerdict::Unknown, String::new());
        if let Some(row) = &ledger {
            check.email = Some(row.email.clone());
            check.requested_at = Some(row.requested_at);
            check.expires_at = row.expires_at;
            if let Some(digest) = &row.token_sha256 {
                if !digest_matches(&parsed.selector, &parsed.verifier, digest) {
                    (check.verdict, check.message) = (LinkVerdict::Altered, altered());
                    return Ok(check);
                }
                return self.check_in_ledger(check, row, now).await;
            }
        }
        let Some((user_id, hashed_token, expires_local)) =
            self.store().reset_request(&parsed.selector).await?
        else {
            // A link of an earlier version, whose request the portal no longer has.
            return match &ledger {
                Some(row) => self.check_in_ledger(check, row, now).await,
                None => {
                    check.message = unknown();
                    Ok(check)
                }
            };
        };
        let expires_at = from_portal(tz, expires_local);
        check.expires_at = Some(expires_at);
        if check.email.is_none() {
            check.email = self.store().account_email(user_id).await?;
        }
        let replaced = ledger.as_ref().is_some_and(|row| row.replaced_at.is_some());
        let stored = StoredRequest {
            user_id,
            hashed_token,
            expires_at: expires_local,
        };
        let verdict = match self.portal_key().await {
            Some(key) => token::verify(&key, &stored, &parsed.verifier, now, tz),
            None if token::is_expired(expires_local, now, tz) => token::Verdict::Expired,
            None => {
                check.verdict = LinkVerdict::PortalOnly;
                check.message = format!(
                    "Une demande de réinitialisation est en cours pour «\u{a0}{}\u{a0}» jusqu’au {}, mais \
                     seul le portail peut dire si ce lien est intact\u{a0}: demandez au correspondant de \
                     l’ouvrir depuis le message reçu, et s’il est refusé, envoyez un nouveau lien.",
                    check.email.as_deref().unwrap_or("cette adresse"),
                    paris_time(expires_at)
                );
                return Ok(check);
            }
        };
        // An expired request stays on the portal until it is collected; once a newer link
        // replaced it, "replaced" is what the ledger shows and what the caller needs to hear.
        if let Some(row) = ledger.as_ref().filter(|_| replaced)
            && !matches!(verdict, token::Verdict::Mismatch)
        {
            return self.check_in_ledger(check.clone(), row, now).await;
        }
        (check.verdict, check.message) = match verdict {
            token::Verdict::Valid => (
                LinkVerdict::Valid,
                format!("Le lien est valable jusqu’au {}.", paris_time(expires_at)),
            ),
            token::Verdict::Expired => (
                LinkVerdict::Expired,
                format!(
                    "Le lien a expiré le {}\u{a0}: envoyez-en un nouveau.",
                    paris_time(expires_at)
                ),
            ),
            token::Verdict::Mismatch => (LinkVerdict::Altered, altered()),
        };
        Ok(check)
    }

    /// The portal's key where this process sends links itself (standalone mode): in shared
    /// mode it stays with the sender service, and nothing here asks the keyring for it.
    async fn portal_key(&self) -> Option<SigningKey> {
        if self.mode() != Mode::Standalone {
            return None;
        }
        match read_secret(SecretName::PortalSigningKey).await {
            Ok(secret) => secret.and_then(|secret| SigningKey::new(secret.expose()).ok()),
            Err(error) => {
                tracing::warn!("the link check goes without the signing key: {error}");
                None
            }
        }
    }

    /// The verdict from the Guichet's ledger: where the link stands now.
    async fn check_in_ledger(
        &self,
        mut check: LinkCheck,
        row: &LedgerRow,
        now: DateTime<Utc>,
    ) -> Result<LinkCheck> {
        let newer = self.store().ledger(row.account_id).await?;
        let position = newer.iter().position(|r| r.id == row.id).unwrap_or(0);
        let after = position.checked_sub(1).and_then(|i| newer.get(i));
        (check.verdict, check.message) = match lifecycle(row, after, now) {
            Lifecycle::Replaced { by, .. } => {
                check.replaced_by = by;
                let when = by
                    .map(|at| format!(" envoyé le {}", paris_time(at)))
                    .unwrap_or_default();
                (
                    LinkVerdict::Replaced,
                    format!(
                        "Ce lien a été remplacé par le lien{when}\u{a0}: seul le plus récent fonctionne."
                    ),
                )
            }
            Lifecycle::Used { at } => {
                check.used_at = at;
                let when = at
                    .map(|at| format!(" le {}", paris_time(at)))
                    .unwrap_or_default();
                (
                    LinkVerdict::Used,
                    format!(
                        "Ce lien a déjà servi\u{a0}: le mot de passe a été défini{when}. Le correspondant se connecte avec ce mot de passe, ou utilise «\u{a0}Mot de passe oublié\u{a0}?\u{a0}»."
                    ),
                )
            }
            Lifecycle::Expired { at } => (
                LinkVerdict::Expired,
                format!(
                    "Le lien a expiré le {}\u{a0}: envoyez-en un nouveau.",
                    paris_time(at)
                ),
            ),
            Lifecycle::Valid { until } => (
                LinkVerdict::Valid,
                format!("Le lien est valable jusqu’au {}.", paris_time(until)),
            ),
            // A pasted link has a selector, so the sender minted it: not seen here.
            Lifecycle::Requested => (LinkVerdict::Unknown, unknown()),
        };
        Ok(check)
    }
}
