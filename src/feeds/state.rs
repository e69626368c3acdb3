//! What a feed remembers between polls, and when it is next due.
//!
//! Pure data and arithmetic: no I/O, no clock of its own (every function
//! takes `now`), so the schedule and the back-off are tested exactly.

use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Item keys remembered per feed (oldest forgotten first). A feed shows at
/// most [`super::parse::MAX_ITEMS`] items, so this is many polls' worth.
pub const MAX_SEEN: usize = 5_000;
/// Item outcomes kept for `feed list`.
pub const MAX_RECENT: usize = 10;
/// The longest back-off after errors.
pub const MAX_BACKOFF: Duration = Duration::from_secs(24 * 3600);
/// Share of the interval a due time may move either way, so feeds
/// subscribed together do not poll in step.
pub const JITTER: f64 = 0.1;

/// One item's outcome, for `feed list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemOutcome {
    #[serde(with = "stamp")]
    pub at: OffsetDateTime,
    /// The item's link (or its key when it has none).
    pub item: String,
    /// `added`, `added from the feed's text`, `duplicate`, `refused`.
    pub outcome: String,
    /// The article added, or the one already there for duplicates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    /// Why, for refusals.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

/// A feed's state, as `feeds/<id>.state.json` holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedState {
    /// The feed's address when it differs from the subscribed one: the feed
    /// an HTML page linked to, or where a permanent redirect led.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_url: Option<String>,
    /// The feed's own title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    #[serde(default, with = "stamp::option", skip_serializing_if = "Option::is_none")]
    pub last_poll: Option<OffsetDateTime>,
    #[serde(default, with = "stamp::option", skip_serializing_if = "Option::is_none")]
    pub last_success: Option<OffsetDateTime>,
    /// `None`: due now.
    #[serde(default, with = "stamp::option", skip_serializing_if = "Option::is_none")]
    pub next_due: Option<OffsetDateTime>,
    /// Polls that failed in a row.
    #[serde(default)]
    pub errors: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// What the last good poll noticed (items cut, dates in the future,
    /// items without links).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Keys of the items already handled, oldest first.
    #[serde(default)]
    pub seen: VecDeque<String>,
    /// Items whose page failed for a passing reason, with the polls tried.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub retries: std::collections::BTreeMap<String, u32>,
    /// Articles added from this feed, in all.
    #[serde(default)]
    pub added: u64,
    /// Items refused (duplicates included), in all.
    #[serde(default)]
    pub refused: u64,
    #[serde(default, skip_serializing_if = "VecDeque::is_empty")]
    pub recent: VecDeque<ItemOutcome>,
}

impl FeedState {
    /// The keys already handled, for look-ups during a poll.
    pub fn seen_set(&self) -> HashSet<&str> {
        self.seen.iter().map(String::as_str).collect()
    }

    pub fn has_seen(&self, key: &str) -> bool {
        self.seen.iter().any(|k| k == key)
    }

    /// Remembers an item as handled, forgetting the oldest past
    /// [`MAX_SEEN`].
    pub fn mark_seen(&mut self, key: &str) {
        if !self.has_seen(key) {
            self.seen.push_back(key.to_owned());
        }
        while self.seen.len() > MAX_SEEN {
            self.seen.pop_front();
        }
    }

    /// Records an item's outcome and counts it.
    pub fn record(&mut self, outcome: ItemOutcome) {
        if outcome.outcome.starts_with("added") {
            self.added += 1;
        } else {
            self.refused += 1;
        }
        self.recent.push_back(outcome);
        while self.recent.len() > MAX_RECENT {
            self.recent.pop_front();
        }
    }

    /// Whether the feed should be polled at `now`.
    pub fn is_due(&self, now: OffsetDateTime) -> bool {
        self.next_due.is_none_or(|d| d <= now)
    }

    /// A poll answered (fetched or 304): errors reset, next due after the
    /// interval, jittered.
    pub fn succeeded(&mut self, now: OffsetDateTime, every: Duration, jitter: f64) {
        self.last_poll = Some(now);
        self.last_success = Some(now);
        self.errors = 0;
        self.last_error = None;
        self.next_due = Some(now + jittered(every, jitter));
    }

    /// A poll failed: the error is kept and the feed waits longer each time
    /// ([`backoff`]).
    pub fn failed(&mut self, now: OffsetDateTime, every: Duration, error: &str, jitter: f64) {
        self.last_poll = Some(now);
        self.errors = self.errors.saturating_add(1);
        self.last_error = Some(error.chars().take(500).collect());
        self.next_due = Some(now + jittered(backoff(every, self.errors), jitter));
    }
}

/// The wait after `errors` failures in a row: the interval doubled per
/// failure after the first, up to [`MAX_BACKOFF`] (and never less than the
/// interval).
pub fn backoff(every: Duration, errors: u32) -> Duration {
    if errors == 0 {
        return every;
    }
    let factor = 2u32.saturating_pow(errors.saturating_sub(1).min(20));
    every.saturating_mul(factor).min(MAX_BACKOFF.max(every))
}

/// `d` moved by `jitter` (a share in -[`JITTER`]..=[`JITTER`]).
pub fn jittered(d: Duration, jitter: f64) -> Duration {
    let j = jitter.clamp(-JITTER, JITTER);
    Duration::from_secs_f64((d.as_secs_f64() * (1.0 + j)).max(1.0))
}

/// A random share in -[`JITTER`]..=[`JITTER`] (std's randomly keyed
/// hasher: no random-number crate for one number per poll).
pub fn random_jitter() -> f64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    let unit = (h.finish() >> 11) as f64 / (1u64 << 53) as f64;
    (unit * 2.0 - 1.0) * JITTER
}

/// RFC 3339 in the state file, so a person can read it.
pub(crate) mod stamp {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::format_description::well_known::Rfc3339;
    use time::OffsetDateTime;

    pub fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.format(&Rfc3339).map_err(serde::ser::Error::custom)?)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let s = String::deserialize(d)?;
        OffsetDateTime::parse(&s, &Rfc3339).map_err(serde::de::Error::custom)
    }

    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => super::serialize(t, s),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<OffsetDateTime>, D::Error> {
            match Option::<String>::deserialize(d)? {
                None => Ok(None),
                Some(s) => OffsetDateTime::parse(&s, &Rfc3339).map(Some).map_err(serde::de::Error::custom),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn backoff_doubles_up_to_a_day() {
        let every = Duration::from_secs(30 * 60);
        assert_eq!(backoff(every, 0), every);
        assert_eq!(backoff(every, 1), every);
        assert_eq!(backoff(every, 2), every * 2);
        assert_eq!(backoff(every, 3), every * 4);
        assert_eq!(backoff(every, 6), every * 32);
        assert_eq!(backoff(every, 7), MAX_BACKOFF);
        assert_eq!(backoff(every, u32::MAX), MAX_BACKOFF);
        // An interval longer than a day is never shortened by errors.
        assert_eq!(backoff(Duration::from_secs(3 * 86_400), 5), Duration::from_secs(3 * 86_400));
    }

    #[test]
    fn jitter_stays_within_a_tenth() {
        for _ in 0..200 {
            let j = random_jitter();
            assert!((-JITTER..=JITTER).contains(&j), "{j}");
        }
        assert_eq!(jittered(HOUR, 0.0), HOUR);
        assert_eq!(jittered(HOUR, 0.1), Duration::from_secs(3960));
        assert_eq!(jittered(HOUR, -5.0), Duration::from_secs(3240));
        // Not all the same: the schedule really is jittered.
        let first = random_jitter();
        assert!((0..50).any(|_| random_jitter() != first));
    }

    #[test]
    fn a_feed_is_due_then_scheduled_then_backs_off_then_recovers() {
        let now = datetime!(2031-03-01 12:00 UTC);
        let mut s = FeedState::default();
        assert!(s.is_due(now));
        s.succeeded(now, HOUR, 0.0);
        assert_eq!(s.next_due, Some(now + HOUR));
        assert!(!s.is_due(now + HOUR / 2) && s.is_due(now + HOUR));
        s.failed(now, HOUR, "not fetched: HTTP 500", 0.0);
        s.failed(now, HOUR, "not fetched: HTTP 500", 0.0);
        s.failed(now, HOUR, "not fetched: HTTP 503", 0.0);
        assert_eq!((s.errors, s.last_error.as_deref()), (3, Some("not fetched: HTTP 503")));
        assert_eq!(s.next_due, Some(now + HOUR * 4));
        s.succeeded(now, HOUR, 0.0);
        assert_eq!((s.errors, s.last_error.as_deref(), s.next_due), (0, None, Some(now + HOUR)));
    }

    #[test]
    fn seen_keys_are_bounded_and_state_round_trips() {
        let mut s = FeedState::default();
        for i in 0..MAX_SEEN + 10 {
            s.mark_seen(&format!("k{i}"));
        }
        s.mark_seen("k20");
        assert_eq!(s.seen.len(), MAX_SEEN);
        assert!(!s.has_seen("k0") && s.has_seen("k10") && s.has_seen(&format!("k{}", MAX_SEEN + 9)));
        for i in 0..15 {
            s.record(ItemOutcome {
                at: datetime!(2031-03-01 12:00 UTC),
                item: format!("https://x.example/{i}"),
                outcome: if i % 2 == 0 { "added".into() } else { "duplicate".into() },
                article: None,
                detail: String::new(),
            });
        }
        assert_eq!((s.added, s.refused, s.recent.len()), (8, 7, MAX_RECENT));
        s.succeeded(datetime!(2031-03-01 12:00 UTC), HOUR, 0.05);
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains("\"last_poll\":\"2031-03-01T12:00:00Z\""), "{json}");
        let back: FeedState = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        // An old or hand-trimmed file still reads.
        let empty: FeedState = serde_json::from_str("{}").unwrap();
        assert!(empty.is_due(datetime!(2031-03-01 12:00 UTC)));
    }
}
