//! Agents in shared mode: each one is a PostgreSQL login role, and its window's connections
//! are made as that role. PostgreSQL checks the password (SCRAM) and, through its grants,
//! what the role may do; the app keeps no copy of the password.

use super::Guichet;
use crate::agents::{Agent, Role, Session};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::model::database::Mode;
use crate::secrets::Secret;
use crate::store::{Store, Whoami, sign_in_error};

/// Connects as `login` with `password`, then checks that the database is a shared one of this
/// build's schema and that the role is an enabled agent of it, and journals the sign-in.
pub(crate) async fn enter(
    settings: &Settings,
    login: &str,
    password: &str,
) -> Result<(Store, Agent)> {
    let login = login.trim().to_lowercase();
    let url = settings.effective_database_url();
    let store = Store::connect_as(&url, &login, &Secret::new(password))
        .await
        .map_err(sign_in_error)?;
    match admit(&store, &login).await {
        Ok(agent) => Ok((store, agent)),
        Err(error) => {
            store.close().await;
            Err(error)
        }
    }
}

async fn admit(store: &Store, login: &str) -> Result<Agent> {
    if store.mode().await? != Mode::Shared {
        return Err(Error::StandaloneDatabase);
    }
    store.require_current_schema().await?;
    let agent = agent_of(store.whoami().await?, login)?;
    store.journal_shared_sign_in().await?;
    Ok(agent)
}

/// The agent a role is, refused when it is none (the owner included), disabled, or no longer
/// a member of its role's group role.
fn agent_of(me: Option<Whoami>, login: &str) -> Result<Agent> {
    let me = me
        .filter(|me| !me.owner)
        .ok_or_else(|| Error::NotAnAgent(login.into()))?;
    if me.disabled {
        return Err(Error::AgentDisabled);
    }
    if !me.in_group {
        return Err(Error::MissingGroupRole(me.login));
    }
    let agent = me.agent();
    if agent.role == Role::Envoi {
        return Err(Error::SenderAccount(agent.login));
    }
    Ok(agent)
}

/// Checks the password of the role this Guichet connects as, on a connection of its own.
pub(crate) async fn check_password(guichet: &Guichet, login: &str, password: &str) -> Result<()> {
    let url = guichet.settings().effective_database_url();
    Store::check_login(&url, login, &Secret::new(password))
        .await
        .map_err(sign_in_error)
}

/// Signs in again the agent whose role this Guichet connects as (unlocking an idle window).
pub(crate) async fn sign_in_again(
    guichet: &Guichet,
    login: &str,
    password: &str,
) -> Result<Session> {
    let login = login.trim().to_lowercase();
    let connected = guichet.store().login().unwrap_or_default();
    if login != connected {
        // Another agent signs in through the Gate, with a connection of its own.
        return Err(Error::InvalidCredentials);
    }
    check_password(guichet, &login, password).await?;
    let agent = agent_of(guichet.store().whoami().await?, &login)?;
    guichet.store().journal_shared_sign_in().await?;
    Ok(guichet.new_session(agent))
}

/// The session's agent as the database has it now.
pub(crate) async fn current_agent(guichet: &Guichet) -> Result<Agent> {
    let me = guichet.store().whoami().await?.ok_or(Error::NotSignedIn)?;
    if me.owner {
        return Ok(me.agent());
    }
    agent_of(Some(me), &guichet.store().login().unwrap_or_default())
}

/// The owner's session (shared mode, connected as the URL's own user).
pub(crate) async fn owner_session(guichet: &Guichet) -> Result<Session> {
    let login = guichet.store().login().unwrap_or_default();
    if guichet.mode() != Mode::Shared {
        return Err(Error::NotOwner(login));
    }
    match guichet.store().whoami().await? {
        Some(me) if me.owner => Ok(guichet.new_session(me.agent())),
        _ => Err(Error::NotOwner(login)),
    }
}

/// Sets the agent's own password (its SCRAM `verifier`), then connects new connections of its
/// pool with it.
pub(crate) async fn change_password(guichet: &Guichet, new: &str, verifier: String) -> Result<()> {
    guichet.store().change_own_password(&verifier).await?;
    guichet.store().use_password(&Secret::new(new));
    Ok(())
}
