//! `who-said`, `speakers` and `quotes` through the real binary, on
//! fictional fixtures.

use serde_json::Value;

use crate::harness::{fixture, DataDir};

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

fn corpus() -> DataDir {
    let d = DataDir::new();
    let a = fixture("quotes/tarn-briefing.txt");
    let b = fixture("quotes/court-statement.md");
    d.ok(&["add", a.to_str().unwrap(), b.to_str().unwrap()]);
    d
}

fn quotes(v: &Value) -> &Vec<Value> {
    v["quotes"].as_array().expect("quotes")
}

#[test]
fn statements_come_with_speaker_kind_and_source() {
    let d = corpus();
    let v = json(&d.ok(&["who-said", "Ivo Tarn", "--json"]));
    assert_eq!(v["person"], "Ivo Tarn");
    let qs = quotes(&v);
    assert_eq!(qs.len(), 2, "{v}");
    for q in qs {
        assert_eq!(q["speaker"], "Ivo Tarn");
        assert_eq!(q["kind"], "direct");
        for field in [
            "speaker_as_written",
            "role",
            "cue",
            "quote",
            "sentence",
            "article_id",
            "title",
            "outlet",
            "url",
            "published",
            "confidence",
        ] {
            assert!(q.get(field).is_some(), "{field} missing: {q}");
        }
        assert!(q["sentence"].as_str().unwrap().contains(q["quote"].as_str().unwrap()));
    }
    // Newest first without a topic: the dated statement leads.
    assert_eq!(qs[0]["published"], "2031-05-03");
    assert_eq!(qs[1]["role"], "Hollow Court's chief negotiator");
}

#[test]
fn nobody_else_s_words_and_no_anonymous_guesses() {
    let d = corpus();
    let v = json(&d.ok(&["who-said", "Ada Quill", "--json"]));
    let texts: Vec<&str> = quotes(&v).iter().map(|q| q["quote"].as_str().unwrap()).collect();
    assert!(texts.iter().any(|t| t.contains("Strait of Mell")), "{texts:?}");
    assert!(!texts.iter().any(|t| t.contains("Vornhaven next week")), "her deputy's words: {texts:?}");
    assert!(!texts.iter().any(|t| t.contains("prisoner exchange")), "an anonymous official's words: {texts:?}");
    let speakers = json(&d.ok(&["speakers", "--json"]));
    assert!(!speakers.to_string().contains("official"), "anonymous sources are not speakers: {speakers}");
}

#[test]
fn kind_and_topic_shape_the_list() {
    let d = corpus();
    let v = json(&d.ok(&["who-said", "Ada Quill", "--kind", "indirect", "--json"]));
    assert!(quotes(&v).iter().all(|q| q["kind"] == "indirect"), "{v}");
    assert!(!quotes(&v).is_empty());
    let v = json(&d.ok(&["who-said", "Ada Quill", "--about", "shelling", "--json"]));
    assert!(quotes(&v)[0]["quote"].as_str().unwrap().contains("shelling"), "{v}");
    let v = json(&d.ok(&["who-said", "Ada Quill", "--since", "2040-01-01", "--json"]));
    assert!(quotes(&v).is_empty());
}

#[test]
fn ambiguous_and_unknown_names_are_not_guessed() {
    let d = corpus();
    let v = json(&d.ok(&["who-said", "Quill", "--json"]));
    assert!(v["person"].is_null(), "{v}");
    let names: Vec<&str> = v["candidates"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Ada Quill", "Oren Quill"]);
    let text = d.ok(&["who-said", "Quil"]);
    assert!(text.contains("nobody called “Quil”") && text.contains("Ada Quill"), "{text}");
    // Case, accents and institutions' articles fold.
    assert_eq!(json(&d.ok(&["who-said", "ivo TÁRN", "--json"]))["person"], "Ivo Tarn");
    assert_eq!(json(&d.ok(&["who-said", "Hollow Court", "--json"]))["person"], "the Hollow Court");
    d.fails(&["who-said", "  "]);
}

#[test]
fn speakers_autocomplete_by_prefix_then_count() {
    let d = corpus();
    let v = json(&d.ok(&["speakers", "qu", "--json"]));
    let names: Vec<&str> = v.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Ada Quill", "Oren Quill"]);
    let v = json(&d.ok(&["speakers", "iv", "--json"]));
    assert_eq!(v[0]["name"], "Ivo Tarn");
    assert_eq!(v[0]["quotes"], 2);
}

#[test]
fn quotes_reads_files_without_indexing() {
    let d = DataDir::new();
    let a = fixture("quotes/tarn-briefing.txt");
    let v = json(&d.ok(&["quotes", a.to_str().unwrap(), "--json"]));
    let items = v.as_array().unwrap();
    assert!(items.len() >= 5, "{v}");
    assert!(items.iter().all(|q| q["file"].as_str().unwrap().ends_with("tarn-briefing.txt")));
    assert!(d.ok(&["list"]).contains("The corpus is empty"));
}

/// The acceptance check of the quotes issue, on the bundled seed article.
#[test]
fn the_seed_article_credits_each_statement_to_its_speaker() {
    let d = DataDir::new();
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for entry in std::fs::read_dir(corpus).unwrap().flatten() {
        std::fs::copy(entry.path(), d.corpus().join(entry.file_name())).unwrap();
    }
    let cases: &[(&str, &str, &str)] = &[
        ("Trump", "Donald Trump", "We will be involved"),
        ("Lavrov", "Sergei Lavrov", "utmost thoroughness"),
        ("Ushakov", "Yuri Ushakov", "frank and very constructive"),
        ("Merz", "Friedrich Merz", "within two weeks"),
        ("the Kremlin", "the Kremlin", "foreign forces in Ukraine unacceptable"),
        ("Maletskyi", "Vitalii Maletskyi", "Putin does not want peace"),
    ];
    for (asked, canonical, says) in cases {
        let v = json(&d.ok(&["who-said", asked, "--json", "--limit", "50"]));
        assert_eq!(v["person"], *canonical, "{asked}: {v}");
        let qs = quotes(&v);
        assert!(qs.iter().any(|q| q["quote"].as_str().unwrap().contains(says)), "{asked}: {v}");
        for q in qs {
            assert_eq!(q["speaker"], *canonical, "{asked}: {q}");
            assert_eq!(q["article_id"], "2025-08-19-will-putin-agree-to-a-one-on-one");
            assert_eq!(q["published"], "2025-08-19");
        }
    }
    let putin = json(&d.ok(&["who-said", "Putin", "--json", "--limit", "50"]));
    assert!(!putin.to_string().contains("the world has seen"), "the mayor's line about Putin: {putin}");
    assert!(!putin.to_string().contains("we will have a three-party meeting"), "Trump's words: {putin}");
}
