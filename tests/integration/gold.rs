//! The quote gold set as files: the documents it labels (read from
//! `../shared/data`), its items placed in them, and the alias tables the
//! scorer judges speakers with. What `quotes_quality` scores; it knows
//! nothing of the extractor.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use parley::names::{AliasFile, Aliases};
use parley::quotes::eval::{locate, GoldItem, GoldSpan};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// The alias table the product ships, when there is one.
pub fn aliases() -> Aliases {
    std::fs::read_to_string(repo().join("corpus/aliases.toml"))
        .ok()
        .and_then(|t| Aliases::parse(&t).ok())
        .unwrap_or_default()
}

/// The product's table plus the scorer's own equivalences
/// (`tests/eval/quotes/aliases.toml`), for judging speakers only.
pub fn judging_aliases(product: &Aliases) -> Aliases {
    let mut file = product.to_file();
    let extra = std::fs::read_to_string(repo().join("tests/eval/quotes/aliases.toml")).expect("scorer aliases");
    let extra: AliasFile = Aliases::parse(&extra).expect("scorer aliases are valid").to_file();
    for (mine, theirs) in [
        (&mut file.people, extra.people),
        (&mut file.institutions, extra.institutions),
        (&mut file.places, extra.places),
    ] {
        for (k, v) in theirs {
            mine.entry(k).or_default().extend(v);
        }
    }
    Aliases::from_file(&file)
}

/// A document without what is not its body: a YAML front matter
/// (talks-news) or the title line (BBC `.txt`): (body, bytes skipped).
fn strip_head<'a>(file: &str, raw: &'a str) -> (&'a str, usize) {
    if let Some(rest) = raw.strip_prefix("---\n") {
        if let Some(end) = rest.find("\n---\n") {
            let skip = 4 + end + 5;
            return (&raw[skip..], skip);
        }
    }
    if file.ends_with(".txt") {
        if let Some(nl) = raw.find('\n') {
            return (&raw[nl + 1..], nl + 1);
        }
    }
    (raw, 0)
}

/// Document text for a gold `file` reference, and the bytes before it in
/// the text the gold offsets count from (the front matter).
pub struct Docs {
    data: PathBuf,
    csv_rows: HashMap<String, HashMap<String, String>>,
}

impl Docs {
    /// The documents under `shared/data`, CSV files read when first asked.
    pub fn new(shared: &Path) -> Docs {
        Docs { data: shared.join("data"), csv_rows: HashMap::new() }
    }

    fn get(&mut self, file: &str) -> Result<(String, String, usize), String> {
        if let Some((csv_path, link)) = file.split_once('#') {
            if !self.csv_rows.contains_key(csv_path) {
                let mut rows = HashMap::new();
                let mut rdr =
                    csv::Reader::from_path(self.data.join(csv_path)).map_err(|e| format!("{csv_path}: {e}"))?;
                let headers = rdr.headers().map_err(|e| format!("{csv_path}: {e}"))?.clone();
                let li = headers.iter().position(|h| h == "link").ok_or("no link column")?;
                let bi = headers.iter().position(|h| h == "body").ok_or("no body column")?;
                for rec in rdr.records() {
                    let rec = rec.map_err(|e| format!("{csv_path}: {e}"))?;
                    rows.insert(rec.get(li).unwrap_or("").to_owned(), rec.get(bi).unwrap_or("").to_owned());
                }
                self.csv_rows.insert(csv_path.to_owned(), rows);
            }
            let body = self.csv_rows[csv_path].get(link).ok_or(format!("{file}: no such row"))?.clone();
            return Ok((body.clone(), body, 0));
        }
        let raw = std::fs::read_to_string(self.data.join(file)).map_err(|e| format!("{file}: {e}"))?;
        let (body, skip) = strip_head(file, &raw);
        let body = body.to_owned();
        Ok((raw, body, skip))
    }
}

/// Places a gold quote: at its code-point offset when given and right,
/// else its first occurrence.
fn place(full: &str, body: &str, skip: usize, quote: &str, offset: Option<usize>) -> Option<std::ops::Range<usize>> {
    if let Some(off) = offset {
        if let Some((b, _)) = full.char_indices().nth(off) {
            if b >= skip && full[b..].starts_with(quote) {
                return Some(b - skip..b - skip + quote.len());
            }
        }
    }
    locate(body, quote)
}

/// The gold files of a split directory, sorted.
pub fn gold_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// One labelled document: its file reference, its body and its gold items
/// placed in it.
pub struct Labelled {
    pub file: String,
    pub body: String,
    pub gold: Vec<GoldSpan>,
}

impl Labelled {
    /// The short name reports give the document: the last part of its
    /// reference ("008.txt", "67898").
    pub fn label(&self) -> &str {
        self.file.rsplit(['/', '#']).next().unwrap_or(&self.file)
    }
}

/// Reads one gold file and places its items in their document; problems
/// (a document missing, an item not in its text) are pushed to `problems`.
pub fn read_gold(path: &Path, docs: &mut Docs, problems: &mut Vec<String>) -> Option<Labelled> {
    let text = std::fs::read_to_string(path).expect("read gold file");
    let mut items: Vec<(GoldItem, Option<usize>)> = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let item: GoldItem = serde_json::from_str(line).unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), n + 1));
        let offset = serde_json::from_str::<serde_json::Value>(line)
            .ok()
            .and_then(|v| v.get("offset")?.as_u64())
            .map(|o| o as usize);
        items.push((item, offset));
    }
    let file = items.first().map(|(i, _)| i.file.clone())?;
    let (full, body, skip) = match docs.get(&file) {
        Ok(d) => d,
        Err(e) => {
            problems.push(e);
            return None;
        }
    };
    let mut gold = Vec::new();
    for (item, offset) in &items {
        match place(&full, &body, skip, &item.quote, *offset) {
            Some(span) => gold.push(GoldSpan { speaker: item.speaker.clone(), kind: item.kind, span }),
            None => problems.push(format!("{file}: gold quote not in the document: {:.60}", item.quote)),
        }
    }
    Some(Labelled { file, body, gold })
}
