//! A whole scenario through the CLI with every log on, then a search of everything it printed
//! and every file it wrote for the secrets it handled: none may appear anywhere.

use std::path::Path;

use guichet_tests::cli::{Admin, Run};
use guichet_tests::imap::Dovecot;
use guichet_tests::in_session_keyring;
use guichet_tests::smtp::{Aiosmtpd, AiosmtpdOptions};

const SIGNING_KEY: &str = "Kernel-Secret-9f3c27d1e8";
const SMTP_PASSWORD: &str = "Smtp-Pass-41b7e05a";
const SUPERVISOR_PASSWORD: &str = "Superviseur-Pass-2026!";
const AGENT_PASSWORD: &str = "Agent-Pass-2026-x7!";

/// `guichet-admin ARGS` with every log on, on the standalone database of `data_dir`, `stdin`
/// and a newline on standard input, `agent_password` in `GUICHET_AGENT_PASSWORD`.
fn admin(
    (data_dir, smtp_url, bounce_ca): (&Path, &str, &Path),
    args: &[&str],
    stdin: Option<&str>,
    agent_password: Option<&str>,
) -> Run {
    let mut command = Admin::new(env!("CARGO_BIN_EXE_guichet-admin"), args)
        .text()
        .env("RUST_LOG", "trace")
        .env("GUICHET_BOUNCE_CA_FILE", bounce_ca)
        .env("GUICHET_DATA_DIR", data_dir)
        .env("GUICHET_SMTP_URL", smtp_url)
        .env_remove("GUICHET_DATABASE_URL");
    command = match agent_password {
        Some(password) => command.env("GUICHET_AGENT_PASSWORD", password),
        None => command.env_remove("GUICHET_AGENT_PASSWORD"),
    };
    if let Some(input) = stdin {
        command = command.stdin(&format!("{input}\n"));
    }
    command.run()
}

/// Every file under `dir`, read as bytes (the SQLite database and its journal included).
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push((
                path.display().to_string(),
                std::fs::read(&path).expect("readable"),
            ));
        }
    }
    found
}

#[test]
fn no_secret_appears_in_any_output_or_file() {
    let Some(_secrets) = in_session_keyring() else {
        return;
    };
    let data = tempfile::tempdir().expect("data folder");
    let server = Aiosmtpd::start_with(AiosmtpdOptions {
        auth: Some(("guichet".into(), SMTP_PASSWORD.into())),
        ..Default::default()
    });
    let smtp_url = format!("smtp://guichet@127.0.0.1:{}", server.port);
    let dovecot = Dovecot::start();
    let dir = data.path();
    let mut runs = Vec::new();
    let mut step = |args: &[&str], stdin: Option<&str>, agent: Option<&str>| {
        let run = admin((dir, &smtp_url, &dovecot.ca_file()), args, stdin, agent);
        assert_eq!(run.code, 0, "{args:?}: {}\n{}", run.stdout, run.stderr);
        let stdout = run.stdout.clone();
        runs.push(run);
        stdout
    };
    step(
        &["secret", "set", "portal-signing-key"],
        Some(SIGNING_KEY),
        None,
    );
    step(
        &["secret", "set", "smtp-password"],
        Some(SMTP_PASSWORD),
        None,
    );
    step(&["migrate"], None, None);
    step(
        &[
            "agent",
            "add",
            "sandrine",
            "--name",
            "Sandrine Petit",
            "--role",
            "superviseur",
        ],
        Some(SUPERVISOR_PASSWORD),
        None,
    );
    step(
        &[
            "agent",
            "add",
            "camille",
            "--name",
            "Camille Martin",
            "--role",
            "agent",
            "--agent",
            "sandrine",
        ],
        Some(AGENT_PASSWORD),
        Some(SUPERVISOR_PASSWORD),
    );
    step(
        &[
            "attach",
            "secretariat.llg@ac-paris.fr",
            "0750655E",
            "--principal",
            "--agent",
            "camille",
        ],
        None,
        Some(AGENT_PASSWORD),
    );
    let sent = step(
        &[
            "send-link",
            "secretariat.llg@ac-paris.fr",
            "--deliver",
            "--agent",
            "camille",
            "--json",
        ],
        None,
        Some(AGENT_PASSWORD),
    );
    assert!(sent.contains("\"sent\":1"), "delivered: {sent}");
    // The link as the correspondent received it: its verifier is the one secret the mail holds.
    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    let mail = String::from_utf8_lossy(&messages[0]).replace("=\r\n", "");
    let start =
        mail.find("/reset-password/reset/").expect("a link") + "/reset-password/reset/".len();
    let token = mail[start..start + 40].to_string();
    let verifier = token[20..].to_string();
    let checked = step(
        &[
            "check-link",
            &format!("https://auth.siec.education.fr/reset-password/reset/{token}"),
            "--json",
        ],
        None,
        None,
    );
    assert!(checked.contains("\"verdict\":\"valid\""), "{checked}");
    step(
        &["audit", "--csv", "--agent", "sandrine"],
        None,
        Some(SUPERVISOR_PASSWORD),
    );
    step(&["outbox", "--drain"], None, None);
    // The bounce mailbox, read with its password.
    step(
        &["secret", "set", "bounce-imap-password"],
        Some(guichet_tests::imap::PASSWORD),
        None,
    );
    for (name, value) in [
        ("bounce_imap_host", dovecot.host()),
        ("bounce_imap_user", guichet_tests::imap::USER.to_string()),
    ] {
        step(
            &["settings", "set", name, &value, "--agent", "sandrine"],
            None,
            Some(SUPERVISOR_PASSWORD),
        );
    }
    let fetched = step(&["bounces", "fetch", "--json"], None, None);
    assert!(fetched.contains("\"read\":0"), "{fetched}");

    let secrets = [
        SIGNING_KEY,
        SMTP_PASSWORD,
        SUPERVISOR_PASSWORD,
        AGENT_PASSWORD,
        guichet_tests::imap::PASSWORD,
        verifier.as_str(),
    ];
    let everything: Vec<(String, Vec<u8>)> = runs
        .iter()
        .enumerate()
        .flat_map(|(i, run)| {
            [
                (format!("step {i} stdout"), run.stdout.clone().into_bytes()),
                (format!("step {i} stderr"), run.stderr.clone().into_bytes()),
            ]
        })
        .chain(files(dir))
        .collect();
    assert!(
        everything
            .iter()
            .any(|(name, _)| name.ends_with("guichet-demo.sqlite")),
        "the database was searched"
    );
    assert!(
        everything
            .iter()
            .map(|(_, bytes)| bytes.len())
            .sum::<usize>()
            > 1_000_000,
        "logs and files were produced"
    );
    for (name, bytes) in &everything {
        let text = String::from_utf8_lossy(bytes);
        for secret in secrets {
            assert!(!text.contains(secret), "{name} contains a secret");
        }
    }
}
