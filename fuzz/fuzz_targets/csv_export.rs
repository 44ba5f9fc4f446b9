//! The journal's CSV export of entries made of any text: it reads back with a CSV reader to
//! exactly the values written, each cell a spreadsheet would run as a formula defused.
#![no_main]

use chrono::DateTime;
use guichet_core::audit::{AuditAction, AuditEntry, FieldChange, to_csv};
use libfuzzer_sys::fuzz_target;

const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn defused(value: &str) -> String {
    if value.starts_with(FORMULA_STARTS) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

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
    let body = csv.strip_prefix('\u{feff}').expect("a BOM");
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| r.expect("a record").iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 2, "{csv:?}");
    let side = |pick: fn(&FieldChange) -> &Option<String>| {
        entry
            .changes
            .iter()
            .filter_map(|c| pick(c).as_ref().map(|v| format!("{}\u{a0}: {v}", c.field)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let expected: Vec<String> = [
        guichet_core::text::paris_time(entry.at),
        entry.agent.clone().unwrap_or_default(),
        entry.action.label().to_string(),
        entry.uai.clone().unwrap_or_default(),
        entry.email.clone().unwrap_or_default(),
        side(|c| &c.before),
        side(|c| &c.after),
        entry.note.clone().unwrap_or_default(),
    ]
    .iter()
    .map(|v| defused(v))
    .collect();
    assert_eq!(rows[1], expected);
    for cell in &rows[1] {
        assert!(!cell.starts_with(FORMULA_STARTS), "{cell:?}");
    }
});
