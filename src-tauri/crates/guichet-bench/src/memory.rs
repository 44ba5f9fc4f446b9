//! The process's peak resident memory over one phase of a benchmark, where the system tells it
//! (Linux): the peak is reset at the phase's start (`/proc/self/clear_refs`), read at its end
//! (`VmHWM` in `/proc/self/status`).

/// Starts a phase: the peak from here on. `false` when the system does not allow it, and then
/// [`peak_mib`] says nothing.
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The peak resident memory since the last [`reset_peak`], in MiB.
pub fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Runs `phase` and returns its output with the peak it reached, when known.
pub async fn peak_of<T>(phase: impl Future<Output = T>) -> (T, Option<f64>) {
    let reset = reset_peak();
    let output = phase.await;
    (output, peak_mib().filter(|_| reset))
}
