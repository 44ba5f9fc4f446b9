//! The OS keyring for real: the kernel's keyutils in a session keyring of the test's own, and the
//! Secret Service of a gnome-keyring started on a private D-Bus session bus.
//!
//! A process cannot give itself either without changing its whole environment, so each test runs
//! this test binary again, only that test, under `keyctl session -` or `dbus-run-session` (packages
//! keyutils, dbus, gnome-keyring); the child sees `GUICHET_KEYRING_TEST_CHILD` and does the work.

use std::path::Path;
use std::process::Command;

use guichet_core::keyring::{Keyring, choice_from_env};
use guichet_core::secrets::{KeyringBackend, KeyringChoice, Secret, SecretError, SecretName};
use guichet_tests::keyring::this_test_again;

const CHILD: &str = "GUICHET_KEYRING_TEST_CHILD";

fn in_child() -> bool {
    std::env::var_os(CHILD).is_some()
}

/// Runs the test `name` of this binary again behind `wrapper`, in an environment with no session
/// bus unless the wrapper makes one, and fails if the child's test fails.
fn run_in_child(
    name: &str,
    wrapper: &[&str],
    runtime_dir: &Path,
    configure: impl FnOnce(&mut Command),
) {
    this_test_again(name, wrapper, |command| {
        command
            .env(CHILD, "1")
            .env_remove("GUICHET_KEYRING")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            // zbus looks for $XDG_RUNTIME_DIR/bus: an empty folder means no bus.
            .env("XDG_RUNTIME_DIR", runtime_dir);
        configure(command);
    });
}

/// Entries of the test's own, so that a developer's real secrets are never touched.
fn test_keyring(choice: KeyringChoice) -> Keyring {
    let service = format!("guichet-siec-test-{}", std::process::id());
    Keyring::open_for_service(choice, &service).expect("keyring opens")
}

/// On another thread, as the app calls the keyring from `spawn_blocking`.
fn round_trip(keyring: &Keyring) {
    let keyring = keyring.clone();
    std::thread::spawn(move || round_trip_here(&keyring))
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}

fn round_trip_here(keyring: &Keyring) {
    let name = SecretName::SmtpPassword;
    assert!(keyring.get(name).expect("get").is_none(), "missing is None");

    keyring
        .set(name, &Secret::new("premier-mot-de-passe-été"))
        .expect("set");
    let secret = keyring.get(name).expect("get").expect("stored");
    assert_eq!(secret.expose(), "premier-mot-de-passe-été");
    let debug = format!("{secret:?}");
    assert!(!debug.contains("premier"), "{debug}");

    keyring
        .set(name, &Secret::new("second"))
        .expect("overwrite");
    assert_eq!(
        keyring.get(name).expect("get").expect("stored").expose(),
        "second"
    );

    // Each name is an entry of its own.
    assert!(
        keyring
            .get(SecretName::PortalSigningKey)
            .expect("get")
            .is_none()
    );
    keyring
        .set(SecretName::PortalSigningKey, &Secret::new("kernel-secret"))
        .expect("set");
    assert_eq!(
        keyring.get(name).expect("get").expect("stored").expose(),
        "second"
    );

    let error = keyring
        .set(name, &Secret::new(""))
        .expect_err("empty refused");
    assert!(matches!(error, SecretError::Empty { .. }), "{error:?}");
    assert!(error.message().contains("vide"), "{}", error.message());
    assert_eq!(
        keyring.get(name).expect("get").expect("kept").expose(),
        "second"
    );

    for name in SecretName::ALL {
        keyring.delete(name).expect("delete");
        assert!(keyring.get(name).expect("get").is_none());
    }
    keyring
        .delete(name)
        .expect("deleting a missing secret succeeds");
}

#[test]
fn keyutils_keeps_secrets_in_a_session_keyring() {
    if in_child() {
        // No session bus here: the automatic choice falls back to keyutils.
        let keyring = test_keyring(choice_from_env().expect("unset is automatic"));
        assert_eq!(keyring.backend(), KeyringBackend::Keyutils);
        round_trip(&keyring);

        let error = Keyring::open(KeyringChoice::Forced(KeyringBackend::SecretService))
            .expect_err("no Secret Service without a bus");
        assert!(
            matches!(error, SecretError::Unavailable { .. }),
            "{error:?}"
        );
        assert!(
            error.message().contains("GUICHET_KEYRING=keyutils"),
            "{}",
            error.message()
        );
        return;
    }
    let runtime = tempfile::tempdir().expect("temporary directory");
    run_in_child(
        "keyutils_keeps_secrets_in_a_session_keyring",
        &["keyctl", "session", "-"],
        runtime.path(),
        |_| {},
    );
}

#[test]
fn the_secret_service_keeps_secrets() {
    if in_child() {
        let keyring = test_keyring(KeyringChoice::Auto);
        assert_eq!(keyring.backend(), KeyringBackend::SecretService);
        round_trip(&keyring);
        let forced = test_keyring(KeyringChoice::Forced(KeyringBackend::SecretService));
        assert_eq!(forced.backend(), KeyringBackend::SecretService);
        return;
    }
    // A private home holds the new login keyring, unlocked with a password given on stdin.
    let home = tempfile::tempdir().expect("temporary directory");
    let runtime = home.path().join("run");
    std::fs::create_dir(&runtime).expect("runtime folder");
    run_in_child(
        "the_secret_service_keeps_secrets",
        &[
            "dbus-run-session",
            "--",
            "sh",
            "-c",
            "printf test-unlock | gnome-keyring-daemon --unlock --components=secrets \
             >/dev/null && exec \"$@\"",
            "sh",
        ],
        &runtime,
        |command| {
            command
                .env("HOME", home.path())
                .env("XDG_DATA_HOME", home.path().join("data"));
        },
    );
}

#[test]
fn an_unknown_keyring_is_a_clear_error() {
    if in_child() {
        let error = Keyring::from_env().expect_err("unknown keyring");
        assert!(
            matches!(&error, SecretError::UnknownBackend { value } if value == "kwallet"),
            "{error:?}"
        );
        let message = error.message();
        assert!(message.contains("«\u{a0}kwallet\u{a0}»"), "{message}");
        assert!(message.contains("secret-service ou keyutils"), "{message}");
        return;
    }
    let runtime = tempfile::tempdir().expect("temporary directory");
    run_in_child(
        "an_unknown_keyring_is_a_clear_error",
        &[],
        runtime.path(),
        |command| {
            command.env("GUICHET_KEYRING", " kwallet ");
        },
    );
}

#[test]
fn a_secret_shows_nothing_in_debug() {
    let secret = Secret::new("kernel-secret-value");
    assert_eq!(format!("{secret:?}"), "Secret(**redacted**)");
    assert_eq!(format!("{:?}", Some(&secret)), "Some(Secret(**redacted**))");
}
