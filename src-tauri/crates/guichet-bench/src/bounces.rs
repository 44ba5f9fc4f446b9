//! `bench bounces`: one reading of the bounce mailbox as the sender service makes it (every
//! report fetched, parsed, matched to its message and recorded, then filed away), timed; the
//! mailbox and its password are the database's settings and the service's keyring.

use std::time::Instant;

use guichet_core::model::database::OpenMode;
use guichet_core::{Error, Guichet, Settings};
use serde_json::json;

use crate::Report;

#[derive(Debug, clap::Args)]
pub struct BouncesBench {}

pub async fn run(settings: Settings, _args: BouncesBench) -> Result<Report, Error> {
    let guichet = Guichet::open(settings, OpenMode::MustExist).await?;
    let sender = guichet.sender().await?;
    let load_before = crate::load_average();
    let started = Instant::now();
    let reading = sender.read_bounces().await;
    let seconds = started.elapsed().as_secs_f64();
    sender.stop().await;
    guichet.close().await;
    let reading = reading?;
    let per_second = f64::from(reading.read) / seconds.max(1e-9);
    Ok(Report {
        text: format!(
            "{} — {seconds:.2} s, {per_second:.0} retours par seconde",
            reading.describe()
        ),
        json: json!({
            "read": reading.read,
            "matched": reading.matched.len(),
            "ignored": reading.ignored,
            "left": reading.left.len(),
            "left_in_mailbox": reading.left_in_mailbox,
            "seconds": seconds,
            "reports_per_second": per_second,
            "load_before": load_before,
        }),
    })
}
