//! The Annuaire de l'éducation's side of the establishments: what an import compares with, and
//! its plan written in one transaction with its journal (one entry for the import and its
//! counts, one per establishment it changed).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::audit::append_audit;
use super::establishments::{SUMMARY_COLUMNS, SummaryRow, search_key, uai};
use super::{Store, on_pool};
use crate::annuaire::{AnnuaireDiff, Change, Known, Record, journal_difference, journal_fields};
use crate::audit::{AuditAction, NewAuditEvent};
use crate::error::{Error, Result};
use crate::model::establishment::{
    EstablishmentIdentity, EstablishmentKind, Sector, Successor, SuccessorReason,
};

#[derive(sqlx::FromRow)]
struct KnownRow {
    uai: String,
    name: String,
    kind: String,
    sector: String,
    postcode: String,
    town: String,
    department: String,
    academie: String,
    official_mail: Option<String>,
    closed_on: Option<NaiveDate>,
    successor_uai: Option<String>,
    closing_announced: i32,
    annuaire_updated_on: Option<NaiveDate>,
    version: i32,
}

impl KnownRow {
    fn into_known(self) -> Result<Known> {
        Ok(Known {
            version: self.version,
            record: Record {
                identity: EstablishmentIdentity {
                    uai: uai(self.uai)?,
                    name: self.name,
                    kind: EstablishmentKind::from_code(&self.kind)
                        .unwrap_or(EstablishmentKind::Autre),
                    sector: Sector::from_code(&self.sector).unwrap_or(Sector::Public),
                    postcode: self.postcode,
                    town: self.town,
                    department: self.department,
                    academie: self.academie,
                },
                official_mail: self.official_mail,
                closed_on: self.closed_on,
                successor: self.successor_uai.map(uai).transpose()?,
                closing_announced: self.closing_announced != 0,
                updated_on: self.annuaire_updated_on,
            },
        })
    }
}

/// What one applied import came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ImportCounts {
    pub rows: usize,
    pub rejected: usize,
    pub added: usize,
    pub updated: usize,
    pub closed: usize,
    pub reopened: usize,
    pub unchanged: usize,
}

impl ImportCounts {
    pub fn of(diff: &AnnuaireDiff) -> ImportCounts {
        let added = diff.new.len();
        ImportCounts {
            rows: diff.rows,
            rejected: diff.rejected.len(),
            added,
            updated: diff.plan.len() - added,
            closed: diff.closed.len(),
            reopened: diff.reopened.len(),
            unchanged: diff.unchanged,
        }
    }
}

const SELECT_KNOWN: &str = "SELECT uai, name, kind, sector, postcode, town, department, academie, \
     official_mail, closed_on, successor_uai, closing_announced, annuaire_updated_on, version \
     FROM establishment";

const INSERT: &str = "INSERT INTO establishment (uai, name, kind, sector, postcode, town, \
     search_name, search_town, department, academie, official_mail, closed_on, successor_uai, \
     closing_announced, annuaire_updated_on, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)";

const UPDATE: &str = "UPDATE establishment SET name = $2, kind = $3, sector = $4, postcode = $5, \
     town = $6, search_name = $7, search_town = $8, department = $9, academie = $10, \
     official_mail = $11, closed_on = $12, successor_uai = $13, closing_announced = $14, \
     annuaire_updated_on = $15, updated_at = $16, version = version + 1 \
     WHERE uai = $1 AND version = $17";

/// Binds a record's columns as `$1` to `$16` of [`INSERT`] and [`UPDATE`].
macro_rules! bind_record {
    ($query:expr, $r:expr, $now:expr) => {{
        let (r, i) = ($r, &$r.identity);
        $query
            .bind(i.uai.as_str())
            .bind(&i.name)
            .bind(i.kind.code())
            .bind(i.sector.code())
            .bind(&i.postcode)
            .bind(&i.town)
            .bind(search_key(&i.name))
            .bind(search_key(&i.town))
            .bind(&i.department)
            .bind(&i.academie)
            .bind(&r.official_mail)
            .bind(r.closed_on)
            .bind(r.successor.as_ref().map(|u| u.as_str().to_string()))
            .bind(i32::from(r.closing_announced))
            .bind(r.updated_on)
            .bind($now)
    }};
}

impl Store {
    /// Every establishment as an import compares it, by UAI.
    pub async fn annuaire_known(&self) -> Result<HashMap<crate::model::uai::Uai, Known>> {
        let rows: Vec<KnownRow> = on_pool!(self, pool => {
            sqlx::query_as(SELECT_KNOWN).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|row| row.into_known().map(|k| (k.record.identity.uai.clone(), k)))
            .collect()
    }

    /// Writes a difference's plan in one transaction with its journal; an establishment
    /// changed since the difference was read fails it whole ([`Error::Conflict`]).
    pub async fn apply_annuaire(
        &self,
        diff: &AnnuaireDiff,
        file_name: &str,
        agent_id: Option<i32>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let counts = ImportCounts::of(diff);
        let academies = json!(diff.academies).to_string();
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(self.begin_write()).await?;
            for change in &diff.plan {
                let event = match change {
                    Change::Insert(record) => {
                        bind_record!(sqlx::query(INSERT), record, now).execute(&mut *tx).await?;
                        NewAuditEvent::new(AuditAction::EstablishmentAdded)
                            .uai(record.identity.uai.as_str())
                            .after(journal_fields(record))
                    }
                    Change::Update { version, before, after } => {
                        let done = bind_record!(sqlx::query(UPDATE), after.as_ref(), now)
                            .bind(version)
                            .execute(&mut *tx)
                            .await?;
                        if done.rows_affected() != 1 {
                            return Err(Error::Conflict {
                                uai: after.identity.uai.clone(),
                                expected: *version,
                            });
                        }
                        let action = match (before.closed_on, after.closed_on) {
                            (None, Some(_)) => AuditAction::EstablishmentClosed,
                            (Some(_), None) => AuditAction::EstablishmentReopened,
                            _ => AuditAction::EstablishmentUpdated,
                        };
                        let (b, a) = journal_difference(before, after);
                        NewAuditEvent::new(action)
                            .uai(after.identity.uai.as_str())
                            .before(b)
                            .after(a)
                    }
                };
                append_audit!(tx, agent_id, now, event);
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO annuaire_import (at, file_name, academies, rows_read, rejected, added, \
                 updated, closed, reopened, unchanged) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING CAST(id AS BIGINT)",
            )
            .bind(now)
            .bind(file_name)
            .bind(&academies)
            .bind(counts.rows as i32)
            .bind(counts.rejected as i32)
            .bind(counts.added as i32)
            .bind(counts.updated as i32)
            .bind(counts.closed as i32)
            .bind(counts.reopened as i32)
            .bind(counts.unchanged as i32)
            .fetch_one(&mut *tx)
            .await?;
            let event = NewAuditEvent::new(AuditAction::AnnuaireImported)
                .after(json!({"file": file_name, "import": id, "counts": counts}));
            append_audit!(tx, agent_id, now, event);
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Where a closed establishment's callers should go: the one the Annuaire names, or else
    /// an open establishment of the same type in the same town (the same sector first).
    pub(super) async fn successor(
        &self,
        closed: &EstablishmentIdentity,
        named: Option<String>,
    ) -> Result<Option<Successor>> {
        if let Some(named) = named {
            let row: Option<SummaryRow> = on_pool!(self, pool => {
                sqlx::query_as(&format!("SELECT {SUMMARY_COLUMNS} FROM establishment WHERE uai = $1"))
                    .bind(&named)
                    .fetch_optional(pool)
                    .await?
            });
            if let Some(row) = row {
                return Ok(Some(Successor {
                    establishment: row.into_summary()?,
                    reason: SuccessorReason::Annuaire,
                }));
            }
        }
        let row: Option<SummaryRow> = on_pool!(self, pool => {
            sqlx::query_as(&format!(
                "SELECT {SUMMARY_COLUMNS} FROM establishment \
                 WHERE kind = $1 AND search_town = $2 AND department = $3 AND uai <> $4 \
                 AND closed_on IS NULL ORDER BY sector <> $5, search_name, uai LIMIT 1"
            ))
            .bind(closed.kind.code())
            .bind(search_key(&closed.town))
            .bind(&closed.department)
            .bind(closed.uai.as_str())
            .bind(closed.sector.code())
            .fetch_optional(pool)
            .await?
        });
        row.map(|row| {
            Ok(Successor {
                establishment: row.into_summary()?,
                reason: SuccessorReason::SameTown,
            })
        })
        .transpose()
    }
}
