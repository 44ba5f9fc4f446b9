//! The operations an agent does, end to end through the core as the window calls them (role
//! check, validation, transaction, journal, search index kept current), timed one by one; and, in
//! the same run, the database's own floor: one round trip, one committed one-row write.

use std::time::Instant;

use guichet_core::agents::Session;
use guichet_core::store::{Mode, OpenMode, Store};
use guichet_core::{Error, Gate, Guichet, Settings};
use serde_json::json;

use super::queries::Rng;
use super::{Latencies, Summary};
use crate::output::{self, Failure, Output};

/// A scratch table for the commit floor, dropped at the end.
const FLOOR_TABLE: &str = "bench_commit_floor";

/// The operations of one helpdesk call, in the order an agent does them.
#[derive(Debug, Default)]
pub struct CallTimings {
    /// The establishment's page: its addresses, the principal address's ledger, the timeline.
    pub open_page: Latencies,
    /// A new address attached to the establishment (added to the account database first).
    pub attach: Latencies,
    /// A link for that address, up to the commit that puts its e-mail in the outbox.
    pub send_link: Latencies,
    /// The address detached again, which leaves the establishment as it was.
    pub detach: Latencies,
}

impl CallTimings {
    pub fn all(&self) -> Latencies {
        let mut all = Latencies::default();
        for latencies in [&self.open_page, &self.attach, &self.send_link, &self.detach] {
            all.extend(latencies);
        }
        all
    }

    pub fn extend(&mut self, other: &CallTimings) {
        self.open_page.extend(&other.open_page);
        self.attach.extend(&other.attach);
        self.send_link.extend(&other.send_link);
        self.detach.extend(&other.detach);
    }
}

/// Does one call for `uai` with a new address `email`, timing each operation.
pub async fn one_call(
    guichet: &Guichet,
    session: &Session,
    uai: &str,
    email: &str,
    timings: &mut CallTimings,
) -> Result<(), Error> {
    let started = Instant::now();
    let establishment = guichet.establishment(session, uai).await?;
    guichet.timeline(session, uai).await?;
    if let Some(principal) = &establishment.principal_email {
        guichet.address_links(session, principal).await?;
    }
    timings.open_page.record(started.elapsed());

    let uais = [uai.to_string()];
    let started = Instant::now();
    guichet
        .attach(session, email, &uais, false, None, Some("banc d’essai"))
        .await?;
    timings.attach.record(started.elapsed());

    let started = Instant::now();
    guichet.send_link(session, email, None).await?;
    timings.send_link.record(started.elapsed());

    let started = Instant::now();
    guichet
        .detach(session, email, uai, None, None, None)
        .await?;
    timings.detach.record(started.elapsed());
    Ok(())
}

/// Establishments with a principal address, the ones agents are called about.
pub async fn establishments(store: &Store) -> Result<Vec<String>, Error> {
    let sql = "SELECT uai FROM establishment WHERE principal_account_id IS NOT NULL ORDER BY uai";
    let uais: Vec<String> = match store {
        Store::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await?,
        Store::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await?,
    };
    if uais.is_empty() {
        return Err(Error::Internal(
            "no establishment with a principal address".into(),
        ));
    }
    Ok(uais)
}

/// A fresh address for the `n`th call of a run; `tag` keeps runs and agents apart.
pub fn new_address(tag: &str, n: usize) -> String {
    format!("banc.{tag}.{n}@ac-paris.fr")
}

/// Times `calls` calls (after a tenth as many untimed), one after the other, then the floor.
pub async fn measure(
    guichet: &Guichet,
    session: &Session,
    uais: &[String],
    calls: usize,
    seed: u64,
) -> Result<Output, Error> {
    let (timings, warm_up) = time_calls(guichet, session, uais, calls, seed).await?;
    let (round_trip, commit) = floor(guichet.store(), calls).await?;
    let floor: [Row; 2] = [
        (
            "round_trip",
            "Plancher : un aller-retour",
            super::summary(&round_trip)?,
        ),
        (
            "commit",
            "Plancher : une écriture validée",
            super::summary(&commit)?,
        ),
    ];
    let mut text = format!(
        "{calls} appels l’un après l’autre (après {warm_up} d’échauffement), chacun sur un \
         établissement tiré au hasard ; le plancher de la base mesuré {calls} fois.\n\n{}",
        super::table_head()
    );
    let mut json = table(&call_rows(&timings)?, &mut text);
    let floor_json = table(&floor, &mut text);
    json.insert("calls".into(), json!(calls));
    json.insert("floor".into(), floor_json.into());
    Ok(Output {
        text,
        json: json.into(),
    })
}

/// A timed operation: its JSON key, its label, its figures.
type Row = (&'static str, &'static str, Summary);

/// Times `calls` calls after a tenth as many untimed ones; returns the timings and the warm-up.
async fn time_calls(
    guichet: &Guichet,
    session: &Session,
    uais: &[String],
    calls: usize,
    seed: u64,
) -> Result<(CallTimings, usize), Error> {
    let mut rng = Rng::new(seed ^ 0x0CA11);
    let tag = format!("solo{}", chrono::Utc::now().timestamp_millis());
    let warm_up = (calls / 10).max(1);
    let mut timings = CallTimings::default();
    for n in 0..warm_up + calls {
        let uai = &uais[rng.below(uais.len())];
        let mut call = CallTimings::default();
        one_call(guichet, session, uai, &new_address(&tag, n), &mut call).await?;
        if n >= warm_up {
            timings.extend(&call);
        }
    }
    Ok((timings, warm_up))
}

fn call_rows(timings: &CallTimings) -> Result<[Row; 4], Error> {
    Ok([
        (
            "open_page",
            "Ouvrir la fiche (adresses, liens, historique)",
            super::summary(&timings.open_page)?,
        ),
        (
            "attach",
            "Rattacher une adresse nouvelle",
            super::summary(&timings.attach)?,
        ),
        (
            "send_link",
            "Envoyer un lien (jusqu’à la boîte d’envoi)",
            super::summary(&timings.send_link)?,
        ),
        (
            "detach",
            "Détacher l’adresse",
            super::summary(&timings.detach)?,
        ),
    ])
}

/// One line of `text` and one JSON field per timed operation.
fn table(rows: &[Row], text: &mut String) -> serde_json::Map<String, serde_json::Value> {
    let mut fields = serde_json::Map::new();
    for (key, label, summary) in rows {
        text.push_str(&super::table_line(label, summary));
        fields.insert((*key).into(), json!(summary));
    }
    fields
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

pub async fn as_agent(settings: Settings, args: OperationsBench) -> Result<Output, Failure> {
    let password = output::agent_password(&args.agent).await?;
    let gate = Gate::open(settings, OpenMode::MustExist).await?;
    let mut sign_in = Latencies::default();
    for _ in 0..args.sign_ins.max(1) {
        let started = Instant::now();
        let (guichet, _) = gate.sign_in(&args.agent, password.expose()).await?;
        sign_in.record(started.elapsed());
        guichet.sign_out().await;
    }
    // Refusals take as long as a sign-in, whether the login exists or not. After each fourth
    // wrong password the right one resets the count, so that the bench never locks the agent.
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
    let (guichet, session) = gate.sign_in(&args.agent, password.expose()).await?;
    let uais = establishments(guichet.store()).await?;
    let calls = args.calls.max(1);
    let (timings, warm_up) = time_calls(&guichet, &session, &uais, calls, args.seed).await?;
    guichet.sign_out().await;

    let mode = match gate.mode() {
        Mode::Standalone => "autonome",
        Mode::Shared => "partagé",
    };
    let mut text = format!(
        "Base {} en mode {mode}, agent «\u{a0}{}\u{a0}» : {} connexions, puis {calls} appels \
         l’un après l’autre (après {warm_up} d’échauffement).\n\n{}",
        super::backend_label(guichet.store()),
        args.agent,
        sign_in.count(),
        super::table_head()
    );
    let mut json = table(
        &[
            ("sign_in", "Se connecter", super::summary(&sign_in)?),
            (
                "sign_in_wrong_password",
                "Refus : mot de passe faux",
                super::summary(&wrong)?,
            ),
            (
                "sign_in_unknown_login",
                "Refus : identifiant inconnu",
                super::summary(&unknown)?,
            ),
        ],
        &mut text,
    );
    json.extend(table(&call_rows(&timings)?, &mut text));
    json.insert("calls".into(), json!(calls));
    json.insert("mode".into(), json!(gate.mode()));
    json.insert("backend".into(), json!(gate.backend()));
    Ok(Output {
        text,
        json: json.into(),
    })
}

/// A refused sign-in is the bench's expectation; anything else stops it.
fn expect_refusal<T>(outcome: Result<T, Error>) -> Result<(), Error> {
    match outcome {
        Err(Error::InvalidCredentials) => Ok(()),
        Err(error) => Err(error),
        Ok(_) => Err(Error::Internal("a wrong password was accepted".into())),
    }
}

/// The least the database takes: `SELECT 1`, and a one-row insert in its own transaction.
async fn floor(store: &Store, samples: usize) -> Result<(Latencies, Latencies), Error> {
    let create = format!(
        "CREATE TABLE IF NOT EXISTS {FLOOR_TABLE} (id INTEGER PRIMARY KEY, at TEXT NOT NULL)"
    );
    let insert = format!("INSERT INTO {FLOOR_TABLE} (id, at) VALUES ($1, $2)");
    let drop = format!("DROP TABLE {FLOOR_TABLE}");
    let mut round_trip = Latencies::default();
    let mut commit = Latencies::default();
    macro_rules! time_floor {
        ($pool:expr) => {{
            sqlx::query(&create).execute($pool).await?;
            for n in 0..samples {
                let started = Instant::now();
                let _: i32 = sqlx::query_scalar("SELECT 1").fetch_one($pool).await?;
                round_trip.record(started.elapsed());

                let started = Instant::now();
                let mut tx = $pool.begin().await?;
                sqlx::query(&insert)
                    .bind(n as i32)
                    .bind(chrono::Utc::now().to_rfc3339())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                commit.record(started.elapsed());
            }
            sqlx::query(&drop).execute($pool).await?;
        }};
    }
    match store {
        Store::Sqlite(pool) => time_floor!(pool),
        Store::Postgres(pool) => time_floor!(pool),
    }
    Ok((round_trip, commit))
}
