//! Properties of the SMTP URL parser (`GUICHET_SMTP_URL`, the `smtp_url` sending setting): it
//! never panics, reads back every server, port, security and user it is given, refuses what the
//! module's documentation does not list, and never takes nor repeats a password.

mod common;

use std::net::{Ipv4Addr, Ipv6Addr};

use guichet_core::mail::sending::SendingName;
use guichet_core::mail::smtp_url::{Security, SmtpConfig, SmtpConfigError};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Host {
    Domain(String),
    V4(Ipv4Addr),
    V6(Ipv6Addr),
    Localhost,
}

impl Host {
    /// As the URL writes it.
    fn in_url(&self) -> String {
        match self {
            Host::Domain(domain) => domain.clone(),
            Host::V4(address) => address.to_string(),
            Host::V6(address) => format!("[{address}]"),
            Host::Localhost => "localhost".into(),
        }
    }

    /// As the configuration holds it.
    fn parsed(&self) -> String {
        match self {
            Host::V6(address) => address.to_string(),
            other => other.in_url(),
        }
    }

    fn is_loopback(&self) -> bool {
        match self {
            Host::Domain(_) => false,
            Host::V4(address) => address.is_loopback(),
            Host::V6(address) => address.is_loopback(),
            Host::Localhost => true,
        }
    }
}

fn host() -> impl Strategy<Value = Host> {
    prop_oneof![
        3 => "[a-z][a-z0-9-]{0,12}(\\.[a-z][a-z0-9-]{0,12}){0,3}"
            .prop_filter("valid labels", |host: &String| common::no_ace_label(host))
            .prop_map(Host::Domain),
        1 => any::<[u8; 4]>().prop_map(|o| Host::V4(Ipv4Addr::from(o))),
        1 => (1u8..=255, 0u8..=255, 0u8..=255).prop_map(|(b, c, d)| Host::V4(Ipv4Addr::new(127, b, c, d))),
        1 => any::<[u16; 8]>().prop_map(|s| Host::V6(Ipv6Addr::from(s))),
        1 => Just(Host::V6(Ipv6Addr::LOCALHOST)),
        1 => Just(Host::Localhost),
    ]
}

fn security() -> impl Strategy<Value = Security> {
    proptest::sample::select(vec![
        Security::Plain,
        Security::StartTls,
        Security::ImplicitTls,
    ])
}

/// The URL of a server, in the forms `transport.rs` documents.
fn url(host: &Host, port: Option<u16>, security: Security, user: Option<&str>) -> String {
    let scheme = if security == Security::ImplicitTls {
        "smtps"
    } else {
        "smtp"
    };
    let user = user
        .map(|u| format!("{}@", utf8_percent_encode(u, NON_ALPHANUMERIC)))
        .unwrap_or_default();
    let port = port.map(|p| format!(":{p}")).unwrap_or_default();
    let query = if security == Security::StartTls {
        "?tls=starttls"
    } else {
        ""
    };
    format!("{scheme}://{user}{}{port}{query}", host.in_url())
}

proptest! {
    #![proptest_config(common::cases(2048))]

    #[test]
    fn never_panics_and_never_keeps_a_password(input in common::messy_text(60)) {
        if let Ok(config) = SmtpConfig::parse(&input) {
            prop_assert!(!config.host.is_empty());
            let parsed = url::Url::parse(input.trim()).expect("accepted only if a URL");
            prop_assert_eq!(parsed.password(), None);
        }
    }

    #[test]
    fn never_panics_on_near_urls(
        scheme in "(smtp|smtps|SMTP|http|)",
        rest in common::messy_text(40),
    ) {
        let _ = SmtpConfig::parse(&format!("{scheme}://{rest}"));
    }

    #[test]
    fn every_server_port_security_and_user_reads_back(
        host in host(),
        port in proptest::option::of(any::<u16>()),
        security in security(),
        user in proptest::option::of(common::messy_text(12).prop_filter("a user", |u| !u.is_empty())),
    ) {
        let text = url(&host, port, security, user.as_deref());
        let result = SmtpConfig::parse(&text);
        if user.is_some() && security == Security::Plain && !host.is_loopback() {
            prop_assert_eq!(result, Err(SmtpConfigError::CredentialsInClear), "{}", text);
            return Ok(());
        }
        let config = result.map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(&config.host, &host.parsed());
        let default_port = match security {
            Security::Plain => 25,
            Security::StartTls => 587,
            Security::ImplicitTls => 465,
        };
        prop_assert_eq!(config.port, port.unwrap_or(default_port));
        prop_assert_eq!(config.security, security);
        prop_assert_eq!(config.user.as_deref(), user.as_deref());
        prop_assert_eq!(config.is_loopback(), host.is_loopback());
        // Spaces around it change nothing, and the sending setting keeps it as typed.
        prop_assert_eq!(SmtpConfig::parse(&format!("  {text}\n")), Ok(config));
        prop_assert_eq!(SendingName::SmtpUrl.check(&format!(" {text} ")).ok().flatten(), Some(text));
    }

    #[test]
    fn a_password_is_refused_and_never_repeated(
        host in host(),
        security in security(),
        user in "[a-z]{0,8}",
        password in "pw-[A-Za-z0-9]{8}",
    ) {
        let text = url(&host, None, security, None)
            .replacen("://", &format!("://{user}:{password}@"), 1);
        let error = SmtpConfig::parse(&text).expect_err("a password");
        prop_assert_eq!(&error, &SmtpConfigError::PasswordInUrl);
        prop_assert!(!error.message().contains(&password));
        prop_assert!(!error.to_string().contains(&password));
        let error = guichet_core::Error::from(SendingName::SmtpUrl.check(&text).expect_err("a password"));
        prop_assert!(!error.message().contains(&password));
        prop_assert!(!error.to_string().contains(&password));
    }

    #[test]
    fn other_schemes_parameters_and_paths_are_refused(
        host in host(),
        scheme in "[a-z][a-z0-9+.-]{0,8}",
        name in "[a-z]{1,8}",
        value in "[a-z0-9]{0,8}",
        path in "/[a-z0-9]{1,8}",
    ) {
        let server = host.in_url();
        if scheme != "smtp" && scheme != "smtps" {
            prop_assert_eq!(
                SmtpConfig::parse(&format!("{scheme}://{server}")),
                Err(SmtpConfigError::UnsupportedScheme { scheme: scheme.clone() })
            );
        }
        prop_assume!(!(name == "tls" && value == "starttls"));
        prop_assert_eq!(
            SmtpConfig::parse(&format!("smtp://{server}?{name}={value}")),
            Err(SmtpConfigError::UnknownParameter { name: name.clone() })
        );
        // STARTTLS is an upgrade of plain SMTP only.
        prop_assert_eq!(
            SmtpConfig::parse(&format!("smtps://{server}?tls=starttls")),
            Err(SmtpConfigError::UnknownParameter { name: "tls".into() })
        );
        prop_assert_eq!(
            SmtpConfig::parse(&format!("smtp://{server}{path}")),
            Err(SmtpConfigError::UnexpectedPath)
        );
        prop_assert_eq!(
            SmtpConfig::parse(&format!("smtp://{server}#{value}")),
            Err(SmtpConfigError::UnexpectedPath)
        );
    }
}
