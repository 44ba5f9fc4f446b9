//! `send-link` and the portal's throttle: a link sent within the hour of the previous one is
//! sent anyway and says so (`recent_link`: when the previous one went); a link still waiting,
//! or one sent more than an hour before, says nothing.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use guichet_tests::{AGENT_PASSWORD, TestDb, on_both_backends};
use serde_json::Value;

use crate::{HENRI_IV, admin, desk};

const EMAIL: &str = "secretariat.relance@ac-paris.fr";

fn send(url: &str) -> Value {
    let run = admin(url, &["send-link", EMAIL])
        .agent("camille", AGENT_PASSWORD)
        .run();
    run.ok().clone()
}

/// An instant as each backend stores it, for SQL written here.
fn stored(db: &TestDb, at: DateTime<Utc>) -> String {
    let format = if db.url.starts_with("sqlite") {
        "%Y-%m-%dT%H:%M:%S%:z"
    } else {
        "%Y-%m-%d %H:%M:%S%:z"
    };
    at.format(format).to_string()
}

/// What the sender does to a link when its message leaves, at `at`, planted here: the command
/// line without `--deliver` leaves links waiting.
fn minted(db: &TestDb, link: &Value, at: DateTime<Utc>) -> String {
    let id = link.as_i64().expect("a link id");
    format!(
        "UPDATE reset_link SET selector = 'selecteur{id:0>11}', requested_at = '{at}', \
         minted_at = '{at}', expires_at = '{expiry}', token_sha256 = '{digest}' WHERE id = {id}",
        at = stored(db, at),
        expiry = stored(db, at + Duration::hours(1)),
        digest = "ab".repeat(32),
    )
}

on_both_backends!(a_second_link_within_the_hour_is_sent_and_said, |db| {
    desk(&db);
    let url = db.url.as_str();
    admin(url, &["attach", EMAIL, HENRI_IV])
        .agent("camille", AGENT_PASSWORD)
        .run()
        .ok();
    let sql = db.sql().await;
    let first = send(url);
    assert_eq!(first["recent_link"], Value::Null, "{first}");
    let waiting = send(url);
    assert_eq!(
        waiting["recent_link"],
        Value::Null,
        "a link still waiting went nowhere: {waiting}"
    );

    let sent_at = (Utc::now() - Duration::minutes(10)).trunc_subsecs(0);
    sql.execute(&minted(&db, &waiting["link_id"], sent_at))
        .await;
    let second = send(url);
    let recent: DateTime<Utc> =
        serde_json::from_value(second["recent_link"].clone()).expect("the previous link's time");
    assert_eq!(recent, sent_at);
    assert!(
        second["message"]
            .as_str()
            .is_some_and(|m| m.contains("ne fonctionnera plus")),
        "{second}"
    );

    // Sent more than an hour ago: nothing recent.
    let long_ago = sent_at - Duration::hours(2);
    sql.execute(&format!(
        "UPDATE reset_link SET requested_at = '{}' WHERE id = {}",
        stored(&db, long_ago),
        waiting["link_id"]
    ))
    .await;
    sql.execute(&minted(&db, &waiting["link_id"], long_ago))
        .await;
    let later = send(url);
    assert_eq!(later["recent_link"], Value::Null, "{later}");
});
