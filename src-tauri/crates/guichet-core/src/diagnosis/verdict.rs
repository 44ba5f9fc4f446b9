//! The one conclusion of a diagnosis: the first finding, in order of usefulness, that tells the
//! agent what to do.

use super::report::{AttachedTo, DomainCheck, EstablishmentRef, Finding, UaiProblem, Verdict};
use super::syntax::SyntaxProblem;

/// The typed address, known exactly: [`Finding::Exact`]'s fields.
struct Exact {
    account_id: i32,
    email: String,
    establishments: Vec<AttachedTo>,
}

/// A functional address naming a known establishment: [`Finding::Functional`]'s fields.
struct Named<'a> {
    uai_problem: &'a Option<UaiProblem>,
    establishment: &'a EstablishmentRef,
    domain_check: &'a DomainCheck,
    expected: &'a Option<String>,
    expected_account: &'a Option<i32>,
}

/// The one conclusion: the first finding, in order of usefulness, that tells what to do.
pub(super) fn conclude(
    syntax: Option<&SyntaxProblem>,
    normalised: Option<&str>,
    findings: &[Finding],
    attached: &dyn Fn(i32) -> Vec<AttachedTo>,
) -> Verdict {
    let exact = exact(findings);
    if let Some(problem) = syntax {
        return Verdict::Invalid {
            problem: problem.clone(),
            repaired_known: exact.map(|exact| exact.email),
        };
    }
    let named = named(findings);
    if let Some(exact) = exact {
        return known(exact, named);
    }
    if let Some(named) = named {
        return functional(named, normalised, attached);
    }
    near(findings)
        .or_else(|| unresolved(findings))
        .unwrap_or(Verdict::Unknown)
}

fn exact(findings: &[Finding]) -> Option<Exact> {
    findings.iter().find_map(|f| match f {
        Finding::Exact {
            account_id,
            email,
            establishments,
        } => Some(Exact {
            account_id: *account_id,
            email: email.clone(),
            establishments: establishments.clone(),
        }),
        _ => None,
    })
}

fn named(findings: &[Finding]) -> Option<Named<'_>> {
    findings.iter().find_map(|f| match f {
        Finding::Functional {
            uai_problem,
            establishment: Some(establishment),
            domain_check,
            expected,
            expected_account,
            ..
        } => Some(Named {
            uai_problem,
            establishment,
            domain_check,
            expected,
            expected_account,
        }),
        _ => None,
    })
}

/// A known address: attached where it should be, to nothing, or not to the establishment it
/// names.
fn known(exact: Exact, named: Option<Named<'_>>) -> Verdict {
    let Exact {
        account_id,
        email,
        establishments,
    } = exact;
    if let Some(named) = named
        && !establishments
            .iter()
            .any(|a| a.uai == named.establishment.uai)
    {
        return Verdict::KnownNotAttachedToNamed {
            account_id,
            email,
            establishment: named.establishment.clone(),
        };
    }
    if establishments.is_empty() {
        return Verdict::KnownUnattached { account_id, email };
    }
    Verdict::Known {
        account_id,
        email,
        establishments,
    }
}

/// An unknown functional address of a known establishment: the address it should have, when
/// that one is known, or the address to add.
fn functional(
    named: Named<'_>,
    normalised: Option<&str>,
    attached: &dyn Fn(i32) -> Vec<AttachedTo>,
) -> Verdict {
    if let (Some(account_id), Some(email)) = (named.expected_account, named.expected) {
        return Verdict::ProbablyMeant {
            account_id: *account_id,
            email: email.clone(),
            establishments: attached(*account_id),
        };
    }
    // A former domain still delivers: keep what the caller uses. Otherwise, the address
    // the establishment should have.
    let typed = normalised.unwrap_or_default().to_string();
    let address = match named.domain_check {
        DomainCheck::Former { .. } | DomainCheck::Unknown if named.uai_problem.is_none() => typed,
        _ => named.expected.clone().unwrap_or(typed),
    };
    Verdict::AddFunctional {
        address,
        establishment: named.establishment.clone(),
    }
}

/// The first known address near the typed one, or with its local part at another domain.
fn near(findings: &[Finding]) -> Option<Verdict> {
    findings.iter().find_map(|finding| match finding {
        Finding::Near {
            account_id,
            email,
            establishments,
            ..
        } => Some(Verdict::ProbablyMeant {
            account_id: *account_id,
            email: email.clone(),
            establishments: establishments.clone(),
        }),
        Finding::OtherDomain {
            account_id,
            email,
            establishments,
        } => Some(Verdict::OtherDomain {
            account_id: *account_id,
            email: email.clone(),
            establishments: establishments.clone(),
        }),
        _ => None,
    })
}

/// No known address to point to: a UAI no establishment has, or a domain that looks mistyped.
fn unresolved(findings: &[Finding]) -> Option<Verdict> {
    findings.iter().find_map(|finding| match finding {
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
}
