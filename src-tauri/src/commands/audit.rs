//! The audit journal: filtered reading and the CSV export.

use guichet_core::audit::{AuditEntry, AuditFilter};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn audit_entries(
    state: State<'_, AppState>,
    filter: AuditFilter,
) -> CommandResult<Vec<AuditEntry>> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.audit_entries(&session, &filter).await?)
}

/// Writes the filtered journal as CSV in the agent's downloads folder; returns the file's path.
#[tauri::command]
#[specta::specta]
pub async fn export_audit_csv(
    state: State<'_, AppState>,
    filter: AuditFilter,
) -> CommandResult<String> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet
        .export_audit_file(&session, &filter)
        .await?
        .display()
        .to_string())
}
