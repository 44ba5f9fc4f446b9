//! The search on any query, over a small index: folding is idempotent, and neither the query's
//! normalisation nor the ranking panics.
#![no_main]

use std::sync::OnceLock;

use guichet_core::model::establishment::EstablishmentKind;
use guichet_core::model::uai::Uai;
use guichet_core::search::AddressRows;
use guichet_core::search::index::{IndexedEstablishment, SearchIndex};
use guichet_core::text::{fold, slug};
use libfuzzer_sys::fuzz_target;

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let establishment = |uai: &str, name: &str, town: &str, postcode: &str, academie: &str| {
            let uai = Uai::parse(uai).expect("a UAI");
            IndexedEstablishment {
                department: uai.department(),
                uai,
                name: name.into(),
                town: town.into(),
                postcode: postcode.into(),
                academie: academie.into(),
                kind: EstablishmentKind::Lycee,
            }
        };
        let mut addresses = AddressRows::default();
        addresses.push(1, "ce.0750654d@ac-paris.fr");
        addresses.push(2, "jean.dupont@gmail.com");
        SearchIndex::build(
            [
                establishment("0750654D", "Lycée Henri-IV", "Paris", "75005", "Paris"),
                establishment("6200001G", "Lycée Fesch", "Ajaccio", "20000", "Corse"),
                establishment(
                    "0130002G",
                    "LP St-Exupéry",
                    "Marseille",
                    "13015",
                    "Aix-Marseille",
                ),
                establishment(
                    "0931234L",
                    "LPO Jeanne d'Arc",
                    "Saint-Denis Cedex 1",
                    "93200",
                    "Créteil",
                ),
            ],
            &addresses,
        )
    })
}

fuzz_target!(|input: &str| {
    let folded = fold(input);
    assert_eq!(fold(&folded), folded);
    let slugged = slug(input, '-');
    assert_eq!(slug(&slugged, '-'), slugged);
    let _ = index().search(input, 20);
});
