//! `send-link`, `check-link` and `outbox`: the third daily call from the command line, and the
//! delivery of the outbox by a script or a service.

use clap::Args;
use guichet_core::Settings;
use serde_json::json;

use crate::output::{self, Acting, Failure, Output, Reading};

#[derive(Debug, Args)]
pub struct SendLink {
    /// Adresse électronique qui reçoit le lien.
    email: String,
    /// Note pour le journal (« appel du secrétariat, M. X »).
    #[arg(long, value_name = "TEXTE")]
    note: Option<String>,
    /// Livre aussitôt la boîte d’envoi au lieu d’attendre le Guichet.
    #[arg(long)]
    deliver: bool,
    #[command(flatten)]
    acting: Acting,
}

#[derive(Debug, Args)]
pub struct CheckLink {
    /// Le lien (ou les 40 caractères du code) tel que le correspondant le lit ou le transfère.
    link: String,
    #[command(flatten)]
    reading: Reading,
}

#[derive(Debug, Args)]
pub struct Outbox {
    /// Envoie tout ce qui est dû, jusqu’à ce qu’il ne reste rien à envoyer maintenant.
    #[arg(long)]
    drain: bool,
    #[command(flatten)]
    reading: Reading,
}

pub async fn send_link(settings: Settings, args: SendLink) -> Result<Output, Failure> {
    let (guichet, session) = output::signed_in(settings, &args.acting.agent).await?;
    let sent = guichet
        .send_link(&session, &args.email, args.note.as_deref())
        .await?;
    let mut text = sent.message.clone();
    let mut delivered = None;
    if args.deliver {
        let delivery = guichet.delivery().await?;
        let report = guichet.deliver_once(&delivery).await?;
        text.push_str(&format!("\n{}", describe(&report)));
        delivered = Some(report);
    }
    Ok(Output {
        text,
        json: json!({ "email": sent.email, "expires_at": sent.expires_at, "message": sent.message, "delivery": delivered }),
    })
}

pub async fn check_link(settings: Settings, args: CheckLink) -> Result<Output, Failure> {
    let (guichet, session) = output::reader(settings, args.reading.agent.as_deref()).await?;
    let check = match &session {
        Some(session) => guichet.check_link(session, &args.link).await?,
        None => guichet.check_link_unchecked(&args.link).await?,
    };
    Ok(Output {
        text: check.message.clone(),
        json: json!(check),
    })
}

pub async fn outbox(settings: Settings, args: Outbox) -> Result<Output, Failure> {
    let (guichet, _) = output::reader(settings, args.reading.agent.as_deref()).await?;
    let mut rounds = Vec::new();
    if args.drain {
        let delivery = guichet.delivery().await?;
        // Each round claims what is due; a round that settles nothing means the rest waits.
        loop {
            let report = guichet.deliver_once(&delivery).await?;
            let settled = report.sent + report.failed + report.retried;
            rounds.push(report);
            if settled == 0 || report.retried == settled {
                break;
            }
        }
    }
    let counts = guichet.store().outbox_counts().await?;
    let mut text: Vec<String> = rounds.iter().map(describe).collect();
    let label = |state: &str| {
        match state {
            "waiting" => "en attente",
            "sending" => "en cours d’envoi",
            "sent" => "envoyés",
            "failed" => "en échec",
            other => other,
        }
        .to_string()
    };
    text.push(if counts.is_empty() {
        "La boîte d’envoi est vide.".into()
    } else {
        counts
            .iter()
            .map(|(state, n)| format!("{n} {}", label(state)))
            .collect::<Vec<_>>()
            .join(", ")
    });
    let totals: serde_json::Map<String, serde_json::Value> = counts
        .into_iter()
        .map(|(state, n)| (state, json!(n)))
        .collect();
    Ok(Output {
        text: text.join("\n"),
        json: json!({ "counts": totals, "rounds": rounds }),
    })
}

fn describe(report: &guichet_core::mail::outbox::DrainReport) -> String {
    format!(
        "Envoyés\u{a0}: {}, à réessayer\u{a0}: {}, en échec\u{a0}: {}, interrompus\u{a0}: {}.",
        report.sent, report.retried, report.failed, report.interrupted
    )
}
