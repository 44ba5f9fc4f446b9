//! Opening the account database: configuration mistakes, an unreachable server, a schema from a
//! newer release, and the demo data, on real SQLite and PostgreSQL.

use guichet_core::store::{Backend, OpenMode, Store};
use guichet_core::{ErrorKind, Guichet, Settings, demo};
use guichet_tests::time::{PARIS, fixed_now};
use guichet_tests::{Sql, TestDb, on_both_backends, postgres_server_url};

fn settings(database_url: Option<String>, data_dir: &std::path::Path) -> Settings {
    Settings::with_defaults(database_url, data_dir.to_path_buf())
}

async fn open_error(url: &str) -> guichet_core::Error {
    let dir = tempfile::tempdir().expect("temporary directory");
    Guichet::open(settings(Some(url.into()), dir.path()), OpenMode::MustExist)
        .await
        .expect_err("refused")
}

#[tokio::test]
async fn an_ill_formed_url_is_named_as_such() {
    for url in [
        "mysql://localhost/db",
        "localhost:5432",
        "",
        "postgres://[::1",
    ] {
        let error = open_error(url).await;
        assert_eq!(
            error.kind(),
            ErrorKind::InvalidDatabaseUrl,
            "{url}: {error}"
        );
        assert!(error.message().contains("GUICHET_DATABASE_URL"));
    }
}

#[tokio::test]
async fn an_unreachable_server_says_so() {
    let error = open_error("postgres://postgres@127.0.0.1:1/guichet").await;
    assert_eq!(error.kind(), ErrorKind::DatabaseUnreachable, "{error}");
    assert!(error.message().contains("ne répond pas"));
}

#[tokio::test]
async fn a_missing_postgres_database_says_so() {
    let error = open_error(&format!("{}/guichet_does_not_exist", postgres_server_url())).await;
    assert_eq!(error.kind(), ErrorKind::DatabaseMissing, "{error}");
}

#[tokio::test]
async fn a_missing_sqlite_file_is_not_created() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("absent.sqlite");
    let error = open_error(&format!("sqlite://{}", path.display())).await;
    assert_eq!(error.kind(), ErrorKind::SqliteFileMissing);
    assert!(!path.exists());
}

/// Marks the database as migrated by a later release, as that release would.
async fn from_the_future(store: &Store, sql: &Sql) -> i64 {
    let version = store.known_schema_version() + 1;
    let statement = format!(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
         VALUES ({version}, 'later', CURRENT_TIMESTAMP, TRUE, x'00', 0)"
    );
    let statement = statement.replace(
        "x'00'",
        if store.backend() == Backend::Postgres {
            "'\\x00'::bytea"
        } else {
            "x'00'"
        },
    );
    let future = sql;
    future
        .try_execute(&statement)
        .await
        .expect("future migration recorded");
    version
}

on_both_backends!(a_newer_schema_is_refused_before_anything_is_written, |db| {
    let found = from_the_future(&db.store, &db.sql().await).await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let error = Guichet::open(
        settings(Some(db.url.clone()), dir.path()),
        OpenMode::MustExist,
    )
    .await
    .expect_err("refused");
    assert_eq!(error.kind(), ErrorKind::SchemaTooNew);
    assert!(error.message().contains(&found.to_string()));
    assert_eq!(db.store.count_establishments().await.expect("count"), 0);
});

#[tokio::test]
async fn the_embedded_database_is_created_migrated_and_filled_on_first_launch() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let guichet = Guichet::open(settings(None, dir.path()), OpenMode::MustExist)
        .await
        .expect("opened");
    assert!(dir.path().join("guichet-demo.sqlite").exists());
    let count = Sql::of(&guichet).await.count("establishment").await;
    assert_eq!(count as usize, demo::DEFAULT_SIZE.establishments);
    let reader = guichet.reader_session().expect("a standalone database");
    let page = guichet
        .establishment(&reader, "0750654D")
        .await
        .expect("Henri-IV is a real lycée");
    assert_eq!(page.identity.name, "LYCÉE GÉNÉRAL HENRI IV");
    guichet.close().await;
    // A second launch finds it filled and adds nothing.
    let again = Guichet::open(settings(None, dir.path()), OpenMode::MustExist)
        .await
        .expect("reopened");
    assert_eq!(Sql::of(&again).await.count("establishment").await, count);
}

#[tokio::test]
async fn the_same_seed_gives_the_same_database_on_both_backends() {
    let now = fixed_now();
    let size = demo::DemoSize {
        establishments: 7_000,
        accounts: 15_000,
    };
    let mut digests = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let db = TestDb::migrated(backend).await;
        let report = demo::load(&db.store, size, 11, PARIS, now)
            .await
            .expect("demo loads");
        assert_eq!((report.establishments, report.accounts), (7_000, 15_000));
        if let Sql::Postgres(pool) = &db.sql().await {
            // Statistics right after the load: the planner uses the indexes from the first query.
            let analyzed: Vec<String> = sqlx::query_scalar(
                "SELECT relname::text FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL \
                 AND relname IN ('account', 'establishment', 'establishment_account') ORDER BY relname",
            )
            .fetch_all(pool)
            .await
            .expect("statistics");
            assert_eq!(
                analyzed,
                ["account", "establishment", "establishment_account"]
            );
        }
        let again = demo::load(&db.store, size, 11, PARIS, now)
            .await
            .expect_err("not twice");
        assert_eq!(again.kind(), ErrorKind::DatabaseNotEmpty);
        let hits = db.store.plain_search("saint", 50).await.expect("search");
        let henri_iv = guichet_core::model::uai::Uai::parse("0750654D").expect("uai");
        let page = db.store.establishment(&henri_iv, PARIS, now).await;
        digests.push((
            serde_json::to_string(&hits).expect("json"),
            serde_json::to_string(&page.expect("page")).expect("json"),
        ));
        db.remove().await;
    }
    assert!(digests[0].0.len() > 100, "the search finds establishments");
    assert_eq!(digests[0], digests[1]);
}
