//! What `guichet-admin bench` needs of the database beyond the agents' own operations: the rows
//! it draws its queries and calls from, and the baselines it times the app against. For the
//! benchmarks only: no role check (whoever runs a benchmark holds the database's URL, or signed
//! in as the agent being measured), and nothing here is the app's way of doing things.

use std::time::Duration;

use super::Guichet;
use crate::annuaire::Record;
use crate::demo::{self, DemoSize};
use crate::error::Result;
use crate::model::database::Backend;

impl Guichet {
    /// The database's engine, for a benchmark's figures. For `guichet-admin bench` only.
    pub fn bench_backend(&self) -> Backend {
        self.store().backend()
    }

    /// How many establishments and addresses the database holds. For `guichet-admin bench`
    /// only.
    pub async fn bench_sizes(&self) -> Result<(i64, i64)> {
        self.store().bench_sizes().await
    }

    /// Every establishment as `(uai, name, town, postcode)`, in UAI order, for the benchmark to
    /// draw what callers say from. For `guichet-admin bench` only.
    pub async fn bench_establishment_rows(&self) -> Result<Vec<(String, String, String, String)>> {
        self.store().bench_establishment_rows().await
    }

    /// Every establishment as an Annuaire import compares it, in UAI order, for the benchmark
    /// to write Annuaire files from. For `guichet-admin bench` only.
    pub async fn bench_annuaire_records(&self) -> Result<Vec<Record>> {
        let known = self.store().annuaire_known().await?;
        let mut records: Vec<Record> = known.into_values().map(|k| k.record).collect();
        records.sort_by(|a, b| a.identity.uai.cmp(&b.identity.uai));
        Ok(records)
    }

    /// The smallest and the largest account id, `None` without accounts. For
    /// `guichet-admin bench` only.
    pub async fn bench_account_id_bounds(&self) -> Result<Option<(i32, i32)>> {
        self.store().bench_account_id_bounds().await
    }

    /// For each id, the address of the first account from there (ids may have gaps). For
    /// `guichet-admin bench` only.
    pub async fn bench_emails_from(&self, ids: &[i32]) -> Result<Vec<String>> {
        self.store().bench_emails_from(ids).await
    }

    /// The first `count` addresses in id order, for a campaign's worth of links. For
    /// `guichet-admin bench` only.
    pub async fn bench_first_emails(&self, count: usize) -> Result<Vec<String>> {
        let limit = i64::try_from(count).unwrap_or(i64::MAX);
        self.store().bench_first_emails(limit).await
    }

    /// The UAIs of the establishments with a principal address, the ones agents are called
    /// about. For `guichet-admin bench` only.
    pub async fn bench_establishments_with_principal(&self) -> Result<Vec<String>> {
        self.store().bench_establishments_with_principal().await
    }

    /// The naive search baseline, `LIKE '%query%'` over names, towns and addresses; returns how
    /// many rows it found, at most `limit`. For `guichet-admin bench` only.
    pub async fn bench_like_search(&self, query: &str, limit: usize) -> Result<usize> {
        self.store().bench_like_search(query, limit).await
    }

    /// The `pg_trgm` baseline `search_name % query` (PostgreSQL only); returns how many rows it
    /// found, at most `limit`. For `guichet-admin bench` only.
    pub async fn bench_trigram_search(&self, query: &str, limit: usize) -> Result<usize> {
        self.store().bench_trigram_similarity(query, limit).await
    }

    /// The `pg_trgm` baseline `query <% search_name` (PostgreSQL only); returns how many rows
    /// it found, at most `limit`. For `guichet-admin bench` only.
    pub async fn bench_trigram_word_search(&self, query: &str, limit: usize) -> Result<usize> {
        self.store()
            .bench_trigram_word_similarity(query, limit)
            .await
    }

    /// Enables `pg_trgm` and creates its index on the folded names when absent (PostgreSQL
    /// only); returns how long the index took to build, `None` when it was there already. For
    /// `guichet-admin bench` only.
    pub async fn bench_trigram_index(&self) -> Result<Option<Duration>> {
        self.store().bench_trigram_index().await
    }

    /// The database's floor, `samples` times: the duration of each `SELECT 1` round trip and of
    /// each committed one-row write (into a scratch table, dropped at the end). For
    /// `guichet-admin bench` only.
    pub async fn bench_floor(&self, samples: usize) -> Result<(Vec<Duration>, Vec<Duration>)> {
        self.store().bench_floor(samples).await
    }

    /// The naive fill baseline: `count` demo addresses (drawn from `seed`) inserted one
    /// `INSERT` at a time in one transaction, then rolled back; returns how long the inserts
    /// took. For `guichet-admin bench` only.
    pub async fn bench_row_by_row(&self, count: usize, seed: u64) -> Result<Duration> {
        let size = DemoSize {
            establishments: 1,
            accounts: count,
        };
        let timezone = self.portal_timezone().await?;
        let (batch, _) = demo::generate(size, seed, timezone, chrono::Utc::now())?;
        self.store().bench_row_by_row(&batch.accounts).await
    }
}
