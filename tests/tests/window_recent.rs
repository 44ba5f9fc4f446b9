//! The establishments an agent just handled, end to end in the real window: listed under the
//! empty search field after a sign-out and a sign-in, the one changed today marked, reached with
//! the arrows and offered by the palette; a read-only agent has a list of its own.

use guichet_tests::desktop::Desktop;
use guichet_tests::{AGENT_PASSWORD, demo_team};
use thirtyfour::prelude::*;

const HENRI_IV: &str = "0750654D";
const LOUIS_LE_GRAND: &str = "0750655E";

/// Types a UAI in the search field, which has the focus, and opens its result with Enter.
async fn open_by_uai(desktop: &Desktop, uai: &str) {
    assert_eq!(desktop.focused_id().await, "search-input");
    desktop.press(uai).await;
    desktop
        .element(&format!(
            ".guichet-result[data-uai=\"{uai}\"][aria-selected=true]"
        ))
        .await;
    desktop.press(Key::Enter).await;
    desktop.element_with_text("#establishment-uai", uai).await;
}

/// Back to the search page with Escape, its field emptied with Escape again.
async fn back_to_an_empty_search(desktop: &Desktop) {
    desktop.press(Key::Escape).await;
    desktop.element("#search-input").await;
    assert_eq!(desktop.focused_id().await, "search-input");
    desktop.press(Key::Escape).await;
    let field = desktop.element("#search-input").await;
    assert_eq!(field.value().await.expect("value").as_deref(), Some(""));
}

/// Signs out from the palette and signs `login` in; the search page is shown.
async fn sign_out_and_in(desktop: &Desktop, login: &str) {
    desktop.open_palette().await;
    desktop.press("se déconnecter").await;
    desktop
        .element_with_text("#palette-option-0", "Se déconnecter")
        .await;
    desktop.press(Key::Enter).await;
    desktop.element("#login").await;
    desktop.sign_in(login, AGENT_PASSWORD).await;
    desktop.element("#search-input").await;
}

/// The UAIs the recent list shows, top to bottom, each with whether it is marked changed today.
async fn recent_list(desktop: &Desktop) -> Vec<(String, bool)> {
    let mut listed = Vec::new();
    for option in desktop
        .driver
        .find_all(By::Css("#recent-list [role=option]"))
        .await
        .expect("options")
    {
        let uai = option.attr("data-uai").await.expect("attribute");
        let changed = option.attr("data-changed-today").await.expect("attribute");
        listed.push((uai.unwrap_or_default(), changed.as_deref() == Some("true")));
    }
    listed
}

#[tokio::test]
async fn recent_establishments_survive_a_sign_out_and_each_agent_has_its_own() {
    let data = tempfile::tempdir().expect("temporary directory");
    demo_team(data.path()).await;
    let data_dir = data.path().to_str().expect("UTF-8 path");
    let desktop = Desktop::launch_configured(&[("GUICHET_DATA_DIR", data_dir)]).await;
    desktop.sign_in("camille", AGENT_PASSWORD).await;
    desktop.element("#search-input").await;

    // Louis-le-Grand opened and changed (an address attached), then Henri-IV opened.
    open_by_uai(&desktop, LOUIS_LE_GRAND).await;
    let address = "vie-scolaire.llg@ac-paris.fr";
    desktop.type_into("#attach-email", address).await;
    desktop.click("#attach-submit").await;
    desktop.click("#confirm-action").await;
    desktop
        .element(&format!("tr[data-email=\"{address}\"]"))
        .await;
    back_to_an_empty_search(&desktop).await;
    // The list is there already, the change marked.
    desktop
        .element(&format!(
            "#recent-0[data-uai=\"{LOUIS_LE_GRAND}\"][data-changed-today=true]"
        ))
        .await;
    open_by_uai(&desktop, HENRI_IV).await;

    // Signed out and in again: both, the most recent first, the changed one marked.
    sign_out_and_in(&desktop, "camille").await;
    desktop
        .element(&format!("#recent-1[data-uai=\"{LOUIS_LE_GRAND}\"]"))
        .await;
    assert_eq!(
        recent_list(&desktop).await,
        [
            (HENRI_IV.to_string(), false),
            (LOUIS_LE_GRAND.to_string(), true)
        ]
    );
    let changed = desktop
        .element("#recent-1")
        .await
        .text()
        .await
        .expect("text");
    assert!(changed.contains("LYCÉE LOUIS LE GRAND"), "{changed}");
    // The badge is drawn in capitals: the text as read is in capitals too.
    assert!(
        changed.to_lowercase().contains("modifié aujourd’hui"),
        "{changed}"
    );
    desktop.check_screen("recents").await;

    // From the empty field that has the focus: ArrowDown chooses the most recent, Enter opens it.
    assert_eq!(desktop.focused_id().await, "search-input");
    desktop.press(Key::Down).await;
    let field = desktop.element("#search-input").await;
    assert_eq!(
        field
            .attr("aria-activedescendant")
            .await
            .expect("attribute")
            .as_deref(),
        Some("recent-0")
    );
    desktop.element("#recent-0[aria-selected=true]").await;
    desktop.press(Key::Enter).await;
    desktop
        .element_with_text("#establishment-uai", HENRI_IV)
        .await;

    // The palette offers both under « Récents », and opens the one chosen.
    desktop.open_palette().await;
    desktop.press("louis le grand").await;
    let offered = desktop
        .element(&format!(
            "#palette-option-0[data-command=\"recent-{LOUIS_LE_GRAND}\"]"
        ))
        .await;
    let label = offered.text().await.expect("text");
    assert!(
        label.contains(&format!("Ouvrir LYCÉE LOUIS LE GRAND ({LOUIS_LE_GRAND})")),
        "{label}"
    );
    desktop.press(Key::Enter).await;
    desktop.gone("#command-palette").await;
    desktop
        .element_with_text("#establishment-uai", LOUIS_LE_GRAND)
        .await;

    // A read-only agent starts with nothing of camille's, and keeps what it opens itself.
    sign_out_and_in(&desktop, "lea").await;
    open_by_uai(&desktop, HENRI_IV).await;
    sign_out_and_in(&desktop, "lea").await;
    desktop
        .element(&format!("#recent-0[data-uai=\"{HENRI_IV}\"]"))
        .await;
    assert_eq!(recent_list(&desktop).await, [(HENRI_IV.to_string(), false)]);

    // And camille's list is still hers, Louis-le-Grand first since the palette opened it.
    sign_out_and_in(&desktop, "camille").await;
    desktop
        .element(&format!("#recent-1[data-uai=\"{HENRI_IV}\"]"))
        .await;
    assert_eq!(
        recent_list(&desktop).await,
        [
            (LOUIS_LE_GRAND.to_string(), true),
            (HENRI_IV.to_string(), false)
        ]
    );
    desktop.quit().await;

    // Kept on this PC, in the data folder: one file per agent of this database.
    let files = std::fs::read_dir(data.path().join("recent"))
        .expect("the recent folder")
        .count();
    assert_eq!(files, 2);
}
