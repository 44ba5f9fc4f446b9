//! Properties of the search's normalisation (`normalise.rs`, over `text::fold`): any text is
//! folded, split and spelt out without panicking; normalising twice changes nothing; French
//! text matches whatever its case and accents; and the words of a name are the terms of a query
//! that spells it.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::normalise::{MAX_TERMS, query, typo_budget, words};
use crate::text::{fold, slug};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Any text, weighted towards what callers type: letters, accents, ligatures, punctuation,
/// digits, and the odd character from anywhere in Unicode.
fn messy_text() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        4 => proptest::char::range(' ', '~'),
        3 => proptest::sample::select(
            "àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ’‘-'ßẞİıſ\u{a0}\u{301}\u{212a}ǅ".chars().collect::<Vec<_>>()
        ),
        1 => any::<char>(),
    ];
    proptest::collection::vec(c, 0..40).prop_map(|chars| chars.into_iter().collect())
}

/// French text: the letters of names and towns, in either case, with their separators.
fn french_text() -> impl Strategy<Value = String> {
    "[a-zàâäçéèêëîïôöùûüÿœæ0-9 '’-]{0,40}"
}

/// What establishments are called: their usual words and abbreviations, names and numbers.
fn name() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        proptest::sample::select(vec![
            "Lycée",
            "LP",
            "LPO",
            "LGT",
            "Collège",
            "CLG",
            "St",
            "Ste",
            "Saint",
            "ND",
            "pro",
            "Polyvalent",
            "Général",
            "Technologique",
            "agricole",
            "privé",
            "des",
            "de",
            "la",
            "Métiers",
            "Hôtelier",
            "IV",
            "XIV",
            "d'Arc",
            "l'Œuvre",
            "Jean-Baptiste",
            "Cedex",
        ])
        .prop_map(str::to_owned),
        "[A-Za-zéèêàçô]{2,12}",
        "[0-9]{1,5}",
    ];
    proptest::collection::vec(word, 1..8).prop_map(|words| words.join(" "))
}

fn canonical(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    words(text, &mut out);
    out
}

proptest! {
    #![proptest_config(config(4096))]

    #[test]
    fn folding_is_idempotent_and_leaves_nothing_to_lower(text in messy_text()) {
        let folded = fold(&text);
        prop_assert_eq!(fold(&folded), folded.clone());
        prop_assert!(folded.chars().all(|c| c.to_lowercase().eq([c])), "{:?}", folded);
    }

    #[test]
    fn french_text_folds_alike_whatever_its_case_and_accents(text in french_text()) {
        let folded = fold(&text);
        prop_assert_eq!(fold(&text.to_uppercase()), folded.clone());
        prop_assert!(folded.is_ascii(), "{:?}", folded);
    }

    #[test]
    fn slugs_are_ascii_words_joined_once(text in messy_text(), sep in proptest::sample::select(vec!['-', '.', '_'])) {
        let slugged = slug(&text, sep);
        prop_assert!(slugged.chars().all(|c| c == sep || c.is_ascii_lowercase() || c.is_ascii_digit()));
        prop_assert!(!slugged.starts_with(sep) && !slugged.ends_with(sep));
        let doubled = format!("{sep}{sep}");
        prop_assert!(!slugged.contains(&doubled));
        prop_assert_eq!(slug(&slugged, sep), slugged.clone());
    }

    #[test]
    fn canonical_words_are_canonical_again(text in messy_text()) {
        let once = canonical(&text);
        for word in &once {
            prop_assert!(!word.is_empty());
            prop_assert!(word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()), "{:?}", word);
            prop_assert!(word.len() > 1 || word.as_bytes()[0].is_ascii_digit(), "{:?}", word);
        }
        prop_assert_eq!(canonical(&once.join(" ")), once.clone());
        prop_assert_eq!(canonical(&fold(&text)), once);
    }

    #[test]
    fn a_query_is_well_formed_whatever_is_typed(text in messy_text()) {
        let q = query(&text);
        prop_assert!(q.terms.len() <= MAX_TERMS);
        let distinct: BTreeSet<&str> = q.terms.iter().map(|t| t.word.as_str()).collect();
        prop_assert_eq!(distinct.len(), q.terms.len());
        for term in &q.terms {
            prop_assert!(!term.word.is_empty());
            prop_assert!(term.word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
            prop_assert_eq!(term.typos, typo_budget(&term.word));
        }
        let typing = fold(&text).chars().last().is_some_and(|c| c.is_ascii_alphanumeric());
        let prefixes = q.terms.iter().filter(|t| t.prefix.is_some()).count();
        prop_assert!(prefixes <= 1);
        prop_assert!(typing || prefixes == 0);
        if let Some(uai) = &q.uai {
            prop_assert!(uai.len() == 7 || uai.len() == 8, "{:?}", uai);
            prop_assert!(uai[..7].bytes().all(|b| b.is_ascii_digit()));
            prop_assert!(uai[7..].bytes().all(|b| b.is_ascii_lowercase()));
        }
        if let Some(prefix) = &q.uai_prefix {
            prop_assert!((4..=6).contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_digit()));
        }
        // A query folded already is the same query.
        prop_assert_eq!(query(&fold(&text)), q);
    }

    #[test]
    fn the_words_of_a_name_are_the_terms_of_a_query_spelling_it(name in name()) {
        let words = canonical(&name);
        let distinct: BTreeSet<&str> = words.iter().map(String::as_str).collect();
        let q = query(&format!("{name} "));
        let terms: BTreeSet<&str> = q.terms.iter().map(|t| t.word.as_str()).collect();
        prop_assert!(terms.is_subset(&distinct));
        if distinct.len() <= MAX_TERMS {
            prop_assert_eq!(terms, distinct);
        }
        prop_assert!(q.terms.iter().all(|t| t.prefix.is_none()));
        // Typed without the final space, the last word is a prefix of what was typed.
        let typing = query(&name);
        if let Some(term) = typing.terms.iter().find(|t| t.prefix.is_some()) {
            let last = fold(&name);
            prop_assert!(last.ends_with(term.prefix.as_deref().unwrap_or_default()));
        }
    }

    #[test]
    fn a_uai_said_in_a_query_is_found(
        before in name(),
        number in 0u32..10_000_000,
        apart in any::<bool>(),
        after in name(),
    ) {
        let letter = crate::model::uai::check_letter(number).to_ascii_lowercase();
        let said = if apart { format!("{number:07} {letter}") } else { format!("{number:07}{letter}") };
        // Names hold numbers of up to 5 digits: the UAI is the only 7-digit word.
        let q = query(&format!("{before} {said} {after}"));
        prop_assert_eq!(q.uai, Some(format!("{number:07}{letter}")));
    }
}
