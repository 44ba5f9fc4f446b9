//! The second daily call: an agent adds an address, attaches it to one or several
//! establishments, changes the principal address, or detaches one. Each is one transaction,
//! journaled, checked against the agent's role, and refused with the reason when it would break
//! a rule. And what happened to an establishment, its timeline.

use chrono::Utc;

use super::Guichet;
use crate::agents::{Permission, Session};
use crate::associations::{Confirmation, parse_email, parse_uai};
use crate::audit::AuditAction;
use crate::error::{Error, Result};
use crate::model::uai::Uai;
use crate::store::{Actor, Applied, AssociationOp};

fn named(applied: &Applied, uai: &Uai) -> String {
    let name = applied
        .establishments
        .iter()
        .find(|(u, _)| u == uai)
        .map(|(_, name)| name.as_str())
        .unwrap_or("");
    format!("{name} ({uai})")
}

fn list(applied: &Applied, uais: &[Uai]) -> String {
    uais.iter()
        .map(|uai| named(applied, uai))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Guichet {
    async fn associate(
        &self,
        session: &Session,
        op: AssociationOp<'_>,
        note: Option<&str>,
    ) -> Result<Applied> {
        let session = self.require(session, Permission::EditAddresses).await?;
        let actor = Actor {
            agent_id: session.agent().id,
            at: Utc::now(),
            note,
        };
        let applied = self.store().apply_association(op, actor).await?;
        self.after_change().await;
        let touched: Vec<&Uai> = applied.establishments.iter().map(|(uai, _)| uai).collect();
        self.note_changed(&session, &touched).await;
        Ok(applied)
    }

    /// Adds an address to the account database without attaching it.
    pub async fn add_address(
        &self,
        session: &Session,
        email: &str,
        note: Option<&str>,
    ) -> Result<Confirmation> {
        let email = parse_email(email)?;
        let applied = self
            .associate(session, AssociationOp::AddAddress { email: &email }, note)
            .await?;
        Ok(Confirmation {
            message: format!(
                "L’adresse «\u{a0}{}\u{a0}» est ajoutée\u{a0}; elle n’est rattachée à aucun établissement.",
                applied.email
            ),
            email: applied.email,
            uais: Vec::new(),
        })
    }

    /// Attaches an address (added first if it is new) to establishments, optionally as their
    /// principal address. `expected_version` is the establishment's version the agent saw.
    pub async fn attach(
        &self,
        session: &Session,
        email: &str,
        uais: &[String],
        principal: bool,
        expected_version: Option<i32>,
        note: Option<&str>,
    ) -> Result<Confirmation> {
        let email = parse_email(email)?;
        let uais: Vec<Uai> = uais
            .iter()
            .map(|uai| parse_uai(uai))
            .collect::<Result<_>>()?;
        if uais.is_empty() {
            return Err(Error::NoEstablishment);
        }
        let op = AssociationOp::Attach {
            email: &email,
            uais: &uais,
            principal,
            expected_version,
        };
        let applied = self.associate(session, op, note).await?;
        let added = if applied.created {
            "est ajoutée à la base et "
        } else {
            ""
        };
        let mut message = format!(
            "L’adresse «\u{a0}{}\u{a0}» {added}est rattachée à {}.",
            applied.email,
            list(&applied, &uais)
        );
        if !applied.principal_of.is_empty() {
            message.push_str(&format!(
                " Elle est l’adresse principale de {}.",
                list(&applied, &applied.principal_of)
            ));
        }
        Ok(Confirmation {
            email: applied.email,
            uais,
            message,
        })
    }

    /// Detaches an address; a principal address needs `new_principal`, another attached address.
    pub async fn detach(
        &self,
        session: &Session,
        email: &str,
        uai: &str,
        new_principal: Option<&str>,
        expected_version: Option<i32>,
        note: Option<&str>,
    ) -> Result<Confirmation> {
        let email = parse_email(email)?;
        let uai = parse_uai(uai)?;
        let replacement = new_principal.map(parse_email).transpose()?;
        let op = AssociationOp::Detach {
            email: &email,
            uai: &uai,
            new_principal: replacement.as_ref(),
            expected_version,
        };
        let applied = self.associate(session, op, note).await?;
        let mut message = format!(
            "L’adresse «\u{a0}{}\u{a0}» est détachée de {}.",
            applied.email,
            named(&applied, &uai)
        );
        if let Some(replacement) = replacement {
            message.push_str(&format!(
                " L’adresse principale est désormais «\u{a0}{replacement}\u{a0}»."
            ));
        }
        Ok(Confirmation {
            email: applied.email,
            uais: vec![uai],
            message,
        })
    }

    /// Makes an attached address the establishment's principal address.
    pub async fn set_principal(
        &self,
        session: &Session,
        uai: &str,
        email: &str,
        expected_version: Option<i32>,
        note: Option<&str>,
    ) -> Result<Confirmation> {
        let email = parse_email(email)?;
        let uai = parse_uai(uai)?;
        let op = AssociationOp::SetPrincipal {
            uai: &uai,
            email: &email,
            expected_version,
        };
        let applied = self.associate(session, op, note).await?;
        let message = format!(
            "«\u{a0}{}\u{a0}» est désormais l’adresse principale de {}.",
            applied.email,
            named(&applied, &uai)
        );
        Ok(Confirmation {
            email: applied.email,
            uais: vec![uai],
            message,
        })
    }
}

impl Guichet {
    /// What happened to an establishment and its addresses, newest first: attachments,
    /// detachments, principal changes, links sent.
    pub async fn timeline(
        &self,
        session: &Session,
        uai: &str,
    ) -> Result<Vec<crate::audit::AuditEntry>> {
        self.require(session, Permission::Read).await?;
        let uai = parse_uai(uai)?;
        let mut entries = self
            .store()
            .establishment_timeline(uai.as_str(), 500)
            .await?;
        // The portal does not tell the app when a link is used or expires: the ledger does.
        let now = Utc::now();
        let ledger = self.store().ledger_of_establishment(uai.as_str()).await?;
        for (index, row) in ledger.iter().enumerate() {
            let newer = index
                .checked_sub(1)
                .and_then(|i| ledger.get(i))
                .filter(|n| n.account_id == row.account_id);
            let (action, at) = match crate::links::ledger::lifecycle(row, newer, now) {
                crate::links::ledger::Lifecycle::Used { at } => (
                    AuditAction::LinkUsed,
                    at.unwrap_or(row.expires_at.unwrap_or(now).min(now)),
                ),
                crate::links::ledger::Lifecycle::Expired { at } => (AuditAction::LinkExpired, at),
                _ => continue,
            };
            entries.push(crate::audit::AuditEntry {
                id: -i64::from(row.id),
                at,
                agent: None,
                action,
                uai: None,
                email: Some(row.email.clone()),
                changes: Vec::new(),
                note: None,
            });
        }
        entries.sort_by(|a, b| b.at.cmp(&a.at).then(b.id.cmp(&a.id)));
        Ok(entries)
    }
}
