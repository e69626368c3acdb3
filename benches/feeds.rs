//! Polling news feeds, end to end on a local site: 50 feeds of 50 items
//! each on 127.0.0.1, served by an in-process HTTP server that counts what
//! it is asked.
//!
//! ```text
//! cargo bench --bench feeds
//! ```
//!
//! 1. Nothing new: every feed was read before (its state holds its ETag and
//!    its 50 item keys), so a poll sends 50 conditional requests and gets
//!    50 `304 Not Modified`. Timed: the poll; counted: requests, how many
//!    carried `If-None-Match`, how many were answered 304.
//! 2. 500 new items: each feed now lists 10 items more (60), under a new
//!    ETag. Timed: the poll, which fetches 50 feeds and 500 article pages,
//!    extracts them, checks duplicates and adds them through
//!    `Engine::add`; reported: articles per second end to end.
//!
//! The site is on the fetch allow-list, so the per-host pacing (one
//! request a second to a public host) does not apply: what is measured is
//! Parley's own cost. Words only (`model_dir: None`). The articles are
//! fictional text from a fixed-seed generator (each (feed, item) its own
//! seed), distinct enough that none is
//! a near-duplicate of another. This file measures; it asserts nothing
//! about speed.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;

use parley::feeds::poll::Which;
use parley::feeds::{FeedState, FeedStore, PollConfig, Poller, Subscription};
use parley::web::FetchConfig;
use parley::{Engine, EngineConfig};

const FEEDS: usize = 50;
const ITEMS: usize = 50;
const NEW_PER_FEED: usize = 10;

/// What the site was asked.
#[derive(Default)]
struct Counts {
    generation: AtomicUsize,
    requests: AtomicUsize,
    conditional: AtomicUsize,
    not_modified: AtomicUsize,
    pages: AtomicUsize,
}

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

const SYLLABLES: &[&str] = &[
    "var", "len", "dor", "mis", "tal", "ber", "kon", "sel", "rap", "hum", "ost", "ving", "pel", "mar", "dun", "kes",
    "bran", "hal", "fen", "gor", "lis", "nor", "quil", "ras", "sto", "tem", "ull", "wen", "yar", "zet",
];
const WORDS: &[&str] = &[
    "the",
    "talks",
    "envoy",
    "said",
    "ceasefire",
    "delegation",
    "on",
    "monday",
    "agreed",
    "to",
    "border",
    "river",
    "commission",
    "observers",
    "exchange",
    "prisoners",
    "grain",
    "corridor",
    "harbour",
    "minister",
    "parliament",
    "vote",
    "truce",
    "energy",
    "of",
    "and",
    "in",
    "after",
    "before",
    "week",
    "town",
    "officials",
    "statement",
];

/// A fictional article of about 250 words, different for every (feed, item).
fn article_text(feed: usize, item: usize) -> (String, Vec<String>) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ ((((feed as u64) << 32 | item as u64) << 1) | 1));
    let mut name = || {
        let n = 2 + rng.next() as usize % 2;
        let mut w: String = (0..n).map(|_| SYLLABLES[rng.next() as usize % SYLLABLES.len()]).collect();
        if let Some(f) = w.get_mut(0..1) {
            f.make_ascii_uppercase();
        }
        w
    };
    let title = format!("{} and {} talks in {}", name(), name(), name());
    let mut paragraphs = Vec::new();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d ^ ((((item as u64) << 32 | feed as u64) << 1) | 1));
    for _ in 0..5 {
        let mut sentences = Vec::new();
        for _ in 0..3 {
            let words: Vec<String> = (0..14)
                .map(|i| {
                    if i % 4 == 1 {
                        let n = 2 + rng.next() as usize % 2;
                        let mut w: String = (0..n).map(|_| SYLLABLES[rng.next() as usize % SYLLABLES.len()]).collect();
                        if let Some(f) = w.get_mut(0..1) {
                            f.make_ascii_uppercase();
                        }
                        w
                    } else {
                        WORDS[rng.next() as usize % WORDS.len()].to_owned()
                    }
                })
                .collect();
            let mut s = words.join(" ");
            if let Some(f) = s.get_mut(0..1) {
                f.make_ascii_uppercase();
            }
            s.push('.');
            sentences.push(s);
        }
        paragraphs.push(sentences.join(" "));
    }
    (title, paragraphs)
}

fn items_of(generation: usize) -> usize {
    ITEMS + if generation > 0 { NEW_PER_FEED } else { 0 }
}

fn feed_xml(base: &str, feed: usize, generation: usize) -> String {
    let mut items = String::new();
    for i in (0..items_of(generation)).rev() {
        let (title, _) = article_text(feed, i);
        items.push_str(&format!(
            "<item><guid>f{feed}-i{i}</guid><title>{title}</title><link>{base}/a/{feed}/{i}</link><pubDate>Mon, 02 Mar 2026 {:02}:{:02}:00 GMT</pubDate></item>\n",
            i / 60 % 24,
            i % 60
        ));
    }
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Bench feed {feed}</title><link>{base}/</link><description>d</description>\n{items}</channel></rss>"
    )
}

fn page(feed: usize, item: usize) -> String {
    let (title, paragraphs) = article_text(feed, item);
    let ps: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title><meta property=\"og:site_name\" content=\"Bench Wire {feed}\"><meta property=\"article:published_time\" content=\"2026-03-02T10:00:00Z\"></head><body><article><h1>{title}</h1>{ps}</article></body></html>"
    )
}

fn respond(status: u16, content_type: &str, etag: Option<String>, body: impl Into<Body>) -> Response {
    let mut b = Response::builder().status(status).header("content-type", content_type);
    if let Some(e) = etag {
        b = b.header("etag", e);
    }
    b.body(body.into()).expect("response")
}

async fn handle(State((counts, base)): State<(Arc<Counts>, Arc<String>)>, req: Request) -> Response {
    counts.requests.fetch_add(1, Ordering::SeqCst);
    let (head, _) = req.into_parts();
    let path = head.uri.path().to_owned();
    let generation = counts.generation.load(Ordering::SeqCst);
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        ["f", name] => {
            let Some(feed) = name.strip_suffix(".xml").and_then(|n| n.parse::<usize>().ok()) else {
                return respond(404, "text/plain", None, "no");
            };
            let etag = format!("\"g{generation}\"");
            if let Some(inm) = head.headers.get("if-none-match").and_then(|v| v.to_str().ok()) {
                counts.conditional.fetch_add(1, Ordering::SeqCst);
                if inm == etag {
                    counts.not_modified.fetch_add(1, Ordering::SeqCst);
                    return respond(304, "application/rss+xml", Some(etag), Body::empty());
                }
            }
            respond(200, "application/rss+xml", Some(etag), feed_xml(&base, feed, generation))
        }
        ["a", feed, item] => match (feed.parse::<usize>(), item.parse::<usize>()) {
            (Ok(f), Ok(i)) => {
                counts.pages.fetch_add(1, Ordering::SeqCst);
                respond(200, "text/html; charset=utf-8", None, page(f, i))
            }
            _ => respond(404, "text/plain", None, "no"),
        },
        _ => respond(404, "text/plain", None, "no"),
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let counts = Arc::new(Counts::default());
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let app = axum::Router::new().fallback(handle).with_state((Arc::clone(&counts), Arc::new(base.clone())));
    rt.spawn(async move { axum::serve(listener, app).await });

    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = EngineConfig::new(dir.path());
    config.model_dir = None;
    let engine = Arc::new(Engine::open(config).expect("engine"));

    // Every feed as if read before: its ETag and its 50 item keys.
    let store = FeedStore::new(dir.path());
    for f in 0..FEEDS {
        let feed = store
            .add(&Subscription {
                url: format!("{base}/f/{f}.xml"),
                added_by: "bench".into(),
                ..Subscription::default()
            })
            .expect("subscribe");
        let mut state = FeedState { etag: Some("\"g0\"".into()), ..FeedState::default() };
        for i in 0..ITEMS {
            state.mark_seen(&format!("id:f{f}-i{i}"));
        }
        store.save_state(&feed.id, &state).expect("state");
    }
    let fetch = FetchConfig::default().with_allow_list("127.0.0.1/32").expect("allow-list");
    let poller = Arc::new(Poller::new(Arc::clone(&engine), PollConfig::new(fetch)));

    println!("Feeds: {FEEDS} feeds × {ITEMS} items on 127.0.0.1, words only\n");
    println!("| poll | time | requests | conditional | 304 | pages | articles added | articles/s |");
    println!("|---|---|---|---|---|---|---|---|");
    for (label, generation) in [("nothing new", 0usize), ("500 new items", 1)] {
        counts.generation.store(generation, Ordering::SeqCst);
        for c in [&counts.requests, &counts.conditional, &counts.not_modified, &counts.pages] {
            c.store(0, Ordering::SeqCst);
        }
        let started = Instant::now();
        let report = rt.block_on(poller.poll(Which::All)).expect("poll");
        let took = started.elapsed();
        let added = report.added();
        let rate = if added > 0 { format!("{:.1}", added as f64 / took.as_secs_f64()) } else { "—".into() };
        println!(
            "| {label} | {} | {} | {} | {} | {} | {added} | {rate} |",
            ms(took),
            counts.requests.load(Ordering::SeqCst),
            counts.conditional.load(Ordering::SeqCst),
            counts.not_modified.load(Ordering::SeqCst),
            counts.pages.load(Ordering::SeqCst),
        );
        if report.failed() > 0 || report.refused() > 0 {
            eprintln!("{} feeds failed, {} items refused:", report.failed(), report.refused());
            for f in report.feeds.iter().filter(|f| !f.refused.is_empty()).take(3) {
                eprintln!("  {}: {:?}", f.id, f.refused.first());
            }
        }
    }
}

fn ms(d: Duration) -> String {
    if d.as_secs() >= 10 {
        format!("{:.1} s", d.as_secs_f64())
    } else {
        format!("{} ms", d.as_millis())
    }
}
