//! A keyring of the test's own: the calling test run again behind a wrapper that gives it one
//! (a process cannot give itself a session keyring or a session bus), its secrets deleted when
//! it ends, the portal's signing key stored in it.

use std::process::Command;

use guichet_core::keyring::Keyring;
use guichet_core::secrets::{Secret, SecretName};

/// A kernel session keyring in a user namespace of its own, so that the kernel's persistent
/// keyring (which keyutils links to every session of a user) is empty too. Each program execs
/// the next: the pid of the command is that of what runs in it, and SIGKILL reaches it.
pub const OWN_KEYRING: [&str; 6] = [
    "unshare",
    "--user",
    "--map-root-user",
    "keyctl",
    "session",
    "-",
];

/// Runs the test `name` of this test binary again, alone, behind `wrapper` with the environment
/// `configure` gives it, and fails if it fails there.
pub fn this_test_again(name: &str, wrapper: &[&str], configure: impl FnOnce(&mut Command)) {
    let exe = std::env::current_exe().expect("test binary");
    let mut command = match wrapper.split_first() {
        Some((program, args)) => {
            let mut command = Command::new(program);
            command.args(args).arg(&exe);
            command
        }
        None => Command::new(&exe),
    };
    command.args([name, "--exact", "--nocapture", "--test-threads=1"]);
    configure(&mut command);
    let program = wrapper.first().copied().unwrap_or("the test binary");
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("cannot run {program}: {error}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{name} under {program} failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    // What the run printed is this test's output (shown with --nocapture, as a figure it reports).
    print!("{stdout}");
}

/// Runs the calling test again under `keyctl session -` with `GUICHET_KEYRING=keyutils` and
/// entries of its own (`GUICHET_KEYRING_SERVICE`), so that it reaches a real kernel keyring
/// without sharing a secret with another test, and fails if that run fails. Returns a guard in
/// that run (go on with the test; the guard deletes the test's secrets) and `None` in the first.
pub fn in_session_keyring() -> Option<TestSecrets> {
    const CHILD: &str = "GUICHET_TEST_IN_SESSION_KEYRING";
    if std::env::var_os(CHILD).is_some() {
        return Some(TestSecrets);
    }
    // libtest names each test's thread after the test.
    let name = std::thread::current()
        .name()
        .expect("a test thread")
        .to_string();
    this_test_again(&name, &["keyctl", "session", "-"], |command| {
        command
            .env(CHILD, "1")
            .env("GUICHET_KEYRING", "keyutils")
            .env(
                "GUICHET_KEYRING_SERVICE",
                format!(
                    "guichet-siec-test-{}-{}",
                    std::process::id(),
                    crate::unique_name()
                ),
            );
    });
    None
}

/// Deletes the secrets a test stored in its own keyring entries when the test ends.
#[derive(Debug)]
pub struct TestSecrets;

impl Drop for TestSecrets {
    fn drop(&mut self) {
        if let Ok(keyring) = Keyring::from_env() {
            for name in SecretName::ALL {
                let _ = keyring.delete(name);
            }
        }
    }
}

/// Stores the portal's signing key in the keyring the test runs with.
pub fn store_signing_key(key: &str) {
    Keyring::from_env()
        .expect("keyring")
        .set(SecretName::PortalSigningKey, &Secret::new(key))
        .expect("key stored");
}
