//! The three calls of the helpdesk's day, end to end: the real window under Xvfb, the demo
//! database on SQLite, a kernel keyring of the test's own and aiosmtpd on loopback. One is done
//! with the keyboard alone; the last one is the third call on a shared database, where the sender
//! service, not the window, mails the link.

use guichet_core::agents::Session;
use guichet_core::mail::sending::SendingName;
use guichet_core::store::OpenMode;
use guichet_core::{Guichet, Settings};
use guichet_tests::desktop::Desktop;
use guichet_tests::smtp::{Aiosmtpd, reset_link};
use guichet_tests::{AGENT_PASSWORD, demo_team, in_session_keyring, store_signing_key};
use thirtyfour::prelude::*;

const SIGNING_KEY: &str = "ThisIsTheSymfonyKernelSecret-4f1e2d";
const HENRI_IV: &str = "0750654D";
const HENRI_IV_PRINCIPAL: &str = "ce.0750654d@ac-paris.fr";

/// The demo database with its team, in a folder of the test's own.
async fn demo_data() -> (tempfile::TempDir, String) {
    let data = tempfile::tempdir().expect("temporary directory");
    demo_team(data.path()).await;
    let dir = data.path().to_str().expect("UTF-8 path").to_string();
    (data, dir)
}

/// Pastes a link into « Vérifier un lien », reached from the palette, and reads the verdict.
async fn verdict_of(desktop: &Desktop, link: &str) -> String {
    palette(desktop, "vérifier un lien").await;
    desktop.press(Key::Enter).await;
    let field = desktop.element("#link-input").await;
    field.clear().await.expect("cleared");
    field.send_keys(link).await.expect("pasted");
    // The previous verdict goes with the edit, so the one read below is this link's.
    desktop.gone("#link-verdict").await;
    desktop.click("#check-submit").await;
    let verdict = desktop.element("#link-verdict").await;
    verdict
        .attr("data-verdict")
        .await
        .expect("attribute")
        .unwrap_or_default()
}

#[tokio::test]
async fn an_unrecognised_address_is_diagnosed_attached_as_principal_and_sent_a_valid_link() {
    let Some(_secrets) = in_session_keyring() else {
        return;
    };
    store_signing_key(SIGNING_KEY);
    let server = Aiosmtpd::start();
    let (_data, dir) = demo_data().await;
    let smtp = server.url();
    let desktop = Desktop::launch(&[("GUICHET_DATA_DIR", &dir), ("GUICHET_SMTP_URL", &smtp)]).await;
    desktop.sign_in("camille", AGENT_PASSWORD).await;
    let caller = "secretariat.llg@ac-paris.fr";

    // "My address is not recognised": the search finds nothing, the diagnosis says what to do.
    desktop.type_into("#search-input", caller).await;
    let diagnosis = desktop.element("#diagnosis-panel").await;
    let verdict = diagnosis.attr("data-verdict").await.expect("attribute");
    assert!(
        verdict.as_deref().is_some_and(|v| v != "known"),
        "{verdict:?}"
    );
    assert!(
        !desktop
            .element("#diagnosis-action")
            .await
            .text()
            .await
            .expect("text")
            .is_empty()
    );
    desktop.check_screen("diagnostic").await;

    // The establishment, misspelt, then the address added, attached and made principal.
    desktop.press(Key::Escape).await;
    desktop
        .type_into("#search-input", "lycee louis le grnd")
        .await;
    desktop
        .element_with_text("#search-result-0", "LOUIS LE GRAND")
        .await;
    desktop.press(Key::Enter).await;
    desktop
        .element_with_text("#establishment-name", "LOUIS LE GRAND")
        .await;
    desktop.type_into("#attach-email", caller).await;
    desktop.click("label[for=attach-principal-0]").await;
    desktop.click("#attach-submit").await;
    desktop.click("#confirm-action").await;
    desktop
        .element_with_text("#principal-address", caller)
        .await;

    // A link, sent through the outbox to the SMTP server.
    desktop
        .click(&format!("tr[data-email='{caller}'] [data-action=links]"))
        .await;
    desktop
        .element_with_text("#address-panel", "aucun lien")
        .await;
    desktop.check_screen("liens-aucun").await;
    desktop.click("#send-link").await;
    desktop.click("#send-confirm").await;
    desktop.element_with_text("#send-outcome", caller).await;
    let messages = server.wait_for_messages(1);
    assert_eq!(messages.len(), 1, "one message, sent once");
    let parsed = mail_parser::MessageParser::default()
        .parse(&messages[0])
        .expect("parsed");
    let to = parsed
        .to()
        .and_then(|to| to.first())
        .and_then(|to| to.address())
        .expect("a recipient");
    assert_eq!(to, caller);
    desktop
        .element("#link-ledger tr[data-delivery=sent][data-lifecycle=valid]")
        .await;
    desktop.check_screen("liens-adresse").await;

    // Another link within the hour: the window says it would make this one unusable; cancelled.
    desktop.click("#send-link").await;
    desktop
        .element_with_text(
            "#send-recent",
            "en envoyer un autre rendra le premier inutilisable",
        )
        .await;
    desktop.check_screen("lien-recent").await;
    desktop.click("#send-cancel").await;
    desktop.gone("#send-recent").await;

    // The link as the caller reads it is valid.
    let link = reset_link(&messages[0]);
    assert_eq!(verdict_of(&desktop, &link).await, "valid");
    desktop.check_screen("lien-valable").await;
    desktop.quit().await;
}

#[tokio::test]
async fn an_expired_link_is_explained_and_replaced_by_a_new_one() {
    let Some(_secrets) = in_session_keyring() else {
        return;
    };
    store_signing_key(SIGNING_KEY);
    let server = Aiosmtpd::start();
    let (data, dir) = demo_data().await;

    // Yesterday's call: a link that lives two seconds, delivered, then left to expire.
    let mut settings = Settings::with_defaults(None, data.path().to_path_buf());
    settings
        .sending
        .set(SendingName::LinkLifetimeSeconds, Some("2".into()));
    let guichet = Guichet::open(settings, OpenMode::MustExist)
        .await
        .expect("opened");
    let camille: Session = guichet
        .sign_in("camille", AGENT_PASSWORD)
        .await
        .expect("signed in");
    guichet
        .send_link(&camille, HENRI_IV_PRINCIPAL, Some("premier appel"))
        .await
        .expect("sent");
    let report = guichet_tests::deliver(&guichet, Some(&server.url())).await;
    assert_eq!(report.sent, 1);
    guichet.close().await;
    let old_link = reset_link(&server.wait_for_messages(1)[0]);
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;

    let smtp = server.url();
    let desktop = Desktop::launch(&[("GUICHET_DATA_DIR", &dir), ("GUICHET_SMTP_URL", &smtp)]).await;
    desktop.sign_in("camille", AGENT_PASSWORD).await;
    desktop.element("#search-input").await;

    // The caller pastes the link: expired, and the window says why and to whom it went.
    assert_eq!(verdict_of(&desktop, &old_link).await, "expired");
    let explained = desktop
        .element("#link-verdict")
        .await
        .text()
        .await
        .expect("text");
    assert!(explained.contains("Lien expiré"), "{explained}");
    assert!(explained.contains(HENRI_IV_PRINCIPAL), "{explained}");
    desktop.check_screen("lien-expire").await;

    // A new link from the address's panel.
    desktop.click("#open-address").await;
    desktop
        .element("#link-ledger tr[data-lifecycle=expired]")
        .await;
    desktop.click("#send-link").await;
    desktop.click("#send-confirm").await;
    let messages = server.wait_for_messages(2);
    assert_eq!(messages.len(), 2);
    let new_link = reset_link(&messages[1]);
    assert_ne!(new_link, old_link);
    desktop
        .element("#link-ledger tr[data-delivery=sent][data-lifecycle=valid]")
        .await;
    desktop
        .element("#link-ledger tr[data-lifecycle=replaced]")
        .await;

    // The old link is now replaced, the new one valid.
    assert_eq!(verdict_of(&desktop, &old_link).await, "replaced");
    desktop.check_screen("lien-remplace").await;
    assert_eq!(verdict_of(&desktop, &new_link).await, "valid");
    desktop.quit().await;
}

/// Ctrl+K, then the words that find the command.
async fn palette(desktop: &Desktop, typed: &str) {
    desktop.open_palette().await;
    desktop.press(typed).await;
}

#[tokio::test]
async fn a_new_secretariat_replaces_the_principal_address_with_the_keyboard_alone() {
    let (_data, dir) = demo_data().await;
    let desktop = Desktop::launch(&[("GUICHET_DATA_DIR", &dir)]).await;
    let new_address = "secretariat.henri4@ac-paris.fr";

    // Sign in: the login field has the focus.
    desktop.element("#login").await;
    assert_eq!(desktop.focused_id().await, "login");
    desktop.press("camille").await;
    desktop.press(Key::Tab).await;
    desktop.press(AGENT_PASSWORD).await;
    desktop.press(Key::Enter).await;

    // The establishment by its UAI, from the search field that has the focus.
    desktop.element("#search-input").await;
    assert_eq!(desktop.focused_id().await, "search-input");
    desktop.press(HENRI_IV).await;
    desktop
        .element(&format!(".guichet-result[data-uai=\"{HENRI_IV}\"]"))
        .await;
    desktop.press(Key::Enter).await;
    desktop
        .element_with_text("#establishment-uai", HENRI_IV)
        .await;

    // The palette finds the attach form; the new address becomes the principal one.
    palette(&desktop, "rattacher").await;
    desktop.check_screen("palette").await;
    desktop.press(Key::Enter).await;
    desktop.gone("#command-palette").await;
    assert_eq!(desktop.focused_id().await, "attach-email");
    desktop.press(new_address).await;
    desktop.press(Key::Tab).await;
    desktop.press(Key::Space).await;
    desktop.press(Key::Tab).await;
    desktop.press("changement de secrétariat").await;
    desktop.press(Key::Enter).await;
    desktop.element("#confirm-box").await;
    assert_eq!(desktop.focused_id().await, "confirm-action");
    let question = desktop
        .element("#confirm-question")
        .await
        .text()
        .await
        .expect("text");
    assert!(question.contains("adresse principale"), "{question}");
    desktop.press(Key::Enter).await;
    desktop
        .element_with_text("#principal-address", new_address)
        .await;

    // The old address, detached from the palette.
    palette(&desktop, &format!("détacher {HENRI_IV_PRINCIPAL}")).await;
    let first = desktop.element("#palette-option-0").await;
    let command = first.attr("data-command").await.expect("attribute");
    assert!(
        command.as_deref().is_some_and(|c| c.starts_with("detach-")),
        "{command:?}"
    );
    desktop.press(Key::Enter).await;
    desktop.element("#confirm-box").await;
    assert_eq!(desktop.focused_id().await, "confirm-action");
    desktop.press(Key::Enter).await;
    desktop
        .gone(&format!("tr[data-email=\"{HENRI_IV_PRINCIPAL}\"]"))
        .await;

    // Both changes in the timeline, with the call's note.
    let timeline = desktop
        .element_with_text("#timeline", "Adresse détachée")
        .await
        .text()
        .await
        .expect("text");
    assert!(
        timeline.contains("Adresse principale changée"),
        "{timeline}"
    );
    assert!(timeline.contains(HENRI_IV_PRINCIPAL), "{timeline}");
    assert!(timeline.contains(new_address), "{timeline}");
    desktop.scroll_to("#timeline").await;
    desktop.check_screen("secretariat-change").await;

    // "?" shows the shortcuts; Escape closes them and the focus comes back.
    desktop.press(Key::Escape).await;
    desktop.element("#search-input").await;
    desktop.press(Key::Tab).await;
    desktop.press("?").await;
    desktop.element("#help-panel").await;
    desktop.check_screen("aide").await;
    desktop.press(Key::Escape).await;
    desktop.gone("#help-panel").await;
    desktop.quit().await;
}

/// The desk's sender service running in the background, mailing `smtp`, until told to stop.
async fn run_service(
    desk: &guichet_tests::cluster::SharedDesk,
    smtp: &str,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let sender = desk.sender(smtp).await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(async move {
        sender
            .run_until(async {
                let _ = stopped.await;
            })
            .await;
        sender.stop().await;
    });
    (stop, running)
}

// The sender runs on the test's runtime while the test waits for the SMTP server: two threads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_shared_mode_the_sender_service_mails_what_the_window_asks_for() {
    let Some(_secrets) = in_session_keyring() else {
        return;
    };
    let desk = guichet_tests::cluster::SharedDesk::start().await;
    let server = Aiosmtpd::start();
    let caller = "secretariat.partage@ac-paris.fr";
    let (guichet, camille) = desk
        .sign_in("camille", AGENT_PASSWORD)
        .await
        .expect("camille");
    guichet
        .attach(&camille, caller, &[HENRI_IV.into()], false, None, None)
        .await
        .expect("attached");
    guichet.sign_out().await;

    // The sender service holds the key; its SMTP server does not answer yet.
    store_signing_key(SIGNING_KEY);
    let down = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("free port")
        .port();
    let (stop_dead, dead) = run_service(&desk, &format!("smtp://127.0.0.1:{down}")).await;

    // The agent's window holds no key: its keyring entries are of their own, and empty.
    let data = tempfile::tempdir().expect("temporary directory");
    let url = desk.agents_url();
    let desktop = Desktop::launch(&[
        ("GUICHET_DATABASE_URL", url.as_str()),
        (
            "GUICHET_DATA_DIR",
            data.path().to_str().expect("UTF-8 path"),
        ),
        ("GUICHET_KEYRING", "keyutils"),
        ("GUICHET_KEYRING_SERVICE", "guichet-siec-poste-sans-cle"),
    ])
    .await;
    desktop.sign_in("camille", AGENT_PASSWORD).await;
    desktop.type_into("#search-input", "0750654d").await;
    desktop.element_with_text("#search-result-0", "HENRI").await;
    desktop.press(Key::Enter).await;
    desktop.element("#establishment-name").await;
    desktop
        .click(&format!("tr[data-email='{caller}'] [data-action=links]"))
        .await;
    desktop.click("#send-link").await;
    desktop.click("#send-confirm").await;
    desktop.element_with_text("#send-outcome", caller).await;
    // In the queue; every window says why it does not leave.
    desktop
        .element("#link-ledger tr[data-delivery=waiting][data-lifecycle=requested]")
        .await;
    desktop
        .element_with_text("#sending-problem", "Les liens ne partent pas")
        .await;
    desktop
        .element_with_text("#sending-problem", "injoignable")
        .await;
    desktop.check_screen("liens-ne-partent-pas").await;

    // The server is put right: the link leaves, and the window follows it through the change log.
    stop_dead.send(()).expect("stop");
    dead.await.expect("stopped");
    let (stop_live, live) = run_service(&desk, &server.url()).await;
    let messages = server.wait_for_messages(1);
    desktop
        .element("#link-ledger tr[data-delivery=sent][data-lifecycle=valid]")
        .await;
    desktop.gone("#sending-problem").await;
    desktop.check_screen("liens-partage-envoye").await;
    let link = reset_link(&messages[0]);
    assert_eq!(verdict_of(&desktop, &link).await, "valid");
    desktop.quit().await;
    stop_live.send(()).expect("stop");
    live.await.expect("stopped");
}
