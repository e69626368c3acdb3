//! Parley's speed benchmark on a deterministic synthetic corpus.
//!
//! ```text
//! cargo bench --bench bench                 # 1k, 10k and 100k articles
//! cargo bench --bench bench -- 10000        # one size (or several)
//! PARLEY_BENCH_SIZES=1000,10000 cargo bench --bench bench
//! ```
//!
//! For each size it writes a JSON Lines file of fictional articles (invented
//! people, places and outlets, from a fixed-seed generator), then in a fresh
//! child process: imports it through `Engine::import`, measures `ask` latency
//! over a fixed query mix (in process, highlighting and result assembly
//! included), reopens the data directory and times the first answer, and puts
//! the very same passages (`Engine::passages`) into SQLite FTS5 with bm25 to
//! time the same queries there. Peak RSS is the child's `VmHWM`, read before
//! the FTS5 peer is built. The result is a Markdown table on stdout.
//!
//! These steps are words only (`model_dir: None`), as before the model came,
//! so the table stays comparable with earlier runs. `PARLEY_BENCH_VECTORS`
//! adds a vector phase per size, each in a fresh child of its own:
//!
//! ```text
//! PARLEY_BENCH_VECTORS=model  cargo bench --bench bench -- 10000    # run the model over every passage
//! PARLEY_BENCH_VECTORS=random cargo bench --bench bench -- 100000   # pseudo-random unit vectors
//! ```
//!
//! `model` times `Engine::embed_pending` over the whole corpus (passages per
//! second; about half an hour at 10k articles on 2 cores); `random` fills
//! the vector file with deterministic pseudo-random unit vectors for every
//! passage key and title instead (the model would take hours at 100k: what
//! is measured then is memory and the cost of the brute-force scan, which do
//! not depend on the values). Then a fresh process opens the data directory
//! with the model, times the first answer (model and vectors loaded), the
//! query mix (p50/p95/p99, the question's embedding included), its peak
//! RSS, and the brute-force scan alone (`VectorStore::nearest`, 100 nearest).
//!
//! `PARLEY_BENCH_DIR=DIR` keeps each size's data under `DIR/<size>` and
//! reuses the imported corpus (import is then not timed) and the vectors
//! (embedding is then not timed) on the next run;
//! `PARLEY_BENCH_ROUNDS=N` times N rounds of the query mix (default 5);
//! `PARLEY_BENCH_PEER=0` skips FTS5; `PARLEY_BENCH_VERBOSE=1` prints each
//! query's median time. Those are for profiling.
//!
//! This file measures; it asserts nothing about speed (see the house rules).

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "../tests/integration/fts5.rs"]
mod fts5;
mod measure;

use measure::{cpu_secs, ms, percentile_ms, status_mb};

use parley::corpus::FieldMap;
use parley::vectors::VectorStore;
use parley::{AskQuery, Engine, EngineConfig};

const DEFAULT_SIZES: [usize; 3] = [1_000, 10_000, 100_000];
/// Rounds of the query mix timed after one warm-up round.
const ROUNDS: usize = 5;
const SEED: u64 = 0x5EED_0F9A_71E7;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(pos) = args.iter().position(|a| a == "--one") {
        let size = args.get(pos + 1).and_then(|s| s.parse().ok()).unwrap_or(1000);
        let dir = args.get(pos + 2).map(PathBuf::from).expect("--one SIZE DIR");
        match measure(size, &dir) {
            Ok(m) => println!("RESULT {}", m.to_line()),
            Err(e) => {
                eprintln!("bench at {size} articles failed: {e}");
                std::process::exit(1);
            }
        }
        return;
    }
    if let Some(pos) = args.iter().position(|a| a == "--fill" || a == "--with-vectors") {
        let size = args.get(pos + 1).and_then(|s| s.parse().ok()).unwrap_or(1000);
        let dir = args.get(pos + 2).map(PathBuf::from).expect("--fill|--with-vectors SIZE DIR [MODE]");
        let result = if args[pos] == "--fill" {
            let random = args.get(pos + 3).is_some_and(|m| m == "random");
            fill_vectors(&dir.join("data"), random).map(|v| format!("FILLED {}", line(&v)))
        } else {
            measure_with_vectors(size, &dir.join("data")).map(|v| format!("VRESULT {}", line(&v.to_vec())))
        };
        match result {
            Ok(l) => println!("{l}"),
            Err(e) => {
                eprintln!("vector phase at {size} articles failed: {e}");
                std::process::exit(1);
            }
        }
        return;
    }

    let mut sizes: Vec<usize> = args.iter().filter_map(|a| a.replace('_', "").parse().ok()).collect();
    if sizes.is_empty() {
        if let Ok(env) = std::env::var("PARLEY_BENCH_SIZES") {
            sizes = env.split(',').filter_map(|s| s.trim().replace('_', "").parse().ok()).collect();
        }
    }
    if sizes.is_empty() {
        sizes = DEFAULT_SIZES.to_vec();
    }

    let vectors = match std::env::var("PARLEY_BENCH_VECTORS").as_deref() {
        Ok("model") => Some("model"),
        Ok("random") => Some("random"),
        Ok("" | "0") | Err(_) => None,
        Ok(other) => panic!("PARLEY_BENCH_VECTORS={other}: use model or random"),
    };
    let exe = std::env::current_exe().expect("own path");
    let keep = std::env::var_os("PARLEY_BENCH_DIR").map(PathBuf::from);
    let mut rows = Vec::new();
    let mut vrows = Vec::new();
    for size in sizes {
        // A throw-away directory, or a kept one (PARLEY_BENCH_DIR) whose
        // corpus and index are reused on the next run (for profiling).
        let temp;
        let work = match &keep {
            Some(dir) => dir.join(size.to_string()),
            None => {
                temp = tempfile::Builder::new().prefix("parley-bench-").tempdir().expect("temp dir");
                temp.path().to_path_buf()
            }
        };
        std::fs::create_dir_all(&work).expect("work dir");
        let jsonl = work.join("articles.jsonl");
        if !jsonl.is_file() {
            eprintln!("[{size}] generating the corpus…");
            let t = Instant::now();
            let bytes = write_corpus(&jsonl, size).expect("write corpus");
            eprintln!("[{size}] {} MB of JSON Lines in {:.1?}", bytes / 1_000_000, t.elapsed());
        }
        let out = Command::new(&exe)
            .arg("--one")
            .arg(size.to_string())
            .arg(&work)
            .stderr(std::process::Stdio::inherit())
            .output()
            .expect("run the measuring child");
        let stdout = String::from_utf8_lossy(&out.stdout);
        match stdout.lines().find_map(|l| l.strip_prefix("RESULT ")).and_then(Measured::from_line) {
            Some(m) if out.status.success() => rows.push(m),
            _ => {
                eprintln!("[{size}] the measuring child failed ({}):\n{stdout}", out.status);
                std::process::exit(1);
            }
        }
        if let Some(mode) = vectors {
            let (size_arg, work_arg) = (size.to_string(), work.to_string_lossy());
            let fill = child(&exe, &["--fill", &size_arg, &work_arg, mode], "FILLED ").filter(|f| f.len() == 5);
            let with = fill.is_some().then(|| child(&exe, &["--with-vectors", &size_arg, &work_arg], "VRESULT "));
            match (fill, with.flatten().as_deref().and_then(WithVectors::from_slice)) {
                (Some(f), Some(w)) => vrows.push((size, mode, f, w)),
                _ => {
                    eprintln!("[{size}] the vector phase failed");
                    std::process::exit(1);
                }
            }
        }
    }
    println!("{}", table(&rows));
    if !vrows.is_empty() {
        println!("{}", vector_table(&vrows));
    }
}

/// Runs this benchmark as a child with `args` and returns the numbers of
/// its stdout line that starts with `prefix` (stderr is passed through).
fn child(exe: &Path, args: &[&str], prefix: &str) -> Option<Vec<f64>> {
    let out =
        Command::new(exe).args(args).stderr(std::process::Stdio::inherit()).output().expect("run a measuring child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        eprintln!("{args:?} failed ({}):\n{stdout}", out.status);
        return None;
    }
    stdout.lines().find_map(|l| l.strip_prefix(prefix)).and_then(|l| l.split(' ').map(|v| v.parse().ok()).collect())
}

fn line(values: &[f64]) -> String {
    values.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------
// Measuring one size (in the child process)

#[derive(Debug, Default)]
struct Measured {
    articles: usize,
    imported: usize,
    passages: usize,
    import_secs: f64,
    index_bytes: u64,
    corpus_bytes: u64,
    ask_p50_ms: f64,
    ask_p99_ms: f64,
    ask_mean_hits: f64,
    open_first_ms: f64,
    open_ms: f64,
    rss_mb: f64,
    fts_build_secs: f64,
    fts_bytes: u64,
    fts_p50_ms: f64,
    fts_p99_ms: f64,
    rss_after_fts_mb: f64,
}

impl Measured {
    fn to_line(&self) -> String {
        let f = [
            self.articles as f64,
            self.imported as f64,
            self.passages as f64,
            self.import_secs,
            self.index_bytes as f64,
            self.corpus_bytes as f64,
            self.ask_p50_ms,
            self.ask_p99_ms,
            self.ask_mean_hits,
            self.open_first_ms,
            self.open_ms,
            self.rss_mb,
            self.fts_build_secs,
            self.fts_bytes as f64,
            self.fts_p50_ms,
            self.fts_p99_ms,
            self.rss_after_fts_mb,
        ];
        f.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(" ")
    }

    fn from_line(line: &str) -> Option<Measured> {
        let v: Vec<f64> = line.split(' ').map(|s| s.parse().ok()).collect::<Option<_>>()?;
        if v.len() != 17 {
            return None;
        }
        Some(Measured {
            articles: v[0] as usize,
            imported: v[1] as usize,
            passages: v[2] as usize,
            import_secs: v[3],
            index_bytes: v[4] as u64,
            corpus_bytes: v[5] as u64,
            ask_p50_ms: v[6],
            ask_p99_ms: v[7],
            ask_mean_hits: v[8],
            open_first_ms: v[9],
            open_ms: v[10],
            rss_mb: v[11],
            fts_build_secs: v[12],
            fts_bytes: v[13] as u64,
            fts_p50_ms: v[14],
            fts_p99_ms: v[15],
            rss_after_fts_mb: v[16],
        })
    }
}

fn measure(size: usize, work: &Path) -> Result<Measured, Box<dyn std::error::Error>> {
    let data = work.join("data");
    std::fs::create_dir_all(data.join("corpus"))?;
    let jsonl = work.join("articles.jsonl");
    let queries = query_mix();
    let mut m = Measured { articles: size, ..Measured::default() };

    // Import (skipped when a kept work directory already holds it).
    let marker = work.join("imported");
    // Words only, as this table always measured (the vector phase is apart).
    let words_only = || EngineConfig { model_dir: None, ..EngineConfig::new(&data) };
    let engine = Engine::open(words_only())?;
    eprintln!("[{size}] opened: {}", rss_now());
    if marker.is_file() {
        m.import_secs = f64::NAN;
        m.imported = std::fs::read_to_string(&marker)?.trim().parse().unwrap_or(0);
        eprintln!("[{size}] reusing the {} articles imported before", m.imported);
    } else {
        let t = Instant::now();
        let report = engine.import_file(&jsonl, &FieldMap::default(), |_| {})?;
        m.import_secs = t.elapsed().as_secs_f64();
        m.imported = report.added.len();
        std::fs::write(&marker, m.imported.to_string())?;
        eprintln!(
            "[{size}] imported {} articles in {:.1}s ({} refused)",
            m.imported,
            m.import_secs,
            report.refused.len()
        );
    }

    // Ask latency over the query mix, after one warm-up round.
    let mut hits = 0usize;
    for q in &queries {
        hits += engine.ask(&AskQuery::new(q.as_str()))?.hits.len();
    }
    m.ask_mean_hits = hits as f64 / queries.len() as f64;
    let rounds = std::env::var("PARLEY_BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(ROUNDS);
    let mut times = Vec::with_capacity(rounds * queries.len());
    for _ in 0..rounds {
        for q in &queries {
            let t = Instant::now();
            let answer = engine.ask(&AskQuery::new(q.as_str()))?;
            std::hint::black_box(&answer);
            times.push(t.elapsed());
        }
    }
    if std::env::var("PARLEY_BENCH_VERBOSE").is_ok_and(|v| v == "1") {
        // Per query: the median of its rounds, slowest first.
        let mut per: Vec<(f64, &String)> = queries
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let mut mine: Vec<Duration> = times.iter().skip(i).step_by(queries.len()).copied().collect();
                (percentile_ms(&mut mine, 50.0), q)
            })
            .collect();
        per.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (t, q) in per {
            eprintln!("[{size}] {t:8.2} ms  {q:?}");
        }
    }
    m.ask_p50_ms = percentile_ms(&mut times, 50.0);
    m.ask_p99_ms = percentile_ms(&mut times, 99.0);
    eprintln!("[{size}] after import and asks: {}; peak so far {:.0} MB", rss_now(), peak_rss_mb());
    drop(engine);
    m.index_bytes = dir_size(&data.join("index"));
    m.corpus_bytes = dir_size(&data.join("corpus"));

    // Open to first answer, on the data directory just written.
    let t = Instant::now();
    let engine = Engine::open(words_only())?;
    m.open_ms = ms(t.elapsed());
    let first = engine.ask(&AskQuery::new(queries[0].as_str()))?;
    m.open_first_ms = ms(t.elapsed());
    std::hint::black_box(&first);
    // Parley's peak: import, asks, reopen — before the passages are
    // copied out for the peer.
    m.rss_mb = peak_rss_mb();
    eprintln!(
        "[{size}] ask p50 {:.2} ms p99 {:.2} ms; open {:.0} ms, first answer at {:.0} ms; peak RSS {:.0} MB",
        m.ask_p50_ms, m.ask_p99_ms, m.open_ms, m.open_first_ms, m.rss_mb
    );
    let passages: Vec<(String, String)> =
        engine.passages()?.into_iter().map(|(id, text)| (id.to_string(), text)).collect();
    m.passages = passages.len();
    drop(engine);

    // The FTS5 peer over the same passages (PARLEY_BENCH_PEER=0 skips it,
    // for profiling Parley alone).
    if std::env::var("PARLEY_BENCH_PEER").is_ok_and(|v| v == "0") {
        return Ok(m);
    }
    let db = work.join("fts5.sqlite");
    let _ = std::fs::remove_file(&db);
    let t = Instant::now();
    let mut fts = fts5::Fts5::at(&db)?;
    fts.add(passages.iter().map(|(a, p)| (a.as_str(), p.as_str())))?;
    fts.optimize()?;
    m.fts_build_secs = t.elapsed().as_secs_f64();
    drop(passages);
    m.fts_bytes = std::fs::metadata(&db)?.len();
    for q in &queries {
        std::hint::black_box(fts.search(q, 5, true)?);
    }
    let mut times = Vec::with_capacity(ROUNDS * queries.len());
    for _ in 0..ROUNDS {
        for q in &queries {
            let t = Instant::now();
            std::hint::black_box(fts.search(q, 5, true)?);
            times.push(t.elapsed());
        }
    }
    m.fts_p50_ms = percentile_ms(&mut times, 50.0);
    m.fts_p99_ms = percentile_ms(&mut times, 99.0);
    m.rss_after_fts_mb = peak_rss_mb();
    eprintln!(
        "[{size}] FTS5: built in {:.1}s; p50 {:.2} ms p99 {:.2} ms",
        m.fts_build_secs, m.fts_p50_ms, m.fts_p99_ms
    );
    Ok(m)
}

// ---------------------------------------------------------------------------
// The vector phase (PARLEY_BENCH_VECTORS), each step in a child of its own

/// Fills the vector store of `data`, with the model (`Engine::embed_pending`,
/// timed) or with pseudo-random unit vectors. Returns the passages, those
/// without a vector before, the texts computed (passages and titles) and
/// the seconds and CPU seconds it took.
fn fill_vectors(data: &Path, random: bool) -> Result<Vec<f64>, Box<dyn std::error::Error>> {
    if !random {
        let engine = Engine::open(EngineConfig::new(data))?;
        let before = engine.vector_status()?;
        eprintln!("[vectors] {} passages, {} without a vector: embedding…", before.passages, before.missing);
        let (t, cpu) = (Instant::now(), cpu_secs());
        let mut shown = 0;
        let n = engine.embed_pending(|done, total| {
            if done * 20 / total > shown || done == total {
                shown = done * 20 / total;
                let secs = t.elapsed().as_secs_f64();
                eprintln!("[vectors] {done}/{total} in {secs:.0}s ({:.1}/s)", done as f64 / secs);
            }
        })?;
        let (secs, cpu) = (t.elapsed().as_secs_f64(), cpu_secs() - cpu);
        return Ok(vec![before.passages as f64, before.missing as f64, n as f64, secs, cpu]);
    }
    // The keys the engine looks vectors up by, in both stores.
    let engine = Engine::open(EngineConfig { model_dir: None, ..EngineConfig::new(data) })?;
    let keys = engine.vector_keys()?;
    drop(engine);
    let passages = keys.passages.len();
    // The model only names the files (vectors of two models never mix).
    let id = parley::embed::Model::load(&parley::embed::default_dir())?.id().to_owned();
    let [first, second] = parley::engine::store_files(&id);
    let open = |f: &str| VectorStore::open(&data.join("vectors").join(f), parley::embed::DIM);
    let (store, sentences) = (open(&first)?, open(&second)?);
    let missing_passages = store.missing(keys.passages.iter().copied()).len();
    let missing = [store.missing(keys.passages.into_iter().chain(keys.titles)), sentences.missing(keys.sentences)];
    eprintln!("[vectors] {passages} passages, {missing_passages} without a vector: random unit vectors…");
    let t = Instant::now();
    for (store, missing) in [&store, &sentences].into_iter().zip(&missing) {
        for chunk in missing.chunks(4096) {
            let items: Vec<(u64, Vec<f32>)> = chunk.iter().map(|&k| (k, unit_vector(k))).collect();
            store.insert(&items)?;
        }
    }
    let missing = missing[0].len() + missing[1].len();
    Ok(vec![passages as f64, missing_passages as f64, missing as f64, t.elapsed().as_secs_f64(), 0.0])
}

/// A pseudo-random unit vector, the same for the same seed (uniform in the
/// cube, normalised).
fn unit_vector(seed: u64) -> Vec<f32> {
    let mut rng = Rng(seed);
    let mut v: Vec<f32> =
        (0..parley::embed::DIM).map(|_| (rng.next() >> 40) as f32 / (1u64 << 23) as f32 - 1.0).collect();
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-9);
    v.iter_mut().for_each(|x| *x /= norm);
    v
}

/// What one size measures with its vectors loaded.
#[derive(Debug, Default)]
struct WithVectors {
    passages: f64,
    missing: f64,
    vectors: f64,
    vector_bytes: f64,
    open_ms: f64,
    open_first_ms: f64,
    ask_p50_ms: f64,
    ask_p95_ms: f64,
    ask_p99_ms: f64,
    mean_hits: f64,
    peak_rss_mb: f64,
    rss_mb: f64,
    heap_mb: f64,
    files_mb: f64,
    scan_p50_ms: f64,
    scan_p99_ms: f64,
}

impl WithVectors {
    fn to_vec(&self) -> Vec<f64> {
        vec![
            self.passages,
            self.missing,
            self.vectors,
            self.vector_bytes,
            self.open_ms,
            self.open_first_ms,
            self.ask_p50_ms,
            self.ask_p95_ms,
            self.ask_p99_ms,
            self.mean_hits,
            self.peak_rss_mb,
            self.rss_mb,
            self.heap_mb,
            self.files_mb,
            self.scan_p50_ms,
            self.scan_p99_ms,
        ]
    }

    fn from_slice(v: &[f64]) -> Option<WithVectors> {
        let &[passages, missing, vectors, vector_bytes, open_ms, open_first_ms, ask_p50_ms, ask_p95_ms, ask_p99_ms, mean_hits, peak_rss_mb, rss_mb, heap_mb, files_mb, scan_p50_ms, scan_p99_ms] =
            v
        else {
            return None;
        };
        Some(WithVectors {
            passages,
            missing,
            vectors,
            vector_bytes,
            open_ms,
            open_first_ms,
            ask_p50_ms,
            ask_p95_ms,
            ask_p99_ms,
            mean_hits,
            peak_rss_mb,
            rss_mb,
            heap_mb,
            files_mb,
            scan_p50_ms,
            scan_p99_ms,
        })
    }
}

/// In a fresh process: open with the model, first answer (model and
/// vectors loaded on the way), the query mix, memory, then the brute-force
/// scan alone on a second copy of the store.
fn measure_with_vectors(size: usize, data: &Path) -> Result<WithVectors, Box<dyn std::error::Error>> {
    let queries = query_mix();
    let mut w = WithVectors::default();
    let t = Instant::now();
    let engine = Engine::open(EngineConfig::new(data))?;
    w.open_ms = ms(t.elapsed());
    std::hint::black_box(engine.ask(&AskQuery::new(queries[0].as_str()))?);
    w.open_first_ms = ms(t.elapsed());
    let mut hits = 0usize;
    for q in &queries {
        hits += engine.ask(&AskQuery::new(q.as_str()))?.hits.len();
    }
    w.mean_hits = hits as f64 / queries.len() as f64;
    let rounds = std::env::var("PARLEY_BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(ROUNDS);
    let mut times = Vec::with_capacity(rounds * queries.len());
    for _ in 0..rounds {
        for q in &queries {
            let t = Instant::now();
            std::hint::black_box(engine.ask(&AskQuery::new(q.as_str()))?);
            times.push(t.elapsed());
        }
    }
    w.ask_p50_ms = percentile_ms(&mut times, 50.0);
    w.ask_p95_ms = percentile_ms(&mut times, 95.0);
    w.ask_p99_ms = percentile_ms(&mut times, 99.0);
    w.peak_rss_mb = peak_rss_mb();
    (w.rss_mb, w.heap_mb, w.files_mb) = (status_mb("VmRSS:"), status_mb("RssAnon:"), status_mb("RssFile:"));
    eprintln!(
        "[{size}] with vectors: ask p50 {:.2} ms p95 {:.2} ms p99 {:.2} ms; first answer at {:.0} ms; {}; peak {:.0} MB",
        w.ask_p50_ms,
        w.ask_p95_ms,
        w.ask_p99_ms,
        w.open_first_ms,
        rss_now(),
        w.peak_rss_mb
    );
    let status = engine.vector_status()?;
    (w.passages, w.missing) = (status.passages as f64, status.missing as f64);
    drop(engine);

    let path = data.join("vectors").join(format!("{}.bin", status.model.ok_or("the model did not load")?));
    w.vector_bytes = std::fs::metadata(&path)?.len() as f64;
    let store = VectorStore::open(&path, parley::embed::DIM)?;
    w.vectors = store.len() as f64;
    let probes: Vec<Vec<f32>> = (0..50).map(|i| unit_vector(SEED ^ i)).collect();
    for p in &probes {
        std::hint::black_box(store.nearest(p, 100));
    }
    let mut times = Vec::new();
    for _ in 0..rounds {
        for p in &probes {
            let t = Instant::now();
            std::hint::black_box(store.nearest(p, 100));
            times.push(t.elapsed());
        }
    }
    w.scan_p50_ms = percentile_ms(&mut times, 50.0);
    w.scan_p99_ms = percentile_ms(&mut times, 99.0);
    eprintln!(
        "[{size}] brute-force scan of {} vectors: p50 {:.2} ms p99 {:.2} ms",
        w.vectors, w.scan_p50_ms, w.scan_p99_ms
    );
    Ok(w)
}

/// Resident memory now, split into anonymous (heap) and file-backed
/// (mapped index files) pages, for the log.
fn rss_now() -> String {
    format!(
        "RSS {:.0} MB (heap {:.0} MB, mapped files {:.0} MB)",
        status_mb("VmRSS:"),
        status_mb("RssAnon:"),
        status_mb("RssFile:")
    )
}

/// `VmHWM` of this process in MB (0 where /proc is absent).
fn peak_rss_mb() -> f64 {
    status_mb("VmHWM:")
}

fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(md) if md.is_dir() => dir_size(&e.path()),
            Ok(md) => md.len(),
            Err(_) => 0,
        })
        .sum()
}

// ---------------------------------------------------------------------------
// The table

fn table(rows: &[Measured]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| articles | passages | import (articles/s) | index on disk | ask p50 | ask p99 | FTS5 p50 | FTS5 p99 | open → first answer | peak RSS |"
    );
    let _ = writeln!(s, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for m in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {:.0} ms | {:.0} MB |",
            thousands(m.articles),
            thousands(m.passages),
            if m.import_secs.is_nan() { "–".to_owned() } else { format!("{:.0}", m.imported as f64 / m.import_secs) },
            human_bytes(m.index_bytes),
            m.ask_p50_ms,
            m.ask_p99_ms,
            m.fts_p50_ms,
            m.fts_p99_ms,
            m.open_first_ms,
            m.rss_mb,
        );
    }
    let _ =
        writeln!(s, "| target at 100k | | ≥ 1,000 | | ≤ 5 ms, < FTS5 | ≤ 25 ms, < FTS5 | | | ≤ 1,000 ms | ≤ 500 MB |");
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "| articles | imported | corpus on disk | import time | Engine::open alone | mean hits per ask | FTS5 build | FTS5 on disk | peak RSS with FTS5 |"
    );
    let _ = writeln!(s, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for m in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {:.0} ms | {:.1} | {:.1} s | {} | {:.0} MB |",
            thousands(m.articles),
            thousands(m.imported),
            human_bytes(m.corpus_bytes),
            if m.import_secs.is_nan() { "(reused)".to_owned() } else { format!("{:.1} s", m.import_secs) },
            m.open_ms,
            m.ask_mean_hits,
            m.fts_build_secs,
            human_bytes(m.fts_bytes),
            m.rss_after_fts_mb,
        );
    }
    s
}

/// The vector phase's table: one row per size with the fill child's
/// numbers (passages, missing before, computed, seconds, CPU seconds).
fn vector_table(rows: &[(usize, &str, Vec<f64>, WithVectors)]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| articles | passages | vectors | filled by | embedding (passages/s) | ask p50 | ask p95 | ask p99 | mean hits | open → first answer | peak RSS | RSS after asks (heap + mapped) | vector file | scan p50 | scan p99 |"
    );
    let _ = writeln!(s, "|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (size, mode, f, w) in rows {
        let embedding = match (*mode, f[2] > 0.0) {
            ("model", true) => format!(
                "{:.1} ({} texts in {:.0} s; {:.1} per CPU second)",
                f[1] / f[3],
                thousands(f[2] as usize),
                f[3],
                f[1] / f[4]
            ),
            ("model", false) => "(reused)".to_owned(),
            _ => "–".to_owned(),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {:.2} ms | {:.2} ms | {:.2} ms | {:.1} | {:.0} ms | {:.0} MB | {:.0} MB ({:.0} + {:.0}) | {} | {:.2} ms | {:.2} ms |",
            thousands(*size),
            thousands(w.passages as usize),
            thousands(w.vectors as usize),
            if *mode == "model" { "the model" } else { "random unit vectors" },
            embedding,
            w.ask_p50_ms,
            w.ask_p95_ms,
            w.ask_p99_ms,
            w.mean_hits,
            w.open_first_ms,
            w.peak_rss_mb,
            w.rss_mb,
            w.heap_mb,
            w.files_mb,
            human_bytes(w.vector_bytes as u64),
            w.scan_p50_ms,
            w.scan_p99_ms,
        );
    }
    s
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn human_bytes(b: u64) -> String {
    if b >= 1 << 30 {
        format!("{:.2} GB", b as f64 / (1u64 << 30) as f64)
    } else {
        format!("{:.0} MB", b as f64 / (1u64 << 20) as f64)
    }
}

// ---------------------------------------------------------------------------
// The synthetic corpus: fictional articles from a fixed-seed generator

/// SplitMix64: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    /// An index skewed towards 0, so a few words are common and most rare.
    fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u * u) * n as f64) as usize % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SYLLABLES: &[&str] = &[
    "al", "bar", "ces", "dor", "el", "fen", "gal", "hav", "ir", "jas", "kel", "lun", "mor", "nad", "os", "pra", "quel",
    "ros", "sav", "tir", "ul", "vel", "wen", "yar", "zor", "ka", "li", "me", "no", "ri", "ta", "vo",
];

const COMMON: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "that",
    "for",
    "on",
    "with",
    "was",
    "said",
    "is",
    "by",
    "as",
    "at",
    "from",
    "it",
    "an",
    "be",
    "has",
    "have",
    "would",
    "will",
    "not",
    "but",
    "their",
    "its",
    "after",
    "were",
    "talks",
    "minister",
    "government",
    "president",
    "officials",
    "agreement",
    "meeting",
    "security",
    "border",
    "delegation",
    "ceasefire",
    "peace",
    "week",
    "statement",
    "foreign",
    "capital",
    "region",
    "forces",
    "trade",
    "envoy",
    "council",
    "proposal",
    "sanctions",
    "summit",
    "negotiations",
    "treaty",
    "deal",
    "elections",
    "parliament",
    "leaders",
    "military",
    "economy",
    "prisoners",
    "exchange",
    "guarantees",
    "territory",
    "aid",
    "energy",
    "grain",
    "port",
    "river",
    "harbour",
    "vote",
    "court",
    "report",
    "plan",
    "round",
    "frontier",
    "spokesman",
    "mediator",
    "observers",
    "mission",
    "refugees",
    "convoy",
    "pipeline",
    "railway",
    "bridge",
];

const VERBS: &[&str] = &[
    "rejected",
    "welcomed",
    "proposed",
    "signed",
    "postponed",
    "criticised",
    "announced",
    "confirmed",
    "denied",
    "approved",
    "suspended",
    "resumed",
    "questioned",
    "endorsed",
    "delayed",
    "offered",
];

const ADJECTIVES: &[&str] = &[
    "new",
    "fragile",
    "lasting",
    "direct",
    "formal",
    "tense",
    "constructive",
    "difficult",
    "broad",
    "limited",
    "binding",
    "early",
    "regional",
    "joint",
    "second",
    "final",
];

const ROLES: &[&str] = &[
    "foreign minister",
    "prime minister",
    "president",
    "chief negotiator",
    "defence minister",
    "special envoy",
    "speaker of parliament",
    "mayor",
    "governor",
    "central bank governor",
];

const DAYS: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// The invented world the articles are about.
struct World {
    people: Vec<String>,
    places: Vec<String>,
    outlets: Vec<String>,
    tail: Vec<String>,
}

impl World {
    fn new() -> World {
        let mut rng = Rng(SEED);
        let word = |rng: &mut Rng, parts: usize| -> String {
            let mut w = String::new();
            for _ in 0..parts {
                w.push_str(rng.pick(SYLLABLES));
            }
            w
        };
        let cap = |s: String| -> String {
            let mut c = s.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
        };
        let people = (0..3000)
            .map(|_| {
                let first = cap(word(&mut rng, 2));
                let n = rng.range(2, 3);
                let last = cap(word(&mut rng, n));
                format!("{first} {last}")
            })
            .collect();
        let places = (0..800)
            .map(|_| {
                let n = rng.range(2, 3);
                cap(word(&mut rng, n) + rng.pick(&["ia", "a", "ovo", "burg", "stan", "ora", ""]))
            })
            .collect();
        let outlets = (0..60)
            .map(|_| {
                let n = rng.range(2, 3);
                cap(word(&mut rng, n)) + rng.pick(&[" Herald", " Times", " Post", " Courier", " Wire", " Daily"])
            })
            .collect();
        let tail = (0..40_000)
            .map(|_| {
                let n = rng.range(2, 4);
                word(&mut rng, n)
            })
            .collect();
        World { people, places, outlets, tail }
    }

    fn person(&self, rng: &mut Rng) -> &str {
        &self.people[rng.skewed(self.people.len())]
    }
    fn place(&self, rng: &mut Rng) -> &str {
        &self.places[rng.skewed(self.places.len())]
    }
    fn noun(&self, rng: &mut Rng) -> &str {
        if rng.below(3) == 0 {
            &self.tail[rng.skewed(self.tail.len())]
        } else {
            COMMON[30 + rng.below(COMMON.len() - 30)]
        }
    }

    fn sentence(&self, rng: &mut Rng) -> String {
        let p = self.person(rng).to_owned();
        let c = self.place(rng).to_owned();
        let n1 = self.noun(rng).to_owned();
        let n2 = self.noun(rng).to_owned();
        let v = rng.pick(VERBS);
        let a = rng.pick(ADJECTIVES);
        let r = rng.pick(ROLES);
        let d = rng.pick(DAYS);
        match rng.below(8) {
            0 => format!("{p}, the {r} of {c}, said on {d} that the {a} {n1} would not change the {n2}."),
            1 => format!("Officials in {c} {v} the {a} {n1} after {p} met the {n2} delegation."),
            2 => format!("“We will not accept a {n1} imposed from outside,” {p} told reporters in {c}."),
            3 => format!("The {n1} between {c} and {} is expected to reach the {n2} by {d}.", self.place(rng)),
            4 => format!("{p} {v} a {a} {n1} on {d}, according to two people familiar with the {n2}."),
            5 => format!("In {c}, the {r} {v} the {n1} and called for a {a} {n2}."),
            _ => {
                let len = rng.range(12, 26);
                let mut s = String::new();
                for i in 0..len {
                    let w = if rng.below(3) == 0 { self.noun(rng) } else { COMMON[rng.skewed(30)] };
                    if i == 0 {
                        let mut ch = w.chars();
                        if let Some(f) = ch.next() {
                            s.extend(f.to_uppercase());
                            s.push_str(ch.as_str());
                        }
                    } else {
                        s.push(' ');
                        s.push_str(w);
                    }
                }
                s.push('.');
                s
            }
        }
    }

    /// One article as a JSON object (the import's default columns).
    fn article(&self, n: usize) -> serde_json::Value {
        let mut rng = Rng(SEED ^ (n as u64).wrapping_mul(0xA24B_AED4_963E_E407));
        let outlet = self.outlets[rng.below(self.outlets.len())].clone();
        let title = format!(
            "{} and {} {} {} {} in {}",
            self.person(&mut rng),
            self.person(&mut rng),
            rng.pick(VERBS),
            rng.pick(ADJECTIVES),
            self.noun(&mut rng),
            self.place(&mut rng),
        );
        let mut body = String::new();
        for p in 0..rng.range(8, 12) {
            if p > 0 {
                body.push_str("\n\n");
            }
            for s in 0..rng.range(2, 4) {
                if s > 0 {
                    body.push(' ');
                }
                body.push_str(&self.sentence(&mut rng));
            }
        }
        let host: String = outlet.to_lowercase().chars().filter(char::is_ascii_alphanumeric).collect();
        serde_json::json!({
            "url": format!("https://{host}.example/news/{n}"),
            "title": title,
            "published": format!("20{:02}-{:02}-{:02}", 20 + n % 6, 1 + n % 12, 1 + n % 28),
            "outlet": outlet,
            "body": body,
        })
    }
}

/// Writes `size` articles as JSON Lines; returns the bytes written.
fn write_corpus(path: &Path, size: usize) -> std::io::Result<u64> {
    let world = World::new();
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    for n in 0..size {
        serde_json::to_writer(&mut out, &world.article(n))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

/// The fixed query mix: questions about the invented world in the shapes
/// people type (names, places, common words, a long one, a hostile one).
fn query_mix() -> Vec<String> {
    let world = World::new();
    let mut rng = Rng(SEED ^ 0xC0FFEE);
    let mut q = Vec::new();
    for _ in 0..8 {
        q.push(format!("where will {} and {} meet?", world.person(&mut rng), world.person(&mut rng)));
        q.push(format!("what did {} say about the {}", world.person(&mut rng), world.noun(&mut rng)));
        q.push(format!("{} {} {}", world.place(&mut rng), world.noun(&mut rng), rng.pick(ADJECTIVES)));
        q.push(format!("who is the {} of {}", rng.pick(ROLES), world.place(&mut rng)));
        q.push(format!("when was the {} {} in {}?", world.noun(&mut rng), rng.pick(VERBS), world.place(&mut rng)));
        q.push(world.place(&mut rng).to_lowercase());
    }
    q.push("what did the minister say about the talks on security guarantees and the ceasefire".to_owned());
    q.push("peace".to_owned());
    q.push("\"unbalanced AND ( OR title:".to_owned());
    let long: Vec<&str> = (0..40).map(|_| world.noun(&mut rng)).collect();
    q.push(long.join(" "));
    q
}
