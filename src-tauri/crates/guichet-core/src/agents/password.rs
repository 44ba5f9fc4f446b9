//! Agents' passwords: argon2id hashes in PHC strings, and the portal's policy enforced.

use std::sync::LazyLock;

use crate::error::{Error, Result};
use crate::model::password_policy::unmet_rules;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

/// OWASP's first recommended argon2id configuration: 19 MiB, 2 passes, 1 lane.
const MEMORY_KIB: u32 = 19_456;
const PASSES: u32 = 2;
const LANES: u32 = 1;

fn hasher() -> Argon2<'static> {
    let params =
        Params::new(MEMORY_KIB, PASSES, LANES, None).expect("OWASP argon2id parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) of a password, with a fresh random salt.
pub fn hash(password: &str) -> Result<String> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|phc| phc.to_string())
        .map_err(|error| Error::Internal(format!("argon2 hashing failed: {error}")))
}

/// Whether `password` matches `phc`. A malformed hash matches nothing.
pub fn verify(password: &str, phc: &str) -> bool {
    hasher().verify_password(password.as_bytes(), phc).is_ok()
}

/// A hash no typed password matches, verified for unknown logins so that they take as long as
/// known ones and the answer says nothing about which logins exist.
pub static UNKNOWN_LOGIN_HASH: LazyLock<String> = LazyLock::new(|| {
    let random: [u8; 32] = rand::random();
    hash(&format!("{random:?}")).expect("hashing a random password")
});

/// Refuses a password that breaks the policy, naming every rule it breaks.
pub fn check_policy(password: &str) -> Result<()> {
    let unmet = unmet_rules(password);
    if unmet.is_empty() {
        Ok(())
    } else {
        Err(Error::WeakPassword(unmet))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::password_policy::PasswordRule;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_a_salt_each() {
        let first = hash("Correct-horse-42").expect("hash");
        let second = hash("Correct-horse-42").expect("hash");
        assert!(
            first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{first}"
        );
        assert_ne!(first, second, "each hash has its own salt");
        assert!(verify("Correct-horse-42", &first));
        assert!(verify("Correct-horse-42", &second));
    }

    #[test]
    fn a_wrong_or_altered_password_does_not_verify() {
        let phc = hash("Correct-horse-42").expect("hash");
        assert!(!verify("correct-horse-42", &phc));
        assert!(!verify("Correct-horse-42 ", &phc));
        assert!(!verify("Correct-horse-42", "not a hash"));
        assert!(!verify("", &UNKNOWN_LOGIN_HASH));
    }

    #[test]
    fn the_policy_names_each_unmet_rule() {
        assert_eq!(unmet_rules("Examens-2026!"), []);
        assert_eq!(unmet_rules("examens-2026!"), [PasswordRule::Uppercase]);
        assert_eq!(unmet_rules("Ex-1"), [PasswordRule::MinLength]);
        assert_eq!(
            unmet_rules("ExamensSIECxx"),
            [PasswordRule::Digit, PasswordRule::Special]
        );
        assert_eq!(unmet_rules(""), PasswordRule::ALL);
        // Only the guide's special characters count.
        assert_eq!(unmet_rules("Examens.2026#"), [PasswordRule::Special]);
        // Twelve characters, not twelve bytes.
        assert_eq!(unmet_rules("Éèàç$1aaaaaa"), []);
    }
}
