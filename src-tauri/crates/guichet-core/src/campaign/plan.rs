//! What a campaign's plan is made of: the population and the states it reaches, and for each
//! establishment found either the address its link goes to or why it is skipped.

use serde::{Deserialize, Serialize};

use crate::initialisation::{InitState, PopulationError, PopulationInput};
use crate::model::uai::Uai;

/// The states a campaign reaches when none is named: nobody ever sent a link, or the last one
/// expired unused.
pub const DEFAULT_STATES: [InitState; 2] = [InitState::NeverInitialised, InitState::LinkExpired];

/// A plan as asked for, on the command line or in the window: the population, and the states
/// (their codes, `jamais-initialise` and `lien-expire` when empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct PlanInput {
    pub population: PopulationInput,
    pub states: Vec<String>,
}

impl PlanInput {
    /// The states named, checked, without repeats; the default ones when none is.
    pub fn states(&self) -> Result<Vec<InitState>, PopulationError> {
        let mut states = Vec::new();
        for typed in self
            .states
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
        {
            let state = InitState::from_code(&crate::text::fold(typed))
                .ok_or_else(|| PopulationError::UnknownState(typed.into()))?;
            if !states.contains(&state) {
                states.push(state);
            }
        }
        if states.is_empty() {
            states.extend(DEFAULT_STATES);
        }
        Ok(states)
    }
}

/// Why an establishment of the plan gets no link: the stable codes of the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
pub enum SkipReason {
    /// No principal address to send to.
    #[serde(rename = "sans-adresse")]
    NoAddress,
    /// A link went (or waits in the outbox) less than the portal's throttle ago: a new one
    /// would make it unusable.
    #[serde(rename = "lien-recent")]
    RecentLink,
    /// The last message to the address was refused for good by the mail server.
    #[serde(rename = "adresse-rejetee")]
    AddressRejected,
    /// The establishment is closed.
    #[serde(rename = "ferme")]
    Closed,
    /// The address already set its password (the plan reaches `initialise` too).
    #[serde(rename = "initialise")]
    Initialised,
}

impl SkipReason {
    pub const ALL: [SkipReason; 5] = [
        SkipReason::NoAddress,
        SkipReason::RecentLink,
        SkipReason::AddressRejected,
        SkipReason::Closed,
        SkipReason::Initialised,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SkipReason::NoAddress => "sans-adresse",
            SkipReason::RecentLink => "lien-recent",
            SkipReason::AddressRejected => "adresse-rejetee",
            SkipReason::Closed => "ferme",
            SkipReason::Initialised => "initialise",
        }
    }

    pub fn from_code(code: &str) -> Option<SkipReason> {
        SkipReason::ALL
            .into_iter()
            .find(|reason| reason.code() == code)
    }

    /// As the window and the report say it.
    pub fn label(self) -> &'static str {
        match self {
            SkipReason::NoAddress => "Pas d’adresse principale",
            SkipReason::RecentLink => "Lien envoyé il y a moins d’une heure",
            SkipReason::AddressRejected => "Adresse rejetée par le serveur de messagerie",
            SkipReason::Closed => "Établissement fermé",
            SkipReason::Initialised => "Déjà initialisé",
        }
    }
}

/// What the database says of an establishment when a plan is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanFacts {
    pub state: InitState,
    pub closed: bool,
    /// A link minted less than the throttle ago, or one still waiting to leave.
    pub recent_link: bool,
    /// The newest message to the principal address failed for good.
    pub rejected: bool,
}

impl PlanFacts {
    /// Why the establishment is skipped, or `None` when it is sent a link. The first reason
    /// that holds is the one said: a closed establishment is closed, whatever its address.
    pub fn skip_reason(self) -> Option<SkipReason> {
        if self.closed {
            Some(SkipReason::Closed)
        } else if self.state == InitState::NoAddress {
            Some(SkipReason::NoAddress)
        } else if self.state == InitState::Initialised {
            Some(SkipReason::Initialised)
        } else if self.rejected {
            Some(SkipReason::AddressRejected)
        } else if self.recent_link {
            Some(SkipReason::RecentLink)
        } else {
            None
        }
    }
}

/// One establishment of a plan, as the store freezes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedTarget {
    pub uai: Uai,
    pub account_id: Option<i32>,
    pub email: Option<String>,
    pub skip: Option<SkipReason>,
}

/// An establishment the plan skips (the JSON of `campaign plan`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Skipped {
    pub uai: Uai,
    pub email: Option<String>,
    pub reason: SkipReason,
}

/// A plan once frozen: `campaign plan --json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct CampaignPlan {
    pub campaign: i32,
    pub to_send: u32,
    pub skipped: Vec<Skipped>,
}

impl CampaignPlan {
    pub fn of(campaign: i32, targets: &[PlannedTarget]) -> CampaignPlan {
        // One message per address: establishments sharing a principal address share its link.
        let to_send = targets
            .iter()
            .filter(|t| t.skip.is_none())
            .filter_map(|t| t.account_id)
            .collect::<std::collections::HashSet<_>>()
            .len();
        CampaignPlan {
            campaign,
            to_send: u32::try_from(to_send).unwrap_or(u32::MAX),
            skipped: targets
                .iter()
                .filter_map(|t| {
                    t.skip.map(|reason| Skipped {
                        uai: t.uai.clone(),
                        email: t.email.clone(),
                        reason,
                    })
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(state: InitState) -> PlanFacts {
        PlanFacts {
            state,
            closed: false,
            recent_link: false,
            rejected: false,
        }
    }

    #[test]
    fn each_fact_skips_for_its_reason_the_first_that_holds() {
        assert_eq!(facts(InitState::NeverInitialised).skip_reason(), None);
        assert_eq!(facts(InitState::LinkExpired).skip_reason(), None);
        assert_eq!(
            facts(InitState::NoAddress).skip_reason(),
            Some(SkipReason::NoAddress)
        );
        assert_eq!(
            facts(InitState::Initialised).skip_reason(),
            Some(SkipReason::Initialised)
        );
        let recent = PlanFacts {
            recent_link: true,
            ..facts(InitState::LinkPending)
        };
        assert_eq!(recent.skip_reason(), Some(SkipReason::RecentLink));
        let rejected = PlanFacts {
            rejected: true,
            ..recent
        };
        assert_eq!(rejected.skip_reason(), Some(SkipReason::AddressRejected));
        let closed = PlanFacts {
            closed: true,
            ..facts(InitState::NoAddress)
        };
        assert_eq!(closed.skip_reason(), Some(SkipReason::Closed));
    }

    #[test]
    fn states_default_to_the_never_initialised_and_the_expired() {
        assert_eq!(PlanInput::default().states().unwrap(), DEFAULT_STATES);
        let input = PlanInput {
            states: vec![
                " lien-expire".into(),
                "Sans-Adresse".into(),
                "lien-expire".into(),
            ],
            ..PlanInput::default()
        };
        assert_eq!(
            input.states().unwrap(),
            [InitState::LinkExpired, InitState::NoAddress]
        );
        let input = PlanInput {
            states: vec!["expire".into()],
            ..PlanInput::default()
        };
        assert_eq!(
            input.states(),
            Err(PopulationError::UnknownState("expire".into()))
        );
    }

    #[test]
    fn reason_codes_read_back() {
        for reason in SkipReason::ALL {
            assert_eq!(SkipReason::from_code(reason.code()), Some(reason));
            assert_eq!(
                serde_json::to_value(reason).unwrap(),
                serde_json::json!(reason.code())
            );
        }
        assert_eq!(SkipReason::from_code("recent"), None);
    }
}
