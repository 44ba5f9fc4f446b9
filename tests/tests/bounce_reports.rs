//! The bounce reports real servers send, read by the core: for each shape of `tests/data/bounces`
//! what the report says of the message (envelope id, `Message-ID`, VERP return path) and of the
//! recipient (verdict, status, the remote server's words); the refusals (a truncated report, bytes
//! that are no mail); VERP addresses, the relay's replies and what a status means in French.

use guichet_core::mail::bounce::{
    RecipientStatus, Report, ReportError, ReportKind, Verdict, decode_xtext, encode_xtext,
    explain_status, outbox_id_of, read_reply, read_report, return_path,
};
use guichet_tests::bounces::{Original, Shape, expected, report, report_date};

const BOUNCE_ADDRESS: &str = "bounces@siec.education.fr";

/// Two messages the Guichet sent, unlike each other: an id with the characters xtext escapes,
/// a return path with capitals (servers may change their case).
fn originals() -> [(i32, Original); 2] {
    [
        (
            1234,
            Original {
                message_id: "7f3c9a0e5b2d4c1f+r=2@siec.education.fr".into(),
                recipient: "ce.0750655e@ac-paris.fr".into(),
                return_path: return_path(BOUNCE_ADDRESS, 1234),
            },
        ),
        (
            987_654,
            Original {
                message_id: "0a1b2c3d4e5f60718293a4b5c6d7e8f9@siec.education.fr".into(),
                recipient: "secretariat.lamartine@ac-dijon.fr".into(),
                return_path: "Bounces+987654@SIEC.education.fr".into(),
            },
        ),
    ]
}

fn verdict(code: &str) -> Verdict {
    match code {
        "bounced" => Verdict::Bounced,
        "deferred" => Verdict::Deferred,
        other => panic!("no verdict {other}"),
    }
}

fn kind(shape: Shape) -> ReportKind {
    match shape {
        Shape::PlainBounce => ReportKind::NonStandard,
        Shape::AutoReply => ReportKind::NotABounce,
        _ => ReportKind::DeliveryStatus,
    }
}

fn read(shape: Shape, original: &Original, report_id: &str) -> Report {
    read_report(&report(shape, original, report_id))
        .unwrap_or_else(|error| panic!("{}: {error}", shape.file()))
}

#[test]
fn every_shape_says_what_its_server_wrote() {
    for (outbox_id, original) in originals() {
        for shape in Shape::ALL {
            let file = shape.file();
            let report_id = format!("{outbox_id}.{file}@report.example");
            if shape == Shape::Malformed {
                let bytes = report(shape, &original, &report_id);
                assert!(
                    matches!(read_report(&bytes), Err(ReportError::Malformed { .. })),
                    "{file}: {:?}",
                    read_report(&bytes)
                );
                continue;
            }
            let read = read(shape, &original, &report_id);
            assert_eq!(read.kind, kind(shape), "{file}");
            assert_eq!(
                read.report_id.as_deref(),
                Some(report_id.as_str()),
                "{file}"
            );
            assert_eq!(read.date, Some(report_date()), "{file}");

            let own_envelope = read.envelope_id.as_deref() == Some(original.message_id.as_str());
            assert_eq!(
                own_envelope,
                shape.carries_envelope_id(),
                "{file}: {:?}",
                read.envelope_id
            );
            let own_id = read.original_message_id.as_deref() == Some(original.message_id.as_str());
            assert_eq!(
                own_id,
                shape.carries_message_id(),
                "{file}: {:?}",
                read.original_message_id
            );

            let to_return_path = read
                .delivered_to
                .contains(&original.return_path.to_lowercase());
            assert_eq!(
                to_return_path,
                shape.sent_to_return_path(),
                "{file}: {:?}",
                read.delivered_to
            );
            let found: Vec<i32> = read
                .delivered_to
                .iter()
                .filter_map(|address| outbox_id_of(address, BOUNCE_ADDRESS))
                .collect();
            let wanted = if shape.sent_to_return_path() {
                vec![outbox_id]
            } else {
                vec![]
            };
            assert_eq!(found, wanted, "{file}: {:?}", read.delivered_to);

            match expected(shape) {
                Some((code, status)) => {
                    let [recipient] = read.recipients.as_slice() else {
                        panic!("{file}: {:?}", read.recipients);
                    };
                    assert_eq!(recipient.verdict, Some(verdict(code)), "{file}");
                    assert_eq!(recipient.status.as_deref(), Some(status), "{file}");
                    let diagnostic = recipient.diagnostic.as_deref().unwrap_or_default();
                    let words = shape.remote_words().expect("words");
                    assert!(diagnostic.contains(words), "{file}: {diagnostic:?}");
                    assert!(
                        !diagnostic.contains('\n') && !diagnostic.contains("  "),
                        "{file}"
                    );
                    let ours = recipient.address.as_deref() == Some(original.recipient.as_str());
                    assert_eq!(
                        ours,
                        shape != Shape::UnknownMessage,
                        "{file}: {recipient:?}"
                    );
                }
                None => assert!(
                    read.recipients.iter().all(|r| r.verdict.is_none()),
                    "{file}: {:?}",
                    read.recipients
                ),
            }
        }
    }
}

#[test]
fn the_unknown_message_s_report_names_another_message() {
    let (_, original) = &originals()[0];
    let read = read(Shape::UnknownMessage, original, "r@x");
    // The values its template holds, not the Guichet's.
    assert_eq!(
        read.envelope_id.as_deref(),
        Some("20240611061502.5B3D9F0A12@webmail.siec.education.fr")
    );
    assert_eq!(
        read.original_message_id.as_deref(),
        Some("20240611061502.5B3D9F0A12@webmail.siec.education.fr")
    );
    assert_eq!(read.delivered_to, ["secretariat@siec.education.fr"]);
    assert_eq!(
        read.recipients[0].address.as_deref(),
        Some("inconnu.2024@ac-nice.fr")
    );
}

#[test]
fn the_recipient_s_fields_lose_their_types_and_folds() {
    let (_, original) = &originals()[0];
    let postfix = read(Shape::PostfixBounce, original, "r@x");
    assert_eq!(
        postfix.recipients[0],
        RecipientStatus {
            address: Some(original.recipient.clone()),
            verdict: Some(Verdict::Bounced),
            status: Some("5.1.1".into()),
            diagnostic: Some(format!(
                "550 5.1.1 <{}>: Recipient address rejected: User unknown in virtual mailbox table",
                original.recipient
            )),
            remote_mta: Some("mx1.ac-paris.fr".into()),
        }
    );
    // Four reply lines, each repeating "550-5.1.1", read as the one reply they are.
    let gmail = read(Shape::GmailBounce, original, "r@x");
    let diagnostic = gmail.recipients[0].diagnostic.clone().unwrap_or_default();
    assert!(
        diagnostic.starts_with("550 5.1.1 The email account"),
        "{diagnostic}"
    );
    assert_eq!(diagnostic.matches("5.1.1").count(), 1, "{diagnostic}");
    assert!(diagnostic.ends_with("- gsmtp"), "{diagnostic}");
    let exchange = read(Shape::ExchangeNdr, original, "r@x");
    assert_eq!(exchange.recipients[0].remote_mta, None);
    assert!(
        exchange.recipients[0]
            .diagnostic
            .as_deref()
            .is_some_and(|d| d.starts_with("550 5.1.10 RESOLVER.ADR")),
        "{:?}",
        exchange.recipients[0]
    );
    let exim = read(Shape::EximBounce, original, "r@x");
    assert_eq!(
        exim.recipients[0].remote_mta.as_deref(),
        Some("mbx.lycee-ampere.ac-lyon.fr")
    );
    let plain = read(Shape::PlainBounce, original, "r@x");
    assert_eq!(
        plain.recipients[0].diagnostic.as_deref(),
        Some(format!("552 5.2.2 <{}>: mailbox full", original.recipient).as_str())
    );
}

/// A report's bytes with `from` replaced by `to`.
fn edited(shape: Shape, from: &str, to: &str) -> Vec<u8> {
    let (_, original) = &originals()[0];
    let text = String::from_utf8(report(shape, original, "r@x")).expect("UTF-8");
    assert!(text.contains(from), "{from:?}");
    text.replace(from, to).into_bytes()
}

#[test]
fn a_notice_of_delivery_is_no_bounce_and_a_recipient_without_action_is_malformed() {
    let delivered = edited(Shape::PostfixBounce, "Action: failed", "Action: delivered");
    let read = read_report(&delivered).expect("a report");
    assert_eq!(read.kind, ReportKind::NotABounce);
    assert!(read.recipients.iter().all(|r| r.verdict.is_none()));

    let no_action = edited(Shape::PostfixBounce, "Action: failed\r\n", "");
    assert!(matches!(
        read_report(&no_action),
        Err(ReportError::Malformed { .. })
    ));
    let odd_action = edited(Shape::PostfixBounce, "Action: failed", "Action: exploded");
    assert!(matches!(
        read_report(&odd_action),
        Err(ReportError::Malformed { .. })
    ));
    let no_part = edited(
        Shape::PostfixBounce,
        "Content-Type: message/delivery-status",
        "Content-Type: text/plain",
    );
    let error = read_report(&no_part).expect_err("malformed");
    assert!(
        error.to_string().starts_with("malformed delivery report: "),
        "{error}"
    );
}

#[test]
fn prose_bounces_and_auto_replies_are_told_by_more_than_one_sign() {
    // An out-of-office reply by its subject alone.
    let quiet = edited(Shape::AutoReply, "X-Autoreply: yes\r\n", "");
    let quiet = String::from_utf8(quiet)
        .expect("UTF-8")
        .replace("Precedence: bulk\r\n", "");
    assert_eq!(
        read_report(quiet.as_bytes()).map(|r| r.kind),
        Ok(ReportKind::NotABounce)
    );
    // A prose bounce by its sender and the status it quotes, whatever its subject.
    let renamed = edited(
        Shape::PlainBounce,
        "Subject: failure notice",
        "Subject: Votre message",
    );
    let read = read_report(&renamed).expect("a report");
    assert_eq!(read.kind, ReportKind::NonStandard);
    assert_eq!(read.recipients[0].status.as_deref(), Some("5.2.2"));
    // The same words from a person are ordinary mail.
    let person = edited(
        Shape::PlainBounce,
        "From: MAILER-DAEMON@mail.college-pasteur.fr",
        "From: Jeanne Durand <jeanne.durand@ac-paris.fr>",
    );
    let person = String::from_utf8(person)
        .expect("UTF-8")
        .replace("failure notice", "Votre message");
    assert_eq!(
        read_report(person.as_bytes()).map(|r| r.kind),
        Ok(ReportKind::NotABounce)
    );
    // A delivery-status part whose recipient fields follow the message's without a blank line.
    let one_group = edited(
        Shape::PostfixBounce,
        "\r\n\r\nFinal-Recipient",
        "\r\nFinal-Recipient",
    );
    let read = read_report(&one_group).expect("a report");
    assert_eq!(read.recipients.len(), 1);
    assert_eq!(read.recipients[0].status.as_deref(), Some("5.1.1"));
    assert!(read.envelope_id.is_some());
}

#[test]
fn bytes_that_are_no_mail_are_refused_and_nothing_panics() {
    assert_eq!(read_report(b""), Err(ReportError::NotAMessage));
    assert_eq!(read_report(b"hello world"), Err(ReportError::NotAMessage));
    assert_eq!(read_report(b"\r\n\r\n"), Err(ReportError::NotAMessage));
    assert_eq!(
        read_report(b"Subject: hi\r\n\r\nhello").map(|r| r.kind),
        Ok(ReportKind::NotABounce)
    );
    // Random bytes, and every fixture cut short and with bytes changed: an answer, never a panic.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..300 {
        let length = (next() % 2048) as usize;
        let bytes: Vec<u8> = (0..length).map(|_| next() as u8).collect();
        let _ = read_report(&bytes);
    }
    let (_, original) = &originals()[0];
    for shape in Shape::ALL {
        let bytes = report(shape, original, "r@x");
        for cut in (0..bytes.len()).step_by(23) {
            let _ = read_report(&bytes[..cut]);
        }
        for _ in 0..50 {
            let mut changed = bytes.clone();
            for _ in 0..8 {
                let at = (next() as usize) % changed.len();
                changed[at] = next() as u8;
            }
            let _ = read_report(&changed);
        }
    }
}

#[test]
fn xtext_is_decoded() {
    assert_eq!(decode_xtext("abc+2Bdef+3D1@siec.fr"), "abc+def=1@siec.fr");
    assert_eq!(decode_xtext("plain@siec.fr"), "plain@siec.fr");
    // A '+' that escapes nothing stays.
    assert_eq!(decode_xtext("a+b+"), "a+b+");
    let id = "7f3c+r=2 é@siec.education.fr";
    assert_eq!(decode_xtext(&encode_xtext(id)), id);
    assert!(
        encode_xtext(id)
            .bytes()
            .all(|b| (b'!'..=b'~').contains(&b) && b != b'=')
    );
}

#[test]
fn verp_addresses_carry_the_outbox_id_and_nothing_else() {
    let address = return_path("bounces@siec.fr", 1234);
    assert_eq!(address, "bounces+1234@siec.fr");
    assert_eq!(outbox_id_of(&address, "bounces@siec.fr"), Some(1234));
    assert_eq!(
        outbox_id_of("BOUNCES+1234@Siec.FR", "bounces@siec.fr"),
        Some(1234)
    );
    assert_eq!(
        outbox_id_of("<bounces+7@siec.fr>", "bounces@siec.fr"),
        Some(7)
    );
    let largest = return_path("bounces@siec.fr", i32::MAX);
    assert_eq!(outbox_id_of(&largest, "bounces@siec.fr"), Some(i32::MAX));
    for other in [
        "other+1234@siec.fr",
        "bouncesx+1234@siec.fr",
        "bounces+1234@other.fr",
        "bounces+1234@siec.fr.evil.example",
        "bounces+12a4@siec.fr",
        "bounces+@siec.fr",
        "bounces@siec.fr",
        "bounces+-5@siec.fr",
        "bounces++5@siec.fr",
        "bounces+0012@siec.fr",
        "bounces+99999999999@siec.fr",
        "bounces+1234",
        "",
        "é+1@siec.fr",
    ] {
        assert_eq!(outbox_id_of(other, "bounces@siec.fr"), None, "{other}");
    }
}

#[test]
fn relay_replies_give_their_code_status_words_and_queue_id() {
    let read = |reply: &str| read_reply(reply).unwrap_or_else(|| panic!("{reply}"));
    let postfix = read("250 2.0.0 Ok: queued as 4F2B31C0A2");
    assert_eq!(postfix.code, 250);
    assert_eq!(postfix.enhanced.as_deref(), Some("2.0.0"));
    assert_eq!(postfix.text, "Ok: queued as 4F2B31C0A2");
    assert_eq!(postfix.queue_id.as_deref(), Some("4F2B31C0A2"));

    let exim = read("250 OK id=1sGxyz-000AbC-2Q");
    assert_eq!((exim.code, exim.enhanced.as_deref()), (250, None));
    assert_eq!(exim.queue_id.as_deref(), Some("1sGxyz-000AbC-2Q"));

    let exchange = read(
        "250 2.6.0 <7f3c9a0e@siec.education.fr> [InternalId=12884901893, Hostname=EXCH01.ac-paris.fr] Queued mail for delivery",
    );
    assert_eq!(exchange.enhanced.as_deref(), Some("2.6.0"));
    assert_eq!(exchange.queue_id.as_deref(), Some("12884901893"));
    let microsoft = read(
        "250 2.6.0 <7f3c9a0e@siec.education.fr> [Hostname=AM0PR01MB1234.eurprd01.prod.exchangelabs.com] Queued mail for delivery",
    );
    assert_eq!(
        microsoft.queue_id.as_deref(),
        Some("7f3c9a0e@siec.education.fr")
    );
    let sendmail = read("250 2.0.0 45B8UCkR012345 Message accepted for delivery");
    assert_eq!(sendmail.queue_id.as_deref(), Some("45B8UCkR012345"));
    let gmail = read("250 2.0.0 OK  1718094612 d9443c01a7336-1f6e0c1d2a3si1234567ad.321 - gsmtp");
    assert_eq!(
        gmail.queue_id.as_deref(),
        Some("d9443c01a7336-1f6e0c1d2a3si1234567ad.321")
    );

    // aiosmtpd, as the tests' server answers.
    let ok = read("250 OK");
    assert_eq!(
        (ok.code, ok.enhanced, ok.text.as_str(), ok.queue_id),
        (250, None, "OK", None)
    );
    let stored = read("250 2.0.0 Stored");
    assert_eq!(stored.enhanced.as_deref(), Some("2.0.0"));
    assert_eq!((stored.text.as_str(), stored.queue_id), ("Stored", None));

    let refused = read("550 5.1.1 <x@ac-paris.fr>: Recipient address rejected: User unknown");
    assert_eq!(
        (refused.code, refused.enhanced.as_deref()),
        (550, Some("5.1.1"))
    );
    assert_eq!(
        refused.text,
        "<x@ac-paris.fr>: Recipient address rejected: User unknown"
    );
    assert_eq!(refused.queue_id, None);
    let lines = read(
        "550-5.1.1 The email account that you tried to reach does not exist.\r\n550-5.1.1 Please try\r\n550 5.1.1 again. - gsmtp",
    );
    assert_eq!(
        lines.text,
        "The email account that you tried to reach does not exist. Please try again. - gsmtp"
    );
    // A status of another class than the code is no status of the reply.
    assert_eq!(read("250 5.1.1 odd").enhanced, None);

    for garbage in [
        "", "   ", "hello", "25", "2500 x", "999 nope", "abc 250", "650 x", "2é0 x",
    ] {
        assert_eq!(read_reply(garbage), None, "{garbage:?}");
    }
}

#[test]
fn statuses_are_explained_in_french() {
    assert_eq!(
        explain_status(Some("5.1.1"), Some(550)),
        "boîte aux lettres inexistante"
    );
    assert_eq!(
        explain_status(Some("5.2.2"), None),
        "boîte aux lettres pleine"
    );
    assert_eq!(
        explain_status(Some("4.2.2"), Some(452)),
        "boîte aux lettres pleine"
    );
    assert_eq!(
        explain_status(Some("4.4.7"), None),
        "délai de remise dépassé"
    );
    assert_eq!(
        explain_status(Some("5.1.10"), None),
        "adresse inconnue du serveur"
    );
    assert_eq!(
        explain_status(Some("5.7.1"), None),
        "refusé par la politique du serveur destinataire (filtrage)"
    );
    // Unknown details fall back on the subject, unknown subjects on the class.
    assert_eq!(
        explain_status(Some("5.1.99"), None),
        "refus définitif (adresse)"
    );
    assert_eq!(
        explain_status(Some("4.4.99"), None),
        "échec temporaire (réseau ou acheminement)"
    );
    assert_eq!(explain_status(Some("5.9.9"), None), "refus définitif");
    // No status: the reply code.
    assert!(explain_status(None, Some(550)).starts_with("refus définitif"));
    assert!(explain_status(Some("not a status"), Some(421)).starts_with("échec temporaire"));
    assert_eq!(explain_status(None, Some(599)), "refus définitif");
    assert!(!explain_status(None, None).is_empty());
    // The agent's French: typographic apostrophes, no ordinary space before a colon.
    for class in ["2", "4", "5"] {
        for subject in 0..9 {
            for detail in 0..30 {
                let text = explain_status(Some(&format!("{class}.{subject}.{detail}")), None);
                assert!(
                    !text.contains('\'') && !text.contains(" :") && !text.contains(" ;"),
                    "{text}"
                );
            }
        }
    }
}
