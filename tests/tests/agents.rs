//! Agents on real SQLite and PostgreSQL: sign-in, lock-out, roles, and the audit journal.

use guichet_core::agents::{Permission, Role, Session};
use guichet_core::audit::{AuditAction, AuditFilter};
use guichet_core::{ErrorKind, Guichet, Settings};
use guichet_tests::{AGENT_PASSWORD, SUPERVISOR_PASSWORD, add_team, on_both_backends};

async fn open(url: &str) -> Guichet {
    let settings = Settings::with_defaults(Some(url.into()), std::env::temp_dir());
    Guichet::open(settings, guichet_core::store::OpenMode::MustExist)
        .await
        .expect("opened")
}

/// The team of `guichet_tests::team`, signed in.
async fn team(guichet: &Guichet) -> (Session, Session, Session) {
    assert!(guichet.needs_first_supervisor().await.expect("count"));
    let supervisor = add_team(guichet).await;
    let agent = guichet
        .sign_in("camille", AGENT_PASSWORD)
        .await
        .expect("agent signs in");
    let reader = guichet
        .sign_in("LEA ", AGENT_PASSWORD)
        .await
        .expect("login is trimmed and folded");
    (supervisor, agent, reader)
}

on_both_backends!(agents_sign_in_with_their_password_only, |db| {
    let guichet = open(&db.url).await;
    let (_, agent, reader) = team(&guichet).await;
    assert_eq!(agent.agent().role, Role::Agent);
    assert_eq!(reader.agent().display_name, "Léa Bernard");
    for (login, password) in [
        ("camille", "guichet-agent-42"),
        ("nobody", AGENT_PASSWORD),
        ("camille", ""),
    ] {
        let error = guichet.sign_in(login, password).await.expect_err("refused");
        assert_eq!(error.kind(), ErrorKind::InvalidCredentials, "{login}");
        assert_eq!(error.message(), "Identifiant ou mot de passe incorrect.");
    }
});

on_both_backends!(
    repeated_failures_lock_the_login_even_against_the_right_password,
    |db| {
        let guichet = open(&db.url).await;
        team(&guichet).await;
        for attempt in 1..=4 {
            let error = guichet
                .sign_in("camille", "wrong")
                .await
                .expect_err("refused");
            assert_eq!(
                error.kind(),
                ErrorKind::InvalidCredentials,
                "attempt {attempt}"
            );
        }
        let error = guichet
            .sign_in("camille", "wrong")
            .await
            .expect_err("locked");
        assert_eq!(error.kind(), ErrorKind::LoginLocked);
        assert!(error.message().contains("bloqué jusqu’à"));
        let error = guichet
            .sign_in("camille", AGENT_PASSWORD)
            .await
            .expect_err("still locked");
        assert_eq!(error.kind(), ErrorKind::LoginLocked);
        // Other logins are not affected.
        guichet
            .sign_in("lea", AGENT_PASSWORD)
            .await
            .expect("lea signs in");
    }
);

on_both_backends!(a_successful_sign_in_resets_the_failure_count, |db| {
    let guichet = open(&db.url).await;
    team(&guichet).await;
    for _ in 0..4 {
        guichet
            .sign_in("camille", "wrong")
            .await
            .expect_err("refused");
    }
    guichet
        .sign_in("camille", AGENT_PASSWORD)
        .await
        .expect("signs in before the lock");
    for _ in 0..4 {
        let error = guichet
            .sign_in("camille", "wrong")
            .await
            .expect_err("refused");
        assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
    }
});

on_both_backends!(the_idle_lock_asks_for_the_same_agents_password, |db| {
    let guichet = open(&db.url).await;
    let (_, agent, _) = team(&guichet).await;
    let error = guichet
        .unlock(&agent, SUPERVISOR_PASSWORD)
        .await
        .expect_err("another agent's password");
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
    let unlocked = guichet
        .unlock(&agent, AGENT_PASSWORD)
        .await
        .expect("unlocked");
    assert_eq!(unlocked.agent().login, "camille");
});

on_both_backends!(only_an_empty_database_gets_a_first_supervisor, |db| {
    let guichet = open(&db.url).await;
    team(&guichet).await;
    let error = guichet
        .create_first_supervisor("intrus", "Intrus", SUPERVISOR_PASSWORD)
        .await
        .expect_err("refused");
    assert_eq!(error.kind(), ErrorKind::AgentsAlreadyExist);
    assert!(!guichet.needs_first_supervisor().await.expect("count"));
});

on_both_backends!(bad_agent_input_is_refused_with_the_reason, |db| {
    let guichet = open(&db.url).await;
    let weak = guichet
        .create_first_supervisor("sandrine", "Sandrine", "court")
        .await
        .expect_err("weak");
    assert_eq!(weak.kind(), ErrorKind::WeakPassword);
    assert!(weak.message().contains("au moins 12 caractères"));
    assert!(weak.message().contains("au moins 1 chiffre"));
    let login = guichet
        .create_first_supervisor("Sandrine Petit", "Sandrine", SUPERVISOR_PASSWORD)
        .await
        .expect_err("login");
    assert_eq!(login.kind(), ErrorKind::InvalidLogin);
    let name = guichet
        .create_first_supervisor("sandrine", "  ", SUPERVISOR_PASSWORD)
        .await
        .expect_err("name");
    assert_eq!(name.kind(), ErrorKind::EmptyAgentName);
    assert!(
        guichet
            .needs_first_supervisor()
            .await
            .expect("nothing written")
    );
    let (supervisor, _, _) = team(&guichet).await;
    let taken = guichet
        .add_agent(&supervisor, "camille", "Autre", Role::Agent, AGENT_PASSWORD)
        .await
        .expect_err("taken");
    assert_eq!(taken.kind(), ErrorKind::LoginTaken);
});

on_both_backends!(agents_change_their_own_password, |db| {
    let guichet = open(&db.url).await;
    let (_, agent, _) = team(&guichet).await;
    let wrong = guichet
        .change_password(&agent, "wrong", "Nouveau-mot-2027")
        .await
        .expect_err("current checked");
    assert_eq!(wrong.kind(), ErrorKind::InvalidCredentials);
    let weak = guichet
        .change_password(&agent, AGENT_PASSWORD, "nouveau")
        .await
        .expect_err("policy");
    assert_eq!(weak.kind(), ErrorKind::WeakPassword);
    guichet
        .change_password(&agent, AGENT_PASSWORD, "Nouveau-mot-2027")
        .await
        .expect("changed");
    guichet
        .sign_in("camille", AGENT_PASSWORD)
        .await
        .expect_err("old password gone");
    guichet
        .sign_in("camille", "Nouveau-mot-2027")
        .await
        .expect("new password");
});

on_both_backends!(
    lower_roles_are_refused_supervisor_operations_in_the_core,
    |db| {
        let guichet = open(&db.url).await;
        let (supervisor, agent, reader) = team(&guichet).await;
        for session in [&agent, &reader] {
            let error = guichet
                .add_agent(session, "x1", "X", Role::Superviseur, AGENT_PASSWORD)
                .await
                .expect_err("refused");
            assert_eq!(error.kind(), ErrorKind::Forbidden);
            assert!(error.message().contains("gérer les agents"));
            assert_eq!(
                guichet.agents(session).await.expect_err("refused").kind(),
                ErrorKind::Forbidden
            );
            let filter = AuditFilter::default();
            assert_eq!(
                guichet
                    .audit_entries(session, &filter)
                    .await
                    .expect_err("refused")
                    .kind(),
                ErrorKind::Forbidden
            );
            assert_eq!(
                guichet
                    .export_audit_csv(session, &filter)
                    .await
                    .expect_err("refused")
                    .kind(),
                ErrorKind::Forbidden
            );
        }
        for session in [&reader] {
            let error = guichet
                .require(session, Permission::SendLinks)
                .await
                .expect_err("refused");
            assert!(error.message().contains("lecture seule"));
            assert_eq!(
                guichet
                    .require(session, Permission::EditAddresses)
                    .await
                    .expect_err("refused")
                    .kind(),
                ErrorKind::Forbidden
            );
        }
        guichet
            .require(&agent, Permission::SendLinks)
            .await
            .expect("agents send links");
        assert_eq!(guichet.agents(&supervisor).await.expect("listed").len(), 3);
    }
);

on_both_backends!(every_sign_in_and_agent_change_is_journaled, |db| {
    let guichet = open(&db.url).await;
    let (supervisor, agent, _) = team(&guichet).await;
    guichet
        .sign_in("camille", "wrong")
        .await
        .expect_err("refused");
    guichet
        .sign_in("personne", "wrong")
        .await
        .expect_err("refused");
    guichet
        .change_password(&agent, AGENT_PASSWORD, "Nouveau-mot-2027")
        .await
        .expect("changed");
    let entries = guichet
        .audit_entries(&supervisor, &AuditFilter::default())
        .await
        .expect("journal");
    let actions: Vec<(Option<&str>, AuditAction)> = entries
        .iter()
        .map(|e| (e.agent.as_deref(), e.action))
        .collect();
    // Newest first.
    assert_eq!(
        actions,
        [
            (Some("camille"), AuditAction::PasswordChanged),
            (None, AuditAction::SignInFailed),
            (Some("camille"), AuditAction::SignInFailed),
            (Some("lea"), AuditAction::SignIn),
            (Some("camille"), AuditAction::SignIn),
            (Some("sandrine"), AuditAction::AgentAdded),
            (Some("sandrine"), AuditAction::AgentAdded),
            (Some("sandrine"), AuditAction::AgentAdded),
        ]
    );
    let added = &entries[5];
    assert!(
        added
            .changes
            .iter()
            .any(|c| c.field == "login" && c.after.as_deref() == Some("lea"))
    );
    assert!(entries.iter().all(|e| {
        e.changes
            .iter()
            .all(|c| !c.after.as_deref().unwrap_or("").contains("argon2"))
    }));

    let only_camille = AuditFilter {
        agent: Some("camille".into()),
        action: Some(AuditAction::SignIn),
        ..Default::default()
    };
    assert_eq!(
        guichet
            .audit_entries(&supervisor, &only_camille)
            .await
            .expect("filtered")
            .len(),
        1
    );
    let future = AuditFilter {
        from: Some(chrono::Utc::now() + chrono::Duration::hours(1)),
        ..Default::default()
    };
    assert!(
        guichet
            .audit_entries(&supervisor, &future)
            .await
            .expect("filtered")
            .is_empty()
    );
});

on_both_backends!(the_csv_export_reads_back_in_french_excel_format, |db| {
    let guichet = open(&db.url).await;
    let (supervisor, _, _) = team(&guichet).await;
    let csv = guichet
        .export_audit_csv(&supervisor, &AuditFilter::default())
        .await
        .expect("csv");
    let body = csv.strip_prefix('\u{feff}').expect("UTF-8 BOM first");
    assert!(body.starts_with("Date;Agent;Action;UAI;Adresse;Avant;Après;Note\r\n"));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(body.as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|record| {
            record
                .expect("valid CSV")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 5, "3 agents added, 2 sign-ins");
    assert!(rows.iter().all(|r| r.len() == 8));
    assert!(rows.iter().any(|r| r[1] == "sandrine"
        && r[2] == "Agent ajouté"
        && r[6].contains("login\u{a0}: lea")));
    assert!(
        rows[0][0].contains(" à "),
        "Paris date and time: {}",
        rows[0][0]
    );
    // The export is itself journaled.
    let entries = guichet
        .audit_entries(&supervisor, &AuditFilter::default())
        .await
        .expect("journal");
    assert_eq!(entries[0].action, AuditAction::JournalExported);
});

on_both_backends!(
    supervisors_change_roles_and_disable_agents_but_not_their_own,
    |db| {
        let guichet = open(&db.url).await;
        let (supervisor, agent, reader) = team(&guichet).await;

        // Only a supervisor, and never on its own account.
        let refused = guichet
            .set_agent_role(&agent, "lea", Role::Superviseur)
            .await
            .expect_err("an agent manages no one");
        assert_eq!(refused.kind(), ErrorKind::Forbidden);
        for own in [
            guichet
                .set_agent_role(&supervisor, "Sandrine", Role::Lecture)
                .await,
            guichet
                .set_agent_disabled(&supervisor, "sandrine", true)
                .await,
        ] {
            assert_eq!(own.expect_err("own account").kind(), ErrorKind::OwnAccount);
        }
        let unknown = guichet
            .set_agent_disabled(&supervisor, "personne", true)
            .await
            .expect_err("no such agent");
        assert_eq!(unknown.kind(), ErrorKind::AgentNotFound);

        // A new role applies to the open session at its next operation.
        guichet
            .set_agent_role(&supervisor, "lea", Role::Superviseur)
            .await
            .expect("promoted");
        let agents = guichet.agents(&reader).await.expect("now a supervisor");
        assert!(
            agents
                .iter()
                .any(|a| a.login == "lea" && a.role == Role::Superviseur)
        );
        guichet
            .set_agent_role(&supervisor, "lea", Role::Lecture)
            .await
            .expect("back");

        // A disabled agent: its session refused at once, its sign-in refused once the right
        // password is typed (a wrong one is only wrong).
        guichet
            .set_agent_disabled(&supervisor, "camille", true)
            .await
            .expect("disabled");
        let error = guichet
            .establishment(&agent, "0750654D")
            .await
            .expect_err("session refused");
        assert_eq!(error.kind(), ErrorKind::AgentDisabled);
        let error = guichet
            .sign_in("camille", "Pas-le-bon-2026!")
            .await
            .expect_err("wrong password");
        assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
        let error = guichet
            .sign_in("camille", AGENT_PASSWORD)
            .await
            .expect_err("disabled");
        assert_eq!(error.kind(), ErrorKind::AgentDisabled);
        let listed = guichet.agents(&supervisor).await.expect("agents");
        assert!(listed.iter().any(|a| a.login == "camille" && a.disabled));
        // Disabling twice changes nothing and journals nothing more.
        guichet
            .set_agent_disabled(&supervisor, "camille", true)
            .await
            .expect("already disabled");
        guichet
            .set_agent_disabled(&supervisor, "camille", false)
            .await
            .expect("enabled");
        let agent = guichet
            .sign_in("camille", AGENT_PASSWORD)
            .await
            .expect("signs in again");
        guichet
            .add_address(&agent, "reactive@ac-paris.fr", None)
            .await
            .expect("and works");

        let journal = guichet
            .audit_entries(&supervisor, &AuditFilter::default())
            .await
            .expect("journal");
        let count = |action| {
            journal
                .iter()
                .filter(|e| e.action == action && e.agent.as_deref() == Some("sandrine"))
                .count()
        };
        assert_eq!(count(AuditAction::AgentRoleChanged), 2);
        assert_eq!(count(AuditAction::AgentDisabled), 1);
        assert_eq!(count(AuditAction::AgentEnabled), 1);
        let promotion = journal
            .iter()
            .rfind(|e| e.action == AuditAction::AgentRoleChanged)
            .expect("first role change");
        let change = promotion.changes.first().expect("a difference");
        assert_eq!(change.before.as_deref(), Some("lecture"));
        assert_eq!(change.after.as_deref(), Some("superviseur"));
    }
);

on_both_backends!(parallel_wrong_guesses_each_count_towards_the_lock, |db| {
    let guichet = open(&db.url).await;
    team(&guichet).await;
    // Eight guesses at once: each hashes while the others do, and each must count.
    let guesses = (0..8).map(|n| {
        let guichet = guichet.clone();
        tokio::spawn(async move { guichet.sign_in("camille", &format!("essai-{n}")).await })
    });
    let mut kinds = Vec::new();
    for guess in guesses {
        kinds.push(guess.await.expect("task").expect_err("wrong").kind());
    }
    assert_eq!(kinds.len(), 8);
    // Five failures lock: the right password is refused now, whichever guess was last.
    let error = guichet
        .sign_in("camille", AGENT_PASSWORD)
        .await
        .expect_err("locked");
    assert_eq!(error.kind(), ErrorKind::LoginLocked, "{kinds:?}");
    let supervisor = guichet
        .sign_in("sandrine", SUPERVISOR_PASSWORD)
        .await
        .expect("supervisor");
    let failures: Vec<i64> = guichet
        .audit_entries(
            &supervisor,
            &AuditFilter {
                action: Some(AuditAction::SignInFailed),
                ..Default::default()
            },
        )
        .await
        .expect("journal")
        .iter()
        .filter_map(|entry| entry.changes.iter().find(|c| c.field == "failures"))
        .filter_map(|change| change.after.as_deref()?.parse().ok())
        .collect();
    let mut counted = failures.clone();
    counted.sort_unstable();
    // Every guess settled before the lock fell is journaled with its own count.
    assert_eq!(
        counted,
        (1..=counted.len() as i64).collect::<Vec<_>>(),
        "{failures:?}"
    );
    assert!(counted.len() >= 5, "{failures:?}");
});

on_both_backends!(
    an_unknown_login_and_a_disabled_one_answer_as_a_wrong_password,
    |db| {
        let guichet = open(&db.url).await;
        let (supervisor, _, _) = team(&guichet).await;
        guichet
            .set_agent_disabled(&supervisor, "lea", true)
            .await
            .expect("disabled");
        // A wrong password for a disabled agent says nothing of the account.
        for (login, password) in [
            ("lea", "wrong"),
            ("personne", "wrong"),
            ("camille", "wrong"),
        ] {
            let error = guichet.sign_in(login, password).await.expect_err("refused");
            assert_eq!(error.kind(), ErrorKind::InvalidCredentials, "{login}");
            assert_eq!(error.message(), "Identifiant ou mot de passe incorrect.");
        }
        // Only the right password tells a disabled agent so.
        let error = guichet
            .sign_in("lea", AGENT_PASSWORD)
            .await
            .expect_err("disabled");
        assert_eq!(error.kind(), ErrorKind::AgentDisabled);
        // An unknown login locks after as many failures as a known one, with the same words.
        let mut unknown = Vec::new();
        let mut known = Vec::new();
        for _ in 0..6 {
            unknown.push(
                guichet
                    .sign_in("personne", "wrong")
                    .await
                    .expect_err("refused")
                    .kind(),
            );
            known.push(
                guichet
                    .sign_in("camille", "wrong")
                    .await
                    .expect_err("refused")
                    .kind(),
            );
        }
        assert_eq!(unknown, known);
        assert_eq!(unknown.last(), Some(&ErrorKind::LoginLocked));
    }
);

on_both_backends!(
    a_failed_sign_in_never_journals_the_text_typed_for_an_unknown_login,
    |db| {
        let guichet = open(&db.url).await;
        let (supervisor, _, _) = team(&guichet).await;
        // A password typed in the login field.
        guichet
            .sign_in("Secret-Typed-2026!", "x")
            .await
            .expect_err("refused");
        guichet
            .sign_in("camille", "wrong")
            .await
            .expect_err("refused");
        let entries = guichet
            .audit_entries(
                &supervisor,
                &AuditFilter {
                    action: Some(AuditAction::SignInFailed),
                    ..Default::default()
                },
            )
            .await
            .expect("journal");
        assert_eq!(entries.len(), 2);
        let shown = format!("{entries:?}");
        assert!(!shown.to_lowercase().contains("secret-typed"), "{shown}");
        assert!(shown.contains("camille"), "a known login is named: {shown}");
        let csv = guichet
            .export_audit_csv(&supervisor, &AuditFilter::default())
            .await
            .expect("export");
        assert!(!csv.to_lowercase().contains("secret-typed"));
    }
);

#[tokio::test]
async fn the_core_locks_an_idle_session_for_every_operation_until_unlocked() {
    let db = guichet_tests::TestDb::migrated(guichet_core::store::Backend::Sqlite).await;
    let mut settings = Settings::with_defaults(Some(db.url.clone()), std::env::temp_dir());
    settings.idle_lock_seconds = 1;
    let guichet = Guichet::open(settings, guichet_core::store::OpenMode::MustExist)
        .await
        .expect("opened");
    let (supervisor, agent, _) = team(&guichet).await;
    guichet
        .require(&agent, Permission::Read)
        .await
        .expect("awake");
    agent.keep_awake().expect("awake");
    // Reads every 300 ms (as the window polls the sending status) keep nothing awake.
    for _ in 0..5 {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let _ = guichet.sending_status(&agent).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let refusals = [
        guichet.require(&agent, Permission::Read).await.map(|_| ()),
        guichet.search(&agent, "henri", 5).await.map(|_| ()),
        guichet.establishment(&agent, "0750654D").await.map(|_| ()),
        guichet
            .diagnose(&agent, "ce.0750654d@ac-paris.fr")
            .await
            .map(|_| ()),
        guichet
            .send_link(&agent, "ce.0750654d@ac-paris.fr", None)
            .await
            .map(|_| ()),
        guichet
            .change_password(&agent, AGENT_PASSWORD, "Nouveau-mot-2027")
            .await,
        guichet.agents(&supervisor).await.map(|_| ()),
        agent.keep_awake(),
    ];
    for refusal in refusals {
        let error = refusal.expect_err("locked");
        assert_eq!(error.kind(), ErrorKind::SessionLocked);
        assert!(
            error.message().contains("1 seconde d’inactivité"),
            "{}",
            error.message()
        );
    }
    // The agent's password, and only it, opens a new session.
    let error = guichet
        .unlock(&agent, SUPERVISOR_PASSWORD)
        .await
        .expect_err("not its password");
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
    let unlocked = guichet
        .unlock(&agent, AGENT_PASSWORD)
        .await
        .expect("unlocked");
    guichet
        .require(&unlocked, Permission::SendLinks)
        .await
        .expect("awake again");
    assert_eq!(
        agent
            .keep_awake()
            .expect_err("the old one stays locked")
            .kind(),
        ErrorKind::SessionLocked
    );
}
