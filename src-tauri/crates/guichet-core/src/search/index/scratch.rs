//! The per-thread accumulators a query fills, one per establishment it reaches, and the
//! ranking keys of those that matched the most query words.

use std::cell::RefCell;

use crate::search::normalise;
use crate::search::vocab::TypoScratch;

use super::weights::{PER_TERM, Quality, rank_key};

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
pub(super) struct Scratch {
    generation: u32,
    accs: Vec<Acc>,
    touched: Vec<u32>,
    pub(super) candidates: Vec<(u32, Quality)>,
    pub(super) typos: Vec<(u32, u8)>,
    pub(super) typo: TypoScratch,
    ranked: Vec<u64>,
}

thread_local! {
    pub(super) static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Scratch {
    pub(super) fn start(&mut self, docs: usize) {
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
    pub(super) fn feed(&mut self, doc: u32, term: u16, weight: u16) {
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
    pub(super) fn rank(
        &mut self,
        tie_of: &[u32],
        pinned: Option<(u32, u32)>,
        limit: usize,
    ) -> &mut Vec<u64> {
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
