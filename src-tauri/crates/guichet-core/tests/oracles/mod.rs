//! What the property tests and the fuzz targets (`fuzz/`, which includes this file by its path)
//! expect of the same code, written once so that the two cannot drift apart: the journal's CSV
//! as a reader must read it back, and the address book both diagnose against.

#![allow(dead_code)]

use guichet_core::audit::{AuditEntry, FieldChange};

/// What a cell may not start with: `= + - @` start a formula, and a spreadsheet may drop a
/// leading tab or carriage return before reading one.
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell's text as the export must write it: a leading quote mark before a formula.
pub fn defused(value: &str) -> String {
    if value.starts_with(FORMULA_STARTS) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// One side of the differences as the export writes it: `field : value, …`.
fn side(changes: &[FieldChange], pick: fn(&FieldChange) -> &Option<String>) -> String {
    changes
        .iter()
        .filter_map(|c| pick(c).as_ref().map(|v| format!("{}\u{a0}: {v}", c.field)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The cells of `entry`'s row, as a CSV reader reads them back.
pub fn expected_row(entry: &AuditEntry) -> Vec<String> {
    [
        guichet_core::text::paris_time(entry.at),
        entry.agent.clone().unwrap_or_default(),
        entry.action.label().to_string(),
        entry.uai.clone().unwrap_or_default(),
        entry.email.clone().unwrap_or_default(),
        side(&entry.changes, |c| &c.before),
        side(&entry.changes, |c| &c.after),
        entry.note.clone().unwrap_or_default(),
    ]
    .iter()
    .map(|value| defused(value))
    .collect()
}

/// The export read with the `csv` crate, as French Excel does: a BOM, then `;`-separated rows.
pub fn read_back(csv: &str) -> Vec<Vec<String>> {
    let body = csv.strip_prefix('\u{feff}').expect("a BOM for Excel");
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|record| {
            record
                .expect("a CSV record")
                .iter()
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

/// A small address book of the kinds of addresses the diagnosis meets.
pub const BOOK: [(i32, &str); 6] = [
    (1, "ce.0750654d@ac-paris.fr"),
    (2, "secretariat.henri4@ac-paris.fr"),
    (3, "jean.dupont@gmail.com"),
    (4, "direction@école-jaurès.fr"),
    (5, "ce.6200001g@ac-corse.fr"),
    (6, "o'neil+siec@free.fr"),
];
