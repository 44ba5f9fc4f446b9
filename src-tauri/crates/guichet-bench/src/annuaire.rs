//! `bench annuaire`: the Annuaire de l'éducation's import at full size, as a supervisor does it,
//! on a database it fills itself. Last year's file (every establishment, open, with its
//! official address) is imported first, timed, which brings the demo database to where a yearly
//! import finds it; then this year's file (`--rows` rows over every académie, a few per cent of
//! changes and new UAIs, `snapshot.rs`) has its dry run timed `--runs` times and is imported
//! once, closing every establishment it does not name. A last dry run checks that the import
//! wrote what the dry run said: it finds nothing left to change. Files are written as the
//! download is (`file.rs`) and read from disk as `annuaire import` reads them.

mod file;
mod snapshot;

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::Utc;
use guichet_core::agents::Session;
use guichet_core::annuaire::AnnuaireDiff;
use guichet_core::model::database::OpenMode;
use guichet_core::{Error, Guichet, Settings, demo};
use serde_json::{Value, json};

use crate::{BackendArg, Report, memory};

/// The bench's supervisor. Its password only guards a benchmark database.
const SUPERVISOR: &str = "banc";
const SUPERVISOR_PASSWORD: &str = "Banc-d-essai-2026!";

#[derive(Debug, clap::Args)]
pub struct AnnuaireBench {
    /// Taille de la base remplie.
    #[command(flatten)]
    size: crate::SizeArgs,
    /// Type de base attendu. Avec --database-url (ou GUICHET_DATABASE_URL), la base doit être
    /// vide ; sans, « sqlite » (par défaut) prend un fichier neuf du dossier temporaire, effacé à
    /// la fin, et « postgres » demande l’adresse d’une base vide.
    #[arg(long, value_enum)]
    backend: Option<BackendArg>,
    /// Lignes du fichier de l’année, dont 1 % de nouveaux établissements.
    #[arg(long, default_value_t = 68_000)]
    rows: usize,
    /// Simulations chronométrées du fichier de l’année.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Graine du remplissage et du tirage des changements.
    #[arg(long, default_value_t = demo::DEFAULT_SEED)]
    seed: u64,
}

pub async fn run(settings: Settings, args: AnnuaireBench) -> Result<Report, Error> {
    let load_before = crate::load_average();
    let stem = format!("guichet-bench-annuaire-{}", std::process::id());
    let url = crate::database_url(&settings, args.backend, &format!("{stem}.sqlite"))?;
    let scratch = settings
        .database_url
        .is_none()
        .then(|| std::env::temp_dir().join(format!("{stem}.sqlite")));
    let settings = Settings {
        database_url: Some(url),
        ..settings
    };
    let files = Files {
        last_year: std::env::temp_dir().join(format!("{stem}-2025.csv")),
        this_year: std::env::temp_dir().join(format!("{stem}-2026.csv")),
    };
    let result = async {
        let guichet = Guichet::open(settings, OpenMode::CreateIfMissing).await?;
        let measured = measure(&guichet, &args, &files).await;
        guichet.close().await;
        measured
    }
    .await;
    let mut leftovers = vec![files.last_year, files.this_year];
    if let Some(path) = scratch {
        for suffix in ["", "-wal", "-shm"] {
            leftovers.push(PathBuf::from(format!("{}{suffix}", path.display())));
        }
    }
    for path in leftovers {
        let _ = std::fs::remove_file(path);
    }
    let mut report = result?;
    report.json["load_average"] = json!([load_before, crate::load_average()]);
    Ok(report)
}

/// Where the bench writes the two Annuaire files.
struct Files {
    last_year: PathBuf,
    this_year: PathBuf,
}

/// One timed phase: its seconds and its peak memory.
#[derive(Debug, Clone, Copy, serde::Serialize)]
struct Phase {
    seconds: f64,
    peak_rss_mib: Option<f64>,
}

async fn timed<T>(phase: impl Future<Output = Result<T, Error>>) -> Result<(T, Phase), Error> {
    let started = Instant::now();
    let (output, peak_rss_mib) = memory::peak_of(phase).await;
    let seconds = started.elapsed().as_secs_f64();
    Ok((
        output?,
        Phase {
            seconds,
            peak_rss_mib,
        },
    ))
}

async fn measure(guichet: &Guichet, args: &AnnuaireBench, files: &Files) -> Result<Report, Error> {
    if guichet.bench_sizes().await?.0 > 0 {
        return Err(Error::DatabaseNotEmpty);
    }
    tracing::info!("filling the database");
    let (_, fill) = timed(guichet.load_demo(args.size.demo(), args.seed, Utc::now())).await?;
    let (establishments, accounts) = guichet.bench_sizes().await?;
    let supervisor = guichet
        .create_first_supervisor(SUPERVISOR, "Banc d’essai", SUPERVISOR_PASSWORD)
        .await?;

    let records = guichet.bench_annuaire_records().await?;
    let last_year = snapshot::last_year(&records);
    let last_year_bytes = file::write(&files.last_year, &last_year)?;
    let (this_year, drawn) = snapshot::this_year(&records, args.rows, args.seed);
    let this_year_bytes = file::write(&files.this_year, &this_year)?;
    drop((records, last_year, this_year));

    tracing::info!("importing last year's file");
    let ((first_diff, first), first_phase) =
        timed(import(guichet, &supervisor, &files.last_year)).await?;
    tracing::info!("dry runs of this year's file");
    let mut dry_runs = Vec::new();
    let mut diff = AnnuaireDiff::default();
    for _ in 0..args.runs.max(1) {
        let (found, phase) = timed(dry_run(guichet, &supervisor, &files.this_year)).await?;
        diff = found;
        dry_runs.push(phase);
    }
    tracing::info!("importing this year's file");
    let ((_, imported), apply) = timed(import(guichet, &supervisor, &files.this_year)).await?;
    let left = dry_run(guichet, &supervisor, &files.this_year)
        .await?
        .plan
        .len();

    let mut seconds: Vec<f64> = dry_runs.iter().map(|p| p.seconds).collect();
    seconds.sort_by(f64::total_cmp);
    let median = seconds[seconds.len() / 2];
    let backend = guichet.bench_backend();
    let found = counts(&diff);
    let json = json!({
        "backend": backend,
        "establishments": establishments,
        "accounts": accounts,
        "seed": args.seed,
        "fill": fill,
        "last_year": {
            "rows": first_diff.rows,
            "bytes": last_year_bytes,
            "import": first_phase,
            "imported": first,
        },
        "this_year": {
            "rows": diff.rows,
            "bytes": this_year_bytes,
            "drawn": drawn,
            "dry_run": {"median_s": median, "runs": dry_runs, "found": found},
            "import": apply,
            "imported": imported,
            "left_after_import": left,
        },
    });
    let text = describe(&json, &seconds, backend);
    Ok(Report { text, json })
}

/// The dry run of the file at `path`, read from disk as `annuaire import` reads it.
async fn dry_run(guichet: &Guichet, session: &Session, path: &Path) -> Result<AnnuaireDiff, Error> {
    guichet.annuaire_dry_run(session, open(path)?).await
}

/// The import of the file at `path`: its difference, and what was written (the import's id and
/// its counts) as JSON.
async fn import(
    guichet: &Guichet,
    session: &Session,
    path: &Path,
) -> Result<(AnnuaireDiff, Value), Error> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (diff, imported) = guichet
        .import_annuaire(session, open(path)?, &name, false)
        .await?;
    Ok((diff, json!(imported)))
}

fn open(path: &Path) -> Result<std::io::BufReader<std::fs::File>, Error> {
    std::fs::File::open(path)
        .map(std::io::BufReader::new)
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
}

/// What a dry run found, by kind.
fn counts(diff: &AnnuaireDiff) -> Value {
    json!({
        "new": diff.new.len(),
        "renamed": diff.renamed.len(),
        "moved": diff.moved.len(),
        "changed": diff.changed.len(),
        "mail_changed": diff.mail_changed.len(),
        "closed": diff.closed.len(),
        "reopened": diff.reopened.len(),
        "unchanged": diff.unchanged,
        "rejected": diff.rejected.len(),
        "plan": diff.plan.len(),
    })
}

/// The figures in French.
fn describe(
    json: &Value,
    dry_runs: &[f64],
    backend: guichet_core::model::database::Backend,
) -> String {
    let (last, this) = (&json["last_year"], &json["this_year"]);
    let found = &this["dry_run"]["found"];
    let seconds = |phase: &Value| phase["seconds"].as_f64().unwrap_or_default();
    let peak = |phase: &Value| match phase["peak_rss_mib"].as_f64() {
        Some(mib) => format!("{mib:.0}\u{a0}Mio au plus"),
        None => "mémoire non mesurée".into(),
    };
    let runs: Vec<String> = dry_runs.iter().map(|s| format!("{s:.2}")).collect();
    format!(
        "Annuaire — {}, {} établissements, {} adresses (graine {}) ; base remplie en {:.1}\u{a0}s.\n\
         Import de l’an dernier ({} lignes, toutes avec une adresse officielle nouvelle)\u{a0}: \
         {:.2}\u{a0}s, {}.\n\
         Fichier de l’année ({} lignes, {:.1}\u{a0}Mo)\u{a0}: {} nouveaux, {} renommés, {} déplacés, \
         {} modifiés, {} adresses officielles changées, {} fermés, {} inchangés.\n\
         Simulation\u{a0}: {} s ({}).\n\
         Import\u{a0}: {:.2}\u{a0}s ({}) ; ensuite, {} différence(s) restante(s).",
        crate::backend_label(backend),
        json["establishments"],
        json["accounts"],
        json["seed"],
        seconds(&json["fill"]),
        last["rows"],
        seconds(&last["import"]),
        peak(&last["import"]),
        this["rows"],
        this["bytes"].as_f64().unwrap_or_default() / 1e6,
        found["new"],
        found["renamed"],
        found["moved"],
        found["changed"],
        found["mail_changed"],
        found["closed"],
        found["unchanged"],
        runs.join(" · "),
        this["dry_run"]["runs"]
            .as_array()
            .and_then(|runs| runs.first())
            .map(peak)
            .unwrap_or_default(),
        seconds(&this["import"]),
        peak(&this["import"]),
        this["left_after_import"],
    )
}
