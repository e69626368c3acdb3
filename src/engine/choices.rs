//! What autocomplete offers, prepared once per index generation: speakers
//! with their folded name keys, the parties of `timeline`/`compare` (sides,
//! then speakers), and the article list with folded titles, newest first.
//! Autocomplete asks on every keystroke; a prefix is then matched against
//! ready keys, with nothing re-read, re-folded or cloned whole.
//!
//! It must not rank for a front (the bot decides how many to show and
//! how), and must never serve a list older than the index or the catalog
//! it came from: each cache is keyed by the searcher generation and by the
//! identity of what else it was built from (the alias table, the catalog).

use std::sync::Mutex;

use super::*;
use crate::answer::PartyKind;

/// A speaker with its folded name key.
#[derive(Debug, Clone)]
pub struct KeyedSpeaker {
    pub speaker: SpeakerCount,
    pub key: String,
}

/// A side or a speaker, with its folded name key and its count (members
/// for a side, statements for a speaker).
#[derive(Debug, Clone)]
pub struct Party {
    pub name: String,
    pub kind: PartyKind,
    pub count: u64,
    pub key: String,
}

/// An article of the catalog with its folded title.
#[derive(Debug, Clone)]
pub struct Listed {
    pub meta: ArticleMeta,
    pub folded_title: String,
}

type Catalog = Arc<BTreeMap<ArticleId, ArticleMeta>>;

/// A list with the searcher generation and the source it was built from.
type Built<S, T> = Mutex<Option<(u64, S, Arc<Vec<T>>)>>;

/// The caches, each with what it was built from.
#[derive(Default)]
pub(super) struct Choices {
    speakers: Built<(), KeyedSpeaker>,
    parties: Built<Arc<Aliases>, Party>,
    articles: Built<Catalog, Listed>,
}

impl Engine {
    /// Every speaker with its name key, most statements first (the index's
    /// order); shared, rebuilt only when the index changed.
    pub fn keyed_speakers(&self) -> Result<Arc<Vec<KeyedSpeaker>>, Error> {
        // The generation first: a commit between the two reads leaves a
        // list keyed older than it is, rebuilt next time, never the reverse.
        let generation = self.index.generation();
        if let Some((g, (), list)) = self.choices.speakers.lock().ok().and_then(|c| c.clone()) {
            if g == generation {
                return Ok(list);
            }
        }
        let list: Arc<Vec<KeyedSpeaker>> = Arc::new(
            self.index
                .speakers()?
                .iter()
                .map(|s| KeyedSpeaker { key: name_key(&s.name), speaker: s.clone() })
                .collect(),
        );
        if let Ok(mut c) = self.choices.speakers.lock() {
            *c = Some((generation, (), Arc::clone(&list)));
        }
        Ok(list)
    }

    /// The sides of the alias table, then every speaker, with name keys;
    /// rebuilt when the index or the alias table changed.
    pub fn party_list(&self) -> Result<Arc<Vec<Party>>, Error> {
        let generation = self.index.generation();
        let aliases = self.aliases();
        if let Some((g, a, list)) = self.choices.parties.lock().ok().and_then(|c| c.clone()) {
            if g == generation && Arc::ptr_eq(&a, &aliases) {
                return Ok(list);
            }
        }
        let mut list: Vec<Party> = aliases
            .sides()
            .iter()
            .map(|s| Party {
                name: s.name.clone(),
                kind: PartyKind::Side,
                count: s.members.len() as u64,
                key: name_key(&s.name),
            })
            .collect();
        list.extend(self.keyed_speakers()?.iter().map(|s| Party {
            name: s.speaker.name.clone(),
            kind: PartyKind::Person,
            count: s.speaker.quotes,
            key: s.key.clone(),
        }));
        let list = Arc::new(list);
        if let Ok(mut c) = self.choices.parties.lock() {
            *c = Some((generation, aliases, Arc::clone(&list)));
        }
        Ok(list)
    }

    /// Every article with its folded title, newest first (undated last,
    /// then by id); rebuilt when the index or the catalog changed.
    pub fn listed(&self) -> Result<Arc<Vec<Listed>>, Error> {
        let generation = self.index.generation();
        let catalog = self.catalog()?;
        if let Some((g, c, list)) = self.choices.articles.lock().ok().and_then(|c| c.clone()) {
            // Holding the catalog keeps its address: a changed catalog is
            // a new map (copied on write), never this one edited in place.
            if g == generation && Arc::ptr_eq(&c, &catalog) {
                return Ok(list);
            }
        }
        let mut list: Vec<Listed> =
            catalog.values().map(|m| Listed { folded_title: crate::text::fold(&m.title), meta: m.clone() }).collect();
        list.sort_by(|a, b| {
            b.meta
                .published
                .map(|p| p.timestamp())
                .cmp(&a.meta.published.map(|p| p.timestamp()))
                .then(a.meta.id.cmp(&b.meta.id))
        });
        let list = Arc::new(list);
        if let Ok(mut c) = self.choices.articles.lock() {
            *c = Some((generation, catalog, Arc::clone(&list)));
        }
        Ok(list)
    }
}

#[cfg(test)]
mod tests {
    use crate::corpus::ArticleDraft;
    use crate::engine::{Engine, EngineConfig};
    use std::sync::Arc;

    fn draft(title: &str, body: &str, date: &str) -> ArticleDraft {
        ArticleDraft {
            title: Some(title.into()),
            outlet: Some("Vell Gazette".into()),
            published: Some(crate::article::Published::parse(date).unwrap()),
            body: body.into(),
            origin: title.into(),
            ..ArticleDraft::default()
        }
    }

    #[test]
    fn autocomplete_sources_are_shared_until_the_corpus_changes() {
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::open(EngineConfig { model_dir: None, ..EngineConfig::new(dir.path()) }).unwrap();
        engine
            .add(draft(
                "Harbour talks in Pellmouth",
                "\"We will open the harbour,\" said Orla Venn, the Pellmouth envoy.",
                "2031-03-01",
            ))
            .unwrap();
        let (a, b) = (engine.listed().unwrap(), engine.listed().unwrap());
        assert!(Arc::ptr_eq(&a, &b), "the same list until something changes");
        let (s, t) = (engine.party_list().unwrap(), engine.party_list().unwrap());
        assert!(Arc::ptr_eq(&s, &t));
        assert!(s.iter().any(|p| p.name == "Orla Venn" && p.key == "orla venn"), "{s:?}");
        assert_eq!(a[0].folded_title, "harbour talks in pellmouth");

        let added = engine
            .add(draft(
                "Ferry line reopens at Brask",
                "\"The ferry runs again,\" said Tomas Reiler, the Brask harbourmaster.",
                "2031-04-01",
            ))
            .unwrap();
        let after = engine.listed().unwrap();
        assert_eq!(after.len(), 2, "an addition is listed at once");
        assert_eq!(after[0].meta.title, "Ferry line reopens at Brask", "newest first");
        assert!(engine.party_list().unwrap().iter().any(|p| p.name == "Tomas Reiler"));
        assert!(engine.keyed_speakers().unwrap().iter().any(|s| s.speaker.name == "Tomas Reiler"));

        engine.remove(&added.id).unwrap();
        assert_eq!(engine.listed().unwrap().len(), 1, "a removal is gone at once");
        assert!(!engine.party_list().unwrap().iter().any(|p| p.name == "Tomas Reiler"));
    }
}
