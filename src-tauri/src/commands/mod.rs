//! The commands the window invokes, grouped by feature. Each one only translates: it takes the
//! state, calls the core, and converts the error.

pub mod app;
pub mod establishments;
pub mod search;

use tauri::Runtime;
use tauri_specta::collect_commands;

/// Every command, for the invoke handler and for the generated TypeScript bindings.
pub fn builder<R: Runtime>() -> tauri_specta::Builder<R> {
    tauri_specta::Builder::<R>::new().commands(collect_commands![
        app::app_status::<tauri::Wry>,
        search::search,
        establishments::establishment,
    ])
}
