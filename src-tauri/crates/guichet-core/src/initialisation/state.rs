//! Where an establishment stands with its principal address, and the counts of a population.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::uai::Uai;

/// An establishment's state, from its principal address: the stable codes the command line, the
/// CSV export and the campaigns use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
pub enum InitState {
    /// No principal address: nobody can sign in for it.
    #[serde(rename = "sans-adresse")]
    NoAddress,
    /// A principal address that never set its password and never got a link.
    #[serde(rename = "jamais-initialise")]
    NeverInitialised,
    /// A link sent and still valid.
    #[serde(rename = "lien-en-attente")]
    LinkPending,
    /// The newest link expired without being used.
    #[serde(rename = "lien-expire")]
    LinkExpired,
    #[serde(rename = "initialise")]
    Initialised,
}

impl InitState {
    pub const ALL: [InitState; 5] = [
        InitState::NoAddress,
        InitState::NeverInitialised,
        InitState::LinkPending,
        InitState::LinkExpired,
        InitState::Initialised,
    ];

    pub fn code(self) -> &'static str {
        match self {
            InitState::NoAddress => "sans-adresse",
            InitState::NeverInitialised => "jamais-initialise",
            InitState::LinkPending => "lien-en-attente",
            InitState::LinkExpired => "lien-expire",
            InitState::Initialised => "initialise",
        }
    }

    pub fn from_code(code: &str) -> Option<InitState> {
        InitState::ALL
            .into_iter()
            .find(|state| state.code() == code.trim())
    }

    /// As the dashboard and the export name it.
    pub fn label(self) -> &'static str {
        match self {
            InitState::NoAddress => "Sans adresse principale",
            InitState::NeverInitialised => "Jamais initialisé, aucun lien",
            InitState::LinkPending => "Lien en attente",
            InitState::LinkExpired => "Lien expiré sans être utilisé",
            InitState::Initialised => "Initialisé",
        }
    }

    /// The state of an establishment from what is known of its principal address.
    pub fn of(facts: PrincipalFacts) -> InitState {
        match facts {
            PrincipalFacts {
                has_principal: false,
                ..
            } => InitState::NoAddress,
            PrincipalFacts {
                initialised: true, ..
            } => InitState::Initialised,
            PrincipalFacts {
                has_link: false, ..
            } => InitState::NeverInitialised,
            PrincipalFacts {
                link_valid: true, ..
            } => InitState::LinkPending,
            PrincipalFacts { .. } => InitState::LinkExpired,
        }
    }

    /// The facts that put an establishment in this state, as a pattern the store filters on:
    /// `None` where the fact does not matter.
    pub fn pattern(self) -> FactsPattern {
        let pattern = |initialised, has_link, link_valid| FactsPattern {
            has_principal: self != InitState::NoAddress,
            initialised,
            has_link,
            link_valid,
        };
        match self {
            InitState::NoAddress => pattern(None, None, None),
            InitState::Initialised => pattern(Some(true), None, None),
            InitState::NeverInitialised => pattern(Some(false), Some(false), None),
            InitState::LinkPending => pattern(Some(false), Some(true), Some(true)),
            InitState::LinkExpired => pattern(Some(false), Some(true), Some(false)),
        }
    }
}

/// What the database says of an establishment's principal address: whether it has one, whether
/// its password is set, whether it ever got a link, and whether the newest is still valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrincipalFacts {
    pub has_principal: bool,
    pub initialised: bool,
    pub has_link: bool,
    pub link_valid: bool,
}

/// The facts of one state, `None` where any value fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FactsPattern {
    pub has_principal: bool,
    pub initialised: Option<bool>,
    pub has_link: Option<bool>,
    pub link_valid: Option<bool>,
}

impl FactsPattern {
    /// What the store's SQL does with a pattern, for the test that proves the patterns right.
    #[cfg(test)]
    fn matches(&self, facts: PrincipalFacts) -> bool {
        let fits = |wanted: Option<bool>, value: bool| wanted.is_none_or(|w| w == value);
        self.has_principal == facts.has_principal
            && fits(self.initialised, facts.initialised)
            && fits(self.has_link, facts.has_link)
            && fits(self.link_valid, facts.link_valid)
    }
}

/// How many establishments are in each state, named as `report initialisation --json` prints them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct StateCounts {
    #[serde(rename = "sans-adresse")]
    pub no_address: u32,
    #[serde(rename = "jamais-initialise")]
    pub never_initialised: u32,
    #[serde(rename = "lien-en-attente")]
    pub link_pending: u32,
    #[serde(rename = "lien-expire")]
    pub link_expired: u32,
    #[serde(rename = "initialise")]
    pub initialised: u32,
}

impl StateCounts {
    pub fn get(&self, state: InitState) -> u32 {
        match state {
            InitState::NoAddress => self.no_address,
            InitState::NeverInitialised => self.never_initialised,
            InitState::LinkPending => self.link_pending,
            InitState::LinkExpired => self.link_expired,
            InitState::Initialised => self.initialised,
        }
    }

    pub fn add(&mut self, state: InitState, count: u32) {
        let slot = match state {
            InitState::NoAddress => &mut self.no_address,
            InitState::NeverInitialised => &mut self.never_initialised,
            InitState::LinkPending => &mut self.link_pending,
            InitState::LinkExpired => &mut self.link_expired,
            InitState::Initialised => &mut self.initialised,
        };
        *slot += count;
    }

    pub fn total(&self) -> u32 {
        InitState::ALL
            .into_iter()
            .map(|state| self.get(state))
            .sum()
    }
}

/// The dashboard's figures for a population: the states add up to the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct InitialisationReport {
    pub total: u32,
    pub states: StateCounts,
    /// When the figures were read.
    pub at: DateTime<Utc>,
}

impl InitialisationReport {
    pub fn new(states: StateCounts, at: DateTime<Utc>) -> InitialisationReport {
        InitialisationReport {
            total: states.total(),
            states,
            at,
        }
    }
}

/// One establishment of a state's list, and of the export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct EstablishmentState {
    pub uai: Uai,
    pub name: String,
    pub town: String,
    pub academie: String,
    pub principal_email: Option<String>,
    pub state: InitState,
}

/// The establishments of a report as a CSV file for French Excel.
pub fn to_csv(establishments: &[EstablishmentState]) -> String {
    let mut out = crate::csv_export::document(&[
        "UAI",
        "Établissement",
        "Commune",
        "Académie",
        "Adresse principale",
        "État",
    ]);
    for e in establishments {
        crate::csv_export::push_row(
            &mut out,
            [
                e.uai.to_string(),
                e.name.clone(),
                e.town.clone(),
                e.academie.clone(),
                e.principal_email.clone().unwrap_or_default(),
                e.state.label().to_string(),
            ],
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(
        has_principal: bool,
        initialised: bool,
        has_link: bool,
        link_valid: bool,
    ) -> PrincipalFacts {
        PrincipalFacts {
            has_principal,
            initialised,
            has_link,
            link_valid,
        }
    }

    #[test]
    fn the_principal_address_decides_the_state() {
        assert_eq!(
            InitState::of(facts(false, true, true, true)),
            InitState::NoAddress
        );
        assert_eq!(
            InitState::of(facts(true, true, true, false)),
            InitState::Initialised
        );
        assert_eq!(
            InitState::of(facts(true, false, false, false)),
            InitState::NeverInitialised
        );
        assert_eq!(
            InitState::of(facts(true, false, true, true)),
            InitState::LinkPending
        );
        assert_eq!(
            InitState::of(facts(true, false, true, false)),
            InitState::LinkExpired
        );
    }

    /// The store filters a state's list on its pattern: every combination of facts matches the
    /// pattern of its own state and of no other.
    #[test]
    fn each_state_pattern_matches_exactly_the_facts_of_that_state() {
        for bits in 0..16u8 {
            let f = facts(bits & 1 != 0, bits & 2 != 0, bits & 4 != 0, bits & 8 != 0);
            let matching: Vec<InitState> = InitState::ALL
                .into_iter()
                .filter(|s| s.pattern().matches(f))
                .collect();
            assert_eq!(matching, [InitState::of(f)], "{f:?}");
        }
    }

    #[test]
    fn codes_read_back_and_counts_add_up() {
        let mut counts = StateCounts::default();
        for (n, state) in InitState::ALL.into_iter().enumerate() {
            assert_eq!(InitState::from_code(state.code()), Some(state));
            counts.add(state, n as u32 + 1);
        }
        assert_eq!(InitState::from_code("initialisé"), None);
        assert_eq!(counts.total(), 15);
        let json =
            serde_json::to_value(InitialisationReport::new(counts, Utc::now())).expect("json");
        assert_eq!(json["total"], 15);
        assert_eq!(json["states"]["sans-adresse"], 1);
        assert_eq!(json["states"]["initialise"], 5);
    }
}
