//! What agents do with their own accounts: sign in, unlock an idle screen, change their
//! password, create the first supervisor, add agents.

use chrono::Utc;
use serde_json::json;

use super::password::{self, UNKNOWN_LOGIN_HASH};
use super::{
    Agent, FAILURES_BEFORE_LOCK, Permission, Role, Session, check_login, lock_duration,
    locked_until,
};
use crate::audit::{AuditAction, NewAuditEvent};
use crate::error::{Error, Result};
use crate::guichet::Guichet;
use crate::store::{AgentRow, NewAgent, SignInOutcome};

/// Runs argon2 off the async runtime: it takes tens of milliseconds of CPU on purpose.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| Error::Internal(format!("hashing task: {error}")))
}

async fn hash(password: &str) -> Result<String> {
    let password = password.to_string();
    blocking(move || password::hash(&password)).await?
}

async fn verify(password: &str, phc: &str) -> Result<bool> {
    let (password, phc) = (password.to_string(), phc.to_string());
    blocking(move || password::verify(&password, &phc)).await
}

fn clean_name(display_name: &str) -> Result<&str> {
    let name = display_name.trim();
    if name.is_empty() {
        Err(Error::EmptyAgentName)
    } else {
        Ok(name)
    }
}

impl Guichet {
    /// Whether the database has no agent yet, so that the app asks for the first supervisor.
    pub async fn needs_first_supervisor(&self) -> Result<bool> {
        Ok(self.store().count_agents().await? == 0)
    }

    /// Checks a login and password. An unknown login takes as long as a known one and gets the
    /// same answer; failures in a row lock the login for a growing time.
    pub async fn sign_in(&self, login: &str, password: &str) -> Result<Session> {
        let login = login.trim().to_lowercase();
        let now = Utc::now();
        let Some(row) = self.store().agent_by_login(&login).await? else {
            verify(password, &UNKNOWN_LOGIN_HASH).await?;
            let event =
                NewAuditEvent::new(AuditAction::SignInFailed).after(json!({ "login": login }));
            self.store().append_audit(None, now, &event).await?;
            return Err(Error::InvalidCredentials);
        };
        let matches = verify(password, &row.password_hash).await?;
        if let Some(until) = locked_until(row.locked_until, now) {
            return Err(Error::LoginLocked(until));
        }
        if row.disabled {
            return Err(Error::AgentDisabled);
        }
        if !matches {
            let failures = row.failed_attempts.saturating_add(1);
            let locked_until = lock_duration(failures).map(|lock| now + lock);
            let event = NewAuditEvent::new(AuditAction::SignInFailed)
                .after(json!({ "login": login, "failures": failures }));
            self.store()
                .record_sign_in(
                    row.id,
                    SignInOutcome::Failed {
                        failures,
                        locked_until,
                    },
                    now,
                    &event,
                )
                .await?;
            return Err(match locked_until {
                Some(until) if failures >= FAILURES_BEFORE_LOCK => Error::LoginLocked(until),
                _ => Error::InvalidCredentials,
            });
        }
        self.store()
            .record_sign_in(
                row.id,
                SignInOutcome::Succeeded,
                now,
                &NewAuditEvent::new(AuditAction::SignIn),
            )
            .await?;
        Ok(Session::new(row.agent()))
    }

    /// Checks the signed-in agent's password again, to unlock a screen locked for idleness.
    /// Returns the session refreshed from the database (role changes apply).
    pub async fn unlock(&self, session: &Session, password: &str) -> Result<Session> {
        let row = self.current_row(session).await?;
        self.sign_in(&row.login, password).await
    }

    /// Creates the first supervisor of an empty database and signs it in.
    pub async fn create_first_supervisor(
        &self,
        login: &str,
        display_name: &str,
        password: &str,
    ) -> Result<Session> {
        let login = login.trim().to_lowercase();
        check_login(&login)?;
        let display_name = clean_name(display_name)?;
        password::check_policy(password)?;
        let hash = hash(password).await?;
        let new = NewAgent {
            login: &login,
            display_name,
            role: Role::Superviseur,
            password_hash: &hash,
        };
        let event = agent_added(&new);
        let agent = self
            .store()
            .insert_agent(None, &new, true, Utc::now(), &event)
            .await?;
        Ok(Session::new(agent))
    }

    /// Adds an agent (supervisors only).
    pub async fn add_agent(
        &self,
        session: &Session,
        login: &str,
        display_name: &str,
        role: Role,
        password: &str,
    ) -> Result<Agent> {
        self.require(session, Permission::ManageAgents).await?;
        let login = login.trim().to_lowercase();
        check_login(&login)?;
        let display_name = clean_name(display_name)?;
        password::check_policy(password)?;
        let hash = hash(password).await?;
        let new = NewAgent {
            login: &login,
            display_name,
            role,
            password_hash: &hash,
        };
        let event = agent_added(&new);
        self.store()
            .insert_agent(Some(session.agent().id), &new, false, Utc::now(), &event)
            .await
    }

    /// Changes the signed-in agent's own password, the current one checked first.
    pub async fn change_password(&self, session: &Session, current: &str, new: &str) -> Result<()> {
        let row = self.current_row(session).await?;
        if !verify(current, &row.password_hash).await? {
            return Err(Error::InvalidCredentials);
        }
        password::check_policy(new)?;
        let hash = hash(new).await?;
        let event = NewAuditEvent::new(AuditAction::PasswordChanged);
        self.store()
            .set_agent_password(row.id, &hash, Utc::now(), &event)
            .await
    }

    pub async fn agents(&self, session: &Session) -> Result<Vec<Agent>> {
        self.require(session, Permission::ManageAgents).await?;
        self.store().agents().await
    }

    /// Refuses an action the agent may not do, reading its role and state afresh from the
    /// database so that a supervisor's change applies at once.
    pub async fn require(&self, session: &Session, permission: Permission) -> Result<Session> {
        let row = self.current_row(session).await?;
        let current = Session::new(row.agent());
        current.require(permission)?;
        Ok(current)
    }

    async fn current_row(&self, session: &Session) -> Result<AgentRow> {
        let row = self
            .store()
            .agent_by_id(session.agent().id)
            .await?
            .ok_or(Error::NotSignedIn)?;
        if row.disabled {
            return Err(Error::AgentDisabled);
        }
        Ok(row)
    }
}

fn agent_added(new: &NewAgent<'_>) -> NewAuditEvent {
    NewAuditEvent::new(AuditAction::AgentAdded).after(json!({
        "login": new.login,
        "nom": new.display_name,
        "rôle": new.role.code(),
    }))
}
