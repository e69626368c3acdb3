//! The semantic side of the engine: the sentence-embedding model (loaded
//! on first use), the vectors of passages and titles, and computing the
//! vectors the index has passages for but the store lacks.
//!
//! Vectors follow the index, never lead it: an article is searchable by
//! its words as soon as it is committed, and by meaning once
//! [`Engine::embed_pending`] has run (the CLI runs it before `add` and
//! `import` return; the bot in the background). The work is resumable:
//! each chunk is synced before the next, and a restarted process computes
//! only what is still missing.
//!
//! It must not know tantivy or candle: it talks to `index` and `embed`.

use std::sync::Arc;

use serde::Serialize;

use super::*;
use crate::embed;
use crate::vectors::{self, VectorStore};

/// Passages embedded and stored together.
const CHUNK: usize = 64;

/// The model and its vectors.
pub(crate) struct Semantic {
    pub model: embed::Model,
    pub store: VectorStore,
    /// Held while vectors are computed: one embedder at a time.
    pub busy: std::sync::Mutex<()>,
}

/// The key of an article title's vector (titles and passages share the
/// store; the prefix keeps a one-line passage and a title apart).
pub(crate) fn title_key(title: &str) -> u64 {
    vectors::key(&format!("\u{1}title\u{1}{title}"))
}

/// How far the vectors are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VectorStatus {
    /// The model in use, or `None` when Parley answers from words only.
    pub model: Option<String>,
    pub passages: usize,
    /// Passages whose vectors are not computed yet (searchable by their
    /// words only until they are).
    pub missing: usize,
}

impl Engine {
    /// The model and its vectors, loaded on first use. `None` (said once in
    /// the log) when no model is configured or it cannot be loaded: Parley
    /// then answers from words alone.
    pub(crate) fn semantic(&self) -> Option<&Arc<Semantic>> {
        self.semantic
            .get_or_init(|| {
                let dir = self.config.model_dir.as_ref()?;
                let loaded = embed::Model::load(dir).map_err(|e| e.to_string()).and_then(|model| {
                    let path = self.config.data_dir.join("vectors").join(format!("{}.bin", model.id()));
                    let store = VectorStore::open(&path, embed::DIM).map_err(|e| e.to_string())?;
                    Ok(Semantic { model, store, busy: std::sync::Mutex::new(()) })
                });
                match loaded {
                    Ok(s) => Some(Arc::new(s)),
                    Err(e) => {
                        tracing::warn!(
                            "the sentence-embedding model is not available ({e}); answering from words only"
                        );
                        None
                    }
                }
            })
            .as_ref()
    }

    /// How many passages have vectors.
    pub fn vector_status(&self) -> Result<VectorStatus, Error> {
        let keys = self.index.passage_keys()?;
        let passages = keys.len();
        Ok(match self.semantic() {
            Some(s) => {
                VectorStatus { model: Some(s.model.id().to_owned()), passages, missing: s.store.missing(keys).len() }
            }
            None => VectorStatus { model: None, passages, missing: passages },
        })
    }

    /// Computes and stores the vectors the store lacks: every indexed
    /// passage's and every article title's. `progress` is told (done,
    /// total) after each stored chunk. Returns how many were computed; 0
    /// without a model.
    pub fn embed_pending(&self, mut progress: impl FnMut(usize, usize)) -> Result<usize, Error> {
        let Some(s) = self.semantic() else { return Ok(0) };
        let _one_at_a_time = s.busy.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let missing = s.store.missing(self.index.passage_keys()?);
        let titles: Vec<(u64, String)> = {
            let mut seen = std::collections::HashSet::new();
            self.catalog()?
                .values()
                .map(|m| (title_key(&m.title), m.title.clone()))
                .filter(|(k, _)| !s.store.contains(*k) && seen.insert(*k))
                .collect()
        };
        let total = missing.len() + titles.len();
        if total == 0 {
            return Ok(0);
        }
        let mut done = 0;
        let mut store = |texts: Vec<(u64, String)>| -> Result<(), Error> {
            let refs: Vec<&str> = texts.iter().map(|(_, t)| t.as_str()).collect();
            let vecs = s.model.embed(&refs)?;
            let items: Vec<(u64, Vec<f32>)> = texts.iter().map(|(k, _)| *k).zip(vecs).collect();
            s.store.insert(&items)?;
            done += items.len();
            progress(done, total);
            Ok(())
        };
        for chunk in titles.chunks(CHUNK) {
            store(chunk.to_vec())?;
        }
        for keys in missing.chunks(CHUNK) {
            store(self.index.passage_texts(keys)?)?;
        }
        Ok(done)
    }

    /// Computes the missing vectors on a thread of its own (the bot calls
    /// this after every addition and at start), logging a failure.
    pub fn embed_in_background(self: &Arc<Self>) {
        let engine = Arc::clone(self);
        let spawned = std::thread::Builder::new().name("parley-vectors".into()).spawn(move || {
            match engine.embed_pending(|_, _| {}) {
                Ok(0) => {}
                Ok(n) => tracing::info!(vectors = n, "passage vectors computed"),
                Err(e) => tracing::warn!("computing passage vectors: {e}"),
            }
        });
        if let Err(e) = spawned {
            tracing::warn!("cannot start computing passage vectors: {e}");
        }
    }

    /// Adds the vectors of another vector file of the same model (from
    /// another data directory, or a cache) that this one lacks.
    pub fn load_vectors_from(&self, path: &std::path::Path) -> Result<usize, Error> {
        let Some(s) = self.semantic() else { return Ok(0) };
        let other = VectorStore::open(path, embed::DIM)?;
        Ok(s.store.absorb(&other)?)
    }

    /// Drops stored vectors no passage or title uses any more.
    pub(crate) fn prune_vectors(&self) -> Result<usize, Error> {
        let Some(s) = self.semantic() else { return Ok(0) };
        let mut keep: std::collections::HashSet<u64> = self.index.passage_keys()?.into_iter().collect();
        keep.extend(self.catalog()?.values().map(|m| title_key(&m.title)));
        Ok(s.store.retain(&keep)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(title: &str, body: &str) -> ArticleDraft {
        ArticleDraft {
            title: Some(title.into()),
            outlet: Some("Quill Daily".into()),
            body: body.into(),
            origin: title.into(),
            ..ArticleDraft::default()
        }
    }

    #[test]
    fn every_passage_and_title_gets_a_vector_once() {
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::open(EngineConfig::new(dir.path())).unwrap();
        let paras: Vec<String> = (0..150)
            .map(|i| format!("Paragraph {i}: the envoys of Vorn and Tarnholm met again in the harbour hall."))
            .collect();
        engine.add(draft("Harbour talks in Vorn", &paras.join("\n\n"))).unwrap();
        engine
            .add(draft("A quiet week in Tarnholm", "Nothing was agreed.\n\nThe mayor said the ferries run."))
            .unwrap();
        let before = engine.vector_status().unwrap();
        assert!(before.passages >= 100, "{before:?}");
        assert_eq!(before.missing, before.passages);
        let n = engine.embed_pending(|_, _| {}).unwrap();
        assert_eq!(n, before.passages + 2, "every passage and both titles");
        assert_eq!(engine.vector_status().unwrap().missing, 0);
        assert_eq!(engine.embed_pending(|_, _| {}).unwrap(), 0);
    }
}
