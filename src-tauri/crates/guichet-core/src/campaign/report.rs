//! A campaign's report: each establishment of the plan, and what became of its link.

use chrono::{DateTime, Utc};

use super::SkipReason;

/// One establishment of a campaign, with its message's state (`None` before the start).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetReport {
    pub uai: String,
    pub name: String,
    pub email: Option<String>,
    pub skip: Option<SkipReason>,
    /// The outbox's state: `waiting`, `sending`, `sent`, `failed`, `dropped`.
    pub message: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub reply: Option<String>,
}

impl TargetReport {
    /// What became of it, as the report says it.
    pub fn outcome(&self) -> String {
        if let Some(reason) = self.skip {
            return format!("Écarté\u{a0}: {}", reason.label());
        }
        match self.message.as_deref() {
            None => "À envoyer".into(),
            Some("waiting" | "sending") => "En attente d’envoi".into(),
            Some("sent") => "Envoyé".into(),
            Some("failed") => "Échec".into(),
            Some("dropped") => "Non envoyé".into(),
            Some(other) => other.into(),
        }
    }
}

/// The report as CSV for French Excel, one row per establishment.
pub fn to_csv(targets: &[TargetReport]) -> String {
    let mut out = crate::csv_export::document(&[
        "UAI",
        "Établissement",
        "Adresse principale",
        "Résultat",
        "Envoyé le",
        "Réponse du serveur",
    ]);
    for t in targets {
        crate::csv_export::push_row(
            &mut out,
            [
                t.uai.clone(),
                t.name.clone(),
                t.email.clone().unwrap_or_default(),
                t.outcome(),
                t.sent_at.map(crate::text::paris_time).unwrap_or_default(),
                t.reply.clone().unwrap_or_default(),
            ],
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(skip: Option<SkipReason>, message: Option<&str>) -> TargetReport {
        TargetReport {
            uai: "0750655E".into(),
            name: "Lycée Voltaire".into(),
            email: Some("ce.0750655E@ac-paris.fr".into()),
            skip,
            message: message.map(str::to_string),
            sent_at: None,
            reply: None,
        }
    }

    #[test]
    fn each_outcome_reads_in_french_and_the_csv_has_a_row_each() {
        assert_eq!(
            target(Some(SkipReason::RecentLink), None).outcome(),
            "Écarté\u{a0}: Lien envoyé il y a moins d’une heure"
        );
        assert_eq!(target(None, None).outcome(), "À envoyer");
        assert_eq!(
            target(None, Some("sending")).outcome(),
            "En attente d’envoi"
        );
        assert_eq!(target(None, Some("sent")).outcome(), "Envoyé");
        assert_eq!(target(None, Some("dropped")).outcome(), "Non envoyé");
        let csv = to_csv(&[
            target(None, Some("sent")),
            target(Some(SkipReason::Closed), None),
        ]);
        assert_eq!(csv.lines().count(), 3, "{csv}");
        assert!(csv.contains("Écarté\u{a0}: Établissement fermé"), "{csv}");
    }
}
