//! The helpdesk's domain: establishments, addresses, reset links, mail, agents and audit, over
//! SQLite or PostgreSQL. This crate knows nothing of Tauri: the desktop app and the CLI are thin
//! layers over it.

#![forbid(unsafe_code)]

pub mod agents;
mod arena;
pub mod associations;
pub mod audit;
pub mod config;
pub mod demo;
pub mod diagnosis;
pub mod error;
mod gate;
pub mod guichet;
pub mod links;
pub mod mail;
pub mod model;
pub mod portal_time;
pub mod search;
pub mod secrets;
pub mod settings;
pub mod store;
pub mod text;

pub use config::Settings;
pub use error::{Error, ErrorKind, Result};
pub use gate::Gate;
pub use guichet::Guichet;
