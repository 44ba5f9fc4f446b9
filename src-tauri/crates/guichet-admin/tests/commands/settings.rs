//! `settings set` and `settings show`: the database's sending settings from the command line,
//! supervisors only, checked (https only), journaled, and read by the sender: the e-mail says
//! the lifetime set, in words.

use guichet_tests::{AGENT_PASSWORD, SUPERVISOR_PASSWORD, on_both_backends};
use serde_json::json;

use crate::{HENRI_IV, admin, desk};

on_both_backends!(
    sending_settings_are_set_checked_and_followed_by_the_sender,
    |db| {
        desk(&db);
        let url = db.url.as_str();
        let shown = admin(url, &["settings", "show"]).run();
        assert_eq!(
            shown.ok(),
            &json!({
                "portal_url": "https://auth.siec.education.fr",
                "portal_timezone": "Europe/Paris",
                "link_lifetime_seconds": 3600,
                "mail_from": "SIEC - Maison des examens <ne-pas-repondre@siec.education.fr>",
                "smtp_url": null,
                "smtp_max_rate": 300,
                "bounce_address": null,
                "bounce_verp": true,
                "bounce_imap_host": null,
                "bounce_imap_user": null,
                "bounce_imap_folder": "INBOX",
                "bounce_imap_done_folder": "Guichet",
            })
        );
        let sandrine = |args: &[&str]| admin(url, args).agent("sandrine", SUPERVISOR_PASSWORD);

        let message = sandrine(&[
            "settings",
            "set",
            "portal_url",
            "http://auth.siec.education.fr",
        ])
        .run()
        .refused("invalid_setting");
        assert!(message.contains("https"), "{message}");
        let message = sandrine(&["settings", "set", "portail", "x"])
            .run()
            .refused("invalid_setting");
        assert!(message.contains("portal_url"), "{message}");
        let message = admin(url, &["settings", "set", "link_lifetime_seconds", "60"])
            .agent("camille", AGENT_PASSWORD)
            .run()
            .refused("forbidden");
        assert!(message.contains("réglages"), "{message}");
        let message = admin(url, &["settings", "set", "link_lifetime_seconds", "60"])
            .run()
            .refused("agent_required");
        assert!(message.contains("--agent"), "{message}");

        let set = sandrine(&["settings", "set", "link_lifetime_seconds", "5400"]).run();
        assert_eq!(set.ok()["link_lifetime_seconds"], 5400);
        let journal = sandrine(&["audit", "--action", "settings_changed"]).run();
        let entries = journal.ok()["entries"].as_array().expect("entries").clone();
        assert_eq!(entries.len(), 1, "{entries:?}");
        assert_eq!(entries[0]["agent"], "sandrine");

        // The sender (this command, on a standalone database) composes with it; the key comes from
        // the process's credentials, as a service's would.
        let credentials = tempfile::tempdir().expect("credentials");
        std::fs::write(
            credentials.path().join("portal-signing-key"),
            "kernel-secret-de-la-commande",
        )
        .expect("key");
        let data = tempfile::tempdir().expect("data folder");
        let email = "secretariat.duree@ac-paris.fr";
        admin(url, &["attach", email, HENRI_IV])
            .agent("camille", AGENT_PASSWORD)
            .run()
            .ok();
        let sent = admin(url, &["send-link", email, "--deliver"])
            .agent("camille", AGENT_PASSWORD)
            .env("CREDENTIALS_DIRECTORY", credentials.path())
            .env("GUICHET_DATA_DIR", data.path())
            .run();
        assert_eq!(sent.ok()["delivery"]["sent"], 1, "{}", sent.stdout);
        assert_eq!(sent.ok()["state"]["state"], "sent");
        let files: Vec<_> = std::fs::read_dir(data.path().join("outbox"))
            .expect("the demo's mail goes to files")
            .map(|entry| entry.expect("entry").path())
            .collect();
        assert_eq!(files.len(), 1);
        let raw = std::fs::read(&files[0]).expect("eml");
        let message = mail_parser::MessageParser::default()
            .parse(&raw)
            .expect("parsed");
        let text = message.body_text(0).expect("text").to_string();
        assert!(
            text.lines()
                .any(|line| line.trim() == "Ce lien expire dans 1 heure 30."),
            "{text}"
        );

        // The sender's role exists in shared mode only.
        let message = crate::add_agent(
            url,
            Some(("sandrine", SUPERVISOR_PASSWORD)),
            "service",
            "Service d’envoi",
            "envoi",
            "Service-envoi-2026!",
        )
        .refused("sender_role_needs_shared_mode");
        assert!(message.contains("partagée"), "{message}");
    }
);
