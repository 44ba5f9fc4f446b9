//! A campaign on a shared database: a supervisor plans and starts it with her own role, the
//! sender service (`envoi`, the only holder of the key) mails it in its slots, a reader
//! follows it; an agent is refused by the core and, over plain SQL, by PostgreSQL.

use guichet_core::ErrorKind;
use guichet_core::audit::{AuditAction, AuditFilter};
use guichet_core::campaign::{CampaignAction, CampaignState, PlanInput};
use guichet_core::initialisation::PopulationInput;
use guichet_tests::cluster::SharedDesk;
use guichet_tests::smtp::Aiosmtpd;
use guichet_tests::{AGENT_PASSWORD, SUPERVISOR_PASSWORD};
use sqlx::Executor;

const INSUFFICIENT_PRIVILEGE: &str = "42501";

fn lycees_of_paris() -> PlanInput {
    PlanInput {
        population: PopulationInput {
            departments: vec!["75".into()],
            kinds: vec!["lycee".into()],
            ..PopulationInput::default()
        },
        states: Vec::new(),
    }
}

#[tokio::test]
async fn a_supervisor_conducts_a_campaign_the_sender_mails_it_and_the_database_refuses_an_agent() {
    let Some(_secrets) = guichet_tests::in_session_keyring() else {
        return;
    };
    let desk = SharedDesk::start().await;
    let server = Aiosmtpd::start();
    let (guichet, sandrine) = desk
        .sign_in("sandrine", SUPERVISOR_PASSWORD)
        .await
        .expect("sandrine");
    guichet
        .set_sending_setting(&sandrine, "smtp_max_rate", "3000")
        .await
        .expect("the relay's limit");

    // An agent: refused by the core, and by PostgreSQL over plain SQL.
    let (camille_guichet, camille) = desk
        .sign_in("camille", AGENT_PASSWORD)
        .await
        .expect("camille");
    let refused = camille_guichet
        .plan_campaign(&camille, &lycees_of_paris())
        .await
        .expect_err("an agent plans nothing");
    assert_eq!(refused.kind(), ErrorKind::Forbidden);
    let mut plain = desk
        .connect("camille", AGENT_PASSWORD)
        .await
        .expect("camille connects");
    for sql in [
        "INSERT INTO campaign (created_at, population, states, fresh_after) VALUES (now(), '{}', '[]', now())",
        "UPDATE campaign SET state = 'annulee'",
        "UPDATE campaign SET slots_taken = 0",
    ] {
        match plain.execute(sql).await {
            Err(sqlx::Error::Database(db)) => {
                assert_eq!(db.code().as_deref(), Some(INSUFFICIENT_PRIVILEGE), "{sql}")
            }
            other => panic!("{sql}: {other:?}"),
        }
    }

    let plan = guichet
        .plan_campaign(&sandrine, &lycees_of_paris())
        .await
        .expect("planned");
    assert!(plan.to_send > 0, "{plan:?}");
    let started = guichet
        .start_campaign(&sandrine, plan.campaign, 3_000)
        .await
        .expect("started");
    assert_eq!(started.state, CampaignState::Running);
    let refused = camille_guichet
        .change_campaign(&camille, plan.campaign, CampaignAction::Pause)
        .await
        .expect_err("an agent pauses nothing");
    assert_eq!(refused.kind(), ErrorKind::Forbidden);

    // The sender, with its own role and key, mails every link in the campaign's slots.
    guichet_tests::store_signing_key("kernel-secret-partage-0123456789");
    let sender = desk.sender(&server.url()).await;
    let started_at = std::time::Instant::now();
    loop {
        sender.deliver_due().await.expect("a pass");
        let status = guichet
            .campaign_status(&sandrine, plan.campaign)
            .await
            .expect("status");
        if status.state == CampaignState::Finished {
            break;
        }
        assert!(started_at.elapsed().as_secs() < 60, "{status:?}");
    }
    sender.stop().await;
    assert_eq!(server.count(), plan.to_send as usize);

    // A reader follows it; the journal names who started it, whatever the client wrote.
    let (lea_guichet, lea) = desk.sign_in("lea", AGENT_PASSWORD).await.expect("lea");
    let seen = lea_guichet
        .campaign_status(&lea, plan.campaign)
        .await
        .expect("a reader follows");
    assert_eq!(
        (seen.sent, seen.failed, seen.remaining),
        (plan.to_send, 0, 0)
    );
    let refused = lea_guichet
        .start_campaign(&lea, plan.campaign, 60)
        .await
        .expect_err("a reader starts nothing");
    assert_eq!(refused.kind(), ErrorKind::Forbidden);
    let journal = guichet
        .audit_entries(&sandrine, &AuditFilter::default())
        .await
        .expect("journal");
    let started = journal
        .iter()
        .find(|entry| entry.action == AuditAction::CampaignStarted)
        .expect("the start in the journal");
    assert_eq!(started.agent.as_deref(), Some("sandrine"));
    let links = journal
        .iter()
        .filter(|entry| entry.action == AuditAction::LinkSent)
        .count();
    assert_eq!(links, plan.to_send as usize);
}
