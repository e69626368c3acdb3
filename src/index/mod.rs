//! The search index — the only module that knows tantivy. It is derived
//! from the corpus and disposable: deleting `index/` loses nothing.
//!
//! Three kinds of tantivy documents live in one index, so that one commit
//! covers an article whole: an `article` document (its file stamp and
//! duplicate keys, for reconciling with the corpus), one `passage` document
//! per passage, one `quote` document per attributed statement. Each carries
//! the article's metadata so answers need no second look-up.
//!
//! It takes and returns Parley's own types. It must not read corpus files,
//! decide what is a duplicate (it only answers look-ups) or format output.

mod query;
mod schema;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime, Index as TantivyIndex, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::answer::{QuoteHit, SpeakerCount};
use crate::article::{Article, ArticleId, Published, Source};
use crate::corpus::Passage;
use crate::names::Aliases;
use crate::quotes::Quote;

pub use query::{Analyzed, PassageQuery, QuoteQuery};
use schema::Fields;

/// Bump when the schema or the analysis changes: the index is rebuilt.
pub const SCHEMA_VERSION: u32 = 6;
const VERSION_FILE: &str = "PARLEY_SCHEMA_VERSION";
const WRITER_MEMORY: usize = 120_000_000;

/// What can go wrong in the index.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "the search index at {path} is being written by another Parley process (the bot, an import): \
         stop it or let it finish, then try again"
    )]
    Busy { path: PathBuf },
    #[error("search index at {path}")]
    Open {
        path: PathBuf,
        #[source]
        source: tantivy::TantivyError,
    },
    #[error("search index: {context}")]
    Tantivy {
        context: &'static str,
        #[source]
        source: tantivy::TantivyError,
    },
    #[error("search index at {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the index writer is unusable after an earlier failure; restart Parley")]
    Poisoned,
}

fn tv(context: &'static str) -> impl FnOnce(tantivy::TantivyError) -> Error {
    move |source| Error::Tantivy { context, source }
}

/// How an article's file looked when it was indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub hash: u64,
    pub len: u64,
    pub mtime_ns: i64,
}

/// Everything the index stores for one article.
pub struct ArticleDocs<'a> {
    pub article: &'a Article,
    pub passages: &'a [Passage],
    pub quotes: &'a [Quote],
    pub stamp: Stamp,
    /// Normalised URL, for duplicate look-ups.
    pub url_key: Option<String>,
    /// Hash of the normalised body text, for duplicate look-ups.
    pub text_key: String,
    /// Near-duplicate band keys of the body.
    pub bands: &'a [u64],
}

/// Whether [`Index::open`] found a usable index or made a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    Existing,
    /// New, or rebuilt after a schema change or damage: fill it from the corpus.
    Fresh,
}

/// The search index.
pub struct Index {
    dir: PathBuf,
    index: TantivyIndex,
    reader: IndexReader,
    /// `None` when opened read-only (another process holds the writer).
    writer: Option<Mutex<IndexWriter>>,
    f: Fields,
    /// Every speaker, computed once per searcher generation (a commit or a
    /// reload makes a new one): autocomplete asks on every keystroke.
    speakers_cache: Mutex<Option<(u64, Arc<Vec<SpeakerCount>>)>>,
}

impl Index {
    /// Opens the index in `dir`, or creates it. An index of another schema
    /// version, or one tantivy cannot open (a damaged `meta.json`, a
    /// missing or cut segment file), is replaced by an empty one, which
    /// the engine then fills from the corpus; the damage is logged once.
    pub fn open(dir: &Path) -> Result<(Index, Opened), Error> {
        let io = |source| Error::Io { path: dir.to_owned(), source };
        std::fs::create_dir_all(dir).map_err(io)?;
        let (f, schema) = Fields::build();
        if current_version(dir) {
            // Opening the reader opens every segment's files and checks
            // their footers: a missing or cut file is found here, not at
            // the first question.
            let opened = open_tantivy(dir, &schema)
                .and_then(|index| index.map(|i| writer_and_reader(&i).map(|wr| (i, wr))).transpose());
            match opened {
                Ok(Some((index, (writer, reader)))) => {
                    let writer = Some(Mutex::new(writer));
                    return Ok((
                        Index { dir: dir.to_owned(), index, reader, writer, f, speakers_cache: Mutex::new(None) },
                        Opened::Existing,
                    ));
                }
                Ok(None) => {}
                // Another process writing is not damage: say so, never rebuild.
                Err(tantivy::TantivyError::LockFailure(..)) => return Err(Error::Busy { path: dir.to_owned() }),
                Err(e) => tracing::warn!(error = %e, "the search index is damaged; rebuilding it from the corpus"),
            }
        }
        // Start over: remove what is there, then create.
        for e in std::fs::read_dir(dir).map_err(io)?.flatten() {
            let p = e.path();
            let _ = if p.is_dir() { std::fs::remove_dir_all(&p) } else { std::fs::remove_file(&p) };
        }
        let index =
            TantivyIndex::create_in_dir(dir, schema).map_err(|source| Error::Open { path: dir.to_owned(), source })?;
        std::fs::write(dir.join(VERSION_FILE), format!("{SCHEMA_VERSION}\n")).map_err(io)?;
        schema::register_analyzers(&index);
        let (writer, reader) = writer_and_reader(&index).map_err(|source| match source {
            tantivy::TantivyError::LockFailure(..) => Error::Busy { path: dir.to_owned() },
            source => Error::Open { path: dir.to_owned(), source },
        })?;
        Ok((
            Index {
                dir: dir.to_owned(),
                index,
                reader,
                writer: Some(Mutex::new(writer)),
                f,
                speakers_cache: Mutex::new(None),
            },
            Opened::Fresh,
        ))
    }

    /// Opens the index in `dir` to read only, while another process holds
    /// its writer: what that process has committed is seen, nothing can be
    /// written, and nothing is rebuilt (a missing or damaged index is an
    /// error here).
    pub fn open_read_only(dir: &Path) -> Result<Index, Error> {
        let open = |source| Error::Open { path: dir.to_owned(), source };
        let (f, schema) = Fields::build();
        let another = || {
            let why = "it has another schema version; it is rebuilt when the writing process restarts";
            open(tantivy::TantivyError::SchemaError(why.to_owned()))
        };
        if !current_version(dir) {
            return Err(another());
        }
        let index = open_tantivy(dir, &schema).map_err(open)?.ok_or_else(another)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(open)?;
        Ok(Index { dir: dir.to_owned(), index, reader, writer: None, f, speakers_cache: Mutex::new(None) })
    }

    /// Opened by [`Index::open_read_only`].
    pub fn is_read_only(&self) -> bool {
        self.writer.is_none()
    }

    /// Starts a write. Only one at a time; others wait. Nothing is visible
    /// until [`Batch::commit`]; dropping the batch rolls back.
    pub fn batch(&self) -> Result<Batch<'_>, Error> {
        let writer = self.writer.as_ref().ok_or_else(|| Error::Busy { path: self.dir.clone() })?;
        let writer = writer.lock().map_err(|_| Error::Poisoned)?;
        Ok(Batch { index: self, writer, committed: false })
    }

    /// The stamps of every indexed article, for reconciling with the corpus.
    /// Read from fast fields (columns), not stored documents, so opening a
    /// large index touches a few megabytes rather than the document store.
    pub fn stamps(&self) -> Result<HashMap<ArticleId, Stamp>, Error> {
        use tantivy::DocSet;
        let searcher = self.reader.searcher();
        let kind = Term::from_field_text(self.f.kind, schema::KIND_ARTICLE);
        let io = |source: std::io::Error| Error::Io { path: PathBuf::from("index"), source };
        let mut out = HashMap::new();
        let mut name = String::new();
        for segment in searcher.segment_readers() {
            let ff = segment.fast_fields();
            let Some(ids) = ff.str("article_id").map_err(tv("reading article ids"))? else { continue };
            let hash = ff.u64("hash").map_err(tv("reading stamps"))?;
            let len = ff.u64("len").map_err(tv("reading stamps"))?;
            let mtime = ff.i64("mtime").map_err(tv("reading stamps"))?;
            let inverted = segment.inverted_index(self.f.kind).map_err(tv("reading stamps"))?;
            let Some(mut docs) = inverted.read_postings(&kind, IndexRecordOption::Basic).map_err(io)? else { continue };
            let alive = segment.alive_bitset();
            let mut doc = docs.doc();
            while doc != tantivy::TERMINATED {
                if alive.is_none_or(|bits| bits.is_alive(doc)) {
                    if let Some(ord) = ids.term_ords(doc).next() {
                        name.clear();
                        if ids.ord_to_str(ord, &mut name).map_err(io)? {
                            if let Ok(id) = ArticleId::parse(&name) {
                                let stamp = Stamp {
                                    hash: hash.first(doc).unwrap_or(0),
                                    len: len.first(doc).unwrap_or(0),
                                    mtime_ns: mtime.first(doc).unwrap_or(0),
                                };
                                out.insert(id, stamp);
                            }
                        }
                    }
                }
                doc = docs.advance();
            }
        }
        Ok(out)
    }

    /// The stamps of the articles `ids` that are indexed (the others are
    /// absent from the map): a term look-up per id, so asking about a few
    /// files costs the same in a large index as in a small one.
    pub fn stamps_of(&self, ids: &[ArticleId]) -> Result<HashMap<ArticleId, Stamp>, Error> {
        use tantivy::DocSet;
        let searcher = self.reader.searcher();
        let io = |source: std::io::Error| Error::Io { path: PathBuf::from("index"), source };
        let mut out = HashMap::new();
        for segment in searcher.segment_readers() {
            let ff = segment.fast_fields();
            let hash = ff.u64("hash").map_err(tv("reading stamps"))?;
            let len = ff.u64("len").map_err(tv("reading stamps"))?;
            let mtime = ff.i64("mtime").map_err(tv("reading stamps"))?;
            let inverted = segment.inverted_index(self.f.article_id).map_err(tv("reading stamps"))?;
            let alive = segment.alive_bitset();
            for id in ids {
                let term = Term::from_field_text(self.f.article_id, id.as_str());
                let Some(mut docs) = inverted.read_postings(&term, IndexRecordOption::Basic).map_err(io)? else {
                    continue;
                };
                let mut doc = docs.doc();
                while doc != tantivy::TERMINATED {
                    // Only the article document has a stamp (its passages and quotes do not).
                    if alive.is_none_or(|bits| bits.is_alive(doc)) {
                        if let Some(n) = len.first(doc) {
                            let stamp = Stamp {
                                hash: hash.first(doc).unwrap_or(0),
                                len: n,
                                mtime_ns: mtime.first(doc).unwrap_or(0),
                            };
                            out.insert(id.clone(), stamp);
                            break;
                        }
                    }
                    doc = docs.advance();
                }
            }
        }
        Ok(out)
    }

    /// The id of an indexed article with this normalised URL or text hash.
    pub fn find_duplicate(
        &self,
        url_key: Option<&str>,
        text_key: &str,
    ) -> Result<Option<(ArticleId, DuplicateBy)>, Error> {
        let searcher = self.reader.searcher();
        let lookups = url_key.map(|u| (self.f.url_key, u, DuplicateBy::Url)).into_iter().chain(std::iter::once((
            self.f.text_key,
            text_key,
            DuplicateBy::Text,
        )));
        for (field, key, by) in lookups {
            let q = TermQuery::new(Term::from_field_text(field, key), IndexRecordOption::Basic);
            let top =
                searcher.search(&q, &TopDocs::with_limit(1).order_by_score()).map_err(tv("looking up a duplicate"))?;
            if let Some((_, addr)) = top.first() {
                if let Some(id) = article_id_of(&searcher, *addr)? {
                    return Ok(Some((id, by)));
                }
            }
        }
        Ok(None)
    }

    /// The id of an indexed article with this normalised URL.
    pub fn find_by_url(&self, url_key: &str) -> Result<Option<ArticleId>, Error> {
        let searcher = self.reader.searcher();
        let q = TermQuery::new(Term::from_field_text(self.f.url_key, url_key), IndexRecordOption::Basic);
        let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score()).map_err(tv("looking up a URL"))?;
        match top.first() {
            Some((_, addr)) => article_id_of(&searcher, *addr),
            None => Ok(None),
        }
    }

    /// Articles sharing at least one near-duplicate band with these, most
    /// shared bands first (at most `limit`).
    pub fn near_candidates(&self, bands: &[u64], limit: usize) -> Result<Vec<ArticleId>, Error> {
        if bands.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let clauses: Vec<Box<dyn Query>> = bands
            .iter()
            .map(|b| {
                let t =
                    TermQuery::new(Term::from_field_text(self.f.bands, &format!("{b:016x}")), IndexRecordOption::Basic);
                Box::new(tantivy::query::ConstScoreQuery::new(Box::new(t), 1.0)) as Box<dyn Query>
            })
            .collect();
        let q = BooleanQuery::union(clauses);
        let top =
            searcher.search(&q, &TopDocs::with_limit(limit).order_by_score()).map_err(tv("finding near-duplicates"))?;
        let mut out = Vec::new();
        for (_, addr) in top {
            if let Some(id) = article_id_of(&searcher, addr)? {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// Number of indexed articles and passages.
    pub fn counts(&self) -> Result<(usize, usize), Error> {
        let searcher = self.reader.searcher();
        let count = |kind: &str| {
            let q = TermQuery::new(Term::from_field_text(self.f.kind, kind), IndexRecordOption::Basic);
            searcher.search(&q, &Count).map_err(tv("counting"))
        };
        Ok((count(schema::KIND_ARTICLE)?, count(schema::KIND_PASSAGE)?))
    }

    /// Analyses a question the way the index analyses text.
    pub fn analyze(&self, text: &str, aliases: &Aliases) -> Analyzed {
        query::analyze(&self.index, text, aliases)
    }

    /// Passages sharing words with the question, best BM25 first (at most
    /// `n`), each with how well it covers the question. The flat
    /// disjunction lets tantivy skip blocks that cannot reach the top.
    pub fn lexical_candidates(&self, q: &PassageQuery, n: usize) -> Result<Vec<Candidate>, Error> {
        let searcher = self.reader.searcher();
        let Some(query) = query::candidate_query(&self.f, &searcher, q) else { return Ok(Vec::new()) };
        let weights = query::weights(&searcher, self.f.body, &q.analyzed);
        let top = searcher
            .search(&query, &TopDocs::with_limit(n.max(1)).order_by_score())
            .map_err(tv("searching passages"))?;
        let mut out = Vec::with_capacity(top.len());
        for (rank, (score, addr)) in top.into_iter().enumerate() {
            let doc: TantivyDocument = searcher.doc(addr).map_err(tv("reading a passage"))?;
            if let Some(mut c) = self.candidate(&doc, q, &weights) {
                c.bm25 = score;
                c.lexical_rank = Some(rank);
                out.push(c);
            }
        }
        Ok(out)
    }

    /// The passages with these keys (as found by their vectors), within
    /// the query's date and outlet filters, with their coverage. A key no
    /// passage has any more (a removed article) finds nothing.
    pub fn candidates_by_keys(&self, keys: &[u64], q: &PassageQuery) -> Result<Vec<Candidate>, Error> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let weights = query::weights(&searcher, self.f.body, &q.analyzed);
        let query = query::with_filters(&self.f, Box::new(self.keys_query(keys)), q);
        let top = searcher
            .search(&query, &TopDocs::with_limit(keys.len() * 4).order_by_score())
            .map_err(tv("reading passages by key"))?;
        let mut out = Vec::with_capacity(top.len());
        for (_, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr).map_err(tv("reading a passage"))?;
            out.extend(self.candidate(&doc, q, &weights));
        }
        Ok(out)
    }

    /// Every passage of the query's article (see [`PassageQuery::article`])
    /// within its other filters, with its coverage; nothing without an
    /// article.
    pub fn article_candidates(&self, q: &PassageQuery) -> Result<Vec<Candidate>, Error> {
        if q.article.is_none() {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let weights = query::weights(&searcher, self.f.body, &q.analyzed);
        let query = query::with_filters(&self.f, Box::new(tantivy::query::AllQuery), q);
        let top =
            searcher.search(&query, &TopDocs::with_limit(10_000).order_by_score()).map_err(tv("reading passages"))?;
        let mut out = Vec::new();
        for (_, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr).map_err(tv("reading a passage"))?;
            out.extend(self.candidate(&doc, q, &weights));
        }
        out.sort_by_key(|c| c.ord);
        Ok(out)
    }

    fn candidate(&self, doc: &TantivyDocument, q: &PassageQuery, weights: &query::Weights) -> Option<Candidate> {
        let passage = self.f.text(doc, self.f.body)?.to_owned();
        let source = self.source(doc)?;
        let m = if q.analyzed.is_empty() {
            query::Match::default()
        } else {
            query::coverage(&self.index, &passage, &source.title, &q.analyzed, weights)
        };
        Some(Candidate {
            ord: self.f.u64(doc, self.f.ord) as u32,
            key: self.f.u64(doc, self.f.pkey),
            source,
            passage,
            bm25: 0.0,
            lexical_rank: None,
            coverage: m.coverage,
            title_weight: m.title_weight,
        })
    }

    /// Byte ranges of `text` whose analysed form is one of the question's.
    pub fn highlight(&self, text: &str, analyzed: &Analyzed) -> Vec<std::ops::Range<usize>> {
        query::highlight(&self.index, text, analyzed)
    }

    /// The keys of every indexed passage (from a column; the document
    /// store is not read).
    pub fn passage_keys(&self) -> Result<Vec<u64>, Error> {
        let searcher = self.reader.searcher();
        let mut out = Vec::new();
        for segment in searcher.segment_readers() {
            let keys = segment.fast_fields().u64("pkey").map_err(tv("reading passage keys"))?;
            let alive = segment.alive_bitset();
            for doc in 0..segment.max_doc() {
                if alive.is_none_or(|bits| bits.is_alive(doc)) {
                    out.extend(keys.first(doc));
                }
            }
        }
        Ok(out)
    }

    /// The passages with any of these keys.
    fn keys_query(&self, keys: &[u64]) -> BooleanQuery {
        BooleanQuery::union(
            keys.iter()
                .map(|k| {
                    Box::new(TermQuery::new(Term::from_field_u64(self.f.pkey, *k), IndexRecordOption::Basic))
                        as Box<dyn Query>
                })
                .collect(),
        )
    }

    /// The texts of the passages with these keys.
    pub fn passage_texts(&self, keys: &[u64]) -> Result<Vec<(u64, String)>, Error> {
        let searcher = self.reader.searcher();
        let mut out = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(512) {
            let top = searcher
                .search(&self.keys_query(chunk), &TopDocs::with_limit(chunk.len() * 4).order_by_score())
                .map_err(tv("reading passages by key"))?;
            let mut seen = std::collections::HashSet::new();
            for (_, addr) in top {
                let doc: TantivyDocument = searcher.doc(addr).map_err(tv("reading a passage"))?;
                let key = self.f.u64(&doc, self.f.pkey);
                if seen.insert(key) {
                    if let Some(t) = self.f.text(&doc, self.f.body) {
                        out.push((key, t.to_owned()));
                    }
                }
            }
        }
        Ok(out)
    }

    fn source(&self, doc: &TantivyDocument) -> Option<Source> {
        Some(Source {
            article_id: ArticleId::parse(self.f.text(doc, self.f.article_id)?).ok()?,
            title: self.f.text(doc, self.f.title).unwrap_or_default().to_owned(),
            outlet: self.f.text(doc, self.f.outlet).unwrap_or_default().to_owned(),
            url: self.f.text(doc, self.f.url).map(str::to_owned).filter(|u| !u.is_empty()),
            published: self.f.text(doc, self.f.published_text).and_then(|p| Published::parse(p).ok()),
            also_reported_by: self
                .f
                .text(doc, self.f.also)
                .and_then(|a| serde_json::from_str(a).ok())
                .unwrap_or_default(),
        })
    }

    /// One passage of an article with its neighbours (for "show context").
    pub fn passage_window(&self, id: &ArticleId, ord: u32, around: u32) -> Result<Vec<(u32, String)>, Error> {
        let searcher = self.reader.searcher();
        let q = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.f.kind, schema::KIND_PASSAGE),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>,
            ),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.f.article_id, id.as_str()),
                    IndexRecordOption::Basic,
                )),
            ),
        ]);
        let top = searcher.search(&q, &TopDocs::with_limit(10_000).order_by_score()).map_err(tv("reading passages"))?;
        let mut out = Vec::new();
        for (_, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr).map_err(tv("reading a passage"))?;
            let o = self.f.u64(&doc, self.f.ord) as u32;
            if o + around >= ord && o <= ord + around {
                out.push((o, self.f.text(&doc, self.f.body).unwrap_or_default().to_owned()));
            }
        }
        out.sort_by_key(|(o, _)| *o);
        Ok(out)
    }

    /// Every indexed passage (article id, text), for evaluation peers.
    pub fn passages(&self) -> Result<Vec<(ArticleId, String)>, Error> {
        let searcher = self.reader.searcher();
        let q = TermQuery::new(Term::from_field_text(self.f.kind, schema::KIND_PASSAGE), IndexRecordOption::Basic);
        let n = searcher.search(&q, &Count).map_err(tv("counting passages"))?;
        let top =
            searcher.search(&q, &TopDocs::with_limit(n.max(1)).order_by_score()).map_err(tv("listing passages"))?;
        let mut out = Vec::with_capacity(n);
        for (_, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr).map_err(tv("reading a passage"))?;
            if let (Some(id), Some(text)) = (
                self.f.text(&doc, self.f.article_id).and_then(|s| ArticleId::parse(s).ok()),
                self.f.text(&doc, self.f.body),
            ) {
                out.push((id, text.to_owned()));
            }
        }
        Ok(out)
    }

    /// The share of a topic's weight (IDF over passages, names counting
    /// more) that `text` covers: 0.0–1.0, as `ask` judges a passage.
    pub fn coverage(&self, text: &str, analyzed: &Analyzed) -> f32 {
        let searcher = self.reader.searcher();
        let w = query::weights(&searcher, self.f.body, analyzed);
        query::coverage(&self.index, text, "", analyzed, &w).coverage
    }

    /// Statements attributed to a speaker (by canonical name key), ranked
    /// by the optional topic, newest first without one.
    pub fn search_quotes(&self, q: &QuoteQuery) -> Result<(Vec<QuoteHit>, bool), Error> {
        let searcher = self.reader.searcher();
        let query = query::quote_query(&self.f, &searcher, q);
        let want = q.offset + q.limit + 1;
        let top = searcher
            .search(&query, &TopDocs::with_limit(want.max(1)).order_by_score())
            .map_err(tv("searching quotes"))?;
        let more = top.len() > q.offset + q.limit;
        let mut out = Vec::new();
        for (score, addr) in top.into_iter().skip(q.offset).take(q.limit) {
            let doc: TantivyDocument = searcher.doc(addr).map_err(tv("reading a quote"))?;
            let Some(quote) = self.f.text(&doc, self.f.payload).and_then(|p| serde_json::from_str::<Quote>(p).ok())
            else {
                continue;
            };
            let Some(source) = self.source(&doc) else { continue };
            out.push(QuoteHit { quote, source, score });
        }
        if q.topic.is_none() {
            // Without a topic every score is equal: newest first, then by
            // position in the article.
            out.sort_by(|a, b| {
                b.source
                    .published
                    .map(|p| p.timestamp())
                    .cmp(&a.source.published.map(|p| p.timestamp()))
                    .then(a.source.article_id.cmp(&b.source.article_id))
                    .then(a.quote.span.start.cmp(&b.quote.span.start))
            });
        }
        Ok((out, more))
    }

    /// Every named speaker with the number of statements (above the
    /// confidence floor) attributed to them; shared, computed once per
    /// searcher generation.
    pub fn speakers(&self) -> Result<Arc<Vec<SpeakerCount>>, Error> {
        let searcher = self.reader.searcher();
        let generation = searcher.generation().generation_id();
        if let Ok(cache) = self.speakers_cache.lock() {
            if let Some((g, list)) = cache.as_ref() {
                if *g == generation {
                    return Ok(Arc::clone(list));
                }
            }
        }
        let list = Arc::new(self.scan_speakers(&searcher)?);
        if let Ok(mut cache) = self.speakers_cache.lock() {
            *cache = Some((generation, Arc::clone(&list)));
        }
        Ok(list)
    }

    /// The searcher generation answers come from: it changes with every
    /// commit or reload, so what is derived from the index can be cached
    /// by it.
    pub fn generation(&self) -> u64 {
        self.reader.searcher().generation().generation_id()
    }

    fn scan_speakers(&self, searcher: &tantivy::Searcher) -> Result<Vec<SpeakerCount>, Error> {
        let mut counts: HashMap<String, u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.f.speaker).map_err(tv("reading speakers"))?;
            let alive = segment.alive_bitset();
            let mut stream =
                inverted.terms().stream().map_err(|source| Error::Io { path: PathBuf::from("index"), source })?;
            while stream.advance() {
                let Ok(name) = std::str::from_utf8(stream.key()) else { continue };
                let info = stream.value();
                let n = match alive {
                    None => u64::from(info.doc_freq),
                    Some(bits) => {
                        let term = Term::from_field_text(self.f.speaker, name);
                        let mut postings = match inverted.read_postings(&term, IndexRecordOption::Basic) {
                            Ok(Some(p)) => p,
                            _ => continue,
                        };
                        let mut alive_docs = 0;
                        use tantivy::DocSet;
                        let mut d = postings.doc();
                        while d != tantivy::TERMINATED {
                            if bits.is_alive(d) {
                                alive_docs += 1;
                            }
                            d = postings.advance();
                        }
                        alive_docs
                    }
                };
                if n > 0 {
                    *counts.entry(name.to_owned()).or_default() += n;
                }
            }
        }
        let mut out: Vec<SpeakerCount> =
            counts.into_iter().map(|(name, quotes)| SpeakerCount { name, quotes }).collect();
        out.sort_by(|a, b| b.quotes.cmp(&a.quotes).then(a.name.cmp(&b.name)));
        Ok(out)
    }
}

/// The article id of a document, from the `article_id` column: look-ups
/// during an import need not touch the document store.
fn article_id_of(searcher: &tantivy::Searcher, addr: tantivy::DocAddress) -> Result<Option<ArticleId>, Error> {
    let segment = searcher.segment_reader(addr.segment_ord);
    let Some(ids) = segment.fast_fields().str("article_id").map_err(tv("reading article ids"))? else {
        return Ok(None);
    };
    let Some(ord) = ids.term_ords(addr.doc_id).next() else { return Ok(None) };
    let mut name = String::new();
    let found = ids.ord_to_str(ord, &mut name).map_err(|source| Error::Io { path: PathBuf::from("index"), source })?;
    Ok(found.then(|| ArticleId::parse(&name).ok()).flatten())
}

/// Whether the index in `dir` was written with this schema version.
fn current_version(dir: &Path) -> bool {
    let version = std::fs::read_to_string(dir.join(VERSION_FILE)).ok();
    version.as_deref().map(str::trim) == Some(&SCHEMA_VERSION.to_string())
}

/// The tantivy index in `dir` with Parley's analyzers, or `None` when it
/// has another schema.
fn open_tantivy(dir: &Path, schema: &tantivy::schema::Schema) -> tantivy::Result<Option<TantivyIndex>> {
    let index = TantivyIndex::open(tantivy::directory::MmapDirectory::open(dir)?)?;
    if index.schema() != *schema {
        return Ok(None);
    }
    schema::register_analyzers(&index);
    Ok(Some(index))
}

/// The one writer (which takes the directory's lock) and a reader that
/// reloads when told to.
fn writer_and_reader(index: &TantivyIndex) -> tantivy::Result<(IndexWriter, IndexReader)> {
    let writer = index.writer_with_num_threads(1, WRITER_MEMORY)?;
    let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
    Ok((writer, reader))
}

/// A passage that may answer a question, with what ranking needs to know.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub source: Source,
    /// The passage's position in its article.
    pub ord: u32,
    /// `vectors::key` of the passage text.
    pub key: u64,
    pub passage: String,
    /// BM25 of the body (0 when found by its vector alone).
    pub bm25: f32,
    /// Place in the BM25 list, when it is there.
    pub lexical_rank: Option<usize>,
    /// Share of the question's weight the passage covers (0–1), see
    /// [`query::coverage`].
    pub coverage: f32,
    /// Weight of the question words found in the article's title.
    pub title_weight: f32,
}

/// How a duplicate was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuplicateBy {
    Url,
    Text,
}

/// A write in progress: holds the one writer.
pub struct Batch<'a> {
    index: &'a Index,
    writer: MutexGuard<'a, IndexWriter>,
    committed: bool,
}

impl Batch<'_> {
    /// Replaces whatever the index holds for this article.
    pub fn put(&mut self, docs: &ArticleDocs<'_>) -> Result<(), Error> {
        let f = &self.index.f;
        let meta = &docs.article.meta;
        self.delete(&meta.id);
        let common = |doc: &mut TantivyDocument, kind: &str| {
            doc.add_text(f.kind, kind);
            doc.add_text(f.article_id, meta.id.as_str());
            doc.add_text(f.title, &meta.title);
            doc.add_text(f.outlet, &meta.outlet);
            doc.add_text(f.outlet_key, crate::text::fold(meta.outlet.trim()));
            doc.add_text(f.url, meta.url.as_deref().unwrap_or(""));
            if let Some(p) = &meta.published {
                doc.add_date(f.published, DateTime::from_timestamp_secs(p.timestamp()));
                doc.add_text(f.published_text, p.to_string());
            }
            doc.add_text(f.language, &meta.language);
            if !meta.also_reported_by.is_empty() {
                doc.add_text(f.also, serde_json::to_string(&meta.also_reported_by).unwrap_or_default());
            }
        };
        let mut article = TantivyDocument::default();
        common(&mut article, schema::KIND_ARTICLE);
        article.add_u64(f.hash, docs.stamp.hash);
        article.add_u64(f.len, docs.stamp.len);
        article.add_i64(f.mtime, docs.stamp.mtime_ns);
        if let Some(u) = &docs.url_key {
            article.add_text(f.url_key, u);
        }
        article.add_text(f.text_key, &docs.text_key);
        for band in docs.bands {
            article.add_text(f.bands, format!("{band:016x}"));
        }
        self.writer.add_document(article).map_err(tv("adding an article"))?;
        for p in docs.passages {
            let text = p.text.as_str();
            let mut doc = TantivyDocument::default();
            common(&mut doc, schema::KIND_PASSAGE);
            doc.add_u64(f.ord, u64::from(p.ord));
            doc.add_text(f.body, text);
            doc.add_u64(f.pkey, crate::vectors::key(text));
            self.writer.add_document(doc).map_err(tv("adding a passage"))?;
        }
        for q in docs.quotes {
            let mut doc = TantivyDocument::default();
            common(&mut doc, schema::KIND_QUOTE);
            doc.add_text(f.quote_text, &q.sentence);
            doc.add_text(f.speaker_key, crate::names::name_key(&q.speaker.name));
            if q.speaker.kind != crate::quotes::SpeakerKind::Anonymous && q.confidence >= crate::quotes::MIN_CONFIDENCE
            {
                doc.add_text(f.speaker, &q.speaker.name);
            }
            doc.add_text(f.quote_kind, q.kind.as_str());
            doc.add_f64(f.confidence, f64::from(q.confidence));
            doc.add_text(f.payload, serde_json::to_string(q).unwrap_or_default());
            self.writer.add_document(doc).map_err(tv("adding a quote"))?;
        }
        Ok(())
    }

    /// Removes an article's documents.
    pub fn delete(&mut self, id: &ArticleId) {
        self.writer.delete_term(Term::from_field_text(self.index.f.article_id, id.as_str()));
    }

    /// Makes the batch durable and visible to searches at once.
    pub fn commit(mut self) -> Result<(), Error> {
        self.writer.commit().map_err(tv("committing"))?;
        self.committed = true;
        self.index.reader.reload().map_err(tv("reloading the reader"))?;
        Ok(())
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        if !self.committed {
            let _ = self.writer.rollback();
        }
    }
}
