//! Properties of the UAI parser: whatever is typed, it answers without panicking; every real
//! UAI is accepted however it is typed, and nothing else is.

mod common;

use guichet_core::model::uai::{Uai, UaiError, check_letter};
use proptest::prelude::*;

/// A 7-digit number and its UAI as the reference lists spell it.
fn valid() -> impl Strategy<Value = (u32, String)> {
    (0u32..10_000_000).prop_map(|number| (number, format!("{number:07}{}", check_letter(number))))
}

/// How a person may type a valid UAI: surrounding whitespace and a lower-case letter.
fn as_typed(uai: &str) -> impl Strategy<Value = String> + use<> {
    let uai = uai.to_owned();
    (
        proptest::sample::select(vec!["", " ", "  ", "\t", "\u{a0}", "\n"]),
        any::<bool>(),
        proptest::sample::select(vec!["", " ", "\r\n", "\u{2003}"]),
    )
        .prop_map(move |(before, lower, after)| {
            let uai = if lower {
                uai.to_lowercase()
            } else {
                uai.clone()
            };
            format!("{before}{uai}{after}")
        })
}

proptest! {
    #![proptest_config(common::cases(4096))]

    #[test]
    fn never_panics_and_accepts_only_the_canonical_form(input in common::messy_text(12)) {
        if let Ok(uai) = Uai::parse(&input) {
            let text = uai.as_str();
            prop_assert_eq!(text.len(), 8);
            let number: u32 = text[..7].parse().expect("seven digits");
            prop_assert!(text[..7].bytes().all(|b| b.is_ascii_digit()));
            prop_assert_eq!(text[7..].chars().next(), Some(check_letter(number)));
        }
    }

    #[test]
    fn a_valid_uai_is_accepted_and_round_trips((number, uai) in valid()) {
        let parsed = Uai::parse(&uai).expect("a valid UAI");
        prop_assert_eq!(parsed.as_str(), uai.as_str());
        prop_assert_eq!(Uai::parse(&parsed.to_string()), Ok(parsed.clone()));
        let prefix = number / 10_000;
        prop_assert_eq!(Uai::from_parts(prefix, number % 10_000), parsed.clone());
        // Serde goes through the same parser.
        let json = serde_json::to_string(&parsed).expect("serialised");
        prop_assert_eq!(serde_json::from_str::<Uai>(&json).expect("deserialised"), parsed);
    }

    #[test]
    fn spaces_and_case_as_typed_change_nothing(
        (typed, uai) in valid().prop_flat_map(|(_, uai)| (as_typed(&uai), Just(uai)))
    ) {
        prop_assert_eq!(Uai::parse(&typed).map(String::from), Ok(uai));
    }

    #[test]
    fn a_wrong_letter_is_named_with_the_right_one(
        (number, _) in valid(),
        letter in proptest::char::range('A', 'Z'),
    ) {
        let expected = check_letter(number);
        let typed = format!("{number:07}{letter}");
        let result = Uai::parse(&typed);
        if letter == expected {
            prop_assert!(result.is_ok());
        } else {
            prop_assert_eq!(result, Err(UaiError::WrongLetter { found: letter, expected }));
        }
        prop_assert_eq!(
            Uai::parse(&format!("{number:07}")),
            Err(UaiError::MissingLetter { expected })
        );
    }

    #[test]
    fn a_mistyped_digit_is_never_accepted_with_the_old_letter(
        (number, uai) in valid(),
        position in 0usize..7,
        digit in 0u8..10,
    ) {
        let mut bytes = uai.into_bytes();
        let replaced = b'0' + digit;
        prop_assume!(bytes[position] != replaced);
        bytes[position] = replaced;
        let typed = String::from_utf8(bytes).expect("ASCII");
        let other: u32 = typed[..7].parse().expect("digits");
        // The numbers differ by d·10^k with 0 < |d| < 10: never a multiple of 23, so the check
        // letter catches every single-digit typo.
        prop_assert_ne!(check_letter(other), check_letter(number));
        prop_assert!(Uai::parse(&typed).is_err());
    }

    #[test]
    fn anything_but_seven_digits_and_a_letter_is_malformed(
        (_, uai) in valid(),
        position in 0usize..8,
        intruder in common::messy_char()
            .prop_filter("neither a letter, a digit nor a space", |c| {
                !c.is_alphanumeric() && !c.is_whitespace()
            }),
    ) {
        // One character of the UAI replaced by what is neither a digit nor a letter.
        let mut chars: Vec<char> = uai.chars().collect();
        chars[position] = intruder;
        let typed: String = chars.into_iter().collect();
        prop_assert_eq!(Uai::parse(&typed), Err(UaiError::Malformed));
    }
}
