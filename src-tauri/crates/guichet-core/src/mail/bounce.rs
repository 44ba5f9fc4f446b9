//! Bounce reports, one raw message of the bounce mailbox at a time: what it says of the message
//! it returns (its envelope id, its `Message-ID`, the VERP address it came back to) and of each
//! recipient (bounced or deferred, the status, the remote server's words). No I/O here: reading
//! the mailbox is `crate::mailbox`, matching and recording `crate::sender`.
//!
//! Messages leave with a VERP return path ([`return_path`]) and DSN parameters (`ENVID` the
//! `Message-ID` without `<>`, `RET=HDRS`, `NOTIFY=FAILURE,DELAY`), so that a report finds its
//! message whichever of the three the reporting server kept. MIME is mail-parser's business;
//! the delivery-status fields are read in `dsn`, prose bounces in `plain`.

mod dsn;
mod explain;
mod plain;
mod reply;
mod report;
mod status;
mod verp;

use mail_parser::{HeaderValue, Message, MessageParser, MessagePart, MimeHeaders, PartType};

pub use explain::explain_status;
pub use reply::{RelayReply, read_reply};
pub use report::{RecipientStatus, Report, ReportError, ReportKind, Verdict};
pub use verp::{decode_xtext, encode_xtext, outbox_id_of, return_path};

/// The headers that name the address a report was delivered to.
const DELIVERY_HEADERS: &[&str] = &[
    "To",
    "Delivered-To",
    "X-Original-To",
    "Envelope-To",
    "X-Envelope-To",
    "X-Delivered-To",
    "Return-Path",
];

/// Reads one raw message of the bounce mailbox. `Err` for bytes that are no message, and for a
/// delivery status notification that cannot be read (no recipient, no action).
pub fn read_report(raw: &[u8]) -> Result<Report, ReportError> {
    let message = MessageParser::default()
        .parse(raw)
        .filter(|message| message.headers().iter().any(|h| !h.value().is_empty()))
        .ok_or(ReportError::NotAMessage)?;
    let delivered_to = delivered_to(&message);
    let mut report = Report {
        kind: ReportKind::NotABounce,
        report_id: message.message_id().and_then(bare_id),
        date: message
            .date()
            .filter(|date| date.is_valid())
            .and_then(|date| chrono::DateTime::from_timestamp(date.to_timestamp(), 0)),
        envelope_id: None,
        delivered_to,
        original_message_id: None,
        recipients: Vec::new(),
    };
    let texts: Vec<String> = (0..message.text_body_count().min(4))
        .filter_map(|at| message.body_text(at).map(|text| text.into_owned()))
        .collect();
    let mut quoted_id = None;
    if let Some(part) = message
        .parts
        .iter()
        .find(|part| is_type(part, "message", DSN_TYPES))
    {
        let status = dsn::read(part.contents()).map_err(ReportError::malformed)?;
        let failed = status.recipients.iter().any(|r| r.verdict.is_some());
        report.kind = if failed {
            ReportKind::DeliveryStatus
        } else {
            ReportKind::NotABounce
        };
        report.envelope_id = status.envelope_id.filter(|id| !id.is_empty());
        report.recipients = status.recipients;
        quoted_id = status.original_message_id;
    } else if is_delivery_report(&message) {
        return Err(ReportError::malformed(
            "a delivery-status report without a delivery-status part",
        ));
    } else if !plain::is_auto_reply(&message) {
        let notice = texts.first().map_or("", |text| plain::notice(text));
        if plain::is_bounce(&message, notice) {
            report.kind = ReportKind::NonStandard;
            let mut own = report.delivered_to.clone();
            own.extend(sender(&message));
            report.recipients = plain::recipients(&message, notice, &own);
        }
    }
    report.original_message_id = returned_message_id(&message)
        .or(quoted_id)
        .or_else(|| {
            message
                .header_raw("X-Original-Message-ID")
                .and_then(bare_id)
        })
        .or_else(|| texts.iter().find_map(|text| message_id_line(text)));
    Ok(report)
}

/// `message/delivery-status` (RFC 3464) and its UTF-8 form (RFC 6533).
const DSN_TYPES: &[&str] = &["delivery-status", "global-delivery-status"];

fn is_type(part: &MessagePart, kind: &str, subtypes: &[&str]) -> bool {
    part.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case(kind)
            && ct
                .subtype()
                .is_some_and(|sub| subtypes.iter().any(|s| sub.eq_ignore_ascii_case(s)))
    })
}

/// `multipart/report; report-type=delivery-status`.
fn is_delivery_report(message: &Message) -> bool {
    message.root_part().content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
            && ct
                .attribute("report-type")
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("delivery-status"))
    })
}

/// The `Message-ID` of the returned message or its headers, the report's last part.
fn returned_message_id(message: &Message) -> Option<String> {
    message.parts.iter().find_map(|part| match &part.body {
        PartType::Message(returned) => returned.message_id().and_then(bare_id),
        _ if is_type(part, "text", &["rfc822-headers"])
            || is_type(
                part,
                "message",
                &["rfc822", "global", "rfc822-headers", "global-headers"],
            ) =>
        {
            MessageParser::default()
                .parse_headers(part.contents())
                .and_then(|headers| headers.message_id().and_then(bare_id))
        }
        _ => None,
    })
}

/// A `Message-ID:` line in prose (a returned message pasted as text), without `<>`.
fn message_id_line(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (name, value) = line.trim_start().split_once(':')?;
        if !name.trim_end().eq_ignore_ascii_case("Message-ID") {
            return None;
        }
        let value = value.trim();
        let value = match value.split_once('<') {
            Some((_, rest)) => rest.split_once('>').map_or(rest, |(id, _)| id),
            None => value.split_whitespace().next().unwrap_or_default(),
        };
        bare_id(value)
    })
}

fn bare_id(id: &str) -> Option<String> {
    let id = id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    (!id.is_empty()).then(|| id.to_owned())
}

/// The addresses of the delivery headers, lower-cased, each once.
fn delivered_to(message: &Message) -> Vec<String> {
    let mut addresses: Vec<String> = Vec::new();
    let headers = message.headers().iter().filter(|header| {
        DELIVERY_HEADERS
            .iter()
            .any(|name| header.name().eq_ignore_ascii_case(name))
    });
    for header in headers {
        let found: Vec<String> = match header.value() {
            HeaderValue::Address(address) => address
                .iter()
                .filter_map(|addr| addr.address())
                .map(str::to_owned)
                .collect(),
            HeaderValue::Text(text) => addresses_in(text),
            HeaderValue::TextList(list) => {
                list.iter().flat_map(|text| addresses_in(text)).collect()
            }
            _ => Vec::new(),
        };
        for address in found {
            let address = address.to_lowercase();
            if address.contains('@') && !addresses.contains(&address) {
                addresses.push(address);
            }
        }
    }
    addresses
}

fn addresses_in(text: &str) -> Vec<String> {
    text.split([',', ';', ' ', '\t', '\r', '\n'])
        .map(|word| word.trim_start_matches('<').trim_end_matches('>'))
        .filter(|word| word.contains('@'))
        .map(str::to_owned)
        .collect()
}

fn sender(message: &Message) -> Option<String> {
    message
        .from()
        .and_then(|from| from.first())
        .and_then(|addr| addr.address())
        .map(str::to_lowercase)
}
