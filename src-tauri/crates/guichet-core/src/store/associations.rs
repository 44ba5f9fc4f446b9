//! Adding addresses and attaching, detaching and promoting them: each operation is one
//! transaction with its journal entries, and an establishment edited on an older version than
//! the database's is refused (optimistic concurrency between agents).

use chrono::{DateTime, Utc};
use serde_json::json;

use super::audit::append_audit;
use super::{Store, on_pool};
use crate::audit::{AuditAction, NewAuditEvent};
use crate::error::{Error, Result};
use crate::model::email::EmailAddress;
use crate::model::uai::Uai;

/// One change an agent asks for.
#[derive(Debug, Clone)]
pub(crate) enum AssociationOp<'a> {
    AddAddress {
        email: &'a EmailAddress,
    },
    /// Attaches (adding the address first if it is new), optionally as principal address.
    Attach {
        email: &'a EmailAddress,
        uais: &'a [Uai],
        principal: bool,
        expected_version: Option<i32>,
    },
    /// Detaches; a principal address is detached only when another attached one replaces it.
    Detach {
        email: &'a EmailAddress,
        uai: &'a Uai,
        new_principal: Option<&'a EmailAddress>,
        expected_version: Option<i32>,
    },
    SetPrincipal {
        uai: &'a Uai,
        email: &'a EmailAddress,
        expected_version: Option<i32>,
    },
}

/// Who acts, when, and the note of the call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Actor<'a> {
    pub agent_id: i32,
    pub at: DateTime<Utc>,
    pub note: Option<&'a str>,
}

/// What an operation did, for the confirmation an agent reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Applied {
    pub email: String,
    pub created: bool,
    /// Each establishment touched, with its name.
    pub establishments: Vec<(Uai, String)>,
    pub principal_of: Vec<Uai>,
    pub detached_from: Vec<Uai>,
}

impl Store {
    pub(crate) async fn apply_association(
        &self,
        op: AssociationOp<'_>,
        actor: Actor<'_>,
    ) -> Result<Applied> {
        let event = |action: AuditAction| NewAuditEvent::new(action).note(actor.note);
        let mut applied = Applied::default();
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;

            // The account, by address without regard to case; `created` when it is new.
            let email = match &op {
                AssociationOp::AddAddress { email } | AssociationOp::Attach { email, .. } => *email,
                AssociationOp::Detach { email, .. } | AssociationOp::SetPrincipal { email, .. } => *email,
            };
            let found: Option<(i32, String)> = sqlx::query_as("SELECT id, email FROM account WHERE lower(email) = lower($1)")
                .bind(email.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            let adds = matches!(op, AssociationOp::AddAddress { .. } | AssociationOp::Attach { .. });
            let account_id = match found {
                Some((_, existing)) if adds && existing != email.as_str() => {
                    return Err(Error::AddressInOtherCase { typed: email.to_string(), existing });
                }
                Some(_) if matches!(op, AssociationOp::AddAddress { .. }) => {
                    return Err(Error::AddressExists(email.to_string()));
                }
                Some((id, existing)) => {
                    applied.email = existing;
                    id
                }
                None if adds => {
                    let id: i32 = sqlx::query_scalar(
                        "INSERT INTO account (email, created_at, updated_at) VALUES ($1, $2, $2) RETURNING id",
                    )
                    .bind(email.as_str())
                    .bind(actor.at)
                    .fetch_one(&mut *tx)
                    .await?;
                    append_audit!(tx, Some(actor.agent_id), actor.at, event(AuditAction::AddressAdded)
                        .email(email.as_str())
                        .after(json!({ "adresse": email.as_str() })));
                    applied.email = email.to_string();
                    applied.created = true;
                    id
                }
                None => return Err(Error::AddressNotFound(email.to_string())),
            };

            let targets: Vec<(&Uai, Option<i32>)> = match &op {
                AssociationOp::AddAddress { .. } => Vec::new(),
                AssociationOp::Attach { uais, expected_version, .. } => {
                    uais.iter().map(|uai| (uai, *expected_version)).collect()
                }
                AssociationOp::Detach { uai, expected_version, .. } | AssociationOp::SetPrincipal { uai, expected_version, .. } => {
                    vec![(*uai, *expected_version)]
                }
            };
            for (uai, expected_version) in targets {
                // The establishment as it is now; the version bump below is the real lock.
                let row: Option<(String, i32, Option<i32>, Option<String>)> = sqlx::query_as(
                    "SELECT e.name, e.version, e.principal_account_id, p.email FROM establishment e \
                     LEFT JOIN account p ON p.id = e.principal_account_id WHERE e.uai = $1",
                )
                .bind(uai.as_str())
                .fetch_optional(&mut *tx)
                .await?;
                let (name, version, principal_id, principal_email) =
                    row.ok_or_else(|| Error::EstablishmentNotFound(uai.clone()))?;
                let bumped = sqlx::query(
                    "UPDATE establishment SET version = version + 1, updated_at = $2 \
                     WHERE uai = $1 AND (version = $3 OR $4)",
                )
                .bind(uai.as_str())
                .bind(actor.at)
                .bind(expected_version.unwrap_or(version))
                .bind(expected_version.is_none())
                .execute(&mut *tx)
                .await?;
                if bumped.rows_affected() == 0 {
                    return Err(Error::Conflict { uai: uai.clone(), expected: expected_version.unwrap_or(version) });
                }
                applied.establishments.push((uai.clone(), name));
                let attached: bool = sqlx::query_scalar(
                    "SELECT count(*) > 0 FROM establishment_account WHERE uai = $1 AND account_id = $2",
                )
                .bind(uai.as_str())
                .bind(account_id)
                .fetch_one(&mut *tx)
                .await?;

                let make_principal = match &op {
                    AssociationOp::Attach { principal, .. } => {
                        if attached {
                            // Attaching again is harmless only when it is to make it principal.
                            if !principal {
                                return Err(Error::AlreadyAttached { email: applied.email.clone(), uai: uai.clone() });
                            }
                        } else {
                            sqlx::query(
                                "INSERT INTO establishment_account (uai, account_id, attached_at, attached_by) \
                                 VALUES ($1, $2, $3, $4)",
                            )
                            .bind(uai.as_str())
                            .bind(account_id)
                            .bind(actor.at)
                            .bind(actor.agent_id)
                            .execute(&mut *tx)
                            .await?;
                            append_audit!(tx, Some(actor.agent_id), actor.at, event(AuditAction::Attached)
                                .uai(uai.as_str())
                                .email(applied.email.as_str())
                                .after(json!({ "rattachée": applied.email })));
                        }
                        *principal
                    }
                    AssociationOp::SetPrincipal { .. } => {
                        if !attached {
                            return Err(Error::NotAttached { email: applied.email.clone(), uai: uai.clone() });
                        }
                        true
                    }
                    AssociationOp::Detach { new_principal, .. } => {
                        if !attached {
                            return Err(Error::NotAttached { email: applied.email.clone(), uai: uai.clone() });
                        }
                        if principal_id == Some(account_id) {
                            let Some(replacement) = new_principal else {
                                return Err(Error::PrincipalNeedsReplacement { email: applied.email.clone(), uai: uai.clone() });
                            };
                            let found: Option<(i32, String)> = sqlx::query_as(
                                "SELECT a.id, a.email FROM account a JOIN establishment_account ea ON ea.account_id = a.id \
                                 WHERE ea.uai = $1 AND lower(a.email) = lower($2) AND a.id <> $3",
                            )
                            .bind(uai.as_str())
                            .bind(replacement.as_str())
                            .bind(account_id)
                            .fetch_optional(&mut *tx)
                            .await?;
                            let (replacement_id, replacement_email) = found.ok_or_else(|| Error::NotAttached {
                                email: replacement.to_string(),
                                uai: uai.clone(),
                            })?;
                            sqlx::query("UPDATE establishment SET principal_account_id = $2 WHERE uai = $1")
                                .bind(uai.as_str())
                                .bind(replacement_id)
                                .execute(&mut *tx)
                                .await?;
                            append_audit!(tx, Some(actor.agent_id), actor.at, event(AuditAction::PrincipalChanged)
                                .uai(uai.as_str())
                                .email(replacement_email.as_str())
                                .before(json!({ "principale": applied.email }))
                                .after(json!({ "principale": replacement_email })));
                        }
                        sqlx::query("DELETE FROM establishment_account WHERE uai = $1 AND account_id = $2")
                            .bind(uai.as_str())
                            .bind(account_id)
                            .execute(&mut *tx)
                            .await?;
                        append_audit!(tx, Some(actor.agent_id), actor.at, event(AuditAction::Detached)
                            .uai(uai.as_str())
                            .email(applied.email.as_str())
                            .before(json!({ "rattachée": applied.email })));
                        applied.detached_from.push(uai.clone());
                        false
                    }
                    AssociationOp::AddAddress { .. } => false,
                };
                if make_principal && principal_id != Some(account_id) {
                    sqlx::query("UPDATE establishment SET principal_account_id = $2 WHERE uai = $1")
                        .bind(uai.as_str())
                        .bind(account_id)
                        .execute(&mut *tx)
                        .await?;
                    append_audit!(tx, Some(actor.agent_id), actor.at, event(AuditAction::PrincipalChanged)
                        .uai(uai.as_str())
                        .email(applied.email.as_str())
                        .before(json!({ "principale": principal_email }))
                        .after(json!({ "principale": applied.email })));
                    applied.principal_of.push(uai.clone());
                } else if make_principal {
                    applied.principal_of.push(uai.clone());
                }
            }
            tx.commit().await?;
        });
        Ok(applied)
    }
}
