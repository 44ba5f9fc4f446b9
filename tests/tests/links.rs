//! Reset links end to end on real SQLite and PostgreSQL, a real kernel keyring and a real SMTP
//! server on loopback. Links are checked by an independent implementation of the portal's rule,
//! written here from the bundle's source, reading the row back as the portal does.

use base64::Engine;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use guichet_core::agents::Session;
use guichet_core::audit::AuditAction;
use guichet_core::links::ledger::{Delivery as State, Lifecycle, LinkVerdict};
use guichet_core::mail::sending::SendingName;
use guichet_core::sender::Destination;
use guichet_core::{ErrorKind, Guichet, Settings};
use guichet_tests::Sql;
use guichet_tests::smtp::Aiosmtpd;
use guichet_tests::time::{PARIS, paris, utc};
use guichet_tests::{
    AGENT_PASSWORD, SUPERVISOR_PASSWORD, deliver, deliver_at, on_both_backends, store_signing_key,
};
use hmac::Mac;

const KERNEL_SECRET: &str = "ThisIsTheSymfonyKernelSecret-4f1e2d";
const HENRI_IV_PRINCIPAL: &str = "ce.0750654d@ac-paris.fr";

struct Desk {
    guichet: Guichet,
    agent: Session,
    reader: Session,
    /// The data folder: the `.eml` files of a demonstration database.
    _data: tempfile::TempDir,
}

async fn desk(url: &str, settings: impl FnOnce(&mut Settings)) -> Desk {
    let data = tempfile::tempdir().expect("data folder");
    let mut configured = Settings::with_defaults(Some(url.into()), data.path().to_path_buf());
    settings(&mut configured);
    let guichet = Guichet::open(configured, guichet_core::store::OpenMode::MustExist)
        .await
        .expect("opened");
    let size = guichet_core::demo::DemoSize {
        establishments: 6_000,
        accounts: 8_000,
    };
    guichet.load_demo(size, 5, Utc::now()).await.expect("demo");
    guichet_tests::add_team(&guichet).await;
    // Make sure Henri-IV's functional address exists with that spelling.
    let agent = guichet
        .sign_in("camille", AGENT_PASSWORD)
        .await
        .expect("agent");
    let _ = guichet
        .attach(
            &agent,
            HENRI_IV_PRINCIPAL,
            &["0750654D".into()],
            false,
            None,
            None,
        )
        .await;
    Desk {
        reader: guichet
            .sign_in("lea", AGENT_PASSWORD)
            .await
            .expect("reader"),
        agent,
        guichet,
        _data: data,
    }
}

/// Delivers what is due to `server`, through a sender of this process.
async fn deliver_to(guichet: &Guichet, server: &Aiosmtpd) -> guichet_core::sender::DrainReport {
    deliver(guichet, Some(&server.url())).await
}

/// Runs `sql` on the desk's database, as the portal or a test would.
async fn execute(store: &Sql, sql: &str) {
    match store {
        Sql::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
        Sql::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
    }
    .expect("executed");
}

/// The portal's check (symfonycasts/reset-password-bundle): find the row by the first 20
/// characters, refuse `expires_at <= now`, then compare base64(HMAC-SHA256(kernel.secret,
/// json_encode([verifier, (string) user_id, expires_at->getTimestamp()]))) in constant time,
/// with PHP reading the naive `expires_at` in Europe/Paris (the first of a repeated hour).
async fn portal_accepts(store: &Sql, token: &str, now: DateTime<Utc>) -> bool {
    assert_eq!(token.len(), 40, "{token}");
    let (selector, verifier) = token.split_at(20);
    let row: Option<(i32, String, NaiveDateTime)> = match store {
        Sql::Sqlite(pool) => sqlx::query_as("SELECT user_id, hashed_token, expires_at FROM reset_password_request WHERE selector = ?1")
            .bind(selector)
            .fetch_optional(pool)
            .await
            .expect("row"),
        Sql::Postgres(pool) => sqlx::query_as("SELECT user_id, hashed_token, expires_at FROM reset_password_request WHERE selector = $1")
            .bind(selector)
            .fetch_optional(pool)
            .await
            .expect("row"),
    };
    let Some((user_id, hashed, expires_at)) = row else {
        return false;
    };
    let expires = PARIS
        .from_local_datetime(&expires_at)
        .earliest()
        .expect("a Paris time")
        .timestamp();
    if expires <= now.timestamp() {
        return false;
    }
    let json = format!("[\"{verifier}\",\"{user_id}\",{expires}]");
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(KERNEL_SECRET.as_bytes()).expect("key");
    mac.update(json.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD
        .decode(hashed)
        .expect("base64");
    mac.verify_slice(&expected).is_ok()
}

fn token_of(link: &str) -> &str {
    link.rsplit('/').next().expect("token")
}

/// The only message the server holds: its headers, its two parts and the link in it.
fn received(server: &Aiosmtpd) -> (String, String, String, String) {
    let messages = server.messages();
    assert_eq!(messages.len(), 1, "exactly one message");
    let message = mail_parser::MessageParser::default()
        .parse(&messages[0])
        .expect("parsed");
    let from = message
        .from()
        .and_then(|a| a.first())
        .map(|a| format!("{} <{}>", a.name().unwrap_or(""), a.address().unwrap_or("")))
        .unwrap_or_default();
    let subject = message.subject().unwrap_or_default().to_string();
    let text = message.body_text(0).unwrap_or_default().to_string();
    let html = message.body_html(0).unwrap_or_default().to_string();
    (from, subject, text, html)
}

fn link_in(text: &str) -> String {
    text.lines()
        .find(|line| line.starts_with("https://"))
        .expect("a link line")
        .trim()
        .to_string()
}

on_both_backends!(keyring a_link_arrives_as_the_guide_shows_it_and_the_portal_accepts_it, |db| {
    store_signing_key(KERNEL_SECRET);
    let desk = desk(&db.url, |_| {}).await;
    let server = Aiosmtpd::start();
    let sent = desk.guichet.send_link(&desk.agent, HENRI_IV_PRINCIPAL, Some("appel du secrétariat")).await.expect("sent");
    assert!(sent.message.contains(HENRI_IV_PRINCIPAL));
    // Asked for, not yet minted: the ledger says so, and the portal has no request yet.
    let ledger = desk.guichet.address_links(&desk.reader, HENRI_IV_PRINCIPAL).await.expect("ledger");
    assert!(matches!(ledger.links[0].delivery, State::Waiting { attempts: 0, .. }));
    assert_eq!(ledger.links[0].lifecycle, Lifecycle::Requested);
    assert_eq!(ledger.links[0].expires_at, None);
    let report = deliver_to(&desk.guichet, &server).await;
    assert_eq!(report.sent, 1);

    let (from, subject, text, html) = received(&server);
    assert_eq!(from, "SIEC - Maison des examens <ne-pas-repondre@siec.education.fr>");
    assert_eq!(subject, "Portail d'authentification - Réinitialisation de mot de passe");
    let link = link_in(&text);
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines,
        [
            "Bonjour,",
            "Pour réinitialiser votre mot de passe, veuillez cliquer sur le lien suivant :",
            link.as_str(),
            "Ce lien expire dans 1 heure.",
            "Les services de la Maison des examens",
        ]
    );
    assert!(link.starts_with("https://auth.siec.education.fr/reset-password/reset/"));
    assert!(html.contains(&format!("href=\"{link}\"")));
    assert!(portal_accepts(&Sql::of(&desk.guichet).await, token_of(&link), Utc::now()).await, "the portal accepts {link}");

    let ledger = desk.guichet.address_links(&desk.reader, HENRI_IV_PRINCIPAL).await.expect("ledger");
    assert!(matches!(&ledger.links[0].delivery, State::Sent { reply: Some(reply), .. } if reply.starts_with("250")));
    assert_eq!(ledger.links[0].agent.as_deref(), Some("Camille Martin"));
    let check = desk.guichet.check_link(&desk.reader, &format!("voici le lien : <{link}>")).await.expect("check");
    assert_eq!(check.verdict, LinkVerdict::Valid);
    assert_eq!(check.email.as_deref(), Some(HENRI_IV_PRINCIPAL));
    // The same intact token on a look-alike site is a lure, never « valable ».
    let token = token_of(&link);
    for lure in [
        format!("https://auth.siec.education.fr.example.com/reset-password/reset/{token}"),
        format!("https://\u{430}uth.siec.education.fr/reset-password/reset/{token}"),
        format!("https://auth.siec.education.fr@phish.example/reset-password/reset/{token}"),
        format!("auth-siec-education.fr/reset-password/reset/{token}"),
    ] {
        let check = desk.guichet.check_link(&desk.reader, &lure).await.expect("check");
        assert_eq!(check.verdict, LinkVerdict::OtherSite, "{lure}");
        assert!(check.message.starts_with("Lien d’un autre site"), "{}", check.message);
        assert!(check.message.contains("auth.siec.education.fr"), "{}", check.message);
    }
    // The verifier is nowhere in the database: the ledger keeps the SHA-256 of the token.
    let verifier = &token_of(&link)[20..];
    for table in ["reset_password_request", "reset_link", "mail_outbox", "mail_secret", "audit_event", "change_log"] {
        let dump: Vec<String> = match &Sql::of(&desk.guichet).await {
            Sql::Sqlite(pool) => sqlx::query_scalar(&format!("SELECT CAST(t.* AS TEXT) FROM (SELECT * FROM {table}) t")).fetch_all(pool).await.unwrap_or_default(),
            Sql::Postgres(pool) => sqlx::query_scalar(&format!("SELECT t::text FROM {table} t")).fetch_all(pool).await.expect("dump"),
        };
        assert!(dump.iter().all(|row| !row.contains(verifier)), "{table} holds the verifier");
    }
});

on_both_backends!(keyring links_made_in_winter_summer_and_the_repeated_hour_are_accepted, |db| {
    store_signing_key(KERNEL_SECRET);
    let desk = desk(&db.url, |_| {}).await;
    let instants = [
        paris(2026, 1, 15, 10, 0),
        paris(2026, 7, 15, 10, 0),
        // 25 October 2026: at 01:30 UTC (02:30 CET, the second one) the link expires in the
        // repeated hour, 03:30 CET — and at 00:30 UTC (02:30 CEST, the first), an hour after.
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 25, 1, 30),
    ];
    for (round, at) in instants.into_iter().enumerate() {
        desk.guichet.send_link_at(&desk.agent, HENRI_IV_PRINCIPAL, None, at).await.expect("sent");
        // The sender mints at the link's own time, as if it ran then; its mail goes to files.
        let report = deliver_at(&desk.guichet, None, Some(at)).await;
        assert_eq!(report.sent, 1, "round {round}");
        let outbox = desk.guichet.settings().outbox_dir();
        let eml = std::fs::read_dir(&outbox).expect("folder").map(|e| e.expect("entry").path()).max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).expect("time")).expect("a file");
        let bytes = std::fs::read(eml).expect("eml");
        let parsed = mail_parser::MessageParser::default().parse(&bytes).expect("parsed");
        let link = link_in(&parsed.body_text(0).expect("text"));
        assert!(portal_accepts(&Sql::of(&desk.guichet).await, token_of(&link), at + chrono::Duration::minutes(59)).await, "round {round}: valid for the hour");
        assert!(!portal_accepts(&Sql::of(&desk.guichet).await, token_of(&link), at + chrono::Duration::hours(2)).await, "round {round}: expired after");
    }
});

on_both_backends!(keyring a_resend_replaces_the_older_link_and_the_diagnosis_says_so, |db| {
    store_signing_key(KERNEL_SECRET);
    let desk = desk(&db.url, |_| {}).await;
    let server = Aiosmtpd::start();
    desk.guichet.send_link(&desk.agent, HENRI_IV_PRINCIPAL, None).await.expect("first");
    deliver_to(&desk.guichet, &server).await;
    let first = link_in(&received(&server).2);
    desk.guichet.send_link(&desk.agent, HENRI_IV_PRINCIPAL, None).await.expect("second");
    // Until the new link is minted, the first one still opens the portal.
    assert!(portal_accepts(&Sql::of(&desk.guichet).await, token_of(&first), Utc::now()).await, "the first link works until the second is made");
    assert_eq!(deliver_to(&desk.guichet, &server).await.sent, 1);
    assert!(!portal_accepts(&Sql::of(&desk.guichet).await, token_of(&first), Utc::now()).await, "the first link no longer works");
    let check = desk.guichet.check_link(&desk.reader, &first).await.expect("check");
    assert_eq!(check.verdict, LinkVerdict::Replaced);
    assert!(check.replaced_by.is_some());
    assert!(check.message.contains("remplacé par le lien envoyé le"), "{}", check.message);
    let ledger = desk.guichet.address_links(&desk.reader, HENRI_IV_PRINCIPAL).await.expect("ledger");
    assert!(matches!(ledger.links[0].lifecycle, Lifecycle::Valid { .. }));
    assert!(matches!(ledger.links[1].lifecycle, Lifecycle::Replaced { .. }));
});

on_both_backends!(keyring expired_altered_malformed_unknown_and_used_links_are_told_apart, |db| {
    store_signing_key(KERNEL_SECRET);
    let desk = desk(&db.url, |_| {}).await;
    let server = Aiosmtpd::start();
    desk.guichet.send_link(&desk.agent, HENRI_IV_PRINCIPAL, None).await.expect("sent");
    deliver_to(&desk.guichet, &server).await;
    let link = link_in(&received(&server).2);
    let token = token_of(&link).to_string();

    let mut altered = token.clone();
    altered.replace_range(39..40, if token.ends_with('A') { "B" } else { "A" });
    let check = desk.guichet.check_link(&desk.reader, &altered).await.expect("check");
    assert_eq!(check.verdict, LinkVerdict::Altered);
    let check = desk.guichet.check_link(&desk.reader, &token[..35]).await.expect("check");
    assert_eq!(check.verdict, LinkVerdict::Malformed);
    assert!(check.message.contains("35"), "{}", check.message);
    let check = desk.guichet.check_link(&desk.reader, "AAAAAAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBBBBB").await.expect("check");
    assert_eq!(check.verdict, LinkVerdict::Unknown);

    // The portal uses the link: it sets the password and deletes every request of the user.
    let set = |store: &Sql| {
        let store = store.clone();
        async move {
            let now = Utc::now();
            match &store {
                Sql::Sqlite(pool) => {
                    sqlx::query("UPDATE account SET password = '$2y$13$x', password_changed_at = ?1 WHERE lower(email) = ?2").bind(now).bind(HENRI_IV_PRINCIPAL).execute(pool).await.expect("password");
                    sqlx::query("DELETE FROM reset_password_request").execute(pool).await.expect("deleted");
                }
                Sql::Postgres(pool) => {
                    sqlx::query("UPDATE account SET password = '$2y$13$x', password_changed_at = $1 WHERE lower(email) = $2").bind(now).bind(HENRI_IV_PRINCIPAL).execute(pool).await.expect("password");
                    sqlx::query("DELETE FROM reset_password_request").execute(pool).await.expect("deleted");
                }
            }
        }
    };
    set(&Sql::of(&desk.guichet).await).await;
    let check = desk.guichet.check_link(&desk.reader, &link).await.expect("check");
    assert_eq!(check.verdict, LinkVerdict::Used);
    assert!(check.used_at.is_some());
    let ledger = desk.guichet.address_links(&desk.reader, HENRI_IV_PRINCIPAL).await.expect("ledger");
    assert!(matches!(ledger.status, guichet_core::model::establishment::InitStatus::Initialised { .. }));
    assert!(matches!(ledger.links[0].lifecycle, Lifecycle::Used { at: Some(_) }));
    // The establishment's timeline tells it, newest first, after the link sent.
    let timeline = desk.guichet.timeline(&desk.reader, "0750654D").await.expect("timeline");
    let actions: Vec<AuditAction> = timeline.iter().map(|e| e.action).collect();
    let used = actions.iter().position(|a| *a == AuditAction::LinkUsed).expect("link used in the timeline");
    let sent = actions.iter().position(|a| *a == AuditAction::LinkSent).expect("link sent in the timeline");
    assert!(used < sent, "{actions:?}");
});

on_both_backends!(keyring an_expired_link_says_when, |db| {
    store_signing_key(KERNEL_SECRET);
    let desk = desk(&db.url, |s| s.sending.set(SendingName::LinkLifetimeSeconds, Some("4".into()))).await;
    let server = Aiosmtpd::start();
    desk.guichet.send_link(&desk.agent, HENRI_IV_PRINCIPAL, None).await.expect("sent");
    deliver_to(&desk.guichet, &server).await;
    let (_, _, text, _) = received(&server);
    assert!(text.contains("Ce lien expire dans 4 secondes."), "{text}");
    let link = link_in(&text);
    tokio::time::sleep(std::time::Duration::from_millis(4_200)).await;
    let check = desk.guichet.check_link(&desk.reader, &link).await.expect("check");
    assert_eq!(check.verdict, LinkVerdict::Expired);
    assert!(check.message.starts_with("Le lien a expiré le "), "{}", check.message);
    assert!(!portal_accepts(&Sql::of(&desk.guichet).await, token_of(&link), Utc::now()).await);
    let timeline = desk.guichet.timeline(&desk.reader, "0750654D").await.expect("timeline");
    assert_eq!(timeline[0].action, AuditAction::LinkExpired);
    assert_eq!(timeline[0].email.as_deref(), Some(HENRI_IV_PRINCIPAL));

    // A new link: the expired one, still on the portal until collected, is now "replaced".
    desk.guichet.send_link(&desk.agent, HENRI_IV_PRINCIPAL, None).await.expect("sent again");
    deliver_to(&desk.guichet, &server).await;
    let check = desk.guichet.check_link(&desk.reader, &link).await.expect("check");
    assert_eq!(check.verdict, LinkVerdict::Replaced, "{}", check.message);
    assert!(check.replaced_by.is_some());
    let mut altered = link.clone();
    let last = altered.pop().expect("a character");
    altered.push(if last == 'a' { 'b' } else { 'a' });
    let check = desk.guichet.check_link(&desk.reader, &altered).await.expect("check");
    assert_eq!(check.verdict, LinkVerdict::Altered, "an altered replaced link is altered");
});

on_both_backends!(keyring a_server_down_then_up_delivers_once_and_a_5xx_is_a_failure_with_its_text, |db| {
    store_signing_key(KERNEL_SECRET);
    let desk = desk(&db.url, |_| {}).await;
    desk.guichet.send_link(&desk.agent, HENRI_IV_PRINCIPAL, None).await.expect("sent");
    // Nothing listens on this port: the sender mints nothing and says why; the request waits.
    let down = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("address").port();
    let report = deliver(&desk.guichet, Some(&format!("smtp://127.0.0.1:{down}"))).await;
    assert_eq!((report.sent, report.retried, report.failed), (0, 0, 0));
    let ledger = desk.guichet.address_links(&desk.reader, HENRI_IV_PRINCIPAL).await.expect("ledger");
    assert!(matches!(&ledger.links[0].delivery, State::Waiting { attempts: 0, .. }));
    assert_eq!(ledger.links[0].lifecycle, Lifecycle::Requested, "no link minted while the server is down");
    // Up again: delivered once.
    let server = Aiosmtpd::start();
    assert_eq!(deliver_to(&desk.guichet, &server).await.sent, 1);
    assert_eq!(deliver_to(&desk.guichet, &server).await.sent, 0, "nothing twice");
    assert_eq!(server.messages().len(), 1);

    desk.guichet.attach(&desk.agent, "reject.secretariat@ac-paris.fr", &["0750654D".into()], false, None, None).await.expect("attached");
    desk.guichet.send_link(&desk.agent, "reject.secretariat@ac-paris.fr", None).await.expect("sent");
    let report = deliver_to(&desk.guichet, &server).await;
    assert_eq!(report.failed, 1);
    let ledger = desk.guichet.address_links(&desk.reader, "reject.secretariat@ac-paris.fr").await.expect("ledger");
    assert!(matches!(&ledger.links[0].delivery, State::Failed { reason: Some(reason) } if reason.contains("550")), "{:?}", ledger.links[0].delivery);
});

on_both_backends!(keyring a_4xx_is_retried_with_the_same_message_kept_sealed_and_never_in_clear, |db| {
    store_signing_key(KERNEL_SECRET);
    let desk = desk(&db.url, |_| {}).await;
    let server = Aiosmtpd::start();
    let email = "temp-fail.secretariat@ac-paris.fr";
    desk.guichet.attach(&desk.agent, email, &["0750654D".into()], false, None, None).await.expect("attached");
    desk.guichet.send_link(&desk.agent, email, None).await.expect("sent");
    let report = deliver_to(&desk.guichet, &server).await;
    assert_eq!(report.retried, 1);
    let ledger = desk.guichet.address_links(&desk.reader, email).await.expect("ledger");
    assert!(matches!(&ledger.links[0].delivery, State::Waiting { attempts: 1, reason: Some(reason) } if reason.contains("réessayer")), "{:?}", ledger.links[0].delivery);
    assert!(matches!(ledger.links[0].lifecycle, Lifecycle::Valid { .. }), "minted: the portal holds its request");
    // The message waits sealed: its bytes name no recipient and no link in clear.
    let sealed: Vec<Vec<u8>> = match &Sql::of(&desk.guichet).await {
        Sql::Sqlite(pool) => sqlx::query_scalar("SELECT sealed FROM mail_secret").fetch_all(pool).await.expect("rows"),
        Sql::Postgres(pool) => sqlx::query_scalar("SELECT sealed FROM mail_secret").fetch_all(pool).await.expect("rows"),
    };
    assert_eq!(sealed.len(), 1);
    let text = String::from_utf8_lossy(&sealed[0]);
    assert!(!text.contains("reset-password") && !text.contains("secretariat"), "sealed");
    // The retry is not due before its pause: nothing goes.
    assert_eq!(deliver_to(&desk.guichet, &server).await.retried, 0);
    let selector_before: Option<String> = match &Sql::of(&desk.guichet).await {
        Sql::Sqlite(pool) => sqlx::query_scalar("SELECT selector FROM reset_link").fetch_one(pool).await.expect("row"),
        Sql::Postgres(pool) => sqlx::query_scalar("SELECT selector FROM reset_link").fetch_one(pool).await.expect("row"),
    };
    // Once due, it goes again with the same link (no new mint) and the same Message-ID.
    let later = Utc::now() + chrono::Duration::seconds(20);
    assert_eq!(deliver_at(&desk.guichet, Some(&server.url()), Some(later)).await.retried, 1);
    let selector_after: Option<String> = match &Sql::of(&desk.guichet).await {
        Sql::Sqlite(pool) => sqlx::query_scalar("SELECT selector FROM reset_link").fetch_one(pool).await.expect("row"),
        Sql::Postgres(pool) => sqlx::query_scalar("SELECT selector FROM reset_link").fetch_one(pool).await.expect("row"),
    };
    assert_eq!(selector_before, selector_after, "the same link goes again");
    assert!(server.messages().is_empty(), "a 451 stores nothing");
});

on_both_backends!(keyring a_restart_after_the_commit_delivers_once_and_an_interrupted_send_goes_again_identical, |db| {
    store_signing_key(KERNEL_SECRET);
    let desk = desk(&db.url, |_| {}).await;
    desk.guichet.send_link(&desk.agent, HENRI_IV_PRINCIPAL, None).await.expect("committed");
    desk.guichet.close().await;
    // "Restart": a new process opens the same database and finds the request waiting.
    let restarted = Guichet::open(desk.guichet.settings().clone(), guichet_core::store::OpenMode::MustExist).await.expect("reopened");
    let server = Aiosmtpd::start();
    assert_eq!(deliver_to(&restarted, &server).await.sent, 1);
    assert_eq!(deliver_to(&restarted, &server).await.sent, 0);
    assert_eq!(server.messages().len(), 1);

    // A sender killed mid-delivery leaves its message 'sending', claimed by a sender that no
    // longer beats: the next sender sends it again, byte for byte.
    let agent = restarted.sign_in("camille", AGENT_PASSWORD).await.expect("agent");
    let email = "temp-fail.relance@ac-paris.fr";
    restarted.attach(&agent, email, &["0750654D".into()], false, None, None).await.expect("attached");
    restarted.send_link(&agent, email, None).await.expect("committed");
    assert_eq!(deliver_to(&restarted, &server).await.retried, 1, "minted, sealed, refused once");
    execute(&Sql::of(&restarted).await, "UPDATE mail_outbox SET state = 'sending', claimed_by = 999999 WHERE state = 'waiting'").await;
    execute(&Sql::of(&restarted).await, &format!("UPDATE mail_outbox SET recipient = 'relance@ac-paris.fr' WHERE recipient = '{email}'")).await;
    execute(&Sql::of(&restarted).await, &format!("UPDATE account SET email = 'relance@ac-paris.fr' WHERE email = '{email}'")).await;
    let report = deliver_to(&restarted, &server).await;
    assert_eq!((report.requeued, report.sent), (1, 1), "{report:?}");
    let messages = server.messages();
    assert_eq!(messages.len(), 2);
    let parsed = mail_parser::MessageParser::default().parse(&messages[1]).expect("parsed");
    // The bytes kept since the first attempt: still addressed as they were composed.
    assert_eq!(parsed.to().and_then(|a| a.first()).and_then(|a| a.address()), Some(email));
    let kept_id: Option<String> = match &Sql::of(&restarted).await {
        Sql::Sqlite(pool) => sqlx::query_scalar("SELECT message_id FROM mail_outbox WHERE recipient = 'relance@ac-paris.fr'").fetch_one(pool).await.expect("row"),
        Sql::Postgres(pool) => sqlx::query_scalar("SELECT message_id FROM mail_outbox WHERE recipient = 'relance@ac-paris.fr'").fetch_one(pool).await.expect("row"),
    };
    assert_eq!(kept_id.as_deref().map(|id| id.trim_matches(['<', '>'])), parsed.message_id(), "the Message-ID minted with the link");
    let reader = restarted.sign_in("lea", AGENT_PASSWORD).await.expect("reader");
    let ledger = restarted.address_links(&reader, "relance@ac-paris.fr").await.expect("ledger");
    assert!(matches!(&ledger.links[0].delivery, State::Sent { .. }), "{:?}", ledger.links[0].delivery);
});

on_both_backends!(keyring two_agents_sending_at_once_leave_exactly_one_valid_link, |db| {
    store_signing_key(KERNEL_SECRET);
    let desk = desk(&db.url, |_| {}).await;
    let other = desk.guichet.sign_in("sandrine", SUPERVISOR_PASSWORD).await.expect("second agent");
    let (a, b) = tokio::join!(
        desk.guichet.send_link(&desk.agent, HENRI_IV_PRINCIPAL, None),
        desk.guichet.send_link(&other, HENRI_IV_PRINCIPAL, None)
    );
    a.expect("first");
    b.expect("second");
    let server = Aiosmtpd::start();
    let report = deliver_to(&desk.guichet, &server).await;
    assert_eq!((report.sent, report.dropped), (1, 1), "the older request is replaced before it leaves");
    assert_eq!(server.messages().len(), 1);
    let ledger = desk.guichet.address_links(&desk.reader, HENRI_IV_PRINCIPAL).await.expect("ledger");
    let valid = ledger.links.iter().filter(|l| matches!(l.lifecycle, Lifecycle::Valid { .. })).count();
    let replaced = ledger.links.iter().filter(|l| matches!(l.lifecycle, Lifecycle::Replaced { .. })).count();
    assert_eq!((ledger.links.len(), valid, replaced), (2, 1, 1));
    assert!(matches!(ledger.links[1].delivery, State::Dropped { .. }), "{:?}", ledger.links[1].delivery);
});

// Agents at once on one establishment: every write waits its turn (on SQLite too, where a
// deferred transaction would fail with SQLITE_BUSY_SNAPSHOT) and none is lost.
on_both_backends!(keyring agents_writing_at_once_all_go_through, |db| {
    store_signing_key(KERNEL_SECRET);
    let desk = desk(&db.url, |_| {}).await;
    let (workers, calls) = (6, 5);
    let mut tasks = Vec::new();
    for worker in 0..workers {
        let (guichet, agent) = (desk.guichet.clone(), desk.agent.clone());
        tasks.push(tokio::spawn(async move {
            for n in 0..calls {
                let email = format!("ensemble.{worker}.{n}@ac-paris.fr");
                guichet.attach(&agent, &email, &["0750654D".into()], false, None, None).await?;
                guichet.send_link(&agent, &email, None).await?;
                guichet.detach(&agent, &email, "0750654D", None, None, None).await?;
            }
            Ok::<_, guichet_core::Error>(())
        }));
    }
    for task in tasks {
        task.await.expect("task").expect("every write went through");
    }
    let queued = "SELECT count(*) FROM mail_outbox WHERE recipient LIKE 'ensemble.%'";
    let attached = "SELECT count(*) FROM establishment_account ea JOIN account a ON a.id = ea.account_id \
                    WHERE a.email LIKE 'ensemble.%'";
    let (queued, attached): (i64, i64) = match &Sql::of(&desk.guichet).await {
        Sql::Sqlite(pool) => (sqlx::query_scalar(queued).fetch_one(pool).await.expect("count"),
                                sqlx::query_scalar(attached).fetch_one(pool).await.expect("count")),
        Sql::Postgres(pool) => (sqlx::query_scalar(queued).fetch_one(pool).await.expect("count"),
                                  sqlx::query_scalar(attached).fetch_one(pool).await.expect("count")),
    };
    assert_eq!(queued, workers * calls);
    assert_eq!(attached, 0);
});

on_both_backends!(keyring bad_requests_are_refused_and_write_nothing, |db| {
    store_signing_key(KERNEL_SECRET);
    let desk = desk(&db.url, |_| {}).await;
    let g = &desk.guichet;
    let unknown = g.send_link(&desk.agent, "personne@ac-paris.fr", None).await.expect_err("unknown");
    assert_eq!(unknown.kind(), ErrorKind::AddressNotFound);
    let syntax = g.send_link(&desk.agent, "personne.ac-paris.fr", None).await.expect_err("syntax");
    assert_eq!(syntax.kind(), ErrorKind::InvalidEmail);
    let reader = g.send_link(&desk.reader, HENRI_IV_PRINCIPAL, None).await.expect_err("role");
    assert_eq!(reader.kind(), ErrorKind::Forbidden);
    assert!(reader.message().contains("envoyer des liens"));
    let disabled = "UPDATE account SET disabled = TRUE WHERE lower(email) = 'ce.0750654d@ac-paris.fr'";
    match &Sql::of(g).await {
        Sql::Sqlite(pool) => sqlx::query(disabled).execute(pool).await.map(|_| ()),
        Sql::Postgres(pool) => sqlx::query(disabled).execute(pool).await.map(|_| ()),
    }
    .expect("disabled");
    let error = g.send_link(&desk.agent, HENRI_IV_PRINCIPAL, None).await.expect_err("disabled");
    assert_eq!(error.kind(), ErrorKind::AccountDisabled);
    let links: i64 = match &Sql::of(g).await {
        Sql::Sqlite(pool) => sqlx::query_scalar("SELECT count(*) FROM reset_link").fetch_one(pool).await.expect("count"),
        Sql::Postgres(pool) => sqlx::query_scalar("SELECT count(*) FROM reset_link").fetch_one(pool).await.expect("count"),
    };
    assert_eq!(links, 0, "no link written by any refusal");
});

on_both_backends!(keyring a_demonstration_database_never_mails_the_outside_world, |db| {
    store_signing_key(KERNEL_SECRET);
    let outbox = tempfile::tempdir().expect("folder");
    let relay = "smtp://relais.ac-paris.invalid:25";
    // The demo generator marks the database; its settings name a relay off this machine.
    let desk = desk(&db.url, |settings| {
        settings.data_dir = outbox.path().to_path_buf();
        settings.sending.set(SendingName::SmtpUrl, Some(relay.into()));
    })
    .await;
    assert!(db.store.is_demo().await.expect("marker"));
    let destination = desk.guichet.mail_destination().await.expect("destination");
    assert_eq!(destination, Destination::Files(outbox.path().join("outbox")));
    desk.guichet
        .send_link(&desk.agent, HENRI_IV_PRINCIPAL, None)
        .await
        .expect("sent");
    let report = deliver(&desk.guichet, Some(relay)).await;
    assert_eq!((report.sent, report.retried, report.failed), (1, 0, 0));
    let files: Vec<_> = std::fs::read_dir(outbox.path().join("outbox"))
        .expect("outbox folder")
        .collect();
    assert_eq!(files.len(), 1, "written to a file, not to the relay");
    let ledger = desk
        .guichet
        .address_links(&desk.reader, HENRI_IV_PRINCIPAL)
        .await
        .expect("ledger");
    assert!(
        matches!(&ledger.links[0].delivery, State::Sent { reply: Some(reply), .. } if reply.contains("Écrit dans")),
        "{:?}",
        ledger.links[0].delivery
    );

    // A test sink on the loopback receives the demo's mail.
    let server = Aiosmtpd::start();
    desk.guichet
        .send_link(&desk.agent, HENRI_IV_PRINCIPAL, None)
        .await
        .expect("sent");
    assert_eq!(deliver_to(&desk.guichet, &server).await.sent, 1);
    assert_eq!(server.messages().len(), 1);
});

on_both_backends!(a_database_of_the_siec_mails_through_its_relay, |db| {
    let mut settings = Settings::with_defaults(Some(db.url.clone()), std::env::temp_dir());
    settings.sending.set(
        SendingName::SmtpUrl,
        Some("smtp://relais.ac-paris.invalid:25".into()),
    );
    let guichet = Guichet::open(settings, guichet_core::store::OpenMode::MustExist)
        .await
        .expect("opened");
    assert!(!db.store.is_demo().await.expect("marker"));
    match guichet.mail_destination().await.expect("destination") {
        Destination::Smtp(config) => {
            assert_eq!(config.host, "relais.ac-paris.invalid");
        }
        other => panic!("{other:?}"),
    }
});

on_both_backends!(
    an_address_whose_every_establishment_closed_gets_no_link,
    |db| {
        let desk = desk(&db.url, |_| {}).await;
        let sql = Sql::of(&desk.guichet).await;
        let (closed_only, also_open, closing_later) = (
            "secretariat.ferme@ac-paris.fr",
            "secretariat.suite@ac-paris.fr",
            "secretariat.bientot@ac-paris.fr",
        );
        for email in [closed_only, also_open] {
            desk.guichet
                .attach(&desk.agent, email, &["0750654D".into()], false, None, None)
                .await
                .expect("attached");
        }
        desk.guichet
            .attach(
                &desk.agent,
                also_open,
                &["0750655E".into()],
                false,
                None,
                None,
            )
            .await
            .expect("attached to a second establishment");
        desk.guichet
            .attach(
                &desk.agent,
                closing_later,
                &["0750656F".into()],
                false,
                None,
                None,
            )
            .await
            .expect("attached");
        execute(
            &sql,
            "UPDATE establishment SET closed_on = '2026-01-15' WHERE uai = '0750654D'",
        )
        .await;
        execute(
            &sql,
            "UPDATE establishment SET closed_on = '2999-06-30' WHERE uai = '0750656F'",
        )
        .await;
        let (outbox, links) = (
            sql.count("mail_outbox").await,
            sql.count("reset_link").await,
        );

        // Attached to Henri-IV alone, closed since January: refused, saying which one and why.
        let refused = desk
            .guichet
            .send_link(&desk.agent, closed_only, None)
            .await
            .expect_err("a closed establishment gets no link");
        assert_eq!(refused.kind(), ErrorKind::EstablishmentClosed);
        let message = refused.message();
        assert!(
            message.contains("0750654D") && message.contains("fermé"),
            "{message}"
        );
        assert_eq!(sql.count("mail_outbox").await, outbox, "nothing queued");
        assert_eq!(
            sql.count("reset_link").await,
            links,
            "nothing in the ledger"
        );
        let journaled = sql
        .number(&format!(
            "SELECT count(*) FROM audit_event WHERE action = 'link_sent' AND email = '{closed_only}'"
        ))
        .await;
        assert_eq!(journaled, 0);

        // Attached to an open establishment too, or to one closing later: the link is asked for.
        for email in [also_open, closing_later] {
            desk.guichet
                .send_link(&desk.agent, email, None)
                .await
                .unwrap_or_else(|error| panic!("{email}: {error}"));
        }
        assert_eq!(sql.count("mail_outbox").await, outbox + 2);
    }
);
