//! The « Suivi des initialisations »: a population's counts by state, a state's list, the export.

use guichet_core::initialisation::{
    EstablishmentState, InitState, InitialisationReport, PopulationInput,
};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn initialisation_report(
    state: State<'_, AppState>,
    population: PopulationInput,
) -> CommandResult<InitialisationReport> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.initialisation_report(&session, &population).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn initialisation_establishments(
    state: State<'_, AppState>,
    population: PopulationInput,
    init_state: InitState,
) -> CommandResult<Vec<EstablishmentState>> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet
        .initialisation_establishments(&session, &population, init_state)
        .await?)
}

/// Writes the population's establishments and states as CSV in the agent's downloads folder;
/// returns the file's path.
#[tauri::command]
#[specta::specta]
pub async fn export_initialisation_csv(
    state: State<'_, AppState>,
    population: PopulationInput,
) -> CommandResult<String> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet
        .export_initialisation_file(&session, &population)
        .await?
        .display()
        .to_string())
}

/// The académies' names, for the population's filter.
#[tauri::command]
#[specta::specta]
pub fn academies() -> Vec<String> {
    guichet_core::model::academie::all()
        .iter()
        .map(|academie| academie.name.clone())
        .collect()
}
