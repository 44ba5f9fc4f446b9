//! `links` and `bounces`: what became of each message an address was sent (the relay's
//! answer, a later report from the establishment's server), and reading the bounce mailbox.

use clap::{Args, Subcommand};
use guichet_core::Settings;
use guichet_core::links::ledger::Lifecycle;
use guichet_core::model::establishment::InitStatus;
use serde_json::json;

use crate::output::{self, Failure, Output, Reading};

#[derive(Debug, Args)]
pub struct Links {
    /// Adresse électronique dont on veut l’historique des liens.
    email: String,
    #[command(flatten)]
    reading: Reading,
}

#[derive(Debug, Subcommand)]
pub enum BouncesCommand {
    /// Lit la boîte des retours une fois (compte du service d’envoi, ou base autonome) et dit
    /// ce qu’elle a reconnu et ce qu’elle a laissé.
    Fetch,
}

/// The lifecycle's name, as the JSON of `links` gives it.
fn lifecycle_state(lifecycle: &Lifecycle) -> &'static str {
    match lifecycle {
        Lifecycle::Requested => "requested",
        Lifecycle::Valid { .. } => "valid",
        Lifecycle::Expired { .. } => "expired",
        Lifecycle::Replaced { .. } => "replaced",
        Lifecycle::Used { .. } => "used",
    }
}

pub async fn links(settings: Settings, args: Links) -> Result<Output, Failure> {
    let (guichet, session) = output::reader(settings, args.reading.agent.as_deref()).await?;
    let ledger = guichet.address_links(&session, &args.email).await?;
    let status = match &ledger.status {
        InitStatus::Initialised { .. } => "initialisée",
        InitStatus::LinkPending { .. } => "un lien attend d’être utilisé",
        InitStatus::NotInitialised { .. } => "non initialisée",
    };
    let mut text = vec![format!("{} — {status}", ledger.email)];
    if ledger.links.is_empty() {
        text.push("Aucun lien envoyé par le Guichet.".into());
    }
    let links: Vec<serde_json::Value> = ledger
        .links
        .iter()
        .map(|entry| {
            text.push(format!(
                "{} par {}\u{a0}: {}",
                guichet_core::text::paris_time(entry.requested_at),
                entry.agent.as_deref().unwrap_or("le portail"),
                entry.outcome.summary
            ));
            let outcome = &entry.outcome;
            json!({
                "id": entry.id,
                "sent_at": entry.requested_at,
                "sent_by": entry.agent_login,
                "state": lifecycle_state(&entry.lifecycle),
                "expires_at": entry.expires_at,
                "delivery": {
                    "status": outcome.status,
                    "code": outcome.code,
                    "enhanced": outcome.enhanced,
                    "text": outcome.text,
                    "at": outcome.at,
                    "queue_id": outcome.queue_id,
                    "summary": outcome.summary,
                },
            })
        })
        .collect();
    Ok(Output {
        text: text.join("\n"),
        json: json!({ "email": ledger.email, "links": links }),
    })
}

pub async fn bounces(settings: Settings, command: BouncesCommand) -> Result<Output, Failure> {
    match command {
        BouncesCommand::Fetch => {
            let guichet = output::open(settings).await?;
            let sender = guichet.sender().await?;
            let reading = sender.read_bounces().await;
            sender.stop().await;
            let reading = reading?;
            let mut text = vec![reading.describe()];
            for report in &reading.left {
                text.push(format!(
                    "Laissé dans la boîte\u{a0}: n°\u{a0}{} «\u{a0}{}\u{a0}» — {}",
                    report.uid,
                    report.subject.as_deref().unwrap_or("sans objet"),
                    report.reason.label()
                ));
            }
            Ok(Output {
                text: text.join("\n"),
                json: json!(reading),
            })
        }
    }
}
