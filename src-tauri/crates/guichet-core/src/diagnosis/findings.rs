//! The findings of a well-formed address, from what the address book holds about it and what
//! its functional form says, most useful first.

use crate::model::academie;

use super::book::{self, Found, Query};
use super::distance;
use super::report::{Finding, NearKind};

/// The findings of a well-formed address, most useful first.
pub(super) fn ranked(query: &Query, found: Found, functional: Option<Finding>) -> Vec<Finding> {
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
