//! Realistic demo data at any size: every real lycée (`data/lycees.tsv`), generated collèges,
//! écoles, CIO and EREA in real communes (`data/communes.tsv`), addresses in the patterns
//! establishments use, and a mix of initialisation states. The same seed and the same `now`
//! give the same rows.

mod names;
mod reference;

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use fake::locales::{Data, FR_FR};
use rand::distr::weighted::WeightedIndex;
use rand::rngs::ChaCha8Rng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{RngExt, SeedableRng};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::academie::{self, SIEC_ACADEMIES};
use crate::model::establishment::{EstablishmentKind, Sector};
use crate::model::uai::Uai;
use crate::portal_time;
use crate::store::{Batch, NewAccount, NewAttachment, NewEstablishment, NewResetRequest, Store};
use crate::text::slug;

use reference::Commune;

/// The most a demo may hold: beyond, generated UAIs would crowd the busiest departments.
pub const MAX_ESTABLISHMENTS: usize = 200_000;
pub const MAX_ACCOUNTS: usize = 2_000_000;

/// The size the app fills its embedded demo database with on first launch.
pub const DEFAULT_SIZE: DemoSize = DemoSize {
    establishments: 8_000,
    accounts: 20_000,
};
pub const DEFAULT_SEED: u64 = 2026;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSize {
    pub establishments: usize,
    pub accounts: usize,
}

/// What a demo load created, and how long it took.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DemoReport {
    pub seed: u64,
    pub establishments: usize,
    pub lycees: usize,
    pub colleges: usize,
    pub ecoles: usize,
    pub cio: usize,
    pub erea: usize,
    pub accounts: usize,
    pub attachments: usize,
    pub principals: usize,
    pub unattached_accounts: usize,
    pub initialised: usize,
    pub never_initialised: usize,
    pub link_pending: usize,
    pub link_expired: usize,
    pub generate_seconds: f64,
    pub insert_seconds: f64,
}

/// Fills an empty database with demo data, in one transaction.
pub async fn load(
    store: &Store,
    size: DemoSize,
    seed: u64,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<DemoReport> {
    if store.count_establishments().await? > 0 {
        return Err(Error::DatabaseNotEmpty);
    }
    let started = Instant::now();
    let (batch, mut report) = generate(size, seed, tz, now)?;
    report.generate_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    store.insert_batch(&batch, now).await?;
    report.insert_seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Generates the rows of a demo database without touching any database.
pub fn generate(
    size: DemoSize,
    seed: u64,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<(Batch, DemoReport)> {
    if size.establishments == 0 || size.establishments > MAX_ESTABLISHMENTS {
        return Err(Error::InvalidDemoSize(format!(
            "le nombre d’établissements doit être compris entre 1 et {MAX_ESTABLISHMENTS}"
        )));
    }
    if size.accounts > MAX_ACCOUNTS {
        return Err(Error::InvalidDemoSize(format!(
            "le nombre d’adresses ne peut dépasser {MAX_ACCOUNTS}"
        )));
    }
    let mut generator = Generator::new(seed, tz, now);
    generator.establishments(size.establishments);
    generator.accounts(size.accounts);
    Ok(generator.finish(seed))
}

struct Generator {
    rng: ChaCha8Rng,
    tz: Tz,
    now: DateTime<Utc>,
    batch: Batch,
    report: DemoReport,
    taken_uais: HashSet<Uai>,
    /// How many UAIs each department prefix already has.
    uais_per_prefix: HashMap<u32, usize>,
    taken_emails: HashSet<String>,
    has_principal: HashSet<usize>,
}

/// How an account stands with its password; decides its rows in `reset_password_request`.
#[derive(Clone, Copy)]
enum State {
    Initialised,
    Never,
    Pending,
    Expired,
}

impl Generator {
    fn new(seed: u64, tz: Tz, now: DateTime<Utc>) -> Self {
        Generator {
            rng: ChaCha8Rng::seed_from_u64(seed),
            tz,
            now,
            batch: Batch::default(),
            report: DemoReport::default(),
            taken_uais: HashSet::new(),
            uais_per_prefix: HashMap::new(),
            taken_emails: HashSet::new(),
            has_principal: HashSet::new(),
        }
    }

    fn finish(mut self, seed: u64) -> (Batch, DemoReport) {
        let attached: HashSet<i32> = self
            .batch
            .attachments
            .iter()
            .map(|a| a.account_id)
            .collect();
        self.report.seed = seed;
        self.report.establishments = self.batch.establishments.len();
        self.report.accounts = self.batch.accounts.len();
        self.report.attachments = self.batch.attachments.len();
        self.report.principals = self.batch.principals.len();
        self.report.unattached_accounts = self.batch.accounts.len() - attached.len();
        self.batch.demo_seed = Some(seed);
        (self.batch, self.report)
    }

    /// Every real lycée (a sample when fewer are asked), then generated establishments.
    fn establishments(&mut self, count: usize) {
        let mut lycees = reference::lycees();
        if count < lycees.len() {
            lycees.shuffle(&mut self.rng);
            lycees.truncate(count);
            lycees.sort_by(|a, b| a.uai.cmp(&b.uai));
        }
        for lycee in lycees {
            self.take_uai(&lycee.uai);
            self.batch.establishments.push(lycee);
            self.report.lycees += 1;
        }
        let remaining = count - self.batch.establishments.len();
        if remaining == 0 {
            return;
        }
        let places = Places::new();
        for _ in 0..remaining {
            let kind = match self.rng.random_range(0..1000) {
                0..220 => EstablishmentKind::College,
                220..228 => EstablishmentKind::Cio,
                228..230 => EstablishmentKind::Erea,
                _ => EstablishmentKind::Ecole,
            };
            let per_prefix = &self.uais_per_prefix;
            let commune = places.pick(&mut self.rng, |prefix| {
                per_prefix.get(&prefix).copied().unwrap_or(0) >= DEPARTMENT_CAPACITY
            });
            let establishment = self.generated(kind, commune);
            self.take_uai(&establishment.uai);
            self.batch.establishments.push(establishment);
            match kind {
                EstablishmentKind::College => self.report.colleges += 1,
                EstablishmentKind::Cio => self.report.cio += 1,
                EstablishmentKind::Erea => self.report.erea += 1,
                _ => self.report.ecoles += 1,
            }
        }
    }

    fn take_uai(&mut self, uai: &Uai) {
        self.taken_uais.insert(uai.clone());
        let prefix = uai.as_str()[..3].parse().unwrap_or(0);
        *self.uais_per_prefix.entry(prefix).or_default() += 1;
    }

    fn generated(&mut self, kind: EstablishmentKind, commune: &Commune) -> NewEstablishment {
        let prefix = department_prefix(commune.department);
        let uai = loop {
            let uai = Uai::from_parts(prefix, self.rng.random_range(0..10_000));
            if !self.taken_uais.contains(&uai) {
                break uai;
            }
        };
        let private = matches!(kind, EstablishmentKind::College | EstablishmentKind::Ecole)
            && self.rng.random_bool(0.15);
        let eponym = if private {
            pick(&mut self.rng, names::SAINTS)
        } else {
            pick(&mut self.rng, names::EPONYMS)
        };
        let name = match kind {
            EstablishmentKind::College if private => format!("COLLÈGE PRIVÉ {eponym}"),
            EstablishmentKind::College => format!("COLLÈGE {eponym}"),
            EstablishmentKind::Cio => format!("CIO DE {}", commune.name.to_uppercase()),
            EstablishmentKind::Erea => format!("EREA {eponym}"),
            _ => {
                let school = pick(&mut self.rng, names::ECOLE_KINDS);
                let named = if !private && self.rng.random_bool(0.3) {
                    pick(&mut self.rng, names::PLACES)
                } else {
                    eponym
                };
                if private {
                    format!("{school} PRIVÉE {named}")
                } else {
                    format!("{school} {named}")
                }
            }
        };
        NewEstablishment {
            uai,
            name,
            kind,
            sector: if private {
                Sector::Prive
            } else {
                Sector::Public
            },
            postcode: commune.postcode.to_string(),
            town: commune.name.to_string(),
            department: commune.department.to_string(),
            academie: academie::by_department(commune.department)
                .map(|a| a.name.clone())
                .unwrap_or_default(),
        }
    }

    /// The functional `ce.<uai>` address of most establishments, then staff, functional and
    /// personal addresses until `count`, a few attached nowhere or to several establishments.
    fn accounts(&mut self, count: usize) {
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

fn pick<'a>(rng: &mut ChaCha8Rng, items: &[&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or_default()
}

/// The first three digits of the UAIs of a department.
fn department_prefix(department: &str) -> u32 {
    match department {
        "2A" => 620,
        "2B" => 720,
        other => other.parse().unwrap_or(0),
    }
}

/// Where generated establishments go: half in the SIEC's own académies, half elsewhere, in each
/// case in communes drawn by population.
struct Places {
    communes: Vec<Commune>,
    siec: WeightedIndex<u64>,
    siec_indices: Vec<usize>,
    elsewhere: WeightedIndex<u64>,
    elsewhere_indices: Vec<usize>,
}

/// A department's UAI serials are 4 digits; keep some room so that drawing a free one stays quick.
const DEPARTMENT_CAPACITY: usize = 9_000;

impl Places {
    fn new() -> Places {
        let communes = reference::communes();
        let in_siec = |c: &Commune| {
            academie::by_department(c.department)
                .is_some_and(|a| SIEC_ACADEMIES.contains(&a.name.as_str()))
        };
        let (siec_indices, elsewhere_indices): (Vec<usize>, Vec<usize>) =
            (0..communes.len()).partition(|&i| in_siec(&communes[i]));
        let weights = |indices: &[usize]| {
            WeightedIndex::new(
                indices
                    .iter()
                    .map(|&i| u64::from(communes[i].population.max(1))),
            )
            .expect("the embedded communes have positive weights")
        };
        Places {
            siec: weights(&siec_indices),
            elsewhere: weights(&elsewhere_indices),
            communes,
            siec_indices,
            elsewhere_indices,
        }
    }

    /// A commune in a department that is not `full`.
    fn pick(&self, rng: &mut ChaCha8Rng, full: impl Fn(u32) -> bool) -> &Commune {
        loop {
            let index = if rng.random_bool(0.5) {
                self.siec_indices[rng.sample(&self.siec)]
            } else {
                self.elsewhere_indices[rng.sample(&self.elsewhere)]
            };
            let commune = &self.communes[index];
            if !full(department_prefix(commune.department)) {
                return commune;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0)
            .single()
            .expect("valid instant")
    }

    const SMALL: DemoSize = DemoSize {
        establishments: 6_000,
        accounts: 12_000,
    };

    #[test]
    fn the_same_seed_gives_the_same_rows() {
        let paris = chrono_tz::Europe::Paris;
        let (first, _) = generate(SMALL, 7, paris, now()).expect("generated");
        let (again, _) = generate(SMALL, 7, paris, now()).expect("generated");
        let (other, _) = generate(SMALL, 8, paris, now()).expect("generated");
        assert!(first == again);
        assert!(first != other);
    }

    #[test]
    fn holds_every_real_lycee_then_generated_establishments_with_valid_uais() {
        let (batch, report) =
            generate(SMALL, 7, chrono_tz::Europe::Paris, now()).expect("generated");
        assert_eq!(batch.establishments.len(), SMALL.establishments);
        assert_eq!(report.lycees, reference::lycees().len());
        assert_eq!(
            report.colleges + report.ecoles + report.cio + report.erea + report.lycees,
            SMALL.establishments
        );
        let uais: HashSet<&Uai> = batch.establishments.iter().map(|e| &e.uai).collect();
        assert_eq!(uais.len(), batch.establishments.len(), "UAIs are unique");
        for e in &batch.establishments {
            assert!(Uai::parse(e.uai.as_str()).is_ok());
            assert_eq!(
                e.uai.department(),
                e.department,
                "{} is in its department",
                e.uai
            );
            assert_eq!(
                academie::by_department(&e.department).map(|a| a.name.as_str()),
                Some(e.academie.as_str())
            );
        }
    }

    #[test]
    fn addresses_follow_the_patterns_establishments_use_and_mix_every_state() {
        let (batch, report) =
            generate(SMALL, 7, chrono_tz::Europe::Paris, now()).expect("generated");
        assert_eq!(batch.accounts.len(), SMALL.accounts);
        let lower: HashSet<String> = batch
            .accounts
            .iter()
            .map(|a| a.email.to_lowercase())
            .collect();
        assert_eq!(
            lower.len(),
            batch.accounts.len(),
            "addresses are unique without regard to case"
        );
        let functional = batch
            .accounts
            .iter()
            .filter(|a| a.email.starts_with("ce.") && a.email.contains("@ac-"))
            .count();
        let secretariat = batch
            .accounts
            .iter()
            .filter(|a| a.email.starts_with("secretariat."))
            .count();
        let personal = batch
            .accounts
            .iter()
            .filter(|a| a.email.ends_with("@gmail.com") || a.email.ends_with("@orange.fr"))
            .count();
        assert!(
            functional > SMALL.establishments / 2,
            "{functional} ce.<uai> addresses"
        );
        assert!(secretariat > 0 && personal > 0);
        for count in [
            report.initialised,
            report.never_initialised,
            report.link_pending,
            report.link_expired,
        ] {
            assert!(count > 0);
        }
        assert_eq!(
            report.initialised
                + report.never_initialised
                + report.link_pending
                + report.link_expired,
            SMALL.accounts
        );
        // Generated establishments lean to the SIEC's Île-de-France académies (~19 % of France).
        let generated: Vec<_> = batch
            .establishments
            .iter()
            .filter(|e| e.kind != EstablishmentKind::Lycee)
            .collect();
        let siec = generated
            .iter()
            .filter(|e| SIEC_ACADEMIES.contains(&e.academie.as_str()))
            .count();
        assert!(
            siec * 100 / generated.len() >= 40,
            "{siec} of {} in the SIEC's académies",
            generated.len()
        );
    }

    #[test]
    fn refuses_sizes_out_of_range() {
        let paris = chrono_tz::Europe::Paris;
        let none = DemoSize {
            establishments: 0,
            accounts: 10,
        };
        let huge = DemoSize {
            establishments: 10,
            accounts: MAX_ACCOUNTS + 1,
        };
        assert!(matches!(
            generate(none, 1, paris, now()),
            Err(Error::InvalidDemoSize(_))
        ));
        assert!(matches!(
            generate(huge, 1, paris, now()),
            Err(Error::InvalidDemoSize(_))
        ));
    }
}
