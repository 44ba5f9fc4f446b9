//! `guichet-admin bench <what>`: speed measured on real components, printed as text or, with
//! `--json`, as the figures `docs/BENCHMARKS.md` records. Each measurement is a subcommand
//! (`search`, `mail`, `operations`, `report`, `annuaire`, and `all`, which runs every one on a
//! database it fills) and shares what is here: which database to run on. The benchmarks reach
//! the database only through the core's operations, the baselines they time the app against
//! included (`Guichet::bench_…`).

#![forbid(unsafe_code)]

mod all;
mod annuaire;
mod bounces;
mod calls;
mod campaign;
mod concurrent;
mod lettre_default;
mod mail;
mod memory;
mod operations;
mod queries;
mod report;
mod rng;
mod search;
mod stats;

use clap::{Subcommand, ValueEnum};
use guichet_core::model::database::Backend;
use guichet_core::secrets::Secret;
use guichet_core::{Error, Settings};
use serde_json::Value;

pub use lettre_default::send_with_lettre_default;

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
    /// Suivi des initialisations sur une base déjà remplie, connecté comme cet agent :
    /// décomptes (tous, une académie, ses lycées), liste d’un état, export CSV.
    Report(report::ReportBench),
    /// Campagne sur une base déjà remplie, comme ce superviseur : plan et lancement chronométrés,
    /// puis envoi par le service d’envoi de ce processus au débit demandé, débit obtenu mesuré ;
    /// la campagne est annulée à la fin.
    Campaign(campaign::CampaignBench),
    /// Boîte des retours : une lecture, comme le service d’envoi la fait (chaque retour lu,
    /// reconnu, enregistré puis classé), chronométrée ; retours traités par seconde.
    Bounces(bounces::BouncesBench),
    /// Annuaire de l’éducation, sur une base vide qu’il remplit, comme un superviseur :
    /// l’import du fichier de l’an dernier, puis la simulation et l’import du fichier de
    /// l’année (68 000 lignes par défaut : quelques pour cent de changements, des nouveaux, les
    /// établissements absents fermés), chronométrés.
    Annuaire(annuaire::AnnuaireBench),
    /// Tout, sur une base vide qu’il remplit : remplissage, recherche, opérations d’un agent,
    /// courriel et, sur PostgreSQL, quatre agents à la fois pendant qu’une campagne part ;
    /// chaque mesure avec sa référence dans le même tour.
    All(all::AllBench),
}

/// What a benchmark prints: a text for people, and its figures for scripts (`--json`).
#[derive(Debug)]
pub struct Report {
    pub text: String,
    pub json: Value,
}

/// Runs one benchmark. `agent_password` reads the password of the agent `bench operations`
/// signs in as, the way the command line reads every agent's password (its errors are the
/// command line's own, hence `E`).
pub async fn run<E: From<Error>>(
    settings: Settings,
    command: BenchCommand,
    agent_password: impl AsyncFnOnce(&str) -> Result<Secret, E>,
) -> Result<Report, E> {
    match command {
        BenchCommand::Search(args) => Ok(search::run(settings, args).await?),
        BenchCommand::Mail(args) => Ok(mail::run(settings, args).await?),
        BenchCommand::Operations(args) => {
            let password = agent_password(args.agent()).await?;
            Ok(operations::as_agent(settings, args, password).await?)
        }
        BenchCommand::Report(args) => {
            let password = agent_password(args.agent()).await?;
            Ok(report::as_agent(settings, args, password).await?)
        }
        BenchCommand::Campaign(args) => {
            let password = agent_password(args.agent()).await?;
            Ok(campaign::as_agent(settings, args, password).await?)
        }
        BenchCommand::Bounces(args) => Ok(bounces::run(settings, args).await?),
        BenchCommand::Annuaire(args) => Ok(annuaire::run(settings, args).await?),
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
fn database_url(
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

/// The engine's name in the text output.
fn backend_label(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => BackendArg::Sqlite.label(),
        Backend::Postgres => BackendArg::Postgres.label(),
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

#[cfg(test)]
mod tests {
    use super::*;

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
