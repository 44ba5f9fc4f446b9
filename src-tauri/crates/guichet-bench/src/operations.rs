//! An agent's operations timed one after the other: `bench operations`, as an agent signed in on
//! a database that holds data (its sign-ins and refusals too), and the section of `bench all`
//! that times them with, in the same run, the database's own floor: one round trip, one
//! committed one-row write.

use std::time::Instant;

use guichet_core::agents::Session;
use guichet_core::model::database::{Mode, OpenMode};
use guichet_core::secrets::Secret;
use guichet_core::{Error, Gate, Guichet, Settings};
use serde_json::json;

use crate::Report;
use crate::calls::{self, Row};
use crate::stats::{self, Latencies};

/// Times `calls` calls (after a tenth as many untimed), one after the other, then the floor.
pub async fn measure(
    guichet: &Guichet,
    session: &Session,
    uais: &[String],
    calls: usize,
    seed: u64,
) -> Result<Report, Error> {
    let (timings, warm_up) = calls::time_calls(guichet, session, uais, calls, seed).await?;
    let (round_trips, commits) = guichet.bench_floor(calls).await?;
    let floor: [Row; 2] = [
        (
            "round_trip",
            "Plancher : un aller-retour",
            stats::summary(&Latencies::of(&round_trips))?,
        ),
        (
            "commit",
            "Plancher : une écriture validée",
            stats::summary(&Latencies::of(&commits))?,
        ),
    ];
    let mut text = format!(
        "{calls} appels l’un après l’autre (après {warm_up} d’échauffement), chacun sur un \
         établissement tiré au hasard ; le plancher de la base mesuré {calls} fois.\n\n{}",
        stats::table_head()
    );
    let mut json = calls::table(&calls::call_rows(&timings)?, &mut text);
    let floor_json = calls::table(&floor, &mut text);
    json.insert("calls".into(), json!(calls));
    json.insert("floor".into(), floor_json.into());
    Ok(Report {
        text,
        json: json.into(),
    })
}

/// `bench operations`: an agent's sign-in and calls on a database that already holds data, as
/// that agent (on a shared database, with its own PostgreSQL role), so that the two modes can
/// be measured on the same server and data.
#[derive(Debug, clap::Args)]
pub struct OperationsBench {
    /// Agent qui se connecte (en mode partagé, avec son propre compte PostgreSQL) ; son mot de
    /// passe est lu dans GUICHET_AGENT_PASSWORD, sinon demandé au terminal.
    #[arg(long, value_name = "LOGIN")]
    agent: String,
    /// Nombre d’appels chronométrés (après un dixième d’échauffement).
    #[arg(long, default_value_t = 300)]
    calls: usize,
    /// Nombre de connexions chronométrées.
    #[arg(long, default_value_t = 20)]
    sign_ins: usize,
    /// Graine du tirage des établissements.
    #[arg(long, default_value_t = guichet_core::demo::DEFAULT_SEED)]
    seed: u64,
}

impl OperationsBench {
    /// The agent who signs in, whose password the command line reads first.
    pub fn agent(&self) -> &str {
        &self.agent
    }
}

pub async fn as_agent(
    settings: Settings,
    args: OperationsBench,
    password: Secret,
) -> Result<Report, Error> {
    let gate = Gate::open(settings, OpenMode::MustExist).await?;
    let mut sign_in = Latencies::default();
    for _ in 0..args.sign_ins.max(1) {
        let started = Instant::now();
        let (guichet, _) = gate.sign_in(&args.agent, password.expose()).await?;
        sign_in.record(started.elapsed());
        guichet.sign_out().await;
    }
    let (wrong, unknown) = time_refusals(&gate, &args, &password).await?;
    let (guichet, session) = gate.sign_in(&args.agent, password.expose()).await?;
    let uais = calls::establishments(&guichet).await?;
    let calls = args.calls.max(1);
    let (timings, warm_up) = calls::time_calls(&guichet, &session, &uais, calls, args.seed).await?;
    guichet.sign_out().await;

    let mode = match gate.mode() {
        Mode::Standalone => "autonome",
        Mode::Shared => "partagé",
    };
    let mut text = format!(
        "Base {} en mode {mode}, agent «\u{a0}{}\u{a0}» : {} connexions, puis {calls} appels \
         l’un après l’autre (après {warm_up} d’échauffement).\n\n{}",
        crate::backend_label(gate.backend()),
        args.agent,
        sign_in.count(),
        stats::table_head()
    );
    let mut json = calls::table(
        &[
            ("sign_in", "Se connecter", stats::summary(&sign_in)?),
            (
                "sign_in_wrong_password",
                "Refus : mot de passe faux",
                stats::summary(&wrong)?,
            ),
            (
                "sign_in_unknown_login",
                "Refus : identifiant inconnu",
                stats::summary(&unknown)?,
            ),
        ],
        &mut text,
    );
    json.extend(calls::table(&calls::call_rows(&timings)?, &mut text));
    json.insert("calls".into(), json!(calls));
    json.insert("mode".into(), json!(gate.mode()));
    json.insert("backend".into(), json!(gate.backend()));
    Ok(Report {
        text,
        json: json.into(),
    })
}

/// Refusals take as long as a sign-in, whether the login exists or not: times a wrong password
/// and an unknown login. After each fourth wrong password the right one resets the count, so
/// that the bench never locks the agent.
async fn time_refusals(
    gate: &Gate,
    args: &OperationsBench,
    password: &Secret,
) -> Result<(Latencies, Latencies), Error> {
    let (mut wrong, mut unknown) = (Latencies::default(), Latencies::default());
    for n in 0..args.sign_ins.max(1) {
        let started = Instant::now();
        let refused = gate.sign_in(&args.agent, "mot-de-passe-faux").await;
        wrong.record(started.elapsed());
        expect_refusal(refused)?;
        let started = Instant::now();
        let refused = gate
            .sign_in(&format!("inconnu-{n}"), password.expose())
            .await;
        unknown.record(started.elapsed());
        expect_refusal(refused)?;
        if n % 4 == 3 {
            gate.sign_in(&args.agent, password.expose())
                .await?
                .0
                .sign_out()
                .await;
        }
    }
    Ok((wrong, unknown))
}

/// A refused sign-in is the bench's expectation; anything else stops it.
fn expect_refusal<T>(outcome: Result<T, Error>) -> Result<(), Error> {
    match outcome {
        Err(Error::InvalidCredentials) => Ok(()),
        Err(error) => Err(error),
        Ok(_) => Err(Error::Internal("a wrong password was accepted".into())),
    }
}
