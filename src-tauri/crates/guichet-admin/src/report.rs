//! `report initialisation`: how many establishments of a population are in each state of their
//! principal address (the « Suivi des initialisations » of the window). Read-only: an agent
//! signs in only when given (always, on a shared database).

use guichet_core::Settings;
use guichet_core::initialisation::{InitState, InitialisationReport, PopulationInput};
use serde_json::json;

use crate::output::{self, Failure, Output, Reading};

#[derive(Debug, clap::Subcommand)]
pub enum ReportCommand {
    /// Établissements par état de leur adresse principale : sans adresse, jamais initialisée,
    /// lien en attente, lien expiré, initialisée.
    Initialisation {
        #[command(flatten)]
        population: Population,
        #[command(flatten)]
        reading: Reading,
    },
}

/// The population's filters; each may be repeated, and a value of any of its kinds fits.
#[derive(Debug, Clone, clap::Args)]
pub struct Population {
    /// Académie, par son nom (« Créteil » ; accents et majuscules indifférents).
    #[arg(long = "academie", value_name = "NOM")]
    pub academies: Vec<String>,
    /// Département, par son code (75, 974, 2A).
    #[arg(long = "departement", value_name = "CODE")]
    pub departments: Vec<String>,
    /// Type d’établissement : lycee, college, ecole, cio, erea, autre.
    #[arg(long = "type", value_name = "TYPE")]
    pub kinds: Vec<String>,
    /// Secteur : public ou prive.
    #[arg(long = "secteur", value_name = "SECTEUR")]
    pub sectors: Vec<String>,
}

impl Population {
    pub fn input(&self) -> PopulationInput {
        PopulationInput {
            academies: self.academies.clone(),
            departments: self.departments.clone(),
            kinds: self.kinds.clone(),
            sectors: self.sectors.clone(),
        }
    }
}

pub async fn run(settings: Settings, command: ReportCommand) -> Result<Output, Failure> {
    let ReportCommand::Initialisation {
        population,
        reading,
    } = command;
    let (guichet, session) = output::reader(settings, reading.agent.as_deref()).await?;
    let report = guichet
        .initialisation_report(&session, &population.input())
        .await?;
    Ok(Output {
        text: describe(&report),
        json: json!(report),
    })
}

fn describe(report: &InitialisationReport) -> String {
    let mut text = format!("{} établissements\n", report.total);
    for state in InitState::ALL {
        text.push_str(&format!(
            "  {:<32} {:>8}\n",
            state.label(),
            report.states.get(state)
        ));
    }
    text
}
