//! URL normalisation for duplicate checks: the same story under `http` and
//! `https`, `www.` and bare host, with tracking parameters, as an AMP page,
//! maps to one key.
//!
//! The key is for comparing, not for fetching: it may not be a working URL
//! (the scheme is always `https`, mobile and AMP hosts lose their prefix).
//! No I/O.

use ::url::Url;

/// Host prefixes that serve the same pages as the bare host.
const HOST_PREFIXES: &[&str] = &["www.", "m.", "amp.", "mobile.", "www2."];

/// Query parameters that only track the reader (exact names).
const TRACKING: &[&str] = &[
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "twclid",
    "ttclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "ref",
    "ref_src",
    "ref_url",
    "referrer",
    "cmpid",
    "cmp",
    "ito",
    "ocid",
    "smid",
    "smtyp",
    "taid",
    "sr_share",
    "share",
    "soc_src",
    "soc_trk",
    "guccounter",
    "guce_referrer",
    "guce_referrer_sig",
    "at_medium",
    "at_campaign",
    "at_custom1",
    "at_custom2",
    "at_custom3",
    "at_custom4",
    "s_cid",
    "src",
    "via",
    "amp",
    "amp_js_v",
    "usqp",
    "sh",
];

/// Parameter name prefixes that only track the reader.
const TRACKING_PREFIXES: &[&str] = &["utm_", "ns_", "pk_", "mtm_", "hsa_", "ga_", "itm_"];

/// The site a host name belongs to, for comparing: lower case, without a
/// final dot or the prefixes of the same site's variants (`www.`, `m.`,
/// `amp.` …), so `www.Herald.example.` and `m.herald.example` are both
/// `herald.example`.
pub fn site(host: &str) -> String {
    let mut host = host.trim_end_matches('.').to_ascii_lowercase();
    while let Some(p) = HOST_PREFIXES.iter().find(|p| host.starts_with(**p) && host.len() > p.len() + 3) {
        host.drain(..p.len());
    }
    host
}

/// Whether two http(s) URLs are on the same site: the same [`site`], or
/// one a subdomain of the other (`edition.cnn.example` and
/// `www.cnn.example`), as one owner's hosts are. Siblings are not
/// (`a.blog.example`, `b.blog.example`: hosting sites give each customer
/// one), and without the public-suffix list the parent must at least have
/// two labels.
pub fn same_site(a: &str, b: &str) -> bool {
    let host = |u: &str| {
        Url::parse(u.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .and_then(|u| u.host_str().map(site))
    };
    let (Some(a), Some(b)) = (host(a), host(b)) else { return false };
    let under = |child: &str, parent: &str| {
        parent.contains('.') && child.strip_suffix(parent).is_some_and(|head| head.ends_with('.'))
    };
    !a.is_empty() && (a == b || under(&a, &b) || under(&b, &a))
}

/// The duplicate-check key of a web address, or `None` when it is not an
/// http(s) URL with a host.
///
/// `https`, lower-case host without `www.`/`m.`/`amp.`, no default port, no
/// fragment, no tracking or AMP parameters, remaining parameters sorted, no
/// AMP path (`/amp`, `/amp/…`, `.amp`, `.amp.html`), no trailing slash.
pub fn normalize(url: &str) -> Option<String> {
    let u = Url::parse(url.trim()).ok()?;
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    let host = site(u.host_str()?);
    if host.is_empty() {
        return None;
    }
    let port = match u.port() {
        Some(443) | Some(80) | None => String::new(),
        Some(p) => format!(":{p}"),
    };

    let mut segments: Vec<&str> = u.path_segments().map(|s| s.filter(|s| !s.is_empty()).collect()).unwrap_or_default();
    if segments.first() == Some(&"amp") {
        segments.remove(0);
    }
    if segments.last().is_some_and(|s| *s == "amp" || *s == "amp.html") {
        segments.pop();
    }
    let mut path = String::new();
    for s in &segments {
        path.push('/');
        path.push_str(s);
    }
    for suffix in [".amp.html", ".amp"] {
        if let Some(stem) = path.strip_suffix(suffix) {
            path = if suffix == ".amp.html" { format!("{stem}.html") } else { stem.to_owned() };
            break;
        }
    }

    let mut params: Vec<(String, String)> = u
        .query_pairs()
        .filter(|(k, v)| {
            let k = k.to_ascii_lowercase();
            let amp_value = v.eq_ignore_ascii_case("amp");
            !(TRACKING.contains(&k.as_str()) || TRACKING_PREFIXES.iter().any(|p| k.starts_with(p)) || amp_value)
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    params.sort();
    let query = if params.is_empty() {
        String::new()
    } else {
        let mut q = ::url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &params {
            q.append_pair(k, v);
        }
        format!("?{}", q.finish())
    };
    Some(format!("https://{host}{port}{path}{query}"))
}

/// Whether two URLs name the same page for duplicate checks.
pub fn same_page(a: &str, b: &str) -> bool {
    matches!((normalize(a), normalize(b)), (Some(x), Some(y)) if x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_of_one_page_share_a_key() {
        let key = "https://herald.example/world/2026/02/21/brenn-talks";
        for v in [
            "https://herald.example/world/2026/02/21/brenn-talks",
            "http://herald.example/world/2026/02/21/brenn-talks",
            "https://www.Herald.example/world/2026/02/21/brenn-talks/",
            "https://m.herald.example/world/2026/02/21/brenn-talks#comments",
            "https://amp.herald.example/world/2026/02/21/brenn-talks",
            "https://herald.example/world/2026/02/21/brenn-talks/amp",
            "https://herald.example/amp/world/2026/02/21/brenn-talks",
            "https://herald.example/world/2026/02/21/brenn-talks?amp=1",
            "https://herald.example/world/2026/02/21/brenn-talks?outputType=amp",
            "https://herald.example/world/2026/02/21/brenn-talks?utm_source=twitter&utm_medium=social&fbclid=abc&gclid=x",
            "https://herald.example:443/world/2026/02/21/brenn-talks",
            "  https://herald.example/world/2026/02/21/brenn-talks  ",
        ] {
            assert_eq!(normalize(v).as_deref(), Some(key), "{v}");
        }
        assert_eq!(normalize("https://news.example/world-123.amp").as_deref(), Some("https://news.example/world-123"));
        assert_eq!(
            normalize("https://news.example/a/story.amp.html").as_deref(),
            Some("https://news.example/a/story.html")
        );
    }

    #[test]
    fn meaningful_parts_are_kept() {
        assert_eq!(
            normalize("https://x.example/article?id=42&utm_campaign=a").as_deref(),
            Some("https://x.example/article?id=42")
        );
        assert_eq!(normalize("https://x.example/a?b=2&a=1").as_deref(), Some("https://x.example/a?a=1&b=2"));
        assert_eq!(normalize("https://x.example:8443/a").as_deref(), Some("https://x.example:8443/a"));
        assert_ne!(normalize("https://x.example/Story"), normalize("https://x.example/story"));
        assert_ne!(normalize("https://x.example/a?id=1"), normalize("https://x.example/a?id=2"));
        assert_eq!(normalize("https://www.x.example/").as_deref(), Some("https://x.example"));
        // A host that is only the prefix keeps it.
        assert_eq!(normalize("https://www.io/").as_deref(), Some("https://www.io"));
    }

    #[test]
    fn non_web_addresses_have_no_key() {
        for bad in [
            "",
            "not a url",
            "ftp://x.example/a",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "mailto:a@b.example",
            "https://",
        ] {
            assert_eq!(normalize(bad), None, "{bad}");
        }
        assert!(same_page("http://www.x.example/a/", "https://x.example/a?utm_source=y"));
        assert!(!same_page("https://x.example/a", "not a url"));
    }

    #[test]
    fn sites_are_hosts_up_to_their_variants() {
        let same = [
            ("https://herald.example/a", "http://www.Herald.example./b"),
            ("https://m.herald.example/a", "https://amp.herald.example/b"),
            ("http://127.0.0.1:8080/a", "http://127.0.0.1:9090/b"),
            ("https://edition.herald.example/a", "https://www.herald.example/b"),
        ];
        for (a, b) in same {
            assert!(same_site(a, b), "{a} {b}");
        }
        let other = [
            ("https://herald.example/a", "https://evil.example/a"),
            ("https://herald.example/a", "https://herald.example.evil.example/a"),
            ("https://a.blog.example/a", "https://b.blog.example/a"),
            ("https://herald.example/a", "https://example/a"),
            ("https://evilherald.example/a", "https://herald.example/a"),
            ("https://1.127.0.0.1/a", "http://127.0.0.1/a"),
            ("https://herald.example/a", "not a url"),
            ("file:///a", "file:///a"),
        ];
        for (a, b) in other {
            assert!(!same_site(a, b), "{a} {b}");
        }
        assert_eq!(site("WWW.M.Herald.Example."), "herald.example");
    }
}
