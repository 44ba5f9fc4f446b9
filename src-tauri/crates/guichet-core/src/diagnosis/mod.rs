//! The "adresse non reconnue" diagnosis: why an address a caller gives is not recognised, and
//! what the agent should do about it.
//!
//! Pure: the integrator keeps an [`AddressBook`] of every known address, calls
//! [`AddressBook::diagnose`] with a lookup of establishments by UAI, reads the attachments of
//! [`Draft::account_ids`] in one query and hands them to [`Draft::finish`].
//!
//! Here: the draft, from the typed address to the finished diagnosis. The address book is
//! `book`'s, reading the address `syntax`'s, functional addresses `functional`'s, the findings
//! `findings`', the Annuaire's official addresses `official`'s, the one conclusion `verdict`'s, the steps it calls for `steps`'; what is handed back is `report`'s, its French
//! `messages`'.

mod book;
mod distance;
mod findings;
mod functional;
mod messages;
mod official;
mod report;
mod steps;
mod syntax;
mod verdict;

use std::collections::HashMap;

use crate::model::uai::Uai;

pub use book::AddressBook;
pub use functional::functional_uai;
pub use report::{
    AttachedTo, Attachment, Diagnosis, DomainCheck, EstablishmentRef, Explained, Finding, NearKind,
    NextStep, Step, UaiProblem, Verdict,
};
pub use syntax::SyntaxProblem;

use book::Query;

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
        let functional = functional::finding(self, &query, &establishment);
        draft
            .findings
            .extend(findings::ranked(&query, found, functional));
        draft
    }
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
        let verdict = verdict::conclude(
            self.syntax.as_ref(),
            self.normalised.as_deref(),
            &findings,
            &attached,
        );
        let steps = steps::steps_for(&verdict, self.normalised.as_deref());
        Diagnosis {
            input: self.input,
            normalised: self.normalised,
            syntax: self.syntax,
            action: verdict.action(),
            steps,
            verdict,
            undelivered: None,
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

#[cfg(test)]
mod tests;
