//! At most one request per host per interval (a second by default): each
//! request takes the host's next free slot and sleeps until it. The lock is
//! held only to take the slot, never across the sleep.
//!
//! It must not fetch; it only tells callers when they may.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::web::FetchConfig;

/// The default spacing of two requests to one host.
pub const PER_HOST: Duration = Duration::from_secs(1);

/// Slots per host.
#[derive(Debug)]
pub struct HostPacer {
    interval: Duration,
    next: Mutex<HashMap<String, Instant>>,
}

impl HostPacer {
    pub fn new(interval: Duration) -> HostPacer {
        HostPacer { interval, next: Mutex::new(HashMap::new()) }
    }

    /// Takes `host`'s next slot at or after `now`; returns when it is.
    pub fn slot(&self, host: &str, now: Instant) -> Instant {
        let Ok(mut next) = self.next.lock() else { return now + self.interval };
        // Forget hosts whose slot is long past, so the map stays small.
        if next.len() > 4_096 {
            next.retain(|_, t| *t > now);
        }
        let host = host.to_ascii_lowercase();
        let at = next.get(&host).copied().filter(|t| *t > now).unwrap_or(now);
        next.insert(host, at + self.interval);
        at
    }

    /// Waits for `host`'s next slot.
    pub async fn wait(&self, host: &str) {
        let at = self.slot(host, Instant::now());
        tokio::time::sleep_until(at).await;
    }

    /// Waits for the slot of `url`'s host, unless the fetch allow-list names
    /// that host (a private deployment's or a test's own server, which no
    /// public site's politeness is owed to).
    pub async fn wait_for(&self, url: &str, fetch: &FetchConfig) {
        let Ok(u) = url::Url::parse(url) else { return };
        let Some(host) = u.host_str() else { return };
        if is_own_server(&u, fetch) {
            return;
        }
        self.wait(host).await;
    }
}

/// Whether the allow-list names this URL's host (by address or by name).
fn is_own_server(u: &url::Url, fetch: &FetchConfig) -> bool {
    match u.host() {
        Some(url::Host::Ipv4(ip)) => fetch.allow_networks.iter().any(|n| n.contains(&std::net::IpAddr::V4(ip))),
        Some(url::Host::Ipv6(ip)) => fetch.allow_networks.iter().any(|n| n.contains(&std::net::IpAddr::V6(ip))),
        Some(url::Host::Domain(d)) => fetch.allow_hosts.iter().any(|h| h.eq_ignore_ascii_case(d)),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_slot_per_host_per_interval() {
        let p = HostPacer::new(PER_HOST);
        let t0 = Instant::now();
        assert_eq!(p.slot("a.example", t0), t0);
        assert_eq!(p.slot("A.example", t0), t0 + PER_HOST, "hosts are case-insensitive");
        assert_eq!(p.slot("a.example", t0), t0 + PER_HOST * 2);
        assert_eq!(p.slot("b.example", t0), t0, "other hosts do not wait");
        // Once the slots are past, a request goes at once.
        let later = t0 + Duration::from_secs(10);
        assert_eq!(p.slot("a.example", later), later);
        assert_eq!(p.slot("a.example", later), later + PER_HOST);
    }

    #[test]
    fn only_the_allow_listed_servers_are_not_paced() {
        let cfg = FetchConfig::default().with_allow_list("127.0.0.1/32, intranet.example").unwrap();
        let own = |s: &str| is_own_server(&url::Url::parse(s).unwrap(), &cfg);
        assert!(own("http://127.0.0.1:8080/feed") && own("https://INTRANET.example/x"));
        assert!(!own("https://en.kremlin.ru/rss") && !own("http://127.0.0.2/") && !own("http://[::1]/"));
        let none = FetchConfig::default();
        assert!(!is_own_server(&url::Url::parse("http://127.0.0.1/").unwrap(), &none));
    }
}
