//! Addresses in lower case, sorted, so that a prefix is a binary search and a short scan.
//!
//! A million addresses live in one text buffer (no allocation each), with two sorted vectors
//! of spans: by text for searching, by account for updates. Updating leaves the old text behind;
//! the buffer is compacted when more than half of it is garbage.

use std::cmp::Ordering;

use crate::arena::{Span, TextArena};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    span: Span,
    account_id: i32,
}

/// Every `(account id, address)` row the index is built from, the addresses end to end in one
/// buffer: read from the database and dropped once the index is built, without a million
/// allocations left behind in the allocator's free lists.
#[derive(Debug, Default)]
pub struct AddressRows {
    text: TextArena,
    rows: Vec<(i32, Span)>,
}

impl AddressRows {
    pub fn push(&mut self, account_id: i32, email: &str) {
        let span = self.text.push(email);
        self.rows.push((account_id, span));
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (i32, &str)> {
        self.rows
            .iter()
            .map(|&(account_id, span)| (account_id, self.text.get(span)))
    }
}

impl<'a> FromIterator<(i32, &'a str)> for AddressRows {
    fn from_iter<T: IntoIterator<Item = (i32, &'a str)>>(rows: T) -> AddressRows {
        let mut all = AddressRows::default();
        for (account_id, email) in rows {
            all.push(account_id, email);
        }
        all
    }
}

#[derive(Debug, Default)]
pub struct AddressIndex {
    text: TextArena,
    /// By address, then account id.
    by_text: Vec<Entry>,
    /// By account id.
    by_account: Vec<Entry>,
}

/// How an address matches a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressMatch {
    Exact,
    Prefix,
}

/// The form addresses are compared in: trimmed, lower case (the database's `lower(email)`).
pub fn fold_address(address: &str) -> String {
    address.trim().to_lowercase()
}

impl AddressIndex {
    /// Builds from many addresses at once: one sort instead of a million insertions.
    pub fn build<'a>(addresses: impl IntoIterator<Item = (i32, &'a str)>) -> AddressIndex {
        let mut index = AddressIndex::default();
        let mut entries = Vec::new();
        for (account_id, email) in addresses {
            let span = index.text.push(&fold_address(email));
            entries.push(Entry { span, account_id });
        }
        // The last address of an account wins, as with repeated upserts.
        entries.reverse();
        entries.sort_by_key(|e| e.account_id);
        entries.dedup_by_key(|e| e.account_id);
        let live = entries.iter().map(|e| index.get(e.span).len()).sum();
        index.text.set_live(live);
        index.by_account = entries.clone();
        entries.sort_unstable_by(|a, b| index.compare(a, b));
        index.by_text = entries;
        index.text.shrink_to_fit();
        index
    }

    pub fn len(&self) -> usize {
        self.by_account.len()
    }

    fn get(&self, span: Span) -> &str {
        self.text.get(span)
    }

    fn compare(&self, a: &Entry, b: &Entry) -> Ordering {
        self.get(a.span)
            .cmp(self.get(b.span))
            .then(a.account_id.cmp(&b.account_id))
    }

    pub fn upsert(&mut self, account_id: i32, email: &str) {
        let folded = fold_address(email);
        let found = self
            .by_account
            .binary_search_by_key(&account_id, |e| e.account_id);
        if let Ok(at) = found
            && self.get(self.by_account[at].span) == folded
        {
            return;
        }
        let entry = Entry {
            span: self.text.push(&folded),
            account_id,
        };
        let to = self
            .by_text
            .partition_point(|e| self.compare(e, &entry) == Ordering::Less);
        match found {
            // A changed address: one shift of the entries between its old and new places.
            Ok(at) => {
                let old = std::mem::replace(&mut self.by_account[at], entry);
                let from = self.text_position(&old);
                if from < to {
                    self.by_text[from..to].rotate_left(1);
                    self.by_text[to - 1] = entry;
                } else {
                    self.by_text[to..=from].rotate_right(1);
                    self.by_text[to] = entry;
                }
                self.forget_text(old.span);
            }
            Err(at) => {
                self.by_account.insert(at, entry);
                self.by_text.insert(to, entry);
            }
        }
    }

    pub fn remove(&mut self, account_id: i32) -> bool {
        let Ok(at) = self
            .by_account
            .binary_search_by_key(&account_id, |e| e.account_id)
        else {
            return false;
        };
        let entry = self.by_account.remove(at);
        let at = self.text_position(&entry);
        self.by_text.remove(at);
        self.forget_text(entry.span);
        true
    }

    /// Where an indexed entry sits in `by_text`.
    fn text_position(&self, entry: &Entry) -> usize {
        self.by_text
            .binary_search_by(|e| self.compare(e, entry))
            .expect("both orders hold the same entries")
    }

    fn forget_text(&mut self, span: Span) {
        if self.text.forget(span) {
            self.compact();
        }
    }

    /// Copies the live addresses into a new buffer, in text order.
    fn compact(&mut self) {
        self.text
            .compact(self.by_text.iter_mut().map(|entry| &mut entry.span));
        self.by_account = self.by_text.clone();
        self.by_account.sort_unstable_by_key(|e| e.account_id);
    }

    /// Accounts whose address starts with `prefix` (already folded), in address order, the exact
    /// address first; at most `limit`.
    pub fn with_prefix(&self, prefix: &str, limit: usize, out: &mut Vec<(i32, AddressMatch)>) {
        let start = self.by_text.partition_point(|e| self.get(e.span) < prefix);
        for entry in self.by_text[start..].iter().take(limit) {
            let address = self.get(entry.span);
            if !address.starts_with(prefix) {
                break;
            }
            let kind = if address.len() == prefix.len() {
                AddressMatch::Exact
            } else {
                AddressMatch::Prefix
            };
            out.push((entry.account_id, kind));
        }
    }

    pub fn memory_bytes(&self) -> usize {
        self.text.capacity()
            + (self.by_text.capacity() + self.by_account.capacity()) * size_of::<Entry>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefix(index: &AddressIndex, prefix: &str) -> Vec<(i32, AddressMatch)> {
        let mut out = Vec::new();
        index.with_prefix(&fold_address(prefix), 10, &mut out);
        out
    }

    #[test]
    fn finds_by_prefix_in_address_order_whatever_the_case() {
        let index = AddressIndex::build([
            (3, "Jean.Dupont@gmail.com"),
            (1, "jean.dupont@ac-paris.fr"),
            (2, "jeanne@free.fr"),
        ]);
        assert_eq!(
            prefix(&index, "JEAN.D"),
            [(1, AddressMatch::Prefix), (3, AddressMatch::Prefix)]
        );
        assert_eq!(prefix(&index, "jeanne@free.fr"), [(2, AddressMatch::Exact)]);
        assert!(prefix(&index, "paul").is_empty());
    }

    #[test]
    fn updates_in_place_and_compacts_its_buffer() {
        let first: Vec<String> = (0..1000).map(|i| format!("user{i:04}@x.fr")).collect();
        let mut index = AddressIndex::build((0..).zip(first.iter().map(String::as_str)));
        for round in 0..200 {
            for i in 0..1000 {
                index.upsert(i, &format!("r{round}.user{i:04}@x.fr"));
            }
        }
        assert_eq!(index.len(), 1000);
        // Addresses moved both ways ("r10." sorts before "r9."): both orders are still right.
        let sorted = |entries: &[Entry], order: &dyn Fn(&Entry, &Entry) -> Ordering| {
            entries
                .windows(2)
                .all(|w| order(&w[0], &w[1]) == Ordering::Less)
        };
        assert!(sorted(&index.by_text, &|a, b| index.compare(a, b)));
        assert!(sorted(&index.by_account, &|a, b| a
            .account_id
            .cmp(&b.account_id)));
        assert_eq!(index.by_text.len(), index.by_account.len());
        assert!(index.text.len() < 2 * 1000 * "r199.user0000@x.fr".len() + (1 << 16));
        assert_eq!(
            prefix(&index, "r199.user0999"),
            [(999, AddressMatch::Prefix)]
        );
        assert!(prefix(&index, "user").is_empty());
        assert!(index.remove(999));
        assert!(!index.remove(999));
        assert!(prefix(&index, "r199.user0999").is_empty());
    }
}
