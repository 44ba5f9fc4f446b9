//! `guichet-admin bench report`: the « Suivi des initialisations » timed on a database that
//! holds data, as a read-only agent (every role may look). Every figure has its samples; no
//! assertion on times.

use guichet_core::store::{Backend, OpenMode};
use guichet_tests::cli::Admin;
use guichet_tests::{AGENT_PASSWORD, TestDb, positive};

const RUNS: u64 = 3;

async fn demo_with_team(backend: Backend) -> TestDb {
    let db = TestDb::migrated(backend).await;
    let settings =
        guichet_core::Settings::with_defaults(Some(db.url.clone()), std::env::temp_dir());
    let guichet = guichet_core::Guichet::open(settings, OpenMode::MustExist)
        .await
        .expect("opened");
    let size = guichet_core::demo::DemoSize {
        establishments: 600,
        accounts: 900,
    };
    guichet
        .load_demo(size, 7, chrono::Utc::now())
        .await
        .expect("demo");
    guichet_tests::add_team(&guichet).await;
    db
}

fn bench_report(url: &str, agent: &str) -> guichet_tests::cli::Run {
    let data = tempfile::tempdir().expect("folder");
    Admin::new(
        env!("CARGO_BIN_EXE_guichet-admin"),
        &["--database-url", url, "bench", "report", "--agent", agent],
    )
    .args(&["--runs", &RUNS.to_string()])
    .env("GUICHET_AGENT_PASSWORD", AGENT_PASSWORD)
    .env("GUICHET_DATA_DIR", data.path())
    .run()
}

#[tokio::test]
async fn the_dashboard_is_timed_on_both_backends_as_a_reader() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let db = demo_with_team(backend).await;
        let run = bench_report(&db.url, "lea");
        let json = run.ok();
        assert_eq!(json["runs"], RUNS);
        assert_eq!(
            json["establishments"].as_i64(),
            Some(db.sql().await.count("establishment").await)
        );
        assert_eq!(json["backend"], serde_json::json!(backend));
        for operation in [
            "report_all",
            "report_academie",
            "report_filtered",
            "list",
            "export",
        ] {
            assert_eq!(json[operation]["samples"], RUNS, "{operation}: {json}");
            positive(&json[operation]["p95_ms"], operation);
        }
        // A wrong password stops it before anything is timed.
        let refused = Admin::new(
            env!("CARGO_BIN_EXE_guichet-admin"),
            &[
                "--database-url",
                &db.url,
                "bench",
                "report",
                "--agent",
                "lea",
            ],
        )
        .env("GUICHET_AGENT_PASSWORD", "mot-de-passe-faux")
        .run();
        refused.refused("invalid_credentials");
        db.remove().await;
    }
}
