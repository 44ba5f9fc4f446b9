//! The three calls of the helpdesk's day with the keyboard alone, each counted: the keys pressed
//! beyond what the caller dictates, and the screens crossed (`guichet_tests::keyboard`). The
//! counts are bounds a change may not exceed; `docs/BENCHMARKS.md` keeps them.

use guichet_tests::desktop::Desktop;
use guichet_tests::keyboard::{Keyboard, report, wait_for_focus};
use guichet_tests::smtp::Aiosmtpd;
use guichet_tests::{AGENT_PASSWORD, demo_team, in_session_keyring, store_signing_key};
use thirtyfour::prelude::*;

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

/// Ctrl+K and a query; then the arrows down to the first option whose command id starts with
/// `command` and whose label holds `label`.
async fn palette_to(
    keyboard: &mut Keyboard<'_>,
    desktop: &Desktop,
    query: &str,
    command: &str,
    label: &str,
) {
    keyboard.palette().await;
    keyboard.type_text(query).await;
    let options = desktop
        .driver
        .find_all(By::Css("#palette-options [data-command]"))
        .await
        .expect("options");
    let mut index = None;
    for (at, option) in options.iter().enumerate() {
        let id = option.attr("data-command").await.expect("attribute");
        let text = option.text().await.expect("text");
        if id.is_some_and(|id| id.starts_with(command)) && text.contains(label) {
            index = Some(at as u32);
            break;
        }
    }
    let index = index.unwrap_or_else(|| panic!("the palette offers no {command} for « {query} »"));
    keyboard.keys(Key::Down, index).await;
    keyboard.key(Key::Enter).await;
    desktop.gone("#command-palette").await;
}

#[tokio::test]
async fn an_unrecognised_address_gets_its_link_as_the_new_principal_address() {
    let Some(_secrets) = in_session_keyring() else {
        return;
    };
    store_signing_key(SIGNING_KEY);
    let server = Aiosmtpd::start();
    let (_data, desktop) = signed_in(&server).await;
    let caller = "secretariat.llg@ac-paris.fr";
    let mut keyboard = Keyboard::start(&desktop).await;

    keyboard.dictate(caller).await;
    desktop.element("#diagnosis-panel").await;
    keyboard.key(Key::Escape).await;
    keyboard.dictate(HENRI_IV).await;
    desktop
        .element(&format!(".guichet-result[data-uai=\"{HENRI_IV}\"]"))
        .await;
    keyboard.key(Key::Enter).await;
    desktop
        .element_with_text("#establishment-uai", HENRI_IV)
        .await;
    palette_to(&mut keyboard, &desktop, "rattacher", "attach", "").await;
    assert_eq!(desktop.focused_id().await, "attach-email");
    keyboard.dictate(caller).await;
    keyboard.key(Key::Tab).await;
    keyboard.key(Key::Space).await;
    keyboard.key(Key::Tab).await;
    keyboard.key(Key::Enter).await;
    desktop.element("#confirm-box").await;
    keyboard.key(Key::Enter).await;
    desktop
        .element_with_text("#principal-address", caller)
        .await;
    palette_to(&mut keyboard, &desktop, "liens", "links-", caller).await;
    desktop.element_with_text("#address-title", caller).await;
    palette_to(&mut keyboard, &desktop, "envoyer", "send-link", "").await;
    desktop.element("#send-confirm").await;
    keyboard.key(Key::Enter).await;
    desktop.element_with_text("#send-outcome", caller).await;

    let messages = server.wait_for_messages(1);
    assert_eq!(recipient(&messages[0]), caller);
    report("adresse-non-reconnue", keyboard.cost().await, 37, 1);
    desktop.quit().await;
}

#[tokio::test]
async fn a_new_address_is_added_and_made_principal() {
    let server = Aiosmtpd::start();
    let (_data, desktop) = signed_in(&server).await;
    let new_address = "secretariat.henri4@ac-paris.fr";
    let mut keyboard = Keyboard::start(&desktop).await;

    keyboard.dictate(HENRI_IV).await;
    desktop
        .element(&format!(".guichet-result[data-uai=\"{HENRI_IV}\"]"))
        .await;
    keyboard.key(Key::Enter).await;
    desktop
        .element_with_text("#establishment-uai", HENRI_IV)
        .await;
    palette_to(&mut keyboard, &desktop, "rattacher", "attach", "").await;
    keyboard.dictate(new_address).await;
    keyboard.key(Key::Tab).await;
    keyboard.key(Key::Space).await;
    keyboard.key(Key::Tab).await;
    keyboard.key(Key::Enter).await;
    desktop.element("#confirm-box").await;
    keyboard.key(Key::Enter).await;
    desktop
        .element_with_text("#principal-address", new_address)
        .await;
    report("association-manuelle", keyboard.cost().await, 17, 1);
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

    keyboard.dictate(HENRI_IV_PRINCIPAL).await;
    desktop.element("#search-result-0[data-kind=address]").await;
    keyboard.key(Key::Enter).await;
    desktop
        .element_with_text("#establishment-uai", HENRI_IV)
        .await;
    palette_to(
        &mut keyboard,
        &desktop,
        "liens",
        "links-",
        HENRI_IV_PRINCIPAL,
    )
    .await;
    desktop
        .element_with_text("#address-title", HENRI_IV_PRINCIPAL)
        .await;
    palette_to(&mut keyboard, &desktop, "envoyer", "send-link", "").await;
    desktop.element("#send-confirm").await;
    keyboard.key(Key::Enter).await;
    desktop
        .element_with_text("#send-outcome", HENRI_IV_PRINCIPAL)
        .await;

    let messages = server.wait_for_messages(1);
    assert_eq!(recipient(&messages[0]), HENRI_IV_PRINCIPAL);
    report("lien-jamais-recu", keyboard.cost().await, 19, 1);
    desktop.quit().await;
}
