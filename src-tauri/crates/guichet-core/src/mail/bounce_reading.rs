//! What one reading of the bounce mailbox came to (`guichet-admin bounces fetch --json`), and
//! the mailbox's state as the supervisors' settings screen shows it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::bounce::Verdict;

/// How a report found its message: the envelope id it carries back, the return path it was
/// delivered to, or the Message-ID in the headers it returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "kebab-case")]
pub enum MatchedBy {
    Envid,
    ReturnPath,
    MessageId,
}

impl MatchedBy {
    pub fn code(self) -> &'static str {
        match self {
            MatchedBy::Envid => "envid",
            MatchedBy::ReturnPath => "return-path",
            MatchedBy::MessageId => "message-id",
        }
    }
}

/// A report recorded on its message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct MatchedReport {
    pub outbox_id: i32,
    pub email: String,
    pub verdict: Verdict,
    pub status: Option<String>,
    pub diagnostic: Option<String>,
    pub matched_by: MatchedBy,
    /// Already recorded by an earlier reading (read again after an interruption).
    pub already_known: bool,
}

/// Why a report stays in the mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "kebab-case")]
pub enum LeftReason {
    /// A bounce, but for no message the Guichet sent.
    UnknownMessage,
    /// Not readable as a report.
    Malformed,
    /// Larger than a bounce ever is: not read.
    TooLarge,
}

impl LeftReason {
    pub fn label(self) -> &'static str {
        match self {
            LeftReason::UnknownMessage => "retour d’un message que le Guichet n’a pas envoyé",
            LeftReason::Malformed => "rapport illisible",
            LeftReason::TooLarge => "message trop gros pour être un retour",
        }
    }
}

/// A report left in the mailbox, for a person to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct LeftReport {
    /// Its IMAP UID in the folder.
    pub uid: u32,
    pub subject: Option<String>,
    pub from: Option<String>,
    pub reason: LeftReason,
    /// The precise cause, in English (for the log and the experts).
    pub detail: Option<String>,
}

/// One reading of the mailbox.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct BounceReading {
    /// Messages looked at by this reading.
    pub read: u32,
    pub matched: Vec<MatchedReport>,
    /// Not bounces (auto-replies, positive notices): filed away, nothing recorded.
    pub ignored: u32,
    /// Left by this reading.
    pub left: Vec<LeftReport>,
    /// Left in the mailbox in all, by this reading and earlier ones.
    pub left_in_mailbox: u32,
}

impl BounceReading {
    /// The reading in a sentence, for the CLI and the log.
    pub fn describe(&self) -> String {
        let bounced = self
            .matched
            .iter()
            .filter(|report| report.verdict == Verdict::Bounced)
            .count();
        let deferred = self.matched.len() - bounced;
        format!(
            "{} message(s) lu(s)\u{a0}: {bounced} non délivré(s), {deferred} différé(s), {} sans objet, {} laissé(s) dans la boîte ({} en tout).",
            self.read,
            self.ignored,
            self.left.len(),
            self.left_in_mailbox
        )
    }
}

/// The bounce mailbox as the supervisors see it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct BounceMailboxStatus {
    /// A server is set: the sender reads it every few minutes.
    pub configured: bool,
    pub read_at: Option<DateTime<Utc>>,
    pub matched: u32,
    pub ignored: u32,
    /// Reports left in the mailbox, not understood.
    pub unmatched: u32,
    /// Some of them, to go and read.
    pub left: Vec<LeftReport>,
    /// Why the mailbox cannot be read, in French.
    pub problem: Option<String>,
    pub problem_since: Option<DateTime<Utc>>,
}
