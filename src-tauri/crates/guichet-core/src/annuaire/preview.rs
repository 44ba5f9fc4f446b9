//! A dry run as the supervisors' screen shows it: the counts, and the first differences of each
//! kind in French words, rather than every row of a file that may add 68,000 establishments.

use serde::Serialize;

use super::diff::{AnnuaireDiff, Closure, Place, Standing};
use super::read::Rejection;
use crate::model::establishment::{EstablishmentKind, Sector};

/// How many differences of each kind the screen lists; the CSV export has them all.
pub const PREVIEW_LIMIT: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum DiffKind {
    New,
    Renamed,
    Moved,
    Changed,
    MailChanged,
    Closed,
    Reopened,
}

/// One difference, its values as the agent reads them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct PreviewItem {
    pub kind: DiffKind,
    pub uai: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct RejectedRow {
    pub line: u32,
    pub column: String,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub struct DiffCounts {
    pub rows: u32,
    pub new: u32,
    pub renamed: u32,
    pub moved: u32,
    pub changed: u32,
    pub mail_changed: u32,
    pub closed: u32,
    pub reopened: u32,
    pub unchanged: u32,
    pub rejected: u32,
}

/// The dry run for the window: what applying the file would do, nothing written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct AnnuairePreview {
    pub counts: DiffCounts,
    /// Up to [`PREVIEW_LIMIT`] of each kind, in the order of the file.
    pub items: Vec<PreviewItem>,
    /// Up to [`PREVIEW_LIMIT`] rows left aside.
    pub rejected: Vec<RejectedRow>,
    /// Applying it would write nothing.
    pub empty: bool,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn place(p: &Place) -> String {
    format!("{} {} (académie {})", p.postcode, p.town, p.academie)
}

fn kind_label(kind: EstablishmentKind) -> &'static str {
    match kind {
        EstablishmentKind::Lycee => "lycée",
        EstablishmentKind::College => "collège",
        EstablishmentKind::Ecole => "école",
        EstablishmentKind::Cio => "CIO",
        EstablishmentKind::Erea => "EREA",
        EstablishmentKind::Autre => "autre",
    }
}

fn standing(s: &Standing) -> String {
    let sector = match s.sector {
        Sector::Public => "public",
        Sector::Prive => "privé",
    };
    let closing = if s.closing_announced {
        ", fermeture annoncée"
    } else {
        ""
    };
    format!("{}, {sector}{closing}", kind_label(s.kind))
}

fn mail(m: &Option<String>) -> String {
    m.clone().unwrap_or_else(|| "aucune".into())
}

fn day(d: &Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_default()
}

impl AnnuairePreview {
    pub fn of(diff: &AnnuaireDiff) -> AnnuairePreview {
        let mut items = Vec::new();
        let mut push = |kind, uai: String, before: String, after: String| {
            items.push(PreviewItem {
                kind,
                uai,
                before,
                after,
            })
        };
        let first = |n: usize| n.min(PREVIEW_LIMIT);
        for i in &diff.new[..first(diff.new.len())] {
            let who = format!(
                "{} ({} {})",
                i.identity.name, i.identity.postcode, i.identity.town
            );
            push(
                DiffKind::New,
                i.identity.uai.to_string(),
                String::new(),
                who,
            );
        }
        for i in &diff.renamed[..first(diff.renamed.len())] {
            push(
                DiffKind::Renamed,
                i.uai.to_string(),
                i.before.clone(),
                i.after.clone(),
            );
        }
        for i in &diff.moved[..first(diff.moved.len())] {
            push(
                DiffKind::Moved,
                i.uai.to_string(),
                place(&i.before),
                place(&i.after),
            );
        }
        for i in &diff.changed[..first(diff.changed.len())] {
            let (before, after) = (standing(&i.before), standing(&i.after));
            push(DiffKind::Changed, i.uai.to_string(), before, after);
        }
        for i in &diff.mail_changed[..first(diff.mail_changed.len())] {
            push(
                DiffKind::MailChanged,
                i.uai.to_string(),
                mail(&i.before),
                mail(&i.after),
            );
        }
        for i in &diff.closed[..first(diff.closed.len())] {
            let why = match i.reason {
                Closure::Ferme => "marqué FERME",
                Closure::Absent => "absent du fichier",
            };
            let mut after = format!("fermé le {} ({why})", day(&i.closed_on));
            if let Some(successor) = &i.successor_uai {
                after.push_str(&format!(", successeur {successor}"));
            }
            push(DiffKind::Closed, i.uai.to_string(), i.name.clone(), after);
        }
        for i in &diff.reopened[..first(diff.reopened.len())] {
            let before = format!("fermé le {}", day(&i.before));
            push(
                DiffKind::Reopened,
                i.uai.to_string(),
                before,
                "ouvert".into(),
            );
        }
        let rejected = diff.rejected[..first(diff.rejected.len())]
            .iter()
            .map(|r: &Rejection| RejectedRow {
                line: u32::try_from(r.line).unwrap_or(u32::MAX),
                column: r.column.clone(),
                reason: r.reason.clone(),
            })
            .collect();
        AnnuairePreview {
            counts: DiffCounts {
                rows: count(diff.rows),
                new: count(diff.new.len()),
                renamed: count(diff.renamed.len()),
                moved: count(diff.moved.len()),
                changed: count(diff.changed.len()),
                mail_changed: count(diff.mail_changed.len()),
                closed: count(diff.closed.len()),
                reopened: count(diff.reopened.len()),
                unchanged: count(diff.unchanged),
                rejected: count(diff.rejected.len()),
            },
            items,
            rejected,
            empty: diff.is_empty(),
        }
    }
}

/// An applied file as the window shows it: what it wrote, and the import's number in the
/// journal (`None` when the database was already up to date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct AnnuaireApplied {
    pub import_id: Option<i32>,
    pub preview: AnnuairePreview,
}

impl AnnuaireApplied {
    pub fn of(diff: &AnnuaireDiff, import_id: Option<i64>) -> AnnuaireApplied {
        AnnuaireApplied {
            import_id: import_id.and_then(|id| i32::try_from(id).ok()),
            preview: AnnuairePreview::of(diff),
        }
    }
}
