//! `agent add`: the first supervisor from standard input, then agents of each role added by a
//! supervisor; and how the agent's own password is read, or refused.

use guichet_core::agents::Role;
use guichet_tests::{AGENT_PASSWORD, SUPERVISOR_PASSWORD, on_both_backends};

use crate::{add_agent, admin};

on_both_backends!(the_first_supervisor_then_agents_of_each_role, |db| {
    let url = db.url.as_str();
    // The first agent of a database must be its supervisor.
    let message = add_agent(
        url,
        None,
        "camille",
        "Camille Martin",
        "agent",
        AGENT_PASSWORD,
    )
    .refused("first_agent_must_be_supervisor");
    assert!(message.contains("--role superviseur"), "{message}");
    assert!(db.store.agents().await.expect("agents").is_empty());

    let first = add_agent(
        url,
        None,
        "sandrine",
        "Sandrine Petit",
        "superviseur",
        SUPERVISOR_PASSWORD,
    );
    first.never_shows(SUPERVISOR_PASSWORD);
    let first = first.ok();
    assert_eq!(first["first_supervisor"], true);
    assert_eq!(first["agent"]["login"], "sandrine");
    assert_eq!(first["agent"]["display_name"], "Sandrine Petit");
    assert_eq!(first["agent"]["role"], "superviseur");

    // From now on a supervisor adds agents, and says who they are.
    add_agent(
        url,
        None,
        "camille",
        "Camille Martin",
        "agent",
        AGENT_PASSWORD,
    )
    .refused("agent_required");
    let supervisor = Some(("sandrine", SUPERVISOR_PASSWORD));
    for (login, name, role) in [
        ("lea", "Léa Bernard", "lecture"),
        ("camille", "Camille Martin", "agent"),
        ("marc", "Marc Leroy", "superviseur"),
    ] {
        let added = add_agent(url, supervisor, login, name, role, AGENT_PASSWORD);
        added.never_shows(AGENT_PASSWORD);
        added.never_shows(SUPERVISOR_PASSWORD);
        let added = added.ok();
        assert_eq!(added["first_supervisor"], false, "{login}");
        assert_eq!(added["agent"]["login"], login);
        assert_eq!(added["agent"]["display_name"], name);
        assert_eq!(added["agent"]["role"], role);
    }
    let mut agents: Vec<(String, Role)> = db
        .store
        .agents()
        .await
        .expect("agents")
        .into_iter()
        .map(|a| (a.login, a.role))
        .collect();
    agents.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        agents,
        [
            ("camille".into(), Role::Agent),
            ("lea".into(), Role::Lecture),
            ("marc".into(), Role::Superviseur),
            ("sandrine".into(), Role::Superviseur),
        ]
    );

    // The password read from standard input is the one the new agent signs in with.
    admin(url, &["audit", "--limit", "1"])
        .agent("marc", AGENT_PASSWORD)
        .run()
        .ok();
    // The line end is not part of it, even a Windows one.
    let crlf = "Fin-de-ligne-2026!";
    add_agent(
        url,
        supervisor,
        "nadia",
        "Nadia Haddad",
        "superviseur",
        &format!("{crlf}\r"),
    )
    .ok();
    admin(url, &["audit", "--limit", "1"])
        .agent("nadia", crlf)
        .run()
        .ok();

    // What the core refuses comes back with its kind.
    let weak =
        add_agent(url, supervisor, "paul", "Paul Petit", "agent", "court").refused("weak_password");
    assert!(weak.contains("au moins 12 caractères"), "{weak}");
    add_agent(url, supervisor, "paul", "Paul Petit", "agent", "").refused("weak_password");
    add_agent(
        url,
        supervisor,
        "Paul Petit",
        "Paul Petit",
        "agent",
        AGENT_PASSWORD,
    )
    .refused("invalid_login");
    add_agent(url, supervisor, "lea", "Léa Bis", "agent", AGENT_PASSWORD).refused("login_taken");
    assert_eq!(db.store.agents().await.expect("agents").len(), 5);
});

on_both_backends!(a_wrong_agent_password_is_refused, |db| {
    let url = db.url.as_str();
    add_agent(
        url,
        None,
        "sandrine",
        "Sandrine Petit",
        "superviseur",
        SUPERVISOR_PASSWORD,
    )
    .ok();
    let wrong = add_agent(
        url,
        Some(("sandrine", "Pas-le-bon-2026!")),
        "camille",
        "Camille Martin",
        "agent",
        AGENT_PASSWORD,
    );
    let message = wrong.refused("invalid_credentials");
    assert_eq!(message, "Identifiant ou mot de passe incorrect.");
    wrong.never_shows("Pas-le-bon-2026!");
    // An unknown login gets the same answer.
    add_agent(
        url,
        Some(("personne", SUPERVISOR_PASSWORD)),
        "camille",
        "Camille Martin",
        "agent",
        AGENT_PASSWORD,
    )
    .refused("invalid_credentials");
    admin(url, &["audit"])
        .agent("sandrine", "Pas-le-bon-2026!")
        .run()
        .refused("invalid_credentials");
    assert_eq!(db.store.agents().await.expect("agents").len(), 1);
});

on_both_backends!(
    without_the_password_variable_nor_a_terminal_the_agent_is_told_what_to_do,
    |db| {
        let url = db.url.as_str();
        add_agent(
            url,
            None,
            "sandrine",
            "Sandrine Petit",
            "superviseur",
            SUPERVISOR_PASSWORD,
        )
        .ok();
        // `setsid` leaves the binary without a controlling terminal to ask on.
        let run = admin(
            url,
            &[
                "agent",
                "add",
                "camille",
                "--name",
                "Camille Martin",
                "--role",
                "agent",
                "--agent",
                "sandrine",
            ],
        )
        .stdin(&format!("{AGENT_PASSWORD}\n"))
        .under(&["setsid", "-w"])
        .run();
        let message = run.refused("password_required");
        assert!(message.contains("GUICHET_AGENT_PASSWORD"), "{message}");
        assert!(message.contains("«\u{a0}sandrine\u{a0}»"), "{message}");
        run.never_shows(AGENT_PASSWORD);
        assert_eq!(db.store.agents().await.expect("agents").len(), 1);
    }
);

on_both_backends!(
    a_supervisor_changes_roles_and_disables_agents_of_a_standalone_database,
    |db| {
        crate::desk(&db);
        let url = db.url.as_str();
        let sandrine = |args: &[&str]| admin(url, args).agent("sandrine", SUPERVISOR_PASSWORD);

        // Without --agent a standalone database has no one to act: its agents are the app's.
        let message = admin(url, &["agent", "disable", "camille"])
            .run()
            .refused("agent_required");
        assert!(message.contains("--agent"), "{message}");
        let message = admin(url, &["agent", "role", "lea", "agent"])
            .agent("camille", AGENT_PASSWORD)
            .run()
            .refused("forbidden");
        assert!(message.contains("gérer les agents"), "{message}");
        let message = sandrine(&["agent", "role", "sandrine", "lecture"])
            .run()
            .refused("own_account");
        assert!(message.contains("propre compte"), "{message}");
        let message = sandrine(&["agent", "disable", "personne"])
            .run()
            .refused("agent_not_found");
        assert!(message.contains("personne"), "{message}");

        let changed = sandrine(&["agent", "role", "lea", "agent"]).run();
        assert_eq!(changed.ok()["agent"]["role"], "agent");
        admin(url, &["attach", "lea.promue@ac-paris.fr", crate::HENRI_IV])
            .agent("lea", AGENT_PASSWORD)
            .run()
            .ok();

        let disabled = sandrine(&["agent", "disable", "camille"]).run();
        assert_eq!(disabled.ok()["agent"]["disabled"], true);
        let message = admin(url, &["search", "henri"])
            .agent("camille", AGENT_PASSWORD)
            .run()
            .refused("agent_disabled");
        assert!(message.contains("désactivé"), "{message}");
        // A wrong password is only wrong, whether the agent is disabled or not.
        admin(url, &["search", "henri"])
            .agent("camille", "Pas-le-bon-2026!")
            .run()
            .refused("invalid_credentials");
        let listed = sandrine(&["agent", "list"]).text().run();
        assert_eq!(listed.code, 0, "{}", listed.stderr);
        assert!(
            listed
                .stdout
                .contains("camille  Camille Martin — agent, désactivé"),
            "{}",
            listed.stdout
        );
        assert!(
            listed.stdout.contains("lea  Léa Bernard — agent\n"),
            "{}",
            listed.stdout
        );
        sandrine(&["agent", "enable", "camille"]).run().ok();
        admin(url, &["search", "henri"])
            .agent("camille", AGENT_PASSWORD)
            .run()
            .ok();
        let journal = sandrine(&["audit", "--agent-filter", "sandrine"]).run();
        let actions: Vec<&str> = journal.ok()["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        for action in ["agent_role_changed", "agent_disabled", "agent_enabled"] {
            assert!(actions.contains(&action), "{action}: {actions:?}");
        }
    }
);
