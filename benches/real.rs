//! Parley's speed on the real corpus, with the model: the seed, the 72
//! talks-news articles and both press-release sets of `../shared`, built as
//! `tests/integration/relevance.rs` builds them, then asked the questions of
//! `tests/eval/questions/` (`dev` and `test`, the `question` field only).
//!
//! ```text
//! cargo bench --bench real                         # about 15 minutes cold on 2 cores, 3 with the cache
//! PARLEY_BENCH_COLD=1 cargo bench --bench real     # ignore the vector cache: embed everything again
//! PARLEY_BENCH_ROUNDS=N cargo bench --bench real   # rounds of the questions (default 5, after a warm-up)
//! PARLEY_BENCH_VECTORS_FROM=DIR cargo bench --bench real  # take vectors from DIR; embedding is not measured
//! ```
//!
//! 1. **lexical import**: the bundled `corpus/` copied in, the talks-news
//!    files through `Engine::add` one by one, the CSVs through
//!    `Engine::import_file` (words indexed, no vectors).
//! 2. **embedding**: `Engine::embed_pending` over every passage, sentence
//!    and title.
//!    The first (cold) run is the one reported: its figures are kept beside
//!    a copy of the vectors under `target/tmp/parley-bench-real/`, and later
//!    runs load that copy instead of embedding again and report the cold
//!    run's figures, saying so. `PARLEY_BENCH_COLD=1` measures afresh.
//! 3. in a fresh child process (so its memory is its own): `Engine::open`
//!    and the first answer (the model loaded and checked, the vectors read);
//!    a warm-up round, then the rounds of `Engine::ask` (limit 5, question
//!    embedding included): p50/p95/p99; peak RSS; where the time goes (each
//!    part timed alone on the same questions); and the same rounds words
//!    only (`model_dir: None`).
//!
//! This file measures; it asserts nothing about speed (see the house rules).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

mod measure;
#[path = "../tests/integration/real_corpus.rs"]
mod real_corpus;

use measure::{cpu_secs, ms, percentile_ms, status_mb};
use parley::vectors::VectorStore;
use parley::{AskQuery, Engine, EngineConfig};

/// Rounds of the questions timed after one warm-up round.
const ROUNDS: usize = 5;
/// Results asked for, as the relevance test asks.
const LIMIT: usize = 5;
/// Candidates `ask` takes from the vector list (`engine::ask::VECTOR_CANDIDATES`).
const VECTOR_CANDIDATES: usize = 50;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(pos) = args.iter().position(|a| a == "--measure") {
        let data = args.get(pos + 1).map(PathBuf::from).expect("--measure DATA_DIR");
        if let Err(e) = measure(&data) {
            eprintln!("real: measuring failed: {e}");
            std::process::exit(1);
        }
        return;
    }
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if !shared.join("README.md").is_file() {
        eprintln!("skipped: ../shared is absent (the test data folder beside the repository)");
        return;
    }
    println!("Machine: {} cores; load average {} at the start.", cores(), loadavg());

    // 1. Lexical import.
    let temp = tempfile::Builder::new().prefix("parley-real-").tempdir().expect("temp dir");
    let data = temp.path();
    std::fs::create_dir_all(data.join("corpus")).expect("corpus dir");
    let started = Instant::now();
    real_corpus::copy_bundled_corpus(data);
    let engine = Engine::open(EngineConfig::new(data)).expect("open");
    let (added, refused) = real_corpus::add_shared(&engine, &shared);
    let refused = refused.len();
    let import_secs = started.elapsed().as_secs_f64();
    let status = engine.vector_status().expect("vector status");
    let articles = engine.list().expect("list").len();
    println!(
        "Lexical import: {articles} articles ({added} added, {refused} refused as duplicates or empty, plus the bundled \
         seed), {} passages, in {import_secs:.1} s: {:.0} articles/s, {:.0} passages/s.",
        status.passages,
        articles as f64 / import_secs,
        status.passages as f64 / import_secs
    );

    // 2. Embedding, cold (or the cold run's figures, with its vectors).
    let model = status.model.clone().expect("the model loads");
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("parley-bench-real");
    let (cached, cold_note) = (cache.join(format!("{model}.bin")), cache.join(format!("{model}.cold.txt")));
    let cold = std::env::var("PARLEY_BENCH_COLD").is_ok_and(|v| v == "1");
    if let Some(from) = std::env::var_os("PARLEY_BENCH_VECTORS_FROM") {
        // Vectors computed elsewhere (the relevance test's cache holds this
        // very corpus): asking is measured, embedding is not.
        let loaded = engine.load_vectors_from(Path::new(&from)).expect("load the given vectors");
        let rest = engine.embed_pending(|_, _| {}).expect("embed the rest");
        println!(
            "Embedding: not measured in this run ({loaded} vectors taken from {}, {rest} computed).",
            Path::new(&from).display()
        );
    } else if !cold && cached.is_file() && cold_note.is_file() {
        let t = Instant::now();
        let loaded = engine.load_vectors_from(&cache).expect("load cached vectors");
        let rest = engine.embed_pending(|_, _| {}).expect("embed the rest");
        println!(
            "Embedding: {loaded} vectors loaded from the cache and {rest} computed in {:.1} s; the cold run \
             (PARLEY_BENCH_COLD=1 to measure again) measured: {}",
            t.elapsed().as_secs_f64(),
            std::fs::read_to_string(&cold_note).unwrap_or_default().trim()
        );
    } else {
        let load_before = loadavg();
        let cpu = cpu_secs();
        let t = Instant::now();
        let mut shown = 0;
        let n = engine
            .embed_pending(|done, total| {
                if done * 10 / total > shown || done == total {
                    shown = done * 10 / total;
                    eprintln!("real: vectors {done}/{total} in {:.0} s", t.elapsed().as_secs_f64());
                }
            })
            .expect("embed passages");
        let (secs, cpu) = (t.elapsed().as_secs_f64(), cpu_secs() - cpu);
        let note = format!(
            "{} passages with their sentences ({n} steps: each passage and title embedded, each passage's \
             sentences embedded) in {secs:.1} s: {:.1} passages/s ({:.1} steps/s) on {} cores, \
             load average {load_before} before and {} after; {cpu:.0} CPU seconds, {:.1} passages per CPU second \
             (cold run of {}).",
            status.missing,
            status.missing as f64 / secs,
            n as f64 / secs,
            cores(),
            loadavg(),
            status.missing as f64 / cpu,
            now_utc()
        );
        println!("Embedding: {note}");
        let copied = real_corpus::cache_vectors(data, &cache).and_then(|_| std::fs::write(&cold_note, &note));
        if let Err(e) = copied {
            eprintln!("real: could not cache the vectors: {e}");
        }
    }
    drop(engine);

    // 3. Asking, in a fresh process.
    let exe = std::env::current_exe().expect("own path");
    let status = Command::new(exe).arg("--measure").arg(data).status().expect("run the measuring child");
    if !status.success() {
        eprintln!("real: the measuring child failed ({status})");
        std::process::exit(1);
    }
}

/// In a fresh process: open and first answer, the question rounds with the
/// model, memory, where the time goes, then the rounds words only.
fn measure(data: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let questions = questions()?;
    let rounds = std::env::var("PARLEY_BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(ROUNDS);
    let ask = |q: &str| AskQuery { limit: LIMIT, ..AskQuery::new(q) };

    let t = Instant::now();
    let engine = Engine::open(EngineConfig::new(data))?;
    let open_ms = ms(t.elapsed());
    std::hint::black_box(engine.ask(&ask(&questions[0]))?);
    let first_ms = ms(t.elapsed());
    let status = engine.vector_status()?;
    let cpu = cpu_secs();
    let (hybrid, hits) = rounds_of(&engine, &questions, rounds)?;
    let cpu_per_ask = 1000.0 * (cpu_secs() - cpu) / ((rounds + 1) * questions.len()) as f64;
    let peak = status_mb("VmHWM:");
    let (rss, heap, files) = (status_mb("VmRSS:"), status_mb("RssAnon:"), status_mb("RssFile:"));
    println!(
        "Asked {} questions × {rounds} rounds after a warm-up; {} passages, {} without a vector.\n",
        questions.len(),
        status.passages,
        status.missing
    );
    println!("| figure | value |\n|---|---:|");
    println!("| open → first answer (model loaded and checked, vectors read) | {first_ms:.0} ms (open alone {open_ms:.0} ms) |");
    println!("| ask with the model: p50 / p95 / p99 | {} |", percentiles(hybrid.clone()));
    println!("| mean hits per question | {hits:.2} |");
    println!("| CPU time per ask (process, all threads; a measure the machine's other load does not inflate) | {cpu_per_ask:.1} ms |");
    println!("| peak RSS (VmHWM) | {peak:.0} MB |");
    println!("| RSS after the rounds (heap + mapped files) | {rss:.0} MB ({heap:.0} + {files:.0}) |");

    // Where the time goes: each part alone, once per question, on a second
    // copy of the model and the vectors (after memory was read).
    let model = parley::embed::Model::load(&parley::embed::default_dir())?;
    let store = VectorStore::open(
        &data.join("vectors").join(format!("{}.bin", status.model.as_deref().unwrap_or_default())),
        parley::embed::DIM,
    )?;
    let (mut embed_q, mut scan) = (Vec::new(), Vec::new());
    for q in &questions {
        let t = Instant::now();
        let v = model.embed(&[q.as_str()])?.remove(0);
        embed_q.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(store.nearest(&v, VECTOR_CANDIDATES));
        scan.push(t.elapsed());
    }
    drop(engine);

    // Words only, on the same directory.
    let engine = Engine::open(EngineConfig { model_dir: None, ..EngineConfig::new(data) })?;
    let cpu = cpu_secs();
    let (words, words_hits) = rounds_of(&engine, &questions, rounds)?;
    let words_cpu = 1000.0 * (cpu_secs() - cpu) / ((rounds + 1) * questions.len()) as f64;
    println!("| ask words only (`model_dir: None`): p50 / p95 / p99 | {} |", percentiles(words.clone()));
    println!("| mean hits per question, words only | {words_hits:.2} |");
    println!("| CPU time per ask, words only | {words_cpu:.1} ms |");

    let mean = |t: &[Duration]| t.iter().map(|d| ms(*d)).sum::<f64>() / t.len().max(1) as f64;
    let total = mean(&hybrid);
    println!("\nWhere the time of a hybrid ask goes (means per question, each part timed alone):\n");
    println!("| part | mean | p95 | share of the mean ask |\n|---|---:|---:|---:|");
    let mut parts: Vec<(&str, Vec<Duration>)> = vec![
        ("question embedding (`Model::embed`, one text)", embed_q),
        ("vector scan (`VectorStore::nearest`, 50 of all)", scan),
        ("words-only ask (tantivy, re-ranking, highlighting, hits)", words),
    ];
    let mut accounted = 0.0;
    for (name, times) in &mut parts {
        let m = mean(times);
        accounted += m;
        let p95 = percentile_ms(times, 95.0);
        println!("| {name} | {m:.2} ms | {p95:.2} ms | {:.0} % |", 100.0 * m / total);
    }
    // Parts timed alone can add up to more than the whole (load varies).
    if total > accounted {
        println!(
            "| the rest (vector candidates' documents, passage, sentence and title cosines) | {:.2} ms | | {:.0} % |",
            total - accounted,
            100.0 * (total - accounted) / total
        );
    }
    println!("| **hybrid ask** | {total:.2} ms | {:.2} ms | 100 % |", percentile_ms(&mut hybrid.clone(), 95.0));
    println!("\nLoad average at the end: {}.", loadavg());
    Ok(())
}

/// One warm-up round (counting hits), then `rounds` timed rounds.
fn rounds_of(engine: &Engine, questions: &[String], rounds: usize) -> Result<(Vec<Duration>, f64), parley::Error> {
    let mut hits = 0;
    for q in questions {
        hits += engine.ask(&AskQuery { limit: LIMIT, ..AskQuery::new(q.as_str()) })?.hits.len();
    }
    let mut times = Vec::with_capacity(rounds * questions.len());
    for _ in 0..rounds {
        for q in questions {
            let t = Instant::now();
            std::hint::black_box(engine.ask(&AskQuery { limit: LIMIT, ..AskQuery::new(q.as_str()) })?);
            times.push(t.elapsed());
        }
    }
    Ok((times, hits as f64 / questions.len().max(1) as f64))
}

/// The `question` of every line of the dev and test splits.
fn questions() -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval/questions");
    let mut out = Vec::new();
    for split in ["dev.jsonl", "test.jsonl"] {
        for line in std::fs::read_to_string(dir.join(split))?.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line)?;
            out.extend(v["question"].as_str().map(str::to_owned));
        }
    }
    Ok(out)
}

/// The bundled corpus (articles and `aliases.toml`) copied into `data`.
fn percentiles(mut times: Vec<Duration>) -> String {
    format!(
        "{:.1} / {:.1} / {:.1} ms",
        percentile_ms(&mut times, 50.0),
        percentile_ms(&mut times, 95.0),
        percentile_ms(&mut times, 99.0)
    )
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The date and time now, UTC.
fn now_utc() -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::now_utc().format(&format).unwrap_or_default()
}
