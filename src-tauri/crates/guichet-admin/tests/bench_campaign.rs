//! `guichet-admin bench campaign`: a campaign's plan and start timed as a supervisor, then its
//! sending at the rate asked, through the sender of the bench's own process, to aiosmtpd. Every
//! figure is there and consistent with the database; no assertion on times.

use guichet_core::store::{Backend, OpenMode};
use guichet_tests::cli::Admin;
use guichet_tests::sender::credentials;
use guichet_tests::smtp::Aiosmtpd;
use guichet_tests::{SUPERVISOR_PASSWORD, TestDb, positive};

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

#[tokio::test]
async fn a_campaign_is_planned_started_and_sent_at_its_rate_on_both_backends() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let db = demo_with_team(backend).await;
        let server = Aiosmtpd::start();
        let secrets = credentials();
        let data = tempfile::tempdir().expect("folder");
        let run = Admin::new(
            env!("CARGO_BIN_EXE_guichet-admin"),
            &[
                "--database-url",
                &db.url,
                "bench",
                "campaign",
                "--agent",
                "sandrine",
            ],
        )
        .args(&["--rate", "60", "--seconds", "3"])
        .env("GUICHET_AGENT_PASSWORD", SUPERVISOR_PASSWORD)
        .env("GUICHET_DATA_DIR", data.path())
        .env("GUICHET_SMTP_URL", server.url())
        .env("CREDENTIALS_DIRECTORY", secrets.path())
        .run();
        let json = run.ok();
        let sql = db.sql().await;
        let campaign = json["campaign"].as_i64().expect("campaign");
        assert_eq!(
            json["to_send"].as_i64(),
            Some(
                sql.number(&format!(
                    "SELECT count(DISTINCT account_id) FROM campaign_target \
                     WHERE campaign_id = {campaign} AND skip_reason IS NULL"
                ))
                .await
            )
        );
        let sent = json["sent"].as_u64().expect("sent");
        assert!(
            sent > 0 && sent <= json["to_send"].as_u64().expect("to send"),
            "{json}"
        );
        assert_eq!(sent as usize, server.count(), "{json}");
        assert_eq!(json["failed"], 0);
        assert_eq!(json["rate_asked"], 60);
        for figure in ["plan_ms", "start_ms", "seconds", "rate_measured"] {
            positive(&json[figure], figure);
        }
        assert_eq!(
            sql.texts(&format!("SELECT state FROM campaign WHERE id = {campaign}"))
                .await,
            ["annulee"],
            "the bench's campaign is cancelled at its end"
        );
        assert_eq!(json["backend"], serde_json::json!(backend));
    }
}
