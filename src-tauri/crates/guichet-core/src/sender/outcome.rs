//! What the server's answer means for a message (sent, retried later with growing pauses,
//! failed, or deferred until the server answers), and the tally of a pass.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::delivery::transport::SendError;
use crate::store::MailOutcome;

/// Temporary failures of one message are retried this many times (with growing pauses).
pub const MAX_ATTEMPTS: i32 = 10;

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DrainReport {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    /// Replaced by a newer link before they left: rightly never sent.
    pub dropped: usize,
    /// Put back in the queue because the server could not be reached.
    pub deferred: usize,
    /// Claimed by a sender that died, taken back to be sent again.
    pub requeued: u64,
}

impl DrainReport {
    pub(super) fn count(&mut self, outcome: &MailOutcome) {
        match outcome {
            MailOutcome::Sent { .. } => self.sent += 1,
            MailOutcome::Retry { .. } => self.retried += 1,
            MailOutcome::Failed { .. } => self.failed += 1,
            MailOutcome::Dropped { .. } => self.dropped += 1,
            MailOutcome::Deferred { .. } => self.deferred += 1,
        }
    }
}

/// The pause before the next attempt: 15 s, doubling, at most 15 minutes.
pub(super) fn backoff(attempts: i32) -> Duration {
    let doublings = (attempts - 1).clamp(0, 6);
    Duration::seconds((15_i64 << doublings).min(15 * 60))
}

/// What the server's answer means for the message, at its `attempts`-th attempt. A link that
/// expires before its next attempt is minted anew then.
pub(super) fn outcome(
    result: std::result::Result<String, SendError>,
    attempts: i32,
    now: DateTime<Utc>,
) -> MailOutcome {
    match result {
        Ok(reply) => MailOutcome::Sent { reply },
        Err(error) if error.is_about_the_server() => MailOutcome::Deferred {
            reason: error.message(),
            at: now,
        },
        Err(error) if error.is_temporary() && attempts >= MAX_ATTEMPTS => MailOutcome::Failed {
            reason: format!("{} (abandonné après {attempts} essais)", error.message()),
        },
        Err(error) if error.is_temporary() => MailOutcome::Retry {
            reason: error.message(),
            at: now + backoff(attempts),
        },
        Err(error) => MailOutcome::Failed {
            reason: error.message(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_fifteen_minutes() {
        assert_eq!(backoff(1), Duration::seconds(15));
        assert_eq!(backoff(2), Duration::seconds(30));
        assert_eq!(backoff(5), Duration::seconds(240));
        assert_eq!(backoff(9), Duration::minutes(15));
    }

    #[test]
    fn a_temporary_failure_is_retried_until_the_attempts_run_out() {
        let now = Utc::now();
        let temporary = || {
            Err(SendError::Temporary {
                reason: "451".into(),
            })
        };
        assert!(matches!(
            outcome(temporary(), 1, now),
            MailOutcome::Retry { at, .. } if at == now + Duration::seconds(15)
        ));
        assert!(matches!(
            outcome(temporary(), MAX_ATTEMPTS, now),
            MailOutcome::Failed { reason } if reason.contains("abandonné")
        ));
    }

    #[test]
    fn an_unreachable_server_defers_without_counting_and_a_5xx_is_final() {
        let now = Utc::now();
        for error in [
            SendError::Unreachable {
                reason: "connection refused".into(),
            },
            SendError::Authentication {
                reply: "535 no".into(),
            },
        ] {
            assert!(matches!(
                outcome(Err(error), MAX_ATTEMPTS, now),
                MailOutcome::Deferred { .. }
            ));
        }
        let outcome = outcome(
            Err(SendError::Permanent {
                reply: "550 No such user".into(),
            }),
            1,
            now,
        );
        assert!(
            matches!(outcome, MailOutcome::Failed { reason } if reason.contains("550 No such user"))
        );
    }
}
