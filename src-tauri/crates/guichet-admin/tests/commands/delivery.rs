//! What became of each message after it left, end to end with real servers: aiosmtpd announcing
//! DSN (one recipient refused at RCPT with 550 5.1.1), the sender as its own process, Dovecot over
//! TLS holding bounce reports in the shapes real servers send. `links EMAIL --json` says, for
//! each message, accepted / refused / deferred / bounced with the code and the server's words;
//! `bounces fetch --json` matches each report to its message, files them away, and leaves what
//! it does not understand, flagged and counted; a second reading records nothing twice. A
//! mailbox that is down, refuses the password or shows another certificate: a clear refusal,
//! nothing lost.

use std::collections::HashMap;

use guichet_tests::bounces::{Original, Shape, expected, report_dated};
use guichet_tests::imap::{Dovecot, PASSWORD, USER};
use guichet_tests::sender::{credentials, sender_command};
use guichet_tests::smtp::{Aiosmtpd, AiosmtpdOptions};
use guichet_tests::{AGENT_PASSWORD, SUPERVISOR_PASSWORD, Sql, TestDb, on_both_backends};
use serde_json::Value;

use crate::{HENRI_IV, admin, desk, page};

const BOUNCES: &str = "retours@siec.education.fr";
/// aiosmtpd's script refuses recipients starting with "reject" with 550 5.1.1.
const REFUSED: &str = "reject.secretariat@ac-paris.fr";

/// The address each report shape answers (the verdict and status it must end with are the
/// fixture's, `expected`).
const SHAPES: [(Shape, &str); 6] = [
    (Shape::PostfixBounce, "postfix.bounce@ac-paris.fr"),
    (Shape::PostfixDelay, "postfix.delay@ac-paris.fr"),
    (Shape::EximBounce, "exim.bounce@ac-paris.fr"),
    (Shape::ExchangeNdr, "exchange.ndr@ac-paris.fr"),
    (Shape::GmailBounce, "gmail.bounce@ac-paris.fr"),
    (Shape::PlainBounce, "plain.bounce@ac-paris.fr"),
];

/// The verdict and enhanced status a shape's report carries.
fn verdict_of(shape: Shape) -> (&'static str, &'static str) {
    expected(shape).expect("a shape with a verdict")
}
/// Sent a message too, answered by an out-of-office reply: no verdict.
const ON_LEAVE: &str = "absent.secretariat@ac-paris.fr";

fn supervisor(url: &str, args: &[&str]) -> guichet_tests::cli::Run {
    admin(url, args)
        .agent("sandrine", SUPERVISOR_PASSWORD)
        .run()
}

fn links(url: &str, email: &str) -> Vec<Value> {
    let run = admin(url, &["links", email])
        .agent("camille", AGENT_PASSWORD)
        .run();
    run.ok()["links"].as_array().expect("links").clone()
}

/// `bounces fetch` as the sender service runs it: its credentials (the IMAP password among
/// them) in a folder, the mailbox's authority trusted.
fn fetch(url: &str, dir: &std::path::Path, ca: &std::path::Path) -> guichet_tests::cli::Run {
    sender_command(
        std::path::Path::new(env!("CARGO_BIN_EXE_guichet-admin")),
        &["bounces", "fetch"],
        url,
        dir,
        "smtp://127.0.0.1:9",
    )
    .env("GUICHET_BOUNCE_CA_FILE", ca)
    .run()
}

/// The French message of a `fetch` that must have failed with `kind` (its standard error also
/// carries the keyring wrapper's line).
fn refusal(run: &guichet_tests::cli::Run, kind: &str) -> String {
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.parsed()["error"]["kind"], kind, "{}", run.stdout);
    let message = run.parsed()["error"]["message"]
        .as_str()
        .expect("a message")
        .to_string();
    assert!(
        run.stderr.contains(&format!("erreur\u{a0}: {message}\n")),
        "{}",
        run.stderr
    );
    message
}

/// Each message of the outbox: its recipient, its Message-ID and its return path.
async fn messages(sql: &Sql) -> HashMap<String, (i64, String, String)> {
    let rows = sql
        .texts(
            "SELECT CAST(id AS TEXT) || ' ' || recipient || ' ' || COALESCE(message_id, '-') || ' ' \
             || COALESCE(return_path, '-') FROM mail_outbox ORDER BY id",
        )
        .await;
    rows.into_iter()
        .map(|row| {
            let parts: Vec<&str> = row.split(' ').collect();
            (
                parts[1].to_string(),
                (
                    parts[0].parse().expect("id"),
                    parts[2].trim_matches(['<', '>']).to_string(),
                    parts[3].to_string(),
                ),
            )
        })
        .collect()
}

on_both_backends!(
    each_message_ends_with_the_relay_s_answer_or_the_report_of_the_establishment_s_server,
    |db| {
        let url = db.url.as_str();
        desk(&db);
        let sql = db.sql().await;
        let smtp = Aiosmtpd::start_with(AiosmtpdOptions {
            dsn: true,
            queue_ids: true,
            ..Default::default()
        });
        let mut dovecot = Dovecot::start();
        for (name, value) in [
            ("bounce_address", BOUNCES),
            ("bounce_imap_host", dovecot.host().as_str()),
            ("bounce_imap_user", USER),
        ] {
            supervisor(url, &["settings", "set", name, value]).ok();
        }
        let mut emails: Vec<&str> = SHAPES.iter().map(|(_, email)| *email).collect();
        emails.extend([ON_LEAVE, REFUSED]);
        for email in &emails {
            admin(url, &["attach", email, HENRI_IV])
                .agent("camille", AGENT_PASSWORD)
                .run()
                .ok();
            admin(url, &["send-link", email])
                .agent("camille", AGENT_PASSWORD)
                .run()
                .ok();
        }
        let dir = credentials();
        std::fs::write(dir.path().join("bounce-imap-password"), PASSWORD).expect("password");
        let binary = std::path::Path::new(env!("CARGO_BIN_EXE_guichet-admin"));
        let sent =
            sender_command(binary, &["sender", "--once"], url, dir.path(), &smtp.url()).run();
        assert_eq!(sent.ok()["report"]["sent"], 7, "{:?}", sent.parsed());
        assert_eq!(sent.ok()["report"]["failed"], 1);

        // The relay was asked for DSN: headers only, the message's id, failures and delays.
        let outbox = messages(&sql).await;
        let records = smtp.dsn_records();
        assert_eq!(records.len(), emails.len(), "{records:?}");
        for record in &records {
            let email = record["rcpt"].as_str().expect("rcpt");
            let (id, message_id, return_path) = &outbox[email];
            assert_eq!(record["mail"]["RET"], "HDRS", "{record}");
            assert_eq!(record["mail"]["ENVID"], message_id.as_str(), "{record}");
            assert_eq!(record["rcpt_parameters"]["NOTIFY"], "FAILURE,DELAY");
            let verp = format!("retours+{id}@siec.education.fr");
            assert_eq!(record["mail_from"], verp.as_str());
            assert_eq!(return_path, &verp);
        }

        // What the relay said: accepted with its queue id, or refused at RCPT.
        let refused = links(url, REFUSED);
        let delivery = &refused[0]["delivery"];
        assert_eq!(delivery["status"], "refused", "{delivery}");
        assert_eq!(
            (delivery["code"].as_i64(), delivery["enhanced"].as_str()),
            (Some(550), Some("5.1.1"))
        );
        assert!(
            delivery["text"]
                .as_str()
                .is_some_and(|t| t.contains("No such mailbox")),
            "{delivery}"
        );
        assert!(delivery["at"].is_string());
        assert_eq!(refused[0]["sent_by"], "camille");
        let accepted = links(url, ON_LEAVE);
        assert_eq!(
            accepted[0]["delivery"]["status"], "accepted",
            "{accepted:?}"
        );
        assert_eq!(accepted[0]["delivery"]["code"], 250);
        assert!(
            accepted[0]["delivery"]["queue_id"]
                .as_str()
                .is_some_and(|id| id.starts_with("4F2B"))
        );
        assert_eq!(accepted[0]["state"], "valid");

        // The mailbox: one report per shape, an auto-reply, a bounce of someone else's message
        // and a malformed report.
        // Reports written after the messages left, as they would be.
        let report = |shape, original: &Original, id: &str| {
            report_dated(shape, original, id, chrono::Utc::now())
        };
        let original = |email: &str| {
            let (_, message_id, return_path) = &outbox[email];
            Original {
                message_id: message_id.clone(),
                recipient: email.to_string(),
                return_path: return_path.clone(),
            }
        };
        let mut delivered: Vec<Vec<u8>> = SHAPES
            .iter()
            .enumerate()
            .map(|(n, (shape, email))| {
                report(*shape, &original(email), &format!("rapport-{n}@mx.test"))
            })
            .collect();
        for (shape, id) in [
            (Shape::AutoReply, "absence@mx.test"),
            (Shape::UnknownMessage, "inconnu@mx.test"),
            (Shape::Malformed, "illisible@mx.test"),
        ] {
            delivered.push(report(shape, &original(ON_LEAVE), id));
        }
        dovecot.deliver(&delivered);

        // Bad input first: nothing is lost, the supervisors are told why.
        let wrong = credentials();
        std::fs::write(wrong.path().join("bounce-imap-password"), "pas-le-bon").expect("password");
        let refused_login = refusal(
            &fetch(url, wrong.path(), &dovecot.ca_file()),
            "bounce_login",
        );
        assert!(
            refused_login.contains("a refusé l’utilisateur"),
            "{refused_login}"
        );
        refusal(
            &fetch(url, dir.path(), &dovecot.other_ca_file()),
            "bounce_mailbox",
        );
        let problem = sql.texts("SELECT problem FROM bounce_mailbox").await;
        assert!(problem[0].contains("injoignable"), "{problem:?}");
        dovecot.stop();
        refusal(
            &fetch(url, dir.path(), &dovecot.ca_file()),
            "bounce_mailbox",
        );
        dovecot.start_again();
        assert_eq!(sql.count("mail_report").await, 0);
        assert_eq!(dovecot.folder(None).len(), delivered.len(), "nothing taken");

        let first = fetch(url, dir.path(), &dovecot.ca_file());
        let reading = first.ok();
        assert_eq!(reading["read"], delivered.len(), "{reading}");
        assert_eq!(reading["ignored"], 1, "the auto-reply: {reading}");
        let left: Vec<&str> = reading["left"]
            .as_array()
            .expect("left")
            .iter()
            .map(|report| report["reason"].as_str().expect("reason"))
            .collect();
        assert_eq!(left, ["unknown-message", "malformed"], "{reading}");
        assert_eq!(reading["left_in_mailbox"], 2);
        let matched = reading["matched"].as_array().expect("matched");
        assert_eq!(matched.len(), SHAPES.len(), "{reading}");
        for (shape, email) in SHAPES {
            let (verdict, status) = verdict_of(shape);
            let report = matched
                .iter()
                .find(|report| report["email"] == email)
                .unwrap_or_else(|| panic!("{email} matched: {reading}"));
            assert_eq!(report["outbox_id"], outbox[email].0, "{report}");
            assert_eq!(
                (report["verdict"].as_str(), report["status"].as_str()),
                (Some(verdict), Some(status)),
                "{report}"
            );
            let ledger = links(url, email);
            let delivery = &ledger[0]["delivery"];
            assert_eq!(delivery["status"], verdict, "{email}: {delivery}");
            assert_eq!(delivery["enhanced"], status, "{email}: {delivery}");
            assert!(delivery["at"].is_string(), "{delivery}");
        }
        // Gmail drops the envelope id and the plain bounce has none: found otherwise.
        let by = |email: &str| {
            matched
                .iter()
                .find(|r| r["email"] == email)
                .map(|r| r["matched_by"].clone())
        };
        assert_eq!(by("postfix.bounce@ac-paris.fr"), Some(Value::from("envid")));
        assert_ne!(by("gmail.bounce@ac-paris.fr"), Some(Value::from("envid")));
        assert_eq!(
            by("plain.bounce@ac-paris.fr"),
            Some(Value::from("return-path"))
        );
        assert_eq!(links(url, ON_LEAVE)[0]["delivery"]["status"], "accepted");
        assert_eq!(dovecot.folder(Some("Guichet")).len(), SHAPES.len() + 1);
        assert_eq!(
            dovecot.folder(None).len(),
            2,
            "what was not understood stays"
        );

        // Read again: nothing new, nothing recorded twice.
        let recorded = sql.count("mail_report").await;
        assert_eq!(recorded, SHAPES.len() as i64);
        let second = fetch(url, dir.path(), &dovecot.ca_file());
        assert_eq!(
            (
                second.ok()["read"].as_i64(),
                second.ok()["left_in_mailbox"].as_i64()
            ),
            (Some(0), Some(2))
        );
        assert_eq!(sql.count("mail_report").await, recorded);
        assert_eq!(
            sql.texts("SELECT COALESCE(problem, '-') FROM bounce_mailbox")
                .await,
            ["-"]
        );

        // The running service reads the mailbox by itself, every few minutes (here, every second).
        dovecot.deliver(&[report(
            Shape::PostfixBounce,
            &original(ON_LEAVE),
            "rapport-service@mx.test",
        )]);
        let service = sender_command(binary, &["sender"], url, dir.path(), &smtp.url())
            .env("GUICHET_BOUNCE_CA_FILE", dovecot.ca_file())
            .env("GUICHET_BOUNCE_INTERVAL_SECONDS", "1")
            .text()
            .command()
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the sender service starts");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while sql.count("mail_report").await == recorded {
            assert!(
                std::time::Instant::now() < deadline,
                "the service never read the mailbox"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        guichet_tests::sender::stop_sender(service);
        assert_eq!(links(url, ON_LEAVE)[0]["delivery"]["status"], "bounced");

        // The establishment's page flags the addresses whose last message did not arrive, and
        // the diagnosis of such an address says so.
        let page = page(&db, HENRI_IV).await;
        let flagged: Vec<&str> = page
            .addresses
            .iter()
            .filter(|address| address.undelivered.is_some())
            .map(|address| address.email.as_str())
            .collect();
        for (shape, email) in SHAPES {
            let bounced = verdict_of(shape).0 == "bounced";
            assert_eq!(flagged.contains(&email), bounced, "{email}: {flagged:?}");
        }
        assert!(flagged.contains(&REFUSED));
        assert!(
            flagged.contains(&ON_LEAVE),
            "bounced since, read by the service"
        );
        let diagnosis = admin(url, &["diagnose", "postfix.bounce@ac-paris.fr"])
            .agent("camille", AGENT_PASSWORD)
            .run();
        let undelivered = &diagnosis.ok()["undelivered"];
        assert_eq!(undelivered["status"], "bounced", "{undelivered}");
        assert!(
            undelivered["summary"]
                .as_str()
                .is_some_and(|s| s.starts_with("Non délivré"))
        );
    }
);

on_both_backends!(
    a_mailbox_that_is_not_set_is_said_so_and_an_agent_cannot_read_it,
    |db| {
        let url = db.url.as_str();
        guichet_tests::team::add_team_with_cli(|| admin(url, &[]));
        let dir = credentials();
        let ca = dir.path().join("none.pem");
        refusal(&fetch(url, dir.path(), &ca), "bounce_mailbox_not_set");
        supervisor(
            url,
            &["settings", "set", "bounce_imap_host", "imap ac-paris.fr"],
        )
        .refused("invalid_setting");
        supervisor(url, &["settings", "set", "bounce_imap_folder", "Traités"])
            .refused("invalid_setting");
        supervisor(url, &["settings", "set", "bounce_verp", "peut-être"])
            .refused("invalid_setting");
        admin(url, &["settings", "set", "bounce_imap_user", "retours"])
            .agent("camille", AGENT_PASSWORD)
            .run()
            .refused("forbidden");
        let _: &TestDb = &db;
    }
);
