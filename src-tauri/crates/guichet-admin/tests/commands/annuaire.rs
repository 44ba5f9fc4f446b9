//! `annuaire import FILE [--dry-run] [--skip-rejected] [--csv FILE] --json`: the dry run's JSON
//! keys as scripts read them, nothing written until applied, the same file applied twice
//! changing nothing, rejected rows refusing the import until skipped, supervisors only.

use guichet_tests::annuaire::{Headers, Row, file, lycees_of};
use guichet_tests::{AGENT_PASSWORD, SUPERVISOR_PASSWORD, on_both_backends, team};

use crate::admin;

on_both_backends!(the_annuaire_is_imported_from_the_command_line, |db| {
    let url = db.url.as_str();
    team::add_team_with_cli(|| admin(url, &[]));
    let sql = db.sql().await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let lycees = lycees_of(&["Créteil"]);
    let rows: Vec<Row> = lycees.iter().map(Row::open).collect();
    let path = dir.path().join("fr-en-annuaire-education.csv");
    std::fs::write(&path, file(&rows, Headers::Labels, true)).expect("written");
    let path = path.to_str().expect("UTF-8 path");
    let sandrine = |args: &[&str]| admin(url, args).agent("sandrine", SUPERVISOR_PASSWORD);

    let export = dir.path().join("simulation.csv");
    let export_arg = export.to_str().expect("UTF-8 path");
    let dry = sandrine(&["annuaire", "import", path, "--dry-run", "--csv", export_arg]).run();
    let dry = dry.ok();
    let mut keys: Vec<&str> = dry
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "changed",
            "closed",
            "mail_changed",
            "moved",
            "new",
            "rejected",
            "renamed",
            "reopened",
            "unchanged"
        ]
    );
    let new = dry["new"].as_array().expect("new");
    assert_eq!(new.len(), lycees.len());
    assert!(new.iter().all(|item| item["uai"].is_string()));
    assert_eq!(dry["unchanged"], 0);
    assert_eq!(
        sql.count("establishment").await,
        0,
        "a dry run writes nothing"
    );
    let csv = std::fs::read_to_string(&export).expect("the export");
    assert!(
        csv.starts_with("\u{feff}catégorie;uai;ligne;colonne;avant;après\r\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 1 + lycees.len());

    let text = sandrine(&["annuaire", "import", path, "--dry-run"])
        .text()
        .run();
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout
            .starts_with(&format!("{} nouveaux, 0 renommés", lycees.len())),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("rien n’a été écrit"),
        "{}",
        text.stdout
    );

    let applied = sandrine(&["annuaire", "import", path]).run();
    assert!(applied.ok()["import"]["id"].is_number(), "{}", applied.ok());
    assert_eq!(applied.ok()["import"]["counts"]["added"], lycees.len());
    assert_eq!(sql.count("establishment").await, lycees.len() as i64);
    let again = sandrine(&["annuaire", "import", path]).run();
    assert!(again.ok()["import"]["id"].is_null(), "{}", again.ok());
    assert_eq!(again.ok()["unchanged"], lycees.len());
    assert_eq!(sql.count("annuaire_import").await, 1);

    // One row whose check letter is wrong: listed, refusing the import until skipped.
    let first = lycees[0].uai.as_str();
    let wrong = if first.ends_with('A') { 'B' } else { 'A' };
    let mut renamed = rows.clone();
    renamed[1].identity.name = "Lycée renommé".into();
    let bad = String::from_utf8(file(&renamed, Headers::Api, false))
        .expect("UTF-8")
        .replacen(
            &format!("\"{first}\""),
            &format!("\"{}{wrong}\"", &first[..7]),
            1,
        );
    let bad_path = dir.path().join("quelques-erreurs.csv");
    std::fs::write(&bad_path, bad).expect("written");
    let bad_path = bad_path.to_str().expect("UTF-8 path");
    let dry = sandrine(&["annuaire", "import", bad_path, "--dry-run"]).run();
    let rejected = dry.ok()["rejected"].as_array().expect("rejected").clone();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["line"], 2);
    assert_eq!(rejected[0]["column"], "identifiant_de_l_etablissement");
    assert!(
        rejected[0]["reason"]
            .as_str()
            .expect("reason")
            .contains("lettre de contrôle")
    );
    // A row whose UAI cannot be read may be any lycée of its académie: none vanished closes.
    assert_eq!(dry.ok()["closed"], serde_json::json!([]));
    let refused = sandrine(&["annuaire", "import", bad_path]).run();
    let message = refused.refused("annuaire_rejected");
    assert!(
        message.contains("ligne 2, colonne identifiant_de_l_etablissement"),
        "{message}"
    );
    let name = format!(
        "SELECT name FROM establishment WHERE uai = '{}'",
        lycees[1].uai
    );
    assert_eq!(sql.texts(&name).await, [lycees[1].name.clone()]);
    let skipped = sandrine(&["annuaire", "import", bad_path, "--skip-rejected"]).run();
    assert_eq!(skipped.ok()["renamed"][0]["after"], "Lycée renommé");
    assert_eq!(sql.texts(&name).await, ["Lycée renommé"]);

    let camille = admin(url, &["annuaire", "import", path, "--dry-run"])
        .agent("camille", AGENT_PASSWORD)
        .run();
    camille.refused("forbidden");
});
