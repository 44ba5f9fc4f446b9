//! E-mail addresses as agents type them: trimmed, the domain lower-cased, the syntax checked with
//! a reason the agent can read out. Internationalised domains are checked in their ASCII form.

use std::fmt;

use serde::Serialize;

/// A syntactically valid address: local part as typed, domain in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, specta::Type)]
#[serde(into = "String")]
pub struct EmailAddress(#[specta(type = String)] String);

/// Why a text is not an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("empty")]
    Empty,
    #[error("no @")]
    MissingAt,
    #[error("more than one @")]
    SeveralAts,
    #[error("empty local part")]
    EmptyLocalPart,
    #[error("empty domain")]
    EmptyDomain,
    #[error("contains a space")]
    Space,
    #[error("forbidden character {0:?} in the local part")]
    LocalCharacter(char),
    #[error("misplaced dot in the local part")]
    LocalDots,
    #[error("domain without a dot")]
    DomainWithoutDot,
    #[error("invalid domain")]
    InvalidDomain,
    #[error("too long")]
    TooLong,
}

impl EmailError {
    pub fn message(&self) -> String {
        match self {
            EmailError::Empty => "l’adresse est vide".into(),
            EmailError::MissingAt => "il manque l’arobase «\u{a0}@\u{a0}»".into(),
            EmailError::SeveralAts => "l’adresse contient plusieurs «\u{a0}@\u{a0}»".into(),
            EmailError::EmptyLocalPart => "rien n’est écrit avant «\u{a0}@\u{a0}»".into(),
            EmailError::EmptyDomain => "rien n’est écrit après «\u{a0}@\u{a0}»".into(),
            EmailError::Space => "l’adresse contient une espace".into(),
            EmailError::LocalCharacter(c) => {
                format!("le caractère «\u{a0}{c}\u{a0}» n’est pas admis avant «\u{a0}@\u{a0}»")
            }
            EmailError::LocalDots => {
                "un point ne peut ni commencer ni finir la partie avant «\u{a0}@\u{a0}», ni être doublé"
                    .into()
            }
            EmailError::DomainWithoutDot => {
                "le domaine après «\u{a0}@\u{a0}» n’a pas de point (exemple\u{a0}: ac-paris.fr)".into()
            }
            EmailError::InvalidDomain => {
                "le domaine après «\u{a0}@\u{a0}» n’est pas un nom de domaine valide".into()
            }
            EmailError::TooLong => "l’adresse dépasse 254 caractères".into(),
        }
    }
}

/// Characters RFC 5322 allows unquoted in a local part (quoted local parts are refused: no
/// establishment uses them and the portal would not either).
fn allowed_in_local(c: char) -> bool {
    c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c)
}

impl EmailAddress {
    pub fn parse(input: &str) -> Result<EmailAddress, EmailError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(EmailError::Empty);
        }
        if text.chars().any(char::is_whitespace) {
            return Err(EmailError::Space);
        }
        if text.chars().count() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = text.split_once('@').ok_or(EmailError::MissingAt)?;
        if domain.contains('@') {
            return Err(EmailError::SeveralAts);
        }
        if local.is_empty() {
            return Err(EmailError::EmptyLocalPart);
        }
        if domain.is_empty() {
            return Err(EmailError::EmptyDomain);
        }
        if let Some(c) = local.chars().find(|c| !allowed_in_local(*c)) {
            return Err(EmailError::LocalCharacter(c));
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return Err(EmailError::LocalDots);
        }
        let domain = domain.to_lowercase();
        let ascii = idna::domain_to_ascii(&domain).map_err(|_| EmailError::InvalidDomain)?;
        if !ascii.contains('.') {
            return Err(EmailError::DomainWithoutDot);
        }
        let labels_ok = ascii.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
        // A hyphen may not start or end a label in Unicode either: « -é » is « xn---9ba ».
        let (unicode, _) = idna::domain_to_unicode(&ascii);
        let hyphens_ok = unicode
            .split('.')
            .all(|label| !label.starts_with('-') && !label.ends_with('-'));
        if !labels_ok
            || !hyphens_ok
            || ascii
                .rsplit('.')
                .next()
                .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(EmailError::InvalidDomain);
        }
        // Lower case may lengthen the domain ("İ" is "i̇"): the stored form must fit too.
        let address = format!("{local}@{domain}");
        if address.chars().count() > 254 {
            return Err(EmailError::TooLong);
        }
        Ok(EmailAddress(address))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn local_part(&self) -> &str {
        self.0
            .rsplit_once('@')
            .map(|(local, _)| local)
            .unwrap_or_default()
    }

    pub fn domain(&self) -> &str {
        self.0
            .rsplit_once('@')
            .map(|(_, domain)| domain)
            .unwrap_or_default()
    }
}

impl EmailAddress {
    /// A warning when the address's characters outside ASCII could pass for others: a part
    /// (before `@`, or a label of the domain, read in Unicode even when typed as `xn--…`) that
    /// mixes scripts, or whose characters imitate ASCII letters (a Cyrillic « а » for « a »),
    /// as Unicode's confusables (UTS #39) tell. An accented Latin letter (« é ») warns of nothing.
    pub fn lookalike_warning(&self) -> Option<String> {
        use unicode_security::{MixedScript, skeleton};
        let (unicode_domain, _) = idna::domain_to_unicode(self.domain());
        let parts = std::iter::once(self.local_part()).chain(unicode_domain.split('.'));
        let mut suspects: Vec<char> = Vec::new();
        for part in parts.filter(|part| !part.is_ascii()) {
            let imitators: Vec<char> = part
                .chars()
                .filter(|c| !c.is_ascii() && skeleton(&c.to_string()).all(|s| s.is_ascii()))
                .collect();
            let found = if !imitators.is_empty() {
                imitators
            } else if !part.is_single_script() {
                part.chars().filter(|c| !c.is_ascii()).collect()
            } else {
                continue;
            };
            for c in found {
                if !suspects.contains(&c) {
                    suspects.push(c);
                }
            }
        }
        if suspects.is_empty() {
            return None;
        }
        let named: Vec<String> = suspects
            .iter()
            .map(|c| format!("«\u{a0}{c}\u{a0}» (U+{:04X})", u32::from(*c)))
            .collect();
        let shown = format!("{}@{unicode_domain}", self.local_part());
        let reads_as: String = shown
            .chars()
            .flat_map(|c| match suspects.contains(&c) {
                true => skeleton(&c.to_string()).collect::<Vec<_>>(),
                false => vec![c],
            })
            .collect();
        let (these, read) = match named.as_slice() {
            [one] => (
                format!("le caractère {one}"),
                "se lit comme une lettre latine",
            ),
            _ => (
                format!("les caractères {}", named.join(", ")),
                "se lisent comme des lettres latines",
            ),
        };
        Some(format!(
            "Attention\u{a0}: «\u{a0}{shown}\u{a0}» contient {these}, qui {read} (on lit \
             «\u{a0}{reads_as}\u{a0}»). Vérifiez l’adresse lettre par lettre avec le correspondant \
             avant de l’enregistrer."
        ))
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<EmailAddress> for String {
    fn from(email: EmailAddress) -> String {
        email.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_lowers_the_domain_only() {
        let email = EmailAddress::parse("  Secretariat.Henri4@AC-Paris.FR ").expect("valid");
        assert_eq!(email.as_str(), "Secretariat.Henri4@ac-paris.fr");
        assert_eq!(email.local_part(), "Secretariat.Henri4");
        assert_eq!(email.domain(), "ac-paris.fr");
    }

    #[test]
    fn accepts_internationalised_domains_and_plus_addressing() {
        assert_eq!(
            EmailAddress::parse("direction@École-Jaurès.FR").map(String::from),
            Ok("direction@école-jaurès.fr".into())
        );
        assert!(EmailAddress::parse("jean.dupont+siec@gmail.com").is_ok());
        assert!(EmailAddress::parse("o'neil@free.fr").is_ok());
    }

    #[test]
    fn warns_of_characters_that_pass_for_latin_letters() {
        let warning = |text: &str| EmailAddress::parse(text).expect(text).lookalike_warning();
        for plain in [
            "ce.0750654d@ac-paris.fr",
            "élise.dupré@ac-paris.fr",
            "direction@école-jaurès.fr",
            "secrétariat@xn--cole-jaurs-76ac.fr",
        ] {
            assert_eq!(warning(plain), None, "{plain}");
        }
        // A Cyrillic « а » (U+0430) and « е » (U+0435) in a Latin name, before and after @.
        let lure = warning("ce.0750654d@\u{430}c-paris.fr").expect("Cyrillic a");
        assert!(lure.contains("U+0430"), "{lure}");
        assert!(
            lure.contains("on lit «\u{a0}ce.0750654d@ac-paris.fr\u{a0}»"),
            "{lure}"
        );
        let both = warning("s\u{435}cretariat@\u{430}c-paris.fr").expect("two");
        assert!(
            both.contains("U+0435")
                && both.contains("U+0430")
                && both.contains("se lisent comme des lettres latines"),
            "{both}"
        );
        // Typed in its ASCII form, the domain is read as a mail client would show it.
        let punycode = warning("ce.0750654d@xn--c-paris-1fg.fr").expect("xn--");
        assert!(punycode.contains("U+0430"), "{punycode}");
        // A whole part in another script that imitates nothing is no look-alike.
        assert!(warning("\u{0438}\u{0432}\u{0430}\u{043d}@mail.ru").is_some());
        assert_eq!(warning("\u{5f20}\u{4f1f}@example.cn"), None);
    }

    #[test]
    fn says_why_an_address_is_refused() {
        let cases = [
            ("", EmailError::Empty),
            ("   ", EmailError::Empty),
            ("ce.0750654d.ac-paris.fr", EmailError::MissingAt),
            ("ce@0750654d@ac-paris.fr", EmailError::SeveralAts),
            ("@ac-paris.fr", EmailError::EmptyLocalPart),
            ("ce.0750654d@", EmailError::EmptyDomain),
            ("jean dupont@gmail.com", EmailError::Space),
            ("jean,dupont@gmail.com", EmailError::LocalCharacter(',')),
            (".jean@gmail.com", EmailError::LocalDots),
            ("jean..dupont@gmail.com", EmailError::LocalDots),
            ("jean@localhost", EmailError::DomainWithoutDot),
            ("jean@gmail..com", EmailError::InvalidDomain),
            ("jean@-gmail.com", EmailError::InvalidDomain),
            ("jean@gmail.com.", EmailError::InvalidDomain),
            ("jean@192.168.0.1", EmailError::InvalidDomain),
            // Hyphens around a non-ASCII label (found by the property tests).
            ("jean@-é.fr", EmailError::InvalidDomain),
            ("jean@lycée-.fr", EmailError::InvalidDomain),
            ("jean@a.-é。fr", EmailError::InvalidDomain),
        ];
        for (input, expected) in cases {
            assert_eq!(EmailAddress::parse(input), Err(expected), "{input:?}");
        }
        assert!(EmailError::MissingAt.message().contains("@"));
    }

    #[test]
    fn the_stored_form_is_no_longer_than_254_characters() {
        // 254 characters as typed, 255 once "İ" is lower-cased to "i̇" (found by the property
        // tests): accepted, it would be refused when read back.
        let label = "b".repeat(50);
        let typed = format!(
            "{}@İb.{label}.{label}.{label}.{}fr",
            "a".repeat(64),
            "c".repeat(31)
        );
        assert_eq!(typed.chars().count(), 254);
        assert_eq!(EmailAddress::parse(&typed), Err(EmailError::TooLong));
        let shorter = typed.replacen('c', "", 1);
        let email = EmailAddress::parse(&shorter).expect("254 characters once lower-cased");
        assert_eq!(EmailAddress::parse(email.as_str()), Ok(email));
    }
}
