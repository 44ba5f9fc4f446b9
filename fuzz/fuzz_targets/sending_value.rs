//! Each sending setting's check on any value: no panic, a value it accepts checks again to
//! itself and resolves; the lifetime's words never panic either.
#![no_main]

use guichet_core::mail::sending::{SendingName, SendingSettings, SendingValues, lifetime_in_words};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    for name in SendingName::ALL {
        if let Ok(Some(value)) = name.check(input) {
            assert_eq!(
                name.check(&value).ok(),
                Some(Some(value.clone())),
                "{value:?}"
            );
            let mut values = SendingValues::default();
            values.set(name, Some(value));
            assert!(SendingSettings::resolve(&values, &SendingValues::default()).is_ok());
        }
    }
    let _ = SendingName::parse(input);
    if let Some(bytes) = input.as_bytes().first_chunk::<4>() {
        let _ = lifetime_in_words(u32::from_le_bytes(*bytes));
    }
});
