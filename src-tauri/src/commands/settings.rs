//! The settings screen: read, save (this PC's and the database's sending settings), secrets
//! (write-only) and connection tests.

use guichet_core::config::StoredSettings;
use guichet_core::mail::sending::SendingForm;
use guichet_core::operations::settings::SettingsView;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn settings_view(state: State<'_, AppState>) -> CommandResult<SettingsView> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.settings_view(&session).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_settings(
    state: State<'_, AppState>,
    values: StoredSettings,
    sending: SendingForm,
) -> CommandResult<String> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.save_settings(&session, values, sending).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_secret(
    state: State<'_, AppState>,
    name: String,
    value: String,
) -> CommandResult<String> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.set_secret(&session, &name, value).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn test_database(
    state: State<'_, AppState>,
    url: Option<String>,
) -> CommandResult<String> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.test_database(&session, url).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn test_smtp(state: State<'_, AppState>, url: Option<String>) -> CommandResult<String> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.test_smtp(&session, url).await?)
}
