use chrono::{Duration, Utc};

use super::agent::{Agent, check_login};
use super::session::Session;
use super::sign_in::*;
use crate::model::role::{Grant, Permission, Permissions, Role};

#[test]
fn each_role_allows_exactly_its_permissions() {
    use Permission::*;
    let all = Permission::ALL;
    let allowed = |role: Role| {
        all.into_iter()
            .filter(|p| role.allows(*p))
            .collect::<Vec<_>>()
    };
    assert_eq!(allowed(Role::Lecture), [Read]);
    assert_eq!(allowed(Role::Agent), [Read, EditAddresses, SendLinks]);
    assert_eq!(allowed(Role::Superviseur), all);
    assert_eq!(allowed(Role::Envoi), []);
}

#[test]
fn a_refusal_names_the_role_and_the_action() {
    let session = Session::new(
        Agent::new(1, "lea".into(), "Léa".into(), Role::Lecture, false),
        std::time::Duration::from_secs(600),
    );
    let error = session.require(Permission::SendLinks).expect_err("refused");
    assert_eq!(error.kind(), crate::error::ErrorKind::Forbidden);
    assert!(error.message().contains("lecture seule"));
    assert!(error.message().contains("envoyer des liens"));
    assert!(session.require(Permission::Read).is_ok());
}

#[test]
fn a_session_idle_past_its_limit_stays_locked() {
    let agent = Agent::new(1, "lea".into(), "Léa".into(), Role::Agent, false);
    let awake = Session::new(agent.clone(), std::time::Duration::from_secs(600));
    assert!(awake.keep_awake().is_ok());
    let idle = Session::new(agent, std::time::Duration::from_millis(20));
    let copy = idle.refreshed(idle.agent().clone());
    // Checks alone keep nothing awake.
    for _ in 0..4 {
        std::thread::sleep(std::time::Duration::from_millis(10));
        let _ = idle.check_awake();
    }
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert!(idle.check_awake().is_err());
    for session in [&idle, &copy, &idle] {
        let error = session.keep_awake().expect_err("locked");
        assert_eq!(error.kind(), crate::error::ErrorKind::SessionLocked);
        assert!(
            error.message().contains("verrouillé"),
            "{}",
            error.message()
        );
    }
}

#[test]
fn unknown_logins_lock_as_known_ones_do() {
    let logins = UnknownLogins::default();
    let now = Utc::now();
    for attempt in 1..FAILURES_BEFORE_LOCK {
        assert_eq!(
            logins.fail("personne", now),
            SignInOutcome::Failed {
                failures: attempt,
                locked_until: None
            }
        );
    }
    let until = now + lock_duration(FAILURES_BEFORE_LOCK).expect("locks");
    assert_eq!(
        logins.fail("personne", now),
        SignInOutcome::Failed {
            failures: FAILURES_BEFORE_LOCK,
            locked_until: Some(until)
        }
    );
    assert_eq!(logins.fail("personne", now), SignInOutcome::Locked(until));
    assert!(matches!(
        logins.fail("quelquun", now),
        SignInOutcome::Failed { failures: 1, .. }
    ));
    // A flood of made-up logins is forgotten rather than kept.
    for n in 0..UNKNOWN_LOGINS_KEPT + 10 {
        logins.fail(&format!("x{n}"), now);
    }
    assert!(logins.failures.lock().expect("lock").len() <= UNKNOWN_LOGINS_KEPT);
}

#[test]
fn the_lock_grows_with_failures_up_to_fifteen_minutes() {
    assert_eq!(lock_duration(4), None);
    assert_eq!(lock_duration(5), Some(Duration::seconds(30)));
    assert_eq!(lock_duration(6), Some(Duration::seconds(60)));
    assert_eq!(lock_duration(8), Some(Duration::seconds(240)));
    assert_eq!(lock_duration(12), Some(Duration::minutes(15)));
    assert_eq!(lock_duration(i32::MAX), Some(Duration::minutes(15)));
}

#[test]
fn logins_are_plain_names() {
    for good in ["camille.martin", "cm", "agent-07", "a_b"] {
        assert!(check_login(good).is_ok(), "{good}");
    }
    for bad in [
        "",
        "c",
        "Camille",
        "-camille",
        "camille martin",
        "élise",
        &"a".repeat(65),
    ] {
        assert!(check_login(bad).is_err(), "{bad}");
    }
}

#[test]
fn the_window_reads_each_refusal_from_the_core() {
    let reader = Permissions::of(Role::Lecture);
    assert!(reader.read.allowed && reader.read.refusal.is_none());
    assert!(!reader.edit_addresses.allowed);
    assert_eq!(
        reader.edit_addresses.refusal.as_deref(),
        Some("Votre rôle (lecture seule) ne permet pas de modifier les adresses.")
    );
    assert_eq!(
        reader.send_links.refusal.as_deref(),
        Some("Votre rôle (lecture seule) ne permet pas d’envoyer des liens d’initialisation.")
    );
    let agent = Permissions::of(Role::Agent);
    assert!(agent.edit_addresses.allowed && agent.send_links.allowed);
    assert_eq!(
        agent.read_journal.refusal.as_deref(),
        Some("Votre rôle (agent) ne permet pas de consulter ou d’exporter le journal.")
    );
    let supervisor = Permissions::of(Role::Superviseur);
    for grant in [
        &supervisor.read,
        &supervisor.edit_addresses,
        &supervisor.send_links,
        &supervisor.manage_agents,
        &supervisor.manage_settings,
        &supervisor.read_journal,
    ] {
        assert_eq!(
            grant,
            &Grant {
                allowed: true,
                refusal: None
            }
        );
    }
    // Each grant says what the role's rule says.
    for role in Role::ALL {
        let permissions = Permissions::of(role);
        let grants = [
            (Permission::Read, &permissions.read),
            (Permission::EditAddresses, &permissions.edit_addresses),
            (Permission::SendLinks, &permissions.send_links),
            (Permission::ManageAgents, &permissions.manage_agents),
            (Permission::ManageSettings, &permissions.manage_settings),
            (Permission::ReadJournal, &permissions.read_journal),
            (Permission::RunCampaigns, &permissions.run_campaigns),
            (Permission::ImportAnnuaire, &permissions.import_annuaire),
        ];
        for (permission, grant) in grants {
            assert_eq!(
                grant.allowed,
                role.allows(permission),
                "{role:?} {permission:?}"
            );
        }
    }
}
