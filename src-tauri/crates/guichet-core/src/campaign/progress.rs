//! Where a campaign stands, what may be done with it next, and how fast it may go.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// A campaign's state: the stored ones, and `terminee` once a started campaign has nothing
/// left to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, specta::Type)]
pub enum CampaignState {
    #[serde(rename = "preparee")]
    Planned,
    #[serde(rename = "en-cours")]
    Running,
    #[serde(rename = "en-pause")]
    Paused,
    #[serde(rename = "annulee")]
    Cancelled,
    #[serde(rename = "terminee")]
    Finished,
}

impl CampaignState {
    pub fn code(self) -> &'static str {
        match self {
            CampaignState::Planned => "preparee",
            CampaignState::Running => "en-cours",
            CampaignState::Paused => "en-pause",
            CampaignState::Cancelled => "annulee",
            CampaignState::Finished => "terminee",
        }
    }

    pub fn from_code(code: &str) -> Option<CampaignState> {
        [
            CampaignState::Planned,
            CampaignState::Running,
            CampaignState::Paused,
            CampaignState::Cancelled,
            CampaignState::Finished,
        ]
        .into_iter()
        .find(|state| state.code() == code)
    }

    /// As a sentence's end: « La campagne n° 3 est … ».
    pub fn said(self) -> &'static str {
        match self {
            CampaignState::Planned => "préparée et pas encore lancée",
            CampaignState::Running => "déjà en cours",
            CampaignState::Paused => "en pause",
            CampaignState::Cancelled => "annulée",
            CampaignState::Finished => "terminée",
        }
    }

    /// Whether `action` may be done to a campaign in this state.
    pub fn allows(self, action: CampaignAction) -> bool {
        matches!(
            (self, action),
            (CampaignState::Planned, CampaignAction::Start)
                | (CampaignState::Running, CampaignAction::Pause)
                | (CampaignState::Paused, CampaignAction::Resume)
                | (
                    CampaignState::Planned | CampaignState::Running | CampaignState::Paused,
                    CampaignAction::Cancel
                )
        )
    }

    /// The state `action` leads to.
    pub fn after(action: CampaignAction) -> CampaignState {
        match action {
            CampaignAction::Start | CampaignAction::Resume => CampaignState::Running,
            CampaignAction::Pause => CampaignState::Paused,
            CampaignAction::Cancel => CampaignState::Cancelled,
        }
    }
}

/// What a supervisor does to a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum CampaignAction {
    Start,
    Pause,
    Resume,
    Cancel,
}

impl CampaignAction {
    /// As a sentence goes on: « Impossible … la campagne ».
    pub fn verb(self) -> &'static str {
        match self {
            CampaignAction::Start => "de lancer",
            CampaignAction::Pause => "de mettre en pause",
            CampaignAction::Resume => "de reprendre",
            CampaignAction::Cancel => "d’annuler",
        }
    }
}

/// A campaign's messages by what became of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct CampaignCounts {
    /// Links the plan sends.
    pub planned: u32,
    /// Accepted by the mail server.
    pub sent: u32,
    /// Refused for good, or out of attempts.
    pub failed: u32,
    /// Not sent after all: initialised, or sent another link, since the plan; or cancelled.
    pub dropped: u32,
}

impl CampaignCounts {
    pub fn remaining(&self) -> u32 {
        self.planned
            .saturating_sub(self.sent + self.failed + self.dropped)
    }
}

/// Where a campaign stands: `campaign status --json` and the window's progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct CampaignStatus {
    pub campaign: i32,
    pub state: CampaignState,
    pub sent: u32,
    pub failed: u32,
    pub remaining: u32,
    /// Not sent after all (see [`CampaignCounts::dropped`]).
    pub dropped: u32,
    /// Links the plan sends, and establishments it skips.
    pub to_send: u32,
    pub skipped: u32,
    pub rate_per_minute: Option<u32>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    /// At the campaign's rate, while it runs.
    pub seconds_left: Option<u32>,
}

impl CampaignStatus {
    /// The status from what is stored: a started campaign with nothing left is `terminee`.
    pub fn new(
        campaign: i32,
        stored: CampaignState,
        counts: CampaignCounts,
        skipped: u32,
        rate_per_minute: Option<u32>,
        created_at: DateTime<Utc>,
        started_at: Option<DateTime<Utc>>,
    ) -> CampaignStatus {
        let remaining = counts.remaining();
        let state = match stored {
            CampaignState::Running | CampaignState::Paused if remaining == 0 => {
                CampaignState::Finished
            }
            other => other,
        };
        let seconds_left = match (state, rate_per_minute) {
            (CampaignState::Running, Some(rate)) if rate > 0 => {
                let seconds = (u64::from(remaining) * 60).div_ceil(u64::from(rate));
                Some(u32::try_from(seconds).unwrap_or(u32::MAX))
            }
            _ => None,
        };
        CampaignStatus {
            campaign,
            state,
            sent: counts.sent,
            failed: counts.failed,
            remaining: if state == CampaignState::Cancelled {
                0
            } else {
                remaining
            },
            dropped: counts.dropped,
            to_send: counts.planned,
            skipped,
            rate_per_minute,
            created_at,
            started_at,
            seconds_left,
        }
    }
}

/// Why a rate is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error("a rate of 0 sends nothing")]
    Zero,
    #[error("rate {rate}/min above the relay's {max}/min")]
    AboveMax { rate: u32, max: u32 },
    #[error("rate {rate}/min with {used}/min already running exceeds the relay's {max}/min")]
    RelayBusy { rate: u32, used: u32, max: u32 },
}

impl RateError {
    pub fn message(&self) -> String {
        match self {
            RateError::Zero => "Indiquez un débit d’au moins 1\u{a0}message par minute\u{a0}: \
                 à 0, la campagne n’enverrait rien."
                .into(),
            RateError::AboveMax { rate, max } => format!(
                "Le relais de messagerie accepte au plus {max}\u{a0}messages par minute \
                 (réglage smtp_max_rate)\u{a0}: {rate} est trop élevé."
            ),
            RateError::RelayBusy { rate, used, max } => format!(
                "Le relais de messagerie accepte au plus {max}\u{a0}messages par minute et les \
                 campagnes en cours en envoient déjà {used}\u{a0}: {rate} de plus dépasserait la \
                 limite. Choisissez au plus {}.",
                max.saturating_sub(*used)
            ),
        }
    }
}

/// Checks a campaign's rate against the relay's limit, `used` by the campaigns already running.
pub fn check_rate(rate: u32, max: u32, used: u32) -> Result<u32, RateError> {
    if rate == 0 {
        Err(RateError::Zero)
    } else if rate > max {
        Err(RateError::AboveMax { rate, max })
    } else if rate + used > max {
        Err(RateError::RelayBusy { rate, used, max })
    } else {
        Ok(rate)
    }
}

/// The campaign's next slot after one taken at `now`, the last being `previous`: one message
/// every `60 / rate` seconds. A sender that woke a little late keeps the rhythm; one that was
/// stopped (or a campaign paused) sends the next at once and then at the rate again, never a
/// burst to catch up.
pub fn next_slot(
    previous: DateTime<Utc>,
    now: DateTime<Utc>,
    rate_per_minute: u32,
) -> DateTime<Utc> {
    let interval = Duration::microseconds(60_000_000 / i64::from(rate_per_minute.max(1)));
    (previous + interval).max(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_action_goes_from_its_states_only() {
        use CampaignAction::*;
        use CampaignState::*;
        let allowed = [
            (Planned, Start),
            (Planned, Cancel),
            (Running, Pause),
            (Running, Cancel),
            (Paused, Resume),
            (Paused, Cancel),
        ];
        for state in [Planned, Running, Paused, Cancelled, Finished] {
            for action in [Start, Pause, Resume, Cancel] {
                assert_eq!(
                    state.allows(action),
                    allowed.contains(&(state, action)),
                    "{state:?} {action:?}"
                );
            }
            assert_eq!(CampaignState::from_code(state.code()), Some(state));
        }
    }

    #[test]
    fn rates_of_zero_above_the_relay_or_beside_other_campaigns_are_refused() {
        assert_eq!(check_rate(0, 300, 0), Err(RateError::Zero));
        assert_eq!(
            check_rate(301, 300, 0),
            Err(RateError::AboveMax {
                rate: 301,
                max: 300
            })
        );
        assert_eq!(
            check_rate(200, 300, 150),
            Err(RateError::RelayBusy {
                rate: 200,
                used: 150,
                max: 300
            })
        );
        assert_eq!(check_rate(150, 300, 150), Ok(150));
        assert!(
            RateError::RelayBusy {
                rate: 200,
                used: 150,
                max: 300
            }
            .message()
            .contains("au plus 150")
        );
    }

    #[test]
    fn slots_follow_the_rate_and_never_catch_up_in_a_burst() {
        let t0 = DateTime::parse_from_rfc3339("2026-12-02T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        // 120 a minute: one every half second, from the previous slot when a little late.
        assert_eq!(
            next_slot(t0, t0 + Duration::milliseconds(10), 120),
            t0 + Duration::milliseconds(500)
        );
        // An hour late (paused, or the sender stopped): the next at once, not an hour's burst.
        let late = t0 + Duration::hours(1);
        assert_eq!(next_slot(t0, late, 120), late);
        // 7 a minute: 8.571428 s.
        assert_eq!(next_slot(t0, t0, 7) - t0, Duration::microseconds(8_571_428));
    }

    #[test]
    fn a_started_campaign_with_nothing_left_is_finished_and_its_time_left_is_at_its_rate() {
        let at = Utc::now();
        let counts = CampaignCounts {
            planned: 450,
            sent: 300,
            failed: 2,
            dropped: 8,
        };
        let running = CampaignStatus::new(
            1,
            CampaignState::Running,
            counts,
            50,
            Some(60),
            at,
            Some(at),
        );
        assert_eq!(running.remaining, 140);
        assert_eq!(running.seconds_left, Some(140));
        assert_eq!(running.state, CampaignState::Running);
        let done = CampaignCounts {
            sent: 440,
            ..counts
        };
        let finished =
            CampaignStatus::new(1, CampaignState::Running, done, 50, Some(60), at, Some(at));
        assert_eq!(finished.state, CampaignState::Finished);
        assert_eq!(finished.seconds_left, None);
        let paused =
            CampaignStatus::new(1, CampaignState::Paused, counts, 50, Some(60), at, Some(at));
        assert_eq!(
            (paused.state, paused.seconds_left),
            (CampaignState::Paused, None)
        );
        let cancelled = CampaignStatus::new(
            1,
            CampaignState::Cancelled,
            counts,
            50,
            Some(60),
            at,
            Some(at),
        );
        assert_eq!(cancelled.remaining, 0);
    }
}
