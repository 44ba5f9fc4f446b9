//! The tokens against hashes computed apart with Python, and the parser on links as mail clients
//! and callers mangle them.

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
const LINK: &str =
    "https://auth.siec.education.fr/reset-password/reset/VmuBQ7epOgsaacQ5tanduNV61YtdvHZL77M7Yt1H";
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
