//! `parley feed …` through the real binary, against a local site on
//! 127.0.0.1 (allowed only through PARLEY_FETCH_ALLOW) whose feeds change
//! between polls: new and edited items, 304s, 500s, a slow feed, a huge
//! feed, a feed moved by 301, a redirect to an internal address, not-XML,
//! items without links, Cyrillic items, the same story in two feeds, an
//! HTML page that names its feed, and a `robots.txt` that closes a path.
//! Fictional outlets, people and places only.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use serde_json::Value;

use crate::harness::DataDir;

/// One request the site saw.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    /// Which poll (the phase the test had set).
    phase: usize,
    path: String,
    if_none_match: Option<String>,
    if_modified_since: Option<String>,
    user_agent: String,
}

/// The site: its phase (the test moves it between polls) and what it saw.
pub(crate) struct Site {
    phase: AtomicUsize,
    log: Mutex<Vec<Seen>>,
    addr: Mutex<Option<SocketAddr>>,
}

impl Site {
    pub(crate) fn requests(&self, phase: usize, path: &str) -> Vec<Seen> {
        self.log.lock().unwrap().iter().filter(|s| s.phase == phase && s.path == path).cloned().collect()
    }

    pub(crate) fn base(&self) -> String {
        format!("http://{}", self.addr.lock().unwrap().expect("started"))
    }
}

/// A fictional article: slug, title, outlet, date, paragraphs.
pub(crate) struct Story {
    slug: &'static str,
    pub(crate) title: &'static str,
    date: &'static str,
    paragraphs: &'static [&'static str],
}

const FERRY: Story = Story {
    slug: "ferry-talks",
    title: "Ferry talks resume in Pellmouth after a week of silence",
    date: "2026-03-08T09:00:00Z",
    paragraphs: &[
        "Delegations from Vell and Ostmark returned to the harbour town of Pellmouth on Saturday, ending a week in which neither side would confirm that the ferry talks were still alive.",
        "The Vell envoy, Marta Quillon, told reporters on the quay that the agenda had not changed: the timetable for civilian crossings, the inspection of cargo holds and the fate of the two impounded vessels.",
        "Observers from the Dunmere commission said the atmosphere was cooler than in February, when both delegations had posed together for photographs on the deck of the old paddle steamer.",
        "A second round is expected on Tuesday if the harbour master agrees to keep the east pier closed to commercial traffic.",
    ],
};

const GRAIN: Story = Story {
    slug: "grain-corridor",
    title: "Grain corridor deal signed at the Kessel customs house",
    date: "2026-03-09T09:00:00Z",
    paragraphs: &[
        "Negotiators signed a provisional grain corridor agreement at the Kessel customs house late on Sunday, allowing barges to pass the river locks at Brannow without the double inspections that have slowed exports since autumn.",
        "The text, seen by several outlets, sets a quota of forty barges a week and names the Dunmere commission as the body that will count them at the upper lock.",
        "Farmers' unions on both banks welcomed the deal but warned that the quota would be exhausted before the harvest if the locks closed again for repairs.",
        "The agreement lapses after ninety days unless both parliaments ratify it, a step the Ostmark speaker has promised to schedule within a month.",
    ],
};

const CYRILLIC: Story = Story {
    slug: "kyiv-style-talks",
    title: "Переговори в Пеллмуті: сторони погодили обмін полоненими",
    date: "2026-03-09T12:00:00Z",
    paragraphs: &[
        "Делегації Велля та Остмарка погодили в неділю обмін полоненими, який має відбутися на мосту через річку Бранноу наступного тижня.",
        "Посланниця Марта Квіллон сказала журналістам, що списки звірено двічі, а спостерігачі комісії Данмір будуть присутні під час передачі.",
        "Сторони також домовилися відкрити гарячу лінію між командуваннями, щоб уникати інцидентів на лінії розмежування.",
    ],
};

const EXCHANGE: Story = Story {
    slug: "prisoner-exchange",
    title: "Prisoner exchange on the Brannow bridge completed without incident",
    date: "2026-03-11T15:00:00Z",
    paragraphs: &[
        "Sixty-two detainees crossed the Brannow bridge in each direction on Tuesday morning in the largest exchange since the ceasefire line was drawn.",
        "Buses from the Vell side waited for almost three hours while officials from the Dunmere commission checked every name against the lists agreed in Pellmouth.",
        "Relatives gathered behind a rope line at the western end of the bridge; several said they had not heard from the men for more than a year.",
        "Both ministries issued near-identical statements thanking the commission and promising a further exchange before the spring floods.",
    ],
};

const BORDER: Story = Story {
    slug: "border-commission",
    title: "Border commission maps the disputed meadows near Oster Fell",
    date: "2026-03-09T18:00:00Z",
    paragraphs: &[
        "Surveyors from the joint border commission spent the weekend walking the disputed meadows near Oster Fell, where shepherds from both villages have grazed their flocks for generations without a fixed line.",
        "Their draft map follows the old drainage ditch for most of its length but leaves a small orchard on the Ostmark side, a choice local councillors said they would contest.",
        "The commission will present the map to both delegations in Pellmouth before the end of the month, together with a proposal for seasonal grazing permits that ignore the line altogether.",
    ],
};

const TRUCE: Story = Story {
    slug: "energy-truce",
    title: "Energy truce extended to the Halder substations",
    date: "2026-03-10T08:00:00Z",
    paragraphs: &[
        "The energy truce agreed in January now covers the three Halder substations, after engineers from both sides inspected the transformers under the eye of commission monitors.",
        "The extension means that no strikes may target the grid within twenty kilometres of the plants, which supply the hospitals of Halder and the pumping stations that keep the lowland farms dry.",
        "Repair crews will be given passes valid for a fortnight at a time, renewable by the duty officer at either checkpoint without a new round of talks.",
    ],
};

pub(crate) const OBSERVERS: Story = Story {
    slug: "dunmere-observers",
    title: "Dunmere observers double their patrols along the river",
    date: "2026-03-10T11:00:00Z",
    paragraphs: &[
        "The Dunmere observer mission will double its patrols along the Brannow river from next week, its chief, Oren Palisade, announced in a short statement.",
        "Twelve new teams are arriving by rail from the capital, each with a translator and a medic, and will be based in the schoolhouse at Lower Fenning.",
        "Palisade said the mission had recorded fewer violations in February than in any month since it was deployed, but that the thaw would bring new pressure on the crossings.",
    ],
};

const MINES: Story = Story {
    slug: "harbour-mines",
    title: "Divers clear the last mines from the Pellmouth approaches",
    date: "2026-03-10T14:00:00Z",
    paragraphs: &[
        "Navy divers from a neutral flotilla finished clearing the approaches to Pellmouth harbour on Monday, removing the last of the eleven mines laid during the first winter of the war.",
        "The harbour master said the shipping lane would reopen at dawn on Thursday, first for the ferry and then for grain barges coming down from the Kessel locks.",
        "Insurers in the capital are expected to lower their war-risk premiums for the port once the flotilla's final report is published.",
    ],
};

const RAILWAY: Story = Story {
    slug: "railway-reopens",
    title: "Railway line to Lower Fenning reopens for passengers",
    date: "2026-03-10T12:00:00Z",
    paragraphs: &[
        "The single-track railway between Halder and Lower Fenning carried its first passenger train in three years on Monday, after engineers replaced the bridge the floods had undermined.",
        "Conductors checked tickets and travel permits together, a compromise reached in Pellmouth that lets residents of the river villages cross without waiting at the road checkpoint.",
        "The timetable offers two trains a day in each direction for now; the operator says a third will be added once the signalling is repaired.",
    ],
};

pub(crate) const VOTE: Story = Story {
    slug: "parliament-vote",
    title: "Ostmark parliament schedules its vote on the grain corridor",
    date: "2026-03-10T16:00:00Z",
    paragraphs: &[
        "The speaker of the Ostmark parliament, Ilse Varnholt, has scheduled the ratification vote on the grain corridor for the first week of April.",
        "Opposition deputies have demanded a closed session to question the negotiators about the quota, which they say favours the large estates on the northern bank.",
        "Varnholt told the chamber that the debate would be public and televised, and that every deputy would have the full text a week before the vote.",
    ],
};

fn article_page(s: &Story, outlet: &str, lang: &str) -> String {
    let ps: String = s.paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        r#"<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{t} | {outlet}</title>
<meta property="og:title" content="{t}"><meta property="og:site_name" content="{outlet}"><meta property="og:type" content="article">
<meta property="article:published_time" content="{d}"></head>
<body><header><a href="/">{outlet}</a><nav><a href="/world">World</a> <a href="/politics">Politics</a></nav></header>
<main><article><h1>{t}</h1><p class="byline">By a staff reporter</p>
{ps}</article></main><footer><p>© {outlet}. All rights reserved.</p></footer></body></html>"#,
        t = s.title,
        d = s.date
    )
}

fn rfc2822(rfc3339: &str) -> String {
    let t = time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339).expect("date");
    t.format(&time::format_description::well_known::Rfc2822).expect("format")
}

/// `<item>` of an RSS 2.0 feed.
fn rss_item(guid: &str, title: &str, link: Option<&str>, date: &str, full_text: Option<&Story>) -> String {
    let link = link.map(|l| format!("<link>{l}</link>")).unwrap_or_default();
    let content = full_text
        .map(|s| {
            let ps: String = s.paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
            format!("<content:encoded><![CDATA[{ps}]]></content:encoded>")
        })
        .unwrap_or_default();
    format!(
        "<item><guid isPermaLink=\"false\">{guid}</guid><title>{title}</title>{link}<pubDate>{}</pubDate><description>A short summary.</description>{content}</item>\n",
        rfc2822(date)
    )
}

fn rss(title: &str, items: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>{title}</title><link>http://vell.example/</link><description>News</description><language>en</language>
{items}</channel></rss>"#
    )
}

/// The Vell Gazette's feed in each phase: phase 1 adds an item and edits
/// the title of another (same guid); phase 2 is phase 1 again.
fn vell_feed(base: &str, phase: usize) -> (String, &'static str) {
    let mut items = String::new();
    if phase >= 1 {
        items.push_str(&rss_item(
            "vell-5",
            EXCHANGE.title,
            Some(&format!("{base}/vell/news/{}", EXCHANGE.slug)),
            EXCHANGE.date,
            None,
        ));
    }
    let ferry_title = if phase >= 1 { "Ferry talks resume in Pellmouth (updated)" } else { FERRY.title };
    items.push_str(&rss_item(
        "vell-1",
        ferry_title,
        Some(&format!("{base}/vell/news/{}", FERRY.slug)),
        FERRY.date,
        None,
    ));
    items.push_str(&rss_item(
        "vell-2",
        GRAIN.title,
        Some(&format!("{base}/vell/news/{}", GRAIN.slug)),
        GRAIN.date,
        None,
    ));
    items.push_str(&rss_item(
        "vell-3",
        CYRILLIC.title,
        Some(&format!("{base}/vell/news/{}", CYRILLIC.slug)),
        CYRILLIC.date,
        None,
    ));
    // robots.txt closes /private/: the feed's own text is used.
    items.push_str(&rss_item(
        "vell-4",
        BORDER.title,
        Some(&format!("{base}/private/{}", BORDER.slug)),
        BORDER.date,
        Some(&BORDER),
    ));
    // The page answers 500: the feed's own text is used.
    items.push_str(&rss_item(
        "vell-6",
        TRUCE.title,
        Some(&format!("{base}/vell/broken/{}", TRUCE.slug)),
        TRUCE.date,
        Some(&TRUCE),
    ));
    // No link and no text: refused.
    items.push_str(&rss_item("vell-7", "A notice with nowhere to go", None, "2026-03-10T10:00:00Z", None));
    // Dated years ahead: the date is not believed.
    items.push_str(&rss_item("vell-8", "Tomorrow's news today", None, "2039-01-01T00:00:00Z", None));
    (rss("Vell Gazette", &items), if phase >= 1 { "\"v2\"" } else { "\"v1\"" })
}

fn ostmark_atom(base: &str) -> String {
    let entry = |id: &str, s: &Story, path: &str| {
        format!(
            r#"<entry><id>{id}</id><title>{t}</title><link rel="alternate" href="{base}{path}"/><updated>{d}</updated><summary>Summary.</summary></entry>"#,
            t = s.title,
            d = s.date
        )
    };
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Ostmark Wire</title><id>urn:ostmark-wire</id><updated>2026-03-10T16:00:00Z</updated>
{}{}</feed>"#,
        entry("urn:ow:1", &VOTE, "/ost/news/parliament-vote"),
        // The same story as the Vell Gazette's, on Ostmark Wire's site.
        entry("urn:ow:2", &GRAIN, "/ost/news/grain-corridor-signed"),
    )
}

fn json_feed(base: &str) -> String {
    serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Harbour Bulletin",
        "items": [{"id": "hb-1", "url": format!("{base}/harbour/{}", MINES.slug), "title": MINES.title, "date_published": MINES.date}]
    })
    .to_string()
}

fn rdf_feed(base: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="{base}/site/"><title>Dunmere Mission</title><link>{base}/site/</link><description>Mission news</description></channel>
<item rdf:about="{base}/site/news/{s}"><title>{t}</title><link>{base}/site/news/{s}</link><dc:date>{d}</dc:date></item>
<item rdf:about="{base}/site/flaky/{s2}"><title>{t2}</title><link>{base}/site/flaky/{s2}</link><dc:date>{d2}</dc:date></item></rdf:RDF>"#,
        s = OBSERVERS.slug,
        t = OBSERVERS.title,
        d = OBSERVERS.date,
        s2 = RAILWAY.slug,
        t2 = RAILWAY.title,
        d2 = RAILWAY.date
    )
}

fn respond(status: u16, content_type: &str, headers: &[(&str, String)], body: impl Into<Body>) -> Response {
    let mut b = Response::builder().status(status).header("content-type", content_type);
    for (k, v) in headers {
        b = b.header(*k, v.as_str());
    }
    b.body(body.into()).expect("response")
}

async fn handle(State(site): State<Arc<Site>>, req: Request) -> Response {
    // Only the head: the body is not shared across the awaits below.
    let (head, _) = req.into_parts();
    let header = |n: &str| head.headers.get(n).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let path = head.uri.path().to_owned();
    let phase = site.phase.load(Ordering::SeqCst);
    let seen = Seen {
        phase,
        path: path.clone(),
        if_none_match: header("if-none-match"),
        if_modified_since: header("if-modified-since"),
        user_agent: header("user-agent").unwrap_or_default(),
    };
    site.log.lock().unwrap().push(seen.clone());
    let base = site.base();
    let html = "text/html; charset=utf-8";
    let page = |s: &Story, outlet: &str| respond(200, html, &[], article_page(s, outlet, "en"));
    match path.as_str() {
        "/robots.txt" => respond(200, "text/plain", &[], "User-agent: *\nDisallow: /private/\n"),
        "/vell/rss.xml" => {
            let (body, etag) = vell_feed(&base, phase.min(2));
            if seen.if_none_match.as_deref() == Some(etag) {
                return respond(304, "application/rss+xml", &[("etag", etag.to_owned())], Body::empty());
            }
            respond(200, "application/rss+xml; charset=utf-8", &[("etag", etag.to_owned())], body)
        }
        "/ost/atom.xml" => {
            let lm = "Wed, 11 Mar 2026 08:00:00 GMT".to_owned();
            if seen.if_modified_since.as_deref() == Some(lm.as_str()) {
                return respond(304, "application/atom+xml", &[("last-modified", lm)], Body::empty());
            }
            respond(200, "application/atom+xml", &[("last-modified", lm)], ostmark_atom(&base))
        }
        "/down/feed.xml" => respond(500, "text/html", &[], "<h1>Internal Server Error</h1>"),
        "/slow/feed.xml" => {
            tokio::time::sleep(Duration::from_secs(6)).await;
            respond(200, "application/rss+xml", &[], rss("Slow", ""))
        }
        "/huge/feed.xml" => {
            let item = "<item><title>x</title><link>http://h.example/x</link></item>";
            let body = rss("Huge", &item.repeat(6 * 1024 * 1024 / item.len() + 1));
            respond(200, "application/rss+xml", &[], body)
        }
        "/moved/feed.json" => respond(301, "text/html", &[("location", "/new/feed.json".to_owned())], "moved"),
        "/new/feed.json" => {
            if seen.if_none_match.as_deref() == Some("\"j1\"") {
                return respond(304, "application/feed+json", &[], Body::empty());
            }
            respond(200, "application/feed+json", &[("etag", "\"j1\"".to_owned())], json_feed(&base))
        }
        "/junk/feed.xml" => respond(200, "text/xml", &[], "this is not XML, and certainly not a feed"),
        "/internal/feed.xml" => respond(302, "text/html", &[("location", "http://10.1.2.3/feed.xml".to_owned())], "x"),
        "/site/" => respond(
            200,
            html,
            &[],
            format!(
                r#"<html><head><title>Dunmere Mission</title><link rel="alternate" type="application/rss+xml" title="News" href="{base}/site/feed.rdf"></head><body><p>Welcome.</p></body></html>"#
            ),
        ),
        "/site/feed.rdf" => respond(200, "application/rdf+xml", &[], rdf_feed(&base)),
        p if p == format!("/vell/news/{}", FERRY.slug) => page(&FERRY, "Vell Gazette"),
        p if p == format!("/vell/news/{}", GRAIN.slug) => page(&GRAIN, "Vell Gazette"),
        p if p == format!("/vell/news/{}", EXCHANGE.slug) => page(&EXCHANGE, "Vell Gazette"),
        p if p == format!("/vell/news/{}", CYRILLIC.slug) => {
            respond(200, html, &[], article_page(&CYRILLIC, "Vell Gazette", "uk"))
        }
        p if p.starts_with("/vell/broken/") => respond(500, html, &[], "<h1>Oops</h1>"),
        p if p.starts_with("/private/") => page(&BORDER, "Vell Gazette"),
        "/ost/news/parliament-vote" => page(&VOTE, "Ostmark Wire"),
        // The same story, lightly edited by the second outlet.
        "/ost/news/grain-corridor-signed" => respond(
            200,
            html,
            &[],
            article_page(&GRAIN, "Ostmark Wire", "en").replace("late on Sunday", "on Sunday evening"),
        ),
        p if p == format!("/harbour/{}", MINES.slug) => page(&MINES, "Harbour Bulletin"),
        p if p == format!("/site/news/{}", OBSERVERS.slug) => page(&OBSERVERS, "Dunmere Mission"),
        // Down for the first poll, back for the second.
        p if p.starts_with("/site/flaky/") && phase == 0 => respond(503, html, &[], "<h1>Busy</h1>"),
        p if p.starts_with("/site/flaky/") => page(&RAILWAY, "Dunmere Mission"),
        _ => respond(404, html, &[], "<h1>Not found</h1>"),
    }
}

/// Starts the site on a thread of its own; it lives as long as the test.
pub(crate) fn start_site() -> Arc<Site> {
    let site = Arc::new(Site { phase: AtomicUsize::new(0), log: Mutex::new(Vec::new()), addr: Mutex::new(None) });
    let (tx, rx) = std::sync::mpsc::channel();
    let shared = Arc::clone(&site);
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            *shared.addr.lock().unwrap() = Some(listener.local_addr().expect("addr"));
            let app = axum::Router::new().fallback(handle).with_state(Arc::clone(&shared));
            tx.send(()).expect("started");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    rx.recv_timeout(Duration::from_secs(10)).expect("the site started");
    site
}

fn parley_env(d: &DataDir) -> std::process::Command {
    let mut c = d.parley();
    c.env("PARLEY_FETCH_ALLOW", "127.0.0.1/32")
        .env("PARLEY_FETCH_TIMEOUT", "2")
        .env("PARLEY_MODEL_DIR", d.path().join("no-model"));
    c
}

fn run_json(d: &DataDir, args: &[&str]) -> Value {
    let out = parley_env(d).args(args).output().expect("run parley");
    assert!(
        out.status.success(),
        "parley {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn feed<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["feeds"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["id"] == id))
        .unwrap_or_else(|| panic!("no feed {id} in {report}"))
}

fn listed<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array().and_then(|fs| fs.iter().find(|f| f["id"] == id)).unwrap_or_else(|| panic!("no {id} in {list}"))
}

fn titles(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap_or("").to_owned()).collect()
}

fn subscribe(d: &DataDir, url: &str, extra: &[&str]) -> String {
    let mut args = vec!["feed", "add", url, "--json"];
    args.extend_from_slice(extra);
    run_json(d, &args)["id"].as_str().expect("an id").to_owned()
}

#[test]
fn feeds_are_polled_politely_and_nothing_is_added_twice() {
    let site = start_site();
    let base = site.base();
    let d = DataDir::new();
    let vell =
        subscribe(&d, &format!("{base}/vell/rss.xml"), &["--outlet", "Vell Gazette", "--tag", "vell", "--every", "1h"]);
    assert_eq!(vell, "127-0-0-1");
    let ost = subscribe(&d, &format!("{base}/ost/atom.xml"), &["--outlet", "Ostmark Wire"]);
    let down = subscribe(&d, &format!("{base}/down/feed.xml"), &[]);
    let slow = subscribe(&d, &format!("{base}/slow/feed.xml"), &[]);
    let huge = subscribe(&d, &format!("{base}/huge/feed.xml"), &[]);
    let moved = subscribe(&d, &format!("{base}/moved/feed.json"), &[]);
    let junk = subscribe(&d, &format!("{base}/junk/feed.xml"), &[]);
    let page = subscribe(&d, &format!("{base}/site/"), &[]);
    let internal = subscribe(&d, &format!("{base}/internal/feed.xml"), &[]);
    // The same feed twice, a bad address, a bad interval: refused, nothing written.
    let again = parley_env(&d).args(["feed", "add", &format!("{base}/vell/rss.xml")]).output().unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains(&format!("already subscribed as {vell}")));
    for bad in [vec!["feed", "add", "ftp://x.example/rss"], vec!["feed", "add", &base, "--every", "10s"]] {
        assert!(!parley_env(&d).args(&bad).output().unwrap().status.success(), "{bad:?}");
    }
    assert_eq!(run_json(&d, &["feed", "list", "--json"]).as_array().unwrap().len(), 9);

    // First poll.
    let r = run_json(&d, &["feed", "poll", "--json"]);
    let v = feed(&r, &vell);
    assert_eq!(v["status"], "fetched", "{v}");
    let added = titles(&v["added"]);
    for t in [FERRY.title, CYRILLIC.title, BORDER.title, TRUCE.title] {
        assert!(added.iter().any(|a| a == t), "{t} not added: {v}");
    }
    let refused: Vec<&str> = v["refused"].as_array().unwrap().iter().map(|r| r["reason"].as_str().unwrap()).collect();
    assert!(refused.iter().filter(|r| r.contains("no link")).count() == 2, "{v}");
    assert!(v["notes"].to_string().contains("dated in the future"), "{v}");
    assert!(v["notes"].to_string().contains("2 items without a link"), "{v}");
    let o = feed(&r, &ost);
    assert_eq!(o["status"], "fetched", "{o}");
    assert!(titles(&o["added"]).iter().any(|t| t == VOTE.title), "{o}");
    // The grain story is in both feeds: one article, the other copy refused
    // with the first one's id, whichever feed was read first.
    let grain_added: Vec<&Value> =
        [v, o].iter().flat_map(|f| f["added"].as_array().unwrap()).filter(|a| a["title"] == GRAIN.title).collect();
    assert_eq!(grain_added.len(), 1, "{r}");
    let grain_id = grain_added[0]["id"].as_str().unwrap();
    let grain_refused: Vec<&Value> = [v, o]
        .iter()
        .flat_map(|f| f["refused"].as_array().unwrap())
        .filter(|x| x["origin"].as_str().unwrap_or("").contains("grain-corridor"))
        .collect();
    assert_eq!(grain_refused.len(), 1, "{r}");
    assert_eq!(grain_refused[0]["existing"], grain_id, "{r}");
    for (id, want) in [
        (&down, "HTTP 500"),
        (&slow, "timed out"),
        (&huge, "too large"),
        (&junk, "not a feed"),
        (&internal, "not allowed"),
    ] {
        let f = feed(&r, id);
        assert_eq!(f["status"], "failed", "{f}");
        assert!(f["error"].as_str().unwrap().contains(want), "{id}: {f}");
    }
    assert_eq!(titles(&feed(&r, &moved)["added"]), [MINES.title]);
    assert_eq!(titles(&feed(&r, &page)["added"]), [OBSERVERS.title]);
    // A page that failed for a passing reason, with no text in the feed: tried again later.
    let retry = &feed(&r, &page)["refused"][0];
    assert!(
        retry["reason"].as_str().unwrap().contains("HTTP 503")
            && retry["reason"].as_str().unwrap().contains("will try again"),
        "{r}"
    );

    // What the corpus holds: the feed's outlet and tag, the feed's text
    // marked as such, the syndicated copy recorded.
    let list = run_json(&d, &["list", "--json"]);
    let arts = list.as_array().unwrap();
    assert_eq!(arts.len(), 8, "{list}");
    let by_title = |t: &str| arts.iter().find(|a| a["title"] == t).unwrap_or_else(|| panic!("{t} missing: {list}"));
    let ferry = by_title(FERRY.title);
    assert_eq!(ferry["outlet"], "Vell Gazette");
    assert_eq!(ferry["tags"], serde_json::json!(["vell"]), "{ferry}");
    assert_eq!(ferry["added_by"], format!("feed {vell}"));
    for t in [BORDER.title, TRUCE.title] {
        let a = by_title(t);
        assert!(a["tags"].as_array().unwrap().iter().any(|x| x == "feed-text"), "{a}");
    }
    assert!(!ferry["tags"].to_string().contains("feed-text"));
    assert_eq!(by_title(CYRILLIC.title)["language"], "uk");
    assert!(
        by_title(GRAIN.title)["also_reported_by"].to_string().contains(
            if grain_refused[0]["origin"].as_str().unwrap().contains("/ost/") {
                "Ostmark Wire"
            } else {
                "Vell Gazette"
            }
        ),
        "{list}"
    );

    // robots.txt was read and honoured; every request named Parley.
    assert!(!site.requests(0, "/robots.txt").is_empty());
    assert!(
        site.log.lock().unwrap().iter().all(|s| !s.path.starts_with("/private/")),
        "a page robots.txt closes was fetched"
    );
    assert!(site.log.lock().unwrap().iter().all(|s| s.user_agent.starts_with("Parley/")));

    let l = run_json(&d, &["feed", "list", "--json"]);
    assert_eq!(listed(&l, &down)["errors"], 1);
    assert!(listed(&l, &down)["last_error"].as_str().unwrap().contains("HTTP 500"));
    assert!(listed(&l, &huge)["last_error"].as_str().unwrap().contains("too large"));
    assert!(listed(&l, &moved)["resolved_url"].as_str().unwrap().ends_with("/new/feed.json"), "{l}");
    assert!(listed(&l, &page)["resolved_url"].as_str().unwrap().ends_with("/site/feed.rdf"), "{l}");
    assert_eq!(listed(&l, &vell)["title"], "Vell Gazette");
    assert!(listed(&l, &vell)["next_due"].is_string());
    assert!(listed(&l, &vell)["recent"].to_string().contains("added from the feed's text"), "{l}");
    // The same for a person.
    let text = String::from_utf8(parley_env(&d).args(["feed", "list"]).output().unwrap().stdout).unwrap();
    assert!(text.contains(&format!("{down}\n")) && text.contains("error (1 in a row): not fetched"), "{text}");
    assert!(text.contains("read from ") && text.contains("/site/feed.rdf"), "{text}");
    assert!(text.contains("note: 2 items without a link"), "{text}");

    // Second poll: one new item, one edited item (same guid) not added
    // again; conditional requests answered 304; the moved feed read at its
    // new address.
    site.phase.store(1, Ordering::SeqCst);
    let r = run_json(&d, &["feed", "poll", "--json"]);
    let v = feed(&r, &vell);
    assert_eq!(titles(&v["added"]), [EXCHANGE.title], "{v}");
    assert_eq!(v["new"], 1, "{v}");
    assert_eq!(site.requests(1, "/vell/rss.xml")[0].if_none_match.as_deref(), Some("\"v1\""));
    assert_eq!(feed(&r, &ost)["status"], "not_modified", "{r}");
    assert_eq!(
        site.requests(1, "/ost/atom.xml")[0].if_modified_since.as_deref(),
        Some("Wed, 11 Mar 2026 08:00:00 GMT")
    );
    assert_eq!(feed(&r, &moved)["status"], "not_modified", "{r}");
    assert!(site.requests(1, "/moved/feed.json").is_empty(), "the moved feed is read at its new address");
    assert_eq!(site.requests(1, "/new/feed.json")[0].if_none_match.as_deref(), Some("\"j1\""));
    assert_eq!(feed(&r, &page)["status"], "fetched");
    assert_eq!(feed(&r, &page)["new"], 1);
    assert_eq!(titles(&feed(&r, &page)["added"]), [RAILWAY.title], "the failed page is tried again: {r}");
    assert!(site.requests(1, "/site/").is_empty(), "the page is not read again once its feed is known");
    let l = run_json(&d, &["feed", "list", "--json"]);
    assert_eq!(listed(&l, &down)["errors"], 2);
    assert_eq!(run_json(&d, &["list", "--json"]).as_array().unwrap().len(), 10);

    // Third poll: nothing changed; every feed that sent validators got a 304.
    site.phase.store(2, Ordering::SeqCst);
    let r = run_json(&d, &["feed", "poll", &vell, "--json"]);
    assert_eq!(r["feeds"].as_array().unwrap().len(), 1);
    assert_eq!(feed(&r, &vell)["status"], "not_modified", "{r}");
    assert_eq!(site.requests(2, "/vell/rss.xml")[0].if_none_match.as_deref(), Some("\"v2\""));

    // A poll killed after adding an item but before recording it: the item
    // comes back, is refused as a duplicate, and nothing is added twice.
    let state_path = d.path().join(format!("feeds/{vell}.state.json"));
    let mut state: Value = serde_json::from_slice(&std::fs::read(&state_path).unwrap()).unwrap();
    state["seen"].as_array_mut().unwrap().retain(|k| k != "id:vell-5");
    state.as_object_mut().unwrap().remove("etag");
    std::fs::write(&state_path, serde_json::to_vec(&state).unwrap()).unwrap();
    site.phase.store(3, Ordering::SeqCst);
    let r = run_json(&d, &["feed", "poll", &vell, "--json"]);
    let v = feed(&r, &vell);
    assert_eq!((v["new"].as_u64(), v["added"].as_array().unwrap().len()), (Some(1), 0), "{v}");
    assert!(v["refused"][0]["existing"].is_string(), "{v}");
    assert_eq!(run_json(&d, &["list", "--json"]).as_array().unwrap().len(), 10);

    // Unsubscribing keeps the articles.
    let out = parley_env(&d).args(["feed", "remove", &vell]).output().unwrap();
    assert!(out.status.success());
    assert!(!run_json(&d, &["feed", "list", "--json"]).to_string().contains("/vell/rss.xml"));
    assert_eq!(run_json(&d, &["list", "--json"]).as_array().unwrap().len(), 10);
    let out = parley_env(&d).args(["feed", "remove", &vell]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("no feed with id"));
}

#[test]
fn a_running_writer_leaves_feed_files_editable_and_polls_itself() {
    let site = start_site();
    let base = site.base();
    let d = DataDir::new();
    // The console holds the writer, as the bot would.
    let mut console = {
        let mut c = parley_env(&d);
        c.arg("console")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        c.spawn().expect("spawn console")
    };
    // Wait until it holds the writer (its prompt is printed after opening).
    let mut stdout = console.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read(&mut stdout, &mut first).expect("the console starts");
    let id = subscribe(&d, &format!("{base}/ost/atom.xml"), &["--outlet", "Ostmark Wire"]);
    assert_eq!(run_json(&d, &["feed", "list", "--json"]).as_array().unwrap().len(), 1);
    let out = parley_env(&d).args(["feed", "poll"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("another Parley process") && err.contains("nothing was polled"), "{err}");
    assert!(site.requests(0, "/ost/atom.xml").is_empty(), "nothing fetched");

    // The writer polls through its own commands.
    {
        use std::io::Write;
        let stdin = console.stdin.as_mut().unwrap();
        writeln!(stdin, "/corpus feed list").unwrap();
        writeln!(stdin, "/corpus feed poll {id}").unwrap();
        writeln!(stdin, "/corpus feed poll nope").unwrap();
        writeln!(stdin, "/quit").unwrap();
    }
    let mut bytes = first.to_vec();
    std::io::Read::read_to_end(&mut stdout, &mut bytes).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(console.wait().unwrap().success());
    assert!(text.contains("1 feed\n") && text.contains("/ost/atom.xml>"), "{text}");
    assert!(text.contains("Polled 1 feed: 2 articles added."), "{text}");
    assert!(text.contains("no feed with id \"nope\""), "{text}");
    let audit = std::fs::read_to_string(d.path().join("audit.jsonl")).unwrap();
    assert!(audit.contains("\"action\":\"feed-poll\"") && audit.contains("2 added"), "{audit}");
    assert_eq!(run_json(&d, &["list", "--json"]).as_array().unwrap().len(), 2);
}
