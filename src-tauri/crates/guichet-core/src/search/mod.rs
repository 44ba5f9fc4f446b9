//! Finding establishments and addresses from what the caller says.

mod addresses;
pub mod index;
mod normalise;
#[cfg(test)]
mod properties;
mod vocab;

pub use addresses::AddressRows;

use serde::Serialize;

use crate::model::establishment::EstablishmentSummary;
use crate::model::uai::Uai;

/// One search result: an establishment, or an address with the establishments it is attached to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SearchHit {
    Establishment(EstablishmentSummary),
    Address(AddressHit),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct AddressHit {
    pub email: String,
    pub uais: Vec<Uai>,
}

/// What the search box shows: the ranked results and, when the query was a UAI with a wrong or
/// missing check letter, which letter it should have been.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct SearchResponse {
    pub hits: Vec<SearchHit>,
    pub uai_correction: Option<UaiCorrectionView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct UaiCorrectionView {
    pub typed: String,
    pub expected: Uai,
    /// "la lettre de contrôle « E » est fausse, la bonne est « D »"
    pub message: String,
}
