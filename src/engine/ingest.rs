//! Bringing articles in: preparing a draft (passages, quotes,
//! fingerprints), `add` and `import` with their duplicate checks, and the
//! readers that turn a file or a web page into a draft.
//!
//! File first, then index; an article is reported added only once its
//! commit is on disk. It must not know serenity, the terminal or tantivy.

use super::*;
use crate::corpus::store::{Durability, FileStamp};

impl Engine {
    pub(super) fn prepare(&self, mut draft: ArticleDraft, aliases: &Aliases) -> Result<Prepared, Error> {
        let origin = draft.origin.clone();
        draft.strip_controls();
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
        let mut p = prepare_article(Article { meta, body: draft.body }, aliases, origin);
        p.drop_hidden(&self.hidden());
        Ok(p)
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
        self.arrived(std::slice::from_ref(&p.article.meta.id));
        Ok(p.added())
    }

    pub(super) fn assign_free_id(&self, p: &mut Prepared, taken: &HashSet<ArticleId>) {
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
    pub(super) fn prepare_chunk(
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

    pub(super) fn flush(
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
        self.arrived(&ids);
        report.added.extend(pending.drain(..).map(|p| p.added()));
        Ok(())
    }

    /// An indexed (or pending) article that tells the same story, by
    /// MinHash bands then an estimated overlap of at least
    /// [`dedup::NEAR_DUPLICATE`].
    pub(super) fn near_duplicate(&self, p: &Prepared, pending: &[Prepared]) -> Result<Option<ArticleId>, Error> {
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
    pub(super) fn syndicated(
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
            let mut again = prepare_article(article, &self.aliases(), written.0.path.display().to_string());
            again.drop_hidden(&self.hidden());
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
    let bytes = load_document_file(path)?;
    read_document(&bytes, &path.display().to_string())
}

/// The bytes of a `.txt`, `.md` or `.html` file, refused as
/// [`read_document_file`] would refuse it (another type, not a file, more
/// than [`corpus::ingest::MAX_FILE_BYTES`]); [`read_document`] reads them.
pub fn load_document_file(path: &Path) -> Result<Vec<u8>, Error> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if !matches!(ext.as_deref(), Some("txt" | "md" | "markdown" | "html" | "htm")) {
        return Err(corpus::ingest::IngestError::UnsupportedType { origin: path.display().to_string() }.into());
    }
    Ok(corpus::ingest::read_file_bytes(path, corpus::ingest::MAX_FILE_BYTES)?)
}

pub(super) fn duplicate(origin: &str, existing: ArticleId, by: DuplicateBy) -> Error {
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
pub(super) fn stamp_of((file, bytes): &(FileStamp, Vec<u8>)) -> Stamp {
    Stamp { hash: fnv1a(bytes), len: file.len, mtime_ns: file.mtime_ns }
}

pub(super) fn prepare_article(article: Article, aliases: &Aliases, origin: String) -> Prepared {
    let passages = passages::split(&article.body);
    let quotes = quotes::extract(&article.body, aliases);
    let url_key = article.meta.url.as_deref().and_then(url_key);
    let text_key = text_key(&article.body);
    let fingerprint = dedup::fingerprint(&article.body);
    let bands = dedup::bands(&fingerprint);
    Prepared { article, passages, quotes, url_key, text_key, fingerprint, bands, origin }
}

impl Prepared {
    /// Leaves out the statements moderators hid (`corpus/hidden.toml`).
    pub(super) fn drop_hidden(&mut self, hidden: &corpus::hidden::Hidden) {
        if !hidden.is_empty() {
            let id = self.article.meta.id.as_str();
            self.quotes.retain(|q| !hidden.hides(id, &q.text));
        }
    }

    pub(super) fn docs(&self, stamp: Stamp) -> ArticleDocs<'_> {
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

    pub(super) fn added(&self) -> Added {
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
