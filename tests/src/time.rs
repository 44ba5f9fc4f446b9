//! Times for the tests: the portal's time zone, the fixed instant fixtures are dated at, and
//! instants or naive local times written as a date and a time of day.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// The portal's time zone, in which it reads its naive times.
pub const PARIS: chrono_tz::Tz = chrono_tz::Europe::Paris;

/// 25 November 2026 at 09:00 UTC (10:00 in Paris): the "now" of tests that need the same one on
/// every run.
pub fn fixed_now() -> DateTime<Utc> {
    utc(2026, 11, 25, 9, 0)
}

/// The instant of a UTC date and time.
pub fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
        .single()
        .expect("a valid instant")
}

/// The instant of a Paris date and time that happens once (neither skipped nor repeated).
pub fn paris(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    PARIS
        .with_ymd_and_hms(year, month, day, hour, minute, 0)
        .single()
        .expect("a Paris time that happens once")
        .with_timezone(&Utc)
}

/// A naive local date and time, as the portal's rows hold them.
pub fn naive(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|date| date.and_hms_opt(hour, minute, 0))
        .expect("a valid date and time")
}
