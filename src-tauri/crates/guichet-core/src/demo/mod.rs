//! Realistic demo data at any size: every real lycée (`data/lycees.tsv`), generated collèges,
//! écoles, CIO and EREA in real communes (`data/communes.tsv`), addresses in the patterns
//! establishments use, and a mix of initialisation states. The same seed and the same `now`
//! give the same rows.
//!
//! `generator` draws the rows (with `establishments` and `accounts`, from the embedded
//! `reference` data and `names`), touching no database; `load` writes them into an empty one.

mod accounts;
mod establishments;
mod generator;
mod load;
mod names;
mod reference;

pub use generator::{
    DEFAULT_SEED, DEFAULT_SIZE, DemoReport, DemoSize, MAX_ACCOUNTS, MAX_ESTABLISHMENTS, generate,
};
pub use load::load;
/// The embedded real lycées, as establishments (tests write them as Annuaire files).
pub use reference::lycees;

#[cfg(test)]
mod tests;
