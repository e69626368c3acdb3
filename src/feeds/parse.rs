//! Feed bytes to items, through `feed-rs` (RSS 2.0, RSS 1.0/RDF, RSS 0.9x,
//! Atom 1.0, JSON Feed); an HTML page's `<link rel="alternate">` feed; the
//! HTML a feed carries (`content:encoded`, Atom `content`) to plain text.
//!
//! Bounded: the bytes are already capped by the fetcher, at most
//! [`MAX_ITEMS`] newest items are kept, a date in the future is not
//! believed, HTML is parsed under [`crate::web::shape`]'s limits. It must not
//! fetch or know the corpus.

use std::collections::HashSet;

use ego_tree::NodeRef;
use scraper::{Node, Selector};
use time::OffsetDateTime;

use crate::article::{Published, YEARS};

/// Items read from one feed, newest first; the rest are ignored (and said
/// so in the feed's notes).
pub const MAX_ITEMS: usize = 200;
/// A date this far past the poll is a clock's slip; later is not believed.
const FUTURE_SLACK: time::Duration = time::Duration::hours(1);
/// Feed text shorter than this is a summary, not an article.
pub const MIN_FEED_TEXT: usize = 300;

/// One item of a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// What identifies the item across polls: its guid/id, else its link,
    /// else its title.
    pub key: String,
    /// The absolute http(s) link, if it has one.
    pub link: Option<String>,
    pub title: Option<String>,
    /// Only a date the feed states and that is not in the future.
    pub published: Option<Published>,
    /// The full text the feed carries, as plain paragraphs (only when it is
    /// at least [`MIN_FEED_TEXT`] characters: a summary is not an article).
    pub text: Option<String>,
    pub language: Option<String>,
    pub authors: Vec<String>,
}

/// A parsed feed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    pub title: Option<String>,
    /// Newest first, at most [`MAX_ITEMS`].
    pub items: Vec<Item>,
    /// Items in the feed, before the cut.
    pub total: usize,
    /// Items whose date was in the future (the date is dropped).
    pub future_dates: usize,
    /// Items with no usable link.
    pub without_link: usize,
}

impl Parsed {
    /// What a moderator should know about this feed's shape.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.total > self.items.len() {
            notes.push(format!("{} items in the feed; only the newest {} are read", self.total, self.items.len()));
        }
        if self.future_dates > 0 {
            notes.push(format!("{} items dated in the future: their dates are ignored", self.future_dates));
        }
        if self.without_link > 0 {
            notes.push(format!("{} items without a link", self.without_link));
        }
        notes
    }
}

/// Why bytes are not a feed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a feed: {0}")]
pub struct NotAFeed(pub String);

/// Parses a feed read from `base` (for relative links) at `now`.
pub fn parse(bytes: &[u8], base: &str, now: OffsetDateTime) -> Result<Parsed, NotAFeed> {
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(base))
        // No made-up ids: an item without a guid is keyed by its link here.
        .id_generator(|_, _, _| String::new())
        .build();
    let feed = parser.parse(bytes).map_err(|e| {
        let reason = e.to_string();
        let reason: String = reason.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(200).collect();
        NotAFeed(if reason.is_empty() { "the parser gave no reason".into() } else { reason })
    })?;
    let base_url = url::Url::parse(base).ok();
    let mut out = Parsed {
        title: feed
            .title
            .as_ref()
            .map(|t| text_of(&t.content, is_html(t.content_type.as_str())))
            .filter(|t| !t.is_empty()),
        total: feed.entries.len(),
        ..Parsed::default()
    };
    let mut items: Vec<(Option<i64>, usize, Item)> = Vec::new();
    let mut keys = HashSet::new();
    for (pos, e) in feed.entries.into_iter().enumerate() {
        let link = e
            .links
            .iter()
            .filter(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .chain(e.links.iter())
            .find_map(|l| absolute(&l.href, base_url.as_ref()));
        let title = e
            .title
            .as_ref()
            .map(|t| text_of(&t.content, is_html(t.content_type.as_str())))
            .map(|t| t.chars().take(300).collect::<String>())
            .filter(|t| !t.is_empty());
        let date = e.published.or(e.updated).map(|d| d.timestamp());
        let mut published = date
            .and_then(|ts| OffsetDateTime::from_unix_timestamp(ts).ok())
            .filter(|d| YEARS.contains(&d.year()))
            .map(Published::DateTime);
        if published.is_some_and(|p| p.timestamp() > (now + FUTURE_SLACK).unix_timestamp()) {
            out.future_dates += 1;
            published = None;
        }
        let text = e
            .content
            .as_ref()
            .and_then(|c| c.body.as_deref().map(|b| text_of(b, is_html(c.content_type.as_str()))))
            .filter(|t| t.chars().count() >= MIN_FEED_TEXT);
        let guid = e.id.trim();
        let key = if !guid.is_empty() {
            format!("id:{}", guid.chars().take(500).collect::<String>())
        } else if let Some(l) = &link {
            format!("link:{l}")
        } else if let Some(t) = &title {
            format!("title:{t}")
        } else {
            format!("pos:{pos}")
        };
        if !keys.insert(key.clone()) {
            continue;
        }
        if link.is_none() {
            out.without_link += 1;
        }
        let item = Item {
            key,
            link,
            title,
            published,
            text,
            language: e.language.clone().or_else(|| feed.language.clone()).map(|l| primary_language(&l)),
            authors: e
                .authors
                .iter()
                .filter_map(|a| a.name.as_deref())
                .map(|n| n.trim().to_owned())
                .filter(|a| !a.is_empty())
                .take(10)
                .collect(),
        };
        items.push((published.map(|p| p.timestamp()), pos, item));
    }
    // Newest first; undated items keep the feed's order, after the dated
    // ones they were listed among (feeds list newest first).
    items.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) => y.cmp(&x).then(a.1.cmp(&b.1)),
        _ => a.1.cmp(&b.1),
    });
    out.items = items.into_iter().take(MAX_ITEMS).map(|(_, _, i)| i).collect();
    Ok(out)
}

/// The feed an HTML page points to with `<link rel="alternate"
/// type="application/rss+xml|atom+xml|feed+json">`, absolute. Parsed under
/// the shape limits; a page over them has no feed link.
pub fn discover(html: &str, base: &str) -> Option<String> {
    let parsed = crate::web::shape::parse(html).ok()?;
    let sel = Selector::parse("link[rel][href]").ok()?;
    let base_url = url::Url::parse(base).ok();
    let mut found: Vec<(u8, String)> = Vec::new();
    for el in parsed.doc().select(&sel) {
        let v = el.value();
        let rel = v.attr("rel").unwrap_or("").to_ascii_lowercase();
        if !rel.split_whitespace().any(|r| r == "alternate") {
            continue;
        }
        let kind = v.attr("type").unwrap_or("").trim().to_ascii_lowercase();
        let rank = match kind.as_str() {
            "application/rss+xml" => 0,
            "application/atom+xml" => 1,
            "application/feed+json" | "application/json" => 2,
            "application/rdf+xml" => 3,
            _ => continue,
        };
        if let Some(u) = v.attr("href").and_then(|h| absolute(h, base_url.as_ref())) {
            found.push((rank, u));
        }
    }
    found.sort_by_key(|(r, _)| *r);
    found.into_iter().next().map(|(_, u)| u)
}

/// Whether bytes look like an HTML page rather than a feed.
pub fn looks_like_html(media_type: &str, bytes: &[u8]) -> bool {
    if matches!(media_type, "text/html" | "application/xhtml+xml") {
        return true;
    }
    let head: String = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    head.starts_with("<!doctype html") || head.starts_with("<html")
}

fn is_html(media_type: impl AsRef<str>) -> bool {
    let m = media_type.as_ref().to_ascii_lowercase();
    m.contains("html") || m.contains("xhtml")
}

/// An http(s) address, made absolute against the feed's.
fn absolute(href: &str, base: Option<&url::Url>) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let u = match base {
        Some(b) => b.join(href).ok()?,
        None => url::Url::parse(href).ok()?,
    };
    (matches!(u.scheme(), "http" | "https") && u.host_str().is_some()).then(|| u.to_string())
}

fn primary_language(tag: &str) -> String {
    tag.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase().chars().take(8).collect()
}

/// Text from a feed field: HTML turned into paragraphs, plain text kept
/// (with its blank lines); both single-spaced within a paragraph.
pub fn text_of(s: &str, html: bool) -> String {
    let raw = if html || (s.contains("</") || s.contains("<br") || s.contains("<p>")) {
        html_to_text(s)
    } else {
        s.to_owned()
    };
    raw.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// HTML to paragraphs: block elements and `<br>` break, scripts and styles
/// are dropped. Over the shape limits the HTML gives no text.
pub fn html_to_text(html: &str) -> String {
    let Ok(parsed) = crate::web::shape::parse(html) else { return String::new() };
    let mut out = String::new();
    walk(parsed.doc().tree.root(), &mut out);
    out
}

fn walk(node: NodeRef<'_, Node>, out: &mut String) {
    // The tree is within MAX_DEPTH, so recursion is bounded.
    for child in node.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                let name = e.name();
                if matches!(name, "script" | "style" | "noscript" | "template" | "iframe" | "head") {
                    continue;
                }
                let block = matches!(
                    name,
                    "p" | "div"
                        | "br"
                        | "li"
                        | "ul"
                        | "ol"
                        | "h1"
                        | "h2"
                        | "h3"
                        | "h4"
                        | "h5"
                        | "h6"
                        | "blockquote"
                        | "section"
                        | "article"
                        | "figure"
                        | "figcaption"
                        | "table"
                        | "tr"
                        | "pre"
                        | "hr"
                );
                if block {
                    out.push_str("\n\n");
                } else {
                    out.push(' ');
                }
                walk(child, out);
                if block {
                    out.push_str("\n\n");
                } else {
                    out.push(' ');
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2031-03-10 12:00 UTC);

    fn long(words: &str) -> String {
        std::iter::repeat_n(words, 40).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn rss2_items_with_guid_link_dates_and_full_text() {
        let body = long("The envoys of Vell and Ostmark met again in Pellmouth.");
        let xml = format!(
            r#"<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Vell Gazette</title><language>en-GB</language>
            <item><title>Older talks</title><link>/news/1</link><guid>g-1</guid><pubDate>Sat, 08 Mar 2031 09:00:00 GMT</pubDate></item>
            <item><title>Talks &amp; more</title><link>https://vell.example/news/2</link><pubDate>Sun, 09 Mar 2031 09:00:00 GMT</pubDate><content:encoded><![CDATA[<p>{body}</p><p>Second <b>paragraph</b>.</p><script>x()</script>]]></content:encoded></item>
            <item><title>From the future</title><link>https://vell.example/news/3</link><pubDate>Mon, 10 Mar 2036 09:00:00 GMT</pubDate></item>
            <item><title>No link at all</title><description>short</description></item>
            </channel></rss>"#
        );
        let p = parse(xml.as_bytes(), "https://vell.example/rss.xml", NOW).unwrap();
        assert_eq!(p.title.as_deref(), Some("Vell Gazette"));
        assert_eq!((p.total, p.future_dates, p.without_link), (4, 1, 1));
        let titles: Vec<&str> = p.items.iter().map(|i| i.title.as_deref().unwrap()).collect();
        assert_eq!(titles, ["Talks & more", "Older talks", "From the future", "No link at all"]);
        let two = &p.items[0];
        assert_eq!(two.key, "link:https://vell.example/news/2");
        assert_eq!(two.language.as_deref(), Some("en"));
        let text = two.text.as_deref().unwrap();
        assert!(text.starts_with("The envoys") && text.ends_with("\n\nSecond paragraph ."), "{text}");
        assert!(!text.contains("x()"));
        let one = &p.items[1];
        assert_eq!((one.key.as_str(), one.link.as_deref()), ("id:g-1", Some("https://vell.example/news/1")));
        assert_eq!(one.published.map(|d| d.to_string()).as_deref(), Some("2031-03-08T09:00:00Z"));
        assert!(one.text.is_none(), "no content");
        assert!(p.items[2].published.is_none(), "a future date is not believed");
        assert!(p.items[3].link.is_none());
        assert_eq!(p.notes().len(), 2);
    }

    #[test]
    fn atom_rdf_and_json_feed_parse() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Ostmark Wire</title><id>urn:x</id><updated>2031-03-09T10:00:00Z</updated>
            <entry><title type="html">Переговори в Пеллмуті</title><id>urn:e1</id><link rel="alternate" href="https://ostmark.example/a/1"/><updated>2031-03-09T10:00:00Z</updated><content type="html">&lt;p&gt;Коротко.&lt;/p&gt;</content></entry></feed>"#;
        let p = parse(atom.as_bytes(), "https://ostmark.example/atom", NOW).unwrap();
        assert_eq!(p.items[0].title.as_deref(), Some("Переговори в Пеллмуті"));
        assert_eq!(p.items[0].key, "id:urn:e1");
        assert!(p.items[0].text.is_none(), "a short content is a summary");
        let rdf = r#"<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://k.example/"><title>K</title><link>https://k.example/</link><description>d</description></channel>
            <item rdf:about="https://k.example/n/7"><title>Seven</title><link>https://k.example/n/7</link></item></rdf:RDF>"#;
        let p = parse(rdf.as_bytes(), "https://k.example/rdf", NOW).unwrap();
        assert_eq!(p.items[0].link.as_deref(), Some("https://k.example/n/7"));
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"j1","url":"https://j.example/1","title":"One","content_text":"Plain."}]}"#;
        let p = parse(json.as_bytes(), "https://j.example/feed.json", NOW).unwrap();
        assert_eq!((p.items[0].key.as_str(), p.items[0].link.as_deref()), ("id:j1", Some("https://j.example/1")));
    }

    #[test]
    fn junk_is_not_a_feed_and_huge_feeds_are_cut() {
        for junk in [&b"not xml at all"[..], b"<html><body>hi</body></html>", b"", b"{\"a\":1}", &[0xff, 0xfe, 0x00]] {
            let e = parse(junk, "https://x.example/", NOW).unwrap_err();
            assert!(e.to_string().starts_with("not a feed: "), "{e}");
            assert!(!e.to_string().contains('\n'));
        }
        let mut xml = String::from("<rss version=\"2.0\"><channel><title>Big</title>");
        for i in 0..1_000 {
            xml.push_str(&format!("<item><link>https://x.example/{i}</link></item>"));
        }
        xml.push_str("</channel></rss>");
        let p = parse(xml.as_bytes(), "https://x.example/", NOW).unwrap();
        assert_eq!((p.total, p.items.len()), (1_000, MAX_ITEMS));
        assert_eq!(p.items[0].link.as_deref(), Some("https://x.example/0"), "feed order when undated");
        assert!(p.notes()[0].contains("only the newest 200"));
    }

    #[test]
    fn hostile_nesting_neither_overflows_nor_hangs() {
        let deep = |open: &str, close: &str, n: usize| format!("{}{}", open.repeat(n), close.repeat(n));
        for body in [
            format!("<rss version=\"2.0\"><channel><title>T</title>{}</channel></rss>", deep("<x>", "</x>", 200_000)),
            format!(
                "<rss version=\"2.0\"><channel><item><link>https://x.example/1</link><description>{}</description></item></channel></rss>",
                deep("<b>", "</b>", 200_000)
            ),
            format!(
                "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>e</id><content type=\"xhtml\">{}</content></entry></feed>",
                deep("<div>", "</div>", 200_000)
            ),
            format!("{{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":{}}}", deep("[", "]", 200_000)),
        ] {
            // Either a feed or a clear refusal: never a crash.
            let _ = parse(body.as_bytes(), "https://x.example/", NOW);
        }
        assert_eq!(html_to_text(&deep("<div>", "</div>", 100_000)), "", "over the shape limits: no text");
    }

    #[test]
    fn pages_name_their_feeds() {
        let page = r#"<html><head><link rel="stylesheet" href="/s.css"><link rel="alternate" type="application/atom+xml" href="/atom"><link rel="Alternate" type="application/rss+xml" href="rss.xml"></head><body>Hi</body></html>"#;
        assert_eq!(discover(page, "https://v.example/news/").as_deref(), Some("https://v.example/news/rss.xml"));
        assert_eq!(discover("<html><body>no feed</body></html>", "https://v.example/"), None);
        let js = r#"<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">"#;
        assert_eq!(discover(js, "https://v.example/"), None);
        assert!(looks_like_html("text/xml", b"  <!DOCTYPE html><html>"));
        assert!(!looks_like_html("application/rss+xml", b"<?xml version=\"1.0\"?><rss>"));
    }
}
