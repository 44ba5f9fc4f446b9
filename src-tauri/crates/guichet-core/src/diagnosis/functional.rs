//! Functional addresses, `ce.<UAI>@ac-<académie>.fr`: the UAI a local part stands for, and
//! what the address says against the establishment and the académie it names.

use crate::model::academie::{self, Academie};
use crate::model::uai::{Uai, UaiError};

use super::book::{AddressBook, Query};
use super::report::{DomainCheck, EstablishmentRef, Finding, UaiProblem};
use super::syntax;

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
pub(super) fn finding(
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
