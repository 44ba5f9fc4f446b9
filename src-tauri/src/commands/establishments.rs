//! An establishment's page, and the establishments the agent opened or changed recently.

use guichet_core::model::establishment::Establishment;
use guichet_core::recent::RecentEstablishment;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

/// The page as it is now, without noting it: a reload after a change.
#[tauri::command]
#[specta::specta]
pub async fn establishment(
    state: State<'_, AppState>,
    uai: String,
) -> CommandResult<Establishment> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.establishment(&session, &uai).await?)
}

/// The page the agent opens, noted among its recent establishments.
#[tauri::command]
#[specta::specta]
pub async fn open_establishment(
    state: State<'_, AppState>,
    uai: String,
) -> CommandResult<Establishment> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.open_establishment(&session, &uai).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn recent_establishments(
    state: State<'_, AppState>,
) -> CommandResult<Vec<RecentEstablishment>> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.recent_establishments(&session).await?)
}
