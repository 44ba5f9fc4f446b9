//! The sender's side of the outbox: senders register and beat, claim one message at a time
//! right before sending it (minting its link in the same transaction when it has none yet, or
//! none that still works), and settle it once the server answered. A message claimed by a sender
//! that stopped beating goes back to the queue and is sent again byte for byte.
//!
//! This file holds what the sender and the store say to each other (a claim, a minted link, an
//! outcome); the queries are in `claim` (claiming and minting), `settle` (recording an outcome)
//! and `senders` (the senders' registry and what is read of it).

mod claim;
mod senders;
mod settle;

use chrono::{DateTime, NaiveDateTime, Utc};

/// What became of one claimed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MailOutcome {
    /// The server accepted it, with this reply.
    Sent { reply: String },
    /// It did not go through; the next attempt is at `at`.
    Retry { reason: String, at: DateTime<Utc> },
    /// It will never go: refused for good, or out of attempts.
    Failed { reason: String },
    /// Not sent, and rightly so: its link was replaced by a newer one before it left.
    Dropped { reason: String },
    /// The server could not be reached at all: not this message's fault, so the attempt does
    /// not count; it waits for the sender to reach the server again.
    Deferred { reason: String, at: DateTime<Utc> },
}

impl MailOutcome {
    /// The state the outbox records, the reply, and whether the kept message can go.
    pub(super) fn columns(&self, now: DateTime<Utc>) -> (&'static str, &str, DateTime<Utc>, bool) {
        match self {
            MailOutcome::Sent { reply } => ("sent", reply, now, true),
            MailOutcome::Retry { reason, at } | MailOutcome::Deferred { reason, at } => {
                ("waiting", reason, *at, false)
            }
            MailOutcome::Failed { reason } => ("failed", reason, now, true),
            MailOutcome::Dropped { reason } => ("dropped", reason, now, true),
        }
    }
}

/// One attempt to hand a message over: what it came to, the return path it carried and the
/// relay's raw reply (`250 2.0.0 Ok: queued as …`, `550 5.1.1 …`), kept with the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attempt {
    pub outcome: MailOutcome,
    pub return_path: Option<String>,
    pub reply: Option<String>,
}

/// A message to mint a link for: its row, and the account the link opens.
#[derive(Debug, Clone)]
pub(crate) struct ToMint {
    pub outbox_id: i32,
    pub account_id: i32,
    pub recipient: String,
}

/// A freshly minted link and its message: the portal's row, the ledger's columns and the bytes
/// (sealed for keeping, and in clear for sending now).
pub(crate) struct Minted {
    pub selector: String,
    pub hashed_token: String,
    pub requested_local: NaiveDateTime,
    pub expires_local: NaiveDateTime,
    pub expires_at: DateTime<Utc>,
    pub token_sha256: String,
    pub message_id: String,
    pub sealed: Vec<u8>,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Minted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Minted")
            .field("selector", &self.selector)
            .field("expires_at", &self.expires_at)
            .field("message_id", &self.message_id)
            .finish_non_exhaustive()
    }
}

/// What the sender brings to a claim: it alone holds the signing key.
pub(crate) trait Minter {
    /// The kept message of an outbox row, or `None` if it does not open (another key).
    fn open(&self, outbox_id: i32, sealed: &[u8]) -> Option<Vec<u8>>;
    /// A new link and its message, or why this message cannot be composed at all.
    fn mint(&self, job: &ToMint, now: DateTime<Utc>) -> std::result::Result<Minted, String>;
}

/// A message claimed for sending.
#[derive(Debug)]
pub(crate) enum Claim {
    /// To send now, as these bytes.
    Send {
        outbox_id: i32,
        recipient: String,
        attempts: i32,
        /// Its Message-ID, the envelope id a delivery report carries back.
        message_id: Option<String>,
        bytes: Vec<u8>,
    },
    /// Settled at once, without sending.
    Settled(MailOutcome),
}
