//! The return path that carries a message's outbox id (VERP: `bounces+1234@siec.fr`), so that a
//! bounce finds its message even from a server that drops the envelope id; and xtext (RFC 3461
//! §4), the encoding of the envelope id the server hands back.

/// VERP: `bounces@siec.fr` and 1234 give `bounces+1234@siec.fr`.
pub fn return_path(bounce_address: &str, outbox_id: i32) -> String {
    let bounce_address = bounce_address.trim();
    match bounce_address.rsplit_once('@') {
        Some((local, domain)) => format!("{local}+{outbox_id}@{domain}"),
        None => format!("{bounce_address}+{outbox_id}"),
    }
}

/// The outbox id a VERP address made by [`return_path`] for `bounce_address` carries (local part
/// and domain compared without case, as mail servers do), or `None`: another address, a tag that
/// is not a plain decimal id, one too large.
pub fn outbox_id_of(address: &str, bounce_address: &str) -> Option<i32> {
    let address = address.trim();
    let address = address
        .strip_prefix('<')
        .and_then(|inner| inner.strip_suffix('>'))
        .unwrap_or(address);
    let (local, domain) = address.rsplit_once('@')?;
    let (bounce_local, bounce_domain) = bounce_address.trim().rsplit_once('@')?;
    if !domain.eq_ignore_ascii_case(bounce_domain) {
        return None;
    }
    let prefix = local.get(..bounce_local.len())?;
    if !prefix.eq_ignore_ascii_case(bounce_local) {
        return None;
    }
    let tag = local.get(bounce_local.len()..)?.strip_prefix('+')?;
    // Only what return_path writes: digits, no sign, no leading zero.
    let canonical = !tag.is_empty()
        && tag.bytes().all(|b| b.is_ascii_digit())
        && (tag == "0" || !tag.starts_with('0'));
    canonical.then(|| tag.parse().ok()).flatten()
}

/// Decodes xtext: each `+XX` (two hexadecimal digits) is the byte XX; anything else is itself.
pub fn decode_xtext(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let escaped = (bytes[at] == b'+')
            .then(|| bytes.get(at + 1..at + 3))
            .flatten()
            .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                at += 3;
            }
            None => {
                decoded.push(bytes[at]);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// Encodes `text` as xtext, as `ENVID` must be given: `+`, `=`, controls, spaces and non-ASCII
/// bytes as `+XX`.
pub fn encode_xtext(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if (b'!'..=b'~').contains(&byte) && byte != b'+' && byte != b'=' {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("+{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xtext_round_trips_and_leaves_stray_plus_signs_alone() {
        let id = "3f2a+b=c é@siec.education.fr";
        assert_eq!(encode_xtext(id), "3f2a+2Bb+3Dc+20+C3+A9@siec.education.fr");
        assert_eq!(decode_xtext(&encode_xtext(id)), id);
        assert_eq!(decode_xtext("a+zz+"), "a+zz+");
        assert_eq!(decode_xtext("a++41"), "a+A");
        assert_eq!(decode_xtext("+e9"), "\u{fffd}");
    }
}
