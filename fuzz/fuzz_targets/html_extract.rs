//! A web page's bytes → `web::extract` (charset, shape limits, metadata,
//! main text) and `web::extract_text` (a text/plain page).
#![no_main]
use libfuzzer_sys::fuzz_target;
use parley::web::{self, extract::MIN_WORDS, Extracted};

mod common;
use common::*;

fn check(a: &Extracted) {
    assert!(a.text.split_whitespace().count() >= MIN_WORDS, "an article under {MIN_WORDS} words");
    assert_body("text", &a.text);
    if let Some(t) = &a.title {
        assert!(!t.trim().is_empty(), "an empty title");
        assert_line("title", t);
    }
    if let Some(o) = &a.outlet {
        assert_line("outlet", o);
    }
    for n in &a.authors {
        assert_line("author", n);
    }
    if let Some(p) = &a.published {
        assert_date("published", p);
    }
    if let Some(u) = &a.url {
        assert_url("url", u);
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(a) = web::extract(data, Some(PAGE_URL), None) {
        check(&a);
        // The canonical URL is only ever one on the site the page came from.
        if let Some(u) = &a.url {
            assert!(web::url::same_site(u, PAGE_URL), "a canonical URL on another site: {u}");
        }
    }
    if let Ok(a) = web::extract_text(data, Some(PAGE_URL), None) {
        check(&a);
    }
});
