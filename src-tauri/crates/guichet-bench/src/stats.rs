//! Latency statistics, the figures every benchmark reports: percentiles by nearest rank, mean and
//! maximum, in milliseconds; and the text table they are printed in.

use std::time::Duration;

use guichet_core::Error;
use serde::Serialize;

/// Durations of one operation, one sample per call.
#[derive(Debug, Default, Clone)]
pub struct Latencies {
    millis: Vec<f64>,
}

impl Latencies {
    pub fn record(&mut self, elapsed: Duration) {
        self.millis.push(elapsed.as_secs_f64() * 1_000.0);
    }

    /// One sample per duration, in order.
    pub fn of(durations: &[Duration]) -> Latencies {
        let mut latencies = Latencies::default();
        for &elapsed in durations {
            latencies.record(elapsed);
        }
        latencies
    }

    pub fn extend(&mut self, other: &Latencies) {
        self.millis.extend_from_slice(&other.millis);
    }

    pub fn count(&self) -> usize {
        self.millis.len()
    }

    /// Percentiles by nearest rank (the smallest sample with at least p % of the samples at or
    /// below it), mean and maximum; `None` without samples.
    pub fn summary(&self) -> Option<Summary> {
        if self.millis.is_empty() {
            return None;
        }
        let mut sorted = self.millis.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let rank = |p: f64| {
            let rank = (p / 100.0 * n as f64).ceil() as usize;
            sorted[rank.clamp(1, n) - 1]
        };
        Some(Summary {
            p50_ms: round(rank(50.0)),
            p95_ms: round(rank(95.0)),
            p99_ms: round(rank(99.0)),
            mean_ms: round(sorted.iter().sum::<f64>() / n as f64),
            max_ms: round(sorted[n - 1]),
            samples: n,
        })
    }
}

/// Milliseconds to the tenth of a microsecond.
fn round(ms: f64) -> f64 {
    (ms * 10_000.0).round() / 10_000.0
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub mean_ms: f64,
    pub max_ms: f64,
    pub samples: usize,
}

impl Summary {
    /// One line of a text table: p50, p95, p99 and mean.
    pub fn columns(&self) -> String {
        format!(
            "{:>9.3} {:>9.3} {:>9.3} {:>9.3}",
            self.p50_ms, self.p95_ms, self.p99_ms, self.mean_ms
        )
    }
}

/// The summary of timings that must have samples.
pub fn summary(latencies: &Latencies) -> Result<Summary, Error> {
    latencies
        .summary()
        .ok_or_else(|| Error::Internal("nothing was timed".into()))
}

/// The head of a text table of latencies.
pub fn table_head() -> String {
    format!(
        "{:<46} {:>9} {:>9} {:>9} {:>9}  (ms)\n",
        "", "p50", "p95", "p99", "moyenne"
    )
}

/// One line of a text table of latencies.
pub fn table_line(label: &str, summary: &Summary) -> String {
    format!("{label:<46} {}\n", summary.columns())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn latencies(millis: impl IntoIterator<Item = u32>) -> Latencies {
        let mut latencies = Latencies::default();
        for ms in millis {
            latencies.record(Duration::from_millis(u64::from(ms)));
        }
        latencies
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let summary = latencies((1..=100).rev()).summary().expect("samples");
        assert_eq!(summary.p50_ms, 50.0);
        assert_eq!(summary.p95_ms, 95.0);
        assert_eq!(summary.p99_ms, 99.0);
        assert_eq!(summary.max_ms, 100.0);
        assert_eq!(summary.mean_ms, 50.5);
        assert_eq!(summary.samples, 100);
        // Twenty samples: p95 is the 19th, p99 the 20th.
        let summary = latencies(1..=20).summary().expect("samples");
        assert_eq!(
            (summary.p50_ms, summary.p95_ms, summary.p99_ms),
            (10.0, 19.0, 20.0)
        );
        let one = latencies([7]).summary().expect("samples");
        assert_eq!((one.p50_ms, one.p99_ms), (7.0, 7.0));
        assert!(Latencies::default().summary().is_none());
    }

    #[test]
    fn durations_become_samples_in_milliseconds() {
        let durations = [Duration::from_micros(1_500), Duration::from_millis(3)];
        let summary = Latencies::of(&durations).summary().expect("samples");
        assert_eq!(
            (summary.samples, summary.max_ms, summary.mean_ms),
            (2, 3.0, 2.25)
        );
    }
}
