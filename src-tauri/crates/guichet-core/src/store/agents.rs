//! Agents in the database: sign-in bookkeeping, creation, password changes.

use chrono::{DateTime, Utc};

use serde_json::json;

use super::audit::append_audit;
use super::{Backend, Store, on_pool};
use crate::agents::sign_in::SignInOutcome;
use crate::agents::{Agent, Role};
use crate::audit::{AuditAction, NewAuditEvent};
use crate::error::{Error, Result};

/// An agent's row, with what signing in needs.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct AgentRow {
    pub id: i32,
    pub login: String,
    pub display_name: String,
    pub role: String,
    /// `None` in shared mode, where PostgreSQL holds the password.
    pub password_hash: Option<String>,
    pub disabled: bool,
}

impl AgentRow {
    pub fn agent(&self) -> Agent {
        let (login, name) = (self.login.clone(), self.display_name.clone());
        Agent::from_row(self.id, login, name, &self.role, self.disabled)
    }
}

/// An agent to create, password already hashed.
#[derive(Debug, Clone)]
pub(crate) struct NewAgent<'a> {
    pub login: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
}

/// A supervisor's change to another agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AgentChange {
    Role(Role),
    Disabled(bool),
}

/// The columns of an [`AgentRow`], each lookup adding its `WHERE`.
const AGENT_ROW: &str = "SELECT id, login, display_name, role, password_hash, disabled FROM agent";

impl Store {
    pub async fn count_agents(&self) -> Result<i64> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT count(*) FROM agent").fetch_one(pool).await?
        }))
    }

    pub(crate) async fn agent_by_login(&self, login: &str) -> Result<Option<AgentRow>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(&format!("{AGENT_ROW} WHERE login = $1"))
                .bind(login)
                .fetch_optional(pool)
                .await?
        }))
    }

    pub(crate) async fn agent_by_id(&self, id: i32) -> Result<Option<AgentRow>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(&format!("{AGENT_ROW} WHERE id = $1"))
                .bind(id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Every agent, by login (only the columns a supervisor's role may read in shared mode).
    pub async fn agents(&self) -> Result<Vec<Agent>> {
        let rows: Vec<(i32, String, String, String, bool)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, login, display_name, role, disabled FROM agent ORDER BY login")
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, login, name, role, disabled)| {
                Agent::from_row(id, login, name, &role, disabled)
            })
            .collect())
    }

    /// Changes an agent's role or state (standalone mode) and journals it, together, as the
    /// database does in shared mode: the role before and after, nothing when the state is
    /// already the one asked for.
    pub(crate) async fn update_agent(
        &self,
        actor: i32,
        login: &str,
        change: AgentChange,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
            let old: Option<(String, bool)> = sqlx::query_as("SELECT role, disabled FROM agent WHERE login = $1")
                .bind(login)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((old_role, was_disabled)) = old else {
                return Err(Error::AgentNotFound(login.into()));
            };
            let event = match change {
                AgentChange::Role(role) => {
                    sqlx::query("UPDATE agent SET role = $1 WHERE login = $2")
                        .bind(role.code())
                        .bind(login)
                        .execute(&mut *tx)
                        .await?;
                    NewAuditEvent::new(AuditAction::AgentRoleChanged)
                        .before(json!({ "login": login, "rôle": old_role }))
                        .after(json!({ "login": login, "rôle": role.code() }))
                }
                AgentChange::Disabled(disabled) if disabled == was_disabled => return Ok(()),
                AgentChange::Disabled(disabled) => {
                    sqlx::query("UPDATE agent SET disabled = $1 WHERE login = $2")
                        .bind(disabled)
                        .bind(login)
                        .execute(&mut *tx)
                        .await?;
                    let action = if disabled { AuditAction::AgentDisabled } else { AuditAction::AgentEnabled };
                    NewAuditEvent::new(action).after(json!({ "login": login }))
                }
            };
            append_audit!(tx, Some(actor), at, event);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Settles a sign-in attempt of a known agent whose password `matched` or not, with its
    /// journal entry, in one transaction: the row is locked first, so that parallel wrong
    /// guesses each count, and a lock a sibling set applies to every attempt settled after it.
    /// `lock_for` says how long a number of failures in a row locks the login.
    pub(crate) async fn settle_sign_in(
        &self,
        agent: &AgentRow,
        matched: bool,
        now: DateTime<Utc>,
        lock_for: fn(i32) -> Option<chrono::Duration>,
    ) -> Result<SignInOutcome> {
        let outcome = on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
            // A no-op UPDATE takes the row's lock on PostgreSQL (SQLite's BEGIN IMMEDIATE
            // already holds the database's) and reads it in both dialects.
            let (failed, locked_until, disabled): (i32, Option<DateTime<Utc>>, bool) = sqlx::query_as(
                "UPDATE agent SET failed_attempts = failed_attempts WHERE id = $1
                 RETURNING failed_attempts, locked_until, disabled",
            )
            .bind(agent.id)
            .fetch_one(&mut *tx)
            .await?;
            // What the attempt writes: the failures in a row, the lock, and its journal entry.
            let (outcome, write) = match locked_until.filter(|until| *until > now) {
                Some(until) => (SignInOutcome::Locked(until), None),
                None if !matched => {
                    let failures = failed.saturating_add(1);
                    let locked_until = lock_for(failures).map(|lock| now + lock);
                    let event = NewAuditEvent::new(AuditAction::SignInFailed)
                        .after(json!({ "login": agent.login, "failures": failures }));
                    (SignInOutcome::Failed { failures, locked_until }, Some((failures, locked_until, event)))
                }
                None if disabled => (SignInOutcome::Disabled, None),
                None => (SignInOutcome::Succeeded, Some((0, None, NewAuditEvent::new(AuditAction::SignIn)))),
            };
            if let Some((failures, locked_until, event)) = write {
                sqlx::query("UPDATE agent SET failed_attempts = $1, locked_until = $2 WHERE id = $3")
                    .bind(failures)
                    .bind(locked_until)
                    .bind(agent.id)
                    .execute(&mut *tx)
                    .await?;
                append_audit!(tx, Some(agent.id), now, event);
            }
            tx.commit().await?;
            outcome
        });
        Ok(outcome)
    }

    /// Creates an agent and journals it, in one transaction. With `only_if_none`, refuses when
    /// any agent exists (the first supervisor), even against a concurrent creation.
    pub(crate) async fn insert_agent(
        &self,
        actor: Option<i32>,
        new: &NewAgent<'_>,
        only_if_none: bool,
        at: DateTime<Utc>,
        event: &NewAuditEvent,
    ) -> Result<Agent> {
        let inserted: std::result::Result<i32, sqlx::Error> = on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
            if only_if_none {
                if self.backend() == Backend::Postgres {
                    // Serialises concurrent "first supervisor" creations.
                    sqlx::query("LOCK TABLE agent IN SHARE ROW EXCLUSIVE MODE").execute(&mut *tx).await?;
                }
                let count: i64 = sqlx::query_scalar("SELECT count(*) FROM agent").fetch_one(&mut *tx).await?;
                if count > 0 {
                    return Err(Error::AgentsAlreadyExist);
                }
            }
            let inserted = sqlx::query_scalar(
                "INSERT INTO agent (login, display_name, role, password_hash, password_changed_at, created_at)
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            )
            .bind(new.login)
            .bind(new.display_name)
            .bind(new.role.code())
            .bind(new.password_hash)
            .bind(at)
            .fetch_one(&mut *tx)
            .await;
            match inserted {
                Ok(id) => {
                    let actor = actor.unwrap_or(id);
                    append_audit!(tx, Some(actor), at, *event);
                    tx.commit().await?;
                    Ok(id)
                }
                Err(error) => Err(error),
            }
        });
        match inserted {
            Ok(id) => Ok(Agent::new(
                id,
                new.login.into(),
                new.display_name.into(),
                new.role,
                false,
            )),
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                Err(Error::LoginTaken(new.login.into()))
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Replaces an agent's password hash and journals it, together.
    pub(crate) async fn set_agent_password(
        &self,
        agent_id: i32,
        password_hash: &str,
        at: DateTime<Utc>,
        event: &NewAuditEvent,
    ) -> Result<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
            sqlx::query(
                "UPDATE agent SET password_hash = $1, password_changed_at = $2, failed_attempts = 0, locked_until = NULL
                 WHERE id = $3",
            )
            .bind(password_hash)
            .bind(at)
            .bind(agent_id)
            .execute(&mut *tx)
            .await?;
            append_audit!(tx, Some(agent_id), at, *event);
            tx.commit().await?;
        });
        Ok(())
    }
}
