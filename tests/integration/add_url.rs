//! `parley add URL` and `parley extract` through the real binary, against
//! a page served from 127.0.0.1 (allowed only through PARLEY_FETCH_ALLOW).

use std::io::{Read, Write};
use std::net::TcpListener;

use serde_json::Value;

use crate::harness::{fixture, DataDir};

/// Serves the fictional Brenn article on every path, for `requests`
/// connections, from a thread, as its own site would: its canonical URL on
/// this server. Returns the base URL.
fn serve_page(requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let page = std::fs::read_to_string(fixture("web/brenn-talks.html"))
        .expect("fixture")
        .replace("https://www.ostrava-herald.example", &format!("http://{addr}"))
        .into_bytes();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                page.len()
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&page);
        }
    });
    format!("http://{addr}")
}

fn json(s: &[u8]) -> Value {
    serde_json::from_slice(s).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(s)))
}

#[test]
fn a_local_page_is_added_with_its_metadata_and_found() {
    let base = serve_page(3);
    let d = DataDir::new();
    let url = format!("{base}/world/brenn-talks");
    let out = d.parley().env("PARLEY_FETCH_ALLOW", "127.0.0.1/32").args(["add", &url, "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out.stdout);
    let added = &v["added"][0];
    assert_eq!(added["outlet"], "Ostrava Herald", "{v}");
    assert!(added["title"].as_str().unwrap().starts_with("Brenn talks"), "{v}");
    assert_eq!(added["published"], "2026-02-21T18:40:00+01:00", "{v}");

    let ask = json(&d.run(&["ask", "prisoner exchange Brenn", "--json"]).stdout);
    assert_eq!(ask["results"][0]["article_id"], added["id"], "{ask}");

    // The same page with tracking parameters is the same page.
    let again = format!("{url}?utm_source=feed#comments");
    let out = d.parley().env("PARLEY_FETCH_ALLOW", "127.0.0.1/32").args(["add", &again, "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out.stdout);
    assert_eq!(v["refused"][0]["existing"], added["id"], "{v}");

    // `extract` shows what would be added, in the documented shape.
    let out = d.parley().env("PARLEY_FETCH_ALLOW", "127.0.0.1/32").args(["extract", &url, "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out.stdout);
    for field in ["title", "outlet", "published", "authors", "language", "url", "text"] {
        assert!(v.get(field).is_some(), "{field} missing: {v}");
    }
}

#[test]
fn internal_addresses_are_refused_without_the_allow_list() {
    let base = serve_page(1);
    let d = DataDir::new();
    let out = d.parley().env_remove("PARLEY_FETCH_ALLOW").args(["add", &format!("{base}/x")]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("not allowed"), "{stdout}");
    assert!(d.ok(&["list"]).contains("The corpus is empty"));
    for bad in ["ftp://example.com/a", "http://", "file:///etc/passwd"] {
        let out = d.run(&["extract", bad]);
        assert!(!out.status.success(), "{bad}");
    }
}

#[test]
fn html_files_are_added_like_pages() {
    let d = DataDir::new();
    let file = fixture("web/brenn-talks.html");
    let v = json(&d.run(&["add", file.to_str().unwrap(), "--json"]).stdout);
    assert_eq!(v["added"][0]["outlet"], "Ostrava Herald", "{v}");
}
