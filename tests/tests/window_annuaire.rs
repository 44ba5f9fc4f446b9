//! The Annuaire de l'éducation in the real window: a supervisor reviews a second snapshot's dry
//! run (exactly its changes, nothing written) and applies it; the closed establishment is then
//! found with its « Fermé » badge and closing date, its page offers its successor under Entrée,
//! and its address gets no link. A bad file and an empty field get French messages.

use guichet_core::model::establishment::EstablishmentIdentity;
use guichet_core::store::{Backend, OpenMode};
use guichet_core::{Guichet, Settings};
use guichet_tests::annuaire::{Headers, Row, file, lycees_of};
use guichet_tests::desktop::Desktop;
use guichet_tests::{AGENT_PASSWORD, SUPERVISOR_PASSWORD, Sql, TestDb};
use thirtyfour::prelude::*;

const EMAIL: &str = "secretariat.ferme@ac-creteil.fr";

#[tokio::test]
async fn a_supervisor_applies_the_annuaire_and_a_closed_establishment_leads_to_its_successor() {
    let db = TestDb::migrated(Backend::Sqlite).await;
    let data = tempfile::tempdir().expect("temporary directory");
    let base = lycees_of(&["Créteil"]);
    let rows: Vec<Row> = base.iter().map(Row::open).collect();
    let (merged, heir, renamed): (&EstablishmentIdentity, _, _) = (&base[0], &base[1], &base[2]);
    {
        let settings = Settings::with_defaults(Some(db.url.clone()), data.path().to_path_buf());
        let guichet = Guichet::open(settings, OpenMode::MustExist)
            .await
            .expect("opened");
        let supervisor = guichet_tests::add_team(&guichet).await;
        guichet
            .import_annuaire(
                &supervisor,
                file(&rows, Headers::Labels, true).as_slice(),
                "annuaire-1.csv",
                false,
            )
            .await
            .expect("first import");
        let camille = guichet
            .sign_in("camille", AGENT_PASSWORD)
            .await
            .expect("camille");
        guichet
            .attach(&camille, EMAIL, &[merged.uai.to_string()], true, None, None)
            .await
            .expect("attached");
        guichet.close().await;
    }
    let second: Vec<Row> = rows
        .iter()
        .map(|row| {
            let mut row = row.clone();
            if row.identity.uai == merged.uai {
                row.etat = "FERME";
                row.updated_on = "2026-06-30";
                row.mere = Some(heir.uai.to_string());
            } else if row.identity.uai == renamed.uai {
                row.identity.name = format!("{} - Cité scolaire", row.identity.name);
            }
            row
        })
        .collect();
    let path = data.path().join("fr-en-annuaire-education.csv");
    std::fs::write(&path, file(&second, Headers::Labels, true)).expect("file written");
    let bad = data.path().join("pas-l-annuaire.csv");
    std::fs::write(&bad, "UAI;Nom\n0750654D;Lycée\n").expect("file written");
    let sql = Sql::open(&db.url).await;
    let imports = || sql.count("annuaire_import");
    assert_eq!(imports().await, 1);

    let dir = data.path().to_str().expect("UTF-8 path");
    let desktop = Desktop::launch(&[
        ("GUICHET_DATA_DIR", dir),
        ("GUICHET_DATABASE_URL", db.url.as_str()),
    ])
    .await;
    desktop.sign_in("sandrine", SUPERVISOR_PASSWORD).await;
    desktop.click("#nav-annuaire").await;
    desktop.element("#annuaire-title").await;

    // Nothing typed: the app's French message beside the field, not the browser's.
    desktop.click("#annuaire-dry-run").await;
    desktop
        .element_with_text(
            "#annuaire-form .fr-message--error",
            "Indiquez le fichier à importer.",
        )
        .await;
    // A file that is not the Annuaire: why, with its line; nothing written.
    desktop
        .type_into("#annuaire-path", bad.to_str().expect("UTF-8"))
        .await;
    desktop.press(Key::Enter).await;
    let message = desktop
        .element("#annuaire-message")
        .await
        .text()
        .await
        .expect("text");
    assert!(message.starts_with("Ligne 1"), "{message}");
    assert!(
        message.contains("Identifiant_de_l_etablissement"),
        "{message}"
    );
    assert_eq!(imports().await, 1);

    // The second snapshot's dry run: exactly its two changes, nothing written.
    let field = desktop.element("#annuaire-path").await;
    field.clear().await.expect("cleared");
    desktop
        .type_into("#annuaire-path", path.to_str().expect("UTF-8"))
        .await;
    desktop.press(Key::Enter).await;
    let summary = desktop
        .element("#annuaire-summary")
        .await
        .text()
        .await
        .expect("text");
    assert!(summary.contains("Simulation"), "{summary}");
    let mut listed = Vec::new();
    for row in desktop
        .element("#annuaire-changes")
        .await
        .find_all(By::Css("tbody tr"))
        .await
        .expect("rows")
    {
        let kind = row
            .attr("data-kind")
            .await
            .expect("kind")
            .unwrap_or_default();
        let uai = row.attr("data-uai").await.expect("uai").unwrap_or_default();
        listed.push(format!("{kind} {uai}"));
    }
    listed.sort();
    let mut expected = vec![
        format!("closed {}", merged.uai),
        format!("renamed {}", renamed.uai),
    ];
    expected.sort();
    assert_eq!(listed, expected);
    assert_eq!(imports().await, 1, "a dry run writes nothing");
    desktop.check_screen("annuaire-simulation").await;

    desktop.click("#annuaire-apply").await;
    let applied = desktop
        .element("#annuaire-applied")
        .await
        .text()
        .await
        .expect("text");
    assert!(applied.contains("appliqué"), "{applied}");
    assert_eq!(imports().await, 2);
    assert_eq!(
        sql.texts(&format!(
            "SELECT CAST(closed_on AS TEXT) FROM establishment WHERE uai = '{}'",
            merged.uai
        ))
        .await,
        ["2026-06-30"]
    );
    desktop.check_screen("annuaire-applique").await;

    // The tombstone in the results, then its page: Entrée opens the successor.
    desktop.click("#nav-search").await;
    desktop
        .type_into("#search-input", merged.uai.as_str())
        .await;
    let hit = desktop
        .element(&format!(
            ".guichet-result[data-uai=\"{}\"][data-closed=\"2026-06-30\"]",
            merged.uai
        ))
        .await;
    // Badges are drawn in capitals: « FERMÉ » as the agent reads it.
    let text = hit.text().await.expect("text");
    assert!(
        text.contains("FERMÉ") && text.contains("fermé le 30/06/2026"),
        "{text}"
    );
    desktop.check_screen("recherche-ferme").await;
    desktop.press(Key::Enter).await;
    desktop.element("#closed-notice").await;
    desktop
        .element(&format!("#successor[data-uai=\"{}\"]", heir.uai))
        .await;
    assert_eq!(desktop.focused_id().await, "open-successor");
    desktop.check_screen("etablissement-ferme").await;
    desktop.press(Key::Enter).await;
    desktop
        .element_with_text("#establishment-uai", heir.uai.as_str())
        .await;

    // Its address is kept, but gets no link.
    desktop.press(Key::Escape).await;
    desktop.element("#search-input").await;
    desktop.press(Key::Escape).await;
    desktop.type_into("#search-input", EMAIL).await;
    desktop.element("#search-result-0[data-kind=address]").await;
    desktop.press(Key::Enter).await;
    desktop
        .element_with_text("#establishment-uai", merged.uai.as_str())
        .await;
    desktop.element("#send-link").await;
    assert_eq!(desktop.focused_id().await, "send-link");
    desktop.press(Key::Enter).await;
    desktop.element("#send-confirm").await;
    desktop.press(Key::Enter).await;
    let refusal = desktop
        .element("#send-outcome")
        .await
        .text()
        .await
        .expect("text");
    assert!(
        refusal.contains("fermé") && refusal.contains(merged.uai.as_str()),
        "{refusal}"
    );
    assert_eq!(
        sql.number("SELECT count(*) FROM reset_link").await,
        0,
        "no link to a closed establishment"
    );
    desktop.quit().await;
    sql.close().await;
    db.remove().await;
}
