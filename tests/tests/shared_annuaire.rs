//! The Annuaire's import on a shared database: the supervisor's own PostgreSQL role may write
//! what an import writes (new establishments, their changes and closings, the import and its
//! journal), and an agent is refused.

use guichet_core::ErrorKind;
use guichet_core::model::uai::Uai;
use guichet_tests::annuaire::{Headers, Row, file, lycees_of};
use guichet_tests::cluster::SharedDesk;
use guichet_tests::{AGENT_PASSWORD, SUPERVISOR_PASSWORD};

#[tokio::test]
async fn on_a_shared_database_a_supervisor_imports_the_annuaire_and_an_agent_may_not() {
    let desk = SharedDesk::start().await;
    let (guichet, sandrine) = desk
        .sign_in("sandrine", SUPERVISOR_PASSWORD)
        .await
        .expect("sandrine signs in");
    let paris = lycees_of(&["Paris"]);
    let mut rows: Vec<Row> = paris.iter().map(Row::open).collect();
    let renamed = format!("{} (cité scolaire)", rows[0].identity.name);
    rows[0].identity.name = renamed.clone();
    let new_uai = (9_000..10_000)
        .map(|serial| Uai::from_parts(75, serial))
        .find(|uai| paris.iter().all(|l| l.uai != *uai))
        .expect("a free UAI");
    let unknown = guichet
        .establishment(&sandrine, new_uai.as_str())
        .await
        .is_err();
    let mut new = Row::open(&paris[1]);
    new.identity.uai = new_uai.clone();
    new.identity.name = "Lycée nouveau".into();
    rows.push(new);
    let bytes = file(&rows, Headers::Labels, true);

    // Each agent of a shared database works through a Guichet of its own.
    let (camille_guichet, camille) = desk
        .sign_in("camille", AGENT_PASSWORD)
        .await
        .expect("camille signs in");
    let refused = camille_guichet
        .annuaire_dry_run(&camille, bytes.as_slice())
        .await
        .map(|_| ())
        .expect_err("an agent does not import");
    assert_eq!(refused.kind(), ErrorKind::Forbidden);

    let (diff, imported) = guichet
        .import_annuaire(&sandrine, bytes.as_slice(), "paris.csv", false)
        .await
        .expect("the supervisor imports");
    assert!(imported.id.is_some());
    assert_eq!(diff.renamed.len(), 1);
    assert_eq!(imported.counts.added, usize::from(unknown));
    let page = guichet
        .establishment(&sandrine, paris[0].uai.as_str())
        .await
        .expect("page");
    assert_eq!(page.identity.name, renamed);
    let (_, again) = guichet
        .import_annuaire(&sandrine, bytes.as_slice(), "paris.csv", false)
        .await
        .expect("again");
    assert_eq!(again.id, None);
}
