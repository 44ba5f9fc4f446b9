//! The third daily call: send a fresh link, show every link an address was sent and what became
//! of it, and tell a caller what is wrong with the link they read out.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::token::{self, ParsedToken, SigningKey, StoredRequest, derive_verifier, parse_link};
use crate::agents::{Permission, Session};
use crate::associations::parse_email;
use crate::error::{Error, Result};
use crate::guichet::Guichet;
use crate::mail::outbox::signing_key;
use crate::model::establishment::InitStatus;
use crate::portal_time::from_portal;
use crate::store::LedgerRow;
use crate::text::paris_time;

/// What the agent reads once a link is in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct LinkSent {
    pub email: String,
    pub expires_at: DateTime<Utc>,
    pub message: String,
}

/// Where a link stands on the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Lifecycle {
    Valid {
        until: DateTime<Utc>,
    },
    Expired {
        at: DateTime<Utc>,
    },
    /// A newer link deleted this one's request; `by` is when that one was sent.
    Replaced {
        at: DateTime<Utc>,
        by: Option<DateTime<Utc>>,
    },
    /// The request disappeared before it expired without the app deleting it: the portal used
    /// it. `at` is when the password was set, when the portal recorded it.
    Used {
        at: Option<DateTime<Utc>>,
    },
}

/// Where the e-mail carrying a link stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Delivery {
    /// In the outbox; `reason` says why the last attempt did not go through.
    Waiting {
        attempts: i32,
        reason: Option<String>,
    },
    Sending,
    /// Accepted by the server, with its reply.
    Sent {
        at: DateTime<Utc>,
        reply: Option<String>,
    },
    Failed {
        reason: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct LinkEntry {
    pub id: i32,
    pub requested_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The agent who sent it.
    pub agent: Option<String>,
    pub lifecycle: Lifecycle,
    pub delivery: Delivery,
}

/// An address's initialisation state and every link the app sent it, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct AddressLinks {
    pub email: String,
    pub account_id: i32,
    pub status: InitStatus,
    pub links: Vec<LinkEntry>,
}

/// What a pasted link turns out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum LinkVerdict {
    Valid,
    Expired,
    Replaced,
    Used,
    Unknown,
    Altered,
    Malformed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct LinkCheck {
    pub verdict: LinkVerdict,
    /// The address the link was sent to, when known.
    pub email: Option<String>,
    pub requested_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    /// For a replaced link: when the link that replaced it was sent.
    pub replaced_by: Option<DateTime<Utc>>,
    pub used_at: Option<DateTime<Utc>>,
    /// What to tell the caller, in French.
    pub message: String,
}

impl LinkCheck {
    fn new(verdict: LinkVerdict, message: String) -> LinkCheck {
        LinkCheck {
            verdict,
            email: None,
            requested_at: None,
            expires_at: None,
            replaced_by: None,
            used_at: None,
            message,
        }
    }
}

pub(crate) fn lifecycle(
    row: &LedgerRow,
    newer: Option<&LedgerRow>,
    now: DateTime<Utc>,
) -> Lifecycle {
    if let Some(at) = row.replaced_at {
        return Lifecycle::Replaced {
            at,
            by: newer.map(|n| n.requested_at),
        };
    }
    if row.pending {
        return if row.expires_at > now {
            Lifecycle::Valid {
                until: row.expires_at,
            }
        } else {
            Lifecycle::Expired { at: row.expires_at }
        };
    }
    let set_while_valid = row
        .password_changed_at
        .filter(|at| *at >= row.requested_at && *at <= row.expires_at);
    if row.expires_at <= now && set_while_valid.is_none() {
        Lifecycle::Expired { at: row.expires_at }
    } else {
        Lifecycle::Used {
            at: set_while_valid,
        }
    }
}

fn delivery(row: &LedgerRow) -> Delivery {
    match row.outbox_state.as_deref() {
        Some("sent") => Delivery::Sent {
            at: row.sent_at.unwrap_or(row.requested_at),
            reply: row.outbox_reply.clone(),
        },
        Some("sending") => Delivery::Sending,
        Some("failed") => Delivery::Failed {
            reason: row.outbox_reply.clone(),
        },
        _ => Delivery::Waiting {
            attempts: row.attempts.unwrap_or(0),
            reason: row.outbox_reply.clone(),
        },
    }
}

fn entries(rows: &[LedgerRow], now: DateTime<Utc>) -> Vec<LinkEntry> {
    rows.iter()
        .enumerate()
        .map(|(index, row)| LinkEntry {
            id: row.id,
            requested_at: row.requested_at,
            expires_at: row.expires_at,
            agent: row.agent.clone(),
            // Rows are newest first: the one before is the link that replaced this one.
            lifecycle: lifecycle(row, index.checked_sub(1).and_then(|i| rows.get(i)), now),
            delivery: delivery(row),
        })
        .collect()
}

impl Guichet {
    /// Issues a fresh link for an address: the portal's request, the ledger row and the e-mail
    /// in the outbox, in one transaction; older pending links of the address stop working.
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
        let key = signing_key().await?;
        let settings = self.settings();
        let tz = settings.portal_timezone;
        let lifetime = Duration::seconds(i64::from(settings.link_lifetime_seconds));
        let (account, _, expires_at) = self
            .store()
            .issue_link(
                email.as_str(),
                |account| {
                    let issued =
                        token::issue(account.id, now, lifetime, tz, &key, &mut rand::rng());
                    let expires_at = from_portal(tz, issued.expires_at);
                    Ok((
                        issued.selector,
                        issued.hashed_token,
                        issued.requested_at,
                        issued.expires_at,
                        expires_at,
                    ))
                },
                session.agent().id,
                now,
                note,
            )
            .await?;
        self.wake_outbox();
        self.after_change().await;
        Ok(LinkSent {
            message: format!(
                "Un lien d’initialisation est prêt pour «\u{a0}{}\u{a0}», valable jusqu’au {}\u{a0}; il part dans l’instant. \
                 Les liens envoyés avant ne fonctionnent plus.",
                account.email,
                paris_time(expires_at)
            ),
            email: account.email,
            expires_at,
        })
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
        let status = self
            .store()
            .account_status(account_id, self.settings().portal_timezone, Utc::now())
            .await?;
        Ok(AddressLinks {
            email,
            account_id,
            status,
            links: entries(&rows, Utc::now()),
        })
    }

    /// What a pasted link (or token) is: valid until, expired at, replaced by, used, unknown,
    /// altered or malformed.
    pub async fn check_link(&self, session: &Session, input: &str) -> Result<LinkCheck> {
        self.require(session, Permission::Read).await?;
        self.check_link_unchecked(input).await
    }

    /// The check itself, for callers that hold the database already (the CLI).
    pub async fn check_link_unchecked(&self, input: &str) -> Result<LinkCheck> {
        let parsed = match parse_link(input) {
            Ok(parsed) => parsed,
            Err(error) => {
                return Ok(LinkCheck::new(
                    LinkVerdict::Malformed,
                    format!("Ce n’est pas un lien complet\u{a0}: {}.", error.message()),
                ));
            }
        };
        let key = signing_key().await?;
        let tz = self.settings().portal_timezone;
        let now = Utc::now();
        let ledger = self.store().ledger_by_selector(&parsed.selector).await?;
        let mut check = LinkCheck::new(LinkVerdict::Unknown, String::new());
        if let Some(row) = &ledger {
            check.email = Some(row.email.clone());
            check.requested_at = Some(row.requested_at);
            check.expires_at = Some(row.expires_at);
        }
        if let Some((user_id, hashed_token, expires_local)) =
            self.store().reset_request(&parsed.selector).await?
        {
            let stored = StoredRequest {
                user_id,
                hashed_token,
                expires_at: expires_local,
            };
            let expires_at = from_portal(tz, expires_local);
            check.expires_at = Some(expires_at);
            if check.email.is_none() {
                check.email = self.store().account_email(user_id).await?;
            }
            let verdict = token::verify(&key, &stored, &parsed.verifier, now, tz);
            // An expired request stays on the portal until it is collected; once a newer link
            // replaced it, "replaced" is what the ledger shows and what the caller needs to hear.
            let replaced = ledger.as_ref().is_some_and(|row| row.replaced_at.is_some());
            if replaced && !matches!(verdict, token::Verdict::Mismatch) {
                return self
                    .check_in_ledger(check, ledger, &key, &parsed, now)
                    .await;
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
            return Ok(check);
        }
        self.check_in_ledger(check, ledger, &key, &parsed, now)
            .await
    }

    /// The verdict from the Guichet's ledger, for a link whose request the portal no longer has
    /// (or has, expired, after a newer link replaced it).
    async fn check_in_ledger(
        &self,
        mut check: LinkCheck,
        ledger: Option<LedgerRow>,
        key: &SigningKey,
        parsed: &ParsedToken,
        now: DateTime<Utc>,
    ) -> Result<LinkCheck> {
        let Some(row) = ledger else {
            check.message = "Ce lien est inconnu\u{a0}: le Guichet ne l’a pas envoyé et le portail n’a aucune demande \
                 en cours à ce nom. Il a pu être demandé sur le portail puis utilisé ou expiré\u{a0}: envoyez \
                 un nouveau lien."
                .into();
            return Ok(check);
        };
        if derive_verifier(key, &row.selector).expose() != parsed.verifier.expose() {
            (check.verdict, check.message) = (LinkVerdict::Altered, altered());
            return Ok(check);
        }
        let newer = self.store().ledger(row.account_id).await?;
        let position = newer.iter().position(|r| r.id == row.id).unwrap_or(0);
        let after = position.checked_sub(1).and_then(|i| newer.get(i));
        (check.verdict, check.message) = match lifecycle(&row, after, now) {
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
        };
        Ok(check)
    }
}

fn altered() -> String {
    "Le lien a été modifié (recopie incomplète ou erronée)\u{a0}: demandez au correspondant de cliquer sur le lien \
     du message plutôt que de le recopier, ou envoyez-en un nouveau."
        .into()
}
