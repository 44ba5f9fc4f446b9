//! The commands the window invokes, grouped by feature. Each one only translates: it takes the
//! state, calls the core, and converts the error.

pub mod agents;
pub mod annuaire;
pub mod app;
pub mod associations;
pub mod audit;
pub mod campaigns;
pub mod diagnosis;
pub mod establishments;
pub mod initialisation;
pub mod links;
pub mod search;
pub mod settings;

use tauri::Runtime;
use tauri_specta::collect_commands;

use crate::state::CHANGE_EVENT;

/// Every command, for the invoke handler and for the generated TypeScript bindings.
pub fn builder<R: Runtime>() -> tauri_specta::Builder<R> {
    tauri_specta::Builder::<R>::new()
        .typ::<guichet_core::live_index::Change>()
        .typ::<annuaire::AnnuaireProgress>()
        .constant("CHANGE_EVENT", CHANGE_EVENT)
        .constant("ANNUAIRE_PROGRESS_EVENT", annuaire::ANNUAIRE_PROGRESS_EVENT)
        .commands(collect_commands![
            app::app_status::<tauri::Wry>,
            agents::auth_status,
            agents::sign_in::<tauri::Wry>,
            agents::sign_out,
            agents::create_first_supervisor::<tauri::Wry>,
            agents::keep_awake,
            agents::unlock,
            agents::change_password,
            agents::password_rules,
            agents::agents,
            agents::add_agent,
            agents::set_agent_role,
            agents::set_agent_disabled,
            audit::audit_entries,
            audit::export_audit_csv,
            search::search,
            establishments::establishment,
            establishments::open_establishment,
            establishments::recent_establishments,
            associations::normalise_email,
            associations::attach,
            associations::detach,
            associations::set_principal,
            associations::timeline,
            diagnosis::diagnose,
            initialisation::initialisation_report,
            initialisation::initialisation_establishments,
            initialisation::export_initialisation_csv,
            initialisation::academies,
            campaigns::plan_campaign,
            campaigns::start_campaign,
            campaigns::change_campaign,
            campaigns::campaigns,
            campaigns::export_campaign_csv,
            links::send_link,
            links::address_links,
            links::check_link,
            links::sending_status,
            settings::settings_view,
            settings::save_settings,
            settings::set_secret,
            settings::test_database,
            settings::test_smtp,
            annuaire::choose_annuaire_file::<tauri::Wry>,
            annuaire::annuaire_dry_run::<tauri::Wry>,
            annuaire::export_annuaire_csv::<tauri::Wry>,
            annuaire::import_annuaire::<tauri::Wry>,
        ])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the generated bindings live, committed so that the UI builds without Rust.
    const BINDINGS_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/bindings.ts");

    /// Writes the TypeScript bindings of every command and type to `path`.
    fn export_bindings(path: &std::path::Path) -> Result<(), String> {
        let typescript = specta_typescript::Typescript::default()
        .header("// Generated from the Rust commands by `cargo test -p guichet` (UPDATE_BINDINGS=1). Do not edit.\n");
        builder::<tauri::Wry>()
            .export(typescript, path)
            .map_err(|error| error.to_string())
    }

    /// The committed bindings are exactly what the commands generate: a changed command or type
    /// fails here until `UPDATE_BINDINGS=1 cargo test -p guichet` rewrites them.
    #[test]
    fn bindings_are_up_to_date() {
        let committed = std::path::Path::new(BINDINGS_PATH);
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            export_bindings(committed).expect("bindings written");
        }
        let dir = tempfile::tempdir().expect("temporary directory");
        let fresh = dir.path().join("bindings.ts");
        export_bindings(&fresh).expect("bindings generated");
        let fresh = std::fs::read_to_string(fresh).expect("generated bindings");
        let committed = std::fs::read_to_string(committed).unwrap_or_default();
        assert!(
            fresh == committed,
            "ui/src/bindings.ts is stale: run UPDATE_BINDINGS=1 cargo test -p guichet"
        );
    }
}
