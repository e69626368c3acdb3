//! A corpus file's text → `corpus::frontmatter::parse` (Parley's own TOML
//! header), and a brought `.md`/`.txt` file's bytes →
//! `corpus::ingest::draft_from_bytes` (YAML or TOML header, encodings).
#![no_main]
use libfuzzer_sys::fuzz_target;
use parley::corpus::{frontmatter, ingest, ArticleDraft};

mod common;
use common::*;

/// What a draft must be once the engine has cleaned it.
fn check(mut d: ArticleDraft) {
    assert!(!d.body.trim().is_empty(), "a draft without a body");
    assert_body("body", &d.body);
    if let Some(p) = &d.published {
        assert_date("published", p);
    }
    if let Some(u) = &d.url {
        assert!(u.starts_with("http://") || u.starts_with("https://"), "url {u:?}");
    }
    d.strip_controls();
    for v in [&d.title, &d.outlet, &d.language, &d.url].into_iter().flatten() {
        assert!(!v.is_empty(), "an empty field left after cleaning");
        assert_line("field", v);
    }
    for v in d.authors.iter().chain(&d.tags) {
        assert_line("list item", v);
    }
    assert_body("cleaned body", &d.body);
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(article) = frontmatter::parse(text) {
            if let Some(p) = &article.meta.published {
                assert_date("published", p);
            }
            // What Parley writes back (an alias added, a copy recorded) reads
            // as the same article.
            let written = frontmatter::render(&article);
            let again = frontmatter::parse(&written)
                .unwrap_or_else(|e| panic!("a rendered file does not parse: {e}\n{written}"));
            assert_eq!(again, article, "the file changed on a round trip");
        }
        let _ = frontmatter::split_any(text);
    }
    for plain in [false, true] {
        if let Ok(d) = ingest::draft_from_bytes(data, "fuzz.md", plain) {
            check(d);
        }
    }
});
