//! Performing a writing command over an engine: the one path both the
//! command line (when it holds the writer) and the process a shell hands
//! its command to take, so duplicates, arrival hooks and vectors behave
//! the same whoever runs it. It must not print or know who asked.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{AddItem, BulkFile, Command, MetaOverrides, Outcome, Progress};
use crate::article::ArticleId;
use crate::corpus::ingest::{self, ArticleDraft, Overrides};
use crate::corpus::FieldMap;
use crate::engine::{Engine, ImportReport, Refusal};

/// When passage vectors are computed after a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VectorMode {
    /// Before the command returns (the command line).
    Before,
    /// Not now (`--defer-vectors`): by the next `ask`, `vectors` or the bot.
    Defer,
    /// On a background thread (the bot, the console): the command returns
    /// once the words are indexed.
    Background,
}

/// How to perform.
#[derive(Debug, Clone)]
pub struct PerformConfig {
    /// How URLs given to `add` are fetched.
    pub fetch: crate::web::FetchConfig,
    pub vectors: VectorMode,
}

/// Why a command could not be performed at all (a refused item is not an
/// error: it is in the report).
#[derive(Debug, thiserror::Error)]
pub enum PerformError {
    #[error(transparent)]
    Engine(#[from] crate::engine::Error),
    #[error("{0}")]
    BadMap(String),
    #[error("cannot start the async runtime to fetch pages: {0}")]
    Runtime(std::io::Error),
}

/// Performs a writing command; `progress` hears of long work.
pub fn perform(
    engine: &Arc<Engine>,
    command: Command,
    config: &PerformConfig,
    progress: &mut dyn FnMut(Progress),
) -> Result<Outcome, PerformError> {
    match command {
        Command::Add { items, meta } => {
            let report = add(engine, items, &meta, config)?;
            catch_up(engine, config.vectors, progress)?;
            Ok(Outcome::Added(report))
        }
        Command::Import { file, maps } => {
            let map = FieldMap::default().with_overrides(&maps).map_err(PerformError::BadMap)?;
            let records = match file {
                BulkFile::Path(path) => ingest::read_bulk(&path, &map),
                BulkFile::Content { origin, content } => ingest::read_bulk_bytes(content.0, &origin, &map),
            }
            .map_err(crate::engine::Error::from)?;
            let added_by = engine.config().default_added_by.clone();
            let report = engine.import(records, &added_by, |count| progress(Progress::Imported { count }))?;
            catch_up(engine, config.vectors, progress)?;
            Ok(Outcome::Added(report))
        }
        Command::Remove { id } => {
            let id = ArticleId::parse(&id).map_err(crate::engine::Error::from)?;
            Ok(Outcome::Removed(engine.remove(&id)?))
        }
        Command::Reindex => {
            let report = engine.reindex()?;
            catch_up(engine, config.vectors, progress)?;
            Ok(Outcome::Reindexed(report))
        }
        Command::Vectors => {
            // Asked for: computed now whatever the mode.
            catch_up(engine, VectorMode::Before, progress)?;
            Ok(Outcome::Vectors(engine.vector_status()?))
        }
    }
}

fn add(
    engine: &Engine,
    items: Vec<AddItem>,
    meta: &MetaOverrides,
    config: &PerformConfig,
) -> Result<ImportReport, PerformError> {
    let overrides = Overrides {
        title: meta.title.clone(),
        outlet: meta.outlet.clone(),
        url: meta.url.clone(),
        published: meta.published,
    };
    let mut runtime = None;
    let mut report = ImportReport::default();
    for item in items {
        let (origin, draft) = match item {
            AddItem::Path(path) => (path.display().to_string(), crate::engine::read_document_file(&path)),
            AddItem::File { name, content } => {
                let draft = crate::engine::read_document(&content.0, &name);
                (name, draft)
            }
            AddItem::Url { url } => {
                if runtime.is_none() {
                    runtime = Some(
                        tokio::runtime::Builder::new_current_thread()
                            .enable_all()
                            .build()
                            .map_err(PerformError::Runtime)?,
                    );
                }
                let rt = runtime.as_ref().ok_or_else(|| PerformError::Runtime(std::io::Error::other("no runtime")))?;
                let draft = fetch_draft(rt, &url, &config.fetch);
                (url, draft)
            }
            AddItem::Unreadable { origin, reason } => {
                report.refused.push(Refusal { origin, reason, existing: None });
                continue;
            }
        };
        let result = draft.and_then(|mut d| {
            d.apply(&overrides);
            engine.add(d)
        });
        match result {
            Ok(added) => report.added.push(added),
            Err(e) => report.refused.push(Refusal::from_error(&origin, &e)),
        }
    }
    Ok(report)
}

/// A web page fetched and extracted as a draft; a page that cannot be
/// read is an unreadable item.
fn fetch_draft(
    rt: &tokio::runtime::Runtime,
    url: &str,
    cfg: &crate::web::FetchConfig,
) -> Result<ArticleDraft, crate::engine::Error> {
    match rt.block_on(crate::web::fetch_article(url, cfg)) {
        Ok(e) => Ok(crate::engine::draft_from_extracted(e, url)),
        Err(e) => Err(crate::engine::Error::Ingest(ingest::IngestError::Unreadable {
            origin: url.to_owned(),
            reason: format!("{:#}", anyhow::Error::from(e)),
        })),
    }
}

/// Computes the passage vectors still missing, as `mode` says; with many
/// missing, `progress` hears how far it is every two seconds.
fn catch_up(engine: &Arc<Engine>, mode: VectorMode, progress: &mut dyn FnMut(Progress)) -> Result<(), PerformError> {
    match mode {
        VectorMode::Defer => Ok(()),
        VectorMode::Background => {
            engine.embed_in_background();
            Ok(())
        }
        VectorMode::Before => {
            if engine.is_read_only() {
                return Ok(());
            }
            let status = engine.vector_status()?;
            if status.model.is_none() || status.missing == 0 {
                return Ok(());
            }
            let loud = status.missing > 200;
            let mut last = Instant::now();
            engine.embed_pending(|done, total| {
                if loud && (done == total || last.elapsed() >= Duration::from_secs(2)) {
                    last = Instant::now();
                    progress(Progress::Vectors { done, total });
                }
            })?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::EngineConfig;
    use crate::handoff::Content;

    fn engine(dir: &std::path::Path) -> Arc<Engine> {
        Arc::new(Engine::open(EngineConfig { model_dir: None, ..EngineConfig::new(dir) }).unwrap())
    }

    fn config() -> PerformConfig {
        PerformConfig { fetch: crate::web::FetchConfig::default(), vectors: VectorMode::Defer }
    }

    #[test]
    fn bytes_and_paths_give_the_same_report() {
        let text = "Harbour talks in Vorn\nAda Quill said the harbour talks in Vorn would resume on Monday.";
        let files = tempfile::tempdir().unwrap();
        let path = files.path().join("vorn.txt");
        std::fs::write(&path, text).unwrap();
        let name = path.display().to_string();
        let mut reports = Vec::new();
        for item in [AddItem::Path(path.clone()), AddItem::File { name: name.clone(), content: Content(text.into()) }] {
            let dir = tempfile::tempdir().unwrap();
            let e = engine(dir.path());
            let out = perform(&e, Command::Add { items: vec![item], meta: <_>::default() }, &config(), &mut |_| {});
            let Outcome::Added(report) = out.unwrap() else { panic!("not an add report") };
            assert_eq!(report.added.len(), 1);
            reports.push(report);
        }
        assert_eq!(reports[0], reports[1]);
    }

    #[test]
    fn refusals_and_errors_are_reported_not_swallowed() {
        let dir = tempfile::tempdir().unwrap();
        let e = engine(dir.path());
        let items = vec![
            AddItem::Unreadable { origin: "gone.txt".into(), reason: "no such file".into() },
            AddItem::File { name: "a.exe".into(), content: Content(b"MZ".to_vec()) },
            AddItem::File { name: "t.txt".into(), content: Content(b"Title\nVorn harbour talks resumed.".to_vec()) },
            AddItem::File { name: "u.txt".into(), content: Content(b"Title\nVorn harbour talks resumed.".to_vec()) },
        ];
        let Outcome::Added(r) =
            perform(&e, Command::Add { items, meta: <_>::default() }, &config(), &mut |_| {}).unwrap()
        else {
            panic!("not an add report")
        };
        assert_eq!(r.added.len(), 1);
        let origins: Vec<&str> = r.refused.iter().map(|x| x.origin.as_str()).collect();
        assert_eq!(origins, ["gone.txt", "a.exe", "u.txt"]);
        assert_eq!(r.refused[2].existing.as_ref(), Some(&r.added[0].id), "a duplicate names the article there");
        let gone = perform(&e, Command::Remove { id: "2031-01-01-nothing".into() }, &config(), &mut |_| {});
        assert!(gone.unwrap_err().to_string().contains("no article with id"));
        let bad = Command::Import {
            file: BulkFile::Content { origin: "x.csv".into(), content: Content(vec![]) },
            maps: vec!["nonsense".into()],
        };
        assert!(matches!(perform(&e, bad, &config(), &mut |_| {}), Err(PerformError::BadMap(_))));
    }

    #[test]
    fn an_import_from_bytes_reports_its_progress() {
        let dir = tempfile::tempdir().unwrap();
        let e = engine(dir.path());
        let jsonl = "{\"title\":\"Vorn talks\",\"body\":\"Ada Quill met Bo Reed in Vorn.\"}\nnot json\n{\"title\":\"Tarn talks\",\"body\":\"Cy Dorn met Bo Reed in Tarn.\"}\n";
        let file = BulkFile::Content { origin: "in/batch.jsonl".into(), content: Content(jsonl.into()) };
        let mut seen = Vec::new();
        let out = perform(&e, Command::Import { file, maps: vec![] }, &config(), &mut |p| seen.push(p)).unwrap();
        let Outcome::Added(r) = out else { panic!("not a report") };
        assert_eq!((r.added.len(), r.refused.len()), (2, 1));
        assert_eq!(r.refused[0].origin, "batch.jsonl line 2");
        assert_eq!(seen.last(), Some(&Progress::Imported { count: 2 }));
    }
}
