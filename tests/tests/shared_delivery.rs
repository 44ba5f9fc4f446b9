//! What became of a message on a shared database: the sender service (`envoi`, its own role)
//! records the relay's answer and reads the bounce mailbox with the password in its keyring; an
//! agent reads the verdict in the ledger and the establishment's page; PostgreSQL refuses an
//! agent who would write a verdict or read the mailbox's state, and a reader who would record a
//! report.

use guichet_core::mail::delivery::DeliveryStatus;
use guichet_core::secrets::{Secret, SecretName};
use guichet_tests::bounces::{Original, Shape, report_dated};
use guichet_tests::cluster::SharedDesk;
use guichet_tests::imap::{Dovecot, PASSWORD, USER};
use guichet_tests::smtp::{Aiosmtpd, AiosmtpdOptions};
use guichet_tests::{AGENT_PASSWORD, SUPERVISOR_PASSWORD};
use sqlx::Executor;

const INSUFFICIENT_PRIVILEGE: &str = "42501";
const LYCEE: &str = "0750654D";
const EMAIL: &str = "secretariat.disparu@ac-paris.fr";

#[tokio::test]
async fn the_sender_records_a_bounce_an_agent_reads_it_and_the_database_refuses_the_others() {
    let Some(_secrets) = guichet_tests::in_session_keyring() else {
        return;
    };
    let desk = SharedDesk::start().await;
    let smtp = Aiosmtpd::start_with(AiosmtpdOptions {
        dsn: true,
        ..Default::default()
    });
    let dovecot = Dovecot::start();
    let (guichet, sandrine) = desk
        .sign_in("sandrine", SUPERVISOR_PASSWORD)
        .await
        .expect("sandrine");
    for (name, value) in [
        ("bounce_address", "retours@siec.education.fr"),
        ("bounce_imap_host", dovecot.host().as_str()),
        ("bounce_imap_user", USER),
    ] {
        guichet
            .set_sending_setting(&sandrine, name, value)
            .await
            .expect("a bounce setting");
    }
    let (camille_guichet, camille) = desk
        .sign_in("camille", AGENT_PASSWORD)
        .await
        .expect("camille");
    camille_guichet
        .attach(&camille, EMAIL, &[LYCEE.into()], false, None, None)
        .await
        .expect("attached");
    camille_guichet
        .send_link(&camille, EMAIL, None)
        .await
        .expect("asked for");

    guichet_tests::store_signing_key("kernel-secret-partage-0123456789");
    guichet_core::keyring::Keyring::from_env()
        .expect("keyring")
        .set(SecretName::BounceImapPassword, &Secret::new(PASSWORD))
        .expect("the mailbox's password");
    let sender = desk.sender_trusting(&smtp.url(), dovecot.ca_file()).await;
    let sent = sender.deliver_due().await.expect("a pass");
    assert_eq!(sent.sent, 1, "{sent:?}");
    let ledger = camille_guichet
        .address_links(&camille, EMAIL)
        .await
        .expect("ledger");
    assert_eq!(ledger.links[0].outcome.status, DeliveryStatus::Accepted);
    assert_eq!(ledger.links[0].outcome.code, Some(250));

    let mut owner: sqlx::PgConnection = sqlx::Connection::connect(&desk.owner_url())
        .await
        .expect("the owner connects");
    let (message_id, return_path): (String, String) =
        sqlx::query_as("SELECT message_id, return_path FROM mail_outbox")
            .fetch_one(&mut owner)
            .await
            .expect("the message");
    let original = Original {
        message_id: message_id.trim_matches(['<', '>']).to_string(),
        recipient: EMAIL.into(),
        return_path,
    };
    dovecot.deliver(&[report_dated(
        Shape::PostfixBounce,
        &original,
        "rapport-partage@mx.test",
        chrono::Utc::now(),
    )]);
    let reading = sender.read_bounces().await.expect("the mailbox is read");
    sender.stop().await;
    assert_eq!(reading.matched.len(), 1, "{reading:?}");

    // The agent reads the verdict in the ledger and on the establishment's page.
    let ledger = camille_guichet
        .address_links(&camille, EMAIL)
        .await
        .expect("ledger");
    assert_eq!(ledger.links[0].outcome.status, DeliveryStatus::Bounced);
    let page = camille_guichet
        .establishment(&camille, LYCEE)
        .await
        .expect("page");
    let flagged = page
        .addresses
        .iter()
        .find(|address| address.email == EMAIL)
        .and_then(|address| address.undelivered.clone())
        .expect("flagged");
    assert_eq!(flagged.enhanced.as_deref(), Some("5.1.1"));
    let settings = guichet.settings_view(&sandrine).await.expect("settings");
    assert_eq!(settings.bounces.matched, 1);
    assert!(settings.bounces.configured);

    // Over plain SQL: an agent writes no verdict and reads no mailbox; a reader records nothing.
    let mut plain = desk
        .connect("camille", AGENT_PASSWORD)
        .await
        .expect("camille connects");
    for sql in [
        "UPDATE mail_outbox SET report_verdict = NULL",
        "UPDATE mail_outbox SET relay_code = 250",
        "SELECT * FROM bounce_mailbox",
        "INSERT INTO mail_report (outbox_id, report_key, verdict, matched_by, reported_at, read_at) \
         VALUES (1, 'faux', 'bounced', 'envid', now(), now())",
    ] {
        match plain.execute(sql).await {
            Err(sqlx::Error::Database(db)) => {
                assert_eq!(db.code().as_deref(), Some(INSUFFICIENT_PRIVILEGE), "{sql}")
            }
            other => panic!("{sql}: {other:?}"),
        }
    }
    let mut reader = desk.connect("lea", AGENT_PASSWORD).await.expect("lea");
    let refused = reader
        .execute("DELETE FROM mail_report")
        .await
        .expect_err("a reader deletes nothing");
    assert!(
        matches!(refused, sqlx::Error::Database(db) if db.code().as_deref() == Some(INSUFFICIENT_PRIVILEGE))
    );
    let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM mail_report")
        .fetch_one(&mut owner)
        .await
        .expect("count");
    assert_eq!(kept, 1);
}
