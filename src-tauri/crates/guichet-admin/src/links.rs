//! `send-link`, `check-link`, `outbox` and `sender`: the third daily call from the command line,
//! and the one sender that mints and mails links, as a service.

use clap::Args;
use guichet_core::Settings;
use guichet_core::links::ledger::Delivery;
use guichet_core::model::database::Mode;
use guichet_core::sender::DrainReport;
use serde_json::json;

use crate::output::{self, Acting, CliError, Failure, Output, Reading};

#[derive(Debug, Args)]
pub struct SendLink {
    /// Adresse électronique qui reçoit le lien.
    email: String,
    /// Note pour le journal (« appel du secrétariat, M. X »).
    #[arg(long, value_name = "TEXTE")]
    note: Option<String>,
    /// Attend que le message soit parti (ou en échec) et le dit : dans une base autonome, la
    /// commande l’envoie elle-même ; dans une base partagée, elle suit le service d’envoi.
    #[arg(long)]
    deliver: bool,
    /// Combien de secondes attendre le service d’envoi (base partagée, avec --deliver).
    #[arg(long, value_name = "SECONDES", default_value_t = 30)]
    timeout: u64,
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
    /// Envoie tout ce qui est dû, jusqu’à ce qu’il ne reste rien à envoyer maintenant (base
    /// autonome, ou compte du service d’envoi).
    #[arg(long)]
    drain: bool,
    #[command(flatten)]
    reading: Reading,
}

#[derive(Debug, Args)]
pub struct SenderCommand {
    /// Envoie ce qui est dû, puis s’arrête (sans attendre d’autres demandes).
    #[arg(long)]
    once: bool,
}

pub async fn send_link(settings: Settings, args: SendLink) -> Result<Output, Failure> {
    let (guichet, session) = output::signed_in(settings, &args.acting.agent).await?;
    let sent = guichet
        .send_link(&session, &args.email, args.note.as_deref())
        .await?;
    let mut text = sent.message.clone();
    let mut report = None;
    if args.deliver {
        match guichet.mode() {
            Mode::Standalone => {
                let sender = guichet.sender().await?;
                let drained = sender.deliver_due().await;
                sender.stop().await;
                let drained = drained?;
                text.push_str(&format!("\n{}", describe(&drained)));
                report = Some(drained);
            }
            Mode::Shared => {
                follow(&guichet, &session, sent.link_id, args.timeout).await?;
            }
        }
    }
    let entry = guichet.link_entry(&session, sent.link_id).await?;
    if args.deliver
        && let Some(entry) = &entry
    {
        text.push_str(&format!("\n{}", state_of(&entry.delivery)));
    }
    Ok(Output {
        text,
        json: json!({
            "email": sent.email,
            "link_id": sent.link_id,
            "message": sent.message,
            "expires_at": entry.as_ref().and_then(|entry| entry.expires_at),
            "state": entry.as_ref().map(|entry| &entry.delivery),
            "delivery": report,
            // The previous link, when it was asked for within the portal's throttle (one hour):
            // sent anyway, and said.
            "recent_link": sent.recent_link,
        }),
    })
}

/// Waits until the sender service settles the link's message (sent, failed or dropped), or
/// `timeout` seconds pass.
async fn follow(
    guichet: &guichet_core::Guichet,
    session: &guichet_core::agents::Session,
    link_id: i32,
    timeout: u64,
) -> Result<(), Failure> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(timeout);
    loop {
        let settled = guichet
            .link_entry(session, link_id)
            .await?
            .is_some_and(|entry| {
                matches!(
                    entry.delivery,
                    Delivery::Sent { .. } | Delivery::Failed { .. } | Delivery::Dropped { .. }
                )
            });
        if settled {
            return Ok(());
        }
        if std::time::Instant::now() >= deadline {
            let status = guichet.sending_status(session).await?;
            return Err(CliError::NotDelivered {
                seconds: timeout,
                problem: status.problem,
            }
            .into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// Where a link's message stands, in a sentence.
fn state_of(delivery: &Delivery) -> String {
    match delivery {
        Delivery::Waiting { .. } => "Le message est en file.".into(),
        Delivery::Sending => "Le message part.".into(),
        Delivery::Sent { reply, .. } => format!(
            "Le message est envoyé ({}).",
            reply.as_deref().unwrap_or("accepté")
        ),
        Delivery::Failed { reason } => format!(
            "Le message est en échec\u{a0}: {}",
            reason.as_deref().unwrap_or("raison inconnue")
        ),
        Delivery::Dropped { reason } => reason
            .clone()
            .unwrap_or_else(|| "Le message n’est pas parti.".into()),
    }
}

pub async fn check_link(settings: Settings, args: CheckLink) -> Result<Output, Failure> {
    let (guichet, session) = output::reader(settings, args.reading.agent.as_deref()).await?;
    let check = guichet.check_link(&session, &args.link).await?;
    Ok(Output {
        text: check.message.clone(),
        json: json!(check),
    })
}

pub async fn outbox(settings: Settings, args: Outbox) -> Result<Output, Failure> {
    let (guichet, session) = output::reader(settings, args.reading.agent.as_deref()).await?;
    let mut rounds = Vec::new();
    if args.drain {
        let sender = guichet.sender().await?;
        let drained = sender.deliver_due().await;
        sender.stop().await;
        rounds.push(drained?);
    }
    let counts = guichet.outbox_counts(&session).await?;
    let mut text: Vec<String> = rounds.iter().map(describe).collect();
    let label = |state: &str| {
        match state {
            "waiting" => "en attente",
            "sending" => "en cours d’envoi",
            "sent" => "envoyés",
            "failed" => "en échec",
            "dropped" => "remplacés avant de partir",
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

/// `guichet-admin sender`: the one sender, until SIGTERM or Ctrl+C (or, with `--once`, until
/// nothing is due). It connects as the URL's own user: in shared mode, a member of
/// `guichet_envoi` whose password is in this service's keyring or credentials.
pub async fn sender(settings: Settings, args: SenderCommand) -> Result<Output, Failure> {
    let guichet = output::open(settings).await?;
    let sender = guichet.sender().await?;
    if args.once {
        let drained = sender.deliver_due().await;
        let status = sender.status().await;
        sender.stop().await;
        let drained = drained?;
        let problem = status?.problem;
        let mut text = describe(&drained);
        if let Some(problem) = &problem {
            text.push_str(&format!("\n{problem}"));
        }
        return Ok(Output {
            text,
            json: json!({ "report": drained, "problem": problem }),
        });
    }
    sender.run_until(stopped()).await;
    let id = sender.id();
    sender.stop().await;
    Ok(Output {
        text: format!("Service d’envoi n°\u{a0}{id} arrêté."),
        json: json!({ "stopped": id }),
    })
}

/// Completes on SIGTERM (systemd stopping the service) or Ctrl+C.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = terminate.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn describe(report: &DrainReport) -> String {
    format!(
        "Envoyés\u{a0}: {}, à réessayer\u{a0}: {}, en échec\u{a0}: {}, remplacés avant de partir\u{a0}: {}, \
         en attente du serveur\u{a0}: {}, repris après un arrêt\u{a0}: {}.",
        report.sent,
        report.retried,
        report.failed,
        report.dropped,
        report.deferred,
        report.requeued
    )
}
