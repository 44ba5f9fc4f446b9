//! Settings read from the environment. Secrets never come from here: they live in the OS keyring.

use std::path::PathBuf;

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

    /// `GUICHET_DATABASE_URL`, `GUICHET_DATA_DIR`, `GUICHET_PORTAL_URL`, `GUICHET_PORTAL_TIMEZONE`.
    pub fn from_env() -> Result<Settings> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let data_dir = match var("GUICHET_DATA_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => directories::ProjectDirs::from("fr", "SIEC", "guichet-siec")
                .ok_or(Error::NoDataDirectory)?
                .data_dir()
                .to_path_buf(),
        };
        let portal_timezone = match var("GUICHET_PORTAL_TIMEZONE") {
            Some(name) => name.parse().map_err(|_| Error::InvalidSetting {
                name: "GUICHET_PORTAL_TIMEZONE",
                reason: format!(
                    "« {name} » n’est pas un fuseau horaire connu (exemple : Europe/Paris)"
                ),
            })?,
            None => DEFAULT_PORTAL_TIMEZONE,
        };
        let portal_url = var("GUICHET_PORTAL_URL").unwrap_or_else(|| DEFAULT_PORTAL_URL.into());
        if !(portal_url.starts_with("https://") || portal_url.starts_with("http://")) {
            return Err(Error::InvalidSetting {
                name: "GUICHET_PORTAL_URL",
                reason: "l’adresse du portail doit commencer par https://".into(),
            });
        }
        let positive = |name: &'static str, default: u32| -> Result<u32> {
            match var(name) {
                Some(text) => text.trim().parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                    Error::InvalidSetting {
                        name,
                        reason: format!("« {text} » n’est pas un nombre de secondes positif"),
                    }
                }),
                None => Ok(default),
            }
        };
        Ok(Settings {
            link_lifetime_seconds: positive(
                "GUICHET_LINK_LIFETIME_SECONDS",
                DEFAULT_LINK_LIFETIME_SECONDS,
            )?,
            mail_from: var("GUICHET_MAIL_FROM")
                .unwrap_or_else(|| crate::mail::message::DEFAULT_FROM.into()),
            smtp_url: var("GUICHET_SMTP_URL"),
            idle_lock_seconds: positive("GUICHET_IDLE_LOCK_SECONDS", DEFAULT_IDLE_LOCK_SECONDS)?,
            database_url: var("GUICHET_DATABASE_URL"),
            data_dir,
            portal_url: portal_url.trim_end_matches('/').to_string(),
            portal_timezone,
        })
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
