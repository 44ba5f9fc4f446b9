//! The sending settings: the portal's address and time zone, a link's lifetime, the sender of
//! the e-mail and the SMTP server. They live in the database (`sending_setting`, a row per value
//! a supervisor changed) so that the one sender and every window read the same ones; an
//! environment variable still overrides a value for the process that reads it.

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::mail::smtp_url::SmtpConfigError;

/// Why a sending setting is refused: a value out of its bounds, or an SMTP URL that does not
/// read. The core's error takes it in as `InvalidSetting` or `SmtpSettings`.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SettingError {
    #[error("invalid setting {name}: {reason}")]
    Invalid { name: &'static str, reason: String },
    #[error("SMTP settings: {0}")]
    Smtp(#[from] SmtpConfigError),
}

type Result<T> = std::result::Result<T, SettingError>;

pub const DEFAULT_PORTAL_URL: &str = "https://auth.siec.education.fr";
pub const DEFAULT_PORTAL_TIMEZONE: Tz = chrono_tz::Europe::Paris;
/// The bundle's lifetime, and the guide's « Ce lien expire dans 1 heure ».
pub const DEFAULT_LINK_LIFETIME_SECONDS: u32 = 3_600;
/// Longer than a day, a link sent in the morning would still open someone's account the next.
pub const MAX_LINK_LIFETIME_SECONDS: u32 = 86_400;
/// What a relay of the académies accepts without taking the sender for a spammer.
pub const DEFAULT_SMTP_MAX_RATE: u32 = 300;
/// The most a campaign may be given: a message every 6 ms.
pub const MAX_SMTP_MAX_RATE: u32 = 10_000;

/// The folder bounce reports arrive in, and the one they go to once recorded.
pub const DEFAULT_BOUNCE_FOLDER: &str = "INBOX";
pub const DEFAULT_BOUNCE_DONE_FOLDER: &str = "Guichet";

/// A sending setting, by the name `settings.toml` gave it and `guichet-admin settings` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SendingName {
    PortalUrl,
    PortalTimezone,
    LinkLifetimeSeconds,
    MailFrom,
    SmtpUrl,
    /// Messages a minute the relay accepts: no campaign goes faster.
    SmtpMaxRate,
    /// Where bounces go (the envelope's sender); by default the sender's own address.
    BounceAddress,
    /// `oui`: each message's return path is the bounce address with its id (`bounces+12@…`).
    BounceVerp,
    /// The bounce mailbox's IMAP server, `host` or `host:port` (993 by default), over TLS.
    BounceImapHost,
    BounceImapUser,
    /// The folder the reports arrive in, and the one they are moved to once recorded.
    BounceImapFolder,
    BounceImapDoneFolder,
}

impl SendingName {
    pub const ALL: [SendingName; 12] = [
        SendingName::PortalUrl,
        SendingName::PortalTimezone,
        SendingName::LinkLifetimeSeconds,
        SendingName::MailFrom,
        SendingName::SmtpUrl,
        SendingName::SmtpMaxRate,
        SendingName::BounceAddress,
        SendingName::BounceVerp,
        SendingName::BounceImapHost,
        SendingName::BounceImapUser,
        SendingName::BounceImapFolder,
        SendingName::BounceImapDoneFolder,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SendingName::PortalUrl => "portal_url",
            SendingName::PortalTimezone => "portal_timezone",
            SendingName::LinkLifetimeSeconds => "link_lifetime_seconds",
            SendingName::MailFrom => "mail_from",
            SendingName::SmtpUrl => "smtp_url",
            SendingName::SmtpMaxRate => "smtp_max_rate",
            SendingName::BounceAddress => "bounce_address",
            SendingName::BounceVerp => "bounce_verp",
            SendingName::BounceImapHost => "bounce_imap_host",
            SendingName::BounceImapUser => "bounce_imap_user",
            SendingName::BounceImapFolder => "bounce_imap_folder",
            SendingName::BounceImapDoneFolder => "bounce_imap_done_folder",
        }
    }

    /// The environment variable that overrides it.
    pub fn variable(self) -> &'static str {
        match self {
            SendingName::PortalUrl => "GUICHET_PORTAL_URL",
            SendingName::PortalTimezone => "GUICHET_PORTAL_TIMEZONE",
            SendingName::LinkLifetimeSeconds => "GUICHET_LINK_LIFETIME_SECONDS",
            SendingName::MailFrom => "GUICHET_MAIL_FROM",
            SendingName::SmtpUrl => "GUICHET_SMTP_URL",
            SendingName::SmtpMaxRate => "GUICHET_SMTP_MAX_RATE",
            SendingName::BounceAddress => "GUICHET_BOUNCE_ADDRESS",
            SendingName::BounceVerp => "GUICHET_BOUNCE_VERP",
            SendingName::BounceImapHost => "GUICHET_BOUNCE_IMAP_HOST",
            SendingName::BounceImapUser => "GUICHET_BOUNCE_IMAP_USER",
            SendingName::BounceImapFolder => "GUICHET_BOUNCE_IMAP_FOLDER",
            SendingName::BounceImapDoneFolder => "GUICHET_BOUNCE_IMAP_DONE_FOLDER",
        }
    }

    pub fn parse(name: &str) -> Result<SendingName> {
        SendingName::ALL
            .into_iter()
            .find(|known| known.name() == name.trim())
            .ok_or_else(|| SettingError::Invalid {
                name: "réglage",
                reason: format!(
                    "«\u{a0}{}\u{a0}» n’est pas un réglage d’envoi (portal_url, portal_timezone, \
                     link_lifetime_seconds, mail_from, smtp_url, smtp_max_rate, bounce_address, \
                     bounce_verp, bounce_imap_host, bounce_imap_user, bounce_imap_folder, \
                     bounce_imap_done_folder)",
                    name.trim()
                ),
            })
    }

    /// Checks a value and returns it as it is stored; `None` for an empty one (the default).
    pub fn check(self, value: &str) -> Result<Option<String>> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(None);
        }
        let invalid = |reason: String| SettingError::Invalid {
            name: self.name(),
            reason,
        };
        let checked = match self {
            SendingName::PortalUrl => {
                let url = value.trim_end_matches('/');
                // The URL parser drops spaces and control characters the links would keep.
                let https = !url.contains(|c: char| c.is_whitespace() || c.is_control())
                    && url::Url::parse(url)
                        .is_ok_and(|parsed| parsed.scheme() == "https" && parsed.host().is_some());
                if !https {
                    return Err(invalid(format!(
                        "«\u{a0}{url}\u{a0}» n’est pas une adresse https://… complète\u{a0}: les liens \
                         portent un secret et ne voyagent qu’en https"
                    )));
                }
                url.to_string()
            }
            SendingName::PortalTimezone => {
                value.parse::<Tz>().map_err(|_| {
                    invalid(format!(
                        "«\u{a0}{value}\u{a0}» n’est pas un fuseau horaire connu (exemple\u{a0}: Europe/Paris)"
                    ))
                })?;
                value.to_string()
            }
            SendingName::LinkLifetimeSeconds => {
                let seconds: u32 = value
                    .parse()
                    .ok()
                    .filter(|s| (1..=MAX_LINK_LIFETIME_SECONDS).contains(s))
                    .ok_or_else(|| {
                        invalid(format!(
                            "«\u{a0}{value}\u{a0}» n’est pas une durée en secondes entre 1 et {MAX_LINK_LIFETIME_SECONDS} (24\u{a0}heures)"
                        ))
                    })?;
                seconds.to_string()
            }
            SendingName::MailFrom => {
                crate::mail::message::parse_sender(value)
                    .map_err(|_| invalid(format!(
                        "«\u{a0}{value}\u{a0}» n’est pas un expéditeur valide (exemple\u{a0}: SIEC <ne-pas-repondre@siec.education.fr>)"
                    )))?;
                value.to_string()
            }
            SendingName::SmtpUrl => {
                crate::mail::smtp_url::SmtpConfig::parse(value)?;
                value.to_string()
            }
            SendingName::SmtpMaxRate => {
                let rate: u32 = value
                    .parse()
                    .ok()
                    .filter(|r| (1..=MAX_SMTP_MAX_RATE).contains(r))
                    .ok_or_else(|| {
                        invalid(format!(
                            "«\u{a0}{value}\u{a0}» n’est pas un nombre de messages par minute entre 1 et {MAX_SMTP_MAX_RATE}"
                        ))
                    })?;
                rate.to_string()
            }
            SendingName::BounceAddress => {
                value.parse::<lettre::Address>().map_err(|_| {
                    invalid(format!(
                        "«\u{a0}{value}\u{a0}» n’est pas une adresse électronique (exemple\u{a0}: retours@siec.education.fr)"
                    ))
                })?;
                value.to_string()
            }
            SendingName::BounceVerp => match value.to_lowercase().as_str() {
                "oui" => "oui".to_string(),
                "non" => "non".to_string(),
                _ => {
                    return Err(invalid(format!(
                        "«\u{a0}{value}\u{a0}» n’est ni «\u{a0}oui\u{a0}» ni «\u{a0}non\u{a0}»"
                    )));
                }
            },
            SendingName::BounceImapHost => {
                let (host, port) = value.rsplit_once(':').unwrap_or((value, "993"));
                let host_ok = url::Host::parse(host).is_ok() && !host.contains('/');
                if !host_ok || port.parse::<u16>().map_or(true, |port| port == 0) {
                    return Err(invalid(format!(
                        "«\u{a0}{value}\u{a0}» n’est pas un serveur IMAP (exemple\u{a0}: imap.ac-besancon.fr ou imap.ac-besancon.fr:993)"
                    )));
                }
                value.to_string()
            }
            SendingName::BounceImapUser => {
                if value.contains(|c: char| c.is_whitespace() || c.is_control()) {
                    return Err(invalid(format!(
                        "«\u{a0}{value}\u{a0}» contient des espaces"
                    )));
                }
                value.to_string()
            }
            SendingName::BounceImapFolder | SendingName::BounceImapDoneFolder => {
                // IMAP folder names outside ASCII need modified UTF-7: refused, not half-encoded.
                if !value.chars().all(|c| c.is_ascii_graphic() || c == ' ') || value.contains('"') {
                    return Err(invalid(format!(
                        "«\u{a0}{value}\u{a0}» n’est pas un nom de dossier utilisable (lettres sans accents, chiffres, «\u{a0}.\u{a0}», «\u{a0}/\u{a0}», «\u{a0}-\u{a0}»)"
                    )));
                }
                value.to_string()
            }
        };
        Ok(Some(checked))
    }
}

/// Values as text, each `None` where nothing is set: the database's rows, or the environment's
/// overrides.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendingValues {
    values: [Option<String>; SendingName::ALL.len()],
}

impl SendingValues {
    pub fn get(&self, name: SendingName) -> Option<&str> {
        self.values[name as usize].as_deref()
    }

    pub fn set(&mut self, name: SendingName, value: Option<String>) {
        self.values[name as usize] = value.filter(|v| !v.trim().is_empty());
    }

    /// The values `lookup` gives the names' variables (the process's environment).
    pub fn from_variables(lookup: impl Fn(&str) -> Option<String>) -> SendingValues {
        let mut values = SendingValues::default();
        for name in SendingName::ALL {
            values.set(name, lookup(name.variable()));
        }
        values
    }

    /// The names this set gives a value.
    pub fn names(&self) -> Vec<SendingName> {
        SendingName::ALL
            .into_iter()
            .filter(|name| self.get(*name).is_some())
            .collect()
    }
}

/// The settings in effect, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendingSettings {
    /// Without a trailing slash; always `https://`.
    pub portal_url: String,
    /// The portal's PHP time zone, in which it reads `reset_password_request` times.
    pub portal_timezone: Tz,
    pub link_lifetime_seconds: u32,
    /// `Name <address>`.
    pub mail_from: String,
    /// `None`: `.eml` files in the outbox folder.
    pub smtp_url: Option<String>,
    /// Messages a minute the relay accepts.
    pub smtp_max_rate: u32,
    /// `None`: the sender's own address.
    pub bounce_address: Option<String>,
    pub bounce_verp: bool,
    /// `None`: no bounce mailbox is read.
    pub bounce_imap_host: Option<String>,
    pub bounce_imap_user: Option<String>,
    pub bounce_imap_folder: String,
    pub bounce_imap_done_folder: String,
}

impl Default for SendingSettings {
    fn default() -> Self {
        SendingSettings {
            portal_url: DEFAULT_PORTAL_URL.into(),
            portal_timezone: DEFAULT_PORTAL_TIMEZONE,
            link_lifetime_seconds: DEFAULT_LINK_LIFETIME_SECONDS,
            mail_from: crate::mail::message::DEFAULT_FROM.into(),
            smtp_url: None,
            smtp_max_rate: DEFAULT_SMTP_MAX_RATE,
            bounce_address: None,
            bounce_verp: true,
            bounce_imap_host: None,
            bounce_imap_user: None,
            bounce_imap_folder: DEFAULT_BOUNCE_FOLDER.into(),
            bounce_imap_done_folder: DEFAULT_BOUNCE_DONE_FOLDER.into(),
        }
    }
}

impl SendingSettings {
    /// Where bounces go: the bounce address, by default the sender's own (as `mail_from`
    /// gives it).
    pub fn bounce_address(
        &self,
    ) -> std::result::Result<String, crate::mail::message::MessageError> {
        match &self.bounce_address {
            Some(address) => Ok(address.clone()),
            None => Ok(crate::mail::message::parse_sender(&self.mail_from)?
                .email
                .to_string()),
        }
    }

    /// Each value from `overrides`, else `stored`, else its default; every one checked.
    pub fn resolve(overrides: &SendingValues, stored: &SendingValues) -> Result<SendingSettings> {
        let mut settings = SendingSettings::default();
        for name in SendingName::ALL {
            let Some(raw) = overrides.get(name).or_else(|| stored.get(name)) else {
                continue;
            };
            let Some(value) = name.check(raw)? else {
                continue;
            };
            match name {
                SendingName::PortalUrl => settings.portal_url = value,
                SendingName::PortalTimezone => {
                    settings.portal_timezone = value.parse().unwrap_or(DEFAULT_PORTAL_TIMEZONE);
                }
                SendingName::LinkLifetimeSeconds => {
                    settings.link_lifetime_seconds =
                        value.parse().unwrap_or(DEFAULT_LINK_LIFETIME_SECONDS);
                }
                SendingName::MailFrom => settings.mail_from = value,
                SendingName::SmtpUrl => settings.smtp_url = Some(value),
                SendingName::SmtpMaxRate => {
                    settings.smtp_max_rate = value.parse().unwrap_or(DEFAULT_SMTP_MAX_RATE);
                }
                SendingName::BounceAddress => settings.bounce_address = Some(value),
                SendingName::BounceVerp => settings.bounce_verp = value == "oui",
                SendingName::BounceImapHost => settings.bounce_imap_host = Some(value),
                SendingName::BounceImapUser => settings.bounce_imap_user = Some(value),
                SendingName::BounceImapFolder => settings.bounce_imap_folder = value,
                SendingName::BounceImapDoneFolder => settings.bounce_imap_done_folder = value,
            }
        }
        Ok(settings)
    }

    /// The portal's time zone alone, for the screens that read its naive times: an override
    /// that is not a time zone is refused, whatever the other values are.
    pub fn timezone(overrides: &SendingValues, stored: &SendingValues) -> Result<Tz> {
        let name = SendingName::PortalTimezone;
        match overrides.get(name).or_else(|| stored.get(name)) {
            Some(raw) => Ok(name
                .check(raw)?
                .and_then(|tz| tz.parse().ok())
                .unwrap_or(DEFAULT_PORTAL_TIMEZONE)),
            None => Ok(DEFAULT_PORTAL_TIMEZONE),
        }
    }

    /// The values as text, as `settings show --json` prints them and the settings screen edits them.
    pub fn form(&self) -> SendingForm {
        SendingForm {
            portal_url: self.portal_url.clone(),
            portal_timezone: self.portal_timezone.name().to_string(),
            link_lifetime_seconds: self.link_lifetime_seconds,
            mail_from: self.mail_from.clone(),
            smtp_url: self.smtp_url.clone(),
            smtp_max_rate: self.smtp_max_rate,
            bounce_address: self.bounce_address.clone(),
            bounce_verp: self.bounce_verp,
            bounce_imap_host: self.bounce_imap_host.clone(),
            bounce_imap_user: self.bounce_imap_user.clone(),
            bounce_imap_folder: self.bounce_imap_folder.clone(),
            bounce_imap_done_folder: self.bounce_imap_done_folder.clone(),
        }
    }
}

/// The sending settings as an object of their names (the JSON of `settings show`, the fields of
/// the settings screen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct SendingForm {
    pub portal_url: String,
    pub portal_timezone: String,
    pub link_lifetime_seconds: u32,
    pub mail_from: String,
    /// `None`: `.eml` files in the outbox folder.
    pub smtp_url: Option<String>,
    /// Messages a minute the relay accepts: no campaign goes faster.
    pub smtp_max_rate: u32,
    /// `None`: the sender's own address.
    pub bounce_address: Option<String>,
    pub bounce_verp: bool,
    /// `None`: no bounce mailbox is read.
    pub bounce_imap_host: Option<String>,
    pub bounce_imap_user: Option<String>,
    pub bounce_imap_folder: String,
    pub bounce_imap_done_folder: String,
}

impl SendingForm {
    /// One setting's value as text, `None` where it has none (no SMTP server: files).
    pub fn value(&self, name: SendingName) -> Option<String> {
        match name {
            SendingName::PortalUrl => Some(self.portal_url.clone()),
            SendingName::PortalTimezone => Some(self.portal_timezone.clone()),
            SendingName::LinkLifetimeSeconds => Some(self.link_lifetime_seconds.to_string()),
            SendingName::MailFrom => Some(self.mail_from.clone()),
            SendingName::SmtpUrl => self.smtp_url.clone(),
            SendingName::SmtpMaxRate => Some(self.smtp_max_rate.to_string()),
            SendingName::BounceAddress => self.bounce_address.clone(),
            SendingName::BounceVerp => Some(if self.bounce_verp { "oui" } else { "non" }.into()),
            SendingName::BounceImapHost => self.bounce_imap_host.clone(),
            SendingName::BounceImapUser => self.bounce_imap_user.clone(),
            SendingName::BounceImapFolder => Some(self.bounce_imap_folder.clone()),
            SendingName::BounceImapDoneFolder => Some(self.bounce_imap_done_folder.clone()),
        }
    }

    /// The form's values, each checked, as rows to store (`None` where a field is empty).
    pub fn checked(&self) -> Result<Vec<(SendingName, Option<String>)>> {
        SendingName::ALL
            .into_iter()
            .map(|name| Ok((name, name.check(&self.value(name).unwrap_or_default())?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(SendingName, &str)]) -> SendingValues {
        let mut values = SendingValues::default();
        for (name, value) in pairs {
            values.set(*name, Some((*value).to_string()));
        }
        values
    }

    #[test]
    fn overrides_win_over_the_database_which_wins_over_defaults() {
        let stored = values(&[
            (SendingName::PortalUrl, "https://auth.example.fr/"),
            (SendingName::LinkLifetimeSeconds, "1800"),
        ]);
        let overrides = values(&[(SendingName::LinkLifetimeSeconds, "900")]);
        let settings = SendingSettings::resolve(&overrides, &stored).expect("valid");
        assert_eq!(settings.portal_url, "https://auth.example.fr");
        assert_eq!(settings.link_lifetime_seconds, 900);
        assert_eq!(settings.mail_from, crate::mail::message::DEFAULT_FROM);
        assert_eq!(settings.smtp_url, None);
        let none = SendingValues::default();
        assert_eq!(
            SendingSettings::resolve(&none, &none).expect("defaults"),
            SendingSettings::default()
        );
    }

    #[test]
    fn bad_values_are_refused_with_their_name() {
        let bad = [
            (SendingName::PortalUrl, "http://auth.siec.education.fr"),
            (SendingName::PortalUrl, "auth.siec.education.fr"),
            // A space or a control character the links would carry (found by fuzzing: once
            // its final slash was dropped, "… /" was stored with a space at its end).
            (SendingName::PortalUrl, "https://auth.siec.education.fr /"),
            (
                SendingName::PortalUrl,
                "https://auth.siec.education.fr/mot de passe",
            ),
            (
                SendingName::PortalUrl,
                "https://auth.siec.education.fr/\u{0}",
            ),
            (SendingName::PortalTimezone, "Europe/Paname"),
            (SendingName::LinkLifetimeSeconds, "0"),
            (SendingName::LinkLifetimeSeconds, "86401"),
            (SendingName::LinkLifetimeSeconds, "une heure"),
            (SendingName::MailFrom, "pas une adresse"),
            (
                SendingName::SmtpUrl,
                "smtp://user:hunter2-pw@relay.example.fr",
            ),
        ];
        for (name, value) in bad {
            let expected = if name == SendingName::SmtpUrl {
                crate::error::ErrorKind::SmtpSettings
            } else {
                crate::error::ErrorKind::InvalidSetting
            };
            let error = crate::error::Error::from(name.check(value).expect_err(value));
            assert_eq!(error.kind(), expected, "{value}");
            assert!(!error.message().contains("hunter2-pw"));
            let error = crate::error::Error::from(
                SendingSettings::resolve(&values(&[(name, value)]), &SendingValues::default())
                    .expect_err(value),
            );
            assert_eq!(error.kind(), expected);
        }
        assert!(SendingName::parse("portail").is_err());
        assert_eq!(
            SendingName::parse("smtp_url").expect("known"),
            SendingName::SmtpUrl
        );
        assert_eq!(SendingName::PortalUrl.check("  ").expect("empty"), None);
    }
}
