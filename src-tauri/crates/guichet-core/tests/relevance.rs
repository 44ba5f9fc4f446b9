//! Relevance of the search index on what callers say about real lycées
//! (`tests/data/relevance.tsv`, made by `scripts/data/relevance.py`): every real lycée plus
//! generated collèges, écoles, CIO and EREA as distractors; the lycée named must come in the
//! first three results for at least 95 % of the queries.

use chrono::{TimeZone, Utc};
use guichet_core::demo::{self, DemoSize};
use guichet_core::search::index::{IndexHit, IndexedEstablishment, SearchIndex};

const RELEVANCE: &str = include_str!("../../../../tests/data/relevance.tsv");

/// Every real lycée (about 5,000) and 25,000 generated establishments with their addresses.
fn index() -> SearchIndex {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 25, 13, 0, 0)
        .single()
        .expect("a date");
    let size = DemoSize {
        establishments: 30_000,
        accounts: 40_000,
    };
    let (batch, report) = demo::generate(size, 11, chrono_tz::Europe::Paris, now).expect("demo");
    assert!(report.lycees > 5_000, "every real lycée is in the demo");
    SearchIndex::build(
        batch
            .establishments
            .into_iter()
            .map(|e| IndexedEstablishment {
                uai: e.uai,
                name: e.name,
                town: e.town,
                postcode: e.postcode,
                academie: e.academie,
                department: e.department,
                kind: e.kind,
            }),
        &batch
            .accounts
            .iter()
            .map(|a| (a.id, a.email.as_str()))
            .collect(),
    )
}

#[test]
fn search_finds_the_lycee_a_caller_names_in_the_first_three() {
    let index = index();
    let mut total = 0;
    let mut found = 0;
    let mut misses = Vec::new();
    for line in RELEVANCE.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        let (query, expected, rule) = (fields[0], fields[1], fields[2]);
        let results = index.search(query, 3);
        let uais: Vec<String> = results
            .hits
            .iter()
            .filter_map(|hit| match hit {
                IndexHit::Establishment { uai, .. } => Some(uai.to_string()),
                IndexHit::Address { .. } => None,
            })
            .collect();
        total += 1;
        if uais.iter().any(|uai| uai == expected) {
            found += 1;
        } else {
            misses.push(format!(
                "{rule}: {query:?} → {uais:?}, expected {expected} ({})",
                fields[3]
            ));
        }
        // A UAI with a wrong or missing letter is found first and the right letter is given.
        if rule == "uai_wrong_letter" || rule == "uai_missing_letter" {
            let correction = results
                .uai_correction
                .as_ref()
                .map(|c| c.expected.to_string());
            assert_eq!(correction.as_deref(), Some(expected), "{query}");
            assert_eq!(uais.first().map(String::as_str), Some(expected), "{query}");
        }
    }
    let recall = f64::from(found) / f64::from(total);
    println!("recall@3: {found}/{total} = {:.1} %", recall * 100.0);
    for miss in &misses {
        println!("  missed {miss}");
    }
    assert!(total >= 200, "the set holds {total} queries");
    assert!(recall >= 0.95, "recall@3 {:.1} % < 95 %", recall * 100.0);
}
