//! Campaigns: a plan, its start at a rate, pause, resume and cancel (supervisors), where each
//! stands (every role), and its report as CSV.

use guichet_core::campaign::{CampaignAction, CampaignPlan, CampaignStatus, PlanInput};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn plan_campaign(
    state: State<'_, AppState>,
    plan: PlanInput,
) -> CommandResult<CampaignPlan> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.plan_campaign(&session, &plan).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn start_campaign(
    state: State<'_, AppState>,
    campaign: i32,
    rate_per_minute: u32,
) -> CommandResult<CampaignStatus> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet
        .start_campaign(&session, campaign, rate_per_minute)
        .await?)
}

/// Pauses, resumes or cancels a campaign (`start` goes through [`start_campaign`]).
#[tauri::command]
#[specta::specta]
pub async fn change_campaign(
    state: State<'_, AppState>,
    campaign: i32,
    action: CampaignAction,
) -> CommandResult<CampaignStatus> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.change_campaign(&session, campaign, action).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn campaigns(state: State<'_, AppState>) -> CommandResult<Vec<CampaignStatus>> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet.campaigns(&session).await?)
}

/// Writes a campaign's report as CSV in the agent's downloads folder; returns the file's path.
#[tauri::command]
#[specta::specta]
pub async fn export_campaign_csv(
    state: State<'_, AppState>,
    campaign: i32,
) -> CommandResult<String> {
    let (guichet, session) = state.signed_in().await?;
    Ok(guichet
        .export_campaign_file(&session, campaign)
        .await?
        .display()
        .to_string())
}
