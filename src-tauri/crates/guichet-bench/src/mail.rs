//! `bench mail`: the app's SMTP sender against lettre's plain default, in the same run, on the
//! same server (a local one the operator starts, e.g. aiosmtpd), with the guide's real e-mail.

use std::time::Instant;

use clap::Args;
use guichet_core::delivery::transport::{Outgoing, SmtpSender};
use guichet_core::mail::message::{formatted, reset_email};
use guichet_core::mail::sending::{SendingName, SendingSettings};
use guichet_core::mail::smtp_url::SmtpConfig;
use guichet_core::{Error, Settings};
use serde::Serialize;
use serde_json::json;

use crate::Report;
use crate::lettre_default::send_with_lettre_default;

#[derive(Debug, Args)]
pub struct MailBench {
    /// Messages sent by the Guichet's sender.
    #[arg(long, default_value_t = 5_000)]
    messages: usize,
    /// Connections kept open in parallel by the Guichet's sender.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// Messages sent the plain lettre way (one connection, Nagle's algorithm on): it is slow, so
    /// fewer by default.
    #[arg(long, default_value_t = 200)]
    baseline_messages: usize,
    /// Serveur SMTP local (par défaut GUICHET_SMTP_URL), sans authentification.
    #[arg(long, value_name = "URL")]
    smtp_url: Option<String>,
}

#[derive(Debug, Serialize)]
struct Rate {
    messages: usize,
    seconds: f64,
    messages_per_s: f64,
}

impl Rate {
    fn of(messages: usize, started: Instant) -> Rate {
        let seconds = started.elapsed().as_secs_f64();
        Rate {
            messages,
            seconds,
            messages_per_s: messages as f64 / seconds.max(f64::EPSILON),
        }
    }
}

/// `count` copies of the guide's e-mail, each to its own recipient and with its own link.
fn copies(count: usize) -> Result<Vec<Outgoing>, Error> {
    let settings = SendingSettings::default();
    (0..count)
        .map(|n| {
            let recipient = format!("bench.{n}@ac-paris.fr");
            let link = format!("{}/reset-password/reset/{:0>40}", settings.portal_url, n);
            let message = reset_email(
                &settings.mail_from,
                &recipient,
                &link,
                settings.link_lifetime_seconds,
            )?;
            Ok(Outgoing {
                envelope_from: "ne-pas-repondre@siec.education.fr".into(),
                recipient,
                bytes: formatted(&message),
            })
        })
        .collect()
}

pub async fn run(settings: Settings, args: MailBench) -> Result<Report, Error> {
    let url = smtp_url(&settings, args.smtp_url)?;
    measure(
        &url,
        args.messages,
        args.concurrency,
        args.baseline_messages,
    )
    .await
}

/// The local SMTP server to measure against: the one given, else `GUICHET_SMTP_URL`.
pub fn smtp_url(settings: &Settings, given: Option<String>) -> Result<String, Error> {
    given
        .or_else(|| {
            settings
                .sending
                .get(SendingName::SmtpUrl)
                .map(str::to_string)
        })
        .ok_or(Error::InvalidSetting {
            name: "--smtp-url",
            reason: "indiquez un serveur SMTP local (--smtp-url smtp://127.0.0.1:2525 ou \
                     GUICHET_SMTP_URL)"
                .into(),
        })
}

/// Sends `messages` through the app's sender, then `baseline_messages` the plain lettre way.
pub async fn measure(
    url: &str,
    messages: usize,
    concurrency: usize,
    baseline_messages: usize,
) -> Result<Report, Error> {
    let mut config = SmtpConfig::parse(url)?;
    config.concurrency = concurrency.max(1);
    let app_messages = copies(messages)?;
    let baseline_messages = copies(baseline_messages)?;

    let sender = SmtpSender::new(config.clone(), None)?;
    let started = Instant::now();
    let results = sender.send_many(app_messages).await;
    let app = Rate::of(results.len(), started);
    let failed = results.iter().filter(|result| result.is_err()).count();
    sender.close().await;

    let started = Instant::now();
    let sent = send_with_lettre_default(&config, None, &baseline_messages)
        .await
        .map_err(|error| Error::SmtpUnreachable(error.message()))?;
    let baseline = Rate::of(sent, started);

    let text = format!(
        "Guichet : {} messages en {:.2} s, {:.0} messages/s ({} connexions, {failed} échecs).\n\
         lettre par défaut : {} messages en {:.2} s, {:.0} messages/s.",
        app.messages,
        app.seconds,
        app.messages_per_s,
        config.concurrency,
        baseline.messages,
        baseline.seconds,
        baseline.messages_per_s
    );
    Ok(Report {
        text,
        json: json!({
            "server": format!("{}:{}", config.host, config.port),
            "app": { "concurrency": config.concurrency, "failed": failed, "rate": app },
            "lettre_default": baseline,
        }),
    })
}
