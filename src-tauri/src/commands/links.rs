//! Reset links: ask for one, an address's ledger, the diagnosis of a pasted link, and whether
//! the links leave.

use guichet_core::links::ledger::{AddressLinks, LinkCheck, LinkSent};
use guichet_core::sender::SendingStatus;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn send_link(
    state: State<'_, AppState>,
    email: String,
    note: Option<String>,
) -> CommandResult<LinkSent> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.send_link(&session, &email, note.as_deref()).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn address_links(
    state: State<'_, AppState>,
    email: String,
) -> CommandResult<AddressLinks> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.address_links(&session, &email).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn check_link(state: State<'_, AppState>, input: String) -> CommandResult<LinkCheck> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.check_link(&session, &input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn sending_status(state: State<'_, AppState>) -> CommandResult<SendingStatus> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.sending_status(&session).await?)
}
