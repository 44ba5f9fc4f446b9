//! Each role, through the CLI, tries every operation it may not do and is refused, nothing
//! written; what it may do goes through.

use guichet_tests::{AGENT_PASSWORD, SUPERVISOR_PASSWORD, on_both_backends};

use crate::{HENRI_IV, LOUIS_LE_GRAND, add_agent, addresses, admin, desk};

const ATTACHED: &str = "secretariat.roles@ac-paris.fr";

on_both_backends!(a_reader_may_change_nothing, |db| {
    desk(&db);
    let url = db.url.as_str();
    // Something a reader could try to detach or promote.
    admin(url, &["attach", ATTACHED, HENRI_IV])
        .agent("camille", AGENT_PASSWORD)
        .run()
        .ok();
    let before = addresses(&db, HENRI_IV).await;
    let agents = db.store.agents().await.expect("agents").len();

    let lea = |args: &[&str]| admin(url, args).agent("lea", AGENT_PASSWORD);
    let tries = [
        lea(&["attach", "nouvelle@ac-paris.fr", HENRI_IV]),
        lea(&["attach", ATTACHED, LOUIS_LE_GRAND, "--principal"]),
        lea(&["detach", ATTACHED, HENRI_IV]),
        lea(&["principal", HENRI_IV, ATTACHED]),
        lea(&["audit"]),
    ];
    for call in tries {
        let message = call.run().refused("forbidden");
        assert!(message.contains("lecture seule"), "{message}");
    }
    let message = lea(&["audit", "--csv"]).text().run().failed();
    assert!(message.contains("lecture seule"), "{message}");
    let message = add_agent(
        url,
        Some(("lea", AGENT_PASSWORD)),
        "paul",
        "Paul Petit",
        "agent",
        AGENT_PASSWORD,
    )
    .refused("forbidden");
    assert!(message.contains("gérer les agents"), "{message}");

    assert_eq!(addresses(&db, HENRI_IV).await, before);
    assert!(
        !addresses(&db, LOUIS_LE_GRAND)
            .await
            .0
            .iter()
            .any(|a| a == ATTACHED)
    );
    assert_eq!(db.store.agents().await.expect("agents").len(), agents);
    // Reading needs no agent at all.
    admin(url, &["diagnose", ATTACHED]).run().ok();
    admin(url, &["search", ATTACHED]).run().ok();
});

on_both_backends!(
    an_agent_edits_addresses_but_neither_manages_agents_nor_reads_the_journal,
    |db| {
        desk(&db);
        let url = db.url.as_str();
        let camille = |args: &[&str]| admin(url, args).agent("camille", AGENT_PASSWORD);
        let agents = db.store.agents().await.expect("agents").len();

        let message = add_agent(
            url,
            Some(("camille", AGENT_PASSWORD)),
            "paul",
            "Paul Petit",
            "lecture",
            AGENT_PASSWORD,
        )
        .refused("forbidden");
        assert!(message.contains("(agent)"), "{message}");
        assert!(message.contains("gérer les agents"), "{message}");
        let message = camille(&["audit"]).run().refused("forbidden");
        assert!(message.contains("journal"), "{message}");
        let message = camille(&["audit", "--csv"]).text().run().failed();
        assert!(message.contains("journal"), "{message}");
        assert_eq!(db.store.agents().await.expect("agents").len(), agents);

        // What an agent is for goes through.
        camille(&["attach", ATTACHED, HENRI_IV, "--principal"])
            .run()
            .ok();
        camille(&["attach", "second.roles@ac-paris.fr", HENRI_IV])
            .run()
            .ok();
        camille(&["principal", HENRI_IV, "second.roles@ac-paris.fr"])
            .run()
            .ok();
        camille(&["detach", ATTACHED, HENRI_IV]).run().ok();
        let (emails, principal) = addresses(&db, HENRI_IV).await;
        assert!(!emails.iter().any(|e| e == ATTACHED));
        assert_eq!(principal.as_deref(), Some("second.roles@ac-paris.fr"));
    }
);

on_both_backends!(a_supervisor_may_do_everything_the_cli_offers, |db| {
    desk(&db);
    let url = db.url.as_str();
    let sandrine = |args: &[&str]| admin(url, args).agent("sandrine", SUPERVISOR_PASSWORD);
    add_agent(
        url,
        Some(("sandrine", SUPERVISOR_PASSWORD)),
        "paul",
        "Paul Petit",
        "lecture",
        AGENT_PASSWORD,
    )
    .ok();
    sandrine(&["attach", ATTACHED, HENRI_IV, LOUIS_LE_GRAND])
        .run()
        .ok();
    sandrine(&["principal", LOUIS_LE_GRAND, ATTACHED])
        .run()
        .ok();
    sandrine(&["detach", ATTACHED, HENRI_IV]).run().ok();
    let entries = sandrine(&["audit", "--agent-filter", "sandrine"]).run();
    let entries = entries.ok()["entries"].as_array().expect("entries").clone();
    assert!(entries.iter().any(|e| e["action"] == "agent_added"));
    assert!(entries.iter().any(|e| e["action"] == "detached"));
    let csv = sandrine(&["audit", "--csv"]).text().run();
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    assert!(
        csv.stdout.starts_with("\u{feff}Date;Agent;Action;"),
        "{}",
        csv.stdout
    );
    assert!(csv.stdout.contains(";sandrine;Adresse détachée;0750654D;"));
});
