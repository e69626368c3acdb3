//! Watches: standing questions ("tell this channel when Ilsa Marden is
//! quoted", "… when something answers *grain corridor*") tried on every
//! article that enters the corpus.
//!
//! Three parts, all in Parley's own types:
//! - **Arrivals**, in process: every successful `add`/`import` through the
//!   engine (whichever front: `/corpus add`, the command line, a feed poll
//!   inside `parley serve`) tells the hooks registered with
//!   [`Engine::on_arrival`] which articles it committed.
//! - **The cursor** ([`Cursor`]): the articles already considered, kept in
//!   `<data_dir>/watches.seen`, so articles that appeared otherwise (another
//!   process while the bot was stopped, hand-written files reconciled at
//!   open) are caught up on next start, and a restart repeats nothing.
//!   With no cursor file yet, everything already there counts as seen:
//!   a first start never floods a channel with the back catalogue.
//! - **The watch list** ([`Watches`]): `<data_dir>/watches.toml`, written
//!   atomically on every change (the corpus's write helper), with limits
//!   against abuse; and matching ([`Engine::watch_matches`]) that asks the
//!   same questions `who-said` and `ask` ask, restricted to one article.
//!
//! It must not know Discord, the terminal, tantivy or how a post looks:
//! it says which watch matched which article with what, and the bot
//! renders and posts that.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::*;
use crate::answer::{Hit, QuoteHit};
use crate::corpus::store::{write_atomic, Durability};

/// The watch list, beside the corpus.
pub const WATCHES_FILE: &str = "watches.toml";
/// The cursor: articles the watches have already been tried on.
pub const SEEN_FILE: &str = "watches.seen";

/// Limits against abuse (a member filling the file, a channel flooded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchLimits {
    /// Active watches in one channel (a DM is a channel).
    pub per_channel: usize,
    /// Active watches one person created, over every channel.
    pub per_user: usize,
    /// Characters of a name.
    pub person_chars: usize,
    /// Characters of a question.
    pub query_chars: usize,
    /// Words of a question.
    pub query_words: usize,
}

pub const WATCH_LIMITS: WatchLimits =
    WatchLimits { per_channel: 20, per_user: 10, person_chars: 100, query_chars: 200, query_words: 24 };

/// What a watch waits for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "text", rename_all = "snake_case")]
pub enum WatchTarget {
    /// A statement by this person (resolved as `who-said` resolves it).
    Person(String),
    /// A passage answering this question (judged as `ask` judges it).
    Query(String),
}

impl WatchTarget {
    /// `person:NAME` or `query:WORDS`, as typed back to people.
    pub fn label(&self) -> String {
        match self {
            WatchTarget::Person(p) => format!("person:{p}"),
            WatchTarget::Query(q) => format!("query:{q}"),
        }
    }

    /// The target with its text cleaned (control characters out, spaces
    /// collapsed) and checked against the limits.
    pub fn sanitized(self, limits: &WatchLimits) -> Result<WatchTarget, WatchError> {
        let clean = |s: &str| {
            let no_controls: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
            no_controls.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        match self {
            WatchTarget::Person(p) => {
                let p = clean(&p);
                if name_key(&p).is_empty() {
                    return Err(WatchError::Empty("person"));
                }
                if p.chars().count() > limits.person_chars {
                    return Err(WatchError::TooLong { what: "person", max: limits.person_chars });
                }
                Ok(WatchTarget::Person(p))
            }
            WatchTarget::Query(q) => {
                let q = clean(&q);
                if !q.chars().any(char::is_alphanumeric) {
                    return Err(WatchError::Empty("query"));
                }
                if q.chars().count() > limits.query_chars {
                    return Err(WatchError::TooLong { what: "query", max: limits.query_chars });
                }
                if q.split_whitespace().count() > limits.query_words {
                    return Err(WatchError::TooManyWords { max: limits.query_words });
                }
                Ok(WatchTarget::Query(q))
            }
        }
    }

    /// Same target, ignoring case and spacing.
    fn same_as(&self, other: &WatchTarget) -> bool {
        match (self, other) {
            (WatchTarget::Person(a), WatchTarget::Person(b)) => name_key(a) == name_key(b),
            (WatchTarget::Query(a), WatchTarget::Query(b)) => crate::text::fold(a) == crate::text::fold(b),
            _ => false,
        }
    }
}

/// One watch: where it posts, what it waits for, who made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watch {
    pub id: u64,
    /// The channel it posts in (a Discord channel id; `console` for the
    /// console's own watches).
    pub channel: String,
    /// The server the channel is in; `None` for a direct message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guild: Option<String>,
    pub target: WatchTarget,
    pub owner_id: String,
    pub owner: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// Why it no longer posts (the channel refused the bot); `None` while active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<String>,
}

impl Watch {
    pub fn is_active(&self) -> bool {
        self.disabled.is_none()
    }
}

/// A watch about to be created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWatch {
    pub channel: String,
    pub guild: Option<String>,
    pub target: WatchTarget,
    pub owner_id: String,
    pub owner: String,
}

/// Why a watch was not created, removed or saved.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("the {0} is empty: give at least one word")]
    Empty(&'static str),
    #[error("the {what} is too long (at most {max} characters)")]
    TooLong { what: &'static str, max: usize },
    #[error("the query has too many words (at most {max})")]
    TooManyWords { max: usize },
    #[error("this channel already has {max} watches: remove one first (/watch list)")]
    ChannelFull { max: usize },
    #[error("you already have {max} watches: remove one first")]
    UserFull { max: usize },
    #[error("this channel already watches {label} (watch {id})")]
    Duplicate { id: u64, label: String },
    #[error("no watch {0} in this channel (see /watch list)")]
    Unknown(String),
    #[error("{path}: the watch list is broken: {reason}")]
    Broken { path: PathBuf, reason: String },
    #[error(transparent)]
    Write(#[from] corpus::Error),
}

/// The file's shape.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct WatchFile {
    #[serde(default)]
    next_id: u64,
    #[serde(default)]
    watch: Vec<Watch>,
}

/// The watch list in `<data_dir>/watches.toml`: read once, changed under
/// a lock, written whole and atomically after each change (a crash leaves
/// the old list or the new one).
#[derive(Debug)]
pub struct Watches {
    path: PathBuf,
    file: Mutex<WatchFile>,
}

fn now_rfc3339() -> String {
    OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

impl Watches {
    /// Reads the list in `dir` (none yet is an empty list).
    pub fn open(dir: &Path) -> Result<Watches, WatchError> {
        let path = dir.join(WATCHES_FILE);
        let file = match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str::<WatchFile>(&text)
                .map_err(|e| WatchError::Broken { path: path.clone(), reason: e.message().to_owned() })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => WatchFile::default(),
            Err(e) => return Err(WatchError::Broken { path, reason: e.to_string() }),
        };
        Ok(Watches { path, file: Mutex::new(file) })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, WatchFile> {
        self.file.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn save(&self, file: &WatchFile) -> Result<(), WatchError> {
        let text = toml::to_string(file)
            .map_err(|e| WatchError::Broken { path: self.path.clone(), reason: format!("cannot encode it: {e}") })?;
        let text = format!("# Parley's watches (/watch). Written by Parley; edit only while it is stopped.\n{text}");
        write_atomic(&self.path, text.as_bytes(), Durability::Sync)?;
        Ok(())
    }

    /// Every watch, active or not, by id.
    pub fn list(&self) -> Vec<Watch> {
        self.lock().watch.clone()
    }

    /// The watches of one channel.
    pub fn in_channel(&self, channel: &str) -> Vec<Watch> {
        self.lock().watch.iter().filter(|w| w.channel == channel).cloned().collect()
    }

    /// The active watches.
    pub fn active(&self) -> Vec<Watch> {
        self.lock().watch.iter().filter(|w| w.is_active()).cloned().collect()
    }

    /// Creates a watch within the limits; saved before it is returned.
    pub fn add(&self, new: NewWatch, limits: &WatchLimits) -> Result<Watch, WatchError> {
        let target = new.target.sanitized(limits)?;
        let mut file = self.lock();
        let active = || file.watch.iter().filter(|w| w.is_active());
        if let Some(w) = active().find(|w| w.channel == new.channel && w.target.same_as(&target)) {
            return Err(WatchError::Duplicate { id: w.id, label: w.target.label() });
        }
        if active().filter(|w| w.channel == new.channel).count() >= limits.per_channel {
            return Err(WatchError::ChannelFull { max: limits.per_channel });
        }
        if active().filter(|w| w.owner_id == new.owner_id).count() >= limits.per_user {
            return Err(WatchError::UserFull { max: limits.per_user });
        }
        let id = file.next_id.max(file.watch.iter().map(|w| w.id).max().unwrap_or(0)) + 1;
        let watch = Watch {
            id,
            channel: new.channel,
            guild: new.guild,
            target,
            owner_id: new.owner_id,
            owner: new.owner.chars().filter(|c| !c.is_control()).take(100).collect(),
            created_at: now_rfc3339(),
            disabled: None,
        };
        let mut next = file.clone();
        next.next_id = id;
        next.watch.push(watch.clone());
        self.save(&next)?;
        *file = next;
        Ok(watch)
    }

    /// Removes watch `id` (given as typed: `3` or `w3`) of `channel`.
    pub fn remove(&self, id: &str, channel: &str) -> Result<Watch, WatchError> {
        let unknown = || WatchError::Unknown(id.chars().take(20).collect());
        let n: u64 = id.trim().trim_start_matches(['w', 'W', '#']).parse().map_err(|_| unknown())?;
        let mut file = self.lock();
        let at = file.watch.iter().position(|w| w.id == n && w.channel == channel).ok_or_else(unknown)?;
        let mut next = file.clone();
        let gone = next.watch.remove(at);
        self.save(&next)?;
        *file = next;
        Ok(gone)
    }

    /// Disables every active watch of a channel the bot can no longer
    /// post in; returns those it disabled (none when already disabled).
    pub fn disable_channel(&self, channel: &str, reason: &str) -> Result<Vec<Watch>, WatchError> {
        let mut file = self.lock();
        let mut next = file.clone();
        let mut disabled = Vec::new();
        for w in next.watch.iter_mut().filter(|w| w.channel == channel && w.is_active()) {
            w.disabled = Some(format!("{reason} ({})", now_rfc3339()));
            disabled.push(w.clone());
        }
        if !disabled.is_empty() {
            self.save(&next)?;
            *file = next;
        }
        Ok(disabled)
    }
}

/// The articles the watches have been tried on: `<data_dir>/watches.seen`,
/// one id a line, rewritten atomically after each batch (ids of removed
/// articles are dropped then). In memory only for the console.
#[derive(Debug)]
pub struct Cursor {
    path: Option<PathBuf>,
    seen: Mutex<HashSet<ArticleId>>,
}

impl Cursor {
    /// Reads the cursor in `dir`; without one, every article in `current`
    /// counts as seen and the file is written (a first start posts only
    /// what arrives from then on).
    pub fn open(dir: &Path, current: impl IntoIterator<Item = ArticleId>) -> Result<Cursor, WatchError> {
        let path = dir.join(SEEN_FILE);
        let seen: HashSet<ArticleId> = match std::fs::read_to_string(&path) {
            Ok(text) => {
                text.lines().filter(|l| !l.starts_with('#')).filter_map(|l| ArticleId::parse(l.trim()).ok()).collect()
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let all: HashSet<ArticleId> = current.into_iter().collect();
                let cursor = Cursor { path: Some(path), seen: Mutex::new(all) };
                cursor.save(&cursor.lock())?;
                return Ok(cursor);
            }
            Err(e) => return Err(WatchError::Broken { path, reason: e.to_string() }),
        };
        Ok(Cursor { path: Some(path), seen: Mutex::new(seen) })
    }

    /// A cursor kept in memory, starting with `current` seen.
    pub fn in_memory(current: impl IntoIterator<Item = ArticleId>) -> Cursor {
        Cursor { path: None, seen: Mutex::new(current.into_iter().collect()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<ArticleId>> {
        self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn save(&self, seen: &HashSet<ArticleId>) -> Result<(), WatchError> {
        let Some(path) = &self.path else { return Ok(()) };
        let mut ids: Vec<&str> = seen.iter().map(ArticleId::as_str).collect();
        ids.sort_unstable();
        let mut text = String::from("# Articles Parley's watches have been tried on (one id a line).\n");
        for id in ids {
            text.push_str(id);
            text.push('\n');
        }
        write_atomic(path, text.as_bytes(), Durability::Sync)?;
        Ok(())
    }

    /// Of `ids`, those not seen yet, in order, each once.
    pub fn unseen(&self, ids: &[ArticleId]) -> Vec<ArticleId> {
        let seen = self.lock();
        let mut out: Vec<ArticleId> = Vec::new();
        for id in ids {
            if !seen.contains(id) && !out.contains(id) {
                out.push(id.clone());
            }
        }
        out
    }

    /// Records `ids` as seen, keeping only ids still in `corpus` (a removed
    /// article's id may come back as a new article).
    pub fn mark(&self, ids: &[ArticleId], corpus: &HashSet<ArticleId>) -> Result<(), WatchError> {
        let mut seen = self.lock();
        let mut next: HashSet<ArticleId> = seen.iter().filter(|id| corpus.contains(*id)).cloned().collect();
        next.extend(ids.iter().cloned());
        self.save(&next)?;
        *seen = next;
        Ok(())
    }
}

/// What a watch found in an article.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Found {
    /// A statement by the watched person (the best one).
    Statement { person: String, hit: Box<QuoteHit> },
    /// The passage that best answers the watched question.
    Passage { hit: Box<Hit> },
}

/// One watch matched by one article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchMatch {
    pub watch: Watch,
    pub article: ArticleMeta,
    pub found: Found,
}

/// Groups matches by channel, keeping at most one per watch and article
/// (the first), in arrival order within a channel.
pub fn by_channel(matches: Vec<WatchMatch>) -> BTreeMap<String, Vec<WatchMatch>> {
    let mut seen: HashSet<(u64, ArticleId)> = HashSet::new();
    let mut out: BTreeMap<String, Vec<WatchMatch>> = BTreeMap::new();
    for m in matches {
        if seen.insert((m.watch.id, m.article.id.clone())) {
            out.entry(m.watch.channel.clone()).or_default().push(m);
        }
    }
    out
}

/// A hook told about the articles an `add` or `import` committed.
pub type ArrivalHook = Box<dyn Fn(&[ArticleId]) + Send + Sync>;

impl Engine {
    /// Calls `hook` with the ids of the articles each successful `add` or
    /// `import` batch commits, from the thread that committed them: keep
    /// it short (send the ids somewhere).
    pub fn on_arrival(&self, hook: ArrivalHook) {
        if let Ok(mut hooks) = self.arrivals.write() {
            hooks.push(hook);
        }
    }

    pub(super) fn arrived(&self, ids: &[ArticleId]) {
        if ids.is_empty() {
            return;
        }
        if let Ok(hooks) = self.arrivals.read() {
            for hook in hooks.iter() {
                hook(ids);
            }
        }
    }

    /// Every article id in the corpus.
    pub fn article_ids(&self) -> Result<HashSet<ArticleId>, Error> {
        Ok(self.catalog()?.keys().cloned().collect())
    }

    /// What one watch target finds in one article: the best statement by
    /// the person (`who-said` restricted to the article) or the best
    /// passage answering the question (`ask` restricted to the article);
    /// `None` when nothing there is above the floors.
    pub fn watch_find(&self, target: &WatchTarget, article: &ArticleId) -> Result<Option<Found>, Error> {
        let articles = std::slice::from_ref(article);
        Ok(self.target_finds(target, articles, &self.index.speakers()?)?.pop().flatten())
    }

    /// What a target finds in each article, in order: the person resolved
    /// once (as `who-said` resolves it: never a guess between two), the
    /// question read and embedded once.
    fn target_finds(
        &self,
        target: &WatchTarget,
        articles: &[ArticleId],
        speakers: &[crate::answer::SpeakerCount],
    ) -> Result<Vec<Option<Found>>, Error> {
        match target {
            WatchTarget::Person(p) => {
                let Ok(person) = super::who_said::resolve_speaker(p, speakers, &self.aliases()) else {
                    return Ok(vec![None; articles.len()]);
                };
                let mut out = Vec::with_capacity(articles.len());
                for id in articles {
                    // The index holds statements at or above quotes::MIN_CONFIDENCE only.
                    let qq = QuoteQuery {
                        speakers: super::who_said::speaker_keys(&person, speakers),
                        topic: None,
                        topic_required: false,
                        since: None,
                        until: None,
                        kind: None,
                        article: Some(id.clone()),
                        limit: 1,
                        offset: 0,
                    };
                    let (mut quotes, _) = self.index.search_quotes(&qq)?;
                    out.push(
                        (!quotes.is_empty())
                            .then(|| Found::Statement { person: person.clone(), hit: Box::new(quotes.remove(0)) }),
                    );
                }
                Ok(out)
            }
            WatchTarget::Query(words) => {
                let mut q = AskQuery::new(words.clone());
                q.limit = 1;
                Ok(self
                    .ask_in(&q, articles)?
                    .into_iter()
                    .map(|a| a.hits.into_iter().next().map(|h| Found::Passage { hit: Box::new(h) }))
                    .collect())
            }
        }
    }

    /// Tries every active watch on every article (unknown or removed
    /// articles are skipped): the matches, article by article in the order
    /// given, watch by watch.
    pub fn watch_matches(&self, watches: &[Watch], articles: &[ArticleId]) -> Result<Vec<WatchMatch>, Error> {
        let catalog = self.catalog()?;
        let articles: Vec<ArticleId> = articles.iter().filter(|id| catalog.contains_key(*id)).cloned().collect();
        let speakers = self.index.speakers()?;
        let mut found: Vec<Vec<Option<Found>>> = Vec::new();
        let active: Vec<&Watch> = watches.iter().filter(|w| w.is_active()).collect();
        for w in &active {
            found.push(match self.target_finds(&w.target, &articles, &speakers) {
                Ok(f) => f,
                Err(Error::EmptyQuestion) => vec![None; articles.len()],
                Err(e) => return Err(e),
            });
        }
        let mut out = Vec::new();
        for (i, id) in articles.iter().enumerate() {
            let Some(meta) = catalog.get(id) else { continue };
            for (w, f) in active.iter().zip(&mut found) {
                if let Some(found) = f.get_mut(i).and_then(Option::take) {
                    out.push(WatchMatch { watch: (*w).clone(), article: meta.clone(), found });
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(channel: &str, owner: &str, target: WatchTarget) -> NewWatch {
        NewWatch {
            channel: channel.into(),
            guild: Some("9".into()),
            target,
            owner_id: owner.into(),
            owner: owner.into(),
        }
    }

    fn draft(title: &str, body: &str) -> corpus::ArticleDraft {
        corpus::ArticleDraft {
            title: Some(title.into()),
            outlet: Some("Quill Daily".into()),
            published: Some(Published::parse("2031-03-02").unwrap()),
            body: body.into(),
            origin: title.into(),
            ..corpus::ArticleDraft::default()
        }
    }

    #[test]
    fn arrivals_and_matching_follow_who_said_and_ask() {
        let dir = tempfile::tempdir().unwrap();
        let config = EngineConfig { model_dir: None, ..EngineConfig::new(dir.path()) };
        let engine = Engine::open(config).unwrap();
        let told: Arc<Mutex<Vec<ArticleId>>> = Arc::default();
        let sink = Arc::clone(&told);
        engine.on_arrival(Box::new(move |ids| sink.lock().unwrap().extend_from_slice(ids)));
        engine.add_alias("Mira Kestrel", "Kestrelova").unwrap();
        let vorn = engine
            .add(draft(
                "Envoys agree to meet in Vorn",
                "Envoys from Tarnia and Osgard agreed to meet in the lakeside town of Vorn.\n\n\
                 \"We will talk in Vorn until there is a ceasefire,\" said Mira Kestrel, the Tarnian foreign minister.",
            ))
            .unwrap();
        let records = vec![
            Ok(draft(
                "Ferry timetables published",
                "The harbour office published the new ferry timetables for Pellmouth.",
            )),
            Ok(draft(
                "Envoys agree to meet in Vorn",
                "The envoys met again in Vorn on Tuesday to draft the ceasefire text.",
            )),
        ];
        let report = engine.import(records.into_iter(), "test", |_| {}).unwrap();
        // Every committed addition is told, once, and nothing refused is.
        let mut expected = vec![vorn.id.clone()];
        expected.extend(report.added.iter().map(|a| a.id.clone()));
        assert_eq!(*told.lock().unwrap(), expected);
        // A person through the alias table; a surname; nobody is never guessed.
        for name in ["Kestrelova", "Kestrel", "mira  kestrel"] {
            let found = engine.watch_find(&WatchTarget::Person(name.into()), &vorn.id).unwrap();
            let Some(Found::Statement { person, hit }) = found else { panic!("{name}: {found:?}") };
            assert_eq!(person, "Mira Kestrel");
            assert!(hit.quote.confidence >= quotes::MIN_CONFIDENCE && hit.quote.text.contains("ceasefire"));
        }
        assert_eq!(engine.watch_find(&WatchTarget::Person("Davit Orlen".into()), &vorn.id).unwrap(), None);
        // A question: the passage of that article only, above ask's floor.
        let ferry = &report.added[0].id;
        let q = WatchTarget::Query("ferry timetables Pellmouth".into());
        assert!(matches!(engine.watch_find(&q, ferry).unwrap(), Some(Found::Passage { .. })));
        assert_eq!(engine.watch_find(&q, &vorn.id).unwrap(), None, "another article's passage is not this one's");
        assert_eq!(engine.watch_find(&WatchTarget::Query("penguin physics".into()), ferry).unwrap(), None);
    }

    #[test]
    fn targets_are_cleaned_and_bounded() {
        let l = WATCH_LIMITS;
        let p = WatchTarget::Person("  Ilsa\u{7}\n Marden ".into()).sanitized(&l).unwrap();
        assert_eq!(p, WatchTarget::Person("Ilsa Marden".into()));
        assert!(matches!(WatchTarget::Person(" ... ".into()).sanitized(&l), Err(WatchError::Empty("person"))));
        assert!(matches!(WatchTarget::Query("?!".into()).sanitized(&l), Err(WatchError::Empty("query"))));
        assert!(matches!(
            WatchTarget::Query("grain ".repeat(60)).sanitized(&l),
            Err(WatchError::TooLong { what: "query", .. })
        ));
        assert!(matches!(WatchTarget::Query("a ".repeat(30)).sanitized(&l), Err(WatchError::TooManyWords { .. })));
        assert_eq!(WatchTarget::Query("grain corridor".into()).label(), "query:grain corridor");
    }

    #[test]
    fn watches_persist_with_limits_and_duplicates_refused() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Watches::open(dir.path()).unwrap();
        let limits = WatchLimits { per_channel: 2, per_user: 3, ..WATCH_LIMITS };
        let a = ws.add(new("1", "u1", WatchTarget::Person("Ilsa Marden".into())), &limits).unwrap();
        assert_eq!(a.id, 1);
        let dup = ws.add(new("1", "u2", WatchTarget::Person("ilsa  MARDEN".into())), &limits);
        assert!(matches!(dup, Err(WatchError::Duplicate { id: 1, .. })), "{dup:?}");
        ws.add(new("1", "u1", WatchTarget::Query("grain corridor".into())), &limits).unwrap();
        assert!(matches!(
            ws.add(new("1", "u1", WatchTarget::Query("ferries".into())), &limits),
            Err(WatchError::ChannelFull { max: 2 })
        ));
        ws.add(new("2", "u1", WatchTarget::Query("ferries".into())), &limits).unwrap();
        assert!(matches!(
            ws.add(new("3", "u1", WatchTarget::Query("tolls".into())), &limits),
            Err(WatchError::UserFull { max: 3 })
        ));
        // Survives a reopen; ids are never reused.
        let again = Watches::open(dir.path()).unwrap();
        assert_eq!(again.list().len(), 3);
        assert!(matches!(again.remove("w1", "2"), Err(WatchError::Unknown(_))), "another channel's watch");
        assert!(matches!(again.remove("zz", "1"), Err(WatchError::Unknown(_))));
        assert_eq!(again.remove("w1", "1").unwrap().id, 1);
        let next = again.add(new("1", "u9", WatchTarget::Person("Teodor Vask".into())), &limits).unwrap();
        assert_eq!(next.id, 4);
        // A channel that refuses the bot: its watches stop, once.
        assert_eq!(again.disable_channel("1", "HTTP 403").unwrap().len(), 2);
        assert!(again.disable_channel("1", "HTTP 403").unwrap().is_empty());
        let reread = Watches::open(dir.path()).unwrap();
        assert_eq!(reread.active().len(), 1);
        assert_eq!(reread.in_channel("1").len(), 2);
        // A broken file is an error naming it, not an empty list.
        std::fs::write(dir.path().join(WATCHES_FILE), "watch = 3").unwrap();
        let err = Watches::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains(WATCHES_FILE), "{err}");
    }

    #[test]
    fn the_cursor_starts_at_the_corpus_and_remembers() {
        let dir = tempfile::tempdir().unwrap();
        let id = |s: &str| ArticleId::parse(s).unwrap();
        let (a, b, c) = (id("2031-01-01-a"), id("2031-01-02-b"), id("2031-01-03-c"));
        let cursor = Cursor::open(dir.path(), [a.clone()]).unwrap();
        assert_eq!(cursor.unseen(&[a.clone(), b.clone(), b.clone(), c.clone()]), vec![b.clone(), c.clone()]);
        let corpus: HashSet<ArticleId> = [a.clone(), b.clone(), c.clone()].into();
        cursor.mark(std::slice::from_ref(&b), &corpus).unwrap();
        let reopened = Cursor::open(dir.path(), []).unwrap();
        assert_eq!(reopened.unseen(&[a.clone(), b.clone(), c.clone()]), vec![c.clone()]);
        // Ids of removed articles are forgotten.
        reopened.mark(&[], &[b.clone()].into()).unwrap();
        assert_eq!(Cursor::open(dir.path(), []).unwrap().unseen(std::slice::from_ref(&a)), vec![a]);
    }

    #[test]
    fn one_match_per_watch_and_article_grouped_by_channel() {
        let meta = |id: &str| ArticleMeta {
            id: ArticleId::parse(id).unwrap(),
            title: "T".into(),
            outlet: "O".into(),
            url: None,
            published: None,
            language: "en".into(),
            added_by: String::new(),
            added_at: None,
            authors: vec![],
            tags: vec![],
            also_reported_by: vec![],
        };
        let watch = |id: u64, channel: &str| Watch {
            id,
            channel: channel.into(),
            guild: None,
            target: WatchTarget::Query("q".into()),
            owner_id: "u".into(),
            owner: "u".into(),
            created_at: String::new(),
            disabled: None,
        };
        let hit = Hit {
            source: serde_json::from_value(
                serde_json::json!({"article_id": "2031-01-01-a", "title": "T", "outlet": "O"}),
            )
            .unwrap(),
            ord: 0,
            passage: "p".into(),
            highlights: vec![],
            answer: None,
            score: 1.0,
        };
        let m = |w: u64, ch: &str, a: &str| WatchMatch {
            watch: watch(w, ch),
            article: meta(a),
            found: Found::Passage { hit: Box::new(hit.clone()) },
        };
        let grouped = by_channel(vec![
            m(1, "10", "2031-01-01-a"),
            m(1, "10", "2031-01-01-a"),
            m(2, "20", "2031-01-01-a"),
            m(1, "10", "2031-01-02-b"),
        ]);
        assert_eq!(grouped.len(), 2);
        assert_eq!(grouped["10"].len(), 2);
        assert_eq!(grouped["20"].len(), 1);
    }
}
