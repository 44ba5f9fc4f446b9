//! End to end in the real window: the app under Xvfb, driven over WebDriver.

use guichet_tests::desktop::Desktop;
use guichet_tests::{AGENT_PASSWORD, demo_team};
use thirtyfour::prelude::*;

/// The header renumbers the ids of its quick access items: find the agent by its class.
const SIGNED_IN_AGENT: &str = ".fr-header__tools-links .guichet-agent";

#[tokio::test]
async fn a_uai_typed_after_sign_in_opens_its_establishment() {
    let data = tempfile::tempdir().expect("temporary directory");
    demo_team(data.path()).await;
    let data_dir = data.path().to_str().expect("UTF-8 path");
    let desktop = Desktop::launch_configured(&[("GUICHET_DATA_DIR", data_dir)]).await;

    desktop
        .element_with_text("#database-indicator", "Base de démonstration")
        .await;
    // Its mail never leaves this PC, and the window says where it goes.
    let notice = desktop
        .element_with_text("#demo-mail-notice", "aucun ne part vers l’extérieur")
        .await;
    let outbox = data.path().join("outbox");
    assert!(
        notice
            .text()
            .await
            .expect("text")
            .contains(&format!("écrits dans {}", outbox.display()))
    );
    assert_eq!(
        desktop.focused_id().await,
        "login",
        "the login field has the focus"
    );
    desktop.check_screen("connexion").await;
    desktop.sign_in("camille", "mauvais").await;
    let error = desktop
        .element_with_text("#sign-in-error", "incorrect")
        .await;
    assert!(
        error
            .text()
            .await
            .expect("text")
            .contains("Identifiant ou mot de passe incorrect.")
    );
    desktop.sign_in("", AGENT_PASSWORD).await;

    // Signed in, the search field has the focus: typing goes straight into it.
    desktop
        .element_with_text(SIGNED_IN_AGENT, "Camille Martin")
        .await;
    let field = desktop.element("#search-input").await;
    assert_eq!(desktop.focused_id().await, "search-input");
    desktop
        .driver
        .active_element()
        .await
        .expect("focused")
        .send_keys("0750654d")
        .await
        .expect("typed");
    let result = desktop
        .element(r#".guichet-result[data-uai="0750654D"]"#)
        .await;
    assert!(
        result
            .text()
            .await
            .expect("text")
            .contains("LYCÉE GÉNÉRAL HENRI IV")
    );
    assert_eq!(
        result
            .attr("aria-selected")
            .await
            .expect("attribute")
            .as_deref(),
        Some("true")
    );
    desktop.check_screen("recherche").await;

    field.send_keys(Key::Enter).await.expect("Enter");
    let name = desktop.element("#establishment-name").await;
    assert_eq!(name.text().await.expect("text"), "LYCÉE GÉNÉRAL HENRI IV");
    assert_eq!(
        desktop
            .element("#establishment-uai")
            .await
            .text()
            .await
            .expect("text"),
        "0750654D"
    );
    let principal = desktop
        .element("#principal-address")
        .await
        .text()
        .await
        .expect("text");
    assert!(principal.contains("@ac-paris.fr"), "{principal}");
    desktop.element("#attached-addresses").await;
    desktop.check_screen("etablissement").await;

    // Escape goes back to the search with the query kept.
    desktop
        .driver
        .active_element()
        .await
        .expect("focused")
        .send_keys(Key::Escape)
        .await
        .expect("Escape");
    let field = desktop.element("#search-input").await;
    assert_eq!(
        field.value().await.expect("value").as_deref(),
        Some("0750654d")
    );
    desktop.quit().await;
}

/// The « Suivi des initialisations » as a read-only agent sees it: the counts the database
/// holds, a filter, a state's list opening an establishment, and the CSV export.
#[tokio::test]
async fn a_reader_follows_the_initialisations_and_opens_a_state_s_establishments() {
    let data = tempfile::tempdir().expect("temporary directory");
    demo_team(data.path()).await;
    let data_dir = data.path().to_str().expect("UTF-8 path");
    let sql = guichet_tests::Sql::open(&format!(
        "sqlite://{}",
        data.path().join("guichet-demo.sqlite").display()
    ))
    .await;
    let total = sql.count("establishment").await;
    let no_address = sql
        .number("SELECT count(*) FROM establishment WHERE principal_account_id IS NULL")
        .await;
    let desktop = Desktop::launch_configured(&[("GUICHET_DATA_DIR", data_dir)]).await;
    desktop.sign_in("lea", AGENT_PASSWORD).await;
    desktop.element("#search-input").await;
    desktop.click("#nav-initialisation").await;
    let text = |css: &'static str| {
        let desktop = &desktop;
        async move { desktop.element(css).await.text().await.expect("text") }
    };
    assert_eq!(text("#count-total").await, total.to_string());
    assert_eq!(text("#count-sans-adresse").await, no_address.to_string());
    // The DSFR's chart is given the same figures, and draws them (on a canvas of its shadow root).
    let chart = desktop.element("#initialisation-chart").await;
    let drawn: Vec<Vec<i64>> =
        serde_json::from_str(&chart.attr("y").await.expect("attribute").expect("figures"))
            .expect("JSON figures");
    assert_eq!(drawn.concat().iter().sum::<i64>(), total);
    let canvas = desktop
        .driver
        .execute(
            "const chart = document.getElementById('initialisation-chart'); \
             return !!(chart.shadowRoot || chart).querySelector('canvas');",
            vec![],
        )
        .await
        .expect("script runs");
    assert_eq!(
        canvas.json().as_bool(),
        Some(true),
        "the chart draws on a canvas"
    );
    // Its legend has its colours: the chart's stylesheet reached its shadow root.
    let dot = desktop
        .driver
        .execute(
            "const chart = document.getElementById('initialisation-chart'); \
             const dot = chart.shadowRoot.querySelector('.legende_dot'); \
             return dot.getBoundingClientRect().width;",
            vec![],
        )
        .await
        .expect("script runs");
    assert!(
        dot.json().as_f64().is_some_and(|width| width > 4.0),
        "{dot:?}"
    );

    // One académie: fewer establishments, the count the database gives.
    let creteil = sql
        .number("SELECT count(*) FROM establishment WHERE academie = 'Créteil'")
        .await;
    let academie = desktop.element("#filter-academie").await;
    thirtyfour::components::SelectElement::new(&academie)
        .await
        .expect("a select")
        .select_by_visible_text("Créteil")
        .await
        .expect("académie chosen");
    desktop.click("#initialisation-apply").await;
    desktop
        .element_with_text("#count-total", &creteil.to_string())
        .await;

    // A count opens its list; a UAI of the list opens its establishment.
    desktop.click("#count-sans-adresse").await;
    let first = desktop
        .element("#initialisation-list tbody tr")
        .await
        .attr("data-uai")
        .await
        .expect("attribute")
        .expect("a UAI");
    let expected = sql
        .texts(
            "SELECT uai FROM establishment WHERE principal_account_id IS NULL \
             AND academie = 'Créteil' ORDER BY uai LIMIT 1",
        )
        .await;
    assert_eq!(vec![first.clone()], expected);
    desktop.scroll_to("#initialisation-table").await;
    desktop.check_screen("suivi-initialisations-liste").await;

    // The export: every establishment of the population, for French Excel.
    desktop.click("#initialisation-export").await;
    let message = desktop
        .element_with_text("#initialisation-message", "exportés dans")
        .await
        .text()
        .await
        .expect("text");
    let path = message
        .trim_end_matches('.')
        .rsplit_once("exportés dans ")
        .map(|(_, path)| std::path::PathBuf::from(path))
        .expect("a path");
    let csv = std::fs::read_to_string(&path).expect("the export is written");
    std::fs::remove_file(&path).expect("removed");
    assert!(csv.starts_with('\u{feff}'));
    assert_eq!(csv.trim_end().split("\r\n").count() as i64, creteil + 1);

    desktop
        .click(&format!(
            r#"#initialisation-list tr[data-uai="{first}"] button"#
        ))
        .await;
    desktop
        .element_with_text("#establishment-uai", &first)
        .await;
    desktop.quit().await;
}

#[tokio::test]
async fn a_new_database_asks_for_its_first_supervisor_with_the_password_policy() {
    let data = tempfile::tempdir().expect("temporary directory");
    let data_dir = data.path().to_str().expect("UTF-8 path");
    let desktop = Desktop::launch_configured(&[("GUICHET_DATA_DIR", data_dir)]).await;
    desktop.type_into("#new-login", "sandrine.petit").await;
    desktop.type_into("#new-name", "Sandrine Petit").await;
    desktop.type_into("#new-password", "court").await;
    let unmet = desktop
        .element(r#"#password-rules [data-rule="min_length"][data-met="false"]"#)
        .await;
    assert!(
        unmet
            .text()
            .await
            .expect("text")
            .contains("au moins 12 caractères")
    );
    desktop.check_screen("premier-superviseur").await;
    desktop.type_into("#new-password", "-Examens2026").await;
    desktop
        .element(r#"#password-rules [data-rule="min_length"][data-met="true"]"#)
        .await;
    desktop
        .type_into("#new-password-confirmation", "court-Examens2026")
        .await;
    desktop
        .element("#first-supervisor-submit")
        .await
        .click()
        .await
        .expect("submit");
    desktop
        .element_with_text(SIGNED_IN_AGENT, "Sandrine Petit · Superviseur")
        .await;
    desktop.element("#search-input").await;
    desktop.quit().await;
}

#[tokio::test]
async fn an_idle_window_locks_and_keeps_its_page() {
    let data = tempfile::tempdir().expect("temporary directory");
    demo_team(data.path()).await;
    let data_dir = data.path().to_str().expect("UTF-8 path");
    let desktop = Desktop::launch_configured(&[
        ("GUICHET_DATA_DIR", data_dir),
        ("GUICHET_IDLE_LOCK_SECONDS", "3"),
    ])
    .await;
    desktop.sign_in("lea", AGENT_PASSWORD).await;
    desktop.type_into("#search-input", "0750654D").await;
    desktop
        .element(r#".guichet-result[data-uai="0750654D"]"#)
        .await
        .click()
        .await
        .expect("open");
    desktop.element("#establishment-name").await;

    let lock = desktop.element("#lock-screen").await;
    assert!(
        lock.text()
            .await
            .expect("text")
            .contains("Léa Bernard (lea)")
    );
    desktop.check_screen("verrouillage").await;
    // Nothing of the establishment shows on a locked screen: the page under it is hidden and
    // the lock opaque.
    let drawn = desktop
        .driver
        .execute(
            "return [getComputedStyle(document.querySelector('.guichet-frame')).visibility, \
             getComputedStyle(document.getElementById('lock-screen')).backgroundColor]",
            vec![],
        )
        .await
        .expect("script runs");
    let drawn: Vec<String> = serde_json::from_value(drawn.json().clone()).expect("two strings");
    assert_eq!(drawn[0], "hidden", "{drawn:?}");
    assert!(
        drawn[1].starts_with("rgb(") || drawn[1].ends_with(", 1)"),
        "the lock lets the page show through: {drawn:?}"
    );
    let name = desktop
        .driver
        .find(By::Css("#establishment-name"))
        .await
        .expect("the page is kept");
    assert!(!name.is_displayed().await.expect("displayed?"));
    desktop
        .type_into("#unlock-password", "Superviseur-2026!")
        .await;
    desktop
        .element("#unlock-submit")
        .await
        .click()
        .await
        .expect("submit");
    desktop
        .element_with_text("#unlock-error", "incorrect")
        .await;
    desktop.type_into("#unlock-password", AGENT_PASSWORD).await;
    desktop
        .element("#unlock-submit")
        .await
        .click()
        .await
        .expect("submit");
    // Right after unlocking (before the next idle period), the page is back as it was.
    desktop.gone("#lock-screen").await;
    let name = desktop.element("#establishment-name").await;
    assert_eq!(
        name.text().await.expect("text"),
        "LYCÉE GÉNÉRAL HENRI IV",
        "the page is kept"
    );
    desktop.quit().await;
}

#[tokio::test]
async fn an_ill_formed_database_url_is_explained_in_the_window() {
    let data = tempfile::tempdir().expect("temporary directory");
    let data_dir = data.path().to_str().expect("UTF-8 path");
    let desktop = Desktop::launch_configured(&[
        ("GUICHET_DATA_DIR", data_dir),
        ("GUICHET_DATABASE_URL", "mysql://siec/comptes"),
    ])
    .await;
    // WebDriver reads no-break spaces as spaces.
    let alert = desktop
        .element_with_text("#startup-error", "GUICHET_DATABASE_URL")
        .await;
    assert!(
        alert
            .text()
            .await
            .expect("text")
            .contains("« mysql » n’est pas pris en charge")
    );
    assert!(
        desktop.driver.find(By::Css("#search-input")).await.is_err(),
        "no search without a database"
    );
    desktop.check_screen("erreur-base").await;
    desktop.quit().await;
    assert_eq!(
        std::fs::read_dir(data.path()).expect("data dir").count(),
        0,
        "nothing written"
    );
}

#[tokio::test]
async fn a_misspelt_lycee_gets_a_new_principal_address() {
    let data = tempfile::tempdir().expect("temporary directory");
    demo_team(data.path()).await;
    let data_dir = data.path().to_str().expect("UTF-8 path");
    let desktop = Desktop::launch_configured(&[("GUICHET_DATA_DIR", data_dir)]).await;
    desktop.sign_in("camille", AGENT_PASSWORD).await;

    desktop
        .type_into("#search-input", "lycée louis le grnd")
        .await;
    let first = desktop.element("#search-result-0").await;
    desktop
        .element_with_text("#search-result-0", "LOUIS LE GRAND")
        .await;
    assert_eq!(
        first.attr("data-uai").await.expect("attribute").as_deref(),
        Some("0750655E")
    );
    desktop
        .element("#search-input")
        .await
        .send_keys(Key::Enter)
        .await
        .expect("Enter");
    desktop
        .element_with_text("#establishment-name", "LOUIS LE GRAND")
        .await;

    // A look-alike address (a Cyrillic « а ») shows its warning before anything is saved.
    desktop
        .type_into("#attach-email", "proviseur.llg@\u{430}c-paris.fr")
        .await;
    desktop.click("#attach-submit").await;
    desktop
        .element_with_text("#confirm-warning", "U+0430")
        .await;
    desktop.check_screen("confirmation-homoglyphe").await;
    desktop.press(Key::Escape).await;
    desktop.gone("#confirm-box").await;
    let field = desktop.element("#attach-email").await;
    field.send_keys(Key::Control + "a").await.expect("select");
    field.send_keys(Key::Backspace).await.expect("erase");
    desktop
        .type_into("#attach-email", "Proviseur.LLG@AC-PARIS.FR")
        .await;
    desktop
        .element("label[for=attach-principal-0]")
        .await
        .click()
        .await
        .expect("principal");
    desktop.type_into("#call-note", "appel du proviseur").await;
    desktop
        .element("#attach-submit")
        .await
        .click()
        .await
        .expect("ask");
    let question = desktop
        .element("#confirm-question")
        .await
        .text()
        .await
        .expect("text");
    assert!(
        question.contains("Proviseur.LLG@ac-paris.fr")
            && question.contains("LYCÉE LOUIS LE GRAND (0750655E)"),
        "{question}"
    );
    desktop.check_screen("confirmation").await;
    desktop
        .element("#confirm-action")
        .await
        .click()
        .await
        .expect("confirm");
    let outcome = desktop
        .element_with_text("#action-outcome", "adresse principale")
        .await
        .text()
        .await
        .expect("text");
    assert!(outcome.contains("Proviseur.LLG@ac-paris.fr"), "{outcome}");
    desktop
        .element_with_text("#principal-address", "Proviseur.LLG@ac-paris.fr")
        .await;
    let timeline = desktop
        .element_with_text("#timeline", "appel du proviseur")
        .await
        .text()
        .await
        .expect("text");
    assert!(
        timeline.contains("Adresse principale changée"),
        "{timeline}"
    );
    desktop.check_screen("etablissement-modifie").await;
    desktop.quit().await;
}

#[tokio::test]
async fn a_read_only_agent_sees_the_changes_it_may_not_make_disabled_with_the_reason() {
    let data = tempfile::tempdir().expect("temporary directory");
    demo_team(data.path()).await;
    let data_dir = data.path().to_str().expect("UTF-8 path");
    let desktop = Desktop::launch_configured(&[("GUICHET_DATA_DIR", data_dir)]).await;
    desktop.sign_in("lea", AGENT_PASSWORD).await;
    desktop.type_into("#search-input", "0750654D").await;
    desktop
        .element(r#".guichet-result[data-uai="0750654D"]"#)
        .await
        .click()
        .await
        .expect("open");
    let submit = desktop.element("#attach-submit").await;
    assert!(
        !submit.is_enabled().await.expect("state"),
        "attaching is disabled"
    );
    let reason = desktop
        .element("#edit-refused")
        .await
        .text()
        .await
        .expect("text");
    assert_eq!(
        reason,
        "Votre rôle (lecture seule) ne permet pas de modifier les adresses."
    );
    for button in desktop
        .driver
        .find_all(By::Css("[data-action=principal], [data-action=detach]"))
        .await
        .expect("row actions")
    {
        assert!(!button.is_enabled().await.expect("state"));
        assert_eq!(
            button.attr("title").await.expect("title").as_deref(),
            Some(reason.as_str())
        );
    }
    // The link ledger is open to reading; sending a link is not.
    desktop
        .element("[data-action=links]")
        .await
        .click()
        .await
        .expect("links");
    desktop.element("#address-status").await;
    let send = desktop.element("#send-link").await;
    assert!(
        !send.is_enabled().await.expect("state"),
        "sending is disabled"
    );
    let reason = "Votre rôle (lecture seule) ne permet pas d’envoyer des liens d’initialisation.";
    assert_eq!(
        desktop
            .element("#send-refused")
            .await
            .text()
            .await
            .expect("text"),
        reason
    );
    assert_eq!(
        send.attr("title").await.expect("title").as_deref(),
        Some(reason)
    );
    desktop.scroll_to("#address-panel").await;
    desktop.check_screen("lecture-seule").await;
    desktop.quit().await;
}

#[tokio::test]
async fn the_page_runs_under_a_strict_content_security_policy_and_sees_other_agents_changes() {
    let data = tempfile::tempdir().expect("temporary directory");
    demo_team(data.path()).await;
    let data_dir = data.path().to_str().expect("UTF-8 path");
    let desktop = Desktop::launch_configured(&[("GUICHET_DATA_DIR", data_dir)]).await;
    desktop.sign_in("lea", AGENT_PASSWORD).await;
    desktop.element("#search-input").await;
    let probe = desktop
        .driver
        .execute(
            "let evaluated; try { evaluated = eval('1 + 1') === 2; } catch (e) { evaluated = false; } \
             return { evaluated, globalTauri: typeof window.__TAURI__ !== 'undefined' };",
            vec![],
        )
        .await
        .expect("script runs");
    assert_eq!(
        probe.json()["evaluated"],
        false,
        "eval is refused by the CSP"
    );
    assert_eq!(
        probe.json()["globalTauri"],
        false,
        "no global Tauri object for injected scripts"
    );

    desktop.type_into("#search-input", "0750655E").await;
    desktop
        .element(r#".guichet-result[data-uai="0750655E"]"#)
        .await
        .click()
        .await
        .expect("open");
    desktop
        .element_with_text("#establishment-name", "LOUIS LE GRAND")
        .await;
    // Another agent, in another process on the same database, attaches an address.
    let settings = guichet_core::Settings::with_defaults(None, data.path().to_path_buf());
    let other = guichet_core::Guichet::open(settings, guichet_core::store::OpenMode::MustExist)
        .await
        .expect("second app");
    let camille = other
        .sign_in("camille", AGENT_PASSWORD)
        .await
        .expect("agent");
    other
        .attach(
            &camille,
            "venu.d.ailleurs@ac-paris.fr",
            &["0750655E".into()],
            false,
            None,
            None,
        )
        .await
        .expect("attached");
    // The open page shows it without being reloaded by the agent.
    desktop
        .element(r#"tr[data-email="venu.d.ailleurs@ac-paris.fr"]"#)
        .await;
    desktop.quit().await;
}

#[tokio::test]
async fn every_screen_of_a_supervisor_passes_axe_and_french_typography_in_both_themes() {
    let data = tempfile::tempdir().expect("temporary directory");
    demo_team(data.path()).await;
    let data_dir = data.path().to_str().expect("UTF-8 path");
    let desktop = Desktop::launch_configured(&[("GUICHET_DATA_DIR", data_dir)]).await;
    desktop
        .sign_in("sandrine", guichet_tests::SUPERVISOR_PASSWORD)
        .await;
    desktop.element("#search-input").await;
    desktop.check_screen("recherche-vide").await;
    desktop.type_into("#search-input", "qqqzzzx").await;
    desktop.element_with_text("#search-empty", "qqqzzzx").await;
    desktop.check_screen("recherche-sans-resultat").await;

    for (nav, ready, name) in [
        (
            "#nav-initialisation",
            "#initialisation-table",
            "suivi-initialisations",
        ),
        ("#nav-journal", "#journal-table", "journal"),
        ("#nav-agents", "#agents-table", "agents"),
        ("#nav-settings", "#settings-form", "reglages"),
        ("#nav-password", "#current-password", "mot-de-passe"),
        ("#nav-check-link", "#link-input", "verifier-un-lien"),
    ] {
        desktop.click(nav).await;
        desktop.element(ready).await;
        desktop.check_screen(name).await;
    }

    // A supervisor disables an agent, once confirmed, and may enable it again.
    desktop.click("#nav-agents").await;
    desktop.click("#disable-lea").await;
    desktop
        .element_with_text("#agent-confirm-question", "Désactiver Léa Bernard (lea)")
        .await;
    desktop.check_screen("agents-desactivation").await;
    desktop.click("#agent-confirm").await;
    desktop
        .element_with_text("#agent-outcome", "Léa Bernard est désactivé")
        .await;
    desktop.element("#enable-lea").await;

    // The dark theme, chosen from the palette, on the screens an agent spends the day on.
    desktop.click("#nav-search").await;
    desktop.element("#search-input").await;
    desktop.open_palette().await;
    desktop.type_into("#palette-input", "sombre").await;
    desktop
        .element_with_text("#palette-option-0", "Thème sombre")
        .await;
    desktop.press(Key::Enter).await;
    let theme = desktop
        .driver
        .execute(
            "return document.documentElement.getAttribute('data-fr-theme')",
            vec![],
        )
        .await
        .expect("script runs");
    assert_eq!(theme.json().as_str(), Some("dark"));
    // The query typed before is still there: Escape clears it.
    desktop
        .element("#search-input")
        .await
        .click()
        .await
        .expect("focus");
    desktop.press(Key::Escape).await;
    desktop.type_into("#search-input", "0750654D").await;
    desktop
        .element(r#".guichet-result[data-uai="0750654D"]"#)
        .await;
    desktop.check_screen("recherche-sombre").await;
    desktop.press(Key::Enter).await;
    desktop.element("#attached-addresses").await;
    desktop.check_screen("etablissement-sombre").await;
    desktop.quit().await;
}

/// Shared mode: the window's address names no user, and each agent signs in with its own
/// PostgreSQL role on a cluster that checks passwords over TLS. A supervisor disabling the
/// agent signs its window out at its next operation.
#[tokio::test]
async fn an_agent_of_a_shared_database_signs_in_with_its_own_postgresql_role() {
    let desk = guichet_tests::cluster::SharedDesk::start().await;
    let data = tempfile::tempdir().expect("temporary directory");
    let url = desk.agents_url();
    let desktop = Desktop::launch(&[
        ("GUICHET_DATABASE_URL", url.as_str()),
        (
            "GUICHET_DATA_DIR",
            data.path().to_str().expect("UTF-8 path"),
        ),
    ])
    .await;

    desktop
        .element_with_text("#database-indicator", "Base partagée")
        .await;
    desktop.sign_in("camille", "Pas-le-bon-2026!").await;
    desktop
        .element_with_text("#sign-in-error", "Identifiant ou mot de passe incorrect.")
        .await;
    desktop.sign_in("", AGENT_PASSWORD).await;
    desktop
        .element_with_text(SIGNED_IN_AGENT, "Camille Martin")
        .await;
    desktop.type_into("#search-input", "0750654d").await;
    desktop
        .element(r#".guichet-result[data-uai="0750654D"]"#)
        .await;

    // Disabled by a supervisor meanwhile: the next search is refused, and the window says why.
    let (supervisor_guichet, supervisor) = desk
        .sign_in("sandrine", guichet_tests::SUPERVISOR_PASSWORD)
        .await
        .expect("supervisor");
    supervisor_guichet
        .set_agent_disabled(&supervisor, "camille", true)
        .await
        .expect("disabled");
    desktop.type_into("#search-input", " lycée").await;
    let notice = desktop
        .element_with_text("#sign-in-notice", "désactivé")
        .await;
    assert!(
        notice
            .text()
            .await
            .expect("text")
            .contains("Adressez-vous à un superviseur")
    );
    desktop.check_screen("connexion-desactive").await;
    desktop.sign_in("camille", AGENT_PASSWORD).await;
    desktop
        .element_with_text("#sign-in-error", "désactivé")
        .await;
    supervisor_guichet.sign_out().await;
    desktop.quit().await;
}
