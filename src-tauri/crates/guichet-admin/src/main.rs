//! `guichet-admin`, the command-line companion of Guichet SIEC: the same core as the desktop app,
//! for operations, scripts and benchmarks. `--json` gives machine-readable output.

use std::process::ExitCode;

use chrono::Utc;
use clap::{Parser, Subcommand};
use guichet_core::store::{OpenMode, Store};
use guichet_core::{Error, Guichet, Settings, demo, search};
use serde_json::{Value, json};

#[derive(Debug, Parser)]
#[command(
    name = "guichet-admin",
    version,
    about = "Outil d’administration du Guichet SIEC"
)]
struct Cli {
    /// Base de données (sqlite://… ou postgres://…) ; par défaut la base de démonstration intégrée.
    #[arg(
        long,
        global = true,
        env = "GUICHET_DATABASE_URL",
        hide_env_values = true
    )]
    database_url: Option<String>,
    /// Sortie JSON, pour les scripts.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Crée ou met à jour le schéma de la base.
    Migrate,
    /// Remplit une base vide de données de démonstration réalistes.
    Demo {
        /// Nombre d’établissements (tous les lycées réels, puis collèges, écoles et CIO générés).
        #[arg(long)]
        establishments: usize,
        /// Nombre d’adresses électroniques.
        #[arg(long)]
        accounts: usize,
        /// Graine : la même graine donne la même base.
        #[arg(long, default_value_t = demo::DEFAULT_SEED)]
        seed: u64,
    },
    /// Cherche un établissement (UAI, nom, commune) ou une adresse.
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli).await {
        Ok(output) => {
            if json {
                println!("{}", output.json);
            } else {
                println!("{}", output.text);
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            if json {
                println!(
                    "{}",
                    json!({"error": {"kind": error.kind(), "message": error.message()}})
                );
            }
            eprintln!("erreur : {}", error.message());
            eprintln!("détail : {error}");
            ExitCode::FAILURE
        }
    }
}

/// What a command prints, for people and for scripts.
struct Output {
    text: String,
    json: Value,
}

async fn run(cli: Cli) -> Result<Output, Error> {
    let mut settings = Settings::from_env()?;
    settings.database_url = cli.database_url.filter(|url| !url.trim().is_empty());
    match cli.command {
        Command::Migrate => {
            let store = Store::connect(
                &settings.effective_database_url(),
                OpenMode::CreateIfMissing,
            )
            .await?;
            store.migrate().await?;
            let version = store.schema_version().await?;
            Ok(Output {
                text: format!("Schéma à jour (version {version})."),
                json: json!({"schema_version": version, "backend": store.backend()}),
            })
        }
        Command::Demo {
            establishments,
            accounts,
            seed,
        } => {
            let store = Store::connect(
                &settings.effective_database_url(),
                OpenMode::CreateIfMissing,
            )
            .await?;
            store.migrate().await?;
            let size = demo::DemoSize {
                establishments,
                accounts,
            };
            let report =
                demo::load(&store, size, seed, settings.portal_timezone, Utc::now()).await?;
            Ok(Output {
                text: format!(
                    "{} établissements ({} lycées, {} collèges, {} écoles, {} CIO, {} EREA) et {} adresses \
                     créés en {:.1} s (génération {:.1} s, écriture {:.1} s).",
                    report.establishments,
                    report.lycees,
                    report.colleges,
                    report.ecoles,
                    report.cio,
                    report.erea,
                    report.accounts,
                    report.generate_seconds + report.insert_seconds,
                    report.generate_seconds,
                    report.insert_seconds,
                ),
                json: json!(report),
            })
        }
        Command::Search { query, limit } => {
            let guichet = Guichet::open(settings, OpenMode::MustExist).await?;
            // Reading needs no agent here: whoever runs the CLI already holds the database URL.
            guichet.build_search_index().await?;
            let response = guichet.search_unchecked(&query, limit).await?;
            let correction = response
                .uai_correction
                .as_ref()
                .map(|c| format!("UAI corrigé : {}.\n", c.message));
            let results = response.hits;
            let text = if results.is_empty() {
                "Aucun résultat.".to_string()
            } else {
                results.iter().map(describe).collect::<Vec<_>>().join("\n")
            };
            let text = format!("{}{text}", correction.unwrap_or_default());
            Ok(Output {
                text,
                json: json!({ "results": results, "uai_correction": response.uai_correction }),
            })
        }
    }
}

fn describe(hit: &search::SearchHit) -> String {
    match hit {
        search::SearchHit::Establishment(e) => {
            format!("{}  {} — {} {}", e.uai, e.name, e.postcode, e.town)
        }
        search::SearchHit::Address(a) => {
            let uais: Vec<&str> = a.uais.iter().map(|u| u.as_str()).collect();
            let attached = if uais.is_empty() {
                "rattachée à aucun établissement".into()
            } else {
                uais.join(", ")
            };
            format!("{}  ({attached})", a.email)
        }
    }
}
