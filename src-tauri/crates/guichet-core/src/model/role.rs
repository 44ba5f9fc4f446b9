//! Roles and what each one allows: the rule every operation checks in the core, and that the
//! window shows (each refused action disabled with the reason).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Searches and reads.
    Lecture,
    /// Also adds and attaches addresses, changes principal addresses and sends links.
    Agent,
    /// Also manages agents and settings, and exports the journal.
    Superviseur,
    /// The sender service of a shared database (`guichet-admin sender`): it mints and mails
    /// links, and does nothing an agent does; it never signs in to the window.
    Envoi,
}

/// What an agent may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    Read,
    EditAddresses,
    SendLinks,
    ManageAgents,
    ManageSettings,
    ReadJournal,
    RunCampaigns,
    /// Import the Annuaire de l'éducation (its dry run included).
    ImportAnnuaire,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Lecture, Role::Agent, Role::Superviseur, Role::Envoi];

    pub fn code(self) -> &'static str {
        match self {
            Role::Lecture => "lecture",
            Role::Agent => "agent",
            Role::Superviseur => "superviseur",
            Role::Envoi => "envoi",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.code() == code)
    }

    pub fn allows(self, permission: Permission) -> bool {
        match permission {
            Permission::Read => self != Role::Envoi,
            Permission::EditAddresses | Permission::SendLinks => {
                matches!(self, Role::Agent | Role::Superviseur)
            }
            Permission::ManageAgents
            | Permission::ManageSettings
            | Permission::ReadJournal
            | Permission::RunCampaigns
            | Permission::ImportAnnuaire => self == Role::Superviseur,
        }
    }

    /// "lecture seule", "agent", "superviseur", as the agent reads it.
    pub fn label(self) -> &'static str {
        match self {
            Role::Lecture => "lecture seule",
            Role::Agent => "agent",
            Role::Superviseur => "superviseur",
            Role::Envoi => "service d’envoi",
        }
    }
}

impl Permission {
    pub const ALL: [Permission; 8] = [
        Permission::Read,
        Permission::EditAddresses,
        Permission::SendLinks,
        Permission::ManageAgents,
        Permission::ManageSettings,
        Permission::ReadJournal,
        Permission::RunCampaigns,
        Permission::ImportAnnuaire,
    ];

    /// What the permission lets an agent do, to complete "Votre rôle ne permet pas …".
    pub fn action(self) -> &'static str {
        match self {
            Permission::Read => "de consulter la base",
            Permission::EditAddresses => "de modifier les adresses",
            Permission::SendLinks => "d’envoyer des liens d’initialisation",
            Permission::ManageAgents => "de gérer les agents",
            Permission::ManageSettings => "de modifier les réglages",
            Permission::ReadJournal => "de consulter ou d’exporter le journal",
            Permission::RunCampaigns => "de préparer ou de conduire une campagne d’envoi",
            Permission::ImportAnnuaire => "d’importer l’Annuaire de l’éducation",
        }
    }

    /// Why `role` may not do this, as the window shows it beside the disabled action.
    pub fn refusal(self, role: Role) -> String {
        format!(
            "Votre rôle ({}) ne permet pas {}.",
            role.label(),
            self.action()
        )
    }
}

/// One permission of the signed-in agent: whether its role allows it, and if not why, in the
/// words the window shows beside the disabled action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Grant {
    pub allowed: bool,
    pub refusal: Option<String>,
}

/// What a role allows, each refusal with its reason: the window asks this rather than comparing
/// role names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Permissions {
    pub read: Grant,
    pub edit_addresses: Grant,
    pub send_links: Grant,
    pub manage_agents: Grant,
    pub manage_settings: Grant,
    pub read_journal: Grant,
    pub run_campaigns: Grant,
    pub import_annuaire: Grant,
}

impl Permissions {
    pub fn of(role: Role) -> Permissions {
        let grant = |permission: Permission| Grant {
            allowed: role.allows(permission),
            refusal: (!role.allows(permission)).then(|| permission.refusal(role)),
        };
        Permissions {
            read: grant(Permission::Read),
            edit_addresses: grant(Permission::EditAddresses),
            send_links: grant(Permission::SendLinks),
            manage_agents: grant(Permission::ManageAgents),
            manage_settings: grant(Permission::ManageSettings),
            read_journal: grant(Permission::ReadJournal),
            run_campaigns: grant(Permission::RunCampaigns),
            import_annuaire: grant(Permission::ImportAnnuaire),
        }
    }
}
