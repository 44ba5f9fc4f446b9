//! The académies, their mail domains and departments (`data/academies.csv`).

use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Academie {
    pub name: String,
    /// The mail domain of its staff and functional addresses, e.g. `ac-creteil.fr`.
    pub domain: String,
    pub departments: Vec<String>,
}

/// Domains of académies that were merged into another one and still turn up in addresses.
const FORMER_DOMAINS: &[(&str, &str)] =
    &[("ac-caen.fr", "Normandie"), ("ac-rouen.fr", "Normandie")];

/// The académies serving the SIEC's own establishments (Île-de-France).
pub const SIEC_ACADEMIES: &[&str] = &["Paris", "Créteil", "Versailles"];

static ACADEMIES: LazyLock<Vec<Academie>> = LazyLock::new(|| {
    include_str!("../../data/academies.csv")
        .lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let mut fields = line.split(';');
            let mut next = || fields.next().unwrap_or_default().trim().to_string();
            let (name, domain, departments) = (next(), next(), next());
            Academie {
                name,
                domain,
                departments: departments.split(',').map(str::to_string).collect(),
            }
        })
        .collect()
});

pub fn all() -> &'static [Academie] {
    &ACADEMIES
}

pub fn by_name(name: &str) -> Option<&'static Academie> {
    all().iter().find(|a| a.name == name)
}

pub fn by_department(department: &str) -> Option<&'static Academie> {
    all()
        .iter()
        .find(|a| a.departments.iter().any(|d| d == department))
}

/// The académie a mail domain belongs to, former domains (`ac-caen.fr`) included.
pub fn by_domain(domain: &str) -> Option<&'static Academie> {
    let domain = domain.to_ascii_lowercase();
    all().iter().find(|a| a.domain == domain).or_else(|| {
        FORMER_DOMAINS
            .iter()
            .find(|(former, _)| *former == domain)
            .and_then(|(_, name)| by_name(name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_thirty_academies_with_their_departments() {
        assert_eq!(all().len(), 30);
        assert_eq!(
            by_department("93").map(|a| a.name.as_str()),
            Some("Créteil")
        );
        assert_eq!(
            by_department("2B").map(|a| a.domain.as_str()),
            Some("ac-corse.fr")
        );
        assert_eq!(
            by_department("976").map(|a| a.name.as_str()),
            Some("Mayotte")
        );
        assert_eq!(by_department("99"), None);
    }

    #[test]
    fn former_normandy_domains_still_resolve() {
        assert_eq!(
            by_domain("AC-CAEN.FR").map(|a| a.name.as_str()),
            Some("Normandie")
        );
        assert_eq!(
            by_domain("ac-rouen.fr").map(|a| a.name.as_str()),
            Some("Normandie")
        );
        assert_eq!(
            by_domain("ac-versailles.fr").map(|a| a.name.as_str()),
            Some("Versailles")
        );
        assert_eq!(by_domain("gmail.com"), None);
    }

    #[test]
    fn every_department_belongs_to_one_academie() {
        let mut seen = std::collections::HashSet::new();
        for department in all().iter().flat_map(|a| &a.departments) {
            assert!(seen.insert(department), "{department} is in two académies");
        }
    }
}
