//! Keeping the index in step with the corpus files: on open (added,
//! changed and removed files), on `parley reindex` (everything), and while
//! Parley runs ([`Engine::stale`], [`Engine::refresh`],
//! [`Engine::reload_aliases`], [`Engine::reload_hidden`]: what
//! [`super::corpus_watch`] calls when people edit `corpus/` by hand).
//!
//! A file that does not parse is never indexed in part and never takes
//! its article's last good version away: that version stays in answers
//! until the file parses again or is deleted, and the file is reported
//! once per version (its size and modification time), not on every pass.
//!
//! It must not write corpus files: the corpus is the truth.

use std::collections::HashMap;

use super::ingest::prepare_article;
use super::*;
use crate::corpus::store::{file_stamp, FileStamp};

/// An article file that could not be read or parsed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BrokenFile {
    pub id: ArticleId,
    /// The error, naming the file.
    pub reason: String,
    /// Whether the article's last good version stays in answers (it was
    /// indexed before); otherwise the article is not in the index at all.
    pub kept_last: bool,
}

impl BrokenFile {
    /// One line for the log or the terminal.
    pub fn message(&self) -> String {
        if self.kept_last {
            format!("{}; its last good version stays in answers until the file is fixed", self.reason)
        } else {
            format!("{}; it stays out of the index until fixed", self.reason)
        }
    }
}

/// What following hand edits did (see [`Engine::refresh`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Refreshed {
    /// Articles new to the index (announced to the arrival hooks).
    pub arrived: Vec<ArticleId>,
    /// Articles indexed again after their file changed.
    pub changed: Vec<ArticleId>,
    /// Articles whose file is gone, now out of the index.
    pub removed: Vec<ArticleId>,
    /// Files found broken in this pass (each version is reported once).
    pub broken: Vec<BrokenFile>,
}

impl Refreshed {
    pub fn is_empty(&self) -> bool {
        self.arrived.is_empty() && self.changed.is_empty() && self.removed.is_empty() && self.broken.is_empty()
    }
}

/// Versions of files that did not parse, by their (size, mtime): not read
/// again until they change.
pub(super) type Unparsed = HashMap<ArticleId, (u64, i64)>;

fn same_stamp(file: (u64, i64), indexed: &Stamp) -> bool {
    file.0 == indexed.len && file.1 == indexed.mtime_ns
}

impl Engine {
    pub(super) fn reconcile(&self, opened: Opened) -> Result<Reconciled, Error> {
        let mut indexed = if opened == Opened::Fresh { Default::default() } else { self.index.stamps()? };
        let files = self.corpus.list()?;
        let aliases = self.aliases();
        let hidden = self.hidden();
        let mut report = Reconciled::default();
        let mut batch = self.index.batch()?;
        let mut pending = 0;
        for file in files {
            let old = indexed.remove(&file.id);
            if old.as_ref().is_some_and(|s| same_stamp((file.len, file.mtime_ns), s)) {
                continue;
            }
            let article = match self.read_indexable(&file, old.is_some()) {
                Ok(found) => found,
                Err(broken) => {
                    tracing::warn!("{}", broken.message());
                    report.broken.push(broken.message());
                    continue;
                }
            };
            let (article, bytes) = article;
            let mut p = prepare_article(article, &aliases, file.path.display().to_string());
            p.drop_hidden(&hidden);
            batch.put(&p.docs(Stamp { hash: fnv1a(&bytes), len: file.len, mtime_ns: file.mtime_ns }))?;
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

    /// Reads and parses the file of `file.id`; when it cannot be read or
    /// parsed, remembers that version (see [`Engine::stale`]) and says
    /// what is wrong. `indexed`: an earlier version is in the index.
    fn read_indexable(&self, file: &FileStamp, indexed: bool) -> Result<(Article, Vec<u8>), BrokenFile> {
        let parsed =
            self.corpus.read_bytes(&file.id).and_then(|bytes| Ok((self.corpus.parse(&file.id, &bytes)?, bytes)));
        let mut unparsed = self.unparsed.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match parsed {
            Ok(found) => {
                unparsed.remove(&file.id);
                Ok(found)
            }
            Err(e) => {
                unparsed.insert(file.id.clone(), (file.len, file.mtime_ns));
                Err(BrokenFile { id: file.id.clone(), reason: e.to_string(), kept_last: indexed })
            }
        }
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
        let report = self.reconcile(Opened::Fresh)?;
        self.prune_vectors()?;
        Ok(report)
    }

    /// The article files that differ from what the index holds: new,
    /// changed (size or modification time) or gone. A broken file is left
    /// out while it stays the version already found broken. Reads no
    /// article and takes no writer: cheap enough to run every minute.
    pub fn stale(&self) -> Result<Vec<ArticleId>, Error> {
        let (files, _) = self.corpus.scan()?;
        let mut indexed = self.index.stamps()?;
        let unparsed = {
            let mut unparsed = self.unparsed.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            // Forget the broken versions of files that are gone.
            let present: std::collections::HashSet<&ArticleId> = files.iter().map(|f| &f.id).collect();
            unparsed.retain(|id, _| present.contains(id));
            unparsed.clone()
        };
        let mut out = Vec::new();
        for f in files {
            let stamp = (f.len, f.mtime_ns);
            let old = indexed.remove(&f.id);
            if old.is_some_and(|s| same_stamp(stamp, &s)) || unparsed.get(&f.id) == Some(&stamp) {
                continue;
            }
            out.push(f.id);
        }
        out.extend(indexed.into_keys());
        out.sort();
        Ok(out)
    }

    /// Whether the file of `id` differs from the index (see [`Engine::stale`]).
    fn differs(&self, id: &ArticleId, indexed: &HashMap<ArticleId, Stamp>) -> bool {
        let mut unparsed = self.unparsed.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match (file_stamp(&self.corpus.path_of(id)), indexed.get(id)) {
            (None, None) => {
                unparsed.remove(id);
                false
            }
            (None, Some(_)) => true,
            (Some(file), Some(s)) if same_stamp(file, s) => {
                // Back to the version indexed (an edit undone).
                unparsed.remove(id);
                false
            }
            (Some(file), _) => unparsed.get(id) != Some(&file),
        }
    }

    /// Brings the index in step with the files of `ids` while Parley runs
    /// (a hand edit, addition or deletion in `corpus/`): a changed file is
    /// indexed again whole, a new one is indexed and announced to the
    /// arrival hooks (once: it is then in the index), a deleted one leaves
    /// the index. Files whose stamp the index already holds (Parley's own
    /// writes) are not touched, nor is a broken file's version already
    /// reported. Commits every `import_batch` articles.
    ///
    /// The caller decides when a file is whole (the watcher waits until it
    /// has stopped changing); this only refuses what does not parse.
    pub fn refresh(&self, ids: &[ArticleId]) -> Result<Refreshed, Error> {
        let mut report = Refreshed::default();
        let indexed = self.index.stamps_of(ids)?;
        let todo: Vec<ArticleId> = ids.iter().filter(|id| self.differs(id, &indexed)).cloned().collect();
        for chunk in todo.chunks(self.config.import_batch.max(1)) {
            self.refresh_chunk(chunk, &mut report)?;
        }
        Ok(report)
    }

    fn refresh_chunk(&self, ids: &[ArticleId], report: &mut Refreshed) -> Result<(), Error> {
        let aliases = self.aliases();
        let mut batch = self.index.batch()?;
        // Under the writer: a commit that landed since (an `add` of the
        // same file) is seen, and the hidden table cannot change midway.
        let hidden = self.hidden();
        let indexed = self.index.stamps_of(ids)?;
        let (mut arrived, mut changed, mut removed, mut metas) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for id in ids {
            if !self.differs(id, &indexed) {
                continue;
            }
            let file = match self.corpus.stat(id) {
                Ok(f) => f,
                Err(corpus::Error::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                    batch.delete(id);
                    removed.push(id.clone());
                    self.unparsed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(id);
                    continue;
                }
                Err(e) => {
                    report.broken.push(BrokenFile {
                        id: id.clone(),
                        reason: e.to_string(),
                        kept_last: indexed.contains_key(id),
                    });
                    continue;
                }
            };
            let (article, bytes) = match self.read_indexable(&file, indexed.contains_key(id)) {
                Ok(found) => found,
                Err(broken) => {
                    report.broken.push(broken);
                    continue;
                }
            };
            let mut p = prepare_article(article, &aliases, file.path.display().to_string());
            p.drop_hidden(&hidden);
            batch.put(&p.docs(Stamp { hash: fnv1a(&bytes), len: file.len, mtime_ns: file.mtime_ns }))?;
            metas.push(p.article.meta);
            if indexed.contains_key(id) {
                changed.push(id.clone());
            } else {
                arrived.push(id.clone());
            }
        }
        if metas.is_empty() && removed.is_empty() {
            return Ok(());
        }
        batch.commit()?;
        self.catalog_insert(&metas);
        self.catalog_remove(&removed);
        self.arrived(&arrived);
        report.arrived.extend(arrived);
        report.changed.extend(changed);
        report.removed.extend(removed);
        Ok(())
    }

    /// Reads `corpus/aliases.toml` again (after a hand edit). True when
    /// the table changed; it applies to questions at once, and to the
    /// speakers of articles indexed from then on (as `/corpus alias`
    /// does; `parley reindex` applies it to all). A broken file is an
    /// error and the table in use stays.
    pub fn reload_aliases(&self) -> Result<bool, Error> {
        let mut guard = self.aliases.write().map_err(|_| index::Error::Poisoned)?;
        let table = self.corpus.aliases()?;
        if guard.to_toml() == table.to_toml() {
            return Ok(false);
        }
        *guard = Arc::new(table);
        Ok(true)
    }

    /// Reads `corpus/hidden.toml` again (after a hand edit) and indexes
    /// again the articles whose hidden statements changed, so a statement
    /// hidden by hand leaves answers and one removed from the file comes
    /// back. Returns those articles. An article whose file changed and
    /// is not yet indexed again gets the new table when it is. A broken
    /// file is an error and the table in use stays.
    pub fn reload_hidden(&self) -> Result<Vec<ArticleId>, Error> {
        if *self.hidden() == self.corpus.hidden()? {
            return Ok(Vec::new());
        }
        let mut batch = self.index.batch()?;
        // Again under the writer: `hide_statement` writes the file under it.
        let table = self.corpus.hidden()?;
        let old = {
            let mut guard = self.hidden.write().map_err(|_| index::Error::Poisoned)?;
            if **guard == table {
                return Ok(Vec::new());
            }
            std::mem::replace(&mut *guard, Arc::new(table.clone()))
        };
        let ids: Vec<ArticleId> =
            old.articles_changed(&table).iter().filter_map(|name| ArticleId::parse(name).ok()).collect();
        let indexed = self.index.stamps_of(&ids)?;
        let aliases = self.aliases();
        let mut again = Vec::new();
        for id in ids {
            // Only the version in the index: a file being edited waits for
            // its own refresh, which reads the new table.
            let Ok(file) = self.corpus.stat(&id) else { continue };
            if !indexed.get(&id).is_some_and(|s| same_stamp((file.len, file.mtime_ns), s)) {
                continue;
            }
            let Ok(bytes) = self.corpus.read_bytes(&id) else { continue };
            let Ok(article) = self.corpus.parse(&id, &bytes) else { continue };
            let mut p = prepare_article(article, &aliases, file.path.display().to_string());
            p.drop_hidden(&table);
            batch.put(&p.docs(Stamp { hash: fnv1a(&bytes), len: file.len, mtime_ns: file.mtime_ns }))?;
            again.push(id);
        }
        if !again.is_empty() {
            batch.commit()?;
        }
        Ok(again)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "+++\nid = \"2031-03-01-harbour\"\ntitle = \"Harbour talks in Vorn\"\noutlet = \"Vorn Ledger\"\n+++\n\n\
        Delegates met in the harbour of Vorn.\n\n\"We will reopen the harbour,\" said Ilsa Marden, Veloria's foreign minister.\n";

    fn engine() -> (tempfile::TempDir, Engine) {
        let dir = tempfile::tempdir().unwrap();
        let mut config = EngineConfig::new(dir.path());
        config.model_dir = None;
        let engine = Engine::open(config).unwrap();
        (dir, engine)
    }

    fn id(s: &str) -> ArticleId {
        ArticleId::parse(s).unwrap()
    }

    fn titles(engine: &Engine, question: &str) -> Vec<String> {
        let answer = engine.ask(&AskQuery::new(question)).unwrap();
        let mut titles: Vec<String> = answer.hits.iter().map(|h| h.source.title.clone()).collect();
        titles.dedup();
        titles
    }

    #[test]
    fn hand_edits_are_indexed_once_and_broken_files_keep_the_last_good_version() {
        let (dir, engine) = engine();
        let arrivals: Arc<std::sync::Mutex<Vec<ArticleId>>> = Arc::default();
        let sink = Arc::clone(&arrivals);
        engine.on_arrival(Box::new(move |ids| sink.lock().unwrap().extend_from_slice(ids)));
        let path = dir.path().join("corpus/2031-03-01-harbour.md");
        std::fs::write(&path, GOOD).unwrap();

        // New: indexed and announced once.
        assert_eq!(engine.stale().unwrap(), [id("2031-03-01-harbour")]);
        let r = engine.refresh(&engine.stale().unwrap()).unwrap();
        assert_eq!(r.arrived, [id("2031-03-01-harbour")], "{r:?}");
        assert_eq!(titles(&engine, "harbour Vorn"), ["Harbour talks in Vorn"]);
        assert!(engine.stale().unwrap().is_empty());
        assert!(engine.refresh(&[id("2031-03-01-harbour")]).unwrap().is_empty(), "nothing twice");
        assert_eq!(arrivals.lock().unwrap().len(), 1);

        // Broken: reported once, the last good version stays.
        std::fs::write(&path, "+++\ntitle = \"Harbour talks\n").unwrap();
        let r = engine.refresh(&[id("2031-03-01-harbour")]).unwrap();
        assert_eq!(r.broken.len(), 1, "{r:?}");
        assert!(r.broken[0].kept_last && r.broken[0].reason.contains("2031-03-01-harbour.md"), "{r:?}");
        assert!(r.broken[0].message().contains("last good version"), "{}", r.broken[0].message());
        assert_eq!(titles(&engine, "harbour Vorn"), ["Harbour talks in Vorn"]);
        assert!(engine.refresh(&[id("2031-03-01-harbour")]).unwrap().is_empty(), "reported once");
        assert!(engine.stale().unwrap().is_empty(), "the broken version is not stale");

        // Fixed: indexed again, not announced again.
        std::fs::write(&path, GOOD.replace("Harbour talks in Vorn", "Harbour talks resume in Vorn")).unwrap();
        let r = engine.refresh(&engine.stale().unwrap()).unwrap();
        assert_eq!(r.changed, [id("2031-03-01-harbour")], "{r:?}");
        assert_eq!(titles(&engine, "harbour Vorn"), ["Harbour talks resume in Vorn"]);
        assert_eq!(arrivals.lock().unwrap().len(), 1);

        // Deleted: out of answers and of the list.
        std::fs::remove_file(&path).unwrap();
        let r = engine.refresh(&engine.stale().unwrap()).unwrap();
        assert_eq!(r.removed, [id("2031-03-01-harbour")]);
        assert!(titles(&engine, "harbour Vorn").is_empty());
        assert!(engine.list().unwrap().is_empty());
    }

    #[test]
    fn stamps_of_a_few_ids_are_those_of_the_whole_index() {
        let (dir, engine) = engine();
        for (name, title) in [("2031-03-01-harbour", "Harbour talks"), ("2031-03-02-ferry", "Ferry talks")] {
            let text = GOOD.replace("2031-03-01-harbour", name).replace("Harbour talks in Vorn", title);
            std::fs::write(dir.path().join(format!("corpus/{name}.md")), text).unwrap();
        }
        engine.refresh(&engine.stale().unwrap()).unwrap();
        // Edited once more, so the index holds a deleted older document too.
        std::fs::write(dir.path().join("corpus/2031-03-02-ferry.md"), GOOD.replace("2031-03-01-harbour", "x")).unwrap();
        engine.refresh(&[id("2031-03-02-ferry")]).unwrap();
        let all = engine.index.stamps().unwrap();
        assert_eq!(all.len(), 2);
        let some = engine.index.stamps_of(&[id("2031-03-02-ferry"), id("2031-09-09-none")]).unwrap();
        assert_eq!(some.len(), 1);
        assert_eq!(some.get(&id("2031-03-02-ferry")), all.get(&id("2031-03-02-ferry")));
    }

    #[test]
    fn parleys_own_writes_are_not_indexed_again() {
        let (_dir, engine) = engine();
        let draft = ArticleDraft {
            title: Some("Grain convoy reaches Vorn".into()),
            body: "A grain convoy reached the harbour of Vorn on Monday.".into(),
            origin: "test".into(),
            ..ArticleDraft::default()
        };
        let added = engine.add(draft).unwrap();
        assert!(engine.stale().unwrap().is_empty());
        assert!(engine.refresh(std::slice::from_ref(&added.id)).unwrap().is_empty());
    }

    #[test]
    fn hand_edited_tables_are_reloaded() {
        let (dir, engine) = engine();
        std::fs::write(dir.path().join("corpus/2031-03-01-harbour.md"), GOOD).unwrap();
        engine.refresh(&engine.stale().unwrap()).unwrap();
        let marden = || match engine.who_said(&WhoSaidQuery::new("Ilsa Marden")) {
            Ok(crate::answer::WhoSaid::Found { quotes, .. }) => quotes.into_iter().map(|q| q.quote.text).collect(),
            _ => Vec::new(),
        };
        let said = marden();
        assert_eq!(said.len(), 1);

        // Hidden by hand: out of answers; shown again when the line goes.
        let hidden = dir.path().join("corpus/hidden.toml");
        std::fs::write(&hidden, format!("[[statement]]\narticle = \"2031-03-01-harbour\"\ntext = {:?}\n", said[0]))
            .unwrap();
        assert_eq!(engine.reload_hidden().unwrap(), [id("2031-03-01-harbour")]);
        assert!(marden().is_empty());
        assert!(engine.reload_hidden().unwrap().is_empty(), "unchanged: nothing to do");
        std::fs::write(&hidden, "").unwrap();
        assert_eq!(engine.reload_hidden().unwrap(), [id("2031-03-01-harbour")]);
        assert_eq!(marden(), said);

        // Aliases: a new variant resolves at once; a broken file keeps the table.
        let aliases = dir.path().join("corpus/aliases.toml");
        std::fs::write(&aliases, "[people]\n\"Ilsa Marden\" = [\"Minister Marden\"]\n").unwrap();
        assert!(engine.reload_aliases().unwrap());
        assert!(!engine.reload_aliases().unwrap());
        std::fs::write(&aliases, "[people\n").unwrap();
        assert!(engine.reload_aliases().is_err());
        assert!(!engine.aliases().to_toml().is_empty());
    }
}
