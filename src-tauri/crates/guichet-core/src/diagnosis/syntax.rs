//! Reading an address as typed: its syntax, and the forms addresses are compared in.

use serde::Serialize;

use crate::text::fold;

/// Longest local part and address the mail standards allow (RFC 5321).
const MAX_LOCAL: usize = 64;
const MAX_ADDRESS: usize = 254;
const MAX_LABEL: usize = 63;

/// Why a text is not an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SyntaxProblem {
    Empty,
    MissingAt,
    SeveralAt {
        count: u32,
    },
    Space,
    EmptyLocalPart,
    EmptyDomain,
    TooLong,
    /// A dot at the start or end of the local part, or two dots in a row.
    LocalPartDots,
    LocalPartCharacter {
        character: char,
    },
    /// The domain ends with a dot (`gmail.com.`).
    TrailingDot,
    /// No dot in the domain (`gmail`).
    DomainWithoutDot,
    /// An empty label (`gmail..com`), a hyphen at a label's end, a label too long, a numeric
    /// top-level domain.
    DomainLabel {
        label: String,
    },
    DomainCharacter {
        character: char,
    },
}

impl SyntaxProblem {
    /// What is wrong, in French, to complete "Adresse invalide\u{a0}: …".
    pub fn message(&self) -> String {
        match self {
            SyntaxProblem::Empty => "rien n’a été saisi".into(),
            SyntaxProblem::MissingAt => "il manque l’arobase (@)".into(),
            SyntaxProblem::SeveralAt { count } => {
                format!("il y a {count} arobases (@), il en faut une seule")
            }
            SyntaxProblem::Space => "elle contient une espace".into(),
            SyntaxProblem::EmptyLocalPart => "rien avant l’arobase (@)".into(),
            SyntaxProblem::EmptyDomain => "rien après l’arobase (@)".into(),
            SyntaxProblem::TooLong => "elle est trop longue".into(),
            SyntaxProblem::LocalPartDots => {
                "un point au début ou à la fin de la partie avant l’arobase, ou deux points de suite"
                    .into()
            }
            SyntaxProblem::LocalPartCharacter { character } => {
                format!("le caractère «\u{a0}{character}\u{a0}» est interdit avant l’arobase")
            }
            SyntaxProblem::TrailingDot => "le domaine se termine par un point".into(),
            SyntaxProblem::DomainWithoutDot => {
                "le domaine n’a pas d’extension (.fr, .com…)".into()
            }
            SyntaxProblem::DomainLabel { label } => {
                format!("le domaine est mal formé («\u{a0}{label}\u{a0}»)")
            }
            SyntaxProblem::DomainCharacter { character } => {
                format!("le caractère «\u{a0}{character}\u{a0}» est interdit dans le domaine")
            }
        }
    }
}

/// A well-formed address: the local part as typed, the domain in lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub local: String,
    pub domain: String,
}

impl Parsed {
    /// The form to store: the local part as typed, the domain in lower case.
    pub fn normalised(&self) -> String {
        format!("{}@{}", self.local, self.domain)
    }
}

/// Checks an address typed by a person; surrounding spaces are ignored. Internationalised
/// domains (`école.fr`) are accepted and kept in Unicode, lower case.
pub fn parse(input: &str) -> Result<Parsed, SyntaxProblem> {
    let text = input.trim();
    if text.is_empty() {
        return Err(SyntaxProblem::Empty);
    }
    let ats = text.matches('@').count();
    match ats {
        0 => return Err(SyntaxProblem::MissingAt),
        1 => {}
        n => {
            return Err(SyntaxProblem::SeveralAt {
                count: u32::try_from(n).unwrap_or(u32::MAX),
            });
        }
    }
    if text.chars().any(char::is_whitespace) {
        return Err(SyntaxProblem::Space);
    }
    let (local, domain) = text.split_once('@').unwrap_or((text, ""));
    if local.is_empty() {
        return Err(SyntaxProblem::EmptyLocalPart);
    }
    if domain.is_empty() {
        return Err(SyntaxProblem::EmptyDomain);
    }
    if local.len() > MAX_LOCAL || text.len() > MAX_ADDRESS {
        return Err(SyntaxProblem::TooLong);
    }
    check_local(local)?;
    let domain = domain.to_lowercase();
    check_domain(&domain)?;
    Ok(Parsed {
        local: local.to_string(),
        domain,
    })
}

fn check_local(local: &str) -> Result<(), SyntaxProblem> {
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(SyntaxProblem::LocalPartDots);
    }
    // The dot-atom of RFC 5322; letters beyond ASCII as RFC 6531 allows (accents typed).
    match local
        .chars()
        .find(|&c| !(c.is_alphanumeric() || ".!#$%&'*+-/=?^_`{|}~".contains(c)))
    {
        Some(character) => Err(SyntaxProblem::LocalPartCharacter { character }),
        None => Ok(()),
    }
}

fn check_domain(domain: &str) -> Result<(), SyntaxProblem> {
    if domain.ends_with('.') {
        return Err(SyntaxProblem::TrailingDot);
    }
    if let Some(character) = domain
        .chars()
        .find(|&c| !(c.is_alphanumeric() || c == '-' || c == '.'))
    {
        return Err(SyntaxProblem::DomainCharacter { character });
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err(SyntaxProblem::DomainWithoutDot);
    }
    let bad = |label: &str| {
        label.is_empty()
            || label.starts_with('-')
            || label.ends_with('-')
            || label.chars().count() > MAX_LABEL
    };
    if let Some(label) = labels.iter().find(|label| bad(label)) {
        return Err(SyntaxProblem::DomainLabel {
            label: label.to_string(),
        });
    }
    let tld = labels[labels.len() - 1];
    if tld.chars().all(|c| c.is_ascii_digit()) {
        return Err(SyntaxProblem::DomainLabel {
            label: tld.to_string(),
        });
    }
    Ok(())
}

/// The address without the slips that are surely not meant (spaces, a trailing dot), when
/// that makes it well-formed.
pub fn repair(input: &str) -> Option<Parsed> {
    let text: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    let text = text.trim_end_matches('.');
    parse(text).ok().filter(|_| text != input.trim())
}

/// A stored address split into its compared forms: local part in lower case, domain in lower
/// case. Stored rows are not re-validated: whatever they hold is indexed.
pub fn split_stored(email: &str) -> (String, String) {
    let email = email.trim();
    match email.rsplit_once('@') {
        Some((local, domain)) => (local.to_lowercase(), domain.to_lowercase()),
        None => (email.to_lowercase(), String::new()),
    }
}

/// What is left of a lower-case local part once the variations callers do not hear are
/// removed: accents, `-` and `_` typed for `.`, the `ce.` prefix of functional addresses.
pub fn skeleton(local: &str, out: &mut String) {
    out.clear();
    let folded;
    let text = if local.is_ascii() {
        local
    } else {
        folded = fold(local);
        &folded
    };
    let text = text
        .strip_prefix("ce.")
        .or_else(|| text.strip_prefix("ce-"))
        .or_else(|| text.strip_prefix("ce_"))
        .filter(|rest| !rest.is_empty())
        .unwrap_or(text);
    out.extend(
        text.chars()
            .map(|c| if c == '-' || c == '_' { '.' } else { c }),
    );
}

/// Which characters a skeleton holds, one bit each (rare ones share bits). An edit changes
/// at most two bits, so two strings within `k` edits differ in at most `2k` bits.
pub fn mask(skeleton: &str) -> u64 {
    skeleton.chars().fold(0, |mask, c| {
        let bit = match c {
            'a'..='z' => c as u32 - 'a' as u32,
            '0'..='9' => 26 + c as u32 - '0' as u32,
            '.' => 36,
            _ => 37 + c as u32 % 27,
        };
        mask | 1 << bit
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(input: &str) -> Option<SyntaxProblem> {
        parse(input).err()
    }

    #[test]
    fn accepts_addresses_as_people_type_them() {
        let parsed = parse("  Jean.Dupont@GMAIL.com ").expect("valid");
        assert_eq!(parsed.normalised(), "Jean.Dupont@gmail.com");
        assert_eq!(parsed.domain, "gmail.com");
        assert!(parse("ce.0750654D@ac-paris.fr").is_ok());
        assert!(parse("o'brien+exams@sub.example.co.uk").is_ok());
        // An internationalised domain stays in Unicode, lower case.
        assert_eq!(
            parse("contact@ÉCOLE.fr").map(|p| p.domain),
            Ok("école.fr".into())
        );
    }

    #[test]
    fn names_what_is_wrong() {
        use SyntaxProblem::*;
        assert_eq!(problem(""), Some(Empty));
        assert_eq!(problem("   "), Some(Empty));
        assert_eq!(problem("jean.dupont.gmail.com"), Some(MissingAt));
        assert_eq!(
            problem("jean@dupont@gmail.com"),
            Some(SeveralAt { count: 2 })
        );
        assert_eq!(problem("jean dupont@gmail.com"), Some(Space));
        assert_eq!(problem("@gmail.com"), Some(EmptyLocalPart));
        assert_eq!(problem("jean@"), Some(EmptyDomain));
        assert_eq!(problem("jean.@gmail.com"), Some(LocalPartDots));
        assert_eq!(problem("jean..dupont@gmail.com"), Some(LocalPartDots));
        assert_eq!(
            problem("jean,dupont@gmail.com"),
            Some(LocalPartCharacter { character: ',' })
        );
        assert_eq!(problem("jean@gmail.com."), Some(TrailingDot));
        assert_eq!(problem("jean@gmail"), Some(DomainWithoutDot));
        assert_eq!(
            problem("jean@gmail..com"),
            Some(DomainLabel { label: "".into() })
        );
        assert_eq!(
            problem("jean@-gmail.com"),
            Some(DomainLabel {
                label: "-gmail".into()
            })
        );
        assert_eq!(
            problem("jean@10.0.0.1"),
            Some(DomainLabel { label: "1".into() })
        );
        assert_eq!(
            problem("jean@gmail,com"),
            Some(DomainCharacter { character: ',' })
        );
        assert_eq!(
            problem(&format!("{}@gmail.com", "a".repeat(65))),
            Some(TooLong)
        );
        assert!(DomainWithoutDot.message().contains("extension"));
    }

    #[test]
    fn repairs_only_obvious_slips() {
        assert_eq!(
            repair(" jean .dupont@gmail.com.").map(|p| p.normalised()),
            Some("jean.dupont@gmail.com".into())
        );
        assert_eq!(repair("jean@dupont@gmail.com"), None);
        assert_eq!(repair("jean.dupont@gmail.com"), None);
    }

    #[test]
    fn skeletons_ignore_accents_separators_and_the_ce_prefix() {
        let skel = |local: &str| {
            let mut out = String::new();
            skeleton(local, &mut out);
            out
        };
        assert_eq!(skel("hélène_dupont-durand"), "helene.dupont.durand");
        assert_eq!(skel("ce.0750654d"), "0750654d");
        assert_eq!(skel("ce-0750654d"), "0750654d");
        assert_eq!(skel("ce."), "ce.");
        assert_eq!(skel("cecile.martin"), "cecile.martin");
        assert_eq!(mask("ab"), mask("ba"));
        assert_eq!((mask("abc") ^ mask("abd")).count_ones(), 2);
    }
}
