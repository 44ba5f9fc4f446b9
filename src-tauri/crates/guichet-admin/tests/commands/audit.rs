//! `audit`: the journal as JSON entries, filtered, and the CSV export read back as Excel would.

use guichet_tests::{AGENT_PASSWORD, SUPERVISOR_PASSWORD, on_both_backends};

use crate::{HENRI_IV, LOUIS_LE_GRAND, admin, desk};

const ADDRESS: &str = "vie.scolaire@ac-paris.fr";

on_both_backends!(the_journal_as_json_and_as_csv, |db| {
    desk(&db);
    let url = db.url.as_str();
    let camille = |args: &[&str]| admin(url, args).agent("camille", AGENT_PASSWORD).run();
    let sandrine = |args: &[&str]| admin(url, args).agent("sandrine", SUPERVISOR_PASSWORD);
    camille(&[
        "attach",
        ADDRESS,
        HENRI_IV,
        "--note",
        "appel; «\u{a0}urgent\u{a0}»",
    ])
    .ok();
    camille(&["attach", ADDRESS, LOUIS_LE_GRAND]).ok();

    let entries = sandrine(&["audit", "--agent-filter", "camille", "--action", "attached"]).run();
    let entries = entries.ok()["entries"].as_array().expect("entries").clone();
    assert_eq!(entries.len(), 2);
    assert!(
        entries
            .iter()
            .all(|e| e["agent"] == "camille" && e["action"] == "attached")
    );
    // Newest first.
    assert_eq!(entries[0]["uai"], LOUIS_LE_GRAND);
    assert_eq!(entries[1]["uai"], HENRI_IV);
    assert_eq!(entries[1]["email"], ADDRESS);
    assert_eq!(entries[1]["note"], "appel; «\u{a0}urgent\u{a0}»");

    let one = sandrine(&[
        "audit", "--uai", "0750654d", "--email", ADDRESS, "--limit", "1",
    ])
    .run();
    let one = one.ok()["entries"].as_array().expect("entries").clone();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0]["uai"], HENRI_IV);
    let later = sandrine(&["audit", "--from", "2999-01-01T00:00:00+01:00"]).run();
    assert_eq!(later.ok()["entries"].as_array().map(Vec::len), Some(0));
    let earlier = sandrine(&["audit", "--to", "2000-01-01T00:00:00Z"]).run();
    assert_eq!(earlier.ok()["entries"].as_array().map(Vec::len), Some(0));

    let export = sandrine(&["audit", "--csv", "--agent-filter", "camille"])
        .text()
        .run();
    assert_eq!(export.code, 0, "{}", export.stderr);
    let body = export
        .stdout
        .strip_prefix('\u{feff}')
        .expect("a BOM for Excel");
    assert!(body.ends_with("\r\n"), "CRLF line ends, nothing after");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        header.join(";"),
        "Date;Agent;Action;UAI;Adresse;Avant;Après;Note"
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert!(rows.iter().all(|row| &row[1] == "camille"));
    let henri = rows
        .iter()
        .find(|row| &row[2] == "Adresse rattachée" && &row[3] == HENRI_IV)
        .expect("the attachment to Henri-IV");
    assert_eq!(&henri[4], ADDRESS);
    assert_eq!(
        &henri[7], "appel; «\u{a0}urgent\u{a0}»",
        "quoted, and read back whole"
    );
    // Paris time, as an agent reads it: "25/11/2026 à 11:30".
    assert!(
        chrono::NaiveDateTime::parse_from_str(&henri[0], "%d/%m/%Y à %H:%M").is_ok(),
        "{}",
        &henri[0]
    );
    assert!(rows.iter().any(|row| &row[2] == "Connexion"));

    // The export itself is in the journal.
    let exported = sandrine(&["audit", "--action", "journal_exported"]).run();
    assert_eq!(exported.ok()["entries"][0]["agent"], "sandrine");

    // Exactly one format.
    sandrine(&["audit"]).text().run().failed();
    let message = sandrine(&["audit", "--csv"])
        .run()
        .refused("format_required");
    assert!(message.contains("--json ou --csv"), "{message}");
});
