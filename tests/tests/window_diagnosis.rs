//! The diagnosis's steps in the real window, with the keyboard: each does what its label says,
//! and what it changes is in the journal. (The « adresse inconnue » step, add and attach then a
//! link, is `keyboard_calls.rs`'s first call.)

use guichet_core::store::OpenMode;
use guichet_core::{Guichet, Settings};
use guichet_tests::desktop::Desktop;
use guichet_tests::{AGENT_PASSWORD, Sql, demo_team};
use thirtyfour::prelude::*;

const HENRI_IV: &str = "0750654D";

/// The demo database with its team, and `prepare` done by camille through the core.
async fn demo_with(prepare: &[(&str, bool)]) -> (tempfile::TempDir, String) {
    let data = tempfile::tempdir().expect("temporary directory");
    demo_team(data.path()).await;
    let settings = Settings::with_defaults(None, data.path().to_path_buf());
    let guichet = Guichet::open(settings, OpenMode::MustExist)
        .await
        .expect("opened");
    let camille = guichet
        .sign_in("camille", AGENT_PASSWORD)
        .await
        .expect("signed in");
    // Each address attached to Henri-IV, then detached again when it is to be attached nowhere.
    for &(email, attached) in prepare {
        guichet
            .attach(&camille, email, &[HENRI_IV.into()], false, None, None)
            .await
            .expect("attached");
        if !attached {
            guichet
                .detach(&camille, email, HENRI_IV, None, None, None)
                .await
                .expect("detached");
        }
    }
    guichet.close().await;
    let dir = data.path().to_str().expect("UTF-8 path").to_string();
    (data, dir)
}

/// The journal's actions on `email` by camille, oldest first.
async fn journal(dir: &str, email: &str) -> Vec<String> {
    let sql = Sql::open(&format!("sqlite://{dir}/guichet-demo.sqlite")).await;
    let actions = sql
        .texts(&format!(
            "SELECT action || ' ' || coalesce(uai, '-') FROM audit_event \
             WHERE email = '{email}' AND agent_id = (SELECT id FROM agent WHERE login = 'camille') \
             ORDER BY id"
        ))
        .await;
    sql.close().await;
    actions
}

#[tokio::test]
async fn an_address_attached_nowhere_is_attached_to_the_establishment_the_agent_came_from() {
    let orphan = "secretariat.orphelin@ac-paris.fr";
    let (_data, dir) = demo_with(&[(orphan, false)]).await;
    let before = journal(&dir, orphan).await;
    let desktop = Desktop::launch(&[("GUICHET_DATA_DIR", &dir)]).await;
    desktop.sign_in("camille", AGENT_PASSWORD).await;

    // The caller's establishment first, then back to the search with its address.
    desktop.type_into("#search-input", HENRI_IV).await;
    desktop
        .element(&format!(".guichet-result[data-uai=\"{HENRI_IV}\"]"))
        .await;
    desktop.press(Key::Enter).await;
    desktop
        .element_with_text("#establishment-uai", HENRI_IV)
        .await;
    desktop.press(Key::Escape).await;
    desktop.element("#search-input").await;
    desktop.press(Key::Escape).await;
    desktop.type_into("#search-input", orphan).await;
    let panel = desktop.element("#diagnosis-panel").await;
    assert_eq!(
        panel
            .attr("data-verdict")
            .await
            .expect("attribute")
            .as_deref(),
        Some("known_unattached")
    );
    let step = desktop
        .element("#diagnosis-step-0[data-step=attach]")
        .await
        .text()
        .await
        .expect("text");
    assert!(step.contains(orphan), "{step}");

    // Entrée: the step; the establishment the agent came from is offered before anything typed.
    desktop.press(Key::Enter).await;
    let offered = desktop.element("#step-establishment-0").await;
    assert_eq!(
        offered
            .attr("data-uai")
            .await
            .expect("attribute")
            .as_deref(),
        Some(HENRI_IV)
    );
    desktop.check_screen("diagnostic-rattacher").await;
    desktop.press(Key::Enter).await;
    desktop.element_with_text("#step-target", HENRI_IV).await;
    desktop.press(Key::Enter).await;
    let question = desktop
        .element("#step-question")
        .await
        .text()
        .await
        .expect("text");
    assert!(question.starts_with("Rattacher"), "{question}");
    assert!(!question.contains("principale"), "{question}");
    desktop.press(Key::Enter).await;
    desktop.element_with_text("#step-outcome", orphan).await;

    let after = journal(&dir, orphan).await;
    assert_eq!(
        after[before.len()..],
        [format!("attached {HENRI_IV}")],
        "{after:?}"
    );
    desktop.quit().await;
}

#[tokio::test]
async fn a_probable_typo_is_searched_in_its_known_spelling_and_its_establishment_opened() {
    let known = "jean.dupont@ac-paris.fr";
    let (_data, dir) = demo_with(&[(known, true)]).await;
    let prepared = journal(&dir, known).await;
    assert!(!prepared.is_empty(), "the preparation is journaled");
    let desktop = Desktop::launch(&[("GUICHET_DATA_DIR", &dir)]).await;
    desktop.sign_in("camille", AGENT_PASSWORD).await;

    // Two letters swapped: the diagnosis offers the known spelling, then its establishment.
    desktop
        .type_into("#search-input", "jean.dupnot@ac-paris.fr")
        .await;
    desktop
        .element("#diagnosis-panel[data-verdict=probably_meant]")
        .await;
    let spelling = desktop
        .element("#diagnosis-step-0[data-step=use_spelling]")
        .await
        .text()
        .await
        .expect("text");
    assert!(spelling.contains(known), "{spelling}");
    desktop.check_screen("diagnostic-faute").await;

    // The palette holds the same steps: « ouvrir » opens the establishment it is attached to.
    desktop.open_palette().await;
    desktop.press("diagnostic ouvrir").await;
    let first = desktop.element("#palette-option-0").await;
    assert_eq!(
        first
            .attr("data-command")
            .await
            .expect("attribute")
            .as_deref(),
        Some("diagnosis-step-1")
    );
    desktop.press(Key::Escape).await;
    desktop.gone("#command-palette").await;

    // Entrée from the search field: the known spelling replaces the typed one.
    desktop.click("#search-input").await;
    desktop.press(Key::Enter).await;
    desktop.element("#search-result-0[data-kind=address]").await;
    let field = desktop
        .element("#search-input")
        .await
        .prop("value")
        .await
        .expect("value");
    assert_eq!(field.as_deref(), Some(known));
    desktop.gone("#diagnosis-panel").await;

    // Back to the typo, then its establishment from the palette.
    desktop.press(Key::Escape).await;
    desktop
        .type_into("#search-input", "jean.dupnot@ac-paris.fr")
        .await;
    desktop
        .element("#diagnosis-panel[data-verdict=probably_meant]")
        .await;
    desktop.open_palette().await;
    desktop.press("diagnostic ouvrir").await;
    desktop.element("#palette-option-0").await;
    desktop.press(Key::Enter).await;
    desktop
        .element_with_text("#establishment-uai", HENRI_IV)
        .await;
    // Nothing changed: nothing in the journal but the preparation.
    assert_eq!(journal(&dir, known).await, prepared);
    desktop.quit().await;
}
