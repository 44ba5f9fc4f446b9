//! The UAI (ex-RNE), an establishment's national identifier: 7 digits and a check letter.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The check letters, indexed by the 7-digit number modulo 23 (I, O and Q are never used).
const CHECK_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPRSTUVWXYZ";

/// A well-formed UAI whose check letter verifies, always upper case.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, specta::Type,
)]
#[serde(try_from = "String", into = "String")]
pub struct Uai(String);

/// Why a text is not a UAI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UaiError {
    #[error("expected 7 digits and a letter")]
    Malformed,
    #[error("check letter missing, expected {expected}")]
    MissingLetter { expected: char },
    #[error("check letter {found} is wrong, expected {expected}")]
    WrongLetter { found: char, expected: char },
}

impl UaiError {
    pub fn message(&self) -> String {
        match self {
            UaiError::Malformed => "il faut 7 chiffres suivis d’une lettre".into(),
            UaiError::MissingLetter { expected } => {
                format!("la lettre de contrôle manque (ce serait «\u{a0}{expected}\u{a0}»)")
            }
            UaiError::WrongLetter { found, expected } => {
                format!(
                    "la lettre de contrôle «\u{a0}{found}\u{a0}» est fausse, la bonne est «\u{a0}{expected}\u{a0}»"
                )
            }
        }
    }
}

/// The check letter of a 7-digit number.
pub fn check_letter(number: u32) -> char {
    CHECK_LETTERS[(number % 23) as usize] as char
}

impl Uai {
    /// Parses a UAI typed by a person: surrounding spaces and lower case are accepted.
    pub fn parse(input: &str) -> Result<Uai, UaiError> {
        let text = input.trim().to_uppercase();
        // Byte 7 may fall inside a character typed in place of a digit: that is no UAI.
        let (digits, letter) = text
            .split_at_checked(text.len().min(7))
            .ok_or(UaiError::Malformed)?;
        if digits.len() != 7 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(UaiError::Malformed);
        }
        let number: u32 = digits.parse().map_err(|_| UaiError::Malformed)?;
        let expected = check_letter(number);
        let mut rest = letter.chars();
        match (rest.next(), rest.next()) {
            (None, _) => Err(UaiError::MissingLetter { expected }),
            (Some(found), None) if found == expected => Ok(Uai(text)),
            (Some(found), None) if found.is_ascii_alphabetic() => {
                Err(UaiError::WrongLetter { found, expected })
            }
            _ => Err(UaiError::Malformed),
        }
    }

    /// Builds the UAI of a department prefix (3 digits) and a 4-digit serial number.
    pub fn from_parts(prefix: u32, serial: u32) -> Uai {
        let number = prefix * 10_000 + serial % 10_000;
        Uai(format!("{number:07}{}", check_letter(number)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The department: `075…` is Paris (75), `620…`/`720…` are Corsica (2A/2B), `971…` Guadeloupe.
    pub fn department(&self) -> String {
        department_of_prefix(&self.0[..3])
    }
}

/// The department named by the first three digits of a UAI.
pub fn department_of_prefix(prefix: &str) -> String {
    match prefix {
        "620" => "2A".into(),
        "720" => "2B".into(),
        _ => prefix.strip_prefix('0').unwrap_or(prefix).into(),
    }
}

impl fmt::Display for Uai {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Uai {
    type Error = UaiError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Uai::parse(&value)
    }
}

impl From<Uai> for String {
    fn from(uai: Uai) -> String {
        uai.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_uais_in_any_case() {
        // Lycée Henri-IV (Paris), Lycée Fesch (Ajaccio), a lower-case one as the package spells it.
        assert_eq!(
            Uai::parse("0750654D").map(|u| u.to_string()),
            Ok("0750654D".into())
        );
        assert_eq!(
            Uai::parse("6200001G").map(|u| u.department()),
            Ok("2A".into())
        );
        assert_eq!(
            Uai::parse(" 0130002g ").map(|u| u.to_string()),
            Ok("0130002G".into())
        );
    }

    #[test]
    fn names_the_right_letter_when_it_is_wrong_or_missing() {
        assert_eq!(
            Uai::parse("0750654E"),
            Err(UaiError::WrongLetter {
                found: 'E',
                expected: 'D'
            })
        );
        assert_eq!(
            Uai::parse("0750654"),
            Err(UaiError::MissingLetter { expected: 'D' })
        );
    }

    #[test]
    fn refuses_what_is_not_a_uai() {
        for bad in [
            "",
            "075065",
            "07506540",
            "0750654DD",
            "A750654D",
            "075 654D",
            "0750654-",
            "é",
            // A multi-byte character across the seventh byte (found by the property tests).
            "123456é",
            "0000\u{3347a}00A",
        ] {
            assert_eq!(Uai::parse(bad), Err(UaiError::Malformed), "{bad:?}");
        }
    }

    #[test]
    fn check_letter_cycles_over_23_letters_without_i_o_q() {
        // 0 → A, 22 → Z, 23 → A again; the letters I, O and Q never appear.
        assert_eq!(check_letter(0), 'A');
        assert_eq!(check_letter(22), 'Z');
        assert_eq!(check_letter(23), 'A');
        assert!((0..23).map(check_letter).all(|c| !"IOQ".contains(c)));
    }

    #[test]
    fn departments_of_overseas_and_corsica() {
        assert_eq!(department_of_prefix("971"), "971");
        assert_eq!(department_of_prefix("720"), "2B");
        assert_eq!(department_of_prefix("093"), "93");
        assert_eq!(Uai::from_parts(93, 1234).as_str(), "0931234L");
    }
}
