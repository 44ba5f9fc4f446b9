//! Adding, attaching, detaching and promoting addresses on real SQLite and PostgreSQL: each a
//! transaction, journaled, refused with the reason when it would break a rule.

use guichet_core::agents::Session;
use guichet_core::audit::AuditAction;
use guichet_core::search::SearchHit;
use guichet_core::{ErrorKind, Guichet, Settings};
use guichet_tests::{AGENT_PASSWORD, SUPERVISOR_PASSWORD, on_both_backends};

struct Desk {
    guichet: Guichet,
    agent: Session,
    reader: Session,
}

/// The demo database (seed 5) with an agent and a read-only agent.
async fn desk(url: &str) -> Desk {
    let guichet = Guichet::open(
        Settings::with_defaults(Some(url.into()), std::env::temp_dir()),
        guichet_core::store::OpenMode::MustExist,
    )
    .await
    .expect("opened");
    let size = guichet_core::demo::DemoSize {
        establishments: 6_000,
        accounts: 8_000,
    };
    guichet
        .load_demo(size, 5, chrono::Utc::now())
        .await
        .expect("demo");
    guichet_tests::add_team(&guichet).await;
    guichet.build_search_index().await.expect("index");
    Desk {
        agent: guichet
            .sign_in("camille", AGENT_PASSWORD)
            .await
            .expect("agent"),
        reader: guichet
            .sign_in("lea", AGENT_PASSWORD)
            .await
            .expect("reader"),
        guichet,
    }
}

const HENRI_IV: &str = "0750654D";
const LOUIS_LE_GRAND: &str = "0750655E";
/// A valid UAI of Saint-Pierre-et-Miquelon, where the demo puts no establishment.
const NOWHERE: &str = "9750001C";

async fn page(desk: &Desk, uai: &str) -> guichet_core::model::establishment::Establishment {
    desk.guichet
        .establishment(&desk.agent, uai)
        .await
        .expect("page")
}

on_both_backends!(
    a_new_address_is_added_attached_and_made_principal_in_one_step,
    |db| {
        let desk = desk(&db.url).await;
        let before = page(&desk, HENRI_IV).await;
        let done = desk
            .guichet
            .attach(
                &desk.agent,
                "  Secretariat.Henri4@AC-PARIS.FR ",
                &[HENRI_IV.into()],
                true,
                Some(before.version),
                Some("appel du secrétariat"),
            )
            .await
            .expect("attached");
        assert_eq!(
            done.email, "Secretariat.Henri4@ac-paris.fr",
            "trimmed, domain in lower case"
        );
        assert!(
            done.message.contains("Secretariat.Henri4@ac-paris.fr"),
            "{}",
            done.message
        );
        assert!(
            done.message.contains("LYCÉE GÉNÉRAL HENRI IV (0750654D)"),
            "{}",
            done.message
        );
        assert!(
            done.message.contains("adresse principale"),
            "{}",
            done.message
        );
        let after = page(&desk, HENRI_IV).await;
        assert_eq!(
            after.principal_email.as_deref(),
            Some("Secretariat.Henri4@ac-paris.fr")
        );
        assert_eq!(after.version, before.version + 1);
        let added = after
            .addresses
            .iter()
            .find(|a| a.email == "Secretariat.Henri4@ac-paris.fr")
            .expect("attached");
        assert_eq!(added.attached_by.as_deref(), Some("Camille Martin"));
        // The agent's own change is in the search at once.
        let found = desk
            .guichet
            .search(&desk.agent, "secretariat.henri4@", 5)
            .await
            .expect("search");
        assert!(
            matches!(&found.hits[0], SearchHit::Address(a) if a.email == "Secretariat.Henri4@ac-paris.fr" && a.uais.iter().any(|u| u.as_str() == HENRI_IV))
        );
        // The timeline tells it newest first, with the note of the call.
        let timeline = desk
            .guichet
            .timeline(&desk.agent, HENRI_IV)
            .await
            .expect("timeline");
        let actions: Vec<AuditAction> = timeline.iter().map(|e| e.action).collect();
        assert_eq!(
            actions[..3],
            [
                AuditAction::PrincipalChanged,
                AuditAction::Attached,
                AuditAction::AddressAdded
            ]
        );
        assert_eq!(timeline[0].note.as_deref(), Some("appel du secrétariat"));
        assert_eq!(timeline[0].changes[0].before, before.principal_email);
    }
);

on_both_backends!(an_address_can_serve_several_establishments, |db| {
    let desk = desk(&db.url).await;
    let done = desk
        .guichet
        .attach(
            &desk.agent,
            "direction.cite-scolaire@ac-paris.fr",
            &[HENRI_IV.into(), LOUIS_LE_GRAND.into()],
            false,
            None,
            None,
        )
        .await
        .expect("attached to both");
    assert_eq!(done.uais.len(), 2);
    for uai in [HENRI_IV, LOUIS_LE_GRAND] {
        assert!(
            page(&desk, uai)
                .await
                .addresses
                .iter()
                .any(|a| a.email == "direction.cite-scolaire@ac-paris.fr")
        );
    }
});

on_both_backends!(
    each_rule_is_refused_with_its_reason_and_nothing_written,
    |db| {
        let desk = desk(&db.url).await;
        let henri = page(&desk, HENRI_IV).await;
        let principal = henri
            .principal_email
            .clone()
            .expect("Henri-IV has a principal address");
        let g = &desk.guichet;
        let a = &desk.agent;

        let unknown = g
            .attach(a, "x@ac-paris.fr", &[NOWHERE.into()], false, None, None)
            .await
            .expect_err("unknown UAI");
        assert_eq!(unknown.kind(), ErrorKind::EstablishmentNotFound);
        let letter = g
            .attach(a, "x@ac-paris.fr", &["0750654E".into()], false, None, None)
            .await
            .expect_err("wrong letter");
        assert_eq!(letter.kind(), ErrorKind::InvalidUai);
        assert!(
            letter.message().contains("la bonne est «\u{a0}D\u{a0}»"),
            "{}",
            letter.message()
        );
        let syntax = g
            .attach(a, "x.ac-paris.fr", &[HENRI_IV.into()], false, None, None)
            .await
            .expect_err("syntax");
        assert_eq!(syntax.kind(), ErrorKind::InvalidEmail);
        assert!(syntax.message().contains("arobase"));
        let case = g
            .attach(
                a,
                &principal.to_uppercase(),
                &[LOUIS_LE_GRAND.into()],
                false,
                None,
                None,
            )
            .await
            .expect_err("case");
        assert_eq!(case.kind(), ErrorKind::AddressInOtherCase);
        assert!(case.message().contains(&principal));
        let again = g
            .attach(a, &principal, &[HENRI_IV.into()], false, None, None)
            .await
            .expect_err("twice");
        assert_eq!(again.kind(), ErrorKind::AlreadyAttached);
        let detach = g
            .detach(a, &principal, HENRI_IV, None, None, None)
            .await
            .expect_err("principal");
        assert_eq!(detach.kind(), ErrorKind::PrincipalNeedsReplacement);
        assert!(detach.message().contains("autre adresse principale"));
        let stranger = g
            .detach(a, &principal, LOUIS_LE_GRAND, None, None, None)
            .await
            .expect_err("not attached");
        assert_eq!(stranger.kind(), ErrorKind::NotAttached);
        let missing = g
            .set_principal(a, HENRI_IV, "personne@ac-paris.fr", None, None)
            .await
            .expect_err("absent");
        assert_eq!(missing.kind(), ErrorKind::AddressNotFound);

        // A failed attach to two establishments, the second unknown, leaves the first untouched.
        let half = g
            .attach(
                a,
                "moitie@ac-paris.fr",
                &[LOUIS_LE_GRAND.into(), NOWHERE.into()],
                false,
                None,
                None,
            )
            .await;
        assert_eq!(
            half.expect_err("second unknown").kind(),
            ErrorKind::EstablishmentNotFound
        );
        assert!(
            !page(&desk, LOUIS_LE_GRAND)
                .await
                .addresses
                .iter()
                .any(|x| x.email == "moitie@ac-paris.fr")
        );
        assert!(
            g.search(a, "moitie@", 5)
                .await
                .expect("search")
                .hits
                .is_empty(),
            "the address was not added either"
        );
        assert_eq!(page(&desk, HENRI_IV).await, henri, "Henri-IV unchanged");
    }
);

on_both_backends!(
    the_principal_address_changes_hands_then_the_old_one_is_detached,
    |db| {
        let desk = desk(&db.url).await;
        let henri = page(&desk, HENRI_IV).await;
        let old = henri.principal_email.clone().expect("principal");
        let g = &desk.guichet;
        g.attach(
            &desk.agent,
            "nouveau.secretariat@ac-paris.fr",
            &[HENRI_IV.into()],
            false,
            None,
            None,
        )
        .await
        .expect("attached");
        let done = g
            .detach(
                &desk.agent,
                &old,
                HENRI_IV,
                Some("nouveau.secretariat@ac-paris.fr"),
                None,
                None,
            )
            .await
            .expect("detached");
        assert!(
            done.message.contains(&old) && done.message.contains("nouveau.secretariat@ac-paris.fr"),
            "{}",
            done.message
        );
        let after = page(&desk, HENRI_IV).await;
        assert_eq!(
            after.principal_email.as_deref(),
            Some("nouveau.secretariat@ac-paris.fr")
        );
        assert!(!after.addresses.iter().any(|a| a.email == old));
        let timeline = g.timeline(&desk.agent, HENRI_IV).await.expect("timeline");
        assert_eq!(timeline[0].action, AuditAction::Detached);
        assert_eq!(timeline[1].action, AuditAction::PrincipalChanged);
    }
);

on_both_backends!(
    a_second_agent_editing_the_same_version_gets_a_conflict_and_loses_nothing,
    |db| {
        let desk = desk(&db.url).await;
        let seen = page(&desk, HENRI_IV).await;
        let other = desk
            .guichet
            .sign_in("sandrine", SUPERVISOR_PASSWORD)
            .await
            .expect("second agent");
        desk.guichet
            .attach(
                &other,
                "premier@ac-paris.fr",
                &[HENRI_IV.into()],
                false,
                Some(seen.version),
                None,
            )
            .await
            .expect("first edit wins");
        let late = desk
            .guichet
            .attach(
                &desk.agent,
                "second@ac-paris.fr",
                &[HENRI_IV.into()],
                true,
                Some(seen.version),
                None,
            )
            .await
            .expect_err("second edit on the old version");
        assert_eq!(late.kind(), ErrorKind::Conflict);
        assert!(late.message().contains("votre saisie est conservée"));
        let now = page(&desk, HENRI_IV).await;
        assert!(
            now.addresses
                .iter()
                .any(|a| a.email == "premier@ac-paris.fr")
        );
        assert!(
            !now.addresses
                .iter()
                .any(|a| a.email == "second@ac-paris.fr")
        );
        assert_eq!(now.principal_email, seen.principal_email);
        // Retried on the version now shown, the second agent's change goes through.
        desk.guichet
            .attach(
                &desk.agent,
                "second@ac-paris.fr",
                &[HENRI_IV.into()],
                true,
                Some(now.version),
                None,
            )
            .await
            .expect("retry");
    }
);

on_both_backends!(read_only_agents_cannot_change_anything, |db| {
    let desk = desk(&db.url).await;
    let g = &desk.guichet;
    let r = &desk.reader;
    let refusals = [
        g.add_address(r, "x@ac-paris.fr", None).await.map(|_| ()),
        g.attach(r, "x@ac-paris.fr", &[HENRI_IV.into()], false, None, None)
            .await
            .map(|_| ()),
        g.set_principal(r, HENRI_IV, "x@ac-paris.fr", None, None)
            .await
            .map(|_| ()),
        g.detach(r, "x@ac-paris.fr", HENRI_IV, None, None, None)
            .await
            .map(|_| ()),
    ];
    for refusal in refusals {
        let error = refusal.expect_err("refused");
        assert_eq!(error.kind(), ErrorKind::Forbidden);
        assert!(error.message().contains("modifier les adresses"));
    }
    g.timeline(r, HENRI_IV).await.expect("reading is allowed");
});

on_both_backends!(
    another_agents_change_reaches_this_window_by_the_change_log,
    |db| {
        let desk = desk(&db.url).await;
        // A second app on the same database, following the log as the desktop app does.
        let other = Guichet::open(
            Settings::with_defaults(Some(db.url.clone()), std::env::temp_dir()),
            guichet_core::store::OpenMode::MustExist,
        )
        .await
        .expect("second app");
        other.follow_changes();
        let mut changes = other.changes();
        let session = other.sign_in("lea", AGENT_PASSWORD).await.expect("reader");
        let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while other
            .search(&session, "0750654D", 1)
            .await
            .expect("search")
            .hits
            .is_empty()
        {
            assert!(std::time::Instant::now() < until, "index never built");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        desk.guichet
            .attach(
                &desk.agent,
                "venu.d.ailleurs@ac-paris.fr",
                &[HENRI_IV.into()],
                false,
                None,
                None,
            )
            .await
            .expect("attach");
        let change = tokio::time::timeout(std::time::Duration::from_secs(20), async {
            loop {
                if let Ok(guichet_core::live_index::Change::Account(id)) = changes.recv().await {
                    break id;
                }
            }
        })
        .await
        .expect("the change arrives");
        assert!(change > 0);
        let found = other
            .search(&session, "venu.d.ailleurs@", 5)
            .await
            .expect("search");
        assert!(
            matches!(&found.hits[0], SearchHit::Address(a) if a.email == "venu.d.ailleurs@ac-paris.fr")
        );
        other.close().await;
    }
);
