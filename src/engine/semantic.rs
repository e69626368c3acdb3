//! The semantic side of the engine: the sentence-embedding model (loaded
//! on first use), the vectors of passages, of their sentences and of
//! article titles, and computing the vectors the index has passages for
//! but the stores lack.
//!
//! Two stores per model in `<data>/vectors/`: `<model>.bin` holds passages
//! and titles (searched whole for a question's nearest passages);
//! `<model>.sentences.bin` holds the sentences of each passage, looked up
//! by key only (which sentence answers, how well the best one does). A
//! passage's own key is written to the sentence store after its
//! sentences, as the mark that they are all there.
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

/// Sentences shorter than this many words get no vector of their own
/// ("Talks resumed." says little on its own and a lot in its passage).
const MIN_SENTENCE_WORDS: usize = 4;

/// The model and its vectors.
pub(crate) struct Semantic {
    pub model: embed::Model,
    /// Passages and titles.
    pub store: VectorStore,
    /// Sentences of passages, and each passage's mark.
    pub sentences: VectorStore,
    /// Held while vectors are computed: one embedder at a time.
    pub busy: std::sync::Mutex<()>,
}

/// The key of an article title's vector (titles and passages share the
/// store; the prefix keeps a one-line passage and a title apart).
pub(crate) fn title_key(title: &str) -> u64 {
    vectors::key(&format!("\u{1}title\u{1}{title}"))
}

/// The sentences of a passage, in order, each with the key of its vector
/// when it has one. A passage of one sentence is its own sentence (its
/// key is the passage's); in longer ones, every sentence of
/// `MIN_SENTENCE_WORDS` words or more has a vector.
pub(crate) fn sentence_keys(passage: &str) -> Vec<(std::ops::Range<usize>, Option<u64>)> {
    let ranges = crate::text::sentences(passage);
    if ranges.len() <= 1 {
        return ranges.into_iter().map(|r| (r, Some(vectors::key(passage)))).collect();
    }
    ranges
        .into_iter()
        .map(|r| {
            let text = &passage[r.clone()];
            let k = (text.split_whitespace().count() >= MIN_SENTENCE_WORDS).then(|| vectors::key(text));
            (r, k)
        })
        .collect()
}

/// The file names of a model's two stores in `<data>/vectors/`: passages
/// and titles; sentences and the passages' marks.
pub fn store_files(model: &str) -> [String; 2] {
    [format!("{model}.bin"), format!("{model}.sentences.bin")]
}

/// The keys the engine looks vectors up by, store by store (see
/// [`store_files`]).
#[derive(Debug, Clone, Default)]
pub struct VectorKeys {
    /// First store: every passage, then every title.
    pub passages: Vec<u64>,
    pub titles: Vec<u64>,
    /// Second store: every sentence with a vector of its own, then every
    /// passage's mark (its own key).
    pub sentences: Vec<u64>,
}

/// How far the vectors are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
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
                    let dir = self.config.data_dir.join("vectors");
                    let [passages, sentences] = store_files(model.id());
                    let read_only = self.index.is_read_only();
                    let open = |f: &str| {
                        let path = dir.join(f);
                        let store = if read_only {
                            VectorStore::open_read_only(&path, embed::DIM)
                        } else {
                            VectorStore::open(&path, embed::DIM)
                        };
                        store.map_err(|e| e.to_string())
                    };
                    Ok(Semantic {
                        store: open(&passages)?,
                        sentences: open(&sentences)?,
                        model,
                        busy: std::sync::Mutex::new(()),
                    })
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
                let missing = keys.iter().filter(|k| !s.store.contains(**k) || !s.sentences.contains(**k)).count();
                VectorStatus { model: Some(s.model.id().to_owned()), passages, missing }
            }
            None => VectorStatus { model: None, passages, missing: passages },
        })
    }

    /// Computes and stores the vectors the stores lack: every indexed
    /// passage's, its sentences' and every article title's. Passages come
    /// first (they make an article searchable by meaning), then sentences.
    /// `progress` is told (done, total) after each stored chunk, counting
    /// a passage or title embedded as one step and a passage's sentences
    /// as another. Returns the steps done; 0 without a model or when
    /// opened read-only.
    pub fn embed_pending(&self, mut progress: impl FnMut(usize, usize)) -> Result<usize, Error> {
        let Some(s) = self.semantic().filter(|_| !self.index.is_read_only()) else { return Ok(0) };
        let _one_at_a_time = s.busy.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let keys = self.index.passage_keys()?;
        let missing = s.store.missing(keys.iter().copied());
        let unsplit = s.sentences.missing(keys);
        let titles: Vec<(u64, String)> = {
            let mut seen = std::collections::HashSet::new();
            self.catalog()?
                .values()
                .map(|m| (title_key(&m.title), m.title.clone()))
                .filter(|(k, _)| !s.store.contains(*k) && seen.insert(*k))
                .collect()
        };
        let total = missing.len() + titles.len() + unsplit.len();
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
        for keys in unsplit.chunks(CHUNK) {
            let passages = self.index.passage_texts(keys)?;
            let mut texts: Vec<(u64, &str)> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for (pkey, text) in &passages {
                for (r, k) in sentence_keys(text).into_iter().filter_map(|(r, k)| Some((r, k?))) {
                    if k != *pkey && !s.sentences.contains(k) && seen.insert(k) {
                        texts.push((k, &text[r]));
                    }
                }
            }
            let vecs = s.model.embed(&texts.iter().map(|(_, t)| *t).collect::<Vec<_>>())?;
            let mut items: Vec<(u64, Vec<f32>)> = texts.iter().map(|(k, _)| *k).zip(vecs).collect();
            // The marks, last: a passage counts as split once they are written.
            items.extend(passages.iter().filter_map(|(k, _)| Some((*k, s.store.get(*k)?))));
            s.sentences.insert(&items)?;
            done += passages.len();
            progress(done, total);
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

    /// Every key a complete set of vectors has (for filling the stores by
    /// other means than the model: benchmarks with synthetic vectors).
    pub fn vector_keys(&self) -> Result<VectorKeys, Error> {
        let passages = self.index.passage_texts(&self.index.passage_keys()?)?;
        let mut keys = VectorKeys::default();
        for (pkey, text) in &passages {
            keys.passages.push(*pkey);
            keys.sentences.extend(sentence_keys(text).into_iter().filter_map(|(_, k)| k).filter(|k| k != pkey));
        }
        keys.sentences.extend(keys.passages.iter().copied());
        let mut seen = std::collections::HashSet::new();
        keys.titles = self.catalog()?.values().map(|m| title_key(&m.title)).filter(|k| seen.insert(*k)).collect();
        Ok(keys)
    }

    /// Adds the vectors of the same model found in `dir` (the `vectors/`
    /// of another data directory, or a cache) that this one lacks. Returns
    /// how many were added.
    pub fn load_vectors_from(&self, dir: &std::path::Path) -> Result<usize, Error> {
        let Some(s) = self.semantic().filter(|_| !self.index.is_read_only()) else { return Ok(0) };
        let mut added = 0;
        for (file, ours) in store_files(s.model.id()).iter().zip([&s.store, &s.sentences]) {
            let path = dir.join(file);
            if path.is_file() {
                added += ours.absorb(&VectorStore::open(&path, embed::DIM)?)?;
            }
        }
        Ok(added)
    }

    /// Drops stored vectors no passage, sentence or title uses any more.
    pub(crate) fn prune_vectors(&self) -> Result<usize, Error> {
        let Some(s) = self.semantic().filter(|_| !self.index.is_read_only()) else { return Ok(0) };
        let keys = self.vector_keys()?;
        let first: std::collections::HashSet<u64> = keys.passages.into_iter().chain(keys.titles).collect();
        let second: std::collections::HashSet<u64> = keys.sentences.into_iter().collect();
        Ok(s.store.retain(&first)? + s.sentences.retain(&second)?)
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
    fn a_passage_sentences_have_keys_unless_they_are_short() {
        let one = "The envoys of Vorn met in the harbour hall.";
        assert_eq!(sentence_keys(one), vec![(0..one.len(), Some(vectors::key(one)))]);
        let text = "Talks resumed. The envoys of Vorn met in the harbour hall on Monday.";
        let got: Vec<(&str, Option<u64>)> = sentence_keys(text).into_iter().map(|(r, k)| (&text[r], k)).collect();
        let long = "The envoys of Vorn met in the harbour hall on Monday.";
        assert_eq!(got, vec![("Talks resumed.", None), (long, Some(vectors::key(long)))]);
        assert!(sentence_keys("").is_empty());
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
            .add(draft(
                "A quiet week in Tarnholm",
                "Nothing was agreed. The mayor of Tarnholm said the ferries run on time. Talks resume in spring.",
            ))
            .unwrap();
        let before = engine.vector_status().unwrap();
        assert!(before.passages >= 100, "{before:?}");
        assert_eq!(before.missing, before.passages);
        let n = engine.embed_pending(|_, _| {}).unwrap();
        assert_eq!(n, 2 * before.passages + 2, "every passage, its sentences and both titles");
        // Every passage's sentences are stored, and so is its mark; a
        // sentence of a longer passage has a vector of its own.
        let s = engine.semantic().unwrap();
        let texts = engine.index.passage_texts(&engine.index.passage_keys().unwrap()).unwrap();
        let mut own = 0;
        for (pkey, text) in &texts {
            assert!(s.sentences.contains(*pkey), "{text}");
            for k in sentence_keys(text).into_iter().filter_map(|(_, k)| k) {
                assert!(s.sentences.contains(k), "{text}");
                own += usize::from(k != *pkey);
            }
        }
        assert!(own > 0);
        assert_eq!(engine.vector_status().unwrap().missing, 0);
        assert_eq!(engine.embed_pending(|_, _| {}).unwrap(), 0);
    }
}
