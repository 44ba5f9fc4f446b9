//! A campaign end to end in the real window: a supervisor plans the lycées of one department
//! (a dry run that sends nothing), launches it, watches its progress bar, pauses and resumes
//! it; the window's own sender mails each link to aiosmtpd at the campaign's rate.

use std::time::{Duration, Instant};

use guichet_tests::desktop::Desktop;
use guichet_tests::smtp::Aiosmtpd;
use guichet_tests::{SUPERVISOR_PASSWORD, demo_team, in_session_keyring, store_signing_key};

async fn progress(desktop: &Desktop, id: i64) -> (i64, String) {
    let bar = desktop.element(&format!("#campaign-progress-{id}")).await;
    let value = bar
        .prop("value")
        .await
        .expect("value")
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or_default();
    let state = desktop
        .element(&format!("#campaign-{id}"))
        .await
        .attr("data-state")
        .await
        .expect("attribute")
        .unwrap_or_default();
    (value as i64, state)
}

#[tokio::test]
async fn a_supervisor_plans_launches_watches_pauses_and_resumes_a_campaign() {
    let Some(_secrets) = in_session_keyring() else {
        return;
    };
    store_signing_key("kernel-secret-campagne-0123456789");
    let server = Aiosmtpd::start();
    let data = tempfile::tempdir().expect("temporary directory");
    demo_team(data.path()).await;
    let sql = guichet_tests::Sql::open(&format!(
        "sqlite://{}",
        data.path().join("guichet-demo.sqlite").display()
    ))
    .await;
    // A department with a handful of lycées whose principal address never initialised.
    let department = sql
        .texts(
            "SELECT e.department FROM establishment e JOIN account_initialised i ON i.id = e.principal_account_id \
             WHERE e.kind = 'lycee' AND NOT i.initialised GROUP BY e.department \
             HAVING count(*) BETWEEN 4 AND 12 ORDER BY count(*) DESC, e.department LIMIT 1",
        )
        .await
        .pop()
        .expect("a department");
    let data_dir = data.path().to_str().expect("UTF-8 path");
    let smtp = server.url();
    let desktop =
        Desktop::launch_configured(&[("GUICHET_DATA_DIR", data_dir), ("GUICHET_SMTP_URL", &smtp)])
            .await;
    desktop.sign_in("sandrine", SUPERVISOR_PASSWORD).await;
    desktop.element("#search-input").await;
    desktop.click("#nav-campaigns").await;
    desktop.type_into("#filter-departements", &department).await;
    // The DSFR's checkbox is drawn over its label, which takes the click.
    desktop
        .element_with_text("label", "Lycée")
        .await
        .click()
        .await
        .expect("lycées chosen");
    desktop.click("#campaign-plan").await;
    let summary = desktop.element("#campaign-plan-summary").await;
    let summary = summary.text().await.expect("text");
    let id = sql.number("SELECT max(id) FROM campaign").await;
    let to_send = sql
        .number(&format!(
            "SELECT count(DISTINCT account_id) FROM campaign_target WHERE campaign_id = {id} AND skip_reason IS NULL"
        ))
        .await;
    assert!(to_send >= 3, "{to_send} to send in {department}");
    assert!(summary.contains(&to_send.to_string()), "{summary}");
    assert_eq!(sql.count("mail_outbox").await, 0, "a dry run sends nothing");
    desktop.check_screen("campagne-plan").await;

    // Launched at 60 a minute: one link a second, the bar following.
    let rate = desktop.element("#campaign-rate").await;
    rate.clear().await.expect("cleared");
    rate.send_keys("60").await.expect("typed");
    desktop.click("#campaign-start").await;
    let start = Instant::now();
    while progress(&desktop, id).await.0 < 2 {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{:?}",
            progress(&desktop, id).await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(progress(&desktop, id).await.1, "en-cours");
    desktop.check_screen("campagne-en-cours").await;

    // Paused: nothing more leaves; resumed: the rest, then « Terminée ».
    desktop.click(&format!("#campaign-pause-{id}")).await;
    while progress(&desktop, id).await.1 != "en-pause" {
        assert!(start.elapsed() < Duration::from_secs(40));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let paused = server.count();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(server.count(), paused, "a paused campaign sends nothing");
    assert!(
        (paused as i64) < to_send,
        "{paused} of {to_send} before the pause"
    );
    desktop.check_screen("campagne-en-pause").await;
    desktop.click(&format!("#campaign-resume-{id}")).await;
    while progress(&desktop, id).await.1 != "terminee" {
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "{:?}",
            progress(&desktop, id).await
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(progress(&desktop, id).await.0, to_send);
    assert_eq!(server.count() as i64, to_send);
    desktop.check_screen("campagne-terminee").await;
    desktop.quit().await;
}
