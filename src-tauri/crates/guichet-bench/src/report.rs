//! `bench report`: the « Suivi des initialisations » on a database that holds data, as an agent
//! signed in (on a shared database, with its own PostgreSQL role): the whole population's
//! counts, one académie's, one académie's lycées', a state's list and the export, each timed
//! `runs` times after one untimed run.

use std::time::Instant;

use guichet_core::agents::Session;
use guichet_core::initialisation::{InitState, PopulationInput};
use guichet_core::model::database::OpenMode;
use guichet_core::secrets::Secret;
use guichet_core::{Error, Gate, Guichet, Settings};
use serde_json::json;

use crate::Report;
use crate::calls::{self, Row};
use crate::stats::{self, Latencies};

#[derive(Debug, clap::Args)]
pub struct ReportBench {
    /// Agent qui se connecte (en mode partagé, avec son propre compte PostgreSQL) ; son mot de
    /// passe est lu dans GUICHET_AGENT_PASSWORD, sinon demandé au terminal.
    #[arg(long, value_name = "LOGIN")]
    agent: String,
    /// Nombre de mesures de chaque opération (après une non chronométrée).
    #[arg(long, default_value_t = 20)]
    runs: usize,
}

impl ReportBench {
    pub fn agent(&self) -> &str {
        &self.agent
    }
}

pub async fn as_agent(
    settings: Settings,
    args: ReportBench,
    password: Secret,
) -> Result<Report, Error> {
    let gate = Gate::open(settings, OpenMode::MustExist).await?;
    let (guichet, session) = gate.sign_in(&args.agent, password.expose()).await?;
    let everyone = PopulationInput::default();
    let creteil = PopulationInput {
        academies: vec!["Créteil".into()],
        ..PopulationInput::default()
    };
    let creteil_lycees = PopulationInput {
        kinds: vec!["lycee".into()],
        ..creteil.clone()
    };
    let runs = args.runs.max(1);
    let total = guichet
        .initialisation_report(&session, &everyone)
        .await?
        .total;
    let rows: [Row; 5] = [
        (
            "report_all",
            "Décompte, tous les établissements",
            time(runs, || report(&guichet, &session, &everyone)).await?,
        ),
        (
            "report_academie",
            "Décompte, une académie (Créteil)",
            time(runs, || report(&guichet, &session, &creteil)).await?,
        ),
        (
            "report_filtered",
            "Décompte, les lycées d’une académie",
            time(runs, || report(&guichet, &session, &creteil_lycees)).await?,
        ),
        (
            "list",
            "Liste d’un état (jamais initialisés, 500 au plus)",
            time(runs, || async {
                guichet
                    .initialisation_establishments(&session, &everyone, InitState::NeverInitialised)
                    .await
                    .map(|_| ())
            })
            .await?,
        ),
        (
            "export",
            "Export CSV, tous les établissements",
            time(runs, || async {
                guichet
                    .initialisation_csv(&session, &everyone)
                    .await
                    .map(|_| ())
            })
            .await?,
        ),
    ];
    guichet.sign_out().await;
    let mut text = format!(
        "Base {} : suivi des initialisations sur {total} établissements, chaque opération \
         mesurée {runs} fois.\n\n{}",
        crate::backend_label(gate.backend()),
        stats::table_head()
    );
    let mut json = calls::table(&rows, &mut text);
    json.insert("establishments".into(), json!(total));
    json.insert("runs".into(), json!(runs));
    json.insert("mode".into(), json!(gate.mode()));
    json.insert("backend".into(), json!(gate.backend()));
    Ok(Report {
        text,
        json: json.into(),
    })
}

async fn report(
    guichet: &Guichet,
    session: &Session,
    input: &PopulationInput,
) -> Result<(), Error> {
    guichet
        .initialisation_report(session, input)
        .await
        .map(|_| ())
}

/// `runs` timings of `operation`, after one untimed run that warms the caches.
async fn time<F, Fut>(runs: usize, operation: F) -> Result<stats::Summary, Error>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<(), Error>>,
{
    operation().await?;
    let mut latencies = Latencies::default();
    for _ in 0..runs {
        let started = Instant::now();
        operation().await?;
        latencies.record(started.elapsed());
    }
    stats::summary(&latencies)
}
