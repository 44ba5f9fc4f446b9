//! Settings: a `settings.toml` a supervisor edits from the window, each value overridable by an
//! environment variable. Secrets never come from here: they live in the OS keyring.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use chrono_tz::Tz;

use crate::error::{Error, Result};

pub const DEFAULT_PORTAL_URL: &str = "https://auth.siec.education.fr";
pub const DEFAULT_PORTAL_TIMEZONE: Tz = chrono_tz::Europe::Paris;

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// `sqlite://…` or `postgres://…`; `None` is the embedded demo database.
    pub database_url: Option<String>,
    /// Where the embedded demo database and the mail outbox folder live.
    pub data_dir: PathBuf,
    /// The authentication portal's base URL, without a trailing slash.
    pub portal_url: String,
    /// The portal's PHP time zone, in which it reads `reset_password_request` times.
    pub portal_timezone: Tz,
    /// Idle time after which the window locks and asks for the agent's password again.
    pub idle_lock_seconds: u32,
    /// How long a reset link stays valid; the portal's bundle says one hour.
    pub link_lifetime_seconds: u32,
    /// The sender of reset e-mails, `Name <address>`.
    pub mail_from: String,
    /// `smtp://…` or `smtps://…` (no password: it is in the keyring); `None` writes `.eml`
    /// files into the outbox folder instead.
    pub smtp_url: Option<String>,
}

pub const DEFAULT_IDLE_LOCK_SECONDS: u32 = 600;
pub const DEFAULT_LINK_LIFETIME_SECONDS: u32 = 3_600;

impl Settings {
    /// Every setting at its default, on `database_url` (the embedded demo database if `None`).
    pub fn with_defaults(database_url: Option<String>, data_dir: PathBuf) -> Settings {
        Settings {
            database_url,
            data_dir,
            portal_url: DEFAULT_PORTAL_URL.into(),
            portal_timezone: DEFAULT_PORTAL_TIMEZONE,
            idle_lock_seconds: DEFAULT_IDLE_LOCK_SECONDS,
            link_lifetime_seconds: DEFAULT_LINK_LIFETIME_SECONDS,
            mail_from: crate::mail::message::DEFAULT_FROM.into(),
            smtp_url: None,
        }
    }

    /// The settings of this machine: `settings.toml` in the data folder (`GUICHET_DATA_DIR`),
    /// each value overridden by its environment variable, defaults for the rest.
    pub fn from_env() -> Result<Settings> {
        let data_dir = match env_var("GUICHET_DATA_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => directories::ProjectDirs::from("fr", "SIEC", "guichet-siec")
                .ok_or(Error::NoDataDirectory)?
                .data_dir()
                .to_path_buf(),
        };
        let stored = StoredSettings::load(&data_dir)?;
        Settings::resolve(&stored, env_var, data_dir)
    }

    /// The settings a data folder's `settings.toml` gives, without the environment (tests).
    #[doc(hidden)]
    pub fn from_env_in(data_dir: &Path) -> Settings {
        let stored = StoredSettings::load(data_dir).expect("readable settings");
        Settings::resolve(&stored, |_| None, data_dir.to_path_buf()).expect("valid settings")
    }

    /// Settings from stored values overridden by `env` (a variable's value, if set), checked.
    pub fn resolve(
        stored: &StoredSettings,
        env: impl Fn(&str) -> Option<String>,
        data_dir: PathBuf,
    ) -> Result<Settings> {
        let value = |name: &str, stored: &Option<String>| {
            env(name).or_else(|| stored.clone().filter(|v| !v.trim().is_empty()))
        };
        let portal_timezone = match value("GUICHET_PORTAL_TIMEZONE", &stored.portal_timezone) {
            Some(name) => name.trim().parse().map_err(|_| Error::InvalidSetting {
                name: "GUICHET_PORTAL_TIMEZONE",
                reason: format!(
                    "«\u{a0}{name}\u{a0}» n’est pas un fuseau horaire connu (exemple\u{a0}: Europe/Paris)"
                ),
            })?,
            None => DEFAULT_PORTAL_TIMEZONE,
        };
        let portal_url = value("GUICHET_PORTAL_URL", &stored.portal_url)
            .unwrap_or_else(|| DEFAULT_PORTAL_URL.into());
        let portal_url = portal_url.trim().trim_end_matches('/').to_string();
        if url::Url::parse(&portal_url).map_or(true, |url| {
            !matches!(url.scheme(), "https" | "http") || url.host().is_none()
        }) {
            return Err(Error::InvalidSetting {
                name: "GUICHET_PORTAL_URL",
                reason: "l’adresse du portail doit être une adresse https://… complète".into(),
            });
        }
        let seconds = |name: &'static str, stored: Option<u32>, default: u32| -> Result<u32> {
            match env(name) {
                Some(text) => text.trim().parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                    Error::InvalidSetting {
                        name,
                        reason: format!(
                            "«\u{a0}{text}\u{a0}» n’est pas un nombre de secondes positif"
                        ),
                    }
                }),
                None => match stored {
                    Some(0) => Err(Error::InvalidSetting {
                        name,
                        reason: "la durée doit être positive".into(),
                    }),
                    Some(seconds) => Ok(seconds),
                    None => Ok(default),
                },
            }
        };
        let mail_from = value("GUICHET_MAIL_FROM", &stored.mail_from)
            .unwrap_or_else(|| crate::mail::message::DEFAULT_FROM.into());
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(Error::InvalidSetting {
                name: "GUICHET_MAIL_FROM",
                reason: format!(
                    "«\u{a0}{mail_from}\u{a0}» n’est pas un expéditeur valide (exemple\u{a0}: SIEC <ne-pas-repondre@siec.education.fr>)"
                ),
            });
        }
        let smtp_url = value("GUICHET_SMTP_URL", &stored.smtp_url);
        if let Some(url) = &smtp_url {
            crate::mail::transport::SmtpConfig::parse(url)?;
        }
        Ok(Settings {
            link_lifetime_seconds: seconds(
                "GUICHET_LINK_LIFETIME_SECONDS",
                stored.link_lifetime_seconds,
                DEFAULT_LINK_LIFETIME_SECONDS,
            )?,
            idle_lock_seconds: seconds(
                "GUICHET_IDLE_LOCK_SECONDS",
                stored.idle_lock_seconds,
                DEFAULT_IDLE_LOCK_SECONDS,
            )?,
            mail_from,
            smtp_url,
            database_url: value("GUICHET_DATABASE_URL", &stored.database_url)
                .map(|url| url.trim().to_string()),
            data_dir,
            portal_url,
            portal_timezone,
        })
    }

    /// The values an agent edits, as they are in effect.
    pub fn stored(&self) -> StoredSettings {
        StoredSettings {
            database_url: self.database_url.clone(),
            smtp_url: self.smtp_url.clone(),
            portal_url: Some(self.portal_url.clone()),
            portal_timezone: Some(self.portal_timezone.name().to_string()),
            mail_from: Some(self.mail_from.clone()),
            link_lifetime_seconds: Some(self.link_lifetime_seconds),
            idle_lock_seconds: Some(self.idle_lock_seconds),
        }
    }

    /// The URL of the database to open: the configured one, or the embedded demo database.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.embedded_database_path().display()),
        }
    }

    pub fn embedded_database_path(&self) -> PathBuf {
        self.data_dir.join("guichet-demo.sqlite")
    }

    /// Where `.eml` files go when no SMTP server is configured.
    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }

    /// Where exports go: the user's downloads folder, else the data folder.
    pub fn export_dir(&self) -> PathBuf {
        directories::UserDirs::new()
            .and_then(|dirs| dirs.download_dir().map(PathBuf::from))
            .unwrap_or_else(|| self.data_dir.clone())
    }

    pub fn uses_embedded_database(&self) -> bool {
        self.database_url.is_none()
    }
}

/// The variables that override the stored settings, by field.
pub const ENVIRONMENT: [(&str, &str); 7] = [
    ("database_url", "GUICHET_DATABASE_URL"),
    ("smtp_url", "GUICHET_SMTP_URL"),
    ("portal_url", "GUICHET_PORTAL_URL"),
    ("portal_timezone", "GUICHET_PORTAL_TIMEZONE"),
    ("mail_from", "GUICHET_MAIL_FROM"),
    ("link_lifetime_seconds", "GUICHET_LINK_LIFETIME_SECONDS"),
    ("idle_lock_seconds", "GUICHET_IDLE_LOCK_SECONDS"),
];

/// A set, non-blank environment variable.
pub fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// What `settings.toml` holds: never a password (URLs carry none; secrets are in the keyring).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(default, deny_unknown_fields)]
pub struct StoredSettings {
    pub database_url: Option<String>,
    pub smtp_url: Option<String>,
    pub portal_url: Option<String>,
    pub portal_timezone: Option<String>,
    pub mail_from: Option<String>,
    pub link_lifetime_seconds: Option<u32>,
    pub idle_lock_seconds: Option<u32>,
}

pub const SETTINGS_FILE: &str = "settings.toml";

impl StoredSettings {
    /// The data folder's `settings.toml`, or nothing stored when it does not exist.
    pub fn load(data_dir: &Path) -> Result<StoredSettings> {
        let path = data_dir.join(SETTINGS_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|error| Error::InvalidSetting {
                name: SETTINGS_FILE,
                reason: format!(
                    "le fichier {} est illisible ({})",
                    path.display(),
                    error.message()
                ),
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                Ok(StoredSettings::default())
            }
            Err(source) => Err(Error::Io { path, source }),
        }
    }

    /// Writes `settings.toml` whole (a temporary file renamed over it), refusing a URL that
    /// carries a password: passwords belong in the keyring.
    pub fn save(&self, data_dir: &Path) -> Result<PathBuf> {
        for (name, url) in [
            ("GUICHET_DATABASE_URL", &self.database_url),
            ("GUICHET_SMTP_URL", &self.smtp_url),
        ] {
            if url
                .as_deref()
                .and_then(|u| url::Url::parse(u).ok())
                .is_some_and(|u| u.password().is_some())
            {
                return Err(Error::InvalidSetting {
                    name,
                    reason: "l’adresse contient un mot de passe\u{a0}: enregistrez-le dans le trousseau, pas dans les réglages".into(),
                });
            }
        }
        let text =
            toml::to_string(self).map_err(|error| Error::Internal(format!("settings: {error}")))?;
        let path = data_dir.join(SETTINGS_FILE);
        let temporary = data_dir.join(format!(".{SETTINGS_FILE}.tmp"));
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Io { path, source }
        };
        std::fs::create_dir_all(data_dir).map_err(io(data_dir))?;
        std::fs::write(&temporary, text).map_err(io(&temporary))?;
        std::fs::rename(&temporary, &path).map_err(io(&path))?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn stored_values_apply_and_the_environment_overrides_them() {
        let stored = StoredSettings {
            portal_url: Some("https://auth.example.fr/".into()),
            link_lifetime_seconds: Some(1_800),
            ..StoredSettings::default()
        };
        let settings = Settings::resolve(&stored, no_env, PathBuf::from("/tmp")).expect("valid");
        assert_eq!(settings.portal_url, "https://auth.example.fr");
        assert_eq!(settings.link_lifetime_seconds, 1_800);
        assert_eq!(settings.idle_lock_seconds, DEFAULT_IDLE_LOCK_SECONDS);
        let env = |name: &str| (name == "GUICHET_LINK_LIFETIME_SECONDS").then(|| "900".to_string());
        assert_eq!(
            Settings::resolve(&stored, env, PathBuf::from("/tmp"))
                .expect("valid")
                .link_lifetime_seconds,
            900
        );
    }

    #[test]
    fn bad_values_name_the_setting() {
        let bad = [
            StoredSettings {
                portal_timezone: Some("Europe/Paname".into()),
                ..Default::default()
            },
            StoredSettings {
                portal_url: Some("auth.siec.education.fr".into()),
                ..Default::default()
            },
            StoredSettings {
                link_lifetime_seconds: Some(0),
                ..Default::default()
            },
            StoredSettings {
                mail_from: Some("pas une adresse".into()),
                ..Default::default()
            },
        ];
        for stored in bad {
            let error =
                Settings::resolve(&stored, no_env, PathBuf::from("/tmp")).expect_err("refused");
            assert_eq!(error.kind(), crate::ErrorKind::InvalidSetting, "{stored:?}");
        }
        let smtp = StoredSettings {
            smtp_url: Some("smtp://user:hunter2-pw@relay.example.fr".into()),
            ..Default::default()
        };
        let error =
            Settings::resolve(&smtp, no_env, PathBuf::from("/tmp")).expect_err("password in URL");
        assert!(!error.message().contains("hunter2-pw"));
    }

    #[test]
    fn the_file_round_trips_and_never_takes_a_password() {
        let dir = tempfile::tempdir().expect("folder");
        assert_eq!(
            StoredSettings::load(dir.path()).expect("absent"),
            StoredSettings::default()
        );
        let stored = StoredSettings {
            smtp_url: Some("smtp://127.0.0.1:2525".into()),
            idle_lock_seconds: Some(300),
            ..Default::default()
        };
        stored.save(dir.path()).expect("saved");
        assert_eq!(StoredSettings::load(dir.path()).expect("read"), stored);
        let leaky = StoredSettings {
            database_url: Some("postgres://guichet:hunter2@db/siec".into()),
            ..Default::default()
        };
        assert!(leaky.save(dir.path()).is_err());
        let written = std::fs::read_to_string(dir.path().join(SETTINGS_FILE)).expect("file");
        assert!(!written.contains("hunter2"));
        std::fs::write(dir.path().join(SETTINGS_FILE), "portail = 3").expect("written");
        assert_eq!(
            StoredSettings::load(dir.path())
                .expect_err("unknown key")
                .kind(),
            crate::ErrorKind::InvalidSetting
        );
    }
}
