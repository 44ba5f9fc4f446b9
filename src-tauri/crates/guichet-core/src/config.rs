//! The settings of this machine: a `settings.toml` (the database to open, the idle lock) that a
//! supervisor edits from the window, each value overridable by an environment variable. The
//! sending settings live in the database ([`crate::mail::sending`]); their variables still
//! override them here, for this process. Secrets never come from here: they live in the OS
//! keyring.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::mail::sending::{SendingName, SendingValues};

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// `sqlite://…` or `postgres://…`; `None` is the embedded demo database.
    pub database_url: Option<String>,
    /// Where the embedded demo database and the mail outbox folder live.
    pub data_dir: PathBuf,
    /// Idle time after which the window locks and asks for the agent's password again.
    pub idle_lock_seconds: u32,
    /// Sending settings this process overrides (`GUICHET_PORTAL_URL`, `GUICHET_SMTP_URL`, …),
    /// checked when they are used.
    pub sending: SendingValues,
    /// A PEM file of authorities the bounce mailbox's certificate may chain to, besides the
    /// public ones (`GUICHET_BOUNCE_CA_FILE`: an académie's own authority).
    pub bounce_ca_file: Option<PathBuf>,
}

pub const DEFAULT_IDLE_LOCK_SECONDS: u32 = 600;
/// The longest idle lock, a working day: a window left open overnight asks for its password.
pub const MAX_IDLE_LOCK_SECONDS: u32 = 8 * 3_600;

/// An idle lock between one second and [`MAX_IDLE_LOCK_SECONDS`].
pub fn check_idle_lock(name: &'static str, seconds: u32) -> Result<u32> {
    if (1..=MAX_IDLE_LOCK_SECONDS).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(Error::InvalidSetting {
            name,
            reason: format!(
                "la durée doit être comprise entre 1 et {MAX_IDLE_LOCK_SECONDS} secondes (8\u{a0}heures)"
            ),
        })
    }
}

/// Refuses a database address that carries a password, after its user or as a `password=`
/// parameter: passwords belong in the keyring (or in `PGPASSWORD` for a one-off command). The
/// error never repeats the address.
pub fn refuse_password_in_url(name: &'static str, url: &str) -> Result<()> {
    let Ok(parsed) = url::Url::parse(url.trim()) else {
        return Ok(());
    };
    let in_query = parsed
        .query_pairs()
        .any(|(key, _)| key.eq_ignore_ascii_case("password"));
    if parsed.password().is_some() || in_query {
        return Err(Error::InvalidSetting {
            name,
            reason: "l’adresse contient un mot de passe\u{a0}: enregistrez-le dans le trousseau \
                     (secret database-password), jamais dans l’adresse"
                .into(),
        });
    }
    Ok(())
}

/// The user's own data folder: `~/.local/share/guichet-siec` on Linux, and on Windows
/// `%APPDATA%\SIEC\guichet-siec\data`, which follows the agent from PC to PC.
pub fn default_data_dir() -> Result<PathBuf> {
    directories::ProjectDirs::from("fr", "SIEC", "guichet-siec")
        .ok_or(Error::NoDataDirectory)
        .map(|dirs| dirs.data_dir().to_path_buf())
}

impl Settings {
    /// Every setting at its default, on `database_url` (the embedded demo database if `None`).
    pub fn with_defaults(database_url: Option<String>, data_dir: PathBuf) -> Settings {
        Settings {
            database_url,
            data_dir,
            idle_lock_seconds: DEFAULT_IDLE_LOCK_SECONDS,
            sending: SendingValues::default(),
            bounce_ca_file: None,
        }
    }

    /// The settings of this machine: `settings.toml` in the data folder (`GUICHET_DATA_DIR`),
    /// each value overridden by its environment variable, defaults for the rest.
    pub fn from_env() -> Result<Settings> {
        let data_dir = match env_var("GUICHET_DATA_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => default_data_dir()?,
        };
        let stored = StoredSettings::load(&data_dir)?;
        let mut settings = Settings::resolve(&stored, env_var, data_dir)?;
        settings.sending = SendingValues::from_variables(env_var);
        Ok(settings)
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
        let name = "GUICHET_IDLE_LOCK_SECONDS";
        let idle_lock_seconds = match env(name) {
            Some(text) => {
                let seconds = text.trim().parse().map_err(|_| Error::InvalidSetting {
                    name,
                    reason: format!("«\u{a0}{text}\u{a0}» n’est pas un nombre de secondes"),
                })?;
                check_idle_lock(name, seconds)?
            }
            None => match stored.idle_lock_seconds {
                Some(seconds) => check_idle_lock(name, seconds)?,
                None => DEFAULT_IDLE_LOCK_SECONDS,
            },
        };
        let database_url = env("GUICHET_DATABASE_URL")
            .or_else(|| stored.database_url.clone().filter(|v| !v.trim().is_empty()))
            .map(|url| url.trim().to_string());
        if let Some(url) = &database_url {
            refuse_password_in_url("GUICHET_DATABASE_URL", url)?;
        }
        Ok(Settings {
            database_url,
            data_dir,
            idle_lock_seconds,
            sending: SendingValues::default(),
            bounce_ca_file: env("GUICHET_BOUNCE_CA_FILE")
                .filter(|path| !path.trim().is_empty())
                .map(PathBuf::from),
        })
    }

    /// The values an agent edits, as they are in effect.
    pub fn stored(&self) -> StoredSettings {
        StoredSettings {
            database_url: self.database_url.clone(),
            idle_lock_seconds: Some(self.idle_lock_seconds),
        }
    }

    /// The URL of the database to open: the configured one, or the embedded demo database.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => sqlite_url(&self.embedded_database_path()),
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

/// The SQLite address of a file: sqlx reads a `?` as the start of parameters and decodes `%XX`,
/// so both are written encoded, and a data folder named `a?b` or `100%41` opens its own file.
fn sqlite_url(path: &Path) -> String {
    let path = path.display().to_string();
    format!("sqlite://{}", path.replace('%', "%25").replace('?', "%3F"))
}

/// The variables that override the stored settings, by field.
pub const ENVIRONMENT: [(&str, &str); 2] = [
    ("database_url", "GUICHET_DATABASE_URL"),
    ("idle_lock_seconds", "GUICHET_IDLE_LOCK_SECONDS"),
];

/// The sending settings this process takes from its environment rather than the database.
pub fn sending_from_environment() -> Vec<String> {
    SendingName::ALL
        .into_iter()
        .filter(|name| env_var(name.variable()).is_some())
        .map(|name| name.name().to_string())
        .collect()
}

/// A set, non-blank environment variable.
pub fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// What `settings.toml` holds: never a password (URLs carry none; secrets are in the keyring).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(default, deny_unknown_fields)]
pub struct StoredSettings {
    pub database_url: Option<String>,
    pub idle_lock_seconds: Option<u32>,
}

/// The file as earlier versions wrote it too: they kept the sending settings here, which are
/// read only to say that they no longer apply.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct SettingsFile {
    database_url: Option<String>,
    idle_lock_seconds: Option<u32>,
    portal_url: Option<toml::Value>,
    portal_timezone: Option<toml::Value>,
    link_lifetime_seconds: Option<toml::Value>,
    mail_from: Option<toml::Value>,
    smtp_url: Option<toml::Value>,
}

pub const SETTINGS_FILE: &str = "settings.toml";

impl StoredSettings {
    /// The data folder's `settings.toml`, or nothing stored when it does not exist.
    pub fn load(data_dir: &Path) -> Result<StoredSettings> {
        let path = data_dir.join(SETTINGS_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let file: SettingsFile =
                    toml::from_str(&text).map_err(|error| Error::InvalidSetting {
                        name: SETTINGS_FILE,
                        reason: format!(
                            "le fichier {} est illisible ({})",
                            path.display(),
                            error.message()
                        ),
                    })?;
                let ignored: Vec<&str> = [
                    ("portal_url", file.portal_url.is_some()),
                    ("portal_timezone", file.portal_timezone.is_some()),
                    (
                        "link_lifetime_seconds",
                        file.link_lifetime_seconds.is_some(),
                    ),
                    ("mail_from", file.mail_from.is_some()),
                    ("smtp_url", file.smtp_url.is_some()),
                ]
                .into_iter()
                .filter_map(|(name, set)| set.then_some(name))
                .collect();
                if !ignored.is_empty() {
                    tracing::warn!(
                        "{} holds sending settings ({}) that live in the database now and are \
                         not read here: set them with guichet-admin settings set NAME VALUE",
                        path.display(),
                        ignored.join(", ")
                    );
                }
                Ok(StoredSettings {
                    database_url: file.database_url,
                    idle_lock_seconds: file.idle_lock_seconds,
                })
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                Ok(StoredSettings::default())
            }
            Err(source) => Err(Error::Io { path, source }),
        }
    }

    /// Writes `settings.toml` whole (a temporary file renamed over it), refusing a URL that
    /// carries a password: passwords belong in the keyring.
    pub fn save(&self, data_dir: &Path) -> Result<PathBuf> {
        if let Some(url) = &self.database_url {
            refuse_password_in_url("GUICHET_DATABASE_URL", url)?;
        }
        if let Some(seconds) = self.idle_lock_seconds {
            check_idle_lock("GUICHET_IDLE_LOCK_SECONDS", seconds)?;
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
    fn the_data_folder_is_the_user_s_own() {
        let dir = default_data_dir().expect("a home folder");
        #[cfg(windows)]
        {
            let appdata = std::env::var_os("APPDATA").expect("APPDATA is set on Windows");
            assert!(
                dir.starts_with(&appdata),
                "{} not under {appdata:?}",
                dir.display()
            );
            assert!(
                dir.ends_with(r"SIEC\guichet-siec\data"),
                "{}",
                dir.display()
            );
        }
        #[cfg(not(windows))]
        assert!(dir.ends_with("guichet-siec"), "{}", dir.display());
    }

    #[test]
    fn stored_values_apply_and_the_environment_overrides_them() {
        let stored = StoredSettings {
            idle_lock_seconds: Some(300),
            database_url: Some(" sqlite:///tmp/a.sqlite ".into()),
        };
        let settings = Settings::resolve(&stored, no_env, PathBuf::from("/tmp")).expect("valid");
        assert_eq!(settings.idle_lock_seconds, 300);
        assert_eq!(
            settings.database_url.as_deref(),
            Some("sqlite:///tmp/a.sqlite")
        );
        let env = |name: &str| (name == "GUICHET_IDLE_LOCK_SECONDS").then(|| "900".to_string());
        assert_eq!(
            Settings::resolve(&stored, env, PathBuf::from("/tmp"))
                .expect("valid")
                .idle_lock_seconds,
            900
        );
    }

    #[test]
    fn bad_values_name_the_setting() {
        let stored = StoredSettings {
            idle_lock_seconds: Some(0),
            ..Default::default()
        };
        let error = Settings::resolve(&stored, no_env, PathBuf::from("/tmp")).expect_err("zero");
        assert_eq!(error.kind(), crate::error::ErrorKind::InvalidSetting);
        let env = |name: &str| (name == "GUICHET_IDLE_LOCK_SECONDS").then(|| "dix".to_string());
        let error = Settings::resolve(&StoredSettings::default(), env, PathBuf::from("/tmp"))
            .expect_err("not a number");
        assert!(error.message().contains("GUICHET_IDLE_LOCK_SECONDS"));
        // Past a working day the window's timer would overflow long before it fires.
        for seconds in [MAX_IDLE_LOCK_SECONDS + 1, 2_147_484, u32::MAX] {
            let stored = StoredSettings {
                idle_lock_seconds: Some(seconds),
                ..Default::default()
            };
            let error = Settings::resolve(&stored, no_env, PathBuf::from("/tmp"))
                .expect_err("beyond the bound");
            assert!(
                error.message().contains("8\u{a0}heures"),
                "{}",
                error.message()
            );
            let dir = tempfile::tempdir().expect("folder");
            assert!(stored.save(dir.path()).is_err());
        }
        let longest = StoredSettings {
            idle_lock_seconds: Some(MAX_IDLE_LOCK_SECONDS),
            ..Default::default()
        };
        assert!(Settings::resolve(&longest, no_env, PathBuf::from("/tmp")).is_ok());
    }

    #[test]
    fn a_database_address_never_carries_a_password() {
        for leaky in [
            "postgres://guichet:hunter2@db.siec.example/siec",
            "postgres://db.siec.example/siec?sslmode=require&password=hunter2",
            "postgresql://:hunter2@db/siec",
        ] {
            let env = |name: &str| (name == "GUICHET_DATABASE_URL").then(|| leaky.to_string());
            let error = Settings::resolve(&StoredSettings::default(), env, PathBuf::from("/tmp"))
                .expect_err(leaky);
            assert_eq!(error.kind(), crate::error::ErrorKind::InvalidSetting);
            assert!(!error.message().contains("hunter2"));
            assert!(!error.to_string().contains("hunter2"));
            let stored = StoredSettings {
                database_url: Some(leaky.into()),
                ..Default::default()
            };
            assert!(Settings::resolve(&stored, no_env, PathBuf::from("/tmp")).is_err());
        }
        for clean in [
            "postgres://guichet@db.siec.example/siec?sslmode=verify-full",
            "postgres://db.siec.example/siec",
            "sqlite:///var/lib/guichet/siec.sqlite",
        ] {
            assert!(
                refuse_password_in_url("GUICHET_DATABASE_URL", clean).is_ok(),
                "{clean}"
            );
        }
    }

    #[test]
    fn the_demo_database_address_names_its_file_whatever_the_folder() {
        // A `?` made the address unreadable and a `%41` opened another file (found by the
        // property tests).
        use std::str::FromStr;
        for folder in ["a?b", "100%", "a%41b", "c#d", "x&y=z", "sp ace"] {
            let settings = Settings::with_defaults(None, PathBuf::from("/tmp").join(folder));
            let url = settings.effective_database_url();
            let options = sqlx::sqlite::SqliteConnectOptions::from_str(&url).expect(&url);
            assert_eq!(options.get_filename(), settings.embedded_database_path());
        }
    }

    #[test]
    fn the_file_round_trips_and_never_takes_a_password() {
        let dir = tempfile::tempdir().expect("folder");
        assert_eq!(
            StoredSettings::load(dir.path()).expect("absent"),
            StoredSettings::default()
        );
        let stored = StoredSettings {
            database_url: Some("postgres://db.siec.example/guichet".into()),
            idle_lock_seconds: Some(300),
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
            crate::error::ErrorKind::InvalidSetting
        );
    }

    #[test]
    fn sending_settings_of_an_earlier_file_are_read_and_not_applied() {
        let dir = tempfile::tempdir().expect("folder");
        std::fs::write(
            dir.path().join(SETTINGS_FILE),
            "smtp_url = \"smtp://relais:25\"\nlink_lifetime_seconds = 1800\nidle_lock_seconds = 120\n",
        )
        .expect("written");
        let stored = StoredSettings::load(dir.path()).expect("an earlier file still loads");
        assert_eq!(stored.idle_lock_seconds, Some(120));
        stored.save(dir.path()).expect("saved");
        let written = std::fs::read_to_string(dir.path().join(SETTINGS_FILE)).expect("file");
        assert!(!written.contains("smtp_url"), "{written}");
    }
}
