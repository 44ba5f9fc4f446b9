//! Which establishments a report or a campaign is about: filters by académie, department, type
//! and sector, each a set of values (any of them), the filters combined (all of them).

use serde::{Deserialize, Serialize};

use crate::model::academie;
use crate::model::establishment::{EstablishmentKind, Sector};
use crate::text::fold;

/// The filters as typed on the command line or chosen in the window, not yet checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct PopulationInput {
    /// Académies by name, accents and case ignored (« creteil » is Créteil).
    pub academies: Vec<String>,
    /// Department codes: `75`, `974`, `2A`.
    pub departments: Vec<String>,
    /// Types as the database codes them: `lycee`, `college`, `ecole`, `cio`, `erea`, `autre`.
    pub kinds: Vec<String>,
    /// `public` or `prive`.
    pub sectors: Vec<String>,
}

/// A checked population: académies by the name the database stores, departments in capitals,
/// each list without repeats; an empty list does not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Population {
    pub academies: Vec<String>,
    pub departments: Vec<String>,
    pub kinds: Vec<EstablishmentKind>,
    pub sectors: Vec<Sector>,
}

/// A filter value that names nothing: said back as typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PopulationError {
    #[error("unknown académie {0:?}")]
    UnknownAcademie(String),
    #[error("not a department code: {0:?}")]
    InvalidDepartment(String),
    #[error("unknown establishment type {0:?}")]
    UnknownKind(String),
    #[error("unknown sector {0:?}")]
    UnknownSector(String),
    #[error("unknown initialisation state {0:?}")]
    UnknownState(String),
}

impl PopulationError {
    /// What the agent reads, in French.
    pub fn message(&self) -> String {
        match self {
            PopulationError::UnknownAcademie(typed) => format!(
                "«\u{a0}{typed}\u{a0}» n’est pas une académie connue (par exemple\u{a0}: Créteil, \
                 Paris, Versailles)."
            ),
            PopulationError::InvalidDepartment(typed) => format!(
                "«\u{a0}{typed}\u{a0}» n’est pas un code de département (par exemple\u{a0}: 75, \
                 974, 2A)."
            ),
            PopulationError::UnknownKind(typed) => format!(
                "«\u{a0}{typed}\u{a0}» n’est pas un type d’établissement (lycee, college, ecole, \
                 cio, erea, autre)."
            ),
            PopulationError::UnknownSector(typed) => {
                format!("«\u{a0}{typed}\u{a0}» n’est pas un secteur (public ou prive).")
            }
            PopulationError::UnknownState(typed) => format!(
                "«\u{a0}{typed}\u{a0}» n’est pas un état d’initialisation (sans-adresse, \
                 jamais-initialise, lien-en-attente, lien-expire, initialise)."
            ),
        }
    }
}

impl Population {
    pub fn parse(input: &PopulationInput) -> Result<Population, PopulationError> {
        let mut population = Population::default();
        for typed in non_blank(&input.academies) {
            let wanted = fold(typed);
            let found = academie::all()
                .iter()
                .find(|a| fold(&a.name) == wanted)
                .ok_or_else(|| PopulationError::UnknownAcademie(typed.into()))?;
            push_new(&mut population.academies, found.name.clone());
        }
        for typed in non_blank(&input.departments) {
            let code = typed.to_ascii_uppercase();
            if !is_department(&code) {
                return Err(PopulationError::InvalidDepartment(typed.into()));
            }
            push_new(&mut population.departments, code);
        }
        for typed in non_blank(&input.kinds) {
            let kind = EstablishmentKind::from_code(&fold(typed))
                .ok_or_else(|| PopulationError::UnknownKind(typed.into()))?;
            push_new(&mut population.kinds, kind);
        }
        for typed in non_blank(&input.sectors) {
            let sector = Sector::from_code(&fold(typed))
                .ok_or_else(|| PopulationError::UnknownSector(typed.into()))?;
            push_new(&mut population.sectors, sector);
        }
        Ok(population)
    }
}

fn non_blank(values: &[String]) -> impl Iterator<Item = &str> {
    values.iter().map(|v| v.trim()).filter(|v| !v.is_empty())
}

fn push_new<T: PartialEq>(list: &mut Vec<T>, value: T) {
    if !list.contains(&value) {
        list.push(value);
    }
}

/// Two or three digits, or Corsica's 2A and 2B: the codes the establishments table accepts.
fn is_department(code: &str) -> bool {
    matches!(code, "2A" | "2B")
        || ((2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(
        academies: &[&str],
        departments: &[&str],
        kinds: &[&str],
        sectors: &[&str],
    ) -> PopulationInput {
        let owned = |values: &[&str]| values.iter().map(|v| v.to_string()).collect();
        PopulationInput {
            academies: owned(academies),
            departments: owned(departments),
            kinds: owned(kinds),
            sectors: owned(sectors),
        }
    }

    #[test]
    fn academies_are_found_whatever_their_accents_and_case() {
        let population = Population::parse(&input(
            &["creteil", " CRÉTEIL ", "Orleans-Tours"],
            &[],
            &[],
            &[],
        ))
        .expect("known");
        assert_eq!(population.academies, ["Créteil", "Orléans-Tours"]);
    }

    #[test]
    fn each_filter_is_checked_and_said_back_as_typed() {
        let cases = [
            (
                input(&["Gotham"], &[], &[], &[]),
                PopulationError::UnknownAcademie("Gotham".into()),
            ),
            (
                input(&[], &["7"], &[], &[]),
                PopulationError::InvalidDepartment("7".into()),
            ),
            (
                input(&[], &["2C"], &[], &[]),
                PopulationError::InvalidDepartment("2C".into()),
            ),
            (
                input(&[], &["7501"], &[], &[]),
                PopulationError::InvalidDepartment("7501".into()),
            ),
            (
                input(&[], &[], &["université"], &[]),
                PopulationError::UnknownKind("université".into()),
            ),
            (
                input(&[], &[], &[], &["associatif"]),
                PopulationError::UnknownSector("associatif".into()),
            ),
        ];
        for (typed, expected) in cases {
            let error = Population::parse(&typed).expect_err("refused");
            assert!(error.message().contains('«'), "{}", error.message());
            assert_eq!(error, expected);
        }
    }

    #[test]
    fn codes_are_normalised_and_blank_values_ignored() {
        let population = Population::parse(&input(
            &[" "],
            &["2a", "75", "75", "974"],
            &["Lycée", "cio"],
            &["privé"],
        ))
        .expect("valid");
        assert!(population.academies.is_empty());
        assert_eq!(population.departments, ["2A", "75", "974"]);
        assert_eq!(
            population.kinds,
            [EstablishmentKind::Lycee, EstablishmentKind::Cio]
        );
        assert_eq!(population.sectors, [Sector::Prive]);
        assert_eq!(
            Population::parse(&PopulationInput::default()),
            Ok(Population::default())
        );
    }
}
