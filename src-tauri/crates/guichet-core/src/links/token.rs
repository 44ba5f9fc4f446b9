//! Reset tokens made and checked byte for byte as the portal's bundle does, so that the portal
//! accepts the links this app sends and the app can tell why a pasted link fails.
//!
//! Confirmed in the source of `symfonycasts/reset-password-bundle` (1.x branch, after v1.25.0):
//! - `src/Generator/ResetPasswordRandomGenerator.php`: selector and verifier are 20 characters
//!   each; while the string is shorter than 20, it takes `random_bytes(20 - len)`, base64-encodes
//!   them, removes `/`, `+` and `=` and appends the first `20 - len` characters.
//! - `src/Generator/ResetPasswordTokenGenerator.php`: the verifier is drawn first, then the
//!   selector; `hashed_token = base64_encode(hash_hmac('sha256', json_encode([$verifier, $userId,
//!   $expiresAt->getTimestamp()]), $signingKey, true))`.
//! - `src/Resources/config/reset_password_services.php`: the signing key is `%kernel.secret%`.
//! - `src/Persistence/Repository/ResetPasswordRequestRepositoryTrait.php`: `getUserIdentifier()`
//!   returns `(string)` of the id, so the JSON holds the user id as a string: `["v","42",1764…]`.
//! - `src/Model/ResetPasswordTokenComponents.php`: the public token is selector + verifier.
//! - `src/ResetPasswordHelper.php`: a token must be 40 bytes long; the row is found by its first 20
//!   characters (the selector); an expired row is refused *before* the hash is checked; the hash
//!   is recomputed from the row's `expires_at` as read back, the user's id and the last 20
//!   characters, and compared with `hash_equals` (constant time). Lifetime and throttle default to
//!   3,600 s (`src/DependencyInjection/Configuration.php`).
//! - `src/Model/ResetPasswordRequestTrait.php`: `selector` string(20), `hashedToken` string(100),
//!   `requestedAt` and `expiresAt` `datetime_immutable`; expired when
//!   `expiresAt->getTimestamp() <= now->getTimestamp()` (whole seconds).
//! - `src/Util/ResetPasswordCleaner.php` with the repository trait: garbage collection deletes rows
//!   whose `expiresAt` is a week or more in the past; `removeResetRequest` deletes all of a user's.
//! - `tests/Fixtures/App/src/Controller/ResetPasswordController.php` (the maker's controller): the
//!   link is `/reset-password/reset/{token}`; that route stores the token in the session and
//!   redirects to `/reset-password/reset`, so the address bar then shows no token.
//!
//! The verifier and the signing key live in [`Secret`] / [`SigningKey`], whose `Debug` shows
//! nothing and which are wiped on drop; nothing here displays or logs them. Reading the token out
//! of a pasted link ([`parse_link`]) is the job of `parse`.

mod parse;

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use hmac::{Hmac, Mac};
use rand::CryptoRng;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::portal_time::{from_portal, to_portal};

pub use crate::secrets::Secret;
pub use parse::{LinkParseError, ParsedToken, parse_link, site_of};

/// Length of the selector, the verifier's length too.
pub const SELECTOR_LENGTH: usize = 20;
/// Length of the public token: selector + verifier.
pub const TOKEN_LENGTH: usize = 40;
/// The portal's route for a reset link, followed by `/<token>`.
pub const RESET_PATH: &str = "/reset-password/reset";

/// The portal's `kernel.secret`, the HMAC key of every token.
#[derive(Clone)]
pub struct SigningKey(Secret);

impl SigningKey {
    /// Refuses an empty key: it would sign tokens that the portal (with its real secret) refuses.
    pub fn new(secret: impl Into<String>) -> Result<Self, EmptySigningKey> {
        let secret = Secret::new(secret);
        if secret.expose().is_empty() {
            return Err(EmptySigningKey);
        }
        Ok(SigningKey(secret))
    }

    /// A key of its own for another use (`label` names it), derived with HMAC-SHA256: knowing
    /// it tells nothing of the signing key.
    pub(crate) fn derive(&self, label: &[u8]) -> Zeroizing<[u8; 32]> {
        let mut mac = self.mac();
        mac.update(label);
        Zeroizing::new(mac.finalize().into_bytes().into())
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC accepts a key of any length; this never fails.
        Hmac::<Sha256>::new_from_slice(self.0.expose().as_bytes())
            .expect("HMAC takes keys of any length")
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(**redacted**)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the signing key is empty")]
pub struct EmptySigningKey;

impl EmptySigningKey {
    pub fn message(&self) -> String {
        "Le secret de signature des liens est vide : enregistrez le secret du portail \
         (kernel.secret) avant d’envoyer des liens."
            .into()
    }
}

/// A new token and the row the portal expects for it in `reset_password_request`.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub selector: String,
    pub verifier: Secret,
    pub hashed_token: String,
    /// Naive local time of the portal's time zone, whole seconds.
    pub requested_at: NaiveDateTime,
    /// Naive local time of the portal's time zone, whole seconds.
    pub expires_at: NaiveDateTime,
}

impl IssuedToken {
    /// The public token: selector + verifier, 40 characters.
    pub fn token(&self) -> Secret {
        Secret::new(format!("{}{}", self.selector, self.verifier.expose()))
    }

    /// The link to send, for the portal's base URL (`https://auth.siec.education.fr`).
    pub fn link(&self, portal_url: &str) -> Secret {
        Secret::new(format!(
            "{}{RESET_PATH}/{}{}",
            portal_url.trim_end_matches('/'),
            self.selector,
            self.verifier.expose()
        ))
    }
}

/// Makes a token for `user_id` at `now`, valid for `lifetime`, as the portal would.
///
/// `expires_at` is stored as the portal's naive local time and PHP reads it back in its time zone,
/// so the HMAC covers the timestamp of that reading (`from_portal`), not the original instant. In
/// the hour that repeats when daylight saving ends, PHP reads a time of the second pass as the
/// first one, an hour early, which would make the link expired on arrival; the stored time is then
/// moved past the repeated hour, and such a link lives up to an hour longer, never shorter.
pub fn issue(
    user_id: i32,
    now: DateTime<Utc>,
    lifetime: chrono::Duration,
    tz: Tz,
    key: &SigningKey,
    rng: &mut impl CryptoRng,
) -> IssuedToken {
    let mut fill = |buf: &mut [u8]| rng.fill_bytes(buf);
    // The bundle's order: the verifier first, then the selector.
    let verifier = Secret::new(random_alnum(&mut fill));
    let selector = random_alnum(&mut fill);

    let expires = now + lifetime;
    let mut expires_at = to_portal(tz, expires);
    let read_back = from_portal(tz, expires_at);
    let early = expires.timestamp() - read_back.timestamp();
    if early > 0 {
        expires_at += chrono::Duration::seconds(early);
    }
    let expires_unix = from_portal(tz, expires_at).timestamp();

    IssuedToken {
        hashed_token: hashed_token(key, verifier.expose(), user_id, expires_unix),
        selector,
        verifier,
        requested_at: to_portal(tz, now),
        expires_at,
    }
}

/// `ResetPasswordRandomGenerator::getRandomAlphaNumStr()`: 20 characters of `[A-Za-z0-9]`.
fn random_alnum(fill: &mut impl FnMut(&mut [u8])) -> String {
    let mut out = String::with_capacity(SELECTOR_LENGTH);
    while out.len() < SELECTOR_LENGTH {
        let size = SELECTOR_LENGTH - out.len();
        let mut bytes = Zeroizing::new(vec![0u8; size]);
        fill(&mut bytes);
        let encoded = Zeroizing::new(BASE64.encode(&*bytes));
        out.extend(
            encoded
                .chars()
                .filter(|c| !matches!(c, '/' | '+' | '='))
                .take(size),
        );
    }
    out
}

/// The SHA-256 of a whole token (selector + verifier), in lower-case hex: what the ledger keeps
/// so that a pasted link is told intact or altered without the signing key. It cannot be turned
/// back into the token (the verifier alone holds about 119 random bits).
pub fn token_digest(selector: &str, verifier: &Secret) -> String {
    use sha2::Digest;
    let mut hasher = Sha256::new();
    hasher.update(selector.as_bytes());
    hasher.update(verifier.expose().as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Whether `verifier` completes `selector` into the token whose digest the ledger keeps,
/// compared in constant time.
pub fn digest_matches(selector: &str, verifier: &Secret, expected: &str) -> bool {
    use subtle::ConstantTimeEq;
    let digest = token_digest(selector, verifier);
    digest.len() == expected.len() && bool::from(digest.as_bytes().ct_eq(expected.as_bytes()))
}

/// The bundle's `hashed_token`: base64(HMAC-SHA256(key, json_encode([verifier, "user_id", ts]))).
pub fn hashed_token(key: &SigningKey, verifier: &str, user_id: i32, expires_unix: i64) -> String {
    let mut mac = key.mac();
    mac.update(payload(verifier, user_id, expires_unix).as_bytes());
    BASE64.encode(mac.finalize().into_bytes())
}

/// `json_encode([$verifier, (string) $userId, $timestamp])` with PHP's default flags.
fn payload(verifier: &str, user_id: i32, expires_unix: i64) -> Zeroizing<String> {
    let mut json = Zeroizing::new(String::from("["));
    php_json_string(&mut json, verifier);
    json.push(',');
    php_json_string(&mut json, &user_id.to_string());
    json.push(',');
    json.push_str(&expires_unix.to_string());
    json.push(']');
    json
}

/// A JSON string as PHP's `json_encode` writes it by default: `/` escaped, everything outside
/// ASCII as lower-case `\uXXXX` (UTF-16 units).
fn php_json_string(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || !c.is_ascii() => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// What the portal holds for a selector: the columns the check needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRequest {
    pub user_id: i32,
    pub hashed_token: String,
    /// Naive local time of the portal's time zone, as stored.
    pub expires_at: NaiveDateTime,
}

/// What the portal would say about a token whose selector found `StoredRequest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    Expired,
    /// The verifier does not match the row: altered link, or a row for another user or expiry.
    Mismatch,
}

/// Whether the portal sees `expires_at` as past: `expiresAt <= now`, in whole seconds.
pub fn is_expired(expires_at: NaiveDateTime, now: DateTime<Utc>, tz: Tz) -> bool {
    from_portal(tz, expires_at).timestamp() <= now.timestamp()
}

/// Whether `verifier` is the one the row was signed for, compared in constant time.
pub fn matches(key: &SigningKey, stored: &StoredRequest, verifier: &Secret, tz: Tz) -> bool {
    let Ok(expected) = BASE64.decode(stored.hashed_token.as_bytes()) else {
        return false;
    };
    let expires_unix = from_portal(tz, stored.expires_at).timestamp();
    let mut mac = key.mac();
    mac.update(payload(verifier.expose(), stored.user_id, expires_unix).as_bytes());
    // The strict decoder accepts only canonical base64, so equal bytes mean equal strings, as
    // `hash_equals` compares them.
    mac.verify_slice(&expected).is_ok()
}

/// The portal's check, in its order: expiry first, then the hash.
pub fn verify(
    key: &SigningKey,
    stored: &StoredRequest,
    verifier: &Secret,
    now: DateTime<Utc>,
    tz: Tz,
) -> Verdict {
    if is_expired(stored.expires_at, now, tz) {
        Verdict::Expired
    } else if matches(key, stored, verifier, tz) {
        Verdict::Valid
    } else {
        Verdict::Mismatch
    }
}

#[cfg(test)]
mod tests;
