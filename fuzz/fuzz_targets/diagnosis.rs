//! The diagnosis of a typed address (its own syntax check, repair and near matches) on any
//! text, against a small address book: no panic.
#![no_main]

use std::sync::OnceLock;

use guichet_core::diagnosis::{AddressBook, EstablishmentRef, functional_uai};
use libfuzzer_sys::fuzz_target;

#[path = "../../src-tauri/crates/guichet-core/tests/oracles/mod.rs"]
mod oracles;

fn book() -> &'static AddressBook {
    static BOOK: OnceLock<AddressBook> = OnceLock::new();
    BOOK.get_or_init(|| AddressBook::build(oracles::BOOK))
}

fuzz_target!(|input: &str| {
    let _ = functional_uai(input);
    let draft = book().diagnose(input, |uai| {
        Some(EstablishmentRef {
            uai: uai.clone(),
            name: "Lycée Henri-IV".into(),
            academie: "Paris".into(),
        })
    });
    let _ = draft.finish([]);
});
