//! The known addresses, grouped by domain, searched for a typed address and its near spellings.
//!
//! A diagnosis scans every address once, but most of them for a few machine words only: each
//! address keeps the character set (`mask`) and length of its local part's skeleton. In the
//! typed domain and its near domains, an address within `k` typos differs in at most `2k` bits
//! of the mask and `k` in length, and only those few get an edit distance; in the other
//! domains only an equal mask and length is worth a look (same local part elsewhere).

use std::collections::HashMap;

use crate::arena::{Span, TextArena};
use crate::model::uai::Uai;

use super::distance;
use super::syntax::{mask, skeleton, split_stored};

/// Most typos a near match may have, domain and local part together.
pub(super) const MAX_TYPOS: usize = 2;
/// Most near matches and same-local-part matches kept, best first.
const MAX_NEAR: usize = 10;
const MAX_OTHER_DOMAIN: usize = 5;

/// Every known address, from `(account_id, email)` rows; updated one row at a time.
#[derive(Debug, Default)]
pub struct AddressBook {
    domains: Vec<Domain>,
    domain_ids: HashMap<Box<str>, u32>,
    places: HashMap<i32, Place>,
    /// The addresses as stored, trimmed, end to end.
    emails: TextArena,
}

#[derive(Debug)]
struct Domain {
    /// Lower case, as the addresses compare.
    name: Box<str>,
    members: Vec<Member>,
}

#[derive(Debug)]
struct Member {
    mask: u64,
    skeleton_len: u32,
    account_id: i32,
    /// As stored, trimmed, in the book's `emails`.
    email: Span,
}

#[derive(Debug, Clone, Copy)]
struct Place {
    domain: u32,
    slot: u32,
}

/// A typed address in the forms the book compares.
#[derive(Debug)]
pub(super) struct Query {
    /// Lower case.
    pub local: String,
    pub domain: String,
    skeleton: String,
    skeleton_len: usize,
    mask: u64,
    /// The skeleton is a UAI whose check letter verifies: addresses naming another valid UAI
    /// are other establishments, not typos.
    names_valid_uai: bool,
}

impl Query {
    pub(super) fn new(local: &str, domain: &str) -> Query {
        let local = local.to_lowercase();
        let mut skel = String::new();
        skeleton(&local, &mut skel);
        Query {
            skeleton_len: skel.chars().count(),
            mask: mask(&skel),
            names_valid_uai: Uai::parse(&skel).is_ok(),
            skeleton: skel,
            local,
            domain: domain.to_lowercase(),
        }
    }

    pub(super) fn key(&self) -> String {
        format!("{}@{}", self.local, self.domain)
    }

    /// Typos allowed in the local part: none in a very short one, where any two strings are
    /// close.
    fn local_budget(&self) -> usize {
        match self.skeleton_len {
            0..=3 => 0,
            4..=5 => 1,
            _ => MAX_TYPOS,
        }
    }
}

/// A known address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Known {
    pub account_id: i32,
    pub email: String,
}

/// A known address close to the typed one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Close {
    pub known: Known,
    /// Typos once accents, separators and the `ce.` prefix are set aside, domain included.
    pub typos: usize,
    pub local_typos: usize,
    pub domain_typos: usize,
    /// The plain edit distance between the two addresses, to break ties.
    pub distance: usize,
    /// The known address's local part, lower case.
    pub local: String,
}

/// What the book holds about a typed address.
#[derive(Debug, Default)]
pub(super) struct Found {
    pub exact: Option<Known>,
    /// Best first.
    pub near: Vec<Close>,
    /// The same local part (skeleton) at a domain that is not near the typed one.
    pub other_domain: Vec<Known>,
    /// How many addresses the typed domain holds.
    pub domain_size: usize,
    /// The nearest other known domain, the most used first among equals.
    pub closest_domain: Option<String>,
}

impl AddressBook {
    pub fn new() -> AddressBook {
        AddressBook::default()
    }

    /// Builds from all rows at once; a repeated account keeps its last address.
    pub fn build<S: AsRef<str>>(rows: impl IntoIterator<Item = (i32, S)>) -> AddressBook {
        let mut book = AddressBook::new();
        for (account_id, email) in rows {
            book.upsert(account_id, email.as_ref());
        }
        book.emails.shrink_to_fit();
        book
    }

    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// Adds an account's address, or replaces it.
    pub fn upsert(&mut self, account_id: i32, email: &str) {
        let email = email.trim();
        if self.email(account_id) == Some(email) {
            return;
        }
        self.remove(account_id);
        let (local, domain) = split_stored(email);
        let domain_id = self.intern(domain);
        let mut skel = String::new();
        skeleton(&local, &mut skel);
        let email = self.emails.push(email);
        let members = &mut self.domains[domain_id as usize].members;
        let slot = u32::try_from(members.len()).expect("fewer than 4 billion addresses");
        members.push(Member {
            mask: mask(&skel),
            skeleton_len: u32::try_from(skel.chars().count()).unwrap_or(u32::MAX),
            account_id,
            email,
        });
        self.places.insert(
            account_id,
            Place {
                domain: domain_id,
                slot,
            },
        );
    }

    /// Forgets an account's address; false when it was not there.
    pub fn remove(&mut self, account_id: i32) -> bool {
        let Some(place) = self.places.remove(&account_id) else {
            return false;
        };
        let members = &mut self.domains[place.domain as usize].members;
        let gone = members.swap_remove(place.slot as usize);
        if let Some(moved) = members.get(place.slot as usize) {
            self.places.insert(moved.account_id, place);
        }
        if self.emails.forget(gone.email) {
            let live = self.domains.iter_mut().flat_map(|d| &mut d.members);
            self.emails.compact(live.map(|m| &mut m.email));
        }
        true
    }

    /// The address of an account.
    pub fn email(&self, account_id: i32) -> Option<&str> {
        let place = self.places.get(&account_id)?;
        let member = &self.domains[place.domain as usize].members[place.slot as usize];
        Some(self.emails.get(member.email))
    }

    fn intern(&mut self, domain: String) -> u32 {
        if let Some(&id) = self.domain_ids.get(domain.as_str()) {
            return id;
        }
        let id = u32::try_from(self.domains.len()).expect("fewer than 4 billion domains");
        let name: Box<str> = domain.into();
        self.domain_ids.insert(name.clone(), id);
        self.domains.push(Domain {
            name,
            members: Vec::new(),
        });
        id
    }

    /// The account holding exactly this address (ignoring case).
    pub(super) fn find(&self, query: &Query) -> Option<Known> {
        let id = *self.domain_ids.get(query.domain.as_str())?;
        let mut scratch = Scratch::default();
        self.domains[id as usize]
            .members
            .iter()
            .filter(|m| m.mask == query.mask && m.skeleton_len as usize == query.skeleton_len)
            .find(|m| scratch.read(self.emails.get(m.email)) && scratch.local == query.local)
            .map(|m| self.known(m))
    }

    /// Everything the book holds about a typed address.
    pub(super) fn search(&self, query: &Query) -> Found {
        let mut found = Found::default();
        let mut scratch = Scratch::default();
        let local_budget = query.local_budget();
        // (typos, addresses, name) of the nearest other domain.
        let mut closest: Option<(usize, std::cmp::Reverse<usize>, &str)> = None;
        for domain in &self.domains {
            if domain.members.is_empty() {
                continue;
            }
            let domain_typos = if *domain.name == query.domain {
                found.domain_size = domain.members.len();
                Some(0)
            } else {
                distance::domains(&query.domain, &domain.name, MAX_TYPOS)
            };
            let Some(domain_typos) = domain_typos else {
                // Far domains: the same local part only.
                for m in &domain.members {
                    if m.mask == query.mask
                        && m.skeleton_len as usize == query.skeleton_len
                        && scratch.read(self.emails.get(m.email))
                        && scratch.skeleton == query.skeleton
                    {
                        found.other_domain.push(self.known(m));
                    }
                }
                continue;
            };
            if domain_typos > 0 {
                let candidate = (
                    domain_typos,
                    std::cmp::Reverse(domain.members.len()),
                    &*domain.name,
                );
                if closest.is_none_or(|best| candidate < best) {
                    closest = Some(candidate);
                }
            }
            let allowed = local_budget.min(MAX_TYPOS - domain_typos);
            for m in &domain.members {
                if (m.skeleton_len as usize).abs_diff(query.skeleton_len) > allowed
                    || (m.mask ^ query.mask).count_ones() as usize > 2 * allowed
                    || !scratch.read(self.emails.get(m.email))
                {
                    continue;
                }
                let Some(local_typos) =
                    distance::within(&query.skeleton, &scratch.skeleton, allowed)
                else {
                    continue;
                };
                if domain_typos == 0 && scratch.local == query.local {
                    found.exact = Some(self.known(m));
                    continue;
                }
                if local_typos > 0 && query.names_valid_uai && Uai::parse(&scratch.skeleton).is_ok()
                {
                    continue;
                }
                let key = format!("{}@{}", scratch.local, domain.name);
                found.near.push(Close {
                    known: self.known(m),
                    typos: local_typos + domain_typos,
                    local_typos,
                    domain_typos,
                    distance: distance::between(&query.key(), &key),
                    local: scratch.local.clone(),
                });
            }
        }
        found.near.sort_by(|a, b| {
            (a.typos, a.distance, &a.known.email).cmp(&(b.typos, b.distance, &b.known.email))
        });
        found.near.truncate(MAX_NEAR);
        found.other_domain.sort_by(|a, b| a.email.cmp(&b.email));
        found.other_domain.truncate(MAX_OTHER_DOMAIN);
        found.closest_domain = closest.map(|(_, _, name)| name.to_string());
        found
    }

    fn known(&self, member: &Member) -> Known {
        Known {
            account_id: member.account_id,
            email: self.emails.get(member.email).to_string(),
        }
    }

    /// Rough heap size, for benchmarks.
    pub fn memory_bytes(&self) -> usize {
        let members: usize = self
            .domains
            .iter()
            .map(|d| d.members.capacity() * size_of::<Member>() + d.name.len())
            .sum();
        members
            + self.emails.capacity()
            + self.places.capacity() * (size_of::<i32>() + size_of::<Place>() + 1)
            + self.domain_ids.capacity() * (size_of::<(Box<str>, u32)>() + 1)
    }
}

/// Buffers for a stored address's lower-case local part and skeleton, reused across a scan.
#[derive(Debug, Default)]
struct Scratch {
    local: String,
    skeleton: String,
}

impl Scratch {
    /// Reads a stored address's local part; always true, to chain in filters.
    fn read(&mut self, email: &str) -> bool {
        let local = email.rsplit_once('@').map_or(email, |(local, _)| local);
        self.local.clear();
        if local.is_ascii() {
            self.local
                .extend(local.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            self.local
                .extend(local.chars().flat_map(char::to_lowercase));
        }
        skeleton(&self.local, &mut self.skeleton);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> AddressBook {
        AddressBook::build([
            (1, "Jean.Dupont@gmail.com".to_string()),
            (2, "jean.dupond@gmail.com".to_string()),
            (3, "jean.dupont@orange.fr".to_string()),
            (4, "marie.curie@gmail.com".to_string()),
        ])
    }

    fn ids(found: &[Close]) -> Vec<i32> {
        found.iter().map(|c| c.known.account_id).collect()
    }

    #[test]
    fn finds_exact_near_and_other_domain_in_one_scan() {
        let found = book().search(&Query::new("JEAN.DUPONT", "gmail.com"));
        assert_eq!(found.exact.map(|k| k.account_id), Some(1));
        assert_eq!(ids(&found.near), [2]);
        assert_eq!(
            found
                .other_domain
                .iter()
                .map(|k| k.account_id)
                .collect::<Vec<_>>(),
            [3]
        );
        assert_eq!(found.domain_size, 3);
    }

    #[test]
    fn upsert_replaces_and_remove_forgets() {
        let mut book = book();
        book.upsert(2, "paul.martin@gmail.com");
        book.upsert(2, "paul.martin@gmail.com");
        assert_eq!(book.len(), 4);
        assert_eq!(book.email(2), Some("paul.martin@gmail.com"));
        let query = Query::new("jean.dupont", "gmail.com");
        assert!(book.search(&query).near.is_empty());
        // Removing the first of a domain moves the last into its slot: it must stay findable.
        assert!(book.remove(1));
        assert!(!book.remove(1));
        assert_eq!(book.email(2), Some("paul.martin@gmail.com"));
        assert_eq!(
            book.find(&Query::new("paul.martin", "GMAIL.COM"))
                .map(|k| k.account_id),
            Some(2)
        );
        assert_eq!(book.find(&query), None);
        assert_eq!(book.len(), 3);
    }

    #[test]
    fn replaced_addresses_are_compacted_away_and_the_others_stay_findable() {
        let academy = |i: i32| if i % 2 == 0 { "creteil" } else { "versailles" };
        let address = |round: i32, i: i32| format!("r{round}.Agent{i:04}@ac-{}.fr", academy(i));
        let mut book =
            AddressBook::build((0..2000).map(|i| (i, format!("agent{i:04}@ac-paris.fr"))));
        for round in 0..40 {
            for i in 0..2000 {
                book.upsert(i, &address(round, i));
            }
        }
        assert_eq!(book.len(), 2000);
        // 40 rounds of 2,000 addresses were written; only the last round is kept.
        let last_round: usize = (0..2000).map(|i| address(39, i).len()).sum();
        assert!(
            book.emails.len() < 2 * last_round + (1 << 16),
            "{}",
            book.emails.len()
        );
        for i in [0, 1, 1000, 1999] {
            assert_eq!(book.email(i), Some(address(39, i).as_str()));
        }
        let found =
            |local: &str, domain: &str| book.find(&Query::new(local, domain)).map(|k| k.account_id);
        assert_eq!(found("R39.AGENT1999", "ac-versailles.fr"), Some(1999));
        assert_eq!(found("r39.agent1998", "ac-creteil.fr"), Some(1998));
        assert_eq!(found("agent0001", "ac-paris.fr"), None);
        assert_eq!(found("r38.agent0001", "ac-versailles.fr"), None);
    }
}
