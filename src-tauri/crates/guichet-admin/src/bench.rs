//! `bench <what>`: speed measured on real components, printed as text or, with `--json`, as the
//! figures `docs/BENCHMARKS.md` records. Each measurement is a subcommand (`search`, `mail`, and
//! `all`, which runs every one on a database it fills) and shares what is here: which database to
//! run on, and latency statistics.

mod all;
mod concurrent;
mod mail;
mod operations;
mod queries;
mod search;

use std::time::Duration;

use clap::{Subcommand, ValueEnum};
use guichet_core::{Error, Settings};
use serde::Serialize;

use crate::output::{Failure, Output};

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Recherche : le Guichet (index puis lecture des lignes affichées) face à un LIKE naïf et,
    /// sur PostgreSQL, à pg_trgm. Remplit d’abord la base si elle est vide.
    Search(search::SearchBench),
    /// Courriel : l’expéditeur du Guichet (connexions gardées ouvertes, en parallèle, sans
    /// l’algorithme de Nagle) face à lettre par défaut, vers un serveur SMTP local.
    Mail(mail::MailBench),
    /// Opérations d’un agent sur une base déjà remplie, connecté comme cet agent (en mode
    /// partagé, avec son propre compte PostgreSQL) : connexion, puis appels l’un après l’autre.
    Operations(operations::OperationsBench),
    /// Tout, sur une base vide qu’il remplit : remplissage, recherche, opérations d’un agent,
    /// courriel et, sur PostgreSQL, quatre agents à la fois pendant qu’une campagne part ;
    /// chaque mesure avec sa référence dans le même tour.
    All(all::AllBench),
}

pub async fn run(settings: Settings, command: BenchCommand) -> Result<Output, Failure> {
    match command {
        BenchCommand::Search(args) => Ok(search::run(settings, args).await?),
        BenchCommand::Mail(args) => mail::run(settings, args).await,
        BenchCommand::Operations(args) => operations::as_agent(settings, args).await,
        BenchCommand::All(args) => Ok(all::run(settings, args).await?),
    }
}

/// The size of the demo database a benchmark fills.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct SizeArgs {
    /// Nombre d’établissements de la base à remplir.
    #[arg(long, default_value_t = 100_000)]
    establishments: usize,
    /// Nombre d’adresses de la base à remplir.
    #[arg(long, default_value_t = 1_000_000)]
    accounts: usize,
}

impl SizeArgs {
    fn demo(self) -> guichet_core::demo::DemoSize {
        guichet_core::demo::DemoSize {
            establishments: self.establishments,
            accounts: self.accounts,
        }
    }
}

/// The kind of database a benchmark expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendArg {
    Sqlite,
    Postgres,
}

impl BackendArg {
    fn of_url(url: &str) -> Option<BackendArg> {
        match url.split_once(':').map(|(scheme, _)| scheme) {
            Some("sqlite") => Some(BackendArg::Sqlite),
            Some("postgres" | "postgresql") => Some(BackendArg::Postgres),
            _ => None,
        }
    }

    fn label(self) -> &'static str {
        match self {
            BackendArg::Sqlite => "SQLite",
            BackendArg::Postgres => "PostgreSQL",
        }
    }
}

/// The database a benchmark runs on. The configured one (`--database-url` or
/// `GUICHET_DATABASE_URL`) when there is one, refused when `--backend` names the other kind.
/// Without one, never the embedded demo database (it is the agent's): a SQLite file named `file`
/// in the temporary folder, kept so that the next run reuses it; PostgreSQL needs a URL.
pub fn database_url(
    settings: &Settings,
    backend: Option<BackendArg>,
    file: &str,
) -> Result<String, Error> {
    match (&settings.database_url, backend) {
        (Some(url), None) => Ok(url.clone()),
        (Some(url), Some(wanted)) => match BackendArg::of_url(url) {
            Some(found) if found != wanted => Err(Error::InvalidSetting {
                name: "--backend",
                reason: format!(
                    "la base indiquée (--database-url ou GUICHET_DATABASE_URL) est une base {}, \
                     pas {}",
                    found.label(),
                    wanted.label()
                ),
            }),
            // A URL of no known kind: opening it says what is wrong.
            _ => Ok(url.clone()),
        },
        (None, None | Some(BackendArg::Sqlite)) => Ok(format!(
            "sqlite://{}",
            std::env::temp_dir().join(file).display()
        )),
        (None, Some(BackendArg::Postgres)) => Err(Error::InvalidSetting {
            name: "--backend",
            reason: "indiquez la base PostgreSQL à mesurer avec --database-url ou \
                     GUICHET_DATABASE_URL (postgres://hôte/base, base déjà créée)"
                .into(),
        }),
    }
}

fn backend_label(store: &guichet_core::store::Store) -> &'static str {
    match store {
        guichet_core::store::Store::Sqlite(_) => BackendArg::Sqlite.label(),
        guichet_core::store::Store::Postgres(_) => BackendArg::Postgres.label(),
    }
}

/// The 1-minute load average, where the system tells it (Linux): figures taken under load are
/// worth less.
fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The summary of timings that must have samples.
fn summary(latencies: &Latencies) -> Result<Summary, Error> {
    latencies
        .summary()
        .ok_or_else(|| Error::Internal("nothing was timed".into()))
}

/// The head of a text table of latencies.
fn table_head() -> String {
    format!(
        "{:<46} {:>9} {:>9} {:>9} {:>9}  (ms)\n",
        "", "p50", "p95", "p99", "moyenne"
    )
}

/// One line of a text table of latencies.
fn table_line(label: &str, summary: &Summary) -> String {
    format!("{label:<46} {}\n", summary.columns())
}

/// Durations of one operation, one sample per call.
#[derive(Debug, Default, Clone)]
pub struct Latencies {
    millis: Vec<f64>,
}

impl Latencies {
    pub fn record(&mut self, elapsed: Duration) {
        self.millis.push(elapsed.as_secs_f64() * 1_000.0);
    }

    pub fn extend(&mut self, other: &Latencies) {
        self.millis.extend_from_slice(&other.millis);
    }

    pub fn count(&self) -> usize {
        self.millis.len()
    }

    /// Percentiles by nearest rank (the smallest sample with at least p % of the samples at or
    /// below it), mean and maximum; `None` without samples.
    pub fn summary(&self) -> Option<Summary> {
        if self.millis.is_empty() {
            return None;
        }
        let mut sorted = self.millis.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let rank = |p: f64| {
            let rank = (p / 100.0 * n as f64).ceil() as usize;
            sorted[rank.clamp(1, n) - 1]
        };
        Some(Summary {
            p50_ms: round(rank(50.0)),
            p95_ms: round(rank(95.0)),
            p99_ms: round(rank(99.0)),
            mean_ms: round(sorted.iter().sum::<f64>() / n as f64),
            max_ms: round(sorted[n - 1]),
            samples: n,
        })
    }
}

/// Milliseconds to the tenth of a microsecond.
fn round(ms: f64) -> f64 {
    (ms * 10_000.0).round() / 10_000.0
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub mean_ms: f64,
    pub max_ms: f64,
    pub samples: usize,
}

impl Summary {
    /// One line of a text table: p50, p95, p99 and mean.
    pub fn columns(&self) -> String {
        format!(
            "{:>9.3} {:>9.3} {:>9.3} {:>9.3}",
            self.p50_ms, self.p95_ms, self.p99_ms, self.mean_ms
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn latencies(millis: impl IntoIterator<Item = u32>) -> Latencies {
        let mut latencies = Latencies::default();
        for ms in millis {
            latencies.record(Duration::from_millis(u64::from(ms)));
        }
        latencies
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let summary = latencies((1..=100).rev()).summary().expect("samples");
        assert_eq!(summary.p50_ms, 50.0);
        assert_eq!(summary.p95_ms, 95.0);
        assert_eq!(summary.p99_ms, 99.0);
        assert_eq!(summary.max_ms, 100.0);
        assert_eq!(summary.mean_ms, 50.5);
        assert_eq!(summary.samples, 100);
        // Twenty samples: p95 is the 19th, p99 the 20th.
        let summary = latencies(1..=20).summary().expect("samples");
        assert_eq!(
            (summary.p50_ms, summary.p95_ms, summary.p99_ms),
            (10.0, 19.0, 20.0)
        );
        let one = latencies([7]).summary().expect("samples");
        assert_eq!((one.p50_ms, one.p99_ms), (7.0, 7.0));
        assert!(Latencies::default().summary().is_none());
    }

    #[test]
    fn the_backend_must_match_the_configured_database() {
        let settings = |url: Option<&str>| {
            Settings::with_defaults(url.map(String::from), std::env::temp_dir())
        };
        let pg = settings(Some("postgres://postgres@127.0.0.1/b"));
        assert!(database_url(&pg, Some(BackendArg::Postgres), "f").is_ok());
        assert!(database_url(&pg, None, "f").is_ok());
        let refused = database_url(&pg, Some(BackendArg::Sqlite), "f").expect_err("refused");
        assert!(refused.message().contains("PostgreSQL, pas SQLite"));
        let none = settings(None);
        let url = database_url(&none, None, "bench.sqlite").expect("a temporary file");
        assert!(url.starts_with("sqlite://") && url.ends_with("bench.sqlite"));
        assert!(database_url(&none, Some(BackendArg::Postgres), "f").is_err());
    }
}
