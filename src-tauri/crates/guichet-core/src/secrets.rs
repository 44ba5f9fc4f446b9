//! Secrets and their names: the portal's signing key, the SMTP and database passwords, and
//! every secret string the app holds (a verifier, a token, a link), which `Debug` never shows.
//! They are kept in the OS keyring ([`crate::keyring`]) only.

use std::fmt;

use zeroize::Zeroize;

/// A secret string (a verifier, a token, a link): `Debug` shows nothing and the bytes are wiped on
/// drop. Read it with [`Secret::expose`] only where it must leave the process (mail, HMAC).
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(**redacted**)")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// The secrets the app keeps; their entry names are stable, changing one loses the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretName {
    PortalSigningKey,
    SmtpPassword,
    DatabasePassword,
    /// The bounce mailbox's IMAP password, read by the sender.
    BounceImapPassword,
}

impl SecretName {
    pub const ALL: [SecretName; 4] = [
        SecretName::PortalSigningKey,
        SecretName::SmtpPassword,
        SecretName::DatabasePassword,
        SecretName::BounceImapPassword,
    ];

    /// The entry's name in the keyring.
    pub fn entry_name(self) -> &'static str {
        match self {
            SecretName::PortalSigningKey => "portal-signing-key",
            SecretName::SmtpPassword => "smtp-password",
            SecretName::DatabasePassword => "database-password",
            SecretName::BounceImapPassword => "bounce-imap-password",
        }
    }

    /// The secret as an agent reads it in a message, capitalised.
    pub(crate) fn label(self) -> &'static str {
        match self {
            SecretName::PortalSigningKey => "Le secret de signature des liens (kernel.secret)",
            SecretName::SmtpPassword => "Le mot de passe du serveur de courriel",
            SecretName::DatabasePassword => "Le mot de passe de la base de données",
            SecretName::BounceImapPassword => "Le mot de passe de la boîte des retours (IMAP)",
        }
    }
}

impl std::str::FromStr for SecretName {
    type Err = ();

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        SecretName::ALL
            .into_iter()
            .find(|name| name.entry_name() == value)
            .ok_or(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyringBackend {
    /// Linux: the desktop session's keyring (GNOME Keyring, KWallet) over D-Bus.
    SecretService,
    /// Linux: the kernel's keyring, for a session without a Secret Service.
    Keyutils,
    /// Windows: the user's Credential Manager.
    CredentialManager,
}

impl KeyringBackend {
    /// Whether this system has this kind of keyring at all.
    pub fn exists_here(self) -> bool {
        match self {
            KeyringBackend::SecretService | KeyringBackend::Keyutils => cfg!(target_os = "linux"),
            KeyringBackend::CredentialManager => cfg!(windows),
        }
    }

    /// The value of `GUICHET_KEYRING` that forces this backend.
    pub fn name(self) -> &'static str {
        match self {
            KeyringBackend::SecretService => "secret-service",
            KeyringBackend::Keyutils => "keyutils",
            KeyringBackend::CredentialManager => "credential-manager",
        }
    }
}

/// Which keyring to open: a forced one, or the system's own: on Windows the Credential Manager,
/// on Linux the Secret Service if it answers, else keyutils.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyringChoice {
    Auto,
    Forced(KeyringBackend),
}

impl KeyringChoice {
    /// A value of `GUICHET_KEYRING`; empty means automatic.
    pub fn parse(value: &str) -> Result<KeyringChoice, SecretError> {
        match value.trim() {
            "" => Ok(KeyringChoice::Auto),
            "secret-service" => Ok(KeyringChoice::Forced(KeyringBackend::SecretService)),
            "keyutils" => Ok(KeyringChoice::Forced(KeyringBackend::Keyutils)),
            "credential-manager" => Ok(KeyringChoice::Forced(KeyringBackend::CredentialManager)),
            other => Err(SecretError::UnknownBackend {
                value: other.to_owned(),
            }),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error(
        "unknown keyring {value:?} in GUICHET_KEYRING (expected secret-service, keyutils or credential-manager)"
    )]
    UnknownBackend { value: String },
    #[error("keyring unavailable ({}): {detail}", backend_name(*.backend))]
    Unavailable {
        backend: Option<KeyringBackend>,
        detail: String,
    },
    #[error("keyring {} failed on {}: {detail}", .backend.name(), .name.entry_name())]
    Failed {
        backend: KeyringBackend,
        name: SecretName,
        detail: String,
    },
    #[error("the keyring entry {} is not UTF-8 text", .name.entry_name())]
    NotText { name: SecretName },
    #[error("refusing to store an empty {}", .name.entry_name())]
    Empty { name: SecretName },
}

fn backend_name(backend: Option<KeyringBackend>) -> &'static str {
    backend.map_or("none", KeyringBackend::name)
}

impl SecretError {
    pub fn message(&self) -> String {
        match self {
            SecretError::UnknownBackend { value } => format!(
                "GUICHET_KEYRING vaut «\u{a0}{value}\u{a0}»\u{a0}: indiquez secret-service ou keyutils \
                 (Linux), credential-manager (Windows), ou retirez ce réglage pour que \
                 l’application choisisse elle-même."
            ),
            SecretError::Unavailable {
                backend: Some(backend),
                ..
            } if !backend.exists_here() => format!(
                "Le trousseau «\u{a0}{}\u{a0}» n’existe pas sur ce système\u{a0}: retirez \
                 GUICHET_KEYRING pour que l’application choisisse le sien.",
                backend.name()
            ),
            SecretError::Unavailable {
                backend: Some(KeyringBackend::Keyutils),
                ..
            } => "Aucun trousseau de secrets n’est accessible\u{a0}: lancez une session avec un \
                  trousseau (Secret Service), ou lancez l’application avec un trousseau du noyau \
                  à elle (keyctl session -)."
                .into(),
            SecretError::Unavailable {
                backend: Some(KeyringBackend::CredentialManager),
                ..
            } => "Le gestionnaire d’identification de Windows ne répond pas\u{a0}: \
                  ouvrez une session Windows à votre nom (pas un compte de service), puis \
                  relancez l’application."
                .into(),
            SecretError::Unavailable { .. } => {
                "Aucun trousseau de secrets n’est accessible\u{a0}: lancez une session avec un \
                 trousseau (Secret Service) ou définissez GUICHET_KEYRING=keyutils."
                    .into()
            }
            SecretError::Failed { name, .. } => format!(
                "Le trousseau de secrets a refusé l’opération ({})\u{a0}; réessayez, et si cela \
                 persiste, contactez l’équipe technique.",
                crate::text::lowercase_first(name.label())
            ),
            SecretError::NotText { name } => format!(
                "{} enregistré dans le trousseau est illisible\u{a0}: enregistrez-le à nouveau.",
                name.label()
            ),
            SecretError::Empty { name } => {
                format!("{} est vide\u{a0}: rien n’a été enregistré.", name.label())
            }
        }
    }
}
