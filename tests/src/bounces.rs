//! Bounce reports as real servers write them (Postfix, Exim, Exchange, Gmail, qmail), with an
//! out-of-office reply, a bounce of a message the Guichet never sent and a truncated report:
//! templates in `tests/data/bounces`, filled for one message the Guichet sent.

use chrono::{DateTime, Utc};

/// One kind of message the bounce mailbox receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Postfix's "Undelivered Mail Returned to Sender": 5.1.1, the envelope id carried back.
    PostfixBounce,
    /// Postfix's "Delayed Mail (still being retried)": 4.4.1.
    PostfixDelay,
    /// Exim's "Mail delivery failed": `Status: 5.0.0` quoting a 5.1.1, the whole message
    /// returned (`message/rfc822`), no envelope id (Exim does not offer DSN by default).
    EximBounce,
    /// Exchange's "Undeliverable:": 5.1.10, the returned headers as `message/rfc822`.
    ExchangeNdr,
    /// Gmail's "Delivery Status Notification (Failure)": 5.1.1 over four reply lines, the
    /// `Message-ID` in `X-Original-Message-ID`, no envelope id.
    GmailBounce,
    /// qmail's "failure notice", prose only: 5.2.2, the message pasted below its text.
    PlainBounce,
    /// A French out-of-office reply: not a bounce.
    AutoReply,
    /// A well-formed Postfix bounce of a message the Guichet never sent, to another address.
    UnknownMessage,
    /// A delivery-status report cut short: no recipient, no action.
    Malformed,
}

impl Shape {
    pub const ALL: [Shape; 9] = [
        Shape::PostfixBounce,
        Shape::PostfixDelay,
        Shape::EximBounce,
        Shape::ExchangeNdr,
        Shape::GmailBounce,
        Shape::PlainBounce,
        Shape::AutoReply,
        Shape::UnknownMessage,
        Shape::Malformed,
    ];

    /// The template's file name.
    pub fn file(self) -> &'static str {
        match self {
            Shape::PostfixBounce => "postfix-bounce.eml",
            Shape::PostfixDelay => "postfix-delay.eml",
            Shape::EximBounce => "exim-bounce.eml",
            Shape::ExchangeNdr => "exchange-ndr.eml",
            Shape::GmailBounce => "gmail-bounce.eml",
            Shape::PlainBounce => "plain-bounce.eml",
            Shape::AutoReply => "auto-reply.eml",
            Shape::UnknownMessage => "unknown-message.eml",
            Shape::Malformed => "malformed.eml",
        }
    }

    fn template(self) -> &'static str {
        match self {
            Shape::PostfixBounce => include_str!("../data/bounces/postfix-bounce.eml"),
            Shape::PostfixDelay => include_str!("../data/bounces/postfix-delay.eml"),
            Shape::EximBounce => include_str!("../data/bounces/exim-bounce.eml"),
            Shape::ExchangeNdr => include_str!("../data/bounces/exchange-ndr.eml"),
            Shape::GmailBounce => include_str!("../data/bounces/gmail-bounce.eml"),
            Shape::PlainBounce => include_str!("../data/bounces/plain-bounce.eml"),
            Shape::AutoReply => include_str!("../data/bounces/auto-reply.eml"),
            Shape::UnknownMessage => include_str!("../data/bounces/unknown-message.eml"),
            Shape::Malformed => include_str!("../data/bounces/malformed.eml"),
        }
    }

    /// Whether the report gives the message's envelope id back (`Original-Envelope-Id`).
    pub fn carries_envelope_id(self) -> bool {
        matches!(
            self,
            Shape::PostfixBounce | Shape::PostfixDelay | Shape::ExchangeNdr
        )
    }

    /// Whether the report names the message's `Message-ID` (its returned headers, a field).
    pub fn carries_message_id(self) -> bool {
        !matches!(
            self,
            Shape::AutoReply | Shape::UnknownMessage | Shape::Malformed
        )
    }

    /// Whether the report comes back to the message's return path.
    pub fn sent_to_return_path(self) -> bool {
        self != Shape::UnknownMessage
    }

    /// Words of the remote server that the report's diagnostic quotes (over a folded line in
    /// the Postfix and Gmail templates).
    pub fn remote_words(self) -> Option<&'static str> {
        Some(match self {
            Shape::PostfixBounce | Shape::UnknownMessage => {
                "Recipient address rejected: User unknown in virtual mailbox table"
            }
            Shape::PostfixDelay => {
                "connect to mx.ac-caen.fr[193.49.200.25]:25: Connection timed out"
            }
            Shape::EximBounce => {
                "Recipient address rejected: User unknown in local recipient table"
            }
            Shape::ExchangeNdr => {
                "RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"
            }
            Shape::GmailBounce => {
                "The email account that you tried to reach does not exist. Please try double-checking the recipient's email address"
            }
            Shape::PlainBounce => "mailbox full",
            Shape::AutoReply | Shape::Malformed => return None,
        })
    }
}

/// The message the Guichet sent, that the report returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Original {
    /// Its `Message-ID`, without `<>`; also its envelope id.
    pub message_id: String,
    pub recipient: String,
    /// Its VERP return path, where the report comes back.
    pub return_path: String,
}

/// The date the reports of [`report`] carry.
pub fn report_date() -> DateTime<Utc> {
    DateTime::from_timestamp(1_718_094_612, 0).unwrap_or_default()
}

/// The report of `shape` for `original`, its own `Message-ID` `<report_id>`, dated
/// [`report_date`], with CRLF line endings.
pub fn report(shape: Shape, original: &Original, report_id: &str) -> Vec<u8> {
    report_dated(shape, original, report_id, report_date())
}

/// [`report`] dated `date`.
pub fn report_dated(
    shape: Shape,
    original: &Original,
    report_id: &str,
    date: DateTime<Utc>,
) -> Vec<u8> {
    let date = date.with_timezone(&chrono_tz::Europe::Paris).to_rfc2822();
    shape
        .template()
        .replace("{{MESSAGE_ID}}", &original.message_id)
        .replace("{{ENVID}}", &xtext(&original.message_id))
        .replace("{{RECIPIENT}}", &original.recipient)
        .replace("{{RETURN_PATH}}", &original.return_path)
        .replace("{{REPORT_ID}}", report_id)
        .replace("{{DATE}}", &date)
        .replace("\r\n", "\n")
        .replace('\n', "\r\n")
        .into_bytes()
}

/// What the report says of the recipient, as the store records it (`"bounced"` or
/// `"deferred"`, and the enhanced status), `None` where it says nothing: the auto-reply, the
/// truncated report. The unknown message's report says it too, of a message not the Guichet's.
/// Exim's says `5.0.0` and quotes the server's precise `5.1.1`: the precise one is expected.
pub fn expected(shape: Shape) -> Option<(&'static str, &'static str)> {
    match shape {
        Shape::PostfixBounce | Shape::GmailBounce | Shape::UnknownMessage => {
            Some(("bounced", "5.1.1"))
        }
        Shape::PostfixDelay => Some(("deferred", "4.4.1")),
        Shape::EximBounce => Some(("bounced", "5.1.1")),
        Shape::ExchangeNdr => Some(("bounced", "5.1.10")),
        Shape::PlainBounce => Some(("bounced", "5.2.2")),
        Shape::AutoReply | Shape::Malformed => None,
    }
}

/// xtext (RFC 3461 §4), as a relay writes `ENVID` back: `+`, `=` and what is not printable
/// ASCII as `+XX`. Written here again rather than taken from the core, so that the tests check
/// the core's decoding against an encoding of their own.
fn xtext(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'!'..=b'~' if byte != b'+' && byte != b'=' => char::from(byte).to_string(),
            _ => format!("+{byte:02X}"),
        })
        .collect()
}
