//! The in-memory search index: establishments by UAI and by the words of their name, town,
//! postcode, académie and department, tolerant to typos and abbreviations; addresses by prefix.
//!
//! Pure data: built from rows the store loaded, updated one row at a time, searched with
//! `&self` (it is `Send + Sync`, to sit behind a lock or an `ArcSwap`).
//!
//! Establishments: each canonical word (see `normalise`) has a posting list of the
//! establishments holding it, each posting with the fields it was found in. A query word is
//! looked up exactly, by prefix when it is being typed, and with typos through the trigrams of
//! the vocabulary; every establishment it reaches gets that word's best match. Ranking, highest
//! first: the exact UAI; the number of query words matched; how well (exact, prefix, typo) and
//! where (name, town or postcode, type, académie or department) they matched; then fewer words
//! in the name, the name, the UAI — so the order never depends on insertion order or backend.
//!
//! Here: the index's data and its upkeep. Indexing one establishment is `update`'s job,
//! answering a query `query`'s (with the per-thread buffers of `scratch`), what a match is worth
//! `weights`', and the French an agent reads `messages`'.

mod messages;
mod query;
mod scratch;
mod update;
mod weights;

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::model::establishment::EstablishmentKind;
use crate::model::uai::Uai;

use super::addresses::{AddressIndex, AddressRows};
use super::vocab::Vocabulary;

/// An establishment as the index needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedEstablishment {
    pub uai: Uai,
    pub name: String,
    pub town: String,
    pub postcode: String,
    pub academie: String,
    pub department: String,
    pub kind: EstablishmentKind,
}

/// An address (an account of the portal) as the index needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedAddress {
    pub account_id: i32,
    pub email: String,
}

/// One result; a higher score is a better match, comparable within one response only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IndexHit {
    Establishment { uai: Uai, score: u32 },
    Address { account_id: i32, score: u32 },
}

/// A UAI typed with a wrong or missing check letter, and the one it must be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct UaiCorrection {
    /// As typed, upper case: `0750654E`, or `0750654` without its letter.
    pub typed: String,
    /// The same digits with the right letter.
    pub expected: Uai,
}

impl UaiCorrection {
    /// The letter typed, `None` when it was missing.
    pub fn wrong_letter(&self) -> Option<char> {
        self.typed.chars().nth(7)
    }

    pub fn expected_letter(&self) -> char {
        self.expected.as_str().chars().nth(7).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct SearchResults {
    pub hits: Vec<IndexHit>,
    pub uai_correction: Option<UaiCorrection>,
}

/// An establishment holding a word: its doc id, shifted left of the 6 field bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Posting(u32);

/// Doc ids fit in the 26 bits a posting leaves them.
const MAX_DOCS: usize = 1 << 26;

impl Posting {
    fn new(doc: u32, fields: u8) -> Posting {
        Posting(doc << 6 | u32::from(fields))
    }

    fn doc(self) -> u32 {
        self.0 >> 6
    }

    fn fields(self) -> usize {
        (self.0 & 63) as usize
    }
}

#[derive(Debug)]
struct Doc {
    uai: Uai,
    /// The folded name and its number of words, for the tie order.
    name: Box<str>,
    name_words: u8,
    /// Word ids, to unlink the postings on update.
    words: Box<[u32]>,
}

impl Doc {
    /// The order among equal scores: fewer words in the name, then the name, then the UAI.
    fn tie_order(&self, other: &Doc) -> Ordering {
        self.name_words
            .cmp(&other.name_words)
            .then_with(|| self.name.cmp(&other.name))
            .then_with(|| self.uai.cmp(&other.uai))
    }
}

/// The index. Build it once from the store, then keep it current with the upserts and removals.
#[derive(Default)]
pub struct SearchIndex {
    vocab: Vocabulary,
    /// Postings by word id.
    postings: Vec<Vec<Posting>>,
    docs: Vec<Option<Doc>>,
    free: Vec<u32>,
    /// Live docs in tie order, so that ranking compares two integers, never two names.
    ties: Vec<u32>,
    /// Each doc's place in `ties`; apart from `docs`, so that ranking reads a small array.
    tie_of: Vec<u32>,
    /// UAI number (the 7 digits, which fix the letter) → doc, ordered for UAI prefixes.
    by_uai: BTreeMap<u32, u32>,
    addresses: AddressIndex,
}

impl fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SearchIndex")
            .field("establishments", &self.by_uai.len())
            .field("addresses", &self.addresses.len())
            .field("words", &self.vocab.len())
            .finish()
    }
}

impl SearchIndex {
    pub fn build(
        establishments: impl IntoIterator<Item = IndexedEstablishment>,
        addresses: &AddressRows,
    ) -> SearchIndex {
        let mut index = SearchIndex {
            addresses: AddressIndex::build(addresses.iter()),
            ..SearchIndex::default()
        };
        for establishment in establishments {
            index.insert(&establishment, false);
        }
        index.vocab.sort();
        let docs = &index.docs;
        let doc = |d: u32| docs[d as usize].as_ref().expect("live doc");
        index
            .ties
            .sort_unstable_by(|&a, &b| doc(a).tie_order(doc(b)));
        index.renumber_ties(0);
        index.postings.iter_mut().for_each(Vec::shrink_to_fit);
        index
    }

    /// Adds an establishment, or replaces the one with the same UAI.
    pub fn upsert_establishment(&mut self, establishment: &IndexedEstablishment) {
        self.insert(establishment, true);
    }

    /// Forgets an establishment; false when it was not indexed.
    pub fn remove_establishment(&mut self, uai: &Uai) -> bool {
        let Some(doc) = self.by_uai.remove(&uai_number(uai)) else {
            return false;
        };
        self.unlink(doc);
        self.free.push(doc);
        true
    }

    /// Adds an address, or replaces the address of that account.
    pub fn upsert_address(&mut self, address: &IndexedAddress) {
        self.addresses.upsert(address.account_id, &address.email);
    }

    /// Forgets an account's address; false when it was not indexed.
    pub fn remove_address(&mut self, account_id: i32) -> bool {
        self.addresses.remove(account_id)
    }

    pub fn establishment_count(&self) -> usize {
        self.by_uai.len()
    }

    pub fn address_count(&self) -> usize {
        self.addresses.len()
    }

    /// Establishments and addresses together.
    pub fn len(&self) -> usize {
        self.establishment_count() + self.address_count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A rough estimate of the heap the index holds, in bytes.
    pub fn memory_bytes(&self) -> usize {
        let postings: usize = self
            .postings
            .iter()
            .map(|p| size_of::<Vec<Posting>>() + p.capacity() * size_of::<Posting>())
            .sum();
        let docs: usize = self
            .docs
            .iter()
            .flatten()
            .map(|d| d.name.len() + d.words.len() * 4 + 8)
            .sum();
        self.vocab.memory_bytes()
            + postings
            + docs
            + self.docs.capacity() * size_of::<Option<Doc>>()
            + (self.free.capacity() + self.ties.capacity() + self.tie_of.capacity()) * 4
            // A B-tree entry is 8 bytes of payload in nodes about two thirds full.
            + self.by_uai.len() * 12
            + self.addresses.memory_bytes()
    }

    fn doc(&self, doc: u32) -> &Doc {
        self.docs[doc as usize]
            .as_ref()
            .expect("postings point at live establishments")
    }
}

/// The 7 digits of a UAI as a number; the check letter follows from it.
fn uai_number(uai: &Uai) -> u32 {
    uai.as_str()[..7].parse().unwrap_or_default()
}

#[cfg(test)]
mod tests;
