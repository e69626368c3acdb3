//! The per-user question limit: at most `max` questions in any `window`.
//! In memory; times are passed in so tests need no clock.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many questions a user may ask in how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub max: usize,
    pub window: Duration,
}

impl RateLimit {
    /// Autocomplete's own bucket: one request per keystroke, so far more
    /// than questions (a fast typist does ~8 keys a second for a name).
    pub const AUTOCOMPLETE: RateLimit = RateLimit { max: 40, window: Duration::from_secs(10) };
}

impl Default for RateLimit {
    fn default() -> RateLimit {
        RateLimit { max: 5, window: Duration::from_secs(10) }
    }
}

/// Sliding-window counters per user.
#[derive(Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    seen: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    pub fn new(limit: RateLimit) -> RateLimiter {
        RateLimiter { limit, seen: Mutex::new(HashMap::new()) }
    }

    /// Counts a question by `user` at `now`; `Err(wait)` when over the
    /// limit, with how long until the next one is allowed.
    pub fn check(&self, user: &str, now: Instant) -> Result<(), Duration> {
        let Ok(mut seen) = self.seen.lock() else { return Ok(()) };
        if seen.len() > 10_000 {
            let window = self.limit.window;
            seen.retain(|_, q| q.back().is_some_and(|t| now.saturating_duration_since(*t) < window));
        }
        let q = seen.entry(user.to_owned()).or_default();
        while q.front().is_some_and(|t| now.saturating_duration_since(*t) >= self.limit.window) {
            q.pop_front();
        }
        if q.len() >= self.limit.max {
            let oldest = q.front().copied().unwrap_or(now);
            return Err(self.limit.window.saturating_sub(now.saturating_duration_since(oldest)));
        }
        q.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_in_ten_seconds_then_wait() {
        let r = RateLimiter::new(RateLimit::default());
        let t0 = Instant::now();
        for i in 0..5 {
            assert!(r.check("ana", t0 + Duration::from_millis(i * 100)).is_ok(), "{i}");
        }
        let wait = r.check("ana", t0 + Duration::from_secs(1)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(9));
        assert!(r.check("bo", t0 + Duration::from_secs(1)).is_ok(), "others are not limited");
        assert!(r.check("ana", t0 + Duration::from_secs(10)).is_ok(), "the window slides");
        assert!(r.check("ana", t0 + Duration::from_millis(10_050)).is_err());
        assert!(r.check("ana", t0 + Duration::from_millis(10_150)).is_ok());
    }
}
