//! The "adresse non reconnue" diagnosis: why an address a caller gives is not recognised, and
//! what the agent should do about it.
//!
//! Pure: the integrator keeps an [`AddressBook`] of every known address, calls
//! [`AddressBook::diagnose`] with a lookup of establishments by UAI, reads the attachments of
//! [`Draft::account_ids`] in one query and hands them to [`Draft::finish`].

mod book;
mod distance;
mod messages;
mod syntax;

use std::collections::HashMap;

use serde::Serialize;

use crate::model::academie::{self, Academie};
use crate::model::uai::{Uai, UaiError};

pub use book::AddressBook;
pub use syntax::SyntaxProblem;

use book::{Found, Query};

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

/// One attachment of an account, as the integrator reads them for [`Draft::finish`].
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
/// are attached to, once [`Draft::finish`] has them.
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
    /// Most useful first.
    pub findings: Vec<Explained>,
}

/// A diagnosis waiting for the attachments of the accounts it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    input: String,
    normalised: Option<String>,
    syntax: Option<SyntaxProblem>,
    findings: Vec<Finding>,
}

impl AddressBook {
    /// Diagnoses a typed address. `establishment` looks an establishment up by UAI; it is only
    /// asked about [`functional_uai`] of the input, so an async caller can fetch that first.
    pub fn diagnose(
        &self,
        input: &str,
        establishment: impl Fn(&Uai) -> Option<EstablishmentRef>,
    ) -> Draft {
        let mut draft = Draft {
            input: input.to_string(),
            normalised: None,
            syntax: None,
            findings: Vec::new(),
        };
        let parsed = match syntax::parse(input) {
            Ok(parsed) => {
                draft.normalised = Some(parsed.normalised());
                parsed
            }
            Err(problem) => {
                let repaired = syntax::repair(input);
                draft.findings.push(Finding::Syntax {
                    problem: problem.clone(),
                    repaired: repaired.as_ref().map(syntax::Parsed::normalised),
                });
                draft.syntax = Some(problem);
                match repaired {
                    Some(repaired) => repaired,
                    None => return draft,
                }
            }
        };
        if let Some(warning) = crate::model::email::EmailAddress::parse(&parsed.normalised())
            .ok()
            .and_then(|address| address.lookalike_warning())
        {
            draft.findings.push(Finding::Lookalike { warning });
        }
        let query = Query::new(&parsed.local, &parsed.domain);
        let found = self.search(&query);
        let functional = functional(self, &query, &establishment);
        draft.findings.extend(findings(&query, found, functional));
        draft
    }
}

/// The UAI a diagnosis of `input` asks the establishment lookup about, if any.
pub fn functional_uai(input: &str) -> Option<Uai> {
    let parsed = syntax::parse(input)
        .ok()
        .or_else(|| syntax::repair(input))?;
    let (typed, result) = uai_of_local(&parsed.local.to_lowercase())?;
    corrected(&typed, result)
}

/// The text standing for a UAI in a local part (`ce.0750654d`, `ce-0750654`, `0750654d`), and
/// what it parses to.
fn uai_of_local(local: &str) -> Option<(String, Result<Uai, UaiError>)> {
    let (prefixed, rest) = match local.strip_prefix("ce") {
        Some(rest) => (true, rest.strip_prefix(['.', '-', '_']).unwrap_or(rest)),
        None => (false, local),
    };
    let digits = rest.bytes().filter(u8::is_ascii_digit).count();
    if !rest.starts_with(|c: char| c.is_ascii_digit())
        || !rest.bytes().all(|b| b.is_ascii_alphanumeric())
        || digits < 6
    {
        return None;
    }
    let result = Uai::parse(rest);
    // Without the prefix, only a real UAI (letter right or not) makes it functional.
    if !prefixed && result == Err(UaiError::Malformed) {
        return None;
    }
    Some((rest.to_uppercase(), result))
}

/// The UAI meant: as typed, or its digits with the check letter they require.
fn corrected(typed: &str, result: Result<Uai, UaiError>) -> Option<Uai> {
    match result {
        Ok(uai) => Some(uai),
        Err(UaiError::MissingLetter { expected } | UaiError::WrongLetter { expected, .. }) => {
            Uai::parse(&format!("{}{expected}", typed.get(..7)?)).ok()
        }
        Err(UaiError::Malformed) => None,
    }
}

/// What a functional address says, when the local part stands for a UAI.
fn functional(
    book: &AddressBook,
    query: &Query,
    lookup: &impl Fn(&Uai) -> Option<EstablishmentRef>,
) -> Option<Finding> {
    let (typed_uai, result) = uai_of_local(&query.local)?;
    let uai_problem = result.clone().err().map(UaiProblem::from);
    let uai = corrected(&typed_uai, result);
    let establishment = uai.as_ref().and_then(lookup);
    let academie: Option<&Academie> = establishment
        .as_ref()
        .and_then(|e| academie::by_name(&e.academie))
        .or_else(|| {
            uai.as_ref()
                .and_then(|u| academie::by_department(&u.department()))
        });
    let expected = uai
        .as_ref()
        .zip(academie)
        .map(|(uai, a)| format!("ce.{}@{}", uai.as_str().to_lowercase(), a.domain));
    let domain_check = match academie {
        None => DomainCheck::Unknown,
        Some(a) if a.domain == query.domain => DomainCheck::Matches,
        Some(a) => {
            let expected = expected.clone().unwrap_or_default();
            match academie::by_domain(&query.domain) {
                Some(typed) if typed.name == a.name => DomainCheck::Former { expected },
                Some(typed) => DomainCheck::OtherAcademie {
                    academie: typed.name.clone(),
                    expected,
                },
                None => DomainCheck::NotAcademie { expected },
            }
        }
    };
    let expected_account = expected
        .as_ref()
        .filter(|e| **e != query.key())
        .and_then(|e| e.split_once('@'))
        .and_then(|(local, domain)| book.find(&Query::new(local, domain)))
        .map(|known| known.account_id);
    Some(Finding::Functional {
        typed_uai,
        uai,
        uai_problem,
        establishment,
        academie: academie.map(|a| a.name.clone()),
        domain_check,
        expected,
        expected_account,
    })
}

/// The findings of a well-formed address, most useful first.
fn findings(query: &Query, found: Found, functional: Option<Finding>) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(known) = found.exact {
        out.push(Finding::Exact {
            account_id: known.account_id,
            email: known.email,
            establishments: Vec::new(),
        });
    }
    let has_functional = functional.is_some();
    // A functional address naming a known establishment says more than near spellings, which
    // then are mostly other establishments' addresses.
    let (early, late) = match functional {
        Some(
            f @ Finding::Functional {
                establishment: Some(_),
                ..
            },
        ) => (Some(f), None),
        other => (None, other),
    };
    out.extend(early);
    let academie_domain = academie_domain(&query.domain);
    let former = matches!(academie_domain, Some(Finding::FormerAcademieDomain { .. }));
    if !(former && has_functional) {
        out.extend(academie_domain.clone());
    }
    for close in found.near {
        out.push(Finding::Near {
            kinds: near_kinds(query, &close),
            account_id: close.known.account_id,
            email: close.known.email,
            typos: u32::try_from(close.typos).unwrap_or(u32::MAX),
            establishments: Vec::new(),
        });
    }
    for known in found.other_domain {
        out.push(Finding::OtherDomain {
            account_id: known.account_id,
            email: known.email,
            establishments: Vec::new(),
        });
    }
    out.extend(late);
    // An académie's own domain is never a typo, even with no known address there yet.
    if found.domain_size == 0
        && academie_domain.is_none()
        && academie::by_domain(&query.domain).is_none()
        && let Some(suggestion) = found.closest_domain
    {
        out.push(Finding::UnknownDomain {
            domain: query.domain.clone(),
            suggestion,
        });
    }
    out
}

/// A former académie domain, or an `ac-…` domain (or one close to an académie's) that is no
/// académie's.
fn academie_domain(domain: &str) -> Option<Finding> {
    if let Some(a) = academie::by_domain(domain) {
        return (a.domain != domain).then(|| Finding::FormerAcademieDomain {
            domain: domain.to_string(),
            academie: a.name.clone(),
            current: a.domain.clone(),
        });
    }
    let suggestion = academie::all()
        .iter()
        .filter_map(|a| distance::domains(domain, &a.domain, book::MAX_TYPOS).map(|d| (d, a)))
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a.domain.clone());
    (domain.starts_with("ac-") || suggestion.is_some()).then(|| Finding::UnknownAcademieDomain {
        domain: domain.to_string(),
        suggestion,
    })
}

/// How a near match differs: each normalisation step that brings the two local parts closer
/// is one kind, then the typos left, then the domain.
fn near_kinds(query: &Query, close: &book::Close) -> Vec<NearKind> {
    // Each step, applied to both, is the skeleton's in order.
    let step = |kind: NearKind, s: &str| match kind {
        NearKind::Accent => crate::text::fold(s),
        NearKind::Separator => s.replace(['-', '_'], "."),
        _ => s
            .strip_prefix("ce.")
            .filter(|rest| !rest.is_empty())
            .unwrap_or(s)
            .to_string(),
    };
    let mut kinds = Vec::new();
    let (mut a, mut b) = (query.local.clone(), close.local.clone());
    let mut before = distance::between(&a, &b);
    for kind in [NearKind::Accent, NearKind::Separator, NearKind::CePrefix] {
        (a, b) = (step(kind, &a), step(kind, &b));
        let after = distance::between(&a, &b);
        if after < before {
            kinds.push(kind);
        }
        before = after;
    }
    if close.local_typos == 1 && distance::is_swap(&a, &b) {
        kinds.push(NearKind::Swap);
    } else if close.local_typos > 0 {
        kinds.push(NearKind::Typo);
    }
    if close.domain_typos > 0 {
        kinds.push(NearKind::Domain);
    }
    kinds
}

impl Draft {
    /// The accounts whose attachments [`Draft::finish`] needs, sorted.
    pub fn account_ids(&self) -> Vec<i32> {
        let mut ids: Vec<i32> = self
            .findings
            .iter()
            .filter_map(|finding| match finding {
                Finding::Exact { account_id, .. }
                | Finding::Near { account_id, .. }
                | Finding::OtherDomain { account_id, .. } => Some(*account_id),
                Finding::Functional {
                    expected_account, ..
                } => *expected_account,
                _ => None,
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The diagnosis, given the attachments of [`Draft::account_ids`] (others are ignored; an
    /// account without any is attached nowhere).
    pub fn finish(self, attachments: impl IntoIterator<Item = Attachment>) -> Diagnosis {
        let mut by_account: HashMap<i32, Vec<AttachedTo>> = HashMap::new();
        for attachment in attachments {
            by_account
                .entry(attachment.account_id)
                .or_default()
                .push(attachment.establishment);
        }
        for list in by_account.values_mut() {
            list.sort_by(|a, b| {
                (!a.principal, &a.name, &a.uai).cmp(&(!b.principal, &b.name, &b.uai))
            });
            list.dedup();
        }
        let attached = |id: i32| by_account.get(&id).cloned().unwrap_or_default();
        let mut findings = self.findings;
        for finding in &mut findings {
            if let Finding::Exact {
                account_id,
                establishments,
                ..
            }
            | Finding::Near {
                account_id,
                establishments,
                ..
            }
            | Finding::OtherDomain {
                account_id,
                establishments,
                ..
            } = finding
            {
                *establishments = attached(*account_id);
            }
        }
        let verdict = verdict(
            self.syntax.as_ref(),
            self.normalised.as_deref(),
            &findings,
            &attached,
        );
        Diagnosis {
            input: self.input,
            normalised: self.normalised,
            syntax: self.syntax,
            action: verdict.action(),
            verdict,
            findings: findings
                .into_iter()
                .map(|finding| Explained {
                    message: finding.message(),
                    finding,
                })
                .collect(),
        }
    }
}

/// The one conclusion: the first finding, in order of usefulness, that tells what to do.
fn verdict(
    syntax: Option<&SyntaxProblem>,
    normalised: Option<&str>,
    findings: &[Finding],
    attached: &dyn Fn(i32) -> Vec<AttachedTo>,
) -> Verdict {
    let exact = findings.iter().find_map(|f| match f {
        Finding::Exact {
            account_id,
            email,
            establishments,
        } => Some((*account_id, email.clone(), establishments.clone())),
        _ => None,
    });
    if let Some(problem) = syntax {
        return Verdict::Invalid {
            problem: problem.clone(),
            repaired_known: exact.map(|(_, email, _)| email),
        };
    }
    let functional = findings.iter().find_map(|f| match f {
        Finding::Functional {
            uai_problem,
            establishment: Some(establishment),
            domain_check,
            expected,
            expected_account,
            ..
        } => Some((
            uai_problem,
            establishment,
            domain_check,
            expected,
            expected_account,
        )),
        _ => None,
    });
    if let Some((account_id, email, establishments)) = exact {
        if let Some((_, named, ..)) = functional
            && !establishments.iter().any(|a| a.uai == named.uai)
        {
            return Verdict::KnownNotAttachedToNamed {
                account_id,
                email,
                establishment: named.clone(),
            };
        }
        if establishments.is_empty() {
            return Verdict::KnownUnattached { account_id, email };
        }
        return Verdict::Known {
            account_id,
            email,
            establishments,
        };
    }
    if let Some((uai_problem, establishment, domain_check, expected, expected_account)) = functional
    {
        if let (Some(account_id), Some(email)) = (expected_account, expected) {
            return Verdict::ProbablyMeant {
                account_id: *account_id,
                email: email.clone(),
                establishments: attached(*account_id),
            };
        }
        // A former domain still delivers: keep what the caller uses. Otherwise, the address
        // the establishment should have.
        let typed = normalised.unwrap_or_default().to_string();
        let address = match domain_check {
            DomainCheck::Former { .. } | DomainCheck::Unknown if uai_problem.is_none() => typed,
            _ => expected.clone().unwrap_or(typed),
        };
        return Verdict::AddFunctional {
            address,
            establishment: establishment.clone(),
        };
    }
    for finding in findings {
        match finding {
            Finding::Near {
                account_id,
                email,
                establishments,
                ..
            } => {
                return Verdict::ProbablyMeant {
                    account_id: *account_id,
                    email: email.clone(),
                    establishments: establishments.clone(),
                };
            }
            Finding::OtherDomain {
                account_id,
                email,
                establishments,
            } => {
                return Verdict::OtherDomain {
                    account_id: *account_id,
                    email: email.clone(),
                    establishments: establishments.clone(),
                };
            }
            _ => {}
        }
    }
    findings
        .iter()
        .find_map(|finding| match finding {
            Finding::Functional {
                uai: Some(uai),
                establishment: None,
                ..
            } => Some(Verdict::UnknownUai { uai: uai.clone() }),
            Finding::UnknownAcademieDomain { domain, suggestion } => Some(Verdict::DomainTypo {
                domain: domain.clone(),
                suggestion: suggestion.clone(),
            }),
            Finding::UnknownDomain { domain, suggestion } => Some(Verdict::DomainTypo {
                domain: domain.clone(),
                suggestion: Some(suggestion.clone()),
            }),
            _ => None,
        })
        .unwrap_or(Verdict::Unknown)
}

#[cfg(test)]
mod tests;
