//! Adding, attaching, detaching and promoting addresses, and an establishment's timeline.

use guichet_core::associations::{CheckedEmail, Confirmation};
use guichet_core::audit::AuditEntry;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

/// The address as it would be saved (trimmed, domain in lower case) with what to check in it
/// (look-alike characters), or why it is not one.
#[tauri::command]
#[specta::specta]
pub fn normalise_email(email: String) -> CommandResult<CheckedEmail> {
    Ok(guichet_core::associations::check_email(&email)?)
}

#[tauri::command]
#[specta::specta]
pub async fn attach(
    state: State<'_, AppState>,
    email: String,
    uais: Vec<String>,
    principal: bool,
    expected_version: Option<i32>,
    note: Option<String>,
) -> CommandResult<Confirmation> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet
        .attach(
            &session,
            &email,
            &uais,
            principal,
            expected_version,
            note.as_deref(),
        )
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn detach(
    state: State<'_, AppState>,
    email: String,
    uai: String,
    new_principal: Option<String>,
    expected_version: Option<i32>,
    note: Option<String>,
) -> CommandResult<Confirmation> {
    let (guichet, session) = state.signed_in().await?;
    let new_principal = new_principal.as_deref();
    Ok(guichet
        .detach(
            &session,
            &email,
            &uai,
            new_principal,
            expected_version,
            note.as_deref(),
        )
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_principal(
    state: State<'_, AppState>,
    uai: String,
    email: String,
    expected_version: Option<i32>,
    note: Option<String>,
) -> CommandResult<Confirmation> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet
        .set_principal(&session, &uai, &email, expected_version, note.as_deref())
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn timeline(state: State<'_, AppState>, uai: String) -> CommandResult<Vec<AuditEntry>> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.timeline(&session, &uai).await?)
}
