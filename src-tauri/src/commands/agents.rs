//! Signing in and out, the idle lock, the agent's own password, and managing agents.

use guichet_core::agents::{Agent, Role};
use guichet_core::model::password_policy::{self, RuleCheck};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};

use crate::error::CommandResult;
use crate::state::AppState;

#[derive(Debug, Serialize, specta::Type)]
pub struct AuthStatus {
    /// No agent exists yet: the window asks for the first supervisor.
    pub needs_first_supervisor: bool,
    pub agent: Option<Agent>,
}

#[tauri::command]
#[specta::specta]
pub async fn auth_status(state: State<'_, AppState>) -> CommandResult<AuthStatus> {
    let needs_first_supervisor = state.gate().await?.needs_first_supervisor().await?;
    let agent = state
        .signed_in()
        .await
        .ok()
        .map(|(_, session)| session.agent().clone());
    Ok(AuthStatus {
        needs_first_supervisor,
        agent,
    })
}

#[tauri::command]
#[specta::specta]
pub async fn sign_in<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    login: String,
    password: String,
) -> CommandResult<Agent> {
    let (guichet, session) = state.gate().await?.sign_in(&login, &password).await?;
    let agent = session.agent().clone();
    state.enter(&app, guichet, session).await;
    Ok(agent)
}

#[tauri::command]
#[specta::specta]
pub async fn sign_out(state: State<'_, AppState>) -> CommandResult<()> {
    state.sign_out().await;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn create_first_supervisor<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    login: String,
    display_name: String,
    password: String,
) -> CommandResult<Agent> {
    let (guichet, session) = state
        .gate()
        .await?
        .create_first_supervisor(&login, &display_name, &password)
        .await?;
    let agent = session.agent().clone();
    state.enter(&app, guichet, session).await;
    Ok(agent)
}

/// The window's word that its agent is at work (keys, mouse) between operations: keeps the
/// session awake, and is refused once it locked, as every operation then is.
#[tauri::command]
#[specta::specta]
pub async fn keep_awake(state: State<'_, AppState>) -> CommandResult<()> {
    let (_, session) = state.signed_in().await?;
    Ok(session.keep_awake()?)
}

/// Unlocks a screen locked for idleness with the same agent's password.
#[tauri::command]
#[specta::specta]
pub async fn unlock(state: State<'_, AppState>, password: String) -> CommandResult<Agent> {
    let (guichet, session) = state.signed_in().await?;
    let session = guichet.unlock(&session, &password).await?;
    let agent = session.agent().clone();
    state.refresh(session);
    Ok(agent)
}

#[tauri::command]
#[specta::specta]
pub async fn change_password(
    state: State<'_, AppState>,
    current_password: String,
    new_password: String,
) -> CommandResult<()> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet
        .change_password(&session, &current_password, &new_password)
        .await?)
}

/// Every rule of the password policy and whether `password` meets it, for the live checker.
#[tauri::command]
#[specta::specta]
pub fn password_rules(password: String) -> Vec<RuleCheck> {
    password_policy::check_rules(&password)
}

#[tauri::command]
#[specta::specta]
pub async fn agents(state: State<'_, AppState>) -> CommandResult<Vec<Agent>> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.agents(&session).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn add_agent(
    state: State<'_, AppState>,
    login: String,
    display_name: String,
    role: Role,
    password: String,
) -> CommandResult<Agent> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet
        .add_agent(&session, &login, &display_name, role, &password)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_agent_role(
    state: State<'_, AppState>,
    login: String,
    role: Role,
) -> CommandResult<()> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.set_agent_role(&session, &login, role).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_agent_disabled(
    state: State<'_, AppState>,
    login: String,
    disabled: bool,
) -> CommandResult<()> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet
        .set_agent_disabled(&session, &login, disabled)
        .await?)
}
