//! The portal's clock: `reset_password_request` holds naive local date-times, read back by PHP in
//! the portal's time zone. Writing and reading them the way PHP does is what makes links valid.

use chrono::{DateTime, LocalResult, NaiveDateTime, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// The naive local date-time, to the second, that the portal stores for an instant.
pub fn to_portal(tz: Tz, instant: DateTime<Utc>) -> NaiveDateTime {
    let local = instant.with_timezone(&tz).naive_local();
    local.with_nanosecond(0).unwrap_or(local)
}

/// The instant PHP means when it reads a naive local date-time in its time zone: in the hour
/// that repeats when daylight saving ends, the first (summer) one; in the hour skipped when it
/// starts, the same wall-clock reading pushed past the gap (02:30 reads as 03:30 summer time).
pub fn from_portal(tz: Tz, naive: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(at) => at.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            // The offset in force just before the gap applies to the missing wall-clock time.
            let before = naive - chrono::Duration::hours(3);
            let offset = match tz.from_local_datetime(&before) {
                LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at.offset().fix(),
                LocalResult::None => return naive.and_utc(),
            };
            (naive - offset).and_utc()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn naive(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|date| date.and_hms_opt(h, mi, 0))
            .expect("valid date")
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        naive(y, mo, d, h, mi).and_utc()
    }

    #[test]
    fn winter_and_summer_offsets() {
        let paris = chrono_tz::Europe::Paris;
        assert_eq!(
            to_portal(paris, utc(2026, 1, 15, 9, 0)),
            naive(2026, 1, 15, 10, 0)
        );
        assert_eq!(
            to_portal(paris, utc(2026, 7, 15, 9, 0)),
            naive(2026, 7, 15, 11, 0)
        );
        assert_eq!(
            from_portal(paris, naive(2026, 7, 15, 11, 0)),
            utc(2026, 7, 15, 9, 0)
        );
    }

    #[test]
    fn repeated_hour_reads_as_the_summer_one() {
        // 25 October 2026: 03:00 CEST becomes 02:00 CET, so 02:30 happens twice.
        let paris = chrono_tz::Europe::Paris;
        assert_eq!(
            from_portal(paris, naive(2026, 10, 25, 2, 30)),
            utc(2026, 10, 25, 0, 30)
        );
        // The second 02:30 (00:30 UTC + 1 h) is stored with the same reading, so it reads back earlier.
        assert_eq!(
            to_portal(paris, utc(2026, 10, 25, 1, 30)),
            naive(2026, 10, 25, 2, 30)
        );
    }

    #[test]
    fn skipped_hour_reads_past_the_gap() {
        // 29 March 2026: 02:00 CET becomes 03:00 CEST; 02:30 does not exist and reads as 03:30 CEST.
        let paris = chrono_tz::Europe::Paris;
        assert_eq!(
            from_portal(paris, naive(2026, 3, 29, 2, 30)),
            utc(2026, 3, 29, 1, 30)
        );
    }

    #[test]
    fn drops_fractions_of_a_second() {
        let at = utc(2026, 1, 15, 9, 0) + chrono::Duration::milliseconds(999);
        assert_eq!(
            to_portal(chrono_tz::Europe::Paris, at),
            naive(2026, 1, 15, 10, 0)
        );
    }
}
