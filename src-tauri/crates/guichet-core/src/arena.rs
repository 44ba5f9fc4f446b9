//! Many short strings in one buffer: a million addresses without a million allocations.
//!
//! A string is a `Span` of the buffer. Replacing or removing one leaves its bytes behind as
//! garbage; the owner compacts when more than half of the buffer is garbage.

/// Where a string sits in its arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    start: u32,
    len: u32,
}

#[derive(Debug, Default)]
pub(crate) struct TextArena {
    text: String,
    garbage: usize,
}

impl TextArena {
    pub(crate) fn push(&mut self, s: &str) -> Span {
        let start = u32::try_from(self.text.len()).expect("strings fit in 4 GB");
        self.text.push_str(s);
        Span {
            start,
            len: u32::try_from(s.len()).expect("a string fits in 4 GB"),
        }
    }

    pub(crate) fn get(&self, span: Span) -> &str {
        &self.text[span.start as usize..(span.start + span.len) as usize]
    }

    /// Marks a string as no longer used; true when the owner should compact now.
    #[must_use]
    pub(crate) fn forget(&mut self, span: Span) -> bool {
        self.garbage += span.len as usize;
        self.garbage > 1 << 16 && self.garbage > self.text.len() / 2
    }

    /// After a bulk load that pushed strings it then dropped: only `live` bytes are used.
    pub(crate) fn set_live(&mut self, live: usize) {
        self.garbage = self.text.len() - live;
    }

    /// Copies the strings still used, each `Span` given once, into a new buffer.
    pub(crate) fn compact<'a>(&mut self, live: impl IntoIterator<Item = &'a mut Span>) {
        let mut text = String::with_capacity(self.text.len() - self.garbage);
        for span in live {
            let start = text.len() as u32;
            text.push_str(self.get(*span));
            span.start = start;
        }
        self.text = text;
        self.garbage = 0;
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
    }

    /// Bytes in use or held, garbage included.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.text.len()
    }

    pub(crate) fn capacity(&self) -> usize {
        self.text.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_strings_and_compacts_away_the_forgotten_ones() {
        let mut arena = TextArena::default();
        let mut kept = Vec::new();
        let mut compactions = 0;
        for i in 0..20_000 {
            let span = arena.push(&format!("adresse{i:05}@ac-creteil.fr"));
            if i % 4 == 0 {
                kept.push((i, span));
            } else if arena.forget(span) {
                arena.compact(kept.iter_mut().map(|(_, span)| span));
                compactions += 1;
            }
        }
        assert!(compactions > 0);
        for (i, span) in &kept {
            assert_eq!(arena.get(*span), format!("adresse{i:05}@ac-creteil.fr"));
        }
        let live: usize = kept.iter().map(|(_, span)| span.len as usize).sum();
        assert!(
            arena.len() < 2 * live + (1 << 16),
            "{} for {live}",
            arena.len()
        );
    }

    #[test]
    fn a_bulk_load_counts_what_it_dropped() {
        let mut arena = TextArena::default();
        let first = arena.push("premier");
        let second = arena.push("second");
        arena.push(&"x".repeat(100_000));
        arena.set_live("premiersecond".len());
        // The 100,000 dropped bytes are garbage already: one more forgotten string compacts.
        assert!(arena.forget(second));
        let mut live = [first];
        arena.compact(live.iter_mut());
        assert_eq!(arena.get(live[0]), "premier");
        assert_eq!(arena.len(), "premier".len());
        let third = arena.push("troisième");
        assert!(!arena.forget(third));
    }
}
