//! Measurement helpers shared by the benchmarks (`bench.rs`, `real.rs`):
//! percentiles of timings, and this process's memory and CPU time from
//! `/proc` (0 where it is absent).

use std::time::Duration;

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn percentile_ms(times: &mut [Duration], p: f64) -> f64 {
    times.sort_unstable();
    if times.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * times.len() as f64).ceil() as usize;
    ms(times[rank.clamp(1, times.len()) - 1])
}

/// A field of `/proc/self/status` in MB (0 where /proc is absent).
pub fn status_mb(name: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// CPU seconds this process has used (user and system, all threads), from
/// `/proc/self/stat` in clock ticks of 1/100 s (Linux's USER_HZ).
pub fn cpu_secs() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command name (in parentheses): utime and stime are the 12th and 13th.
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some((f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?) / 100.0)
        })
        .unwrap_or(0.0)
}
