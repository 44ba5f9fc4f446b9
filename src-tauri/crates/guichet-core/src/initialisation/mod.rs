//! The « Suivi des initialisations »: where each establishment of a population stands with its
//! principal address, counted by state, so that the SIEC sees before an exam session who has
//! not initialised a password yet.

mod population;
mod state;

pub use population::{Population, PopulationError, PopulationInput};
pub use state::{
    EstablishmentState, FactsPattern, InitState, InitialisationReport, PrincipalFacts, StateCounts,
    to_csv,
};
