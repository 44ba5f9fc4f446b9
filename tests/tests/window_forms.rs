//! No message of the browser's own in the window: on a PC set up in English, where WebKit's
//! built-in validation says « Fill out this field », every form sent empty says in French,
//! beside each field, what is missing.

use guichet_tests::desktop::{Desktop, ENGLISH_PC};
use guichet_tests::{AGENT_PASSWORD, demo_team};

/// What a form shows and would show: whether the browser's validation is off, the error
/// messages written beside its fields, and what WebKit itself would say of them.
#[derive(Debug)]
struct FormState {
    validates_itself: bool,
    messages: Vec<String>,
    browser: Vec<String>,
    every_form_validates_itself: bool,
}

const FORM_STATE: &str = r#"
const form = document.getElementById(arguments[0]);
return {
  validates_itself: form.noValidate,
  messages: [...form.querySelectorAll(".fr-message--error")].map((m) => m.textContent),
  browser: [...form.querySelectorAll("input, textarea")].map((i) => i.validationMessage).filter((m) => m !== ""),
  every_form_validates_itself: [...document.forms].every((f) => f.noValidate),
};
"#;

async fn form_state(desktop: &Desktop, form: &str) -> FormState {
    let value = desktop
        .driver
        .execute(FORM_STATE, vec![serde_json::json!(form)])
        .await
        .unwrap_or_else(|error| panic!("#{form}: {error}"))
        .json()
        .clone();
    let texts = |key: &str| -> Vec<String> {
        serde_json::from_value(value[key].clone()).unwrap_or_else(|error| panic!("{key}: {error}"))
    };
    FormState {
        validates_itself: value["validates_itself"] == true,
        messages: texts("messages"),
        browser: texts("browser"),
        every_form_validates_itself: value["every_form_validates_itself"] == true,
    }
}

/// Sends the form `form` empty with its button `submit` and checks that it says `expected`
/// beside its fields, in French, and nothing of the browser's, which would speak English here.
async fn sent_empty_says(desktop: &Desktop, form: &str, submit: &str, expected: &[&str]) {
    desktop.click(submit).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let state = loop {
        let state = form_state(desktop, form).await;
        if state.messages.len() >= expected.len() || std::time::Instant::now() > deadline {
            break state;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(
        state.validates_itself,
        "#{form} lets the browser validate it"
    );
    assert!(
        state.every_form_validates_itself,
        "a form on the screen of #{form} lets the browser validate it"
    );
    assert_eq!(state.messages, expected, "#{form}");
    // The PC is English: what the browser would have said is English, and none of it is shown.
    assert!(
        state.browser.iter().any(|m| m.contains("Fill out")),
        "#{form}: {:?}",
        state.browser
    );
    assert!(
        state.messages.iter().all(|m| !state.browser.contains(m)),
        "{:?}",
        state.messages
    );
}

#[tokio::test]
async fn every_form_sent_empty_on_an_english_pc_says_in_french_what_is_missing() {
    let data = tempfile::tempdir().expect("temporary directory");
    let data_dir = data.path().to_str().expect("UTF-8 path");
    let mut env = vec![("GUICHET_DATA_DIR", data_dir)];
    env.extend(ENGLISH_PC);
    let desktop = Desktop::launch_configured(&env).await;

    // A new database: its first supervisor.
    sent_empty_says(
        &desktop,
        "first-supervisor-form",
        "#first-supervisor-submit",
        &[
            "Choisissez l’identifiant du superviseur.",
            "Saisissez le nom affiché, par exemple «\u{a0}Sandrine Martin\u{a0}».",
            "Choisissez un mot de passe.",
            "Saisissez le mot de passe une seconde fois.",
        ],
    )
    .await;
    assert_eq!(desktop.focused_id().await, "new-login");
    desktop.check_screen("premier-superviseur-vide").await;
    // Filled, a field's message goes; the others stay until they are filled too.
    desktop.type_into("#new-login", "sandrine.petit").await;
    let state = form_state(&desktop, "first-supervisor-form").await;
    assert_eq!(state.messages.len(), 3, "{:?}", state.messages);
    desktop.type_into("#new-name", "Sandrine Petit").await;
    desktop
        .type_into("#new-password", "court-Examens2026")
        .await;
    desktop
        .type_into("#new-password-confirmation", "court-Examens2026")
        .await;
    desktop.click("#first-supervisor-submit").await;
    desktop.element("#search-input").await;

    // Adding an agent.
    desktop.click("#nav-agents").await;
    sent_empty_says(
        &desktop,
        "add-agent-form",
        "#add-agent-submit",
        &[
            "Choisissez l’identifiant de l’agent.",
            "Saisissez le nom affiché de l’agent.",
            "Choisissez le mot de passe initial de l’agent.",
        ],
    )
    .await;
    desktop.check_screen("agents-formulaire-vide").await;

    // The agent's own password.
    desktop.click("#nav-password").await;
    sent_empty_says(
        &desktop,
        "password-form",
        "#password-submit",
        &[
            "Saisissez votre mot de passe actuel.",
            "Choisissez le nouveau mot de passe.",
            "Saisissez le nouveau mot de passe une seconde fois.",
        ],
    )
    .await;

    // Checking a link.
    desktop.click("#nav-check-link").await;
    sent_empty_says(
        &desktop,
        "link-check-form",
        "#check-submit",
        &["Collez le lien ou le code que le correspondant a reçu."],
    )
    .await;

    // Attaching an address to an establishment.
    desktop.click("#nav-search").await;
    desktop.type_into("#search-input", "0750654D").await;
    desktop
        .click(r#".guichet-result[data-uai="0750654D"]"#)
        .await;
    desktop.element("#establishment-name").await;
    sent_empty_says(
        &desktop,
        "attach-form",
        "#attach-submit",
        &["Saisissez l’adresse électronique à ajouter ou à rattacher."],
    )
    .await;
    desktop.check_screen("rattacher-vide").await;

    // A setting that is not a whole number says so beside it, not in a bubble of the browser.
    desktop.click("#nav-settings").await;
    let field = desktop.element("#setting-idle_lock_seconds").await;
    field.clear().await.expect("cleared");
    field.send_keys("0").await.expect("typed");
    desktop.click("#settings-save").await;
    let message = desktop
        .element("#setting-idle_lock_seconds-desc-error")
        .await
        .text()
        .await
        .expect("text");
    assert_eq!(message, "Un nombre entier, au moins 1.");
    let state = form_state(&desktop, "settings-form").await;
    assert!(state.validates_itself && state.every_form_validates_itself);
    assert!(
        state.browser.iter().any(|m| m.contains("greater than")),
        "{:?}",
        state.browser
    );
    desktop.quit().await;
}

#[tokio::test]
async fn signing_in_and_unlocking_on_an_english_pc_say_in_french_what_is_missing() {
    let data = tempfile::tempdir().expect("temporary directory");
    demo_team(data.path()).await;
    let data_dir = data.path().to_str().expect("UTF-8 path");
    let mut env = vec![
        ("GUICHET_DATA_DIR", data_dir),
        ("GUICHET_IDLE_LOCK_SECONDS", "3"),
    ];
    env.extend(ENGLISH_PC);
    let desktop = Desktop::launch_configured(&env).await;
    sent_empty_says(
        &desktop,
        "sign-in-form",
        "#sign-in-submit",
        &[
            "Saisissez votre identifiant.",
            "Saisissez votre mot de passe.",
        ],
    )
    .await;
    desktop.check_screen("connexion-vide").await;
    // A wrong password empties the field for the next try: the core's answer, no message beside.
    desktop.sign_in("lea", "pas-le-bon-mot-de-passe").await;
    desktop.element("#sign-in-error").await;
    let state = form_state(&desktop, "sign-in-form").await;
    assert!(state.messages.is_empty(), "{:?}", state.messages);
    desktop.sign_in("", AGENT_PASSWORD).await;
    desktop.element("#search-input").await;

    // Idle for three seconds: the lock screen, sent empty.
    desktop.element("#lock-screen").await;
    sent_empty_says(
        &desktop,
        "unlock-form",
        "#unlock-submit",
        &["Saisissez votre mot de passe."],
    )
    .await;
    desktop.type_into("#unlock-password", AGENT_PASSWORD).await;
    desktop.click("#unlock-submit").await;
    desktop.gone("#lock-screen").await;
    desktop.quit().await;
}
