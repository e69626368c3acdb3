//! An article page's metadata: title, outlet, publication date, authors,
//! language and canonical URL.
//!
//! Sources in order of trust: JSON-LD (`NewsArticle` and its kin), then
//! OpenGraph / `article:` and other `<meta>` tags, then `<time>` elements and
//! bylines in the page, then the URL. A field no source gives stays empty:
//! nothing is guessed, in particular no date.
//!
//! It reads a parsed document only: no I/O, no body text (that is `body`).

use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use crate::article::Published;

/// What the page says about itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageMeta {
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub published: Option<Published>,
    pub authors: Vec<String>,
    /// ISO 639 primary language subtag, lower case (`"en"`).
    pub language: Option<String>,
    /// The canonical URL (absolute, http or https).
    pub canonical_url: Option<String>,
}

/// Reads the metadata of a parsed page. `page_url` is where the page came
/// from (for relative links and the date in the path).
pub fn read(doc: &Html, page_url: Option<&str>) -> PageMeta {
    let base = page_url.and_then(|u| ::url::Url::parse(u).ok());
    let ld = JsonLd::read(doc);
    let metas = MetaTags::read(doc);

    let title = ld
        .article_str(&["headline", "name"])
        .or_else(|| metas.get(&["og:title", "twitter:title", "parsely-title", "dc.title", "title"]))
        .or_else(|| title_element(doc))
        .or_else(|| first_text(doc, "h1"))
        .map(|t| clean_line(&t))
        .filter(|t| !t.is_empty());

    // A page may name any URL as its own. Only one on the site the page was
    // read from is taken: a page on one site claiming another's article
    // would otherwise be stored as that site's, and the real article then
    // refused as its duplicate. A page read without a URL (a file someone
    // brought) keeps what it says.
    let claimed = link_href(doc, "canonical")
        .or_else(|| metas.get(&["og:url"]))
        .or_else(|| ld.article_url())
        .and_then(|u| absolute(&u, base.as_ref()));
    let off_site = matches!((&claimed, page_url), (Some(c), Some(p)) if !super::url::same_site(c, p));
    let canonical_url = claimed.filter(|_| !off_site);

    // The outlet a page names is not taken when it contradicts the site the
    // page was read from (the engine then names the outlet by the host):
    // when the page claims another site's URL as its own, its outlet is that
    // site's too; and a name that is itself a domain must be this one. A
    // name is not otherwise matched against the host, which would refuse
    // real ones: "The New York Times" on nytimes.com, "Deutsche Welle" on
    // dw.com share no word with their hosts.
    let outlet = ld
        .publisher_name()
        .or_else(|| metas.get(&["og:site_name"]))
        .or_else(|| ld.website_name())
        .map(|t| clean_line(&t))
        .filter(|t| !t.is_empty() && t.len() <= 120)
        .filter(|t| !off_site && !names_another_site(t, page_url));
    let title = title.map(|t| strip_site_suffix(&t, outlet.as_deref()));

    let published = ld
        .article_str(&["datePublished", "dateCreated"])
        .and_then(|s| parse_date(&s))
        .or_else(|| {
            metas
                .all(&[
                    "article:published_time",
                    "og:article:published_time",
                    "parsely-pub-date",
                    "sailthru.date",
                    "datepublished",
                    "dcterms.created",
                    "dcterms.issued",
                    "dc.date.issued",
                    "dc.date",
                    "dcterms.date",
                    "date",
                    "pubdate",
                    "publishdate",
                    "publish-date",
                    "publish_date",
                    "article.published",
                    "cxenseparse:recs:publishtime",
                ])
                .into_iter()
                .find_map(|s| parse_date(&s))
        })
        .or_else(|| time_element(doc))
        .or_else(|| base.as_ref().and_then(date_in_url));

    let mut authors = ld.authors();
    if authors.is_empty() {
        for key in [
            "author",
            "article:author",
            "og:article:author",
            "parsely-author",
            "sailthru.author",
            "dc.creator",
            "byl",
            "citation_author",
        ] {
            let names: Vec<String> = metas.all(&[key]).iter().flat_map(|v| split_names(v)).collect();
            if !names.is_empty() {
                authors = names;
                break;
            }
        }
    }
    if authors.is_empty() {
        authors = byline_in_page(doc);
    }
    dedup_names(&mut authors);

    let language = doc
        .root_element()
        .attr("lang")
        .or_else(|| doc.root_element().attr("xml:lang"))
        .and_then(primary_language)
        .or_else(|| ld.article_str(&["inLanguage"]).as_deref().and_then(primary_language))
        .or_else(|| {
            metas
                .get(&["og:locale", "content-language", "language", "dc.language"])
                .as_deref()
                .and_then(primary_language)
        });

    PageMeta { title, outlet, published, authors, language, canonical_url }
}

// ---------------------------------------------------------------------------
// JSON-LD

struct JsonLd {
    nodes: Vec<Value>,
}

const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "AskPublicNewsArticle",
    "LiveBlogPosting",
    "Article",
    "BlogPosting",
    "SocialMediaPosting",
    "Report",
    "ScholarlyArticle",
    "TechArticle",
];

impl JsonLd {
    fn read(doc: &Html) -> JsonLd {
        let mut nodes = Vec::new();
        for script in doc.select(sel("script[type]")) {
            let kind = script.attr("type").unwrap_or("").to_ascii_lowercase();
            if !kind.contains("ld+json") {
                continue;
            }
            let raw: String = script.text().collect();
            if let Some(v) = parse_json_lenient(&raw) {
                flatten(v, &mut nodes, 0);
            }
        }
        JsonLd { nodes }
    }

    /// The most article-like node: a news article type first.
    fn article(&self) -> Option<&Value> {
        let rank = |v: &Value| -> usize {
            let types = types_of(v);
            if types.iter().any(|t| t.ends_with("NewsArticle") || t == "LiveBlogPosting") {
                3
            } else if types.iter().any(|t| ARTICLE_TYPES.contains(&t.as_str())) {
                2
            } else {
                0
            }
        };
        // Earliest node of the best rank.
        let mut best: Option<(&Value, usize)> = None;
        for n in &self.nodes {
            let r = rank(n);
            if r > 0 && best.is_none_or(|(_, b)| r > b) {
                best = Some((n, r));
            }
        }
        best.map(|(n, _)| n)
    }

    fn article_str(&self, keys: &[&str]) -> Option<String> {
        let a = self.article()?;
        keys.iter().find_map(|k| a.get(*k).and_then(text_of))
    }

    fn authors(&self) -> Vec<String> {
        let Some(a) = self.article() else { return Vec::new() };
        let mut out = Vec::new();
        if let Some(v) = a.get("author").or_else(|| a.get("creator")) {
            collect_names(v, &mut out, &self.nodes);
        }
        out.iter().flat_map(|n| split_names(n)).collect()
    }

    fn publisher_name(&self) -> Option<String> {
        let p = self.article()?.get("publisher")?;
        let p = self.resolve(p);
        match p {
            Value::String(s) => Some(unescape(s)),
            Value::Array(items) => items.iter().find_map(|i| self.resolve(i).get("name").and_then(text_of)),
            Value::Object(_) => p.get("name").and_then(text_of),
            _ => None,
        }
    }

    fn website_name(&self) -> Option<String> {
        self.nodes
            .iter()
            .find(|n| types_of(n).iter().any(|t| t == "WebSite"))
            .and_then(|n| n.get("name"))
            .and_then(text_of)
    }

    fn article_url(&self) -> Option<String> {
        let a = self.article()?;
        a.get("url").and_then(text_of).or_else(|| match a.get("mainEntityOfPage")? {
            Value::String(s) => Some(s.clone()),
            v => v.get("@id").and_then(text_of),
        })
    }

    /// Follows an `{"@id": …}` reference to the node it names.
    fn resolve<'a>(&'a self, v: &'a Value) -> &'a Value {
        if let Some(id) = v.as_object().filter(|o| o.len() == 1).and_then(|o| o.get("@id")).and_then(Value::as_str) {
            if let Some(n) = self.nodes.iter().find(|n| n.get("@id").and_then(Value::as_str) == Some(id)) {
                return n;
            }
        }
        v
    }
}

fn parse_json_lenient(raw: &str) -> Option<Value> {
    let mut s = raw.trim();
    for junk in ["<!--", "//<![CDATA[", "<![CDATA["] {
        s = s.strip_prefix(junk).unwrap_or(s).trim();
    }
    for junk in ["-->", "//]]>", "]]>", ";"] {
        s = s.strip_suffix(junk).unwrap_or(s).trim();
    }
    // Raw control characters inside strings are common and invalid JSON.
    let cleaned: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    serde_json::from_str(&cleaned).ok()
}

fn flatten(v: Value, out: &mut Vec<Value>, depth: usize) {
    if depth > 4 || out.len() > 200 {
        return;
    }
    match v {
        Value::Array(items) => items.into_iter().for_each(|i| flatten(i, out, depth + 1)),
        Value::Object(mut o) => {
            if let Some(graph) = o.remove("@graph") {
                flatten(graph, out, depth + 1);
            }
            if let Some(main) = o.get("mainEntity").filter(|m| m.is_object()).cloned() {
                flatten(main, out, depth + 1);
            }
            out.push(Value::Object(o));
        }
        _ => {}
    }
}

fn types_of(v: &Value) -> Vec<String> {
    match v.get("@type") {
        Some(Value::String(s)) => vec![s.rsplit('/').next().unwrap_or(s).to_owned()],
        Some(Value::Array(a)) => {
            a.iter().filter_map(Value::as_str).map(|s| s.rsplit('/').next().unwrap_or(s).to_owned()).collect()
        }
        _ => Vec::new(),
    }
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(unescape(s)).filter(|s| !s.trim().is_empty()),
        Value::Array(a) => a.iter().find_map(text_of),
        Value::Object(o) => o.get("name").or_else(|| o.get("@value")).and_then(text_of),
        _ => None,
    }
}

fn collect_names(v: &Value, out: &mut Vec<String>, nodes: &[Value]) {
    match v {
        Value::String(s) => out.push(unescape(s)),
        Value::Array(items) => items.iter().for_each(|i| collect_names(i, out, nodes)),
        Value::Object(o) => {
            if let Some(name) = o.get("name").and_then(text_of) {
                out.push(name);
            } else if let Some(id) = o.get("@id").and_then(Value::as_str) {
                if let Some(n) = nodes.iter().find(|n| n.get("@id").and_then(Value::as_str) == Some(id)) {
                    if let Some(name) = n.get("name").and_then(text_of) {
                        out.push(name);
                    }
                }
            }
        }
        _ => {}
    }
}

/// Decodes the HTML character references that JSON-LD values often carry.
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        // A reference is short: its `;` is among the next few bytes. Search
        // bytes, not a byte slice, which could end inside a character.
        let end = rest.bytes().take(12).position(|b| b == b';');
        let decoded = end.and_then(|e| {
            let name = rest.get(1..e)?;
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ if name.starts_with("#x") || name.starts_with("#X") => {
                    name.get(2..).and_then(|h| u32::from_str_radix(h, 16).ok()).and_then(char::from_u32)
                }
                _ if name.starts_with('#') => name.get(1..).and_then(|d| d.parse().ok()).and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------
// <meta> tags

struct MetaTags {
    pairs: Vec<(String, String)>,
}

impl MetaTags {
    fn read(doc: &Html) -> MetaTags {
        let mut pairs = Vec::new();
        for m in doc.select(sel("meta")) {
            let Some(content) = m.attr("content") else { continue };
            let content = content.trim();
            if content.is_empty() {
                continue;
            }
            for attr in ["property", "name", "itemprop", "http-equiv"] {
                if attr == "itemprop" && !in_article_scope(m) {
                    // Microdata of an embedded video or image, not the page.
                    continue;
                }
                if let Some(k) = m.attr(attr) {
                    // `property` may list several space-separated names.
                    for k in k.split_whitespace() {
                        pairs.push((k.to_ascii_lowercase(), unescape(content)));
                    }
                }
            }
        }
        MetaTags { pairs }
    }

    fn get(&self, keys: &[&str]) -> Option<String> {
        keys.iter().find_map(|k| self.pairs.iter().find(|(pk, _)| pk == k).map(|(_, v)| v.clone()))
    }

    fn all(&self, keys: &[&str]) -> Vec<String> {
        keys.iter().flat_map(|k| self.pairs.iter().filter(move |(pk, _)| pk == k).map(|(_, v)| v.clone())).collect()
    }
}

// ---------------------------------------------------------------------------
// The page itself

fn sel(css: &str) -> &'static Selector {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<String, &'static Selector>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(s) = map.get(css) {
        return s;
    }
    // Only the constant selectors of this module come here; they all parse.
    let parsed =
        Selector::parse(css).unwrap_or_else(|_| Selector::parse("never-matches-anything").expect("valid selector"));
    let leaked: &'static Selector = Box::leak(Box::new(parsed));
    map.insert(css.to_owned(), leaked);
    leaked
}

fn element_text(e: ElementRef<'_>) -> String {
    e.text().collect::<Vec<_>>().join(" ")
}

fn title_element(doc: &Html) -> Option<String> {
    doc.select(sel("head title, title")).next().map(element_text).filter(|t| !t.trim().is_empty())
}

fn first_text(doc: &Html, css: &str) -> Option<String> {
    doc.select(sel(css)).map(element_text).find(|t| !t.trim().is_empty())
}

fn link_href(doc: &Html, rel: &str) -> Option<String> {
    doc.select(sel("link[rel][href]"))
        .find(|l| l.attr("rel").is_some_and(|r| r.split_whitespace().any(|x| x.eq_ignore_ascii_case(rel))))
        .and_then(|l| l.attr("href"))
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
}

/// Whether a microdata property belongs to the page's article: its nearest
/// enclosing `itemtype` (if any) is an article or page type, not an
/// embedded video, image or product.
fn in_article_scope(e: ElementRef<'_>) -> bool {
    for node in e.ancestors() {
        if let Some(t) = ElementRef::wrap(node).and_then(|a| a.attr("itemtype")) {
            return ["Article", "Posting", "WebPage", "Blog"].iter().any(|k| t.contains(k));
        }
    }
    true
}

/// A publication date from `<time>` elements: one marked as the
/// publication date, else one inside the article, else the page's only one.
fn time_element(doc: &Html) -> Option<Published> {
    let marked = doc.select(sel("time[datetime]")).find(|t| {
        t.attr("pubdate").is_some()
            || t.attr("itemprop").is_some_and(|p| p.eq_ignore_ascii_case("datePublished"))
            || t.attr("class").is_some_and(|c| {
                let c = c.to_ascii_lowercase();
                c.contains("publish") && !c.contains("update")
            })
    });
    if let Some(p) = marked.and_then(|t| t.attr("datetime")).and_then(parse_date) {
        return Some(p);
    }
    if let Some(p) = doc
        .select(sel("[itemprop=datePublished]"))
        .filter(|e| in_article_scope(*e))
        .find_map(|e| e.attr("content").or_else(|| e.attr("datetime")).and_then(parse_date))
    {
        return Some(p);
    }
    if let Some(p) =
        doc.select(sel("article time[datetime]")).next().and_then(|t| t.attr("datetime")).and_then(parse_date)
    {
        return Some(p);
    }
    let all: Vec<_> = doc.select(sel("time[datetime]")).collect();
    match all.as_slice() {
        [only] => only.attr("datetime").and_then(parse_date),
        _ => None,
    }
}

/// A date in the URL path: `/2025/08/19/` or a segment starting `2025-08-19`.
fn date_in_url(url: &::url::Url) -> Option<Published> {
    let segs: Vec<&str> = url.path_segments()?.collect();
    for w in segs.windows(3) {
        let all_digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if all_digits(w[0], 4) && all_digits(w[1], 2) && all_digits(w[2], 2) {
            if let Some(d) = ymd(w[0], w[1], w[2]) {
                return Some(Published::Date(d));
            }
        }
    }
    segs.iter().find_map(|s| {
        let b = s.as_bytes();
        if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && (b.len() == 10 || !b[10].is_ascii_digit()) {
            ymd(s.get(0..4)?, s.get(5..7)?, s.get(8..10)?).map(Published::Date)
        } else {
            None
        }
    })
}

fn ymd(y: &str, m: &str, d: &str) -> Option<Date> {
    let y: i32 = y.parse().ok()?;
    let m: u8 = m.parse().ok()?;
    let d: u8 = d.parse().ok()?;
    if !(1990..=2100).contains(&y) {
        return None;
    }
    Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
}

/// Authors named by the page's own byline markup.
fn byline_in_page(doc: &Html) -> Vec<String> {
    for css in [
        "[itemprop=author] [itemprop=name]",
        "[itemprop=author]",
        "[rel=author]",
        "[class~=byline-author]",
        "[class~=author-name]",
        "[class~=byline]",
        "[class~=author]",
        "[class*=byline]",
    ] {
        for e in doc.select(sel(css)) {
            let t = clean_line(&element_text(e));
            if t.is_empty() || t.len() > 100 {
                continue;
            }
            let names = split_names(&t);
            if !names.is_empty() && names.iter().all(|n| looks_like_name(n)) {
                return names;
            }
        }
    }
    Vec::new()
}

/// Whether text found in page markup reads as a person's or desk's name:
/// a few words, no digits, no labels ("Updated:"), not starting lower case.
fn looks_like_name(s: &str) -> bool {
    let words = s.split_whitespace().count();
    (1..=8).contains(&words)
        && !s.chars().any(|c| c.is_ascii_digit() || matches!(c, ':' | '@' | '|' | '/'))
        && !s.chars().next().is_some_and(char::is_lowercase)
}

// ---------------------------------------------------------------------------
// Values

/// Collapses whitespace and drops control characters.
fn clean_line(s: &str) -> String {
    crate::text::one_line(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Drops a trailing " | Outlet" or " - Outlet" from a title.
fn strip_site_suffix(title: &str, outlet: Option<&str>) -> String {
    for sep in [" | ", " - ", " – ", " — ", " :: ", " · "] {
        if let Some((head, tail)) = title.rsplit_once(sep) {
            let tail_l = tail.trim().to_lowercase();
            let matches_outlet = outlet.is_some_and(|o| {
                let o = o.to_lowercase();
                tail_l == o || tail_l.contains(&o) || o.contains(&tail_l)
            });
            if matches_outlet && head.split_whitespace().count() >= 2 {
                return head.trim().to_owned();
            }
        }
    }
    title.to_owned()
}

/// Author names from a byline: "By Jane Roe and John Doe" → two names.
/// Values that are links or far too long for names give nothing.
pub(crate) fn split_names(raw: &str) -> Vec<String> {
    let s = clean_line(raw);
    if s.contains("://") || s.starts_with('/') || s.len() > 200 {
        return Vec::new();
    }
    let s = match s.get(..3) {
        Some(by) if by.eq_ignore_ascii_case("by ") => &s[3..],
        _ => &s[..],
    };
    let s = s.trim().trim_end_matches(['.', ',', ';', '|']);
    let mut parts: Vec<String> = Vec::new();
    for chunk in s.split([';', '|', '&']).flat_map(|c| c.split(" and ")).flat_map(|c| c.split(" And ")) {
        let chunk = chunk.trim();
        if chunk.is_empty() {
            continue;
        }
        // "Jane Roe, John Doe" are two names; "Jane Roe, MA" is one.
        let commas: Vec<&str> = chunk.split(',').map(str::trim).filter(|c| !c.is_empty()).collect();
        if commas.len() > 1 && commas.iter().all(|c| c.split_whitespace().count() >= 2) {
            parts.extend(commas.iter().map(|c| (*c).to_owned()));
        } else {
            parts.push(chunk.to_owned());
        }
    }
    parts
        .into_iter()
        .map(|p| p.trim_start_matches("By ").trim_start_matches("by ").trim().to_owned())
        .filter(|p| !p.is_empty() && p.split_whitespace().count() <= 8 && p.chars().any(char::is_alphabetic))
        .collect()
}

fn dedup_names(names: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    names.retain(|n| seen.insert(n.to_lowercase()));
}

/// `"en-US"`, `"en_GB"` → `"en"`; anything that is not a language tag → None.
fn primary_language(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    ((2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase())).then_some(primary)
}

/// Whether an outlet name is a domain name (`herald.example`) of another
/// site than `page_url`'s. Without a page URL nothing contradicts it.
fn names_another_site(name: &str, page_url: Option<&str>) -> bool {
    let Some(page) = page_url else { return false };
    let tld = name.rsplit('.').next().unwrap_or("");
    let domain_like = name.contains('.')
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'));
    domain_like && !super::url::same_site(&format!("https://{name}/"), page)
}

fn absolute(href: &str, base: Option<&::url::Url>) -> Option<String> {
    let u = match base {
        Some(b) => b.join(href.trim()).ok()?,
        None => ::url::Url::parse(href.trim()).ok()?,
    };
    matches!(u.scheme(), "http" | "https").then(|| u.to_string())
}

/// Parses the date forms pages use: ISO 8601 / RFC 3339 (with or without
/// seconds, fractions or a zone), and RFC 2822. A date-time without a zone
/// keeps only its day: the instant is not known, so none is invented.
pub fn parse_date(s: &str) -> Option<Published> {
    let s = s.trim();
    if s.len() < 8 || s.len() > 64 {
        return None;
    }
    if let Ok(dt) = OffsetDateTime::parse(s, &time::format_description::well_known::Rfc2822) {
        return sane(Published::DateTime(dt.replace_nanosecond(0).ok()?));
    }
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok()).flatten()
    };
    // Every slice goes through `get`: the text is the page's, and an index
    // may fall inside a multi-byte character.
    let (date, mut i) = if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
        (ymd(s.get(0..4)?, s.get(5..7)?, s.get(8..10)?)?, 10)
    } else if b.len() >= 8 && b[..8].iter().all(u8::is_ascii_digit) && (b.len() == 8 || b[8] == b'T') {
        (ymd(s.get(0..4)?, s.get(4..6)?, s.get(6..8)?)?, 8)
    } else {
        return None;
    };
    if i == b.len() {
        return Some(Published::Date(date));
    }
    if !matches!(b[i], b'T' | b't' | b' ') {
        return None;
    }
    i += 1;
    let hour = digits(i..i + 2)?;
    if b.get(i + 2) != Some(&b':') {
        return None;
    }
    let minute = digits(i + 3..i + 5)?;
    i += 5;
    let mut second = 0;
    if b.get(i) == Some(&b':') {
        second = digits(i + 1..i + 3)?;
        i += 3;
        if matches!(b.get(i), Some(b'.') | Some(b',')) {
            i += 1;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
    }
    let time = Time::from_hms(hour as u8, minute as u8, second.min(59) as u8).ok()?;
    let zone = s.get(i..)?.trim();
    let offset = if zone.is_empty() {
        return Some(Published::Date(date));
    } else if zone.eq_ignore_ascii_case("z") || zone.eq_ignore_ascii_case("utc") || zone.eq_ignore_ascii_case("gmt") {
        UtcOffset::UTC
    } else {
        let (sign, rest) = match zone.as_bytes()[0] {
            b'+' => (1i32, zone.get(1..)?),
            b'-' => (-1i32, zone.get(1..)?),
            _ => return Some(Published::Date(date)),
        };
        let rest = rest.replace(':', "");
        let (h, m) = match rest.len() {
            2 => (rest.parse::<i32>().ok()?, 0),
            4 => (rest.get(..2)?.parse::<i32>().ok()?, rest.get(2..)?.parse::<i32>().ok()?),
            _ => return Some(Published::Date(date)),
        };
        UtcOffset::from_whole_seconds(sign * (h * 3600 + m * 60)).ok()?
    };
    sane(Published::DateTime(PrimitiveDateTime::new(date, time).assume_offset(offset)))
}

fn sane(p: Published) -> Option<Published> {
    (1990..=2100).contains(&p.date().year()).then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(head: &str, body: &str) -> Html {
        Html::parse_document(&format!("<html lang=\"en-GB\"><head>{head}</head><body>{body}</body></html>"))
    }

    #[test]
    fn dates_parse_without_inventing_a_zone() {
        let cases = [
            ("2026-02-21", "2026-02-21"),
            ("2026-02-21T14:30:00Z", "2026-02-21T14:30:00Z"),
            ("2026-02-21T14:30:00.294Z", "2026-02-21T14:30:00Z"),
            ("2026-02-21T14:30:00+01:00", "2026-02-21T14:30:00+01:00"),
            ("2026-02-21T14:30:00+0100", "2026-02-21T14:30:00+01:00"),
            ("2026-02-21T14:30-05:00", "2026-02-21T14:30:00-05:00"),
            ("2026-02-21 06:01:07", "2026-02-21"),
            ("2026-02-21T18:42:20.314667", "2026-02-21"),
            ("Sat, 21 Feb 2026 14:30:00 +0000", "2026-02-21T14:30:00Z"),
            ("20260221", "2026-02-21"),
        ];
        for (input, want) in cases {
            assert_eq!(parse_date(input).map(|p| p.to_string()).as_deref(), Some(want), "{input}");
        }
        for bad in
            ["", "unknown", "yesterday", "2026-13-01", "2026-02-30", "0001-01-01", "21/02/2026", "2026-02-21T25:00:00Z"]
        {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn json_ld_is_trusted_over_meta_tags() {
        let head = r##"
            <title>Ceasefire talks resume in Brenn | Ostrava Herald</title>
            <meta property="og:title" content="OG title">
            <meta property="og:site_name" content="OG Herald">
            <meta property="article:published_time" content="2026-01-01T00:00:00Z">
            <meta name="author" content="Meta Author">
            <script type="application/ld+json">
            {"@context":"https://schema.org","@graph":[
              {"@type":"WebSite","@id":"#site","name":"Ostrava Herald Site"},
              {"@type":"NewsArticle","headline":"Ceasefire talks resume in Brenn &amp; Vellmar",
               "datePublished":"2026-02-21T09:15:00+02:00",
               "author":[{"@type":"Person","name":"Jane Roe"},{"@type":"Person","name":"John Doe"}],
               "publisher":{"@type":"Organization","name":"Ostrava Herald"},
               "inLanguage":"de-DE","mainEntityOfPage":{"@id":"https://herald.example/talks"}}]}
            </script>"##;
        let m = read(&page(head, "<p>x</p>"), Some("https://www.herald.example/talks?utm_source=x"));
        assert_eq!(m.title.as_deref(), Some("Ceasefire talks resume in Brenn & Vellmar"));
        assert_eq!(m.outlet.as_deref(), Some("Ostrava Herald"));
        assert_eq!(m.published.map(|p| p.to_string()).as_deref(), Some("2026-02-21T09:15:00+02:00"));
        assert_eq!(m.authors, ["Jane Roe", "John Doe"]);
        assert_eq!(m.language.as_deref(), Some("en"), "the html lang attribute comes first");
        assert_eq!(m.canonical_url.as_deref(), Some("https://herald.example/talks"));
    }

    #[test]
    fn meta_tags_then_page_then_url() {
        let head = r#"<title>Grain corridor reopens - Vellmar Post</title>
            <meta property="og:site_name" content="Vellmar Post">
            <meta name="byl" content="By JANE ROE and JOHN DOE">
            <link rel="canonical" href="/world/grain">"#;
        let m = read(
            &page(head, "<article><time datetime=\"2026-03-02T08:00:00Z\">2 March</time></article>"),
            Some("https://post.example/2026/03/01/grain"),
        );
        assert_eq!(m.title.as_deref(), Some("Grain corridor reopens"));
        assert_eq!(m.authors, ["JANE ROE", "JOHN DOE"]);
        assert_eq!(m.published.map(|p| p.to_string()).as_deref(), Some("2026-03-02T08:00:00Z"));
        assert_eq!(m.canonical_url.as_deref(), Some("https://post.example/world/grain"));

        // No date anywhere but the URL path.
        let m = read(&page("<title>T</title>", "<p>x</p>"), Some("https://post.example/2026/03/01/grain"));
        assert_eq!(m.published.map(|p| p.to_string()).as_deref(), Some("2026-03-01"));
    }

    #[test]
    fn no_date_is_invented() {
        let body =
            "<p>Updated 5 minutes ago</p><time datetime=\"2026-01-01\">a</time><time datetime=\"2026-01-02\">b</time>";
        let m = read(&page("<title>T</title>", body), Some("https://post.example/world/grain-123"));
        assert_eq!(m.published, None);
        assert_eq!(read(&page("", ""), None), PageMeta { language: Some("en".into()), ..PageMeta::default() });
    }

    #[test]
    fn bylines_split_into_names() {
        assert_eq!(split_names("By Stella Kim, Jennifer Jett"), ["Stella Kim", "Jennifer Jett"]);
        assert_eq!(split_names("By Brenda  Goodman, MA"), ["Brenda Goodman, MA"]);
        assert_eq!(split_names("Jane Roe & John Doe"), ["Jane Roe", "John Doe"]);
        assert!(split_names("https://example.com/authors/jane").is_empty());
    }

    #[test]
    fn broken_json_ld_is_survived() {
        for junk in
            ["{", "<!-- {\"@type\":\"NewsArticle\",\"headline\":\"Headline\"} -->", "null", "[1,2,3]", "{\"@type\":{}}"]
        {
            let head = format!("<script type=\"application/ld+json\">{junk}</script>");
            let _ = read(&page(&head, ""), Some("::"));
        }
        let head = "<script type=\"application/ld+json\"><!-- {\"@type\":\"NewsArticle\",\"headline\":\"Line\none\"} --></script>";
        assert_eq!(read(&page(head, ""), None).title.as_deref(), Some("Line one"));
    }

    #[test]
    fn text_after_an_ampersand_is_never_cut_inside_a_character() {
        let cases = [
            ("Мир &Украина", "Мир &Украина"),
            ("Мир &amp; Украина", "Мир & Украина"),
            ("&Україна;", "&Україна;"),
            ("a &#x41a; b &#1050;иев", "a К b Киев"),
            ("&", "&"),
            ("x&€€€€€;", "x&€€€€€;"),
            ("&#xD800; &#99999999999;", "&#xD800; &#99999999999;"),
            ("和平&和平", "和平&和平"),
        ];
        for (raw, want) in cases {
            assert_eq!(unescape(raw), want, "{raw}");
        }
        // As `parley extract` met it: a Russian headline in JSON-LD.
        let head = r#"<script type="application/ld+json">{"@type":"NewsArticle","headline":"Мир &Украина","author":"Иван &Пётр"}</script>"#;
        let m = read(&page(head, ""), Some("https://vesti.example/a"));
        assert_eq!(m.title.as_deref(), Some("Мир &Украина"));
        assert_eq!(m.authors, ["Иван", "Пётр"]);
    }

    #[test]
    fn odd_dates_are_refused_not_cut_inside_a_character() {
        for bad in [
            "2026-01-€5",
            "2026-€1-05",
            "2026€01-05",
            "202€-01-05",
            "20260221T14:3€",
            "2026-02-21T1€:30",
            "2026-02-21T14:30+€a",
            "Бy Ivo Tamm",
            "-0001-01-01",
            "+10000-01-01",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        // A zone that is not one keeps the day only, as before.
        for day_only in ["2026-02-21T14:30:00.5€", "2026-02-21T14:30:00+€€", "2026-02-21T14:30:00 Мск"] {
            assert_eq!(parse_date(day_only).map(|p| p.to_string()).as_deref(), Some("2026-02-21"), "{day_only}");
        }
        assert!(split_names("Бy Иван Петров").iter().all(|n| !n.is_empty()));
        assert_eq!(split_names("BY Ana Ruiz"), ["Ana Ruiz"]);
    }

    #[test]
    fn a_page_cannot_claim_another_sites_article() {
        let spoof = r#"<link rel="canonical" href="https://www.herald.example/world/brenn">
            <meta property="og:site_name" content="Ostrava Herald">"#;
        // Read from another site: neither the URL nor the outlet is taken.
        let m = read(&page(spoof, ""), Some("https://copycat.example/brenn"));
        assert_eq!((m.canonical_url, m.outlet), (None, None));
        // Read from the site itself, or a variant of its host: both are.
        for own in ["https://herald.example/world/brenn?utm_source=x", "https://m.herald.example/x"] {
            let m = read(&page(spoof, ""), Some(own));
            assert_eq!(m.canonical_url.as_deref(), Some("https://www.herald.example/world/brenn"), "{own}");
            assert_eq!(m.outlet.as_deref(), Some("Ostrava Herald"), "{own}");
        }
        // A file read without a URL keeps what it says.
        let m = read(&page(spoof, ""), None);
        assert_eq!(m.canonical_url.as_deref(), Some("https://www.herald.example/world/brenn"));
        // og:url and JSON-LD are held to the same rule.
        for head in [
            r#"<meta property="og:url" content="https://herald.example/a">"#,
            r#"<script type="application/ld+json">{"@type":"NewsArticle","url":"https://herald.example/a"}</script>"#,
        ] {
            assert_eq!(read(&page(head, ""), Some("https://copycat.example/a")).canonical_url, None, "{head}");
        }
        // An outlet named by a domain must be the page's own.
        let named = |site: &str, url: &str| {
            let head = format!(r#"<meta property="og:site_name" content="{site}">"#);
            read(&page(&head, ""), Some(url)).outlet
        };
        assert_eq!(named("herald.example", "https://copycat.example/a"), None);
        assert_eq!(named("Herald.example", "https://www.herald.example/a").as_deref(), Some("Herald.example"));
        assert_eq!(named("Ostrava Herald", "https://copycat.example/a").as_deref(), Some("Ostrava Herald"));
        assert_eq!(named("Yahoo!News", "https://copycat.example/a").as_deref(), Some("Yahoo!News"));
    }
}
