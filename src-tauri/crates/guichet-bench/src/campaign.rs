//! `bench campaign`: a campaign on a database that holds data, as a supervisor: its plan (the
//! facts of every establishment of the population, the frozen targets) and its start (every
//! link asked for in one transaction), timed; then the one sender of this process mails it
//! for `--seconds` at `--rate`, and the rate it kept is set against the one asked. A campaign
//! not finished by then is cancelled: what had not left does not leave.

use std::time::{Duration, Instant};

use guichet_core::campaign::{CampaignAction, PlanInput};
use guichet_core::initialisation::PopulationInput;
use guichet_core::model::database::OpenMode;
use guichet_core::secrets::Secret;
use guichet_core::{Error, Gate, Settings};
use serde_json::json;

use crate::Report;

#[derive(Debug, clap::Args)]
pub struct CampaignBench {
    /// Superviseur qui prépare et lance la campagne ; son mot de passe est lu dans
    /// GUICHET_AGENT_PASSWORD, sinon demandé au terminal.
    #[arg(long, value_name = "LOGIN")]
    agent: String,
    /// Académies de la population (répétable ; par défaut Créteil et Versailles).
    #[arg(long = "academie", value_name = "NOM")]
    academies: Vec<String>,
    /// Débit demandé, en messages par minute (le réglage smtp_max_rate doit le permettre).
    #[arg(long, default_value_t = 600)]
    rate: u32,
    /// Durée de l’envoi mesuré, en secondes.
    #[arg(long, default_value_t = 30.0)]
    seconds: f64,
}

impl CampaignBench {
    pub fn agent(&self) -> &str {
        &self.agent
    }
}

pub async fn as_agent(
    settings: Settings,
    args: CampaignBench,
    password: Secret,
) -> Result<Report, Error> {
    let gate = Gate::open(settings, OpenMode::MustExist).await?;
    let (guichet, session) = gate.sign_in(&args.agent, password.expose()).await?;
    let academies = if args.academies.is_empty() {
        vec!["Créteil".into(), "Versailles".into()]
    } else {
        args.academies.clone()
    };
    let input = PlanInput {
        population: PopulationInput {
            academies,
            ..PopulationInput::default()
        },
        states: Vec::new(),
    };
    let started = Instant::now();
    let plan = guichet.plan_campaign(&session, &input).await?;
    let plan_ms = started.elapsed().as_secs_f64() * 1e3;
    let started = Instant::now();
    guichet
        .start_campaign(&session, plan.campaign, args.rate)
        .await?;
    let start_ms = started.elapsed().as_secs_f64() * 1e3;

    // The sender mails for the time asked; the rate is read from what the outbox says it sent.
    let sender = guichet.sender().await?;
    let before = guichet.campaign_status(&session, plan.campaign).await?;
    let window = Duration::from_secs_f64(args.seconds.max(1.0));
    let started = Instant::now();
    sender.run_until(tokio::time::sleep(window)).await;
    let elapsed = started.elapsed().as_secs_f64();
    sender.stop().await;
    // What has not left does not leave; a campaign already finished stays as it is.
    let mut after = guichet.campaign_status(&session, plan.campaign).await?;
    if after.state.allows(CampaignAction::Cancel) {
        after = guichet
            .change_campaign(&session, plan.campaign, CampaignAction::Cancel)
            .await?;
    }
    guichet.sign_out().await;
    let sent = after.sent - before.sent;
    let measured = f64::from(sent) * 60.0 / elapsed;
    let text = format!(
        "Base {} : campagne n°\u{a0}{} — plan de {} liens ({} établissements écartés) en \
         {plan_ms:.0}\u{a0}ms, lancement en {start_ms:.0}\u{a0}ms\u{a0}; envoi pendant \
         {elapsed:.1}\u{a0}s\u{a0}: {sent} messages, {measured:.1} par minute pour {} demandés \
         ({:+.1}\u{a0}%).",
        crate::backend_label(gate.backend()),
        plan.campaign,
        plan.to_send,
        plan.skipped.len(),
        args.rate,
        (measured / f64::from(args.rate) - 1.0) * 100.0
    );
    Ok(Report {
        text,
        json: json!({
            "campaign": plan.campaign,
            "to_send": plan.to_send,
            "skipped": plan.skipped.len(),
            "plan_ms": plan_ms,
            "start_ms": start_ms,
            "rate_asked": args.rate,
            "seconds": elapsed,
            "sent": sent,
            "failed": after.failed - before.failed,
            "rate_measured": measured,
            "mode": gate.mode(),
            "backend": gate.backend(),
        }),
    })
}
