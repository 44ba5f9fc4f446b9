//! What became of a link's message after it left the outbox: taken by the relay, refused by it,
//! or reported later by the establishment's server as delayed or not delivered; in the words an
//! agent reads to a caller, with the raw status for experts.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::bounce::{explain_status, read_reply};
use crate::text::paris_time;

/// Where a message stands, as `guichet-admin links --json` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// In the outbox, or being handed over.
    Queued,
    /// The relay took it; nothing came back since.
    Accepted,
    /// The relay refused it for good (a 5xx reply at RCPT or after the data).
    Refused,
    /// The establishment's server reported it delayed: still being tried.
    Deferred,
    /// The establishment's server reported it not delivered.
    Bounced,
    /// It never left: the relay could not be reached after every retry, or the message could
    /// not be composed or addressed.
    Failed,
    /// Rightly never sent: replaced by a newer link, or its campaign cancelled.
    Dropped,
}

/// A message's status, the reply or report it rests on, and what the agent reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct DeliveryReport {
    pub status: DeliveryStatus,
    /// The SMTP reply code (the relay's, or the one the report quotes).
    pub code: Option<u16>,
    /// The enhanced status code, `5.1.1`.
    pub enhanced: Option<String>,
    /// The server's own words.
    pub text: Option<String>,
    /// When the relay answered, or when the report said so.
    pub at: Option<DateTime<Utc>>,
    /// The relay's queue id, to ask its administrators about the message.
    pub queue_id: Option<String>,
    /// In plain French: « Non délivré : boîte aux lettres inexistante (signalé le …). »
    pub summary: String,
}

/// What the outbox keeps of a message, as the ledger reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct DeliveryFacts {
    pub outbox_state: Option<String>,
    /// The French reason of the last failed attempt, or where a file was written.
    pub outbox_reply: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub relay_code: Option<i32>,
    pub relay_enhanced: Option<String>,
    pub relay_text: Option<String>,
    pub relay_queue_id: Option<String>,
    pub relay_at: Option<DateTime<Utc>>,
    pub report_verdict: Option<String>,
    pub report_status: Option<String>,
    pub report_text: Option<String>,
    pub report_at: Option<DateTime<Utc>>,
}

impl DeliveryFacts {
    /// A report's verdict wins over the relay's answer: it comes later and from further on.
    pub fn report(&self) -> DeliveryReport {
        let relay_code = self.relay_code.and_then(|code| u16::try_from(code).ok());
        let relay = || DeliveryReport {
            status: DeliveryStatus::Queued,
            code: relay_code,
            enhanced: self.relay_enhanced.clone(),
            text: self.relay_text.clone(),
            at: self.relay_at,
            queue_id: self.relay_queue_id.clone(),
            summary: String::new(),
        };
        let mut report = match (self.report_verdict.as_deref(), self.outbox_state.as_deref()) {
            (Some(verdict @ ("bounced" | "deferred")), _) => {
                // The report's own words often quote the remote server's reply code.
                let quoted = self.report_text.as_deref().and_then(read_reply);
                DeliveryReport {
                    status: if verdict == "bounced" {
                        DeliveryStatus::Bounced
                    } else {
                        DeliveryStatus::Deferred
                    },
                    code: quoted.as_ref().map(|reply| reply.code),
                    enhanced: self
                        .report_status
                        .clone()
                        .or_else(|| quoted.and_then(|reply| reply.enhanced)),
                    text: self.report_text.clone(),
                    at: self.report_at,
                    ..relay()
                }
            }
            (_, Some("sent")) => DeliveryReport {
                status: DeliveryStatus::Accepted,
                at: self.relay_at.or(self.sent_at),
                ..relay()
            },
            (_, Some("failed")) if relay_code.is_some_and(|code| code >= 500) => DeliveryReport {
                status: DeliveryStatus::Refused,
                ..relay()
            },
            (_, Some("failed")) => DeliveryReport {
                status: DeliveryStatus::Failed,
                text: self
                    .relay_text
                    .clone()
                    .or_else(|| self.outbox_reply.clone()),
                ..relay()
            },
            (_, Some("dropped")) => DeliveryReport {
                status: DeliveryStatus::Dropped,
                text: self.outbox_reply.clone(),
                ..relay()
            },
            _ => relay(),
        };
        report.summary = summary(&report, self.outbox_reply.as_deref());
        report
    }
}

impl DeliveryFacts {
    /// The report, when the message was refused for good or bounced.
    pub fn undelivered(&self) -> Option<DeliveryReport> {
        let report = self.report();
        matches!(
            report.status,
            DeliveryStatus::Refused | DeliveryStatus::Bounced
        )
        .then_some(report)
    }
}

fn summary(report: &DeliveryReport, reason: Option<&str>) -> String {
    let when = |prefix: &str| {
        report
            .at
            .map(|at| format!(" {prefix} {}", paris_time(at)))
            .unwrap_or_default()
    };
    let why = || explain_status(report.enhanced.as_deref(), report.code);
    let words = || {
        report
            .text
            .as_deref()
            .map(|text| format!(" («\u{a0}{text}\u{a0}»)"))
            .unwrap_or_default()
    };
    match report.status {
        DeliveryStatus::Queued => match reason {
            Some(reason) => format!("En attente d’envoi\u{a0}: {reason}"),
            None => "En attente d’envoi.".into(),
        },
        DeliveryStatus::Accepted => format!(
            "Accepté par le relais{}{}.",
            when("le"),
            report
                .queue_id
                .as_deref()
                .map(|id| format!(" (n°\u{a0}{id})"))
                .unwrap_or_default()
        ),
        DeliveryStatus::Refused => format!(
            "Refusé par le relais{}\u{a0}: {}{}. Vérifiez l’adresse avec le correspondant.",
            when("le"),
            why(),
            words()
        ),
        DeliveryStatus::Deferred => format!(
            "Différé par le serveur destinataire{}\u{a0}: {}. Il réessaie encore\u{a0}; rien à faire pour l’instant.",
            report
                .at
                .map(|at| format!(" (signalé le {})", paris_time(at)))
                .unwrap_or_default(),
            why()
        ),
        DeliveryStatus::Bounced => format!(
            "Non délivré\u{a0}: le serveur destinataire l’a refusé{}\u{a0}: {}{}. Vérifiez l’adresse avec le correspondant.",
            when("le"),
            why(),
            words()
        ),
        DeliveryStatus::Failed => match &report.text {
            Some(text) => format!("Non envoyé\u{a0}: {text}"),
            None => "Non envoyé.".into(),
        },
        DeliveryStatus::Dropped => match &report.text {
            Some(text) => format!("Non envoyé, à raison\u{a0}: {text}"),
            None => "Non envoyé, à raison.".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 12, 9, 5, 0)
            .single()
            .expect("instant")
    }

    #[test]
    fn a_relay_refusal_is_refused_and_a_failure_without_reply_failed() {
        let refused = DeliveryFacts {
            outbox_state: Some("failed".into()),
            relay_code: Some(550),
            relay_enhanced: Some("5.1.1".into()),
            relay_text: Some("No such mailbox here".into()),
            relay_at: Some(at()),
            ..DeliveryFacts::default()
        }
        .report();
        assert_eq!(refused.status, DeliveryStatus::Refused);
        assert_eq!(refused.code, Some(550));
        assert!(
            refused.summary.contains("12/03/2026 à 10:05"),
            "{}",
            refused.summary
        );
        assert!(refused.summary.contains("No such mailbox here"));
        let failed = DeliveryFacts {
            outbox_state: Some("failed".into()),
            relay_code: Some(451),
            outbox_reply: Some("abandonné après 10 essais".into()),
            ..DeliveryFacts::default()
        }
        .report();
        assert_eq!(failed.status, DeliveryStatus::Failed);
    }

    #[test]
    fn a_bounce_overrides_the_relay_s_acceptance() {
        let facts = DeliveryFacts {
            outbox_state: Some("sent".into()),
            relay_code: Some(250),
            relay_queue_id: Some("4F2B31C0A2".into()),
            relay_at: Some(at()),
            ..DeliveryFacts::default()
        };
        let accepted = facts.report();
        assert_eq!(accepted.status, DeliveryStatus::Accepted);
        assert!(accepted.summary.contains("4F2B31C0A2"));
        let bounced = DeliveryFacts {
            report_verdict: Some("bounced".into()),
            report_status: Some("5.2.2".into()),
            report_text: Some("552 5.2.2 Mailbox full".into()),
            report_at: Some(at()),
            ..facts
        }
        .report();
        assert_eq!(bounced.status, DeliveryStatus::Bounced);
        assert_eq!(bounced.code, Some(552));
        assert_eq!(bounced.enhanced.as_deref(), Some("5.2.2"));
        assert_eq!(bounced.queue_id.as_deref(), Some("4F2B31C0A2"));
        assert!(
            bounced.summary.starts_with("Non délivré"),
            "{}",
            bounced.summary
        );
    }

    #[test]
    fn waiting_and_dropped_messages_say_so() {
        let queued = DeliveryFacts {
            outbox_state: Some("waiting".into()),
            ..DeliveryFacts::default()
        }
        .report();
        assert_eq!(queued.status, DeliveryStatus::Queued);
        assert_eq!(
            DeliveryFacts::default().report().status,
            DeliveryStatus::Queued
        );
        let dropped = DeliveryFacts {
            outbox_state: Some("dropped".into()),
            outbox_reply: Some("Campagne annulée".into()),
            ..DeliveryFacts::default()
        }
        .report();
        assert_eq!(dropped.status, DeliveryStatus::Dropped);
        assert!(dropped.summary.contains("Campagne annulée"));
    }
}
