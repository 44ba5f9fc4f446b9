//! An establishment's page.

use guichet_core::model::establishment::Establishment;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn establishment(
    state: State<'_, AppState>,
    uai: String,
) -> CommandResult<Establishment> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.establishment(&session, &uai).await?)
}
