//! Properties of the e-mail address parser: it never panics, what it accepts it accepts again
//! unchanged, every address built by the rules is accepted, and each broken rule is refused
//! with its own reason.

mod common;

use guichet_core::model::email::{EmailAddress, EmailError};
use proptest::prelude::*;

/// A local part of the characters RFC 5322 allows unquoted, dots only between them.
fn local_part() -> impl Strategy<Value = String> {
    let atom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,12}";
    proptest::collection::vec(atom, 1..4).prop_map(|atoms| atoms.join("."))
}

/// A domain of 2 to 4 labels of letters, digits and inner hyphens, the last not all digits,
/// in any case. No label starts with `xn--`: that names an internationalised label in its
/// ASCII form, which random letters are not (`xn--a` is refused, rightly).
fn domain() -> impl Strategy<Value = String> {
    let label = "[A-Za-z0-9]([A-Za-z0-9-]{0,10}[A-Za-z0-9])?"
        .prop_filter("an xn-- label must be valid punycode", |label: &String| {
            !label.to_ascii_lowercase().starts_with("xn--")
        });
    (
        proptest::collection::vec(label, 1..4),
        "[A-Za-z][A-Za-z0-9]{1,5}",
    )
        .prop_map(|(labels, tld)| format!("{}.{tld}", labels.join(".")))
}

fn address() -> impl Strategy<Value = (String, String)> {
    (local_part(), domain())
}

proptest! {
    #![proptest_config(common::cases(2048))]

    #[test]
    fn never_panics_and_what_it_accepts_it_accepts_again(input in common::messy_text(40)) {
        if let Ok(email) = EmailAddress::parse(&input) {
            let text = email.as_str();
            prop_assert_eq!(text.matches('@').count(), 1);
            prop_assert!(!text.chars().any(char::is_whitespace));
            prop_assert_eq!(format!("{}@{}", email.local_part(), email.domain()), text);
            prop_assert_eq!(email.domain(), email.domain().to_lowercase());
            prop_assert_eq!(EmailAddress::parse(text), Ok(email.clone()));
        }
    }

    #[test]
    fn near_addresses_never_panic_and_parse_twice_alike(
        (local, domain) in address(),
        noise in common::messy_text(4),
        at in 0usize..64,
    ) {
        // A valid address with a few odd characters put somewhere inside.
        let text = format!("{local}@{domain}");
        let at = text.char_indices().map(|(i, _)| i).nth(at % text.chars().count()).unwrap_or(0);
        let typed = format!("{}{noise}{}", &text[..at], &text[at..]);
        if let Ok(email) = EmailAddress::parse(&typed) {
            prop_assert_eq!(EmailAddress::parse(email.as_str()), Ok(email));
        }
    }

    #[test]
    fn a_valid_address_is_accepted_trimmed_with_its_domain_lower_cased(
        (local, domain) in address(),
        before in "[ \t\n]{0,3}",
        after in "[ \t\r\n]{0,3}",
    ) {
        prop_assume!(local.len() + 1 + domain.len() <= 254);
        let email = EmailAddress::parse(&format!("{before}{local}@{domain}{after}"))
            .expect("a valid address");
        prop_assert_eq!(email.local_part(), local.as_str());
        prop_assert_eq!(email.domain(), domain.to_lowercase());
        prop_assert_eq!(email.to_string(), format!("{local}@{}", domain.to_lowercase()));
    }

    #[test]
    fn an_internationalised_domain_is_accepted_as_typed(
        local in local_part(),
        label in "[a-zàâçéèêëîïôûùüÿœæ]{1,12}",
        tld in "(fr|com|org)",
    ) {
        prop_assume!(label.chars().any(char::is_alphabetic));
        let email = EmailAddress::parse(&format!("{local}@{label}.{tld}")).expect("valid");
        prop_assert_eq!(email.domain(), format!("{label}.{tld}"));
    }

    #[test]
    fn a_space_inside_is_refused((local, domain) in address(), at in 0usize..300) {
        let text = format!("{local}@{domain}");
        let at = 1 + at % (text.len() - 1);
        prop_assume!(text.is_char_boundary(at));
        let typed = format!("{} {}", &text[..at], &text[at..]);
        prop_assert_eq!(EmailAddress::parse(&typed), Err(EmailError::Space));
    }

    #[test]
    fn a_second_at_is_refused((local, domain) in address(), at in 0usize..300) {
        let domain_start = local.len() + 1;
        let text = format!("{local}@{domain}");
        // Another @ after the first one: the local part stays valid, the domain does not.
        let at = domain_start + at % (text.len() - domain_start + 1);
        let typed = format!("{}@{}", &text[..at], &text[at..]);
        prop_assert_eq!(EmailAddress::parse(&typed), Err(EmailError::SeveralAts));
    }

    #[test]
    fn a_forbidden_character_in_the_local_part_is_named(
        (local, domain) in address(),
        bad in proptest::sample::select(vec!['(', ')', ',', ':', ';', '<', '>', '[', ']', '\\', '"', '\u{a0}']),
        at in 0usize..40,
    ) {
        prop_assume!(!bad.is_whitespace());
        let at = at % (local.len() + 1);
        let typed = format!("{}{bad}{}@{domain}", &local[..at], &local[at..]);
        prop_assert_eq!(EmailAddress::parse(&typed), Err(EmailError::LocalCharacter(bad)));
    }

    #[test]
    fn misplaced_dots_in_the_local_part_are_refused(
        (local, domain) in address(),
        place in 0usize..3,
    ) {
        let typed = match place {
            0 => format!(".{local}@{domain}"),
            1 => format!("{local}.@{domain}"),
            _ => format!("{local}..x@{domain}"),
        };
        prop_assert_eq!(EmailAddress::parse(&typed), Err(EmailError::LocalDots));
    }

    #[test]
    fn a_domain_without_a_dot_or_with_a_bad_label_is_refused(
        local in local_part(),
        label in "[a-z0-9]{1,20}",
        (_, domain) in address(),
        broken in 0usize..4,
    ) {
        let (typed, expected) = match broken {
            0 => (format!("{local}@{label}"), EmailError::DomainWithoutDot),
            1 => (format!("{local}@-{domain}"), EmailError::InvalidDomain),
            2 => (format!("{local}@{domain}."), EmailError::InvalidDomain),
            _ => (format!("{local}@{label}..{domain}"), EmailError::InvalidDomain),
        };
        prop_assert_eq!(EmailAddress::parse(&typed), Err(expected));
    }

    #[test]
    fn a_long_address_with_capitals_that_lengthen_is_accepted_again(
        local in "[a-z]{20,64}",
        heads in proptest::collection::vec("[a-zA-ZİÉ]{1,3}", 5..8),
        target in 240usize..=254,
    ) {
        // Near 254 characters, with letters whose lower case is longer ("İ" → "i̇").
        let room = target - local.len() - 1 - ".fr".len();
        let count = heads.len();
        let each = (room - (count - 1)) / count;
        prop_assume!((3..=50).contains(&each));
        let mut labels: Vec<String> = heads
            .iter()
            .map(|head| format!("{head}{}", "x".repeat(each - head.chars().count())))
            .collect();
        let short = room - (count - 1) - each * count;
        labels[0].push_str(&"y".repeat(short));
        let text = format!("{local}@{}.fr", labels.join("."));
        prop_assert_eq!(text.chars().count(), target);
        if let Ok(email) = EmailAddress::parse(&text) {
            prop_assert!(email.as_str().chars().count() <= 254);
            prop_assert_eq!(EmailAddress::parse(email.as_str()), Ok(email));
        }
    }

    #[test]
    fn a_hyphen_around_a_label_is_refused_in_any_script(
        local in local_part(),
        label in "[a-zéèçàœ]{1,10}",
        at_end in any::<bool>(),
        (_, domain) in address(),
    ) {
        let label = if at_end { format!("{label}-") } else { format!("-{label}") };
        prop_assert_eq!(
            EmailAddress::parse(&format!("{local}@{label}.{domain}")),
            Err(EmailError::InvalidDomain)
        );
    }

    #[test]
    fn more_than_254_characters_are_refused(local in "[a-z]{1,64}", extra in 0usize..100) {
        let domain = format!("{}.fr", "a".repeat(60)).repeat(5);
        let typed = format!("{local}@{}", &domain[..domain.len().min(254 - local.len() + extra)]);
        prop_assume!(typed.chars().count() > 254);
        prop_assert_eq!(EmailAddress::parse(&typed), Err(EmailError::TooLong));
    }
}
