//! What agents do with their own accounts: sign in, unlock an idle screen, change their
//! password, create the first supervisor; what supervisors do with agents: add them, change
//! their role, disable and enable them. Each operation says here how it differs between the
//! two modes: standalone (the app's own table, argon2id) or shared (PostgreSQL login roles,
//! in `shared_mode.rs`).

use chrono::Utc;
use serde_json::json;

use super::Guichet;
use super::shared_mode as shared;
use crate::agents::password::{self, UNKNOWN_LOGIN_HASH};
use crate::agents::sign_in::SignInOutcome;
use crate::agents::{
    Agent, FAILURES_BEFORE_LOCK, Permission, Role, Session, check_login, lock_duration,
};
use crate::audit::{AuditAction, NewAuditEvent};
use crate::error::{Error, Result};
use crate::model::database::Mode;
use crate::store::{AgentChange, AgentRow, NewAgent};

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

/// The SCRAM-SHA-256 verifier PostgreSQL keeps for `password` (4,096 iterations, as its own
/// clients compute it), off the async runtime.
async fn scram(password: &str) -> Result<String> {
    let password = password.to_string();
    blocking(move || postgres_protocol::password::scram_sha_256(password.as_bytes())).await
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
    /// Whether the database has no agent yet, so that the app asks for the first supervisor
    /// (standalone mode: in shared mode the owner adds it from the command line).
    pub async fn needs_first_supervisor(&self) -> Result<bool> {
        Ok(self.mode() == Mode::Standalone && self.store().count_agents().await? == 0)
    }

    /// Checks a login and password. In shared mode, PostgreSQL checks them for the agent whose
    /// role this database connection is. In standalone mode, every attempt hashes the password
    /// once, and a wrong password, an unknown login and a disabled account get the same answer
    /// (a disabled agent learns it only with the right password); failures in a row lock the
    /// login for a growing time, known or not.
    pub async fn sign_in(&self, login: &str, password: &str) -> Result<Session> {
        if self.mode() == Mode::Shared {
            return shared::sign_in_again(self, login, password).await;
        }
        let login = login.trim().to_lowercase();
        let Some(row) = self.store().agent_by_login(&login).await? else {
            verify(password, &UNKNOWN_LOGIN_HASH).await?;
            let now = Utc::now();
            let outcome = self.unknown_logins().fail(&login, now);
            if let SignInOutcome::Failed { failures, .. } = outcome {
                // Never the text typed: it is often a password typed in the wrong field.
                let event = NewAuditEvent::new(AuditAction::SignInFailed)
                    .after(json!({ "login": "(inconnu)", "failures": failures }));
                self.store().append_audit(None, now, &event).await?;
            }
            return Err(refusal(outcome));
        };
        // Every row of a standalone database has a hash; one without is refused like a wrong password.
        let hash = row.password_hash.clone().unwrap_or_default();
        let matches = !hash.is_empty() && verify(password, &hash).await?;
        let outcome = self
            .store()
            .settle_sign_in(&row, matches, Utc::now(), lock_duration)
            .await?;
        match outcome {
            SignInOutcome::Succeeded => Ok(self.new_session(row.agent())),
            // Said only to whoever typed the right password.
            SignInOutcome::Disabled => Err(Error::AgentDisabled),
            failed => Err(refusal(failed)),
        }
    }

    /// Checks the signed-in agent's password again, to unlock a screen locked for idleness (the
    /// only operation a locked session may ask for). Returns a new session, refreshed from the
    /// database (role changes apply).
    pub async fn unlock(&self, session: &Session, password: &str) -> Result<Session> {
        let agent = self.current_agent(session).await?;
        self.sign_in(&agent.login, password).await
    }

    /// Creates the first supervisor of an empty database and signs it in.
    pub async fn create_first_supervisor(
        &self,
        login: &str,
        display_name: &str,
        password: &str,
    ) -> Result<Session> {
        if self.mode() == Mode::Shared {
            return Err(Error::FirstSupervisorByOwner);
        }
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
        Ok(self.new_session(agent))
    }

    /// Adds an agent (supervisors only). In shared mode, a PostgreSQL login role with the
    /// password's SCRAM verifier (the password itself never leaves this process).
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
        if role == Role::Envoi && self.mode() == Mode::Standalone {
            return Err(Error::SenderRoleNeedsSharedMode);
        }
        if self.mode() == Mode::Shared {
            let verifier = scram(password).await?;
            return self
                .store()
                .add_shared_agent(&login, display_name, role, &verifier)
                .await;
        }
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

    /// Gives another agent a new role (supervisors only; not their own account). In shared
    /// mode it applies from the agent's next operation, open sessions included.
    pub async fn set_agent_role(&self, session: &Session, login: &str, role: Role) -> Result<()> {
        let login = self.managed_login(session, login).await?;
        if role == Role::Envoi && self.mode() == Mode::Standalone {
            return Err(Error::SenderRoleNeedsSharedMode);
        }
        match self.mode() {
            Mode::Shared => self.store().set_shared_agent_role(&login, role).await,
            Mode::Standalone => {
                self.store()
                    .update_agent(
                        session.agent().id,
                        &login,
                        AgentChange::Role(role),
                        Utc::now(),
                    )
                    .await
            }
        }
    }

    /// Disables (or enables again) another agent (supervisors only; not their own account). A
    /// disabled agent can no longer sign in, and its open window is signed out at its next
    /// operation.
    pub async fn set_agent_disabled(
        &self,
        session: &Session,
        login: &str,
        disabled: bool,
    ) -> Result<()> {
        let login = self.managed_login(session, login).await?;
        match self.mode() {
            Mode::Shared => {
                self.store()
                    .set_shared_agent_disabled(&login, disabled)
                    .await
            }
            Mode::Standalone => {
                let change = AgentChange::Disabled(disabled);
                self.store()
                    .update_agent(session.agent().id, &login, change, Utc::now())
                    .await
            }
        }
    }

    /// The login of an agent a supervisor changes, refused when it is the supervisor's own.
    async fn managed_login(&self, session: &Session, login: &str) -> Result<String> {
        let session = self.require(session, Permission::ManageAgents).await?;
        let login = login.trim().to_lowercase();
        if login == session.agent().login {
            return Err(Error::OwnAccount);
        }
        Ok(login)
    }

    /// Changes the signed-in agent's own password, the current one checked first.
    pub async fn change_password(&self, session: &Session, current: &str, new: &str) -> Result<()> {
        session.keep_awake()?;
        if self.mode() == Mode::Shared {
            let agent = self.current_agent(session).await?;
            shared::check_password(self, &agent.login, current).await?;
            password::check_policy(new)?;
            return shared::change_password(self, new, scram(new).await?).await;
        }
        let row = self.current_row(session).await?;
        let stored = row.password_hash.clone().unwrap_or_default();
        if stored.is_empty() || !verify(current, &stored).await? {
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
    /// A read does not count as the agent's activity (the window reads on its own: the sending
    /// status it polls, a ledger it refreshes); any other operation does.
    pub async fn require(&self, session: &Session, permission: Permission) -> Result<Session> {
        match permission {
            Permission::Read => session.check_awake()?,
            _ => session.keep_awake()?,
        }
        if session.is_database_reader() {
            session.require(permission)?;
            return Ok(session.clone());
        }
        let current = session.refreshed(self.current_agent(session).await?);
        current.require(permission)?;
        Ok(current)
    }

    /// The session's agent as the database has it now, refused when disabled.
    async fn current_agent(&self, session: &Session) -> Result<Agent> {
        match self.mode() {
            Mode::Shared => shared::current_agent(self).await,
            Mode::Standalone => Ok(self.current_row(session).await?.agent()),
        }
    }

    /// In shared mode, the session of the database's owner, connected as the URL's own user
    /// (the command line without `--agent`): it manages agents without being one.
    pub async fn owner_session(&self) -> Result<Session> {
        shared::owner_session(self).await
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

/// The answer to a failed attempt: the lock once failures reach it, else the same words for a
/// wrong password and an unknown login.
fn refusal(outcome: SignInOutcome) -> Error {
    match outcome {
        SignInOutcome::Locked(until) => Error::LoginLocked(until),
        SignInOutcome::Failed {
            failures,
            locked_until: Some(until),
        } if failures >= FAILURES_BEFORE_LOCK => Error::LoginLocked(until),
        _ => Error::InvalidCredentials,
    }
}

fn agent_added(new: &NewAgent<'_>) -> NewAuditEvent {
    NewAuditEvent::new(AuditAction::AgentAdded).after(json!({
        "login": new.login,
        "nom": new.display_name,
        "rôle": new.role.code(),
    }))
}
