//! Writing a generated demo into an empty database, in one transaction.

use std::time::Instant;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::generator::{DemoReport, DemoSize, generate};
use crate::error::{Error, Result};
use crate::store::Store;

/// Fills an empty database with demo data, in one transaction.
pub async fn load(
    store: &Store,
    size: DemoSize,
    seed: u64,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<DemoReport> {
    if store.count_establishments().await? > 0 {
        return Err(Error::DatabaseNotEmpty);
    }
    let started = Instant::now();
    let (batch, mut report) = generate(size, seed, tz, now)?;
    report.generate_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    store.insert_batch(&batch, now).await?;
    report.insert_seconds = started.elapsed().as_secs_f64();
    Ok(report)
}
