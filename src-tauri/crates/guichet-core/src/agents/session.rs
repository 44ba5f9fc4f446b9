//! The signed-in agent's session: made by the core alone, locked after its idle time.

use super::agent::Agent;
use crate::error::{Error, Result};
use crate::model::role::{Permission, Role};

/// A signed-in agent. Only the core makes one, after checking a password, so that no front end
/// can act on behalf of an agent it did not authenticate. It locks after its idle time without
/// the window's word that the agent is at work or an operation other than a read (reads may be
/// the window's own): every operation refuses it then, until the agent types its password
/// again ([`crate::operations::Guichet::unlock`]). Its copies share one clock.
#[derive(Debug, Clone)]
pub struct Session {
    agent: Agent,
    activity: std::sync::Arc<Activity>,
    /// Whoever holds a standalone database's URL, reading without an agent's account (the
    /// command line): it reads, and nothing more.
    database_reader: bool,
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
            database_reader: false,
        }
    }

    /// The session of whoever holds a standalone database's URL and reads without an agent's
    /// account: its role is `lecture`, and no agent's row stands behind it.
    pub(crate) fn database_reader(idle_limit: std::time::Duration) -> Session {
        let reader = Agent::new(
            0,
            String::new(),
            "lecture de la base".into(),
            Role::Lecture,
            false,
        );
        Session {
            database_reader: true,
            ..Session::new(reader, idle_limit)
        }
    }

    pub(crate) fn is_database_reader(&self) -> bool {
        self.database_reader
    }

    /// The same session (the same clock) with the agent as the database has it now.
    pub(crate) fn refreshed(&self, agent: Agent) -> Session {
        Session {
            agent,
            activity: self.activity.clone(),
            database_reader: self.database_reader,
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
