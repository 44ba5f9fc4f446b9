//! `bench mail` against a real SMTP server on loopback: the figures' shape, and every message
//! really delivered (no assertion on speed: that is the benchmark's job, not the tests').

use std::process::Command;

use guichet_tests::smtp::Aiosmtpd;
use serde_json::Value;

#[test]
fn bench_mail_sends_every_message_both_ways_and_reports_rates() {
    let server = Aiosmtpd::start();
    let data = tempfile::tempdir().expect("folder");
    let output = Command::new(env!("CARGO_BIN_EXE_guichet-admin"))
        .args([
            "bench",
            "mail",
            "--messages",
            "60",
            "--baseline-messages",
            "4",
            "--smtp-url",
            &server.url(),
            "--json",
        ])
        .env("GUICHET_DATA_DIR", data.path())
        .env_remove("GUICHET_SMTP_URL")
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["app"]["rate"]["messages"], 60);
    assert_eq!(json["app"]["failed"], 0);
    assert_eq!(json["lettre_default"]["messages"], 4);
    for rate in [
        &json["app"]["rate"]["messages_per_s"],
        &json["lettre_default"]["messages_per_s"],
    ] {
        assert!(rate.as_f64().is_some_and(|r| r > 0.0), "{rate}");
    }
    assert_eq!(server.messages().len(), 64, "every message arrived once");
}

#[test]
fn bench_mail_without_a_server_says_which_setting_is_missing() {
    let data = tempfile::tempdir().expect("folder");
    let output = Command::new(env!("CARGO_BIN_EXE_guichet-admin"))
        .args(["bench", "mail", "--messages", "1", "--json"])
        .env("GUICHET_DATA_DIR", data.path())
        .env_remove("GUICHET_SMTP_URL")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["error"]["kind"], "invalid_setting");
    assert!(
        json["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("--smtp-url"))
    );
}
