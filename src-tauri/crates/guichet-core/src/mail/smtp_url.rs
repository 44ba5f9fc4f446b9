//! Where the SMTP server is and how to reach it, read from its URL.
//!
//! `GUICHET_SMTP_URL`, in lettre's own URL convention:
//! - `smtp://host[:port]`: plain SMTP, never encrypted (default port 25), for a relay on this
//!   machine or a trusted network;
//! - `smtp://host[:port]?tls=starttls`: STARTTLS required, the connection fails if the server does
//!   not offer it (default port 587);
//! - `smtps://host[:port]`: implicit TLS (default port 465).
//!
//! Certificates are checked against the Mozilla roots (`webpki-roots`). A user name may be given
//! (`smtp://user@host`, `%40` for an `@` in it); a password never: it comes from the keyring. A
//! user over plain `smtp://` is refused unless the server is on this machine: the password would
//! cross the network in clear.

use std::time::Duration;

/// The environment variable holding the SMTP server's URL.
pub const URL_VARIABLE: &str = "GUICHET_SMTP_URL";
/// Connections kept open and used at the same time, unless the caller chooses.
pub const DEFAULT_CONCURRENCY: usize = 8;
/// Limit for opening a connection, and for each message's exchange.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// No encryption at all.
    Plain,
    /// Plain connection upgraded with STARTTLS, which the server must offer.
    StartTls,
    /// TLS from the first byte.
    ImplicitTls,
}

/// Where and how to reach the SMTP server; the password is not part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: Option<String>,
    /// Connections kept open and used in parallel.
    pub concurrency: usize,
    /// Limit for opening a connection, and for each message's exchange.
    pub timeout: Duration,
}

impl SmtpConfig {
    /// Whether the server is on this machine (`localhost`, 127.0.0.0/8, `::1`).
    pub fn is_loopback(&self) -> bool {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    /// Reads a URL of the forms the module's documentation lists.
    pub fn parse(text: &str) -> Result<SmtpConfig, SmtpConfigError> {
        // The text may hold a password: no error repeats it.
        let url = url::Url::parse(text.trim()).map_err(|_| SmtpConfigError::Unparseable)?;
        if url.password().is_some() {
            return Err(SmtpConfigError::PasswordInUrl);
        }
        let mut security = match url.scheme() {
            "smtp" => Security::Plain,
            "smtps" => Security::ImplicitTls,
            scheme => {
                return Err(SmtpConfigError::UnsupportedScheme {
                    scheme: scheme.to_owned(),
                });
            }
        };
        for (name, value) in url.query_pairs() {
            match (&*name, &*value, security) {
                ("tls", "starttls", Security::Plain) => security = Security::StartTls,
                _ => {
                    return Err(SmtpConfigError::UnknownParameter {
                        name: name.into_owned(),
                    });
                }
            }
        }
        if !matches!(url.path(), "" | "/") || url.fragment().is_some() {
            return Err(SmtpConfigError::UnexpectedPath);
        }
        let host = match url.host() {
            Some(url::Host::Domain(domain)) if !domain.is_empty() => domain.to_owned(),
            Some(url::Host::Ipv4(address)) => address.to_string(),
            Some(url::Host::Ipv6(address)) => address.to_string(),
            _ => return Err(SmtpConfigError::MissingHost),
        };
        let user = match url.username() {
            "" => None,
            user => Some(
                percent_encoding::percent_decode_str(user)
                    .decode_utf8()
                    .map_err(|_| SmtpConfigError::Unparseable)?
                    .into_owned(),
            ),
        };
        let loopback = host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|address| address.is_loopback());
        if user.is_some() && security == Security::Plain && !loopback {
            return Err(SmtpConfigError::CredentialsInClear);
        }
        let port = url.port().unwrap_or(match security {
            Security::Plain => 25,
            Security::StartTls => 587,
            Security::ImplicitTls => 465,
        });
        Ok(SmtpConfig {
            host,
            port,
            security,
            user,
            concurrency: DEFAULT_CONCURRENCY,
            timeout: DEFAULT_TIMEOUT,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmtpConfigError {
    #[error("the SMTP URL cannot be parsed")]
    Unparseable,
    #[error("unsupported SMTP URL scheme {scheme:?} (expected smtp or smtps)")]
    UnsupportedScheme { scheme: String },
    #[error("the SMTP URL holds a password")]
    PasswordInUrl,
    #[error("the SMTP URL has no host")]
    MissingHost,
    #[error("unknown SMTP URL parameter {name:?} (only tls=starttls on smtp://)")]
    UnknownParameter { name: String },
    #[error("the SMTP URL has a path or a fragment")]
    UnexpectedPath,
    #[error("a user over plain SMTP to another machine would send the password in clear")]
    CredentialsInClear,
    #[error("the SMTP URL names user {user:?} but no password was given")]
    MissingPassword { user: String },
    #[error("an SMTP password was given but the URL names no user")]
    MissingUser,
    #[error("TLS cannot be set up: {0}")]
    Tls(String),
}

impl SmtpConfigError {
    pub fn message(&self) -> String {
        const FORMS: &str = "smtp://serveur:25, smtp://serveur:587?tls=starttls ou \
                             smtps://utilisateur@serveur:465";
        match self {
            SmtpConfigError::Unparseable => format!(
                "L’adresse du serveur de courriel (GUICHET_SMTP_URL) n’est pas lisible\u{a0}: écrivez-la \
                 sous la forme {FORMS}."
            ),
            SmtpConfigError::UnsupportedScheme { scheme } => format!(
                "L’adresse du serveur de courriel commence par «\u{a0}{scheme}://\u{a0}»\u{a0}: seuls smtp:// et \
                 smtps:// sont possibles ({FORMS})."
            ),
            SmtpConfigError::PasswordInUrl => {
                "L’adresse du serveur de courriel contient un mot de passe\u{a0}: retirez-le de \
                 GUICHET_SMTP_URL et enregistrez-le dans le trousseau (guichet-admin secret set \
                 smtp-password)."
                    .into()
            }
            SmtpConfigError::MissingHost => {
                format!("L’adresse du serveur de courriel ne nomme aucun serveur ({FORMS}).")
            }
            SmtpConfigError::UnknownParameter { name } => format!(
                "Le paramètre «\u{a0}{name}\u{a0}» de l’adresse du serveur de courriel est inconnu\u{a0}: seul \
                 ?tls=starttls est possible, après smtp://."
            ),
            SmtpConfigError::UnexpectedPath => format!(
                "L’adresse du serveur de courriel ne doit contenir que le serveur et le port \
                 ({FORMS})."
            ),
            SmtpConfigError::CredentialsInClear => {
                "Avec un utilisateur, la connexion au serveur de courriel doit être chiffrée\u{a0}: \
                 écrivez smtps://utilisateur@serveur ou smtp://utilisateur@serveur?tls=starttls."
                    .into()
            }
            SmtpConfigError::MissingPassword { user } => format!(
                "Aucun mot de passe n’est enregistré pour l’utilisateur «\u{a0}{user}\u{a0}» du serveur de \
                 courriel\u{a0}: enregistrez-le dans le trousseau (guichet-admin secret set \
                 smtp-password)."
            ),
            SmtpConfigError::MissingUser => {
                "Un mot de passe du serveur de courriel est enregistré, mais l’adresse ne nomme \
                 aucun utilisateur\u{a0}: écrivez-la sous la forme smtps://utilisateur@serveur."
                    .into()
            }
            SmtpConfigError::Tls(_) => {
                "Le chiffrement de la connexion au serveur de courriel n’a pas pu être préparé\u{a0}: \
                 contactez l’équipe technique."
                    .into()
            }
        }
    }
}
