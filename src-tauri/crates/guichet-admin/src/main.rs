//! `guichet-admin`, the command-line companion of Guichet SIEC: the same core as the desktop app,
//! for operations, scripts and benchmarks. `--json` gives machine-readable output.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use guichet_core::model::database::Mode;
use guichet_core::{Error, Guichet, Settings, demo, search};
use serde_json::json;

mod agents;
mod annuaire;
mod associations;
mod audit;
mod campaign;
mod delivery;
mod diagnose;
mod links;
mod output;
mod report;
mod secrets;
mod settings;

use output::{Failure, Output};

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
    /// Crée ou met à jour le schéma de la base (par son propriétaire).
    Migrate {
        /// Met la base PostgreSQL en mode partagé : chaque agent s’y connecte avec son propre
        /// compte PostgreSQL, et la base n’autorise que ce que son rôle permet. Choisi une fois.
        #[arg(long)]
        shared: bool,
    },
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
        #[command(flatten)]
        reading: output::Reading,
    },
    /// Diagnostique une adresse non reconnue : verdict, action à mener et constats.
    Diagnose {
        /// Adresse électronique donnée par l’appelant.
        email: String,
        #[command(flatten)]
        reading: output::Reading,
    },
    /// Gère les agents du Guichet.
    Agent {
        #[command(subcommand)]
        command: agents::AgentCommand,
    },
    /// Rattache une adresse à un ou plusieurs établissements (ajoutée si elle est nouvelle).
    Attach(associations::Attach),
    /// Détache une adresse d’un établissement.
    Detach(associations::Detach),
    /// Fait d’une adresse rattachée l’adresse principale d’un établissement.
    Principal(associations::Principal),
    /// Envoie un nouveau lien d’initialisation à une adresse (les liens précédents cessent de
    /// fonctionner).
    SendLink(links::SendLink),
    /// L’historique des liens d’une adresse, du plus récent au plus ancien, et ce qu’est devenu
    /// chaque message (accepté par le relais, refusé, différé, non délivré).
    Links(delivery::Links),
    /// La boîte des retours (rapports de non-remise) : fetch la lit une fois.
    Bounces {
        #[command(subcommand)]
        command: delivery::BouncesCommand,
    },
    /// Dit ce qu’est un lien collé : valable, expiré, remplacé, utilisé, inconnu, altéré.
    CheckLink(links::CheckLink),
    /// État de la boîte d’envoi ; --drain envoie ce qui est dû.
    Outbox(links::Outbox),
    /// Le service d’envoi : crée les liens demandés et envoie leurs messages, jusqu’à son arrêt
    /// (--once : ce qui est dû, puis s’arrête). Seul détenteur de la clé du portail.
    Sender(links::SenderCommand),
    /// Réglages d’envoi de la base (adresse du portail, fuseau, durée des liens, expéditeur,
    /// serveur de courriel).
    Settings {
        #[command(subcommand)]
        command: settings::SettingsCommand,
    },
    /// Tableaux de bord : `report initialisation` compte les établissements par état de leur
    /// adresse principale.
    Report {
        #[command(subcommand)]
        command: report::ReportCommand,
    },
    /// Campagnes d’envoi de liens avant une session d’examens : plan, start, pause, resume,
    /// cancel, status, report.
    Campaign {
        #[command(subcommand)]
        command: campaign::CampaignCommand,
    },
    /// Consulte (--json) ou exporte (--csv) le journal ; réservé aux superviseurs.
    Audit(audit::Audit),
    /// L’Annuaire de l’éducation : `annuaire import FICHIER` met les établissements à jour
    /// (--dry-run : simulation) ; réservé aux superviseurs.
    Annuaire {
        #[command(subcommand)]
        command: annuaire::AnnuaireCommand,
    },
    /// Enregistre ou supprime un secret du trousseau du système (sans base de données).
    Secret {
        #[command(subcommand)]
        command: secrets::SecretCommand,
    },
    /// Mesure les performances sur de vrais composants (bench search).
    Bench {
        #[command(subcommand)]
        command: guichet_bench::BenchCommand,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(guichet_core::mailbox::SECRET_LOG_TARGETS.iter().fold(
            tracing_subscriber::EnvFilter::from_default_env(),
            |filter, target| {
                filter.add_directive(format!("{target}=off").parse().expect("a directive"))
            },
        ))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli).await {
        Ok(output) => {
            output.print(json);
            ExitCode::SUCCESS
        }
        Err(error) => {
            if json {
                println!(
                    "{}",
                    json!({"error": {"kind": error.kind(), "message": error.message()}})
                );
            }
            eprintln!("erreur\u{a0}: {}", error.message());
            eprintln!("détail\u{a0}: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<Output, Failure> {
    let mut settings = Settings::from_env()?;
    settings.database_url = cli.database_url.filter(|url| !url.trim().is_empty());
    if let Some(url) = &settings.database_url {
        guichet_core::config::refuse_password_in_url("--database-url", url)?;
    }
    // The CLI's own commands may fail with errors the core does not know: `?` passes them on.
    let outcome: Result<Output, Error> = match cli.command {
        Command::Migrate { shared } => {
            // As the URL's own user, the owner: its password from the keyring or PGPASSWORD.
            let migrated = Guichet::migrate_database(&settings, shared).await?;
            let named = match migrated.mode {
                Mode::Standalone => "mode autonome",
                Mode::Shared => "mode partagé",
            };
            Ok(Output {
                text: format!(
                    "Schéma à jour (version {}, {named}).",
                    migrated.schema_version
                ),
                json: json!(migrated),
            })
        }
        Command::Demo {
            establishments,
            accounts,
            seed,
        } => {
            let size = demo::DemoSize {
                establishments,
                accounts,
            };
            let report = Guichet::load_demo_database(&settings, size, seed).await?;
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
        Command::Search {
            query,
            limit,
            reading,
        } => {
            let (guichet, session) = output::reader(settings, reading.agent.as_deref()).await?;
            guichet.build_search_index().await?;
            let response = guichet.search(&session, &query, limit).await?;
            let correction = response
                .uai_correction
                .as_ref()
                .map(|c| format!("UAI corrigé\u{a0}: {}.\n", c.message));
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
        Command::Diagnose { email, reading } => Ok(diagnose::run(settings, &email, reading).await?),
        Command::Agent { command } => Ok(agents::run(settings, command).await?),
        Command::Attach(args) => Ok(associations::attach(settings, args).await?),
        Command::SendLink(args) => Ok(links::send_link(settings, args).await?),
        Command::CheckLink(args) => Ok(links::check_link(settings, args).await?),
        Command::Links(args) => Ok(delivery::links(settings, args).await?),
        Command::Bounces { command } => Ok(delivery::bounces(settings, command).await?),
        Command::Outbox(args) => Ok(links::outbox(settings, args).await?),
        Command::Sender(args) => Ok(links::sender(settings, args).await?),
        Command::Settings { command } => Ok(settings::run(settings, command).await?),
        Command::Detach(args) => Ok(associations::detach(settings, args).await?),
        Command::Principal(args) => Ok(associations::principal(settings, args).await?),
        Command::Report { command } => Ok(report::run(settings, command).await?),
        Command::Campaign { command } => Ok(campaign::run(settings, command).await?),
        Command::Audit(args) => Ok(audit::run(settings, args, cli.json).await?),
        Command::Annuaire { command } => Ok(annuaire::run(settings, command).await?),
        Command::Secret { command } => Ok(secrets::run(command).await?),
        Command::Bench { command } => {
            let run = guichet_bench::run(settings, command, output::agent_password);
            let guichet_bench::Report { text, json } = run.await?;
            Ok(Output { text, json })
        }
    };
    Ok(outcome?)
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
