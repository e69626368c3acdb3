//! The engine: what Parley can do, in Parley's own types. The CLI, the
//! console and the Discord bot are thin adapters over these functions.
//!
//! It ties the corpus (the truth) to the index (derived): on open it
//! reconciles the index with the files; every addition writes the file
//! first, then indexes and commits, and undoes the file if indexing fails.
//! One writer at a time (the index's lock); reads never wait for it.
//!
//! It must not know serenity, the terminal, or tantivy's types.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use serde::Serialize;
use time::OffsetDateTime;

use crate::answer::{Answer, AskQuery, CorpusStats, SpeakerCount, WhoSaid, WhoSaidQuery};
use crate::article::{Article, ArticleId, ArticleMeta, BadId, Published};
use crate::corpus::store::{Durability, FileStamp};
use crate::corpus::{self, passages, ArticleDraft, Corpus, FieldMap};
use crate::index::{self, ArticleDocs, DuplicateBy, Index, Opened, PassageQuery, QuoteQuery, Stamp};
use crate::names::{name_key, Aliases};
use crate::quotes::{self, Quote};
use crate::web::dedup::{self, Fingerprint};

/// Least share of a question's weight (IDF of its words) that a passage
/// must cover to be shown: below it, "not covered" beats noise.
pub const MIN_COVERAGE: f32 = 0.5;

/// Import records prepared together, in parallel.
const PREPARE_CHUNK: usize = 64;

/// Where Parley keeps its data and how it behaves.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Holds `corpus/` and `index/`.
    pub data_dir: PathBuf,
    /// Recorded as `added_by` when a draft does not say.
    pub default_added_by: String,
    /// Articles per commit during `import`.
    pub import_batch: usize,
}

impl EngineConfig {
    pub fn new(data_dir: impl Into<PathBuf>) -> EngineConfig {
        EngineConfig { data_dir: data_dir.into(), default_added_by: "cli".into(), import_batch: 1_000 }
    }
}

/// What can go wrong in the engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Corpus(#[from] corpus::Error),
    #[error(transparent)]
    Index(#[from] index::Error),
    #[error(transparent)]
    BadId(#[from] BadId),
    #[error(transparent)]
    Ingest(#[from] corpus::ingest::IngestError),
    #[error("the question is empty: ask with at least one word")]
    EmptyQuestion,
    #[error("no article with id {0} (see `parley list`)")]
    UnknownArticle(ArticleId),
    #[error("article {id} has no passage {ord}")]
    NoPassage { id: ArticleId, ord: u32 },
    #[error("{origin}: already in the corpus as {existing} (same {by})")]
    Duplicate { origin: String, existing: ArticleId, by: &'static str },
    #[error("{origin}: no title (give one with --title)")]
    NoTitle { origin: String },
    #[error("{origin}: the same story as {existing}; recorded there as also reported by {outlet}")]
    Syndicated { origin: String, existing: ArticleId, outlet: String },
    #[error("{0:?} is already a variant of another name")]
    AliasTaken(String),
    #[error("a name and a variant are both needed")]
    EmptyAlias,
}

/// An article the engine added.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Added {
    pub id: ArticleId,
    pub title: String,
    pub outlet: String,
    pub url: Option<String>,
    pub published: Option<Published>,
    pub origin: String,
    pub passages: usize,
    pub quotes: usize,
    /// The first lines of the body, for previews.
    pub preview: String,
}

/// An item the engine did not add, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Refusal {
    pub origin: String,
    pub reason: String,
    /// The article already there, for duplicates.
    pub existing: Option<ArticleId>,
}

impl Refusal {
    pub fn from_error(origin: &str, e: &Error) -> Refusal {
        let existing = match e {
            Error::Duplicate { existing, .. } | Error::Syndicated { existing, .. } => Some(existing.clone()),
            _ => None,
        };
        let reason = e.to_string();
        let reason = reason.strip_prefix(&format!("{origin}: ")).unwrap_or(&reason).to_owned();
        Refusal { origin: origin.to_owned(), reason, existing }
    }
}

/// What a bulk import did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportReport {
    pub added: Vec<Added>,
    pub refused: Vec<Refusal>,
}

/// What reconciling the index with the corpus did on open.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Reconciled {
    pub indexed: usize,
    pub removed: usize,
    /// Corpus files that could not be read, with the reason; they are left
    /// out of the index until fixed.
    pub broken: Vec<String>,
}

/// The engine. Share it as `Arc<Engine>`; every method takes `&self`.
pub struct Engine {
    config: EngineConfig,
    corpus: Corpus,
    index: Index,
    aliases: RwLock<Arc<Aliases>>,
    catalog: RwLock<Option<Arc<BTreeMap<ArticleId, ArticleMeta>>>>,
    reconciled: Reconciled,
}

/// An article ready to enter the corpus.
struct Prepared {
    article: Article,
    passages: Vec<passages::Passage>,
    quotes: Vec<Quote>,
    url_key: Option<String>,
    text_key: String,
    fingerprint: Fingerprint,
    bands: Vec<u64>,
    origin: String,
}

/// A stable 64-bit FNV-1a hash (file stamps, duplicate keys).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The duplicate key of a body: its words, folded, hashed.
fn text_key(body: &str) -> String {
    let folded = crate::text::fold(body);
    let words: Vec<&str> = folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    format!("{:016x}", fnv1a(words.join(" ").as_bytes()))
}

/// The duplicate key of a URL (see [`crate::web::url::normalize`]).
pub fn url_key(url: &str) -> Option<String> {
    crate::web::url::normalize(url)
}

impl Engine {
    /// Opens the data directory, creating `corpus/` and `index/` as
    /// needed, and brings the index up to date with the corpus files.
    pub fn open(config: EngineConfig) -> Result<Engine, Error> {
        let corpus = Corpus::open(config.data_dir.join("corpus"))?;
        let aliases = corpus.aliases()?;
        let (index, opened) = Index::open(&config.data_dir.join("index"))?;
        let mut engine = Engine {
            config,
            corpus,
            index,
            aliases: RwLock::new(Arc::new(aliases)),
            catalog: RwLock::new(None),
            reconciled: Reconciled::default(),
        };
        engine.reconciled = engine.reconcile(opened)?;
        Ok(engine)
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    pub fn data_dir(&self) -> &Path {
        &self.config.data_dir
    }

    /// What the last reconcile (at open) did.
    pub fn reconciled(&self) -> &Reconciled {
        &self.reconciled
    }

    pub fn aliases(&self) -> Arc<Aliases> {
        self.aliases.read().map(|a| Arc::clone(&a)).unwrap_or_default()
    }

    fn reconcile(&self, opened: Opened) -> Result<Reconciled, Error> {
        let mut indexed = if opened == Opened::Fresh { Default::default() } else { self.index.stamps()? };
        let files = self.corpus.list()?;
        let aliases = self.aliases();
        let mut report = Reconciled::default();
        let mut batch = self.index.batch()?;
        let mut pending = 0;
        for file in files {
            let old = indexed.remove(&file.id);
            if old.as_ref().is_some_and(|s| s.len == file.len && s.mtime_ns == file.mtime_ns) {
                continue;
            }
            let bytes = match self.corpus.read_bytes(&file.id) {
                Ok(b) => b,
                Err(e) => {
                    report.broken.push(format!("{e}"));
                    continue;
                }
            };
            let hash = fnv1a(&bytes);
            let article = match self.corpus.parse(&file.id, &bytes) {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!("{e}; it stays out of the index until fixed");
                    report.broken.push(e.to_string());
                    batch.delete(&file.id);
                    continue;
                }
            };
            let p = prepare_article(article, &aliases, file.path.display().to_string());
            batch.put(&p.docs(Stamp { hash, len: file.len, mtime_ns: file.mtime_ns }))?;
            report.indexed += 1;
            pending += 1;
            if pending == self.config.import_batch {
                batch.commit()?;
                batch = self.index.batch()?;
                pending = 0;
            }
        }
        for id in indexed.keys() {
            batch.delete(id);
            report.removed += 1;
        }
        if report.indexed + report.removed > 0 || opened == Opened::Fresh {
            batch.commit()?;
        }
        if report.indexed + report.removed > 0 {
            tracing::info!(
                indexed = report.indexed,
                removed = report.removed,
                "index brought up to date with the corpus"
            );
        }
        Ok(report)
    }

    /// Rebuilds the whole index from the corpus.
    pub fn reindex(&self) -> Result<Reconciled, Error> {
        {
            let mut batch = self.index.batch()?;
            for (id, _) in self.index.stamps()? {
                batch.delete(&id);
            }
            batch.commit()?;
        }
        self.reconcile(Opened::Fresh)
    }

    fn prepare(&self, mut draft: ArticleDraft, aliases: &Aliases) -> Result<Prepared, Error> {
        let origin = draft.origin.clone();
        draft.body = corpus::ingest::clean_body(&draft.body);
        if draft.body.is_empty() {
            return Err(corpus::ingest::IngestError::EmptyBody { origin }.into());
        }
        let title = draft
            .title
            .as_deref()
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Error::NoTitle { origin: origin.clone() })?;
        let title: String = title.chars().take(300).collect();
        let outlet = draft.outlet_or_default();
        let meta = ArticleMeta {
            id: ArticleId::slug(draft.published.as_ref(), &title),
            title,
            outlet,
            url: draft.url.clone().filter(|u| !u.trim().is_empty()),
            published: draft.published,
            language: draft.language.clone().unwrap_or_else(|| "en".into()),
            added_by: if draft.added_by.is_empty() {
                self.config.default_added_by.clone()
            } else {
                draft.added_by.clone()
            },
            added_at: Some(Published::DateTime(
                OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or(OffsetDateTime::UNIX_EPOCH),
            )),
            authors: draft.authors.clone(),
            tags: draft.tags.clone(),
            also_reported_by: Vec::new(),
        };
        Ok(prepare_article(Article { meta, body: draft.body }, aliases, origin))
    }

    /// Adds one article: refused with the id already there when its URL or
    /// its text is in the corpus. Searchable as soon as this returns.
    pub fn add(&self, draft: ArticleDraft) -> Result<Added, Error> {
        let aliases = self.aliases();
        let mut p = self.prepare(draft, &aliases)?;
        let mut batch = self.index.batch()?;
        if let Some((existing, by)) = self.index.find_duplicate(p.url_key.as_deref(), &p.text_key)? {
            return Err(duplicate(&p.origin, existing, by));
        }
        if let Some(existing) = self.near_duplicate(&p, &[])? {
            let e = self.syndicated(&mut batch, &p, existing, Durability::Sync)?;
            batch.commit()?;
            return Err(e);
        }
        self.assign_free_id(&mut p, &HashSet::new());
        let stamp = stamp_of(&self.corpus.write(&p.article, Durability::Sync)?);
        let result = batch.put(&p.docs(stamp)).and_then(|()| batch.commit());
        if let Err(e) = result {
            // Nothing half-done: the file goes when the index refuses it.
            let _ = self.corpus.remove(&p.article.meta.id);
            return Err(e.into());
        }
        self.catalog_insert(&[p.article.meta.clone()]);
        Ok(p.added())
    }

    fn assign_free_id(&self, p: &mut Prepared, taken: &HashSet<ArticleId>) {
        let base = p.article.meta.id.clone();
        let mut id = base.clone();
        let mut n = 2;
        while self.corpus.exists(&id) || taken.contains(&id) {
            id = base.with_suffix(n);
            n += 1;
        }
        p.article.meta.id = id;
    }

    /// Adds many articles, committing every `import_batch`. An article is
    /// reported added only once its batch is on disk and committed; a
    /// killed import leaves complete files that the next open indexes.
    /// `progress` is told the running count after each commit.
    pub fn import(
        &self,
        records: impl Iterator<Item = corpus::ingest::Record>,
        added_by: &str,
        mut progress: impl FnMut(usize),
    ) -> Result<ImportReport, Error> {
        let aliases = self.aliases();
        let mut report = ImportReport::default();
        let mut pending: Vec<Prepared> = Vec::new();
        let mut seen_urls: std::collections::HashMap<String, ArticleId> = Default::default();
        let mut seen_texts: std::collections::HashMap<String, ArticleId> = Default::default();
        let mut taken: HashSet<ArticleId> = HashSet::new();
        let mut batch = self.index.batch()?;
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
        let mut records = records.peekable();
        while records.peek().is_some() {
            // Preparing (passages, quotes, fingerprints) is pure and the
            // costly part: do a chunk of records on every core, then decide
            // duplicates and write in input order.
            let chunk: Vec<corpus::ingest::Record> = records.by_ref().take(PREPARE_CHUNK).collect();
            for item in self.prepare_chunk(chunk, added_by, &aliases, workers) {
                let mut p = match item {
                    Ok(p) => p,
                    Err(refusal) => {
                        report.refused.push(refusal);
                        continue;
                    }
                };
                let origin = p.origin.clone();
                let dup = match self.index.find_duplicate(p.url_key.as_deref(), &p.text_key)? {
                    Some((existing, by)) => Some(duplicate(&origin, existing, by)),
                    None => match (&p.url_key, seen_texts.get(&p.text_key)) {
                        (_, Some(existing)) => Some(duplicate(&origin, existing.clone(), DuplicateBy::Text)),
                        (Some(u), None) => {
                            seen_urls.get(u).map(|existing| duplicate(&origin, existing.clone(), DuplicateBy::Url))
                        }
                        (None, None) => None,
                    },
                };
                let dup = match dup {
                    Some(e) => Some(e),
                    None => match self.near_duplicate(&p, &pending)? {
                        Some(existing) => Some(self.syndicated(&mut batch, &p, existing, Durability::Batch)?),
                        None => None,
                    },
                };
                if let Some(e) = dup {
                    report.refused.push(Refusal::from_error(&origin, &e));
                    continue;
                }
                self.assign_free_id(&mut p, &taken);
                taken.insert(p.article.meta.id.clone());
                if let Some(u) = &p.url_key {
                    seen_urls.insert(u.clone(), p.article.meta.id.clone());
                }
                seen_texts.insert(p.text_key.clone(), p.article.meta.id.clone());
                let stamp = stamp_of(&self.corpus.write(&p.article, Durability::Batch)?);
                batch.put(&p.docs(stamp))?;
                pending.push(p);
                if pending.len() >= self.config.import_batch.max(1) {
                    self.flush(batch, &mut pending, &mut report)?;
                    progress(report.added.len());
                    batch = self.index.batch()?;
                }
            }
        }
        self.flush(batch, &mut pending, &mut report)?;
        progress(report.added.len());
        Ok(report)
    }

    /// Prepares a chunk of import records on up to `workers` threads,
    /// keeping their order.
    fn prepare_chunk(
        &self,
        chunk: Vec<corpus::ingest::Record>,
        added_by: &str,
        aliases: &Aliases,
        workers: usize,
    ) -> Vec<Result<Prepared, Refusal>> {
        let prepare_one = |record: corpus::ingest::Record| -> Result<Prepared, Refusal> {
            let mut draft = record.map_err(|e| {
                let origin = e.to_string().split(": ").next().unwrap_or_default().to_owned();
                Refusal::from_error(&origin, &Error::Ingest(e))
            })?;
            if draft.added_by.is_empty() {
                draft.added_by = added_by.to_owned();
            }
            let origin = draft.origin.clone();
            self.prepare(draft, aliases).map_err(|e| Refusal::from_error(&origin, &e))
        };
        if workers <= 1 || chunk.len() < 2 {
            return chunk.into_iter().map(prepare_one).collect();
        }
        let per = chunk.len().div_ceil(workers);
        let mut parts: Vec<Vec<corpus::ingest::Record>> = Vec::new();
        let mut rest = chunk;
        while rest.len() > per {
            let tail = rest.split_off(per);
            parts.push(rest);
            rest = tail;
        }
        parts.push(rest);
        std::thread::scope(|scope| {
            let handles: Vec<_> = parts
                .into_iter()
                .map(|part| scope.spawn(|| part.into_iter().map(prepare_one).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| {
                    h.join().unwrap_or_else(|_| {
                        vec![Err(Refusal {
                            origin: "import".into(),
                            reason: "an internal error stopped this part of the import".into(),
                            existing: None,
                        })]
                    })
                })
                .collect()
        })
    }

    fn flush(
        &self,
        batch: index::Batch<'_>,
        pending: &mut Vec<Prepared>,
        report: &mut ImportReport,
    ) -> Result<(), Error> {
        let ids: Vec<ArticleId> = pending.iter().map(|p| p.article.meta.id.clone()).collect();
        self.corpus.sync(&ids)?;
        if let Err(e) = batch.commit() {
            for id in &ids {
                let _ = self.corpus.remove(id);
            }
            pending.clear();
            return Err(e.into());
        }
        self.catalog_insert(&pending.iter().map(|p| p.article.meta.clone()).collect::<Vec<_>>());
        report.added.extend(pending.drain(..).map(|p| p.added()));
        Ok(())
    }

    /// An indexed (or pending) article that tells the same story, by
    /// MinHash bands then an estimated overlap of at least
    /// [`dedup::NEAR_DUPLICATE`].
    fn near_duplicate(&self, p: &Prepared, pending: &[Prepared]) -> Result<Option<ArticleId>, Error> {
        if p.bands.is_empty() {
            return Ok(None);
        }
        for q in pending {
            if q.bands.iter().zip(&p.bands).any(|(a, b)| a == b)
                && dedup::is_near_duplicate(&q.fingerprint, &p.fingerprint)
            {
                return Ok(Some(q.article.meta.id.clone()));
            }
        }
        for id in self.index.near_candidates(&p.bands, 5)? {
            let Ok(other) = self.corpus.read(&id) else { continue };
            if dedup::is_near_duplicate(&dedup::fingerprint(&other.body), &p.fingerprint) {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }

    /// A near-duplicate of `existing`: from the same outlet it is a plain
    /// duplicate; from another outlet it is recorded on `existing` as "also
    /// reported by" instead of being indexed twice. Returns the refusal.
    fn syndicated(
        &self,
        batch: &mut index::Batch<'_>,
        p: &Prepared,
        existing: ArticleId,
        durability: Durability,
    ) -> Result<Error, Error> {
        let mut article = self.corpus.read(&existing)?;
        let outlet = &p.article.meta.outlet;
        let same_outlet = outlet.eq_ignore_ascii_case(&article.meta.outlet) || outlet == crate::article::UNKNOWN_OUTLET;
        if same_outlet {
            return Ok(Error::Duplicate { origin: p.origin.clone(), existing, by: "text (near-duplicate)" });
        }
        let entry = match &p.article.meta.url {
            Some(u) => format!("{outlet} <{u}>"),
            None => outlet.clone(),
        };
        if !article.meta.also_reported_by.contains(&entry) {
            article.meta.also_reported_by.push(entry);
            let written = self.corpus.write(&article, durability)?;
            let again = prepare_article(article, &self.aliases(), written.0.path.display().to_string());
            let stamp = stamp_of(&written);
            batch.put(&again.docs(stamp))?;
            self.catalog_insert(std::slice::from_ref(&again.article.meta));
        }
        Ok(Error::Syndicated { origin: p.origin.clone(), existing, outlet: outlet.clone() })
    }

    /// Reads a `.csv` or `.jsonl` file and imports it.
    pub fn import_file(&self, path: &Path, map: &FieldMap, progress: impl FnMut(usize)) -> Result<ImportReport, Error> {
        let records = corpus::ingest::read_bulk(path, map)?;
        self.import(records, &self.config.default_added_by, progress)
    }

    /// Removes an article from the corpus and the index.
    pub fn remove(&self, id: &ArticleId) -> Result<ArticleMeta, Error> {
        let article = match self.corpus.read(id) {
            Ok(a) => a,
            Err(corpus::Error::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::UnknownArticle(id.clone()))
            }
            Err(e) => return Err(e.into()),
        };
        let mut batch = self.index.batch()?;
        self.corpus.remove(id)?;
        batch.delete(id);
        batch.commit()?;
        if let Ok(mut c) = self.catalog.write() {
            if let Some(map) = c.as_mut() {
                Arc::make_mut(map).remove(id);
            }
        }
        Ok(article.meta)
    }

    /// The passages that best answer a question, with their sources.
    pub fn ask(&self, q: &AskQuery) -> Result<Answer, Error> {
        let question: String = q.question.chars().take(crate::answer::MAX_QUESTION_CHARS).collect();
        if !question.chars().any(char::is_alphanumeric) {
            return Err(Error::EmptyQuestion);
        }
        let analyzed = self.index.analyze(&question, &self.aliases());
        let pq = PassageQuery {
            analyzed,
            limit: q.limit.clamp(1, AskQuery::MAX_LIMIT),
            offset: q.offset.min(1_000),
            per_article: 2,
            min_coverage: MIN_COVERAGE,
            since: q.since,
            until: q.until,
            outlet: q.outlet.clone(),
        };
        let (hits, more) = self.index.search_passages(&pq)?;
        Ok(Answer { query: question, hits, more })
    }

    /// Statements attributed to a person.
    pub fn who_said(&self, q: &WhoSaidQuery) -> Result<WhoSaid, Error> {
        let person = q.person.trim();
        if name_key(person).is_empty() {
            return Err(Error::EmptyQuestion);
        }
        let speakers = self.index.speakers()?;
        let resolved = match resolve_speaker(person, &speakers, &self.aliases()) {
            Ok(name) => name,
            Err(other) => return Ok(other),
        };
        let topic = q
            .about
            .as_deref()
            .filter(|a| a.chars().any(char::is_alphanumeric))
            .map(|a| self.index.analyze(a, &self.aliases()));
        let qq = QuoteQuery {
            speaker_key: name_key(&resolved),
            topic,
            since: q.since,
            until: q.until,
            kind: q.kind,
            limit: q.limit.clamp(1, 50),
            offset: q.offset.min(1_000),
        };
        let (quotes, more) = self.index.search_quotes(&qq)?;
        Ok(WhoSaid::Found { person: resolved, quotes, more })
    }

    /// Speakers whose name (or a word of it) starts with `prefix`, ranked
    /// by whole-name prefix, then by quote count. All of them for "".
    pub fn speakers(&self, prefix: &str) -> Result<Vec<SpeakerCount>, Error> {
        let all = self.index.speakers()?;
        let p = name_key(prefix);
        if p.is_empty() {
            return Ok(all);
        }
        let mut scored: Vec<(u8, SpeakerCount)> = all
            .into_iter()
            .filter_map(|s| {
                let k = name_key(&s.name);
                let rank = if k.starts_with(&p) {
                    0
                } else if k.split(' ').any(|w| w.starts_with(&p)) {
                    1
                } else {
                    return None;
                };
                Some((rank, s))
            })
            .collect();
        scored.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.quotes.cmp(&a.1.quotes)).then(a.1.name.cmp(&b.1.name)));
        Ok(scored.into_iter().map(|(_, s)| s).collect())
    }

    fn catalog(&self) -> Result<Arc<BTreeMap<ArticleId, ArticleMeta>>, Error> {
        if let Some(c) = self.catalog.read().ok().and_then(|c| c.clone()) {
            return Ok(c);
        }
        let mut map = BTreeMap::new();
        for file in self.corpus.list()? {
            if let Ok(a) = self.corpus.read(&file.id) {
                map.insert(file.id, a.meta);
            }
        }
        let map = Arc::new(map);
        if let Ok(mut c) = self.catalog.write() {
            *c = Some(Arc::clone(&map));
        }
        Ok(map)
    }

    fn catalog_insert(&self, metas: &[ArticleMeta]) {
        if let Ok(mut c) = self.catalog.write() {
            if let Some(map) = c.as_mut() {
                let m = Arc::make_mut(map);
                for meta in metas {
                    m.insert(meta.id.clone(), meta.clone());
                }
            }
        }
    }

    /// Every article's metadata, by id.
    pub fn list(&self) -> Result<Vec<ArticleMeta>, Error> {
        Ok(self.catalog()?.values().cloned().collect())
    }

    /// One article, whole.
    pub fn article(&self, id: &ArticleId) -> Result<Article, Error> {
        match self.corpus.read(id) {
            Ok(a) => Ok(a),
            Err(corpus::Error::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                Err(Error::UnknownArticle(id.clone()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// A passage with `around` passages either side, for "show context".
    pub fn context(&self, id: &ArticleId, ord: u32, around: u32) -> Result<Vec<(u32, String)>, Error> {
        let window = self.index.passage_window(id, ord, around)?;
        if window.iter().any(|(o, _)| *o == ord) {
            return Ok(window);
        }
        if self.corpus.exists(id) {
            Err(Error::NoPassage { id: id.clone(), ord })
        } else {
            Err(Error::UnknownArticle(id.clone()))
        }
    }

    /// Every indexed passage, for evaluation against other engines.
    pub fn passages(&self) -> Result<Vec<(ArticleId, String)>, Error> {
        Ok(self.index.passages()?)
    }

    /// Corpus figures for `/about`.
    pub fn stats(&self) -> Result<CorpusStats, Error> {
        let catalog = self.catalog()?;
        let mut outlets: BTreeMap<String, usize> = BTreeMap::new();
        let mut dates = catalog.values().filter_map(|m| m.published.map(|p| p.date()));
        let first = dates.next();
        let (mut earliest, mut latest) = (first, first);
        for d in dates {
            earliest = earliest.min(Some(d));
            latest = latest.max(Some(d));
        }
        for m in catalog.values() {
            *outlets.entry(m.outlet.clone()).or_default() += 1;
        }
        let mut outlets: Vec<(String, usize)> = outlets.into_iter().collect();
        outlets.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut recent: Vec<&ArticleMeta> = catalog.values().collect();
        recent.sort_by_key(|m| std::cmp::Reverse(m.added_at.map(|a| a.timestamp())));
        Ok(CorpusStats {
            articles: catalog.len(),
            outlets,
            earliest,
            latest,
            recent: recent.into_iter().take(5).map(|m| (m.id.clone(), m.title.clone())).collect(),
        })
    }

    /// Adds a spelling variant to a name and saves the table.
    pub fn add_alias(&self, name: &str, variant: &str) -> Result<(), Error> {
        let (name, variant) = (name.trim(), variant.trim());
        if name_key(name).is_empty() || name_key(variant).is_empty() {
            return Err(Error::EmptyAlias);
        }
        let mut guard = self.aliases.write().map_err(|_| index::Error::Poisoned)?;
        let mut table = (**guard).clone();
        if !table.add_variant(name, variant) {
            return Err(Error::AliasTaken(variant.to_owned()));
        }
        self.corpus.write_aliases(&table)?;
        *guard = Arc::new(table);
        Ok(())
    }
}

/// An article read from a web page, as a draft.
pub fn draft_from_extracted(e: crate::web::Extracted, origin: &str) -> ArticleDraft {
    ArticleDraft {
        outlet: e.outlet_or_host(),
        title: e.title,
        url: e.url,
        published: e.published,
        language: e.language,
        authors: e.authors,
        body: e.text,
        origin: origin.to_owned(),
        ..ArticleDraft::default()
    }
}

/// Reads a document brought as bytes with a file name (a file, a Discord
/// attachment): `.txt`, `.md` or `.html`.
pub fn read_document(bytes: &[u8], name: &str) -> Result<ArticleDraft, Error> {
    let ext = Path::new(name).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("txt") => Ok(corpus::ingest::draft_from_bytes(bytes, name, true)?),
        Some("md" | "markdown") => Ok(corpus::ingest::draft_from_bytes(bytes, name, false)?),
        Some("html" | "htm") => {
            let e = crate::web::extract(bytes, None, None).map_err(|e| corpus::ingest::IngestError::Malformed {
                origin: name.to_owned(),
                reason: e.to_string(),
            })?;
            Ok(draft_from_extracted(e, name))
        }
        _ => Err(corpus::ingest::IngestError::UnsupportedType { origin: name.to_owned() }.into()),
    }
}

/// Reads a document from a file: `.txt`, `.md` or `.html`, at most
/// [`corpus::ingest::MAX_FILE_BYTES`].
pub fn read_document_file(path: &Path) -> Result<ArticleDraft, Error> {
    let origin = path.display().to_string();
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if !matches!(ext.as_deref(), Some("html" | "htm")) {
        return Ok(corpus::ingest::draft_from_file(path)?);
    }
    let unreadable = |reason: String| corpus::ingest::IngestError::Unreadable { origin: origin.clone(), reason };
    let md = std::fs::metadata(path).map_err(|e| unreadable(e.to_string()))?;
    if md.len() > corpus::ingest::MAX_FILE_BYTES {
        return Err(unreadable(format!("larger than {} MB", corpus::ingest::MAX_FILE_BYTES >> 20)).into());
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(e.to_string()))?;
    read_document(&bytes, &origin)
}

fn duplicate(origin: &str, existing: ArticleId, by: DuplicateBy) -> Error {
    Error::Duplicate {
        origin: origin.to_owned(),
        existing,
        by: match by {
            DuplicateBy::Url => "URL",
            DuplicateBy::Text => "text",
        },
    }
}

/// The stamp the index keeps of a file just written.
fn stamp_of((file, bytes): &(FileStamp, Vec<u8>)) -> Stamp {
    Stamp { hash: fnv1a(bytes), len: file.len, mtime_ns: file.mtime_ns }
}

fn prepare_article(article: Article, aliases: &Aliases, origin: String) -> Prepared {
    let passages = passages::split(&article.body);
    let quotes = quotes::extract(&article.body, aliases);
    let url_key = article.meta.url.as_deref().and_then(url_key);
    let text_key = text_key(&article.body);
    let fingerprint = dedup::fingerprint(&article.body);
    let bands = dedup::bands(&fingerprint);
    Prepared { article, passages, quotes, url_key, text_key, fingerprint, bands, origin }
}

impl Prepared {
    fn docs(&self, stamp: Stamp) -> ArticleDocs<'_> {
        ArticleDocs {
            article: &self.article,
            passages: &self.passages,
            quotes: &self.quotes,
            stamp,
            url_key: self.url_key.clone(),
            text_key: self.text_key.clone(),
            bands: &self.bands,
        }
    }

    fn added(&self) -> Added {
        let m = &self.article.meta;
        let preview: String = self.article.body.chars().take(300).collect();
        Added {
            id: m.id.clone(),
            title: m.title.clone(),
            outlet: m.outlet.clone(),
            url: m.url.clone(),
            published: m.published,
            origin: self.origin.clone(),
            passages: self.passages.len(),
            quotes: self.quotes.iter().filter(|q| q.confidence >= quotes::MIN_CONFIDENCE).count(),
            preview,
        }
    }
}

/// Finds the one speaker a name means, or says why not.
fn resolve_speaker(person: &str, speakers: &[SpeakerCount], aliases: &Aliases) -> Result<String, WhoSaid> {
    let key = name_key(person);
    let canonical_key = aliases.canonical(person).map(name_key);
    if let Some(s) = speakers.iter().find(|s| {
        let k = name_key(&s.name);
        k == key
            || canonical_key
                .as_ref()
                .is_some_and(|c| *c == k || aliases.canonical(&s.name).map(name_key).as_ref() == Some(c))
    }) {
        return Ok(s.name.clone());
    }
    // A lone surname (or any last words) that fits exactly one speaker.
    let tail: Vec<&SpeakerCount> = speakers
        .iter()
        .filter(|s| {
            let k = name_key(&s.name);
            k.ends_with(&format!(" {key}")) || k.starts_with(&format!("{key} "))
        })
        .collect();
    match tail.len() {
        1 => return Ok(tail[0].name.clone()),
        n if n > 1 => {
            return Err(WhoSaid::Ambiguous {
                query: person.to_owned(),
                candidates: tail.into_iter().cloned().collect(),
            })
        }
        _ => {}
    }
    let stem: String = key.chars().take(4).collect();
    let near: Vec<SpeakerCount> = speakers
        .iter()
        .filter(|s| {
            name_key(&s.name)
                .split(' ')
                .any(|w| w.starts_with(&stem) || key.split(' ').any(|k| k.len() > 3 && w.starts_with(&k[..4])))
        })
        .take(5)
        .cloned()
        .collect();
    Err(WhoSaid::NotFound { query: person.to_owned(), near })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_keys_ignore_spacing_case_and_punctuation() {
        assert_eq!(text_key("Talks in Vorn.\n\nThey met."), text_key("talks in  vorn — they met"));
        assert_ne!(text_key("Talks in Vorn."), text_key("Talks in Tarn."));
    }
}
