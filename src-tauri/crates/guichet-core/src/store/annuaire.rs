//! The Annuaire de l'éducation's side of the establishments: what an import compares with, and
//! its plan written in one transaction with its journal (one entry for the import and its
//! counts, one per establishment it changed).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::audit::{append_audit, append_audits};
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

/// Rows per statement of an import's writes: a few thousand bound values, far under either
/// backend's limit, and for a yearly file of 37,000 changes some 150 statements instead of
/// 75,000 (each of which also runs PostgreSQL's statement-level change-log trigger).
const BATCH: usize = 500;

const INSERT: &str = "INSERT INTO establishment (uai, name, kind, sector, postcode, town, \
     search_name, search_town, department, academie, official_mail, closed_on, successor_uai, \
     closing_announced, annuaire_updated_on, created_at, updated_at) ";

/// Each row of the `VALUES` (`column1`… in both dialects) is a record as [`bind_record!`] binds
/// it, then the version it was read at; an establishment changed since then is not returned.
const UPDATE: &str = "UPDATE establishment SET name = v.column2, kind = v.column3, \
     sector = v.column4, postcode = v.column5, town = v.column6, search_name = v.column7, \
     search_town = v.column8, department = v.column9, academie = v.column10, \
     official_mail = v.column11, closed_on = v.column12, successor_uai = v.column13, \
     closing_announced = v.column14, annuaire_updated_on = v.column15, updated_at = v.column16, \
     version = version + 1 FROM (";
const UPDATE_END: &str = ") AS v WHERE establishment.uai = v.column1 AND establishment.version = v.column17 RETURNING uai";

/// Pushes a record's columns, then `now` (as [`INSERT`]'s `created_at` and `updated_at` when
/// `$now_twice`), into one row of a `push_values`.
macro_rules! bind_record {
    ($row:expr, $r:expr, $now:expr) => {{
        let (r, i) = ($r, &$r.identity);
        $row.push_bind(i.uai.as_str().to_string())
            .push_bind(i.name.clone())
            .push_bind(i.kind.code())
            .push_bind(i.sector.code())
            .push_bind(i.postcode.clone())
            .push_bind(i.town.clone())
            .push_bind(search_key(&i.name))
            .push_bind(search_key(&i.town))
            .push_bind(i.department.clone())
            .push_bind(i.academie.clone())
            .push_bind(r.official_mail.clone())
            .push_bind(r.closed_on)
            .push_bind(r.successor.as_ref().map(|u| u.as_str().to_string()))
            .push_bind(i32::from(r.closing_announced))
            .push_bind(r.updated_on)
            .push_bind($now)
    }};
}

/// The journal entry of one change of a plan.
fn journal_entry(change: &Change) -> NewAuditEvent {
    match change {
        Change::Insert(record) => NewAuditEvent::new(AuditAction::EstablishmentAdded)
            .uai(record.identity.uai.as_str())
            .after(journal_fields(record)),
        Change::Update { before, after, .. } => {
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
    }
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
            let inserts: Vec<&Record> = diff
                .plan
                .iter()
                .filter_map(|change| match change {
                    Change::Insert(record) => Some(record),
                    Change::Update { .. } => None,
                })
                .collect();
            for chunk in inserts.chunks(BATCH) {
                let mut query = sqlx::QueryBuilder::new(INSERT);
                query.push_values(chunk, |mut row, record| {
                    bind_record!(row, *record, now).push_bind(now);
                });
                query.build().execute(&mut *tx).await?;
            }
            let updates: Vec<(i32, &Record)> = diff
                .plan
                .iter()
                .filter_map(|change| match change {
                    Change::Update { version, after, .. } => Some((*version, after.as_ref())),
                    Change::Insert(_) => None,
                })
                .collect();
            for chunk in updates.chunks(BATCH) {
                let mut query = sqlx::QueryBuilder::new(UPDATE);
                query.push_values(chunk, |mut row, (version, record)| {
                    bind_record!(row, *record, now).push_bind(*version);
                });
                query.push(UPDATE_END);
                let done: Vec<String> = query.build_query_scalar().fetch_all(&mut *tx).await?;
                if done.len() != chunk.len() {
                    let done: std::collections::HashSet<&str> =
                        done.iter().map(String::as_str).collect();
                    let (version, record) = chunk
                        .iter()
                        .find(|(_, r)| !done.contains(r.identity.uai.as_str()))
                        .expect("an update that did not apply");
                    return Err(Error::Conflict {
                        uai: record.identity.uai.clone(),
                        expected: *version,
                    });
                }
            }
            let entries: Vec<NewAuditEvent> = diff.plan.iter().map(journal_entry).collect();
            for chunk in entries.chunks(BATCH) {
                append_audits!(tx, agent_id, now, chunk);
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
