//! The fields of a `message/delivery-status` body (RFC 3464 §2.1): one group about the message,
//! then one group per recipient, blank lines apart. Each group is read by mail-parser's header
//! parser (the names, the folded lines); the values are unfolded and their types taken off here.

use mail_parser::MessageParser;

use super::reply::tidy;
use super::report::{RecipientStatus, Verdict};
use super::status::{find_enhanced, parse_enhanced};
use super::verp::decode_xtext;

/// What a delivery-status body says.
#[derive(Debug, Default)]
pub(super) struct DeliveryStatus {
    /// `Original-Envelope-Id`, decoded from xtext.
    pub envelope_id: Option<String>,
    /// `X-Original-Message-ID` (Gmail), without `<>`.
    pub original_message_id: Option<String>,
    pub recipients: Vec<RecipientStatus>,
}

/// Reads a delivery-status body; `Err` with the reason when it has no recipient group or a
/// recipient group without a valid `Action`.
pub(super) fn read(body: &[u8]) -> Result<DeliveryStatus, String> {
    let groups: Vec<Fields> = split_groups(body)
        .into_iter()
        .map(Fields::read)
        .filter(|fields| !fields.0.is_empty())
        .collect();
    let Some(message) = groups.first() else {
        return Err("the delivery-status part is empty".into());
    };
    // Some servers write the message's and the recipient's fields in one group.
    let skip = usize::from(message.get("Action").is_none());
    let recipients = groups
        .iter()
        .skip(skip)
        .map(recipient)
        .collect::<Result<Vec<_>, _>>()?;
    if recipients.is_empty() {
        return Err("the delivery-status part has no per-recipient fields".into());
    }
    Ok(DeliveryStatus {
        envelope_id: message
            .get("Original-Envelope-Id")
            .map(|id| decode_xtext(id.trim())),
        original_message_id: message
            .get("X-Original-Message-ID")
            .map(|id| {
                id.trim_start_matches('<')
                    .trim_end_matches('>')
                    .trim()
                    .to_owned()
            })
            .filter(|id| !id.is_empty()),
        recipients,
    })
}

fn recipient(fields: &Fields) -> Result<RecipientStatus, String> {
    let action = fields
        .get("Action")
        .ok_or("a per-recipient group has no Action field")?;
    // Some servers follow the action with a comment: "failed (bad mailbox)".
    let verdict = match action
        .split(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
        .as_str()
    {
        "failed" => Some(Verdict::Bounced),
        "delayed" => Some(Verdict::Deferred),
        "delivered" | "relayed" | "expanded" => None,
        _ => return Err(format!("unknown Action {action:?}")),
    };
    let diagnostic = fields
        .get("Diagnostic-Code")
        .map(|code| tidy(untyped(code)))
        .filter(|text| !text.is_empty());
    let status = fields
        .get("Status")
        .and_then(|status| status.split_whitespace().next())
        .filter(|status| parse_enhanced(status).is_some())
        .map(str::to_owned);
    Ok(RecipientStatus {
        address: fields
            .get("Original-Recipient")
            .or_else(|| fields.get("Final-Recipient"))
            .map(|address| {
                untyped(address)
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_owned()
            })
            .filter(|address| !address.is_empty()),
        verdict,
        status: precise(status, diagnostic.as_deref()),
        diagnostic,
        remote_mta: fields
            .get("Remote-MTA")
            .map(|mta| untyped(mta).to_owned())
            .filter(|mta| !mta.is_empty()),
    })
}

/// The status, or the more precise one the diagnostic quotes where the status is only its class
/// (Exim always writes `5.0.0`) or missing.
fn precise(status: Option<String>, diagnostic: Option<&str>) -> Option<String> {
    let quoted = diagnostic.and_then(find_enhanced).map(|(_, code)| code);
    match (status, quoted) {
        (Some(status), Some(quoted)) => {
            let vague = parse_enhanced(&status).is_some_and(|s| s.subject == 0 && s.detail == 0);
            let same_class = status.get(..1) == quoted.get(..1);
            Some(if vague && same_class {
                quoted.to_owned()
            } else {
                status
            })
        }
        (status, quoted) => status.or(quoted.map(str::to_owned)),
    }
}

/// A typed value without its type: `rfc822; x@y.fr`, `dns; mx.ac-paris.fr`, `smtp; 550 …`.
fn untyped(value: &str) -> &str {
    match value.split_once(';') {
        Some((kind, rest))
            if !kind.trim().is_empty()
                && kind
                    .trim()
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.') =>
        {
            rest.trim()
        }
        _ => value.trim(),
    }
}

/// One group's fields, in order, each value unfolded.
struct Fields(Vec<(String, String)>);

impl Fields {
    fn read(group: &[u8]) -> Fields {
        let Some(parsed) = MessageParser::new().parse_headers(group) else {
            return Fields(Vec::new());
        };
        let fields = parsed
            .headers()
            .iter()
            .filter_map(|header| {
                let raw =
                    group.get(header.offset_start() as usize..header.offset_end() as usize)?;
                let value = String::from_utf8_lossy(raw);
                let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
                Some((header.name().to_owned(), value))
            })
            .collect();
        Fields(fields)
    }

    /// The first field named `name` (any case) with a value.
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(field, value)| field.eq_ignore_ascii_case(name) && !value.is_empty())
            .map(|(_, value)| value.as_str())
    }
}

/// The groups of `body`, split at blank lines (empty or white space only).
fn split_groups(body: &[u8]) -> Vec<&[u8]> {
    let mut groups = Vec::new();
    let mut start = 0;
    let mut line_start = 0;
    while line_start < body.len() {
        let line_end = body[line_start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(body.len(), |at| line_start + at + 1);
        let blank = body[line_start..line_end]
            .iter()
            .all(u8::is_ascii_whitespace);
        if blank {
            if let Some(group) = body.get(start..line_start).filter(|g| !g.is_empty()) {
                groups.push(group);
            }
            start = line_end;
        }
        line_start = line_end;
    }
    if let Some(group) = body
        .get(start..)
        .filter(|g| !g.iter().all(u8::is_ascii_whitespace))
    {
        groups.push(group);
    }
    groups
}
