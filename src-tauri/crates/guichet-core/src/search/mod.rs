//! Finding establishments and addresses from what the caller says.

mod addresses;
pub mod index;
mod normalise;
mod vocab;

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
