//! `diagnose`: a known address, one a typo away from a known one, and an unknown one, as the
//! `Diagnosis` JSON and as text; no agent signs in.

use guichet_tests::{AGENT_PASSWORD, on_both_backends};
use serde_json::json;

use crate::{HENRI_IV, admin, desk};

const KNOWN: &str = "intendance.cite-scolaire@ac-paris.fr";

on_both_backends!(known_near_and_unknown_addresses, |db| {
    desk(&db);
    let url = db.url.as_str();
    admin(url, &["attach", KNOWN, HENRI_IV, "--principal"])
        .agent("camille", AGENT_PASSWORD)
        .run()
        .ok();

    let known = admin(url, &["diagnose", "Intendance.Cite-Scolaire@ac-paris.fr"]).run();
    let known = known.ok();
    assert_eq!(known["input"], "Intendance.Cite-Scolaire@ac-paris.fr");
    assert_eq!(known["verdict"]["kind"], "known");
    assert_eq!(known["verdict"]["email"], KNOWN);
    assert_eq!(
        known["verdict"]["establishments"],
        json!([{"uai": HENRI_IV, "name": "LYCÉE GÉNÉRAL HENRI IV", "principal": true}])
    );
    assert_eq!(known["findings"][0]["finding"]["kind"], "exact");
    assert!(
        known["findings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Adresse connue"))
    );
    assert!(known["action"].as_str().is_some_and(|a| !a.is_empty()));

    // One letter replaced in the local part.
    let near = admin(url, &["diagnose", "intendance.cite-scolaira@ac-paris.fr"]).run();
    let near = near.ok();
    assert_eq!(near["verdict"]["kind"], "probably_meant");
    assert_eq!(near["verdict"]["email"], KNOWN);
    let finding = &near["findings"][0]["finding"];
    assert_eq!(finding["kind"], "near");
    assert_eq!(finding["email"], KNOWN);
    assert_eq!(finding["typos"], 1);
    assert_eq!(finding["kinds"], json!(["typo"]));
    assert!(near["action"].as_str().is_some_and(|a| a.contains(KNOWN)));
    // Its steps: the known spelling, then the establishment it is attached to.
    assert_eq!(
        near["steps"][0]["step"],
        json!({"kind": "use_spelling", "email": KNOWN})
    );
    assert_eq!(near["steps"][1]["step"]["kind"], "open");
    assert_eq!(near["steps"][1]["step"]["establishment"]["uai"], HENRI_IV);

    let unknown = admin(url, &["diagnose", "zorglub.quidam@exemple-inconnu.org"]).run();
    let unknown = unknown.ok();
    assert_eq!(unknown["verdict"], json!({"kind": "unknown"}));
    assert_eq!(unknown["normalised"], "zorglub.quidam@exemple-inconnu.org");
    assert_eq!(unknown["findings"], json!([]));
    assert_eq!(
        unknown["steps"][0]["step"],
        json!({"kind": "attach", "email": "zorglub.quidam@exemple-inconnu.org", "known": false, "establishment": null})
    );
    assert!(
        unknown["action"]
            .as_str()
            .is_some_and(|a| a.starts_with("Adresse inconnue"))
    );

    // For people: the verdict, the action, each step, then each finding's sentence.
    let text = admin(url, &["diagnose", "intendance.cite-scolaira@ac-paris.fr"])
        .text()
        .run();
    assert_eq!(text.code, 0, "{}", text.stderr);
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert_eq!(lines[1], "Verdict\u{a0}: probably_meant");
    assert_eq!(
        lines[2],
        format!(
            "À faire\u{a0}: {}",
            near["action"].as_str().unwrap_or_default()
        )
    );
    for (index, step) in near["steps"].as_array().expect("steps").iter().enumerate() {
        assert_eq!(
            lines[3 + index],
            format!(
                "Action possible\u{a0}: {}",
                step["label"].as_str().unwrap_or_default()
            )
        );
    }
    let after = 3 + near["steps"].as_array().map_or(0, Vec::len);
    assert!(after > 3, "a typo has steps");
    assert_eq!(lines[after], "Constats\u{a0}:");
    assert_eq!(
        lines[after + 1],
        format!(
            "  - {}",
            near["findings"][0]["message"].as_str().unwrap_or_default()
        )
    );
});
