//! The helpdesk's agents, their roles, and what each role may do. Every service function takes
//! the signed-in agent's [`Session`] and checks its role here, whatever the window shows.

pub mod password;
mod service;
mod shared;

pub(crate) use shared::enter as enter_shared;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Searches and reads.
    Lecture,
    /// Also adds and attaches addresses, changes principal addresses and sends links.
    Agent,
    /// Also manages agents and settings, and exports the journal.
    Superviseur,
    /// The sender service of a shared database (`guichet-admin sender`): it mints and mails
    /// links, and does nothing an agent does; it never signs in to the window.
    Envoi,
}

/// What an agent may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    Read,
    EditAddresses,
    SendLinks,
    ManageAgents,
    ManageSettings,
    ReadJournal,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Lecture, Role::Agent, Role::Superviseur, Role::Envoi];

    pub fn code(self) -> &'static str {
        match self {
            Role::Lecture => "lecture",
            Role::Agent => "agent",
            Role::Superviseur => "superviseur",
            Role::Envoi => "envoi",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.code() == code)
    }

    pub fn allows(self, permission: Permission) -> bool {
        match permission {
            Permission::Read => self != Role::Envoi,
            Permission::EditAddresses | Permission::SendLinks => {
                matches!(self, Role::Agent | Role::Superviseur)
            }
            Permission::ManageAgents | Permission::ManageSettings | Permission::ReadJournal => {
                self == Role::Superviseur
            }
        }
    }

    /// "lecture seule", "agent", "superviseur", as the agent reads it.
    pub fn label(self) -> &'static str {
        match self {
            Role::Lecture => "lecture seule",
            Role::Agent => "agent",
            Role::Superviseur => "superviseur",
            Role::Envoi => "service d’envoi",
        }
    }
}

impl Permission {
    /// What the permission lets an agent do, to complete "Votre rôle ne permet pas de …".
    pub fn action(self) -> &'static str {
        match self {
            Permission::Read => "consulter la base",
            Permission::EditAddresses => "modifier les adresses des établissements",
            Permission::SendLinks => "envoyer des liens d’initialisation",
            Permission::ManageAgents => "gérer les agents",
            Permission::ManageSettings => "modifier les réglages",
            Permission::ReadJournal => "consulter ou exporter le journal",
        }
    }
}

/// An agent as other screens show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Agent {
    pub id: i32,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    /// A disabled agent can no longer sign in, and its open sessions are refused.
    pub disabled: bool,
}

impl Agent {
    /// An agent from its row; the `agent` table's CHECK allows only the three role codes.
    pub(crate) fn from_row(
        id: i32,
        login: String,
        display_name: String,
        role: &str,
        disabled: bool,
    ) -> Agent {
        Agent {
            id,
            login,
            display_name,
            role: Role::from_code(role).unwrap_or(Role::Lecture),
            disabled,
        }
    }
}

/// A signed-in agent. Only the core makes one, after checking a password, so that no front end
/// can act on behalf of an agent it did not authenticate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    agent: Agent,
}

impl Session {
    pub(crate) fn new(agent: Agent) -> Session {
        Session { agent }
    }

    pub fn agent(&self) -> &Agent {
        &self.agent
    }

    /// Refuses, with the reason, an action the agent's role does not allow.
    pub fn require(&self, permission: Permission) -> Result<()> {
        if self.agent.role.allows(permission) {
            Ok(())
        } else {
            Err(Error::Forbidden {
                role: self.agent.role,
                permission,
            })
        }
    }
}

/// Failed sign-ins in a row before the login is locked.
pub const FAILURES_BEFORE_LOCK: i32 = 5;

/// How long a login stays locked after `failures` failed attempts in a row: 30 s at the fifth,
/// doubling with each further failure, at most 15 minutes.
pub fn lock_duration(failures: i32) -> Option<Duration> {
    if failures < FAILURES_BEFORE_LOCK {
        return None;
    }
    let beyond = (failures - FAILURES_BEFORE_LOCK).min(10);
    let seconds = 30_i64 << beyond;
    Some(Duration::seconds(seconds.min(15 * 60)))
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

/// When a locked login may try again, if it is locked at `now`.
pub fn locked_until(
    locked_until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    locked_until.filter(|until| *until > now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_allows_exactly_its_permissions() {
        use Permission::*;
        let all = [
            Read,
            EditAddresses,
            SendLinks,
            ManageAgents,
            ManageSettings,
            ReadJournal,
        ];
        let allowed = |role: Role| {
            all.into_iter()
                .filter(|p| role.allows(*p))
                .collect::<Vec<_>>()
        };
        assert_eq!(allowed(Role::Lecture), [Read]);
        assert_eq!(allowed(Role::Agent), [Read, EditAddresses, SendLinks]);
        assert_eq!(allowed(Role::Superviseur), all);
        assert_eq!(allowed(Role::Envoi), []);
    }

    #[test]
    fn a_refusal_names_the_role_and_the_action() {
        let session = Session::new(Agent {
            id: 1,
            login: "lea".into(),
            display_name: "Léa".into(),
            role: Role::Lecture,
            disabled: false,
        });
        let error = session.require(Permission::SendLinks).expect_err("refused");
        assert_eq!(error.kind(), crate::ErrorKind::Forbidden);
        assert!(error.message().contains("lecture seule"));
        assert!(error.message().contains("envoyer des liens"));
        assert!(session.require(Permission::Read).is_ok());
    }

    #[test]
    fn the_lock_grows_with_failures_up_to_fifteen_minutes() {
        assert_eq!(lock_duration(4), None);
        assert_eq!(lock_duration(5), Some(Duration::seconds(30)));
        assert_eq!(lock_duration(6), Some(Duration::seconds(60)));
        assert_eq!(lock_duration(8), Some(Duration::seconds(240)));
        assert_eq!(lock_duration(12), Some(Duration::minutes(15)));
        assert_eq!(lock_duration(i32::MAX), Some(Duration::minutes(15)));
    }

    #[test]
    fn logins_are_plain_names() {
        for good in ["camille.martin", "cm", "agent-07", "a_b"] {
            assert!(check_login(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "c",
            "Camille",
            "-camille",
            "camille martin",
            "élise",
            &"a".repeat(65),
        ] {
            assert!(check_login(bad).is_err(), "{bad}");
        }
    }
}
