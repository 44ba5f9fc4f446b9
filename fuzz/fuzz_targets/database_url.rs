//! A database address on any text, through everything that reads one without connecting: the
//! mode it implies (`names_no_user`), the settings that take it from the environment, and the
//! SQLite and PostgreSQL option parsers `Store::connect` hands it to. No panic.
#![no_main]

use std::path::PathBuf;
use std::str::FromStr;

use guichet_core::config::{Settings, StoredSettings};
use guichet_core::store::names_no_user;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let _ = names_no_user(input);
    let env = |name: &str| (name == "GUICHET_DATABASE_URL").then(|| input.to_string());
    if let Ok(settings) = Settings::resolve(&StoredSettings::default(), env, PathBuf::from("/tmp"))
    {
        if !input.trim().is_empty() {
            assert_eq!(settings.effective_database_url(), input.trim());
        }
    }
    match input.split_once(':').map(|(scheme, _)| scheme) {
        Some("sqlite") => {
            let _ = sqlx::sqlite::SqliteConnectOptions::from_str(input);
        }
        Some("postgres" | "postgresql") => {
            let _ = sqlx::postgres::PgConnectOptions::from_str(input);
        }
        _ => {}
    }
});
