//! What a sign-in attempt comes to: failures in a row, the lock they bring, and the same for
//! logins no agent has.

use chrono::{DateTime, Duration, Utc};

/// What a sign-in attempt of a known agent came to, decided against the row as it is when the
/// attempt is written, not as it was read before the password was hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignInOutcome {
    Succeeded,
    Failed {
        failures: i32,
        locked_until: Option<DateTime<Utc>>,
    },
    /// The login was locked when the attempt was settled (by this attempt's siblings, maybe).
    Locked(DateTime<Utc>),
    /// The right password, for a disabled account.
    Disabled,
}

/// Failed sign-ins in a row before the login is locked.
pub const FAILURES_BEFORE_LOCK: i32 = 5;

/// How long a login stays locked after `failures` failed attempts in a row: 30 s at the fifth,
/// doubling with each further failure, at most 15 minutes.
pub fn lock_duration(failures: i32) -> Option<Duration> {
    if failures < FAILURES_BEFORE_LOCK {
        return None;
    }
    let beyond = (failures - FAILURES_BEFORE_LOCK).min(10);
    let seconds = 30_i64 << beyond;
    Some(Duration::seconds(seconds.min(15 * 60)))
}

/// Failed sign-ins of logins no agent has, counted and locked as a known login's are, so that
/// a lock tells nothing of whether a login exists. Kept in memory only, under a salted digest
/// of what was typed (often a password typed in the wrong field). The count starts over when
/// the app restarts: whoever can restart it can read the standalone database's logins anyway.
#[derive(Debug)]
pub(crate) struct UnknownLogins {
    salt: [u8; 32],
    pub(super) failures: std::sync::Mutex<std::collections::HashMap<[u8; 32], Failures>>,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Failures {
    count: i32,
    locked_until: Option<DateTime<Utc>>,
}

/// Logins counted at once; past it, expired counts go first (then all of them), so that a flood
/// of made-up logins cannot fill the memory.
pub(super) const UNKNOWN_LOGINS_KEPT: usize = 10_000;

impl Default for UnknownLogins {
    fn default() -> Self {
        UnknownLogins {
            salt: rand::random(),
            failures: Default::default(),
        }
    }
}

impl UnknownLogins {
    /// Counts a failed attempt of `login` at `now`: the failures in a row and the lock they
    /// bring, or the lock already running.
    pub(crate) fn fail(&self, login: &str, now: DateTime<Utc>) -> SignInOutcome {
        use sha2::{Digest, Sha256};
        let key: [u8; 32] = Sha256::new()
            .chain_update(self.salt)
            .chain_update(login.as_bytes())
            .finalize()
            .into();
        let mut failures = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if failures.len() >= UNKNOWN_LOGINS_KEPT && !failures.contains_key(&key) {
            failures.retain(|_, f| f.locked_until.is_some_and(|until| until > now));
            if failures.len() >= UNKNOWN_LOGINS_KEPT {
                failures.clear();
            }
        }
        let entry = failures.entry(key).or_insert(Failures {
            count: 0,
            locked_until: None,
        });
        if let Some(until) = locked_until(entry.locked_until, now) {
            return SignInOutcome::Locked(until);
        }
        entry.count = entry.count.saturating_add(1);
        entry.locked_until = lock_duration(entry.count).map(|lock| now + lock);
        SignInOutcome::Failed {
            failures: entry.count,
            locked_until: entry.locked_until,
        }
    }
}

/// When a locked login may try again, if it is locked at `now`.
pub fn locked_until(
    locked_until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    locked_until.filter(|until| *until > now)
}
