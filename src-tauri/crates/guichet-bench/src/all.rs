//! `bench all`: every measurement in one run on a database it fills itself, each figure with its
//! baseline measured in the same run, for `docs/BENCHMARKS.md`.

use std::time::Instant;

use chrono::Utc;
use clap::Args;
use guichet_core::agents::{Role, Session};
use guichet_core::mail::sending::SendingName;
use guichet_core::model::database::{Backend, OpenMode};
use guichet_core::{Error, Guichet, Settings, demo};
use serde_json::json;

use crate::concurrent::{self, ConcurrentOptions};
use crate::search::{self, SearchOptions};
use crate::{BackendArg, Report, calls, mail, operations};

/// The bench's own agents. Their password only guards a benchmark database.
const SUPERVISOR: &str = "banc";
const AGENT_PASSWORD: &str = "Banc-d-essai-2026!";

#[derive(Debug, Args)]
pub struct AllBench {
    /// Taille de la base remplie (quand elle est vide).
    #[command(flatten)]
    size: crate::SizeArgs,
    /// Type de base attendu. Avec --database-url (ou GUICHET_DATABASE_URL), la base doit être
    /// vide ; sans, « sqlite » (par défaut) prend un fichier neuf du dossier temporaire, effacé à
    /// la fin, et « postgres » demande l’adresse d’une base vide.
    #[arg(long, value_enum)]
    backend: Option<BackendArg>,
    /// Graine du remplissage et des tirages.
    #[arg(long, default_value_t = demo::DEFAULT_SEED)]
    seed: u64,
    /// Requêtes de recherche, tirées des lignes de la base.
    #[arg(long, default_value_t = 3_000)]
    queries: usize,
    /// Tours chronométrés de la recherche du Guichet.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Requêtes chronométrées pour LIKE et pg_trgm (chacune parcourt la table).
    #[arg(long, default_value_t = 300)]
    baseline_queries: usize,
    /// Adresses insérées une à une (puis annulées) pour la référence du remplissage.
    #[arg(long, default_value_t = 20_000)]
    row_by_row: usize,
    /// Appels chronométrés d’un agent seul (fiche, rattachement, lien, détachement).
    #[arg(long, default_value_t = 500)]
    calls: usize,
    /// Courriels envoyés par l’expéditeur du Guichet.
    #[arg(long, default_value_t = 5_000)]
    mail_messages: usize,
    /// Courriels envoyés à la manière de lettre par défaut (lente).
    #[arg(long, default_value_t = 200)]
    baseline_mail_messages: usize,
    /// Agents à la fois (PostgreSQL).
    #[arg(long, default_value_t = 4)]
    agents: usize,
    /// Durée minimale de chaque phase à plusieurs agents, en secondes.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Courriels de la campagne qui part pendant que les agents travaillent.
    #[arg(long, default_value_t = 10_000)]
    campaign: usize,
    /// Serveur SMTP local (par défaut GUICHET_SMTP_URL), sans authentification.
    #[arg(long, value_name = "URL")]
    smtp_url: Option<String>,
}

pub async fn run(settings: Settings, args: AllBench) -> Result<Report, Error> {
    let load_before = crate::load_average();
    let smtp_url = mail::smtp_url(&settings, args.smtp_url.clone())?;
    let file = format!("guichet-bench-all-{}.sqlite", std::process::id());
    let url = crate::database_url(&settings, args.backend, &file)?;
    let scratch = settings
        .database_url
        .is_none()
        .then(|| std::env::temp_dir().join(&file));
    let mut settings = Settings {
        database_url: Some(url),
        ..settings
    };
    // The one sender mails the campaigns to the bench's server.
    settings
        .sending
        .set(SendingName::SmtpUrl, Some(smtp_url.clone()));
    let result = measure(settings, &args, &smtp_url, load_before).await;
    if let Some(path) = scratch {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    result
}

async fn measure(
    settings: Settings,
    args: &AllBench,
    smtp_url: &str,
    load_before: Option<f64>,
) -> Result<Report, Error> {
    let guichet = Guichet::open(settings, OpenMode::CreateIfMissing).await?;
    let measured = fill_and_measure(&guichet, args, smtp_url, load_before).await;
    guichet.close().await;
    measured
}

/// Fills the (empty) database, then takes every measurement on it.
async fn fill_and_measure(
    guichet: &Guichet,
    args: &AllBench,
    smtp_url: &str,
    load_before: Option<f64>,
) -> Result<Report, Error> {
    if guichet.bench_sizes().await?.0 > 0 {
        return Err(Error::DatabaseNotEmpty);
    }

    tracing::info!("filling the database");
    let started = Instant::now();
    let report = guichet
        .load_demo(args.size.demo(), args.seed, Utc::now())
        .await?;
    let demo_s = started.elapsed().as_secs_f64();
    let rows = report.establishments
        + report.accounts
        + report.attachments
        + report.link_pending
        + report.link_expired;
    tracing::info!("inserting addresses one by one");
    let row_by_row_s = guichet
        .bench_row_by_row(args.row_by_row, args.seed ^ 0x5EED)
        .await?
        .as_secs_f64();
    let per_row_s = row_by_row_s / args.row_by_row.max(1) as f64;
    let (establishments, accounts) = guichet.bench_sizes().await?;

    let search = search::measure(
        guichet,
        SearchOptions {
            queries: args.queries,
            rounds: args.rounds.max(1),
            baseline_queries: args.baseline_queries.max(1),
            seed: args.seed,
        },
    )
    .await?;

    tracing::info!("timing an agent's calls");
    let (supervisor, agents) = team(guichet, args.agents.max(1)).await?;
    let uais = calls::establishments(guichet).await?;
    let operations =
        operations::measure(guichet, &agents[0], &uais, args.calls.max(1), args.seed).await?;

    tracing::info!("timing mail delivery");
    let mail = mail::measure(smtp_url, args.mail_messages, 4, args.baseline_mail_messages).await?;
    tracing::info!("timing the sender");
    let sender = concurrent::sender_rate(guichet, &supervisor, args.mail_messages).await?;

    let backend = guichet.bench_backend();
    let concurrent = match backend {
        Backend::Postgres => {
            tracing::info!("timing agents at once");
            let options = ConcurrentOptions {
                seconds: args.seconds,
                campaign: args.campaign,
                seed: args.seed,
            };
            Some(concurrent::measure(guichet, &agents, &supervisor, &uais, &options).await?)
        }
        Backend::Sqlite => None,
    };

    let demo_json = json!({
        "seconds": demo_s,
        "generate_s": report.generate_seconds,
        "insert_s": report.insert_seconds,
        "rows": rows,
        "rows_per_s": rows as f64 / report.insert_seconds.max(f64::EPSILON),
        "row_by_row": {
            "rows": args.row_by_row,
            "seconds": row_by_row_s,
            "rows_per_s": 1.0 / per_row_s.max(f64::EPSILON),
            "estimate_s": per_row_s * rows as f64,
        },
    });
    let json = json!({
        "backend": backend,
        "establishments": establishments,
        "accounts": accounts,
        "seed": args.seed,
        "demo": demo_json,
        "search": search.json,
        "operations": operations.json,
        "mail": mail.json,
        "sender": sender.json,
        "concurrent": concurrent.as_ref().map(|output| output.json.clone()),
        "load_average": [load_before, crate::load_average()],
    });
    let text = format!(
        "Banc complet — {}, {establishments} établissements, {accounts} adresses (graine {}).\n\n\
         Remplissage : {demo_s:.1} s ({rows} lignes, dont {:.1} s de génération) ; une ligne par \
         INSERT, il en prendrait environ {:.0} s ({:.0} lignes/s mesurées sur {} adresses).\n\n\
         Recherche\n{}\n\nOpérations d’un agent\n{}\nCourriel\n{}\n{}\n\nPlusieurs agents\n{}",
        crate::backend_label(backend),
        args.seed,
        report.generate_seconds,
        per_row_s * rows as f64,
        1.0 / per_row_s.max(f64::EPSILON),
        args.row_by_row,
        search.text,
        operations.text,
        mail.text,
        sender.text,
        concurrent
            .map(|output| output.text)
            .unwrap_or_else(|| "Mesuré sur PostgreSQL seulement (la base partagée).".into()),
    );
    Ok(Report { text, json })
}

/// The bench's supervisor (who sends the campaign) and `count` agents, signed in.
async fn team(guichet: &Guichet, count: usize) -> Result<(Session, Vec<Session>), Error> {
    let supervisor = guichet
        .create_first_supervisor(SUPERVISOR, "Banc d’essai", AGENT_PASSWORD)
        .await?;
    let mut agents = Vec::new();
    for n in 1..=count {
        let login = format!("banc{n}");
        guichet
            .add_agent(
                &supervisor,
                &login,
                &format!("Agent {n}"),
                Role::Agent,
                AGENT_PASSWORD,
            )
            .await?;
        agents.push(guichet.sign_in(&login, AGENT_PASSWORD).await?);
    }
    Ok((supervisor, agents))
}
