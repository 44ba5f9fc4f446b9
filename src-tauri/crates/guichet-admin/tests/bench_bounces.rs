//! `guichet-admin bench bounces`: a mailbox of Postfix bounce reports on Dovecot, one for each
//! message of the outbox, read once by the bench as the sender service reads it. Every report is
//! matched and recorded, the figures are there; no assertion on times. The size is
//! `GUICHET_BENCH_BOUNCES` (1,000 by default; `docs/BENCHMARKS.md` records 10,000).

use guichet_core::store::Backend;
use guichet_tests::bounces::{Original, Shape, report_dated};
use guichet_tests::imap::{Dovecot, PASSWORD, USER};
use guichet_tests::sender::{credentials, sender_command};
use guichet_tests::{TestDb, positive};

fn size() -> usize {
    std::env::var("GUICHET_BENCH_BOUNCES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000)
}

/// `n` messages that left, their ids 1 to `n`, each with its Message-ID and return path.
fn sent_messages(backend: Backend, n: usize) -> String {
    let columns = "INSERT INTO mail_outbox (created_at, recipient, state, next_attempt_at, sent_at, \
                   message_id, return_path)";
    let values = "'bench' || i || '@ac-paris.fr', 'sent', {t}, {t}, \
                  '<bench-' || i || '@siec.education.fr>', 'retours+' || i || '@siec.education.fr'";
    match backend {
        Backend::Sqlite => format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
             {columns} SELECT {t}, {values} FROM n",
            t = "'2026-12-02T08:00:00+00:00'",
            values = values.replace("{t}", "'2026-12-02T08:00:00+00:00'"),
        ),
        Backend::Postgres => format!(
            "{columns} SELECT now(), {values} FROM generate_series(1, {n}) i",
            values = values.replace("{t}", "now()"),
        ),
    }
}

#[tokio::test]
async fn a_mailbox_of_reports_is_read_matched_and_filed_on_both_backends() {
    let n = size();
    let dovecot = Dovecot::start();
    let reports: Vec<Vec<u8>> = (1..=n)
        .map(|i| {
            let original = Original {
                message_id: format!("bench-{i}@siec.education.fr"),
                recipient: format!("bench{i}@ac-paris.fr"),
                return_path: format!("retours+{i}@siec.education.fr"),
            };
            report_dated(
                Shape::PostfixBounce,
                &original,
                &format!("bench-{i}@mx.test"),
                chrono::Utc::now(),
            )
        })
        .collect();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let db = TestDb::migrated(backend).await;
        let sql = db.sql().await;
        sql.execute(&sent_messages(backend, n)).await;
        sql.execute(&format!(
            "INSERT INTO sending_setting (name, value) VALUES ('bounce_address', 'retours@siec.education.fr'), \
             ('bounce_imap_host', '{}'), ('bounce_imap_user', '{USER}')",
            dovecot.host()
        ))
        .await;
        dovecot.deliver(&reports);
        let secrets = credentials();
        std::fs::write(secrets.path().join("bounce-imap-password"), PASSWORD).expect("password");
        let run = sender_command(
            std::path::Path::new(env!("CARGO_BIN_EXE_guichet-admin")),
            &["bench", "bounces"],
            &db.url,
            secrets.path(),
            "smtp://127.0.0.1:9",
        )
        .env("GUICHET_BOUNCE_CA_FILE", dovecot.ca_file())
        .run();
        assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
        let json = run.parsed();
        eprintln!("bench bounces on {backend:?}: {json}");
        assert_eq!(json["read"], n, "{json}");
        assert_eq!(json["matched"], n, "{json}");
        assert_eq!(
            (json["left"].as_u64(), json["ignored"].as_u64()),
            (Some(0), Some(0))
        );
        positive(&json["seconds"], "seconds");
        positive(&json["reports_per_second"], "reports per second");
        assert_eq!(sql.count("mail_report").await, n as i64);
        let bounced = sql
            .number("SELECT count(*) FROM mail_outbox WHERE report_verdict = 'bounced' AND report_status = '5.1.1'")
            .await;
        assert_eq!(bounced, n as i64);
        assert!(dovecot.folder(None).is_empty(), "every report filed away");
    }
    assert_eq!(dovecot.folder(Some("Guichet")).len(), 2 * n);
}
