//! Following hand edits of `corpus/` while Parley runs (`parley serve`,
//! `parley console`): a file added, edited or deleted by hand reaches
//! answers within a few seconds, not at the next start.
//!
//! A thread of its own gets the directory's events from the operating
//! system (`notify`: inotify on Linux) and waits until each file has
//! stopped changing: its size and modification time must stay the same for
//! a quiet period ([`CorpusWatchConfig::quiet`]) before it is read, so a
//! file being written is not read half. Then it asks the engine to bring
//! the index in step with just those files ([`Engine::refresh`], which
//! refuses what does not parse, keeps the last good version, and skips
//! Parley's own writes by their stamps), or to reload `aliases.toml` /
//! `hidden.toml`. Only names Parley reads count
//! ([`crate::corpus::store::CorpusFile`]): temp files of atomic writes and
//! editor swap and backup files are not looked at. Every
//! [`CorpusWatchConfig::rescan`] (and when the events overflow, or cannot be
//! had at all: network mounts, no inotify watches left) it compares every
//! file with the index ([`Engine::stale`]) and treats what differs as
//! changed.
//!
//! It is the only module that knows `notify`. It must not decide how a
//! file is indexed, read article files itself, or hold a lock while it
//! waits.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use super::Engine;
use crate::corpus::hidden::HIDDEN_FILE;
use crate::corpus::store::{file_stamp, CorpusFile, ALIASES_FILE};

/// Environment variable: seconds between two full passes (0: none).
pub const RESCAN_ENV: &str = "PARLEY_CORPUS_RESCAN";

/// How hand edits are followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CorpusWatchConfig {
    /// How long a file must keep the same size and modification time
    /// before it is read.
    pub quiet: Duration,
    /// How often every file is compared with the index anyway, for
    /// filesystems whose events do not arrive; `None`: only on events.
    pub rescan: Option<Duration>,
}

impl Default for CorpusWatchConfig {
    fn default() -> CorpusWatchConfig {
        CorpusWatchConfig { quiet: Duration::from_secs(1), rescan: Some(Duration::from_secs(60)) }
    }
}

impl CorpusWatchConfig {
    /// The default, with [`RESCAN_ENV`] applied when set.
    pub fn from_env() -> Result<CorpusWatchConfig, String> {
        CorpusWatchConfig::default().with_rescan(std::env::var(RESCAN_ENV).ok().as_deref())
    }

    /// The periodic pass as a person writes it: seconds, `0` for none;
    /// unset or blank keeps the default.
    fn with_rescan(mut self, value: Option<&str>) -> Result<CorpusWatchConfig, String> {
        let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(self) };
        let secs: u64 = v
            .parse()
            .ok()
            .filter(|s| *s <= 86_400)
            .ok_or_else(|| format!("{v:?} is not a number of seconds up to a day (0 turns it off)"))?;
        self.rescan = (secs > 0).then(|| Duration::from_secs(secs));
        Ok(self)
    }
}

/// The running follower; stops (and waits for the file at hand) when
/// stopped or dropped.
pub struct CorpusWatch {
    to_thread: Sender<Msg>,
    thread: Option<JoinHandle<()>>,
    /// The operating system's watch; `None` when it could not be had.
    events: Option<notify::RecommendedWatcher>,
}

enum Msg {
    Fs(notify::Result<notify::Event>),
    Stop,
}

impl CorpusWatch {
    /// Starts following the corpus of `engine`. When the operating
    /// system's events cannot be had, says so once in the log and relies
    /// on the periodic pass. `None` when the engine is read-only (another
    /// process writes the index and follows the edits) or no thread can
    /// be started.
    pub fn start(engine: Arc<Engine>, config: CorpusWatchConfig) -> Option<CorpusWatch> {
        if engine.is_read_only() {
            return None;
        }
        let dir = engine.corpus.dir().to_owned();
        let (tx, rx) = mpsc::channel();
        let events_tx = tx.clone();
        let events = notify::recommended_watcher(move |event| {
            let _ = events_tx.send(Msg::Fs(event));
        })
        .and_then(|mut w| w.watch(&dir, RecursiveMode::NonRecursive).map(|()| w));
        let events = match events {
            Ok(w) => Some(w),
            Err(e) => {
                match config.rescan {
                    Some(every) => tracing::warn!(
                        "cannot follow {} for hand edits ({e}); they are picked up every {} s instead",
                        dir.display(),
                        every.as_secs()
                    ),
                    None => tracing::warn!(
                        "cannot follow {} for hand edits ({e}), and {RESCAN_ENV} is 0: they are picked up at the next start",
                        dir.display()
                    ),
                }
                None
            }
        };
        let follower = Follower { engine, dir, config, settle: Settle::new(config.quiet), reported: HashMap::new() };
        let thread = std::thread::Builder::new().name("parley-corpus-watch".into()).spawn(move || follower.run(rx));
        match thread {
            Ok(t) => Some(CorpusWatch { to_thread: tx, thread: Some(t), events }),
            Err(e) => {
                tracing::warn!("cannot start following hand edits of the corpus: {e}");
                None
            }
        }
    }

    /// Stops following, after the file at hand.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.events.take();
        let _ = self.to_thread.send(Msg::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for CorpusWatch {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The thread's state.
struct Follower {
    engine: Arc<Engine>,
    dir: PathBuf,
    config: CorpusWatchConfig,
    settle: Settle,
    /// The versions of `aliases.toml` / `hidden.toml` found broken (each
    /// said once).
    reported: HashMap<CorpusFile, Option<(u64, i64)>>,
}

impl Follower {
    fn run(mut self, rx: Receiver<Msg>) {
        // A first pass at once: edits made between the engine's open and
        // the start of the watch.
        let mut rescan_at = Some(Instant::now());
        let mut last_error: Option<Instant> = None;
        loop {
            let due = [self.settle.next_due(), rescan_at].into_iter().flatten().min();
            let first = match due {
                Some(at) => rx.recv_timeout(at.saturating_duration_since(Instant::now())),
                None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            let mut msgs = match first {
                Ok(m) => vec![m],
                Err(RecvTimeoutError::Timeout) => Vec::new(),
                Err(RecvTimeoutError::Disconnected) => return,
            };
            msgs.extend(rx.try_iter());
            for msg in msgs {
                match msg {
                    Msg::Stop => return,
                    Msg::Fs(Ok(event)) => {
                        if self.take(event, Instant::now()) {
                            rescan_at = Some(Instant::now());
                        }
                    }
                    Msg::Fs(Err(e)) => {
                        if last_error.is_none_or(|t| t.elapsed() > Duration::from_secs(60)) {
                            tracing::warn!("following hand edits of the corpus: {e}; comparing every file instead");
                            last_error = Some(Instant::now());
                        }
                        rescan_at = Some(Instant::now());
                    }
                }
            }
            let now = Instant::now();
            if rescan_at.is_some_and(|at| now >= at) {
                self.rescan(now);
                rescan_at = self.config.rescan.map(|every| now + every);
            }
            let ready = self.settle.settled(Instant::now(), file_stamp);
            if !ready.is_empty() {
                self.apply(ready);
            }
        }
    }

    /// Notes the files an event names; true when every file must be
    /// compared (the events overflowed, or the directory itself moved).
    fn take(&mut self, event: notify::Event, now: Instant) -> bool {
        if event.need_rescan() {
            return true;
        }
        if !changes_files(&event.kind) {
            return false;
        }
        let mut rescan = false;
        for path in event.paths {
            if path.parent() != Some(self.dir.as_path()) {
                rescan |= path == self.dir;
                continue;
            }
            if let Some(file) = path.file_name().and_then(CorpusFile::of_name) {
                let stamp = file_stamp(&path);
                self.settle.touch(file, path, stamp, now);
            }
        }
        rescan
    }

    /// Every article file that differs from the index, and both tables,
    /// wait like changed files.
    fn rescan(&mut self, now: Instant) {
        match self.engine.stale() {
            Ok(ids) => {
                for id in ids {
                    let path = self.engine.corpus.path_of(&id);
                    self.settle.note(CorpusFile::Article(id), path, now);
                }
            }
            Err(e) => tracing::warn!("comparing the corpus with the index: {e}"),
        }
        for file in [CorpusFile::Aliases, CorpusFile::Hidden] {
            let path = self.table_path(&file);
            if self.reported.get(&file).is_none_or(|v| *v != file_stamp(&path)) {
                self.settle.note(file, path, now);
            }
        }
    }

    /// Brings the index in step with files that stopped changing.
    fn apply(&mut self, ready: Vec<CorpusFile>) {
        let mut ids = Vec::new();
        for file in ready {
            match file {
                CorpusFile::Article(id) => ids.push(id),
                CorpusFile::Aliases => {
                    let outcome =
                        self.engine.reload_aliases().map(|changed| changed.then(|| "aliases.toml".to_owned()));
                    self.table_outcome(CorpusFile::Aliases, outcome);
                }
                CorpusFile::Hidden => {
                    let outcome = self.engine.reload_hidden().map(|again| {
                        (!again.is_empty() || self.reported.contains_key(&CorpusFile::Hidden))
                            .then(|| format!("hidden.toml ({} article(s) indexed again)", again.len()))
                    });
                    self.table_outcome(CorpusFile::Hidden, outcome);
                }
            }
        }
        if ids.is_empty() {
            return;
        }
        match self.engine.refresh(&ids) {
            Ok(r) => {
                for broken in &r.broken {
                    tracing::warn!("{}", broken.message());
                }
                if !(r.arrived.is_empty() && r.changed.is_empty() && r.removed.is_empty()) {
                    tracing::info!(
                        new = r.arrived.len(),
                        changed = r.changed.len(),
                        removed = r.removed.len(),
                        "hand edits of the corpus are in the index"
                    );
                    tracing::debug!(new = ?r.arrived, changed = ?r.changed, removed = ?r.removed, "hand edits");
                }
                if !(r.arrived.is_empty() && r.changed.is_empty()) {
                    self.engine.embed_in_background();
                }
            }
            Err(e) => {
                tracing::warn!("hand edits of the corpus could not be indexed: {e}; tried again at the next pass")
            }
        }
    }

    fn table_path(&self, table: &CorpusFile) -> PathBuf {
        self.dir.join(if *table == CorpusFile::Aliases { ALIASES_FILE } else { HIDDEN_FILE })
    }

    /// Logs what reloading a table did; a broken version is said once.
    fn table_outcome(&mut self, file: CorpusFile, outcome: Result<Option<String>, super::Error>) {
        let path = self.table_path(&file);
        match outcome {
            Ok(changed) => {
                self.reported.remove(&file);
                if let Some(what) = changed {
                    tracing::info!("{what} reloaded after a hand edit");
                }
            }
            Err(e) => {
                let version = file_stamp(&path);
                if self.reported.insert(file, version) != Some(version) {
                    tracing::warn!("{}; the table in use stays until the file is fixed", error_chain(&e));
                }
            }
        }
    }
}

/// An error with its causes, on one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// Whether an event can mean a file's content or presence changed
/// (opening or reading one cannot: Parley reads its own files).
fn changes_files(kind: &EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode};
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Files seen changing, each waiting until it has kept the same stamp
/// (size, modification time) for the quiet period.
#[derive(Debug)]
struct Settle {
    quiet: Duration,
    pending: HashMap<CorpusFile, Pending>,
}

#[derive(Debug)]
struct Pending {
    path: PathBuf,
    /// The stamp at the last look (`None`: no file).
    stamp: Option<(u64, i64)>,
    /// When it last changed, as far as we know.
    since: Instant,
}

impl Settle {
    fn new(quiet: Duration) -> Settle {
        Settle { quiet, pending: HashMap::new() }
    }

    /// A change to `file` was seen at `now`; `stamp` is how it looks now.
    /// The quiet period starts again.
    fn touch(&mut self, file: CorpusFile, path: PathBuf, stamp: Option<(u64, i64)>, now: Instant) {
        self.pending.insert(file, Pending { path, stamp, since: now });
    }

    /// `file` may have changed (a periodic pass): it waits like a changed
    /// file unless it waits already.
    fn note(&mut self, file: CorpusFile, path: PathBuf, now: Instant) {
        self.pending.entry(file).or_insert_with(|| Pending { stamp: file_stamp(&path), path, since: now });
    }

    /// When the next file may have settled.
    fn next_due(&self) -> Option<Instant> {
        self.pending.values().map(|p| p.since + self.quiet).min()
    }

    /// The files whose quiet period is over and whose stamp (by `stat`)
    /// is still the one seen at its start; the tables first, so articles
    /// indexed in the same pass see them. A file that changed meanwhile
    /// starts another quiet period.
    fn settled(&mut self, now: Instant, stat: impl Fn(&Path) -> Option<(u64, i64)>) -> Vec<CorpusFile> {
        let quiet = self.quiet;
        let mut ready = Vec::new();
        self.pending.retain(|file, p| {
            if now.saturating_duration_since(p.since) < quiet {
                return true;
            }
            let stamp = stat(&p.path);
            if stamp == p.stamp {
                ready.push(file.clone());
                false
            } else {
                p.stamp = stamp;
                p.since = now;
                true
            }
        });
        ready.sort_by_key(|f| match f {
            CorpusFile::Aliases => (0, None),
            CorpusFile::Hidden => (1, None),
            CorpusFile::Article(id) => (2, Some(id.clone())),
        });
        ready
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RemoveKind};

    use super::super::EngineConfig;
    use super::*;
    use crate::article::ArticleId;

    fn article(id: &str) -> CorpusFile {
        CorpusFile::Article(ArticleId::parse(id).unwrap())
    }

    const QUIET: Duration = Duration::from_secs(1);

    #[test]
    fn a_file_is_ready_only_once_it_kept_its_stamp_for_the_quiet_period() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let disk: RefCell<HashMap<PathBuf, (u64, i64)>> = RefCell::default();
        let stat = |p: &Path| disk.borrow().get(p).copied();
        let path = PathBuf::from("/c/a.md");
        let mut s = Settle::new(QUIET);

        // Written in two halves 600 ms apart: never ready in between.
        disk.borrow_mut().insert(path.clone(), (10, 1));
        s.touch(article("a"), path.clone(), stat(&path), at(0));
        assert_eq!(s.next_due(), Some(at(1_000)));
        assert!(s.settled(at(500), stat).is_empty(), "before the quiet period");
        disk.borrow_mut().insert(path.clone(), (20, 2));
        s.touch(article("a"), path.clone(), stat(&path), at(600));
        assert!(s.settled(at(1_000), stat).is_empty(), "the second half restarted the wait");
        assert_eq!(s.settled(at(1_600), stat), [article("a")]);
        assert!(s.pending.is_empty() && s.next_due().is_none());

        // A change no event told of (a slow filesystem): seen by its stamp
        // at the end of the period, and waited for again.
        s.touch(article("a"), path.clone(), stat(&path), at(2_000));
        disk.borrow_mut().insert(path.clone(), (30, 3));
        assert!(s.settled(at(3_000), stat).is_empty());
        assert_eq!(s.next_due(), Some(at(4_000)));
        assert_eq!(s.settled(at(4_000), stat), [article("a")]);

        // Deleted: ready once it stays gone (the engine then removes it).
        disk.borrow_mut().remove(&path);
        s.touch(article("a"), path.clone(), None, at(5_000));
        assert_eq!(s.settled(at(6_000), stat), [article("a")]);

        // An editor's save by rename: gone for a moment, then back; one
        // look at the end decides.
        s.touch(article("a"), path.clone(), None, at(7_000));
        disk.borrow_mut().insert(path.clone(), (40, 4));
        s.touch(article("a"), path.clone(), stat(&path), at(7_010));
        assert_eq!(s.settled(at(8_010), stat), [article("a")]);
    }

    #[test]
    fn a_periodic_pass_does_not_restart_a_wait_and_tables_come_first() {
        let t0 = Instant::now();
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("b.md"), dir.path().join("aliases.toml"));
        let mut s = Settle::new(QUIET);
        s.touch(article("b"), a.clone(), None, t0);
        s.note(article("b"), a, t0 + Duration::from_millis(900));
        s.note(CorpusFile::Aliases, b, t0);
        assert_eq!(s.settled(t0 + QUIET, file_stamp), [CorpusFile::Aliases, article("b")]);
    }

    /// A follower of `corpus` with the default settings, driven by hand.
    fn follower(engine: Arc<Engine>, corpus: &Path) -> Follower {
        Follower {
            engine,
            dir: corpus.to_owned(),
            config: CorpusWatchConfig::default(),
            settle: Settle::new(QUIET),
            reported: HashMap::new(),
        }
    }

    fn event(kind: EventKind, path: PathBuf) -> notify::Event {
        notify::Event::new(kind).add_path(path)
    }

    #[test]
    fn only_parleys_files_are_followed_and_reads_are_not_changes() {
        let dir = tempfile::tempdir().unwrap();
        let config = EngineConfig { model_dir: None, ..EngineConfig::new(dir.path()) };
        let engine = Arc::new(Engine::open(config).unwrap());
        let corpus = dir.path().join("corpus");
        let mut f = follower(engine, &corpus);
        let now = Instant::now();
        let write = EventKind::Modify(ModifyKind::Any);
        for ignored in [
            ".2031-01-01-a.md.77.tmp",
            ".2031-01-01-a.md.swp",
            "2031-01-01-a.md~",
            ".#2031-01-01-a.md",
            "4913",
            "notes.txt",
        ] {
            assert!(!f.take(event(write, corpus.join(ignored)), now));
        }
        assert!(
            !f.take(event(EventKind::Access(AccessKind::Open(AccessMode::Read)), corpus.join("2031-01-01-a.md")), now)
        );
        assert!(!f.take(event(write, dir.path().join("index/meta.json")), now));
        assert!(f.settle.pending.is_empty(), "{:?}", f.settle.pending);

        assert!(!f.take(event(EventKind::Create(CreateKind::File), corpus.join("2031-01-01-a.md")), now));
        assert!(!f.take(event(EventKind::Remove(RemoveKind::File), corpus.join("2031-01-01-b.md")), now));
        assert!(
            !f.take(event(EventKind::Access(AccessKind::Close(AccessMode::Write)), corpus.join("hidden.toml")), now)
        );
        let mut waiting: Vec<String> = f.settle.pending.keys().map(|k| format!("{k:?}")).collect();
        waiting.sort();
        assert_eq!(waiting.len(), 3, "{waiting:?}");

        // Overflow, or the directory itself moved: compare everything.
        let overflow = notify::Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan);
        assert!(f.take(overflow, now));
        assert!(f.take(event(EventKind::Remove(RemoveKind::Folder), corpus.clone()), now));
    }

    #[test]
    fn a_running_watch_indexes_a_file_written_by_hand_and_stops() {
        let dir = tempfile::tempdir().unwrap();
        let config = EngineConfig { model_dir: None, ..EngineConfig::new(dir.path()) };
        let engine = Arc::new(Engine::open(config).unwrap());
        let quick = CorpusWatchConfig { quiet: Duration::from_millis(100), rescan: None };
        let watch = CorpusWatch::start(Arc::clone(&engine), quick).expect("started");
        let corpus = dir.path().join("corpus");
        std::fs::write(corpus.join(".2031-02-02-ferry.md.9.tmp"), "half").unwrap();
        std::fs::write(
            corpus.join("2031-02-02-ferry.md"),
            "+++\nid = \"x\"\ntitle = \"Ferry to Brennick\"\noutlet = \"Harbour Gazette\"\n+++\n\nThe ferry to Brennick sails again.\n",
        )
        .unwrap();
        let found = || engine.ask(&crate::answer::AskQuery::new("ferry Brennick")).unwrap().hits;
        let deadline = Instant::now() + Duration::from_secs(20);
        while found().is_empty() {
            assert!(Instant::now() < deadline, "the file was never indexed");
            std::thread::sleep(Duration::from_millis(50));
        }
        assert_eq!(found()[0].source.article_id.as_str(), "2031-02-02-ferry");
        assert!(engine.stale().unwrap().is_empty());
        watch.stop();
    }

    #[test]
    fn the_periodic_pass_finds_what_no_event_told_of() {
        let dir = tempfile::tempdir().unwrap();
        let config = EngineConfig { model_dir: None, ..EngineConfig::new(dir.path()) };
        let engine = Arc::new(Engine::open(config).unwrap());
        let corpus = dir.path().join("corpus");
        let mut f = follower(Arc::clone(&engine), &corpus);
        std::fs::write(
            corpus.join("2031-02-03-sluice.md"),
            "+++\nid = \"x\"\ntitle = \"Sluice gates of Tarn reopen\"\noutlet = \"Tarn Courier\"\n+++\n\nThe sluice gates of Tarn reopened.\n",
        )
        .unwrap();
        std::fs::write(corpus.join("aliases.toml"), "[people\n").unwrap();
        let t0 = Instant::now();
        f.rescan(t0);
        assert_eq!(f.settle.pending.len(), 3, "the new file and both tables wait: {:?}", f.settle.pending);
        let ready = f.settle.settled(t0 + QUIET, file_stamp);
        f.apply(ready);
        let hits = engine.ask(&crate::answer::AskQuery::new("sluice gates Tarn")).unwrap().hits;
        assert_eq!(hits.first().map(|h| h.source.article_id.as_str()), Some("2031-02-03-sluice"));
        // The broken table is said once: the next pass does not look at it again.
        assert!(f.reported.contains_key(&CorpusFile::Aliases));
        f.rescan(t0 + QUIET * 2);
        assert_eq!(f.settle.pending.keys().collect::<Vec<_>>(), [&CorpusFile::Hidden]);
    }

    #[test]
    fn the_periodic_pass_is_seconds_or_off() {
        let d = CorpusWatchConfig::default();
        assert_eq!(d.with_rescan(None).unwrap(), d);
        assert_eq!(d.with_rescan(Some(" ")).unwrap(), d);
        assert_eq!(d.with_rescan(Some("15")).unwrap().rescan, Some(Duration::from_secs(15)));
        assert_eq!(d.with_rescan(Some("0")).unwrap().rescan, None);
        for bad in ["-1", "1m", "99999999999999999999", "90000"] {
            assert!(d.with_rescan(Some(bad)).unwrap_err().contains(bad), "{bad}");
        }
    }
}
