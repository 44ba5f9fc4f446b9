//! Properties of the journal's CSV export: whatever the journal holds, the file reads back with
//! a CSV reader to one row per entry and exactly the values written, each cell that a
//! spreadsheet would run as a formula defused with a leading quote mark.

mod common;

use chrono::{DateTime, Utc};
use guichet_core::audit::{AuditAction, AuditEntry, FieldChange, to_csv};
use proptest::prelude::*;

/// What a cell may not start with: `= + - @` start a formula, and a spreadsheet may drop a
/// leading tab or carriage return before reading one.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell's text as the export must write it: a leading quote mark before a formula.
fn defused(value: &str) -> String {
    if value.starts_with(FORMULA_STARTS) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// Journal text as agents and imports write it, with what breaks CSV and spreadsheets.
fn cell_text() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => common::messy_text(24),
        1 => (
            proptest::sample::select(vec!["=", "+", "-", "@", "\t", "\r", "\r\n", "\n", "\"", ";", "'", " ", ""]),
            common::messy_text(16),
        )
            .prop_map(|(start, rest)| format!("{start}{rest}")),
        1 => Just("=HYPERLINK(\"https://exemple.fr\";\"x\")".to_string()),
    ]
}

fn change() -> impl Strategy<Value = FieldChange> {
    (
        "[a-z_]{1,12}|=[a-z]{1,4}",
        proptest::option::of(cell_text()),
        proptest::option::of(cell_text()),
    )
        .prop_map(|(field, before, after)| FieldChange {
            field,
            before,
            after,
        })
}

fn entry() -> impl Strategy<Value = AuditEntry> {
    (
        any::<i64>(),
        0i64..4_102_444_800,
        proptest::option::of(cell_text()),
        proptest::sample::select(AuditAction::ALL.to_vec()),
        proptest::option::of(cell_text()),
        proptest::option::of(cell_text()),
        proptest::collection::vec(change(), 0..3),
        proptest::option::of(cell_text()),
    )
        .prop_map(
            |(id, at, agent, action, uai, email, changes, note)| AuditEntry {
                id,
                at: DateTime::<Utc>::from_timestamp(at, 0).expect("instant"),
                agent,
                action,
                uai,
                email,
                changes,
                note,
            },
        )
}

/// One side of the differences as the export writes it: `field : value, …`.
fn side(changes: &[FieldChange], pick: fn(&FieldChange) -> &Option<String>) -> String {
    changes
        .iter()
        .filter_map(|c| pick(c).as_ref().map(|v| format!("{}\u{a0}: {v}", c.field)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn expected_row(entry: &AuditEntry) -> Vec<String> {
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

fn read_back(csv: &str) -> Vec<Vec<String>> {
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

proptest! {
    #![proptest_config(common::cases(512))]

    #[test]
    fn every_cell_reads_back_as_written_and_defused(
        entries in proptest::collection::vec(entry(), 0..6),
    ) {
        let csv = to_csv(&entries);
        prop_assert!(csv.ends_with("\r\n"));
        let rows = read_back(&csv);
        prop_assert_eq!(rows.len(), entries.len() + 1);
        prop_assert_eq!(
            &rows[0],
            &["Date", "Agent", "Action", "UAI", "Adresse", "Avant", "Après", "Note"]
        );
        for (row, entry) in rows[1..].iter().zip(&entries) {
            prop_assert_eq!(row, &expected_row(entry));
        }
    }

    #[test]
    fn no_cell_starts_a_formula(entries in proptest::collection::vec(entry(), 1..6)) {
        for row in read_back(&to_csv(&entries)) {
            for cell in row {
                prop_assert!(!cell.starts_with(FORMULA_STARTS), "{:?}", cell);
            }
        }
    }
}
