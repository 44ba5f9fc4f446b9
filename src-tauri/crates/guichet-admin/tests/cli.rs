//! The `guichet-admin` binary as scripts use it: exit codes, JSON output, French errors.

use guichet_core::store::Backend;
use guichet_tests::TestDb;
use guichet_tests::cli::{Admin, Run};
use serde_json::Value;

fn admin(database_url: &str, args: &[&str]) -> Run {
    Admin::on_database(env!("CARGO_BIN_EXE_guichet-admin"), database_url, args).run()
}

async fn demo_then_search(backend: Backend) {
    let db = TestDb::empty(backend).await;
    let migrate = admin(&db.url, &["migrate"]);
    assert_eq!(migrate.code, 0, "{}", migrate.stderr);
    assert!(
        migrate.json["schema_version"]
            .as_i64()
            .is_some_and(|v| v > 0)
    );

    let demo = admin(
        &db.url,
        &[
            "demo",
            "--establishments",
            "6000",
            "--accounts",
            "9000",
            "--seed",
            "3",
        ],
    );
    assert_eq!(demo.code, 0, "{}", demo.stderr);
    assert_eq!(demo.json["establishments"], 6000);
    assert_eq!(demo.json["accounts"], 9000);
    assert!(demo.json["insert_seconds"].as_f64().is_some());

    let found = admin(&db.url, &["search", "0750654d"]);
    assert_eq!(found.code, 0, "{}", found.stderr);
    let first = &found.json["results"][0];
    assert_eq!(first["kind"], "establishment");
    assert_eq!(first["uai"], "0750654D");
    assert_eq!(first["name"], "LYCÉE GÉNÉRAL HENRI IV");
    assert_eq!(
        first["town"], "Paris",
        "the town as the communes reference writes it"
    );

    let addresses = admin(&db.url, &["search", "ce.0750654d@", "--limit", "3"]);
    let first = &addresses.json["results"][0];
    assert_eq!(first["kind"], "address");
    assert_eq!(first["email"], "ce.0750654d@ac-paris.fr");
    assert!(
        first["uais"]
            .as_array()
            .is_some_and(|uais| uais.iter().any(|u| u == "0750654D"))
    );

    let limited = admin(&db.url, &["search", "paris", "--limit", "4"]);
    assert_eq!(limited.json["results"].as_array().map(Vec::len), Some(4));

    // A wrong check letter is no error: the right establishment, and which letter was wrong.
    let corrected = admin(&db.url, &["search", "0750654Z"]);
    assert_eq!(corrected.code, 0);
    assert_eq!(corrected.json["results"][0]["uai"], "0750654D");
    assert_eq!(corrected.json["uai_correction"]["expected"], "0750654D");
    assert!(
        corrected.json["uai_correction"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("«\u{a0}Z\u{a0}» est fausse"))
    );
    // Nor is a query that matches nothing.
    let nothing = admin(&db.url, &["search", "zzzzqqqq"]);
    assert_eq!(nothing.code, 0);
    assert_eq!(nothing.json["results"], Value::Array(vec![]));

    // Loading the demo twice is refused and changes nothing.
    let twice = admin(
        &db.url,
        &["demo", "--establishments", "10", "--accounts", "10"],
    );
    assert_ne!(twice.code, 0);
    assert_eq!(twice.json["error"]["kind"], "database_not_empty");
    db.remove().await;
}

#[tokio::test]
async fn demo_then_search_on_sqlite() {
    demo_then_search(Backend::Sqlite).await;
}

#[tokio::test]
async fn demo_then_search_on_postgres() {
    demo_then_search(Backend::Postgres).await;
}

#[test]
fn bad_configuration_exits_non_zero_with_a_french_message() {
    let cases = [
        ("mysql://localhost/x", "invalid_database_url"),
        ("postgres://postgres@127.0.0.1:1/x", "database_unreachable"),
        (
            "sqlite:///nonexistent/dir/base.sqlite",
            "sqlite_file_missing",
        ),
    ];
    for (url, kind) in cases {
        let run = admin(url, &["search", "henri"]);
        assert_eq!(run.code, 1, "{url}");
        assert_eq!(run.json["error"]["kind"], kind, "{url}");
        assert!(
            run.stderr.starts_with("erreur\u{a0}: "),
            "{url}: {}",
            run.stderr
        );
    }
}

#[test]
fn an_out_of_range_demo_size_is_refused() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}", dir.path().join("d.sqlite").display());
    let run = admin(&url, &["demo", "--establishments", "0", "--accounts", "10"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.json["error"]["kind"], "invalid_demo_size");
}
