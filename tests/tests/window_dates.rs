//! Dates in the window read and typed as `jj/mm/aaaa`, whatever the PC's locale: the journal's
//! « Du » and « Au » under an English system, which gives the browser's own date field
//! `mm/dd/yyyy`, and in another time zone than Paris's.

use guichet_tests::desktop::{Desktop, ENGLISH_PC};
use guichet_tests::{SUPERVISOR_PASSWORD, Sql, demo_team};
use thirtyfour::prelude::*;

/// The supervisor's entries around 5 March 2026 (UTC, as the journal keeps them) and their note.
/// Paris is UTC+1 then: the second is 5 March at 00:30 in Paris, the fourth 6 March at 00:30.
const ENTRIES: [(&str, &str); 5] = [
    ("2026-03-04T12:00:00+00:00", "Appel du 4 mars"),
    (
        "2026-03-04T23:30:00+00:00",
        "Appel du 5 mars, à minuit et demie",
    ),
    ("2026-03-05T09:05:00+00:00", "Appel du 5 mars, le matin"),
    (
        "2026-03-05T23:30:00+00:00",
        "Appel du 6 mars, à minuit et demie",
    ),
    ("2026-03-06T10:00:00+00:00", "Appel du 6 mars"),
];

/// What the journal lists for 5 March, newest first: the day in Paris, not in UTC nor New York.
const FIFTH_OF_MARCH: [&str; 2] = ["05/03/2026 à 10:05", "05/03/2026 à 00:30"];

/// Adds [`ENTRIES`] to the journal of the demo database in `data`, as links the supervisor sent.
async fn seed_journal(data: &std::path::Path) {
    let settings = guichet_core::Settings::with_defaults(None, data.to_path_buf());
    let sql = Sql::open(&settings.effective_database_url()).await;
    for (at, note) in ENTRIES {
        sql.execute(&format!(
            "INSERT INTO audit_event (at, agent_id, action, uai, email, note) \
             SELECT '{at}', id, 'link_sent', '0750654D', 'ce.0750654d@ac-paris.fr', '{note}' \
             FROM agent WHERE login = 'sandrine'"
        ))
        .await;
    }
    assert_eq!(
        sql.number("SELECT count(*) FROM audit_event WHERE at LIKE '2026-03-0%'")
            .await,
        5
    );
    sql.close().await;
}

/// Runs a script in the window and hands back what it returns.
async fn script(desktop: &Desktop, source: &str) -> serde_json::Value {
    desktop
        .driver
        .execute(source, vec![])
        .await
        .unwrap_or_else(|error| panic!("{source}: {error}"))
        .json()
        .clone()
}

/// The dates of the journal's rows, top to bottom.
async fn listed_dates(desktop: &Desktop) -> Vec<String> {
    let dates = script(
        desktop,
        "return [...document.querySelectorAll('#journal-table tbody tr td:first-child')].map((c) => c.textContent)",
    )
    .await;
    serde_json::from_value(dates).expect("texts")
}

/// Waits for the journal to list exactly `wanted`.
async fn wait_for_dates(desktop: &Desktop, wanted: &[&str]) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let dates = listed_dates(desktop).await;
        if dates == wanted {
            return;
        }
        if std::time::Instant::now() > deadline {
            desktop.screenshot("echec").await;
            panic!("the journal lists {dates:?}, not {wanted:?}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Empties the focused field with the keyboard, then types `text` into it.
async fn retype(desktop: &Desktop, text: &str) {
    desktop.press(Key::Control + "a").await;
    desktop.press(Key::Backspace).await;
    desktop.press(text).await;
}

#[tokio::test]
async fn the_journal_filters_on_a_day_typed_jj_mm_aaaa_under_an_english_locale() {
    let data = tempfile::tempdir().expect("temporary directory");
    demo_team(data.path()).await;
    seed_journal(data.path()).await;
    let data_dir = data.path().to_str().expect("UTF-8 path");
    let mut env = vec![("GUICHET_DATA_DIR", data_dir)];
    env.extend(ENGLISH_PC);
    let desktop = Desktop::launch_configured(&env).await;

    // The window runs in English indeed: a date field of the browser would show mm/dd/yyyy.
    let language = script(&desktop, "return navigator.language").await;
    assert_eq!(language.as_str(), Some("en-US"), "the PC's language");
    let zone = script(
        &desktop,
        "return Intl.DateTimeFormat().resolvedOptions().timeZone",
    )
    .await;
    assert_eq!(
        zone.as_str(),
        Some("America/New_York"),
        "the PC's time zone"
    );

    desktop.sign_in("sandrine", SUPERVISOR_PASSWORD).await;
    desktop.element("#search-input").await;
    desktop.click("#nav-journal").await;
    desktop.element("#journal-table").await;
    // Every entry at first, the seeded ones dated in Paris time.
    let all = listed_dates(&desktop).await;
    for date in FIFTH_OF_MARCH
        .iter()
        .chain(&["04/03/2026 à 13:00", "06/03/2026 à 00:30"])
    {
        assert!(all.iter().any(|d| d == date), "{date} not in {all:?}");
    }

    // « Du » a day typed without zeros, read back as jj/mm/aaaa once left with Tab; « Au » the
    // same day typed in full; Enter filters.
    let from = desktop.element("#journal-from").await;
    assert_eq!(
        from.attr("type").await.expect("type").as_deref(),
        Some("text"),
        "not the browser's date field"
    );
    desktop.type_into("#journal-from", "5/3/2026").await;
    desktop.press(Key::Tab).await;
    assert_eq!(desktop.focused_id().await, "journal-to");
    assert_eq!(
        from.value().await.expect("value").as_deref(),
        Some("05/03/2026")
    );
    desktop.press("05/03/2026").await;
    desktop.press(Key::Enter).await;
    wait_for_dates(&desktop, &FIFTH_OF_MARCH).await;
    let notes = script(
        &desktop,
        "return [...document.querySelectorAll('#journal-table tbody tr td:last-child')].map((c) => c.textContent)",
    )
    .await;
    assert_eq!(
        notes,
        serde_json::json!([
            "Appel du 5 mars, le matin",
            "Appel du 5 mars, à minuit et demie"
        ])
    );
    assert!(
        desktop
            .driver
            .find_all(By::Css(".fr-message--error"))
            .await
            .expect("query")
            .is_empty(),
        "no error for valid days"
    );

    // The table's rows span the page's main container. Rows, not the table element: a table drawn
    // as a block (the DSFR's older markup) is as wide as the page while its rows fit their text.
    let widths = script(
        &desktop,
        "const main = document.getElementById('main'); const style = getComputedStyle(main);
         const inner = main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
         return [document.querySelector('#journal-table thead tr').getBoundingClientRect().width, inner];",
    )
    .await;
    let (table, main) = (
        widths[0].as_f64().expect("table width"),
        widths[1].as_f64().expect("main width"),
    );
    assert!(
        table >= main * 0.98 && table <= main + 1.0,
        "the journal's rows are {table} px wide in a main container of {main} px"
    );
    desktop.check_screen("journal-dates").await;

    // A day that does not exist: its error beside « Du », the focus on it, the list as it was.
    desktop.click("#journal-from").await;
    retype(&desktop, "31/02/2026").await;
    desktop.press(Key::Enter).await;
    desktop.element("#journal-from-desc-error").await;
    // Its text as written, the no-break space included (WebDriver's text makes it a space).
    let error = script(
        &desktop,
        "return document.getElementById('journal-from-desc-error').textContent",
    )
    .await;
    assert_eq!(
        error.as_str(),
        Some("Date invalide\u{a0}: 31/02/2026 n’existe pas")
    );
    assert_eq!(desktop.focused_id().await, "journal-from");
    assert_eq!(
        from.attr("aria-invalid")
            .await
            .expect("attribute")
            .as_deref(),
        Some("true")
    );
    // Had it filtered without « Du », the 4 March entry would be listed.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(listed_dates(&desktop).await, FIFTH_OF_MARCH);
    desktop.check_screen("journal-date-invalide").await;

    // Anything but a date asks for the format; corrected, the error goes and the list follows.
    retype(&desktop, "March 5").await;
    desktop.press(Key::Enter).await;
    desktop
        .element_with_text(
            "#journal-from-desc-error",
            "Saisissez la date au format jj/mm/aaaa",
        )
        .await;
    retype(&desktop, "04.03.2026").await;
    desktop.press(Key::Enter).await;
    wait_for_dates(
        &desktop,
        &[FIFTH_OF_MARCH[0], FIFTH_OF_MARCH[1], "04/03/2026 à 13:00"],
    )
    .await;
    desktop.gone("#journal-from-desc-error").await;
    desktop.quit().await;
}
