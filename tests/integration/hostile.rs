//! Hostile pages and files through the real binary: metadata that once
//! panicked the extractor, pages built to keep a core busy. Every article
//! is fictional.

use crate::harness::DataDir;

/// A fictional article page with `headline` in its JSON-LD.
fn page(headline: &str) -> String {
    format!(
        r#"<!doctype html><html lang="ru"><head><meta charset="utf-8">
        <script type="application/ld+json">{{"@type":"NewsArticle","headline":"{headline}","datePublished":"2031-03-04"}}</script>
        </head><body><article>
        <p>Делегации Остравы и Вельмара встретились в Бренне во вторник, чтобы обсудить обмен пленными и открытие переправ через реку Кессель.</p>
        <p>Мэр Олек Брандт сказал, что стороны ближе к соглашению, чем когда-либо в этом году, но предупредил, что сделка не гарантирована.</p>
        </article></body></html>"#
    )
}

fn write(d: &DataDir, name: &str, text: &str) -> String {
    let path = d.path().join(name);
    std::fs::write(&path, text).expect("write");
    path.to_str().expect("utf-8 path").to_owned()
}

#[test]
fn cyrillic_after_an_ampersand_in_metadata_is_read_not_a_panic() {
    let d = DataDir::new();
    let file = write(&d, "mir.html", &page("Мир &Украина: переговоры в Бренне"));
    let out = d.ok(&["extract", &file]);
    assert!(out.contains("Мир &Украина: переговоры в Бренне"), "{out}");
    let v: serde_json::Value = serde_json::from_str(&d.ok(&["add", &file, "--json"])).expect("json");
    assert_eq!(v["added"][0]["title"], "Мир &Украина: переговоры в Бренне", "{v}");
}

#[test]
fn deep_pages_are_refused_with_a_clear_error() {
    let d = DataDir::new();
    let deep = "<div>".repeat(100_000);
    for (name, body) in [("deep.html", deep.clone()), ("hidden.html", format!("<!-- x --!>{deep}<!-- -->"))] {
        let file = write(&d, name, &format!("<html><body>{body}<p>{}</p></body></html>", "word ".repeat(60)));
        let err = d.fails(&["extract", &file]);
        assert!(err.contains("is too complex to read (elements nested more than 160 deep)"), "{name}: {err}");
    }
}
