//! Recent queries, so that a "next page" button can carry a short key
//! instead of the whole query (custom ids hold 100 characters). Bounded:
//! the oldest entries go first; a button whose query is gone says so.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use crate::answer::{AskQuery, WhoSaidQuery};

/// A query a page button can continue.
#[derive(Debug, Clone, PartialEq)]
pub enum Recent {
    Ask { query: AskQuery, private: bool },
    WhoSaid(WhoSaidQuery),
}

/// The bounded map of recent queries.
#[derive(Debug)]
pub struct RecentQueries {
    capacity: usize,
    next: AtomicU64,
    map: Mutex<(VecDeque<String>, HashMap<String, Recent>)>,
}

impl RecentQueries {
    pub fn new(capacity: usize) -> RecentQueries {
        // Keys start from the clock so that buttons from an earlier run do
        // not find another query under the same key.
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64 % 1_000_000_000)
            * 1_000;
        RecentQueries {
            capacity: capacity.max(1),
            next: AtomicU64::new(seed),
            map: Mutex::new((VecDeque::new(), HashMap::new())),
        }
    }

    /// Keeps a query; returns its key (a few base-36 characters).
    pub fn insert(&self, recent: Recent) -> String {
        let key = crate::text::base36(self.next.fetch_add(1, Ordering::Relaxed));
        if let Ok(mut guard) = self.map.lock() {
            let (order, map) = &mut *guard;
            while order.len() >= self.capacity {
                if let Some(old) = order.pop_front() {
                    map.remove(&old);
                }
            }
            order.push_back(key.clone());
            map.insert(key.clone(), recent);
        }
        key
    }

    pub fn get(&self, key: &str) -> Option<Recent> {
        self.map.lock().ok().and_then(|g| g.1.get(key).cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_and_forgets_the_oldest() {
        let r = RecentQueries::new(2);
        let a = r.insert(Recent::WhoSaid(WhoSaidQuery::new("a")));
        let b = r.insert(Recent::WhoSaid(WhoSaidQuery::new("b")));
        let c = r.insert(Recent::WhoSaid(WhoSaidQuery::new("c")));
        assert!(r.get(&a).is_none());
        assert_eq!(r.get(&b), Some(Recent::WhoSaid(WhoSaidQuery::new("b"))));
        assert!(r.get(&c).is_some());
        assert!(a.len() <= 13 && a != b);
        assert_eq!(crate::text::base36(0), "0");
        assert_eq!(crate::text::base36(36 * 36), "100");
    }
}
