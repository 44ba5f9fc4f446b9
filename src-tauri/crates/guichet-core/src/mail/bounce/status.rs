//! Enhanced status codes (RFC 3463: `class.subject.detail`, `5.1.1`) and SMTP reply codes, read
//! from a field or found in prose.

/// An enhanced status code's three numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Enhanced {
    pub class: u8,
    pub subject: u16,
    pub detail: u16,
}

/// `text` as a whole enhanced status code: class 2, 4 or 5, then one to three digits twice.
pub(super) fn parse_enhanced(text: &str) -> Option<Enhanced> {
    let mut numbers = text.trim().split('.');
    let class = numbers.next()?;
    let subject = numbers.next()?;
    let detail = numbers.next()?;
    if numbers.next().is_some() || !matches!(class, "2" | "4" | "5") {
        return None;
    }
    let number = |digits: &str| {
        (!digits.is_empty() && digits.len() <= 3 && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse::<u16>().ok())
            .flatten()
    };
    Some(Enhanced {
        class: class.parse().ok()?,
        subject: number(subject)?,
        detail: number(detail)?,
    })
}

/// Where the first enhanced status code of class 4 or 5 stands in `text`, standing alone (not
/// inside an IP address or a version number), with its subject 0 to 7 as RFC 3463 defines them.
pub(super) fn find_enhanced(text: &str) -> Option<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        at += 1;
        if !matches!(bytes[start], b'4' | b'5') || !alone_before(bytes, start) {
            continue;
        }
        let mut end = start + 1;
        if bytes.get(end) != Some(&b'.')
            || !bytes.get(end + 1).is_some_and(|b| b"01234567".contains(b))
        {
            continue;
        }
        end += 2;
        if bytes.get(end) != Some(&b'.') {
            continue;
        }
        end += 1;
        let digits = bytes[end..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        end += digits;
        let next_is_digit = bytes.get(end + 1).is_some_and(u8::is_ascii_digit);
        if (1..=3).contains(&digits)
            && !(bytes.get(end) == Some(&b'.') && next_is_digit)
            && !bytes.get(end).is_some_and(u8::is_ascii_alphanumeric)
        {
            return text.get(start..end).map(|code| (start, code));
        }
    }
    None
}

/// Where the first SMTP reply code of class 4 or 5 stands in `text`: three digits as a word of
/// their own, followed by a space or a hyphen.
pub(super) fn find_reply_code(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find(|&at| {
        matches!(bytes[at], b'4' | b'5')
            && alone_before(bytes, at)
            && bytes
                .get(at + 1..at + 3)
                .is_some_and(|rest| rest.iter().all(u8::is_ascii_digit))
            && matches!(bytes.get(at + 3), Some(b' ' | b'-'))
            && reply_code(text.get(at..at + 3).unwrap_or_default()).is_some()
    })
}

/// Three digits as an SMTP reply code (RFC 5321 §4.2: 2 to 5, then 0 to 5, then any digit).
pub(super) fn reply_code(digits: &str) -> Option<u16> {
    let bytes = digits.as_bytes();
    let valid = bytes.len() == 3
        && (b'2'..=b'5').contains(&bytes[0])
        && (b'0'..=b'5').contains(&bytes[1])
        && bytes[2].is_ascii_digit();
    valid.then(|| digits.parse().ok()).flatten()
}

fn alone_before(bytes: &[u8], at: usize) -> bool {
    at == 0
        || !(bytes[at - 1].is_ascii_alphanumeric() || matches!(bytes[at - 1], b'.' | b'-' | b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_standing_alone_are_found_and_numbers_that_look_alike_are_not() {
        assert_eq!(
            find_enhanced("said: 552 5.2.2 <x@y.fr>"),
            Some((10, "5.2.2"))
        );
        assert_eq!(find_enhanced("no such user (#5.1.1)"), Some((15, "5.1.1")));
        assert_eq!(find_enhanced("550 5.1.10 RESOLVER"), Some((4, "5.1.10")));
        assert_eq!(
            find_enhanced("host 192.0.2.31 and 10.5.2.2 and Exim 4.96.1"),
            None
        );
        assert_eq!(find_enhanced("Sieve 0.5.16, Postfix 3.5.2, 5.9.1a"), None);
        assert_eq!(find_reply_code("Remote host said: 552 5.2.2"), Some(18));
        assert_eq!(find_reply_code("port 1025 and 10:30:12 and 599 x"), None);
        assert_eq!(
            parse_enhanced("5.1.1"),
            Some(Enhanced {
                class: 5,
                subject: 1,
                detail: 1
            })
        );
        assert_eq!(parse_enhanced("3.1.1"), None);
        assert_eq!(parse_enhanced("5.1"), None);
        assert_eq!(parse_enhanced("5.1.1.1"), None);
        assert_eq!(parse_enhanced("5.1.1000"), None);
        assert_eq!(reply_code("550"), Some(550));
        assert_eq!(reply_code("560"), None);
    }
}
