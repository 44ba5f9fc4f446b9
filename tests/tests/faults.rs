//! Faults injected, nothing lost. On real servers, each fault as it happens in production:
//! the sender (`guichet-admin sender`, its own process) killed with SIGKILL at random points of
//! a run; the SMTP server killed mid-batch and started again; PostgreSQL (a cluster of the
//! test's own) stopped under agents attaching addresses and asking for links; the disk under a
//! SQLite database filled (a small tmpfs). Then the invariants:
//!
//! - **nothing lost**: every message reaches the server (by `Message-ID`), every operation the
//!   core said was done is in the database;
//! - **repeats bounded**: a message arrives twice only if it was in flight at a fault — after a
//!   kill, exactly the messages the dead sender held claimed (at most one per SMTP connection:
//!   each of its eight workers claims one message at a time and records its outcome with the
//!   next claim); after an SMTP or PostgreSQL outage, at most one per connection and outage;
//! - **nothing half-written**: each address added has its journal entry, each attachment its
//!   entry, each link its message and its entry, and every journal entry of the run its change;
//! - **usable again**: the same `Guichet` (and the same sender process) works once the database
//!   or the space comes back, without a restart; an operation that failed meanwhile failed with
//!   one of the core's errors, in French, naming no SQL.
//!
//! The sizes are small here (each test well under a minute on two cores); `scripts/faults` runs
//! them with `GUICHET_FAULTS_*` larger and collects the `FAULTS {…}` line each prints. Needs
//! `guichet-admin` built beside the tests (`cargo build -p guichet-admin`), root for the tmpfs.

use std::collections::{BTreeMap, HashSet};
use std::process::Child;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use guichet_core::agents::Session;
use guichet_core::error::ErrorKind;
use guichet_core::model::database::OpenMode;
use guichet_core::{Guichet, Settings};
use guichet_tests::Sql;
use guichet_tests::cli::admin_binary;
use guichet_tests::cluster::{SharedDesk, StopMode};
use guichet_tests::sender::{
    Received, ask_for_links, credentials, sender_log, spawn_sender, stop_sender,
};
use guichet_tests::smtp::Aiosmtpd;
use guichet_tests::{AGENT_PASSWORD, SUPERVISOR_PASSWORD};

/// One message per SMTP connection may be in flight: the sender's eight.
const CONNECTIONS: usize = guichet_core::mail::smtp_url::DEFAULT_CONCURRENCY;
/// The addresses the agents of these tests add, so that checks find them and only them.
const PREFIX: &str = "faute-";

/// A size from the environment (`scripts/faults`), or the suite's.
fn size(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// A small xorshift generator: the random points of a run, its seed printed to replay it
/// (`GUICHET_FAULTS_SEED`).
struct Rng(u64);

impl Rng {
    fn new(test: &str) -> Rng {
        let seed = std::env::var("GUICHET_FAULTS_SEED")
            .ok()
            .and_then(|seed| seed.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |elapsed| elapsed.as_nanos() as u64)
            });
        println!("{test}: GUICHET_FAULTS_SEED={seed}");
        Rng(seed.max(1))
    }

    /// A number in `0..bound` (0 when `bound` is 0).
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        if bound == 0 { 0 } else { self.0 % bound }
    }

    fn millis(&mut self, from: u64, to: u64) -> Duration {
        Duration::from_millis(from + self.below(to - from))
    }
}

/// Runs `sql` on `store`'s pool, whichever the backend.
macro_rules! on_store {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            Sql::Sqlite($pool) => $body,
            Sql::Postgres($pool) => $body,
        }
    };
}

async fn scalar(store: &Sql, sql: &str) -> i64 {
    on_store!(store, pool => sqlx::query_scalar(sql).fetch_one(pool).await)
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
}

async fn pairs(store: &Sql, sql: &str) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> =
        on_store!(store, pool => sqlx::query_as(sql).fetch_all(pool).await)
            .unwrap_or_else(|error| panic!("{sql}: {error}"));
    rows.sort();
    rows
}

/// The outbox's messages now being sent (claimed, not settled), by the sender of process `pid`
/// or by any: id and `Message-ID`.
async fn in_flight(store: &Sql, pid: Option<u32>) -> Vec<(i64, String)> {
    let by = match pid {
        Some(pid) => {
            format!("AND claimed_by = (SELECT max(id) FROM mail_sender WHERE pid = {pid})")
        }
        None => String::new(),
    };
    let sql = format!(
        "SELECT CAST(id AS BIGINT), COALESCE(message_id, '') FROM mail_outbox \
         WHERE state = 'sending' {by}"
    );
    let sql = sql.as_str();
    let rows: Vec<(i64, String)> =
        on_store!(store, pool => sqlx::query_as(sql).fetch_all(pool).await)
            .unwrap_or_else(|error| panic!("{sql}: {error}"));
    rows.into_iter()
        .map(|(id, message_id)| (id, message_id.trim_matches(['<', '>']).to_string()))
        .collect()
}

/// The figures of one kind of fault, as `docs/RELIABILITY.md` records them.
#[derive(Debug, Default)]
struct Figures {
    fault: &'static str,
    backend: &'static str,
    injected: usize,
    /// Messages claimed by the sender, or operations running or tried, at the faults.
    in_flight: usize,
    lost: usize,
    repeated: usize,
    recoveries: Vec<Duration>,
    /// What else the run did, for the record.
    operations: usize,
}

impl Figures {
    fn print(&self) {
        let seconds: Vec<f64> = self.recoveries.iter().map(Duration::as_secs_f64).collect();
        let max = seconds.iter().copied().fold(0.0, f64::max);
        let mean = seconds.iter().sum::<f64>() / seconds.len().max(1) as f64;
        println!(
            "FAULTS {}",
            serde_json::json!({
                "fault": self.fault,
                "backend": self.backend,
                "injected": self.injected,
                "in_flight": self.in_flight,
                "lost": self.lost,
                "repeated": self.repeated,
                "recover_mean_s": (mean * 10.0).round() / 10.0,
                "recover_max_s": (max * 10.0).round() / 10.0,
                "operations": self.operations,
            })
        );
    }
}

/// Where the sender's runs happen: a shared desk on a cluster of its own, or a standalone
/// SQLite file; an inspector's connection that reads every table; an agent to ask for links.
struct Bed {
    backend: &'static str,
    /// The owner on PostgreSQL, the file itself on SQLite.
    inspector: Sql,
    /// The address the sender service connects to.
    sender_url: String,
    guichet: Guichet,
    session: Session,
    desk: Option<SharedDesk>,
    _dir: Option<tempfile::TempDir>,
}

impl Bed {
    async fn postgres() -> Bed {
        let desk = SharedDesk::start().await;
        let inspector = Sql::open(&desk.owner_url()).await;
        let (guichet, session) = desk
            .sign_in("camille", AGENT_PASSWORD)
            .await
            .expect("camille signs in");
        Bed {
            backend: "postgres",
            inspector,
            sender_url: desk.sender_url(),
            guichet,
            session,
            desk: Some(desk),
            _dir: None,
        }
    }

    async fn sqlite(accounts: usize) -> Bed {
        let dir = tempfile::tempdir().expect("data folder");
        let url = format!("sqlite://{}", dir.path().join("guichet.sqlite").display());
        let (guichet, session) = standalone(&url, dir.path(), accounts).await;
        Bed {
            backend: "sqlite",
            inspector: Sql::of(&guichet).await,
            sender_url: url,
            guichet,
            session,
            desk: None,
            _dir: Some(dir),
        }
    }

    async fn emails(&self, count: usize) -> Vec<String> {
        let sql = format!("SELECT email, email FROM account ORDER BY id LIMIT {count}");
        let emails: Vec<String> = pairs(&self.inspector, &sql)
            .await
            .into_iter()
            .map(|(email, _)| email)
            .collect();
        assert_eq!(emails.len(), count, "the demo has enough addresses");
        emails
    }
}

/// A standalone SQLite database at `url`, demo data of `accounts` addresses, the team of
/// `add_team`; camille signed in.
async fn standalone(url: &str, data_dir: &std::path::Path, accounts: usize) -> (Guichet, Session) {
    let size = guichet_core::demo::DemoSize {
        establishments: 300,
        accounts,
    };
    let settings = Settings::with_defaults(Some(url.into()), data_dir.to_path_buf());
    Guichet::load_demo_database(&settings, size, 2026)
        .await
        .expect("demo data");
    let guichet = Guichet::open(settings, OpenMode::MustExist)
        .await
        .expect("the standalone database opens");
    guichet_tests::add_team(&guichet).await;
    let session = guichet
        .sign_in("camille", AGENT_PASSWORD)
        .await
        .expect("camille signs in");
    (guichet, session)
}

/// When a fault ended, what was in flight then, and when the sender had recovered: every
/// message in flight at the fault settled as sent, and a message delivered after it.
struct Recovery {
    at: Instant,
    pending: Vec<i64>,
    received_then: usize,
    took: Option<Duration>,
}

impl Recovery {
    fn new(pending: Vec<i64>, received_then: usize) -> Recovery {
        Recovery {
            at: Instant::now(),
            pending,
            received_then,
            took: None,
        }
    }
}

async fn poll_recoveries(store: &Sql, server: &Aiosmtpd, recoveries: &mut [Recovery]) {
    let received = server.count();
    let unsent = scalar(
        store,
        "SELECT count(*) FROM mail_outbox WHERE state <> 'sent'",
    )
    .await;
    for recovery in recoveries.iter_mut().filter(|r| r.took.is_none()) {
        let pending_unsent = if recovery.pending.is_empty() {
            0
        } else {
            let ids: Vec<String> = recovery.pending.iter().map(i64::to_string).collect();
            scalar(
                store,
                &format!(
                    "SELECT count(*) FROM mail_outbox WHERE state <> 'sent' AND id IN ({})",
                    ids.join(", ")
                ),
            )
            .await
        };
        if pending_unsent == 0 && (received > recovery.received_then || unsent == 0) {
            recovery.took = Some(recovery.at.elapsed());
        }
    }
}

/// Waits (polling the recoveries meanwhile) until `done`, the sender staying alive.
/// [`wait_until`] the outbox holds `messages` messages sent.
async fn wait_every_sent(
    bed: &Bed,
    server: &Aiosmtpd,
    sender: &mut Child,
    log: &std::path::Path,
    recoveries: &mut [Recovery],
    messages: usize,
) {
    let sent = async || {
        scalar(
            &bed.inspector,
            "SELECT count(*) FROM mail_outbox WHERE state = 'sent'",
        )
        .await as usize
            == messages
    };
    wait_until(
        "every message sent",
        bed,
        server,
        sender,
        log,
        recoveries,
        sent,
    )
    .await;
}

async fn wait_until(
    what: &str,
    bed: &Bed,
    server: &Aiosmtpd,
    sender: &mut Child,
    log: &std::path::Path,
    recoveries: &mut [Recovery],
    mut done: impl AsyncFnMut() -> bool,
) {
    // Generous: a message held by a killed sender waits STALE_AFTER, one interrupted by the
    // SMTP server's stop its 15 s back-off.
    let within = Duration::from_secs(300);
    let start = Instant::now();
    let mut polled = Instant::now();
    while !done().await {
        if let Some(status) = sender.try_wait().expect("the sender's state") {
            panic!(
                "the sender died by itself ({status}) while waiting for {what}:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        assert!(
            start.elapsed() < within,
            "{what}: not within {within:?} ({} received)",
            server.count()
        );
        if polled.elapsed() > Duration::from_millis(100) {
            poll_recoveries(&bed.inspector, server, recoveries).await;
            polled = Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
}

/// Every message of the outbox settled as sent and received, the server holding nothing else;
/// the figures' `lost` (messages of the outbox that never arrived) and the repeats.
async fn every_message_delivered(bed: &Bed, server: &Aiosmtpd) -> (usize, Received) {
    let received = Received::count(server.by_message_id());
    let sent = pairs(
        &bed.inspector,
        "SELECT state, COALESCE(message_id, '') FROM mail_outbox",
    )
    .await;
    let ids: HashSet<String> = sent
        .iter()
        .map(|(_, id)| id.trim_matches(['<', '>']).to_string())
        .collect();
    let lost = ids
        .iter()
        .filter(|id| !received.copies.contains_key(*id))
        .count();
    assert!(
        sent.iter().all(|(state, _)| state == "sent"),
        "every message settled as sent"
    );
    assert_eq!(lost, 0, "every message of the outbox reached the server");
    assert_eq!(
        received.copies.keys().cloned().collect::<HashSet<_>>(),
        ids,
        "the server received only the outbox's messages"
    );
    assert_eq!(
        scalar(&bed.inspector, "SELECT count(*) FROM mail_secret").await,
        0,
        "no sealed message is kept once sent"
    );
    (lost, received)
}

/// Each repeated message was claimed again: its outbox row counts more than one attempt.
async fn repeats_were_claimed_again(store: &Sql, received: &Received) {
    let attempts: BTreeMap<String, String> = pairs(
        store,
        "SELECT COALESCE(message_id, ''), CAST(attempts AS TEXT) FROM mail_outbox",
    )
    .await
    .into_iter()
    .map(|(id, attempts)| (id.trim_matches(['<', '>']).to_string(), attempts))
    .collect();
    for id in received.repeated() {
        let attempts: i64 = attempts[id].parse().expect("a number");
        assert!(attempts >= 2, "{id} arrived twice after one claim only");
    }
}

// ---------------------------------------------------------------------------------------
// a. The sender killed at random points.

async fn sender_killed(bed: Bed) {
    let messages = size("GUICHET_FAULTS_MESSAGES", 1_000);
    let kills = size("GUICHET_FAULTS_KILLS", 8);
    let mut rng = Rng::new("sender_killed");
    let server = Aiosmtpd::start();
    let emails = bed.emails(messages).await;
    ask_for_links(&bed.guichet, &bed.session, &emails).await;
    let (binary, credentials) = (admin_binary(), credentials());
    let spawn = || spawn_sender(&binary, &bed.sender_url, credentials.path(), &server.url());
    let mut recoveries = Vec::new();
    let mut held_at_kills: Vec<HashSet<String>> = Vec::new();
    let mut sender = spawn();
    for kill in 0..kills {
        // A random share of what is left, then a random instant within a message.
        let left = messages.saturating_sub(server.count());
        let share = 1 + rng.below((2 * left / (kills - kill + 1)) as u64) as usize;
        let target = (server.count() + share).min(messages.saturating_sub(1));
        wait_until(
            "the next kill's point",
            &bed,
            &server,
            &mut sender,
            &sender_log(credentials.path()),
            &mut recoveries,
            async || server.count() >= target,
        )
        .await;
        tokio::time::sleep(rng.millis(0, 15)).await;
        sender.kill().expect("SIGKILL");
        sender.wait().expect("reaped");
        // Dead, the sender holds exactly what it had claimed and not settled (the messages of
        // the one killed before may still wait for it to be taken for dead).
        let held = in_flight(&bed.inspector, Some(sender.id())).await;
        assert!(
            held.len() <= CONNECTIONS,
            "{} messages claimed by one sender at once",
            held.len()
        );
        held_at_kills.push(held.iter().map(|(_, id)| id.clone()).collect());
        recoveries.push(Recovery::new(
            held.iter().map(|(id, _)| *id).collect(),
            server.count(),
        ));
        // Restarted at once, as `Restart=always` does.
        sender = spawn();
    }
    wait_every_sent(
        &bed,
        &server,
        &mut sender,
        &sender_log(credentials.path()),
        &mut recoveries,
        messages,
    )
    .await;
    poll_recoveries(&bed.inspector, &server, &mut recoveries).await;
    stop_sender(sender);

    let (lost, received) = every_message_delivered(&bed, &server).await;
    assert_eq!(received.copies.len(), messages, "every message arrived");
    // A repeat is a message the dead sender held, once for each kill that caught it.
    for (id, copies) in &received.copies {
        let held = held_at_kills
            .iter()
            .filter(|held| held.contains(id))
            .count();
        assert!(
            *copies <= 1 + held,
            "{id} arrived {copies} times, held at {held} kill(s)"
        );
    }
    assert!(received.repeats <= kills * CONNECTIONS);
    repeats_were_claimed_again(&bed.inspector, &received).await;
    Figures {
        fault: "sender killed (SIGKILL)",
        backend: bed.backend,
        injected: kills,
        in_flight: held_at_kills.iter().map(HashSet::len).sum(),
        lost,
        repeated: received.repeats,
        recoveries: recoveries
            .iter()
            .map(|r| r.took.expect("recovered"))
            .collect(),
        operations: messages,
    }
    .print();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_sender_killed_at_random_points_loses_nothing_on_postgres() {
    sender_killed(Bed::postgres().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_sender_killed_at_random_points_loses_nothing_on_sqlite() {
    let messages = size("GUICHET_FAULTS_MESSAGES", 1_000);
    sender_killed(Bed::sqlite(messages).await).await;
}

// ---------------------------------------------------------------------------------------
// b. The SMTP server killed mid-batch and started again.

async fn smtp_stopped(bed: Bed) {
    let messages = size("GUICHET_FAULTS_MESSAGES", 1_000);
    let stops = size("GUICHET_FAULTS_SMTP_STOPS", 3);
    let mut rng = Rng::new("smtp_stopped");
    let mut server = Aiosmtpd::start();
    let emails = bed.emails(messages).await;
    ask_for_links(&bed.guichet, &bed.session, &emails).await;
    let (binary, credentials) = (admin_binary(), credentials());
    let mut sender = spawn_sender(&binary, &bed.sender_url, credentials.path(), &server.url());
    let mut recoveries = Vec::new();
    let mut in_flight_total = 0;
    for stop in 0..stops {
        let left = messages.saturating_sub(server.count());
        let share = 1 + rng.below((2 * left / (stops - stop + 1)) as u64) as usize;
        let target = (server.count() + share).min(messages.saturating_sub(1));
        wait_until(
            "the next stop's point",
            &bed,
            &server,
            &mut sender,
            &sender_log(credentials.path()),
            &mut recoveries,
            async || server.count() >= target,
        )
        .await;
        tokio::time::sleep(rng.millis(0, 15)).await;
        let before = in_flight(&bed.inspector, None).await;
        server.stop();
        let after = in_flight(&bed.inspector, None).await;
        let held: HashSet<i64> = before.iter().chain(&after).map(|(id, _)| *id).collect();
        in_flight_total += held.len();
        // Down for a while: the sender finds it unreachable, and the messages wait.
        tokio::time::sleep(rng.millis(300, 3_000)).await;
        server.start_again();
        recoveries.push(Recovery::new(held.into_iter().collect(), server.count()));
    }
    wait_every_sent(
        &bed,
        &server,
        &mut sender,
        &sender_log(credentials.path()),
        &mut recoveries,
        messages,
    )
    .await;
    poll_recoveries(&bed.inspector, &server, &mut recoveries).await;
    // The same sender process went on: no restart was needed.
    stop_sender(sender);

    let (lost, received) = every_message_delivered(&bed, &server).await;
    assert_eq!(received.copies.len(), messages, "every message arrived");
    // A message is repeated when the server stored it but the connection broke before its
    // "250" reached the sender: at most one per connection at each stop.
    assert!(
        received.repeats <= stops * CONNECTIONS,
        "{} repeats for {stops} stops",
        received.repeats
    );
    repeats_were_claimed_again(&bed.inspector, &received).await;
    Figures {
        fault: "SMTP server killed and restarted",
        backend: bed.backend,
        injected: stops,
        in_flight: in_flight_total,
        lost,
        repeated: received.repeats,
        recoveries: recoveries
            .iter()
            .map(|r| r.took.expect("recovered"))
            .collect(),
        operations: messages,
    }
    .print();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_smtp_server_stopped_mid_batch_loses_nothing_on_postgres() {
    smtp_stopped(Bed::postgres().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_smtp_server_stopped_mid_batch_loses_nothing_on_sqlite() {
    let messages = size("GUICHET_FAULTS_MESSAGES", 1_000);
    smtp_stopped(Bed::sqlite(messages).await).await;
}

// ---------------------------------------------------------------------------------------
// Agents at work while the database fails under them (c and d).

/// One operation of an agent, as the core answered it.
#[derive(Debug)]
struct Done {
    email: String,
    kind: Op,
    started: Instant,
    ended: Instant,
    outcome: Result<Option<i32>, (ErrorKind, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Attach,
    SendLink,
}

/// `tasks` tasks per agent, each attaching new addresses (one establishment each, at random)
/// and asking for a link to each, until `stop`; what each operation gave.
fn agents_at_work(
    agents: Vec<(Guichet, Session)>,
    tasks: usize,
    uais: Arc<Vec<String>>,
    stop: Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<Vec<Done>>> {
    let mut handles = Vec::new();
    for (a, (guichet, session)) in agents.into_iter().enumerate() {
        for t in 0..tasks {
            let (guichet, session, uais, stop) =
                (guichet.clone(), session.clone(), uais.clone(), stop.clone());
            handles.push(tokio::spawn(async move {
                let mut done = Vec::new();
                let mut n = 0_usize;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let email = format!("{PREFIX}{a}-{t}-{n}@ac-paris.fr");
                    let uai = uais[(n * 7 + t * 13 + a * 31) % uais.len()].clone();
                    let started = Instant::now();
                    let attached = guichet
                        .attach(&session, &email, &[uai], false, None, None)
                        .await;
                    let ok = attached.is_ok();
                    done.push(Done {
                        email: email.clone(),
                        kind: Op::Attach,
                        started,
                        ended: Instant::now(),
                        outcome: attached
                            .map(|_| None)
                            .map_err(|error| (error.kind(), error.message())),
                    });
                    if ok {
                        let started = Instant::now();
                        let asked = guichet.send_link(&session, &email, None).await;
                        done.push(Done {
                            email,
                            kind: Op::SendLink,
                            started,
                            ended: Instant::now(),
                            outcome: asked
                                .map(|sent| Some(sent.link_id))
                                .map_err(|error| (error.kind(), error.message())),
                        });
                    }
                    // An agent reads the answer before the next call (longer after a refusal).
                    let pause = if ok { 25 } else { 50 };
                    tokio::time::sleep(Duration::from_millis(pause)).await;
                }
                done
            }));
        }
    }
    handles
}

async fn collect(handles: Vec<tokio::task::JoinHandle<Vec<Done>>>) -> Vec<Done> {
    let mut all = Vec::new();
    for handle in handles {
        all.extend(handle.await.expect("an agent's task"));
    }
    all
}

/// Each failure is one of the core's errors about the database, said in French without SQL.
fn failures_are_clear(done: &[Done], allowed: &[ErrorKind]) {
    for (kind, message) in done.iter().filter_map(|d| d.outcome.as_ref().err()) {
        assert!(allowed.contains(kind), "unexpected {kind:?}: {message}");
        assert!(
            message.starts_with("La base de données") || *kind == ErrorKind::Io,
            "not the agent's sentence: {message}"
        );
        for word in ["SELECT", "INSERT", "sqlx", "SQLITE", "error returned"] {
            assert!(!message.contains(word), "{message}");
        }
    }
}

/// No half-written change: on the run's addresses, each address has its entry, each
/// attachment its entry, each link its message and its entry, and every entry its change.
/// Every operation the core said was done is there. Returns how many operations that failed
/// were nonetheless done whole (the server committed, the answer was lost).
async fn nothing_half_written(store: &Sql, done: &[Done]) -> usize {
    let like = format!("'{PREFIX}%'");
    let accounts = pairs(
        store,
        &format!("SELECT email, email FROM account WHERE email LIKE {like}"),
    )
    .await;
    let added = pairs(
        store,
        &format!(
            "SELECT email, email FROM audit_event WHERE action = 'address_added' AND email LIKE {like}"
        ),
    )
    .await;
    assert_eq!(
        accounts, added,
        "each address added has its entry, and back"
    );
    let attachments = pairs(
        store,
        &format!(
            "SELECT ea.uai, a.email FROM establishment_account ea JOIN account a \
             ON a.id = ea.account_id WHERE a.email LIKE {like}"
        ),
    )
    .await;
    let attached = pairs(
        store,
        &format!(
            "SELECT uai, email FROM audit_event WHERE action = 'attached' AND email LIKE {like}"
        ),
    )
    .await;
    assert_eq!(
        attachments, attached,
        "each attachment has its entry, and back"
    );
    assert_eq!(
        attachments.len(),
        accounts.len(),
        "each address of the run attached to its one establishment"
    );
    let links = pairs(
        store,
        &format!(
            "SELECT CAST(l.id AS TEXT), a.email FROM reset_link l JOIN account a \
             ON a.id = l.account_id WHERE a.email LIKE {like}"
        ),
    )
    .await;
    let messages = pairs(
        store,
        &format!(
            "SELECT CAST(reset_link_id AS TEXT), recipient FROM mail_outbox WHERE recipient LIKE {like}"
        ),
    )
    .await;
    assert_eq!(links, messages, "each link has its one message, and back");
    let entries: Vec<(String, String)> = {
        let mut entries: Vec<(String, String)> = pairs(
            store,
            &format!(
                "SELECT after, email FROM audit_event WHERE action = 'link_sent' AND email LIKE {like}"
            ),
        )
        .await
        .into_iter()
        .map(|(after, email)| {
            let after: serde_json::Value = serde_json::from_str(&after).expect("JSON");
            let link = after["lien"].as_str().expect("the link's number");
            let id = link.trim_start_matches("n°\u{a0}").to_string();
            (id, email)
        })
        .collect();
        entries.sort();
        entries
    };
    assert_eq!(links, entries, "each link has its entry, and back");

    // What the core said was done is there; what failed is there whole or not at all.
    let accounts: HashSet<&String> = accounts.iter().map(|(email, _)| email).collect();
    let links: HashSet<&String> = links.iter().map(|(id, _)| id).collect();
    let mut whole_though_failed = 0;
    for d in done {
        match (&d.kind, &d.outcome) {
            (Op::Attach, Ok(_)) => assert!(accounts.contains(&d.email), "{} lost", d.email),
            (Op::SendLink, Ok(Some(id))) => {
                assert!(links.contains(&id.to_string()), "link {id} lost")
            }
            (Op::Attach, Err(_)) if accounts.contains(&d.email) => whole_though_failed += 1,
            _ => {}
        }
    }
    whole_though_failed
}

/// How many operations ran, or were tried, during the faults (`from[i]` to `to[i]`).
fn overlapping(done: &[Done], from: &[Instant], to: &[Instant]) -> usize {
    done.iter()
        .filter(|d| {
            from.iter()
                .zip(to)
                .any(|(from, to)| d.started <= *to && d.ended >= *from)
        })
        .count()
}

/// For each fault that ended at `back`, how long until an operation succeeded again.
fn recoveries(done: &[Done], backs: &[Instant]) -> Vec<Duration> {
    backs
        .iter()
        .map(|back| {
            done.iter()
                .filter(|d| d.outcome.is_ok() && d.ended > *back)
                .map(|d| d.ended - *back)
                .min()
                .expect("an operation succeeded after the fault")
        })
        .collect()
}

/// A new address attached and its link asked for through `guichet`, at once.
async fn works(guichet: &Guichet, session: &Session, uai: &str, email: &str) {
    guichet
        .attach(session, email, &[uai.to_string()], false, None, None)
        .await
        .unwrap_or_else(|error| panic!("attach after the fault: {error}"));
    guichet
        .send_link(session, email, None)
        .await
        .unwrap_or_else(|error| panic!("send-link after the fault: {error}"));
}

// ---------------------------------------------------------------------------------------
// c. PostgreSQL restarted under the agents and the sender.

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_restarted_under_agents_and_the_sender_loses_nothing() {
    let restarts = size("GUICHET_FAULTS_PG_RESTARTS", 3);
    let mut rng = Rng::new("postgres_restarted");
    let bed = Bed::postgres().await;
    let desk = bed.desk.as_ref().expect("a desk");
    let server = Aiosmtpd::start();
    let (binary, credentials) = (admin_binary(), credentials());
    let mut sender = spawn_sender(&binary, &bed.sender_url, credentials.path(), &server.url());
    let sandrine = desk
        .sign_in("sandrine", SUPERVISOR_PASSWORD)
        .await
        .expect("sandrine signs in");
    let uais: Vec<String> = pairs(
        &bed.inspector,
        "SELECT uai, uai FROM establishment ORDER BY uai LIMIT 200",
    )
    .await
    .into_iter()
    .map(|(uai, _)| uai)
    .collect();
    let uais = Arc::new(uais);
    let stop = Arc::new(AtomicBool::new(false));
    let agents = vec![(bed.guichet.clone(), bed.session.clone()), sandrine.clone()];
    let handles = agents_at_work(agents, 2, uais.clone(), stop.clone());

    let mut downs = Vec::new();
    let mut backs = Vec::new();
    for restart in 0..restarts {
        tokio::time::sleep(rng.millis(800, 2_000)).await;
        let mode = if restart % 2 == 0 {
            StopMode::Immediate
        } else {
            StopMode::Fast
        };
        let cluster = &desk.cluster;
        downs.push(Instant::now());
        tokio::task::block_in_place(|| cluster.stop(mode));
        tokio::time::sleep(rng.millis(300, 3_000)).await;
        tokio::task::block_in_place(|| cluster.start_again());
        backs.push(Instant::now());
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::Relaxed);
    let done = collect(handles).await;

    // The same Guichets work again, without signing in anew.
    works(
        &bed.guichet,
        &bed.session,
        &uais[0],
        &format!("{PREFIX}after@ac-paris.fr"),
    )
    .await;
    works(
        &sandrine.0,
        &sandrine.1,
        &uais[1],
        &format!("{PREFIX}after-2@ac-paris.fr"),
    )
    .await;
    // A server going down or coming up is unreachable for now, never "an error, not saved":
    // what was in flight at a crash may have been committed.
    failures_are_clear(&done, &[ErrorKind::DatabaseUnreachable]);
    let failed = done.iter().filter(|d| d.outcome.is_err()).count();
    assert!(failed > 0, "some operations met the stopped server");
    let whole_though_failed = nothing_half_written(&bed.inspector, &done).await;

    // The same sender process sends everything asked, the links of the outage included.
    let messages = scalar(&bed.inspector, "SELECT count(*) FROM mail_outbox").await as usize;
    let mut no_recoveries = Vec::new();
    wait_every_sent(
        &bed,
        &server,
        &mut sender,
        &sender_log(credentials.path()),
        &mut no_recoveries,
        messages,
    )
    .await;
    stop_sender(sender);
    let (lost, received) = every_message_delivered(&bed, &server).await;
    // A worker whose message left while the server was down could not record it: at most one
    // per connection at each restart goes again.
    assert!(received.repeats <= restarts * CONNECTIONS);
    repeats_were_claimed_again(&bed.inspector, &received).await;

    let in_flight = overlapping(&done, &downs, &backs);
    println!(
        "postgres restarted: {} operations, {failed} failed ({whole_though_failed} of them done \
         whole all the same), {} messages",
        done.len(),
        messages
    );
    Figures {
        fault: "PostgreSQL restarted (immediate, fast)",
        backend: "postgres",
        injected: restarts,
        in_flight,
        lost,
        repeated: received.repeats,
        recoveries: recoveries(&done, &backs),
        operations: done.len(),
    }
    .print();
}

// ---------------------------------------------------------------------------------------
// d. The disk under SQLite filled.

/// A small tmpfs of the test's own, unmounted when dropped.
struct Tmpfs(tempfile::TempDir);

impl Tmpfs {
    fn mount(megabytes: usize) -> Tmpfs {
        let dir = tempfile::tempdir().expect("mount point");
        let output = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m")])
            .arg("tmpfs")
            .arg(dir.path())
            .output()
            .expect("mount runs");
        assert!(
            output.status.success(),
            "this test fills a tmpfs of its own and needs root to mount one: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        Tmpfs(dir)
    }

    fn path(&self) -> &std::path::Path {
        self.0.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.0.path())
            .status();
    }
}

/// Fills what is left of the file system under `path` with one file; `false` if it could not
/// be filled at once.
fn fill(path: &std::path::Path) -> std::fs::File {
    use std::io::Write;
    let mut file = std::fs::File::create(path).expect("the filler");
    let chunk = vec![0_u8; 64 * 1024];
    let mut size = chunk.len();
    loop {
        match file.write(&chunk[..size]) {
            Ok(0) => break,
            Ok(_) => {}
            Err(error) if error.kind() == std::io::ErrorKind::StorageFull && size > 512 => {
                size /= 2
            }
            Err(error) if error.kind() == std::io::ErrorKind::StorageFull => break,
            Err(error) => panic!("filling the disk: {error}"),
        }
    }
    file
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_disk_under_sqlite_filled_leaves_nothing_half_written() {
    let fills = size("GUICHET_FAULTS_DISK_FILLS", 3);
    let mut rng = Rng::new("disk_filled");
    let disk = Tmpfs::mount(24);
    let url = format!("sqlite://{}", disk.path().join("guichet.sqlite").display());
    let data = tempfile::tempdir().expect("data folder");
    let (guichet, camille) = standalone(&url, data.path(), 300).await;
    let store = Sql::of(&guichet).await;
    let sandrine = guichet
        .sign_in("sandrine", SUPERVISOR_PASSWORD)
        .await
        .expect("sandrine signs in");
    let uais: Vec<String> = pairs(
        &store,
        "SELECT uai, uai FROM establishment ORDER BY uai LIMIT 200",
    )
    .await
    .into_iter()
    .map(|(uai, _)| uai)
    .collect();
    let uais = Arc::new(uais);
    let stop = Arc::new(AtomicBool::new(false));
    let agents = vec![
        (guichet.clone(), camille.clone()),
        (guichet.clone(), sandrine.clone()),
    ];
    let handles = agents_at_work(agents, 2, uais.clone(), stop.clone());

    let filler = disk.path().join("filler");
    let mut fulls = Vec::new();
    let mut backs = Vec::new();
    for _ in 0..fills {
        tokio::time::sleep(rng.millis(500, 1_500)).await;
        // The WAL emptied first, so that the next write needs new space at once.
        on_store!(&store, pool => sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(pool).await.map(|_| ()))
            .expect("checkpoint");
        let file = tokio::task::block_in_place(|| fill(&filler));
        fulls.push(Instant::now());
        tokio::time::sleep(rng.millis(1_000, 2_500)).await;
        drop(file);
        std::fs::remove_file(&filler).expect("space returns");
        backs.push(Instant::now());
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    let done = collect(handles).await;

    // The same Guichet works again, and every link asked leaves.
    works(
        &guichet,
        &camille,
        &uais[0],
        &format!("{PREFIX}after@ac-paris.fr"),
    )
    .await;
    failures_are_clear(&done, &[ErrorKind::Database, ErrorKind::Io]);
    let while_full: Vec<&Done> = done
        .iter()
        .filter(|d| {
            fulls
                .iter()
                .zip(&backs)
                .any(|(full, back)| d.started >= *full && d.ended <= *back)
        })
        .collect();
    let failed = done.iter().filter(|d| d.outcome.is_err()).count();
    assert!(
        while_full.iter().any(|d| d.outcome.is_err()),
        "operations failed while the disk was full"
    );
    let whole_though_failed = nothing_half_written(&store, &done).await;
    let integrity = pairs(
        &store,
        "SELECT integrity_check, '' FROM pragma_integrity_check",
    )
    .await;
    assert_eq!(integrity, [("ok".to_string(), String::new())]);

    let server = Aiosmtpd::start();
    let credentials = credentials();
    let report = tokio::task::block_in_place(|| {
        guichet_tests::sender::sender_once(&admin_binary(), &url, credentials.path(), &server.url())
    });
    let messages = scalar(
        &store,
        &format!("SELECT count(*) FROM mail_outbox WHERE recipient LIKE '{PREFIX}%'"),
    )
    .await as usize;
    assert_eq!(report["report"]["sent"], messages, "{report}");
    let received = Received::count(server.by_message_id());
    assert_eq!(received.copies.len(), messages);
    assert_eq!(received.repeats, 0);
    println!(
        "disk filled: {} operations, {failed} failed ({whole_though_failed} done whole all the \
         same), {messages} messages",
        done.len()
    );
    Figures {
        fault: "disk full under SQLite (tmpfs)",
        backend: "sqlite",
        injected: fills,
        in_flight: overlapping(&done, &fulls, &backs),
        lost: 0,
        repeated: 0,
        recoveries: recoveries(&done, &backs),
        operations: done.len(),
    }
    .print();
    guichet.close().await;
}
