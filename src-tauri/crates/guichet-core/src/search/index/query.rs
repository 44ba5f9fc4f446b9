//! Answering a query: the addresses it begins, the establishments its words reach exactly, by
//! prefix or with typos, the UAI it names; ranked best first.

use crate::model::uai::{Uai, UaiError};
use crate::search::addresses::{AddressMatch, fold_address};
use crate::search::normalise::{self, Query};

use super::scratch::{SCRATCH, Scratch};
use super::weights::{
    ADDRESS_AFTER, ADDRESS_EXACT, ADDRESS_FIRST, FIELD_WEIGHT, NAME, Quality, UAI_CORRECTED,
    UAI_EXACT, unrank,
};
use super::{IndexHit, SearchIndex, SearchResults, UaiCorrection, uai_number};

/// Shortest query that looks addresses up.
const MIN_ADDRESS_PREFIX: usize = 3;

impl SearchIndex {
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
}

fn score(hit: &IndexHit) -> u32 {
    match hit {
        IndexHit::Establishment { score, .. } | IndexHit::Address { score, .. } => *score,
    }
}
