//! `secret set` and `secret delete` on a real keyring: the kernel's keyutils, in a session
//! keyring and a user namespace of the test's own, so that no real secret is read or replaced.
//!
//! As in the tests crate's keyring tests, the test runs this binary again, only that test,
//! behind `unshare --user --map-root-user keyctl session -`: the keyutils store also links its
//! keys to the user's persistent keyring, which a fresh user namespace keeps apart. The child
//! sees `GUICHET_ADMIN_KEYRING_CHILD`, runs `guichet-admin` there and reads the keyring back.

use guichet_core::keyring::Keyring;
use guichet_core::secrets::{KeyringBackend, KeyringChoice, SecretName};
use guichet_tests::keyring::{OWN_KEYRING, this_test_again};

use crate::admin;

const CHILD: &str = "GUICHET_ADMIN_KEYRING_CHILD";
const SMTP: &str = "mot-de-passe-smtp-été-2026";
const SIGNING: &str = "kernel-secret-de-test-0123456789";

/// The secret as the app reads it, in the child's keyring.
fn stored(name: SecretName) -> Option<String> {
    let keyring =
        Keyring::open(KeyringChoice::Forced(KeyringBackend::Keyutils)).expect("keyutils opens");
    let secret = keyring.get(name).expect("keyring read");
    secret.map(|s| s.expose().to_string())
}

fn in_child() {
    // The database is never opened: a URL that leads nowhere proves it.
    let secret = |args: &[&str]| {
        admin("postgres://nowhere.invalid/x", args).env("GUICHET_KEYRING", "keyutils")
    };

    let set = secret(&["secret", "set", "smtp-password"])
        .stdin(&format!("{SMTP}\n"))
        .text()
        .run();
    assert_eq!(set.code, 0, "{}", set.stderr);
    assert_eq!(
        set.stdout,
        "Secret enregistré dans le trousseau (keyutils).\n"
    );
    set.never_shows(SMTP);
    assert_eq!(stored(SecretName::SmtpPassword).as_deref(), Some(SMTP));

    let set = secret(&["secret", "set", "portal-signing-key"])
        .stdin(SIGNING)
        .run();
    set.never_shows(SIGNING);
    assert_eq!(
        set.ok(),
        &serde_json::json!({"secret": "portal-signing-key", "backend": "keyutils", "stored": true})
    );
    assert_eq!(
        stored(SecretName::PortalSigningKey).as_deref(),
        Some(SIGNING)
    );

    // An empty value is refused, and the stored one kept.
    for empty in ["\n", ""] {
        let message = secret(&["secret", "set", "smtp-password"])
            .stdin(empty)
            .run()
            .refused("secret");
        assert!(message.contains("vide"), "{message}");
    }
    assert_eq!(stored(SecretName::SmtpPassword).as_deref(), Some(SMTP));

    let deleted = secret(&["secret", "delete", "smtp-password"]).text().run();
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
    assert_eq!(deleted.stdout, "Secret supprimé du trousseau (keyutils).\n");
    assert_eq!(stored(SecretName::SmtpPassword), None);
    assert_eq!(
        stored(SecretName::PortalSigningKey).as_deref(),
        Some(SIGNING)
    );
    // Deleting a missing secret succeeds.
    secret(&["secret", "delete", "smtp-password"]).run().ok();
    secret(&["secret", "delete", "portal-signing-key"])
        .run()
        .ok();
    assert_eq!(stored(SecretName::PortalSigningKey), None);

    // A keyring that does not exist is the core's clear error.
    let message = secret(&["secret", "delete", "database-password"])
        .env("GUICHET_KEYRING", "kwallet")
        .run()
        .refused("secret");
    assert!(message.contains("«\u{a0}kwallet\u{a0}»"), "{message}");
    // An unknown name is a usage error of clap's, before anything is read.
    let unknown = secret(&["secret", "set", "smtp"]).stdin(SMTP).run();
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("smtp-password"),
        "{}",
        unknown.stderr
    );
    unknown.never_shows(SMTP);
}

#[test]
fn secrets_are_set_and_deleted_in_the_keyring_and_never_shown() {
    if std::env::var_os(CHILD).is_some() {
        in_child();
        return;
    }
    this_test_again(
        "secrets::secrets_are_set_and_deleted_in_the_keyring_and_never_shown",
        &OWN_KEYRING,
        |command| {
            command
                .env(CHILD, "1")
                .env_remove("DBUS_SESSION_BUS_ADDRESS");
        },
    );
}
