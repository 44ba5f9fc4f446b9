//! `guichet-admin bench annuaire` on both backends at a small size: the dry run of this year's
//! file finds exactly the changes the bench drew into it, the import writes them all (a last
//! dry run finds nothing left), and the figures are there. No assertion on times.

use guichet_core::store::Backend;
use guichet_tests::cli::Admin;
use guichet_tests::{TestDb, positive};

async fn bench_on(backend: Backend, name: &str) {
    let db = TestDb::empty(backend).await;
    let run = Admin::on_database(
        env!("CARGO_BIN_EXE_guichet-admin"),
        &db.url,
        &[
            "bench",
            "annuaire",
            "--backend",
            name,
            "--establishments",
            "3000",
            "--accounts",
            "3000",
            "--rows",
            "2500",
            "--runs",
            "2",
            "--seed",
            "7",
        ],
    )
    .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = &run.json;
    assert_eq!(json["backend"], name);
    assert_eq!(json["establishments"], 3000);
    let last = &json["last_year"];
    assert_eq!(last["rows"], 3000);
    assert_eq!(last["imported"]["counts"]["updated"], 3000, "{last}");
    let this = &json["this_year"];
    assert_eq!(this["rows"], 2500);
    let (drawn, found) = (&this["drawn"], &this["dry_run"]["found"]);
    assert!(drawn["new"].as_u64().is_some_and(|n| n > 0), "{drawn}");
    for (kind, drawn_as) in [
        ("new", "new"),
        ("renamed", "renamed"),
        ("moved", "moved"),
        ("mail_changed", "mail_changed"),
        ("changed", "closing_announced"),
        ("unchanged", "unchanged"),
    ] {
        assert_eq!(
            found[kind], drawn[drawn_as],
            "{kind}: {found} against {drawn}"
        );
    }
    // Closed: those marked FERME and those the file no longer names.
    let closed = drawn["ferme"].as_u64().unwrap_or_default()
        + drawn["vanished"].as_u64().unwrap_or_default();
    assert_eq!(found["closed"], closed, "{found}");
    assert_eq!(found["rejected"], 0);
    assert_eq!(this["imported"]["counts"]["closed"], closed);
    assert_eq!(
        this["left_after_import"], 0,
        "the import wrote what the dry run said"
    );
    assert_eq!(this["dry_run"]["runs"].as_array().map(Vec::len), Some(2));
    positive(&this["dry_run"]["median_s"], "dry_run.median_s");
    positive(&this["import"]["seconds"], "import.seconds");
}

#[tokio::test]
async fn the_dry_run_finds_what_was_drawn_and_the_import_leaves_nothing_on_sqlite() {
    bench_on(Backend::Sqlite, "sqlite").await;
}

#[tokio::test]
async fn the_dry_run_finds_what_was_drawn_and_the_import_leaves_nothing_on_postgres() {
    bench_on(Backend::Postgres, "postgres").await;
}
