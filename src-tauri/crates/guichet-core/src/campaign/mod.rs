//! Campaigns: links sent, before an exam session, to every establishment of a population that
//! has not initialised its password. A supervisor plans one (`plan.rs`: who is sent a link and
//! who is skipped, with the reason, frozen at that moment), starts it at a rate the relay
//! accepts, and may pause, resume or cancel it; `progress.rs` says where it stands and paces
//! the sender (`next_slot`); `report.rs` is what became of each establishment, as CSV.

mod plan;
mod progress;
mod report;

pub use plan::{
    CampaignPlan, DEFAULT_STATES, PlanFacts, PlanInput, PlannedTarget, SkipReason, Skipped,
};
pub use progress::{
    CampaignAction, CampaignCounts, CampaignState, CampaignStatus, RateError, check_rate, next_slot,
};
pub use report::{TargetReport, to_csv};
