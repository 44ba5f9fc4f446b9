//! The audit journal: every change and every link sent, by whom, when, before and after. The
//! database refuses to change or remove an entry; this module only appends and reads.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::csv_export;

/// What an agent did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    SignIn,
    SignInFailed,
    AgentAdded,
    AgentRoleChanged,
    AgentDisabled,
    AgentEnabled,
    PasswordChanged,
    AddressAdded,
    Attached,
    Detached,
    PrincipalChanged,
    LinkSent,
    SettingsChanged,
    JournalExported,
    /// Timeline only, derived from the ledger (the portal does not tell the app): a link used.
    LinkUsed,
    /// Timeline only, derived from the ledger: a link that expired unused.
    LinkExpired,
    CampaignPlanned,
    CampaignStarted,
    CampaignPaused,
    CampaignResumed,
    CampaignCancelled,
    /// An Annuaire de l'éducation file applied, with its counts.
    AnnuaireImported,
    // An establishment an import added, changed, closed or reopened.
    EstablishmentAdded,
    EstablishmentUpdated,
    EstablishmentClosed,
    EstablishmentReopened,
}

impl AuditAction {
    pub const ALL: [AuditAction; 26] = [
        AuditAction::SignIn,
        AuditAction::SignInFailed,
        AuditAction::AgentAdded,
        AuditAction::AgentRoleChanged,
        AuditAction::AgentDisabled,
        AuditAction::AgentEnabled,
        AuditAction::PasswordChanged,
        AuditAction::AddressAdded,
        AuditAction::Attached,
        AuditAction::Detached,
        AuditAction::PrincipalChanged,
        AuditAction::LinkSent,
        AuditAction::SettingsChanged,
        AuditAction::JournalExported,
        AuditAction::LinkUsed,
        AuditAction::LinkExpired,
        AuditAction::CampaignPlanned,
        AuditAction::CampaignStarted,
        AuditAction::CampaignPaused,
        AuditAction::CampaignResumed,
        AuditAction::CampaignCancelled,
        AuditAction::AnnuaireImported,
        AuditAction::EstablishmentAdded,
        AuditAction::EstablishmentUpdated,
        AuditAction::EstablishmentClosed,
        AuditAction::EstablishmentReopened,
    ];

    /// The code stored in `audit_event.action`.
    pub fn code(self) -> &'static str {
        match self {
            AuditAction::SignIn => "sign_in",
            AuditAction::SignInFailed => "sign_in_failed",
            AuditAction::AgentAdded => "agent_added",
            AuditAction::AgentRoleChanged => "agent_role_changed",
            AuditAction::AgentDisabled => "agent_disabled",
            AuditAction::AgentEnabled => "agent_enabled",
            AuditAction::PasswordChanged => "password_changed",
            AuditAction::AddressAdded => "address_added",
            AuditAction::Attached => "attached",
            AuditAction::Detached => "detached",
            AuditAction::PrincipalChanged => "principal_changed",
            AuditAction::LinkSent => "link_sent",
            AuditAction::SettingsChanged => "settings_changed",
            AuditAction::JournalExported => "journal_exported",
            AuditAction::LinkUsed => "link_used",
            AuditAction::LinkExpired => "link_expired",
            AuditAction::CampaignPlanned => "campaign_planned",
            AuditAction::CampaignStarted => "campaign_started",
            AuditAction::CampaignPaused => "campaign_paused",
            AuditAction::CampaignResumed => "campaign_resumed",
            AuditAction::CampaignCancelled => "campaign_cancelled",
            AuditAction::AnnuaireImported => "annuaire_imported",
            AuditAction::EstablishmentAdded => "establishment_added",
            AuditAction::EstablishmentUpdated => "establishment_updated",
            AuditAction::EstablishmentClosed => "establishment_closed",
            AuditAction::EstablishmentReopened => "establishment_reopened",
        }
    }

    pub fn from_code(code: &str) -> Option<AuditAction> {
        AuditAction::ALL
            .into_iter()
            .find(|action| action.code() == code)
    }

    /// The action as the journal screen and the CSV export name it.
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::SignIn => "Connexion",
            AuditAction::SignInFailed => "Échec de connexion",
            AuditAction::AgentAdded => "Agent ajouté",
            AuditAction::AgentRoleChanged => "Rôle d’agent changé",
            AuditAction::AgentDisabled => "Agent désactivé",
            AuditAction::AgentEnabled => "Agent réactivé",
            AuditAction::PasswordChanged => "Mot de passe changé",
            AuditAction::AddressAdded => "Adresse ajoutée",
            AuditAction::Attached => "Adresse rattachée",
            AuditAction::Detached => "Adresse détachée",
            AuditAction::PrincipalChanged => "Adresse principale changée",
            AuditAction::LinkSent => "Lien envoyé",
            AuditAction::SettingsChanged => "Réglages modifiés",
            AuditAction::JournalExported => "Journal exporté",
            AuditAction::LinkUsed => "Lien utilisé",
            AuditAction::LinkExpired => "Lien expiré",
            AuditAction::CampaignPlanned => "Campagne préparée",
            AuditAction::CampaignStarted => "Campagne lancée",
            AuditAction::CampaignPaused => "Campagne mise en pause",
            AuditAction::CampaignResumed => "Campagne reprise",
            AuditAction::CampaignCancelled => "Campagne annulée",
            AuditAction::AnnuaireImported => "Annuaire importé",
            AuditAction::EstablishmentAdded => "Établissement ajouté",
            AuditAction::EstablishmentUpdated => "Établissement mis à jour",
            AuditAction::EstablishmentClosed => "Établissement fermé",
            AuditAction::EstablishmentReopened => "Établissement rouvert",
        }
    }
}

/// An entry to append; the store adds the time and the agent.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEvent {
    pub action: AuditAction,
    pub uai: Option<String>,
    pub email: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub note: Option<String>,
}

impl NewAuditEvent {
    pub fn new(action: AuditAction) -> NewAuditEvent {
        NewAuditEvent {
            action,
            uai: None,
            email: None,
            before: None,
            after: None,
            note: None,
        }
    }

    pub fn uai(mut self, uai: impl Into<String>) -> Self {
        self.uai = Some(uai.into());
        self
    }

    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    pub fn before(mut self, before: Value) -> Self {
        self.before = Some(before);
        self
    }

    pub fn after(mut self, after: Value) -> Self {
        self.after = Some(after);
        self
    }

    /// The agent's note of the call ("appel du secrétariat, M. X"), if any.
    pub fn note(mut self, note: Option<&str>) -> Self {
        self.note = note
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string);
        self
    }
}

/// One field that an action changed, for a readable difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// An entry of the journal as screens and exports show it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct AuditEntry {
    /// A number in the UI: journal ids stay far below 2^53.
    #[specta(type = f64)]
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The agent's login; `None` for failed sign-ins of unknown logins and imports.
    pub agent: Option<String>,
    pub action: AuditAction,
    pub uai: Option<String>,
    pub email: Option<String>,
    pub changes: Vec<FieldChange>,
    pub note: Option<String>,
}

/// Which entries to list; every field narrows the list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, specta::Type)]
pub struct AuditFilter {
    pub agent: Option<String>,
    pub uai: Option<String>,
    pub email: Option<String>,
    pub action: Option<AuditAction>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: Option<u32>,
}

/// The fields whose values differ between `before` and `after` (JSON objects or plain values).
pub fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<FieldChange> {
    let text = |value: Option<&Value>| -> Option<String> {
        match value? {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    };
    match (before, after) {
        (Some(Value::Object(_)) | None, Some(Value::Object(_)) | None) => {
            let empty = serde_json::Map::new();
            let before = before.and_then(Value::as_object).unwrap_or(&empty);
            let after = after.and_then(Value::as_object).unwrap_or(&empty);
            let mut fields: Vec<&String> = before.keys().chain(after.keys()).collect();
            fields.sort();
            fields.dedup();
            fields
                .into_iter()
                .filter(|field| before.get(*field) != after.get(*field))
                .map(|field| FieldChange {
                    field: field.clone(),
                    before: text(before.get(field)),
                    after: text(after.get(field)),
                })
                .collect()
        }
        _ if before == after => Vec::new(),
        _ => vec![FieldChange {
            field: "valeur".into(),
            before: text(before),
            after: text(after),
        }],
    }
}

/// The journal as a CSV file that French Excel opens as is: UTF-8 with a BOM, `;` between fields,
/// CRLF line ends, Paris times.
pub fn to_csv(entries: &[AuditEntry]) -> String {
    let mut out = csv_export::document(&[
        "Date", "Agent", "Action", "UAI", "Adresse", "Avant", "Après", "Note",
    ]);
    for entry in entries {
        let side = |pick: fn(&FieldChange) -> &Option<String>| {
            entry
                .changes
                .iter()
                .filter_map(|c| pick(c).as_ref().map(|v| format!("{}\u{a0}: {v}", c.field)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        csv_export::push_row(
            &mut out,
            [
                crate::text::paris_time(entry.at),
                entry.agent.clone().unwrap_or_default(),
                entry.action.label().to_string(),
                entry.uai.clone().unwrap_or_default(),
                entry.email.clone().unwrap_or_default(),
                side(|c| &c.before),
                side(|c| &c.after),
                entry.note.clone().unwrap_or_default(),
            ],
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_difference_lists_only_the_changed_fields() {
        let before =
            json!({"principal": "ce.0750654d@ac-paris.fr", "version": 3, "name": "HENRI IV"});
        let after =
            json!({"principal": "secretariat@ac-paris.fr", "version": 4, "name": "HENRI IV"});
        let changes = changes(Some(&before), Some(&after));
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].field, "principal");
        assert_eq!(
            changes[0].before.as_deref(),
            Some("ce.0750654d@ac-paris.fr")
        );
        assert_eq!(changes[1].after.as_deref(), Some("4"));
    }

    #[test]
    fn a_creation_has_only_after_values() {
        let changes = changes(None, Some(&json!({"email": "a@b.fr"})));
        assert_eq!(
            changes,
            [FieldChange {
                field: "email".into(),
                before: None,
                after: Some("a@b.fr".into())
            }]
        );
        assert!(super::changes(None, None).is_empty());
    }

    #[test]
    fn action_codes_round_trip() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::from_code(action.code()), Some(action));
        }
    }
}
