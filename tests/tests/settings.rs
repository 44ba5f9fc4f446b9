//! The settings screen's service on real databases, a real kernel keyring and a real SMTP
//! server: supervisors only, saved without passwords, secrets write-only, connections tested.

use guichet_core::agents::Session;
use guichet_core::audit::{AuditAction, AuditFilter};
use guichet_core::config::StoredSettings;
use guichet_core::keyring::Keyring;
use guichet_core::mail::sending::SendingForm;
use guichet_core::secrets::SecretName;
use guichet_core::{ErrorKind, Guichet, Settings};
use guichet_tests::smtp::Aiosmtpd;
use guichet_tests::{AGENT_PASSWORD, on_both_backends, team};

/// A supervisor and an agent of the team, signed in.
async fn signed_in(url: &str, data_dir: &std::path::Path) -> (Guichet, Session, Session) {
    let guichet = Guichet::open(
        Settings::with_defaults(Some(url.into()), data_dir.to_path_buf()),
        guichet_core::store::OpenMode::MustExist,
    )
    .await
    .expect("opened");
    let supervisor = team::first_supervisor(&guichet).await;
    team::add_members(&guichet, &supervisor, &[team::AGENT]).await;
    let agent = guichet
        .sign_in("camille", AGENT_PASSWORD)
        .await
        .expect("agent");
    (guichet, supervisor, agent)
}

on_both_backends!(keyring only_supervisors_see_and_change_the_settings, |db| {
    let dir = tempfile::tempdir().expect("folder");
    let (guichet, supervisor, agent) = signed_in(&db.url, dir.path()).await;
    let view = guichet.settings_view(&supervisor).await.expect("view");
    assert_eq!(view.keyring, "keyutils");
    assert!(view.secrets.iter().all(|s| !s.set));
    let refusals = [
        guichet.settings_view(&agent).await.map(|_| ()),
        guichet.save_settings(&agent, StoredSettings::default(), view.sending.clone()).await.map(|_| ()),
        guichet.set_sending_setting(&agent, "portal_url", "https://ailleurs.example").await.map(|_| ()),
        guichet.set_secret(&agent, "portal-signing-key", "x".into()).await.map(|_| ()),
        guichet.test_database(&agent, None).await.map(|_| ()),
        guichet.test_smtp(&agent, None).await.map(|_| ()),
    ];
    for refusal in refusals {
        let error = refusal.expect_err("refused");
        assert_eq!(error.kind(), ErrorKind::Forbidden);
        assert!(error.message().contains("modifier les réglages"));
    }
});

on_both_backends!(keyring settings_are_saved_without_passwords_and_journaled, |db| {
    let dir = tempfile::tempdir().expect("folder");
    let (guichet, supervisor, _) = signed_in(&db.url, dir.path()).await;
    let view = guichet.settings_view(&supervisor).await.expect("view");
    assert_eq!(view.sending.portal_url, "https://auth.siec.education.fr");
    assert_eq!(view.sending.link_lifetime_seconds, 3_600);
    assert_eq!(view.sending.smtp_url, None);
    // This PC's settings go to settings.toml; the sending settings to the database.
    let values = StoredSettings { idle_lock_seconds: Some(300), ..view.values.clone() };
    let sending = SendingForm { smtp_url: Some("smtp://127.0.0.1:2525".into()), link_lifetime_seconds: 1_800, ..view.sending.clone() };
    let message = guichet.save_settings(&supervisor, values.clone(), sending.clone()).await.expect("saved");
    assert!(message.contains("prochain démarrage"), "{message}");
    assert_eq!(StoredSettings::load(dir.path()).expect("file"), values);
    assert_eq!(Settings::from_env_in(dir.path()).idle_lock_seconds, 300);
    let file = std::fs::read_to_string(dir.path().join("settings.toml")).expect("file");
    assert!(!file.contains("smtp"), "{file}");
    let stored = guichet.sending_settings().await.expect("the database's");
    assert_eq!(stored.link_lifetime_seconds, 1_800);
    assert_eq!(stored.smtp_url.as_deref(), Some("smtp://127.0.0.1:2525"));
    assert_eq!(guichet.settings_view(&supervisor).await.expect("view").sending, sending);

    let leaky = StoredSettings { database_url: Some("postgres://guichet:hunter2-db@db.example/siec".into()), ..values.clone() };
    let error = guichet.save_settings(&supervisor, leaky, sending.clone()).await.expect_err("password in a URL");
    assert_eq!(error.kind(), ErrorKind::InvalidSetting);
    assert!(!error.message().contains("hunter2-db"));
    let bad = SendingForm { portal_timezone: "Europe/Paname".into(), ..sending.clone() };
    assert_eq!(guichet.save_settings(&supervisor, values.clone(), bad).await.expect_err("bad zone").kind(), ErrorKind::InvalidSetting);
    let http = SendingForm { portal_url: "http://auth.siec.education.fr".into(), ..sending.clone() };
    let error = guichet.save_settings(&supervisor, values.clone(), http).await.expect_err("not https");
    assert!(error.message().contains("https"), "{}", error.message());
    assert_eq!(StoredSettings::load(dir.path()).expect("file"), values, "refused settings are not written");
    assert_eq!(guichet.sending_settings().await.expect("the database's").link_lifetime_seconds, 1_800, "nor stored");

    let journal = guichet.audit_entries(&supervisor, &AuditFilter { action: Some(AuditAction::SettingsChanged), ..Default::default() }).await.expect("journal");
    assert_eq!(journal.len(), 2, "the database's settings and this PC's: {journal:?}");
    assert!(journal.iter().any(|e| e.changes.iter().any(|c| c.field == "link_lifetime_seconds" && c.before.as_deref() == Some("3600") && c.after.as_deref() == Some("1800"))), "{journal:?}");
    // One setting from the command line's entry point, back to its default when empty.
    let form = guichet.set_sending_setting(&supervisor, "link_lifetime_seconds", "").await.expect("default again");
    assert_eq!(form.link_lifetime_seconds, 3_600);
    let error = guichet.set_sending_setting(&supervisor, "portail", "x").await.expect_err("unknown name");
    assert_eq!(error.kind(), ErrorKind::InvalidSetting);
});

on_both_backends!(keyring secrets_go_to_the_keyring_and_never_to_the_journal, |db| {
    let dir = tempfile::tempdir().expect("folder");
    let (guichet, supervisor, _) = signed_in(&db.url, dir.path()).await;
    let message = guichet.set_secret(&supervisor, "portal-signing-key", "Kernel-Secret-Value-42".into()).await.expect("stored");
    assert!(message.contains("keyutils"));
    let stored = Keyring::from_env().expect("keyring").get(SecretName::PortalSigningKey).expect("read").expect("present");
    assert_eq!(stored.expose(), "Kernel-Secret-Value-42");
    assert!(guichet.settings_view(&supervisor).await.expect("view").secrets.iter().any(|s| s.name == "portal-signing-key" && s.set));
    let unknown = guichet.set_secret(&supervisor, "root-password", "x".into()).await.expect_err("unknown");
    assert_eq!(unknown.kind(), ErrorKind::InvalidSetting);
    let journal = guichet.audit_entries(&supervisor, &AuditFilter::default()).await.expect("journal");
    let text = format!("{journal:?}");
    assert!(text.contains("portal-signing-key"));
    assert!(!text.contains("Kernel-Secret-Value-42"));
    for entry in std::fs::read_dir(dir.path()).expect("folder") {
        let bytes = std::fs::read(entry.expect("entry").path()).unwrap_or_default();
        assert!(!String::from_utf8_lossy(&bytes).contains("Kernel-Secret-Value-42"));
    }
});

on_both_backends!(keyring connection_tests_say_what_answers_and_what_does_not, |db| {
    let dir = tempfile::tempdir().expect("folder");
    let (guichet, supervisor, _) = signed_in(&db.url, dir.path()).await;
    let ok = guichet.test_database(&supervisor, None).await.expect("the database in use answers");
    assert!(ok.starts_with("Connexion réussie"), "{ok}");
    let down = guichet.test_database(&supervisor, Some("postgres://postgres@127.0.0.1:1/siec".into())).await.expect_err("down");
    assert_eq!(down.kind(), ErrorKind::DatabaseUnreachable);
    let server = Aiosmtpd::start();
    let smtp = guichet.test_smtp(&supervisor, Some(server.url())).await.expect("SMTP answers");
    assert!(smtp.starts_with("Connexion réussie"), "{smtp}");
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("address").port();
    let error = guichet.test_smtp(&supervisor, Some(format!("smtp://127.0.0.1:{port}"))).await.expect_err("no server");
    assert_eq!(error.kind(), ErrorKind::SmtpUnreachable);
    let none = guichet.test_smtp(&supervisor, None).await.expect("no SMTP configured");
    assert!(none.contains(".eml") || none.contains("fichiers") || none.contains("écrits"), "{none}");
});

on_both_backends!(keyring the_smtp_password_goes_only_to_the_configured_server, |db| {
    let dir = tempfile::tempdir().expect("folder");
    let (guichet, supervisor, _) = signed_in(&db.url, dir.path()).await;
    // A host that would take the password: it listens, and must never see a connection.
    let lure = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    lure.set_nonblocking(true).expect("non-blocking");
    let lure_port = lure.local_addr().expect("address").port();
    guichet
        .set_sending_setting(&supervisor, "smtp_url", "smtp://guichet@127.0.0.1:2525")
        .await
        .expect("configured server");
    guichet.set_secret(&supervisor, "smtp-password", "Relais-Secret-42".into()).await.expect("stored");
    for typed in [
        format!("smtp://guichet@127.0.0.1:{lure_port}"),
        "smtp://autre@127.0.0.1:2525".to_string(),
        "smtp://guichet@localhost:2525".to_string(),
    ] {
        let error = guichet.test_smtp(&supervisor, Some(typed.clone())).await.expect_err(&typed);
        assert_eq!(error.kind(), ErrorKind::SmtpPasswordElsewhere, "{typed}");
        assert!(error.message().contains("127.0.0.1:2525"), "{}", error.message());
        assert!(!error.message().contains("Relais-Secret-42"));
    }
    assert_eq!(
        lure.accept().map(|_| ()).map_err(|e| e.kind()),
        Err(std::io::ErrorKind::WouldBlock),
        "nothing connected to the other host"
    );
    // Without a user, a typed server is tested without the password.
    let server = Aiosmtpd::start();
    let plain = guichet.test_smtp(&supervisor, Some(server.url())).await.expect("no password needed");
    assert!(plain.starts_with("Connexion réussie"), "{plain}");
});

on_both_backends!(
    a_typed_database_address_with_a_password_is_refused_unread,
    |db| {
        let dir = tempfile::tempdir().expect("folder");
        let (guichet, supervisor, _) = signed_in(&db.url, dir.path()).await;
        let error = guichet
            .test_database(
                &supervisor,
                Some("postgres://postgres:Base-Secret-42@127.0.0.1/siec".into()),
            )
            .await
            .expect_err("refused");
        assert_eq!(error.kind(), ErrorKind::InvalidSetting);
        assert!(error.message().contains("trousseau"), "{}", error.message());
        assert!(
            !error.message().contains("Base-Secret-42")
                && !error.to_string().contains("Base-Secret-42")
        );
    }
);
