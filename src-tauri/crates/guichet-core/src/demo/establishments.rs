//! The demo's establishments: every real lycée, then collèges, écoles, CIO and EREA in real
//! communes drawn by population, each with a free UAI of its department.

use rand::RngExt;
use rand::distr::weighted::WeightedIndex;
use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;

use super::generator::{Generator, pick};
use super::names;
use super::reference::{self, Commune};
use crate::model::academie::{self, SIEC_ACADEMIES};
use crate::model::establishment::{EstablishmentIdentity, EstablishmentKind, Sector};
use crate::model::uai::Uai;

impl Generator {
    /// Every real lycée (a sample when fewer are asked), then generated establishments.
    pub(super) fn establishments(&mut self, count: usize) {
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

    fn generated(&mut self, kind: EstablishmentKind, commune: &Commune) -> EstablishmentIdentity {
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
        EstablishmentIdentity {
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
