//! The app's own state: is the database open, which one.

use guichet_core::model::database::{Backend, Mode};
use serde::Serialize;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[derive(Debug, Serialize, specta::Type)]
pub struct AppStatus {
    pub backend: Backend,
    /// Standalone (one PC) or shared (each agent a PostgreSQL role).
    pub mode: Mode,
    /// The embedded demonstration database rather than the SIEC's.
    pub demo: bool,
    pub version: String,
    /// Idle time after which the window locks.
    pub idle_lock_seconds: u32,
    /// For a demonstration database, where its mail goes (never to the outside world).
    pub demo_mail: Option<String>,
}

/// Waits for the database to be open; its error is the reason the window cannot work.
#[tauri::command]
#[specta::specta]
pub async fn app_status<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
) -> CommandResult<AppStatus> {
    let gate = state.gate().await?;
    Ok(AppStatus {
        backend: gate.backend(),
        mode: gate.mode(),
        demo: gate.settings().uses_embedded_database(),
        version: app.package_info().version.to_string(),
        idle_lock_seconds: gate.settings().idle_lock_seconds,
        demo_mail: gate.demo_mail().await?,
    })
}
