//! Properties of the database addresses (`GUICHET_DATABASE_URL`, `database_url` in
//! settings.toml, the embedded demo database's): whatever is typed, opening it answers with a
//! reason instead of panicking; a SQLite address opens the very file it names; the mode a
//! PostgreSQL address implies is read from its user alone; and a password in one is refused.
//!
//! No case reaches a PostgreSQL server: those addresses are only read, never connected to.

mod common;

use std::path::{Path, PathBuf};

use guichet_core::config::{Settings, StoredSettings};
use guichet_core::store::{OpenMode, Store, names_no_user};
use guichet_core::{Error, ErrorKind};
use proptest::prelude::*;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

/// Opens `url` if it exists, without creating anything.
fn open(runtime: &tokio::runtime::Runtime, url: &str) -> Result<(), Error> {
    runtime.block_on(async {
        let store = Store::connect(url, OpenMode::MustExist).await?;
        store.close().await;
        Ok(())
    })
}

/// A file name as a person or a folder picker writes one: on Windows, which drops a name's
/// trailing dots, not ending in one either.
fn file_name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9àéèçô _.,'()+-]{1,20}".prop_filter("a plain name", |n| {
        !n.starts_with('.')
            && !n.ends_with(' ')
            && !n.contains("..")
            && (cfg!(not(windows)) || !n.ends_with('.'))
    })
}

fn postgres_url() -> impl Strategy<Value = (String, bool)> {
    (
        "(postgres|postgresql)",
        proptest::option::of("[a-z_][a-z0-9_]{0,10}"),
        "[a-z][a-z0-9-]{0,12}(\\.[a-z][a-z0-9-]{0,8}){0,2}"
            .prop_filter("valid labels", |host: &String| common::no_ace_label(host)),
        proptest::option::of(1u16..),
        "[a-z_]{1,10}",
        "(\\?sslmode=(disable|require|verify-full)(&sslrootcert=/etc/ssl/ca\\.pem)?)?",
    )
        .prop_map(|(scheme, user, host, port, db, params)| {
            let named = user.is_some();
            let user = user.map(|u| format!("{u}@")).unwrap_or_default();
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            (format!("{scheme}://{user}{host}{port}/{db}{params}"), named)
        })
}

proptest! {
    #![proptest_config(common::cases(256))]

    #[test]
    fn any_address_is_answered_without_panicking(
        scheme in proptest::sample::select(vec!["", "sqlite:", "sqlite://", "sqlite:///", "mysql://", "http://", "file:", "SQLITE://", "c:\\"]),
        rest in common::messy_text(30).prop_filter("stays in its folder", |r| !r.contains("..")),
    ) {
        let runtime = runtime();
        let dir = tempfile::tempdir().expect("folder");
        // A SQLite path is anchored in an empty folder, so that no case opens a real file.
        let url = if scheme.starts_with("sqlite") {
            format!("sqlite://{}/{rest}", dir.path().display())
        } else {
            format!("{scheme}{rest}")
        };
        prop_assume!(!url.trim_start().to_ascii_lowercase().starts_with("postgres"));
        if let Err(error) = open(&runtime, &url) {
            prop_assert!(
                matches!(
                    error.kind(),
                    ErrorKind::InvalidDatabaseUrl
                        | ErrorKind::SqliteFileMissing
                        | ErrorKind::DatabaseUnreachable
                        // The folder itself, which SQLite cannot open.
                        | ErrorKind::Database
                ),
                "{url:?}: {error}"
            );
        }
        // Nothing was created.
        prop_assert_eq!(std::fs::read_dir(dir.path()).expect("folder").count(), 0);
    }

    #[test]
    fn another_scheme_is_refused_by_name(
        scheme in "[a-z][a-z0-9]{0,8}",
        rest in "[a-z0-9/.:@]{0,20}",
    ) {
        prop_assume!(!["sqlite", "postgres", "postgresql"].contains(&scheme.as_str()));
        let error = open(&runtime(), &format!("{scheme}:{rest}")).expect_err("refused");
        prop_assert_eq!(error.kind(), ErrorKind::InvalidDatabaseUrl);
        prop_assert!(error.message().contains(&scheme), "{}", error.message());
    }

    #[test]
    fn a_sqlite_address_names_the_very_file(name in file_name()) {
        let runtime = runtime();
        let dir = tempfile::tempdir().expect("folder");
        let path = dir.path().join(&name);
        let url = format!("sqlite://{}", path.display());
        match open(&runtime, &url) {
            Err(Error::SqliteFileMissing(missing)) => prop_assert_eq!(&missing, &path),
            other => prop_assert!(false, "{url}: {other:?}"),
        }
        // Created from the same address, the file is where the address said.
        runtime.block_on(async {
            let store = Store::connect(&url, OpenMode::CreateIfMissing).await.expect("created");
            store.close().await;
        });
        prop_assert!(path.is_file(), "{}", path.display());
        prop_assert!(open(&runtime, &url).is_ok());
    }

    #[test]
    fn the_demo_database_is_where_its_folder_says(
        folder in "[A-Za-z0-9é _.%?#&=+-]{1,16}".prop_filter("a plain name", |n| !n.starts_with('.')),
    ) {
        let runtime = runtime();
        let dir = tempfile::tempdir().expect("folder");
        let settings = Settings::with_defaults(None, dir.path().join(&folder));
        let expected: PathBuf = settings.embedded_database_path();
        match open(&runtime, &settings.effective_database_url()) {
            Err(Error::SqliteFileMissing(missing)) => prop_assert_eq!(missing, expected),
            other => prop_assert!(false, "{}: {other:?}", settings.effective_database_url()),
        }
    }

    #[test]
    fn a_shared_database_is_told_by_its_address_naming_no_user((url, named) in postgres_url()) {
        prop_assert_eq!(names_no_user(&url), !named, "{}", url);
        let sqlite = format!("sqlite:///{}", url.replace("://", "/"));
        prop_assert!(!names_no_user(&sqlite));
    }

    #[test]
    fn a_password_in_an_address_is_never_saved_nor_repeated(
        (url, _) in postgres_url(),
        password in "pw-[A-Za-z0-9]{8}",
    ) {
        let leaky = url.replacen("://", &format!("://guichet:{password}@"), 1);
        let leaky = match leaky.find('@') {
            // A user was already there: keep one.
            Some(at) if leaky[at + 1..].contains('@') => {
                let second = at + 1 + leaky[at + 1..].find('@').expect("second");
                format!("{}{}", &leaky[..at + 1], &leaky[second + 1..])
            }
            _ => leaky,
        };
        prop_assert_eq!(url::Url::parse(&leaky).ok().and_then(|u| u.password().map(str::to_owned)), Some(password.clone()));
        let dir = tempfile::tempdir().expect("folder");
        let stored = StoredSettings { database_url: Some(leaky.clone()), idle_lock_seconds: None };
        let error = stored.save(dir.path()).expect_err("a password");
        prop_assert_eq!(error.kind(), ErrorKind::InvalidSetting);
        prop_assert!(!error.message().contains(&password));
        prop_assert!(!error.to_string().contains(&password));
        prop_assert!(!dir.path().join(guichet_core::config::SETTINGS_FILE).exists());
        prop_assert!(!has_file_containing(dir.path(), &password));
    }
}

proptest! {
    #![proptest_config(common::cases(256))]

    #[test]
    fn a_password_in_an_address_is_refused_wherever_it_comes_from(
        (url, _) in postgres_url(),
        password in "pw-[A-Za-z0-9]{8}",
        in_query in any::<bool>(),
    ) {
        let leaky = if in_query {
            let separator = if url.contains('?') { '&' } else { '?' };
            format!("{url}{separator}password={password}")
        } else {
            let (scheme, rest) = url.split_once("://").expect("a scheme");
            let host = rest.split_once('@').map_or(rest, |(_, host)| host);
            format!("{scheme}://guichet:{password}@{host}")
        };
        let env = |name: &str| (name == "GUICHET_DATABASE_URL").then(|| leaky.clone());
        let stored = StoredSettings { database_url: Some(leaky.clone()), idle_lock_seconds: None };
        for result in [
            Settings::resolve(&StoredSettings::default(), env, PathBuf::from("/tmp")),
            Settings::resolve(&stored, |_| None, PathBuf::from("/tmp")),
        ] {
            let error = result.expect_err("a password");
            prop_assert_eq!(error.kind(), ErrorKind::InvalidSetting);
            prop_assert!(!error.message().contains(&password));
            prop_assert!(!error.to_string().contains(&password));
        }
        // Without its password, the same address is taken.
        let env = |name: &str| (name == "GUICHET_DATABASE_URL").then(|| url.clone());
        prop_assert!(Settings::resolve(&StoredSettings::default(), env, PathBuf::from("/tmp")).is_ok());
    }
}

fn has_file_containing(dir: &Path, needle: &str) -> bool {
    std::fs::read_dir(dir).expect("folder").any(|entry| {
        std::fs::read_to_string(entry.expect("entry").path())
            .is_ok_and(|text| text.contains(needle))
    })
}
