//! « Je n'ai jamais reçu le lien », in the real window: an agent sends a link to an address the
//! relay refuses (aiosmtpd's 550 5.1.1) and one to an address it accepts; the ledger says which
//! is which, with the relay's raw reply folded for experts, and the establishment's page flags
//! the refused address. A supervisor then finds the bounce mailbox unset in the settings, sets
//! its server, and reads why it cannot be read.

use guichet_tests::desktop::Desktop;
use guichet_tests::smtp::{Aiosmtpd, AiosmtpdOptions};
use guichet_tests::{
    AGENT_PASSWORD, SUPERVISOR_PASSWORD, demo_team, in_session_keyring, store_signing_key,
};
use thirtyfour::prelude::*;

const HENRI_IV: &str = "0750654D";
/// aiosmtpd refuses every recipient whose address starts with "reject".
const REFUSED: &str = "reject.secretariat@ac-paris.fr";
const ACCEPTED: &str = "vie-scolaire.henri-iv@ac-paris.fr";
const MAILBOX_PROBLEM: &str =
    "La boîte des retours (127.0.0.1:1) est injoignable\u{a0}: connexion refusée.";

async fn text(desktop: &Desktop, css: &str) -> String {
    desktop.element(css).await.text().await.expect("text")
}

/// Attaches `email` to the establishment open in the window, confirmed.
async fn attach(desktop: &Desktop, email: &str) {
    desktop.type_into("#attach-email", email).await;
    desktop.click("#attach-submit").await;
    desktop.click("#confirm-action").await;
    desktop.element_with_text("#action-outcome", email).await;
    desktop.element(&format!("tr[data-email='{email}']")).await;
}

/// Opens the links of `email` from its row and sends it one, confirmed.
async fn send_link(desktop: &Desktop, email: &str) {
    desktop
        .click(&format!("tr[data-email='{email}'] [data-action=links]"))
        .await;
    desktop.element_with_text("#address-title", email).await;
    desktop.click("#send-link").await;
    desktop.click("#send-confirm").await;
    desktop.element_with_text("#send-outcome", email).await;
}

#[tokio::test]
async fn the_ledger_says_what_became_of_each_message_and_the_settings_show_the_bounce_mailbox() {
    let Some(_secrets) = in_session_keyring() else {
        return;
    };
    store_signing_key("kernel-secret-retours-0123456789");
    let server = Aiosmtpd::start_with(AiosmtpdOptions {
        dsn: true,
        queue_ids: true,
        ..Default::default()
    });
    let data = tempfile::tempdir().expect("temporary directory");
    demo_team(data.path()).await;
    let sql = guichet_tests::Sql::open(&format!(
        "sqlite://{}",
        data.path().join("guichet-demo.sqlite").display()
    ))
    .await;
    let data_dir = data.path().to_str().expect("UTF-8 path");
    let smtp = server.url();
    let desktop =
        Desktop::launch_configured(&[("GUICHET_DATA_DIR", data_dir), ("GUICHET_SMTP_URL", &smtp)])
            .await;
    desktop.sign_in("camille", AGENT_PASSWORD).await;
    desktop.type_into("#search-input", HENRI_IV).await;
    desktop
        .element(&format!(".guichet-result[data-uai=\"{HENRI_IV}\"]"))
        .await;
    desktop.press(Key::Enter).await;
    desktop.element("#attached-addresses").await;
    attach(&desktop, REFUSED).await;
    attach(&desktop, ACCEPTED).await;

    // The relay refuses the first address at RCPT: the ledger says so at once, in plain French,
    // and keeps its raw reply folded under « Détail technique ».
    send_link(&desktop, REFUSED).await;
    let refused = desktop
        .element("#link-ledger tr[data-outcome=refused]")
        .await;
    let row = refused.text().await.expect("text");
    assert!(row.contains("Refusé par le relais"), "{row}");
    assert!(
        row.contains("Vérifiez l’adresse avec le correspondant"),
        "{row}"
    );
    let detail = refused
        .find(By::Css("details"))
        .await
        .expect("« Détail technique »");
    assert_eq!(
        detail.prop("open").await.expect("property").as_deref(),
        Some("false"),
        "the technical detail is folded by default"
    );
    detail
        .find(By::Css("summary"))
        .await
        .expect("its summary")
        .click()
        .await
        .expect("unfolded");
    let code = detail
        .find(By::Css("[data-detail=code] dd"))
        .await
        .expect("the code");
    assert_eq!(code.text().await.expect("text"), "550");
    let enhanced = text(
        &desktop,
        "#link-ledger tr[data-outcome=refused] [data-detail=enhanced] dd",
    )
    .await;
    assert_eq!(enhanced, "5.1.1");
    let reply = text(
        &desktop,
        "#link-ledger tr[data-outcome=refused] [data-detail=text] dd",
    )
    .await;
    assert!(reply.contains("No such mailbox here"), "{reply}");
    desktop.scroll_to("#address-panel").await;
    desktop.check_screen("liens-refuse").await;

    // The second address: taken by the relay, with its queue id.
    send_link(&desktop, ACCEPTED).await;
    server.wait_for_messages(1);
    let accepted = desktop
        .element("#link-ledger tr[data-outcome=accepted]")
        .await;
    let row = accepted.text().await.expect("text");
    assert!(row.contains("Accepté par le relais"), "{row}");
    accepted
        .find(By::Css("details summary"))
        .await
        .expect("« Détail technique »")
        .click()
        .await
        .expect("unfolded");
    let queue_id = text(
        &desktop,
        "#link-ledger tr[data-outcome=accepted] [data-detail=queue_id] dd",
    )
    .await;
    assert!(queue_id.starts_with("4F2B"), "{queue_id}");
    desktop.scroll_to("#address-panel").await;
    desktop.check_screen("liens-accepte").await;

    // The establishment's page flags the refused address, its reason in view; not the other.
    desktop
        .click("#address-panel .guichet-panel__head button")
        .await;
    desktop.gone("#address-panel").await;
    let flagged = desktop
        .element(&format!(
            "tr[data-email='{REFUSED}'][data-undelivered=refused]"
        ))
        .await;
    let row = flagged.text().await.expect("text");
    assert!(row.contains("Refusé par le relais"), "{row}");
    assert!(row.contains("No such mailbox here"), "{row}");
    let other = desktop
        .element(&format!("tr[data-email='{ACCEPTED}']"))
        .await;
    assert_eq!(
        other.attr("data-undelivered").await.expect("attribute"),
        None
    );
    desktop.scroll_to("#attached-addresses").await;
    desktop.check_screen("etablissement-non-delivre").await;

    // A supervisor: the bounce mailbox is not set.
    desktop.open_palette().await;
    desktop.type_into("#palette-input", "Se déconnecter").await;
    desktop
        .element_with_text("#palette-option-0", "Se déconnecter")
        .await;
    desktop.press(Key::Enter).await;
    desktop.sign_in("sandrine", SUPERVISOR_PASSWORD).await;
    desktop.element("#search-input").await;
    desktop.click("#nav-settings").await;
    let section = desktop
        .element("#bounce-mailbox[data-state=not-configured]")
        .await;
    let said = section.text().await.expect("text");
    assert!(
        said.contains("Aucune boîte des retours n’est réglée"),
        "{said}"
    );
    desktop
        .element_with_text(
            "label[for=secret-bounce-imap-password]",
            "Mot de passe de la boîte des retours",
        )
        .await;

    // Its server and user set through the form; the sender's reading recorded as failing.
    desktop
        .type_into("#setting-bounce_imap_host", "127.0.0.1:1")
        .await;
    desktop
        .type_into("#setting-bounce_imap_user", "retours")
        .await;
    desktop.click("#settings-save").await;
    desktop.element("#settings-outcome").await;
    desktop
        .element("#bounce-mailbox[data-state=not-read]")
        .await;
    assert_eq!(
        sql.texts("SELECT value FROM sending_setting WHERE name IN ('bounce_imap_host', 'bounce_imap_user') ORDER BY name")
            .await,
        ["127.0.0.1:1", "retours"]
    );
    desktop.scroll_to("#setting-bounce_address").await;
    desktop.check_screen("reglages-retours-champs").await;
    sql.execute(&format!(
        "INSERT INTO bounce_mailbox (id, problem, problem_since) VALUES (1, '{MAILBOX_PROBLEM}', '2026-12-02T08:00:00+00:00') \
         ON CONFLICT (id) DO UPDATE SET problem = excluded.problem, problem_since = excluded.problem_since"
    ))
    .await;
    desktop.click("#nav-search").await;
    desktop.element("#search-input").await;
    desktop.click("#nav-settings").await;
    let problem = text(&desktop, "#bounce-mailbox-problem").await;
    // WebDriver reads a no-break space as a space.
    assert!(
        problem.contains(&MAILBOX_PROBLEM.replace('\u{a0}', " ")),
        "{problem}"
    );
    assert!(
        problem.contains("Depuis le 02/12/2026 à 09:00"),
        "{problem}"
    );
    desktop.scroll_to("#bounce-mailbox").await;
    desktop.check_screen("reglages-retours").await;
    sql.close().await;
    desktop.quit().await;
}
