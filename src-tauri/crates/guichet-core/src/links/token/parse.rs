//! Reading the token out of what a caller pastes or reads out (a link, a link cut by a mail
//! client, the token alone), and saying in French why it cannot be read.

use zeroize::Zeroizing;

use crate::secrets::Secret;

use super::{RESET_PATH, SELECTOR_LENGTH, TOKEN_LENGTH};

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
