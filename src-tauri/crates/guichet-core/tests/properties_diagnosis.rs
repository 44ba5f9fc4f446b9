//! Properties of the diagnosis of a typed address (« adresse non reconnue »), which reads the
//! address with a syntax check of its own: it never panics, it agrees with the address parser
//! on what is well-formed, and an address the book holds is found however it is typed.

mod common;
mod oracles;

use guichet_core::diagnosis::{AddressBook, Finding, Verdict};
use guichet_core::model::email::EmailAddress;
use proptest::prelude::*;

fn book() -> AddressBook {
    AddressBook::build(oracles::BOOK)
}

fn diagnose(book: &AddressBook, input: &str) -> guichet_core::diagnosis::Diagnosis {
    book.diagnose(input, |_| None).finish([])
}

proptest! {
    #![proptest_config(common::cases(1024))]

    #[test]
    fn any_text_is_diagnosed_without_panicking(input in common::messy_text(40)) {
        let diagnosis = diagnose(&book(), &input);
        prop_assert!(!diagnosis.action.is_empty());
        prop_assert_eq!(diagnosis.syntax.is_some(), diagnosis.normalised.is_none());
        if let Some(problem) = &diagnosis.syntax {
            let said = diagnosis.findings.iter().any(|f| {
                matches!(&f.finding, Finding::Syntax { problem: p, .. } if p == problem)
            });
            prop_assert!(said, "{:?}", diagnosis.findings);
        }
    }

    #[test]
    fn what_the_diagnosis_reads_as_well_formed_the_parser_stores_alike(
        local in "[A-Za-z0-9._+!#$%&'*/=?^`{|}~éß-]{1,12}",
        domain in "[A-Za-z0-9éÉ-]{1,10}(\\.[A-Za-z0-9-]{1,6})?\\.[A-Za-z]{2,4}\\.?",
        around in "[ ]{0,2}",
    ) {
        let input = format!("{around}{local}@{domain}{around}");
        let diagnosis = diagnose(&book(), &input);
        let parsed = EmailAddress::parse(&input).ok().map(String::from);
        if let (Some(normalised), Some(parsed)) = (&diagnosis.normalised, &parsed) {
            prop_assert_eq!(normalised, parsed);
        }
        // The diagnosis is the more lenient: what the parser takes, it takes too.
        if parsed.is_some() {
            prop_assert!(diagnosis.normalised.is_some(), "{:?}: {:?}", input, diagnosis.syntax);
        }
    }

    #[test]
    fn an_address_the_book_holds_is_found_however_typed(
        index in 0usize..oracles::BOOK.len(),
        upper in proptest::collection::vec(any::<bool>(), 40),
        before in "[ \t]{0,2}",
        after in "[ \t\n]{0,2}",
    ) {
        let (account, email) = oracles::BOOK[index];
        let typed: String = email
            .chars()
            .zip(upper.iter().cycle())
            .map(|(c, up)| if *up { c.to_uppercase().next().unwrap_or(c) } else { c })
            .collect();
        let diagnosis = diagnose(&book(), &format!("{before}{typed}{after}"));
        let found = match &diagnosis.verdict {
            Verdict::Known { account_id, .. } | Verdict::KnownUnattached { account_id, .. } => Some(*account_id),
            _ => None,
        };
        prop_assert_eq!(found, Some(account), "{:?}", diagnosis.verdict);
    }
}
