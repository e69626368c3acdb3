//! The engine: what Parley can do, in Parley's own types. The CLI, the
//! console and the Discord bot are thin adapters over these functions.
//!
//! It ties the corpus (the truth) to the index (derived): on open it
//! reconciles the index with the files, and while it runs it follows hand
//! edits ([`corpus_watch`]); every addition writes the file
//! first, then indexes and commits, and undoes the file if indexing fails.
//! One writer at a time (the index's lock); reads never wait for it.
//!
//! It must not know serenity, the terminal, or tantivy's types.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::answer::{Answer, AskQuery, CorpusStats, SpeakerCount, WhoSaid, WhoSaidQuery};
use crate::article::{Article, ArticleId, ArticleMeta, BadId, Published};
use crate::corpus::{self, passages, ArticleDraft, Corpus, FieldMap};
use crate::index::{self, ArticleDocs, DuplicateBy, Index, Opened, PassageQuery, QuoteQuery, Stamp};
use crate::names::{name_key, Aliases};
use crate::quotes::{self, Quote};
use crate::web::dedup::{self, Fingerprint};

mod ask;
mod choices;
mod compare;
pub mod corpus_watch;
mod find_sources;
mod holder;
mod ingest;
mod reconcile;
mod semantic;
pub mod timeline;
mod watch;
mod who_said;

pub use ask::{Scored, Weights, WEIGHTS};
pub use choices::{KeyedSpeaker, Listed, Party as PartyChoice};
pub use find_sources::{key_sentences, FoundSources, KEY_SENTENCES};
pub use holder::{writer_holder, HOLDER_FILE};
pub use ingest::{draft_from_extracted, load_document_file, read_document, read_document_file};
pub use reconcile::{BrokenFile, Refreshed};
pub use semantic::{store_files, VectorKeys, VectorStatus};
pub use watch::{
    by_channel, ArrivalHook, Cursor, Found, NewWatch, Watch, WatchError, WatchLimits, WatchMatch, WatchTarget, Watches,
    WATCHES_FILE, WATCH_LIMITS,
};

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
    /// The sentence-embedding model's directory (see [`crate::embed`]);
    /// `None` answers from words only.
    pub model_dir: Option<PathBuf>,
    /// What this process is ("parley serve"), noted in
    /// [`HOLDER_FILE`] while it holds the writer.
    pub holder: String,
}

impl EngineConfig {
    pub fn new(data_dir: impl Into<PathBuf>) -> EngineConfig {
        EngineConfig {
            data_dir: data_dir.into(),
            default_added_by: "cli".into(),
            import_batch: 1_000,
            model_dir: Some(crate::embed::default_dir()),
            holder: "parley".into(),
        }
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
    #[error(transparent)]
    Model(#[from] crate::embed::Error),
    #[error(transparent)]
    Vectors(#[from] crate::vectors::Error),
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
    #[error("article {id} has no statement {text:?} (it was edited?)")]
    NoStatement { id: ArticleId, text: String },
    #[error(transparent)]
    Side(#[from] crate::names::SideError),
    #[error("nobody called {query:?} is quoted in the corpus{}", closest(.near))]
    UnknownSpeaker { query: String, near: Vec<String> },
    #[error("{query:?} may be {}: say which", .candidates.join(" or "))]
    AmbiguousSpeaker { query: String, candidates: Vec<String> },
    #[error("compare two different people or sides")]
    SameParty,
}

fn closest(near: &[String]) -> String {
    if near.is_empty() {
        String::new()
    } else {
        format!(" (closest: {})", near.join(", "))
    }
}

/// An article the engine added.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    pub added: Vec<Added>,
    pub refused: Vec<Refusal>,
}

/// What reconciling the index with the corpus did on open.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reconciled {
    pub indexed: usize,
    pub removed: usize,
    /// Corpus files that could not be read, with the reason; until fixed,
    /// an article indexed before keeps its last good version, a new one
    /// stays out of the index.
    pub broken: Vec<String>,
}

/// The engine. Share it as `Arc<Engine>`; every method takes `&self`.
pub struct Engine {
    config: EngineConfig,
    corpus: Corpus,
    index: Index,
    aliases: RwLock<Arc<Aliases>>,
    /// Statements moderators hid (`corpus/hidden.toml`): never indexed.
    hidden: RwLock<Arc<corpus::hidden::Hidden>>,
    catalog: RwLock<Option<Arc<BTreeMap<ArticleId, ArticleMeta>>>>,
    reconciled: Reconciled,
    /// The model and its vectors, loaded on first use (`None`: words only).
    semantic: OnceLock<Option<Arc<semantic::Semantic>>>,
    /// Told about every committed addition (see [`Engine::on_arrival`]).
    arrivals: RwLock<Vec<ArrivalHook>>,
    /// What autocomplete offers, per index generation.
    choices: choices::Choices,
    /// Names this process in [`HOLDER_FILE`] while it holds the writer.
    _holder: Option<holder::HolderNote>,
    /// Versions of article files found broken, not read again until they
    /// change (see [`Engine::stale`]).
    unparsed: Mutex<reconcile::Unparsed>,
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

/// Whether two texts have the same words (whitespace runs folded).
fn same_words(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
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
        let (index, opened) = Index::open(&config.data_dir.join("index"))?;
        let mut engine = Engine::with_index(config, index)?;
        engine._holder = holder::HolderNote::claim(&engine.config.data_dir, &engine.config.holder);
        engine.reconciled = engine.reconcile(opened)?;
        Ok(engine)
    }

    /// Opens the data directory to read only, while another process (the
    /// bot, an import) writes it: answers come from what that process has
    /// committed; hand edits are not reconciled, no vector is computed, and
    /// every write fails with [`crate::index::Error::Busy`].
    pub fn open_read_only(config: EngineConfig) -> Result<Engine, Error> {
        let index = Index::open_read_only(&config.data_dir.join("index"))?;
        Engine::with_index(config, index)
    }

    /// The engine over an opened index, before any reconcile.
    fn with_index(config: EngineConfig, index: Index) -> Result<Engine, Error> {
        let corpus = Corpus::open(config.data_dir.join("corpus"))?;
        let aliases = corpus.aliases()?;
        let hidden = corpus.hidden()?;
        Ok(Engine {
            config,
            corpus,
            index,
            aliases: RwLock::new(Arc::new(aliases)),
            hidden: RwLock::new(Arc::new(hidden)),
            catalog: RwLock::new(None),
            reconciled: Reconciled::default(),
            semantic: OnceLock::new(),
            arrivals: RwLock::new(Vec::new()),
            choices: choices::Choices::default(),
            _holder: None,
            unparsed: Mutex::default(),
        })
    }

    /// Opened by [`Engine::open_read_only`].
    pub fn is_read_only(&self) -> bool {
        self.index.is_read_only()
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

    /// The statements hidden from answers.
    pub fn hidden(&self) -> Arc<corpus::hidden::Hidden> {
        self.hidden.read().map(|h| Arc::clone(&h)).unwrap_or_default()
    }

    /// Hides a statement of an article from every answer: it is recorded in
    /// `corpus/hidden.toml` (the article keeps its words), then the
    /// article is indexed again without it. False when it was hidden
    /// already. Every later index of the article (a reconcile, `parley
    /// reindex`) leaves it out too.
    pub fn hide_statement(&self, statement: corpus::hidden::HiddenStatement) -> Result<bool, Error> {
        let id = ArticleId::parse(&statement.article)?;
        let article = self.article(&id)?;
        if !quotes::extract(&article.body, &self.aliases()).iter().any(|q| same_words(&q.text, &statement.text)) {
            return Err(Error::NoStatement { id, text: statement.text });
        }
        let mut batch = self.index.batch()?;
        {
            let mut guard = self.hidden.write().map_err(|_| index::Error::Poisoned)?;
            let mut table = (**guard).clone();
            if !table.add(statement) {
                return Ok(false);
            }
            self.corpus.write_hidden(&table)?;
            *guard = Arc::new(table);
        }
        let bytes = self.corpus.read_bytes(&id)?;
        let file = self.corpus.stat(&id)?;
        let article = self.corpus.parse(&id, &bytes)?;
        let mut p = ingest::prepare_article(article, &self.aliases(), file.path.display().to_string());
        p.drop_hidden(&self.hidden());
        batch.put(&p.docs(Stamp { hash: fnv1a(&bytes), len: file.len, mtime_ns: file.mtime_ns }))?;
        batch.commit()?;
        Ok(true)
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
        self.catalog_remove(std::slice::from_ref(id));
        Ok(article.meta)
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

    fn catalog_remove(&self, ids: &[ArticleId]) {
        if ids.is_empty() {
            return;
        }
        if let Ok(mut c) = self.catalog.write() {
            if let Some(map) = c.as_mut() {
                let m = Arc::make_mut(map);
                for id in ids {
                    m.remove(id);
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
        let vectors = self.vector_status()?;
        Ok(CorpusStats {
            articles: catalog.len(),
            passages: vectors.passages,
            passages_without_vectors: vectors.missing,
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

    /// Puts a name on a side (creating the side when new) and saves the
    /// table. False when it was already there.
    pub fn add_to_side(&self, side: &str, member: &str) -> Result<bool, Error> {
        let mut guard = self.aliases.write().map_err(|_| index::Error::Poisoned)?;
        let mut table = (**guard).clone();
        if !table.add_to_side(side, member)? {
            return Ok(false);
        }
        self.corpus.write_aliases(&table)?;
        *guard = Arc::new(table);
        Ok(true)
    }
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
