//! Campaigns, for supervisors: a plan frozen from a population and the states to reach, its
//! start at a rate the relay accepts, pause, resume and cancel; every role follows them.

use chrono::Utc;
use serde_json::json;

use super::Guichet;
use crate::agents::{Permission, Session};
use crate::campaign::{CampaignAction, CampaignPlan, CampaignStatus, PlanInput, to_csv};
use crate::error::{Error, Result};
use crate::initialisation::Population;
use crate::links::ledger::THROTTLE;
use crate::portal_time::to_portal;

/// How many campaigns the window lists.
pub const CAMPAIGNS_SHOWN: u32 = 20;

impl Guichet {
    /// Plans a campaign: every establishment of the population in the chosen states, with the
    /// address its link goes to or why it is skipped, frozen now. Nothing is sent.
    pub async fn plan_campaign(
        &self,
        session: &Session,
        input: &PlanInput,
    ) -> Result<CampaignPlan> {
        let session = self.require(session, Permission::RunCampaigns).await?;
        let population = Population::parse(&input.population)?;
        let states = input.states()?;
        let now = Utc::now();
        let tz = self.portal_timezone().await?;
        let targets = self
            .store()
            .plan_targets(
                &population,
                &states,
                to_portal(tz, now),
                to_portal(tz, now - THROTTLE),
            )
            .await?;
        if targets.is_empty() {
            return Err(Error::EmptyPopulation);
        }
        let asked = json!({
            "population": input.population,
            "states": states.iter().map(|s| s.code()).collect::<Vec<_>>(),
        });
        let id = self
            .store()
            .create_campaign(&targets, &asked, Some(session.agent().id), now)
            .await?;
        Ok(CampaignPlan::of(id, &targets))
    }

    /// Starts a planned campaign at `rate_per_minute`: every link asked for at once, in one
    /// transaction, the sender letting them leave at that rate.
    pub async fn start_campaign(
        &self,
        session: &Session,
        id: i32,
        rate_per_minute: u32,
    ) -> Result<CampaignStatus> {
        let session = self.require(session, Permission::RunCampaigns).await?;
        let max = self.sending_settings().await?.smtp_max_rate;
        self.store()
            .start_campaign(
                id,
                rate_per_minute,
                max,
                Some(session.agent().id),
                Utc::now(),
            )
            .await?;
        self.wake_outbox();
        self.store().campaign_status(id).await
    }

    /// Pauses, resumes or cancels a campaign.
    pub async fn change_campaign(
        &self,
        session: &Session,
        id: i32,
        action: CampaignAction,
    ) -> Result<CampaignStatus> {
        let session = self.require(session, Permission::RunCampaigns).await?;
        if action == CampaignAction::Start {
            return Err(Error::Internal("a campaign starts with its rate".into()));
        }
        let max = self.sending_settings().await?.smtp_max_rate;
        self.store()
            .campaign_action(id, action, max, Some(session.agent().id), Utc::now())
            .await?;
        self.wake_outbox();
        self.store().campaign_status(id).await
    }

    /// Where a campaign stands, for every role.
    pub async fn campaign_status(&self, session: &Session, id: i32) -> Result<CampaignStatus> {
        self.require(session, Permission::Read).await?;
        self.store().campaign_status(id).await
    }

    /// The newest campaigns, newest first, each where it stands.
    pub async fn campaigns(&self, session: &Session) -> Result<Vec<CampaignStatus>> {
        self.require(session, Permission::Read).await?;
        let mut all = Vec::new();
        for id in self.store().campaign_ids(CAMPAIGNS_SHOWN).await? {
            all.push(self.store().campaign_status(id).await?);
        }
        Ok(all)
    }

    /// A campaign's report, each establishment and what became of its link, as CSV.
    pub async fn campaign_csv(&self, session: &Session, id: i32) -> Result<String> {
        self.require(session, Permission::Read).await?;
        self.store().campaign_status(id).await?;
        Ok(to_csv(&self.store().campaign_targets(id).await?))
    }

    /// [`Guichet::campaign_csv`] in the agent's downloads folder; returns the file's path.
    pub async fn export_campaign_file(
        &self,
        session: &Session,
        id: i32,
    ) -> Result<std::path::PathBuf> {
        let csv = self.campaign_csv(session, id).await?;
        self.write_export(&format!("campagne-{id}-guichet"), csv)
            .await
    }
}
