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
//! The verifier and the signing key live in [`crate::secrets::Secret`] / [`SigningKey`], whose `Debug` shows
//! nothing and which are wiped on drop; nothing here displays or logs them.

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
use crate::secrets::Secret;

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

/// A token read from a pasted link: the selector finds the row, the verifier is checked against it.
#[derive(Debug, Clone)]
pub struct ParsedToken {
    pub selector: String,
    pub verifier: Secret,
    /// The host (and port, where one is written) the pasted link points to, lower-case and
    /// in ASCII (`xn--…` for an internationalised name); `None` for a token or a bare path.
    pub site: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkParseError {
    #[error("nothing to parse")]
    Empty,
    #[error("not a reset link (no {RESET_PATH}/ path)")]
    NotAResetLink,
    #[error("reset path without a token")]
    MissingToken,
    #[error("token has {found} characters, expected {TOKEN_LENGTH}")]
    WrongLength { found: usize },
    #[error("token contains forbidden characters {found:?}")]
    ForbiddenCharacters { found: String },
}

impl LinkParseError {
    pub fn message(&self) -> String {
        match self {
            LinkParseError::Empty => "Collez le lien reçu par courriel\u{a0}: le champ est vide.".into(),
            LinkParseError::NotAResetLink => {
                "Ce n’est pas un lien de réinitialisation du portail\u{a0}: \
                 il doit contenir «\u{a0}/reset-password/reset/\u{a0}» suivi d’un code de 40 caractères."
                    .into()
            }
            LinkParseError::MissingToken => {
                "Le lien s’arrête à «\u{a0}/reset-password/reset\u{a0}» sans code\u{a0}: \
                 c’est l’adresse affichée une fois le lien ouvert. Demandez le lien tel qu’il \
                 figure dans le courriel."
                    .into()
            }
            LinkParseError::WrongLength { found } => format!(
                "Le code du lien compte {found} caractère{} au lieu de 40\u{a0}: le lien a sans doute \
                 été coupé ou modifié.",
                if *found > 1 { "s" } else { "" }
            ),
            LinkParseError::ForbiddenCharacters { found } => {
                let list: Vec<String> = found.chars().map(|c| format!("«\u{a0}{c}\u{a0}»")).collect();
                format!(
                    "Le code du lien contient des caractères qu’il ne peut pas contenir ({})\u{a0}: il \
                     n’a que des lettres sans accent et des chiffres.",
                    list.join(", ")
                )
            }
        }
    }
}

/// Where a link found inside pasted text ends: quotes, brackets and the start of a query.
const LINK_END: &[char] = &[
    '<', '>', '"', '\'', '(', ')', '[', ']', '{', '}', '«', '»', '?', '#', '&', '`', '|',
];
/// Sentence punctuation that may follow a link or a token without being part of it.
const TRAILING_PUNCTUATION: &[char] = &['.', ',', ';', ':', '!', '?'];
/// Invisible characters some mail clients and editors insert into long words.
const INVISIBLE: &[char] = &[
    '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{AD}',
];

/// Reads the token out of what a caller pastes or reads out: the link, the link inside text or
/// brackets, a link cut by a mail client (line breaks, spaces, quoted-printable `=` soft breaks and
/// `=3D`), or the 40-character token alone (spaces between groups allowed).
pub fn parse_link(input: &str) -> Result<ParsedToken, LinkParseError> {
    let text = undo_mail_wrapping(input);
    if text.trim().is_empty() {
        return Err(LinkParseError::Empty);
    }
    let (site, token) = match after_marker(&text) {
        Some((before, rest)) => (link_site(before), token_after_path(rest)?),
        None if looks_like_url(&text) => return Err(LinkParseError::NotAResetLink),
        None => (None, bare_token(&text)),
    };
    let token = Zeroizing::new(token);
    if token.is_empty() {
        return Err(LinkParseError::Empty);
    }
    let mut parsed = check_token(&token)?;
    parsed.site = site;
    Ok(parsed)
}

/// The site a link's text before its path names: `https://host[:port]` (after any `user@`, as
/// a browser reads it), or a bare `host` written without its scheme.
fn link_site(before: &str) -> Option<String> {
    let compact: String = before.chars().filter(|c| !c.is_whitespace()).collect();
    let address = match compact.rfind("://") {
        Some(separator) => {
            let scheme_start = after_last(&compact[..separator], |c| {
                !(c.is_ascii_alphanumeric() || "+.-".contains(c))
            });
            compact[scheme_start..].to_string()
        }
        None => {
            let path = compact.trim_end_matches('/');
            let start = after_last(path, |c| !(c.is_alphanumeric() || ".-:@".contains(c)));
            if path[start..].is_empty() {
                return None;
            }
            format!("https://{}/", &path[start..])
        }
    };
    site_of(&address)
}

/// Where the text after the last character matching `stop` begins (0 when none does).
fn after_last(text: &str, stop: impl Fn(char) -> bool) -> usize {
    text.char_indices()
        .rfind(|(_, c)| stop(*c))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

/// The site of an address as a browser goes to it: its host, lower-case and in ASCII, with its
/// port where it is not the scheme's own.
pub fn site_of(address: &str) -> Option<String> {
    let url = url::Url::parse(address).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

fn undo_mail_wrapping(input: &str) -> Zeroizing<String> {
    let text = input
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
        .replace("=3d", "=");
    Zeroizing::new(text.chars().filter(|c| !INVISIBLE.contains(c)).collect())
}

/// The text before and after the first `reset-password/reset` (any case, line breaks allowed
/// inside).
fn after_marker(text: &str) -> Option<(&str, &str)> {
    let marker: Vec<char> = RESET_PATH.trim_start_matches('/').chars().collect();
    let compact: Vec<(usize, char)> = text
        .char_indices()
        .filter(|(_, c)| !c.is_whitespace())
        .collect();
    let start = compact.windows(marker.len()).position(|window| {
        window
            .iter()
            .zip(&marker)
            .all(|((_, c), m)| c.eq_ignore_ascii_case(m))
    })?;
    let (index, last) = compact[start + marker.len() - 1];
    Some((&text[..compact[start].0], &text[index + last.len_utf8()..]))
}

/// The token after `reset-password/reset`: `/` then pieces of the link joined across the breaks a
/// mail client inserted, as long as they fit in 40 characters.
fn token_after_path(rest: &str) -> Result<String, LinkParseError> {
    let rest = rest.trim_start();
    let Some(rest) = rest.strip_prefix('/') else {
        return match rest.chars().next() {
            None => Err(LinkParseError::MissingToken),
            Some(c) if LINK_END.contains(&c) || TRAILING_PUNCTUATION.contains(&c) => {
                Err(LinkParseError::MissingToken)
            }
            Some(_) => Err(LinkParseError::NotAResetLink),
        };
    };
    let mut token = String::new();
    let mut rest = rest.trim_start();
    loop {
        let end = rest
            .find(|c: char| c.is_whitespace() || LINK_END.contains(&c))
            .unwrap_or(rest.len());
        let raw = &rest[..end];
        let piece = raw.trim_end_matches(TRAILING_PUNCTUATION);
        if !token.is_empty() && token.chars().count() + piece.chars().count() > TOKEN_LENGTH {
            break;
        }
        token.push_str(piece);
        let cut_by_whitespace = rest[end..].starts_with(char::is_whitespace);
        if piece.len() < raw.len() || !cut_by_whitespace || token.chars().count() >= TOKEN_LENGTH {
            break;
        }
        rest = rest[end..].trim_start();
        if rest.is_empty() {
            break;
        }
    }
    if token.is_empty() {
        return Err(LinkParseError::MissingToken);
    }
    Ok(token)
}

fn looks_like_url(text: &str) -> bool {
    text.contains('/') || text.trim_start().to_ascii_lowercase().starts_with("www.")
}

/// A token typed or pasted alone: wrapping quotes or brackets and final punctuation dropped,
/// spaces between groups removed.
fn bare_token(text: &str) -> String {
    text.trim()
        .trim_start_matches(|c: char| c.is_whitespace() || "<\"'«([".contains(c))
        .trim_end_matches(|c: char| {
            c.is_whitespace() || ">\"'»)]".contains(c) || TRAILING_PUNCTUATION.contains(&c)
        })
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn check_token(token: &str) -> Result<ParsedToken, LinkParseError> {
    let mut forbidden = String::new();
    for c in token.chars().filter(|c| !c.is_ascii_alphanumeric()) {
        if !forbidden.contains(c) {
            forbidden.push(c);
        }
    }
    if !forbidden.is_empty() {
        return Err(LinkParseError::ForbiddenCharacters { found: forbidden });
    }
    if token.len() != TOKEN_LENGTH {
        return Err(LinkParseError::WrongLength { found: token.len() });
    }
    let (selector, verifier) = token.split_at(SELECTOR_LENGTH);
    Ok(ParsedToken {
        selector: selector.to_owned(),
        verifier: Secret::new(verifier),
        site: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use chrono_tz::Europe::Paris;
    use rand::rngs::ChaCha20Rng;
    use rand::{Rng, SeedableRng};

    // Every expected hash below was computed independently with Python 3's standard library:
    //   data = json.dumps([verifier, str(user_id), ts], separators=(",", ":"),
    //                     ensure_ascii=True).replace("/", "\\/")   # PHP's json_encode defaults
    //   base64.b64encode(hmac.new(KEY, data.encode(), hashlib.sha256).digest())
    // with ts = int(datetime(..., tzinfo=timezone.utc).timestamp()) for the UTC instant named.
    const KEY: &str = "s3cr3t-kernel-secret-for-tests";
    const SELECTOR: &str = "VmuBQ7epOgsaacQ5tand";
    const VERIFIER: &str = "uNV61YtdvHZL77M7Yt1H";
    const TOKEN: &str = "VmuBQ7epOgsaacQ5tanduNV61YtdvHZL77M7Yt1H";
    const LINK: &str = "https://auth.siec.education.fr/reset-password/reset/VmuBQ7epOgsaacQ5tanduNV61YtdvHZL77M7Yt1H";
    /// user 42, ts 1764032400 (the design brief's example).
    const HASH_BRIEF: &str = "X42nh8sgDejeadL6nrNDMYcobqGfowZpfPt3x6Y3YoI=";
    /// user 42, 2026-01-15 10:00:00 UTC (11:00 in Paris, winter), ts 1768471200.
    const HASH_WINTER: &str = "oVRUukKKeoA1CAWc1ooiJArOohleLtJjI2NuJC/lLGs=";
    /// user 7, same instant.
    const HASH_WINTER_USER_7: &str = "qxRtjLlt5sPpsZS/jbmNkySAit34GVvLqYztlQcuQo4=";
    /// user 42, 2026-07-15 10:00:00 UTC (12:00 in Paris, summer), ts 1784109600.
    const HASH_SUMMER: &str = "47dSl4lUuNeR/SSJCAlSemezBCG2MfFA+sMRl0AZob4=";
    /// user 42, 2026-10-25 00:30:00 UTC: how PHP reads the naive 02:30 of that day (first pass).
    const HASH_REPEATED_0030Z: &str = "elY+lxs4zu48c+wDEU3eMB63ToCPTZmSbpZnm1vXIvM=";
    /// user 42, 2026-10-25 02:30:00 UTC: the naive 03:30 (CET) of that day.
    const HASH_REPEATED_0230Z: &str = "iEwKJg/NHHDPRDvDdHuEdFt1F/SvG4tN4idw1RL2pk0=";
    /// user 42, 2026-03-29 01:30:00 UTC: the naive 02:30 skipped that day, and the naive 03:30.
    const HASH_SPRING_0130Z: &str = "Y3FmUyO+CC+B6qtKKkpppPWibctMgHPLWY/4ngbLMm0=";
    /// user 42 as an *integer* in the JSON (not what the bundle does), ts 1764032400.
    const HASH_INT_USER: &str = "pw6niTirMA2gp1600eIRetEuMALW352GYlGKPrxGmDg=";

    fn key() -> SigningKey {
        SigningKey::new(KEY).expect("key")
    }

    fn naive(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|date| date.and_hms_opt(h, mi, 0))
            .expect("valid date")
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        naive(y, mo, d, h, mi).and_utc()
    }

    fn hour() -> chrono::Duration {
        chrono::Duration::seconds(3600)
    }

    fn rng() -> ChaCha20Rng {
        ChaCha20Rng::seed_from_u64(7)
    }

    fn stored(hash: &str, expires_at: NaiveDateTime) -> StoredRequest {
        StoredRequest {
            user_id: 42,
            hashed_token: hash.into(),
            expires_at,
        }
    }

    fn is_alnum(s: &str) -> bool {
        s.bytes().all(|b| b.is_ascii_alphanumeric())
    }

    // --- hashing ---

    #[test]
    fn payload_is_php_json_with_the_user_id_as_a_string() {
        assert_eq!(
            payload(VERIFIER, 42, 1764032400).as_str(),
            r#"["uNV61YtdvHZL77M7Yt1H","42",1764032400]"#
        );
        assert_eq!(payload("a", -3, -5).as_str(), r#"["a","-3",-5]"#);
    }

    #[test]
    fn payload_escapes_like_php() {
        // PHP: json_encode(["é/\"\\\n\x01😀", "-3", 0]) === '["\u00e9\/\"\\\n\u0001\ud83d\ude00","-3",0]'
        assert_eq!(
            payload("é/\"\\\n\u{1}😀", -3, 0).as_str(),
            r#"["\u00e9\/\"\\\n\u0001\ud83d\ude00","-3",0]"#
        );
        // Python (method above): vqBKLIamCq+tinF4eYAU36ewSfXF6fAIEXTuY0tF6fo=
        assert_eq!(
            hashed_token(&key(), "é/\"\\\n\u{1}😀", -3, 0),
            "vqBKLIamCq+tinF4eYAU36ewSfXF6fAIEXTuY0tF6fo="
        );
    }

    #[test]
    fn hashed_token_matches_independent_vectors() {
        assert_eq!(hashed_token(&key(), VERIFIER, 42, 1764032400), HASH_BRIEF);
        assert_eq!(hashed_token(&key(), VERIFIER, 42, 1768471200), HASH_WINTER);
        assert_eq!(
            hashed_token(&key(), VERIFIER, 7, 1768471200),
            HASH_WINTER_USER_7
        );
        assert_eq!(hashed_token(&key(), VERIFIER, 42, 1784109600), HASH_SUMMER);
        // The user id is hashed as a string, as the bundle does, not as a number.
        assert_ne!(
            hashed_token(&key(), VERIFIER, 42, 1764032400),
            HASH_INT_USER
        );
    }

    #[test]
    fn hashed_token_depends_on_the_key() {
        let other = SigningKey::new("another-secret").expect("key");
        assert_ne!(hashed_token(&other, VERIFIER, 42, 1764032400), HASH_BRIEF);
    }

    // --- issuing ---

    #[test]
    fn issue_hashes_the_expiry_php_reads_back() {
        // Each case names the Unix timestamp PHP computes for the stored naive expiry (from Python:
        // int(datetime(..., tzinfo=timezone.utc).timestamp())) and the independent hash of the
        // fixed VERIFIER at that expiry: winter, summer, the repeated hour, the skipped hour.
        let cases = [
            (
                utc(2026, 1, 15, 9, 0),
                naive(2026, 1, 15, 11, 0),
                1768471200,
                HASH_WINTER,
            ),
            (
                utc(2026, 7, 15, 9, 0),
                naive(2026, 7, 15, 12, 0),
                1784109600,
                HASH_SUMMER,
            ),
            // 00:30Z is 02:30 CEST; +1 h is 01:30Z = 02:30 CET, which PHP reads as 00:30Z (already
            // past), so the stored time moves to 03:30 CET = 02:30Z.
            (
                utc(2026, 10, 25, 0, 30),
                naive(2026, 10, 25, 3, 30),
                1792895400,
                HASH_REPEATED_0230Z,
            ),
            // 00:30Z is 01:30 CET; +1 h is 01:30Z = 03:30 CEST, past the skipped hour.
            (
                utc(2026, 3, 29, 0, 30),
                naive(2026, 3, 29, 3, 30),
                1774747800,
                HASH_SPRING_0130Z,
            ),
        ];
        for (now, expires_at, expires_unix, hash) in cases {
            let issued = issue(42, now, hour(), Paris, &key(), &mut rng());
            assert_eq!(issued.expires_at, expires_at, "expiry issued at {now}");
            assert_eq!(
                issued.hashed_token,
                hashed_token(&key(), issued.verifier.expose(), 42, expires_unix),
                "hash issued at {now}"
            );
            assert_eq!(issued.requested_at, to_portal(Paris, now));
            let row = stored(hash, issued.expires_at);
            assert!(
                matches(&key(), &row, &Secret::new(VERIFIER), Paris),
                "at {now}"
            );
            assert_eq!(
                verify(&key(), &row, &Secret::new(VERIFIER), now, Paris),
                Verdict::Valid,
                "the link issued at {now} is valid at once"
            );
        }
    }

    #[test]
    fn issue_just_before_the_repeated_hour_keeps_one_hour() {
        // 23:45Z is 01:45 CEST; +1 h is 00:45Z = 02:45 CEST, the first pass: read back exactly.
        let now = utc(2026, 10, 24, 23, 45);
        let issued = issue(42, now, hour(), Paris, &key(), &mut rng());
        assert_eq!(issued.expires_at, naive(2026, 10, 25, 2, 45));
        assert_eq!(
            from_portal(Paris, issued.expires_at).timestamp(),
            1792889100
        );
        assert_eq!(
            issued.hashed_token,
            hashed_token(&key(), issued.verifier.expose(), 42, 1792889100)
        );
    }

    #[test]
    fn issue_drops_fractions_of_a_second() {
        let now = utc(2026, 1, 15, 9, 0) + chrono::Duration::milliseconds(999);
        let issued = issue(42, now, hour(), Paris, &key(), &mut rng());
        assert_eq!(issued.requested_at, naive(2026, 1, 15, 10, 0));
        assert_eq!(issued.expires_at, naive(2026, 1, 15, 11, 0));
        // Also in the repeated hour, where the stored time is moved.
        let now = utc(2026, 10, 25, 0, 30) + chrono::Duration::milliseconds(999);
        let issued = issue(42, now, hour(), Paris, &key(), &mut rng());
        assert_eq!(issued.expires_at, naive(2026, 10, 25, 3, 30));
    }

    #[test]
    fn issued_token_and_link_shape() {
        let mut generator = rng();
        let issued = issue(
            42,
            utc(2026, 1, 15, 9, 0),
            hour(),
            Paris,
            &key(),
            &mut generator,
        );
        assert_eq!(issued.selector.len(), 20);
        assert_eq!(issued.verifier.expose().len(), 20);
        assert!(is_alnum(&issued.selector) && is_alnum(issued.verifier.expose()));
        assert_ne!(issued.selector, issued.verifier.expose());
        let token = issued.token();
        assert_eq!(token.expose().len(), 40);
        assert_eq!(
            token.expose(),
            format!("{}{}", issued.selector, issued.verifier.expose())
        );
        for base in [
            "https://auth.siec.education.fr",
            "https://auth.siec.education.fr/",
        ] {
            assert_eq!(
                issued.link(base).expose(),
                format!(
                    "https://auth.siec.education.fr/reset-password/reset/{}",
                    token.expose()
                )
            );
        }
        // The hash is standard base64 of 32 bytes, within the column's 100 characters.
        assert_eq!(issued.hashed_token.len(), 44);
        // A second token differs.
        let again = issue(
            42,
            utc(2026, 1, 15, 9, 0),
            hour(),
            Paris,
            &key(),
            &mut generator,
        );
        assert_ne!(again.selector, issued.selector);
        assert_ne!(again.verifier.expose(), issued.verifier.expose());
    }

    #[test]
    fn issued_link_parses_and_verifies() {
        let now = utc(2026, 1, 15, 9, 0);
        let issued = issue(42, now, hour(), Paris, &key(), &mut rng());
        let parsed = parse_link(issued.link("https://auth.siec.education.fr").expose())
            .expect("own link parses");
        assert_eq!(parsed.selector, issued.selector);
        let row = StoredRequest {
            user_id: 42,
            hashed_token: issued.hashed_token.clone(),
            expires_at: issued.expires_at,
        };
        assert_eq!(
            verify(&key(), &row, &parsed.verifier, now, Paris),
            Verdict::Valid
        );
    }

    #[test]
    fn random_alnum_drops_plus_slash_and_padding_like_php() {
        // Bytes 0xFB encode as "+/v7" (and "+/s=" for the final two), so most characters are
        // dropped and the loop asks for more. Expected value from a Python transcription of
        // getRandomAlphaNumStr() fed the same bytes:
        //   s = ""; while len(s) < 20: n = 20 - len(s); b = next bytes(n)
        //       s += base64.b64encode(b).decode().replace("/", "").replace("+", "").replace("=", "")[:n]
        let mut calls = Vec::new();
        let mut fill = |buf: &mut [u8]| {
            calls.push(buf.len());
            let byte = if calls.len() == 1 { 0xFB } else { 0x41 };
            buf.fill(byte);
        };
        let out = random_alnum(&mut fill);
        assert_eq!(out, "v7v7v7v7v7v7sQUFBQUF");
        assert_eq!(calls, vec![20, 7]);
    }

    const TOKEN_DIGEST: &str = "a01f54975277adfa4c15eec00c1ee0a707ccd98078cefba6dab4879c8f4412e4";

    #[test]
    fn the_digest_is_the_sha256_of_the_whole_token() {
        // Expected value computed independently:
        //   hashlib.sha256(b"VmuBQ7epOgsaacQ5tand" + b"BVqHQYMnorHaCF7NzEcl").hexdigest()
        let verifier = Secret::new("BVqHQYMnorHaCF7NzEcl");
        let digest = token_digest("VmuBQ7epOgsaacQ5tand", &verifier);
        assert_eq!(digest, TOKEN_DIGEST);
        assert!(digest_matches(
            "VmuBQ7epOgsaacQ5tand",
            &verifier,
            TOKEN_DIGEST
        ));
        let altered = Secret::new("BVqHQYMnorHaCF7NzEcm");
        assert!(!digest_matches(
            "VmuBQ7epOgsaacQ5tand",
            &altered,
            TOKEN_DIGEST
        ));
        assert!(!digest_matches(
            "VmuBQ7epOgsaacQ5tand",
            &verifier,
            &TOKEN_DIGEST[..63]
        ));
    }

    #[test]
    fn verifiers_are_drawn_at_random_not_from_the_key() {
        let now = utc(2026, 1, 15, 9, 0);
        let a = issue(
            42,
            now,
            hour(),
            Paris,
            &key(),
            &mut ChaCha20Rng::seed_from_u64(1),
        );
        let b = issue(
            42,
            now,
            hour(),
            Paris,
            &key(),
            &mut ChaCha20Rng::seed_from_u64(2),
        );
        assert_ne!(a.verifier.expose(), b.verifier.expose());
        // The same random bytes give the same token whatever the key: nothing is derived from it.
        let other = SigningKey::new("another-secret").expect("key");
        let c = issue(
            42,
            now,
            hour(),
            Paris,
            &other,
            &mut ChaCha20Rng::seed_from_u64(1),
        );
        assert_eq!(a.verifier.expose(), c.verifier.expose());
        assert_eq!(a.selector, c.selector);
        assert_ne!(a.hashed_token, c.hashed_token);
    }

    #[test]
    fn random_alnum_is_twenty_alphanumerics() {
        let mut generator = rng();
        for _ in 0..200 {
            let out = random_alnum(&mut |buf: &mut [u8]| generator.fill_bytes(buf));
            assert_eq!(out.len(), 20);
            assert!(is_alnum(&out), "{out}");
        }
    }

    // --- checking ---

    #[test]
    fn verification_refuses_altered_verifier_wrong_user_or_expiry() {
        let expires_at = naive(2026, 1, 15, 11, 0);
        let row = stored(HASH_WINTER, expires_at);
        let now = utc(2026, 1, 15, 9, 30);
        let good = Secret::new(VERIFIER);
        assert_eq!(verify(&key(), &row, &good, now, Paris), Verdict::Valid);

        let altered = Secret::new("uNV61YtdvHZL77M7Yt1h");
        assert_eq!(
            verify(&key(), &row, &altered, now, Paris),
            Verdict::Mismatch
        );

        let other_user = StoredRequest {
            user_id: 7,
            ..row.clone()
        };
        assert_eq!(
            verify(&key(), &other_user, &good, now, Paris),
            Verdict::Mismatch
        );
        // The row for user 7 with its own hash is valid, so the user id is what differed.
        let user_7 = StoredRequest {
            user_id: 7,
            hashed_token: HASH_WINTER_USER_7.into(),
            expires_at,
        };
        assert_eq!(verify(&key(), &user_7, &good, now, Paris), Verdict::Valid);

        let other_expiry = stored(HASH_WINTER, naive(2026, 1, 15, 11, 1));
        assert_eq!(
            verify(&key(), &other_expiry, &good, now, Paris),
            Verdict::Mismatch
        );
        let other_key = SigningKey::new("another-secret").expect("key");
        assert_eq!(
            verify(&other_key, &row, &good, now, Paris),
            Verdict::Mismatch
        );
    }

    #[test]
    fn verification_refuses_a_malformed_stored_hash() {
        let expires_at = naive(2026, 1, 15, 11, 0);
        let now = utc(2026, 1, 15, 9, 30);
        let good = Secret::new(VERIFIER);
        for bad in [
            "",
            "not base64!",
            &HASH_WINTER[..43],
            format!("{HASH_WINTER} ").as_str(),
        ] {
            assert!(
                !matches(&key(), &stored(bad, expires_at), &good, Paris),
                "{bad:?}"
            );
        }
        assert_eq!(
            verify(&key(), &stored("", expires_at), &good, now, Paris),
            Verdict::Mismatch
        );
    }

    #[test]
    fn expiry_is_at_or_before_now_in_whole_seconds() {
        let expires_at = naive(2026, 1, 15, 11, 0); // 10:00:00Z
        let row = stored(HASH_WINTER, expires_at);
        let good = Secret::new(VERIFIER);
        let just_before = utc(2026, 1, 15, 9, 59) + chrono::Duration::seconds(59);
        assert!(!is_expired(expires_at, just_before, Paris));
        assert_eq!(
            verify(&key(), &row, &good, just_before, Paris),
            Verdict::Valid
        );
        let at = utc(2026, 1, 15, 10, 0);
        assert!(is_expired(expires_at, at, Paris));
        assert_eq!(verify(&key(), &row, &good, at, Paris), Verdict::Expired);
        // PHP compares whole seconds: 09:59:59.999 is still before.
        assert!(!is_expired(
            expires_at,
            just_before + chrono::Duration::milliseconds(999),
            Paris
        ));
        // Expiry is checked first, as the portal does, whatever the verifier.
        let altered = Secret::new("uNV61YtdvHZL77M7Yt1h");
        assert_eq!(verify(&key(), &row, &altered, at, Paris), Verdict::Expired);
    }

    #[test]
    fn summer_row_verifies() {
        let row = stored(HASH_SUMMER, naive(2026, 7, 15, 12, 0));
        let now = utc(2026, 7, 15, 9, 30);
        assert_eq!(
            verify(&key(), &row, &Secret::new(VERIFIER), now, Paris),
            Verdict::Valid
        );
        // Read as UTC or as winter time, the same naive time would not match.
        let as_if_utc = hashed_token(&key(), VERIFIER, 42, 1784116800);
        assert_ne!(as_if_utc, HASH_SUMMER);
    }

    #[test]
    fn repeated_hour_row_is_hashed_with_the_first_pass() {
        // A row holding the naive 02:30 of 25 October 2026 is read by PHP as 00:30Z (CEST), not as
        // 01:30Z (CET): the hash over 00:30Z matches, one over 01:30Z would not.
        let expires_at = naive(2026, 10, 25, 2, 30);
        let row = stored(HASH_REPEATED_0030Z, expires_at);
        assert!(matches(&key(), &row, &Secret::new(VERIFIER), Paris));
        let second_pass = utc(2026, 10, 25, 1, 30).timestamp();
        assert_ne!(
            hashed_token(&key(), VERIFIER, 42, second_pass),
            HASH_REPEATED_0030Z
        );
        assert!(is_expired(expires_at, utc(2026, 10, 25, 0, 30), Paris));
        assert!(!is_expired(expires_at, utc(2026, 10, 25, 0, 29), Paris));
    }

    #[test]
    fn skipped_hour_row_reads_past_the_gap() {
        // The naive 02:30 of 29 March 2026 does not exist; PHP reads it as 03:30 CEST = 01:30Z.
        let row = stored(HASH_SPRING_0130Z, naive(2026, 3, 29, 2, 30));
        assert!(matches(&key(), &row, &Secret::new(VERIFIER), Paris));
    }

    // --- secrets ---

    #[test]
    fn secrets_never_show_in_debug() {
        let issued = issue(
            42,
            utc(2026, 1, 15, 9, 0),
            hour(),
            Paris,
            &key(),
            &mut rng(),
        );
        let shown = format!("{issued:?} {:?} {:?}", key(), issued.link("https://x"));
        assert!(!shown.contains(issued.verifier.expose()), "{shown}");
        assert!(!shown.contains(KEY));
        assert!(shown.contains("**redacted**"));
        let parsed = parse_link(TOKEN).expect("token");
        assert!(!format!("{parsed:?}").contains(VERIFIER));
    }

    #[test]
    fn empty_key_is_refused() {
        assert_eq!(SigningKey::new("").err(), Some(EmptySigningKey));
        assert!(EmptySigningKey.message().contains("secret"));
    }

    // --- parsing ---

    fn parsed(input: &str) -> Result<(String, String), LinkParseError> {
        parse_link(input).map(|p| (p.selector.clone(), p.verifier.expose().to_owned()))
    }

    fn ok() -> Result<(String, String), LinkParseError> {
        Ok((SELECTOR.into(), VERIFIER.into()))
    }

    #[test]
    fn parses_the_link_and_the_token() {
        assert_eq!(parsed(LINK), ok());
        assert_eq!(parsed(TOKEN), ok());
        assert_eq!(parsed(&format!("  {TOKEN}\n")), ok());
        assert_eq!(
            parsed(
                "http://localhost:8000/reset-password/reset/VmuBQ7epOgsaacQ5tanduNV61YtdvHZL77M7Yt1H"
            ),
            ok()
        );
        // Host and path case do not matter; the token's case does.
        assert_eq!(
            parsed(
                "HTTPS://AUTH.SIEC.EDUCATION.FR/Reset-Password/Reset/VmuBQ7epOgsaacQ5tanduNV61YtdvHZL77M7Yt1H"
            ),
            ok()
        );
    }

    #[test]
    fn a_link_names_the_site_it_points_to() {
        let site = |input: &str| parse_link(input).expect(input).site;
        assert_eq!(site(LINK).as_deref(), Some("auth.siec.education.fr"));
        assert_eq!(site(TOKEN), None);
        assert_eq!(site(&format!("/reset-password/reset/{TOKEN}")), None);
        let cases = [
            ("HTTPS://AUTH.SIEC.EDUCATION.FR", "auth.siec.education.fr"),
            (
                "Voici le lien :https://auth.siec.education.fr",
                "auth.siec.education.fr",
            ),
            ("auth.siec.education.fr", "auth.siec.education.fr"),
            (
                "https://auth.siec.education.fr.example.com",
                "auth.siec.education.fr.example.com",
            ),
            // A browser goes to the host after `user@`, whatever comes before it.
            (
                "https://auth.siec.education.fr@evil.example",
                "evil.example",
            ),
            (
                "https://auth.siec.education.fr:8443",
                "auth.siec.education.fr:8443",
            ),
            // A Cyrillic « а » in place of the Latin one: the name a browser resolves.
            (
                "https://\u{430}uth.siec.education.fr",
                "xn--uth-5cd.siec.education.fr",
            ),
            ("https://auth.siec.educa\ntion.fr", "auth.siec.education.fr"),
        ];
        for (prefix, expected) in cases {
            let link = format!("{prefix}/reset-password/reset/{TOKEN}");
            assert_eq!(site(&link).as_deref(), Some(expected), "{link}");
        }
    }

    #[test]
    fn parses_a_link_inside_text_brackets_and_quotes() {
        let forms = [
            format!("<{LINK}>"),
            format!("\"{LINK}\""),
            format!("'{LINK}'"),
            format!("« {LINK} »"),
            format!("({LINK})"),
            format!("{LINK}."),
            format!("{LINK}, merci"),
            format!("Voici le lien : {LINK}. Il ne marche pas !"),
            format!(
                "Pour réinitialiser votre mot de passe, veuillez cliquer sur le lien suivant :\n\n{LINK}\n\nCe lien expire dans 1 heure."
            ),
            format!("<a href=\"{LINK}\">{LINK}</a>"),
            format!("{LINK}?utm_source=mail"),
            format!("{LINK}#top"),
            format!("<{TOKEN}>"),
            format!("\"{TOKEN}\"."),
        ];
        for form in forms {
            assert_eq!(parsed(&form), ok(), "{form:?}");
        }
    }

    #[test]
    fn parses_a_link_cut_by_a_mail_client() {
        let forms = [
            // Line break inside the token, the rest on the next line.
            "https://auth.siec.education.fr/reset-password/reset/VmuBQ7epOgsaacQ5tand\nuNV61YtdvHZL77M7Yt1H".to_owned(),
            // Breaks with CRLF and indentation, inside the host and the path too.
            "https://auth.siec.educa\r\n  tion.fr/reset-pass\r\nword/reset/VmuBQ7epOg\r\n  saacQ5tanduNV61YtdvHZL77M7Yt1H".to_owned(),
            // Quoted-printable soft line breaks.
            "https://auth.siec.education.fr/reset-password/reset/VmuBQ7epOgsaacQ5tan=\nduNV61YtdvHZL77M7Yt1H".to_owned(),
            "https://auth.siec.education.fr/reset-pass=\r\nword/reset/VmuBQ7epOgsaacQ5tanduNV61=\r\nYtdvHZL77M7Yt1H".to_owned(),
            // Quoted-printable HTML: href=3D"…".
            format!("<a href=3D\"{LINK}\">lien</a>"),
            // A space inserted, then the following text after another break.
            "https://auth.siec.education.fr/reset-password/reset/VmuBQ7epOgsaacQ5t anduNV61YtdvHZL77M7Yt1H\nCe lien expire dans 1 heure.".to_owned(),
            // Zero-width spaces and a soft hyphen some clients add to long words.
            "https://auth.siec.education.fr/reset-password/reset/VmuBQ7epOg\u{200B}saacQ5tanduNV\u{AD}61YtdvHZL77M7Yt1H".to_owned(),
            // The token read out in groups.
            "VmuBQ 7epOg saacQ 5tand uNV61 Ytdv HZL77 M7Yt1H".to_owned(),
        ];
        for form in forms {
            assert_eq!(parsed(&form), ok(), "{form:?}");
        }
    }

    #[test]
    fn a_complete_token_is_not_joined_with_the_next_line() {
        let text = format!("{LINK}\nCe lien expire dans 1 heure.");
        assert_eq!(parsed(&text), ok());
    }

    #[test]
    fn reports_why_an_input_is_malformed() {
        use LinkParseError::*;
        let cases: Vec<(String, LinkParseError)> = vec![
            ("".into(), Empty),
            ("   \n\t ".into(), Empty),
            ("=\n".into(), Empty),
            ("« . »".into(), Empty),
            // Cut short: the mail client or the caller lost the end.
            (LINK[..LINK.len() - 5].into(), WrongLength { found: 35 }),
            (format!("{LINK}X"), WrongLength { found: 41 }),
            (TOKEN[..39].into(), WrongLength { found: 39 }),
            ("abc".into(), WrongLength { found: 3 }),
            // Characters a token never has.
            (
                format!("{}-{}", &TOKEN[..20], &TOKEN[21..]),
                ForbiddenCharacters { found: "-".into() },
            ),
            (
                "https://auth.siec.education.fr/reset-password/reset/VmuBQ7epOgsaacQ5tandéNV61Ytdv_ZL77M7Yt1H".into(),
                ForbiddenCharacters { found: "é_".into() },
            ),
            (
                format!("Token : {TOKEN}"),
                ForbiddenCharacters { found: ":".into() },
            ),
            // Not the reset route.
            ("https://auth.siec.education.fr/".into(), NotAResetLink),
            ("https://auth.siec.education.fr/reset-password".into(), NotAResetLink),
            (
                "https://auth.siec.education.fr/login/VmuBQ7epOgsaacQ5tanduNV61YtdvHZL77M7Yt1H".into(),
                NotAResetLink,
            ),
            ("www.siec.education.fr".into(), NotAResetLink),
            (
                "https://auth.siec.education.fr/reset-password/resetting/VmuBQ7epOgsaacQ5tanduNV61YtdvHZL77M7Yt1H".into(),
                NotAResetLink,
            ),
            // The address bar after the portal's redirect: no token left.
            ("https://auth.siec.education.fr/reset-password/reset".into(), MissingToken),
            ("https://auth.siec.education.fr/reset-password/reset/".into(), MissingToken),
            ("<https://auth.siec.education.fr/reset-password/reset>".into(), MissingToken),
            ("https://auth.siec.education.fr/reset-password/reset?x=1".into(), MissingToken),
        ];
        for (input, expected) in cases {
            assert_eq!(parsed(&input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn error_messages_are_french_and_precise() {
        let message = LinkParseError::WrongLength { found: 35 }.message();
        assert!(message.contains("35 caractères au lieu de 40"), "{message}");
        let message = LinkParseError::ForbiddenCharacters {
            found: "é_".into()
        }
        .message();
        assert!(
            message.contains("«\u{a0}é\u{a0}», «\u{a0}_\u{a0}»"),
            "{message}"
        );
        assert!(LinkParseError::MissingToken.message().contains("sans code"));
        assert_eq!(
            LinkParseError::WrongLength { found: 1 }.to_string(),
            "token has 1 characters, expected 40"
        );
    }
}
