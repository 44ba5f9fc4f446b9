//! `guichet-admin bench search` on both backends at a small size: the JSON a benchmark run
//! records has its shape and its figures are positive numbers. No assertion on times.

use guichet_core::store::Backend;
use guichet_tests::cli::{Admin, Run};
use guichet_tests::{TestDb, positive};
use serde_json::Value;

fn admin(database_url: &str, args: &[&str]) -> Run {
    Admin::on_database(env!("CARGO_BIN_EXE_guichet-admin"), database_url, args).run()
}

fn bench_search(db: &TestDb, backend: &str) -> Value {
    let run = admin(
        &db.url,
        &[
            "bench",
            "search",
            "--backend",
            backend,
            "--establishments",
            "6000",
            "--accounts",
            "8000",
            "--queries",
            "200",
            "--rounds",
            "2",
            "--seed",
            "5",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json
}

/// Percentiles, mean and sample count of one timed operation.
fn latencies(value: &Value, what: &str, samples: u64) {
    for field in ["p50_ms", "p95_ms", "p99_ms", "mean_ms", "max_ms"] {
        positive(&value[field], &format!("{what}.{field}"));
    }
    let p = |field: &str| value[field].as_f64().unwrap_or_default();
    assert!(p("p50_ms") <= p("p95_ms") && p("p95_ms") <= p("p99_ms") && p("p99_ms") <= p("max_ms"));
    assert_eq!(value["samples"], samples, "{what}");
}

async fn bench_on(backend: Backend) {
    let name = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let db = TestDb::empty(backend).await;

    // An empty database is filled first.
    let first = bench_search(&db, name);
    assert_eq!(first["backend"], name);
    assert_eq!(first["establishments"], 6000);
    assert_eq!(first["accounts"], 8000);
    assert_eq!(first["queries"], 200);
    assert_eq!(first["database"], "filled");
    positive(&first["demo_s"], "demo_s");
    latencies(&first["app"], "app", 400);
    latencies(&first["phases"]["index"], "phases.index", 200);
    latencies(&first["phases"]["rows"], "phases.rows", 200);
    latencies(&first["like"], "like", 200);
    positive(&first["index"]["build_s"], "index.build_s");
    positive(&first["index"]["memory_mb"], "index.memory_mb");
    // The queries that name a row find it.
    assert!(positive(&first["app"]["found_in_results"], "found_in_results") > 0.9);
    assert!(first["app_by_kind"]["name_typo"]["p95_ms"].is_number());
    match backend {
        Backend::Sqlite => assert_eq!(first["pg_trgm"], Value::Null),
        Backend::Postgres => {
            latencies(&first["pg_trgm"], "pg_trgm", 200);
            latencies(
                &first["pg_trgm"]["word_similarity"],
                "pg_trgm.word_similarity",
                200,
            );
            positive(&first["pg_trgm"]["index_build_s"], "pg_trgm.index_build_s");
        }
    }

    // A database that holds data is used as it is, with the same queries.
    let second = bench_search(&db, name);
    assert_eq!(second["database"], "existing");
    assert_eq!(second["demo_s"], Value::Null);
    assert_eq!(second["establishments"], 6000);
    latencies(&second["app"], "app", 400);
    assert_eq!(
        second["app"]["named_queries"],
        first["app"]["named_queries"]
    );
    if backend == Backend::Postgres {
        assert_eq!(second["pg_trgm"]["index_build_s"], Value::Null);
    }

    // --backend names the other kind: refused before anything is opened.
    let other = match backend {
        Backend::Sqlite => "postgres",
        Backend::Postgres => "sqlite",
    };
    let refused = admin(&db.url, &["bench", "search", "--backend", other]);
    assert_ne!(refused.code, 0);
    assert_eq!(refused.json["error"]["kind"], "invalid_setting");
    assert!(refused.stderr.contains("--backend"), "{}", refused.stderr);
    db.remove().await;
}

#[tokio::test]
async fn bench_search_on_sqlite() {
    bench_on(Backend::Sqlite).await;
}

#[tokio::test]
async fn bench_search_on_postgres() {
    bench_on(Backend::Postgres).await;
}
