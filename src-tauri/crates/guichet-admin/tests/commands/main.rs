//! The agents' commands of `guichet-admin` run as the real binary on real databases: passwords
//! and secrets on standard input, the agent's password in `GUICHET_AGENT_PASSWORD`, JSON out.

mod agents;
mod annuaire;
mod associations;
mod audit;
mod campaign;
mod delivery;
mod diagnose;
mod links;
mod report;
mod roles;
mod secrets;
mod settings;
mod shared;

use guichet_core::model::establishment::Establishment;
use guichet_core::model::uai::Uai;
use guichet_tests::TestDb;
use guichet_tests::cli::{Admin, Run};
use guichet_tests::team;

pub const HENRI_IV: &str = "0750654D";
pub const LOUIS_LE_GRAND: &str = "0750655E";
/// A valid UAI (Saint-Pierre-et-Miquelon) that no establishment of the demo has.
pub const NOWHERE: &str = "9750001C";

/// A command line on the database at `url`: `--json` unless [`Admin::text`], no agent password
/// unless given.
pub fn admin(url: &str, args: &[&str]) -> Admin {
    Admin::on_database(env!("CARGO_BIN_EXE_guichet-admin"), url, args)
}

/// The demo database with the team of `guichet_tests::team`, all added through the CLI.
pub fn desk(db: &TestDb) {
    admin(
        &db.url,
        &["demo", "--establishments", "6000", "--accounts", "8000"],
    )
    .run()
    .ok();
    team::add_team_with_cli(|| admin(&db.url, &[]));
}

/// Runs `agent add`, the new password on standard input.
pub fn add_agent(
    url: &str,
    by: Option<(&str, &str)>,
    login: &str,
    name: &str,
    role: &str,
    password: &str,
) -> Run {
    team::add_agent_with_cli(admin(url, &[]), by, login, name, role, password)
}

/// An establishment's page as the database holds it now.
pub async fn page(db: &TestDb, uai: &str) -> Establishment {
    db.store
        .establishment(
            &Uai::parse(uai).expect("valid UAI"),
            guichet_tests::time::PARIS,
            chrono::Utc::now(),
        )
        .await
        .expect("establishment")
}

/// The addresses attached to an establishment, and its principal one.
pub async fn addresses(db: &TestDb, uai: &str) -> (Vec<String>, Option<String>) {
    let page = page(db, uai).await;
    let emails = page.addresses.into_iter().map(|a| a.email).collect();
    (emails, page.principal_email)
}
