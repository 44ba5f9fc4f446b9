//! Drawing a demo's rows from a seed: the sizes it accepts, the generator's state, and what it
//! reports; the establishments and the accounts are drawn in their own files.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand::seq::IndexedRandom;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::uai::Uai;
use crate::store::Batch;

/// The most a demo may hold: beyond, generated UAIs would crowd the busiest departments.
pub const MAX_ESTABLISHMENTS: usize = 200_000;
pub const MAX_ACCOUNTS: usize = 2_000_000;

/// The size the app fills its embedded demo database with on first launch.
pub const DEFAULT_SIZE: DemoSize = DemoSize {
    establishments: 8_000,
    accounts: 20_000,
};
pub const DEFAULT_SEED: u64 = 2026;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSize {
    pub establishments: usize,
    pub accounts: usize,
}

/// What a demo load created, and how long it took.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DemoReport {
    pub seed: u64,
    pub establishments: usize,
    pub lycees: usize,
    pub colleges: usize,
    pub ecoles: usize,
    pub cio: usize,
    pub erea: usize,
    pub accounts: usize,
    pub attachments: usize,
    pub principals: usize,
    pub unattached_accounts: usize,
    pub initialised: usize,
    pub never_initialised: usize,
    pub link_pending: usize,
    pub link_expired: usize,
    pub generate_seconds: f64,
    pub insert_seconds: f64,
}

/// Generates the rows of a demo database without touching any database.
pub fn generate(
    size: DemoSize,
    seed: u64,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<(Batch, DemoReport)> {
    if size.establishments == 0 || size.establishments > MAX_ESTABLISHMENTS {
        return Err(Error::InvalidDemoSize(format!(
            "le nombre d’établissements doit être compris entre 1 et {MAX_ESTABLISHMENTS}"
        )));
    }
    if size.accounts > MAX_ACCOUNTS {
        return Err(Error::InvalidDemoSize(format!(
            "le nombre d’adresses ne peut dépasser {MAX_ACCOUNTS}"
        )));
    }
    let mut generator = Generator::new(seed, tz, now);
    generator.establishments(size.establishments);
    generator.accounts(size.accounts);
    Ok(generator.finish(seed))
}

/// The rows drawn so far, and what keeps the next ones unique.
pub(super) struct Generator {
    pub(super) rng: ChaCha8Rng,
    pub(super) tz: Tz,
    pub(super) now: DateTime<Utc>,
    pub(super) batch: Batch,
    pub(super) report: DemoReport,
    pub(super) taken_uais: HashSet<Uai>,
    /// How many UAIs each department prefix already has.
    pub(super) uais_per_prefix: HashMap<u32, usize>,
    pub(super) taken_emails: HashSet<String>,
    pub(super) has_principal: HashSet<usize>,
}

impl Generator {
    fn new(seed: u64, tz: Tz, now: DateTime<Utc>) -> Self {
        Generator {
            rng: ChaCha8Rng::seed_from_u64(seed),
            tz,
            now,
            batch: Batch::default(),
            report: DemoReport::default(),
            taken_uais: HashSet::new(),
            uais_per_prefix: HashMap::new(),
            taken_emails: HashSet::new(),
            has_principal: HashSet::new(),
        }
    }

    fn finish(mut self, seed: u64) -> (Batch, DemoReport) {
        let attached: HashSet<i32> = self
            .batch
            .attachments
            .iter()
            .map(|a| a.account_id)
            .collect();
        self.report.seed = seed;
        self.report.establishments = self.batch.establishments.len();
        self.report.accounts = self.batch.accounts.len();
        self.report.attachments = self.batch.attachments.len();
        self.report.principals = self.batch.principals.len();
        self.report.unattached_accounts = self.batch.accounts.len() - attached.len();
        self.batch.demo_seed = Some(seed);
        (self.batch, self.report)
    }
}

pub(super) fn pick<'a>(rng: &mut ChaCha8Rng, items: &[&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or_default()
}
