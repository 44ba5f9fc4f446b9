//! What the Guichet's search is compared with, each query run by the store as a naive
//! implementation would write it: `LIKE '%…%'` over names, towns and addresses and, on
//! PostgreSQL, `pg_trgm` on the folded names.

use std::time::Instant;

use guichet_core::{Error, Guichet};

use super::app::LIMIT;
use crate::queries::BenchQuery;
use crate::stats::Latencies;

/// Queries run once through each baseline before timing, to bring its tables into the cache.
const BASELINE_WARM_UP: usize = 100;

#[derive(Debug, Clone, Copy)]
pub enum Baseline {
    /// `lower(column) LIKE '%query%'` over names and towns, then addresses, as the plain search
    /// would be written without prefixes.
    Like,
    /// `pg_trgm`: `search_name % query`, best similarity first.
    Similarity,
    /// `pg_trgm`: `query <% search_name`, best word similarity first.
    WordSimilarity,
}

/// Times one baseline on every query, after the first ones run once untimed.
pub async fn time_baseline(
    guichet: &Guichet,
    baseline: Baseline,
    queries: &[BenchQuery],
) -> Result<Latencies, Error> {
    for query in queries.iter().take(BASELINE_WARM_UP) {
        run_baseline(guichet, baseline, &query.text).await?;
    }
    let mut latencies = Latencies::default();
    for query in queries {
        let started = Instant::now();
        run_baseline(guichet, baseline, &query.text).await?;
        latencies.record(started.elapsed());
    }
    Ok(latencies)
}

/// Runs one baseline query; returns how many rows it found.
async fn run_baseline(guichet: &Guichet, baseline: Baseline, query: &str) -> Result<usize, Error> {
    match baseline {
        Baseline::Like => guichet.bench_like_search(query, LIMIT).await,
        Baseline::Similarity => guichet.bench_trigram_search(query, LIMIT).await,
        Baseline::WordSimilarity => guichet.bench_trigram_word_search(query, LIMIT).await,
    }
}
