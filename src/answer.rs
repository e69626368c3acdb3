//! Questions and answers as Parley's own types: what `ask` and `who-said`
//! take and return. Every answer item carries its [`Source`].
//!
//! Plain data with small pure helpers (highlight marking); no I/O, no index,
//! no Discord.

use std::ops::Range;

use serde::Serialize;
use time::Date;

use crate::article::{ArticleId, Source};
use crate::quotes::{Quote, QuoteKind};

/// Longest question Parley reads; the rest is cut, not refused.
pub const MAX_QUESTION_CHARS: usize = 500;

/// A question to `ask`.
#[derive(Debug, Clone, PartialEq)]
pub struct AskQuery {
    pub question: String,
    /// How many passages (1–25).
    pub limit: usize,
    /// How many to skip (for "next page").
    pub offset: usize,
    pub since: Option<Date>,
    pub until: Option<Date>,
    /// Only this outlet (case-insensitive).
    pub outlet: Option<String>,
}

impl AskQuery {
    pub const DEFAULT_LIMIT: usize = 5;
    pub const MAX_LIMIT: usize = 25;

    pub fn new(question: impl Into<String>) -> AskQuery {
        AskQuery {
            question: question.into(),
            limit: Self::DEFAULT_LIMIT,
            offset: 0,
            since: None,
            until: None,
            outlet: None,
        }
    }
}

/// One passage found for a question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub source: Source,
    /// The passage's position in its article.
    pub ord: u32,
    pub passage: String,
    /// Byte ranges of `passage` that matched the question.
    pub highlights: Vec<Range<usize>>,
    /// Byte range of the sentence of `passage` that best answers the
    /// question, when one stands out.
    pub answer: Option<Range<usize>>,
    pub score: f32,
}

impl Hit {
    /// The passage with every matched range wrapped in `open`/`close`
    /// (`**`/`**` for Markdown, ANSI codes for a terminal).
    pub fn marked(&self, open: &str, close: &str) -> String {
        mark(&self.passage, &self.highlights, open, close)
    }

    /// What to show in bold: the answering sentence when there is one,
    /// else the matched words.
    pub fn emphasis(&self) -> &[Range<usize>] {
        match &self.answer {
            Some(a) => std::slice::from_ref(a),
            None => &self.highlights,
        }
    }

    /// The answering sentence, when one was marked.
    pub fn answer_sentence(&self) -> Option<&str> {
        self.answer.as_ref().and_then(|r| self.passage.get(r.clone()))
    }
}

/// Whether a highlight range can be marked in `text` after byte `pos`:
/// in bounds, not empty, on character boundaries, not overlapping what
/// was marked before.
pub fn markable(text: &str, r: &Range<usize>, pos: usize) -> bool {
    r.start >= pos
        && r.end <= text.len()
        && r.start < r.end
        && text.is_char_boundary(r.start)
        && text.is_char_boundary(r.end)
}

/// Wraps the given byte ranges of `text` in markers. Ranges that are out
/// of bounds or not on character boundaries are ignored.
pub fn mark(text: &str, ranges: &[Range<usize>], open: &str, close: &str) -> String {
    let mut out = String::with_capacity(text.len() + ranges.len() * (open.len() + close.len()));
    let mut pos = 0;
    for r in ranges {
        if !markable(text, r, pos) {
            continue;
        }
        out.push_str(&text[pos..r.start]);
        out.push_str(open);
        out.push_str(&text[r.clone()]);
        out.push_str(close);
        pos = r.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// What `ask` found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    pub query: String,
    /// Best first; at most two per article. Empty when nothing relevant
    /// was found — never filled with noise.
    pub hits: Vec<Hit>,
    /// Whether a further page may exist.
    pub more: bool,
}

/// A question to `who-said`.
#[derive(Debug, Clone, PartialEq)]
pub struct WhoSaidQuery {
    pub person: String,
    pub about: Option<String>,
    pub since: Option<Date>,
    pub until: Option<Date>,
    pub kind: Option<QuoteKind>,
    pub limit: usize,
    pub offset: usize,
}

impl WhoSaidQuery {
    pub const DEFAULT_LIMIT: usize = 10;

    pub fn new(person: impl Into<String>) -> WhoSaidQuery {
        WhoSaidQuery {
            person: person.into(),
            about: None,
            since: None,
            until: None,
            kind: None,
            limit: Self::DEFAULT_LIMIT,
            offset: 0,
        }
    }
}

/// One statement found, with its source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteHit {
    pub quote: Quote,
    pub source: Source,
    pub score: f32,
}

/// A speaker and how many statements the corpus attributes to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpeakerCount {
    pub name: String,
    pub quotes: u64,
}

/// What `who-said` found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum WhoSaid {
    /// The person was recognised; `quotes` may still be empty when a topic
    /// or date filter excluded them all.
    Found { person: String, quotes: Vec<QuoteHit>, more: bool },
    /// The name fits several speakers; Parley does not guess.
    Ambiguous { query: String, candidates: Vec<SpeakerCount> },
    /// Nobody by that name is quoted; these are the closest names that are.
    NotFound { query: String, near: Vec<SpeakerCount> },
}

/// A date as `YYYY-MM-DD` in JSON output.
fn iso_date<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

fn iso_date_opt<S: serde::Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

/// A question to `timeline`: what was said and reported on a topic, when.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineQuery {
    pub topic: String,
    /// Only this person's statements (resolved like `who-said`), or a
    /// side's (its members').
    pub person: Option<String>,
    pub since: Option<Date>,
    pub until: Option<Date>,
}

impl TimelineQuery {
    pub fn new(topic: impl Into<String>) -> TimelineQuery {
        TimelineQuery { topic: topic.into(), person: None, since: None, until: None }
    }
}

/// How a timeline is grouped: by week (spans up to [`Grain::WEEKS_UP_TO_DAYS`]) or by month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Grain {
    Week,
    Month,
}

impl Grain {
    /// Spans up to this many days are grouped by week.
    pub const WEEKS_UP_TO_DAYS: i64 = 120;

    pub fn as_str(self) -> &'static str {
        match self {
            Grain::Week => "week",
            Grain::Month => "month",
        }
    }

    /// The first day of the week (Monday) or month `d` falls in.
    pub fn start_of(self, d: Date) -> Date {
        match self {
            Grain::Week => d - time::Duration::days(i64::from(d.weekday().number_days_from_monday())),
            Grain::Month => d.replace_day(1).unwrap_or(d),
        }
    }
}

/// The chart series of statements by speakers outside the named series.
pub const OTHERS_SERIES: &str = "others";
/// The chart series of reports (passages, no speaker).
pub const REPORTS_SERIES: &str = "reports";

/// One dated item of a timeline: a statement (with its speaker) or a
/// passage reporting on the topic (no speaker: nobody's words are claimed).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEntry {
    #[serde(serialize_with = "iso_date")]
    pub date: Date,
    /// The speaker of a statement; `None` for a passage.
    pub speaker: Option<String>,
    /// The speaker's side, when the alias table puts them on one.
    pub side: Option<String>,
    /// The statement, or the passage's sentence that best answers the topic.
    pub text: String,
    pub source: Source,
    /// The passage's position in its article (passages only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ord: Option<u32>,
}

/// The statements (or passages) of one week or month, counted per series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bucket {
    /// The Monday of the week, or the first of the month.
    #[serde(serialize_with = "iso_date")]
    pub start: Date,
    /// One count per [`Timeline::series`].
    pub counts: Vec<u32>,
}

impl Bucket {
    pub fn total(&self) -> u32 {
        self.counts.iter().sum()
    }
}

/// What `timeline` found, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    pub topic: String,
    /// The speaker (or side) the person option resolved to.
    pub person: Option<String>,
    #[serde(serialize_with = "iso_date_opt")]
    pub since: Option<Date>,
    #[serde(serialize_with = "iso_date_opt")]
    pub until: Option<Date>,
    pub grain: Grain,
    pub entries: Vec<TimelineEntry>,
    /// What the chart's bars are split by: sides, else the top speakers
    /// (then "others"), and "reports" for passages.
    pub series: Vec<String>,
    /// Every week or month from the first entry to the last, empty ones
    /// included.
    pub buckets: Vec<Bucket>,
    /// Indexes into `buckets` of the busiest ones, busiest first.
    pub busiest: Vec<usize>,
    /// Undated statements or passages on the topic, left out.
    pub undated: usize,
}

impl Timeline {
    /// Least entries, and least weeks or months with one, worth a chart;
    /// below, a list is clearer than bars.
    pub const CHART_MIN_ENTRIES: usize = 3;
    pub const CHART_MIN_BUCKETS: usize = 2;

    /// Whether a chart would say something.
    pub fn chartable(&self) -> bool {
        self.entries.len() >= Self::CHART_MIN_ENTRIES
            && self.buckets.iter().filter(|b| b.total() > 0).count() >= Self::CHART_MIN_BUCKETS
    }
}

/// A question to `compare`: what two people or sides said on a topic.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareQuery {
    pub a: String,
    pub b: String,
    pub topic: String,
    pub since: Option<Date>,
    pub until: Option<Date>,
    /// Statements per side (1–25).
    pub limit: usize,
}

impl CompareQuery {
    pub const DEFAULT_LIMIT: usize = 8;
    pub const MAX_LIMIT: usize = 25;

    pub fn new(a: impl Into<String>, b: impl Into<String>, topic: impl Into<String>) -> CompareQuery {
        CompareQuery {
            a: a.into(),
            b: b.into(),
            topic: topic.into(),
            since: None,
            until: None,
            limit: Self::DEFAULT_LIMIT,
        }
    }
}

/// Who one column of a comparison is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    Person,
    Side,
}

/// One column of a comparison: its statements, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Party {
    /// The speaker's name, or the side's.
    pub name: String,
    pub kind: PartyKind,
    /// The speakers whose statements count (one for a person).
    pub speakers: Vec<String>,
    pub statements: Vec<QuoteHit>,
    /// More statements than shown.
    pub more: bool,
}

/// What `compare` found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub topic: String,
    pub a: Party,
    pub b: Party,
}

/// Corpus figures for `/about`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorpusStats {
    pub articles: usize,
    pub passages: usize,
    /// Passages not yet searchable by meaning (their vectors are being
    /// computed); all of them when there is no model.
    pub passages_without_vectors: usize,
    pub outlets: Vec<(String, usize)>,
    pub earliest: Option<Date>,
    pub latest: Option<Date>,
    /// The most recently added articles, newest first.
    pub recent: Vec<(ArticleId, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marking_wraps_ranges_and_skips_bad_ones() {
        let t = "Talks in Vorn resumed";
        assert_eq!(mark(t, std::slice::from_ref(&(9..13)), "**", "**"), "Talks in **Vorn** resumed");
        assert_eq!(mark(t, &[0..5, 3..8, 9..13, 20..99], "[", "]"), "[Talks] in [Vorn] resumed");
        assert_eq!(mark("жж", std::slice::from_ref(&(1..2)), "[", "]"), "жж");
    }
}
