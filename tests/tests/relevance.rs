//! Relevance of the app's search, end to end on real SQLite and PostgreSQL: the caller queries
//! of `tests/data/relevance.tsv` (real lycées) against a demo database holding every real lycée
//! and generated distractors. Recall in the first three must reach 95 % on each backend, and
//! both backends must give the same results.

use guichet_core::search::SearchHit;
use guichet_core::store::Backend;
use guichet_core::{Guichet, Settings, demo};
use guichet_tests::TestDb;

const RELEVANCE: &str = include_str!("../data/relevance.tsv");

/// Recall@3 and the top-3 UAIs of every query on one backend.
async fn run(backend: Backend) -> (f64, Vec<Vec<String>>) {
    let db = TestDb::migrated(backend).await;
    let size = demo::DemoSize {
        establishments: 20_000,
        accounts: 30_000,
    };
    demo::load(
        &db.store,
        size,
        11,
        guichet_tests::time::PARIS,
        chrono::Utc::now(),
    )
    .await
    .expect("demo");
    let guichet = Guichet::open(
        Settings::with_defaults(Some(db.url.clone()), std::env::temp_dir()),
        guichet_core::store::OpenMode::MustExist,
    )
    .await
    .expect("opened");
    guichet.build_search_index().await.expect("index");
    let reader = guichet.reader_session().expect("a standalone database");
    let (mut total, mut found, mut tops) = (0, 0, Vec::new());
    for line in RELEVANCE.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        let (query, expected) = (fields[0], fields[1]);
        let response = guichet.search(&reader, query, 3).await.expect("search");
        let uais: Vec<String> = response
            .hits
            .iter()
            .filter_map(|hit| match hit {
                SearchHit::Establishment(e) => Some(e.uai.to_string()),
                SearchHit::Address(_) => None,
            })
            .collect();
        total += 1;
        if uais.iter().any(|uai| uai == expected) {
            found += 1;
        }
        tops.push(uais);
    }
    guichet.close().await;
    db.remove().await;
    assert!(total >= 200, "{total} queries");
    (f64::from(found) / f64::from(total), tops)
}

#[tokio::test]
async fn recall_in_the_first_three_reaches_95_percent_on_both_backends_with_the_same_results() {
    let (sqlite, sqlite_tops) = run(Backend::Sqlite).await;
    let (postgres, postgres_tops) = run(Backend::Postgres).await;
    println!(
        "recall@3 through the app: SQLite {:.1} %, PostgreSQL {:.1} %",
        sqlite * 100.0,
        postgres * 100.0
    );
    assert!(sqlite >= 0.95, "SQLite recall@3 {:.1} %", sqlite * 100.0);
    assert!(
        postgres >= 0.95,
        "PostgreSQL recall@3 {:.1} %",
        postgres * 100.0
    );
    assert_eq!(
        sqlite_tops, postgres_tops,
        "the same queries give the same results on both backends"
    );
}
