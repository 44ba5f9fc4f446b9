//! `send-link` and the portal's throttle: a second link within the hour is sent anyway and says
//! so (`recent_link`), one after the hour says nothing.

use guichet_tests::{AGENT_PASSWORD, on_both_backends};
use serde_json::Value;

use crate::{HENRI_IV, admin, desk};

const EMAIL: &str = "secretariat.relance@ac-paris.fr";

fn send(url: &str) -> Value {
    let run = admin(url, &["send-link", EMAIL])
        .agent("camille", AGENT_PASSWORD)
        .run();
    run.ok().clone()
}

on_both_backends!(a_second_link_within_the_hour_is_sent_and_said, |db| {
    desk(&db);
    let url = db.url.as_str();
    admin(url, &["attach", EMAIL, HENRI_IV])
        .agent("camille", AGENT_PASSWORD)
        .run()
        .ok();
    let first = send(url);
    assert_eq!(first["recent_link"], Value::Null, "{first}");

    let second = send(url);
    assert_ne!(second["link_id"], first["link_id"]);
    let recent = &second["recent_link"];
    let warning = recent["warning"].as_str().expect("a warning");
    assert!(
        warning.starts_with("Un lien a été envoyé à ")
            && warning.ends_with("\u{a0}; en envoyer un autre rendra le premier inutilisable."),
        "{warning}"
    );
    let sql = db.sql().await;
    let first_at: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(recent["at"].clone()).expect("a time");
    let stored = sql
        .number(&format!(
            "SELECT count(*) FROM reset_link WHERE id = {} AND requested_at = '{}'",
            first["link_id"],
            first_at.format(if db.url.starts_with("sqlite") {
                "%Y-%m-%dT%H:%M:%S%.f%:z"
            } else {
                "%Y-%m-%d %H:%M:%S%.f%:z"
            })
        ))
        .await;
    assert_eq!(stored, 1, "recent_link is the first link's time");
    assert!(
        second["message"]
            .as_str()
            .is_some_and(|m| m.contains("ne fonctionnera plus")),
        "{second}"
    );

    // An hour later (both links asked for long ago, not minted yet), a new link follows nothing
    // recent.
    sql.execute(&format!(
        "UPDATE reset_link SET requested_at = '2026-01-05 08:00:00+00:00' WHERE account_id = \
         (SELECT id FROM account WHERE email = '{EMAIL}')"
    ))
    .await;
    let later = send(url);
    assert_eq!(later["recent_link"], Value::Null, "{later}");
});
