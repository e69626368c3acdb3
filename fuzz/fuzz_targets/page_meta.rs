//! A page's metadata: `web::meta::read` over the parsed page (JSON-LD,
//! meta tags, `<time>`, bylines) and `web::meta::parse_date` over the first
//! line (the date strings pages carry).
#![no_main]
use libfuzzer_sys::fuzz_target;
use parley::web::{meta, shape, url};

mod common;
use common::*;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (first, html) = text.split_once('\n').unwrap_or((text, text));
    if let Some(p) = meta::parse_date(first) {
        assert_date("parse_date", &p);
    }
    let Ok(page) = shape::parse(html) else { return };
    for page_url in [Some(PAGE_URL), None] {
        let m = meta::read(page.doc(), page_url);
        for (what, v) in [("title", &m.title), ("outlet", &m.outlet)] {
            if let Some(v) = v {
                assert!(!v.is_empty() && v.trim() == v, "{what} not trimmed: {v:?}");
                assert_line(what, v);
            }
        }
        for a in &m.authors {
            assert!(!a.trim().is_empty(), "an empty author");
            assert_line("author", a);
        }
        if let Some(p) = &m.published {
            assert_date("published", p);
        }
        if let Some(l) = &m.language {
            assert!(!l.is_empty() && l.bytes().all(|b| b.is_ascii_lowercase()), "language {l:?}");
        }
        if let Some(u) = &m.canonical_url {
            assert_url("canonical", u);
            if let Some(p) = page_url {
                assert!(url::same_site(u, p), "a canonical URL on another site: {u}");
            }
        }
    }
});
