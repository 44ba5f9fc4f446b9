//! The settings screen's service (supervisors only): read and save this PC's settings and the
//! database's sending settings, store secrets in the keyring (write-only, standalone mode: in
//! shared mode they are the sender service's), and try the database and the SMTP server.

use serde::Serialize;
use serde_json::json;

use super::Guichet;
use crate::agents::{Permission, Session};
use crate::audit::{AuditAction, NewAuditEvent};
use crate::config::{ENVIRONMENT, Settings, StoredSettings, env_var, sending_from_environment};
use crate::delivery::transport::SmtpSender;
use crate::error::{Error, Result};
use crate::keyring::Keyring;
use crate::mail::sending::{SendingForm, SendingName, SendingSettings, SendingValues};
use crate::mail::smtp_url::SmtpConfig;
use crate::secrets::{Secret, SecretName};
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
    /// This PC's settings (`settings.toml`).
    pub values: StoredSettings,
    /// The database's sending settings, defaults filled in.
    pub sending: SendingForm,
    /// Fields an environment variable overrides on this machine (a saved value would not apply).
    pub from_environment: Vec<String>,
    /// The secrets this PC keeps: none in shared mode, where they are the sender service's.
    pub secrets: Vec<SecretStatus>,
    /// The keyring in use, or why none answers.
    pub keyring: String,
    /// The bounce mailbox's last reading: what it matched, what it left, why it cannot be read.
    pub bounces: crate::mail::bounce_reading::BounceMailboxStatus,
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
        let sending = self.stored_sending().await?.form();
        let bounces = crate::mail::bounce_reading::BounceMailboxStatus {
            configured: sending.bounce_imap_host.is_some() && sending.bounce_imap_user.is_some(),
            ..self.store().bounce_mailbox().await?
        };
        let from_environment = ENVIRONMENT
            .iter()
            .filter(|(_, variable)| env_var(variable).is_some())
            .map(|(field, _)| field.to_string())
            .chain(sending_from_environment())
            .collect();
        if self.mode() == Mode::Shared {
            return Ok(SettingsView {
                values: self.settings().stored(),
                sending,
                from_environment,
                secrets: Vec::new(),
                keyring: "celui du service d’envoi".into(),
                bounces,
            });
        }
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
            sending,
            from_environment,
            secrets,
            keyring,
            bounces,
        })
    }

    /// The database's sending settings, defaults filled in (this process's environment aside).
    async fn stored_sending(&self) -> Result<SendingSettings> {
        let stored = self.store().sending_values().await?;
        Ok(SendingSettings::resolve(
            &SendingValues::default(),
            &stored,
        )?)
    }

    /// The database's sending settings, as `guichet-admin settings show` prints them.
    pub async fn sending_view(&self, session: &Session) -> Result<SendingForm> {
        self.require(session, Permission::Read).await?;
        Ok(self.stored_sending().await?.form())
    }

    /// Checks and saves this PC's settings (applied at the next start) and the database's
    /// sending settings (read by the sender at its next message). Returns what to tell the agent.
    pub async fn save_settings(
        &self,
        session: &Session,
        values: StoredSettings,
        sending: SendingForm,
    ) -> Result<String> {
        let session = self.require(session, Permission::ManageSettings).await?;
        let data_dir = self.settings().data_dir.clone();
        Settings::resolve(&values, |_| None, data_dir.clone())?;
        let sending = sending.checked()?;
        self.set_sending(&session, sending).await?;
        let before = StoredSettings::load(&data_dir)?;
        if before == values {
            return Ok("Réglages d’envoi enregistrés dans la base\u{a0}: le service d’envoi les applique dès le prochain message.".into());
        }
        let path = values.save(&data_dir)?;
        let event = NewAuditEvent::new(AuditAction::SettingsChanged)
            .before(serde_json::to_value(&before).unwrap_or_default())
            .after(serde_json::to_value(&values).unwrap_or_default());
        self.store()
            .append_audit(Some(session.agent().id), chrono::Utc::now(), &event)
            .await?;
        Ok(format!(
            "Réglages enregistrés\u{a0}: ceux d’envoi dans la base, appliqués dès le prochain message\u{a0}; ceux de ce poste dans {}, appliqués au prochain démarrage du Guichet.",
            path.display()
        ))
    }

    /// Sets one sending setting (`guichet-admin settings set NAME VALUE`); an empty value
    /// brings back its default.
    pub async fn set_sending_setting(
        &self,
        session: &Session,
        name: &str,
        value: &str,
    ) -> Result<SendingForm> {
        let session = self.require(session, Permission::ManageSettings).await?;
        let name = SendingName::parse(name)?;
        let value = name.check(value)?;
        self.set_sending(&session, vec![(name, value)]).await?;
        Ok(self.stored_sending().await?.form())
    }

    /// Stores the sending values that change, journaled with what they were.
    async fn set_sending(
        &self,
        session: &Session,
        values: Vec<(SendingName, Option<String>)>,
    ) -> Result<()> {
        let stored = self.store().sending_values().await?;
        let defaults = SendingSettings::default().form();
        let default_of = |name: SendingName| defaults.value(name);
        // A value equal to its default is not stored: the default applies, should it change.
        let changes: Vec<(SendingName, Option<String>)> = values
            .into_iter()
            .map(|(name, value)| {
                let value = value.filter(|v| Some(v) != default_of(name).as_ref());
                (name, value)
            })
            .filter(|(name, value)| stored.get(*name) != value.as_deref())
            .collect();
        if changes.is_empty() {
            return Ok(());
        }
        let shown = |value: Option<&str>, name: SendingName| {
            value
                .map(str::to_string)
                .or_else(|| default_of(name))
                .unwrap_or_default()
        };
        let before: serde_json::Map<String, serde_json::Value> = changes
            .iter()
            .map(|(name, _)| {
                (
                    name.name().to_string(),
                    json!(shown(stored.get(*name), *name)),
                )
            })
            .collect();
        let after: serde_json::Map<String, serde_json::Value> = changes
            .iter()
            .map(|(name, value)| {
                (
                    name.name().to_string(),
                    json!(shown(value.as_deref(), *name)),
                )
            })
            .collect();
        let event = NewAuditEvent::new(AuditAction::SettingsChanged)
            .before(serde_json::Value::Object(before))
            .after(serde_json::Value::Object(after));
        let agent = Some(session.agent().id).filter(|id| *id > 0);
        self.store()
            .set_sending_values(&changes, agent, chrono::Utc::now(), &event)
            .await
    }

    /// Stores a secret in the keyring (write-only: it is never read back to the window). In
    /// shared mode the secrets are the sender service's: none is kept on an agent's PC.
    pub async fn set_secret(&self, session: &Session, name: &str, value: String) -> Result<String> {
        let session = self.require(session, Permission::ManageSettings).await?;
        if self.mode() == Mode::Shared {
            return Err(Error::SentByTheService);
        }
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
        let typed = url
            .filter(|u| !u.trim().is_empty())
            .map(|u| u.trim().to_string());
        if let Some(typed) = &typed {
            crate::config::refuse_password_in_url("database_url", typed)?;
        }
        let url = typed.unwrap_or(configured.clone());
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
        if self.mode() == Mode::Shared {
            return Err(Error::SentByTheService);
        }
        let configured = self.sending_settings().await?.smtp_url;
        let Some(url) = url.filter(|u| !u.trim().is_empty()).or(configured.clone()) else {
            return Ok(format!(
                "Aucun serveur de courriel n’est réglé\u{a0}: les messages sont écrits dans {}.",
                self.settings().outbox_dir().display()
            ));
        };
        let config = SmtpConfig::parse(url.trim())?;
        let password = if config.user.is_some() {
            // The keyring's password is the configured server's: never offered to another host.
            let stored = configured.as_deref().map(SmtpConfig::parse).transpose()?;
            let server = |c: &SmtpConfig| (c.host.to_lowercase(), c.port, c.user.clone());
            if stored.as_ref().map(server) != Some(server(&config)) {
                let address = |c: &SmtpConfig| format!("{}:{}", c.host, c.port);
                return Err(Error::SmtpPasswordElsewhere {
                    typed: address(&config),
                    configured: stored.as_ref().map(address),
                });
            }
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
