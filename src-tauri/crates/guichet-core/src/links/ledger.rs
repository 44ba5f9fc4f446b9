//! What became of each link an address was sent (asked for, sent, used, expired, replaced), and
//! the verdicts on a link a caller reads out, in the words the agent reads.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::token;
use crate::mail::delivery::{DeliveryFacts, DeliveryReport};
use crate::model::establishment::InitStatus;

/// One row of an address's ledger, with what the portal and the outbox say about it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LedgerRow {
    pub id: i32,
    pub account_id: i32,
    pub email: String,
    /// `None` until the sender mints the link.
    pub selector: Option<String>,
    pub requested_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// When the sender minted it, right before its message left; `None` while it waits.
    pub minted_at: Option<DateTime<Utc>>,
    /// The SHA-256 of the whole token; `None` before minting and for links of earlier versions.
    pub token_sha256: Option<String>,
    pub agent: Option<String>,
    pub agent_login: Option<String>,
    pub replaced_at: Option<DateTime<Utc>>,
    /// The portal still holds the request.
    pub pending: bool,
    pub password_changed_at: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    pub mail: DeliveryFacts,
    pub attempts: Option<i32>,
}

/// What the agent reads once a link is asked for: the sender mints and mails it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct LinkSent {
    pub email: String,
    /// The link's row in the ledger, to follow it.
    pub link_id: i32,
    pub message: String,
    /// When the address's previous link was sent, if that is within the portal's throttle: the
    /// new one makes it unusable.
    pub recent_link: Option<DateTime<Utc>>,
}

/// The portal's throttle, the reset-password bundle's `throttle_limit`: within an hour of a
/// link, a caller's own request on the portal is refused, and a new link from the Guichet
/// makes the first one unusable.
pub const THROTTLE: chrono::Duration = chrono::Duration::hours(1);

/// A link sent less than [`THROTTLE`] ago, and what the agent reads before sending another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct RecentLink {
    pub at: DateTime<Utc>,
    pub warning: String,
}

impl RecentLink {
    /// The link sent (minted) at `at`, if that is within the throttle of `now`.
    pub fn of(at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<RecentLink> {
        let at = at.filter(|at| now - *at < THROTTLE)?;
        Some(RecentLink {
            at,
            warning: format!(
                "Un lien a été envoyé à {}\u{a0}; en envoyer un autre rendra le premier inutilisable.",
                crate::text::paris_hour(at)
            ),
        })
    }
}

/// Where a link stands on the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Lifecycle {
    /// Asked for; the sender mints it right before its message leaves.
    Requested,
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
    /// Not sent, rightly: a newer link replaced it before it left.
    Dropped {
        reason: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct LinkEntry {
    pub id: i32,
    pub requested_at: DateTime<Utc>,
    /// `None` until the sender mints it.
    pub expires_at: Option<DateTime<Utc>>,
    /// The agent who sent it, and its login.
    pub agent: Option<String>,
    pub agent_login: Option<String>,
    pub lifecycle: Lifecycle,
    pub delivery: Delivery,
    /// What became of its message after it left: the relay's answer, a later report.
    pub outcome: DeliveryReport,
}

/// An address's initialisation state and every link the app sent it, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct AddressLinks {
    pub email: String,
    pub account_id: i32,
    pub status: InitStatus,
    pub links: Vec<LinkEntry>,
    /// The newest link sent, when that is within the portal's throttle.
    pub recent_link: Option<RecentLink>,
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
    /// A request the portal itself issued (« Mot de passe oublié ») whose link only the portal
    /// can check: the signing key stays with the sender.
    PortalOnly,
    /// A link to another site than the portal's (a look-alike name, a lure): never valid,
    /// whatever its token.
    OtherSite,
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
    pub(crate) fn new(verdict: LinkVerdict, message: String) -> LinkCheck {
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
    let Some(expires_at) = row.expires_at else {
        // Never minted: replaced while it waited, or still to be.
        return if row.mail.outbox_state.as_deref() == Some("dropped") {
            let by = newer.map(|n| n.requested_at);
            Lifecycle::Replaced {
                at: by.unwrap_or(row.requested_at),
                by,
            }
        } else {
            Lifecycle::Requested
        };
    };
    if let Some(at) = row.replaced_at {
        return Lifecycle::Replaced {
            at,
            by: newer.map(|n| n.requested_at),
        };
    }
    if row.pending {
        return if expires_at > now {
            Lifecycle::Valid { until: expires_at }
        } else {
            Lifecycle::Expired { at: expires_at }
        };
    }
    let set_while_valid = row
        .password_changed_at
        .filter(|at| *at >= row.requested_at && *at <= expires_at);
    if expires_at <= now && set_while_valid.is_none() {
        Lifecycle::Expired { at: expires_at }
    } else {
        Lifecycle::Used {
            at: set_while_valid,
        }
    }
}

pub(crate) fn delivery(row: &LedgerRow) -> Delivery {
    let reply = row.mail.outbox_reply.clone();
    match row.mail.outbox_state.as_deref() {
        Some("sent") => Delivery::Sent {
            at: row.mail.sent_at.unwrap_or(row.requested_at),
            reply,
        },
        Some("sending") => Delivery::Sending,
        Some("failed") => Delivery::Failed { reason: reply },
        Some("dropped") => Delivery::Dropped { reason: reply },
        _ => Delivery::Waiting {
            attempts: row.attempts.unwrap_or(0),
            reason: reply,
        },
    }
}

pub(crate) fn entries(rows: &[LedgerRow], now: DateTime<Utc>) -> Vec<LinkEntry> {
    rows.iter()
        .enumerate()
        .map(|(index, row)| LinkEntry {
            id: row.id,
            requested_at: row.requested_at,
            expires_at: row.expires_at,
            agent: row.agent.clone(),
            agent_login: row.agent_login.clone(),
            outcome: row.mail.report(),
            // Rows are newest first: the one before is the link that replaced this one.
            lifecycle: lifecycle(row, index.checked_sub(1).and_then(|i| rows.get(i)), now),
            delivery: delivery(row),
        })
        .collect()
}

/// Whether a pasted link's site (`host[:port]`, as [`parse_link`] reads it) is the portal's.
pub(crate) fn same_site(site: &str, portal_url: &str) -> bool {
    token::site_of(portal_url).as_deref() == Some(site)
}

pub(crate) fn other_site(site: &str, portal_url: &str) -> String {
    let portal = token::site_of(portal_url).unwrap_or_else(|| portal_url.to_string());
    format!(
        "Lien d’un autre site\u{a0}: il mène à «\u{a0}{site}\u{a0}», pas au portail «\u{a0}{portal}\u{a0}». \
         Demandez au correspondant de ne pas l’ouvrir ni d’y saisir son mot de passe, et envoyez-lui \
         un nouveau lien depuis le Guichet."
    )
}

pub(crate) fn unknown() -> String {
    "Ce lien est inconnu\u{a0}: le Guichet ne l’a pas envoyé et le portail n’a aucune demande \
     en cours à ce nom. Il a pu être demandé sur le portail puis utilisé ou expiré\u{a0}: envoyez \
     un nouveau lien."
        .into()
}

pub(crate) fn altered() -> String {
    "Le lien a été modifié (recopie incomplète ou erronée)\u{a0}: demandez au correspondant de cliquer sur le lien \
     du message plutôt que de le recopier, ou envoyez-en un nouveau."
        .into()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_link_is_recent_within_the_portal_s_throttle_only() {
        let sent = Utc
            .with_ymd_and_hms(2026, 3, 12, 9, 5, 0)
            .single()
            .expect("instant");
        let recent = RecentLink::of(Some(sent), sent + chrono::Duration::minutes(59))
            .expect("within the hour");
        assert_eq!(recent.at, sent);
        assert_eq!(
            recent.warning,
            "Un lien a été envoyé à 10:05\u{a0}; en envoyer un autre rendra le premier inutilisable."
        );
        assert_eq!(RecentLink::of(Some(sent), sent + THROTTLE), None);
        assert_eq!(RecentLink::of(None, sent), None);
    }
}
