//! What members tell Parley about its answers: `<data_dir>/feedback.jsonl`,
//! one JSON event per line — an answer as it was shown (its id, the
//! question, the hits and their ranks), a 👍/👎 vote on it, a "wrong
//! attribution" report on one of its statements, a moderator's resolution
//! of a report — and what is read back from it: each member's current vote
//! (the last one wins), the open reports, evaluation questions for export.
//!
//! Appends are one `write` of a whole line, then `fsync`; a line cut by a
//! crash is skipped on read (and the next append starts on a new line), so
//! a torn write loses at most that line. It must NOT know Discord, the
//! engine or the index: it stores what the bot shows and reads it back.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The file name in the data directory.
pub const FILE: &str = "feedback.jsonl";

/// Longest note a member may attach to a report (characters).
pub const NOTE_MAX: usize = 500;

/// What can go wrong with the feedback file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot encode a feedback event: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("no answer {0} in the feedback log (it may be from another data directory)")]
    UnknownAnswer(String),
    #[error("answer {answer} has no statement {rank}")]
    NoRank { answer: String, rank: u32 },
    #[error("no open report {0} (see /corpus reports)")]
    UnknownReport(String),
}

/// A 👍 or a 👎.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vote {
    Up,
    Down,
}

impl Vote {
    pub fn emoji(self) -> &'static str {
        match self {
            Vote::Up => "👍",
            Vote::Down => "👎",
        }
    }
}

/// Which command an answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    Ask,
    WhoSaid,
}

/// One hit as it was shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shown {
    /// Its number in the answer (1 for the first on page one, 6 for the
    /// first on page two…).
    pub rank: u32,
    pub article: String,
    /// The passage's position in its article (`ask`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ord: Option<u32>,
    /// The words shown: the passage's answering sentence (or its start) for
    /// `ask`, the statement for `who-said` — an exact substring of the
    /// article's body.
    pub text: String,
    /// Who the statement is attributed to, as written (`who-said`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
}

/// An answer as it was shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownAnswer {
    pub id: String,
    pub at: String,
    pub command: Source,
    /// The question (`ask`), or the person and topic (`who-said`).
    pub question: String,
    pub hits: Vec<Shown>,
}

/// One line of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    Answer(ShownAnswer),
    Vote {
        answer: String,
        at: String,
        user: String,
        vote: Vote,
    },
    Report {
        id: String,
        answer: String,
        rank: u32,
        at: String,
        user: String,
        #[serde(default)]
        note: String,
    },
    Resolution {
        report: String,
        at: String,
        by: String,
        /// `hide`, `alias` or `dismiss`.
        action: String,
        #[serde(default)]
        detail: String,
    },
}

/// An open report with the statement it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenReport {
    pub id: String,
    pub at: String,
    pub user: String,
    pub note: String,
    pub answer: String,
    pub question: String,
    pub hit: Shown,
}

/// What a vote changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voted {
    /// The member's first vote on this answer.
    New,
    /// The member changed their vote (from the other one).
    Changed,
    /// The same vote again: nothing written.
    Same,
}

/// Everything read back from the file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Log {
    pub events: Vec<Event>,
    /// Lines that could not be read (a torn last line, a hand edit).
    pub skipped: usize,
}

impl Log {
    /// Reads the file; an absent file is an empty log.
    pub fn read(path: &Path) -> Result<Log, Error> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Log::default()),
            Err(source) => return Err(Error::Read { path: path.to_owned(), source }),
        };
        Ok(Log::parse(&bytes))
    }

    /// Parses the bytes of a file: one event per line; a line that is not
    /// an event (cut, hand-edited, not UTF-8) is skipped and counted.
    pub fn parse(bytes: &[u8]) -> Log {
        let mut log = Log::default();
        for line in bytes.split(|b| *b == b'\n') {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<Event>(line) {
                Ok(e) => log.events.push(e),
                Err(_) => log.skipped += 1,
            }
        }
        log
    }

    pub fn answer(&self, id: &str) -> Option<&ShownAnswer> {
        self.events.iter().find_map(|e| match e {
            Event::Answer(a) if a.id == id => Some(a),
            _ => None,
        })
    }

    /// Each member's vote on each answer: the last one wins.
    pub fn votes(&self) -> HashMap<(String, String), Vote> {
        let mut out = HashMap::new();
        for e in &self.events {
            if let Event::Vote { answer, user, vote, .. } = e {
                out.insert((answer.clone(), user.clone()), *vote);
            }
        }
        out
    }

    /// Reports not resolved yet, oldest first.
    pub fn open_reports(&self) -> Vec<OpenReport> {
        let resolved: HashSet<&str> = self
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Resolution { report, .. } => Some(report.as_str()),
                _ => None,
            })
            .collect();
        let answers: HashMap<&str, &ShownAnswer> = self
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Answer(a) => Some((a.id.as_str(), a)),
                _ => None,
            })
            .collect();
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Report { id, answer, rank, at, user, note } if !resolved.contains(id.as_str()) => {
                    let a = answers.get(answer.as_str())?;
                    let hit = a.hits.iter().find(|h| h.rank == *rank)?;
                    Some(OpenReport {
                        id: id.clone(),
                        at: at.clone(),
                        user: user.clone(),
                        note: note.clone(),
                        answer: answer.clone(),
                        question: a.question.clone(),
                        hit: hit.clone(),
                    })
                }
                _ => None,
            })
            .collect()
    }

    /// The `ask` answers voted up (more 👍 than 👎 among the members'
    /// current votes) as evaluation questions: the question and the first
    /// passage shown, one line per distinct question and passage.
    pub fn export(&self) -> Vec<EvalQuestion> {
        let mut tally: HashMap<&str, i64> = HashMap::new();
        let votes = self.votes();
        for ((answer, _), vote) in &votes {
            *tally.entry(answer.as_str()).or_default() += if *vote == Vote::Up { 1 } else { -1 };
        }
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for e in &self.events {
            let Event::Answer(a) = e else { continue };
            if a.command != Source::Ask || tally.get(a.id.as_str()).is_none_or(|n| *n <= 0) {
                continue;
            }
            let Some(first) = a.hits.iter().min_by_key(|h| h.rank) else { continue };
            let key = (a.question.trim().to_lowercase(), first.article.clone(), first.text.clone());
            if !seen.insert(key) {
                continue;
            }
            out.push(EvalQuestion {
                question: a.question.clone(),
                file: format!("corpus/{}.md", first.article),
                answer: first.text.clone(),
                kind: "feedback".to_owned(),
                article: first.article.clone(),
                ord: first.ord,
            });
        }
        out
    }
}

/// One line of `parley feedback export --json`: the fields of
/// `tests/eval/questions/*.jsonl` (`question`, `file`, `answer`, `kind`),
/// with `file` relative to the data directory, plus the article id and
/// passage number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvalQuestion {
    pub question: String,
    pub file: String,
    pub answer: String,
    pub kind: String,
    pub article: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ord: Option<u32>,
}

/// What the bot keeps in memory: the answers it knows and each member's
/// current vote, so that a vote needs no read of the file.
#[derive(Debug, Default)]
struct State {
    answers: HashSet<String>,
    votes: HashMap<(String, String), Vote>,
}

/// The feedback file as the bot writes it. Share it by reference; every
/// method takes `&self`.
#[derive(Debug)]
pub struct FeedbackLog {
    path: PathBuf,
    next: AtomicU64,
    state: Mutex<Option<State>>,
}

fn now() -> String {
    OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// Whether `s` could be an id this log hands out (a few base-36 digits).
pub fn is_id(s: &str) -> bool {
    (1..=16).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
}

impl FeedbackLog {
    pub fn new(path: PathBuf) -> FeedbackLog {
        // Ids start from the clock (milliseconds × 1,000), so that ids of an
        // earlier run are never handed out again.
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64)
            .saturating_mul(1_000);
        FeedbackLog { path, next: AtomicU64::new(seed), state: Mutex::new(None) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn fresh_id(&self) -> String {
        crate::text::base36(self.next.fetch_add(1, Ordering::Relaxed))
    }

    /// Runs `f` on the in-memory state (read from the file on first use)
    /// while holding the lock that also serialises appends.
    fn with_state<T>(&self, f: impl FnOnce(&mut State, &Path) -> Result<T, Error>) -> Result<T, Error> {
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            let log = Log::read(&self.path)?;
            if log.skipped > 0 {
                tracing::warn!(path = %self.path.display(), lines = log.skipped, "feedback lines that cannot be read were skipped");
            }
            let mut state = State { votes: log.votes(), ..State::default() };
            for e in &log.events {
                if let Event::Answer(a) = e {
                    state.answers.insert(a.id.clone());
                }
            }
            *guard = Some(state);
        }
        let state = guard.get_or_insert_with(State::default);
        f(state, &self.path)
    }

    /// Records an answer as shown; returns its id for the buttons.
    pub fn record_answer(&self, command: Source, question: &str, hits: Vec<Shown>) -> Result<String, Error> {
        let id = self.fresh_id();
        let event = Event::Answer(ShownAnswer {
            id: id.clone(),
            at: now(),
            command,
            question: question.chars().take(crate::answer::MAX_QUESTION_CHARS).collect(),
            hits,
        });
        self.with_state(|state, path| {
            append(path, &event)?;
            state.answers.insert(id.clone());
            Ok(())
        })?;
        Ok(id)
    }

    /// A member's vote on an answer; the same vote again writes nothing.
    pub fn vote(&self, answer: &str, user: &str, vote: Vote) -> Result<Voted, Error> {
        self.with_state(|state, path| {
            if !state.answers.contains(answer) {
                return Err(Error::UnknownAnswer(answer.to_owned()));
            }
            let key = (answer.to_owned(), user.to_owned());
            let before = state.votes.get(&key).copied();
            if before == Some(vote) {
                return Ok(Voted::Same);
            }
            append(path, &Event::Vote { answer: answer.to_owned(), at: now(), user: user.to_owned(), vote })?;
            state.votes.insert(key, vote);
            Ok(if before.is_some() { Voted::Changed } else { Voted::New })
        })
    }

    /// A member's current vote on an answer.
    pub fn vote_of(&self, answer: &str, user: &str) -> Result<Option<Vote>, Error> {
        self.with_state(|state, _| Ok(state.votes.get(&(answer.to_owned(), user.to_owned())).copied()))
    }

    /// The answer as it was shown (reads the file: reports are rare).
    pub fn answer(&self, id: &str) -> Result<ShownAnswer, Error> {
        let _guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        Log::read(&self.path)?.answer(id).cloned().ok_or_else(|| Error::UnknownAnswer(id.to_owned()))
    }

    /// Reports statement `rank` of an answer; returns the report's id.
    pub fn report(&self, answer: &str, rank: u32, user: &str, note: &str) -> Result<String, Error> {
        let shown = self.answer(answer)?;
        if !shown.hits.iter().any(|h| h.rank == rank) {
            return Err(Error::NoRank { answer: answer.to_owned(), rank });
        }
        let id = self.fresh_id();
        let note: String = note.trim().chars().take(NOTE_MAX).collect();
        let event =
            Event::Report { id: id.clone(), answer: answer.to_owned(), rank, at: now(), user: user.to_owned(), note };
        self.with_state(|_, path| append(path, &event))?;
        Ok(id)
    }

    /// The open reports, oldest first.
    pub fn open_reports(&self) -> Result<Vec<OpenReport>, Error> {
        let _guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        Ok(Log::read(&self.path)?.open_reports())
    }

    /// One open report.
    pub fn open_report(&self, id: &str) -> Result<OpenReport, Error> {
        self.open_reports()?.into_iter().find(|r| r.id == id).ok_or_else(|| Error::UnknownReport(id.to_owned()))
    }

    /// Closes a report.
    pub fn resolve(&self, report: &str, by: &str, action: &str, detail: &str) -> Result<(), Error> {
        let event = Event::Resolution {
            report: report.to_owned(),
            at: now(),
            by: by.to_owned(),
            action: action.to_owned(),
            detail: detail.chars().take(NOTE_MAX).collect(),
        };
        self.with_state(|_, path| append(path, &event))
    }
}

/// Appends one event as one line: a single write, then fsync. When the
/// file does not end with a newline (a write cut by a crash), the line
/// starts with one, so the torn line stays alone and is skipped on read.
fn append(path: &Path, event: &Event) -> Result<(), Error> {
    let mut line = serde_json::to_string(event)?;
    line.push('\n');
    let err = |source| Error::Write { path: path.to_owned(), source };
    let mut f = std::fs::OpenOptions::new().create(true).read(true).append(true).open(path).map_err(err)?;
    let len = f.metadata().map_err(err)?.len();
    if len > 0 {
        let mut last = [0u8; 1];
        f.seek(SeekFrom::Start(len - 1)).map_err(err)?;
        f.read_exact(&mut last).map_err(err)?;
        if last[0] != b'\n' {
            line.insert(0, '\n');
        }
    }
    f.write_all(line.as_bytes()).map_err(err)?;
    f.sync_data().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(rank: u32, text: &str) -> Shown {
        Shown { rank, article: "2031-05-10-saltmere-truce".into(), ord: Some(rank), text: text.into(), speaker: None }
    }

    #[test]
    fn the_last_vote_wins_and_the_same_vote_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let log = FeedbackLog::new(dir.path().join(FILE));
        let a = log.record_answer(Source::Ask, "where is the truce", vec![hit(1, "Talks in Saltmere.")]).unwrap();
        assert_eq!(log.vote(&a, "u1", Vote::Up).unwrap(), Voted::New);
        assert_eq!(log.vote(&a, "u1", Vote::Up).unwrap(), Voted::Same);
        assert_eq!(log.vote(&a, "u1", Vote::Down).unwrap(), Voted::Changed);
        assert_eq!(log.vote(&a, "u1", Vote::Up).unwrap(), Voted::Changed);
        assert!(matches!(log.vote("nope", "u1", Vote::Up), Err(Error::UnknownAnswer(_))));
        // A fresh reader (another process) sees the same.
        let read = Log::read(log.path()).unwrap();
        assert_eq!(read.votes().len(), 1);
        assert_eq!(read.votes()[&(a.clone(), "u1".to_owned())], Vote::Up);
        let again = FeedbackLog::new(log.path().to_owned());
        assert_eq!(again.vote_of(&a, "u1").unwrap(), Some(Vote::Up));
        assert_eq!(again.vote(&a, "u1", Vote::Up).unwrap(), Voted::Same);
    }

    #[test]
    fn a_torn_last_line_is_skipped_and_the_next_append_is_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let log = FeedbackLog::new(path.clone());
        let a = log.record_answer(Source::Ask, "q", vec![hit(1, "x")]).unwrap();
        let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(br#"{"kind":"vote","answer":"#).unwrap();
        drop(f);
        let fresh = FeedbackLog::new(path.clone());
        assert_eq!(fresh.vote(&a, "u2", Vote::Down).unwrap(), Voted::New);
        let read = Log::read(&path).unwrap();
        assert_eq!((read.events.len(), read.skipped), (2, 1));
        assert_eq!(Log::parse(b"\xff\xfe\n{}\n").skipped, 2);
    }

    #[test]
    fn reports_stay_open_until_resolved_and_check_their_rank() {
        let dir = tempfile::tempdir().unwrap();
        let log = FeedbackLog::new(dir.path().join(FILE));
        let a = log.record_answer(Source::WhoSaid, "Tomas Marden", vec![hit(1, "a"), hit(2, "b")]).unwrap();
        assert!(matches!(log.report(&a, 3, "u1", ""), Err(Error::NoRank { rank: 3, .. })));
        let r = log.report(&a, 2, "u1", &"why ".repeat(400)).unwrap();
        let open = log.open_reports().unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!((open[0].hit.text.as_str(), open[0].note.chars().count()), ("b", NOTE_MAX));
        log.resolve(&r, "mod", "dismiss", "").unwrap();
        assert!(log.open_reports().unwrap().is_empty());
        assert!(matches!(log.open_report(&r), Err(Error::UnknownReport(_))));
    }

    #[test]
    fn export_keeps_answers_voted_up_once_per_question() {
        let dir = tempfile::tempdir().unwrap();
        let log = FeedbackLog::new(dir.path().join(FILE));
        let up =
            log.record_answer(Source::Ask, "Where is the truce?", vec![hit(2, "second"), hit(1, "first")]).unwrap();
        let again = log.record_answer(Source::Ask, "where is the truce?", vec![hit(1, "first")]).unwrap();
        let down = log.record_answer(Source::Ask, "who won", vec![hit(1, "nothing")]).unwrap();
        let who = log.record_answer(Source::WhoSaid, "Marden", vec![hit(1, "said")]).unwrap();
        for (a, v) in [(&up, Vote::Up), (&again, Vote::Up), (&down, Vote::Up), (&who, Vote::Up)] {
            log.vote(a, "u1", v).unwrap();
        }
        log.vote(&down, "u2", Vote::Down).unwrap();
        log.vote(&down, "u1", Vote::Down).unwrap();
        let out = Log::read(log.path()).unwrap().export();
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].answer, "first");
        assert_eq!(out[0].file, "corpus/2031-05-10-saltmere-truce.md");
        let json = serde_json::to_value(&out[0]).unwrap();
        for key in ["question", "file", "answer", "kind"] {
            assert!(json.get(key).is_some(), "{key}");
        }
    }

    #[test]
    fn ids_are_short_and_checked() {
        assert_eq!(crate::text::base36(36), "10");
        let log = FeedbackLog::new(PathBuf::from("x"));
        let id = log.fresh_id();
        assert!(is_id(&id) && id.len() <= 12, "{id}");
        assert!(!is_id("") && !is_id("A") && !is_id("a:b") && !is_id(&"a".repeat(17)));
    }
}
