//! How fast `quotes::extract` reads real articles: every BBC article and
//! every talks-news page of `../shared/data` (about 2,300 documents, 6 MB),
//! read and parsed first, then extracted on one thread, three times; the
//! best pass is reported (CPU time of this process, so other load on the
//! machine counts less).
//!
//! ```text
//! cargo bench --bench quotes
//! ```
//!
//! `PARLEY_QUOTES_DUMP=FILE` also writes every statement found (its debug
//! form, one per line, in document order) to FILE, so that a change meant
//! only to be faster can be checked to find exactly the same statements.
//!
//! Issue 9 asks for at least 2,000 documents per second on one core. This
//! file measures; it asserts nothing about speed (see the house rules).

use std::path::{Path, PathBuf};

// Only `cpu_secs` is needed here.
#[allow(dead_code)]
mod measure;

use measure::cpu_secs;
use parley::names::Aliases;

/// Passes over the documents; the best is reported.
const PASSES: usize = 3;

fn main() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if !shared.is_dir() {
        eprintln!("quotes bench: {} is absent; nothing measured", shared.display());
        return;
    }
    let mut files = Vec::new();
    collect(&shared.join("bbc"), "txt", &mut files);
    collect(&shared.join("talks-news"), "md", &mut files);
    files.sort();
    let bodies: Vec<String> =
        files.iter().filter_map(|f| parley::engine::read_document_file(f).ok()).map(|d| d.body).collect();
    let bytes: usize = bodies.iter().map(String::len).sum();
    let aliases = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/aliases.toml"))
        .ok()
        .and_then(|t| Aliases::parse(&t).ok())
        .unwrap_or_default();
    let mut best = f64::MAX;
    let mut statements = 0;
    for _ in 0..PASSES {
        let start = cpu_secs();
        statements = bodies.iter().map(|b| parley::quotes::extract(b, &aliases).len()).sum::<usize>();
        best = best.min(cpu_secs() - start);
    }
    if let Some(path) = std::env::var_os("PARLEY_QUOTES_DUMP") {
        let mut out = String::new();
        for b in &bodies {
            for q in parley::quotes::extract(b, &aliases) {
                out.push_str(&format!("{q:?}\n"));
            }
        }
        if let Err(e) = std::fs::write(&path, out) {
            eprintln!("quotes bench: could not write {}: {e}", std::path::Path::new(&path).display());
        }
    }
    let per_sec = if best > 0.0 { bodies.len() as f64 / best } else { 0.0 };
    println!(
        "quotes::extract: {} documents, {:.1} MB, {statements} statements; best of {PASSES}: {best:.2} s CPU, {per_sec:.0} documents/s",
        bodies.len(),
        bytes as f64 / 1e6
    );
}

/// Files with extension `ext` under `dir`, at any depth.
fn collect(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}
