//! The Guichet's own search, timed as an agent's window runs it: every query whole (the index
//! ranks in memory, the store reads the rows shown), then its two phases apart.

use std::collections::BTreeMap;
use std::time::Instant;

use guichet_core::agents::Session;
use guichet_core::search::{SearchHit, SearchResponse};
use guichet_core::{Error, Guichet};

use crate::queries::{BenchQuery, Kind, Target};
use crate::stats::Latencies;

/// Results per query, as the search box shows.
pub const LIMIT: usize = 20;

/// The Guichet's search timings: every query, by kind, and how often the row a query names
/// was among the results (first timed round).
#[derive(Debug, Default)]
pub struct AppTimings {
    pub all: Latencies,
    pub by_kind: BTreeMap<Kind, Latencies>,
    pub named: usize,
    pub found: usize,
}

/// Runs every query once untimed, then times `rounds` rounds of them.
pub async fn time_app(
    guichet: &Guichet,
    session: &Session,
    queries: &[BenchQuery],
    rounds: usize,
) -> Result<AppTimings, Error> {
    for query in queries {
        guichet.search(session, &query.text, LIMIT).await?;
    }
    let mut timings = AppTimings::default();
    for round in 0..rounds {
        for query in queries {
            let started = Instant::now();
            let response = guichet.search(session, &query.text, LIMIT).await?;
            let elapsed = started.elapsed();
            timings.all.record(elapsed);
            timings
                .by_kind
                .entry(query.kind)
                .or_default()
                .record(elapsed);
            if round == 0
                && let Some(target) = &query.target
            {
                timings.named += 1;
                timings.found += usize::from(holds(&response, target));
            }
        }
    }
    Ok(timings)
}

/// The two phases of a search, timed apart: ranking in memory, then reading the rows shown.
#[derive(Debug, Default)]
pub struct Phases {
    pub index: Latencies,
    pub rows: Latencies,
}

pub async fn time_phases(
    guichet: &Guichet,
    session: &Session,
    queries: &[BenchQuery],
) -> Result<Phases, Error> {
    let mut phases = Phases::default();
    for query in queries {
        let started = Instant::now();
        let results = guichet
            .search_index()
            .search(&query.text, LIMIT)
            .ok_or_else(|| Error::Internal("search index not built".into()))?;
        let ranked = started.elapsed();
        let started = Instant::now();
        guichet.rows_of(session, results).await?;
        phases.rows.record(started.elapsed());
        phases.index.record(ranked);
    }
    Ok(phases)
}

fn holds(response: &SearchResponse, target: &Target) -> bool {
    response.hits.iter().any(|hit| match (hit, target) {
        (SearchHit::Establishment(e), Target::Establishment(uai)) => e.uai.as_str() == uai,
        (SearchHit::Address(a), Target::Address(email)) => a.email.to_lowercase() == *email,
        _ => false,
    })
}
