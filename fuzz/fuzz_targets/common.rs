//! Invariants the targets check beyond "no panic". Each target includes
//! this file (`mod common;`); not every target uses every check.
#![allow(dead_code)]

use parley::corpus::ingest::{self, BulkFormat};
use parley::corpus::FieldMap;
use parley::Published;

/// The URL every page is read from: a fictional site.
pub const PAGE_URL: &str = "https://news.example/2031/02/03/vorn-talks";

/// Text shown as one line (a title, an outlet, a name): no control
/// character at all, no surrounding space.
pub fn assert_line(what: &str, s: &str) {
    assert!(!s.chars().any(char::is_control), "{what} has a control character: {s:?}");
}

/// A body: no control characters but line breaks and tabs.
pub fn assert_body(what: &str, s: &str) {
    assert!(!s.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t')), "{what} has a control character: {s:?}");
}

/// A date Parley keeps: a four-digit year, and its text reads back as the
/// same date (it becomes part of an article id and the front matter).
pub fn assert_date(what: &str, p: &Published) {
    assert!(p.has_plain_year(), "{what} has a year outside 1000–9999: {p}");
    let back = Published::parse(&p.to_string()).unwrap_or_else(|e| panic!("{what} {p} does not read back: {e}"));
    assert_eq!(back, *p, "{what} reads back differently");
}

/// A URL Parley stores: absolute http(s).
pub fn assert_url(what: &str, u: &str) {
    assert!(u.starts_with("http://") || u.starts_with("https://"), "{what} is not http(s): {u:?}");
    assert_line(what, u);
}

/// A byte range that can slice `text`.
pub fn assert_range(what: &str, text: &str, r: &std::ops::Range<usize>) {
    assert!(r.start <= r.end && r.end <= text.len(), "{what} {r:?} outside the text ({} bytes)", text.len());
    assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end), "{what} {r:?} splits a character");
}

/// A bulk file's bytes (`import`), read with the default column map and an
/// overridden one: every accepted record has a body, clean text, a date
/// that reads back and an http(s) URL.
pub fn check_bulk(data: &[u8], format: BulkFormat, name: &str) {
    let maps = [
        FieldMap::default(),
        FieldMap::default().with_overrides(&["body=text".into(), "date=when".into()]).unwrap_or_default(),
    ];
    for map in &maps {
        let Ok(records) = ingest::read_bulk_from(std::io::Cursor::new(data.to_vec()), format, name, map) else {
            continue;
        };
        for d in records.flatten() {
            assert!(!d.body.trim().is_empty(), "a record without a body");
            assert_body("body", &d.body);
            if let Some(p) = &d.published {
                assert_date("published", p);
            }
            if let Some(u) = &d.url {
                assert!(u.starts_with("http://") || u.starts_with("https://"), "url {u:?}");
            }
        }
    }
}
