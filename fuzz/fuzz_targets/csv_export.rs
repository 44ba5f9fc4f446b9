//! The journal's CSV export of entries made of any text: it reads back with a CSV reader to
//! exactly the values written, each cell a spreadsheet would run as a formula defused.
#![no_main]

use chrono::DateTime;
use guichet_core::audit::{AuditAction, AuditEntry, FieldChange, to_csv};
use libfuzzer_sys::fuzz_target;

#[path = "../../src-tauri/crates/guichet-core/tests/oracles/mod.rs"]
mod oracles;

use oracles::{FORMULA_STARTS, expected_row, read_back};

fuzz_target!(|input: &str| {
    // Fields separated by U+0000: agent, UAI, address, field, before, after, note.
    let mut parts = input.split('\u{0}').map(str::to_owned);
    let mut next = || parts.next();
    let (agent, uai, email) = (next(), next(), next());
    let changes = match (next(), next(), next()) {
        (Some(field), before, after) => vec![FieldChange {
            field,
            before,
            after,
        }],
        _ => Vec::new(),
    };
    let note = next();
    let action = AuditAction::ALL[input.len() % AuditAction::ALL.len()];
    let entry = AuditEntry {
        id: 1,
        at: DateTime::from_timestamp(1_764_000_000, 0).expect("instant"),
        agent,
        action,
        uai,
        email,
        changes,
        note,
    };
    let csv = to_csv(std::slice::from_ref(&entry));
    let rows = read_back(&csv);
    assert_eq!(rows.len(), 2, "{csv:?}");
    assert_eq!(rows[1], expected_row(&entry));
    for cell in &rows[1] {
        assert!(!cell.starts_with(FORMULA_STARTS), "{cell:?}");
    }
});
