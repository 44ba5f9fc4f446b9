//! The distinct words of the index: ids, a sorted order for prefixes, and trigrams for typos.
//!
//! The vocabulary is small (tens of thousands of words even at 100,000 establishments), so a
//! typo lookup counts the trigrams a word shares with the query, keeps the words that share
//! enough to be within the allowed distance, and checks those with an edit distance.

use std::collections::HashMap;

/// Longest word an edit distance is computed for; longer words only match exactly or by prefix.
const MAX_TYPO_LEN: usize = 40;

#[derive(Debug, Default)]
pub struct Vocabulary {
    words: Vec<Box<str>>,
    ids: HashMap<Box<str>, u32>,
    /// Word ids in the order of their text, for prefix ranges.
    sorted: Vec<u32>,
    /// Trigram (of the word padded with two zero bytes each side) → ids of the words holding it.
    /// Only words of letters of 3 bytes or more: typos are never sought in numbers.
    grams: HashMap<u32, Vec<u32>>,
    /// Distinct trigrams per word, 0 for words without trigram entries.
    gram_counts: Vec<u8>,
}

/// Per-query counters of shared trigrams: generation (upper 24 bits) and count (lower 8), so
/// that an entry of an older generation counts as zero without resetting the array.
#[derive(Debug, Default)]
pub struct TypoScratch {
    generation: u32,
    marks: Vec<u32>,
    touched: Vec<u32>,
    grams: Vec<u32>,
}

impl Vocabulary {
    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn id(&self, word: &str) -> Option<u32> {
        self.ids.get(word).copied()
    }

    pub fn text(&self, id: u32) -> &str {
        &self.words[id as usize]
    }

    /// The id of a word, added when new. `keep_sorted` false defers the prefix order to
    /// [`Vocabulary::sort`], for bulk loads.
    pub fn intern(&mut self, word: &str, keep_sorted: bool) -> u32 {
        if let Some(id) = self.id(word) {
            return id;
        }
        let id = u32::try_from(self.words.len()).expect("fewer than 4 billion words");
        let text: Box<str> = word.into();
        self.words.push(text.clone());
        self.ids.insert(text, id);
        if keep_sorted {
            let at = self.sorted.partition_point(|&w| self.text(w) < word);
            self.sorted.insert(at, id);
        } else {
            self.sorted.push(id);
        }
        let mut count = 0u8;
        if word.len() >= 3
            && word.len() <= MAX_TYPO_LEN
            && word.bytes().all(|b| b.is_ascii_alphabetic())
        {
            let mut grams = Vec::new();
            trigrams(word, &mut grams);
            for &gram in &grams {
                self.grams.entry(gram).or_default().push(id);
            }
            count = u8::try_from(grams.len()).unwrap_or(u8::MAX);
        }
        self.gram_counts.push(count);
        id
    }

    /// Puts the prefix order right after bulk [`Vocabulary::intern`] calls.
    pub fn sort(&mut self) {
        let words = &self.words;
        self.sorted
            .sort_unstable_by(|&a, &b| words[a as usize].cmp(&words[b as usize]));
    }

    /// Ids of the words starting with `prefix`, in text order.
    pub fn with_prefix(&self, prefix: &str) -> &[u32] {
        let start = self.sorted.partition_point(|&w| self.text(w) < prefix);
        let len = self.sorted[start..].partition_point(|&w| self.text(w).starts_with(prefix));
        &self.sorted[start..start + len]
    }

    /// Words within `max` typos of `word` (the word itself excluded), with their distance.
    pub fn typos(&self, word: &str, max: u8, scratch: &mut TypoScratch, out: &mut Vec<(u32, u8)>) {
        if max == 0 || word.len() > MAX_TYPO_LEN {
            return;
        }
        scratch.generation = (scratch.generation + 1) & 0xff_ffff;
        if scratch.generation == 0 {
            scratch.marks.fill(0);
            scratch.generation = 1;
        }
        if scratch.marks.len() < self.words.len() {
            scratch.marks.resize(self.words.len(), 0);
        }
        let generation = scratch.generation << 8;
        scratch.touched.clear();
        trigrams(word, &mut scratch.grams);
        let max_len = usize::from(max);
        // Each typo changes at most 4 distinct trigrams (a transposition; 3 for the others), so
        // a word within `max` typos shares at least max(|A|, |B|) - 4·max of them. The two
        // outer trigrams ("\0\0a", "z\0\0") hold the most words; leave them out of both sets
        // when the bound stays positive, so that every word worth checking is still counted.
        let skip_outer = scratch.grams.len() >= 4 * max_len + 3;
        let outer = usize::from(skip_outer) * 2;
        for &gram in &scratch.grams {
            if skip_outer && is_outer(gram) {
                continue;
            }
            let Some(ids) = self.grams.get(&gram) else {
                continue;
            };
            for &id in ids {
                let mark = &mut scratch.marks[id as usize];
                if *mark & !0xff != generation {
                    *mark = generation;
                    scratch.touched.push(id);
                }
                if *mark & 0xff != 0xff {
                    *mark += 1;
                }
            }
        }
        let query_grams = scratch.grams.len() - outer;
        for &id in &scratch.touched {
            let candidate = self.text(id);
            if candidate.len().abs_diff(word.len()) > max_len || candidate == word {
                continue;
            }
            let word_grams = usize::from(self.gram_counts[id as usize]).saturating_sub(outer);
            let needed = query_grams.max(word_grams).saturating_sub(4 * max_len);
            if ((scratch.marks[id as usize] & 0xff) as usize) < needed {
                continue;
            }
            if let Some(distance) = distance_within(word.as_bytes(), candidate.as_bytes(), max) {
                out.push((id, distance));
            }
        }
    }

    pub fn memory_bytes(&self) -> usize {
        let texts: usize = self.words.iter().map(|w| w.len()).sum();
        let grams: usize = self.grams.values().map(|v| v.capacity() * 4 + 32).sum();
        // Each text is held twice (by id and in the map); a map slot is about key + value + 1.
        2 * texts
            + self.words.capacity() * 16
            + self.ids.capacity() * (16 + 4 + 1)
            + self.sorted.capacity() * 4
            + grams
            + self.grams.capacity() * (4 + 24 + 1)
            + self.gram_counts.capacity()
    }
}

/// Whether a trigram is the first or the last of a padded word (two padding bytes).
fn is_outer(gram: u32) -> bool {
    gram >> 8 == 0 || gram & 0xffff == 0
}

/// The distinct trigrams of a word padded with two zero bytes each side, packed in a `u32`.
fn trigrams(word: &str, out: &mut Vec<u32>) {
    out.clear();
    let bytes = word.as_bytes();
    let at = |i: usize| -> u32 {
        // Positions 0 and 1 are the left padding; past the word, the right padding.
        if i < 2 || i - 2 >= bytes.len() {
            0
        } else {
            u32::from(bytes[i - 2])
        }
    };
    for start in 0..bytes.len() + 2 {
        out.push(at(start) << 16 | at(start + 1) << 8 | at(start + 2));
    }
    out.sort_unstable();
    out.dedup();
}

/// The optimal string alignment distance (substitutions, insertions, deletions and adjacent
/// transpositions each count 1) when it is at most `max`.
pub fn distance_within(a: &[u8], b: &[u8], max: u8) -> Option<u8> {
    let max = usize::from(max);
    if a.len().abs_diff(b.len()) > max || a.len() > MAX_TYPO_LEN || b.len() > MAX_TYPO_LEN {
        return None;
    }
    // Three rows of the dynamic programme: two back (for transpositions), previous, current.
    let mut rows = [[0u8; MAX_TYPO_LEN + 1]; 3];
    for (j, cell) in rows[1].iter_mut().enumerate().take(b.len() + 1) {
        *cell = j as u8;
    }
    for i in 1..=a.len() {
        let (older, rest) = rows.split_at_mut(1);
        let (previous, current) = rest.split_at_mut(1);
        let (older, previous, current) = (&older[0], &previous[0], &mut current[0]);
        current[0] = i as u8;
        let mut row_min = current[0];
        for j in 1..=b.len() {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j - 1] + cost)
                .min(previous[j] + 1)
                .min(current[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(older[j - 2] + 1);
            }
            current[j] = best;
            row_min = row_min.min(best);
        }
        if usize::from(row_min) > max {
            return None;
        }
        rows.rotate_left(1);
    }
    // After the last rotation the final row sits in the middle.
    let distance = rows[1][b.len()];
    (usize::from(distance) <= max).then_some(distance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_each_kind_of_typo_once() {
        assert_eq!(distance_within(b"hugo", b"hugo", 1), Some(0));
        assert_eq!(distance_within(b"hugo", b"hugu", 1), Some(1));
        assert_eq!(distance_within(b"hugo", b"hgo", 1), Some(1));
        assert_eq!(distance_within(b"hugo", b"hugoo", 1), Some(1));
        assert_eq!(distance_within(b"hugo", b"uhgo", 1), Some(1));
        assert_eq!(distance_within(b"lamartine", b"lamrtinne", 2), Some(2));
        assert_eq!(distance_within(b"lamartine", b"lmrtinne", 2), None);
        assert_eq!(distance_within(b"pasteur", b"pastuer", 1), Some(1));
        assert_eq!(distance_within(b"abc", b"xyz", 2), None);
    }

    #[test]
    fn finds_words_within_the_budget_only() {
        let mut vocab = Vocabulary::default();
        for word in [
            "lamartine",
            "lamarck",
            "martin",
            "hugo",
            "hugues",
            "75005",
            "lycee",
            "pasteur",
        ] {
            vocab.intern(word, true);
        }
        let mut scratch = TypoScratch::default();
        let mut found = |word: &str, max| {
            let mut out = Vec::new();
            vocab.typos(word, max, &mut scratch, &mut out);
            let mut words: Vec<_> = out.iter().map(|&(id, d)| (vocab.text(id), d)).collect();
            words.sort();
            words
        };
        assert_eq!(found("lamartinne", 2), [("lamartine", 1)]);
        assert_eq!(found("lamratien", 2), [("lamartine", 2)]);
        assert_eq!(found("hugi", 1), [("hugo", 1)]);
        assert_eq!(found("lyce", 1), [("lycee", 1)]);
        // Typos at either end, where the trigrams left out of the count sit.
        assert_eq!(found("xamartine", 2), [("lamartine", 1)]);
        assert_eq!(found("amartinex", 2), [("lamartine", 2)]);
        assert_eq!(found("oasteur", 1), [("pasteur", 1)]);
        assert_eq!(found("pasteut", 1), [("pasteur", 1)]);
        assert!(found("lmrtinne", 2).is_empty());
        assert!(found("75006", 1).is_empty());
    }

    #[test]
    fn prefixes_follow_text_order_even_after_bulk_loads() {
        let mut vocab = Vocabulary::default();
        for word in ["moulin", "monet", "mozart", "lycee", "moulins"] {
            vocab.intern(word, false);
        }
        vocab.sort();
        vocab.intern("moulinet", true);
        let texts: Vec<_> = vocab
            .with_prefix("mou")
            .iter()
            .map(|&id| vocab.text(id))
            .collect();
        assert_eq!(texts, ["moulin", "moulinet", "moulins"]);
        assert!(vocab.with_prefix("zz").is_empty());
    }
}
