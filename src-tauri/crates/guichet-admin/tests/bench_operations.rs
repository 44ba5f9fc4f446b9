//! `guichet-admin bench operations`: an agent's sign-ins and calls on a database that holds
//! data, as that agent — on a shared database, with its own PostgreSQL role on a cluster that
//! checks passwords over TLS; on a standalone one, with the app's own account. Every figure has
//! its samples; the calls leave the establishments as they were. No assertion on times.

use guichet_core::store::{Backend, OpenMode};
use guichet_tests::cli::Admin;
use guichet_tests::cluster::SharedDesk;
use guichet_tests::{AGENT_PASSWORD, Sql, TestDb, in_session_keyring, positive, store_signing_key};
use serde_json::Value;

const CALLS: u64 = 6;
const SIGN_INS: u64 = 3;

fn bench_operations(url: &str, agent: &str) -> (i32, Value, String) {
    let data = tempfile::tempdir().expect("folder");
    let run = Admin::new(
        env!("CARGO_BIN_EXE_guichet-admin"),
        &[
            "--database-url",
            url,
            "bench",
            "operations",
            "--agent",
            agent,
        ],
    )
    .args(&[
        "--calls",
        &CALLS.to_string(),
        "--sign-ins",
        &SIGN_INS.to_string(),
    ])
    .env("GUICHET_AGENT_PASSWORD", AGENT_PASSWORD)
    .env("GUICHET_DATA_DIR", data.path())
    .run();
    (run.code, run.json, run.stderr)
}

fn every_figure(json: &Value, mode: &str) {
    assert_eq!(json["mode"], mode, "{json}");
    assert_eq!(json["calls"], CALLS);
    assert_eq!(json["sign_in"]["samples"], SIGN_INS, "{json}");
    positive(&json["sign_in"]["p95_ms"], "sign_in");
    // Refusals are measured too, and the agent is not left locked by them (it signs in after).
    for refusal in ["sign_in_wrong_password", "sign_in_unknown_login"] {
        assert_eq!(json[refusal]["samples"], SIGN_INS, "{refusal}: {json}");
        positive(&json[refusal]["p95_ms"], refusal);
    }
    for operation in ["open_page", "attach", "send_link", "detach"] {
        assert_eq!(json[operation]["samples"], CALLS, "{operation}: {json}");
        positive(&json[operation]["p95_ms"], operation);
    }
}

#[tokio::test]
async fn an_agent_of_a_shared_database_is_measured_with_its_own_role() {
    let Some(_secrets) = in_session_keyring() else {
        return;
    };
    store_signing_key("clé de signature du banc d’essai, assez longue");
    let desk = SharedDesk::start().await;
    let url = desk.agents_url();
    let (code, json, stderr) = bench_operations(&url, "camille");
    assert_eq!(code, 0, "{stderr}");
    every_figure(&json, "shared");
    assert_eq!(json["backend"], "postgres");

    // Each call detached the address it attached: the establishments are as they were.
    let owner = Sql::open(&desk.owner_url()).await;
    let left = owner
        .number(
            "SELECT count(*) FROM establishment_account ea JOIN account a ON a.id = ea.account_id \
             WHERE a.email LIKE 'banc.%'",
        )
        .await;
    assert_eq!(left, 0);
    let sign_ins = owner
        .number(
            "SELECT count(*) FROM audit_event e JOIN agent a ON a.id = e.agent_id \
             WHERE a.login = 'camille' AND e.action = 'sign_in'",
        )
        .await;
    assert_eq!(
        sign_ins,
        SIGN_INS as i64 + 1,
        "each sign-in journaled, as camille"
    );

    // A reader's role may not make the calls: the database's grants and the core refuse them.
    let (code, json, _) = bench_operations(&url, "lea");
    assert_eq!(code, 1);
    assert_eq!(json["error"]["kind"], "forbidden", "{json}");
}

#[tokio::test]
async fn an_agent_of_a_standalone_database_is_measured_the_same_way() {
    let Some(_secrets) = in_session_keyring() else {
        return;
    };
    store_signing_key("clé de signature du banc d’essai, assez longue");
    let db = TestDb::migrated(Backend::Sqlite).await;
    let settings =
        guichet_core::Settings::with_defaults(Some(db.url.clone()), std::env::temp_dir());
    let guichet = guichet_core::Guichet::open(settings, OpenMode::MustExist)
        .await
        .expect("opened");
    let size = guichet_core::demo::DemoSize {
        establishments: 300,
        accounts: 600,
    };
    guichet_core::demo::load(
        &db.store,
        size,
        7,
        guichet_core::mail::sending::DEFAULT_PORTAL_TIMEZONE,
        chrono::Utc::now(),
    )
    .await
    .expect("demo");
    guichet_tests::add_team(&guichet).await;
    let (code, json, stderr) = bench_operations(&db.url, "camille");
    assert_eq!(code, 0, "{stderr}");
    every_figure(&json, "standalone");
    assert_eq!(json["backend"], "sqlite");
    db.remove().await;
}
