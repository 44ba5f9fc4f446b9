//! The settings screen's service (supervisors only): read and save the settings, store secrets
//! in the keyring (write-only), and try the database and the SMTP server.

use serde::Serialize;
use serde_json::json;

use crate::agents::{Permission, Session};
use crate::audit::{AuditAction, NewAuditEvent};
use crate::config::{ENVIRONMENT, Settings, StoredSettings, env_var};
use crate::error::{Error, Result};
use crate::guichet::Guichet;
use crate::mail::transport::{SmtpConfig, SmtpSender};
use crate::secrets::{Keyring, Secret, SecretName};
use crate::store::{Mode, OpenMode, Store};

/// Whether a secret is in the keyring; its value is never read back to the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct SecretStatus {
    /// The keyring entry: `portal-signing-key`, `smtp-password`, `database-password`.
    pub name: String,
    pub set: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct SettingsView {
    pub values: StoredSettings,
    /// Fields an environment variable overrides on this machine (a saved value would not apply).
    pub from_environment: Vec<String>,
    pub secrets: Vec<SecretStatus>,
    /// The keyring in use, or why none answers.
    pub keyring: String,
}

async fn keyring_call<T: Send + 'static>(
    work: impl FnOnce(&Keyring) -> std::result::Result<T, crate::secrets::SecretError> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(move || work(&Keyring::from_env()?))
        .await
        .map_err(|error| Error::Internal(format!("keyring task: {error}")))?
        .map_err(Error::from)
}

fn secret_name(name: &str) -> Result<SecretName> {
    name.parse().map_err(|_| Error::InvalidSetting {
        name: "secret",
        reason: format!("«\u{a0}{name}\u{a0}» n’est pas un secret connu (portal-signing-key, smtp-password, database-password)"),
    })
}

impl Guichet {
    pub async fn settings_view(&self, session: &Session) -> Result<SettingsView> {
        self.require(session, Permission::ManageSettings).await?;
        let (keyring, secrets) = match keyring_call(|keyring| {
            let statuses = SecretName::ALL
                .into_iter()
                .map(|name| {
                    Ok(SecretStatus {
                        name: name.entry_name().into(),
                        set: keyring.get(name)?.is_some(),
                    })
                })
                .collect::<std::result::Result<Vec<_>, _>>()?;
            Ok((keyring.backend().name().to_string(), statuses))
        })
        .await
        {
            Ok(found) => found,
            Err(error) => (error.message(), Vec::new()),
        };
        Ok(SettingsView {
            values: self.settings().stored(),
            from_environment: ENVIRONMENT
                .iter()
                .filter(|(_, variable)| env_var(variable).is_some())
                .map(|(field, _)| field.to_string())
                .collect(),
            secrets,
            keyring,
        })
    }

    /// Checks and saves the settings; they apply at the next start. Returns what to tell the agent.
    pub async fn save_settings(&self, session: &Session, values: StoredSettings) -> Result<String> {
        let session = self.require(session, Permission::ManageSettings).await?;
        let data_dir = self.settings().data_dir.clone();
        Settings::resolve(&values, |_| None, data_dir.clone())?;
        let before = StoredSettings::load(&data_dir)?;
        let path = values.save(&data_dir)?;
        let event = NewAuditEvent::new(AuditAction::SettingsChanged)
            .before(serde_json::to_value(&before).unwrap_or_default())
            .after(serde_json::to_value(&values).unwrap_or_default());
        self.store()
            .append_audit(Some(session.agent().id), chrono::Utc::now(), &event)
            .await?;
        Ok(format!(
            "Réglages enregistrés dans {}\u{a0}; ils s’appliquent au prochain démarrage du Guichet.",
            path.display()
        ))
    }

    /// Stores a secret in the keyring (write-only: it is never read back to the window).
    pub async fn set_secret(&self, session: &Session, name: &str, value: String) -> Result<String> {
        let session = self.require(session, Permission::ManageSettings).await?;
        let name = secret_name(name)?;
        let secret = Secret::new(value);
        let backend = keyring_call(move |keyring| {
            keyring.set(name, &secret)?;
            Ok(keyring.backend().name().to_string())
        })
        .await?;
        let event = NewAuditEvent::new(AuditAction::SettingsChanged)
            .after(json!({ "secret": name.entry_name(), "valeur": "modifiée" }));
        self.store()
            .append_audit(Some(session.agent().id), chrono::Utc::now(), &event)
            .await?;
        Ok(format!(
            "Secret «\u{a0}{}\u{a0}» enregistré dans le trousseau ({backend}).",
            name.entry_name()
        ))
    }

    /// Connects to a database (the one in use when `url` is `None`) and reads its schema version.
    pub async fn test_database(&self, session: &Session, url: Option<String>) -> Result<String> {
        self.require(session, Permission::ManageSettings).await?;
        let configured = self.settings().effective_database_url();
        let url = url
            .filter(|u| !u.trim().is_empty())
            .map(|u| u.trim().to_string())
            .unwrap_or(configured.clone());
        // A shared database is reached with each agent's own role: test this agent's connection.
        if self.mode() == Mode::Shared && url == configured {
            let version = self.store().schema_version().await?;
            return Ok(format!(
                "Connexion réussie\u{a0}: base PostgreSQL partagée, schéma en version {version}."
            ));
        }
        let store = match Store::connect(&url, OpenMode::MustExist).await {
            Ok(store) => store,
            // The server answered over TLS and asked for a password: an address without a
            // user is a shared database's, which no one enters without signing in.
            Err(Error::DatabaseAuthentication(_)) if crate::store::names_no_user(&url) => {
                return Ok(
                    "Serveur PostgreSQL joignable\u{a0}: chaque agent s’y connecte avec \
                           son propre compte."
                        .into(),
                );
            }
            Err(error) => return Err(error),
        };
        let version = store.schema_version().await;
        store.close().await;
        let version = version?;
        let backend = match store.backend() {
            crate::store::Backend::Sqlite => "SQLite",
            crate::store::Backend::Postgres => "PostgreSQL",
        };
        Ok(format!(
            "Connexion réussie\u{a0}: base {backend}, schéma en version {version}."
        ))
    }

    /// Connects to an SMTP server (the configured one when `url` is `None`): greeting, TLS and
    /// sign-in with the keyring's password, without sending anything.
    pub async fn test_smtp(&self, session: &Session, url: Option<String>) -> Result<String> {
        self.require(session, Permission::ManageSettings).await?;
        let Some(url) = url
            .filter(|u| !u.trim().is_empty())
            .or_else(|| self.settings().smtp_url.clone())
        else {
            return Ok(format!(
                "Aucun serveur de courriel n’est réglé\u{a0}: les messages sont écrits dans {}.",
                self.settings().outbox_dir().display()
            ));
        };
        let config = SmtpConfig::parse(url.trim())?;
        let password = if config.user.is_some() {
            keyring_call(|keyring| keyring.get(SecretName::SmtpPassword)).await?
        } else {
            None
        };
        let sender = SmtpSender::new(config, password.as_ref())?;
        let outcome = sender.test_connection().await;
        sender.close().await;
        outcome.map_err(|error| Error::SmtpUnreachable(error.message()))?;
        Ok("Connexion réussie au serveur de courriel.".into())
    }
}
