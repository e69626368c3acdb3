//! News feeds: the sources a moderator subscribed Parley to, their polling
//! state, and polling them politely into the corpus.
//!
//! - [`store`]: the subscriptions and each feed's state as plain files in
//!   `<data>/feeds/` (`<id>.toml` written when subscribing, `<id>.state.json`
//!   written by the poller), every write atomic. One file per feed, so a
//!   subscription added from the shell while the bot polls is never lost to
//!   a read-modify-write race.
//! - [`state`]: what a feed remembers between polls (validators, seen item
//!   keys, errors) and when it is next due: a jittered interval, exponential
//!   back-off on errors up to a day.
//! - [`parse`]: feed bytes to items (RSS 2.0, RSS 1.0/RDF, Atom, JSON Feed
//!   through `feed-rs`), the `<link rel="alternate">` of an HTML page, feed
//!   HTML to text; bounded: at most [`parse::MAX_ITEMS`] newest items, dates
//!   in the future not believed.
//! - [`pace`] and [`robots`]: at most one request per host per second, and
//!   `robots.txt` honoured for the article pages a feed links to.
//! - [`poll`]: a poll: conditional GET of the feed, each new item's page
//!   fetched and extracted through [`crate::web`] and added through
//!   [`crate::engine::Engine::add`] (the one add path, with its duplicate
//!   checks), the feed's own text used, tagged [`FEED_TEXT_TAG`], when the
//!   page cannot be read; and [`poll::run_scheduler`], the loop `parley
//!   serve` runs.
//!
//! It must not know the index, the terminal or Discord, parse feeds by
//! hand, or fetch anything except through [`crate::web::fetch`]'s guards.
//! An item is marked seen only after the engine has answered for it, so a
//! killed poll loses nothing; an item added but not yet marked seen is
//! refused as a duplicate (same URL) on the next poll, so nothing is added
//! twice.

pub mod pace;
pub mod parse;
pub mod poll;
pub mod robots;
pub mod state;
pub mod store;

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use poll::{FeedPoll, PollConfig, PollOutcome, PollReport, Poller};
pub use state::FeedState;
pub use store::FeedStore;

/// The tag of an article whose text came from the feed itself (its page
/// could not be fetched or extracted, or `robots.txt` forbids it).
pub const FEED_TEXT_TAG: &str = "feed-text";

/// Shortest interval between two polls of a feed.
pub const MIN_EVERY: Duration = Duration::from_secs(5 * 60);
/// Longest interval between two polls of a feed.
pub const MAX_EVERY: Duration = Duration::from_secs(7 * 24 * 3600);
/// The interval when none is given.
pub const DEFAULT_EVERY: Duration = Duration::from_secs(30 * 60);

/// A subscription, as `feeds/<id>.toml` holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feed {
    /// The file's name without `.toml`; not stored in the file.
    #[serde(skip)]
    pub id: String,
    /// The address the moderator gave (a feed, or a page that links one).
    pub url: String,
    /// The outlet recorded on every article from this feed, instead of the
    /// one the page names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    /// How often to poll: `30m`, `2h`, `1d`.
    #[serde(default = "default_every")]
    pub every: String,
    /// Tags given to every article from this feed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default)]
    pub added_by: String,
    #[serde(default)]
    pub added_at: String,
}

fn default_every() -> String {
    "30m".to_owned()
}

impl Feed {
    /// The polling interval (a broken value falls back to the default).
    pub fn interval(&self) -> Duration {
        parse_every(&self.every).unwrap_or(DEFAULT_EVERY)
    }
}

/// A feed as `feed list` shows it: the subscription and its state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedStatus {
    pub id: String,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    pub every: String,
    pub tags: Vec<String>,
    #[serde(with = "state::stamp::option")]
    pub last_poll: Option<time::OffsetDateTime>,
    #[serde(with = "state::stamp::option")]
    pub last_success: Option<time::OffsetDateTime>,
    /// `None`: due now.
    #[serde(with = "state::stamp::option")]
    pub next_due: Option<time::OffsetDateTime>,
    pub errors: u32,
    pub last_error: Option<String>,
    pub notes: Vec<String>,
    /// Items remembered as handled.
    pub seen: usize,
    pub added: u64,
    pub refused: u64,
    pub recent: Vec<state::ItemOutcome>,
}

impl FeedStatus {
    pub fn new(feed: &Feed, state: &FeedState) -> FeedStatus {
        FeedStatus {
            id: feed.id.clone(),
            url: feed.url.clone(),
            resolved_url: state.resolved_url.clone(),
            title: state.title.clone(),
            outlet: feed.outlet.clone(),
            every: feed.every.clone(),
            tags: feed.tags.clone(),
            last_poll: state.last_poll,
            last_success: state.last_success,
            next_due: state.next_due,
            errors: state.errors,
            last_error: state.last_error.clone(),
            notes: state.notes.clone(),
            seen: state.seen.len(),
            added: state.added,
            refused: state.refused,
            recent: state.recent.iter().cloned().collect(),
        }
    }
}

/// Every feed with its state, and the files that did not read.
pub fn statuses(store: &FeedStore) -> Result<(Vec<FeedStatus>, Vec<String>), Error> {
    let (feeds, broken) = store.list()?;
    let mut problems: Vec<String> = broken.iter().map(ToString::to_string).collect();
    let list = feeds
        .iter()
        .map(|f| {
            let state = store.state(&f.id).unwrap_or_else(|e| {
                problems.push(e.to_string());
                FeedState::default()
            });
            FeedStatus::new(f, &state)
        })
        .collect();
    Ok((list, problems))
}

/// What a moderator asks for when subscribing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subscription {
    pub url: String,
    pub outlet: Option<String>,
    /// `30m`, `2h`, `1d`; the default when `None`.
    pub every: Option<String>,
    pub tags: Vec<String>,
    pub added_by: String,
}

/// What can go wrong with the feed files or a subscription.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Write(#[from] crate::corpus::Error),
    #[error("{path} is broken: {reason}")]
    BadFile { path: PathBuf, reason: String },
    #[error("not a feed address: {0:?} (give a full http:// or https:// URL)")]
    BadUrl(String),
    #[error("{0:?} is not an interval: use minutes, hours or days from 5m to 7d (30m, 2h, 1d)")]
    BadEvery(String),
    #[error("{0:?} is not a usable tag: letters, digits and - only, at most 40 characters")]
    BadTag(String),
    #[error("no feed with id {0:?} (see `parley feed list`)")]
    UnknownFeed(String),
    #[error("{url} is already subscribed as {id}")]
    AlreadySubscribed { url: String, id: String },
}

/// `30m`, `2h`, `1d`, `90s` (bare numbers are minutes), within
/// [`MIN_EVERY`]..=[`MAX_EVERY`].
pub fn parse_every(s: &str) -> Result<Duration, Error> {
    let t = s.trim().to_ascii_lowercase();
    let bad = || Error::BadEvery(s.to_owned());
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().map_err(|_| bad())?;
    let secs = match unit.trim() {
        "s" | "sec" | "secs" => n,
        "" | "m" | "min" | "mins" => n.checked_mul(60).ok_or_else(bad)?,
        "h" | "hour" | "hours" => n.checked_mul(3600).ok_or_else(bad)?,
        "d" | "day" | "days" => n.checked_mul(86_400).ok_or_else(bad)?,
        _ => return Err(bad()),
    };
    let d = Duration::from_secs(secs);
    if d < MIN_EVERY || d > MAX_EVERY {
        return Err(bad());
    }
    Ok(d)
}

/// A short human interval: `30m`, `2h`, `1d 6h`.
pub fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        3600..=86_399 if s % 3600 == 0 => format!("{}h", s / 3600),
        3600..=86_399 => format!("{}h {}m", s / 3600, s % 3600 / 60),
        _ if s % 86_400 == 0 => format!("{}d", s / 86_400),
        _ => format!("{}d {}h", s / 86_400, s % 86_400 / 3600),
    }
}

/// A tag as stored: lower case letters, digits and `-`.
pub fn clean_tag(t: &str) -> Result<String, Error> {
    let tag = t.trim().to_lowercase();
    if tag.is_empty() || tag.chars().count() > 40 || !tag.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
        return Err(Error::BadTag(t.to_owned()));
    }
    Ok(tag)
}

/// Checks a feed address: http or https, a host, no credentials.
pub fn check_url(url: &str) -> Result<String, Error> {
    let u = url::Url::parse(url.trim()).map_err(|_| Error::BadUrl(url.to_owned()))?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none_or(str::is_empty) {
        return Err(Error::BadUrl(url.to_owned()));
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err(Error::BadUrl(url.to_owned()));
    }
    Ok(u.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_parse_within_bounds() {
        assert_eq!(parse_every("30m").unwrap(), Duration::from_secs(1800));
        assert_eq!(parse_every(" 2H ").unwrap(), Duration::from_secs(7200));
        assert_eq!(parse_every("1d").unwrap(), Duration::from_secs(86_400));
        assert_eq!(parse_every("45").unwrap(), Duration::from_secs(2700));
        for bad in ["", "m", "1m", "30s", "8d", "-5m", "5 weeks", "99999999999999999999d", "1.5h"] {
            assert!(parse_every(bad).is_err(), "{bad}");
        }
        assert_eq!(human_duration(Duration::from_secs(1800)), "30m");
        assert_eq!(human_duration(Duration::from_secs(86_400 + 7200)), "1d 2h");
    }

    #[test]
    fn tags_and_urls_are_checked() {
        assert_eq!(clean_tag(" Kremlin ").unwrap(), "kremlin");
        assert_eq!(clean_tag("офіційне").unwrap(), "офіційне");
        for bad in ["", "a b", "x".repeat(41).as_str(), "<@everyone>"] {
            assert!(clean_tag(bad).is_err(), "{bad}");
        }
        assert_eq!(check_url("https://Example.com/rss").unwrap(), "https://example.com/rss");
        for bad in ["ftp://x/y", "example.com/rss", "http://u:p@x.example/", "file:///etc/passwd", ""] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}
