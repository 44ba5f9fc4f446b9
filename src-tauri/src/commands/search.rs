//! Searching establishments and addresses.

use guichet_core::search::SearchResponse;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn search(
    state: State<'_, AppState>,
    query: String,
    limit: u32,
) -> CommandResult<SearchResponse> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.search(&session, &query, limit as usize).await?)
}
