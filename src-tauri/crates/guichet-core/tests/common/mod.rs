//! What the property tests share: their configuration and a few generators of text.

#![allow(dead_code)]

use proptest::prelude::*;
use proptest::test_runner::Config;

/// The default 256 cases, or more where a case costs microseconds. Failures are not written to
/// `proptest-regressions/`: a case found is kept as a unit test beside the code it broke.
pub fn cases(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Any text, weighted towards the characters parsers trip on: ASCII punctuation, whitespace and
/// control characters, accents, multi-byte and invisible characters, and any `char` at all.
pub fn messy_text(max_len: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(messy_char(), 0..=max_len)
        .prop_map(|chars| chars.into_iter().collect())
}

pub fn messy_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range(' ', '~'),
        2 => proptest::sample::select(vec![
            '\t', '\n', '\r', '\u{0}', '\u{7f}', '\u{a0}', '\u{ad}', '\u{200b}', '\u{feff}',
            '\u{2028}', 'é', 'É', 'ß', 'ẞ', 'İ', 'ı', 'ſ', '\u{212a}', 'œ', 'Œ', '’', '«', '»', '@', '.',
            '/', '=', '%', '?', '#', ';', '"', '\'', '。', '０', '٣', '🙂', '\u{301}', '\u{10ffff}',
        ]),
        1 => any::<char>(),
    ]
}

/// Whether no label of `host` starts with `xn--`: such a label names an internationalised one
/// in its ASCII form, which random letters are not, so that URL and IDNA parsers rightly refuse
/// it. Generators of valid hosts leave those out.
pub fn no_ace_label(host: &str) -> bool {
    host.split('.')
        .all(|label| !label.to_ascii_lowercase().starts_with("xn--"))
}
