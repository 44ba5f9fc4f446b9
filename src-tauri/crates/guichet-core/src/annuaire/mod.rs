//! The Annuaire de l'éducation (`fr-en-annuaire-education`), the national directory the
//! establishments are kept current from: its CSV export read row by row (`read.rs`, with the
//! columns it names in `columns.rs`), the difference with what the database knows (`diff.rs`),
//! and that difference as CSV (`export.rs`). No database here: the store reads what is known and
//! writes the plan a difference carries.

mod columns;
mod diff;
mod export;
mod read;

pub use columns::Column;
pub use diff::{
    AnnuaireDiff, Change, ClosedItem, Closure, DiffBuilder, FieldChange, Known, NewItem, Place,
    Record, Standing, journal_difference, journal_fields,
};
pub use export::to_csv;
pub use read::{AnnuaireReader, Rejection, RowState, SourceRow};

#[cfg(test)]
mod tests;
