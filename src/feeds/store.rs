//! The feed files: `<data>/feeds/<id>.toml` (a subscription, written when
//! subscribing, editable by hand) and `<data>/feeds/<id>.state.json` (its
//! state, written by the poller after every item). Every write goes through
//! the corpus's atomic write (temp file, fsync, rename).
//!
//! It must not fetch, parse feeds or know the engine.

use std::fs;
use std::path::{Path, PathBuf};

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::{check_url, clean_tag, parse_every, Error, Feed, FeedState, Subscription};
use crate::corpus::store::{write_atomic, Durability};

/// The feeds directory.
#[derive(Debug, Clone)]
pub struct FeedStore {
    dir: PathBuf,
}

/// Longest feed id.
const MAX_ID: usize = 48;

impl FeedStore {
    /// The feeds of a data directory (`<data>/feeds`); created on the first
    /// subscription.
    pub fn new(data_dir: &Path) -> FeedStore {
        FeedStore { dir: data_dir.join("feeds") }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn feed_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.toml"))
    }

    fn state_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.state.json"))
    }

    /// Every subscription, by id. A broken file is reported, not skipped
    /// silently: the list holds what reads, the second value what did not.
    pub fn list(&self) -> Result<(Vec<Feed>, Vec<Error>), Error> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
            Err(source) => return Err(Error::Read { path: self.dir.clone(), source }),
        };
        let mut ids: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".toml")).map(str::to_owned))
            .filter(|id| is_id(id))
            .collect();
        ids.sort();
        let (mut feeds, mut broken) = (Vec::new(), Vec::new());
        for id in ids {
            match self.get(&id) {
                Ok(f) => feeds.push(f),
                Err(e) => broken.push(e),
            }
        }
        Ok((feeds, broken))
    }

    /// One subscription.
    pub fn get(&self, id: &str) -> Result<Feed, Error> {
        if !is_id(id) {
            return Err(Error::UnknownFeed(id.to_owned()));
        }
        let path = self.feed_path(id);
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Error::UnknownFeed(id.to_owned())),
            Err(source) => return Err(Error::Read { path, source }),
        };
        let mut feed: Feed = toml::from_str(&text)
            .map_err(|e| Error::BadFile { path: path.clone(), reason: one_line(&e.to_string()) })?;
        check_url(&feed.url).map_err(|e| Error::BadFile { path: path.clone(), reason: e.to_string() })?;
        feed.id = id.to_owned();
        Ok(feed)
    }

    /// Subscribes: checks the address, interval and tags, refuses an address
    /// already subscribed, picks an id from the host, writes the file.
    pub fn add(&self, sub: &Subscription) -> Result<Feed, Error> {
        let url = check_url(&sub.url)?;
        let every = match sub.every.as_deref() {
            Some(e) => {
                parse_every(e)?;
                e.trim().to_ascii_lowercase()
            }
            None => "30m".to_owned(),
        };
        let mut tags = Vec::new();
        for t in &sub.tags {
            let t = clean_tag(t)?;
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        let (existing, _) = self.list()?;
        let key = crate::web::url::normalize(&url).unwrap_or_else(|| url.clone());
        for f in &existing {
            let same = crate::web::url::normalize(&f.url).unwrap_or_else(|| f.url.clone()) == key
                || self.state(&f.id).ok().and_then(|s| s.resolved_url).is_some_and(|r| r == url);
            if same {
                return Err(Error::AlreadySubscribed { url, id: f.id.clone() });
            }
        }
        let outlet = sub
            .outlet
            .as_deref()
            .map(|o| crate::text::one_line(o).split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|o| !o.is_empty())
            .map(|o| o.chars().take(100).collect());
        let base = id_from_url(&url);
        let mut id = base.clone();
        let mut n = 2;
        while self.feed_path(&id).exists() || existing.iter().any(|f| f.id == id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        let feed = Feed {
            id: id.clone(),
            url,
            outlet,
            every,
            tags,
            added_by: sub.added_by.clone(),
            added_at: OffsetDateTime::now_utc()
                .replace_nanosecond(0)
                .unwrap_or(OffsetDateTime::UNIX_EPOCH)
                .format(&Rfc3339)
                .unwrap_or_default(),
        };
        fs::create_dir_all(&self.dir)
            .map_err(|source| crate::corpus::Error::Write { path: self.dir.clone(), source })?;
        let text =
            toml::to_string(&feed).map_err(|e| Error::BadFile { path: self.feed_path(&id), reason: e.to_string() })?;
        write_atomic(&self.feed_path(&id), text.as_bytes(), Durability::Sync)?;
        Ok(feed)
    }

    /// Unsubscribes: removes the subscription and its state. Articles
    /// already added stay in the corpus.
    pub fn remove(&self, id: &str) -> Result<Feed, Error> {
        let feed = self.get(id)?;
        for path in [self.feed_path(id), self.state_path(id)] {
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => return Err(crate::corpus::Error::Write { path, source }.into()),
            }
        }
        Ok(feed)
    }

    /// A feed's state; a feed never polled has the default (due now). A
    /// state file that does not read is reported: the poller then starts
    /// afresh, and duplicates are caught by the engine.
    pub fn state(&self, id: &str) -> Result<FeedState, Error> {
        let path = self.state_path(id);
        match fs::read(&path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).map_err(|e| Error::BadFile { path, reason: one_line(&e.to_string()) })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FeedState::default()),
            Err(source) => Err(Error::Read { path, source }),
        }
    }

    /// Writes a feed's state atomically. Nothing is written for a feed
    /// unsubscribed meanwhile.
    pub fn save_state(&self, id: &str, state: &FeedState) -> Result<(), Error> {
        if !self.feed_path(id).exists() {
            return Ok(());
        }
        let bytes = serde_json::to_vec_pretty(state)
            .map_err(|e| Error::BadFile { path: self.state_path(id), reason: e.to_string() })?;
        write_atomic(&self.state_path(id), &bytes, Durability::Sync)?;
        Ok(())
    }
}

/// Feed ids: lower-case ASCII letters, digits and `-`.
pub fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_ID + 4
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
}

/// An id from the feed's host (without `www.`), e.g. `kremlin-ru`.
fn id_from_url(url: &str) -> String {
    let host = url::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_default();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let mut id = String::new();
    for c in crate::text::fold(host).chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    let id: String = id.trim_end_matches('-').chars().take(MAX_ID).collect();
    let id = id.trim_end_matches('-').to_owned();
    if id.is_empty() {
        "feed".to_owned()
    } else {
        id
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(url: &str) -> Subscription {
        Subscription { url: url.into(), added_by: "test".into(), ..Subscription::default() }
    }

    #[test]
    fn subscriptions_are_files_with_ids_from_their_host() {
        let dir = tempfile::tempdir().unwrap();
        let store = FeedStore::new(dir.path());
        assert!(store.list().unwrap().0.is_empty());
        let a = store
            .add(&Subscription {
                outlet: Some(" Vell\nGazette ".into()),
                every: Some("2h".into()),
                tags: vec!["Official".into(), "official".into()],
                ..sub("https://www.vell-gazette.example/rss.xml")
            })
            .unwrap();
        assert_eq!(a.id, "vell-gazette-example");
        assert_eq!(
            (a.outlet.as_deref(), a.every.as_str(), a.tags.clone()),
            (Some("Vell Gazette"), "2h", vec!["official".to_owned()])
        );
        let b = store.add(&sub("https://vell-gazette.example/atom")).unwrap();
        assert_eq!(b.id, "vell-gazette-example-2");
        let again = store.add(&sub("https://www.vell-gazette.example/rss.xml?utm_source=x")).unwrap_err();
        assert!(again.to_string().contains("already subscribed as vell-gazette-example"), "{again}");
        assert!(matches!(
            store.add(&Subscription { every: Some("1m".into()), ..sub("https://x.example/") }),
            Err(Error::BadEvery(_))
        ));
        let (list, broken) = store.list().unwrap();
        assert_eq!(
            list.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
            ["vell-gazette-example", "vell-gazette-example-2"]
        );
        assert!(broken.is_empty());
        assert_eq!(store.get("vell-gazette-example").unwrap(), a);

        let mut s = FeedState::default();
        s.mark_seen("guid-1");
        store.save_state(&b.id, &s).unwrap();
        assert_eq!(store.state(&b.id).unwrap(), s);
        store.remove(&b.id).unwrap();
        assert!(matches!(store.get(&b.id), Err(Error::UnknownFeed(_))));
        assert!(!dir.path().join("feeds/vell-gazette-example-2.state.json").exists());
        // The poller finishing after a removal does not bring the feed back.
        store.save_state(&b.id, &s).unwrap();
        assert_eq!(store.list().unwrap().0.len(), 1);
        assert!(matches!(store.remove("../corpus/x"), Err(Error::UnknownFeed(_))));
    }

    #[test]
    fn broken_files_are_reported_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let store = FeedStore::new(dir.path());
        store.add(&sub("https://ok.example/feed")).unwrap();
        fs::write(dir.path().join("feeds/bad.toml"), "url = 3").unwrap();
        fs::write(dir.path().join("feeds/ok-example.state.json"), "{not json").unwrap();
        let (list, broken) = store.list().unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(broken.len(), 1);
        assert!(broken[0].to_string().contains("bad.toml"), "{}", broken[0]);
        assert!(store.state("ok-example").unwrap_err().to_string().contains("is broken"));
    }

    #[test]
    fn ids_come_from_hosts() {
        assert_eq!(id_from_url("http://en.kremlin.ru/events/president/news/rss"), "en-kremlin-ru");
        assert_eq!(id_from_url("http://127.0.0.1:8080/feed"), "127-0-0-1");
        assert_eq!(id_from_url("https://пример.испытание/rss"), "xn-e1afmkfd-xn-80akhbyknj4f");
        assert!(is_id("a-1") && !is_id("A") && !is_id("-a") && !is_id("a/b") && !is_id(""));
    }
}
