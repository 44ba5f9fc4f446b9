//! Edit distances between short strings: local parts and domains.

/// The optimal string alignment distance (Damerau–Levenshtein without editing a substring
/// twice): insertions, deletions, substitutions and swaps of two adjacent characters each
/// count 1. `None` when it is above `max`, found without filling the whole table.
pub fn within(a: &str, b: &str, max: usize) -> Option<usize> {
    if a.is_ascii() && b.is_ascii() {
        osa(a.as_bytes(), b.as_bytes(), max)
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        osa(&a, &b, max)
    }
}

/// The distance without a bound, for the few candidates already kept.
pub fn between(a: &str, b: &str) -> usize {
    within(a, b, usize::MAX / 2).unwrap_or(usize::MAX)
}

fn osa<T: PartialEq>(a: &[T], b: &[T], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    // Three rows: the one before last (for swaps), the last, the current.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut last: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (last[j] + 1)
                .min(current[j - 1] + 1)
                .min(last[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
            row_min = row_min.min(d);
        }
        // Every later cell is at least the smallest of this row (or of the last, for a swap).
        if row_min > max && last.iter().min().is_some_and(|&m| m > max) {
            return None;
        }
        std::mem::swap(&mut before, &mut last);
        std::mem::swap(&mut last, &mut current);
    }
    let d = last[b.len()];
    (d <= max).then_some(d)
}

/// The distance between two domains, where a wrong top-level domain (`.com` for `.fr`) counts
/// as one typo; `None` when above `max`.
pub fn domains(a: &str, b: &str, max: usize) -> Option<usize> {
    let whole = within(a, b, max);
    let stems = match (a.rsplit_once('.'), b.rsplit_once('.')) {
        (Some((stem_a, tld_a)), Some((stem_b, tld_b))) if tld_a != tld_b && max > 0 => {
            within(stem_a, stem_b, max - 1).map(|d| d + 1)
        }
        _ => None,
    };
    match (whole, stems) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

/// Whether `b` is `a` with two adjacent characters swapped.
pub fn is_swap(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len() != b.len() {
        return false;
    }
    let differ: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    matches!(differ[..], [i, j] if j == i + 1 && a[i] == b[j] && a[j] == b[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_kind_of_typo_once() {
        assert_eq!(within("dupont", "dupont", 2), Some(0));
        assert_eq!(within("dupont", "dupond", 2), Some(1)); // substitution
        assert_eq!(within("dupont", "dupon", 2), Some(1)); // deletion
        assert_eq!(within("dupont", "duppont", 2), Some(1)); // insertion
        assert_eq!(within("dupont", "dupnot", 2), Some(1)); // swap
        assert_eq!(within("dupont", "dupnod", 2), Some(2));
        assert_eq!(within("hélène", "helene", 2), Some(2));
        assert_eq!(within("", "ab", 2), Some(2));
    }

    #[test]
    fn stops_above_the_bound() {
        assert_eq!(within("dupont", "martin", 2), None);
        assert_eq!(within("abcdefgh", "abcd", 2), None);
        assert_eq!(between("dupont", "martin"), 6);
        // The bound is not a shortcut that changes the answer.
        assert_eq!(within("ca", "abc", 3), Some(3));
    }

    #[test]
    fn a_wrong_top_level_domain_is_one_typo() {
        assert_eq!(domains("ac-creteil.com", "ac-creteil.fr", 2), Some(1));
        assert_eq!(domains("gmial.com", "gmail.com", 2), Some(1));
        assert_eq!(domains("gmial.fr", "gmail.com", 2), Some(2));
        assert_eq!(domains("orange.fr", "gmail.com", 2), None);
        assert_eq!(domains("a.fr", "a.com", 0), None);
    }

    #[test]
    fn tells_a_swap_from_other_typos() {
        assert!(is_swap("gmail", "gmial"));
        assert!(!is_swap("gmail", "gmaul"));
        assert!(!is_swap("abc", "cba"));
        assert!(!is_swap("abc", "abc"));
    }
}
