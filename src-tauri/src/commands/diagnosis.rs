//! The « adresse non reconnue » diagnosis.

use guichet_core::diagnosis::Diagnosis;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn diagnose(state: State<'_, AppState>, email: String) -> CommandResult<Diagnosis> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.diagnose(&session, &email).await?)
}
