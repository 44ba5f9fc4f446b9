//! What a diagnosis hands back: the establishments it names, each thing it found, its one
//! conclusion, and the whole with the French sentences.

use serde::Serialize;

use crate::model::uai::{Uai, UaiError};

use super::syntax::SyntaxProblem;

/// An establishment as the lookup by UAI gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct EstablishmentRef {
    pub uai: Uai,
    pub name: String,
    /// The académie's name, as in `data/academies.csv` ("Créteil").
    pub academie: String,
}

/// An establishment an address is attached to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct AttachedTo {
    pub uai: Uai,
    pub name: String,
    /// The address is the establishment's principal one.
    pub principal: bool,
}

/// One attachment of an account, as the integrator reads them for
/// [`Draft::finish`](super::Draft::finish).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub account_id: i32,
    pub establishment: AttachedTo,
}

/// How a near match differs from the typed address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum NearKind {
    /// A letter inserted, deleted or replaced in the local part.
    Typo,
    /// Two adjacent letters swapped in the local part.
    Swap,
    /// `.`, `-` and `_` mixed up.
    Separator,
    Accent,
    /// The `ce.` prefix of functional addresses missing or added.
    CePrefix,
    /// A typo in the domain, or the wrong extension (`.com` for `.fr`).
    Domain,
}

/// Why the UAI of a functional address does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UaiProblem {
    Malformed,
    MissingLetter { expected: char },
    WrongLetter { found: char, expected: char },
}

impl From<UaiError> for UaiProblem {
    fn from(error: UaiError) -> Self {
        match error {
            UaiError::Malformed => UaiProblem::Malformed,
            UaiError::MissingLetter { expected } => UaiProblem::MissingLetter { expected },
            UaiError::WrongLetter { found, expected } => {
                UaiProblem::WrongLetter { found, expected }
            }
        }
    }
}

impl From<UaiProblem> for UaiError {
    fn from(problem: UaiProblem) -> Self {
        match problem {
            UaiProblem::Malformed => UaiError::Malformed,
            UaiProblem::MissingLetter { expected } => UaiError::MissingLetter { expected },
            UaiProblem::WrongLetter { found, expected } => {
                UaiError::WrongLetter { found, expected }
            }
        }
    }
}

/// A functional address's domain against the académie of the establishment it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DomainCheck {
    Matches,
    /// A former domain of that académie (`ac-caen.fr` for Normandie): accepted.
    Former {
        expected: String,
    },
    /// The domain of another académie.
    OtherAcademie {
        academie: String,
        expected: String,
    },
    /// Not an académie's domain at all.
    NotAcademie {
        expected: String,
    },
    /// No académie is known for that UAI.
    Unknown,
}

/// One thing the diagnosis found. Findings naming accounts carry the establishments those
/// are attached to, once [`Draft::finish`](super::Draft::finish) has them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    /// Not a well-formed address; `repaired` is it without spaces or a trailing dot, when
    /// that is well-formed (the other findings are about that one).
    Syntax {
        problem: SyntaxProblem,
        repaired: Option<String>,
    },
    /// Known exactly, ignoring case.
    Exact {
        account_id: i32,
        email: String,
        establishments: Vec<AttachedTo>,
    },
    /// A functional address `ce.<UAI>@ac-<académie>.fr`.
    Functional {
        /// What stands for the UAI, upper case.
        typed_uai: String,
        /// The UAI it names, check letter corrected when it was wrong or missing.
        uai: Option<Uai>,
        uai_problem: Option<UaiProblem>,
        establishment: Option<EstablishmentRef>,
        academie: Option<String>,
        domain_check: DomainCheck,
        /// The address the establishment should have: `ce.<uai>@<académie's domain>`.
        expected: Option<String>,
        /// The account holding `expected`, when it is known and not the typed address.
        expected_account: Option<i32>,
    },
    /// An `ac-…` domain that is no académie's.
    UnknownAcademieDomain {
        domain: String,
        suggestion: Option<String>,
    },
    /// A former académie domain (`ac-rouen.fr`).
    FormerAcademieDomain {
        domain: String,
        academie: String,
        current: String,
    },
    /// A known address one or two typos away, or differing by accents, separators or the
    /// `ce.` prefix; `typos` counts only the typos (0 for those variations).
    Near {
        account_id: i32,
        email: String,
        typos: u32,
        kinds: Vec<NearKind>,
        establishments: Vec<AttachedTo>,
    },
    /// The same local part at a domain that is not near the typed one.
    OtherDomain {
        account_id: i32,
        email: String,
        establishments: Vec<AttachedTo>,
    },
    /// No known address at the typed domain, but at a near one.
    UnknownDomain { domain: String, suggestion: String },
    /// Characters that pass for Latin letters (a Cyrillic « а »): the caller did not type
    /// them, someone pasted them. `warning` is [`EmailAddress::lookalike_warning`]'s.
    Lookalike { warning: String },
    /// The establishment's official address in the Annuaire de l'éducation (its `Mail`).
    OfficialMail {
        establishment: EstablishmentRef,
        /// The address is already attached to it.
        attached: bool,
    },
}

/// The one conclusion, with the action in [`Verdict::action`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Verdict {
    Invalid {
        problem: SyntaxProblem,
        /// The repaired address, when it is known.
        repaired_known: Option<String>,
    },
    Known {
        account_id: i32,
        email: String,
        establishments: Vec<AttachedTo>,
    },
    KnownUnattached {
        account_id: i32,
        email: String,
    },
    /// A known functional address not attached to the establishment it names.
    KnownNotAttachedToNamed {
        account_id: i32,
        email: String,
        establishment: EstablishmentRef,
    },
    /// An unknown functional address of a known establishment: add `address` and attach it.
    AddFunctional {
        address: String,
        establishment: EstablishmentRef,
    },
    ProbablyMeant {
        account_id: i32,
        email: String,
        establishments: Vec<AttachedTo>,
    },
    OtherDomain {
        account_id: i32,
        email: String,
        establishments: Vec<AttachedTo>,
    },
    /// A functional address whose UAI no establishment has.
    UnknownUai {
        uai: Uai,
    },
    DomainTypo {
        domain: String,
        suggestion: Option<String>,
    },
    Unknown,
}

/// One action a verdict calls for, with what it needs already filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NextStep {
    /// Attach `email` to an establishment, adding it to the base first unless `known`: to
    /// `establishment` when the address names it, or else to one the agent chooses.
    Attach {
        email: String,
        known: bool,
        establishment: Option<EstablishmentRef>,
    },
    /// Look for this spelling instead: the known address the caller probably means.
    UseSpelling { email: String },
    /// Open an establishment the address (or the one meant) is attached to.
    Open { establishment: AttachedTo },
    /// Send an initialisation link to this known, attached address.
    SendLink { email: String },
}

/// A step and its French label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Step {
    pub step: NextStep,
    pub label: String,
}

/// A finding and its French sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Explained {
    pub finding: Finding,
    pub message: String,
}

/// The diagnosis of one typed address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Diagnosis {
    pub input: String,
    /// The address to store (trimmed, domain in lower case) when it is well-formed.
    pub normalised: Option<String>,
    pub syntax: Option<SyntaxProblem>,
    pub verdict: Verdict,
    /// What the agent should do, in French.
    pub action: String,
    /// The same as steps the window can take, pre-filled; the one `action` names first.
    pub steps: Vec<Step>,
    /// Most useful first.
    pub findings: Vec<Explained>,
    /// The address's newest message was refused by the relay or reported not delivered: the
    /// likely reason why the caller never got the link.
    pub undelivered: Option<crate::mail::delivery::DeliveryReport>,
}
