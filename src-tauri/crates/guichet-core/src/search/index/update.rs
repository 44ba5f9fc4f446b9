//! Indexing one establishment: its words as postings with the fields they were found in, its
//! place in the tie order; and taking them out again.

use std::cmp::Ordering;

use crate::model::establishment::EstablishmentKind;
use crate::search::normalise;
use crate::text::slug;

use super::weights::{ACADEMIE, DEPARTMENT, KIND, NAME, POSTCODE, TOWN};
use super::{Doc, IndexedEstablishment, MAX_DOCS, Posting, SearchIndex, uai_number};

impl SearchIndex {
    pub(super) fn insert(&mut self, e: &IndexedEstablishment, keep_sorted: bool) {
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
    pub(super) fn unlink(&mut self, doc: u32) {
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
    pub(super) fn renumber_ties(&mut self, from: usize) {
        for (tie, &doc) in self.ties.iter().enumerate().skip(from) {
            self.tie_of[doc as usize] = tie as u32;
        }
    }
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
