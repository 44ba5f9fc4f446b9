//! An agent's account as the screens show it, and what a login may be.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::role::{Permissions, Role};

/// An agent as other screens show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Agent {
    pub id: i32,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    /// A disabled agent can no longer sign in, and its open sessions are refused.
    pub disabled: bool,
    /// What the agent's role allows, each refusal with its reason in French (computed by the core).
    pub permissions: Permissions,
}

impl Agent {
    pub(crate) fn new(
        id: i32,
        login: String,
        display_name: String,
        role: Role,
        disabled: bool,
    ) -> Agent {
        Agent {
            id,
            login,
            display_name,
            role,
            disabled,
            permissions: Permissions::of(role),
        }
    }

    /// An agent from its row; the `agent` table's CHECK allows only the role codes.
    pub(crate) fn from_row(
        id: i32,
        login: String,
        display_name: String,
        role: &str,
        disabled: bool,
    ) -> Agent {
        let role = Role::from_code(role).unwrap_or(Role::Lecture);
        Agent::new(id, login, display_name, role, disabled)
    }
}

/// A login may be a plain name: lower-case letters, digits, `.`, `_`, `-`, 2 to 64 characters.
pub fn check_login(login: &str) -> Result<()> {
    let valid = (2..=64).contains(&login.len())
        && login.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && login
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if valid {
        Ok(())
    } else {
        Err(Error::InvalidLogin(login.to_string()))
    }
}
