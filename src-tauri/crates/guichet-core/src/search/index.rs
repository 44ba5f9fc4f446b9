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

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::model::establishment::EstablishmentKind;
use crate::model::uai::{Uai, UaiError};
use crate::text::slug;

use super::addresses::{AddressIndex, AddressMatch, AddressRows, fold_address};
use super::normalise::{self, Query};
use super::vocab::{TypoScratch, Vocabulary};

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

    /// The French sentence an agent reads, the same as for a UAI typed in a form.
    pub fn message(&self) -> String {
        let expected = self.expected_letter();
        match self.wrong_letter() {
            Some(found) => UaiError::WrongLetter { found, expected },
            None => UaiError::MissingLetter { expected },
        }
        .message()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct SearchResults {
    pub hits: Vec<IndexHit>,
    pub uai_correction: Option<UaiCorrection>,
}

// Fields a word was found in, as bits of a posting.
const NAME: u8 = 1;
const TOWN: u8 = 2;
const POSTCODE: u8 = 4;
const KIND: u8 = 8;
const ACADEMIE: u8 = 16;
const DEPARTMENT: u8 = 32;

/// The weight of the best field in a set of field bits.
const FIELD_WEIGHT: [u16; 64] = {
    let mut table = [0; 64];
    let mut fields = 0;
    while fields < 64 {
        let f = fields as u8;
        table[fields] = if f & NAME != 0 {
            10
        } else if f & (TOWN | POSTCODE) != 0 {
            7
        } else if f & KIND != 0 {
            5
        } else if f & (ACADEMIE | DEPARTMENT) != 0 {
            4
        } else {
            0
        };
        fields += 1;
    }
    table
};

/// How a query word matched an indexed word; the value is its weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Quality {
    Typo2 = 3,
    Typo1 = 5,
    Prefix = 6,
    Exact = 8,
}

/// One more matched query word outweighs any difference in how the words matched
/// (at most `MAX_TERMS` × 8 × 10 = 800).
const PER_TERM: u32 = 1_000;
const UAI_EXACT: u32 = 1_000_000;
const UAI_CORRECTED: u32 = 990_000;
const ADDRESS_EXACT: u32 = 2_000_000;
/// An address-like query (`@`, `.` or `_`, no space): addresses before establishments.
const ADDRESS_FIRST: u32 = 1_500_000;
/// A plain word: addresses after every establishment.
const ADDRESS_AFTER: u32 = 1;
/// Shortest query that looks addresses up.
const MIN_ADDRESS_PREFIX: usize = 3;

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

    /// The best `limit` establishments and addresses for what the agent typed.
    pub fn search(&self, query: &str, limit: usize) -> SearchResults {
        let mut results = SearchResults::default();
        let trimmed = query.trim();
        if limit == 0 || trimmed.is_empty() {
            return results;
        }
        let one_word = !trimmed.contains(char::is_whitespace);
        let address_like = one_word && trimmed.contains(['@', '.', '_']);
        if one_word && trimmed.chars().count() >= MIN_ADDRESS_PREFIX {
            let mut found = Vec::new();
            self.addresses
                .with_prefix(&fold_address(trimmed), limit, &mut found);
            results.hits.extend(
                found
                    .into_iter()
                    .map(|(account_id, how)| IndexHit::Address {
                        account_id,
                        score: match (how, address_like) {
                            (AddressMatch::Exact, _) => ADDRESS_EXACT,
                            (AddressMatch::Prefix, true) => ADDRESS_FIRST,
                            (AddressMatch::Prefix, false) => ADDRESS_AFTER,
                        },
                    }),
            );
        }
        // Words of an address (`jean`, `dupont`, `gmail`) would only find noise.
        if !trimmed.contains('@') {
            // Untrimmed: a space after the last word says it is finished.
            let query = normalise::query(query);
            results.uai_correction = self.search_establishments(&query, limit, &mut results.hits);
        }
        // Stable: each kind keeps its own order among equal scores.
        results
            .hits
            .sort_by_key(|hit| std::cmp::Reverse(score(hit)));
        results.hits.truncate(limit);
        results
    }

    fn search_establishments(
        &self,
        query: &Query,
        limit: usize,
        hits: &mut Vec<IndexHit>,
    ) -> Option<UaiCorrection> {
        let mut pinned: Option<(u32, u32)> = None;
        let mut correction = None;
        if let Some(typed) = &query.uai {
            let (uai, score) = match Uai::parse(typed) {
                Ok(uai) => (Some(uai), UAI_EXACT),
                Err(
                    UaiError::WrongLetter { expected, .. } | UaiError::MissingLetter { expected },
                ) => {
                    let expected = Uai::parse(&format!("{}{expected}", &typed[..7])).ok();
                    correction = expected.clone().map(|expected| UaiCorrection {
                        typed: typed.to_uppercase(),
                        expected,
                    });
                    (expected, UAI_CORRECTED)
                }
                Err(UaiError::Malformed) => (None, 0),
            };
            if let Some(&doc) = uai.and_then(|uai| self.by_uai.get(&uai_number(&uai))) {
                pinned = Some((doc, score));
            }
        }
        SCRATCH.with_borrow_mut(|scratch| {
            scratch.start(self.docs.len());
            for (t, term) in query.terms.iter().enumerate() {
                let t = t as u16;
                self.candidates(term, scratch);
                let candidates = std::mem::take(&mut scratch.candidates);
                for &(word, quality) in &candidates {
                    for &posting in &self.postings[word as usize] {
                        let weight = FIELD_WEIGHT[posting.fields()] * quality as u16;
                        scratch.feed(posting.doc(), t, weight);
                    }
                }
                scratch.candidates = candidates;
                if query.uai_prefix.as_deref() == Some(&term.word) {
                    for &doc in self.uais_with_prefix(&term.word) {
                        scratch.feed(
                            doc,
                            t,
                            FIELD_WEIGHT[usize::from(NAME)] * Quality::Prefix as u16,
                        );
                    }
                }
            }
            let ranked = scratch.rank(&self.tie_of, pinned, limit);
            if ranked.len() > limit {
                ranked.select_nth_unstable(limit - 1);
                ranked.truncate(limit);
            }
            ranked.sort_unstable();
            hits.extend(ranked.iter().map(|&key| {
                let (score, tie) = unrank(key);
                IndexHit::Establishment {
                    uai: self.doc(self.ties[tie as usize]).uai.clone(),
                    score,
                }
            }));
        });
        correction
    }

    /// The indexed words a query word reaches, each with its best quality, in `scratch`.
    fn candidates(&self, term: &normalise::Term, scratch: &mut Scratch) {
        let candidates = &mut scratch.candidates;
        candidates.clear();
        let exact = self.vocab.id(&term.word);
        if let Some(id) = exact {
            candidates.push((id, Quality::Exact));
        }
        if let Some(prefix) = &term.prefix {
            candidates.extend(
                self.vocab
                    .with_prefix(prefix)
                    .iter()
                    .filter(|&&id| Some(id) != exact)
                    .map(|&id| (id, Quality::Prefix)),
            );
        }
        scratch.typos.clear();
        self.vocab.typos(
            &term.word,
            term.typos,
            &mut scratch.typo,
            &mut scratch.typos,
        );
        candidates.extend(scratch.typos.iter().map(|&(id, distance)| {
            let quality = if distance <= 1 {
                Quality::Typo1
            } else {
                Quality::Typo2
            };
            (id, quality)
        }));
        // One entry per word, its best quality: a word may be both a prefix and a typo.
        candidates.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        candidates.dedup_by_key(|c| c.0);
    }

    fn uais_with_prefix<'a>(&'a self, digits: &str) -> impl Iterator<Item = &'a u32> + 'a {
        // "07506" → the UAI numbers 0750600 to 0750699.
        let width = 10u32.pow(7u32.saturating_sub(digits.len() as u32));
        let start = digits
            .parse::<u32>()
            .map_or(u32::MAX, |n| n.saturating_mul(width));
        self.by_uai
            .range(start..start.saturating_add(width))
            .map(|(_, doc)| doc)
    }

    fn doc(&self, doc: u32) -> &Doc {
        self.docs[doc as usize]
            .as_ref()
            .expect("postings point at live establishments")
    }

    fn insert(&mut self, e: &IndexedEstablishment, keep_sorted: bool) {
        let number = uai_number(&e.uai);
        let doc = match self.by_uai.get(&number) {
            Some(&doc) => {
                self.unlink(doc);
                doc
            }
            None => {
                let doc = self.free.pop().unwrap_or_else(|| {
                    assert!(self.docs.len() < MAX_DOCS, "too many establishments");
                    self.docs.push(None);
                    self.tie_of.push(0);
                    (self.docs.len() - 1) as u32
                });
                self.by_uai.insert(number, doc);
                doc
            }
        };
        let mut fielded: Vec<(String, u8)> = Vec::new();
        let mut words = Vec::new();
        normalise::words(&e.name, &mut words);
        let name_words = words.len();
        fielded.extend(words.drain(..).map(|w| (w, NAME)));
        if let Some(kind) = kind_word(e.kind) {
            fielded.push((kind.to_string(), KIND));
        }
        // "Nice Cedex 1": the number is a sorting office, not a word of the town.
        normalise::words(&e.town, &mut words);
        fielded.extend(
            words
                .drain(..)
                .filter(|w| !w.bytes().all(|b| b.is_ascii_digit()))
                .map(|w| (w, TOWN)),
        );
        let postcode = e.postcode.trim();
        if !postcode.is_empty() {
            fielded.push((postcode.to_ascii_lowercase(), POSTCODE));
        }
        normalise::words(&e.academie, &mut words);
        fielded.extend(words.drain(..).map(|w| (w, ACADEMIE)));
        let department = e.department.trim();
        if !department.is_empty() {
            fielded.push((department.to_ascii_lowercase(), DEPARTMENT));
        }
        let mut linked: Vec<(u32, u8)> = fielded
            .iter()
            .map(|(word, field)| (self.vocab.intern(word, keep_sorted), *field))
            .collect();
        linked.sort_unstable();
        // One posting per word, with every field it was found in.
        linked.dedup_by(|next, kept| {
            let same = next.0 == kept.0;
            if same {
                kept.1 |= next.1;
            }
            same
        });
        if self.postings.len() < self.vocab.len() {
            self.postings.resize_with(self.vocab.len(), Vec::new);
        }
        for &(word, fields) in &linked {
            self.postings[word as usize].push(Posting::new(doc, fields));
        }
        let new = Doc {
            uai: e.uai.clone(),
            name: slug(&e.name, ' ').into(),
            name_words: u8::try_from(name_words).unwrap_or(u8::MAX),
            words: linked.iter().map(|&(word, _)| word).collect(),
        };
        // A bulk load sorts the tie order once at the end.
        let at = if keep_sorted {
            self.ties
                .partition_point(|&d| self.doc(d).tie_order(&new) == Ordering::Less)
        } else {
            self.ties.len()
        };
        self.docs[doc as usize] = Some(new);
        self.ties.insert(at, doc);
        self.renumber_ties(at);
    }

    /// Removes a doc's postings and its place in the tie order; the slot stays, empty.
    fn unlink(&mut self, doc: u32) {
        let Some(old) = self.docs[doc as usize].take() else {
            return;
        };
        for &word in old.words.iter() {
            let postings = &mut self.postings[word as usize];
            if let Some(at) = postings.iter().position(|p| p.doc() == doc) {
                postings.swap_remove(at);
            }
        }
        let tie = self.tie_of[doc as usize] as usize;
        self.ties.remove(tie);
        self.renumber_ties(tie);
    }

    /// Writes each doc's place in the tie order, from `from` on.
    fn renumber_ties(&mut self, from: usize) {
        for (tie, &doc) in self.ties.iter().enumerate().skip(from) {
            self.tie_of[doc as usize] = tie as u32;
        }
    }
}

/// A ranking key: sorting keys in ascending order puts the best score first, then the tie order.
fn rank_key(score: u32, tie: u32) -> u64 {
    u64::from(u32::MAX - score) << 32 | u64::from(tie)
}

/// The score and tie place of a ranking key.
fn unrank(key: u64) -> (u32, u32) {
    (u32::MAX - (key >> 32) as u32, key as u32)
}

fn score(hit: &IndexHit) -> u32 {
    match hit {
        IndexHit::Establishment { score, .. } | IndexHit::Address { score, .. } => *score,
    }
}

/// The 7 digits of a UAI as a number; the check letter follows from it.
fn uai_number(uai: &Uai) -> u32 {
    uai.as_str()[..7].parse().unwrap_or_default()
}

/// The word a caller uses for an establishment's type, found even when the name lacks it.
fn kind_word(kind: EstablishmentKind) -> Option<&'static str> {
    match kind {
        EstablishmentKind::Lycee => Some("lycee"),
        EstablishmentKind::College => Some("college"),
        EstablishmentKind::Ecole => Some("ecole"),
        EstablishmentKind::Cio => Some("cio"),
        EstablishmentKind::Erea => Some("erea"),
        EstablishmentKind::Autre => None,
    }
}

/// What a query has reached so far for one establishment.
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    generation: u32,
    /// The query word being matched, and its best weight so far.
    term: u16,
    best: u16,
    /// Query words done: how many matched, and their weights.
    matched: u16,
    total: u16,
}

/// Per-thread buffers reused by every query, so a query allocates next to nothing. Counters are
/// reset lazily: an entry whose generation is not the query's counts as empty.
#[derive(Debug, Default)]
struct Scratch {
    generation: u32,
    accs: Vec<Acc>,
    touched: Vec<u32>,
    candidates: Vec<(u32, Quality)>,
    typos: Vec<(u32, u8)>,
    typo: TypoScratch,
    ranked: Vec<u64>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Scratch {
    fn start(&mut self, docs: usize) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.accs.fill(Acc::default());
            self.generation = 1;
        }
        if self.accs.len() < docs {
            self.accs.resize(docs, Acc::default());
        }
        self.touched.clear();
    }

    /// Query word `term` reached `doc` with `weight`; words come one after the other.
    fn feed(&mut self, doc: u32, term: u16, weight: u16) {
        let acc = &mut self.accs[doc as usize];
        if acc.generation != self.generation {
            *acc = Acc {
                generation: self.generation,
                term,
                best: weight,
                matched: 0,
                total: 0,
            };
            self.touched.push(doc);
        } else if acc.term != term {
            acc.matched += 1;
            acc.total += acc.best;
            acc.term = term;
            acc.best = weight;
        } else if weight > acc.best {
            acc.best = weight;
        }
    }

    /// The ranking keys of every establishment reached; the pinned UAI with its own score.
    fn rank(&mut self, tie_of: &[u32], pinned: Option<(u32, u32)>, limit: usize) -> &mut Vec<u64> {
        // One more matched word always scores higher, so only the establishments that matched
        // the most words are ranked, down to the level that fills the page.
        let mut per_level = [0usize; normalise::MAX_TERMS + 1];
        for &doc in &self.touched {
            per_level[usize::from(self.accs[doc as usize].matched)] += 1;
        }
        let mut enough = 0;
        let mut level = per_level.len();
        while level > 0 && enough < limit {
            level -= 1;
            enough += per_level[level];
        }
        self.ranked.clear();
        for &doc in &self.touched {
            let acc = self.accs[doc as usize];
            if usize::from(acc.matched) < level || pinned.is_some_and(|(p, _)| p == doc) {
                continue;
            }
            let score = (u32::from(acc.matched) + 1) * PER_TERM + u32::from(acc.total + acc.best);
            self.ranked.push(rank_key(score, tie_of[doc as usize]));
        }
        if let Some((doc, score)) = pinned {
            self.ranked.push(rank_key(score, tie_of[doc as usize]));
        }
        &mut self.ranked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An establishment from one line: department, serial, name, town, postcode, académie, type.
    fn establishment(line: &str) -> IndexedEstablishment {
        let f: Vec<&str> = line.split('|').collect();
        let uai = Uai::from_parts(
            f[0].parse().expect("a department"),
            f[1].parse().expect("a serial"),
        );
        IndexedEstablishment {
            department: uai.department(),
            uai,
            name: f[2].into(),
            town: f[3].into(),
            postcode: f[4].into(),
            academie: f[5].into(),
            kind: EstablishmentKind::from_code(f[6]).expect("a type"),
        }
    }

    fn uai(text: &str) -> Uai {
        Uai::parse(text).expect("a valid UAI")
    }

    /// Real-looking establishments; 75|654 is the real Lycée Henri-IV, 0750654D.
    const FIXTURES: &[&str] = &[
        "75|654|LYCÉE HENRI-IV|PARIS|75005|Paris|lycee",
        "93|1|LYCÉE PROFESSIONNEL JEAN MOULIN|SAINT-DENIS|93200|Créteil|lycee",
        "94|2|LYCÉE GÉNÉRAL ET TECHNOLOGIQUE SAINT-EXUPÉRY|CRÉTEIL|94000|Créteil|lycee",
        "75|3|COLLÈGE VICTOR HUGO|PARIS|75003|Paris|college",
        "25|4|LYCÉE VICTOR HUGO|BESANÇON|25000|Besançon|lycee",
        "71|5|LYCÉE POLYVALENT LAMARTINE|MÂCON|71000|Dijon|lycee",
        "77|6|LYCÉE AGRICOLE DE LA BRIE|BRIE-COMTE-ROBERT|77170|Créteil|lycee",
        "93|7|ÉCOLE ÉLÉMENTAIRE DU CENTRE|SAINT-DENIS|93200|Créteil|ecole",
        "78|8|CIO DE VERSAILLES|VERSAILLES|78000|Versailles|cio",
        "92|9|LYCÉE PRIVÉ SAINTE-MARIE|ANTONY|92160|Versailles|lycee",
        "93|10|LYCÉE JEAN JAURÈS|MONTREUIL|93100|Créteil|lycee",
        "92|11|LYCÉE PASTEUR|NEUILLY-SUR-SEINE|92200|Versailles|lycee",
        "37|12|LYCÉE SAINT-DENIS|LOCHES|37600|Orléans-Tours|lycee",
        "77|13|LYCÉE PROFESSIONNEL ANDRÉ-MALRAUX|MONTEREAU-FAULT-YONNE|77130|Créteil|lycee",
    ];

    fn fixtures() -> Vec<IndexedEstablishment> {
        FIXTURES.iter().map(|line| establishment(line)).collect()
    }

    fn addresses() -> AddressRows {
        [
            (1, "ce.0750654D@ac-paris.fr"),
            (2, "Jean.Dupont@ac-creteil.fr"),
            (3, "jean.dupond@gmail.com"),
            (4, "secretariat.lamartine@ac-dijon.fr"),
        ]
        .into_iter()
        .collect()
    }

    fn index() -> SearchIndex {
        SearchIndex::build(fixtures(), &addresses())
    }

    /// The UAIs of the establishments found, best first.
    fn found(index: &SearchIndex, query: &str) -> Vec<String> {
        index
            .search(query, 10)
            .hits
            .into_iter()
            .filter_map(|hit| match hit {
                IndexHit::Establishment { uai, .. } => Some(uai.to_string()),
                IndexHit::Address { .. } => None,
            })
            .collect()
    }

    /// The name of the best establishment found, or "" when none.
    fn first(index: &SearchIndex, query: &str) -> String {
        let names: Vec<(String, String)> = fixtures()
            .into_iter()
            .map(|e| (e.uai.to_string(), e.name))
            .collect();
        found(index, query)
            .first()
            .and_then(|uai| names.iter().find(|(u, _)| u == uai))
            .map(|(_, name)| name.clone())
            .unwrap_or_default()
    }

    #[test]
    fn ignores_case_and_accents() {
        let index = index();
        for query in [
            "lycée lamartine mâcon",
            "LYCEE LAMARTINE MACON",
            "Lycee Lamartine Macon",
        ] {
            assert_eq!(
                first(&index, query),
                "LYCÉE POLYVALENT LAMARTINE",
                "{query}"
            );
        }
        assert_eq!(first(&index, "lycee jean jaures"), "LYCÉE JEAN JAURÈS");
    }

    #[test]
    fn ignores_hyphens_and_punctuation() {
        let index = index();
        for query in [
            "saint exupery",
            "saint-exupéry",
            "Saint-Exupéry, Créteil.",
            "henri iv",
            "henri-iv",
        ] {
            assert_ne!(first(&index, query), "", "{query}");
        }
        assert_eq!(
            first(&index, "saint exupery"),
            "LYCÉE GÉNÉRAL ET TECHNOLOGIQUE SAINT-EXUPÉRY"
        );
        assert_eq!(
            first(&index, "andre malraux"),
            "LYCÉE PROFESSIONNEL ANDRÉ-MALRAUX"
        );
        assert_eq!(first(&index, "lycée henri 4"), "LYCÉE HENRI-IV");
    }

    #[test]
    fn ignores_word_order() {
        let index = index();
        assert_eq!(
            first(&index, "macon lamartine lycee"),
            "LYCÉE POLYVALENT LAMARTINE"
        );
        assert_eq!(
            first(&index, "moulin jean saint-denis"),
            "LYCÉE PROFESSIONNEL JEAN MOULIN"
        );
    }

    #[test]
    fn understands_each_abbreviation() {
        let index = index();
        let cases = [
            ("lyc lamartine", "LYCÉE POLYVALENT LAMARTINE"),
            ("lp jean moulin", "LYCÉE PROFESSIONNEL JEAN MOULIN"),
            ("lycee pro jean moulin", "LYCÉE PROFESSIONNEL JEAN MOULIN"),
            (
                "lgt st exupery",
                "LYCÉE GÉNÉRAL ET TECHNOLOGIQUE SAINT-EXUPÉRY",
            ),
            ("gt creteil", "LYCÉE GÉNÉRAL ET TECHNOLOGIQUE SAINT-EXUPÉRY"),
            ("polyv macon", "LYCÉE POLYVALENT LAMARTINE"),
            ("clg victor hugo", "COLLÈGE VICTOR HUGO"),
            ("lycee victor hugo", "LYCÉE VICTOR HUGO"),
            ("ste marie antony", "LYCÉE PRIVÉ SAINTE-MARIE"),
            ("lycee agri brie", "LYCÉE AGRICOLE DE LA BRIE"),
            ("ecole saint denis", "ÉCOLE ÉLÉMENTAIRE DU CENTRE"),
            ("cio versailles", "CIO DE VERSAILLES"),
        ];
        for (query, name) in cases {
            assert_eq!(first(&index, query), name, "{query}");
        }
    }

    #[test]
    fn finds_a_name_from_some_of_its_words() {
        let index = index();
        assert_eq!(first(&index, "moulin"), "LYCÉE PROFESSIONNEL JEAN MOULIN");
        assert_eq!(
            first(&index, "lycée de la brie"),
            "LYCÉE AGRICOLE DE LA BRIE"
        );
    }

    #[test]
    fn tolerates_one_typo_in_words_of_four_to_seven_letters() {
        let index = index();
        assert_eq!(first(&index, "lycee pastuer"), "LYCÉE PASTEUR"); // swapped letters
        assert_eq!(first(&index, "lycee pasteru neuilly"), "LYCÉE PASTEUR");
        assert_eq!(first(&index, "jean jaurez"), "LYCÉE JEAN JAURÈS");
    }

    #[test]
    fn tolerates_two_typos_in_words_of_eight_letters_or_more() {
        let index = index();
        assert_eq!(first(&index, "lmaartinne"), "LYCÉE POLYVALENT LAMARTINE");
        assert_eq!(first(&index, "vesrailes cio"), "CIO DE VERSAILLES");
    }

    #[test]
    fn refuses_more_typos_than_the_word_allows() {
        let index = index();
        // Two typos in a 7-letter word, three in a 9-letter one, one in a 3-letter one.
        assert!(found(&index, "pzstuer ").is_empty());
        assert!(found(&index, "lomertini ").is_empty());
        assert!(found(&index, "ciu ").is_empty());
        assert!(!found(&index, "cio ").is_empty());
    }

    #[test]
    fn completes_the_last_word_being_typed() {
        let index = index();
        assert_eq!(first(&index, "lycee lamar"), "LYCÉE POLYVALENT LAMARTINE");
        assert_eq!(first(&index, "lamar"), "LYCÉE POLYVALENT LAMARTINE");
        // Once the word is finished (a space follows), it is no longer a prefix.
        assert!(found(&index, "lamar ").is_empty());
        // Only the last word: "lamar" before another word is not completed.
        assert!(found(&index, "lamar xyzw").is_empty());
    }

    #[test]
    fn ranks_exact_words_above_prefixes_above_typos() {
        let at = |serial| Uai::from_parts(75, serial);
        let index = SearchIndex::build(
            ["1|LYCÉE HUGA", "2|LYCÉE HUGON", "3|LYCÉE HUGO"]
                .map(|line| establishment(&format!("75|{line}|PARIS|75001|Paris|lycee"))),
            &AddressRows::default(),
        );
        assert_eq!(
            found(&index, "hugo"),
            [at(3), at(2), at(1)].map(|u| u.to_string())
        );
    }

    #[test]
    fn ranks_names_above_towns_and_more_matched_words_higher() {
        let index = index();
        let results = found(&index, "saint denis");
        assert_eq!(
            results[0],
            Uai::from_parts(37, 12).to_string(),
            "named Saint-Denis"
        );
        assert!(
            results.contains(&Uai::from_parts(93, 1).to_string()),
            "located in Saint-Denis"
        );
        assert_eq!(
            first(&index, "lycee saint denis moulin"),
            "LYCÉE PROFESSIONNEL JEAN MOULIN"
        );
    }

    #[test]
    fn finds_the_exact_uai_first() {
        let index = index();
        for query in ["0750654D", "0750654d", " 0750654D "] {
            let results = index.search(query, 10);
            assert_eq!(
                results.hits.first(),
                Some(&IndexHit::Establishment {
                    uai: uai("0750654D"),
                    score: UAI_EXACT
                }),
                "{query}"
            );
            assert_eq!(results.uai_correction, None);
        }
        // Words after the UAI do not push it down.
        assert_eq!(found(&index, "0750654D lamartine")[0], "0750654D");
    }

    #[test]
    fn corrects_a_wrong_check_letter() {
        let results = index().search("0750654E", 10);
        assert!(
            matches!(&results.hits[0], IndexHit::Establishment { uai: u, .. } if u.as_str() == "0750654D")
        );
        let correction = results.uai_correction.expect("a correction");
        assert_eq!(correction.typed, "0750654E");
        assert_eq!(correction.expected.as_str(), "0750654D");
        assert_eq!(correction.wrong_letter(), Some('E'));
        assert_eq!(correction.expected_letter(), 'D');
        assert!(correction.message().contains("«\u{a0}E\u{a0}» est fausse"));
    }

    #[test]
    fn completes_a_missing_check_letter() {
        let results = index().search("0750654", 10);
        assert!(
            matches!(&results.hits[0], IndexHit::Establishment { uai: u, .. } if u.as_str() == "0750654D")
        );
        let correction = results.uai_correction.expect("a correction");
        assert_eq!(correction.wrong_letter(), None);
        assert_eq!(correction.expected.as_str(), "0750654D");
    }

    #[test]
    fn finds_uais_being_typed() {
        let index = index();
        assert_eq!(found(&index, "075065"), ["0750654D"]);
        assert!(found(&index, "075065 ").is_empty());
    }

    #[test]
    fn finds_by_postcode_department_and_academie() {
        let index = index();
        let in_93200 = found(&index, "93200");
        let mut expected = vec![
            Uai::from_parts(93, 1).to_string(),
            Uai::from_parts(93, 7).to_string(),
        ];
        expected.sort();
        let mut got = in_93200.clone();
        got.sort();
        assert_eq!(got, expected);
        assert_eq!(
            first(&index, "lycee 93200"),
            "LYCÉE PROFESSIONNEL JEAN MOULIN"
        );
        // Créteil the town first, then the rest of the académie, nothing outside it.
        let creteil = found(&index, "creteil ");
        assert_eq!(creteil[0], Uai::from_parts(94, 2).to_string());
        assert_eq!(creteil.len(), 6);
        assert!(!creteil.contains(&"0750654D".to_string()));
        assert_eq!(
            found(&index, "versailles pasteur")[0],
            Uai::from_parts(92, 11).to_string()
        );
    }

    fn accounts(index: &SearchIndex, query: &str) -> Vec<i32> {
        index
            .search(query, 10)
            .hits
            .into_iter()
            .filter_map(|hit| match hit {
                IndexHit::Address { account_id, .. } => Some(account_id),
                IndexHit::Establishment { .. } => None,
            })
            .collect()
    }

    #[test]
    fn finds_addresses_by_prefix_of_the_whole_address() {
        let index = index();
        assert_eq!(accounts(&index, "jean.dupont@ac-cr"), [2]);
        assert_eq!(accounts(&index, "JEAN.DUPONT@AC-CRETEIL.FR"), [2]);
        assert_eq!(accounts(&index, "ce.0750654d@ac-paris.fr"), [1]);
        let hits = index.search("ce.0750654d@ac-paris.fr", 10).hits;
        assert_eq!(
            hits,
            [IndexHit::Address {
                account_id: 1,
                score: ADDRESS_EXACT
            }]
        );
    }

    #[test]
    fn finds_addresses_by_prefix_of_the_local_part() {
        let index = index();
        assert_eq!(accounts(&index, "jean.dup"), [3, 2]); // address order: dupond before dupont
        assert_eq!(accounts(&index, "Secretariat.Lam"), [4]);
        // An address-like query lists addresses first, a plain word lists them last.
        assert!(matches!(
            index.search("jean.dup", 10).hits[0],
            IndexHit::Address { .. }
        ));
        let hits = index.search("jean", 10).hits;
        assert!(matches!(hits.first(), Some(IndexHit::Establishment { .. })));
        assert!(matches!(
            hits.last(),
            Some(IndexHit::Address { account_id: 2, .. })
        ));
        assert!(accounts(&index, "dupont").is_empty());
    }

    #[test]
    fn updates_establishments_one_at_a_time() {
        let mut index = index();
        let new = establishment("95|42|LYCÉE CAMILLE CLAUDEL|VAURÉAL|95490|Versailles|lycee");
        assert!(found(&index, "claudel").is_empty());
        index.upsert_establishment(&new);
        assert_eq!(found(&index, "camille claudel"), [new.uai.to_string()]);
        assert_eq!(found(&index, "claud"), [new.uai.to_string()]);
        let renamed = IndexedEstablishment {
            name: "LYCÉE CAMILLE SAINT-SAËNS".into(),
            ..new.clone()
        };
        index.upsert_establishment(&renamed);
        assert!(found(&index, "claudel").is_empty());
        assert_eq!(found(&index, "saint saens")[0], new.uai.to_string());
        assert_eq!(index.establishment_count(), fixtures().len() + 1);
        assert!(index.remove_establishment(&new.uai));
        assert!(!index.remove_establishment(&new.uai));
        assert!(!found(&index, "saint saens").contains(&new.uai.to_string()));
        assert!(found(&index, &new.uai.to_string()).is_empty());
        // A freed slot is reused without mixing up the postings.
        index.upsert_establishment(&new);
        assert_eq!(found(&index, "claudel"), [new.uai.to_string()]);
        assert_eq!(first(&index, "lamartine"), "LYCÉE POLYVALENT LAMARTINE");
    }

    #[test]
    fn updates_addresses_one_at_a_time() {
        let mut index = index();
        index.upsert_address(&IndexedAddress {
            account_id: 9,
            email: "Proviseur@Lycee.fr".into(),
        });
        assert_eq!(accounts(&index, "proviseur@"), [9]);
        index.upsert_address(&IndexedAddress {
            account_id: 9,
            email: "direction@lycee.fr".into(),
        });
        assert!(accounts(&index, "proviseur@").is_empty());
        assert_eq!(accounts(&index, "direction@"), [9]);
        assert_eq!(index.address_count(), addresses().len() + 1);
        assert!(index.remove_address(9));
        assert!(!index.remove_address(9));
        assert!(accounts(&index, "direction@").is_empty());
    }

    #[test]
    fn breaks_ties_the_same_way_whatever_the_insertion_order() {
        let twins = |order: &[u32]| {
            SearchIndex::build(
                order.iter().map(|serial| {
                    establishment(&format!(
                        "60|{serial}|LYCÉE JEAN MONNET|VILLE {serial}|60000|Amiens|lycee"
                    ))
                }),
                &AddressRows::default(),
            )
        };
        let forward = twins(&[5, 1, 9, 3]);
        let backward = twins(&[3, 9, 1, 5]);
        let expected: Vec<String> = [1, 3, 5, 9]
            .map(|s| Uai::from_parts(60, s).to_string())
            .into();
        assert_eq!(found(&forward, "jean monnet"), expected);
        assert_eq!(
            forward.search("jean monnet", 10),
            backward.search("jean monnet", 10)
        );
        // Among equal matches a shorter name goes first, before alphabetical order.
        let mut index = twins(&[2]);
        index.upsert_establishment(&establishment(
            "60|1|ANNEXE DU LYCÉE JEAN MONNET|VILLE 2|60000|Amiens|lycee",
        ));
        assert_eq!(
            found(&index, "lycee jean monnet")[0],
            Uai::from_parts(60, 2).to_string()
        );
    }

    #[test]
    fn respects_the_limit_and_empty_queries() {
        let index = index();
        assert_eq!(index.search("lycee", 3).hits.len(), 3);
        assert!(index.search("lycee", 0).hits.is_empty());
        assert!(index.search("   ", 10).hits.is_empty());
        assert!(index.search("de la", 10).hits.is_empty());
    }

    #[test]
    fn is_shareable_between_threads_and_counts_itself() {
        fn shareable<T: Send + Sync>() {}
        shareable::<SearchIndex>();
        let index = index();
        assert_eq!(index.len(), fixtures().len() + addresses().len());
        assert!(index.memory_bytes() > 1_000);
        assert!(SearchIndex::default().is_empty());
    }
}
