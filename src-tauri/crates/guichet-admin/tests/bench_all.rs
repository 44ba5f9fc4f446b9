//! `guichet-admin bench all` at a small size on both backends, with a real SMTP server and a real
//! keyring: every section of the figures is there with its baseline, every message it sent
//! arrived, and the database is left as the demo made it. No assertion on times.

use guichet_core::store::Backend;
use guichet_tests::cli::Admin;
use guichet_tests::smtp::Aiosmtpd;
use guichet_tests::{TestDb, in_session_keyring, positive, store_signing_key};
use serde_json::Value;

const CALLS: u64 = 10;
const MAIL: u64 = 20;
const BASELINE_MAIL: u64 = 2;
const CAMPAIGN: u64 = 30;

fn bench_all(url: &str, smtp: &str) -> (i32, Value) {
    let data = tempfile::tempdir().expect("folder");
    let run = Admin::new(
        env!("CARGO_BIN_EXE_guichet-admin"),
        &[
            "--database-url",
            url,
            "bench",
            "all",
            "--establishments",
            "300",
            "--accounts",
            "1500",
            "--queries",
            "60",
            "--rounds",
            "1",
            "--baseline-queries",
            "20",
            "--row-by-row",
            "100",
            "--calls",
            &CALLS.to_string(),
            "--mail-messages",
            &MAIL.to_string(),
            "--baseline-mail-messages",
            &BASELINE_MAIL.to_string(),
            "--agents",
            "2",
            "--seconds",
            "0.5",
            "--campaign",
            &CAMPAIGN.to_string(),
            "--smtp-url",
            smtp,
        ],
    )
    .env("GUICHET_DATA_DIR", data.path())
    .run();
    (run.code, run.parsed().clone())
}

fn samples(value: &Value, what: &str, expected: u64) {
    assert_eq!(value["samples"], expected, "{what}: {value}");
    positive(&value["p95_ms"], what);
}

async fn bench_all_on(backend: Backend) {
    store_signing_key("clé de signature du banc d’essai, assez longue");
    let server = Aiosmtpd::start();
    let db = TestDb::empty(backend).await;
    let (code, json) = bench_all(&db.url, &server.url());
    assert_eq!(code, 0, "{json}");

    assert_eq!(json["establishments"], 300);
    assert_eq!(json["accounts"], 1500);
    let demo = &json["demo"];
    positive(&demo["seconds"], "demo.seconds");
    positive(&demo["rows_per_s"], "demo.rows_per_s");
    assert_eq!(demo["row_by_row"]["rows"], 100);
    positive(
        &demo["row_by_row"]["estimate_s"],
        "demo.row_by_row.estimate_s",
    );

    let search = &json["search"];
    samples(&search["app"], "search.app", 60);
    samples(&search["like"], "search.like", 20);
    assert_eq!(search["pg_trgm"].is_null(), backend == Backend::Sqlite);

    let operations = &json["operations"];
    for operation in ["open_page", "attach", "send_link", "detach"] {
        samples(&operations[operation], operation, CALLS);
    }
    samples(
        &operations["floor"]["round_trip"],
        "floor.round_trip",
        CALLS,
    );
    samples(&operations["floor"]["commit"], "floor.commit", CALLS);

    let mail = &json["mail"];
    assert_eq!(mail["app"]["rate"]["messages"], MAIL);
    assert_eq!(mail["app"]["failed"], 0);
    assert_eq!(mail["lettre_default"]["messages"], BASELINE_MAIL);
    // Through the one sender: the links it was asked for, and those the agent's calls asked for.
    let sender = &json["sender"];
    assert_eq!(sender["queued"], MAIL);
    assert_eq!(sender["failed"], 0);
    let sent_by_sender = sender["sent"].as_u64().expect("sent");
    assert!(sent_by_sender >= MAIL, "{sender}");
    positive(&sender["messages_per_s"], "sender.messages_per_s");

    let concurrent = &json["concurrent"];
    let delivered_by_outbox = match backend {
        Backend::Sqlite => {
            assert!(concurrent.is_null(), "{concurrent}");
            0
        }
        Backend::Postgres => {
            assert_eq!(concurrent["agents"], 2);
            for phase in ["alone", "during_campaign"] {
                let operations = concurrent[phase]["operations"].as_u64().expect("count");
                // Agents stop between calls: four operations each.
                assert!(
                    operations > 0 && operations % 4 == 0,
                    "{phase}: {operations}"
                );
                assert_eq!(concurrent[phase]["all"]["samples"], operations);
                positive(&concurrent[phase]["operations_per_s"], phase);
            }
            let campaign = &concurrent["campaign"];
            assert_eq!(campaign["queued"], CAMPAIGN);
            assert_eq!(campaign["failed"], 0);
            // The campaign, and the links the agents sent during it.
            let sent = campaign["sent"].as_u64().expect("sent");
            assert!(sent >= CAMPAIGN, "{campaign}");
            sent
        }
    };
    assert_eq!(
        server.messages().len() as u64,
        MAIL + BASELINE_MAIL + sent_by_sender + delivered_by_outbox,
        "every message arrived once"
    );

    // What the agents attached is detached again, the naive inserts were rolled back, and every
    // call is in the journal.
    let sql = db.sql().await;
    let attached = "SELECT count(*) FROM establishment_account ea JOIN account a \
                    ON a.id = ea.account_id WHERE a.email LIKE 'banc.%'";
    assert_eq!(sql.number(attached).await, 0);
    let naive = "SELECT count(*) FROM account WHERE email LIKE 'naif.%'";
    assert_eq!(sql.number(naive).await, 0);
    let journal = "SELECT count(*) FROM audit_event WHERE email LIKE 'banc.solo%'";
    // One untimed call in ten (at least one) warms up first; each call adds the address,
    // attaches it, sends it a link and detaches it.
    let warm_up = (CALLS / 10).max(1);
    assert_eq!(sql.number(journal).await, 4 * (CALLS + warm_up) as i64);
    sql.close().await;

    // A second run needs an empty database: it times the demo fill.
    let (code, refused) = bench_all(&db.url, &server.url());
    assert_eq!(code, 1);
    assert_eq!(refused["error"]["kind"], "database_not_empty", "{refused}");
    db.remove().await;
}

#[tokio::test]
async fn bench_all_on_sqlite() {
    let Some(_secrets) = in_session_keyring() else {
        return;
    };
    bench_all_on(Backend::Sqlite).await;
}

#[tokio::test]
async fn bench_all_on_postgres() {
    let Some(_secrets) = in_session_keyring() else {
        return;
    };
    bench_all_on(Backend::Postgres).await;
}
