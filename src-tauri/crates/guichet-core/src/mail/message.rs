//! The reset e-mail exactly as the portal's user guide shows it, built as RFC 5322 bytes that the
//! outbox stores and later sends unchanged.

use lettre::Message;
use lettre::address::{Address, AddressError};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};

/// The sender the guide shows; the app reads the real one from its settings.
pub const DEFAULT_FROM: &str = "SIEC - Maison des examens <ne-pas-repondre@siec.education.fr>";
pub const SUBJECT: &str = "Portail d'authentification - Réinitialisation de mot de passe";

const GREETING: &str = "Bonjour,";
const INTRO: &str = "Pour réinitialiser votre mot de passe, veuillez cliquer sur le lien suivant :";
const SIGNATURE: &str = "Les services de la Maison des examens";

#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    #[error("invalid sender {value:?}: {source}")]
    InvalidSender {
        value: String,
        #[source]
        source: AddressError,
    },
    #[error("invalid recipient {value:?}: {source}")]
    InvalidRecipient {
        value: String,
        #[source]
        source: AddressError,
    },
    // The link carries the token: never in a message or a log.
    #[error("the link is not an http(s) URL without spaces")]
    InvalidLink,
    #[error("message could not be built: {0}")]
    Build(#[from] lettre::error::Error),
}

impl MessageError {
    pub fn message(&self) -> String {
        match self {
            MessageError::InvalidSender { value, .. } => format!(
                "L’expéditeur des courriels « {value} » n’est pas valide : indiquez une adresse \
                 comme « SIEC - Maison des examens <ne-pas-repondre@siec.education.fr> »."
            ),
            MessageError::InvalidRecipient { value, .. } => format!(
                "« {value} » n’est pas une adresse électronique valide : le courriel ne peut pas \
                 être envoyé."
            ),
            MessageError::InvalidLink | MessageError::Build(_) => {
                "Le courriel n’a pas pu être préparé ; rien n’a été envoyé. Contactez l’équipe \
                 technique."
                    .into()
            }
        }
    }
}

/// The reset e-mail from `from` (a mailbox: `Name <address>` or a bare address) to the address
/// `to`, with `link` in a plain-text and an HTML part, both UTF-8, quoted-printable, saying how
/// long the link lives (« Ce lien expire dans 1 heure. » at the default). Its `Message-ID` is new;
/// [`message_id`] reads it back.
pub fn reset_email(
    from: &str,
    to: &str,
    link: &str,
    lifetime_seconds: u32,
) -> Result<Message, MessageError> {
    let from = parse_sender(from)?;
    let to = to
        .trim()
        .parse::<Address>()
        .map_err(|source| MessageError::InvalidRecipient {
            value: to.to_owned(),
            source,
        })?;
    if !(link.starts_with("https://") || link.starts_with("http://"))
        || link.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(MessageError::InvalidLink);
    }
    // The Message-ID names the sender's domain rather than this machine's host name.
    let message_id = format!("<{:032x}@{}>", rand::random::<u128>(), from.email.domain());
    let validity = format!(
        "Ce lien expire dans {}.",
        crate::text::lifetime_in_words(lifetime_seconds)
    );
    let parts = MultiPart::alternative()
        .singlepart(part(ContentType::TEXT_PLAIN, text_body(link, &validity)))
        .singlepart(part(ContentType::TEXT_HTML, html_body(link, &validity)));
    Ok(Message::builder()
        .from(from)
        .to(Mailbox::new(None, to))
        .subject(SUBJECT)
        .message_id(Some(message_id))
        .multipart(parts)?)
}

/// The bytes to store and send as they are (`Message::formatted`).
pub fn formatted(message: &Message) -> Vec<u8> {
    message.formatted()
}

/// The message's `Message-ID`, `<…@domain>`: a message sent again after a crash keeps it.
pub fn message_id(message: &Message) -> Option<String> {
    message.headers().get_raw("Message-ID").map(str::to_owned)
}

pub(crate) fn parse_sender(value: &str) -> Result<Mailbox, MessageError> {
    let invalid = |source| MessageError::InvalidSender {
        value: value.to_owned(),
        source,
    };
    let trimmed = value.trim();
    // lettre's mailbox parser stops at the end of the first mailbox; refuse anything after it.
    if trimmed.contains('<') && !trimmed.ends_with('>') {
        return Err(invalid(AddressError::InvalidInput));
    }
    if trimmed.contains('<') {
        trimmed.parse::<Mailbox>().map_err(invalid)
    } else {
        trimmed
            .parse::<Address>()
            .map(Mailbox::from)
            .map_err(invalid)
    }
}

fn part(content_type: ContentType, text: String) -> SinglePart {
    // Quoted-printable keeps the text readable in the stored bytes; every string can be encoded.
    let body = Body::new_with_encoding(text, ContentTransferEncoding::QuotedPrintable)
        .unwrap_or_else(Body::new);
    SinglePart::builder().header(content_type).body(body)
}

fn text_body(link: &str, validity: &str) -> String {
    [GREETING, INTRO, link, validity, SIGNATURE].join("\r\n\r\n") + "\r\n"
}

fn html_body(link: &str, validity: &str) -> String {
    let link = escape_html(link);
    format!(
        "<!DOCTYPE html>\r\n\
         <html lang=\"fr\">\r\n\
         <head>\r\n\
         <meta charset=\"utf-8\">\r\n\
         <title>{title}</title>\r\n\
         </head>\r\n\
         <body>\r\n\
         <p>{GREETING}</p>\r\n\
         <p>{INTRO}</p>\r\n\
         <p><a href=\"{link}\">{link}</a></p>\r\n\
         <p>{validity}</p>\r\n\
         <p>{SIGNATURE}</p>\r\n\
         </body>\r\n\
         </html>\r\n",
        title = escape_html(SUBJECT),
        validity = escape_html(validity),
    )
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::{MessageParser, MimeHeaders};

    const LINK: &str = "https://auth.siec.education.fr/reset-password/reset/VmuBQ7epOgsaacQ5tanduNV61YtdvHZL77M7Yt1H";
    const TO: &str = "ce.0750655e@ac-paris.fr";

    /// The guide's message: a link that lives one hour.
    fn email(from: &str, to: &str, link: &str) -> Result<Message, MessageError> {
        reset_email(from, to, link, 3_600)
    }

    fn bytes() -> Vec<u8> {
        formatted(&email(DEFAULT_FROM, TO, LINK).expect("message"))
    }

    #[test]
    fn headers_decode_to_the_guides() {
        let raw = bytes();
        let parsed = MessageParser::default().parse(&raw).expect("parses");
        assert_eq!(
            parsed.subject(),
            Some("Portail d'authentification - Réinitialisation de mot de passe")
        );
        let from = parsed.from().and_then(|from| from.first()).expect("from");
        assert_eq!(from.name(), Some("SIEC - Maison des examens"));
        assert_eq!(from.address(), Some("ne-pas-repondre@siec.education.fr"));
        let to = parsed.to().and_then(|to| to.first()).expect("to");
        assert_eq!(to.address(), Some(TO));
        let message_id = parsed.message_id().expect("message id");
        assert!(message_id.ends_with("@siec.education.fr"), "{message_id}");
        assert!(parsed.date().is_some());
        let content_type = parsed.content_type().expect("content type");
        assert_eq!(content_type.ctype(), "multipart");
        assert_eq!(content_type.subtype(), Some("alternative"));
    }

    #[test]
    fn both_parts_hold_the_exact_lines_in_utf8() {
        let raw = bytes();
        let parsed = MessageParser::default().parse(&raw).expect("parses");
        assert_eq!(parsed.text_body.len(), 1);
        assert_eq!(parsed.html_body.len(), 1);

        let text = parsed.body_text(0).expect("text part");
        let lines: Vec<&str> = text
            .lines()
            .filter(|line| !line.trim().is_empty())
            .collect();
        assert_eq!(
            lines,
            [
                "Bonjour,",
                "Pour réinitialiser votre mot de passe, veuillez cliquer sur le lien suivant :",
                LINK,
                "Ce lien expire dans 1 heure.",
                "Les services de la Maison des examens",
            ]
        );

        let html = parsed.body_html(0).expect("html part");
        for expected in [
            "<p>Bonjour,</p>",
            "<p>Pour réinitialiser votre mot de passe, veuillez cliquer sur le lien suivant :</p>",
            &format!("<p><a href=\"{LINK}\">{LINK}</a></p>"),
            "<p>Ce lien expire dans 1 heure.</p>",
            "<p>Les services de la Maison des examens</p>",
        ] {
            assert!(html.contains(expected), "{expected:?} missing from {html}");
        }

        for part_id in [parsed.text_body[0], parsed.html_body[0]] {
            let part = parsed.part(part_id).expect("part");
            let content_type = part.content_type().expect("content type");
            let charset = content_type.attribute("charset").expect("charset");
            assert!(charset.eq_ignore_ascii_case("utf-8"), "{charset}");
        }
        assert_eq!(
            parsed
                .part(parsed.text_body[0])
                .and_then(|part| part.content_type())
                .and_then(|ct| ct.subtype()),
            Some("plain")
        );
    }

    #[test]
    fn raw_bytes_are_seven_bit_with_crlf_lines() {
        let raw = bytes();
        assert!(
            raw.is_ascii(),
            "quoted-printable and encoded words keep the bytes ASCII"
        );
        let text = String::from_utf8(raw).expect("ascii");
        assert!(text.contains("\r\n"));
        assert!(
            !text.replace("\r\n", "").contains('\n'),
            "bare LF in the message"
        );
        assert!(text.contains("Content-Transfer-Encoding: quoted-printable"));
        assert!(
            text.lines().all(|line| line.len() <= 78),
            "line longer than 78"
        );
    }

    #[test]
    fn html_link_is_escaped() {
        let link = "https://portal.example/reset-password/reset/abc?a=1&b=\"2\"<x>'";
        let message = email(DEFAULT_FROM, TO, link).expect("message");
        let raw = formatted(&message);
        let parsed = MessageParser::default().parse(&raw).expect("parses");
        let html = parsed.body_html(0).expect("html");
        let escaped =
            "https://portal.example/reset-password/reset/abc?a=1&amp;b=&quot;2&quot;&lt;x&gt;&#39;";
        assert!(
            html.contains(&format!("<a href=\"{escaped}\">{escaped}</a>")),
            "{html}"
        );
        assert!(!html.contains("<x>"));
        assert!(html.contains("<title>Portail d&#39;authentification"));
        // The text part keeps it as it is.
        assert!(parsed.body_text(0).expect("text").contains(link));
    }

    #[test]
    fn a_bare_sender_address_is_accepted() {
        let message = email("ne-pas-repondre@siec.education.fr", TO, LINK).expect("message");
        let raw = formatted(&message);
        let parsed = MessageParser::default().parse(&raw).expect("parses");
        let from = parsed.from().and_then(|from| from.first()).expect("from");
        assert_eq!(from.address(), Some("ne-pas-repondre@siec.education.fr"));
        assert_eq!(from.name(), None);
    }

    #[test]
    fn the_envelope_is_the_sender_and_the_recipient() {
        let message = email(DEFAULT_FROM, &format!("  {TO} "), LINK).expect("message");
        let envelope = message.envelope();
        assert_eq!(
            envelope.from().map(|a| a.to_string()),
            Some("ne-pas-repondre@siec.education.fr".into())
        );
        let to: Vec<String> = envelope.to().iter().map(|a| a.to_string()).collect();
        assert_eq!(to, [TO]);
    }

    #[test]
    fn invalid_recipient_is_refused_clearly() {
        for bad in [
            "",
            "   ",
            "ce.0750655e",
            "ce.0750655e@",
            "@ac-paris.fr",
            "ce 0750655e@ac-paris.fr",
            "ce.0750655e@ac-paris.fr, autre@ac-paris.fr",
            "Nom <ce.0750655e@ac-paris.fr>",
            "ce.0750655e@ac paris.fr",
        ] {
            match email(DEFAULT_FROM, bad, LINK) {
                Err(error @ MessageError::InvalidRecipient { .. }) => {
                    assert!(error.message().contains(bad), "{}", error.message());
                    assert!(error.message().contains("n’est pas une adresse"));
                }
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn invalid_sender_is_refused() {
        for bad in [
            "",
            "SIEC",
            "SIEC <pas-une-adresse>",
            "SIEC <ne-pas-repondre@siec.education.fr> en trop",
        ] {
            assert!(
                matches!(
                    email(bad, TO, LINK),
                    Err(MessageError::InvalidSender { .. })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn invalid_link_is_refused_without_showing_it() {
        for bad in [
            "",
            "javascript:alert(1)",
            "auth.siec.education.fr/reset-password/reset/x",
            "https://auth.siec.education.fr/reset password",
            "https://auth.siec.education.fr/\r\nBcc: x@y.fr",
        ] {
            match email(DEFAULT_FROM, TO, bad) {
                Err(error @ MessageError::InvalidLink) => {
                    assert!(bad.is_empty() || !error.to_string().contains(bad));
                }
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn the_stored_bytes_pasted_whole_still_give_the_token() {
        // The quoted-printable parts cut the link with soft line breaks; a caller or an agent
        // pasting the raw .eml must still get the token.
        let raw = String::from_utf8(bytes()).expect("ascii");
        assert!(
            !raw.contains(LINK),
            "the raw text is expected to cut the link"
        );
        let parsed = crate::links::token::parse_link(&raw).expect("token");
        assert_eq!(parsed.selector, "VmuBQ7epOgsaacQ5tand");
        assert_eq!(parsed.verifier.expose(), "uNV61YtdvHZL77M7Yt1H");
    }

    #[test]
    fn the_validity_line_follows_the_lifetime() {
        for (seconds, line) in [
            (5_400, "Ce lien expire dans 1 heure 30."),
            (7_200, "Ce lien expire dans 2 heures."),
            (2_700, "Ce lien expire dans 45 minutes."),
        ] {
            let raw = formatted(&reset_email(DEFAULT_FROM, TO, LINK, seconds).expect("message"));
            let parsed = MessageParser::default().parse(&raw).expect("parses");
            let text = parsed.body_text(0).expect("text").to_string();
            assert!(text.lines().any(|l| l.trim() == line), "{line:?} in {text}");
            let html = parsed.body_html(0).expect("html").to_string();
            assert!(html.contains(&format!("<p>{line}</p>")), "{html}");
        }
    }

    #[test]
    fn message_ids_differ() {
        let first = email(DEFAULT_FROM, TO, LINK).expect("message");
        let second = email(DEFAULT_FROM, TO, LINK).expect("message");
        let id = |message: &Message| {
            message
                .headers()
                .get_raw("Message-ID")
                .map(str::to_owned)
                .expect("Message-ID")
        };
        assert_ne!(id(&first), id(&second));
        assert_eq!(message_id(&first), Some(id(&first)));
    }
}
