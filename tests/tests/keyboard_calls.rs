//! The three calls of the helpdesk's day with the keyboard alone, each counted: the keys pressed
//! beyond what the caller dictates, and the screens crossed (`guichet_tests::keyboard`). The
//! counts are bounds a change may not exceed; `docs/BENCHMARKS.md` keeps them.

use guichet_tests::desktop::Desktop;
use guichet_tests::keyboard::{Keyboard, report, wait_for_focus};
use guichet_tests::smtp::Aiosmtpd;
use guichet_tests::{AGENT_PASSWORD, Sql, demo_team, in_session_keyring, store_signing_key};
use thirtyfour::prelude::Key;

const SIGNING_KEY: &str = "ThisIsTheSymfonyKernelSecret-4f1e2d";
const HENRI_IV: &str = "0750654D";
const HENRI_IV_PRINCIPAL: &str = "ce.0750654d@ac-paris.fr";

/// The demo database and its team, the window signed in as camille on the search page, links
/// mailed to `server`.
async fn signed_in(server: &Aiosmtpd) -> (tempfile::TempDir, Desktop) {
    let data = tempfile::tempdir().expect("temporary directory");
    demo_team(data.path()).await;
    let dir = data.path().to_str().expect("UTF-8 path").to_string();
    let smtp = server.url();
    let desktop = Desktop::launch(&[("GUICHET_DATA_DIR", &dir), ("GUICHET_SMTP_URL", &smtp)]).await;
    desktop.sign_in("camille", AGENT_PASSWORD).await;
    desktop.element("#search-input").await;
    wait_for_focus(&desktop, "search-input").await;
    (data, desktop)
}

/// The address the mail went to.
fn recipient(message: &[u8]) -> String {
    let parsed = mail_parser::MessageParser::default()
        .parse(message)
        .expect("parsed");
    parsed
        .to()
        .and_then(|to| to.first())
        .and_then(|to| to.address())
        .expect("a recipient")
        .to_string()
}

/// The journal's actions on `email`, oldest first.
async fn journal(data: &tempfile::TempDir, email: &str) -> Vec<String> {
    let sql = Sql::open(&format!(
        "sqlite://{}",
        data.path().join("guichet-demo.sqlite").display()
    ))
    .await;
    let actions = sql
        .texts(&format!(
            "SELECT action FROM audit_event WHERE email = '{email}' ORDER BY id"
        ))
        .await;
    sql.close().await;
    actions
}

#[tokio::test]
async fn an_unrecognised_address_gets_its_link_as_the_new_principal_address() {
    let Some(_secrets) = in_session_keyring() else {
        return;
    };
    store_signing_key(SIGNING_KEY);
    let server = Aiosmtpd::start();
    let (data, desktop) = signed_in(&server).await;
    let caller = "secretariat.llg@ac-paris.fr";
    let mut keyboard = Keyboard::start(&desktop).await;

    // The address, unknown: Entrée takes the diagnosis's step, « ajouter et rattacher ».
    keyboard.dictate(caller).await;
    desktop.element("#diagnosis-step-0[data-step=attach]").await;
    keyboard.key(Key::Enter).await;
    assert_eq!(desktop.focused_id().await, "step-establishment-input");
    // The establishment chosen in the panel, the address made principal.
    keyboard.dictate(HENRI_IV).await;
    desktop
        .element(&format!("#step-establishment-0[data-uai=\"{HENRI_IV}\"]"))
        .await;
    keyboard.key(Key::Enter).await;
    desktop.element("#step-target").await;
    wait_for_focus(&desktop, "step-principal").await;
    keyboard.key(Key::Space).await;
    desktop.check_screen("diagnostic-ajouter").await;
    keyboard.key(Key::Enter).await;
    let question = desktop
        .element("#step-question")
        .await
        .text()
        .await
        .expect("text");
    assert!(question.contains("adresse principale"), "{question}");
    assert_eq!(desktop.focused_id().await, "step-confirm");
    keyboard.key(Key::Enter).await;
    desktop.element_with_text("#step-outcome", caller).await;
    desktop.check_screen("diagnostic-ajoute").await;
    // One key to the link's question, one to send it.
    assert_eq!(desktop.focused_id().await, "step-send");
    keyboard.key(Key::Enter).await;
    desktop.element("#send-confirm").await;
    assert_eq!(desktop.focused_id().await, "send-confirm");
    keyboard.key(Key::Enter).await;
    desktop.element_with_text("#send-outcome", caller).await;

    let messages = server.wait_for_messages(1);
    assert_eq!(recipient(&messages[0]), caller);
    let journal = journal(&data, caller).await;
    for action in ["address_added", "attached", "link_sent"] {
        assert!(
            journal.iter().any(|a| a == action),
            "{action} not in {journal:?}"
        );
    }
    report("adresse-non-reconnue", keyboard.cost().await, 7, 0);
    desktop.quit().await;
}

#[tokio::test]
async fn a_new_address_is_added_and_made_principal() {
    let server = Aiosmtpd::start();
    let (_data, desktop) = signed_in(&server).await;
    let new_address = "secretariat.henri4@ac-paris.fr";
    let mut keyboard = Keyboard::start(&desktop).await;

    // The new address, unknown: added and attached from its diagnosis, made principal.
    keyboard.dictate(new_address).await;
    desktop.element("#diagnosis-step-0[data-step=attach]").await;
    keyboard.key(Key::Enter).await;
    wait_for_focus(&desktop, "step-establishment-input").await;
    keyboard.dictate(HENRI_IV).await;
    desktop
        .element(&format!("#step-establishment-0[data-uai=\"{HENRI_IV}\"]"))
        .await;
    keyboard.key(Key::Enter).await;
    wait_for_focus(&desktop, "step-principal").await;
    keyboard.key(Key::Space).await;
    keyboard.key(Key::Enter).await;
    wait_for_focus(&desktop, "step-confirm").await;
    keyboard.key(Key::Enter).await;
    desktop
        .element_with_text("#step-outcome", new_address)
        .await;
    let cost = keyboard.cost().await;

    // Its establishment's page says so.
    desktop.click("#step-open").await;
    desktop
        .element_with_text("#principal-address", new_address)
        .await;
    report("association-manuelle", cost, 5, 0);
    desktop.quit().await;
}

#[tokio::test]
async fn a_caller_without_a_link_gets_a_fresh_one() {
    let Some(_secrets) = in_session_keyring() else {
        return;
    };
    store_signing_key(SIGNING_KEY);
    let server = Aiosmtpd::start();
    let (_data, desktop) = signed_in(&server).await;
    let mut keyboard = Keyboard::start(&desktop).await;

    // The caller's address: its result opens the establishment at the address's links.
    keyboard.dictate(HENRI_IV_PRINCIPAL).await;
    desktop.element("#search-result-0[data-kind=address]").await;
    keyboard.key(Key::Enter).await;
    desktop
        .element_with_text("#address-title", HENRI_IV_PRINCIPAL)
        .await;
    desktop.element("#address-status").await;
    wait_for_focus(&desktop, "send-link").await;
    keyboard.key(Key::Enter).await;
    wait_for_focus(&desktop, "send-confirm").await;
    keyboard.key(Key::Enter).await;
    desktop
        .element_with_text("#send-outcome", HENRI_IV_PRINCIPAL)
        .await;

    let messages = server.wait_for_messages(1);
    assert_eq!(recipient(&messages[0]), HENRI_IV_PRINCIPAL);
    report("lien-jamais-recu", keyboard.cost().await, 3, 1);
    desktop.quit().await;
}
