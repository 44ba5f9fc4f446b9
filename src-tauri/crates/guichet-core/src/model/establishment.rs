//! Establishments and the addresses attached to them, as the agent sees them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::uai::Uai;

/// The type of an establishment, as the national directory (Annuaire de l'éducation) names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum EstablishmentKind {
    Lycee,
    College,
    Ecole,
    /// Centre d'information et d'orientation.
    Cio,
    /// Établissement régional d'enseignement adapté.
    Erea,
    Autre,
}

impl EstablishmentKind {
    pub const ALL: [EstablishmentKind; 6] = [
        EstablishmentKind::Lycee,
        EstablishmentKind::College,
        EstablishmentKind::Ecole,
        EstablishmentKind::Cio,
        EstablishmentKind::Erea,
        EstablishmentKind::Autre,
    ];

    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            EstablishmentKind::Lycee => "lycee",
            EstablishmentKind::College => "college",
            EstablishmentKind::Ecole => "ecole",
            EstablishmentKind::Cio => "cio",
            EstablishmentKind::Erea => "erea",
            EstablishmentKind::Autre => "autre",
        }
    }

    pub fn from_code(code: &str) -> Option<EstablishmentKind> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Sector {
    Public,
    Prive,
}

impl Sector {
    pub fn code(self) -> &'static str {
        match self {
            Sector::Public => "public",
            Sector::Prive => "prive",
        }
    }

    pub fn from_code(code: &str) -> Option<Sector> {
        [Sector::Public, Sector::Prive]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// An establishment as a search result lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct EstablishmentSummary {
    pub uai: Uai,
    pub name: String,
    /// Serialised as `type`: `kind` is the tag of a search result.
    #[serde(rename = "type")]
    pub kind: EstablishmentKind,
    pub postcode: String,
    pub town: String,
    /// The day it closed, as the Annuaire de l'éducation says: a tombstone, still found.
    pub closed_on: Option<NaiveDate>,
}

/// Who an establishment is and where, as the national directory describes it: what an import
/// or the demo generator writes, and the head of its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct EstablishmentIdentity {
    pub uai: Uai,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: EstablishmentKind,
    pub sector: Sector,
    pub postcode: String,
    pub town: String,
    pub department: String,
    pub academie: String,
}

/// An establishment's page: its identity, its principal address and every attached address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Establishment {
    #[serde(flatten)]
    pub identity: EstablishmentIdentity,
    /// The address the establishment signs in with, when it has one.
    pub principal_email: Option<String>,
    pub addresses: Vec<AttachedAddress>,
    /// What the Annuaire de l'éducation says of it: closed, closing, its official address.
    pub annuaire: AnnuaireFacts,
    /// Bumped by every change; an edit made on an older version is refused.
    pub version: i32,
}

/// An establishment as the Annuaire de l'éducation last described it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, specta::Type)]
pub struct AnnuaireFacts {
    /// The day it closed: its addresses and history stay, no link is sent to them.
    pub closed_on: Option<NaiveDate>,
    /// Marked « A FERMER »: still open.
    pub closing_announced: bool,
    /// The Annuaire's `Mail`: the address to suggest when there is no principal one.
    pub official_mail: Option<String>,
    /// Where a closed establishment's callers should go.
    pub successor: Option<Successor>,
}

/// The establishment that took over from a closed one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Successor {
    #[serde(flatten)]
    pub establishment: EstablishmentSummary,
    /// Why this one: the Annuaire names it (`etablissement_mere`), or it is an open
    /// establishment of the same type in the same town.
    pub reason: SuccessorReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SuccessorReason {
    Annuaire,
    SameTown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct AttachedAddress {
    pub account_id: i32,
    pub email: String,
    pub principal: bool,
    pub attached_at: DateTime<Utc>,
    /// The agent who attached it; `None` when it came with an import.
    pub attached_by: Option<String>,
    pub status: InitStatus,
    /// Its newest message was refused by the relay or reported not delivered: the address is
    /// probably wrong, and the page says so.
    pub undelivered: Option<crate::mail::delivery::DeliveryReport>,
}

/// Where an address stands with its password on the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum InitStatus {
    /// No password yet; the newest link, if any, expired at that time.
    NotInitialised {
        link_expired_at: Option<DateTime<Utc>>,
    },
    /// A link is waiting to be used until that time.
    LinkPending { until: DateTime<Utc> },
    /// The password was set on the portal (at that time, when the portal recorded it).
    Initialised { at: Option<DateTime<Utc>> },
}

impl InitStatus {
    /// An address's state from its account (password set, when) and its newest reset request's
    /// expiry as the portal stores it (naive local time of the portal's zone).
    pub fn of(
        initialised: bool,
        password_changed_at: Option<DateTime<Utc>>,
        latest_expiry: Option<chrono::NaiveDateTime>,
        tz: chrono_tz::Tz,
        now: DateTime<Utc>,
    ) -> InitStatus {
        if initialised {
            return InitStatus::Initialised {
                at: password_changed_at,
            };
        }
        match latest_expiry.map(|naive| crate::portal_time::from_portal(tz, naive)) {
            Some(until) if until > now => InitStatus::LinkPending { until },
            expired => InitStatus::NotInitialised {
                link_expired_at: expired,
            },
        }
    }
}
