//! The Annuaire de l'éducation (`fr-en-annuaire-education`), the national directory the
//! establishments are kept current from: its CSV export read row by row (`read.rs`, with the
//! columns it names in `columns.rs`), the difference with what the database knows (`diff.rs`),
//! that difference as CSV (`export.rs`) and as the window previews it (`preview.rs`). No database here: the store reads what is known and
//! writes the plan a difference carries.

mod columns;
mod diff;
mod export;
mod preview;
mod read;

pub use columns::Column;
pub use diff::{
    AnnuaireDiff, Change, ClosedItem, Closure, DiffBuilder, FieldChange, Known, NewItem, Place,
    Record, Standing, journal_difference, journal_fields,
};
pub use export::to_csv;
pub use preview::{
    AnnuaireApplied, AnnuairePreview, DiffCounts, DiffKind, PREVIEW_LIMIT, PreviewItem, RejectedRow,
};
pub use read::{AnnuaireReader, Rejection, RowState, SourceRow};

#[cfg(test)]
mod tests;
