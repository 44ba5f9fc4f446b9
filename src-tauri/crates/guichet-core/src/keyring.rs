//! Secrets (the portal's signing key, the SMTP and database passwords) live in the OS keyring
//! only: on Windows the user's Credential Manager; on Linux the Secret Service when one answers
//! on the session bus, else the kernel's keyutils.
//!
//! `GUICHET_KEYRING=secret-service`, `keyutils` or `credential-manager` forces one. Every call
//! blocks (a D-Bus round trip or a system call): async callers wrap them in
//! `tokio::task::spawn_blocking` (a [`Keyring`] is cheap to clone into the closure).

use std::fmt;
use std::sync::Arc;

use keyring_core::Entry;
use keyring_core::api::CredentialStore;
use zeroize::Zeroize;

use crate::secrets::{KeyringBackend, KeyringChoice, Secret, SecretError, SecretName};

/// The keyring's service name, under which every entry is stored.
pub const SERVICE: &str = "guichet-siec";
/// The environment variable that forces a backend.
pub const BACKEND_VARIABLE: &str = "GUICHET_KEYRING";

/// `GUICHET_KEYRING`'s choice for this process.
pub fn choice_from_env() -> Result<KeyringChoice, SecretError> {
    KeyringChoice::parse(&std::env::var(BACKEND_VARIABLE).unwrap_or_default())
}

/// The OS keyring, opened once; clones share the same store.
#[derive(Clone)]
pub struct Keyring {
    backend: KeyringBackend,
    store: Arc<CredentialStore>,
    service: String,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("backend", &self.backend)
            .field("service", &self.service)
            .finish()
    }
}

impl Keyring {
    /// The keyring `GUICHET_KEYRING` asks for, or the first that answers. The entries are the
    /// app's (service `guichet-siec`) unless `GUICHET_KEYRING_SERVICE` names others, as tests do
    /// so that they never share a secret with each other or with the app.
    pub fn from_env() -> Result<Keyring, SecretError> {
        let choice = choice_from_env()?;
        match std::env::var("GUICHET_KEYRING_SERVICE")
            .ok()
            .filter(|s| !s.trim().is_empty())
        {
            Some(service) => Keyring::open_for_service(choice, service.trim()),
            None => Keyring::open(choice),
        }
    }

    pub fn open(choice: KeyringChoice) -> Result<Keyring, SecretError> {
        Keyring::open_for_service(choice, SERVICE)
    }

    /// Entries under another service name, so that tests never touch the app's real secrets.
    pub fn open_for_service(choice: KeyringChoice, service: &str) -> Result<Keyring, SecretError> {
        let (backend, store) = match choice {
            KeyringChoice::Forced(backend) => (backend, open_store(backend)?),
            KeyringChoice::Auto if cfg!(windows) => (
                KeyringBackend::CredentialManager,
                open_store(KeyringBackend::CredentialManager)?,
            ),
            // A session bus without a Secret Service fails here at once, so keyutils is next.
            KeyringChoice::Auto => match open_store(KeyringBackend::SecretService) {
                Ok(store) => (KeyringBackend::SecretService, store),
                Err(_) => (
                    KeyringBackend::Keyutils,
                    open_store(KeyringBackend::Keyutils)?,
                ),
            },
        };
        Ok(Keyring {
            backend,
            store,
            service: service.to_owned(),
        })
    }

    pub fn backend(&self) -> KeyringBackend {
        self.backend
    }

    /// The secret, or `None` if it was never stored.
    pub fn get(&self, name: SecretName) -> Result<Option<Secret>, SecretError> {
        match self.entry(name)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(keyring_core::Error::BadEncoding(mut bytes)) => {
                bytes.zeroize();
                Err(SecretError::NotText { name })
            }
            Err(error) => Err(self.failure(name, error)),
        }
    }

    /// Stores the secret, replacing any previous value.
    pub fn set(&self, name: SecretName, value: &Secret) -> Result<(), SecretError> {
        if value.expose().is_empty() {
            return Err(SecretError::Empty { name });
        }
        self.entry(name)?
            .set_password(value.expose())
            .map_err(|error| self.failure(name, error))
    }

    /// Removes the secret; removing a missing one succeeds.
    pub fn delete(&self, name: SecretName) -> Result<(), SecretError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(error) => Err(self.failure(name, error)),
        }
    }

    fn entry(&self, name: SecretName) -> Result<Entry, SecretError> {
        Entry::new_in_store(&self.store, &self.service, name.entry_name())
            .map_err(|error| self.failure(name, error))
    }

    fn failure(&self, name: SecretName, error: keyring_core::Error) -> SecretError {
        match error {
            keyring_core::Error::NoStorageAccess(_) => SecretError::Unavailable {
                backend: Some(self.backend),
                detail: describe(error),
            },
            error => SecretError::Failed {
                backend: self.backend,
                name,
                detail: describe(error),
            },
        }
    }
}

/// The folder systemd gives a service its credentials in (`LoadCredential=`,
/// `LoadCredentialEncrypted=`): one file per credential, readable by the service alone, in
/// memory, gone when the service stops.
pub const CREDENTIALS_VARIABLE: &str = "CREDENTIALS_DIRECTORY";

/// A secret of this process: the credential of that name when systemd started it with one
/// (`$CREDENTIALS_DIRECTORY/portal-signing-key`, one line break at its end ignored), else the
/// keyring's entry; `None` when neither holds it. Blocking: async callers use [`read_secret`].
pub fn read_blocking(name: SecretName) -> Result<Option<Secret>, SecretError> {
    if let Some(dir) = std::env::var_os(CREDENTIALS_VARIABLE).filter(|dir| !dir.is_empty())
        && let Some(secret) = credential(std::path::Path::new(&dir), name)?
    {
        return Ok(Some(secret));
    }
    Keyring::from_env()?.get(name)
}

/// The credential file `name` in `dir`, if there is one.
fn credential(dir: &std::path::Path, name: SecretName) -> Result<Option<Secret>, SecretError> {
    let path = dir.join(name.entry_name());
    let mut bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(SecretError::Unavailable {
                backend: None,
                detail: format!("{}: {error}", path.display()),
            });
        }
    };
    let text = std::str::from_utf8(&bytes).map(|text| {
        let text = text.strip_suffix('\n').unwrap_or(text);
        Secret::new(text.strip_suffix('\r').unwrap_or(text))
    });
    bytes.zeroize();
    let secret = text.map_err(|_| SecretError::NotText { name })?;
    if secret.expose().is_empty() {
        return Err(SecretError::Empty { name });
    }
    Ok(Some(secret))
}

/// [`read_blocking`] off the async runtime.
pub async fn read_secret(name: SecretName) -> crate::error::Result<Option<Secret>> {
    tokio::task::spawn_blocking(move || read_blocking(name))
        .await
        .map_err(|error| crate::error::Error::Internal(format!("keyring task: {error}")))?
        .map_err(crate::error::Error::from)
}

/// The error as text without the bytes some variants carry (they may be the secret).
fn describe(error: keyring_core::Error) -> String {
    match error {
        keyring_core::Error::BadEncoding(mut bytes)
        | keyring_core::Error::BadDataFormat(mut bytes, _) => {
            bytes.zeroize();
            "the stored data is malformed".into()
        }
        keyring_core::Error::Ambiguous(entries) => {
            format!("{} entries match", entries.len())
        }
        error => error.to_string(),
    }
}

/// The store of a backend, when this system has it.
fn open_store(backend: KeyringBackend) -> Result<Arc<CredentialStore>, SecretError> {
    let store: keyring_core::Result<Arc<CredentialStore>> = match backend {
        #[cfg(target_os = "linux")]
        KeyringBackend::SecretService => {
            zbus_secret_service_keyring_store::Store::new().map(|store| store as _)
        }
        #[cfg(target_os = "linux")]
        KeyringBackend::Keyutils => {
            linux_keyutils_keyring_store::Store::new().map(|store| store as _)
        }
        #[cfg(windows)]
        KeyringBackend::CredentialManager => {
            windows_native_keyring_store::Store::new().map(|store| store as _)
        }
        _ => {
            return Err(SecretError::Unavailable {
                backend: Some(backend),
                detail: "no such keyring on this operating system".into(),
            });
        }
    };
    store.map_err(|error| SecretError::Unavailable {
        backend: Some(backend),
        detail: describe(error),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names_are_stable_and_round_trip() {
        let names: Vec<&str> = SecretName::ALL.iter().map(|n| n.entry_name()).collect();
        assert_eq!(
            names,
            [
                "portal-signing-key",
                "smtp-password",
                "database-password",
                "bounce-imap-password"
            ]
        );
        for name in SecretName::ALL {
            assert_eq!(name.entry_name().parse(), Ok(name));
        }
        assert_eq!("smtp".parse::<SecretName>(), Err(()));
    }

    #[test]
    fn a_credential_file_of_the_service_is_read_without_its_line_break() {
        let dir = tempfile::tempdir().expect("folder");
        std::fs::write(dir.path().join("portal-signing-key"), "kernel-secret\n").expect("file");
        std::fs::write(dir.path().join("smtp-password"), "").expect("file");
        std::fs::write(dir.path().join("database-password"), [0xff, 0xfe]).expect("file");
        let key = credential(dir.path(), SecretName::PortalSigningKey)
            .expect("read")
            .expect("present");
        assert_eq!(key.expose(), "kernel-secret");
        assert!(matches!(
            credential(dir.path(), SecretName::SmtpPassword),
            Err(SecretError::Empty { .. })
        ));
        assert!(matches!(
            credential(dir.path(), SecretName::DatabasePassword),
            Err(SecretError::NotText { .. })
        ));
        let empty = tempfile::tempdir().expect("folder");
        assert!(
            credential(empty.path(), SecretName::PortalSigningKey)
                .expect("read")
                .is_none()
        );
    }

    #[test]
    fn choices_parse() {
        assert!(matches!(KeyringChoice::parse(" "), Ok(KeyringChoice::Auto)));
        assert!(matches!(
            KeyringChoice::parse("keyutils"),
            Ok(KeyringChoice::Forced(KeyringBackend::Keyutils))
        ));
        assert!(matches!(
            KeyringChoice::parse("secret-service"),
            Ok(KeyringChoice::Forced(KeyringBackend::SecretService))
        ));
        assert!(matches!(
            KeyringChoice::parse("credential-manager"),
            Ok(KeyringChoice::Forced(KeyringBackend::CredentialManager))
        ));
        let unknown = KeyringChoice::parse("wincred").expect_err("not a keyring");
        assert!(unknown.message().contains("credential-manager (Windows)"));
    }

    /// A keyring of another system is refused with what to do, not tried.
    #[test]
    fn a_keyring_this_system_lacks_is_refused_by_name() {
        let absent = if cfg!(windows) {
            KeyringBackend::Keyutils
        } else {
            KeyringBackend::CredentialManager
        };
        let error = Keyring::open_for_service(KeyringChoice::Forced(absent), "guichet-siec-absent")
            .expect_err("no such keyring here");
        assert!(matches!(error, SecretError::Unavailable { backend: Some(b), .. } if b == absent));
        assert!(
            error.message().contains(absent.name()),
            "{}",
            error.message()
        );
    }

    /// The Windows Credential Manager for real (under Wine, Wine's own): chosen without being
    /// asked, a secret written, read back whole and removed.
    #[cfg(windows)]
    #[test]
    fn on_windows_the_credential_manager_keeps_the_secrets() {
        let service = format!("guichet-siec-test-{}", std::process::id());
        let keyring = Keyring::open_for_service(KeyringChoice::Auto, &service).expect("opened");
        assert_eq!(keyring.backend(), KeyringBackend::CredentialManager);
        let name = SecretName::SmtpPassword;
        assert!(keyring.get(name).expect("read").is_none());
        let value = "relais-é-ü:🔑 2026";
        keyring.set(name, &Secret::new(value)).expect("stored");
        let read = keyring.get(name).expect("read").expect("stored before");
        assert_eq!(read.expose(), value);
        let other = Keyring::open_for_service(KeyringChoice::Auto, &format!("{service}-autre"))
            .expect("opened");
        assert!(
            other.get(name).expect("read").is_none(),
            "one service's secret only"
        );
        keyring.delete(name).expect("removed");
        assert!(keyring.get(name).expect("read").is_none());
        keyring
            .delete(name)
            .expect("removing a missing secret succeeds");
    }
}
