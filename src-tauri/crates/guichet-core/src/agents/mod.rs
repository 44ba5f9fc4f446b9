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
/// can act on behalf of an agent it did not authenticate. It locks after its idle time without
/// the window's word that the agent is at work or an operation other than a read (reads may be
/// the window's own): every operation refuses it then, until the agent types its password
/// again ([`crate::Guichet::unlock`]). Its copies share one clock.
#[derive(Debug, Clone)]
pub struct Session {
    agent: Agent,
    activity: std::sync::Arc<Activity>,
}

#[derive(Debug)]
struct Activity {
    idle_limit: std::time::Duration,
    last: std::sync::Mutex<std::time::Instant>,
}

impl Session {
    pub(crate) fn new(agent: Agent, idle_limit: std::time::Duration) -> Session {
        let activity = Activity {
            idle_limit,
            last: std::sync::Mutex::new(std::time::Instant::now()),
        };
        Session {
            agent,
            activity: std::sync::Arc::new(activity),
        }
    }

    /// The same session (the same clock) with the agent as the database has it now.
    pub(crate) fn refreshed(&self, agent: Agent) -> Session {
        Session {
            agent,
            activity: self.activity.clone(),
        }
    }

    /// Counts the agent as active now, refused when it has been idle longer than its limit: a
    /// locked session stays locked, whatever comes after.
    pub fn keep_awake(&self) -> Result<()> {
        self.awake(true)
    }

    /// Refuses the session once it has been idle longer than its limit, without counting the
    /// agent as active: a read may be the window's own (a status it polls, a list it refreshes).
    pub fn check_awake(&self) -> Result<()> {
        self.awake(false)
    }

    fn awake(&self, active: bool) -> Result<()> {
        let mut last = self
            .activity
            .last
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if last.elapsed() > self.activity.idle_limit {
            return Err(Error::SessionLocked {
                idle_seconds: u32::try_from(self.activity.idle_limit.as_secs()).unwrap_or(u32::MAX),
            });
        }
        if active {
            *last = std::time::Instant::now();
        }
        Ok(())
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

/// Failed sign-ins of logins no agent has, counted and locked as a known login's are, so that
/// a lock tells nothing of whether a login exists. Kept in memory only, under a salted digest
/// of what was typed (often a password typed in the wrong field). The count starts over when
/// the app restarts: whoever can restart it can read the standalone database's logins anyway.
#[derive(Debug)]
pub(crate) struct UnknownLogins {
    salt: [u8; 32],
    failures: std::sync::Mutex<std::collections::HashMap<[u8; 32], Failures>>,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: i32,
    locked_until: Option<DateTime<Utc>>,
}

/// Logins counted at once; past it, expired counts go first (then all of them), so that a flood
/// of made-up logins cannot fill the memory.
const UNKNOWN_LOGINS_KEPT: usize = 10_000;

impl Default for UnknownLogins {
    fn default() -> Self {
        UnknownLogins {
            salt: rand::random(),
            failures: Default::default(),
        }
    }
}

impl UnknownLogins {
    /// Counts a failed attempt of `login` at `now`: the failures in a row and the lock they
    /// bring, or the lock already running.
    pub(crate) fn fail(&self, login: &str, now: DateTime<Utc>) -> crate::store::SignInOutcome {
        use sha2::{Digest, Sha256};
        let key: [u8; 32] = Sha256::new()
            .chain_update(self.salt)
            .chain_update(login.as_bytes())
            .finalize()
            .into();
        let mut failures = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if failures.len() >= UNKNOWN_LOGINS_KEPT && !failures.contains_key(&key) {
            failures.retain(|_, f| f.locked_until.is_some_and(|until| until > now));
            if failures.len() >= UNKNOWN_LOGINS_KEPT {
                failures.clear();
            }
        }
        let entry = failures.entry(key).or_insert(Failures {
            count: 0,
            locked_until: None,
        });
        if let Some(until) = locked_until(entry.locked_until, now) {
            return crate::store::SignInOutcome::Locked(until);
        }
        entry.count = entry.count.saturating_add(1);
        entry.locked_until = lock_duration(entry.count).map(|lock| now + lock);
        crate::store::SignInOutcome::Failed {
            failures: entry.count,
            locked_until: entry.locked_until,
        }
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
        let session = Session::new(
            Agent {
                id: 1,
                login: "lea".into(),
                display_name: "Léa".into(),
                role: Role::Lecture,
                disabled: false,
            },
            std::time::Duration::from_secs(600),
        );
        let error = session.require(Permission::SendLinks).expect_err("refused");
        assert_eq!(error.kind(), crate::ErrorKind::Forbidden);
        assert!(error.message().contains("lecture seule"));
        assert!(error.message().contains("envoyer des liens"));
        assert!(session.require(Permission::Read).is_ok());
    }

    #[test]
    fn a_session_idle_past_its_limit_stays_locked() {
        let agent = Agent {
            id: 1,
            login: "lea".into(),
            display_name: "Léa".into(),
            role: Role::Agent,
            disabled: false,
        };
        let awake = Session::new(agent.clone(), std::time::Duration::from_secs(600));
        assert!(awake.keep_awake().is_ok());
        let idle = Session::new(agent, std::time::Duration::from_millis(20));
        let copy = idle.refreshed(idle.agent().clone());
        // Checks alone keep nothing awake.
        for _ in 0..4 {
            std::thread::sleep(std::time::Duration::from_millis(10));
            let _ = idle.check_awake();
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(idle.check_awake().is_err());
        for session in [&idle, &copy, &idle] {
            let error = session.keep_awake().expect_err("locked");
            assert_eq!(error.kind(), crate::ErrorKind::SessionLocked);
            assert!(
                error.message().contains("verrouillé"),
                "{}",
                error.message()
            );
        }
    }

    #[test]
    fn unknown_logins_lock_as_known_ones_do() {
        let logins = UnknownLogins::default();
        let now = Utc::now();
        for attempt in 1..FAILURES_BEFORE_LOCK {
            assert_eq!(
                logins.fail("personne", now),
                crate::store::SignInOutcome::Failed {
                    failures: attempt,
                    locked_until: None
                }
            );
        }
        let until = now + lock_duration(FAILURES_BEFORE_LOCK).expect("locks");
        assert_eq!(
            logins.fail("personne", now),
            crate::store::SignInOutcome::Failed {
                failures: FAILURES_BEFORE_LOCK,
                locked_until: Some(until)
            }
        );
        assert_eq!(
            logins.fail("personne", now),
            crate::store::SignInOutcome::Locked(until)
        );
        assert!(matches!(
            logins.fail("quelquun", now),
            crate::store::SignInOutcome::Failed { failures: 1, .. }
        ));
        // A flood of made-up logins is forgotten rather than kept.
        for n in 0..UNKNOWN_LOGINS_KEPT + 10 {
            logins.fail(&format!("x{n}"), now);
        }
        assert!(logins.failures.lock().expect("lock").len() <= UNKNOWN_LOGINS_KEPT);
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
