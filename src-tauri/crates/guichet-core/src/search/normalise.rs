//! The words the search index compares: folded, split, abbreviations spelt out, filler dropped.
//!
//! Names, towns and queries all go through [`words`], so that "LP St-Exupéry" in a name and
//! "lycée pro saint exupery" in a query meet on the same words.

use crate::text::fold;

/// The most terms a query keeps: beyond, a caller is reading a paragraph, not a name.
pub const MAX_TERMS: usize = 10;

/// Words that tell no establishment apart ("lycée de la Plaine", "Nice Cedex 1"), on both sides.
const STOP_WORDS: &[&str] = &[
    "au", "aux", "cedex", "de", "des", "du", "en", "et", "la", "le", "les", "sous", "sur",
];

/// The canonical words an abbreviation, a plural or a feminine stands for.
fn spell_out(word: &str) -> Option<&'static [&'static str]> {
    Some(match word {
        "lyc" | "lycee" | "lycees" => &["lycee"],
        "lp" | "lep" => &["lycee", "professionnel"],
        "lpo" => &["lycee", "polyvalent"],
        "lgt" | "legt" => &["lycee", "general", "technologique"],
        "legta" => &["lycee", "general", "technologique", "agricole"],
        "lpa" => &["lycee", "professionnel", "agricole"],
        "lt" => &["lycee", "technologique"],
        "gt" => &["general", "technologique"],
        "sep" => &["section", "enseignement", "professionnel"],
        "clg" | "coll" | "college" | "colleges" => &["college"],
        "ecole" | "ecoles" => &["ecole"],
        "st" | "ste" | "sts" | "saint" | "sainte" | "saints" | "saintes" => &["saint"],
        "nd" => &["notre", "dame"],
        "pro" | "prof" | "professionnel" | "professionnelle" | "professionnels"
        | "professionnelles" => &["professionnel"],
        "poly" | "polyv" | "polyvalent" | "polyvalente" | "polyvalents" => &["polyvalent"],
        "agri" | "agric" | "agricole" | "agricoles" => &["agricole"],
        "gen" | "general" | "generale" | "generaux" | "generales" => &["general"],
        "techno" | "technologique" | "technologiques" => &["technologique"],
        "priv" | "prive" | "privee" | "prives" | "privees" => &["prive"],
        "hotelier" | "hoteliere" | "hoteliers" | "hotelieres" => &["hotelier"],
        "metier" | "metiers" => &["metier"],
        "ii" => &["2"],
        "iii" => &["3"],
        "iv" => &["4"],
        "vi" => &["6"],
        "vii" => &["7"],
        "viii" => &["8"],
        "ix" => &["9"],
        "xi" => &["11"],
        "xii" => &["12"],
        "xiii" => &["13"],
        "xiv" => &["14"],
        "xv" => &["15"],
        "xvi" => &["16"],
        "xx" => &["20"],
        "xxiii" => &["23"],
        _ => return None,
    })
}

/// Whether a folded word is dropped: a filler word or a lone letter (the "d" of "d'Arc").
fn is_stop_word(word: &str) -> bool {
    (word.len() == 1 && word.as_bytes()[0].is_ascii_alphabetic()) || STOP_WORDS.contains(&word)
}

/// Folded raw words: lower case, no accents, split on anything but ASCII letters and digits.
fn raw_words(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// Appends the canonical words of one raw folded word.
fn push_canonical(raw: &str, out: &mut Vec<String>) {
    if is_stop_word(raw) {
        return;
    }
    match spell_out(raw) {
        Some(words) => out.extend(words.iter().map(|w| w.to_string())),
        None => out.push(raw.to_string()),
    }
}

/// The canonical words of a name, a town or an académie, in order, repeats kept.
pub fn words(text: &str, out: &mut Vec<String>) {
    for raw in raw_words(&fold(text)) {
        push_canonical(raw, out);
    }
}

/// How many typos a word may carry and still match: none up to 3 letters, 1 up to 7, then 2.
/// Words with digits (postcodes, numbers) never match with a typo.
pub fn typo_budget(word: &str) -> u8 {
    if !word.bytes().all(|b| b.is_ascii_alphabetic()) {
        return 0;
    }
    match word.len() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// One word of a query, matched exactly, with typos, and by prefix when it is being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The canonical word.
    pub word: String,
    /// The word as typed (folded), when the caller has not finished typing it.
    pub prefix: Option<String>,
    pub typos: u8,
}

/// A query cut into what the index looks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<Term>,
    /// A token shaped like a UAI: 7 digits, with or without a letter (lower case).
    pub uai: Option<String>,
    /// The 4 to 6 digits of a UAI being typed.
    pub uai_prefix: Option<String>,
}

/// Cuts a query into terms. The last word is a prefix unless the query ends with a separator.
pub fn query(text: &str) -> Query {
    let folded = fold(text);
    let typing = folded
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let raws: Vec<&str> = raw_words(&folded).collect();
    let mut query = Query::default();
    let mut canonical = Vec::new();
    let mut i = 0;
    while i < raws.len() {
        let raw = raws[i];
        let last = i + 1 == raws.len();
        i += 1;
        if query.uai.is_none() && is_uai_like(raw) {
            let mut uai = raw.to_string();
            // "0750654 d": the letter said apart from the digits.
            if raw.len() == 7 && raws.get(i).is_some_and(|next| is_letter(next)) {
                uai.push_str(raws[i]);
                i += 1;
            }
            query.uai = Some(uai);
            continue;
        }
        if last && typing && (4..=6).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_digit())
        {
            query.uai_prefix = Some(raw.to_string());
        }
        canonical.clear();
        push_canonical(raw, &mut canonical);
        let prefix = (last && typing && raw.len() >= 2).then(|| raw.to_string());
        if canonical.is_empty() {
            continue;
        }
        let count = canonical.len();
        for (n, word) in canonical.drain(..).enumerate() {
            // Only the last of the words an abbreviation spells out continues as typed.
            let prefix = if n + 1 == count { prefix.clone() } else { None };
            match query.terms.iter_mut().find(|t| t.word == word) {
                Some(term) => term.prefix = term.prefix.take().or(prefix),
                None => query.terms.push(Term {
                    typos: typo_budget(&word),
                    word,
                    prefix,
                }),
            }
        }
    }
    query.terms.truncate(MAX_TERMS);
    query
}

fn is_letter(word: &str) -> bool {
    word.len() == 1 && word.as_bytes()[0].is_ascii_alphabetic()
}

fn is_uai_like(word: &str) -> bool {
    let bytes = word.as_bytes();
    (bytes.len() == 7 || bytes.len() == 8)
        && bytes[..7].iter().all(u8::is_ascii_digit)
        && bytes[7..].iter().all(u8::is_ascii_alphabetic)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        words(text, &mut out);
        out
    }

    fn term_words(text: &str) -> Vec<String> {
        query(text).terms.into_iter().map(|t| t.word).collect()
    }

    #[test]
    fn names_and_queries_meet_on_the_same_words() {
        assert_eq!(
            canonical("LP LYCÉE DES MÉTIERS ST-EXUPÉRY"),
            [
                "lycee",
                "professionnel",
                "lycee",
                "metier",
                "saint",
                "exupery"
            ]
        );
        assert_eq!(
            term_words("lycée pro Saint Exupery "),
            ["lycee", "professionnel", "saint", "exupery"]
        );
        assert_eq!(canonical("Nice Cedex 1"), ["nice", "1"]);
        assert_eq!(canonical("Lycée Jeanne d'Arc"), ["lycee", "jeanne", "arc"]);
        assert_eq!(canonical("Henri-IV"), ["henri", "4"]);
    }

    #[test]
    fn abbreviations_spell_out_to_several_words() {
        assert_eq!(
            term_words("lgt edgar quinet "),
            ["lycee", "general", "technologique", "edgar", "quinet"]
        );
        assert_eq!(term_words("clg ste marie "), ["college", "saint", "marie"]);
        assert_eq!(term_words("lpo polyv "), ["lycee", "polyvalent"]);
    }

    #[test]
    fn only_the_last_word_being_typed_is_a_prefix() {
        let q = query("lycee jean moul");
        assert_eq!(q.terms[2].prefix.as_deref(), Some("moul"));
        assert!(q.terms[..2].iter().all(|t| t.prefix.is_none()));
        assert!(query("lycee jean moul ").terms[2].prefix.is_none());
        // The abbreviation and the word being typed are both kept.
        let q = query("lycee st");
        assert_eq!(q.terms[1].word, "saint");
        assert_eq!(q.terms[1].prefix.as_deref(), Some("st"));
    }

    #[test]
    fn typo_budget_grows_with_the_word() {
        assert_eq!(typo_budget("lyc"), 0);
        assert_eq!(typo_budget("hugo"), 1);
        assert_eq!(typo_budget("pasteur"), 1);
        assert_eq!(typo_budget("victoria"), 2);
        assert_eq!(typo_budget("75005"), 0);
    }

    #[test]
    fn finds_a_uai_with_or_without_its_letter() {
        assert_eq!(query("0750654D").uai.as_deref(), Some("0750654d"));
        assert_eq!(query("0750654").uai.as_deref(), Some("0750654"));
        assert_eq!(query("0750654 d").uai.as_deref(), Some("0750654d"));
        assert_eq!(query("07506").uai_prefix.as_deref(), Some("07506"));
        assert_eq!(query("07506 ").uai_prefix, None);
        assert!(query("075065").terms.iter().any(|t| t.word == "075065"));
    }
}
