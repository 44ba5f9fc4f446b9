//! `attach`, `principal` and `detach` end to end, their JSON checked against the database, and
//! each refusal with its kind.

use guichet_tests::{AGENT_PASSWORD, on_both_backends};
use serde_json::json;

use crate::{HENRI_IV, LOUIS_LE_GRAND, NOWHERE, addresses, admin, desk};

const SECRETARIAT: &str = "Secretariat.Henri4@ac-paris.fr";
const NEW_SECRETARIAT: &str = "nouveau.secretariat@ac-paris.fr";

on_both_backends!(
    attach_then_principal_then_detach_with_a_new_principal,
    |db| {
        desk(&db);
        let url = db.url.as_str();
        let camille = |args: &[&str]| admin(url, args).agent("camille", AGENT_PASSWORD).run();

        // Trimmed, domain in lower case, added and attached to two establishments at once.
        let attached = camille(&[
            "attach",
            "  Secretariat.Henri4@AC-PARIS.FR ",
            HENRI_IV,
            LOUIS_LE_GRAND,
            "--note",
            "appel du secrétariat",
        ]);
        let attached = attached.ok();
        assert_eq!(attached["email"], SECRETARIAT);
        assert_eq!(attached["uais"], json!([HENRI_IV, LOUIS_LE_GRAND]));
        let message = attached["message"].as_str().expect("message");
        assert!(
            message.contains("LYCÉE GÉNÉRAL HENRI IV (0750654D)"),
            "{message}"
        );
        assert!(
            message.contains("LYCÉE LOUIS LE GRAND (0750655E)"),
            "{message}"
        );
        for uai in [HENRI_IV, LOUIS_LE_GRAND] {
            assert!(
                addresses(&db, uai).await.0.iter().any(|e| e == SECRETARIAT),
                "{uai}"
            );
        }

        let promoted = camille(&[
            "principal",
            HENRI_IV,
            SECRETARIAT,
            "--note",
            "nouvelle direction",
        ]);
        let promoted = promoted.ok();
        assert_eq!(promoted["email"], SECRETARIAT);
        assert_eq!(promoted["uais"], json!([HENRI_IV]));
        assert!(
            promoted["message"]
                .as_str()
                .is_some_and(|m| m.contains("adresse principale"))
        );
        assert_eq!(
            addresses(&db, HENRI_IV).await.1.as_deref(),
            Some(SECRETARIAT)
        );

        camille(&["attach", NEW_SECRETARIAT, HENRI_IV]).ok();
        let detached = camille(&[
            "detach",
            SECRETARIAT,
            HENRI_IV,
            "--new-principal",
            NEW_SECRETARIAT,
        ]);
        let detached = detached.ok();
        assert_eq!(detached["email"], SECRETARIAT);
        assert_eq!(detached["uais"], json!([HENRI_IV]));
        let message = detached["message"].as_str().expect("message");
        assert!(
            message.contains("détachée") && message.contains(NEW_SECRETARIAT),
            "{message}"
        );
        let (emails, principal) = addresses(&db, HENRI_IV).await;
        assert_eq!(principal.as_deref(), Some(NEW_SECRETARIAT));
        assert!(!emails.iter().any(|e| e == SECRETARIAT));
        assert!(
            addresses(&db, LOUIS_LE_GRAND)
                .await
                .0
                .iter()
                .any(|e| e == SECRETARIAT)
        );

        // A second command sees the same: the address is left with Louis-le-Grand only.
        let found = admin(url, &["search", "secretariat.henri4@"]).run();
        let first = &found.ok()["results"][0];
        assert_eq!(first["email"], SECRETARIAT);
        assert_eq!(first["uais"], json!([LOUIS_LE_GRAND]));

        // The text output is the confirmation itself.
        let text = admin(url, &["attach", SECRETARIAT, HENRI_IV])
            .agent("camille", AGENT_PASSWORD)
            .text()
            .run();
        assert_eq!(text.code, 0, "{}", text.stderr);
        assert!(
            text.stdout.starts_with(&format!(
                "L’adresse «\u{a0}{SECRETARIAT}\u{a0}» est rattachée"
            )),
            "{}",
            text.stdout
        );
    }
);

on_both_backends!(each_refusal_comes_with_its_kind_and_changes_nothing, |db| {
    desk(&db);
    let url = db.url.as_str();
    let camille = |args: &[&str]| admin(url, args).agent("camille", AGENT_PASSWORD).run();
    camille(&["attach", SECRETARIAT, HENRI_IV, "--principal"]).ok();
    let henri = addresses(&db, HENRI_IV).await;

    let message = camille(&["attach", "x@ac-paris.fr", NOWHERE]).refused("establishment_not_found");
    assert!(message.contains(NOWHERE), "{message}");
    let message = camille(&["attach", "x@ac-paris.fr", "0750654E"]).refused("invalid_uai");
    assert!(
        message.contains("la bonne est «\u{a0}D\u{a0}»"),
        "{message}"
    );
    let message =
        camille(&["detach", SECRETARIAT, HENRI_IV]).refused("principal_needs_replacement");
    assert!(message.contains("autre adresse principale"), "{message}");
    let message = camille(&["attach", "SECRETARIAT.HENRI4@ac-paris.fr", LOUIS_LE_GRAND])
        .refused("address_in_other_case");
    assert!(message.contains(SECRETARIAT), "{message}");
    let message = camille(&["attach", "x.ac-paris.fr", HENRI_IV]).refused("invalid_email");
    assert!(message.contains("arobase"), "{message}");
    camille(&["principal", HENRI_IV, "personne@ac-paris.fr"]).refused("address_not_found");
    camille(&["detach", SECRETARIAT, LOUIS_LE_GRAND]).refused("not_attached");
    // The second establishment unknown: the first is left untouched too.
    camille(&["attach", "moitie@ac-paris.fr", LOUIS_LE_GRAND, NOWHERE])
        .refused("establishment_not_found");

    assert_eq!(addresses(&db, HENRI_IV).await, henri);
    let louis = addresses(&db, LOUIS_LE_GRAND).await.0;
    assert!(
        !louis
            .iter()
            .any(|e| e == "moitie@ac-paris.fr" || e == SECRETARIAT)
    );
});

on_both_backends!(a_look_alike_address_is_attached_with_a_warning, |db| {
    desk(&db);
    let url = db.url.as_str();
    let camille = |args: &[&str]| admin(url, args).agent("camille", AGENT_PASSWORD).run();
    // « ce.0750654d@аc-paris.fr » with a Cyrillic « а » (U+0430): valid, and not what it reads.
    let lookalike = "ce.0750654d@\u{430}c-paris.fr";
    let attached = camille(&["attach", lookalike, LOUIS_LE_GRAND]);
    let attached = attached.ok();
    let warning = attached["warning"].as_str().expect("a warning");
    assert!(warning.contains("U+0430"), "{warning}");
    assert!(warning.contains("ce.0750654d@ac-paris.fr"), "{warning}");
    let plain = camille(&["attach", NEW_SECRETARIAT, LOUIS_LE_GRAND]);
    let plain = plain.ok();
    assert_eq!(plain.get("warning"), None, "{plain}");
    // The diagnosis says it first.
    let diagnosis = admin(url, &["diagnose", lookalike]).run();
    let diagnosis = diagnosis.ok();
    assert_eq!(
        diagnosis["findings"][0]["finding"]["kind"], "lookalike",
        "{diagnosis}"
    );
});
