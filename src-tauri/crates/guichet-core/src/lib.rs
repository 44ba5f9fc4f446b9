//! The helpdesk's domain: establishments, addresses, reset links, mail, agents and audit, over
//! SQLite or PostgreSQL. This crate knows nothing of Tauri: the desktop app and the CLI are thin
//! layers over it.

#![forbid(unsafe_code)]

// The domain: the vocabulary and the rules, no I/O.
pub mod agents;
pub mod annuaire;
mod arena;
pub mod associations;
pub mod audit;
pub mod campaign;
pub mod csv_export;
pub mod diagnosis;
pub mod error;
pub mod initialisation;
pub mod links;
pub mod mail;
pub mod model;
pub mod portal_time;
pub mod search;
pub mod secrets;
pub mod text;

// The adapters: the database, the search index kept current, mail delivery and the sender, the
// keyring, this PC's configuration and its recent establishments.
pub mod config;
pub mod delivery;
pub mod demo;
pub mod keyring;
pub mod live_index;
pub mod mailbox;
pub mod recent;
pub mod sender;
pub mod store;

// The operations: the one way in for the window and the CLI.
pub mod operations;

pub use config::Settings;
pub use error::{Error, ErrorKind, Result};
pub use operations::Guichet;
pub use operations::gate::Gate;
