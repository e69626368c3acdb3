//! Polling: a feed fetched with a conditional GET, its new items' pages
//! fetched, extracted and added through the engine's one add path, the
//! state written after every item; and the scheduler `parley serve` runs.
//!
//! Order matters for a killed process: an item is marked seen only after
//! the engine answered for it, and the feed's validators (ETag,
//! Last-Modified) are stored only once every new item was handled, so a
//! poll cut short is taken up again in full by the next one (the items it
//! had added come back as duplicates and are marked seen then). No lock is
//! held across an `.await`; the engine is called on the blocking pool.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use time::OffsetDateTime;

use super::pace::{HostPacer, PER_HOST};
use super::parse::{self, Item};
use super::robots::{RobotsCache, Verdict};
use super::state::{random_jitter, ItemOutcome};
use super::{Error, Feed, FeedState, FeedStore, FEED_TEXT_TAG};
use crate::corpus::ArticleDraft;
use crate::engine::{Added, Engine, Error as EngineError, Refusal};
use crate::web::{Accept, Conditional, FetchConfig, Validators};

/// Largest feed body read.
pub const FEED_MAX_BYTES: u64 = 5 * 1024 * 1024;

/// How polling behaves.
#[derive(Debug, Clone)]
pub struct PollConfig {
    /// Limits and allow-list of every fetch (articles, `robots.txt`).
    pub fetch: FetchConfig,
    /// Largest feed body.
    pub feed_max_bytes: u64,
    /// Feeds polled at once (each still paced per host).
    pub parallel: usize,
    /// Spacing of two requests to one host.
    pub per_host: Duration,
}

impl PollConfig {
    pub fn new(fetch: FetchConfig) -> PollConfig {
        PollConfig { fetch, feed_max_bytes: FEED_MAX_BYTES, parallel: 4, per_host: PER_HOST }
    }
}

/// How a feed's poll went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PollOutcome {
    /// 304: nothing new, nothing read.
    NotModified,
    /// Read and its new items handled.
    Fetched,
    /// The feed could not be read; it backs off.
    Failed { error: String },
    /// Not polled (already being polled, or stopping).
    Skipped { reason: String },
}

/// One feed's poll.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedPoll {
    pub id: String,
    /// The address polled.
    pub url: String,
    #[serde(flatten)]
    pub outcome: PollOutcome,
    /// Items read from the feed (at most [`parse::MAX_ITEMS`]).
    pub items: usize,
    /// Items not seen before.
    pub new: usize,
    pub added: Vec<Added>,
    pub refused: Vec<Refusal>,
    pub notes: Vec<String>,
}

/// A poll of several feeds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PollReport {
    pub feeds: Vec<FeedPoll>,
}

impl PollReport {
    pub fn added(&self) -> usize {
        self.feeds.iter().map(|f| f.added.len()).sum()
    }

    pub fn refused(&self) -> usize {
        self.feeds.iter().map(|f| f.refused.len()).sum()
    }

    pub fn failed(&self) -> usize {
        self.feeds.iter().filter(|f| matches!(f.outcome, PollOutcome::Failed { .. })).count()
    }
}

/// Which feeds a poll takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    /// Every feed, due or not (`parley feed poll`).
    All,
    /// The feeds whose time has come (the scheduler).
    Due,
    /// One feed, now.
    One(String),
}

/// The poller: the engine, the feed files, the per-host pacing and the
/// `robots.txt` rules. Share it as `Arc<Poller>`.
pub struct Poller {
    engine: Arc<Engine>,
    store: FeedStore,
    config: PollConfig,
    pacer: HostPacer,
    robots: RobotsCache,
    /// Feeds being polled now, so two polls never run one feed at once.
    running: Mutex<HashSet<String>>,
    stopping: AtomicBool,
}

/// Takes a feed out of `running` when its poll ends, however it ends.
struct Running<'a> {
    set: &'a Mutex<HashSet<String>>,
    id: String,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        if let Ok(mut s) = self.set.lock() {
            s.remove(&self.id);
        }
    }
}

/// An item handled: what to record, and whether polling must stop.
enum Handled {
    Outcome {
        outcome: Box<ItemOutcome>,
        added: Option<Box<Added>>,
        refused: Option<Refusal>,
    },
    /// The page could not be read for a reason that may pass (a timeout, a
    /// server error): not marked seen, tried again at the next poll.
    Retry(String),
    /// The corpus or the index failed: stop this feed, mark nothing.
    Fatal(String),
}

/// Polls an item whose page failed for a passing reason is tried in.
pub const MAX_TRIES: u32 = 3;

/// Whether a fetch error may pass by itself.
fn is_transient(e: &crate::web::FetchError) -> bool {
    use crate::web::FetchError as F;
    match e {
        F::TimedOut { .. } | F::Network { .. } => true,
        F::Status { status, .. } => *status >= 500 || *status == 429,
        F::NotFound { reason, .. } => reason == "could not connect",
        F::NotAnArticle(crate::web::ExtractError::Busy { .. }) => true,
        _ => false,
    }
}

impl Poller {
    pub fn new(engine: Arc<Engine>, config: PollConfig) -> Poller {
        let store = FeedStore::new(engine.data_dir());
        Poller {
            engine,
            store,
            pacer: HostPacer::new(config.per_host),
            config,
            robots: RobotsCache::new(),
            running: Mutex::new(HashSet::new()),
            stopping: AtomicBool::new(false),
        }
    }

    pub fn store(&self) -> &FeedStore {
        &self.store
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// Asks running polls to stop after the item at hand; new polls skip.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
    }

    fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Polls the feeds `which` names, a few at once.
    pub async fn poll(self: &Arc<Self>, which: Which) -> Result<PollReport, Error> {
        let (feeds, broken) = self.store.list()?;
        for b in broken {
            tracing::warn!("feeds: {b}");
        }
        let now = OffsetDateTime::now_utc();
        let feeds: Vec<Feed> = match &which {
            Which::All => feeds,
            Which::One(id) => {
                let f: Vec<Feed> = feeds.into_iter().filter(|f| &f.id == id).collect();
                if f.is_empty() {
                    return Err(Error::UnknownFeed(id.clone()));
                }
                f
            }
            Which::Due => {
                feeds.into_iter().filter(|f| self.store.state(&f.id).map_or(true, |s| s.is_due(now))).collect()
            }
        };
        let limit = Arc::new(tokio::sync::Semaphore::new(self.config.parallel.max(1)));
        let mut tasks = tokio::task::JoinSet::new();
        for (n, feed) in feeds.into_iter().enumerate() {
            let me = Arc::clone(self);
            let limit = Arc::clone(&limit);
            tasks.spawn(async move {
                let _permit = limit.acquire_owned().await;
                (n, me.poll_feed(&feed).await)
            });
        }
        let mut done = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok(r) => done.push(r),
                Err(e) => tracing::error!("a feed poll failed: {e}"),
            }
        }
        done.sort_by_key(|(n, _)| *n);
        Ok(PollReport { feeds: done.into_iter().map(|(_, f)| f).collect() })
    }

    /// The time until the next feed is due (at most `cap`).
    pub fn next_wake(&self, cap: Duration) -> Duration {
        let Ok((feeds, _)) = self.store.list() else { return cap };
        let now = OffsetDateTime::now_utc();
        feeds
            .iter()
            .filter_map(|f| self.store.state(&f.id).ok())
            .map(|s| match s.next_due {
                None => Duration::ZERO,
                Some(d) => Duration::try_from(d - now).unwrap_or(Duration::ZERO),
            })
            .min()
            .unwrap_or(cap)
            .min(cap)
    }

    /// Polls one feed: never fails, the error goes into the feed's state.
    pub async fn poll_feed(&self, feed: &Feed) -> FeedPoll {
        let mut report = FeedPoll {
            id: feed.id.clone(),
            url: feed.url.clone(),
            outcome: PollOutcome::Fetched,
            items: 0,
            new: 0,
            added: Vec::new(),
            refused: Vec::new(),
            notes: Vec::new(),
        };
        if self.is_stopping() {
            report.outcome = PollOutcome::Skipped { reason: "Parley is stopping".into() };
            return report;
        }
        let _running = {
            let Ok(mut set) = self.running.lock() else {
                report.outcome = PollOutcome::Skipped { reason: "internal error".into() };
                return report;
            };
            if !set.insert(feed.id.clone()) {
                report.outcome = PollOutcome::Skipped { reason: "already being polled".into() };
                return report;
            }
            Running { set: &self.running, id: feed.id.clone() }
        };
        let mut state = self.store.state(&feed.id).unwrap_or_else(|e| {
            tracing::warn!("feeds: {e}; starting {} afresh", feed.id);
            FeedState::default()
        });
        let every = feed.interval();
        let url = state.resolved_url.clone().unwrap_or_else(|| feed.url.clone());
        report.url = url.clone();
        let page = match self.fetch_feed(&url, &mut state).await {
            Ok(Some(page)) => page,
            Ok(None) => {
                report.outcome = PollOutcome::NotModified;
                state.succeeded(OffsetDateTime::now_utc(), every, random_jitter());
                self.save(feed, &state).await;
                return report;
            }
            Err(error) => return self.fail(feed, state, report, error).await,
        };
        report.url = state.resolved_url.clone().unwrap_or(url);
        let base = page.url.clone();
        let now = OffsetDateTime::now_utc();
        let parsed = tokio::task::spawn_blocking(move || parse::parse(&page.body, &base, now).map(|p| (p, page)))
            .await
            .map_err(|e| format!("the parser failed: {e}"));
        let (parsed, page) = match parsed {
            Ok(Ok(p)) => p,
            Ok(Err(e)) => {
                let error = format!("{e} ({})", report.url);
                return self.fail(feed, state, report, error).await;
            }
            Err(e) => return self.fail(feed, state, report, e).await,
        };
        state.title = parsed.title.clone();
        report.items = parsed.items.len();
        report.notes = parsed.notes();
        let seen = state.seen_set().into_iter().map(str::to_owned).collect::<HashSet<String>>();
        // Oldest first, so the corpus grows in the order things happened.
        let new: Vec<&Item> = parsed.items.iter().rev().filter(|i| !seen.contains(&i.key)).collect();
        report.new = new.len();
        let mut retrying = false;
        for item in new {
            if self.is_stopping() {
                // Validators untouched: the next poll reads the feed whole again.
                self.save(feed, &state).await;
                report.outcome = PollOutcome::Skipped { reason: "Parley is stopping".into() };
                return report;
            }
            let tries = state.retries.get(&item.key).copied().unwrap_or(0);
            match self.handle_item(feed, item, tries).await {
                Handled::Fatal(error) => return self.fail(feed, state, report, error).await,
                Handled::Retry(reason) => {
                    state.retries.insert(item.key.clone(), tries + 1);
                    retrying = true;
                    let origin = item.link.clone().unwrap_or_else(|| item.key.clone());
                    report.refused.push(Refusal { origin, reason, existing: None });
                    self.save(feed, &state).await;
                }
                Handled::Outcome { outcome, added, refused } => {
                    state.retries.remove(&item.key);
                    state.record(*outcome);
                    state.mark_seen(&item.key);
                    report.added.extend(added.map(|a| *a));
                    report.refused.extend(refused);
                    self.save(feed, &state).await;
                }
            }
        }
        // Keys to retry that the feed no longer lists are forgotten.
        let listed: HashSet<&str> = parsed.items.iter().map(|i| i.key.as_str()).collect();
        state.retries.retain(|k, _| listed.contains(k.as_str()));
        state.notes = report.notes.clone();
        // An item to try again needs the feed read whole next time, not a 304.
        (state.etag, state.last_modified) = if retrying { (None, None) } else { (page.etag, page.last_modified) };
        state.succeeded(OffsetDateTime::now_utc(), every, random_jitter());
        self.save(feed, &state).await;
        report
    }

    async fn fail(&self, feed: &Feed, mut state: FeedState, mut report: FeedPoll, error: String) -> FeedPoll {
        state.failed(OffsetDateTime::now_utc(), feed.interval(), &error, random_jitter());
        // A feed that failed is read whole next time.
        state.etag = None;
        state.last_modified = None;
        self.save(feed, &state).await;
        report.outcome = PollOutcome::Failed { error };
        report
    }

    /// Writes the state (temp file, fsync, rename) off the async workers.
    async fn save(&self, feed: &Feed, state: &FeedState) {
        let (store, id, state) = (self.store.clone(), feed.id.clone(), state.clone());
        let saved = tokio::task::spawn_blocking(move || store.save_state(&id, &state)).await;
        match saved {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!("feeds: cannot save the state of {}: {e}", feed.id),
            Err(e) => tracing::error!("feeds: saving the state of {} failed: {e}", feed.id),
        }
    }

    /// The feed's bytes (`None`: not modified). An HTML page is resolved to
    /// the feed it links; a permanent redirect is remembered.
    async fn fetch_feed(&self, url: &str, state: &mut FeedState) -> Result<Option<crate::web::Page>, String> {
        let cfg = FetchConfig { max_bytes: self.config.feed_max_bytes, ..self.config.fetch.clone() };
        let validators = Validators { etag: state.etag.clone(), last_modified: state.last_modified.clone() };
        self.pacer.wait_for(url, &cfg).await;
        let page = match crate::web::fetch_conditional(url, &cfg, Accept::Feeds, &validators).await {
            Ok(Conditional::NotModified { url: at, moved_permanently }) => {
                if moved_permanently {
                    state.resolved_url = Some(at);
                }
                return Ok(None);
            }
            Ok(Conditional::Fetched(page)) => page,
            Err(e) => return Err(e.to_string()),
        };
        if page.moved_permanently {
            state.resolved_url = Some(page.url.clone());
        }
        if !parse::looks_like_html(&page.media_type, &page.body) {
            return Ok(Some(page));
        }
        // A page: its <link rel="alternate"> names the feed.
        let (html, _) = crate::web::decode_html(&page.body, page.charset.as_deref());
        let from = page.url.clone();
        let found = tokio::task::spawn_blocking(move || parse::discover(&html, &from)).await.ok().flatten();
        let Some(feed_url) = found else {
            return Err(format!(
                "not a feed: {} is an HTML page that names no feed (no <link rel=\"alternate\" type=\"application/rss+xml\">)",
                page.url
            ));
        };
        self.pacer.wait_for(&feed_url, &cfg).await;
        match crate::web::fetch_conditional(&feed_url, &cfg, Accept::Feeds, &Validators::default()).await {
            Ok(Conditional::Fetched(feed)) if !parse::looks_like_html(&feed.media_type, &feed.body) => {
                state.resolved_url = Some(feed.url.clone());
                Ok(Some(feed))
            }
            Ok(_) => Err(format!("not a feed: {feed_url}, which {} names as its feed, is not one", page.url)),
            Err(e) => Err(e.to_string()),
        }
    }

    /// One new item: its page fetched (if `robots.txt` allows) and
    /// extracted, or else the feed's own text; then added.
    async fn handle_item(&self, feed: &Feed, item: &Item, tries: u32) -> Handled {
        let at = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let shown = item.link.clone().unwrap_or_else(|| item.key.clone());
        let refuse = |reason: String| {
            let refusal = Refusal { origin: shown.clone(), reason: reason.clone(), existing: None };
            Handled::Outcome {
                outcome: Box::new(ItemOutcome {
                    at,
                    item: shown.clone(),
                    outcome: "refused".into(),
                    article: None,
                    detail: reason,
                }),
                added: None,
                refused: Some(refusal),
            }
        };
        let Some(link) = item.link.clone() else {
            return refuse("the item has no link".into());
        };
        let fetch = &self.config.fetch;
        // The error, and whether it may pass (worth another try later).
        let page = match self.robots.check(&link, fetch, &self.pacer).await {
            Verdict::Allowed => {
                self.pacer.wait_for(&link, fetch).await;
                crate::web::fetch_article(&link, fetch).await.map_err(|e| (e.to_string(), is_transient(&e)))
            }
            Verdict::Refused(why) => {
                let transient = why.starts_with("robots.txt could not be read");
                Err((why, transient))
            }
        };
        let (mut draft, from_feed) = match page {
            Ok(extracted) => {
                let mut d = crate::engine::draft_from_extracted(extracted, &link);
                if d.title.is_none() {
                    d.title = item.title.clone();
                }
                if d.published.is_none() {
                    d.published = item.published;
                }
                (d, false)
            }
            Err((why, transient)) => match feed_text_draft(item, &link) {
                Some(d) => (d, true),
                None if transient && tries < MAX_TRIES => {
                    return Handled::Retry(format!("{why}; tried {} of {MAX_TRIES} times, will try again", tries + 1))
                }
                None => return refuse(format!("{why}; the feed carries no full text")),
            },
        };
        if let Some(o) = &feed.outlet {
            draft.outlet = Some(o.clone());
        }
        for t in &feed.tags {
            if !draft.tags.contains(t) {
                draft.tags.push(t.clone());
            }
        }
        if from_feed {
            draft.tags.push(FEED_TEXT_TAG.to_owned());
        }
        draft.added_by = format!("feed {}", feed.id);
        draft.origin = link.clone();
        let engine = Arc::clone(&self.engine);
        let result = tokio::task::spawn_blocking(move || engine.add(draft)).await;
        let result = match result {
            Ok(r) => r,
            Err(e) => return Handled::Fatal(format!("adding {link} failed: {e}")),
        };
        match result {
            Ok(added) => Handled::Outcome {
                outcome: Box::new(ItemOutcome {
                    at,
                    item: link,
                    outcome: if from_feed { "added from the feed's text".into() } else { "added".into() },
                    article: Some(added.id.to_string()),
                    detail: String::new(),
                }),
                added: Some(Box::new(added)),
                refused: None,
            },
            Err(e @ (EngineError::Corpus(_) | EngineError::Index(_))) => Handled::Fatal(format!("{e:#}")),
            Err(e) => {
                let refusal = Refusal::from_error(&link, &e);
                let duplicate = refusal.existing.is_some();
                Handled::Outcome {
                    outcome: Box::new(ItemOutcome {
                        at,
                        item: link,
                        outcome: if duplicate { "duplicate".into() } else { "refused".into() },
                        article: refusal.existing.as_ref().map(|a| a.to_string()),
                        detail: refusal.reason.clone(),
                    }),
                    added: None,
                    refused: Some(refusal),
                }
            }
        }
    }
}

/// An article from the feed's own text, when it carries a full text.
fn feed_text_draft(item: &Item, link: &str) -> Option<ArticleDraft> {
    let text = item.text.clone()?;
    let outlet =
        url::Url::parse(link).ok().and_then(|u| u.host_str().map(|h| h.strip_prefix("www.").unwrap_or(h).to_owned()));
    Some(ArticleDraft {
        title: item.title.clone(),
        outlet,
        url: Some(link.to_owned()),
        published: item.published,
        language: item.language.clone(),
        authors: item.authors.clone(),
        body: text,
        origin: link.to_owned(),
        ..ArticleDraft::default()
    })
}

/// The scheduler `parley serve` runs: polls the due feeds, sleeps until the
/// next is due (at most a minute, so new subscriptions are seen), and ends
/// when `stop` turns true (the poll at hand stops after its current item).
pub async fn run_scheduler(poller: Arc<Poller>, mut stop: tokio::sync::watch::Receiver<bool>) {
    const CAP: Duration = Duration::from_secs(60);
    loop {
        if *stop.borrow() {
            break;
        }
        match poller.poll(Which::Due).await {
            Ok(report) => {
                for f in &report.feeds {
                    match &f.outcome {
                        PollOutcome::Failed { error } => tracing::warn!("feed {}: {error}", f.id),
                        _ if !f.added.is_empty() || !f.refused.is_empty() => tracing::info!(
                            "feed {}: {} new, {} added, {} refused",
                            f.id,
                            f.new,
                            f.added.len(),
                            f.refused.len()
                        ),
                        _ => tracing::debug!("feed {}: nothing new", f.id),
                    }
                }
                if report.added() > 0 {
                    poller.engine().embed_in_background();
                }
            }
            Err(e) => tracing::warn!("feeds: {e}"),
        }
        let wait = poller.next_wake(CAP).max(Duration::from_secs(1));
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = stop.changed() => {}
        }
    }
    poller.stop();
    tracing::info!("the feed scheduler stopped");
}
