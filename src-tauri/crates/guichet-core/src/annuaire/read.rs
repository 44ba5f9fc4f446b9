//! Reading the Annuaire's CSV export row by row from any reader, in bounded memory: `;`
//! separated, UTF-8 with or without BOM. A file that is not the Annuaire (its header, its
//! separator, its encoding) fails; a bad row is a [`Rejection`] and the reading goes on.

use std::io::Read;

use chrono::NaiveDate;
use serde::Serialize;

use super::columns::{Column, Columns};
use crate::error::{Error, Result};
use crate::model::academie;
use crate::model::establishment::{EstablishmentIdentity, EstablishmentKind, Sector};
use crate::model::uai::{Uai, department_of_prefix};
use crate::text::fold;

/// A row the import leaves aside, with why, in French; the rest of the file may still be
/// applied once the agent has seen it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejection {
    /// The file's line the row begins on (the header is line 1).
    pub line: u64,
    /// The column as the file names it.
    pub column: String,
    pub reason: String,
    /// The row's UAI when it could be read: such a row is in the file, so it closes nothing.
    #[serde(skip)]
    pub uai: Option<Uai>,
    /// The académie of a row whose UAI cannot be read, when its label names one: nothing
    /// vanished from that académie closes, since the row may be it. `None` with no UAI either:
    /// nothing vanished closes anywhere.
    #[serde(skip)]
    pub unread_in: Option<Option<String>>,
}

/// What `etat` says of an establishment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowState {
    Open,
    /// `A FERMER`: still open, its closing announced.
    ClosingAnnounced,
    /// `FERME`.
    Closed,
}

/// One establishment as a row of the file gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow {
    pub line: u64,
    pub identity: EstablishmentIdentity,
    /// `Mail`, trimmed; `None` when empty.
    pub official_mail: Option<String>,
    pub state: RowState,
    /// `date_maj_ligne`.
    pub updated_on: Option<NaiveDate>,
    /// `etablissement_mere`.
    pub parent: Option<Uai>,
}

/// The rows of an Annuaire file, one at a time.
pub struct AnnuaireReader<R: Read> {
    csv: csv::Reader<R>,
    columns: Columns,
    /// The header's names, for an error on any column.
    header: Vec<String>,
    record: csv::ByteRecord,
    /// The line the next record begins on at the earliest: the csv crate's own count lags one
    /// line behind after a CRLF.
    next_line: u64,
}

impl<R: Read> std::fmt::Debug for AnnuaireReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnnuaireReader")
            .field("columns", &self.columns)
            .finish_non_exhaustive()
    }
}

impl<R: Read> AnnuaireReader<R> {
    /// Reads the header; fails when the file is empty or is not the Annuaire.
    pub fn new(input: R) -> Result<AnnuaireReader<R>> {
        let mut csv = csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        let mut record = csv::ByteRecord::new();
        let header = loop {
            if !csv.read_byte_record(&mut record).map_err(csv_error)? {
                return Err(Error::AnnuaireEmpty);
            }
            let fields = decode(&record, 1, |at| format!("colonne {}", at + 1))?;
            if fields
                .iter()
                .any(|f| !f.trim_start_matches('\u{feff}').trim().is_empty())
            {
                break fields;
            }
        };
        let names: Vec<&str> = header.iter().map(String::as_str).collect();
        let columns = Columns::of(&names)?;
        let header = header
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        let next_line = record.position().map_or(1, |p| p.line()) + 1 + newlines(&record);
        Ok(AnnuaireReader {
            csv,
            columns,
            header,
            record,
            next_line,
        })
    }

    /// Whether the file has a `Mail` column: without it, the official addresses stay as they are.
    pub fn has_mail(&self) -> bool {
        self.columns.has(Column::Mail)
    }

    /// The column as the file names it.
    pub fn column_name(&self, column: Column) -> String {
        self.columns.name(column)
    }

    /// The next row, or why it is left aside; `None` at the end. A file that stops being CSV or
    /// UTF-8 fails.
    pub fn next_row(&mut self) -> Result<Option<Result<SourceRow, Rejection>>> {
        loop {
            if !self
                .csv
                .read_byte_record(&mut self.record)
                .map_err(csv_error)?
            {
                return Ok(None);
            }
            let line = self
                .record
                .position()
                .map_or(0, |p| p.line())
                .max(self.next_line);
            self.next_line = line + 1 + newlines(&self.record);
            let header = &self.header;
            let fields = decode(&self.record, line, |at| {
                header
                    .get(at)
                    .cloned()
                    .unwrap_or_else(|| format!("colonne {}", at + 1))
            })?;
            if fields.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            return Ok(Some(self.row(line, &fields)));
        }
    }

    fn row(&self, line: u64, fields: &[String]) -> Result<SourceRow, Rejection> {
        let get = |column: Column| -> &str {
            self.columns
                .position(column)
                .and_then(|at| fields.get(at))
                .map_or("", |f| f.trim())
        };
        let label = fold(get(Column::Academie));
        let named = academie::all().iter().find(|a| fold(&a.name) == label);
        let reject = |column: Column, reason: String, uai: Option<Uai>| Rejection {
            line,
            column: self.columns.name(column),
            reason,
            unread_in: uai.is_none().then(|| named.map(|a| a.name.clone())),
            uai,
        };
        let uai = Uai::parse(get(Column::Uai)).map_err(|e| {
            let reason = if get(Column::Uai).is_empty() {
                "l’UAI manque".to_string()
            } else {
                format!(
                    "UAI «\u{a0}{}\u{a0}» invalide\u{a0}: {}",
                    get(Column::Uai),
                    e.message()
                )
            };
            reject(Column::Uai, reason, None)
        })?;
        let known = Some(uai.clone());
        let required = |column: Column| -> Result<String, Rejection> {
            match get(column) {
                "" => Err(reject(column, "la valeur manque".into(), known.clone())),
                value => Ok(value.to_string()),
            }
        };
        let name = required(Column::Name)?;
        let town = required(Column::Town)?;
        let kind = kind_of(get(Column::Kind));
        let sector = match fold(get(Column::Sector)).as_str() {
            "public" => Sector::Public,
            "prive" => Sector::Prive,
            other => {
                return Err(reject(
                    Column::Sector,
                    format!("statut «\u{a0}{other}\u{a0}» inconnu (Public ou Privé attendu)"),
                    known,
                ));
            }
        };
        let postcode = required(Column::Postcode)?;
        if postcode.len() != 5 || !postcode.bytes().all(|b| b.is_ascii_digit()) {
            return Err(reject(
                Column::Postcode,
                format!("code postal «\u{a0}{postcode}\u{a0}» invalide (5 chiffres attendus)"),
                known,
            ));
        }
        let department = department_of(get(Column::Department), &uai);
        let academie = named
            .or_else(|| academie::by_department(&department))
            .map(|a| a.name.clone())
            .ok_or_else(|| {
                reject(
                    Column::Academie,
                    format!("académie «\u{a0}{}\u{a0}» inconnue", get(Column::Academie)),
                    known.clone(),
                )
            })?;
        let state = match get(Column::State).to_uppercase().as_str() {
            "" | "OUVERT" => RowState::Open,
            "A FERMER" | "À FERMER" => RowState::ClosingAnnounced,
            "FERME" | "FERMÉ" => RowState::Closed,
            other => {
                return Err(reject(
                    Column::State,
                    format!(
                        "état «\u{a0}{other}\u{a0}» inconnu (OUVERT, A FERMER ou FERME attendu)"
                    ),
                    known,
                ));
            }
        };
        let updated_on = match get(Column::UpdatedOn) {
            "" => None,
            text => Some(NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                reject(
                    Column::UpdatedOn,
                    format!("date «\u{a0}{text}\u{a0}» invalide (aaaa-mm-jj attendu)"),
                    known.clone(),
                )
            })?),
        };
        let parent = match get(Column::Parent) {
            "" => None,
            text => Some(Uai::parse(text).map_err(|e| {
                reject(
                    Column::Parent,
                    format!("UAI «\u{a0}{text}\u{a0}» invalide\u{a0}: {}", e.message()),
                    known.clone(),
                )
            })?),
        };
        let official_mail = Some(get(Column::Mail).to_string()).filter(|m| !m.is_empty());
        Ok(SourceRow {
            line,
            identity: EstablishmentIdentity {
                uai,
                name,
                kind,
                sector,
                postcode,
                town,
                department,
                academie,
            },
            official_mail,
            state,
            updated_on,
            parent,
        })
    }
}

/// `Type_etablissement` among the project's kinds; what is none of them is `autre`.
fn kind_of(label: &str) -> EstablishmentKind {
    let folded = fold(label);
    let starts = |prefix: &str| folded.starts_with(prefix);
    if starts("lycee") {
        EstablishmentKind::Lycee
    } else if starts("college") {
        EstablishmentKind::College
    } else if starts("ecole") {
        EstablishmentKind::Ecole
    } else if starts("erea") {
        EstablishmentKind::Erea
    } else if starts("information et orientation") || starts("cio") {
        EstablishmentKind::Cio
    } else {
        EstablishmentKind::Autre
    }
}

/// `Code_departement` as the database keeps it (`093` is `93`, `02A` is `2A`), else the UAI's.
fn department_of(code: &str, uai: &Uai) -> String {
    let code = code.trim().to_uppercase();
    let code = match code.strip_prefix('0') {
        Some(rest) if rest.len() == 2 => rest.to_string(),
        _ => code,
    };
    let valid = (code.len() == 2 || code.len() == 3) && code.bytes().all(|b| b.is_ascii_digit())
        || code == "2A"
        || code == "2B";
    if valid && academie::by_department(&code).is_some() {
        code
    } else {
        department_of_prefix(&uai.as_str()[..3])
    }
}

/// The line ends inside a record's quoted fields.
fn newlines(record: &csv::ByteRecord) -> u64 {
    record.as_slice().iter().filter(|b| **b == b'\n').count() as u64
}

/// The fields of a record as text; bytes that are not UTF-8 fail with their line and column.
fn decode(
    record: &csv::ByteRecord,
    line: u64,
    column: impl Fn(usize) -> String,
) -> Result<Vec<String>> {
    record
        .iter()
        .enumerate()
        .map(|(at, bytes)| {
            std::str::from_utf8(bytes)
                .map(|text| text.to_string())
                .map_err(|_| Error::AnnuaireEncoding {
                    line,
                    column: column(at),
                })
        })
        .collect()
}

fn csv_error(error: csv::Error) -> Error {
    let line = error.position().map_or(0, |p| p.line());
    match error.into_kind() {
        csv::ErrorKind::Io(source) => Error::Io {
            path: "Annuaire".into(),
            source,
        },
        other => Error::AnnuaireCsv {
            line,
            reason: format!("{other:?}"),
        },
    }
}
