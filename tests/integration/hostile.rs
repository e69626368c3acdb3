//! Hostile pages and files through the real binary: metadata that once
//! panicked the extractor, pages built to keep a core busy, signed years
//! and terminal control characters. Every article is fictional.

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

#[test]
fn signed_and_five_digit_years_are_refused_not_lost() {
    let d = DataDir::new();
    let body = "Talks in Vorn\n\nDelegates from Ostrava and Vellmar met in Brenn on Tuesday to discuss the exchange.";
    let txt = write(&d, "vorn.txt", body);
    for date in ["-0001-01-01", "+10000-01-01", "0999-12-31"] {
        let err = d.fails(&["add", &txt, &format!("--published={date}")]);
        assert!(err.contains("a year from 1000 to 9999"), "{date}: {err}");
    }
    let md = write(&d, "vorn.md", &format!("---\ntitle: Talks in Vorn\ndate: -0001-01-01\n---\n{body}"));
    let out = d.run(&["add", &md]);
    assert!(!out.status.success());
    let shown = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(shown.contains("a year from 1000 to 9999"), "{shown}");
    assert!(d.ok(&["list"]).contains("The corpus is empty"));
}

#[test]
fn control_characters_never_reach_list_or_ask() {
    let d = DataDir::new();
    let md = write(
        &d,
        "esc.md",
        "---\ntitle: \"Kessel \u{1b}[2Jcrossings\"\noutlet: \"Vellmar\u{1b}]0;owned\u{7} Post\"\n---\n\
         Ferries across the Kessel stay closed\u{1b}[31m while delegates from Ostrava and Vellmar talk in Brenn.\n",
    );
    d.ok(&["add", &md]);
    for args in [&["list"][..], &["ask", "Kessel ferries closed"][..], &["list", "--json"][..]] {
        let out = d.ok(args);
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{args:?}: {out:?}");
        assert!(out.contains("Kessel"), "{args:?}: {out}");
    }
    let file = std::fs::read_to_string(
        d.corpus().join(std::fs::read_dir(d.corpus()).expect("corpus").flatten().next().expect("one file").file_name()),
    )
    .expect("read");
    assert!(!file.contains('\u{1b}'), "{file}");
}
