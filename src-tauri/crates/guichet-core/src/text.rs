//! Folding text the way callers spell it: lower case, without accents or ligatures.

/// An instant as an agent reads it: "25/11/2026 à 14:32", in Paris time.
pub fn paris_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Paris)
        .format("%d/%m/%Y à %H:%M")
        .to_string()
}

/// The hour of an instant: "10:05", in Paris time, as the window writes every time.
pub fn paris_hour(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Paris)
        .format("%H:%M")
        .to_string()
}

/// The text with its first letter in lower case, to go on after « … : ».
pub fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Lower case, accents removed and ligatures spelt out: "Lycée Œdipe" → "lycee oedipe".
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => {
                out.push('a')
            }
            'ç' | 'Ç' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => out.push('i'),
            'ñ' | 'Ñ' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => out.push('u'),
            'ý' | 'ÿ' | 'Ý' | 'Ÿ' => out.push('y'),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            '’' | '‘' => out.push('\''),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Folded words joined by `sep`, everything else dropped: ("Jean-Baptiste Clément", '-') →
/// "jean-baptiste-clement".
pub fn slug(text: &str, sep: char) -> String {
    fold(text)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(&sep.to_string())
}

/// A duration as French words say it, a link's lifetime in the e-mail, the idle lock in its
/// message: « 1 heure » (the guide's text at the default),
/// « 1 heure 30 », « 2 heures », « 45 minutes », « 1 minute et 30 secondes ».
pub fn lifetime_in_words(seconds: u32) -> String {
    let (hours, minutes, seconds) = (seconds / 3_600, seconds % 3_600 / 60, seconds % 60);
    let plural = |n: u32, unit: &str| format!("{n} {unit}{}", if n > 1 { "s" } else { "" });
    match (hours, minutes, seconds) {
        (0, 0, s) => plural(s, "seconde"),
        (0, m, 0) => plural(m, "minute"),
        (0, m, s) => format!("{} et {}", plural(m, "minute"), plural(s, "seconde")),
        (h, 0, 0) => plural(h, "heure"),
        (h, m, 0) => format!("{} {m:02}", plural(h, "heure")),
        (h, m, s) => format!(
            "{} {} et {}",
            plural(h, "heure"),
            plural(m, "minute"),
            plural(s, "seconde")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_time_follows_daylight_saving() {
        use chrono::TimeZone;
        let winter = chrono::Utc
            .with_ymd_and_hms(2026, 11, 25, 13, 32, 0)
            .single()
            .expect("instant");
        let summer = chrono::Utc
            .with_ymd_and_hms(2026, 7, 14, 22, 5, 0)
            .single()
            .expect("instant");
        assert_eq!(paris_time(winter), "25/11/2026 à 14:32");
        assert_eq!(paris_time(summer), "15/07/2026 à 00:05");
        assert_eq!(paris_hour(winter), "14:32");
        assert_eq!(paris_hour(summer), "00:05");
    }

    #[test]
    fn folds_french_accents_and_ligatures() {
        assert_eq!(
            fold("LYCÉE GÉNÉRAL Œdipe à Noël"),
            "lycee general oedipe a noel"
        );
        assert_eq!(fold("Saint-Jean-d’Angély"), "saint-jean-d'angely");
    }

    #[test]
    fn slugs_keep_only_letters_and_digits() {
        assert_eq!(
            slug("Jean-Baptiste  Clément (DECC)", '-'),
            "jean-baptiste-clement-decc"
        );
        assert_eq!(slug("Adélaïde", '.'), "adelaide");
        assert_eq!(slug(" -- ", '.'), "");
    }

    #[test]
    fn the_lifetime_reads_as_the_guide_writes_it() {
        assert_eq!(lifetime_in_words(3_600), "1 heure");
        assert_eq!(lifetime_in_words(5_400), "1 heure 30");
        assert_eq!(lifetime_in_words(7_200), "2 heures");
        assert_eq!(lifetime_in_words(2_700), "45 minutes");
        assert_eq!(lifetime_in_words(60), "1 minute");
        assert_eq!(lifetime_in_words(3_900), "1 heure 05");
        assert_eq!(lifetime_in_words(90), "1 minute et 30 secondes");
        assert_eq!(lifetime_in_words(4), "4 secondes");
        assert_eq!(lifetime_in_words(1), "1 seconde");
        assert_eq!(lifetime_in_words(3_661), "1 heure 1 minute et 1 seconde");
    }
}
