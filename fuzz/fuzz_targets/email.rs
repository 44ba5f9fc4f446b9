//! `EmailAddress::parse` on any text: no panic, and what it accepts is one `@`, no whitespace, a
//! lower-case domain, at most 254 characters, accepted again unchanged.
#![no_main]

use guichet_core::model::email::EmailAddress;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(email) = EmailAddress::parse(input) {
        let text = email.as_str();
        assert_eq!(text.matches('@').count(), 1, "{text:?}");
        assert!(!text.chars().any(char::is_whitespace), "{text:?}");
        assert!(text.chars().count() <= 254, "{text:?}");
        assert_eq!(email.domain(), email.domain().to_lowercase());
        assert_eq!(EmailAddress::parse(text), Ok(email.clone()));
    }
});
