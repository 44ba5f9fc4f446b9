//! The one sender as it runs beside a shared database: `guichet-admin sender`, a process of its
//! own connected as the `envoi` role, its key in its own kernel keyring (or its systemd
//! credentials), mailing what agents whose keyrings are empty ask for. On a PostgreSQL cluster
//! with TLS and passwords, aiosmtpd on the loopback; killed with SIGKILL while it sends.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use guichet_core::links::token::{SigningKey, StoredRequest, parse_link, verify};
use guichet_tests::cli::Admin;
use guichet_tests::cluster::{SENDER_PASSWORD, SharedDesk};
use guichet_tests::keyring::OWN_KEYRING;
use guichet_tests::sender::{KEY, Received, admin_on_keyutils, credentials, stop_sender};
use guichet_tests::smtp::{Aiosmtpd, reset_link};
use guichet_tests::time::PARIS;
use guichet_tests::{AGENT_PASSWORD, SUPERVISOR_PASSWORD};
use serde_json::Value;
use sqlx::{Connection, PgConnection};

const BINARY: &str = env!("CARGO_BIN_EXE_guichet-admin");

/// `guichet-admin ARGS --json` on the kernel's keyring with `env`, nothing of the test's own.
fn command(args: &[&str], env: &[(&str, &str)]) -> Admin {
    env.iter().fold(
        admin_on_keyutils(Path::new(BINARY), args),
        |command, (name, value)| command.env(name, value),
    )
}

/// Runs `guichet-admin … --json` in a keyring of its own to its end; its JSON, or a panic with
/// what it printed.
fn run(args: &[&str], env: &[(&str, &str)]) -> Value {
    let run = command(args, env).under(&OWN_KEYRING).run();
    assert_eq!(run.code, 0, "{args:?}: {}\n{}", run.stdout, run.stderr);
    run.parsed().clone()
}

/// A shell, in a keyring of its own, that stores the sender's secrets (key and database
/// password, on standard input as an operator would) and then runs `guichet-admin ARGS`: the
/// binary is the script's `$0`, its arguments `$@`.
fn sender_in_its_keyring(desk: &SharedDesk, args: &[&str], env: &[(&str, &str)]) -> Admin {
    const SCRIPT: &str = "printf %s \"$KEY\" | \"$0\" secret set portal-signing-key >/dev/null && \
         printf %s \"$DB\" | \"$0\" secret set database-password >/dev/null && \
         exec \"$0\" \"$@\"";
    let wrapper = [&OWN_KEYRING[..], &["sh", "-c", SCRIPT]].concat();
    command(args, env)
        .under(&wrapper)
        .database(&desk.sender_url())
        .env("KEY", KEY)
        .env("DB", SENDER_PASSWORD)
}

/// A running `guichet-admin sender` with its credentials, in an empty keyring.
fn spawn_sender(desk: &SharedDesk, dir: &std::path::Path, smtp: &str) -> Child {
    guichet_tests::sender::spawn_sender(Path::new(BINARY), &desk.sender_url(), dir, smtp)
}

/// Asks, as camille through the core, for a link to each of `count` addresses of the demo.
async fn ask_for_links(desk: &SharedDesk, count: i64) -> Vec<String> {
    let mut owner = PgConnection::connect(&desk.owner_url())
        .await
        .expect("owner");
    let emails: Vec<String> = sqlx::query_scalar("SELECT email FROM account ORDER BY id LIMIT $1")
        .bind(count)
        .fetch_all(&mut owner)
        .await
        .expect("addresses");
    let (guichet, camille) = desk
        .sign_in("camille", AGENT_PASSWORD)
        .await
        .expect("camille");
    guichet_tests::sender::ask_for_links(&guichet, &camille, &emails).await;
    guichet.sign_out().await;
    emails
}

/// The outbox as the owner reads it: state and Message-ID of every message.
async fn outbox(desk: &SharedDesk) -> Vec<(String, Option<String>)> {
    let mut owner = PgConnection::connect(&desk.owner_url())
        .await
        .expect("owner");
    sqlx::query_as("SELECT state, message_id FROM mail_outbox ORDER BY id")
        .fetch_all(&mut owner)
        .await
        .expect("outbox")
}

async fn count(desk: &SharedDesk, sql: &str) -> i64 {
    let mut owner = PgConnection::connect(&desk.owner_url())
        .await
        .expect("owner");
    sqlx::query_scalar(sql)
        .fetch_one(&mut owner)
        .await
        .expect("counted")
}

/// Waits until every message of the outbox is settled as sent.
async fn all_sent(desk: &SharedDesk, expected: i64, within: Duration) {
    let start = Instant::now();
    loop {
        let sent = count(
            desk,
            "SELECT count(*) FROM mail_outbox WHERE state = 'sent'",
        )
        .await;
        if sent == expected {
            return;
        }
        assert!(
            start.elapsed() < within,
            "{sent} of {expected} sent after {within:?}: {:?}",
            outbox(desk)
                .await
                .iter()
                .filter(|(state, _)| state != "sent")
                .take(5)
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// What the portal would say of a link, by the project's own check of its algorithm.
async fn portal_says(desk: &SharedDesk, link: &str) -> bool {
    let parsed = parse_link(link).expect("a link");
    let mut owner = PgConnection::connect(&desk.owner_url())
        .await
        .expect("owner");
    let row: Option<(i32, String, chrono::NaiveDateTime)> = sqlx::query_as(
        "SELECT user_id, hashed_token, expires_at FROM reset_password_request WHERE selector = $1",
    )
    .bind(&parsed.selector)
    .fetch_optional(&mut owner)
    .await
    .expect("row");
    let Some((user_id, hashed_token, expires_at)) = row else {
        return false;
    };
    let stored = StoredRequest {
        user_id,
        hashed_token,
        expires_at,
    };
    let key = SigningKey::new(KEY).expect("key");
    verify(&key, &stored, &parsed.verifier, chrono::Utc::now(), PARIS)
        == guichet_core::links::token::Verdict::Valid
}

#[tokio::test]
async fn an_agent_whose_keyring_is_empty_asks_and_the_sender_in_its_own_keyring_mails() {
    let desk = SharedDesk::start().await;
    let server = Aiosmtpd::start();
    let agents = desk.agents_url();
    let as_agent = |login: &str, password: &str, args: &[&str]| {
        let args = [args, &["--agent", login]].concat();
        run(
            &args,
            &[
                ("GUICHET_DATABASE_URL", &agents),
                ("GUICHET_AGENT_PASSWORD", password),
            ],
        )
    };
    // The supervisor points the sending at the server; everyone reads it.
    let set = as_agent(
        "sandrine",
        SUPERVISOR_PASSWORD,
        &["settings", "set", "smtp_url", &server.url()],
    );
    assert_eq!(set["smtp_url"], server.url().as_str());
    let shown = as_agent("lea", AGENT_PASSWORD, &["settings", "show"]);
    assert_eq!(shown["smtp_url"], server.url().as_str());
    assert_eq!(shown["portal_url"], "https://auth.siec.education.fr");
    assert_eq!(shown["link_lifetime_seconds"], 3600);
    assert_eq!(
        shown.as_object().map(|o| o.len()),
        Some(guichet_core::mail::sending::SendingName::ALL.len()),
        "an object of every setting: {shown}"
    );

    // Camille asks from a PC without any key.
    let email = "secretariat.lien@ac-paris.fr";
    as_agent("camille", AGENT_PASSWORD, &["attach", email, "0750654D"]);
    let asked = as_agent("camille", AGENT_PASSWORD, &["send-link", email]);
    assert_eq!(asked["state"]["state"], "waiting");
    assert!(asked["expires_at"].is_null(), "not minted yet: {asked}");

    // The sender, in a keyring of its own that holds the key and its database password.
    let once = sender_in_its_keyring(&desk, &["sender", "--once"], &[]).run();
    let report = once.parsed();
    assert_eq!(once.code, 0, "{report}");
    assert_eq!(report["report"]["sent"], 1, "{report}");
    assert!(report["problem"].is_null());
    let link = reset_link(&server.wait_for_messages(1)[0]);
    assert!(portal_says(&desk, &link).await, "the portal accepts {link}");

    // Lea, without the key either, tells the caller the link works; a changed character: altered.
    let check =
        |link: &str| as_agent("lea", AGENT_PASSWORD, &["check-link", link])["verdict"].clone();
    assert_eq!(check(&link), "valid");
    let mut altered = link.clone();
    let last = altered.pop().expect("a character");
    altered.push(if last == 'a' { 'b' } else { 'a' });
    assert_eq!(check(&altered), "altered");

    // With the service running, `send-link --deliver` follows the new link until it has left.
    let service = sender_in_its_keyring(&desk, &["sender"], &[("RUST_LOG", "warn")])
        .text()
        .command()
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the service starts");
    let resent = as_agent(
        "camille",
        AGENT_PASSWORD,
        &["send-link", email, "--deliver"],
    );
    assert_eq!(resent["state"]["state"], "sent", "{resent}");
    assert!(resent["expires_at"].is_string(), "{resent}");
    stop_sender(service);
    let messages = server.wait_for_messages(2);
    let new_link = reset_link(&messages[1]);
    assert!(portal_says(&desk, &new_link).await);
    assert!(
        !portal_says(&desk, &link).await,
        "the first link was replaced"
    );
    assert_eq!(check(&link), "replaced");
    assert_eq!(check(&new_link), "valid");

    // Its account is the sender's, in shared mode only; an agent's role is no sender.
    let owner_url = desk
        .cluster
        .url(Some("owner"), guichet_tests::cluster::SHARED_DATABASE);
    let added = command(
        &[
            "agent",
            "add",
            "envoi2",
            "--name",
            "Second service",
            "--role",
            "envoi",
        ],
        &[
            ("GUICHET_DATABASE_URL", &owner_url),
            ("PGPASSWORD", guichet_tests::cluster::OWNER_PASSWORD),
        ],
    )
    .stdin("Second-service-2026!\n")
    .run();
    let added = added.parsed();
    assert_eq!(added["agent"]["role"], "envoi", "{added}");
    let camille_url = desk
        .cluster
        .url(Some("camille"), guichet_tests::cluster::SHARED_DATABASE);
    let refused = command(
        &["sender", "--once"],
        &[
            ("GUICHET_DATABASE_URL", &camille_url),
            ("PGPASSWORD", AGENT_PASSWORD),
        ],
    )
    .run();
    let refused = refused.parsed();
    assert_eq!(refused["error"]["kind"], "not_a_sender", "{refused}");
}

#[tokio::test]
async fn a_dozen_kills_during_two_thousand_messages_lose_none_and_repeat_only_what_was_in_flight() {
    const MESSAGES: i64 = 2_000;
    const KILLS: usize = 12;
    let desk = SharedDesk::start().await;
    let server = Aiosmtpd::start();
    ask_for_links(&desk, MESSAGES).await;
    let credentials = credentials();
    let mut kills = 0;
    let mut last = 0;
    let started = Instant::now();
    while kills < KILLS {
        let mut sender = spawn_sender(&desk, credentials.path(), &server.url());
        // Each sender sends a share of the run, then dies without a word.
        let share = (MESSAGES as usize / (KILLS + 2)).max(1);
        loop {
            let received = server.count();
            if received >= last + share || received >= MESSAGES as usize {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(300),
                "stalled at {received}"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        sender.kill().expect("SIGKILL");
        sender.wait().expect("reaped");
        kills += 1;
        last = server.count();
    }
    // A last one finishes the run, the messages of the killed ones included.
    let last_sender = spawn_sender(&desk, credentials.path(), &server.url());
    all_sent(&desk, MESSAGES, Duration::from_secs(120)).await;
    stop_sender(last_sender);

    // Every repeat the same message byte for byte (checked as they are counted).
    let received = Received::count(server.by_message_id());
    let copies = &received.copies;
    assert_eq!(copies.len() as i64, MESSAGES, "every message arrived");
    let repeats = received.repeats;
    // At most what was in flight at each kill: one message per SMTP connection (eight).
    let connections = guichet_core::mail::smtp_url::DEFAULT_CONCURRENCY;
    assert!(
        repeats <= KILLS * connections,
        "{repeats} repeats for {KILLS} kills"
    );
    // The ledger says sent for exactly what the server holds, and keeps nothing of them.
    let states = outbox(&desk).await;
    assert!(states.iter().all(|(state, _)| state == "sent"));
    let ids: HashSet<String> = states
        .iter()
        .filter_map(|(_, id)| {
            id.as_ref()
                .map(|id| id.trim_matches(['<', '>']).to_string())
        })
        .collect();
    assert_eq!(ids, copies.keys().cloned().collect::<HashSet<_>>());
    assert_eq!(count(&desk, "SELECT count(*) FROM mail_secret").await, 0);
    println!(
        "{MESSAGES} messages, {kills} kills, {repeats} repeats, {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[tokio::test]
async fn two_senders_at_once_send_each_message_exactly_once() {
    const MESSAGES: i64 = 1_000;
    let desk = SharedDesk::start().await;
    let server = Aiosmtpd::start();
    ask_for_links(&desk, MESSAGES).await;
    let credentials = credentials();
    let first = spawn_sender(&desk, credentials.path(), &server.url());
    let second = spawn_sender(&desk, credentials.path(), &server.url());
    all_sent(&desk, MESSAGES, Duration::from_secs(120)).await;
    stop_sender(first);
    stop_sender(second);
    let received = server.by_message_id();
    let unique: HashSet<&String> = received.iter().map(|(id, _)| id).collect();
    assert_eq!(received.len() as i64, MESSAGES, "none twice");
    assert_eq!(unique.len() as i64, MESSAGES);
    // Both took part: each claimed some of them.
    let senders = count(
        &desk,
        "SELECT count(DISTINCT claimed_by) FROM mail_outbox WHERE state = 'sent'",
    )
    .await;
    assert_eq!(senders, 2);
}

#[tokio::test]
async fn the_sender_says_why_links_do_not_leave_and_they_wait_for_it() {
    let desk = SharedDesk::start().await;
    let server = Aiosmtpd::start();
    ask_for_links(&desk, 3).await;
    let (lea_guichet, lea) = desk.sign_in("lea", AGENT_PASSWORD).await.expect("lea");
    let empty = tempfile::tempdir().expect("no credentials");
    std::fs::write(empty.path().join("database-password"), SENDER_PASSWORD).expect("password");
    let once = |dir: &std::path::Path, env: &[(&str, &str)]| {
        let mut all = vec![
            ("GUICHET_DATABASE_URL", desk.sender_url()),
            ("CREDENTIALS_DIRECTORY", dir.display().to_string()),
        ];
        all.extend(env.iter().map(|(k, v)| (*k, v.to_string())));
        let env: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
        run(&["sender", "--once"], &env)
    };
    // No key: nothing minted, the reason in its report and in every window.
    let report = once(empty.path(), &[("GUICHET_SMTP_URL", &server.url())]);
    assert_eq!(report["report"]["sent"], 0);
    let problem = report["problem"].as_str().expect("a problem").to_string();
    assert!(
        problem.starts_with("Les liens ne partent pas\u{a0}: la clé de signature"),
        "{problem}"
    );
    let credentials = credentials();
    // An SMTP server that does not answer: the same, the requests wait.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("address")
        .port();
    let report = once(
        credentials.path(),
        &[("GUICHET_SMTP_URL", &format!("smtp://127.0.0.1:{port}"))],
    );
    assert!(
        report["problem"]
            .as_str()
            .is_some_and(|p| p.contains("injoignable")),
        "{report}"
    );
    // A portal that is not https: refused, said, nothing sent.
    let report = once(
        credentials.path(),
        &[
            ("GUICHET_SMTP_URL", &server.url()),
            ("GUICHET_PORTAL_URL", "http://auth.siec.education.fr"),
        ],
    );
    assert!(
        report["problem"]
            .as_str()
            .is_some_and(|p| p.contains("https")),
        "{report}"
    );
    assert_eq!(server.count(), 0);
    assert_eq!(count(&desk, "SELECT count(*) FROM reset_password_request r JOIN reset_link l ON l.selector = r.selector").await, 0);
    // A sender that stays up with a problem: every window shows it.
    let service = spawn_sender(&desk, empty.path(), &server.url());
    let start = Instant::now();
    let status = loop {
        let status = lea_guichet.sending_status(&lea).await.expect("status");
        if status.problem.is_some() || start.elapsed() > Duration::from_secs(20) {
            break status;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let problem = status.problem.expect("the window says why");
    assert!(problem.starts_with("Les liens ne partent pas"), "{problem}");
    assert!(problem.contains("clé"), "{problem}");
    stop_sender(service);
    // Put right, everything that waited leaves.
    let report = once(credentials.path(), &[("GUICHET_SMTP_URL", &server.url())]);
    assert_eq!(report["report"]["sent"], 3, "{report}");
    assert!(report["problem"].is_null());
    assert_eq!(server.count(), 3);
    // A demonstration database (this one is) never mails a relay off the loopback: files.
    ask_for_links(&desk, 5).await;
    let data = tempfile::tempdir().expect("data folder");
    let report = once(
        credentials.path(),
        &[
            ("GUICHET_SMTP_URL", "smtp://relais.ac-paris.invalid:25"),
            ("GUICHET_DATA_DIR", &data.path().display().to_string()),
        ],
    );
    assert_eq!(report["report"]["sent"], 5, "{report}");
    let files = std::fs::read_dir(data.path().join("outbox"))
        .expect("outbox folder")
        .count();
    assert_eq!(files, 5);
    assert_eq!(server.count(), 3, "nothing more reached a server");
}
