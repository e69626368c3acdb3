//! Retrieval quality, measured: the questions of `tests/eval/questions/`
//! (`dev`, tuned on; `test`, held out: only its figures are printed)
//! over the real documents in `../shared` (the seed, the talks-news articles
//! and both press-release CSVs), scored for Parley and for SQLite FTS5 bm25
//! over the very same passages. Reports R@1, R@3 and MRR, lists every
//! question Parley misses, and guards Parley's figures with floors.
//!
//! `PARLEY_WRITE_QUALITY=1` also rewrites the `## Retrieval` section of
//! `docs/QUALITY.md` with the table just measured.
//!
//! ```text
//! cargo test --release --test integration relevance -- --nocapture
//! ```

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use parley::corpus::ArticleDraft;
use parley::{AskQuery, Engine, EngineConfig};

use crate::fts5::Fts5;
use crate::harness::{shared, DataDir};
use crate::real_corpus::{add_shared, copy_bundled_corpus};

/// Floors on the held-out `test` split, a little below what Parley
/// measures there (see docs/QUALITY.md). Never tuned on.
const FLOOR_R1: f64 = 0.44;
const FLOOR_R3: f64 = 0.54;
const FLOOR_MRR: f64 = 0.49;
/// Most answerable `test` questions Parley may refuse, and fewest
/// unanswerable ones it must refuse (shares).
const CEIL_ANSWERABLE_REFUSED: f64 = 0.10;
const FLOOR_UNANSWERABLE_REFUSED: f64 = 0.72;

/// Results asked for per question.
const LIMIT: usize = 5;

const COMMAND: &str = "cargo test --release --test integration relevance -- --nocapture";

#[derive(Debug, Clone, serde::Deserialize)]
struct Question {
    question: String,
    #[serde(default)]
    file: String,
    #[serde(default)]
    answer: String,
    #[serde(default)]
    also: Vec<String>,
    /// `off-topic` or `absent`: nothing in the corpus answers it.
    #[serde(default)]
    unanswerable: Option<String>,
}

impl Question {
    fn answerable(&self) -> bool {
        self.unanswerable.is_none()
    }
}

/// A document of `../shared` as the scorer knows it, to tell which
/// document a hit came from.
struct Doc {
    /// `seed/article.txt`, `data/talks-news/x.md`, `data/press-releases/k.csv#link`.
    key: String,
    url: Option<String>,
    title: String,
    text: String,
}

/// One hit as both systems give it.
struct Found {
    url: Option<String>,
    title: String,
    passage: String,
}

#[derive(Default)]
struct Score {
    /// 1-based rank of the first correct hit per answerable question.
    ranks: Vec<Option<usize>>,
    /// Answerable questions answered with no hit at all.
    answerable_refused: usize,
    /// Unanswerable questions answered with no hit (as they should be).
    unanswerable_refused: usize,
    unanswerable: usize,
}

impl Score {
    fn recall_at(&self, k: usize) -> f64 {
        let n = self.ranks.iter().filter(|r| r.is_some_and(|r| r <= k)).count();
        n as f64 / self.ranks.len().max(1) as f64
    }
    fn mrr(&self) -> f64 {
        let sum: f64 = self.ranks.iter().map(|r| r.map_or(0.0, |r| 1.0 / r as f64)).sum();
        sum / self.ranks.len().max(1) as f64
    }
    fn answerable_refused(&self) -> f64 {
        self.answerable_refused as f64 / self.ranks.len().max(1) as f64
    }
    fn unanswerable_refused(&self) -> f64 {
        self.unanswerable_refused as f64 / self.unanswerable.max(1) as f64
    }
}

/// One split's questions and what each system made of them.
struct Split {
    name: &'static str,
    questions: Vec<Question>,
    parley: Score,
    fts: Score,
    parley_top: Vec<Vec<Found>>,
}

#[test]
fn parley_holds_its_retrieval_floors_on_the_held_out_split() {
    let Some(shared) = shared() else { return };
    let mut splits: Vec<Split> = ["dev", "test"]
        .into_iter()
        .map(|name| Split {
            name,
            questions: load_questions(name),
            parley: Score::default(),
            fts: Score::default(),
            parley_top: Vec::new(),
        })
        .collect();
    let docs = load_docs(&shared);
    for split in &splits {
        check_answers_are_in_their_documents(&split.questions, &docs);
    }
    let docs = Docs::new(docs);

    // Build the corpus: the bundled article(s) and aliases, the talks-news
    // files one by one, the press releases by bulk import.
    let data = DataDir::new();
    let bundled = copy_bundled_corpus(data.path());
    let started = std::time::Instant::now();
    let engine = Engine::open(EngineConfig::new(data.path())).expect("open engine");
    if !bundled {
        let seed = docs.docs.iter().find(|d| d.key == "seed/article.txt").expect("seed doc");
        let draft = ArticleDraft {
            title: Some(seed.title.clone()),
            published: parley::Published::parse("2025-08-19").ok(),
            body: seed.text.lines().skip(1).collect::<Vec<_>>().join("\n"),
            added_by: "relevance test".to_owned(),
            origin: "seed/article.txt".to_owned(),
            ..ArticleDraft::default()
        };
        engine.add(draft).expect("add the seed");
    }
    let (added, refused) = add_shared(&engine, &shared);
    let build_secs = started.elapsed().as_secs_f64();
    eprintln!("relevance: {added} articles added, {} refused, in {build_secs:.1}s", refused.len());
    for r in refused.iter().take(10) {
        eprintln!("  refused {r}");
    }
    let embedded = embed_with_cache(&engine, data.path());
    eprintln!("relevance: {embedded} vectors computed in {:.1}s", started.elapsed().as_secs_f64() - build_secs);

    // FTS5 bm25 over the same passages.
    let meta: HashMap<String, (Option<String>, String)> = engine
        .list()
        .expect("list articles")
        .into_iter()
        .map(|m| (m.id.to_string(), (m.url.clone(), m.title.clone())))
        .collect();
    let passages: Vec<Found> = engine
        .passages()
        .expect("passages")
        .into_iter()
        .map(|(id, text)| {
            let (url, title) = meta.get(id.as_str()).cloned().unwrap_or((None, String::new()));
            Found { url, title, passage: text }
        })
        .collect();
    let mut fts = Fts5::in_memory().expect("fts5");
    let n_passages = fts
        .add(engine.passages().expect("passages").into_iter().map(|(id, text)| (id.to_string(), text)))
        .expect("fill fts5");

    let asking = std::time::Instant::now();
    let mut asked = 0;
    for split in &mut splits {
        let mut features = String::new();
        for q in &split.questions {
            let query = AskQuery { limit: LIMIT, ..AskQuery::new(q.question.as_str()) };
            let answer = engine.ask(&query).expect("ask");
            asked += 1;
            let found: Vec<Found> = answer
                .hits
                .iter()
                .map(|h| Found { url: h.source.url.clone(), title: h.source.title.clone(), passage: h.passage.clone() })
                .collect();
            let fts_found: Vec<Found> = fts
                .search(&q.question, LIMIT, false)
                .expect("fts5 search")
                .into_iter()
                .map(|h| {
                    let (url, title) = meta.get(&h.article).cloned().unwrap_or((None, String::new()));
                    Found { url, title, passage: h.passage }
                })
                .collect();
            if split.name == "dev" {
                features.push_str(&dev_features(&engine, q, &docs));
            }
            if q.answerable() {
                split.parley.ranks.push(first_correct(q, &found, &docs));
                split.parley.answerable_refused += usize::from(found.is_empty());
                split.fts.ranks.push(first_correct(q, &fts_found, &docs));
                split.fts.answerable_refused += usize::from(fts_found.is_empty());
            } else {
                split.parley.unanswerable += 1;
                split.parley.unanswerable_refused += usize::from(found.is_empty());
                split.fts.unanswerable += 1;
                split.fts.unanswerable_refused += usize::from(fts_found.is_empty());
            }
            split.parley_top.push(found);
        }
        if split.name == "dev" {
            let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("relevance-dev-features.jsonl");
            std::fs::write(&path, features).expect("write dev features");
            eprintln!("relevance: dev candidates and their signals in {}", path.display());
        }
    }
    eprintln!("relevance: {asked} questions asked in {:.1}s", asking.elapsed().as_secs_f64());

    // Report: both splits; misses of dev only (test misses are never read).
    let table = report_table(&splits, added, n_passages);
    println!("\n{table}");
    let dev = &splits[0];
    println!("{}", misses(&dev.questions, &dev.parley, &dev.fts, &dev.parley_top, &passages, &docs));
    if std::env::var("PARLEY_WRITE_QUALITY").is_ok_and(|v| v == "1") {
        write_quality_section(&table);
    }

    let test = &splits[1].parley;
    assert!(test.recall_at(1) >= FLOOR_R1, "test R@1 fell to {:.3} (floor {FLOOR_R1})", test.recall_at(1));
    assert!(test.recall_at(3) >= FLOOR_R3, "test R@3 fell to {:.3} (floor {FLOOR_R3})", test.recall_at(3));
    assert!(test.mrr() >= FLOOR_MRR, "test MRR fell to {:.3} (floor {FLOOR_MRR})", test.mrr());
    assert!(
        test.answerable_refused() <= CEIL_ANSWERABLE_REFUSED,
        "test: {:.3} of answerable questions refused (ceiling {CEIL_ANSWERABLE_REFUSED})",
        test.answerable_refused()
    );
    assert!(
        test.unanswerable_refused() >= FLOOR_UNANSWERABLE_REFUSED,
        "test: only {:.3} of unanswerable questions refused (floor {FLOOR_UNANSWERABLE_REFUSED})",
        test.unanswerable_refused()
    );
}

/// Computes the corpus's vectors, reusing those of earlier runs: the store
/// is keyed by passage text, so a cached file serves every unchanged
/// passage, and only new ones are embedded.
fn embed_with_cache(engine: &Engine, data: &Path) -> usize {
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("relevance-vectors");
    if engine.vector_status().expect("vector status").model.is_none() {
        return 0;
    }
    // Fill the engine's stores with the cached vectors they lack.
    let n = engine.load_vectors_from(&cache).expect("load cached vectors");
    eprintln!("relevance: {n} vectors taken from the cache");
    let mut shown = 0;
    let n = engine.embed_pending(|done, total| {
        if done >= shown + 2048 || done == total {
            shown = done;
            eprintln!("relevance: vectors {done}/{total}");
        }
    });
    let n = n.expect("embed passages");
    if let Err(e) = crate::real_corpus::cache_vectors(data, &cache) {
        eprintln!("relevance: could not cache vectors: {e}");
    }
    n
}

/// Every candidate `ask` weighed for a dev question, with its signals and
/// whether it answers, one JSON line per question (for tuning on dev).
fn dev_features(engine: &Engine, q: &Question, docs: &Docs) -> String {
    let scored = engine.explain(&AskQuery::new(q.question.as_str())).expect("explain");
    let rows: Vec<serde_json::Value> = scored
        .iter()
        .map(|s| {
            let c = &s.candidate;
            let f = Found { url: c.source.url.clone(), title: c.source.title.clone(), passage: c.passage.clone() };
            let mut v = serde_json::to_value(s).expect("scored as json");
            v["correct"] = serde_json::Value::Bool(q.answerable() && is_correct(q, &f, docs));
            v["passage"] = serde_json::Value::String(c.passage.clone());
            v["title"] = serde_json::Value::String(c.source.title.clone());
            v
        })
        .collect();
    serde_json::json!({"question": q.question, "answerable": q.answerable(), "candidates": rows}).to_string() + "\n"
}

#[test]
fn the_overlap_rule_accepts_a_cut_answer_and_refuses_another_sentence() {
    let answer = "Minister Oskar Brandt met the Velmora delegation at the harbour talks on Tuesday.";
    assert!(overlap(answer, "…said that. Minister **Oskar** Brandt met the Velmora delegation") >= 0.5);
    assert!(
        overlap(answer, "Minister Oskar Brandt met the Velmora delegation at the harbour talks on Tuesday.") > 0.99
    );
    assert!(overlap(answer, "The harbour of Velmora froze. Brandt was not there.") < 0.5);
    assert_eq!(overlap("", "anything"), 0.0);
    assert!(same_url("https://www.Example.org/a/", "http://example.org/a"));
}

#[test]
fn fts5_ranks_the_passage_with_the_words_first_and_survives_hostile_input() {
    let mut fts = Fts5::in_memory().expect("fts5");
    fts.add([
        ("a", "The harbour of Velmora froze in the winter."),
        ("b", "Minister Oskar Brandt met the Velmora delegation at the harbour talks."),
    ])
    .expect("add");
    let hits = fts.search("where did Brandt meet the delegation?", 5, false).expect("search");
    assert_eq!(hits.first().map(|h| h.article.as_str()), Some("b"));
    for hostile in ["\"", "NEAR(a b)", "a* OR -b", "::", "", "body:x", "'); DROP TABLE passages; --"] {
        assert!(fts.search(hostile, 5, true).is_ok(), "{hostile:?}");
    }
    assert_eq!(crate::fts5::match_expression("?!"), None);
}

// ---------------------------------------------------------------------------
// Correctness of a hit

/// The 1-based rank of the first correct hit.
fn first_correct(q: &Question, found: &[Found], docs: &Docs) -> Option<usize> {
    found.iter().position(|f| is_correct(q, f, docs)).map(|i| i + 1)
}

/// A hit is correct when its passage overlaps at least half of an accepted
/// answer and comes from a document that contains that answer.
fn is_correct(q: &Question, found: &Found, docs: &Docs) -> bool {
    let Some(doc) = docs.of(found) else { return false };
    std::iter::once(&q.answer)
        .chain(q.also.iter())
        .any(|a| doc.text.contains(a.as_str()) && overlap(a, &found.passage) >= 0.5)
}

/// The documents, findable by URL (or by title where there is none).
struct Docs {
    docs: Vec<Doc>,
    by_url: HashMap<String, usize>,
    by_title: HashMap<String, usize>,
}

impl Docs {
    fn new(docs: Vec<Doc>) -> Docs {
        let mut by_url = HashMap::new();
        let mut by_title = HashMap::new();
        for (i, d) in docs.iter().enumerate() {
            match &d.url {
                Some(u) => {
                    by_url.entry(url_norm(u)).or_insert(i);
                }
                None => {
                    by_title.entry(d.title.trim().to_owned()).or_insert(i);
                }
            }
        }
        Docs { docs, by_url, by_title }
    }

    /// The document a hit comes from.
    fn of(&self, found: &Found) -> Option<&Doc> {
        let i = match &found.url {
            Some(u) => self.by_url.get(&url_norm(u)),
            None => self.by_title.get(found.title.trim()),
        };
        i.map(|&i| &self.docs[i])
    }
}

/// The share of the answer's words found as one unbroken run in the passage
/// (case, accents, quotes, punctuation and highlight marks ignored).
fn overlap(answer: &str, passage: &str) -> f64 {
    let a = words(answer);
    let p = words(passage);
    if a.is_empty() {
        return 0.0;
    }
    let mut best = 0;
    let mut prev = vec![0usize; p.len() + 1];
    for aw in &a {
        let mut cur = vec![0usize; p.len() + 1];
        for (j, pw) in p.iter().enumerate() {
            if aw == pw {
                cur[j + 1] = prev[j] + 1;
                best = best.max(cur[j + 1]);
            }
        }
        prev = cur;
    }
    best as f64 / a.len() as f64
}

fn words(s: &str) -> Vec<String> {
    let without_tags = strip_tags(s);
    deunicode::deunicode(&without_tags)
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Removes `<b>`-style highlight tags.
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn same_url(a: &str, b: &str) -> bool {
    url_norm(a) == url_norm(b)
}

/// A URL without scheme, `www.` and trailing slash, lower-cased.
fn url_norm(u: &str) -> String {
    let u = u.trim().to_lowercase();
    let u = u.strip_prefix("https://").or_else(|| u.strip_prefix("http://")).unwrap_or(&u);
    let u = u.strip_prefix("www.").unwrap_or(u);
    u.trim_end_matches('/').to_owned()
}

// ---------------------------------------------------------------------------
// Loading

fn load_questions(split: &str) -> Vec<Question> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/eval/questions/{split}.jsonl"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let questions: Vec<Question> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).unwrap_or_else(|e| panic!("{split}.jsonl line {}: {e}", i + 1)))
        .collect();
    assert!(questions.len() >= 40, "the {split} split needs at least 40 questions");
    questions
}

fn load_docs(shared: &Path) -> Vec<Doc> {
    let mut docs = Vec::new();
    let seed = std::fs::read_to_string(shared.join("seed/article.txt")).expect("seed");
    docs.push(Doc {
        key: "seed/article.txt".to_owned(),
        url: None,
        title: seed.lines().next().unwrap_or_default().trim().to_owned(),
        text: seed,
    });
    for entry in std::fs::read_dir(shared.join("data/talks-news")).expect("talks-news").flatten() {
        let path = entry.path();
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let (head, body) = match text.strip_prefix("---\n").and_then(|t| t.split_once("\n---\n")) {
            Some((h, b)) => (h.to_owned(), b.to_owned()),
            None => (String::new(), text.clone()),
        };
        let field = |name: &str| {
            head.lines()
                .find_map(|l| l.strip_prefix(name).and_then(|v| v.strip_prefix(':')))
                .map(|v| v.trim().trim_matches('"').to_owned())
        };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        docs.push(Doc {
            key: format!("data/talks-news/{name}"),
            url: field("source"),
            title: field("title").unwrap_or_default(),
            text: body,
        });
    }
    for csv_name in ["kremlin.csv", "president-ua.csv"] {
        let mut reader =
            csv::Reader::from_path(shared.join("data/press-releases").join(csv_name)).expect("press releases");
        let headers = reader.headers().expect("csv header").clone();
        let col = |name: &str| headers.iter().position(|h| h == name);
        let (link, headline, body) = (col("link"), col("headline"), col("body"));
        for record in reader.records().flatten() {
            let get = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or_default().to_owned();
            let url = get(link);
            docs.push(Doc {
                key: format!("data/press-releases/{csv_name}#{url}"),
                title: get(headline),
                text: format!("{}\n{}\n{}", get(headline), get(col("summary")), get(body)),
                url: Some(url),
            });
        }
    }
    docs
}

fn check_answers_are_in_their_documents(questions: &[Question], docs: &[Doc]) {
    let by_key: HashMap<&str, &Doc> = docs.iter().map(|d| (d.key.as_str(), d)).collect();
    for q in questions.iter().filter(|q| q.answerable()) {
        let doc = by_key.get(q.file.as_str()).unwrap_or_else(|| panic!("{:?}: no document {}", q.question, q.file));
        assert!(doc.text.contains(&q.answer), "{:?}: the answer is not in {}: {:?}", q.question, q.file, q.answer);
        for also in &q.also {
            assert!(
                docs.iter().any(|d| d.text.contains(also.as_str())),
                "{:?}: `also` found nowhere: {also:?}",
                q.question
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Reports

fn report_table(splits: &[Split], articles: usize, passages: usize) -> String {
    let mut s = String::new();
    let _ =
        writeln!(s, "| split | system | R@1 | R@3 | MRR (top {LIMIT}) | answerable refused | unanswerable refused |");
    let _ = writeln!(s, "|---|---|---:|---:|---:|---:|---:|");
    for split in splits {
        let n = split.parley.ranks.len();
        let u = split.parley.unanswerable;
        for (name, score) in [("Parley", &split.parley), ("SQLite FTS5 bm25 (same passages)", &split.fts)] {
            let _ = writeln!(
                s,
                "| {} ({n} + {u}) | {name} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} |",
                split.name,
                score.recall_at(1),
                score.recall_at(3),
                score.mrr(),
                score.answerable_refused(),
                score.unanswerable_refused()
            );
        }
    }
    let _ = writeln!(
        s,
        "| test | floor in the test (Parley) | {FLOOR_R1:.2} | {FLOOR_R3:.2} | {FLOOR_MRR:.2} | ≤ {CEIL_ANSWERABLE_REFUSED:.2} | ≥ {FLOOR_UNANSWERABLE_REFUSED:.2} |"
    );
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Measured {} (questions: answerable + unanswerable per split, `tests/eval/questions/`) over {articles} \
         articles and {passages} passages (the seed, `../shared/data/talks-news`, both press-release CSVs) with \
         `{COMMAND}`.",
        time::OffsetDateTime::now_utc().date()
    );
    s
}

fn misses(
    questions: &[Question],
    parley: &Score,
    fts: &Score,
    top: &[Vec<Found>],
    passages: &[Found],
    docs: &Docs,
) -> String {
    let mut s = String::new();
    let mut kinds: Vec<&str> = Vec::new();
    let answerable: Vec<(usize, &Question)> = questions.iter().enumerate().filter(|(_, q)| q.answerable()).collect();
    for (i, (at, q)) in answerable.into_iter().enumerate() {
        let top_i = &top[at];
        if parley.ranks[i] == Some(1) {
            continue;
        }
        let holders: Vec<&Doc> = docs
            .docs
            .iter()
            .filter(|d| std::iter::once(&q.answer).chain(q.also.iter()).any(|a| d.text.contains(a.as_str())))
            .collect();
        let answering: Vec<&Found> = passages
            .iter()
            .filter(|p| docs.of(p).is_some_and(|d| holders.iter().any(|h| std::ptr::eq(*h, d))))
            .filter(|p| is_correct(q, p, docs))
            .collect();
        let same_doc = |f: &Found| answering.iter().any(|a| a.url == f.url && a.title == f.title);
        let kind = if answering.is_empty() {
            "the answer is in no indexed passage (cleaning or cutting lost it)"
        } else if top_i.is_empty() {
            "no hits at all"
        } else if parley.ranks[i].is_some() {
            "answer found, but not first"
        } else if top_i.iter().any(same_doc) {
            "right article, other passages only"
        } else {
            "other articles only"
        };
        kinds.push(kind);
        let rank = |r: Option<usize>| r.map_or("miss".to_owned(), |r| format!("#{r}"));
        let _ = writeln!(
            s,
            "- [{}] {:?} (Parley {}, FTS5 {}; {kind}) — expected {}: {:?}",
            i + 1,
            q.question,
            rank(parley.ranks[i]),
            rank(fts.ranks[i]),
            q.file,
            q.answer
        );
        for (k, f) in top_i.iter().take(3).enumerate() {
            let passage: String = f.passage.chars().take(150).collect();
            let _ = writeln!(s, "    {}. {} — {passage}", k + 1, f.title.chars().take(60).collect::<String>());
        }
        if let Some(a) = answering.first() {
            let passage: String = a.passage.chars().take(300).collect();
            let _ = writeln!(s, "    answering passage: {passage}");
        }
    }
    let mut summary = format!("Questions where Parley's first hit is not the answer: {}\n", kinds.len());
    let mut counted: Vec<(&str, usize)> = Vec::new();
    for k in &kinds {
        match counted.iter_mut().find(|(n, _)| n == k) {
            Some((_, c)) => *c += 1,
            None => counted.push((k, 1)),
        }
    }
    for (k, c) in counted {
        let _ = writeln!(summary, "  {c:>3}  {k}");
    }
    summary + &s
}

/// Replaces the measured block of the `## Retrieval` section of
/// docs/QUALITY.md (between its `retrieval:begin`/`end` markers), creating
/// the section, or the file, when absent.
fn write_quality_section(table: &str) {
    const BEGIN: &str = "<!-- retrieval:begin (written by tests/integration/relevance.rs) -->";
    const END: &str = "<!-- retrieval:end -->";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/QUALITY.md");
    let old = std::fs::read_to_string(&path).unwrap_or_else(|_| "# Quality\n".to_owned());
    let block = format!("{BEGIN}\n{table}{END}");
    let new = match (old.find(BEGIN), old.find(END)) {
        (Some(b), Some(e)) if b < e => format!("{}{block}{}", &old[..b], &old[e + END.len()..]),
        _ => format!("{}\n\n## Retrieval\n\n{block}\n", old.trim_end()),
    };
    std::fs::write(&path, new).expect("write docs/QUALITY.md");
    eprintln!("relevance: wrote the Retrieval table of {}", path.display());
}
