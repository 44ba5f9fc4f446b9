//! `campaign`: links sent to a whole population before an exam session. `plan` freezes who is
//! sent a link and who is skipped (and why); `start` launches it at a rate; `pause`, `resume`,
//! `cancel`; `status` says where it stands; `report` prints its CSV. Supervisors plan and
//! conduct; every role follows. The sender (the service, or the window on a standalone
//! database) sends the messages.

use guichet_core::Settings;
use guichet_core::campaign::{CampaignAction, CampaignPlan, CampaignStatus, PlanInput};
use serde_json::json;

use crate::output::{self, Acting, Failure, Output, Reading};
use crate::report::Population;

#[derive(Debug, clap::Subcommand)]
pub enum CampaignCommand {
    /// Prépare une campagne (rien n’est envoyé) : les établissements de la population dans les
    /// états choisis, ceux qui recevront un lien et ceux qui sont écartés, avec la raison.
    Plan {
        #[command(flatten)]
        population: Population,
        /// État à atteindre (répétable) : sans-adresse, jamais-initialise, lien-en-attente,
        /// lien-expire, initialise ; par défaut jamais-initialise et lien-expire.
        #[arg(long = "state", value_name = "ÉTAT")]
        states: Vec<String>,
        #[command(flatten)]
        acting: Acting,
    },
    /// Lance une campagne préparée, au débit indiqué (messages par minute, au plus le réglage
    /// smtp_max_rate).
    Start {
        id: i32,
        #[arg(long, value_name = "PAR_MINUTE")]
        rate: u32,
        #[command(flatten)]
        acting: Acting,
    },
    /// Met une campagne en cours en pause.
    Pause {
        id: i32,
        #[command(flatten)]
        acting: Acting,
    },
    /// Reprend une campagne en pause.
    Resume {
        id: i32,
        #[command(flatten)]
        acting: Acting,
    },
    /// Annule une campagne : ce qui n’est pas parti ne part pas.
    Cancel {
        id: i32,
        #[command(flatten)]
        acting: Acting,
    },
    /// Où en est une campagne : envoyés, en échec, restants.
    Status {
        id: i32,
        #[command(flatten)]
        reading: Reading,
    },
    /// Le compte rendu d’une campagne, établissement par établissement, en CSV.
    Report {
        id: i32,
        #[command(flatten)]
        reading: Reading,
    },
}

pub async fn run(settings: Settings, command: CampaignCommand) -> Result<Output, Failure> {
    let (acting, id, action) = match command {
        CampaignCommand::Plan {
            population,
            states,
            acting,
        } => {
            let (guichet, session) = output::signed_in(settings, &acting.agent).await?;
            let input = PlanInput {
                population: population.input(),
                states,
            };
            let plan = guichet.plan_campaign(&session, &input).await?;
            return Ok(Output {
                text: describe_plan(&plan),
                json: json!(plan),
            });
        }
        CampaignCommand::Start { id, rate, acting } => {
            let (guichet, session) = output::signed_in(settings, &acting.agent).await?;
            let status = guichet.start_campaign(&session, id, rate).await?;
            return Ok(status_output(&status));
        }
        CampaignCommand::Status { id, reading } => {
            let (guichet, session) = output::reader(settings, reading.agent.as_deref()).await?;
            return Ok(status_output(&guichet.campaign_status(&session, id).await?));
        }
        CampaignCommand::Report { id, reading } => {
            let (guichet, session) = output::reader(settings, reading.agent.as_deref()).await?;
            let csv = guichet.campaign_csv(&session, id).await?;
            return Ok(Output {
                json: json!({ "csv": csv }),
                text: csv,
            });
        }
        CampaignCommand::Pause { id, acting } => (acting, id, CampaignAction::Pause),
        CampaignCommand::Resume { id, acting } => (acting, id, CampaignAction::Resume),
        CampaignCommand::Cancel { id, acting } => (acting, id, CampaignAction::Cancel),
    };
    let (guichet, session) = output::signed_in(settings, &acting.agent).await?;
    let status = guichet.change_campaign(&session, id, action).await?;
    Ok(status_output(&status))
}

fn describe_plan(plan: &CampaignPlan) -> String {
    let mut text = format!(
        "Campagne n°\u{a0}{} préparée\u{a0}: {} lien(s) à envoyer, {} établissement(s) écarté(s).\n\
         Lancez-la avec «\u{a0}guichet-admin campaign start {} --rate PAR_MINUTE\u{a0}».\n",
        plan.campaign,
        plan.to_send,
        plan.skipped.len(),
        plan.campaign
    );
    for skipped in &plan.skipped {
        text.push_str(&format!(
            "  {}  {:<40} {}\n",
            skipped.uai,
            skipped.email.as_deref().unwrap_or("—"),
            skipped.reason.label()
        ));
    }
    text
}

fn status_output(status: &CampaignStatus) -> Output {
    let mut text = format!(
        "Campagne n°\u{a0}{}\u{a0}: {}. Envoyés {}, en échec {}, restants {}, non envoyés {}, écartés {}.",
        status.campaign,
        status.state.code(),
        status.sent,
        status.failed,
        status.remaining,
        status.dropped,
        status.skipped
    );
    if let Some(seconds) = status.seconds_left {
        text.push_str(&format!(
            " Fin prévue dans {}.",
            guichet_core::text::lifetime_in_words(seconds)
        ));
    }
    Output {
        text,
        json: json!(status),
    }
}
