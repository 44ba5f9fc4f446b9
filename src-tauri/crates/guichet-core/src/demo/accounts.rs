//! The demo's accounts: addresses in the patterns establishments use, attached to one
//! establishment or several (or none), principals, and a mix of initialisation states.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use fake::locales::{Data, FR_FR};
use rand::RngExt;
use rand::seq::{IndexedRandom, SliceRandom};

use super::generator::{Generator, pick};
use super::names;
use crate::model::academie;
use crate::portal_time;
use crate::store::{NewAccount, NewAttachment, NewResetRequest};
use crate::text::slug;

/// How an account stands with its password; decides its rows in `reset_password_request`.
#[derive(Clone, Copy)]
enum State {
    Initialised,
    Never,
    Pending,
    Expired,
}

impl Generator {
    /// The functional `ce.<uai>` address of most establishments, then staff, functional and
    /// personal addresses until `count`, a few attached nowhere or to several establishments.
    pub(super) fn accounts(&mut self, count: usize) {
        let establishments = self.batch.establishments.len();
        let mut order: Vec<usize> = (0..establishments).collect();
        order.shuffle(&mut self.rng);
        let mut by_department: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, e) in self.batch.establishments.iter().enumerate() {
            by_department
                .entry(e.department.clone())
                .or_default()
                .push(index);
        }
        for &index in &order {
            if self.batch.accounts.len() >= count {
                return;
            }
            if self.rng.random_bool(0.9) {
                let e = &self.batch.establishments[index];
                let email = format!(
                    "ce.{}@{}",
                    e.uai.as_str().to_lowercase(),
                    self.domain_of(index)
                );
                let id = self.account(email);
                self.attach(index, id);
                if self.rng.random_bool(0.88) {
                    self.make_principal(index, id);
                }
            }
        }
        while self.batch.accounts.len() < count {
            let index = self.rng.random_range(0..establishments);
            let email = self.other_address(index);
            let id = self.account(email);
            let roll = self.rng.random_range(0..100);
            if roll < 4 {
                continue; // added once, attached nowhere: the "known but attached to nothing" case
            }
            self.attach(index, id);
            if roll >= 94 {
                let department = &self.batch.establishments[index].department;
                let neighbours = &by_department[department];
                let mut others: Vec<usize> = (0..self.rng.random_range(1..=2))
                    .map(|_| neighbours[self.rng.random_range(0..neighbours.len())])
                    .filter(|&other| other != index)
                    .collect();
                others.dedup();
                for other in others {
                    self.attach(other, id);
                }
            }
            if !self.has_principal.contains(&index) && self.rng.random_bool(0.5) {
                self.make_principal(index, id);
            }
        }
    }

    fn domain_of(&self, index: usize) -> String {
        academie::by_name(&self.batch.establishments[index].academie)
            .map(|a| a.domain.clone())
            .unwrap_or_else(|| "education.gouv.fr".into())
    }

    fn other_address(&mut self, index: usize) -> String {
        let first = slug(pick(&mut self.rng, FR_FR::NAME_FIRST_NAME), '-');
        let last = slug(pick(&mut self.rng, FR_FR::NAME_LAST_NAME), '-');
        match self.rng.random_range(0..100) {
            0..40 => format!("{first}.{last}@{}", self.domain_of(index)),
            40..52 => {
                let function = pick(&mut self.rng, names::FUNCTIONS);
                let words: Vec<&str> = self.batch.establishments[index]
                    .name
                    .split_whitespace()
                    .collect();
                let name = slug(&words[words.len().saturating_sub(2)..].join(" "), '-');
                let domain = if self.rng.random_bool(0.5) {
                    self.domain_of(index)
                } else {
                    self.provider()
                };
                format!("{function}.{name}@{domain}")
            }
            roll => {
                let provider = self.provider();
                let initial = first.chars().next().unwrap_or('x');
                match roll % 5 {
                    0 => format!("{first}.{last}@{provider}"),
                    1 => format!("{last}.{first}@{provider}"),
                    2 => format!("{initial}{last}@{provider}"),
                    3 => format!("{first}{last}{}@{provider}", self.rng.random_range(1..100)),
                    _ => format!("{first}_{last}@{provider}"),
                }
            }
        }
    }

    fn provider(&mut self) -> String {
        names::PROVIDERS
            .choose_weighted(&mut self.rng, |(_, weight)| *weight)
            .map(|(domain, _)| domain.to_string())
            .unwrap_or_else(|_| "gmail.com".into())
    }

    /// Adds an account with a unique address and a random state; returns its id.
    fn account(&mut self, email: String) -> i32 {
        let email = self.unique(email);
        let id = i32::try_from(self.batch.accounts.len() + 1).unwrap_or(i32::MAX);
        let created_at = self.now - Duration::days(self.rng.random_range(30..1100));
        let state = match self.rng.random_range(0..100) {
            0..55 => State::Initialised,
            55..90 => State::Never,
            90..95 => State::Pending,
            _ => State::Expired,
        };
        let mut account = NewAccount {
            id,
            email,
            password: None,
            password_changed_at: None,
            created_at,
        };
        match state {
            State::Initialised => {
                let age = (self.now - created_at).num_seconds();
                account.password_changed_at =
                    Some(created_at + Duration::seconds(self.rng.random_range(0..age)));
                account.password = Some(self.portal_hash());
                self.report.initialised += 1;
            }
            State::Never => self.report.never_initialised += 1,
            State::Pending => {
                let requested = self.now - Duration::seconds(self.rng.random_range(60..3_000));
                self.reset_request(id, requested);
                self.report.link_pending += 1;
            }
            State::Expired => {
                let requested =
                    self.now - Duration::seconds(self.rng.random_range(3_700..6 * 86_400));
                self.reset_request(id, requested);
                self.report.link_expired += 1;
            }
        }
        self.batch.accounts.push(account);
        id
    }

    fn unique(&mut self, email: String) -> String {
        let (local, domain) = email.split_once('@').unwrap_or((&email, "exemple.fr"));
        let mut candidate = email.clone();
        let mut n = 2;
        while !self.taken_emails.insert(candidate.to_lowercase()) {
            candidate = format!("{local}{n}@{domain}");
            n += 1;
        }
        candidate
    }

    fn reset_request(&mut self, user_id: i32, requested: DateTime<Utc>) {
        let expires = requested + Duration::hours(1);
        let selector = self.random_text(ALPHANUMERIC, 20);
        // A random stand-in: demo links were never e-mailed, so nobody holds their verifier.
        let hashed_token = format!("{}=", self.random_text(BASE64, 43));
        self.batch.reset_requests.push(NewResetRequest {
            user_id,
            selector,
            hashed_token,
            requested_at: portal_time::to_portal(self.tz, requested),
            expires_at: portal_time::to_portal(self.tz, expires),
        });
    }

    /// A hash in the portal's bcrypt format that no password matches.
    fn portal_hash(&mut self) -> String {
        format!("$2y$13${}", self.random_text(BCRYPT, 53))
    }

    fn random_text(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| alphabet[self.rng.random_range(0..alphabet.len())] as char)
            .collect()
    }

    fn attach(&mut self, index: usize, account_id: i32) {
        let uai = self.batch.establishments[index].uai.clone();
        let created = self.batch.accounts[account_id as usize - 1].created_at;
        let attached_at = created + Duration::seconds(self.rng.random_range(0..86_400));
        self.batch.attachments.push(NewAttachment {
            uai,
            account_id,
            attached_at,
        });
    }

    fn make_principal(&mut self, index: usize, account_id: i32) {
        if self.has_principal.insert(index) {
            self.batch
                .principals
                .push((self.batch.establishments[index].uai.clone(), account_id));
        }
    }
}

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BCRYPT: &[u8] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
