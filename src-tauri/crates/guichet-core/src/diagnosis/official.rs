//! The Annuaire de l'éducation's official addresses: an address a caller gives that is an
//! establishment's official `Mail` belongs there, attached or not.

use super::report::{Diagnosis, EstablishmentRef, Explained, Finding, NextStep, Step};

impl Diagnosis {
    /// Adds what the Annuaire says of the typed address: `establishments` are those whose
    /// official address it is. Attaching it to one it is not yet attached to comes first.
    pub fn with_official(mut self, establishments: Vec<EstablishmentRef>) -> Diagnosis {
        let Some(typed) = self.normalised.clone() else {
            return self;
        };
        let known = self
            .findings
            .iter()
            .find_map(|explained| match &explained.finding {
                Finding::Exact {
                    email,
                    establishments,
                    ..
                } => Some((email.clone(), establishments.clone())),
                _ => None,
            });
        let mut steps = Vec::new();
        let mut findings = Vec::new();
        for establishment in establishments {
            let attached = known
                .as_ref()
                .is_some_and(|(_, list)| list.iter().any(|a| a.uai == establishment.uai));
            if !attached {
                let step = NextStep::Attach {
                    email: known
                        .as_ref()
                        .map_or(typed.clone(), |(email, _)| email.clone()),
                    known: known.is_some(),
                    establishment: Some(establishment.clone()),
                };
                steps.push(Step {
                    label: step.label(),
                    step,
                });
            }
            let finding = Finding::OfficialMail {
                establishment,
                attached,
            };
            findings.push(Explained {
                message: finding.message(),
                finding,
            });
        }
        self.steps.retain(|step| !steps.contains(step));
        steps.append(&mut self.steps);
        self.steps = steps;
        findings.append(&mut self.findings);
        self.findings = findings;
        self
    }
}
