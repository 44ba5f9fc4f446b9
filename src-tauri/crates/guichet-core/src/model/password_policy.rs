//! The password policy of the portal's guide, for agents as for establishments.

use serde::Serialize;

/// One rule of the password policy (the portal's guide, for agents as for establishments).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PasswordRule {
    MinLength,
    Uppercase,
    Lowercase,
    Digit,
    Special,
}

pub const MIN_LENGTH: usize = 12;
pub const SPECIALS: &str = "$@%*+-_!";

impl PasswordRule {
    pub const ALL: [PasswordRule; 5] = [
        PasswordRule::MinLength,
        PasswordRule::Uppercase,
        PasswordRule::Lowercase,
        PasswordRule::Digit,
        PasswordRule::Special,
    ];

    pub fn is_met(self, password: &str) -> bool {
        match self {
            PasswordRule::MinLength => password.chars().count() >= MIN_LENGTH,
            PasswordRule::Uppercase => password.chars().any(char::is_uppercase),
            PasswordRule::Lowercase => password.chars().any(char::is_lowercase),
            PasswordRule::Digit => password.chars().any(|c| c.is_ascii_digit()),
            PasswordRule::Special => password.chars().any(|c| SPECIALS.contains(c)),
        }
    }

    /// The rule as the guide words it.
    pub fn message(self) -> &'static str {
        match self {
            PasswordRule::MinLength => "au moins 12 caractères",
            PasswordRule::Uppercase => "au moins 1 lettre majuscule",
            PasswordRule::Lowercase => "au moins 1 lettre minuscule",
            PasswordRule::Digit => "au moins 1 chiffre",
            PasswordRule::Special => {
                "au moins un de ces caractères spéciaux\u{a0}: $ @ % * + - _\u{a0}!"
            }
        }
    }
}

/// One rule and whether a password meets it, for the live checker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct RuleCheck {
    pub rule: PasswordRule,
    pub met: bool,
    pub label: String,
}

/// Every rule of the policy, in the guide's order, with whether `password` meets it.
pub fn check_rules(password: &str) -> Vec<RuleCheck> {
    PasswordRule::ALL
        .into_iter()
        .map(|rule| RuleCheck {
            rule,
            met: rule.is_met(password),
            label: rule.message().to_string(),
        })
        .collect()
}

/// The rules `password` does not meet yet, in the guide's order.
pub fn unmet_rules(password: &str) -> Vec<PasswordRule> {
    PasswordRule::ALL
        .into_iter()
        .filter(|rule| !rule.is_met(password))
        .collect()
}
