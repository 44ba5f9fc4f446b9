//! Guichet SIEC, the helpdesk's desktop console: a thin Tauri shell over `guichet-core`.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod error;
mod state;

use guichet_core::Gate;
use tauri::Manager;

use crate::error::CommandError;
use crate::state::AppState;

fn main() {
    #[cfg(target_os = "linux")]
    web_process_without_jit();
    tracing_subscriber::fmt()
        .with_env_filter(guichet_core::mailbox::SECRET_LOG_TARGETS.iter().fold(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
            |filter, target| {
                filter.add_directive(format!("{target}=off").parse().expect("a directive"))
            },
        ))
        .init();
    let builder = commands::builder::<tauri::Wry>();
    let settings = guichet_core::Settings::from_env().map_err(CommandError::from);
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(AppState::new(settings))
        .invoke_handler(builder.invoke_handler())
        .setup(|app| {
            #[cfg(target_os = "linux")]
            if let Some(window) = app.get_webview_window("main") {
                lighten(&window);
            }
            // Open the database (and fill the demo one) while the window draws. A standalone
            // database serves every agent of the window through one Guichet, whose search
            // index and change events start now; in shared mode they start at each sign-in.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let state = handle.state::<AppState>();
                if let Ok(Gate::Standalone(guichet)) = state.gate().await {
                    state::run_in_background(handle.clone(), guichet.clone());
                }
            });
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("the Tauri runtime failed to start");
}

/// WebKit's web process takes JavaScriptCore's options from the environment it inherits from this
/// process, the only way to reach them. The window runs the app's own bundle, a few small renders
/// per call: JavaScriptCore's interpreter draws them as fast to the eye (launch and search answers
/// measured the same), and the web process keeps no compiled code, about 40 MB less after 100
/// searches (`scripts/bench-desktop`). A value set by the user wins.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn web_process_without_jit() {
    if std::env::var_os("JSC_useJIT").is_none() {
        // SAFETY: the first statement of `main`, before any thread starts: nothing else reads
        // or writes the environment meanwhile.
        unsafe { std::env::set_var("JSC_useJIT", "false") };
    }
}

/// A form-filling window open all day needs neither browser caches nor GPU compositing: the
/// document-viewer cache model keeps WebKit's memory caches small, and drawing without
/// compositing spares the web process its OpenGL layers (about 100 MB under Xvfb, measured by
/// `scripts/bench-desktop`; see `docs/BENCHMARKS.md`).
#[cfg(target_os = "linux")]
fn lighten(window: &tauri::WebviewWindow) {
    let applied = window.with_webview(|webview| {
        use webkit2gtk::{
            CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt,
        };
        if let Some(context) = webview.inner().context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
        if let Some(settings) = webview.inner().settings() {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
    if let Err(error) = applied {
        tracing::warn!("webview settings not applied: {error}");
    }
}
