//! How callers say the words of a name: folded, shortened (lyc, clg, st), with a slip of the
//! finger on an AZERTY keyboard, without the words that only say what kind of establishment it
//! is.

use guichet_core::text::fold;

use crate::rng::Rng;

/// Words that say what kind of establishment it is, not which one.
pub const GENERIC: &[&str] = &[
    "lycee",
    "college",
    "ecole",
    "elementaire",
    "maternelle",
    "primaire",
    "prive",
    "privee",
    "public",
    "publique",
    "professionnel",
    "professionnelle",
    "polyvalent",
    "general",
    "technologique",
    "technique",
    "agricole",
    "metiers",
    "cio",
    "erea",
    "lp",
    "lpo",
    "lgt",
    "legt",
    "sep",
    "segt",
    "section",
    "enseignement",
    "site",
    "annexe",
    "au",
    "aux",
    "de",
    "des",
    "du",
    "en",
    "et",
    "la",
    "le",
    "les",
    "sur",
];

pub const KIND_WORDS: &[&str] = &["lycee", "college", "ecole", "cio", "erea"];

/// How callers shorten the words of a name.
pub fn abbreviate(words: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let word = words[i].as_str();
        let next = words.get(i + 1).map(String::as_str);
        let (said, used) = match (word, next) {
            ("lycee", Some("professionnel")) => ("lp", 2),
            ("lycee", Some("polyvalent")) => ("lpo", 2),
            ("lycee", _) => ("lyc", 1),
            ("college", _) => ("clg", 1),
            ("saint", _) => ("st", 1),
            ("sainte", _) => ("ste", 1),
            ("professionnel", _) => ("pro", 1),
            ("polyvalent", _) => ("polyv", 1),
            ("agricole", _) => ("agri", 1),
            ("notre", Some("dame")) => ("nd", 2),
            _ => (word, 1),
        };
        if !["de", "des", "du", "la", "le", "les", "d", "l"].contains(&said) {
            out.push(said.to_string());
        }
        i += used;
    }
    out
}

/// Folded words, as a caller types them without accents.
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

/// The words of a town a caller says: no "CEDEX", no sorting office number.
pub fn town_words(town: &str) -> Vec<String> {
    words(town)
        .into_iter()
        .filter(|w| w != "cedex" && !w.bytes().all(|b| b.is_ascii_digit()))
        .collect()
}

/// Rows of an AZERTY keyboard, for slips of the finger.
const AZERTY: [&str; 3] = ["azertyuiop", "qsdfghjklm", "wxcvbn"];

/// One slip in a lower-case ASCII word of 4 letters or more, first and last letters kept: a
/// neighbouring key, two letters swapped, a letter dropped or doubled.
pub fn typo(word: &str, rng: &mut Rng) -> String {
    let bytes = word.as_bytes();
    if bytes.len() < 4 {
        return word.to_string();
    }
    let i = 1 + rng.below(bytes.len() - 2);
    let mut out = bytes.to_vec();
    match rng.below(4) {
        0 if i + 2 < bytes.len() && bytes[i] != bytes[i + 1] => out.swap(i, i + 1),
        1 if bytes.len() > 4 => {
            out.remove(i);
        }
        2 => out.insert(i, bytes[i]),
        _ => {
            let c = bytes[i] as char;
            let near = AZERTY
                .iter()
                .find_map(|row| {
                    let j = row.find(c)?;
                    let row = row.as_bytes();
                    let left = j.checked_sub(1).map(|k| row[k]);
                    let right = row.get(j + 1).copied();
                    match (left, right) {
                        (Some(l), Some(r)) => Some(if rng.chance(50) { l } else { r }),
                        (l, r) => l.or(r),
                    }
                })
                .unwrap_or(if c == 'e' { b'a' } else { b'e' });
            out[i] = near;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| word.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_changes_the_word_but_not_its_ends() {
        let mut rng = Rng::new(3);
        for _ in 0..200 {
            let slipped = typo("lamartine", &mut rng);
            assert_ne!(slipped, "lamartine");
            assert!(
                slipped.starts_with('l') && slipped.ends_with('e'),
                "{slipped}"
            );
            assert!((8..=10).contains(&slipped.len()));
        }
        assert_eq!(typo("gif", &mut rng), "gif");
    }
}
