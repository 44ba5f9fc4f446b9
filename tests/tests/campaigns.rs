//! Campaigns through the core on real SQLite and PostgreSQL, a kernel keyring and aiosmtpd: each
//! establishment checked again right before its message leaves (initialised, or sent another
//! link since the plan: not sent), a cancelled campaign's messages dropped unsent, the states an
//! action needs, and the plan's reasons for a closed establishment and a rejected address.

use chrono::Utc;
use guichet_core::campaign::{CampaignAction, CampaignState, PlanInput, SkipReason};
use guichet_core::initialisation::PopulationInput;
use guichet_core::{ErrorKind, Guichet, Settings};
use guichet_tests::smtp::Aiosmtpd;
use guichet_tests::{
    AGENT_PASSWORD, SUPERVISOR_PASSWORD, Sql, deliver, on_both_backends, store_signing_key,
};

/// The demo database with the team, the relay's limit raised for quick tests.
async fn desk(url: &str) -> (Guichet, Sql) {
    let settings = Settings::with_defaults(Some(url.into()), std::env::temp_dir());
    let guichet = Guichet::open(settings, guichet_core::store::OpenMode::MustExist)
        .await
        .expect("opened");
    let size = guichet_core::demo::DemoSize {
        establishments: 1_500,
        accounts: 2_000,
    };
    guichet.load_demo(size, 11, Utc::now()).await.expect("demo");
    guichet_tests::add_team(&guichet).await;
    let sql = Sql::of(&guichet).await;
    (guichet, sql)
}

fn department(code: &str) -> PlanInput {
    PlanInput {
        population: PopulationInput {
            departments: vec![code.into()],
            ..PopulationInput::default()
        },
        states: Vec::new(),
    }
}

/// A department other than `except` with at least `n` principal addresses never initialised.
async fn busy_department(sql: &Sql, n: i64, except: &str) -> String {
    sql.texts(&format!(
        "SELECT e.department FROM establishment e JOIN account_initialised i ON i.id = e.principal_account_id \
         WHERE NOT i.initialised AND e.department <> '{except}' GROUP BY e.department \
         HAVING count(*) >= {n} ORDER BY e.department LIMIT 1"
    ))
    .await
    .pop()
    .expect("a department")
}

on_both_backends!(keyring each_message_is_checked_again_before_it_leaves_and_a_cancelled_one_never_does, |db| {
    store_signing_key("kernel-secret-campagnes-0123456789");
    let (guichet, sql) = desk(&db.url).await;
    let server = Aiosmtpd::start();
    let sandrine = guichet.sign_in("sandrine", SUPERVISOR_PASSWORD).await.expect("sandrine");
    let camille = guichet.sign_in("camille", AGENT_PASSWORD).await.expect("camille");
    guichet.set_sending_setting(&sandrine, "smtp_max_rate", "6000").await.expect("limit");
    let code = busy_department(&sql, 4, "").await;
    let plan = guichet.plan_campaign(&sandrine, &department(&code)).await.expect("plan");
    let targets = sql
        .texts(&format!(
            "SELECT email FROM campaign_target WHERE campaign_id = {} AND skip_reason IS NULL ORDER BY uai",
            plan.campaign
        ))
        .await;
    assert_eq!(targets.len() as u32, plan.to_send);
    // Since the plan: the first address set its password, the second was sent a link by an agent.
    sql.execute(&format!("UPDATE account SET password = 'argon2-du-portail' WHERE email = '{}'", targets[0]))
        .await;
    guichet.send_link(&camille, &targets[1], None).await.expect("a link by hand");
    deliver(&guichet, Some(&server.url())).await;
    assert_eq!(server.count(), 1, "the agent's link left");
    guichet.start_campaign(&sandrine, plan.campaign, 6_000).await.expect("started");
    let error = guichet
        .start_campaign(&sandrine, plan.campaign, 6_000)
        .await
        .expect_err("started twice");
    assert_eq!(error.kind(), ErrorKind::CampaignState);
    let mut status = guichet.campaign_status(&camille, plan.campaign).await.expect("status");
    for _ in 0..20 {
        if status.state == CampaignState::Finished {
            break;
        }
        deliver(&guichet, Some(&server.url())).await;
        status = guichet.campaign_status(&camille, plan.campaign).await.expect("status");
    }
    assert_eq!((status.sent, status.dropped, status.failed), (plan.to_send - 2, 2, 0), "{status:?}");
    assert_eq!(server.count() as u32, 1 + plan.to_send - 2);
    let replies = sql
        .texts(&format!(
            "SELECT last_reply FROM mail_outbox WHERE campaign_id = {} AND state = 'dropped' ORDER BY recipient",
            plan.campaign
        ))
        .await;
    assert!(replies.iter().any(|r| r.contains("initialisée depuis le plan")), "{replies:?}");
    assert!(replies.iter().any(|r| r.contains("Un autre lien est parti")), "{replies:?}");
    let error = guichet
        .change_campaign(&sandrine, plan.campaign, CampaignAction::Pause)
        .await
        .expect_err("a finished campaign pauses no more");
    assert_eq!(error.kind(), ErrorKind::CampaignState);

    // Cancelled after its start: nothing of it leaves, each message dropped with the reason.
    let other = busy_department(&sql, 1, &code).await;
    let second = guichet.plan_campaign(&sandrine, &department(&other)).await;
    let second = match second {
        Ok(plan) if plan.to_send > 0 => plan,
        other => panic!("a second plan: {other:?}"),
    };
    guichet.start_campaign(&sandrine, second.campaign, 60).await.expect("started");
    let cancelled = guichet
        .change_campaign(&sandrine, second.campaign, CampaignAction::Cancel)
        .await
        .expect("cancelled");
    assert_eq!((cancelled.state, cancelled.remaining), (CampaignState::Cancelled, 0));
    let before = server.count();
    deliver(&guichet, Some(&server.url())).await;
    assert_eq!(server.count(), before, "a cancelled campaign sends nothing");
    assert_eq!(
        sql.number(&format!(
            "SELECT count(*) FROM mail_outbox WHERE campaign_id = {} AND state = 'dropped' AND last_reply = 'Campagne annulée\u{a0}: non envoyé.'",
            second.campaign
        ))
        .await,
        i64::from(second.to_send)
    );
});

on_both_backends!(
    a_closed_establishment_and_a_rejected_address_are_skipped_with_their_reason,
    |db| {
        let (guichet, sql) = desk(&db.url).await;
        let sandrine = guichet
            .sign_in("sandrine", SUPERVISOR_PASSWORD)
            .await
            .expect("sandrine");
        let code = busy_department(&sql, 3, "").await;
        let uais = sql
        .texts(&format!(
            "SELECT e.uai FROM establishment e JOIN account_initialised i ON i.id = e.principal_account_id \
             WHERE NOT i.initialised AND e.department = '{code}' ORDER BY e.uai LIMIT 3"
        ))
        .await;
        sql.execute(&format!(
            "UPDATE establishment SET closed_on = '2020-06-30' WHERE uai = '{}'",
            uais[0]
        ))
        .await;

        // The last message to the second's address was refused for good by the server, the
        // third's accepted by the relay and reported not delivered later.
        let camille = guichet
            .sign_in("camille", AGENT_PASSWORD)
            .await
            .expect("camille");
        let mut links = Vec::new();
        for uai in &uais[1..] {
            let email = sql
                .texts(&format!(
                    "SELECT a.email FROM account a JOIN establishment e ON e.principal_account_id = a.id WHERE e.uai = '{uai}'"
                ))
                .await
                .pop()
                .expect("an address");
            let sent = guichet
                .send_link(&camille, &email, None)
                .await
                .expect("asked");
            links.push(sent.link_id);
        }
        sql.execute(&format!(
            "UPDATE mail_outbox SET state = 'failed', last_reply = '550 5.1.1 Utilisateur inconnu' WHERE reset_link_id = {}",
            links[0]
        ))
        .await;
        sql.execute(&format!(
            "UPDATE mail_outbox SET state = 'sent', sent_at = next_attempt_at, report_verdict = 'bounced', \
             report_status = '5.1.1', report_at = next_attempt_at WHERE reset_link_id = {}",
            links[1]
        ))
        .await;
        // Every state but « initialisé »: whatever link the demo sent these two, they are planned.
        let every_state = PlanInput {
            states: [
                "sans-adresse",
                "jamais-initialise",
                "lien-en-attente",
                "lien-expire",
            ]
            .map(String::from)
            .to_vec(),
            ..department(&code)
        };
        let plan = guichet
            .plan_campaign(&sandrine, &every_state)
            .await
            .expect("plan");
        let reason = |uai: &str| {
            plan.skipped
                .iter()
                .find(|s| s.uai.as_str() == uai)
                .map(|s| s.reason)
        };
        assert_eq!(
            reason(&uais[0]),
            Some(SkipReason::Closed),
            "{uais:?} {plan:?}"
        );
        assert_eq!(reason(&uais[1]), Some(SkipReason::AddressRejected));
        assert_eq!(
            reason(&uais[2]),
            Some(SkipReason::AddressRejected),
            "bounced"
        );
        // Nothing to plan: refused, and nothing written.
        let campaigns = sql.count("campaign").await;
        // No establishment has department 99.
        let error = guichet
            .plan_campaign(&sandrine, &department("99"))
            .await
            .expect_err("nobody to plan for");
        assert_eq!(error.kind(), ErrorKind::EmptyPopulation);
        assert_eq!(sql.count("campaign").await, campaigns);
        let reader = guichet.sign_in("lea", AGENT_PASSWORD).await.expect("lea");
        let error = guichet
            .plan_campaign(&reader, &department(&code))
            .await
            .expect_err("a reader");
        assert_eq!(error.kind(), ErrorKind::Forbidden);
        assert_eq!(sql.count("campaign").await, campaigns);
    }
);
