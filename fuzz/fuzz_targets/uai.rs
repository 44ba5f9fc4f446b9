//! `Uai::parse` on any text: no panic, and what it accepts is 7 digits and their check letter,
//! accepted again unchanged.
#![no_main]

use guichet_core::model::uai::{Uai, check_letter};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(uai) = Uai::parse(input) {
        let text = uai.as_str();
        assert_eq!(text.len(), 8, "{text:?}");
        let number: u32 = text[..7].parse().expect("seven digits");
        assert_eq!(text[7..].chars().next(), Some(check_letter(number)));
        assert_eq!(Uai::parse(text), Ok(uai.clone()));
    }
});
