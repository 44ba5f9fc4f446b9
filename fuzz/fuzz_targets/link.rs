//! `parse_link`, the reading of a pasted link behind « Vérifier un lien », on any text: no
//! panic, and what it accepts is a 20-character selector and a 20-character verifier of
//! `[A-Za-z0-9]`, read again from the token alone.
#![no_main]

use guichet_core::links::token::parse_link;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(token) = parse_link(input) {
        let (selector, verifier) = (&token.selector, token.verifier.expose());
        assert_eq!(selector.len(), 20);
        assert_eq!(verifier.len(), 20);
        assert!(
            selector
                .bytes()
                .chain(verifier.bytes())
                .all(|b| b.is_ascii_alphanumeric())
        );
        let again = parse_link(&format!("{selector}{verifier}")).expect("the token alone");
        assert_eq!(&again.selector, selector);
        assert_eq!(again.verifier.expose(), verifier);
    }
});
