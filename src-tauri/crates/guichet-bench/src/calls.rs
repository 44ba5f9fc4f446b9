//! The operations of one helpdesk call, end to end through the core as the window calls them
//! (role check, validation, transaction, journal, search index kept current), timed one by one.

use std::time::Instant;

use guichet_core::agents::Session;
use guichet_core::{Error, Guichet};
use serde_json::json;

use crate::rng::Rng;
use crate::stats::{self, Latencies, Summary};

/// The operations of one helpdesk call, in the order an agent does them.
#[derive(Debug, Default)]
pub struct CallTimings {
    /// The establishment's page: its addresses, the principal address's ledger, the timeline.
    pub open_page: Latencies,
    /// A new address attached to the establishment (added to the account database first).
    pub attach: Latencies,
    /// A link for that address, up to the commit that puts its e-mail in the outbox.
    pub send_link: Latencies,
    /// The address detached again, which leaves the establishment as it was.
    pub detach: Latencies,
}

impl CallTimings {
    pub fn all(&self) -> Latencies {
        let mut all = Latencies::default();
        for latencies in [&self.open_page, &self.attach, &self.send_link, &self.detach] {
            all.extend(latencies);
        }
        all
    }

    pub fn extend(&mut self, other: &CallTimings) {
        self.open_page.extend(&other.open_page);
        self.attach.extend(&other.attach);
        self.send_link.extend(&other.send_link);
        self.detach.extend(&other.detach);
    }
}

/// Does one call for `uai` with a new address `email`, timing each operation.
pub async fn one_call(
    guichet: &Guichet,
    session: &Session,
    uai: &str,
    email: &str,
    timings: &mut CallTimings,
) -> Result<(), Error> {
    let started = Instant::now();
    let establishment = guichet.establishment(session, uai).await?;
    guichet.timeline(session, uai).await?;
    if let Some(principal) = &establishment.principal_email {
        guichet.address_links(session, principal).await?;
    }
    timings.open_page.record(started.elapsed());

    let uais = [uai.to_string()];
    let started = Instant::now();
    guichet
        .attach(session, email, &uais, false, None, Some("banc d’essai"))
        .await?;
    timings.attach.record(started.elapsed());

    let started = Instant::now();
    guichet.send_link(session, email, None).await?;
    timings.send_link.record(started.elapsed());

    let started = Instant::now();
    guichet
        .detach(session, email, uai, None, None, None)
        .await?;
    timings.detach.record(started.elapsed());
    Ok(())
}

/// Establishments with a principal address, the ones agents are called about.
pub async fn establishments(guichet: &Guichet) -> Result<Vec<String>, Error> {
    let uais = guichet.bench_establishments_with_principal().await?;
    if uais.is_empty() {
        return Err(Error::Internal(
            "no establishment with a principal address".into(),
        ));
    }
    Ok(uais)
}

/// A fresh address for the `n`th call of a run; `tag` keeps runs and agents apart.
pub fn new_address(tag: &str, n: usize) -> String {
    format!("banc.{tag}.{n}@ac-paris.fr")
}

/// Times `calls` calls after a tenth as many untimed ones, one after the other, each on an
/// establishment drawn at random; returns the timings and the warm-up.
pub async fn time_calls(
    guichet: &Guichet,
    session: &Session,
    uais: &[String],
    calls: usize,
    seed: u64,
) -> Result<(CallTimings, usize), Error> {
    let mut rng = Rng::new(seed ^ 0x0CA11);
    let tag = format!("solo{}", chrono::Utc::now().timestamp_millis());
    let warm_up = (calls / 10).max(1);
    let mut timings = CallTimings::default();
    for n in 0..warm_up + calls {
        let uai = &uais[rng.below(uais.len())];
        let mut call = CallTimings::default();
        one_call(guichet, session, uai, &new_address(&tag, n), &mut call).await?;
        if n >= warm_up {
            timings.extend(&call);
        }
    }
    Ok((timings, warm_up))
}

/// A timed operation: its JSON key, its label, its figures.
pub type Row = (&'static str, &'static str, Summary);

/// The rows of a call's operations.
pub fn call_rows(timings: &CallTimings) -> Result<[Row; 4], Error> {
    Ok([
        (
            "open_page",
            "Ouvrir la fiche (adresses, liens, historique)",
            stats::summary(&timings.open_page)?,
        ),
        (
            "attach",
            "Rattacher une adresse nouvelle",
            stats::summary(&timings.attach)?,
        ),
        (
            "send_link",
            "Envoyer un lien (jusqu’à la boîte d’envoi)",
            stats::summary(&timings.send_link)?,
        ),
        (
            "detach",
            "Détacher l’adresse",
            stats::summary(&timings.detach)?,
        ),
    ])
}

/// One line of `text` and one JSON field per timed operation.
pub fn table(rows: &[Row], text: &mut String) -> serde_json::Map<String, serde_json::Value> {
    let mut fields = serde_json::Map::new();
    for (key, label, summary) in rows {
        text.push_str(&stats::table_line(label, summary));
        fields.insert((*key).into(), json!(summary));
    }
    fields
}
