//! What the agent can do next ([`NextStep`]), pre-filled from the verdict: the window offers each step as a
//! button and in the palette, the first one under Entrée, so that the agent never retypes an
//! address the diagnosis already holds.

use super::report::{AttachedTo, EstablishmentRef, NextStep, Step, Verdict};

/// The steps a verdict calls for, the one the verdict's action names first. `typed` is the
/// typed address as it would be stored, when it is well-formed.
pub(super) fn steps_for(verdict: &Verdict, typed: Option<&str>) -> Vec<Step> {
    let add_typed = || typed.map(|email| attach(email, false, None));
    let mut steps: Vec<NextStep> = match verdict {
        Verdict::Invalid { repaired_known, .. } => {
            repaired_known.iter().map(|email| spelling(email)).collect()
        }
        Verdict::Known {
            email,
            establishments,
            ..
        } => std::iter::once(NextStep::SendLink {
            email: email.clone(),
        })
        .chain(opening(establishments))
        .collect(),
        Verdict::KnownUnattached { email, .. } => vec![attach(email, true, None)],
        Verdict::KnownNotAttachedToNamed {
            email,
            establishment,
            ..
        } => vec![attach(email, true, Some(establishment))],
        Verdict::AddFunctional {
            address,
            establishment,
        } => vec![attach(address, false, Some(establishment))],
        Verdict::ProbablyMeant {
            email,
            establishments,
            ..
        } => std::iter::once(spelling(email))
            .chain(opening(establishments))
            .collect(),
        Verdict::OtherDomain {
            email,
            establishments,
            ..
        } => std::iter::once(spelling(email))
            .chain(add_typed())
            .chain(opening(establishments))
            .collect(),
        Verdict::DomainTypo {
            suggestion: Some(domain),
            ..
        } => typed
            .and_then(|email| email.rsplit_once('@'))
            .map(|(local, _)| spelling(&format!("{local}@{domain}")))
            .into_iter()
            .collect(),
        Verdict::DomainTypo {
            suggestion: None, ..
        } => Vec::new(),
        Verdict::UnknownUai { .. } | Verdict::Unknown => add_typed().into_iter().collect(),
    };
    steps.dedup();
    steps
        .into_iter()
        .map(|step| Step {
            label: step.label(),
            step,
        })
        .collect()
}

fn attach(email: &str, known: bool, establishment: Option<&EstablishmentRef>) -> NextStep {
    NextStep::Attach {
        email: email.to_string(),
        known,
        establishment: establishment.cloned(),
    }
}

fn spelling(email: &str) -> NextStep {
    NextStep::UseSpelling {
        email: email.to_string(),
    }
}

fn opening(establishments: &[AttachedTo]) -> impl Iterator<Item = NextStep> + '_ {
    establishments.iter().map(|establishment| NextStep::Open {
        establishment: establishment.clone(),
    })
}

impl NextStep {
    /// The button's words, in French.
    pub fn label(&self) -> String {
        match self {
            NextStep::Attach {
                email,
                known: false,
                establishment: None,
            } => format!("Ajouter {email} et la rattacher à un établissement…"),
            NextStep::Attach {
                email,
                known: false,
                establishment: Some(target),
            } => format!(
                "Ajouter {email} et la rattacher à {} ({})…",
                target.name, target.uai
            ),
            NextStep::Attach {
                email,
                known: true,
                establishment: None,
            } => format!("Rattacher {email} à un établissement…"),
            NextStep::Attach {
                email,
                known: true,
                establishment: Some(target),
            } => format!("Rattacher {email} à {} ({})…", target.name, target.uai),
            NextStep::UseSpelling { email } => format!("Rechercher {email}"),
            NextStep::Open { establishment } => {
                format!("Ouvrir {} ({})", establishment.name, establishment.uai)
            }
            NextStep::SendLink { email } => {
                format!("Envoyer un lien d’initialisation à {email}…")
            }
        }
    }
}
