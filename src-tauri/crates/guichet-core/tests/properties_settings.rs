//! Properties of this PC's settings (`settings.toml` and the variables over it) and of the
//! sending settings' values: nothing read panics, what is saved is read back unchanged, every
//! valid value is accepted as its canonical text and checked again to the same text, and an
//! invalid one is refused with the setting's name.

mod common;

use std::path::PathBuf;

use guichet_core::ErrorKind;
use guichet_core::config::{MAX_IDLE_LOCK_SECONDS, SETTINGS_FILE, Settings, StoredSettings};
use guichet_core::mail::sending::{
    DEFAULT_PORTAL_TIMEZONE, MAX_LINK_LIFETIME_SECONDS, MAX_SMTP_MAX_RATE, SendingForm,
    SendingName, SendingSettings, SendingValues,
};
use guichet_core::text::lifetime_in_words;
use proptest::prelude::*;

fn name() -> impl Strategy<Value = SendingName> {
    proptest::sample::select(SendingName::ALL.to_vec())
}

fn no_env(_: &str) -> Option<String> {
    None
}

/// A database address as agents write them, never with a password.
fn database_url() -> impl Strategy<Value = String> {
    prop_oneof![
        "sqlite:///[a-z0-9/._ -]{1,30}\\.sqlite",
        "postgres://([a-z]{1,8}@)?[a-z][a-z0-9.-]{0,20}(:[0-9]{2,5})?/[a-z_]{1,10}(\\?sslmode=(require|verify-full))?",
        // Anything a supervisor may type: it is checked when it is opened.
        common::messy_text(30).prop_filter("no password", |url| {
            url::Url::parse(url.trim()).map_or(true, |u| {
                u.password().is_none()
                    && !u
                        .query_pairs()
                        .any(|(k, _)| k.eq_ignore_ascii_case("password"))
            })
        }),
    ]
}

/// An idle lock no rule refuses: one second to a working day.
fn idle_lock() -> impl Strategy<Value = u32> {
    1u32..=MAX_IDLE_LOCK_SECONDS
}

/// A sender as the settings screen takes it: a bare address or `Name <address>`.
fn mail_from() -> impl Strategy<Value = String> {
    let address = "[a-z][a-z0-9_-]{0,8}(\\.[a-z0-9]{1,6})?@[a-z]([a-z0-9-]{0,8}[a-z0-9])?\\.(fr|com|education\\.fr)";
    prop_oneof![
        address.prop_map(|a| a.to_string()),
        ("[A-Za-z][A-Za-z0-9 ]{0,20}[A-Za-z0-9]", address).prop_map(|(n, a)| format!("{n} <{a}>")),
        ("[A-Za-zéèçà ,.-]{1,20}", address).prop_map(|(n, a)| format!("\"{n}\" <{a}>")),
    ]
}

fn timezone() -> impl Strategy<Value = chrono_tz::Tz> {
    proptest::sample::select(chrono_tz::TZ_VARIANTS.to_vec())
}

fn portal_url() -> impl Strategy<Value = String> {
    "https://[a-z][a-z0-9-]{0,10}(\\.[a-z][a-z0-9-]{0,10}){1,3}(:[0-9]{3,4})?(/[a-z]{1,6}){0,2}"
        .prop_filter("a valid host has no xn-- label", |url| {
            let host = url["https://".len()..]
                .split([':', '/'])
                .next()
                .unwrap_or("");
            common::no_ace_label(host)
        })
}

/// A sending form of valid values.
fn form() -> impl Strategy<Value = SendingForm> {
    (
        portal_url(),
        timezone(),
        1..=MAX_LINK_LIFETIME_SECONDS,
        mail_from(),
        proptest::option::of("smtps?://[a-z][a-z0-9.-]{0,15}(:[0-9]{2,4})?"),
        1..=MAX_SMTP_MAX_RATE,
        bounces(),
    )
        .prop_map(
            |(portal_url, tz, lifetime, mail_from, smtp_url, smtp_max_rate, bounces)| {
                let (bounce_address, bounce_verp, bounce_imap_host, bounce_imap_user, folders) =
                    bounces;
                SendingForm {
                    portal_url,
                    portal_timezone: tz.name().to_string(),
                    link_lifetime_seconds: lifetime,
                    mail_from,
                    smtp_url,
                    smtp_max_rate,
                    bounce_address,
                    bounce_verp,
                    bounce_imap_host,
                    bounce_imap_user,
                    bounce_imap_folder: folders.0,
                    bounce_imap_done_folder: folders.1,
                }
            },
        )
}

/// The bounce mailbox's settings, valid.
#[allow(clippy::type_complexity)]
fn bounces() -> impl Strategy<
    Value = (
        Option<String>,
        bool,
        Option<String>,
        Option<String>,
        (String, String),
    ),
> {
    (
        proptest::option::of("[a-z]{1,8}@[a-z]{1,8}\\.fr"),
        proptest::bool::ANY,
        proptest::option::of("[a-z][a-z0-9-]{0,10}\\.fr(:[1-9][0-9]{2,3})?"),
        proptest::option::of("[a-z][a-z0-9.@-]{0,15}"),
        ("INBOX(\\.[A-Za-z]{1,8})?", "[A-Z][A-Za-z0-9/-]{0,12}"),
    )
}

/// Reads back « 1 heure 05 », « 2 heures 1 minute et 3 secondes », « 45 minutes »…
fn seconds_in_words(words: &str) -> Option<u32> {
    let mut total = 0;
    let mut tokens = words.split(' ').filter(|t| *t != "et").peekable();
    while let Some(number) = tokens.next() {
        let n: u32 = number.parse().ok()?;
        let unit = tokens.next();
        // A unit agrees with its number: « 1 minute », « 2 minutes ».
        if unit.is_some_and(|unit| unit.ends_with('s') != (n > 1)) {
            return None;
        }
        total += match unit.map(|unit| unit.trim_end_matches('s')) {
            Some("heure") => n * 3_600,
            Some("minute") => n * 60,
            Some("seconde") => n,
            // « 1 heure 30 »: minutes after the hours, two digits, without their unit.
            None if number.len() == 2 => n * 60,
            _ => return None,
        };
    }
    Some(total)
}

#[test]
fn every_link_lifetime_reads_back_from_its_words() {
    // The whole range, since each costs a microsecond.
    for seconds in 1..=MAX_LINK_LIFETIME_SECONDS {
        let words = lifetime_in_words(seconds);
        assert_eq!(seconds_in_words(&words), Some(seconds), "{words}");
    }
}

proptest! {
    #![proptest_config(common::cases(256))]

    #[test]
    fn any_settings_file_is_read_or_refused_without_panicking(text in common::messy_text(80)) {
        let dir = tempfile::tempdir().expect("folder");
        std::fs::write(dir.path().join(SETTINGS_FILE), &text).expect("written");
        if let Err(error) = StoredSettings::load(dir.path()) {
            prop_assert_eq!(error.kind(), ErrorKind::InvalidSetting);
        }
    }

    #[test]
    fn settings_saved_are_read_back_unchanged(
        database_url in proptest::option::of(database_url()),
        idle_lock_seconds in proptest::option::of(idle_lock()),
    ) {
        let dir = tempfile::tempdir().expect("folder");
        let stored = StoredSettings { database_url, idle_lock_seconds };
        stored.save(dir.path()).expect("saved");
        prop_assert_eq!(StoredSettings::load(dir.path()).expect("read"), stored.clone());
        // Saved again, the file is byte for byte the same.
        let first = std::fs::read(dir.path().join(SETTINGS_FILE)).expect("file");
        StoredSettings::load(dir.path()).expect("read").save(dir.path()).expect("saved");
        prop_assert_eq!(std::fs::read(dir.path().join(SETTINGS_FILE)).expect("file"), first);
    }

    #[test]
    fn a_key_the_file_does_not_know_is_refused(
        key in "[a-z][a-z_]{0,15}",
        value in "(1|\"x\"|true|\\[\\])",
    ) {
        let known = [
            "database_url", "idle_lock_seconds", "portal_url", "portal_timezone",
            "link_lifetime_seconds", "mail_from", "smtp_url",
        ];
        prop_assume!(!known.contains(&key.as_str()));
        let dir = tempfile::tempdir().expect("folder");
        std::fs::write(dir.path().join(SETTINGS_FILE), format!("{key} = {value}\n")).expect("written");
        let error = StoredSettings::load(dir.path()).expect_err("unknown key");
        prop_assert_eq!(error.kind(), ErrorKind::InvalidSetting);
    }

    #[test]
    fn sending_settings_of_an_earlier_file_still_load_and_are_dropped(
        key in proptest::sample::select(vec![
            "portal_url", "portal_timezone", "link_lifetime_seconds", "mail_from", "smtp_url",
        ]),
        value in "(1|\"smtp://relais:25\"|true|\\[1, 2\\]|\\{ a = 1 \\})",
        idle in idle_lock(),
    ) {
        let dir = tempfile::tempdir().expect("folder");
        std::fs::write(
            dir.path().join(SETTINGS_FILE),
            format!("{key} = {value}\nidle_lock_seconds = {idle}\n"),
        )
        .expect("written");
        let stored = StoredSettings::load(dir.path()).expect("an earlier file loads");
        prop_assert_eq!(stored, StoredSettings { database_url: None, idle_lock_seconds: Some(idle) });
    }

    #[test]
    fn the_environment_overrides_the_file_and_is_checked(
        stored_idle in proptest::option::of(idle_lock()),
        env_idle in proptest::option::of(idle_lock()),
        padding in "[ \t]{0,2}",
        stored_url in proptest::option::of(database_url()),
        env_url in proptest::option::of(database_url()),
    ) {
        let stored = StoredSettings { database_url: stored_url.clone(), idle_lock_seconds: stored_idle };
        let env = |name: &str| match name {
            "GUICHET_IDLE_LOCK_SECONDS" => env_idle.map(|s| format!("{padding}{s}{padding}")),
            "GUICHET_DATABASE_URL" => env_url.clone().filter(|u| !u.trim().is_empty()),
            _ => None,
        };
        let settings = Settings::resolve(&stored, env, PathBuf::from("/tmp")).expect("valid");
        prop_assert_eq!(settings.idle_lock_seconds, env_idle.or(stored_idle).unwrap_or(600));
        let expected = env_url
            .filter(|u| !u.trim().is_empty())
            .or(stored_url.filter(|u| !u.trim().is_empty()))
            .map(|u| u.trim().to_string());
        prop_assert_eq!(&settings.database_url, &expected);
        // What the window shows as in effect resolves to the same settings.
        let shown = Settings::resolve(&settings.stored(), no_env, PathBuf::from("/tmp")).expect("valid");
        prop_assert_eq!(shown.idle_lock_seconds, settings.idle_lock_seconds);
        prop_assert_eq!(shown.database_url, settings.database_url);
    }

    #[test]
    fn an_idle_lock_is_accepted_exactly_from_one_second_to_a_working_day(seconds in any::<u32>()) {
        let valid = (1..=MAX_IDLE_LOCK_SECONDS).contains(&seconds);
        let env = |name: &str| (name == "GUICHET_IDLE_LOCK_SECONDS").then(|| seconds.to_string());
        let from_env = Settings::resolve(&StoredSettings::default(), env, PathBuf::from("/tmp"));
        let stored = StoredSettings { database_url: None, idle_lock_seconds: Some(seconds) };
        let from_file = Settings::resolve(&stored, no_env, PathBuf::from("/tmp"));
        let dir = tempfile::tempdir().expect("folder");
        let saved = stored.save(dir.path());
        for result in [from_env.map(|s| s.idle_lock_seconds), from_file.map(|s| s.idle_lock_seconds)] {
            match result {
                Ok(accepted) => prop_assert!(valid && accepted == seconds),
                Err(error) => prop_assert!(!valid && error.kind() == ErrorKind::InvalidSetting),
            }
        }
        prop_assert_eq!(saved.is_ok(), valid);
    }

    #[test]
    fn an_idle_lock_that_is_no_positive_number_is_refused_by_name(
        text in prop_oneof![
            Just("0".to_string()),
            "-[0-9]{1,6}",
            "[0-9]{0,3}[a-z ,.]{1,4}[0-9]{0,3}",
            "[0-9]{11,14}",
        ],
    ) {
        prop_assume!(!text.trim().is_empty() && text.trim().parse::<u32>().map_or(true, |s| s == 0));
        let env = |name: &str| (name == "GUICHET_IDLE_LOCK_SECONDS").then(|| text.clone());
        let error = Settings::resolve(&StoredSettings::default(), env, PathBuf::from("/tmp"))
            .expect_err("not a positive number");
        prop_assert_eq!(error.kind(), ErrorKind::InvalidSetting);
        prop_assert!(error.message().contains("GUICHET_IDLE_LOCK_SECONDS"), "{}", error.message());
    }
}

proptest! {
    #![proptest_config(common::cases(1024))]

    #[test]
    fn a_sending_value_never_panics_and_checks_again_to_itself(
        name in name(),
        value in common::messy_text(40),
    ) {
        match name.check(&value) {
            Ok(Some(checked)) => {
                prop_assert_eq!(name.check(&checked).ok(), Some(Some(checked.clone())));
                let mut values = SendingValues::default();
                values.set(name, Some(checked));
                prop_assert!(SendingSettings::resolve(&values, &SendingValues::default()).is_ok());
            }
            Ok(None) => prop_assert!(value.trim().is_empty()),
            Err(error) => prop_assert!(matches!(
                guichet_core::Error::from(error).kind(),
                ErrorKind::InvalidSetting | ErrorKind::SmtpSettings
            )),
        }
    }

    #[test]
    fn an_https_portal_is_kept_without_its_final_slashes(url in portal_url(), slashes in "/{0,3}") {
        let typed = format!(" {url}{slashes} ");
        prop_assert_eq!(SendingName::PortalUrl.check(&typed).ok().flatten(), Some(url));
    }

    #[test]
    fn a_portal_with_a_space_or_a_control_character_is_refused(
        url in portal_url(),
        at in any::<prop::sample::Index>(),
        odd in proptest::sample::select(vec![' ', '\t', '\n', '\u{0}', '\u{7f}', '\u{a0}', '\u{2003}']),
        slashes in "/{0,2}",
    ) {
        let at = "https://".len() + at.index(url.len() - "https://".len() + 1);
        let typed = format!("{}{odd}{}{slashes}", &url[..at], &url[at..]);
        let checked = SendingName::PortalUrl.check(&typed);
        // Spaces at either end are trimmed; anywhere else they stay in the links.
        if at == url.len() && odd.is_whitespace() && slashes.is_empty() {
            prop_assert_eq!(checked.ok().flatten(), Some(url));
        } else {
            prop_assert_eq!(guichet_core::Error::from(checked.expect_err("refused")).kind(), ErrorKind::InvalidSetting);
        }
    }

    #[test]
    fn a_portal_without_https_is_refused(
        url in portal_url(),
        scheme in "(http|ftp|HTTP|https:|)",
    ) {
        let typed = url.replacen("https://", &format!("{scheme}://"), 1);
        prop_assume!(!typed.to_ascii_lowercase().starts_with("https://"));
        let error = SendingName::PortalUrl.check(&typed).expect_err("not https");
        prop_assert_eq!(guichet_core::Error::from(error).kind(), ErrorKind::InvalidSetting);
        let no_scheme = &url["https://".len()..];
        prop_assert!(SendingName::PortalUrl.check(no_scheme).is_err());
    }

    #[test]
    fn every_time_zone_is_accepted_by_its_name(tz in timezone(), garble in "[^A-Za-z]{1,2}") {
        let name = SendingName::PortalTimezone;
        prop_assert_eq!(name.check(tz.name()).ok().flatten(), Some(tz.name().to_string()));
        let mut values = SendingValues::default();
        values.set(name, Some(tz.name().to_string()));
        let none = SendingValues::default();
        prop_assert_eq!(SendingSettings::resolve(&values, &none).expect("valid").portal_timezone, tz);
        prop_assert_eq!(SendingSettings::timezone(&values, &none).expect("valid"), tz);
        // A name that is no zone is refused, and never read as the default.
        let wrong = format!("{}{garble}", tz.name());
        prop_assume!(wrong.trim().parse::<chrono_tz::Tz>().is_err());
        values.set(name, Some(wrong.clone()));
        prop_assert!(name.check(&wrong).is_err());
        prop_assert!(SendingSettings::timezone(&values, &none).is_err());
        prop_assert_ne!(DEFAULT_PORTAL_TIMEZONE.name(), wrong.as_str());
    }

    #[test]
    fn a_lifetime_is_accepted_exactly_from_one_second_to_a_day(seconds in any::<u32>(), zeros in "0{0,3}") {
        let checked = SendingName::LinkLifetimeSeconds.check(&format!("{zeros}{seconds}"));
        if (1..=MAX_LINK_LIFETIME_SECONDS).contains(&seconds) {
            prop_assert_eq!(checked.ok().flatten(), Some(seconds.to_string()));
        } else {
            prop_assert_eq!(guichet_core::Error::from(checked.expect_err("out of range")).kind(), ErrorKind::InvalidSetting);
        }
    }

    #[test]
    fn a_sender_is_accepted_as_typed(from in mail_from()) {
        prop_assert_eq!(SendingName::MailFrom.check(&from).ok().flatten(), Some(from.clone()));
        // Anything after the address is refused: lettre would drop it silently.
        let error = SendingName::MailFrom.check(&format!("{from}, x@y.fr")).expect_err("two");
        prop_assert_eq!(guichet_core::Error::from(error).kind(), ErrorKind::InvalidSetting);
    }

    #[test]
    fn a_valid_form_is_stored_and_read_back_whole(form in form()) {
        let rows = form.checked().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut stored = SendingValues::default();
        for (name, value) in rows {
            stored.set(name, value);
        }
        let settings = SendingSettings::resolve(&SendingValues::default(), &stored).expect("valid");
        prop_assert_eq!(settings.form(), form);
    }

    #[test]
    fn an_override_wins_over_the_database_which_wins_over_the_default(
        stored_form in form(),
        override_form in form(),
        overridden in proptest::collection::vec(any::<bool>(), SendingName::ALL.len()),
        kept in proptest::collection::vec(any::<bool>(), SendingName::ALL.len()),
    ) {
        let (mut stored, mut overrides) = (SendingValues::default(), SendingValues::default());
        for (i, name) in SendingName::ALL.into_iter().enumerate() {
            if kept[i] {
                stored.set(name, stored_form.value(name));
            }
            if overridden[i] {
                overrides.set(name, override_form.value(name));
            }
        }
        let form = SendingSettings::resolve(&overrides, &stored).expect("valid").form();
        let defaults = SendingSettings::default().form();
        for (i, name) in SendingName::ALL.into_iter().enumerate() {
            let expected = overrides
                .get(name)
                .map(str::to_string)
                .or_else(|| stored.get(name).map(str::to_string))
                .or_else(|| defaults.value(name));
            prop_assert_eq!(form.value(name), expected, "{} ({})", name.name(), i);
        }
    }
}
