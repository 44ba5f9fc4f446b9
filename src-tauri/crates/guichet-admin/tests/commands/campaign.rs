//! `campaign`: a population of 500 establishments, 20 without a principal address and 30 sent a
//! link half an hour ago. The plan says 450 to send and 50 skipped with those reasons; the
//! sender, its own process, mails exactly 450 distinct messages at the campaign's rate
//! (measured at the SMTP server), survives SIGKILL mid-campaign, pauses and resumes; a rerun
//! sends nothing. Bad input and a non-supervisor are refused in French, nothing sent.

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use chrono::Utc;
use guichet_core::links::token::{SigningKey, StoredRequest, Verdict, parse_link, verify};
use guichet_core::model::establishment::{EstablishmentIdentity, EstablishmentKind, Sector};
use guichet_core::model::uai::Uai;
use guichet_core::store::{Batch, NewAccount, NewAttachment, NewResetRequest};
use guichet_tests::Sql;
use guichet_tests::sender::{KEY, credentials, spawn_sender, stop_sender};
use guichet_tests::smtp::{Aiosmtpd, reset_link};
use guichet_tests::time::PARIS;
use guichet_tests::{AGENT_PASSWORD, SUPERVISOR_PASSWORD, TestDb, on_both_backends, team};
use serde_json::Value;

use crate::admin;

const ESTABLISHMENTS: usize = 500;
const WITHOUT_ADDRESS: usize = 20;
const RECENT: usize = 30;
/// Fast enough for a short test, slow enough to be measured: one message every 50 ms.
const RATE: u32 = 1_200;
const STATES: [&str; 8] = [
    "--state",
    "sans-adresse",
    "--state",
    "jamais-initialise",
    "--state",
    "lien-en-attente",
    "--state",
    "lien-expire",
];

/// The UAI of the `n`th establishment of the population: 093xxxx and its check letter.
fn uai(n: usize) -> Uai {
    let digits = format!("093{n:04}");
    let letter = b"ABCDEFGHJKLMNPRSTUVWXYZ"[digits.parse::<usize>().expect("digits") % 23] as char;
    Uai::parse(&format!("{digits}{letter}")).expect("a valid UAI")
}

/// 500 lycées of Seine-Saint-Denis: the first 20 without an address, the next 30 with a link
/// the portal issued 30 minutes ago, valid for 30 more; the others never initialised.
async fn population(db: &TestDb) {
    let now = Utc::now();
    let portal_now = now.with_timezone(&PARIS).naive_local();
    let mut batch = Batch::default();
    for n in 0..ESTABLISHMENTS {
        let uai = uai(n);
        batch.establishments.push(EstablishmentIdentity {
            uai: uai.clone(),
            name: format!("Lycée d’essai {n}"),
            kind: EstablishmentKind::Lycee,
            sector: Sector::Public,
            postcode: "93000".into(),
            town: "Bobigny".into(),
            department: "93".into(),
            academie: "Créteil".into(),
        });
        if n < WITHOUT_ADDRESS {
            continue;
        }
        let id = i32::try_from(n).expect("id");
        batch.accounts.push(NewAccount {
            id,
            email: format!("ce.{uai}@ac-creteil.fr"),
            password: None,
            password_changed_at: None,
            created_at: now,
        });
        batch.attachments.push(NewAttachment {
            uai: uai.clone(),
            account_id: id,
            attached_at: now,
        });
        batch.principals.push((uai, id));
        if n < WITHOUT_ADDRESS + RECENT {
            batch.reset_requests.push(NewResetRequest {
                user_id: id,
                selector: format!("{n:020}"),
                hashed_token: "x".repeat(44),
                requested_at: portal_now - chrono::Duration::minutes(30),
                expires_at: portal_now + chrono::Duration::minutes(30),
            });
        }
    }
    db.store
        .insert_batch(&batch, now)
        .await
        .expect("population");
}

fn supervisor(url: &str, args: &[&str]) -> guichet_tests::cli::Run {
    admin(url, args)
        .agent("sandrine", SUPERVISOR_PASSWORD)
        .run()
}

fn plan(url: &str) -> Value {
    let args = [&["campaign", "plan", "--academie", "creteil"], &STATES[..]].concat();
    supervisor(url, &args).ok().clone()
}

fn status(url: &str, id: &str) -> Value {
    admin(url, &["campaign", "status", id]).run().ok().clone()
}

/// When each stored message arrived, by its file in the server's Maildir.
fn arrivals(server: &Aiosmtpd) -> Vec<SystemTime> {
    let mut times: Vec<SystemTime> = std::fs::read_dir(server.maildir().join("new"))
        .map(|entries| {
            entries
                .map(|entry| {
                    entry
                        .expect("entry")
                        .metadata()
                        .expect("metadata")
                        .modified()
                        .expect("mtime")
                })
                .collect()
        })
        .unwrap_or_default();
    times.sort();
    times
}

/// Waits until the server holds `count` messages, or `limit` passes.
fn wait_for(server: &Aiosmtpd, count: usize, limit: Duration) {
    let start = Instant::now();
    while server.count() < count {
        assert!(
            start.elapsed() < limit,
            "{} message(s) after {limit:?}, {count} expected",
            server.count()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// What the portal would say of a link: the project's check of its algorithm, on its row.
async fn portal_says(sql: &Sql, link: &str) -> bool {
    let parsed = parse_link(link).expect("a link");
    let query =
        "SELECT user_id, hashed_token, expires_at FROM reset_password_request WHERE selector = $1";
    let row: Option<(i32, String, chrono::NaiveDateTime)> = match sql {
        Sql::Sqlite(pool) => {
            sqlx::query_as(query)
                .bind(&parsed.selector)
                .fetch_optional(pool)
                .await
        }
        Sql::Postgres(pool) => {
            sqlx::query_as(query)
                .bind(&parsed.selector)
                .fetch_optional(pool)
                .await
        }
    }
    .expect("row");
    let Some((user_id, hashed_token, expires_at)) = row else {
        return false;
    };
    let stored = StoredRequest {
        user_id,
        hashed_token,
        expires_at,
    };
    verify(
        &SigningKey::new(KEY).expect("key"),
        &stored,
        &parsed.verifier,
        Utc::now(),
        PARIS,
    ) == Verdict::Valid
}

on_both_backends!(
    a_campaign_plans_450_sends_them_at_its_rate_through_a_kill_and_a_pause_and_a_rerun_sends_none,
    |db| {
        let url = db.url.as_str();
        team::add_team_with_cli(|| admin(url, &[]));
        population(&db).await;
        let sql = db.sql().await;
        supervisor(url, &["settings", "set", "smtp_max_rate", "3000"]).ok();

        // The dry run: 450 to send, 20 without an address and 30 sent a link within the hour.
        let planned = plan(url);
        assert_eq!(planned["to_send"], 450, "{planned}");
        let skipped = planned["skipped"].as_array().expect("skipped");
        assert_eq!(skipped.len(), 50);
        for (n, entry) in skipped.iter().enumerate() {
            assert_eq!(entry["uai"], uai(n).as_str(), "{entry}");
            let reason = if n < WITHOUT_ADDRESS {
                "sans-adresse"
            } else {
                "lien-recent"
            };
            assert_eq!(entry["reason"], reason, "{entry}");
        }
        assert_eq!(skipped[0]["email"], Value::Null);
        assert_eq!(
            skipped[20]["email"],
            format!("ce.{}@ac-creteil.fr", uai(20))
        );
        let id = planned["campaign"].as_i64().expect("campaign").to_string();
        let before = status(url, &id);
        assert_eq!(
            (
                &before["state"],
                &before["sent"],
                &before["failed"],
                &before["remaining"]
            ),
            (
                &Value::from("preparee"),
                &Value::from(0),
                &Value::from(0),
                &Value::from(450)
            )
        );
        assert_eq!(sql.count("mail_outbox").await, 0, "a plan sends nothing");

        // Bad input and the wrong role: refused, nothing sent.
        for (rate, kind) in [("0", "campaign_rate"), ("3001", "campaign_rate")] {
            supervisor(url, &["campaign", "start", &id, "--rate", rate]).refused(kind);
        }
        let refused = admin(url, &["campaign", "start", &id, "--rate", "60"])
            .agent("camille", AGENT_PASSWORD)
            .run();
        refused.refused("forbidden");
        admin(url, &["campaign", "plan", "--academie", "creteil"])
            .agent("camille", AGENT_PASSWORD)
            .run()
            .refused("forbidden");
        supervisor(url, &["campaign", "plan", "--departement", "75"]).refused("empty_population");
        let bad_state = supervisor(url, &["campaign", "plan", "--state", "expire"]);
        bad_state.refused("invalid_population");
        assert!(
            bad_state
                .stderr
                .contains("n’est pas un état d’initialisation"),
            "{}",
            bad_state.stderr
        );
        supervisor(url, &["campaign", "pause", &id]).refused("campaign_state");
        supervisor(url, &["campaign", "status", "999"]).refused("campaign_not_found");
        assert_eq!(sql.count("mail_outbox").await, 0);

        // Started: every link asked for at once, each with its journal entry.
        let rate = RATE.to_string();
        let started = supervisor(url, &["campaign", "start", &id, "--rate", &rate]);
        assert_eq!(started.ok()["state"], "en-cours");
        supervisor(url, &["campaign", "start", &id, "--rate", &rate]).refused("campaign_state");
        assert_eq!(sql.count("mail_outbox").await, 450);
        assert_eq!(
            sql.number(&format!(
                "SELECT count(*) FROM audit_event WHERE action = 'link_sent' AND note = 'Campagne n°\u{a0}{id}'"
            ))
            .await,
            450
        );

        // The sender, its own process: measured at the server, then killed mid-campaign.
        let server = Aiosmtpd::start();
        let secrets = credentials();
        let binary = Path::new(env!("CARGO_BIN_EXE_guichet-admin"));
        let mut sender = spawn_sender(binary, url, secrets.path(), &server.url());
        wait_for(&server, 150, Duration::from_secs(60));
        sender.kill().expect("SIGKILL");
        sender.wait().expect("killed");
        let first = arrivals(&server);
        let span = first[first.len() - 1]
            .duration_since(first[0])
            .expect("in order")
            .as_secs_f64();
        let measured = (first.len() - 1) as f64 * 60.0 / span;
        assert!(
            (measured - f64::from(RATE)).abs() <= f64::from(RATE) * 0.05,
            "{measured:.0} a minute measured at the server over {} messages, {RATE} asked",
            first.len()
        );

        // Started again, paused: nothing more leaves (but what was in flight); resumed: the rest.
        let sender = spawn_sender(binary, url, secrets.path(), &server.url());
        wait_for(&server, first.len() + 40, Duration::from_secs(60));
        assert_eq!(
            supervisor(url, &["campaign", "pause", &id]).ok()["state"],
            "en-pause"
        );
        std::thread::sleep(Duration::from_millis(500));
        let paused_at = server.count();
        std::thread::sleep(Duration::from_secs(2));
        assert_eq!(server.count(), paused_at, "a paused campaign sends nothing");
        assert_eq!(status(url, &id)["state"], "en-pause");
        assert_eq!(
            supervisor(url, &["campaign", "resume", &id]).ok()["state"],
            "en-cours"
        );
        let start = Instant::now();
        while status(url, &id)["state"] != "terminee" {
            assert!(
                start.elapsed() < Duration::from_secs(90),
                "{}",
                status(url, &id)
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        stop_sender(sender);
        // The kill repeated at most the message in flight, identical.
        let received = server.count();
        assert!((450..=451).contains(&received), "{received} stored");

        // Exactly 450 distinct messages to the 450 planned addresses, each link valid.
        let messages = server.by_message_id();
        let ids: HashSet<&String> = messages.iter().map(|(id, _)| id).collect();
        assert_eq!(ids.len(), 450, "distinct Message-IDs");
        let links: HashSet<String> = messages.iter().map(|(_, raw)| reset_link(raw)).collect();
        assert_eq!(links.len(), 450);
        for link in &links {
            assert!(
                portal_says(&sql, link).await,
                "{link} is valid for the portal"
            );
        }
        let recipients: HashSet<String> = sql
            .texts("SELECT recipient FROM mail_outbox WHERE state = 'sent'")
            .await
            .into_iter()
            .collect();
        let expected: HashSet<String> = (WITHOUT_ADDRESS + RECENT..ESTABLISHMENTS)
            .map(|n| format!("ce.{}@ac-creteil.fr", uai(n)))
            .collect();
        assert_eq!(recipients, expected);
        let done = status(url, &id);
        assert_eq!(
            (
                &done["state"],
                &done["sent"],
                &done["failed"],
                &done["remaining"]
            ),
            (
                &Value::from("terminee"),
                &Value::from(450),
                &Value::from(0),
                &Value::from(0)
            ),
            "{done}"
        );

        // The same campaign again: everyone was served within the throttle.
        let again = plan(url);
        assert_eq!(again["to_send"], 0, "{again}");
        let reasons: Vec<&str> = again["skipped"]
            .as_array()
            .expect("skipped")
            .iter()
            .filter_map(|entry| entry["reason"].as_str())
            .collect();
        assert_eq!(reasons.iter().filter(|r| **r == "lien-recent").count(), 480);
        let rerun = again["campaign"].as_i64().expect("campaign").to_string();
        supervisor(url, &["campaign", "start", &rerun, "--rate", "60"]).refused("campaign_empty");
        assert_eq!(server.count(), received, "a rerun sends nothing");

        // The journal holds the campaigns; the report a row per establishment.
        for (action, count) in [
            ("campaign_planned", 2),
            ("campaign_started", 1),
            ("campaign_paused", 1),
            ("campaign_resumed", 1),
        ] {
            assert_eq!(
                sql.number(&format!(
                    "SELECT count(*) FROM audit_event WHERE action = '{action}'"
                ))
                .await,
                count,
                "{action}"
            );
        }
        let report = admin(url, &["campaign", "report", &id]).text().run();
        let csv = report.stdout.clone();
        assert_eq!(
            csv.lines().count(),
            1 + ESTABLISHMENTS,
            "{}",
            &csv[..csv.len().min(400)]
        );
        assert_eq!(csv.matches(";Envoyé;").count(), 450);
        assert_eq!(csv.matches("Pas d’adresse principale").count(), 20);
    }
);
