//! An SMTP reply as a relay gave it, read into its code, its enhanced status, its words and the
//! relay's queue id: what the outbox records of each message handed over, and how a report's
//! diagnostic is tidied.

use super::status::{parse_enhanced, reply_code};

/// An SMTP reply, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayReply {
    pub code: u16,
    /// The enhanced status code the text starts with (RFC 2034), of the code's class.
    pub enhanced: Option<String>,
    /// The text after the code and the enhanced status, the lines of a multi-line reply joined
    /// with spaces.
    pub text: String,
    /// The relay's own id for the message, to find it in the relay's logs.
    pub queue_id: Option<String>,
}

/// Reads `250 2.0.0 Ok: queued as 4F2B31C0A2`, a multi-line reply (`250-…` lines) or one whose
/// lines were already joined; `None` unless it starts with a reply code.
pub fn read_reply(reply: &str) -> Option<RelayReply> {
    let lines: Vec<&str> = reply
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let code_text = lines.first()?.get(..3)?;
    let code = reply_code(code_text)?;
    let mut pieces = Vec::with_capacity(lines.len());
    let mut enhanced: Option<&str> = None;
    for (index, line) in lines.iter().enumerate() {
        let mut rest = strip_code(line, code_text).unwrap_or(line);
        if index == 0 {
            // Nothing but the code, or the code glued to other digits: not a reply.
            if rest.len() == line.len() {
                return None;
            }
            let first = rest.split_whitespace().next().unwrap_or_default();
            if parse_enhanced(first).is_some_and(|e| u16::from(e.class) == code / 100) {
                enhanced = Some(first);
            }
        }
        if let Some(repeated) = enhanced {
            rest = rest.trim_start();
            rest = rest.strip_prefix(repeated).unwrap_or(rest);
        }
        pieces.push(rest.trim());
    }
    let mut text = pieces.join(" ");
    if let Some(enhanced) = enhanced {
        // A multi-line reply joined on one line repeats its code and status before each line.
        for separator in ['-', ' '] {
            text = text.replace(&format!(" {code_text}{separator}{enhanced} "), " ");
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(RelayReply {
        code,
        enhanced: enhanced.map(str::to_owned),
        queue_id: queue_id(&text),
        text,
    })
}

/// A report's diagnostic as one line: a reply (`550-5.1.1 …` folded over several lines) as
/// `550 5.1.1 …`, other words with their spaces tidied.
pub(super) fn tidy(diagnostic: &str) -> String {
    match read_reply(diagnostic) {
        Some(reply) => [
            Some(reply.code.to_string()),
            reply.enhanced,
            Some(reply.text).filter(|text| !text.is_empty()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" "),
        None => diagnostic.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

fn strip_code<'a>(line: &'a str, code: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(code)?;
    if rest.is_empty() {
        return Some(rest);
    }
    rest.strip_prefix('-').or_else(|| rest.strip_prefix(' '))
}

/// The relay's queue id, in the forms the usual relays give it.
fn queue_id(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let word_after = |marker: &str, allowed: fn(char) -> bool| {
        let at = lower.find(marker)? + marker.len();
        let id: String = text
            .get(at..)?
            .chars()
            .take_while(|c| allowed(*c))
            .collect();
        (!id.is_empty()).then_some(id)
    };
    let alphanumeric = |c: char| c.is_ascii_alphanumeric();
    let with_dashes = |c: char| c.is_ascii_alphanumeric() || c == '-';
    let words: Vec<&str> = text.split_whitespace().collect();
    // Postfix: "Ok: queued as 4F2B31C0A2".
    word_after("queued as ", alphanumeric)
        // Exchange and Microsoft 365: "<…> [InternalId=12884901893, Hostname=…]".
        .or_else(|| word_after("internalid=", alphanumeric))
        // Exim: "OK id=1sGxyz-000AbC-2Q".
        .or_else(|| {
            let at = lower
                .match_indices("id=")
                .find(|(at, _)| *at == 0 || !lower.as_bytes()[at - 1].is_ascii_alphanumeric())?;
            let id: String = text
                .get(at.0 + 3..)?
                .chars()
                .take_while(|c| with_dashes(*c))
                .collect();
            (!id.is_empty()).then_some(id)
        })
        // Gmail: "OK  1718094612 d9443c01a7336-1f6e0c1d2a3si1234567ad.321 - gsmtp".
        .or_else(|| {
            let at = words.iter().position(|word| *word == "gsmtp")?;
            (at >= 2 && words[at - 1] == "-").then(|| words[at - 2].to_owned())
        })
        // Sendmail: "45B8UCkR012345 Message accepted for delivery".
        .or_else(|| {
            let at = lower.find(" message accepted for delivery")?;
            let id = text.get(..at)?.split_whitespace().last()?;
            (id.len() >= 6
                && id.chars().all(alphanumeric)
                && id.chars().any(|c| c.is_ascii_digit()))
            .then(|| id.to_owned())
        })
        // qmail: "ok 1718094612 qp 28712".
        .or_else(|| {
            let at = words.iter().position(|word| *word == "qp")?;
            let id = words.get(at + 1)?;
            id.chars()
                .all(|c| c.is_ascii_digit())
                .then(|| (*id).to_owned())
        })
        // Microsoft 365 without an InternalId: the message's id it names.
        .or_else(|| {
            lower.contains("hostname=").then_some(())?;
            let id = words.first()?.strip_prefix('<')?.strip_suffix('>')?;
            (!id.is_empty()).then(|| id.to_owned())
        })
}
