//! The « Suivi des initialisations », for every role: a population's establishments counted by
//! the state of their principal address, each state's list, and the export.

use chrono::Utc;

use super::Guichet;
use crate::agents::{Permission, Session};
use crate::error::Result;
use crate::initialisation::{
    EstablishmentState, InitState, InitialisationReport, Population, PopulationInput, to_csv,
};
use crate::portal_time::to_portal;

/// The most establishments a state's list shows at once; the export has them all.
pub const LIST_LIMIT: u32 = 500;

impl Guichet {
    /// How many establishments of the population are in each state, now.
    pub async fn initialisation_report(
        &self,
        session: &Session,
        input: &PopulationInput,
    ) -> Result<InitialisationReport> {
        self.require(session, Permission::Read).await?;
        let population = Population::parse(input)?;
        let now = Utc::now();
        let tz = self.portal_timezone().await?;
        let counts = self
            .store()
            .initialisation_counts(&population, to_portal(tz, now))
            .await?;
        Ok(InitialisationReport::new(counts, now))
    }

    /// The establishments of the population in `state`, by UAI, at most [`LIST_LIMIT`].
    pub async fn initialisation_establishments(
        &self,
        session: &Session,
        input: &PopulationInput,
        state: InitState,
    ) -> Result<Vec<EstablishmentState>> {
        self.require(session, Permission::Read).await?;
        let population = Population::parse(input)?;
        self.establishments_in(&population, Some(state), LIST_LIMIT)
            .await
    }

    /// Every establishment of the population with its state, as CSV for French Excel.
    pub async fn initialisation_csv(
        &self,
        session: &Session,
        input: &PopulationInput,
    ) -> Result<String> {
        self.require(session, Permission::Read).await?;
        let population = Population::parse(input)?;
        let all = self.establishments_in(&population, None, u32::MAX).await?;
        Ok(to_csv(&all))
    }

    /// [`Guichet::initialisation_csv`] written in the agent's downloads folder; returns the
    /// file's path.
    pub async fn export_initialisation_file(
        &self,
        session: &Session,
        input: &PopulationInput,
    ) -> Result<std::path::PathBuf> {
        let csv = self.initialisation_csv(session, input).await?;
        self.write_export("initialisations-guichet", csv).await
    }

    async fn establishments_in(
        &self,
        population: &Population,
        state: Option<InitState>,
        limit: u32,
    ) -> Result<Vec<EstablishmentState>> {
        let tz = self.portal_timezone().await?;
        self.store()
            .initialisation_establishments(population, state, to_portal(tz, Utc::now()), limit)
            .await
    }
}
