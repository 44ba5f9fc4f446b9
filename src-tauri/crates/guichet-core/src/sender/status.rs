//! Whether the links leave, as every agent's window shows it: the freshest live sender's
//! problem, or none alive while messages have waited for a while.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::error::Result;
use crate::store::Store;

/// A sender silent this long is taken for dead: its claimed messages go again.
pub const STALE_AFTER: Duration = Duration::seconds(10);
/// How long a message may wait without any sender alive before the windows say so.
const UNSERVED_AFTER: Duration = Duration::seconds(15);

/// Whether the links leave, as every agent's window shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct SendingStatus {
    /// « Les liens ne partent pas : … », or `None` while they leave.
    pub problem: Option<String>,
    pub since: Option<DateTime<Utc>>,
}

/// Whether the links of this database leave: the freshest live sender's problem, or none alive
/// while messages have waited for a while.
pub(crate) async fn status(store: &Store, now: DateTime<Utc>) -> Result<SendingStatus> {
    let senders = store.live_senders(now - STALE_AFTER).await?;
    if senders.iter().any(|sender| sender.problem.is_none()) {
        return Ok(SendingStatus {
            problem: None,
            since: None,
        });
    }
    if let Some(sender) = senders.first() {
        return Ok(SendingStatus {
            problem: sender.problem.as_deref().map(stated),
            since: sender.problem_since,
        });
    }
    let (oldest, last_beat) = store.queue_age().await?;
    match oldest.filter(|asked| *asked < now - UNSERVED_AFTER) {
        Some(asked) => Ok(SendingStatus {
            problem: Some(stated(&match last_beat {
                Some(at) => format!(
                    "Le service d’envoi ne répond plus depuis le {}.",
                    crate::text::paris_time(at)
                ),
                None => "Aucun service d’envoi ne tourne pour cette base.".to_string(),
            })),
            since: Some(asked),
        }),
        None => Ok(SendingStatus {
            problem: None,
            since: None,
        }),
    }
}

/// « Les liens ne partent pas : » and the reason, its capital lowered.
fn stated(reason: &str) -> String {
    format!(
        "Les liens ne partent pas\u{a0}: {}",
        crate::text::lowercase_first(reason)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_problem_reads_after_les_liens_ne_partent_pas() {
        assert_eq!(
            stated("La clé manque."),
            "Les liens ne partent pas\u{a0}: la clé manque."
        );
    }
}
