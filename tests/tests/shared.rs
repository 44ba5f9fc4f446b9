//! Shared mode on a PostgreSQL cluster of the test's own (TLS, SCRAM passwords, `auth_delay`):
//! each agent is a login role, and whatever client it uses (plain SQL here, the core below),
//! the database allows exactly what its role allows.

use guichet_core::agents::{Role, Session};
use guichet_core::audit::{AuditAction, AuditFilter};
use guichet_core::store::{Mode, OpenMode, Store};
use guichet_core::{ErrorKind, Gate, Guichet};
use guichet_tests::cluster::{AUTH_DELAY_MS, SharedDesk};
use guichet_tests::{AGENT_PASSWORD, SUPERVISOR_PASSWORD};
use sqlx::{Connection, Executor, PgConnection, Row};

const HENRI_IV: &str = "0750654D";
const LOUIS_LE_GRAND: &str = "0750655E";

/// The SQLSTATE of a refused statement.
async fn refusal(connection: &mut PgConnection, sql: &str) -> String {
    match connection.execute(sql).await {
        Ok(_) => panic!("allowed: {sql}"),
        Err(sqlx::Error::Database(db)) => {
            db.code().map(|code| code.into_owned()).unwrap_or_default()
        }
        Err(error) => panic!("{sql}: {error}"),
    }
}

const INSUFFICIENT_PRIVILEGE: &str = "42501";

async fn tables(connection: &mut PgConnection) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT table_name::TEXT FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    )
    .fetch_all(connection)
    .await
    .expect("tables")
}

/// The journal's entries of one action, as a supervisor reads them.
async fn entries_of(
    guichet: &Guichet,
    supervisor: &Session,
    action: AuditAction,
) -> Vec<guichet_core::audit::AuditEntry> {
    let filter = AuditFilter {
        action: Some(action),
        ..AuditFilter::default()
    };
    guichet
        .audit_entries(supervisor, &filter)
        .await
        .expect("the journal")
}

/// Why a sign-in that must fail was refused.
async fn refused_sign_in(desk: &SharedDesk, login: &str, password: &str) -> guichet_core::Error {
    match desk.sign_in(login, password).await {
        Ok(_) => panic!("{login} signed in"),
        Err(error) => error,
    }
}

async fn sign_in(desk: &SharedDesk, login: &str, password: &str) -> (Guichet, Session) {
    desk.sign_in(login, password)
        .await
        .unwrap_or_else(|error| panic!("{login} signs in: {error}"))
}

#[tokio::test]
async fn a_reader_may_write_no_table_even_with_plain_sql() {
    let desk = SharedDesk::start().await;
    let mut owner = PgConnection::connect(&desk.owner_url())
        .await
        .expect("owner");
    let tables = tables(&mut owner).await;
    assert!(tables.len() >= 10, "{tables:?}");
    let mut lea = desk
        .connect("lea", AGENT_PASSWORD)
        .await
        .expect("lea connects");

    // What the screens show is readable…
    let found: i64 = sqlx::query_scalar("SELECT count(*) FROM establishment WHERE uai = $1")
        .bind(HENRI_IV)
        .fetch_one(&mut lea)
        .await
        .expect("a reader reads establishments");
    assert_eq!(found, 1);
    // …but not the portal's password hashes, nor the agents' password columns.
    for sql in [
        "SELECT password FROM account",
        "SELECT password_hash FROM agent",
    ] {
        assert_eq!(
            refusal(&mut lea, sql).await,
            INSUFFICIENT_PRIVILEGE,
            "{sql}"
        );
    }
    // And nothing is writable: every table of the schema, every kind of write.
    for table in &tables {
        // A column an UPDATE may name at all (not GENERATED ALWAYS), so that the privilege
        // is what refuses it.
        let column: String = sqlx::query_scalar(
            "SELECT column_name::TEXT FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name = $1 \
               AND coalesce(identity_generation, '') <> 'ALWAYS' \
             ORDER BY ordinal_position LIMIT 1",
        )
        .bind(table)
        .fetch_one(&mut owner)
        .await
        .expect("a column");
        for sql in [
            format!("INSERT INTO {table} DEFAULT VALUES"),
            format!("UPDATE {table} SET {column} = {column}"),
            format!("DELETE FROM {table}"),
            format!("TRUNCATE {table}"),
        ] {
            assert_eq!(
                refusal(&mut lea, &sql).await,
                INSUFFICIENT_PRIVILEGE,
                "{sql}"
            );
        }
    }
    // What a reader must write goes through the owner's functions, journaled as itself.
    lea.execute("SELECT guichet_record_sign_in()")
        .await
        .expect("sign-in journaled");
    let author: Option<String> = sqlx::query_scalar(
        "SELECT a.login FROM audit_event e JOIN agent a ON a.id = e.agent_id ORDER BY e.id DESC LIMIT 1",
    )
    .fetch_one(&mut owner)
    .await
    .expect("last entry");
    assert_eq!(author.as_deref(), Some("lea"));
    // A reader cannot empty the change log, only have the function prune what is old.
    lea.execute("SELECT guichet_prune_changes(now())")
        .await
        .expect("prune");
    let recent: i64 = sqlx::query_scalar("SELECT count(*) FROM change_log")
        .fetch_one(&mut owner)
        .await
        .expect("change log");
    assert!(recent > 0, "the last minute's changes are kept");
}

#[tokio::test]
async fn an_agent_cannot_rewrite_the_journal_its_role_or_its_author() {
    let desk = SharedDesk::start().await;
    let mut camille = desk
        .connect("camille", AGENT_PASSWORD)
        .await
        .expect("camille connects");
    let mut owner = PgConnection::connect(&desk.owner_url())
        .await
        .expect("owner");
    let sandrine: i32 = sqlx::query_scalar("SELECT id FROM agent WHERE login = 'sandrine'")
        .fetch_one(&mut owner)
        .await
        .expect("sandrine's id");

    // An entry written in another agent's name ends with the real one.
    sqlx::query("INSERT INTO audit_event (at, agent_id, action, uai, note) VALUES (now(), $1, 'attached', $2, 'signé sandrine')")
        .bind(sandrine)
        .bind(HENRI_IV)
        .execute(&mut camille)
        .await
        .expect("an agent appends to the journal");
    let author: String = sqlx::query_scalar(
        "SELECT a.login FROM audit_event e JOIN agent a ON a.id = e.agent_id WHERE e.note = 'signé sandrine'",
    )
    .fetch_one(&mut owner)
    .await
    .expect("entry");
    assert_eq!(author, "camille");

    for sql in [
        "UPDATE audit_event SET note = 'réécrit'",
        "DELETE FROM audit_event",
        "TRUNCATE audit_event",
        "ALTER TABLE audit_event DISABLE TRIGGER audit_event_author",
        "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update",
        "DROP TABLE audit_event",
        "UPDATE agent SET role = 'superviseur' WHERE login = 'camille'",
        "UPDATE agent SET disabled = true WHERE login = 'sandrine'",
        "GRANT guichet_superviseur TO camille",
        "GRANT INSERT ON audit_event TO lea",
        "SET ROLE guichet_superviseur",
        "SELECT guichet_set_agent_role('camille', 'superviseur')",
        "SELECT guichet_set_agent_disabled('sandrine', true)",
        "SELECT guichet_add_agent('intrus', 'Intrus', 'superviseur', 'SCRAM-SHA-256$4096:x$y:z')",
        "SELECT guichet_enter_shared_mode()",
        "CREATE TABLE intrus (id INTEGER)",
    ] {
        let code = refusal(&mut camille, sql).await;
        // "must be owner" and "must have admin option" are 42501 as well.
        assert_eq!(code, INSUFFICIENT_PRIVILEGE, "{sql}");
    }
    // Nor may it pass privileges on: lea still may not write the journal.
    let mut lea = desk
        .connect("lea", AGENT_PASSWORD)
        .await
        .expect("lea connects");
    assert_eq!(
        refusal(
            &mut lea,
            "INSERT INTO audit_event (at, action) VALUES (now(), 'sign_in')"
        )
        .await,
        INSUFFICIENT_PRIVILEGE
    );
    // Nothing of the above changed the roles.
    let role: String = sqlx::query_scalar("SELECT role FROM agent WHERE login = 'camille'")
        .fetch_one(&mut owner)
        .await
        .expect("role");
    assert_eq!(role, "agent");
    let member: bool =
        sqlx::query_scalar("SELECT pg_has_role('camille', 'guichet_superviseur', 'MEMBER')")
            .fetch_one(&mut owner)
            .await
            .expect("membership");
    assert!(!member);
}

#[tokio::test]
async fn not_even_a_supervisor_owns_alters_or_empties_a_table() {
    let desk = SharedDesk::start().await;
    let mut owner = PgConnection::connect(&desk.owner_url())
        .await
        .expect("owner");
    // Over every table of the schema: no agent owns one or may empty it.
    let owned_or_truncatable: Vec<(String, String)> = sqlx::query_as(
        "SELECT t.tablename::TEXT, a.login FROM pg_tables t CROSS JOIN agent a \
         WHERE t.schemaname = 'public' \
           AND (t.tableowner = a.login \
                OR has_table_privilege(a.login, format('public.%I', t.tablename), 'TRUNCATE'))",
    )
    .fetch_all(&mut owner)
    .await
    .expect("privileges");
    assert_eq!(owned_or_truncatable, []);
    let agents: i64 = sqlx::query_scalar("SELECT count(*) FROM agent")
        .fetch_one(&mut owner)
        .await
        .expect("agents");
    assert_eq!(
        agents, 4,
        "the check above covered the three agents and the sender service"
    );

    let mut sandrine = desk
        .connect("sandrine", SUPERVISOR_PASSWORD)
        .await
        .expect("sandrine connects");
    for sql in [
        "TRUNCATE audit_event",
        "DELETE FROM audit_event",
        "ALTER TABLE audit_event DISABLE TRIGGER audit_event_author",
        "DROP TABLE establishment_account",
        "UPDATE agent SET role = 'lecture' WHERE login = 'camille'",
        "INSERT INTO agent (login, display_name, role, password_changed_at, created_at) \
         VALUES ('intrus', 'Intrus', 'superviseur', now(), now())",
        "GRANT guichet_superviseur TO camille",
        "REVOKE guichet_superviseur FROM sandrine",
        "CREATE ROLE intrus LOGIN",
        "SELECT guichet_enter_shared_mode()",
    ] {
        assert_eq!(
            refusal(&mut sandrine, sql).await,
            INSUFFICIENT_PRIVILEGE,
            "{sql}"
        );
    }
    // What a supervisor may do goes through the functions, journaled in its name.
    sandrine
        .execute("SELECT guichet_set_agent_role('camille', 'lecture')")
        .await
        .expect("a supervisor manages agents");
    let author: String = sqlx::query_scalar(
        "SELECT a.login FROM audit_event e JOIN agent a ON a.id = e.agent_id \
         WHERE e.action = 'agent_role_changed'",
    )
    .fetch_one(&mut owner)
    .await
    .expect("journaled");
    assert_eq!(author, "sandrine");
}

#[tokio::test]
async fn through_the_core_each_role_does_what_it_may_and_no_more() {
    let desk = SharedDesk::start().await;
    let (lea_guichet, lea) = sign_in(&desk, "lea", AGENT_PASSWORD).await;
    let (camille_guichet, camille) = sign_in(&desk, "camille", AGENT_PASSWORD).await;
    let (sandrine_guichet, sandrine) = sign_in(&desk, "sandrine", SUPERVISOR_PASSWORD).await;
    assert_eq!(lea_guichet.mode(), Mode::Shared);
    assert_eq!(lea.agent().role, Role::Lecture);

    // A reader reads…
    let page = lea_guichet
        .establishment(&lea, HENRI_IV)
        .await
        .expect("a reader reads");
    assert_eq!(page.identity.uai.as_str(), HENRI_IV);
    lea_guichet
        .diagnose(&lea, "ce.0750654d@ac-paris.fr")
        .await
        .expect("diagnosis");
    // The dashboard too, with its role's own grants: every establishment in one state or another.
    let everyone = guichet_core::initialisation::PopulationInput::default();
    let report = lea_guichet
        .initialisation_report(&lea, &everyone)
        .await
        .expect("a reader counts");
    assert!(report.total > 0);
    assert_eq!(report.states.total(), report.total);
    let csv = lea_guichet
        .initialisation_csv(&lea, &everyone)
        .await
        .expect("a reader exports");
    assert_eq!(
        csv.trim_end().split("\r\n").count() as u32,
        report.total + 1
    );
    // …and is refused everything else, by the core.
    let email = "secretariat.partage@ac-paris.fr";
    let uais = [HENRI_IV.to_string()];
    let refused = [
        lea_guichet
            .attach(&lea, email, &uais, false, None, None)
            .await
            .map(|_| ()),
        lea_guichet.add_address(&lea, email, None).await.map(|_| ()),
        lea_guichet.send_link(&lea, email, None).await.map(|_| ()),
        lea_guichet.agents(&lea).await.map(|_| ()),
        lea_guichet
            .audit_entries(&lea, &AuditFilter::default())
            .await
            .map(|_| ()),
    ];
    for outcome in refused {
        assert_eq!(outcome.expect_err("refused").kind(), ErrorKind::Forbidden);
    }

    // An agent changes addresses; its journal entries carry its name.
    camille_guichet
        .attach(
            &camille,
            email,
            &uais,
            true,
            None,
            Some("appel du secrétariat"),
        )
        .await
        .expect("an agent attaches");
    camille_guichet
        .attach(
            &camille,
            email,
            &[LOUIS_LE_GRAND.to_string()],
            false,
            None,
            None,
        )
        .await
        .expect("attached elsewhere too");
    camille_guichet
        .detach(&camille, email, LOUIS_LE_GRAND, None, None, None)
        .await
        .expect("an agent detaches");
    let page = camille_guichet
        .establishment(&camille, HENRI_IV)
        .await
        .expect("page");
    assert_eq!(page.principal_email.as_deref(), Some(email));
    assert_eq!(
        camille_guichet
            .agents(&camille)
            .await
            .expect_err("refused")
            .kind(),
        ErrorKind::Forbidden
    );
    assert_eq!(
        camille_guichet
            .add_agent(&camille, "paul", "Paul Petit", Role::Agent, AGENT_PASSWORD)
            .await
            .expect_err("refused")
            .kind(),
        ErrorKind::Forbidden
    );

    // The supervisor reads the whole journal, where the database wrote every author.
    let entries = sandrine_guichet
        .audit_entries(
            &sandrine,
            &AuditFilter {
                email: Some(email.into()),
                ..AuditFilter::default()
            },
        )
        .await
        .expect("the journal");
    let actions: Vec<(AuditAction, Option<&str>)> = entries
        .iter()
        .map(|e| (e.action, e.agent.as_deref()))
        .collect();
    assert!(
        actions.contains(&(AuditAction::AddressAdded, Some("camille"))),
        "{actions:?}"
    );
    assert!(
        actions.contains(&(AuditAction::Detached, Some("camille"))),
        "{actions:?}"
    );
    let sign_ins = entries_of(&sandrine_guichet, &sandrine, AuditAction::SignIn).await;
    for login in ["lea", "camille", "sandrine"] {
        assert!(
            sign_ins.iter().any(|e| e.agent.as_deref() == Some(login)),
            "{login}"
        );
    }
    // A reader reads an establishment's entries (its page's timeline), not the journal.
    let timeline = lea_guichet
        .timeline(&lea, HENRI_IV)
        .await
        .expect("timeline");
    assert!(
        timeline
            .iter()
            .any(|e| e.action == AuditAction::Attached && e.agent.as_deref() == Some("camille"))
    );
    let mut lea_sql = desk
        .connect("lea", AGENT_PASSWORD)
        .await
        .expect("lea connects");
    assert_eq!(
        refusal(&mut lea_sql, "SELECT count(*) FROM audit_event").await,
        INSUFFICIENT_PRIVILEGE
    );

    // Should the core ever let through what the role may not do, the database refuses it, and
    // the agent reads the same refusal, not SQL.
    let mut owner = PgConnection::connect(&desk.owner_url())
        .await
        .expect("owner");
    owner
        .execute("REVOKE INSERT ON establishment_account FROM guichet_agent")
        .await
        .expect("revoked");
    let error = camille_guichet
        .attach(
            &camille,
            email,
            &[LOUIS_LE_GRAND.to_string()],
            false,
            None,
            None,
        )
        .await
        .expect_err("the database refuses");
    assert_eq!(error.kind(), ErrorKind::Forbidden);
    assert!(!error.message().contains("INSERT"), "{}", error.message());
    assert!(
        !error.message().contains("permission"),
        "{}",
        error.message()
    );

    // The owner's session is no agent's: the window refuses it.
    let owner_gate = desk.gate().await;
    let error = owner_gate
        .sign_in("owner", guichet_tests::cluster::OWNER_PASSWORD)
        .await
        .expect_err("the owner is no agent");
    assert_eq!(error.kind(), ErrorKind::NotAnAgent);
    for guichet in [lea_guichet, camille_guichet, sandrine_guichet] {
        guichet.sign_out().await;
    }
}

#[tokio::test]
async fn a_disabled_agent_is_refused_at_its_next_operation_and_at_sign_in() {
    let desk = SharedDesk::start().await;
    let (camille_guichet, camille) = sign_in(&desk, "camille", AGENT_PASSWORD).await;
    let mut open_sql = desk
        .connect("camille", AGENT_PASSWORD)
        .await
        .expect("camille connects");
    let (sandrine_guichet, sandrine) = sign_in(&desk, "sandrine", SUPERVISOR_PASSWORD).await;

    assert_eq!(
        sandrine_guichet
            .set_agent_disabled(&sandrine, "sandrine", true)
            .await
            .expect_err("not oneself")
            .kind(),
        ErrorKind::OwnAccount
    );
    sandrine_guichet
        .set_agent_disabled(&sandrine, "camille", true)
        .await
        .expect("disabled");

    // The window's open session: refused at its next operation.
    let error = camille_guichet
        .search(&camille, "henri", 5)
        .await
        .expect_err("refused");
    assert_eq!(error.kind(), ErrorKind::AgentDisabled);
    // A connection opened before (NOLOGIN closes none) has lost every privilege.
    assert_eq!(
        refusal(&mut open_sql, "SELECT count(*) FROM establishment").await,
        INSUFFICIENT_PRIVILEGE
    );
    // No new connection; told so only with the right password.
    let error = refused_sign_in(&desk, "camille", AGENT_PASSWORD).await;
    assert_eq!(error.kind(), ErrorKind::AgentDisabled);
    let error = refused_sign_in(&desk, "camille", "Mauvais-mot-2026!").await;
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
    assert!(desk.connect("camille", AGENT_PASSWORD).await.is_err());

    let listed = sandrine_guichet.agents(&sandrine).await.expect("agents");
    assert!(listed.iter().any(|a| a.login == "camille" && a.disabled));
    sandrine_guichet
        .set_agent_disabled(&sandrine, "camille", false)
        .await
        .expect("enabled again");
    let (_, camille) = sign_in(&desk, "camille", AGENT_PASSWORD).await;
    assert_eq!(camille.agent().role, Role::Agent);

    let entries = sandrine_guichet
        .audit_entries(&sandrine, &AuditFilter::default())
        .await
        .expect("journal");
    let by_sandrine = |action| {
        entries
            .iter()
            .any(|e| e.action == action && e.agent.as_deref() == Some("sandrine"))
    };
    assert!(by_sandrine(AuditAction::AgentDisabled));
    assert!(by_sandrine(AuditAction::AgentEnabled));
}

#[tokio::test]
async fn a_role_change_applies_at_the_next_operation() {
    let desk = SharedDesk::start().await;
    let (lea_guichet, lea) = sign_in(&desk, "lea", AGENT_PASSWORD).await;
    let mut lea_sql = desk
        .connect("lea", AGENT_PASSWORD)
        .await
        .expect("lea connects");
    let (sandrine_guichet, sandrine) = sign_in(&desk, "sandrine", SUPERVISOR_PASSWORD).await;
    let email = "promue@ac-paris.fr";
    let uais = [HENRI_IV.to_string()];
    assert_eq!(
        lea_guichet
            .attach(&lea, email, &uais, false, None, None)
            .await
            .expect_err("reader")
            .kind(),
        ErrorKind::Forbidden
    );

    sandrine_guichet
        .set_agent_role(&sandrine, "lea", Role::Agent)
        .await
        .expect("promoted");
    // The same session, the same connections.
    lea_guichet
        .attach(&lea, email, &uais, false, None, None)
        .await
        .expect("now an agent");
    lea_sql
        .execute("INSERT INTO account (email, created_at, updated_at) VALUES ('direct@ac-paris.fr', now(), now())")
        .await
        .expect("the open connection may write too");

    sandrine_guichet
        .set_agent_role(&sandrine, "lea", Role::Lecture)
        .await
        .expect("back to reading");
    assert_eq!(
        lea_guichet
            .detach(&lea, email, HENRI_IV, None, None, None)
            .await
            .expect_err("reader again")
            .kind(),
        ErrorKind::Forbidden
    );
    assert_eq!(
        refusal(&mut lea_sql, "DELETE FROM establishment_account").await,
        INSUFFICIENT_PRIVILEGE
    );
    let changed = entries_of(&sandrine_guichet, &sandrine, AuditAction::AgentRoleChanged).await;
    assert_eq!(changed.len(), 2);
}

#[tokio::test]
async fn an_agent_changes_its_own_password_which_the_app_never_keeps() {
    let desk = SharedDesk::start().await;
    let (guichet, camille) = sign_in(&desk, "camille", AGENT_PASSWORD).await;
    let new = "Nouveau-secret-2026";
    assert_eq!(
        guichet
            .change_password(&camille, "Mauvais-mot-2026!", new)
            .await
            .expect_err("wrong")
            .kind(),
        ErrorKind::InvalidCredentials
    );
    assert_eq!(
        guichet
            .change_password(&camille, AGENT_PASSWORD, "court")
            .await
            .expect_err("weak")
            .kind(),
        ErrorKind::WeakPassword
    );
    guichet
        .change_password(&camille, AGENT_PASSWORD, new)
        .await
        .expect("changed");
    // The window goes on; new connections of its pool use the new password.
    guichet
        .search(&camille, "henri", 3)
        .await
        .expect("still working");
    guichet
        .unlock(&camille, new)
        .await
        .expect("unlocks with the new one");
    assert!(desk.connect("camille", AGENT_PASSWORD).await.is_err());
    desk.connect("camille", new)
        .await
        .expect("the new one works");

    let mut owner = PgConnection::connect(&desk.owner_url())
        .await
        .expect("owner");
    let row = sqlx::query("SELECT password_hash, (SELECT rolpassword FROM pg_authid WHERE rolname = 'camille') AS scram FROM agent WHERE login = 'camille'")
        .fetch_one(&mut owner)
        .await
        .expect("camille");
    assert_eq!(
        row.get::<Option<String>, _>("password_hash"),
        None,
        "no copy in the app's table"
    );
    let scram: String = row.get("scram");
    assert!(scram.starts_with("SCRAM-SHA-256$4096:"), "{scram}");
    // No password reached the server in clear: the server logs every statement, and none holds
    // one (the agents were added the same way).
    let log = desk.cluster.log();
    assert!(
        log.contains("guichet_change_own_password"),
        "statements are logged"
    );
    for password in [new, AGENT_PASSWORD, SUPERVISOR_PASSWORD] {
        assert!(!log.contains(password), "the server's log shows a password");
    }
    guichet.sign_out().await;
}

#[tokio::test]
async fn sign_in_says_what_is_wrong_and_the_server_slows_wrong_passwords() {
    let desk = SharedDesk::start().await;
    let cases = [
        (
            "camille",
            "Mauvais-mot-2026!",
            ErrorKind::InvalidCredentials,
        ),
        ("inconnu", AGENT_PASSWORD, ErrorKind::InvalidCredentials),
    ];
    for (login, password, kind) in cases {
        let started = std::time::Instant::now();
        let error = refused_sign_in(&desk, login, password).await;
        assert_eq!(error.kind(), kind, "{login}");
        // Not a measure of speed: auth_delay makes the server wait at least this long before
        // it answers a wrong password, so that guessing is slow whatever the client.
        assert!(
            started.elapsed() >= std::time::Duration::from_millis(AUTH_DELAY_MS),
            "{login}"
        );
    }

    // A login role that belongs to no group role: connected, but the database allows it
    // nothing, and the app says so.
    let mut owner = PgConnection::connect(&desk.owner_url())
        .await
        .expect("owner");
    owner
        .execute("REVOKE guichet_lecture FROM lea")
        .await
        .expect("revoked");
    let error = refused_sign_in(&desk, "lea", AGENT_PASSWORD).await;
    assert_eq!(error.kind(), ErrorKind::MissingGroupRole);
    assert!(
        error.message().contains("guichet_lecture"),
        "{}",
        error.message()
    );
    // A role of the cluster that is no agent of this database.
    owner
        .execute("CREATE ROLE curieux LOGIN PASSWORD 'Curieux-2026-pw'")
        .await
        .expect("role");
    let error = refused_sign_in(&desk, "curieux", "Curieux-2026-pw").await;
    assert_eq!(error.kind(), ErrorKind::NotAnAgent);

    // The schema older or newer than the app: said before anything is done.
    let newest: i64 = sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations")
        .fetch_one(&mut owner)
        .await
        .expect("version");
    sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES ($1, 'future', true, '\\x00', 0)")
        .bind(newest + 1)
        .execute(&mut owner)
        .await
        .expect("a future migration");
    let error = refused_sign_in(&desk, "camille", AGENT_PASSWORD).await;
    assert_eq!(error.kind(), ErrorKind::SchemaTooNew);
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version >= $1")
        .bind(newest)
        .execute(&mut owner)
        .await
        .expect("an older schema, as far as the app can tell");
    let error = refused_sign_in(&desk, "camille", AGENT_PASSWORD).await;
    assert_eq!(error.kind(), ErrorKind::SchemaTooOld);
    assert!(
        error.message().contains("guichet-admin migrate"),
        "{}",
        error.message()
    );
}

#[tokio::test]
async fn tls_is_required_and_the_server_certificate_checked() {
    let desk = SharedDesk::start().await;
    // Every test here connects with sslmode=verify-full to the test's CA; so does this one.
    sign_in(&desk, "camille", AGENT_PASSWORD)
        .await
        .0
        .sign_out()
        .await;

    let wrong_ca = desk.agents_url().replace(
        &desk.cluster.ca().display().to_string(),
        &desk.cluster.other_ca().display().to_string(),
    );
    let gate = Gate::open(desk.settings(&wrong_ca), OpenMode::MustExist).await;
    let error = match gate {
        Ok(gate) => gate
            .sign_in("camille", AGENT_PASSWORD)
            .await
            .expect_err("another CA"),
        Err(error) => error,
    };
    assert_eq!(error.kind(), ErrorKind::DatabaseCertificate, "{error}");
    assert!(
        error.message().contains("certificat"),
        "{}",
        error.message()
    );

    desk.cluster.set_ssl(false);
    let required = desk
        .agents_url()
        .replace("sslmode=verify-full", "sslmode=require");
    let error = Store::connect_as(
        &required,
        "camille",
        &guichet_core::secrets::Secret::new(AGENT_PASSWORD),
    )
    .await
    .expect_err("the server offers no TLS");
    assert_eq!(error.kind(), ErrorKind::DatabaseTls, "{error}");
    assert!(error.message().contains("TLS"), "{}", error.message());
    desk.cluster.set_ssl(true);
}

#[tokio::test]
async fn the_mode_is_chosen_once_and_one_shared_database_per_cluster() {
    let desk = SharedDesk::start().await;
    let owner = Store::connect(&desk.owner_url(), OpenMode::MustExist)
        .await
        .expect("owner");
    assert_eq!(owner.mode().await.expect("mode"), Mode::Shared);
    // Migrating again keeps the mode; entering it again changes nothing.
    owner.migrate().await.expect("migrate");
    owner.enter_shared_mode().await.expect("again");
    assert_eq!(owner.mode().await.expect("mode"), Mode::Shared);

    // Another database of the cluster stays standalone when migrated without --shared, and
    // cannot become the cluster's second shared database.
    desk.cluster.execute("CREATE DATABASE autre").await;
    let other = Store::connect(&desk.cluster.owner_url("autre"), OpenMode::MustExist)
        .await
        .expect("other database");
    other.migrate().await.expect("migrate");
    assert_eq!(other.mode().await.expect("mode"), Mode::Standalone);
    let error = other
        .enter_shared_mode()
        .await
        .expect_err("one per cluster");
    assert_eq!(error.kind(), ErrorKind::SharedDatabaseElsewhere);
    assert!(error.message().contains("guichet"), "{}", error.message());
    assert_eq!(other.mode().await.expect("mode"), Mode::Standalone);

    // A standalone database whose agents have the app's own passwords stays standalone.
    let settings = desk.settings(&desk.cluster.owner_url("autre"));
    let standalone = Guichet::open(settings, OpenMode::MustExist)
        .await
        .expect("standalone");
    guichet_tests::team::first_supervisor(&standalone).await;
    owner.close().await;
    desk.cluster
        .execute("DROP DATABASE guichet WITH (FORCE)")
        .await;
    let error = other
        .enter_shared_mode()
        .await
        .expect_err("standalone agents");
    assert_eq!(error.kind(), ErrorKind::StandaloneAgentsExist);
    // An agent's PostgreSQL login cannot enter a standalone database as an agent.
    let agents_url = desk.cluster.url(None, "autre");
    let gate = Gate::open(desk.settings(&agents_url), OpenMode::MustExist)
        .await
        .expect("gate");
    assert_eq!(
        gate.mode(),
        Mode::Shared,
        "an address without a user is a shared database's"
    );
    let error = gate
        .sign_in("sandrine", SUPERVISOR_PASSWORD)
        .await
        .expect_err("standalone");
    assert_eq!(error.kind(), ErrorKind::StandaloneDatabase);
}

#[tokio::test]
async fn the_sender_role_mails_and_does_nothing_else_and_no_agent_reads_what_it_keeps() {
    let desk = SharedDesk::start().await;
    let mut sender = desk
        .connect("envoi", guichet_tests::cluster::SENDER_PASSWORD)
        .await
        .expect("the sender connects");
    // The sender's work: its kept messages, the portal's requests, the outbox.
    for allowed in [
        "SELECT count(*) FROM mail_secret",
        "SELECT count(*) FROM reset_password_request",
        "SELECT id, email, disabled FROM account LIMIT 1",
        "UPDATE mail_outbox SET attempts = attempts WHERE false",
        "DELETE FROM reset_password_request WHERE false",
    ] {
        sender
            .execute(allowed)
            .await
            .unwrap_or_else(|error| panic!("{allowed}: {error}"));
    }
    // Nothing else: no establishment, no journal, no agent, no address change, no password.
    for refused in [
        "SELECT * FROM establishment LIMIT 1",
        "SELECT * FROM audit_event LIMIT 1",
        "SELECT * FROM agent LIMIT 1",
        "SELECT password FROM account LIMIT 1",
        "INSERT INTO audit_event (at, action) VALUES (now(), 'sign_in')",
        "UPDATE account SET email = 'x@ac-paris.fr' WHERE false",
        "DELETE FROM establishment_account WHERE false",
        "INSERT INTO reset_link (account_id, requested_at) VALUES (1, now())",
        "UPDATE sending_setting SET value = 'https://ailleurs.example' WHERE false",
    ] {
        assert_eq!(
            refusal(&mut sender, refused).await,
            INSUFFICIENT_PRIVILEGE,
            "{refused}"
        );
    }
    // No agent reads what the sender keeps, nor writes what the portal reads.
    for (login, password) in [
        ("lea", AGENT_PASSWORD),
        ("camille", AGENT_PASSWORD),
        ("sandrine", SUPERVISOR_PASSWORD),
    ] {
        let mut agent = desk.connect(login, password).await.expect("connects");
        for refused in [
            "SELECT * FROM mail_secret",
            "INSERT INTO reset_password_request (user_id, selector, hashed_token, requested_at, expires_at) \
             VALUES (1, 'a', 'b', localtimestamp, localtimestamp)",
            "DELETE FROM reset_password_request WHERE false",
            "UPDATE mail_outbox SET state = 'sent' WHERE false",
            "UPDATE reset_link SET replaced_at = now() WHERE false",
            "INSERT INTO reset_link (account_id, selector, requested_at) VALUES (1, 'choisi', now())",
        ] {
            assert_eq!(
                refusal(&mut agent, refused).await,
                INSUFFICIENT_PRIVILEGE,
                "{login}: {refused}"
            );
        }
    }
    // Its account opens no window.
    let error = refused_sign_in(&desk, "envoi", guichet_tests::cluster::SENDER_PASSWORD).await;
    assert_eq!(error.kind(), ErrorKind::SenderAccount);
    assert!(
        error.message().contains("service d’envoi"),
        "{}",
        error.message()
    );
}

#[tokio::test]
async fn an_agent_asks_for_a_link_the_sender_mails_it_and_a_reader_follows_it() {
    let Some(_secrets) = guichet_tests::in_session_keyring() else {
        return;
    };
    let desk = SharedDesk::start().await;
    let server = guichet_tests::smtp::Aiosmtpd::start();
    let (camille_guichet, camille) = sign_in(&desk, "camille", AGENT_PASSWORD).await;
    let email = "secretariat.lien@ac-paris.fr";
    camille_guichet
        .attach(&camille, email, &[HENRI_IV.to_string()], false, None, None)
        .await
        .expect("attached");
    // The agent asks with no key anywhere on its side: its keyring is empty.
    let empty = guichet_core::keyring::Keyring::from_env().expect("keyring");
    assert!(
        empty
            .get(guichet_core::secrets::SecretName::PortalSigningKey)
            .expect("read")
            .is_none()
    );
    camille_guichet
        .send_link(&camille, email, None)
        .await
        .expect("first link");
    camille_guichet
        .send_link(&camille, email, Some("le correspondant rappelle"))
        .await
        .expect("second link, the first replaced");
    // An agent's window sends nothing itself, whatever it holds.
    let error = camille_guichet.sender().await.expect_err("not the sender");
    assert_eq!(error.kind(), ErrorKind::NotASender);

    // The sender service, whose keyring holds the key, mints and mails the newest one only.
    guichet_tests::store_signing_key("kernel-secret-partage-0123456789");
    let sender = desk.sender(&server.url()).await;
    let report = sender.deliver_due().await.expect("delivered");
    sender.stop().await;
    assert_eq!((report.sent, report.dropped), (1, 1), "{report:?}");
    empty
        .delete(guichet_core::secrets::SecretName::PortalSigningKey)
        .expect("the key leaves this keyring again");

    // A reader follows it all without the key: the ledger with its author and states, the timeline.
    let (lea_guichet, lea) = sign_in(&desk, "lea", AGENT_PASSWORD).await;
    let ledger = lea_guichet
        .address_links(&lea, email)
        .await
        .expect("ledger");
    assert_eq!(ledger.links.len(), 2);
    assert!(
        ledger
            .links
            .iter()
            .all(|l| l.agent.as_deref() == Some("Camille Martin"))
    );
    use guichet_core::links::ledger::{Delivery, Lifecycle, LinkVerdict};
    assert!(matches!(ledger.links[0].lifecycle, Lifecycle::Valid { .. }));
    assert!(
        matches!(&ledger.links[0].delivery, Delivery::Sent { reply: Some(reply), .. } if reply.starts_with("250"))
    );
    assert!(matches!(
        ledger.links[1].lifecycle,
        Lifecycle::Replaced { .. }
    ));
    assert!(matches!(ledger.links[1].delivery, Delivery::Dropped { .. }));
    let timeline = lea_guichet
        .timeline(&lea, HENRI_IV)
        .await
        .expect("timeline");
    let sent: Vec<_> = timeline
        .iter()
        .filter(|e| e.action == AuditAction::LinkSent)
        .collect();
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|e| e.agent.as_deref() == Some("camille")));
    // The caller reads the link it received: valid; one character changed: altered.
    let link = guichet_tests::smtp::reset_link(&server.wait_for_messages(1)[0]);
    let check = lea_guichet.check_link(&lea, &link).await.expect("checked");
    assert_eq!(check.verdict, LinkVerdict::Valid, "{}", check.message);
    let mut altered = link.clone();
    let last = altered.pop().expect("a character");
    altered.push(if last == 'a' { 'b' } else { 'a' });
    let check = lea_guichet
        .check_link(&lea, &altered)
        .await
        .expect("checked");
    assert_eq!(check.verdict, LinkVerdict::Altered);
    // After a resend, the link received first is « remplacé ».
    camille_guichet
        .send_link(&camille, email, None)
        .await
        .expect("third link");
    guichet_tests::store_signing_key("kernel-secret-partage-0123456789");
    let sender = desk.sender(&server.url()).await;
    assert_eq!(sender.deliver_due().await.expect("delivered").sent, 1);
    sender.stop().await;
    empty
        .delete(guichet_core::secrets::SecretName::PortalSigningKey)
        .expect("deleted");
    let check = lea_guichet.check_link(&lea, &link).await.expect("checked");
    assert_eq!(check.verdict, LinkVerdict::Replaced, "{}", check.message);
    // A request of the portal itself ("Mot de passe oublié"): only the portal can tell.
    let mut owner = PgConnection::connect(&desk.owner_url())
        .await
        .expect("owner");
    owner
        .execute(
            "INSERT INTO reset_password_request (user_id, selector, hashed_token, requested_at, expires_at) \
             SELECT id, 'PortailPortailPortai', 'x', date_trunc('second', now() AT TIME ZONE 'Europe/Paris'), \
                    date_trunc('second', now() AT TIME ZONE 'Europe/Paris') + interval '1 hour' \
             FROM account WHERE email = 'secretariat.lien@ac-paris.fr'",
        )
        .await
        .expect("the portal's own request");
    let check = lea_guichet
        .check_link(&lea, "PortailPortailPortaiVVVVVVVVVVVVVVVVVVVV")
        .await
        .expect("checked");
    assert_eq!(check.verdict, LinkVerdict::PortalOnly, "{}", check.message);
    assert!(
        check.message.contains("seul le portail"),
        "{}",
        check.message
    );

    // The settings screen's connection test speaks of the shared database.
    let (sandrine_guichet, sandrine) = sign_in(&desk, "sandrine", SUPERVISOR_PASSWORD).await;
    let tested = sandrine_guichet
        .test_database(&sandrine, None)
        .await
        .expect("tested");
    assert!(tested.contains("partagée"), "{tested}");
    let elsewhere = desk.cluster.url(None, "postgres");
    let tested = sandrine_guichet
        .test_database(&sandrine, Some(elsewhere))
        .await
        .expect("reachable");
    assert!(tested.contains("joignable"), "{tested}");
}
