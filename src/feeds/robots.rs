//! `robots.txt` for the article pages a feed links to (RFC 9309 through
//! `texting_robots`): fetched once a day per site, through the guarded
//! fetcher and the host pacing like any request. A missing file (4xx)
//! allows everything; an unreachable one (5xx, network, timeout) allows
//! nothing for a while, as the RFC asks. Feeds themselves are fetched
//! because a moderator subscribed to them, as any feed reader does.
//!
//! It must not decide what to do with a refused page (the poller falls back
//! to the feed's own text).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use texting_robots::Robot;

use super::pace::HostPacer;
use crate::web::{FetchConfig, FetchError};

/// The product token Parley's rules are looked up by.
pub const AGENT: &str = "Parley";
/// How long a site's rules are kept.
const KEEP: Duration = Duration::from_secs(24 * 3600);
/// How long an unreachable `robots.txt` keeps a site closed.
const KEEP_UNREACHABLE: Duration = Duration::from_secs(15 * 60);
/// Largest `robots.txt` read (the RFC's minimum is 500 KiB).
const MAX_BYTES: u64 = 512 * 1024;

/// What a site's `robots.txt` says.
#[derive(Clone)]
enum Rules {
    AllowAll,
    /// Unreachable: nothing is fetched until it is read again.
    DisallowAll(String),
    Parsed(Arc<Robot>),
}

/// Whether a page may be fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// The reason, for the item's outcome.
    Refused(String),
}

/// Rules per site (scheme, host and port).
#[derive(Default)]
pub struct RobotsCache {
    sites: Mutex<HashMap<String, (Instant, Rules)>>,
}

impl RobotsCache {
    pub fn new() -> RobotsCache {
        RobotsCache::default()
    }

    /// Whether `url` may be fetched; reads the site's `robots.txt` when it
    /// is not known or too old.
    pub async fn check(&self, url: &str, fetch: &FetchConfig, pacer: &HostPacer) -> Verdict {
        let Ok(u) = url::Url::parse(url) else { return Verdict::Refused("not a web address".into()) };
        let Some(host) = u.host_str() else { return Verdict::Refused("no host".into()) };
        let origin = format!("{}://{}:{}", u.scheme(), host, u.port_or_known_default().unwrap_or(0));
        let known = self.sites.lock().ok().and_then(|s| s.get(&origin).cloned());
        let rules = match known {
            Some((until, rules)) if until > Instant::now() => rules,
            _ => {
                let mut robots_url = u.clone();
                robots_url.set_path("/robots.txt");
                robots_url.set_query(None);
                robots_url.set_fragment(None);
                pacer.wait_for(robots_url.as_str(), fetch).await;
                let cfg = FetchConfig { max_bytes: MAX_BYTES, ..fetch.clone() };
                let (rules, keep) = read_rules(crate::web::fetch_page(robots_url.as_str(), &cfg).await);
                if let Ok(mut s) = self.sites.lock() {
                    if s.len() > 10_000 {
                        s.clear();
                    }
                    s.insert(origin, (Instant::now() + keep, rules.clone()));
                }
                rules
            }
        };
        match rules {
            Rules::AllowAll => Verdict::Allowed,
            Rules::DisallowAll(why) => Verdict::Refused(why),
            Rules::Parsed(robot) if robot.allowed(url) => Verdict::Allowed,
            Rules::Parsed(_) => Verdict::Refused("robots.txt disallows this page".into()),
        }
    }
}

/// The rules a fetch of `robots.txt` gives, and how long to keep them.
fn read_rules(fetched: Result<crate::web::Page, FetchError>) -> (Rules, Duration) {
    match fetched {
        Ok(page) => match Robot::new(AGENT, &page.body) {
            Ok(robot) => (Rules::Parsed(Arc::new(robot)), KEEP),
            // Rules that do not parse say nothing: the RFC reads what it can.
            Err(_) => (Rules::AllowAll, KEEP),
        },
        Err(FetchError::NotFound { .. } | FetchError::WrongType { .. }) => (Rules::AllowAll, KEEP),
        Err(FetchError::Status { status, .. }) if (400..500).contains(&status) => (Rules::AllowAll, KEEP),
        Err(e) => (Rules::DisallowAll(format!("robots.txt could not be read ({e})")), KEEP_UNREACHABLE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str) -> crate::web::Page {
        crate::web::Page {
            url: "https://v.example/robots.txt".into(),
            media_type: "text/plain".into(),
            charset: None,
            body: body.as_bytes().to_vec(),
            etag: None,
            last_modified: None,
            moved_permanently: false,
        }
    }

    fn allowed(rules: &Rules, url: &str) -> bool {
        match rules {
            Rules::AllowAll => true,
            Rules::DisallowAll(_) => false,
            Rules::Parsed(r) => r.allowed(url),
        }
    }

    #[test]
    fn rules_follow_the_rfc() {
        let (r, _) = read_rules(Ok(page(
            "User-agent: *\nDisallow: /private/\n\nUser-agent: Parley\nDisallow: /no-bots/\nAllow: /no-bots/ok$\n",
        )));
        assert!(allowed(&r, "https://v.example/news/1"));
        assert!(!allowed(&r, "https://v.example/no-bots/1"));
        assert!(allowed(&r, "https://v.example/no-bots/ok"));
        assert!(allowed(&r, "https://v.example/private/1"), "the Parley group replaces the * group");
        let (r, _) = read_rules(Ok(page("User-agent: *\nDisallow: /\n")));
        assert!(!allowed(&r, "https://v.example/news/1"));
        let (r, keep) = read_rules(Err(FetchError::NotFound { url: "u".into(), reason: "HTTP 404".into() }));
        assert!(allowed(&r, "https://v.example/x") && keep == KEEP);
        let (r, keep) = read_rules(Err(FetchError::Status { url: "u".into(), status: 503 }));
        assert!(!allowed(&r, "https://v.example/x") && keep == KEEP_UNREACHABLE);
        let (r, _) = read_rules(Err(FetchError::TimedOut { url: "u".into(), secs: 10 }));
        assert!(!allowed(&r, "https://v.example/x"));
    }
}
