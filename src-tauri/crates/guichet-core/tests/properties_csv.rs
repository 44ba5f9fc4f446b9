//! Properties of the journal's CSV export: whatever the journal holds, the file reads back with
//! a CSV reader to one row per entry and exactly the values written, each cell that a
//! spreadsheet would run as a formula defused with a leading quote mark.

mod common;
mod oracles;

use chrono::{DateTime, Utc};
use guichet_core::audit::{AuditAction, AuditEntry, FieldChange, to_csv};
use oracles::{FORMULA_STARTS, expected_row, read_back};
use proptest::prelude::*;

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
