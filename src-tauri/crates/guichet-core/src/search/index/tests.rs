//! The index on a few real-looking establishments and addresses: what each query finds, in
//! which order, and how the index follows updates.

use super::weights::{ADDRESS_EXACT, UAI_EXACT};
use super::*;

/// An establishment from one line: department, serial, name, town, postcode, académie, type.
fn establishment(line: &str) -> IndexedEstablishment {
    let f: Vec<&str> = line.split('|').collect();
    let uai = Uai::from_parts(
        f[0].parse().expect("a department"),
        f[1].parse().expect("a serial"),
    );
    IndexedEstablishment {
        department: uai.department(),
        uai,
        name: f[2].into(),
        town: f[3].into(),
        postcode: f[4].into(),
        academie: f[5].into(),
        kind: EstablishmentKind::from_code(f[6]).expect("a type"),
    }
}

fn uai(text: &str) -> Uai {
    Uai::parse(text).expect("a valid UAI")
}

/// Real-looking establishments; 75|654 is the real Lycée Henri-IV, 0750654D.
const FIXTURES: &[&str] = &[
    "75|654|LYCÉE HENRI-IV|PARIS|75005|Paris|lycee",
    "93|1|LYCÉE PROFESSIONNEL JEAN MOULIN|SAINT-DENIS|93200|Créteil|lycee",
    "94|2|LYCÉE GÉNÉRAL ET TECHNOLOGIQUE SAINT-EXUPÉRY|CRÉTEIL|94000|Créteil|lycee",
    "75|3|COLLÈGE VICTOR HUGO|PARIS|75003|Paris|college",
    "25|4|LYCÉE VICTOR HUGO|BESANÇON|25000|Besançon|lycee",
    "71|5|LYCÉE POLYVALENT LAMARTINE|MÂCON|71000|Dijon|lycee",
    "77|6|LYCÉE AGRICOLE DE LA BRIE|BRIE-COMTE-ROBERT|77170|Créteil|lycee",
    "93|7|ÉCOLE ÉLÉMENTAIRE DU CENTRE|SAINT-DENIS|93200|Créteil|ecole",
    "78|8|CIO DE VERSAILLES|VERSAILLES|78000|Versailles|cio",
    "92|9|LYCÉE PRIVÉ SAINTE-MARIE|ANTONY|92160|Versailles|lycee",
    "93|10|LYCÉE JEAN JAURÈS|MONTREUIL|93100|Créteil|lycee",
    "92|11|LYCÉE PASTEUR|NEUILLY-SUR-SEINE|92200|Versailles|lycee",
    "37|12|LYCÉE SAINT-DENIS|LOCHES|37600|Orléans-Tours|lycee",
    "77|13|LYCÉE PROFESSIONNEL ANDRÉ-MALRAUX|MONTEREAU-FAULT-YONNE|77130|Créteil|lycee",
];

fn fixtures() -> Vec<IndexedEstablishment> {
    FIXTURES.iter().map(|line| establishment(line)).collect()
}

fn addresses() -> AddressRows {
    [
        (1, "ce.0750654D@ac-paris.fr"),
        (2, "Jean.Dupont@ac-creteil.fr"),
        (3, "jean.dupond@gmail.com"),
        (4, "secretariat.lamartine@ac-dijon.fr"),
    ]
    .into_iter()
    .collect()
}

fn index() -> SearchIndex {
    SearchIndex::build(fixtures(), &addresses())
}

/// The UAIs of the establishments found, best first.
fn found(index: &SearchIndex, query: &str) -> Vec<String> {
    index
        .search(query, 10)
        .hits
        .into_iter()
        .filter_map(|hit| match hit {
            IndexHit::Establishment { uai, .. } => Some(uai.to_string()),
            IndexHit::Address { .. } => None,
        })
        .collect()
}

/// The name of the best establishment found, or "" when none.
fn first(index: &SearchIndex, query: &str) -> String {
    let names: Vec<(String, String)> = fixtures()
        .into_iter()
        .map(|e| (e.uai.to_string(), e.name))
        .collect();
    found(index, query)
        .first()
        .and_then(|uai| names.iter().find(|(u, _)| u == uai))
        .map(|(_, name)| name.clone())
        .unwrap_or_default()
}

#[test]
fn ignores_case_and_accents() {
    let index = index();
    for query in [
        "lycée lamartine mâcon",
        "LYCEE LAMARTINE MACON",
        "Lycee Lamartine Macon",
    ] {
        assert_eq!(
            first(&index, query),
            "LYCÉE POLYVALENT LAMARTINE",
            "{query}"
        );
    }
    assert_eq!(first(&index, "lycee jean jaures"), "LYCÉE JEAN JAURÈS");
}

#[test]
fn ignores_hyphens_and_punctuation() {
    let index = index();
    for query in [
        "saint exupery",
        "saint-exupéry",
        "Saint-Exupéry, Créteil.",
        "henri iv",
        "henri-iv",
    ] {
        assert_ne!(first(&index, query), "", "{query}");
    }
    assert_eq!(
        first(&index, "saint exupery"),
        "LYCÉE GÉNÉRAL ET TECHNOLOGIQUE SAINT-EXUPÉRY"
    );
    assert_eq!(
        first(&index, "andre malraux"),
        "LYCÉE PROFESSIONNEL ANDRÉ-MALRAUX"
    );
    assert_eq!(first(&index, "lycée henri 4"), "LYCÉE HENRI-IV");
}

#[test]
fn ignores_word_order() {
    let index = index();
    assert_eq!(
        first(&index, "macon lamartine lycee"),
        "LYCÉE POLYVALENT LAMARTINE"
    );
    assert_eq!(
        first(&index, "moulin jean saint-denis"),
        "LYCÉE PROFESSIONNEL JEAN MOULIN"
    );
}

#[test]
fn understands_each_abbreviation() {
    let index = index();
    let cases = [
        ("lyc lamartine", "LYCÉE POLYVALENT LAMARTINE"),
        ("lp jean moulin", "LYCÉE PROFESSIONNEL JEAN MOULIN"),
        ("lycee pro jean moulin", "LYCÉE PROFESSIONNEL JEAN MOULIN"),
        (
            "lgt st exupery",
            "LYCÉE GÉNÉRAL ET TECHNOLOGIQUE SAINT-EXUPÉRY",
        ),
        ("gt creteil", "LYCÉE GÉNÉRAL ET TECHNOLOGIQUE SAINT-EXUPÉRY"),
        ("polyv macon", "LYCÉE POLYVALENT LAMARTINE"),
        ("clg victor hugo", "COLLÈGE VICTOR HUGO"),
        ("lycee victor hugo", "LYCÉE VICTOR HUGO"),
        ("ste marie antony", "LYCÉE PRIVÉ SAINTE-MARIE"),
        ("lycee agri brie", "LYCÉE AGRICOLE DE LA BRIE"),
        ("ecole saint denis", "ÉCOLE ÉLÉMENTAIRE DU CENTRE"),
        ("cio versailles", "CIO DE VERSAILLES"),
    ];
    for (query, name) in cases {
        assert_eq!(first(&index, query), name, "{query}");
    }
}

#[test]
fn finds_a_name_from_some_of_its_words() {
    let index = index();
    assert_eq!(first(&index, "moulin"), "LYCÉE PROFESSIONNEL JEAN MOULIN");
    assert_eq!(
        first(&index, "lycée de la brie"),
        "LYCÉE AGRICOLE DE LA BRIE"
    );
}

#[test]
fn tolerates_one_typo_in_words_of_four_to_seven_letters() {
    let index = index();
    assert_eq!(first(&index, "lycee pastuer"), "LYCÉE PASTEUR"); // swapped letters
    assert_eq!(first(&index, "lycee pasteru neuilly"), "LYCÉE PASTEUR");
    assert_eq!(first(&index, "jean jaurez"), "LYCÉE JEAN JAURÈS");
}

#[test]
fn tolerates_two_typos_in_words_of_eight_letters_or_more() {
    let index = index();
    assert_eq!(first(&index, "lmaartinne"), "LYCÉE POLYVALENT LAMARTINE");
    assert_eq!(first(&index, "vesrailes cio"), "CIO DE VERSAILLES");
}

#[test]
fn refuses_more_typos_than_the_word_allows() {
    let index = index();
    // Two typos in a 7-letter word, three in a 9-letter one, one in a 3-letter one.
    assert!(found(&index, "pzstuer ").is_empty());
    assert!(found(&index, "lomertini ").is_empty());
    assert!(found(&index, "ciu ").is_empty());
    assert!(!found(&index, "cio ").is_empty());
}

#[test]
fn completes_the_last_word_being_typed() {
    let index = index();
    assert_eq!(first(&index, "lycee lamar"), "LYCÉE POLYVALENT LAMARTINE");
    assert_eq!(first(&index, "lamar"), "LYCÉE POLYVALENT LAMARTINE");
    // Once the word is finished (a space follows), it is no longer a prefix.
    assert!(found(&index, "lamar ").is_empty());
    // Only the last word: "lamar" before another word is not completed.
    assert!(found(&index, "lamar xyzw").is_empty());
}

#[test]
fn ranks_exact_words_above_prefixes_above_typos() {
    let at = |serial| Uai::from_parts(75, serial);
    let index = SearchIndex::build(
        ["1|LYCÉE HUGA", "2|LYCÉE HUGON", "3|LYCÉE HUGO"]
            .map(|line| establishment(&format!("75|{line}|PARIS|75001|Paris|lycee"))),
        &AddressRows::default(),
    );
    assert_eq!(
        found(&index, "hugo"),
        [at(3), at(2), at(1)].map(|u| u.to_string())
    );
}

#[test]
fn ranks_names_above_towns_and_more_matched_words_higher() {
    let index = index();
    let results = found(&index, "saint denis");
    assert_eq!(
        results[0],
        Uai::from_parts(37, 12).to_string(),
        "named Saint-Denis"
    );
    assert!(
        results.contains(&Uai::from_parts(93, 1).to_string()),
        "located in Saint-Denis"
    );
    assert_eq!(
        first(&index, "lycee saint denis moulin"),
        "LYCÉE PROFESSIONNEL JEAN MOULIN"
    );
}

#[test]
fn finds_the_exact_uai_first() {
    let index = index();
    for query in ["0750654D", "0750654d", " 0750654D "] {
        let results = index.search(query, 10);
        assert_eq!(
            results.hits.first(),
            Some(&IndexHit::Establishment {
                uai: uai("0750654D"),
                score: UAI_EXACT
            }),
            "{query}"
        );
        assert_eq!(results.uai_correction, None);
    }
    // Words after the UAI do not push it down.
    assert_eq!(found(&index, "0750654D lamartine")[0], "0750654D");
}

#[test]
fn corrects_a_wrong_check_letter() {
    let results = index().search("0750654E", 10);
    assert!(
        matches!(&results.hits[0], IndexHit::Establishment { uai: u, .. } if u.as_str() == "0750654D")
    );
    let correction = results.uai_correction.expect("a correction");
    assert_eq!(correction.typed, "0750654E");
    assert_eq!(correction.expected.as_str(), "0750654D");
    assert_eq!(correction.wrong_letter(), Some('E'));
    assert_eq!(correction.expected_letter(), 'D');
    assert!(correction.message().contains("«\u{a0}E\u{a0}» est fausse"));
}

#[test]
fn completes_a_missing_check_letter() {
    let results = index().search("0750654", 10);
    assert!(
        matches!(&results.hits[0], IndexHit::Establishment { uai: u, .. } if u.as_str() == "0750654D")
    );
    let correction = results.uai_correction.expect("a correction");
    assert_eq!(correction.wrong_letter(), None);
    assert_eq!(correction.expected.as_str(), "0750654D");
}

#[test]
fn finds_uais_being_typed() {
    let index = index();
    assert_eq!(found(&index, "075065"), ["0750654D"]);
    assert!(found(&index, "075065 ").is_empty());
}

#[test]
fn finds_by_postcode_department_and_academie() {
    let index = index();
    let in_93200 = found(&index, "93200");
    let mut expected = vec![
        Uai::from_parts(93, 1).to_string(),
        Uai::from_parts(93, 7).to_string(),
    ];
    expected.sort();
    let mut got = in_93200.clone();
    got.sort();
    assert_eq!(got, expected);
    assert_eq!(
        first(&index, "lycee 93200"),
        "LYCÉE PROFESSIONNEL JEAN MOULIN"
    );
    // Créteil the town first, then the rest of the académie, nothing outside it.
    let creteil = found(&index, "creteil ");
    assert_eq!(creteil[0], Uai::from_parts(94, 2).to_string());
    assert_eq!(creteil.len(), 6);
    assert!(!creteil.contains(&"0750654D".to_string()));
    assert_eq!(
        found(&index, "versailles pasteur")[0],
        Uai::from_parts(92, 11).to_string()
    );
}

fn accounts(index: &SearchIndex, query: &str) -> Vec<i32> {
    index
        .search(query, 10)
        .hits
        .into_iter()
        .filter_map(|hit| match hit {
            IndexHit::Address { account_id, .. } => Some(account_id),
            IndexHit::Establishment { .. } => None,
        })
        .collect()
}

#[test]
fn finds_addresses_by_prefix_of_the_whole_address() {
    let index = index();
    assert_eq!(accounts(&index, "jean.dupont@ac-cr"), [2]);
    assert_eq!(accounts(&index, "JEAN.DUPONT@AC-CRETEIL.FR"), [2]);
    assert_eq!(accounts(&index, "ce.0750654d@ac-paris.fr"), [1]);
    let hits = index.search("ce.0750654d@ac-paris.fr", 10).hits;
    assert_eq!(
        hits,
        [IndexHit::Address {
            account_id: 1,
            score: ADDRESS_EXACT
        }]
    );
}

#[test]
fn finds_addresses_by_prefix_of_the_local_part() {
    let index = index();
    assert_eq!(accounts(&index, "jean.dup"), [3, 2]); // address order: dupond before dupont
    assert_eq!(accounts(&index, "Secretariat.Lam"), [4]);
    // An address-like query lists addresses first, a plain word lists them last.
    assert!(matches!(
        index.search("jean.dup", 10).hits[0],
        IndexHit::Address { .. }
    ));
    let hits = index.search("jean", 10).hits;
    assert!(matches!(hits.first(), Some(IndexHit::Establishment { .. })));
    assert!(matches!(
        hits.last(),
        Some(IndexHit::Address { account_id: 2, .. })
    ));
    assert!(accounts(&index, "dupont").is_empty());
}

#[test]
fn updates_establishments_one_at_a_time() {
    let mut index = index();
    let new = establishment("95|42|LYCÉE CAMILLE CLAUDEL|VAURÉAL|95490|Versailles|lycee");
    assert!(found(&index, "claudel").is_empty());
    index.upsert_establishment(&new);
    assert_eq!(found(&index, "camille claudel"), [new.uai.to_string()]);
    assert_eq!(found(&index, "claud"), [new.uai.to_string()]);
    let renamed = IndexedEstablishment {
        name: "LYCÉE CAMILLE SAINT-SAËNS".into(),
        ..new.clone()
    };
    index.upsert_establishment(&renamed);
    assert!(found(&index, "claudel").is_empty());
    assert_eq!(found(&index, "saint saens")[0], new.uai.to_string());
    assert_eq!(index.establishment_count(), fixtures().len() + 1);
    assert!(index.remove_establishment(&new.uai));
    assert!(!index.remove_establishment(&new.uai));
    assert!(!found(&index, "saint saens").contains(&new.uai.to_string()));
    assert!(found(&index, &new.uai.to_string()).is_empty());
    // A freed slot is reused without mixing up the postings.
    index.upsert_establishment(&new);
    assert_eq!(found(&index, "claudel"), [new.uai.to_string()]);
    assert_eq!(first(&index, "lamartine"), "LYCÉE POLYVALENT LAMARTINE");
}

#[test]
fn updates_addresses_one_at_a_time() {
    let mut index = index();
    index.upsert_address(&IndexedAddress {
        account_id: 9,
        email: "Proviseur@Lycee.fr".into(),
    });
    assert_eq!(accounts(&index, "proviseur@"), [9]);
    index.upsert_address(&IndexedAddress {
        account_id: 9,
        email: "direction@lycee.fr".into(),
    });
    assert!(accounts(&index, "proviseur@").is_empty());
    assert_eq!(accounts(&index, "direction@"), [9]);
    assert_eq!(index.address_count(), addresses().len() + 1);
    assert!(index.remove_address(9));
    assert!(!index.remove_address(9));
    assert!(accounts(&index, "direction@").is_empty());
}

#[test]
fn breaks_ties_the_same_way_whatever_the_insertion_order() {
    let twins = |order: &[u32]| {
        SearchIndex::build(
            order.iter().map(|serial| {
                establishment(&format!(
                    "60|{serial}|LYCÉE JEAN MONNET|VILLE {serial}|60000|Amiens|lycee"
                ))
            }),
            &AddressRows::default(),
        )
    };
    let forward = twins(&[5, 1, 9, 3]);
    let backward = twins(&[3, 9, 1, 5]);
    let expected: Vec<String> = [1, 3, 5, 9]
        .map(|s| Uai::from_parts(60, s).to_string())
        .into();
    assert_eq!(found(&forward, "jean monnet"), expected);
    assert_eq!(
        forward.search("jean monnet", 10),
        backward.search("jean monnet", 10)
    );
    // Among equal matches a shorter name goes first, before alphabetical order.
    let mut index = twins(&[2]);
    index.upsert_establishment(&establishment(
        "60|1|ANNEXE DU LYCÉE JEAN MONNET|VILLE 2|60000|Amiens|lycee",
    ));
    assert_eq!(
        found(&index, "lycee jean monnet")[0],
        Uai::from_parts(60, 2).to_string()
    );
}

#[test]
fn respects_the_limit_and_empty_queries() {
    let index = index();
    assert_eq!(index.search("lycee", 3).hits.len(), 3);
    assert!(index.search("lycee", 0).hits.is_empty());
    assert!(index.search("   ", 10).hits.is_empty());
    assert!(index.search("de la", 10).hits.is_empty());
}

#[test]
fn is_shareable_between_threads_and_counts_itself() {
    fn shareable<T: Send + Sync>() {}
    shareable::<SearchIndex>();
    let index = index();
    assert_eq!(index.len(), fixtures().len() + addresses().len());
    assert!(index.memory_bytes() > 1_000);
    assert!(SearchIndex::default().is_empty());
}
