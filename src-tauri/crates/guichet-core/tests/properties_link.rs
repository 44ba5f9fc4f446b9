//! Properties of the pasted-link parser behind « Vérifier un lien », and of the token checks it
//! leads to: whatever is pasted, it answers without panicking; a link the sender mints is read
//! back to the same selector and verifier however a mail client or a caller mangles it; a token
//! of the wrong length or with a character a token never has is refused with that reason; and
//! the site a pasted link points to is the portal's it was minted for.

mod common;

use chrono::{DateTime, NaiveDateTime};
use guichet_core::links::token::{
    IssuedToken, LinkParseError, RESET_PATH, SELECTOR_LENGTH, Secret, SigningKey, StoredRequest,
    TOKEN_LENGTH, digest_matches, hashed_token, matches, parse_link, site_of, token_digest,
};
use guichet_core::portal_time::from_portal;
use proptest::prelude::*;

/// A token as the portal's bundle draws it: 40 characters of `[A-Za-z0-9]`.
fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{40}"
}

/// A portal's base URL: https, a host, perhaps a port, a path prefix and a final slash.
fn portal_url() -> impl Strategy<Value = String> {
    (
        "(https|HTTPS|http)",
        "[a-z][a-z0-9-]{0,10}(\\.[a-z][a-z0-9-]{0,10}){0,3}\\.(fr|com|education\\.fr)"
            .prop_filter("valid labels", |host: &String| common::no_ace_label(host)),
        proptest::option::of(1u16..),
        "(/[a-z]{1,8}){0,2}",
        "/?",
    )
        .prop_map(|(scheme, host, port, path, slash)| {
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            format!("{scheme}://{host}{port}{path}{slash}")
        })
}

fn issued(token: &str) -> IssuedToken {
    let (selector, verifier) = token.split_at(SELECTOR_LENGTH);
    let midnight = NaiveDateTime::default();
    IssuedToken {
        selector: selector.to_owned(),
        verifier: Secret::new(verifier),
        hashed_token: String::new(),
        requested_at: midnight,
        expires_at: midnight,
    }
}

fn parsed(input: &str) -> Result<(String, String), LinkParseError> {
    parse_link(input).map(|p| (p.selector.clone(), p.verifier.expose().to_owned()))
}

/// The site a pasted link is read to point to.
fn site(input: &str) -> Option<String> {
    parse_link(input).ok().and_then(|p| p.site)
}

fn halves(token: &str) -> Result<(String, String), LinkParseError> {
    let (selector, verifier) = token.split_at(SELECTOR_LENGTH);
    Ok((selector.to_owned(), verifier.to_owned()))
}

/// What a mail client or an editor inserts into a long line.
fn line_break() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(vec![
        "\n", "\r\n", "\r\n  ", "\n\t", " ", "=\n", "=\r\n", "\u{200b}", "\u{ad}", "\u{feff}",
    ])
}

/// The text around a link in a message or a chat: words, spaces, and final punctuation.
fn words_before() -> impl Strategy<Value = String> {
    "([A-Za-zéèàç]{1,9} ){0,6}(: |\n|\n\n)?"
}

fn wrapping() -> impl Strategy<Value = (&'static str, &'static str)> {
    proptest::sample::select(vec![
        ("", ""),
        ("<", ">"),
        ("\"", "\""),
        ("'", "'"),
        ("« ", " »"),
        ("(", ")"),
        ("[", "]"),
        ("", "."),
        ("", ","),
        ("", " !"),
        ("", "?utm_source=mail"),
        ("", "#top"),
        ("", "\nCe lien expire dans 1 heure."),
        ("<a href=\"", "\">lien</a>"),
        ("<a href=3D\"", "\">lien</a>"),
    ])
}

proptest! {
    #![proptest_config(common::cases(2048))]

    #[test]
    fn never_panics_on_any_text(input in common::messy_text(80)) {
        if let Ok(token) = parse_link(&input) {
            prop_assert_eq!(token.selector.len(), SELECTOR_LENGTH);
            prop_assert_eq!(token.verifier.expose().len(), TOKEN_LENGTH - SELECTOR_LENGTH);
            prop_assert!(token.selector.bytes().all(|b| b.is_ascii_alphanumeric()));
            prop_assert!(token.verifier.expose().bytes().all(|b| b.is_ascii_alphanumeric()));
        }
    }

    #[test]
    fn never_panics_on_text_around_the_reset_path(
        before in common::messy_text(20),
        marker in proptest::sample::select(vec![
            "reset-password/reset", "RESET-PASSWORD/RESET", "reset-pass\nword/re set", "/reset-password/reset/",
        ]),
        after in common::messy_text(50),
    ) {
        let input = format!("{before}{marker}{after}");
        if let Ok(token) = parse_link(&input) {
            let whole = format!("{}{}", token.selector, token.verifier.expose());
            prop_assert!(whole.bytes().all(|b| b.is_ascii_alphanumeric()));
        }
    }

    #[test]
    fn a_minted_link_reads_back_to_its_token(token in token(), portal in portal_url()) {
        let link = issued(&token).link(&portal);
        prop_assert_eq!(parsed(link.expose()), halves(&token));
        prop_assert_eq!(site(link.expose()), site_of(&portal));
        prop_assert!(site_of(&portal).is_some());
        // The token alone, and the token read back, say the same.
        prop_assert_eq!(parsed(&token), halves(&token));
        let again = parse_link(link.expose()).expect("parsed");
        prop_assert_eq!(
            parsed(&format!("{}{}", again.selector, again.verifier.expose())),
            halves(&token)
        );
    }

    #[test]
    fn a_link_inside_text_brackets_or_quotes_reads_back(
        token in token(),
        portal in portal_url(),
        before in words_before(),
        (open, close) in wrapping(),
    ) {
        let link = issued(&token).link(&portal);
        let input = format!("{before}{open}{}{close}", link.expose());
        prop_assert_eq!(parsed(&input), halves(&token), "{:?}", input);
        prop_assert_eq!(site(&input), site_of(&portal), "{:?}", input);
    }

    #[test]
    fn a_link_cut_by_a_mail_client_reads_back(
        token in token(),
        portal in portal_url(),
        cuts in proptest::collection::vec((any::<prop::sample::Index>(), line_break()), 1..4),
    ) {
        let link = issued(&token).link(&portal).expose().to_owned();
        // Breaks inserted anywhere after the scheme, in the host, the path or the token.
        let start = link.find("://").expect("scheme") + 3;
        let mut positions: Vec<(usize, &str)> = cuts
            .iter()
            .map(|(index, text)| (start + index.index(link.len() - start), *text))
            .collect();
        positions.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
        let mut cut = link.clone();
        for (at, text) in positions {
            cut.insert_str(at, text);
        }
        prop_assert_eq!(parsed(&cut), halves(&token), "{:?}", cut);
        prop_assert_eq!(site(&cut), site_of(&portal), "{:?}", cut);
    }

    #[test]
    fn a_token_read_out_in_groups_reads_back(
        token in token(),
        sizes in proptest::collection::vec(1usize..8, 1..10),
    ) {
        let mut groups = Vec::new();
        let mut rest = token.as_str();
        for size in sizes.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (group, tail) = rest.split_at((*size).min(rest.len()));
            groups.push(group);
            rest = tail;
        }
        prop_assert_eq!(parsed(&groups.join(" ")), halves(&token));
        // A token alone names no site.
        prop_assert_eq!(site(&groups.join(" ")), None);
    }

    #[test]
    fn a_token_of_another_length_is_refused_with_its_length(
        short in "[A-Za-z0-9]{1,80}",
        portal in portal_url(),
    ) {
        prop_assume!(short.len() != TOKEN_LENGTH);
        let expected = Err(LinkParseError::WrongLength { found: short.len() });
        prop_assert_eq!(parsed(&short), expected.clone());
        let link = format!("{}{RESET_PATH}/{short}", portal.trim_end_matches('/'));
        prop_assert_eq!(parsed(&link), expected);
    }

    #[test]
    fn a_character_no_token_has_is_named(
        token in token(),
        // Inside the token: a final full stop or comma is read as the sentence's.
        at in 1usize..TOKEN_LENGTH - 1,
        bad in proptest::sample::select(vec!['-', '_', 'é', 'Ø', '~', '$', '%', '*', '+', '.', ',', ':', '/', '=', '😀']),
        portal in portal_url(),
    ) {
        let mut chars: Vec<char> = token.chars().collect();
        chars[at] = bad;
        let altered: String = chars.into_iter().collect();
        let link = format!("{}{RESET_PATH}/{altered}", portal.trim_end_matches('/'));
        prop_assert_eq!(
            parsed(&link),
            Err(LinkParseError::ForbiddenCharacters { found: bad.to_string() })
        );
    }

    #[test]
    fn the_ledger_digest_tells_an_intact_token_from_an_altered_one(
        token in token(),
        at in 0usize..SELECTOR_LENGTH,
        other in "[A-Za-z0-9]",
    ) {
        let (selector, verifier) = token.split_at(SELECTOR_LENGTH);
        let digest = token_digest(selector, &Secret::new(verifier));
        prop_assert_eq!(digest.len(), 64);
        prop_assert!(digest_matches(selector, &Secret::new(verifier), &digest));
        let mut altered = verifier.to_owned();
        altered.replace_range(at..at + 1, &other);
        prop_assert_eq!(
            digest_matches(selector, &Secret::new(altered.as_str()), &digest),
            altered == verifier
        );
        prop_assert!(!digest_matches(selector, &Secret::new(verifier), &digest[..63]));
    }

    #[test]
    fn the_portal_hash_verifies_its_own_verifier_only(
        verifier in common::messy_text(24),
        other in common::messy_text(24),
        user_id in any::<i32>(),
        expires in 0i64..4_102_444_800,
        key in "[ -~]{1,40}",
    ) {
        // Any verifier, even one no token holds: the JSON payload is PHP's for every string.
        let key = SigningKey::new(key).expect("a key");
        let tz = chrono_tz::Europe::Paris;
        let naive = DateTime::from_timestamp(expires, 0).expect("instant").with_timezone(&tz).naive_local();
        let stored = StoredRequest {
            user_id,
            hashed_token: hashed_token(&key, &verifier, user_id, from_portal(tz, naive).timestamp()),
            expires_at: naive,
        };
        prop_assert!(matches(&key, &stored, &Secret::new(verifier.as_str()), tz));
        prop_assert_eq!(matches(&key, &stored, &Secret::new(other.as_str()), tz), other == verifier);
    }
}
