//! Keeping the index in step with the corpus files: on open (added,
//! changed and removed files) and on `parley reindex` (everything).
//!
//! It must not write corpus files: the corpus is the truth.

use super::ingest::prepare_article;
use super::*;

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
            let mut p = prepare_article(article, &aliases, file.path.display().to_string());
            p.drop_hidden(&hidden);
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
        let report = self.reconcile(Opened::Fresh)?;
        self.prune_vectors()?;
        Ok(report)
    }
}
