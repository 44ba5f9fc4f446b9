//! The difference between an Annuaire file and the database: what is new, renamed, moved,
//! changed, whose official address changed, closed and reopened, with the plan that applies it.
//! An establishment vanished from the file closes only if the file covers its académie.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};

use super::read::{Rejection, RowState, SourceRow};
use crate::model::establishment::{EstablishmentIdentity, EstablishmentKind, Sector};
use crate::model::uai::Uai;

/// What the database knows of an establishment, as the Annuaire describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub identity: EstablishmentIdentity,
    pub official_mail: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub successor: Option<Uai>,
    pub closing_announced: bool,
    pub updated_on: Option<NaiveDate>,
}

/// An establishment of the database, with the version an update must find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub record: Record,
    pub version: i32,
}

/// One write of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Insert(Record),
    Update {
        version: i32,
        before: Box<Record>,
        after: Box<Record>,
    },
}

/// A value before and after, for one establishment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange<T> {
    pub uai: Uai,
    pub before: T,
    pub after: T,
}

/// Where an establishment is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    pub postcode: String,
    pub town: String,
    pub department: String,
    pub academie: String,
}

/// What an establishment is: its type, its sector, and whether its closing is announced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standing {
    #[serde(rename = "type")]
    pub kind: EstablishmentKind,
    pub sector: Sector,
    /// « fermeture annoncée » (`A FERMER`).
    pub closing_announced: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewItem {
    #[serde(flatten)]
    pub identity: EstablishmentIdentity,
    pub official_mail: Option<String>,
    pub closing_announced: bool,
}

/// Why an establishment closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Closure {
    /// `etat` = `FERME`.
    Ferme,
    /// Absent from a file that covers its académie.
    Absent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClosedItem {
    pub uai: Uai,
    pub name: String,
    pub closed_on: Option<NaiveDate>,
    pub reason: Closure,
    /// `etablissement_mere`, who took over.
    pub successor_uai: Option<Uai>,
}

/// The dry run: every difference, the rows left aside, and the plan that applies it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AnnuaireDiff {
    pub new: Vec<NewItem>,
    pub renamed: Vec<FieldChange<String>>,
    pub moved: Vec<FieldChange<Place>>,
    pub changed: Vec<FieldChange<Standing>>,
    pub mail_changed: Vec<FieldChange<Option<String>>>,
    pub closed: Vec<ClosedItem>,
    pub reopened: Vec<FieldChange<Option<NaiveDate>>>,
    pub unchanged: usize,
    pub rejected: Vec<Rejection>,
    /// The rows read (rejected ones included).
    #[serde(skip)]
    pub rows: usize,
    /// The académies the file covers, where a vanished establishment closes.
    #[serde(skip)]
    pub academies: BTreeSet<String>,
    #[serde(skip)]
    pub plan: Vec<Change>,
}

impl AnnuaireDiff {
    /// Whether applying it would write nothing.
    pub fn is_empty(&self) -> bool {
        self.plan.is_empty()
    }
}

/// Builds the difference row by row against what the database knows. A duplicate UAI is
/// rejected after its first row, which stands.
#[derive(Debug)]
pub struct DiffBuilder {
    known: HashMap<Uai, Known>,
    has_mail: bool,
    today: NaiveDate,
    seen: HashMap<Uai, u64>,
    /// Académies with a row whose UAI cannot be read: nothing vanished there closes.
    uncertain: BTreeSet<String>,
    uncertain_everywhere: bool,
    diff: AnnuaireDiff,
}

impl DiffBuilder {
    /// `today` is the closing date of an establishment vanished from the file, and of a `FERME`
    /// row without `date_maj_ligne`.
    pub fn new(known: HashMap<Uai, Known>, has_mail: bool, today: NaiveDate) -> DiffBuilder {
        DiffBuilder {
            known,
            has_mail,
            today,
            seen: HashMap::new(),
            uncertain: BTreeSet::new(),
            uncertain_everywhere: false,
            diff: AnnuaireDiff::default(),
        }
    }

    pub fn reject(&mut self, rejection: Rejection) {
        self.diff.rows += 1;
        match &rejection.unread_in {
            Some(Some(academie)) => {
                self.uncertain.insert(academie.clone());
            }
            Some(None) => self.uncertain_everywhere = true,
            None => {}
        }
        if let Some(uai) = &rejection.uai {
            self.seen.entry(uai.clone()).or_insert(rejection.line);
        }
        self.diff.rejected.push(rejection);
    }

    pub fn add(&mut self, row: SourceRow, uai_column: &str) {
        let uai = row.identity.uai.clone();
        if let Some(first) = self.seen.get(&uai) {
            let reason = format!("UAI {uai} en double (déjà ligne {first})");
            return self.reject(Rejection {
                line: row.line,
                column: uai_column.to_string(),
                reason,
                uai: Some(uai),
                unread_in: None,
            });
        }
        self.diff.rows += 1;
        self.seen.insert(uai.clone(), row.line);
        self.diff.academies.insert(row.identity.academie.clone());
        match self.known.get(&uai) {
            // A closed establishment the database never knew is not added.
            None if row.state == RowState::Closed => self.diff.unchanged += 1,
            None => {
                let record = self.record_of(row, None);
                self.diff.new.push(NewItem {
                    identity: record.identity.clone(),
                    official_mail: record.official_mail.clone(),
                    closing_announced: record.closing_announced,
                });
                self.diff.plan.push(Change::Insert(record));
            }
            Some(known) => {
                let known = known.clone();
                let after = self.record_of(row, Some(&known.record));
                self.compare(known, after, None);
            }
        }
    }

    /// The record a row leaves, over what was known.
    fn record_of(&self, row: SourceRow, before: Option<&Record>) -> Record {
        let was_closed = before.and_then(|b| b.closed_on);
        let (closed_on, successor) = match (row.state, was_closed) {
            (RowState::Closed, Some(on)) => (Some(on), before.and_then(|b| b.successor.clone())),
            (RowState::Closed, None) => (Some(row.updated_on.unwrap_or(self.today)), row.parent),
            _ => (None, None),
        };
        let official_mail = if self.has_mail {
            row.official_mail
        } else {
            before.and_then(|b| b.official_mail.clone())
        };
        Record {
            identity: row.identity,
            official_mail,
            closed_on,
            successor,
            closing_announced: row.state == RowState::ClosingAnnounced,
            updated_on: row.updated_on,
        }
    }

    /// Lists what differs between `known` and `after`, and plans it.
    fn compare(&mut self, known: Known, after: Record, reason: Option<Closure>) {
        let (before, uai) = (&known.record, after.identity.uai.clone());
        let (b, a) = (&before.identity, &after.identity);
        let mut differs = false;
        if b.name != a.name {
            differs = true;
            self.diff.renamed.push(FieldChange {
                uai: uai.clone(),
                before: b.name.clone(),
                after: a.name.clone(),
            });
        }
        let place = |i: &EstablishmentIdentity| Place {
            postcode: i.postcode.clone(),
            town: i.town.clone(),
            department: i.department.clone(),
            academie: i.academie.clone(),
        };
        if place(b) != place(a) {
            differs = true;
            self.diff.moved.push(FieldChange {
                uai: uai.clone(),
                before: place(b),
                after: place(a),
            });
        }
        let standing = |i: &EstablishmentIdentity, r: &Record| Standing {
            kind: i.kind,
            sector: i.sector,
            closing_announced: r.closing_announced,
        };
        if standing(b, before) != standing(a, &after) && after.closed_on.is_none() {
            differs = true;
            self.diff.changed.push(FieldChange {
                uai: uai.clone(),
                before: standing(b, before),
                after: standing(a, &after),
            });
        }
        if before.official_mail != after.official_mail {
            differs = true;
            self.diff.mail_changed.push(FieldChange {
                uai: uai.clone(),
                before: before.official_mail.clone(),
                after: after.official_mail.clone(),
            });
        }
        match (before.closed_on, after.closed_on) {
            (None, Some(on)) => {
                differs = true;
                self.diff.closed.push(ClosedItem {
                    uai: uai.clone(),
                    name: a.name.clone(),
                    closed_on: Some(on),
                    reason: reason.unwrap_or(Closure::Ferme),
                    successor_uai: after.successor.clone(),
                });
            }
            (Some(on), None) => {
                differs = true;
                self.diff.reopened.push(FieldChange {
                    uai: uai.clone(),
                    before: Some(on),
                    after: None,
                });
            }
            _ => {}
        }
        if differs {
            self.diff.plan.push(Change::Update {
                version: known.version,
                before: Box::new(known.record),
                after: Box::new(after),
            });
        } else {
            self.diff.unchanged += 1;
        }
    }

    /// The difference, once every row is read: the open establishments of a covered académie
    /// that the file does not name close today.
    pub fn finish(mut self) -> AnnuaireDiff {
        let mut vanished: Vec<Known> = self
            .known
            .values()
            .filter(|k| {
                let academie = &k.record.identity.academie;
                k.record.closed_on.is_none()
                    && !self.uncertain_everywhere
                    && !self.uncertain.contains(academie)
                    && !self.seen.contains_key(&k.record.identity.uai)
                    && self.diff.academies.contains(academie)
            })
            .cloned()
            .collect();
        vanished.sort_by(|a, b| a.record.identity.uai.cmp(&b.record.identity.uai));
        for known in vanished {
            let after = Record {
                closed_on: Some(self.today),
                closing_announced: false,
                ..known.record.clone()
            };
            self.compare(known, after, Some(Closure::Absent));
        }
        self.diff
    }
}

/// The fields of a record a journal entry keeps, for a readable difference.
pub fn journal_fields(record: &Record) -> Value {
    let i = &record.identity;
    json!({
        "name": i.name,
        "type": i.kind.code(),
        "sector": i.sector.code(),
        "postcode": i.postcode,
        "town": i.town,
        "department": i.department,
        "academie": i.academie,
        "official_mail": record.official_mail,
        "closed_on": record.closed_on.map(|d| d.to_string()),
        "successor_uai": record.successor.as_ref().map(|u| u.to_string()),
        "closing_announced": record.closing_announced,
    })
}

/// The fields that differ between `before` and `after`, each side with those fields only.
pub fn journal_difference(before: &Record, after: &Record) -> (Value, Value) {
    let (b, a) = (journal_fields(before), journal_fields(after));
    let (mut kept_b, mut kept_a) = (serde_json::Map::new(), serde_json::Map::new());
    if let (Value::Object(b), Value::Object(a)) = (b, a) {
        for (field, value) in a {
            if b.get(&field) != Some(&value) {
                kept_b.insert(field.clone(), b.get(&field).cloned().unwrap_or(Value::Null));
                kept_a.insert(field, value);
            }
        }
    }
    (Value::Object(kept_b), Value::Object(kept_a))
}
