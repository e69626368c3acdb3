//! The core through the real binary: add, import, ask, remove, list,
//! reindex, reconcile after hand edits, bad input, crash safety.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use serde_json::Value;

use crate::harness::{fixture, DataDir};

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

fn add_fixtures(d: &DataDir) -> Value {
    let md = fixture("core/vorn-talks.md");
    let txt = fixture("core/tarn-ceasefire.txt");
    json(&d.ok(&["add", md.to_str().unwrap(), txt.to_str().unwrap(), "--json"]))
}

fn results(v: &Value) -> &Vec<Value> {
    v["results"].as_array().expect("results array")
}

#[test]
fn add_then_ask_returns_the_passage_with_its_source() {
    let d = DataDir::new();
    let added = add_fixtures(&d);
    assert_eq!(added["added"].as_array().unwrap().len(), 2, "{added}");
    let first = &added["added"][0];
    assert_eq!(first["id"], "2031-04-02-envoys-agree-to-meet-again-in-vornhaven");
    assert_eq!(first["outlet"], "quill-gazette.example", "outlet defaults to the URL's host");

    let v = json(&d.ok(&["ask", "where will the second round of talks be held?", "--json"]));
    let top = &results(&v)[0];
    assert_eq!(top["article_id"], "2031-04-02-envoys-agree-to-meet-again-in-vornhaven");
    assert_eq!(top["title"], "Envoys agree to meet again in Vornhaven");
    assert_eq!(top["published"], "2031-04-02");
    assert!(top["url"].as_str().unwrap().starts_with("https://www.quill-gazette.example/"));
    assert!(top["passage"].as_str().unwrap().contains("second round of talks in Vornhaven"));
    assert!(top["snippet"].as_str().unwrap().contains("**second** **round** of **talks**"), "{top}");

    // Human output names the source under the passage.
    let text = d.ok(&["ask", "monitoring mission"]);
    assert!(text.contains("— “Ceasefire holds along the Mell river” · unknown"), "{text}");
}

#[test]
fn nothing_relevant_is_said_plainly() {
    let d = DataDir::new();
    add_fixtures(&d);
    let v = json(&d.ok(&["ask", "what about the weather on the moon?", "--json"]));
    assert!(results(&v).is_empty(), "{v}");
    let text = d.ok(&["ask", "what about the weather on the moon?"]);
    assert!(text.contains("Nothing in the corpus answers that"), "{text}");
}

#[test]
fn hostile_questions_never_fail() {
    let d = DataDir::new();
    add_fixtures(&d);
    let long = "ceasefire ".repeat(5_000);
    for q in [
        "title:ceasefire AND (",
        "\"unbalanced",
        "ceasefire~2^5 OR",
        "Kessa\u{202e}\u{feff}",
        long.as_str(),
        "'; DROP TABLE--",
    ] {
        let out = d.run(&["ask", q, "--json"]);
        assert!(out.status.success(), "{q:?}: {}", String::from_utf8_lossy(&out.stderr));
        json(&String::from_utf8_lossy(&out.stdout));
    }
    for q in ["", "   ", "?!…", "***", "+++---***"] {
        let err = d.fails(&["ask", q]);
        assert!(err.contains("the question is empty"), "{q:?}: {err}");
    }
}

#[test]
fn typos_and_aliases_still_find_the_passage() {
    let d = DataDir::new();
    add_fixtures(&d);
    std::fs::write(d.corpus().join("aliases.toml"), "[places]\n\"Vornhaven\" = [\"Vornhafen\"]\n").unwrap();
    let v = json(&d.ok(&["ask", "talks in Vornhafen", "--json"]));
    assert!(results(&v)[0]["passage"].as_str().unwrap().contains("Vornhaven"), "{v}");
    let v = json(&d.ok(&["ask", "monitorng misson in Kesa", "--json"]));
    assert!(results(&v).iter().any(|r| r["passage"].as_str().unwrap().contains("monitoring mission")), "{v}");
}

#[test]
fn filters_by_date_and_outlet() {
    let d = DataDir::new();
    add_fixtures(&d);
    let csv = fixture("core/releases.csv");
    d.ok(&["import", csv.to_str().unwrap()]);
    let all = json(&d.ok(&["ask", "Ivo Tarn talks Vornhaven", "--json", "--limit", "10"]));
    assert!(results(&all).len() >= 2, "{all}");
    let since = json(&d.ok(&["ask", "Ivo Tarn talks Vornhaven", "--json", "--since", "2031-04-01"]));
    assert!(results(&since).iter().all(|r| r["published"].as_str().unwrap() >= "2031-04-01"), "{since}");
    let until = json(&d.ok(&["ask", "Ivo Tarn talks Vornhaven", "--json", "--until", "2031-03-30"]));
    assert!(!results(&until).is_empty());
    assert!(results(&until).iter().all(|r| r["published"] == "2031-03-30"), "{until}");
    let outlet = json(&d.ok(&["ask", "Ivo Tarn talks Vornhaven", "--json", "--outlet", "COURT.example"]));
    assert!(!results(&outlet).is_empty());
    assert!(results(&outlet).iter().all(|r| r["outlet"] == "court.example"), "{outlet}");
    d.fails(&["ask", "x", "--since", "31/12/2031"]);
}

#[test]
fn import_reports_what_it_refused_and_why() {
    let d = DataDir::new();
    let csv = fixture("core/releases.csv");
    let v = json(&d.ok(&["import", csv.to_str().unwrap(), "--json"]));
    assert_eq!(v["added"].as_array().unwrap().len(), 2, "{v}");
    let refused = v["refused"].as_array().unwrap();
    let reasons: Vec<String> = refused.iter().map(|r| format!("{} {}", r["origin"], r["reason"])).collect();
    assert_eq!(refused.len(), 3, "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("row 3") && r.contains("not a date")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("row 4") && r.contains("empty")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("row 5") && r.contains("URL")), "{reasons:?}");
    let same_url = refused.iter().find(|r| r["origin"].as_str().unwrap().ends_with("row 5")).unwrap();
    assert_eq!(same_url["existing"], "2031-03-30-the-hollow-court-welcomes-the-vornhaven-talks", "{same_url}");
    // Importing again refuses everything as duplicates and exits 1.
    let out = d.run(&["import", csv.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    // A wrong column map is a clear error.
    let err = d.fails(&["import", csv.to_str().unwrap(), "--map", "body=nope"]);
    assert!(err.contains("no body column"), "{err}");
}

#[test]
fn duplicates_are_refused_with_the_existing_id() {
    let d = DataDir::new();
    add_fixtures(&d);
    let md = fixture("core/vorn-talks.md");
    let out = d.run(&["add", md.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(v["refused"][0]["existing"], "2031-04-02-envoys-agree-to-meet-again-in-vornhaven", "{v}");
    // Same text under another title and URL: still a duplicate.
    let copy = d.path().join("copy.md");
    let text = std::fs::read_to_string(&md)
        .unwrap()
        .replace("quill-gazette.example", "other.example")
        .replace("Envoys agree", "Envoys said to agree");
    std::fs::write(&copy, text).unwrap();
    let v = json(&String::from_utf8_lossy(&d.run(&["add", copy.to_str().unwrap(), "--json"]).stdout));
    assert!(v["refused"][0]["reason"].as_str().unwrap().contains("same text"), "{v}");
    assert_eq!(json(&d.ok(&["list", "--json"])).as_array().unwrap().len(), 2);
}

#[test]
fn bad_files_get_one_clear_line_and_change_nothing() {
    let d = DataDir::new();
    add_fixtures(&d);
    let before = d.ok(&["list", "--json"]);
    let empty = d.path().join("empty.txt");
    std::fs::write(&empty, "Only a title\n\n").unwrap();
    let binary = d.path().join("bin.txt");
    std::fs::write(&binary, [0u8, 159, 146, 150, 0, 1]).unwrap();
    let pdf = d.path().join("doc.pdf");
    std::fs::write(&pdf, "%PDF").unwrap();
    for (file, reason) in [
        (empty.to_str().unwrap(), "the body is empty"),
        (binary.to_str().unwrap(), "not in a known encoding"),
        (pdf.to_str().unwrap(), "only .txt, .md"),
        ("/nonexistent/file.txt", "no such file"),
    ] {
        let out = d.run(&["add", file]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{file}");
        assert!(stdout.contains(reason), "{file}: {stdout}");
    }
    d.fails(&["remove", "no-such-article"]);
    let err = d.fails(&["remove", "../../etc/passwd"]);
    assert!(err.contains("not an article id"), "{err}");
    assert_eq!(d.ok(&["list", "--json"]), before);
}

#[test]
fn legacy_encoded_files_are_decoded() {
    let d = DataDir::new();
    let f = d.path().join("latin1.txt");
    std::fs::write(&f, b"Caf\xe9 talks in Kessa\nThe caf\xe9 on the Mell river hosted the envoys, observers said.")
        .unwrap();
    d.ok(&["add", f.to_str().unwrap()]);
    let v = json(&d.ok(&["ask", "café envoys", "--json"]));
    assert!(results(&v)[0]["passage"].as_str().unwrap().contains("café"), "{v}");
}

#[test]
fn hand_edits_are_noticed_on_the_next_start() {
    let d = DataDir::new();
    add_fixtures(&d);
    let path = d.corpus().join("2031-04-02-envoys-agree-to-meet-again-in-vornhaven.md");
    // Edit a file by hand.
    let text = std::fs::read_to_string(&path).unwrap().replace("prisoner exchange", "lighthouse treaty");
    std::fs::write(&path, text).unwrap();
    // Add one by hand, copying the format.
    let hand = "+++\nid = \"hand-made\"\ntitle = \"Hand-made note on Kessa\"\noutlet = \"unknown\"\n+++\n\nThe zephyrine accord was drafted in Kessa.\n";
    std::fs::write(d.corpus().join("hand-made.md"), hand).unwrap();
    // Delete one by hand.
    std::fs::remove_file(d.corpus().join("ceasefire-holds-along-the-mell-river.md")).unwrap();
    // A broken file is reported, not fatal.
    std::fs::write(d.corpus().join("broken.md"), "no front matter").unwrap();

    let out = d.run(&["ask", "lighthouse treaty", "--json"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.md"), "the broken file is named");
    let v = json(&String::from_utf8_lossy(&out.stdout));
    assert!(results(&v)[0]["passage"].as_str().unwrap().contains("lighthouse treaty"), "{v}");
    assert!(results(&json(&d.ok(&["ask", "prisoner exchange", "--json"]))).is_empty());
    assert_eq!(results(&json(&d.ok(&["ask", "zephyrine accord", "--json"])))[0]["article_id"], "hand-made");
    assert!(results(&json(&d.ok(&["ask", "monitoring mission Kessa", "--json"])))
        .iter()
        .all(|r| r["article_id"] != "ceasefire-holds-along-the-mell-river"));
}

#[test]
fn remove_reindex_and_a_deleted_index_lose_nothing() {
    let d = DataDir::new();
    add_fixtures(&d);
    d.ok(&["remove", "ceasefire-holds-along-the-mell-river"]);
    assert!(results(&json(&d.ok(&["ask", "monitoring mission", "--json"]))).is_empty());
    std::fs::remove_dir_all(d.path().join("index")).unwrap();
    assert!(!results(&json(&d.ok(&["ask", "prisoner exchange", "--json"]))).is_empty());
    assert!(d.ok(&["reindex"]).contains("reindexed 1 articles"));
    // A schema version from elsewhere forces a rebuild, not an error.
    std::fs::write(d.path().join("index/PARLEY_SCHEMA_VERSION"), "999\n").unwrap();
    assert!(!results(&json(&d.ok(&["ask", "prisoner exchange", "--json"]))).is_empty());
}

#[test]
fn at_most_two_passages_per_article() {
    let d = DataDir::new();
    let f = d.path().join("many.txt");
    let body: String =
        (0..12).map(|i| format!("The Kessa checkpoint opened lane {i} for grain trucks today.\n")).collect();
    std::fs::write(&f, format!("Kessa checkpoint\n{body}")).unwrap();
    d.ok(&["add", f.to_str().unwrap()]);
    add_fixtures(&d);
    let v = json(&d.ok(&["ask", "Kessa checkpoint grain trucks", "--json", "--limit", "10"]));
    let from_many = results(&v).iter().filter(|r| r["article_id"] == "kessa-checkpoint").count();
    assert_eq!(from_many, 2, "{v}");
}

/// Kills `parley import` after its first committed batch and checks that the
/// next start sees every reported article and nothing broken.
#[test]
fn a_killed_import_loses_nothing_it_reported() {
    let d = DataDir::new();
    let jsonl = d.path().join("big.jsonl");
    let mut f = std::fs::File::create(&jsonl).unwrap();
    for i in 0..6_000 {
        let line = serde_json::json!({
            "title": format!("Kessa bulletin number {i}"),
            "date": "2031-05-01",
            "body": format!("Bulletin {i}: the monitors logged marker{i} near the Kessa checkpoint on the Mell river."),
        });
        writeln!(f, "{line}").unwrap();
    }
    drop(f);
    let mut child = d
        .parley()
        .args(["import", jsonl.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut reported = 0;
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        if let Some(n) =
            line.strip_prefix("imported ").and_then(|r| r.split(' ').next()).and_then(|n| n.parse::<usize>().ok())
        {
            reported = n;
            if n > 0 {
                break;
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(reported >= 1_000, "the import reported {reported}");
    // The next start reconciles; every reported article is there and searchable.
    let list = json(&d.ok(&["list", "--json"]));
    let n = list.as_array().unwrap().len();
    assert!(n >= reported, "{n} articles in the corpus, {reported} reported");
    for i in [0, reported / 2, reported - 1] {
        let v = json(&d.ok(&["ask", &format!("marker{i}"), "--json"]));
        assert_eq!(results(&v).len(), 1, "marker{i}: {v}");
    }
    // And an import of the rest completes; the first ones are duplicates now.
    let v = json(&String::from_utf8_lossy(&d.run(&["import", jsonl.to_str().unwrap(), "--json"]).stdout));
    let added = v["added"].as_array().unwrap().len();
    assert_eq!(added + n, 6_000, "{added} + {n}");
}

/// Issue 10: a damaged index is found on open and rebuilt from the corpus,
/// nothing in `corpus/` is lost, and the operator is told in one line.
#[test]
fn a_damaged_index_is_rebuilt_from_the_corpus() {
    type Damage = fn(&std::path::Path);
    let damages: [(&str, Damage); 3] = [
        ("garbage meta.json", |index| std::fs::write(index.join("meta.json"), b"{ not json").unwrap()),
        ("a deleted segment file", |index| {
            let victim = std::fs::read_dir(index)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|x| x == "idx" || x == "store"))
                .expect("a segment file");
            std::fs::remove_file(victim).unwrap();
        }),
        ("a truncated segment file", |index| {
            let victim = std::fs::read_dir(index)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|x| x == "store"))
                .expect("a store file");
            let len = std::fs::metadata(&victim).unwrap().len();
            std::fs::OpenOptions::new().write(true).open(&victim).unwrap().set_len(len / 2).unwrap();
        }),
    ];
    for (what, damage) in damages {
        let d = DataDir::new();
        add_fixtures(&d);
        let before: Vec<_> = std::fs::read_dir(d.corpus()).unwrap().flatten().map(|e| e.file_name()).collect();
        damage(&d.path().join("index"));
        let out = d.run(&["ask", "prisoner exchange", "--json"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{what}: {stderr}");
        assert!(!results(&json(&String::from_utf8_lossy(&out.stdout))).is_empty(), "{what}: nothing found");
        assert_eq!(stderr.matches("rebuilding it from the corpus").count(), 1, "{what}: told once: {stderr}");
        let after: Vec<_> = std::fs::read_dir(d.corpus()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(before, after, "{what}: the corpus is untouched");
        assert_eq!(d.ok(&["list", "--json"]).matches("\"id\"").count(), 2, "{what}");
    }
}

/// Issue 10: while another process writes (here a console, as the bot
/// would), reading commands answer from what it committed, and a writing
/// command is handed to that process (see `handoff.rs`), never meeting
/// tantivy's lock error.
#[test]
fn while_another_process_writes_reads_work_and_writes_are_handed_to_it() {
    let d = DataDir::new();
    add_fixtures(&d);
    let mut holder = d.spawn(&["console"]);
    // The console holds the index once it has answered /about.
    let mut stdin = holder.stdin.take().expect("stdin");
    stdin.write_all(b"/about\n").expect("type into the console");
    let mut lines = BufReader::new(holder.stdout.take().expect("stdout")).lines();
    assert!(lines.by_ref().map_while(Result::ok).any(|l| l.contains("Articles")), "the console answered /about");
    let files = || std::fs::read_dir(d.corpus()).unwrap().flatten().count();
    let before = files();
    let out = d.run(&["ask", "prisoner exchange", "--json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!results(&json(&String::from_utf8_lossy(&out.stdout))).is_empty());
    assert_eq!(stderr.matches("answering from what it has committed").count(), 1, "stderr: {stderr}");
    assert_eq!(d.ok(&["list", "--json"]).matches("\"id\"").count(), 2);
    assert!(d.ok(&["who-said", "nobody at all", "--json"]).contains("quotes"));
    let out = d.run(&["add", fixture("core/everyone.txt").to_str().unwrap(), "--json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("LockBusy") && !err.contains("being written"), "{err}");
    assert!(err.contains("done by the Parley process"), "{err}");
    assert_eq!(files(), before + 1);
    let id = json(&String::from_utf8_lossy(&out.stdout))["added"][0]["id"].as_str().expect("an id").to_owned();
    drop(stdin);
    assert!(holder.wait().expect("console ends").success());
    assert!(!d.path().join("parley.sock").exists(), "the console's socket goes with it");
    // Once it is gone, writing commands run here.
    let out = d.run(&["remove", &id]);
    assert!(out.status.success() && !String::from_utf8_lossy(&out.stderr).contains("done by"), "{out:?}");
    assert_eq!(files(), before);
}
