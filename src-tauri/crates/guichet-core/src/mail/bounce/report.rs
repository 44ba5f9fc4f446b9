//! What a bounce report says, in the words the rest of the app matches and records.

use chrono::{DateTime, Utc};

/// What a report says of one recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, specta::Type)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Refused for good (`Action: failed`): the address needs checking.
    Bounced,
    /// Still being retried (`Action: delayed`): nothing to do yet.
    Deferred,
}

/// What a report says of one recipient.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecipientStatus {
    /// The address as the message gave it (`Original-Recipient`), else as the reporting server
    /// saw it (`Final-Recipient`), without its `rfc822;` type.
    pub address: Option<String>,
    /// `None` for a recipient delivered, relayed or expanded: nothing went wrong there.
    pub verdict: Option<Verdict>,
    /// The enhanced status code, `5.1.1`.
    pub status: Option<String>,
    /// The remote server's own words, unfolded: `550 5.1.1 <x@y.fr>: Recipient address
    /// rejected: User unknown in virtual mailbox table`.
    pub diagnostic: Option<String>,
    /// The server that gave them, without its `dns;` type.
    pub remote_mta: Option<String>,
}

/// What kind of message the bounce mailbox received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    /// A delivery status notification (RFC 3464: `multipart/report;
    /// report-type=delivery-status`).
    DeliveryStatus,
    /// A bounce in prose only (qmail, old Exchange, some providers), read from its text.
    NonStandard,
    /// An automatic reply, an ordinary message, a notice that the message was delivered:
    /// nothing to record.
    NotABounce,
}

/// One message of the bounce mailbox, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub kind: ReportKind,
    /// The report's own `Message-ID`, without `<>`: a report read twice is recorded once.
    pub report_id: Option<String>,
    /// The report's `Date`.
    pub date: Option<DateTime<Utc>>,
    /// The envelope id the message was sent with (`ENVID`), decoded from xtext.
    pub envelope_id: Option<String>,
    /// The addresses the report was delivered to (lower-cased): where the VERP return path
    /// carrying the message's outbox id is found.
    pub delivered_to: Vec<String>,
    /// The `Message-ID` of the message returned, without `<>`.
    pub original_message_id: Option<String>,
    pub recipients: Vec<RecipientStatus>,
}

/// Why a message of the bounce mailbox cannot be read as a report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("not an e-mail message")]
    NotAMessage,
    #[error("malformed delivery report: {reason}")]
    Malformed { reason: String },
}

impl ReportError {
    pub(super) fn malformed(reason: impl Into<String>) -> ReportError {
        ReportError::Malformed {
            reason: reason.into(),
        }
    }
}
