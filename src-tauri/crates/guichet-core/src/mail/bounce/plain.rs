//! Bounces without a delivery-status part (qmail's "failure notice", old Exchange, some
//! providers): told from automatic replies and ordinary mail by their sender and subject, and
//! read from their prose: the first enhanced status code and the line that carries it.

use mail_parser::{HeaderValue, Message};

use super::reply::tidy;
use super::report::{RecipientStatus, Verdict};
use super::status::{find_enhanced, find_reply_code};

/// Subjects mail programs give automatic replies (lower case).
const AUTO_REPLY_SUBJECTS: &[&str] = &[
    "réponse automatique",
    "reponse automatique",
    "absence du bureau",
    "absent du bureau",
    "message d’absence",
    "message d'absence",
    "out of office",
    "out of the office",
    "automatic reply",
    "auto-reply",
    "autoreply",
    "auto reply",
];

/// Subjects bouncing servers give their reports (lower case).
const BOUNCE_SUBJECTS: &[&str] = &[
    "undelivered mail",
    "undeliverable",
    "undelivered",
    "mail delivery failed",
    "delivery status notification",
    "failure notice",
    "non remis",
    "non distribuable",
    "non délivré",
    "échec de la remise",
    "delivery failure",
    "delivery failed",
    "delivery has failed",
    "returned mail",
    "returned to sender",
    "mail system error",
    "could not be delivered",
    "delayed mail",
    "delivery delayed",
];

/// Local parts and display names of the senders of bounces (lower case).
const BOUNCE_SENDERS: &[&str] = &["mailer-daemon", "mail-daemon", "mailerdaemon", "postmaster"];
const BOUNCE_SENDER_NAMES: &[&str] = &["mail delivery", "mailer-daemon", "postmaster"];

/// Where the copy of the returned message starts in a bounce's prose (lower case).
const COPY_MARKERS: &[&str] = &[
    "below this line is a copy of the message",
    "this is a copy of the message",
    "original message follows",
    "original message headers",
    "----- original message -----",
    "header of the original message",
];

/// An automatic reply by its headers (RFC 3834's `Auto-Submitted` alone is not enough: bounces
/// carry it too) or its subject.
pub(super) fn is_auto_reply(message: &Message) -> bool {
    let has = |name: &str| message.header(name).is_some();
    let subject = subject(message);
    has("X-Autoreply")
        || has("X-Autorespond")
        || message
            .header_raw("Precedence")
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("auto_reply"))
        || AUTO_REPLY_SUBJECTS.iter().any(|s| subject.contains(s))
}

/// A bounce by its subject, or by its sender when its text quotes a status.
pub(super) fn is_bounce(message: &Message, notice: &str) -> bool {
    let subject = subject(message);
    if BOUNCE_SUBJECTS.iter().any(|s| subject.contains(s)) {
        return true;
    }
    let sender = message.from().and_then(|from| from.first());
    let by_address = sender
        .and_then(|addr| addr.address())
        .and_then(|address| address.split('@').next())
        .is_some_and(|local| BOUNCE_SENDERS.contains(&local.to_lowercase().as_str()));
    let by_name = sender.and_then(|addr| addr.name()).is_some_and(|name| {
        let name = name.to_lowercase();
        BOUNCE_SENDER_NAMES.iter().any(|s| name.contains(s))
    });
    (by_address || by_name)
        && (find_enhanced(notice).is_some() || find_reply_code(notice).is_some())
}

/// The bounce's own words, before the copy of the returned message.
pub(super) fn notice(text: &str) -> &str {
    // The markers are ASCII: lower-casing ASCII only keeps the offsets of the original.
    let lower = text.to_ascii_lowercase();
    let cut = COPY_MARKERS
        .iter()
        .filter_map(|marker| lower.find(marker))
        .min()
        .unwrap_or(text.len());
    text.get(..cut).unwrap_or(text)
}

/// The recipients a prose bounce names (`X-Failed-Recipients`, else the first `<address>` of
/// its text that is not the report's own), each with what its text says.
pub(super) fn recipients(message: &Message, notice: &str, own: &[String]) -> Vec<RecipientStatus> {
    let (status, diagnostic) = status_line(notice);
    let lower = notice.to_lowercase();
    let verdict = match status.as_deref().and_then(|s| s.chars().next()) {
        Some('4') => Verdict::Deferred,
        Some(_) => Verdict::Bounced,
        None => match diagnostic.as_deref().and_then(|d| d.chars().next()) {
            Some('4') => Verdict::Deferred,
            Some(_) => Verdict::Bounced,
            None if ["delayed", "retried", "retrying", "temporar"]
                .iter()
                .any(|word| lower.contains(word)) =>
            {
                Verdict::Deferred
            }
            None => Verdict::Bounced,
        },
    };
    let mut addresses: Vec<String> = message
        .header_values("X-Failed-Recipients")
        .filter_map(HeaderValue::as_text)
        .flat_map(|list| list.split(','))
        .map(|address| address.trim().to_owned())
        .filter(|address| address.contains('@'))
        .collect();
    if addresses.is_empty() {
        addresses.extend(first_bracketed_address(notice, own));
    }
    let status = |address: Option<String>| RecipientStatus {
        address,
        verdict: Some(verdict),
        status: status.clone(),
        diagnostic: diagnostic.clone(),
        remote_mta: None,
    };
    if addresses.is_empty() {
        return vec![status(None)];
    }
    addresses
        .into_iter()
        .map(|address| status(Some(address)))
        .collect()
}

/// The first enhanced status code of `notice`, and the line that carries it from its reply code
/// on, with the indented lines that continue it; failing a code, the first line with a reply code.
fn status_line(notice: &str) -> (Option<String>, Option<String>) {
    let lines: Vec<&str> = notice.lines().collect();
    let found = lines
        .iter()
        .enumerate()
        .find_map(|(at, line)| find_enhanced(line).map(|(_, code)| (at, Some(code.to_owned()))))
        .or_else(|| {
            lines
                .iter()
                .position(|line| find_reply_code(line).is_some())
                .map(|at| (at, None))
        });
    let Some((at, status)) = found else {
        return (None, None);
    };
    let line = lines[at];
    let start = find_reply_code(line)
        .or_else(|| find_enhanced(line).map(|(start, _)| start))
        .unwrap_or(0);
    let mut words = line.get(start..).unwrap_or(line).to_owned();
    for next in lines.iter().skip(at + 1) {
        if next.trim().is_empty() || !next.starts_with([' ', '\t']) {
            break;
        }
        words.push(' ');
        words.push_str(next.trim());
    }
    let diagnostic = tidy(&words);
    (status, (!diagnostic.is_empty()).then_some(diagnostic))
}

fn first_bracketed_address(text: &str, own: &[String]) -> Option<String> {
    text.split('<')
        .skip(1)
        .filter_map(|rest| rest.split_once('>').map(|(inside, _)| inside.trim()))
        .find(|address| {
            address.contains('@')
                && !address.contains(char::is_whitespace)
                && !own.iter().any(|own| own.eq_ignore_ascii_case(address))
        })
        .map(str::to_owned)
}

fn subject(message: &Message) -> String {
    message.subject().unwrap_or_default().to_lowercase()
}
