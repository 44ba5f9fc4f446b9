//! Shared mode from the command line, as `docs/DEPLOYMENT.md` walks through it, on a cluster of
//! the test's own: the owner migrates with `--shared` (its password from PGPASSWORD or the
//! keyring) and adds the agents; then every command, reading ones included, acts as an agent
//! with its own PostgreSQL role.

use guichet_tests::cluster::{OWNER_PASSWORD, PrivateCluster};
use guichet_tests::keyring::{OWN_KEYRING, this_test_again};
use guichet_tests::{AGENT_PASSWORD, SUPERVISOR_PASSWORD, team};
use sqlx::Executor;

use crate::{HENRI_IV, admin};

const DATABASE: &str = "guichet";

#[tokio::test]
async fn the_owner_sets_up_and_each_agent_acts_as_itself() {
    let cluster = PrivateCluster::start();
    cluster
        .execute(&format!("CREATE DATABASE {DATABASE}"))
        .await;
    let owner_url = cluster.url(Some("owner"), DATABASE);
    let owner = |args: &[&str]| admin(&owner_url, args).env("PGPASSWORD", OWNER_PASSWORD);

    // The server checks the owner's password too.
    let message = admin(&owner_url, &["migrate", "--shared"])
        .env("PGPASSWORD", "Pas-le-bon-2026")
        .run()
        .refused("database_authentication");
    assert!(message.contains("mot de passe"), "{message}");

    let migrated = owner(&["migrate", "--shared"]).run();
    assert_eq!(migrated.ok()["mode"], "shared");
    assert_eq!(migrated.ok()["backend"], "postgres");
    owner(&["demo", "--establishments", "6000", "--accounts", "6000"])
        .run()
        .ok();
    // The owner adds agents without --agent: it is no agent itself.
    for member in team::TEAM {
        let added = team::add_member_with_cli(owner(&[]), None, &member);
        added.never_shows(member.password);
        assert_eq!(added.ok()["agent"]["role"], member.role.code());
        assert_eq!(added.ok()["mode"], "shared");
    }

    // Agents use the address without a user: each one brings its own.
    let url = cluster.url(None, DATABASE);
    let url = url.as_str();
    let message = admin(url, &["search", "henri"])
        .run()
        .refused("shared_needs_agent");
    assert!(message.contains("--agent"), "{message}");
    let found = admin(url, &["search", "henri 4 paris", "--limit", "3"])
        .agent("lea", AGENT_PASSWORD)
        .run();
    assert!(
        found.ok()["results"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
    admin(url, &["diagnose", "ce.0750654d@ac-pari.fr"])
        .agent("lea", AGENT_PASSWORD)
        .run()
        .ok();
    let message = admin(url, &["search", "henri"])
        .agent("lea", "Pas-le-bon-2026!")
        .run()
        .refused("invalid_credentials");
    assert_eq!(message, "Identifiant ou mot de passe incorrect.");

    // A reader changes nothing; an agent attaches, and the journal's author is the agent the
    // database saw.
    let email = "secretariat.partage@ac-paris.fr";
    let message = admin(url, &["attach", email, HENRI_IV])
        .agent("lea", AGENT_PASSWORD)
        .run()
        .refused("forbidden");
    assert!(message.contains("lecture seule"), "{message}");
    admin(url, &["attach", email, HENRI_IV, "--principal"])
        .agent("camille", AGENT_PASSWORD)
        .run()
        .ok();
    let journal = admin(url, &["audit", "--email", email])
        .agent("sandrine", SUPERVISOR_PASSWORD)
        .run();
    let entries = journal.ok()["entries"].as_array().expect("entries").clone();
    assert!(!entries.is_empty());
    assert!(
        entries.iter().all(|e| e["agent"] == "camille"),
        "{entries:?}"
    );
    let message = admin(url, &["audit"])
        .agent("camille", AGENT_PASSWORD)
        .run()
        .refused("forbidden");
    assert!(message.contains("journal"), "{message}");
    let export = admin(url, &["audit", "--csv"])
        .agent("sandrine", SUPERVISOR_PASSWORD)
        .text()
        .run();
    assert_eq!(export.code, 0, "{}", export.stderr);
    assert!(export.stdout.contains("secretariat.partage@ac-paris.fr"));
    assert!(export.stdout.contains("camille"));

    // Roles change from the command line, by a supervisor or the owner.
    admin(url, &["agent", "role", "lea", "agent"])
        .agent("sandrine", SUPERVISOR_PASSWORD)
        .run()
        .ok();
    admin(url, &["attach", "lea.promue@ac-paris.fr", HENRI_IV])
        .agent("lea", AGENT_PASSWORD)
        .run()
        .ok();
    let message = admin(url, &["agent", "disable", "sandrine"])
        .agent("camille", AGENT_PASSWORD)
        .run()
        .refused("forbidden");
    assert!(message.contains("gérer les agents"), "{message}");
    let message = admin(url, &["agent", "disable", "sandrine"])
        .agent("sandrine", SUPERVISOR_PASSWORD)
        .run()
        .refused("own_account");
    assert!(message.contains("propre compte"), "{message}");
    owner(&["agent", "disable", "camille"]).run().ok();
    let message = admin(url, &["attach", "encore@ac-paris.fr", HENRI_IV])
        .agent("camille", AGENT_PASSWORD)
        .run()
        .refused("agent_disabled");
    assert!(message.contains("désactivé"), "{message}");
    let listed = owner(&["agent", "list"]).run();
    let camille = listed.ok()["agents"]
        .as_array()
        .and_then(|agents| agents.iter().find(|a| a["login"] == "camille"))
        .cloned()
        .expect("camille listed");
    assert_eq!(camille["disabled"], true);
    owner(&["agent", "enable", "camille"]).run().ok();
    admin(url, &["attach", "encore@ac-paris.fr", HENRI_IV])
        .agent("camille", AGENT_PASSWORD)
        .run()
        .ok();

    // Plain SQL with the agents' own passwords, as `psql` would: the database refuses.
    let lea_url = cluster.url(Some(&format!("lea:{AGENT_PASSWORD}")), DATABASE);
    let mut lea: sqlx::PgConnection = sqlx::Connection::connect(&lea_url).await.expect("lea");
    assert!(lea.execute("DELETE FROM audit_event").await.is_err());
    // Without --agent, only the owner manages agents: another role in the URL is refused.
    let message = admin(
        &cluster.url(Some("lea"), DATABASE),
        &["agent", "role", "lea", "superviseur"],
    )
    .env("PGPASSWORD", AGENT_PASSWORD)
    .run()
    .refused("not_owner");
    assert!(message.contains("propriétaire"), "{message}");
}

const CHILD: &str = "GUICHET_ADMIN_SHARED_KEYRING_CHILD";

/// In the child, behind its own kernel keyring: the owner's password stored with `secret set`
/// is the one `migrate` connects with.
fn owner_password_in_the_keyring(url: &str) {
    let call = |args: &[&str]| admin(url, args).env("GUICHET_KEYRING", "keyutils");
    call(&["migrate", "--shared"])
        .run()
        .refused("database_authentication");
    // PGPASSWORD, given for one command, wins over the keyring.
    call(&["secret", "set", "database-password"])
        .stdin("Un-ancien-mot-de-passe\n")
        .run()
        .ok();
    call(&["migrate"])
        .env("PGPASSWORD", OWNER_PASSWORD)
        .run()
        .ok();
    call(&["secret", "set", "database-password"])
        .stdin(&format!("{OWNER_PASSWORD}\n"))
        .run()
        .ok();
    let migrated = call(&["migrate", "--shared"]).run();
    migrated.never_shows(OWNER_PASSWORD);
    assert_eq!(migrated.ok()["mode"], "shared");
    team::add_member_with_cli(call(&[]), None, &team::SUPERVISOR).ok();
}

#[tokio::test]
async fn the_owner_password_comes_from_the_keyring() {
    if let Ok(url) = std::env::var(CHILD) {
        owner_password_in_the_keyring(&url);
        return;
    }
    let cluster = PrivateCluster::start();
    cluster
        .execute(&format!("CREATE DATABASE {DATABASE}"))
        .await;
    this_test_again(
        "shared::the_owner_password_comes_from_the_keyring",
        &OWN_KEYRING,
        |command| {
            command
                .env(CHILD, cluster.url(Some("owner"), DATABASE))
                .env_remove("PGPASSWORD")
                .env_remove("DBUS_SESSION_BUS_ADDRESS");
        },
    );
    // The agent the child added exists: the migration and the addition really ran.
    let signed_in = team::add_member_with_cli(
        admin(&cluster.url(None, DATABASE), &[]),
        Some((team::SUPERVISOR.login, team::SUPERVISOR.password)),
        &team::AGENT,
    );
    assert_eq!(signed_in.ok()["agent"]["login"], "camille");
}
