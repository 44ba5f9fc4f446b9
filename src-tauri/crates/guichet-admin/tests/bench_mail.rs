//! `bench mail` against a real SMTP server on loopback: the figures' shape, and every message
//! really delivered (no assertion on speed: that is the benchmark's job, not the tests').

use guichet_tests::cli::{Admin, Run};
use guichet_tests::smtp::Aiosmtpd;

/// `guichet-admin ARGS --json` with a data folder of its own and no SMTP server but the one
/// the arguments name.
fn bench_mail(args: &[&str]) -> Run {
    let data = tempfile::tempdir().expect("folder");
    Admin::new(env!("CARGO_BIN_EXE_guichet-admin"), args)
        .env("GUICHET_DATA_DIR", data.path())
        .env_remove("GUICHET_SMTP_URL")
        .run()
}

#[test]
fn bench_mail_sends_every_message_both_ways_and_reports_rates() {
    let server = Aiosmtpd::start();
    let run = bench_mail(&[
        "bench",
        "mail",
        "--messages",
        "60",
        "--baseline-messages",
        "4",
        "--smtp-url",
        &server.url(),
    ]);
    assert!(run.code == 0, "{}", run.stderr);
    let json = run.parsed();
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
    let run = bench_mail(&["bench", "mail", "--messages", "1"]);
    assert_eq!(run.code, 1);
    let json = run.parsed();
    assert_eq!(json["error"]["kind"], "invalid_setting");
    assert!(
        json["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("--smtp-url"))
    );
}
