//! A dry run as CSV, one line per difference and per row left aside, for a spreadsheet.

use serde::Serialize;

use super::diff::AnnuaireDiff;
use crate::csv_export::{document, push_row};

const HEADER: [&str; 6] = ["catégorie", "uai", "ligne", "colonne", "avant", "après"];

/// A value as a cell: text as is, anything else as its JSON.
fn cell<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Null) => String::new(),
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// The difference as a document French Excel opens as is.
pub fn to_csv(diff: &AnnuaireDiff) -> String {
    let mut out = document(&HEADER);
    let mut row = |category: &str, uai: String, before: String, after: String| {
        let fields = [category.to_string(), uai, String::new(), String::new()];
        push_row(&mut out, fields.into_iter().chain([before, after]));
    };
    for item in &diff.new {
        row(
            "nouveau",
            item.identity.uai.to_string(),
            String::new(),
            item.identity.name.clone(),
        );
    }
    for item in &diff.renamed {
        row(
            "renommé",
            item.uai.to_string(),
            item.before.clone(),
            item.after.clone(),
        );
    }
    for item in &diff.moved {
        row(
            "déplacé",
            item.uai.to_string(),
            cell(&item.before),
            cell(&item.after),
        );
    }
    for item in &diff.changed {
        row(
            "modifié",
            item.uai.to_string(),
            cell(&item.before),
            cell(&item.after),
        );
    }
    for item in &diff.mail_changed {
        row(
            "adresse officielle",
            item.uai.to_string(),
            cell(&item.before),
            cell(&item.after),
        );
    }
    for item in &diff.closed {
        row(
            "fermé",
            item.uai.to_string(),
            String::new(),
            cell(&item.closed_on),
        );
    }
    for item in &diff.reopened {
        row(
            "rouvert",
            item.uai.to_string(),
            cell(&item.before),
            String::new(),
        );
    }
    for rejection in &diff.rejected {
        push_row(
            &mut out,
            [
                "rejeté".to_string(),
                rejection
                    .uai
                    .as_ref()
                    .map(|u| u.to_string())
                    .unwrap_or_default(),
                rejection.line.to_string(),
                rejection.column.clone(),
                String::new(),
                rejection.reason.clone(),
            ],
        );
    }
    out
}
