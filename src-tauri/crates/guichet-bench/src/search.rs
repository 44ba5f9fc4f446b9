//! `bench search`: the Guichet's search end to end (the index ranks in memory, the store reads
//! the rows shown), timed in the same run as what a naive implementation would do (`LIKE '%…%'`
//! over names, towns and addresses) and, on PostgreSQL, as `pg_trgm` on establishment names.
//! The database is filled with demo data first when it is empty, and used as it is otherwise.

mod app;
mod baselines;

use std::time::Instant;

use chrono::Utc;
use clap::Args;
use guichet_core::agents::Session;
use guichet_core::model::database::{Backend, Mode, OpenMode};
use guichet_core::{Error, Guichet, Settings, demo};
use serde_json::{Value, json};

use crate::queries;
use crate::stats::{self, Summary};
use crate::{BackendArg, Report};
use app::LIMIT;
use baselines::Baseline;

#[derive(Debug, Args)]
pub struct SearchBench {
    /// Taille de la base remplie (quand elle est vide).
    #[command(flatten)]
    size: crate::SizeArgs,
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

pub async fn run(settings: Settings, args: SearchBench) -> Result<Report, Error> {
    let load_before = crate::load_average();
    let file = format!(
        "guichet-bench-search-{}-{}-{}.sqlite",
        args.size.establishments, args.size.accounts, args.seed
    );
    let url = crate::database_url(&settings, args.backend, &file)?;
    let settings = Settings {
        database_url: Some(url),
        ..settings
    };
    let guichet = Guichet::open(settings, OpenMode::CreateIfMissing).await?;
    let measured = fill_and_measure(&guichet, &args, load_before).await;
    guichet.close().await;
    measured
}

/// Fills the database when it is empty, then times the search on it.
async fn fill_and_measure(
    guichet: &Guichet,
    args: &SearchBench,
    load_before: Option<f64>,
) -> Result<Report, Error> {
    let demo_s = if guichet.bench_sizes().await?.0 == 0 {
        tracing::info!("filling the database");
        let started = Instant::now();
        guichet
            .load_demo(args.size.demo(), args.seed, Utc::now())
            .await?;
        Some(started.elapsed().as_secs_f64())
    } else {
        None
    };
    let (establishments, accounts) = guichet.bench_sizes().await?;
    let figures = measure(guichet, args.options()).await?;

    let backend = guichet.bench_backend();
    let mut json = json!({
        "backend": backend,
        "establishments": establishments,
        "accounts": accounts,
        "seed": args.seed,
        "database": if demo_s.is_some() { "filled" } else { "existing" },
        "demo_s": demo_s,
        "load_average": [load_before, crate::load_average()],
    });
    if let (Some(fields), Value::Object(figures)) = (json.as_object_mut(), figures.json) {
        fields.extend(figures);
    }
    let text = format!(
        "Recherche — {}, {establishments} établissements, {accounts} adresses ({}).\n{}",
        crate::backend_label(backend),
        match demo_s {
            Some(seconds) => format!("base vide, remplie en {seconds:.1} s"),
            None => "base existante, utilisée telle quelle".into(),
        },
        figures.text
    );
    Ok(Report { text, json })
}

/// The session the benchmark searches in: a standalone database's reader, whose reads the core
/// checks without a query; on a shared database, its owner's (the URL's own user).
async fn searching_session(guichet: &Guichet) -> Result<Session, Error> {
    match guichet.mode() {
        Mode::Standalone => guichet.reader_session(),
        Mode::Shared => guichet.owner_session().await,
    }
}

/// Times the search on the database `guichet` holds: the app's, then the baselines'.
pub async fn measure(guichet: &Guichet, options: SearchOptions) -> Result<Report, Error> {
    let session = searching_session(guichet).await?;
    let queries = queries::generate(guichet, options.queries, options.seed).await?;
    for query in &queries {
        tracing::debug!(kind = query.kind.code(), "query {:?}", query.text);
    }

    tracing::info!("building the index");
    let started = Instant::now();
    guichet.build_search_index().await?;
    let build_s = started.elapsed().as_secs_f64();
    let memory_bytes = guichet.search_index().memory_bytes().unwrap_or_default();

    tracing::info!("timing the search");
    let app = app::time_app(guichet, &session, &queries, options.rounds).await?;
    let phases = app::time_phases(guichet, &session, &queries).await?;
    tracing::info!("timing LIKE");
    let baseline_queries = &queries[..options.baseline_queries.min(queries.len())];
    let like = baselines::time_baseline(guichet, Baseline::Like, baseline_queries).await?;
    let trigram = match guichet.bench_backend() {
        Backend::Postgres => {
            tracing::info!("timing pg_trgm");
            let index_build_s = guichet
                .bench_trigram_index()
                .await?
                .map(|built| built.as_secs_f64());
            let similarity =
                baselines::time_baseline(guichet, Baseline::Similarity, baseline_queries).await?;
            let word =
                baselines::time_baseline(guichet, Baseline::WordSimilarity, baseline_queries)
                    .await?;
            Some((similarity, word, index_build_s))
        }
        Backend::Sqlite => None,
    };

    let app_summary = stats::summary(&app.all)?;
    let index_summary = stats::summary(&phases.index)?;
    let rows_summary = stats::summary(&phases.rows)?;
    let like_summary = stats::summary(&like)?;
    let trigram = match trigram {
        Some((similarity, word, build)) => {
            Some((stats::summary(&similarity)?, stats::summary(&word)?, build))
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
        stats::table_head(),
    );
    let mut line =
        |label: &str, summary: &Summary| text.push_str(&stats::table_line(label, summary));
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
    Ok(Report { text, json })
}

/// The summary's fields and `extra`'s together.
fn with(summary: &Summary, extra: Value) -> Value {
    let mut value = json!(summary);
    if let (Some(fields), Value::Object(extra)) = (value.as_object_mut(), extra) {
        fields.extend(extra);
    }
    value
}
