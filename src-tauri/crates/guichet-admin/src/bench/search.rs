//! `bench search`: the Guichet's search end to end (the index ranks in memory, the store reads
//! the rows shown), timed in the same run as what a naive implementation would do (`LIKE '%…%'`
//! over names, towns and addresses) and, on PostgreSQL, as `pg_trgm` on establishment names.
//! The database is filled with demo data first when it is empty, and used as it is otherwise.

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::Utc;
use clap::Args;
use guichet_core::search::{self, SearchHit, SearchResponse};
use guichet_core::store::{OpenMode, Store};
use guichet_core::text::slug;
use guichet_core::{Error, Guichet, Settings, demo};
use serde_json::{Value, json};

use super::queries::{self, BenchQuery, Kind, Target};
use super::{BackendArg, Latencies, Summary};
use crate::output::Output;

/// Results per query, as the search box shows.
const LIMIT: usize = 20;
/// Queries run once through each baseline before timing, to bring its tables into the cache.
const BASELINE_WARM_UP: usize = 100;
/// The trigram index the `pg_trgm` baseline creates when it is absent.
const TRIGRAM_INDEX: &str = "establishment_search_name_trgm";

#[derive(Debug, Args)]
pub struct SearchBench {
    /// Taille de la base remplie (quand elle est vide).
    #[command(flatten)]
    size: super::SizeArgs,
    /// Type de base attendu. Avec --database-url (ou GUICHET_DATABASE_URL), refuse une base de
    /// l’autre type ; sans, « sqlite » (par défaut) prend un fichier du dossier temporaire, gardé
    /// pour les mesures suivantes, et « postgres » demande l’adresse de la base.
    #[arg(long, value_enum)]
    backend: Option<BackendArg>,
    /// Nombre de requêtes, tirées des lignes de la base.
    #[arg(long, default_value_t = 3_000)]
    queries: usize,
    /// Tours chronométrés du Guichet, après un tour d’échauffement.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Requêtes chronométrées pour chaque comparaison (LIKE, pg_trgm) : les premières de la
    /// liste, un seul tour, car chacune parcourt la table.
    #[arg(long, default_value_t = 1_000)]
    baseline_queries: usize,
    /// Graine du remplissage et du tirage des requêtes.
    #[arg(long, default_value_t = demo::DEFAULT_SEED)]
    seed: u64,
}

impl SearchBench {
    fn options(&self) -> SearchOptions {
        SearchOptions {
            queries: self.queries,
            rounds: self.rounds.max(1),
            baseline_queries: self.baseline_queries.max(1),
            seed: self.seed,
        }
    }
}

/// How many queries to time, and how.
#[derive(Debug, Clone, Copy)]
pub struct SearchOptions {
    pub queries: usize,
    pub rounds: usize,
    pub baseline_queries: usize,
    pub seed: u64,
}

pub async fn run(settings: Settings, args: SearchBench) -> Result<Output, Error> {
    let load_before = super::load_average();
    let file = format!(
        "guichet-bench-search-{}-{}-{}.sqlite",
        args.size.establishments, args.size.accounts, args.seed
    );
    let url = super::database_url(&settings, args.backend, &file)?;
    let settings = Settings {
        database_url: Some(url),
        ..settings
    };
    let guichet = Guichet::open(settings, OpenMode::CreateIfMissing).await?;
    let store = guichet.store();
    let timezone = guichet.portal_timezone().await?;

    let demo_s = if store.count_establishments().await? == 0 {
        tracing::info!("filling the database");
        let size = args.size.demo();
        let started = Instant::now();
        demo::load(store, size, args.seed, timezone, Utc::now()).await?;
        Some(started.elapsed().as_secs_f64())
    } else {
        None
    };
    let (establishments, accounts) = sizes(store).await?;
    let figures = measure(&guichet, args.options()).await?;

    let mut json = json!({
        "backend": store.backend(),
        "establishments": establishments,
        "accounts": accounts,
        "seed": args.seed,
        "database": if demo_s.is_some() { "filled" } else { "existing" },
        "demo_s": demo_s,
        "load_average": [load_before, super::load_average()],
    });
    if let (Some(fields), Value::Object(figures)) = (json.as_object_mut(), figures.json) {
        fields.extend(figures);
    }
    let text = format!(
        "Recherche — {}, {establishments} établissements, {accounts} adresses ({}).\n{}",
        super::backend_label(store),
        match demo_s {
            Some(seconds) => format!("base vide, remplie en {seconds:.1} s"),
            None => "base existante, utilisée telle quelle".into(),
        },
        figures.text
    );
    Ok(Output { text, json })
}

/// Times the search on the database `guichet` holds: the app's, then the baselines'.
pub async fn measure(guichet: &Guichet, options: SearchOptions) -> Result<Output, Error> {
    let store = guichet.store();
    let queries = queries::generate(store, options.queries, options.seed).await?;
    for query in &queries {
        tracing::debug!(kind = query.kind.code(), "query {:?}", query.text);
    }

    tracing::info!("building the index");
    let started = Instant::now();
    guichet.build_search_index().await?;
    let build_s = started.elapsed().as_secs_f64();
    let memory_bytes = guichet.search_index().memory_bytes().unwrap_or_default();

    tracing::info!("timing the search");
    let app = time_app(guichet, &queries, options.rounds).await?;
    let phases = time_phases(guichet, &queries).await?;
    tracing::info!("timing LIKE");
    let baseline_queries = &queries[..options.baseline_queries.min(queries.len())];
    let like = time_baseline(store, Baseline::Like, baseline_queries).await?;
    let trigram = match store {
        Store::Postgres(pool) => {
            tracing::info!("timing pg_trgm");
            let index_build_s = trigram_index(pool).await?;
            let similarity = time_baseline(store, Baseline::Similarity, baseline_queries).await?;
            let word = time_baseline(store, Baseline::WordSimilarity, baseline_queries).await?;
            Some((similarity, word, index_build_s))
        }
        Store::Sqlite(_) => None,
    };

    let app_summary = super::summary(&app.all)?;
    let index_summary = super::summary(&phases.index)?;
    let rows_summary = super::summary(&phases.rows)?;
    let like_summary = super::summary(&like)?;
    let trigram = match trigram {
        Some((similarity, word, build)) => {
            Some((super::summary(&similarity)?, super::summary(&word)?, build))
        }
        None => None,
    };
    let found_share = (app.named > 0).then(|| app.found as f64 / app.named as f64);
    let memory_mb = memory_bytes as f64 / (1024.0 * 1024.0);
    let mut kinds = serde_json::Map::new();
    for (kind, latencies) in &app.by_kind {
        if let Some(summary) = latencies.summary() {
            kinds.insert(kind.code().into(), json!(summary));
        }
    }

    let json = json!({
        "queries": queries.len(),
        "rounds": options.rounds,
        "baseline_queries": baseline_queries.len(),
        "app": with(&app_summary, json!({
            "named_queries": app.named,
            "found_in_results": found_share,
        })),
        "phases": {"index": index_summary, "rows": rows_summary},
        "app_by_kind": kinds,
        "like": like_summary,
        "pg_trgm": trigram.as_ref().map(|(similarity, word, build)| with(similarity, json!({
            "index_build_s": build,
            "word_similarity": word,
        }))),
        "index": {"build_s": build_s, "memory_mb": memory_mb, "memory_bytes": memory_bytes},
    });

    let mut text = format!(
        "{} requêtes tirées de la base (graine {}) ; le Guichet fait un tour d’échauffement puis \
         {} tour(s) chronométré(s), les comparaisons un tour des {} premières.\n\n{}",
        queries.len(),
        options.seed,
        options.rounds,
        baseline_queries.len(),
        super::table_head(),
    );
    let mut line =
        |label: &str, summary: &Summary| text.push_str(&super::table_line(label, summary));
    line("Guichet (index + lignes)", &app_summary);
    line("  dont classement par l’index", &index_summary);
    line("  dont lecture des lignes", &rows_summary);
    line("LIKE '%…%' naïf", &like_summary);
    if let Some((similarity, word, _)) = &trigram {
        line("pg_trgm similarity (%)", similarity);
        line("pg_trgm word_similarity (<%)", word);
    }
    text.push_str(&format!(
        "\nIndex : construit en {build_s:.2} s, {memory_mb:.0} Mio en mémoire."
    ));
    if let Some((_, _, build)) = &trigram {
        text.push_str(&match build {
            Some(seconds) => format!("\nIndex trigramme : créé en {seconds:.2} s."),
            None => "\nIndex trigramme : déjà présent.".into(),
        });
    }
    if let Some(share) = found_share {
        text.push_str(&format!(
            "\nLigne attendue parmi les {LIMIT} résultats : {:.1} % des {} requêtes qui en \
             nomment une (UAI, adresse, nom et commune).",
            share * 100.0,
            app.named
        ));
    }
    Ok(Output { text, json })
}

/// The Guichet's search timings: every query, by kind, and how often the row a query names
/// was among the results (first timed round).
#[derive(Debug, Default)]
struct AppTimings {
    all: Latencies,
    by_kind: BTreeMap<Kind, Latencies>,
    named: usize,
    found: usize,
}

async fn time_app(
    guichet: &Guichet,
    queries: &[BenchQuery],
    rounds: usize,
) -> Result<AppTimings, Error> {
    for query in queries {
        guichet.search_unchecked(&query.text, LIMIT).await?;
    }
    let mut timings = AppTimings::default();
    for round in 0..rounds {
        for query in queries {
            let started = Instant::now();
            let response = guichet.search_unchecked(&query.text, LIMIT).await?;
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
struct Phases {
    index: Latencies,
    rows: Latencies,
}

async fn time_phases(guichet: &Guichet, queries: &[BenchQuery]) -> Result<Phases, Error> {
    let mut phases = Phases::default();
    for query in queries {
        let started = Instant::now();
        let results = guichet
            .search_index()
            .search(&query.text, LIMIT)
            .ok_or_else(|| Error::Internal("search index not built".into()))?;
        let ranked = started.elapsed();
        let started = Instant::now();
        search::tolerant(guichet.store(), results).await?;
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

/// What the Guichet's search is compared with.
#[derive(Debug, Clone, Copy)]
enum Baseline {
    /// `lower(column) LIKE '%query%'` over names and towns, then addresses, as `search::plain`
    /// would be written without prefixes.
    Like,
    /// `pg_trgm`: `search_name % query`, best similarity first.
    Similarity,
    /// `pg_trgm`: `query <% search_name`, best word similarity first.
    WordSimilarity,
}

async fn time_baseline(
    store: &Store,
    baseline: Baseline,
    queries: &[BenchQuery],
) -> Result<Latencies, Error> {
    for query in queries.iter().take(BASELINE_WARM_UP) {
        run_baseline(store, baseline, &query.text).await?;
    }
    let mut latencies = Latencies::default();
    for query in queries {
        let started = Instant::now();
        run_baseline(store, baseline, &query.text).await?;
        latencies.record(started.elapsed());
    }
    Ok(latencies)
}

type EstablishmentRow = (String, String, String, String, String);

/// Runs one baseline query; returns how many rows it found.
async fn run_baseline(store: &Store, baseline: Baseline, query: &str) -> Result<usize, Error> {
    let limit = LIMIT as i64;
    match (baseline, store) {
        (Baseline::Like, _) => {
            let pattern = format!("%{}%", query.trim().to_lowercase());
            let establishments = "SELECT uai, name, kind, postcode, town FROM establishment \
                                  WHERE lower(name) LIKE $1 OR lower(town) LIKE $1 LIMIT $2";
            let addresses = "SELECT id, email FROM account WHERE lower(email) LIKE $1 LIMIT $2";
            let (found, addresses): (Vec<EstablishmentRow>, Vec<(i32, String)>) = match store {
                Store::Sqlite(pool) => (
                    sqlx::query_as(establishments)
                        .bind(&pattern)
                        .bind(limit)
                        .fetch_all(pool)
                        .await?,
                    sqlx::query_as(addresses)
                        .bind(&pattern)
                        .bind(limit)
                        .fetch_all(pool)
                        .await?,
                ),
                Store::Postgres(pool) => (
                    sqlx::query_as(establishments)
                        .bind(&pattern)
                        .bind(limit)
                        .fetch_all(pool)
                        .await?,
                    sqlx::query_as(addresses)
                        .bind(&pattern)
                        .bind(limit)
                        .fetch_all(pool)
                        .await?,
                ),
            };
            Ok((found.len() + addresses.len()).min(LIMIT))
        }
        (Baseline::Similarity | Baseline::WordSimilarity, Store::Postgres(pool)) => {
            let sql = match baseline {
                Baseline::WordSimilarity => {
                    "SELECT uai, name, word_similarity($1, search_name) AS score \
                     FROM establishment WHERE $1 <% search_name \
                     ORDER BY score DESC, uai LIMIT $2"
                }
                _ => {
                    "SELECT uai, name, similarity(search_name, $1) AS score \
                     FROM establishment WHERE search_name % $1 \
                     ORDER BY score DESC, uai LIMIT $2"
                }
            };
            // Folded as `search_name` is.
            let rows: Vec<(String, String, f32)> = sqlx::query_as(sql)
                .bind(slug(query, ' '))
                .bind(limit)
                .fetch_all(pool)
                .await?;
            Ok(rows.len())
        }
        (Baseline::Similarity | Baseline::WordSimilarity, Store::Sqlite(_)) => Ok(0),
    }
}

/// Enables `pg_trgm` and creates the trigram index on the folded names when it is absent;
/// returns how long the index took to build, `None` when it was there already.
async fn trigram_index(pool: &sqlx::PgPool) -> Result<Option<f64>, Error> {
    sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        .execute(pool)
        .await?;
    let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
        .bind(TRIGRAM_INDEX)
        .fetch_one(pool)
        .await?;
    if exists {
        return Ok(None);
    }
    let started = Instant::now();
    sqlx::query(&format!(
        "CREATE INDEX {TRIGRAM_INDEX} ON establishment USING gin (search_name gin_trgm_ops)"
    ))
    .execute(pool)
    .await?;
    let seconds = started.elapsed().as_secs_f64();
    sqlx::query("ANALYZE establishment").execute(pool).await?;
    Ok(Some(seconds))
}

/// How many establishments and addresses the database holds.
pub(super) async fn sizes(store: &Store) -> Result<(i64, i64), Error> {
    let establishments = "SELECT count(*) FROM establishment";
    let accounts = "SELECT count(*) FROM account";
    Ok(match store {
        Store::Sqlite(pool) => (
            sqlx::query_scalar(establishments).fetch_one(pool).await?,
            sqlx::query_scalar(accounts).fetch_one(pool).await?,
        ),
        Store::Postgres(pool) => (
            sqlx::query_scalar(establishments).fetch_one(pool).await?,
            sqlx::query_scalar(accounts).fetch_one(pool).await?,
        ),
    })
}

/// The summary's fields and `extra`'s together.
fn with(summary: &Summary, extra: Value) -> Value {
    let mut value = json!(summary);
    if let (Some(fields), Value::Object(extra)) = (value.as_object_mut(), extra) {
        fields.extend(extra);
    }
    value
}
