//! Finding establishments and addresses from what the caller says.

mod addresses;
pub mod index;
pub mod live;
mod normalise;
#[cfg(test)]
mod properties;
mod vocab;

pub use addresses::AddressRows;

use serde::Serialize;

use crate::error::Result;
use crate::model::establishment::EstablishmentSummary;
use crate::model::uai::Uai;
use crate::store::Store;

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

/// The plain search: UAI exactly, name or town by prefix, addresses by prefix.
pub async fn plain(store: &Store, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
    let query = query.trim();
    if query.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let establishments = store.search_establishments_plain(query, limit).await?;
    let addresses = store.search_addresses_plain(query, limit).await?;
    let establishments = establishments.into_iter().map(SearchHit::Establishment);
    let addresses = addresses
        .into_iter()
        .map(|(email, uais)| SearchHit::Address(AddressHit { email, uais }));
    // Whoever reads out an address wants the address first.
    let hits: Vec<SearchHit> = if query.contains('@') {
        addresses.chain(establishments).collect()
    } else {
        establishments.chain(addresses).collect()
    };
    Ok(hits.into_iter().take(limit as usize).collect())
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

/// The tolerant search: the index ranks, the store gives each result's current rows.
pub async fn tolerant(store: &Store, results: index::SearchResults) -> Result<SearchResponse> {
    let uais: Vec<&Uai> = results
        .hits
        .iter()
        .filter_map(|hit| match hit {
            index::IndexHit::Establishment { uai, .. } => Some(uai),
            index::IndexHit::Address { .. } => None,
        })
        .collect();
    let account_ids: Vec<i32> = results
        .hits
        .iter()
        .filter_map(|hit| match hit {
            index::IndexHit::Address { account_id, .. } => Some(*account_id),
            index::IndexHit::Establishment { .. } => None,
        })
        .collect();
    let mut summaries = store.summaries(&uais).await?;
    let mut addresses = store.addresses_with_uais(&account_ids).await?;
    // A row deleted since the index last caught up is simply left out.
    let hits = results
        .hits
        .iter()
        .filter_map(|hit| match hit {
            index::IndexHit::Establishment { uai, .. } => {
                summaries.remove(uai).map(SearchHit::Establishment)
            }
            index::IndexHit::Address { account_id, .. } => addresses
                .remove(account_id)
                .map(|(email, uais)| SearchHit::Address(AddressHit { email, uais })),
        })
        .collect();
    let uai_correction = results.uai_correction.map(|correction| UaiCorrectionView {
        message: correction.message(),
        typed: correction.typed,
        expected: correction.expected,
    });
    Ok(SearchResponse {
        hits,
        uai_correction,
    })
}
