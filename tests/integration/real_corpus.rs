//! The real corpus of `../shared` as the retrieval test and the real-corpus
//! benchmark (`benches/real.rs`, which includes this file) build it: the
//! repository's bundled `corpus/` copied in, the talks-news files added one
//! by one as `parley add` does, both press-release CSVs imported.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use parley::corpus::FieldMap;
use parley::Engine;

/// Copies the repository's bundled `corpus/` (seed article, aliases) into
/// the data directory's `corpus/`. Returns whether it held an article.
pub fn copy_bundled_corpus(data: &Path) -> bool {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let to = data.join("corpus");
    let mut articles = 0;
    let Ok(entries) = std::fs::read_dir(&from) else { return false };
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        let Some(name) = path.file_name() else { continue };
        std::fs::copy(&path, to.join(name)).expect("copy the bundled corpus");
        if path.extension().is_some_and(|x| x == "md") {
            articles += 1;
        }
    }
    articles > 0
}

/// Copies the vector files of a data directory (`<data>/vectors/`) into a
/// cache directory, so a later run embeds only what changed.
pub fn cache_vectors(data: &Path, cache: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(cache)?;
    for file in std::fs::read_dir(data.join("vectors"))? {
        let file = file?;
        std::fs::copy(file.path(), cache.join(file.file_name()))?;
    }
    Ok(())
}

/// Adds the talks-news files and imports both press-release CSVs. Returns
/// how many articles were added and, for each one refused, its origin and
/// the reason.
pub fn add_shared(engine: &Engine, shared: &Path) -> (usize, Vec<String>) {
    let mut added = 0;
    let mut refused = Vec::new();
    let mut talks: Vec<PathBuf> = std::fs::read_dir(shared.join("data/talks-news"))
        .expect("talks-news")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    talks.sort();
    for path in &talks {
        let draft = parley::corpus::ingest::draft_from_file(path).expect("read a talks-news file");
        match engine.add(draft) {
            Ok(_) => added += 1,
            Err(e) => refused.push(format!("{}: {e}", path.display())),
        }
    }
    for csv in ["kremlin.csv", "president-ua.csv"] {
        let report = engine
            .import_file(&shared.join("data/press-releases").join(csv), &FieldMap::default(), |_| {})
            .expect("import press releases");
        added += report.added.len();
        refused.extend(report.refused.iter().map(|r| format!("{}: {}", r.origin, r.reason)));
    }
    (added, refused)
}
