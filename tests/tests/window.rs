//! End to end in the real window: the app under Xvfb, driven over WebDriver.

use guichet_tests::desktop::Desktop;
use thirtyfour::prelude::*;

#[tokio::test]
async fn a_uai_typed_at_launch_opens_its_establishment() {
    let data = tempfile::tempdir().expect("temporary directory");
    let data_dir = data.path().to_str().expect("UTF-8 path");
    let desktop = Desktop::launch(&[("GUICHET_DATA_DIR", data_dir)]).await;

    // The field has the focus at launch: typing goes straight into it.
    let field = desktop.element("#search-input").await;
    desktop
        .element_with_text("#database-indicator", "Base de démonstration")
        .await;
    assert_eq!(desktop.focused_id().await, "search-input");
    desktop
        .driver
        .active_element()
        .await
        .expect("focused element")
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
    desktop.screenshot("recherche").await;

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
    desktop.screenshot("etablissement").await;

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

#[tokio::test]
async fn an_ill_formed_database_url_is_explained_in_the_window() {
    let data = tempfile::tempdir().expect("temporary directory");
    let data_dir = data.path().to_str().expect("UTF-8 path");
    let desktop = Desktop::launch(&[
        ("GUICHET_DATA_DIR", data_dir),
        ("GUICHET_DATABASE_URL", "mysql://siec/comptes"),
    ])
    .await;
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
    desktop.screenshot("erreur-base").await;
    desktop.quit().await;
    assert_eq!(
        std::fs::read_dir(data.path()).expect("data dir").count(),
        0,
        "nothing written"
    );
}
