//! The first daily call: finding an establishment or an address, however the caller spells it.
//! The index ranks in memory; the store gives each result's current rows.

use chrono::Utc;

use super::Guichet;
use crate::agents::{Permission, Session};
use crate::associations::parse_uai;
use crate::error::Result;
use crate::live_index::{Change, LiveSearch};
use crate::model::establishment::Establishment;
use crate::model::uai::Uai;
use crate::search::index::{IndexHit, SearchResults};
use crate::search::{AddressHit, SearchHit, SearchResponse, UaiCorrectionView};
use crate::store::Store;

impl Guichet {
    /// The search index, for benchmarks to time the ranking apart from reading the rows shown
    /// ([`Guichet::rows_of`]) and to read its size.
    pub fn search_index(&self) -> &LiveSearch {
        &self.live
    }

    /// Builds the search index in the background and keeps it current with the change log,
    /// for as long as the process runs (the desktop app). Until it is built, searches are plain.
    pub fn follow_changes(&self) {
        tokio::spawn(crate::live_index::follow(
            self.store.clone(),
            self.live.clone(),
        ));
    }

    /// Builds the search index now (one-shot commands).
    pub async fn build_search_index(&self) -> Result<()> {
        self.live.build(&self.store).await
    }

    /// Every change applied to the index, for windows to refresh what they show.
    pub fn changes(&self) -> tokio::sync::broadcast::Receiver<Change> {
        self.live.subscribe()
    }

    pub async fn search(
        &self,
        session: &Session,
        query: &str,
        limit: usize,
    ) -> Result<SearchResponse> {
        self.require(session, Permission::Read).await?;
        match self.live.search(query, limit) {
            Some(results) => rows_of(&self.store, results).await,
            None => Ok(SearchResponse {
                hits: self.store.plain_search(query, limit).await?,
                uai_correction: None,
            }),
        }
    }

    /// The rows a page shows for what the index ranked: the second phase of a search, which
    /// benchmarks time apart.
    pub async fn rows_of(
        &self,
        session: &Session,
        results: SearchResults,
    ) -> Result<SearchResponse> {
        self.require(session, Permission::Read).await?;
        rows_of(&self.store, results).await
    }

    pub async fn establishment(&self, session: &Session, uai: &str) -> Result<Establishment> {
        self.require(session, Permission::Read).await?;
        let uai = parse_uai(uai)?;
        let tz = self.portal_timezone().await?;
        self.store.establishment(&uai, tz, Utc::now()).await
    }
}

/// The tolerant search: the index ranks, the store gives each result's current rows.
async fn rows_of(store: &Store, results: SearchResults) -> Result<SearchResponse> {
    let uais: Vec<&Uai> = results
        .hits
        .iter()
        .filter_map(|hit| match hit {
            IndexHit::Establishment { uai, .. } => Some(uai),
            IndexHit::Address { .. } => None,
        })
        .collect();
    let account_ids: Vec<i32> = results
        .hits
        .iter()
        .filter_map(|hit| match hit {
            IndexHit::Address { account_id, .. } => Some(*account_id),
            IndexHit::Establishment { .. } => None,
        })
        .collect();
    let mut summaries = store.summaries(&uais).await?;
    let mut addresses = store.addresses_with_uais(&account_ids).await?;
    // A row deleted since the index last caught up is simply left out.
    let hits = results
        .hits
        .iter()
        .filter_map(|hit| match hit {
            IndexHit::Establishment { uai, .. } => {
                summaries.remove(uai).map(SearchHit::Establishment)
            }
            IndexHit::Address { account_id, .. } => addresses
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
