//! The search index kept current: built in the background, then following the change log so
//! that other agents' changes show up within a second and the agent's own at once.

use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{Mutex, broadcast};

use crate::diagnosis::{AddressBook, Draft, EstablishmentRef};
use crate::error::{Error, Result};
use crate::model::uai::Uai;
use crate::search::index::{SearchIndex, SearchResults};
use crate::store::Store;

/// Something other windows may be showing changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "entity", content = "key", rename_all = "snake_case")]
pub enum Change {
    Establishment(String),
    Account(i32),
    /// An address was attached to or detached from this establishment.
    Attachment(String),
    /// A reset request of this account appeared, was used or was replaced.
    Reset(i32),
}

impl Change {
    fn parse(entity: &str, key: &str) -> Option<Change> {
        match entity {
            "establishment" => Some(Change::Establishment(key.to_string())),
            "attachment" => Some(Change::Attachment(key.to_string())),
            "account" => key.parse().ok().map(Change::Account),
            "reset" => key.parse().ok().map(Change::Reset),
            _ => None,
        }
    }
}

/// How often the log is read, and how long its rows are kept.
pub const POLL_EVERY: Duration = Duration::from_millis(400);
const KEEP_CHANGES: chrono::Duration = chrono::Duration::hours(1);
const CHANGES_PER_READ: i64 = 10_000;

#[derive(Debug)]
pub struct LiveSearch {
    index: RwLock<Option<SearchIndex>>,
    /// Every address, for the "adresse non reconnue" diagnosis; kept current with the index.
    book: RwLock<Option<AddressBook>>,
    /// The last change applied; held while applying so that two catch-ups never interleave.
    cursor: Mutex<i64>,
    changes: broadcast::Sender<Change>,
}

impl Default for LiveSearch {
    fn default() -> Self {
        LiveSearch {
            index: RwLock::new(None),
            book: RwLock::new(None),
            cursor: Mutex::new(0),
            changes: broadcast::channel(1024).0,
        }
    }
}

impl LiveSearch {
    /// Searches the index, `None` until it is built.
    pub fn search(&self, query: &str, limit: usize) -> Option<SearchResults> {
        let index = self
            .index
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        index.as_ref().map(|index| index.search(query, limit))
    }

    /// Diagnoses an address against every known one, `None` until the book is built.
    pub fn diagnose(
        &self,
        input: &str,
        establishment: impl Fn(&Uai) -> Option<EstablishmentRef>,
    ) -> Option<Draft> {
        let book = self
            .book
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        book.as_ref()
            .map(|book| book.diagnose(input, establishment))
    }

    pub fn is_ready(&self) -> bool {
        self.index
            .read()
            .map(|index| index.is_some())
            .unwrap_or(false)
    }

    /// A rough estimate of the heap the index holds, in bytes; `None` until it is built.
    pub fn memory_bytes(&self) -> Option<usize> {
        let index = self
            .index
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        index.as_ref().map(SearchIndex::memory_bytes)
    }

    /// Every change applied from now on, for windows to refresh what they show.
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.changes.subscribe()
    }

    /// Builds the index from every row. The cursor is read first, so that a change made during
    /// the build is applied again afterwards rather than missed.
    pub async fn build(&self, store: &Store) -> Result<()> {
        let mut cursor = self.cursor.lock().await;
        let from = store.last_change().await?;
        let (establishments, addresses) = store.index_rows().await?;
        let (index, book) = tokio::task::spawn_blocking(move || {
            let book = AddressBook::build(addresses.iter());
            (SearchIndex::build(establishments, &addresses), book)
        })
        .await
        .map_err(|error| Error::Internal(format!("index build: {error}")))?;
        *self
            .index
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(index);
        *self
            .book
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(book);
        *cursor = from;
        Ok(())
    }

    /// Applies the changes logged since the last call; rebuilds when the log no longer reaches
    /// back to the cursor. Returns how many changes were applied.
    pub async fn catch_up(&self, store: &Store) -> Result<usize> {
        if !self.is_ready() {
            return Ok(0);
        }
        let mut cursor = self.cursor.lock().await;
        if store
            .first_change()
            .await?
            .is_some_and(|first| first > *cursor + 1)
            && *cursor > 0
        {
            drop(cursor);
            self.build(store).await?;
            return Ok(0);
        }
        let mut applied = 0;
        loop {
            let rows = store.changes_after(*cursor, CHANGES_PER_READ).await?;
            let Some(last) = rows.last().map(|row| row.id) else {
                break;
            };
            // A bulk change logs the same key many times: apply each once.
            let changes: BTreeSet<(String, String)> =
                rows.into_iter().map(|row| (row.entity, row.key)).collect();
            for change in changes
                .iter()
                .filter_map(|(entity, key)| Change::parse(entity, key))
            {
                self.apply(store, &change).await?;
                let _ = self.changes.send(change);
                applied += 1;
            }
            *cursor = last;
        }
        Ok(applied)
    }

    /// Changes the index once it is built; until then, its build reads the rows as they are.
    fn update_index(&self, change: impl FnOnce(&mut SearchIndex)) {
        let mut index = self
            .index
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(index) = index.as_mut() {
            change(index);
        }
    }

    async fn apply(&self, store: &Store, change: &Change) -> Result<()> {
        match change {
            Change::Establishment(uai) => {
                let row = store.index_establishment(uai).await?;
                self.update_index(|index| match row {
                    Some(establishment) => index.upsert_establishment(&establishment),
                    None => {
                        if let Ok(uai) = Uai::parse(uai) {
                            index.remove_establishment(&uai);
                        }
                    }
                });
            }
            Change::Account(id) => {
                let row = store.index_address(*id).await?;
                if let Some(book) = self
                    .book
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .as_mut()
                {
                    match &row {
                        Some(address) => book.upsert(address.account_id, &address.email),
                        None => {
                            book.remove(*id);
                        }
                    }
                }
                self.update_index(|index| match row {
                    Some(address) => index.upsert_address(&address),
                    None => {
                        index.remove_address(*id);
                    }
                });
            }
            Change::Attachment(_) | Change::Reset(_) => {}
        }
        Ok(())
    }
}

/// Builds the index, then follows the log until the store is closed (an agent of a shared
/// database signed out) or the process ends. Errors (a database briefly unreachable) are
/// logged and retried at the next tick.
pub async fn follow(store: Store, live: Arc<LiveSearch>) {
    while let Err(error) = live.build(&store).await {
        if store.is_closed() {
            return;
        }
        tracing::warn!("search index not built yet: {error}");
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let mut ticks: u64 = 0;
    while !store.is_closed() {
        tokio::time::sleep(POLL_EVERY).await;
        if let Err(error) = live.catch_up(&store).await {
            tracing::warn!("change log not read: {error}");
        }
        ticks += 1;
        if ticks.is_multiple_of(1_000)
            && let Err(error) = store.prune_changes(chrono::Utc::now() - KEEP_CHANGES).await
        {
            tracing::warn!("change log not pruned: {error}");
        }
    }
}
