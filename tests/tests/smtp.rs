//! Delivering mail to a real SMTP server on loopback (aiosmtpd, and a minimal Rust sink), and
//! into outbox files.

use std::collections::HashSet;

use guichet_bench::send_with_lettre_default;
use guichet_core::delivery::transport::{FileSender, Outgoing, SendError, SmtpSender};
use guichet_core::mail::message::{DEFAULT_FROM, SUBJECT, formatted, reset_email};
use guichet_core::mail::smtp_url::{Security, SmtpConfig, SmtpConfigError};
use guichet_core::secrets::Secret;
use guichet_tests::smtp::{Aiosmtpd, AiosmtpdOptions, Sink};
use mail_parser::MessageParser;

const ENVELOPE_FROM: &str = "ne-pas-repondre@siec.education.fr";
const LINK: &str =
    "https://auth.siec.education.fr/reset-password/reset/VmuBQ7epOgsaacQ5tanduNV61YtdvHZL77M7Yt1H";

fn reset_bytes(to: &str) -> Vec<u8> {
    formatted(&reset_email(DEFAULT_FROM, to, LINK, 3_600).expect("message"))
}

fn sender(url: &str, password: Option<&Secret>) -> SmtpSender {
    SmtpSender::new(SmtpConfig::parse(url).expect("URL"), password).expect("sender")
}

#[tokio::test]
async fn a_message_arrives_as_it_was_formatted() {
    let server = Aiosmtpd::start();
    let bytes = reset_bytes("ce.0750655e@ac-paris.fr");
    let accepted = sender(&server.url(), None)
        .send(ENVELOPE_FROM, "ce.0750655e@ac-paris.fr", &bytes)
        .await
        .expect("sent");
    assert!(accepted.reply.starts_with("250 "), "{accepted:?}");

    let stored = server.messages();
    assert_eq!(stored.len(), 1);
    let stored = &stored[0];
    assert!(
        stored == &bytes,
        "the stored bytes differ from the formatted ones"
    );
    let parsed = MessageParser::default().parse(stored).expect("parses");
    assert_eq!(
        parsed.subject(),
        Some("Portail d'authentification - Réinitialisation de mot de passe")
    );
    assert_eq!(parsed.subject(), Some(SUBJECT));
    let text = parsed.body_text(0).expect("text part");
    assert!(text.contains(LINK), "{text}");

    // Lines starting with a dot go through SMTP's dot-stuffing unchanged.
    let dotted = b"Subject: dots\r\n\r\n.\r\n.leading\r\n..two\r\nlast\r\n\r\n";
    sender(&server.url(), None)
        .send(ENVELOPE_FROM, "ce.0750655e@ac-paris.fr", dotted)
        .await
        .expect("sent");
    assert!(server.messages().iter().any(|m| m.as_slice() == dotted));
}

#[tokio::test]
async fn a_4xx_reply_is_temporary_and_the_connection_goes_on() {
    let server = Aiosmtpd::start();
    let sender = sender(&server.url(), None);
    let error = sender
        .send(
            ENVELOPE_FROM,
            "temp-fail@ac-paris.fr",
            &reset_bytes("temp-fail@ac-paris.fr"),
        )
        .await
        .expect_err("refused");
    match &error {
        SendError::Temporary { reason } => {
            assert_eq!(reason, "451 4.3.0 Mailbox busy, try again later")
        }
        other => panic!("{other:?}"),
    }
    assert!(error.is_temporary());
    assert!(error.message().contains("réessayer"), "{}", error.message());

    sender
        .send(
            ENVELOPE_FROM,
            "ce.0750655e@ac-paris.fr",
            &reset_bytes("ce.0750655e@ac-paris.fr"),
        )
        .await
        .expect("the next message goes");
    assert_eq!(server.messages().len(), 1);
}

#[tokio::test]
async fn a_5xx_reply_is_permanent_with_the_servers_text() {
    let server = Aiosmtpd::start();
    let error = sender(&server.url(), None)
        .send(
            ENVELOPE_FROM,
            "reject@ac-paris.fr",
            &reset_bytes("reject@ac-paris.fr"),
        )
        .await
        .expect_err("refused");
    assert_eq!(
        error,
        SendError::Permanent {
            reply: "550 5.1.1 No such mailbox here".into()
        }
    );
    assert!(!error.is_temporary());
    assert!(
        error.message().contains("550 5.1.1 No such mailbox here"),
        "{}",
        error.message()
    );
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn a_connection_the_server_closed_while_idle_is_replaced() {
    let server = Aiosmtpd::start_with(AiosmtpdOptions {
        idle_timeout: Some(0.5),
        ..Default::default()
    });
    let sender = sender(&server.url(), None);
    for n in 0..2 {
        if n > 0 {
            // Long enough for the server to close the connection kept open.
            tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        }
        sender
            .send(
                ENVELOPE_FROM,
                "ce.0750655e@ac-paris.fr",
                b"Subject: x\r\n\r\nx\r\n",
            )
            .await
            .expect("sent");
    }
    assert_eq!(server.messages().len(), 2);
}

#[tokio::test]
async fn a_server_that_is_down_is_unreachable() {
    // A port that was free a moment ago: nothing listens there now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("free port")
        .port();
    let sender = sender(&format!("smtp://127.0.0.1:{port}"), None);
    for error in [
        sender
            .send(
                ENVELOPE_FROM,
                "ce.0750655e@ac-paris.fr",
                b"Subject: x\r\n\r\nx\r\n",
            )
            .await
            .expect_err("refused"),
        sender.test_connection().await.expect_err("refused"),
    ] {
        match &error {
            SendError::Unreachable { reason } => {
                assert!(reason.contains(&format!("127.0.0.1:{port}")), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        assert!(error.is_about_the_server());
        assert!(error.message().contains("injoignable"));
    }
}

#[tokio::test]
async fn auth_with_the_right_password_sends() {
    let server = Aiosmtpd::start_with(AiosmtpdOptions {
        auth: Some(("agent.siec".into(), "Mot-de-passe-été-2026".into())),
        ..Default::default()
    });
    let url = format!("smtp://agent.siec@127.0.0.1:{}", server.port);
    let password = Secret::new("Mot-de-passe-été-2026");
    let sender = sender(&url, Some(&password));
    sender
        .test_connection()
        .await
        .expect("connects and authenticates");
    sender
        .send(
            ENVELOPE_FROM,
            "ce.0750655e@ac-paris.fr",
            &reset_bytes("ce.0750655e@ac-paris.fr"),
        )
        .await
        .expect("sent");
    assert_eq!(server.messages().len(), 1);
}

#[tokio::test]
async fn a_wrong_password_fails_clearly_and_is_never_shown() {
    let server = Aiosmtpd::start_with(AiosmtpdOptions {
        auth: Some(("agent.siec".into(), "the-right-one".into())),
        ..Default::default()
    });
    let wrong = "Wrong-Pa55word-XYZ";
    let url = format!("smtp://agent.siec@127.0.0.1:{}", server.port);
    let sender = sender(&url, Some(&Secret::new(wrong)));
    for error in [
        sender.test_connection().await.expect_err("refused"),
        sender
            .send(
                ENVELOPE_FROM,
                "ce.0750655e@ac-paris.fr",
                b"Subject: x\r\n\r\nx\r\n",
            )
            .await
            .expect_err("refused"),
    ] {
        match &error {
            SendError::Authentication { reply } => assert!(reply.starts_with("535"), "{reply}"),
            other => panic!("{other:?}"),
        }
        for text in [error.to_string(), format!("{error:?}"), error.message()] {
            assert!(!text.contains(wrong), "{text}");
        }
        assert!(error.message().contains("mot de passe"));
    }
    assert!(!format!("{sender:?}").contains(wrong));

    // Without any user, the server's "530 authentication required" is a settings problem too.
    let anonymous = self::sender(&server.url(), None);
    let error = anonymous
        .send(
            ENVELOPE_FROM,
            "ce.0750655e@ac-paris.fr",
            b"Subject: x\r\n\r\nx\r\n",
        )
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, SendError::Authentication { reply } if reply.starts_with("530")),
        "{error:?}"
    );
    assert!(server.messages().is_empty());
}

#[test]
fn smtp_urls_parse_or_are_refused_clearly() {
    let config = SmtpConfig::parse("smtp://127.0.0.1").expect("plain");
    assert_eq!(
        (
            config.host.as_str(),
            config.port,
            config.security,
            config.user
        ),
        ("127.0.0.1", 25, Security::Plain, None)
    );
    let config = SmtpConfig::parse("smtp://relay.ac-paris.fr:2525").expect("port");
    assert_eq!(
        (config.host.as_str(), config.port),
        ("relay.ac-paris.fr", 2525)
    );
    let config = SmtpConfig::parse("smtp://relay.ac-paris.fr?tls=starttls").expect("starttls");
    assert_eq!((config.port, config.security), (587, Security::StartTls));
    let config = SmtpConfig::parse(" smtps://ne-pas-repondre%40siec.education.fr@smtp.siec.fr ")
        .expect("tls");
    assert_eq!(
        (config.port, config.security, config.user.as_deref()),
        (
            465,
            Security::ImplicitTls,
            Some("ne-pas-repondre@siec.education.fr")
        )
    );
    for local in [
        "smtp://agent@localhost",
        "smtp://agent@127.0.0.1:2525",
        "smtp://agent@[::1]",
    ] {
        let config = SmtpConfig::parse(local).expect(local);
        assert_eq!(config.user.as_deref(), Some("agent"));
    }
    let config = SmtpConfig::parse("smtp://[::1]:2525").expect("IPv6");
    assert_eq!((config.host.as_str(), config.port), ("::1", 2525));
    assert_eq!(
        config.concurrency, 8,
        "eight connections at once, as the sender's workers"
    );

    for (bad, expected) in [
        ("", SmtpConfigError::Unparseable),
        (
            "relay.ac-paris.fr:25",
            SmtpConfigError::UnsupportedScheme {
                scheme: "relay.ac-paris.fr".into(),
            },
        ),
        ("not a url", SmtpConfigError::Unparseable),
        ("smtp://relay:99999", SmtpConfigError::Unparseable),
        (
            "http://relay",
            SmtpConfigError::UnsupportedScheme {
                scheme: "http".into(),
            },
        ),
        ("smtp://", SmtpConfigError::MissingHost),
        (
            "smtp://relay?tls=none",
            SmtpConfigError::UnknownParameter { name: "tls".into() },
        ),
        (
            "smtps://relay?tls=starttls",
            SmtpConfigError::UnknownParameter { name: "tls".into() },
        ),
        (
            "smtp://relay?pool=8",
            SmtpConfigError::UnknownParameter {
                name: "pool".into(),
            },
        ),
        ("smtp://relay/587", SmtpConfigError::UnexpectedPath),
        (
            "smtp://agent@relay.ac-paris.fr",
            SmtpConfigError::CredentialsInClear,
        ),
    ] {
        let error = SmtpConfig::parse(bad).expect_err(bad);
        assert_eq!(error, expected, "{bad:?}");
        assert!(!error.message().is_empty());
    }

    for with_password in [
        "smtp://agent:S3cret-dans-l-URL@relay:25",
        "smtps://agent:S3cret-dans-l-URL@relay",
        "smtp://:S3cret-dans-l-URL@relay",
    ] {
        let error = SmtpConfig::parse(with_password).expect_err(with_password);
        assert_eq!(error, SmtpConfigError::PasswordInUrl);
        for text in [error.to_string(), format!("{error:?}"), error.message()] {
            assert!(!text.contains("S3cret"), "{text}");
        }
        assert!(error.message().contains("trousseau"), "{}", error.message());
    }
}

#[tokio::test]
async fn starttls_required_never_falls_back_to_plain_text() {
    let server = Aiosmtpd::start();
    let url = format!("smtp://127.0.0.1:{}?tls=starttls", server.port);
    let error = sender(&url, None)
        .send(
            ENVELOPE_FROM,
            "ce.0750655e@ac-paris.fr",
            &reset_bytes("ce.0750655e@ac-paris.fr"),
        )
        .await
        .expect_err("no STARTTLS offered");
    assert!(
        matches!(&error, SendError::Unreachable { reason } if reason.contains("STARTTLS")),
        "{error:?}"
    );
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn an_unknown_certificate_is_refused_with_either_tls() {
    for (tls, scheme, query) in [
        ("implicit", "smtps", ""),
        ("starttls", "smtp", "?tls=starttls"),
    ] {
        let server = Aiosmtpd::start_with(AiosmtpdOptions {
            tls: Some(tls),
            ..Default::default()
        });
        let url = format!("{scheme}://127.0.0.1:{}{query}", server.port);
        let error = sender(&url, None)
            .test_connection()
            .await
            .expect_err("self-signed certificate");
        assert!(
            matches!(&error, SendError::Unreachable { reason } if reason.contains("certificate")),
            "{tls}: {error:?}"
        );
    }
}

#[tokio::test]
async fn file_sender_writes_each_eml_whole() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let outbox = dir.path().join("outbox");
    let files = FileSender::new(&outbox);
    let bytes = reset_bytes("ce.0750655e@ac-paris.fr");

    let path = files.send("42", &bytes).expect("written");
    assert_eq!(path, outbox.join("42.eml"));
    assert_eq!(std::fs::read(&path).expect("read"), bytes);
    // Writing the same id again replaces the file, still whole.
    files.send("42", b"second").expect("replaced");
    assert_eq!(std::fs::read(&path).expect("read"), b"second");
    files.send("msg-43_b", &bytes).expect("written");

    let mut names: Vec<String> = std::fs::read_dir(&outbox)
        .expect("outbox")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    assert_eq!(names, ["42.eml", "msg-43_b.eml"], "no temporary file left");

    for bad in ["", "../42", "a/b", "x.eml", "é"] {
        let error = files.send(bad, &bytes).expect_err(bad);
        assert!(!error.message().is_empty());
    }
    assert_eq!(std::fs::read_dir(&outbox).expect("outbox").count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_sending_delivers_each_message_exactly_once() {
    let server = Aiosmtpd::start();
    let sender = sender(&server.url(), None);
    let recipients: Vec<String> = (0..500).map(|n| format!("ce.{n:07}x@ac-lyon.fr")).collect();
    let messages = recipients
        .iter()
        .map(|to| Outgoing {
            envelope_from: ENVELOPE_FROM.into(),
            recipient: to.clone(),
            bytes: reset_bytes(to),
        })
        .collect();
    let results = sender.send_many(messages).await;
    assert_eq!(results.len(), 500);
    assert!(
        results.iter().all(Result::is_ok),
        "{:?}",
        results.iter().find(|r| r.is_err())
    );
    sender.close().await;

    let stored = server.messages();
    assert_eq!(stored.len(), 500);
    let delivered: HashSet<String> = stored
        .iter()
        .map(|raw| {
            let parsed = MessageParser::default().parse(raw).expect("parses");
            let to = parsed.to().and_then(|to| to.first()).expect("to");
            to.address().expect("address").to_owned()
        })
        .collect();
    assert_eq!(delivered, recipients.into_iter().collect::<HashSet<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rust_sink_and_lettres_default_way_work_too() {
    let sink = Sink::start().await;
    let config = SmtpConfig::parse(&sink.url()).expect("URL");
    let messages: Vec<Outgoing> = (0..200)
        .map(|n| Outgoing {
            envelope_from: ENVELOPE_FROM.into(),
            recipient: format!("ce.{n:07}x@ac-lyon.fr"),
            bytes: reset_bytes("ce.0750655e@ac-paris.fr"),
        })
        .collect();
    let results = SmtpSender::new(config.clone(), None)
        .expect("sender")
        .send_many(messages.clone())
        .await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(sink.received(), 200);

    let sent = send_with_lettre_default(&config, None, &messages[..3])
        .await
        .expect("sent");
    assert_eq!(sent, 3);
    assert_eq!(sink.received(), 203);
}
