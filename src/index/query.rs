//! From a person's question to a tantivy query, and back to highlights.
//!
//! The question is never parsed as query syntax: it is cut into words,
//! question words are dropped, each word is expanded through the alias table
//! and analysed like the indexed text. So no input can fail or inject
//! operators — `+`, `:`, `"`, `(` are just punctuation. A word the index has
//! never seen is matched fuzzily (one edit), which forgives most typos.

use std::collections::HashSet;
use std::ops::{Bound, Range};

use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DateTime, Index, Searcher, Term};
use time::Date;

use super::schema::{self, Fields};
use crate::answer::MAX_QUESTION_CHARS;
use crate::article::ArticleId;
use crate::names::Aliases;
use crate::quotes::QuoteKind;

/// Words that shape a question but carry no topic.
const QUESTION_WORDS: &[&str] = &[
    "what",
    "whats",
    "who",
    "whom",
    "whose",
    "where",
    "wheres",
    "when",
    "why",
    "how",
    "which",
    "did",
    "does",
    "do",
    "done",
    "is",
    "are",
    "was",
    "were",
    "will",
    "would",
    "can",
    "could",
    "should",
    "shall",
    "may",
    "might",
    "has",
    "have",
    "had",
    "been",
    "being",
    "say",
    "says",
    "said",
    "tell",
    "me",
    "us",
    "you",
    "i",
    "about",
    "any",
    "anything",
    "there",
    "latest",
    "news",
    "know",
    "think",
    "thing",
    "things",
    "happen",
    "happened",
    "happening",
    "going",
    "get",
    "got",
    "s",
    "t",
    "re",
    "ll",
    "ve",
    "d",
    "m",
    "please",
    "from",
    "up",
    "so",
    "some",
    "also",
    "just",
    "really",
    "actually",
    "yet",
    "still",
    "again",
    "ever",
    "now",
    "today",
    "like",
    "well",
    "much",
    "many",
    "more",
    "most",
    "very",
];

/// Words people use for the same thing when they ask about the war and
/// the talks. Each line is one set; a question word in a set also matches
/// the others, at a lower weight. Only synonyms a reader of the domain
/// would name (and spelling variants); paraphrase beyond them is the
/// sentence-embedding model's job. Entries fitted to single evaluation
/// questions ("ok" ~ "oppose", "took", "cost", "blackouts") were removed
/// when the model came.
const SYNONYMS: &[&[&str]] = &[
    &["troops", "forces", "soldiers", "army", "military"],
    &["killed", "dead", "died", "deaths", "casualties", "death"],
    &["meet", "meeting", "talks", "summit", "negotiations"],
    &["hit", "attacked", "attack", "struck", "strike", "strikes", "shelled"],
    &["land", "territory", "territories", "regions"],
    &["deal", "agreement", "accord", "treaty"],
    &["ceasefire", "truce", "armistice"],
    &["proposal", "plan", "offer", "proposed"],
    &["prisoners", "captives", "pows", "captivity"],
    &["freed", "released", "release"],
    &["exchange", "swap"],
    &["war", "conflict", "invasion", "fighting"],
    &["captured", "seized", "occupied"],
    &["pay", "paying", "fund", "funding", "finance"],
    &["sanctions", "restrictions", "embargo"],
    &["leaders", "presidents", "heads"],
    &["call", "phone", "telephone", "conversation"],
    &["aid", "assistance", "support", "help"],
    &["weapons", "arms", "weaponry"],
    &["demilitarised", "demilitarized"],
    &["russia", "moscow", "kremlin", "russian"],
    &["ukraine", "kyiv", "ukrainian"],
    &["america", "washington", "american"],
    &["europe", "european", "eu"],
    &["power", "electricity", "energy"],
];

fn synonyms_of(word: &str) -> impl Iterator<Item = &'static str> + '_ {
    SYNONYMS
        .iter()
        .filter(move |set| set.contains(&word))
        .flat_map(move |set| set.iter().copied().filter(move |w| *w != word))
}

/// A question after analysis.
#[derive(Debug, Clone, Default)]
pub struct Analyzed {
    /// One group per content word: its analysed forms (with alias
    /// variants). A passage matches a group when it has any form.
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub stems: Vec<String>,
    /// Analysed synonyms ("troops" → "forces", "soldiers"): they match at
    /// a lower weight.
    pub synonyms: Vec<String>,
    /// A name (known alias or capitalised word): weighted higher.
    pub entity: bool,
}

impl Analyzed {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    fn stems(&self) -> HashSet<&str> {
        self.groups.iter().flat_map(|g| g.stems.iter().chain(&g.synonyms).map(String::as_str)).collect()
    }
}

fn analyze_word(index: &Index, word: &str) -> Vec<String> {
    let mut analyzer = index.tokenizers().get(schema::ENGLISH).unwrap_or_else(schema::english);
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(word);
    while let Some(t) = stream.next() {
        if t.text.len() > 1 && !out.contains(&t.text) {
            out.push(t.text.clone());
        }
    }
    out
}

/// Analyses a question: content words, alias-expanded, stemmed.
pub fn analyze(index: &Index, text: &str, aliases: &Aliases) -> Analyzed {
    let cut: String = text.chars().take(MAX_QUESTION_CHARS).collect();
    let mut groups: Vec<Group> = Vec::new();
    for raw in cut.split(|c: char| !(c.is_alphanumeric() || c == '-')).flat_map(|w| {
        // Keep hyphenated names whole for alias look-up, and their parts.
        let parts: Vec<&str> = w.split('-').filter(|p| !p.is_empty()).collect();
        if parts.len() > 1 {
            std::iter::once(w).chain(parts).collect::<Vec<_>>()
        } else {
            parts
        }
    }) {
        let folded = crate::text::fold(raw);
        let folded = folded.trim_matches('-');
        if folded.is_empty() || QUESTION_WORDS.contains(&folded) {
            continue;
        }
        let variants = aliases.word_variants(raw);
        let entity = !variants.is_empty() || raw.chars().next().is_some_and(char::is_uppercase);
        let mut stems: Vec<String> = Vec::new();
        for v in std::iter::once(folded.to_owned()).chain(variants) {
            for s in analyze_word(index, &v) {
                if !stems.contains(&s) {
                    stems.push(s);
                }
            }
        }
        if stems.is_empty() || raw.contains('-') && groups.iter().any(|g| g.stems == stems) {
            continue;
        }
        if let Some(g) = groups.iter_mut().find(|g| g.stems == stems) {
            g.entity |= entity;
            continue;
        }
        let mut synonyms: Vec<String> = Vec::new();
        for syn in synonyms_of(folded) {
            for st in analyze_word(index, syn) {
                if !stems.contains(&st) && !synonyms.contains(&st) {
                    synonyms.push(st);
                }
            }
        }
        groups.push(Group { stems, synonyms, entity });
        if groups.len() == 16 {
            break;
        }
    }
    Analyzed { groups }
}

/// A passage search: the analysed question and its filters.
#[derive(Debug, Clone, Default)]
pub struct PassageQuery {
    pub analyzed: Analyzed,
    pub since: Option<Date>,
    pub until: Option<Date>,
    pub outlet: Option<String>,
    /// Only this article's passages (a watch trying a new article).
    pub article: Option<ArticleId>,
}

/// A statement search.
#[derive(Debug, Clone)]
pub struct QuoteQuery {
    /// `names::name_key` of each canonical speaker wanted; empty: any
    /// named speaker.
    pub speakers: Vec<String>,
    pub topic: Option<Analyzed>,
    /// Only statements that match a word of the topic (else the topic only
    /// ranks them).
    pub topic_required: bool,
    pub since: Option<Date>,
    pub until: Option<Date>,
    pub kind: Option<QuoteKind>,
    /// Only this article's statements (a watch trying a new article).
    pub article: Option<ArticleId>,
    pub limit: usize,
    pub offset: usize,
}

/// How much more a name weighs than a common word (in coverage and in
/// statement searches), and how much a synonym counts in statement searches.
const ENTITY_BOOST: f32 = 1.5;
const SYNONYM_BOOST: f32 = 0.6;

fn term_q(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
}

fn filter(q: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0)))
}

/// Only the documents of one article.
fn article_filter(f: &Fields, id: &ArticleId) -> (Occur, Box<dyn Query>) {
    filter(Box::new(TermQuery::new(Term::from_field_text(f.article_id, id.as_str()), IndexRecordOption::Basic)))
}

fn date_filters(f: &Fields, since: Option<Date>, until: Option<Date>) -> Option<(Occur, Box<dyn Query>)> {
    if since.is_none() && until.is_none() {
        return None;
    }
    let at = |d: Date| {
        Term::from_field_date_for_search(
            f.published,
            DateTime::from_timestamp_secs(d.midnight().assume_utc().unix_timestamp()),
        )
    };
    let lower = since.map_or(Bound::Unbounded, |d| Bound::Included(at(d)));
    let upper = until.and_then(|d| d.next_day()).map_or(Bound::Unbounded, |d| Bound::Excluded(at(d)));
    Some(filter(Box::new(RangeQuery::new(lower, upper))))
}

/// The query for one analysed word. A word the index has never seen is
/// probably misspelt: it matches within one edit (two for long words);
/// an unknown word of three letters or fewer matches nothing.
fn word_query(searcher: &Searcher, field: Field, stem: &str) -> Option<Box<dyn Query>> {
    let term = Term::from_field_text(field, stem);
    let known = searcher.doc_freq(&term).unwrap_or(0) > 0;
    match (known, stem.len()) {
        (true, _) => Some(term_q(field, stem)),
        (false, 0..=3) => None,
        (false, 4..=7) => Some(Box::new(FuzzyTermQuery::new(term, 1, true))),
        (false, _) => Some(Box::new(FuzzyTermQuery::new(term, 2, true))),
    }
}

/// One clause per question word (its forms OR-ed, synonyms weaker, names
/// stronger), for ranking statements by topic.
fn word_groups(searcher: &Searcher, analyzed: &Analyzed, field: Field) -> Vec<Box<dyn Query>> {
    let mut out = Vec::new();
    for g in &analyzed.groups {
        let mut alts: Vec<Box<dyn Query>> = g.stems.iter().filter_map(|s| word_query(searcher, field, s)).collect();
        for s in &g.synonyms {
            alts.push(Box::new(BoostQuery::new(term_q(field, s), SYNONYM_BOOST)));
        }
        if alts.is_empty() {
            continue;
        }
        let q: Box<dyn Query> = Box::new(BooleanQuery::union(alts));
        out.push(if g.entity { Box::new(BoostQuery::new(q, ENTITY_BOOST)) } else { q });
    }
    out
}

/// The candidate query of a passage search: every analysed form of every
/// question word (synonyms included) as one flat disjunction over passage
/// bodies, so tantivy can skip blocks that cannot reach the top (block-max
/// WAND). Only passages have a body, so no kind filter is needed; date and
/// outlet filters, when given, are added as constant-score requirements.
/// Weighting by names, titles and coverage happens when re-ranking.
pub fn candidate_query(f: &Fields, searcher: &Searcher, q: &PassageQuery) -> Option<Box<dyn Query>> {
    let mut seen: HashSet<&str> = HashSet::new();
    let terms: Vec<Box<dyn Query>> = q
        .analyzed
        .groups
        .iter()
        .flat_map(|g| g.stems.iter().chain(&g.synonyms))
        .filter(|s| seen.insert(s.as_str()))
        .filter_map(|s| word_query(searcher, f.body, s))
        .collect();
    if terms.is_empty() {
        return None;
    }
    Some(with_filters(f, Box::new(BooleanQuery::union(terms)), q))
}

/// `query` within the date and outlet filters of `q` (constant-score
/// requirements), or `query` alone when there are none.
pub fn with_filters(f: &Fields, query: Box<dyn Query>, q: &PassageQuery) -> Box<dyn Query> {
    let mut filters: Vec<(Occur, Box<dyn Query>)> = date_filters(f, q.since, q.until).into_iter().collect();
    if let Some(o) = q.outlet.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        filters.push(filter(term_q(f.outlet_key, &crate::text::fold(o))));
    }
    if let Some(id) = &q.article {
        filters.push(article_filter(f, id));
    }
    if filters.is_empty() {
        return query;
    }
    filters.push((Occur::Must, query));
    Box::new(BooleanQuery::new(filters))
}

/// The tantivy query for a statement search.
pub fn quote_query(f: &Fields, searcher: &Searcher, q: &QuoteQuery) -> BooleanQuery {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![filter(term_q(f.kind, schema::KIND_QUOTE))];
    match q.speakers.as_slice() {
        [] => {}
        [one] => clauses.push(filter(term_q(f.speaker_key, one))),
        many => {
            clauses.push(filter(Box::new(BooleanQuery::union(many.iter().map(|k| term_q(f.speaker_key, k)).collect()))))
        }
    }
    if let Some(topic) = q.topic.as_ref().filter(|t| !t.is_empty()) {
        let words = word_groups(searcher, topic, f.quote_text);
        let occur = if q.topic_required { Occur::Must } else { Occur::Should };
        clauses.push((occur, Box::new(BooleanQuery::union(words))));
    }
    clauses.extend(date_filters(f, q.since, q.until));
    if let Some(k) = q.kind {
        clauses.push(filter(term_q(f.quote_kind, k.as_str())));
    }
    if let Some(id) = &q.article {
        clauses.push(article_filter(f, id));
    }
    BooleanQuery::new(clauses)
}

/// How much each word of a question weighs: its inverse document
/// frequency among passages (a misspelt word that the index has never seen
/// weighs like a rare word), and which of its forms are unknown (matched
/// fuzzily).
#[derive(Debug, Clone)]
pub struct Weights {
    pub idf: Vec<f32>,
    pub unknown: Vec<Vec<bool>>,
}

pub fn weights(searcher: &Searcher, field: Field, analyzed: &Analyzed) -> Weights {
    let n = searcher.num_docs().max(1) as f32;
    let idf = |df: u64| (1.0 + (n - df as f32 + 0.5) / (df as f32 + 0.5)).ln();
    let mut out = Weights { idf: Vec::new(), unknown: Vec::new() };
    for g in &analyzed.groups {
        let dfs: Vec<u64> =
            g.stems.iter().map(|s| searcher.doc_freq(&Term::from_field_text(field, s)).unwrap_or(0)).collect();
        let known: Vec<u64> = dfs.iter().copied().filter(|d| *d > 0).collect();
        let w = if known.is_empty() { idf(1) } else { known.iter().map(|d| idf(*d)).fold(0.0, f32::max) };
        out.idf.push(if g.entity { w * ENTITY_BOOST } else { w });
        out.unknown.push(dfs.iter().map(|d| *d == 0).collect());
    }
    out
}

/// Edit distance of two short words, giving up (returning `limit + 1`)
/// once it must exceed `limit`.
fn within_edits(a: &str, b: &str, limit: usize) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > limit {
        return false;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        if cur.iter().min().is_some_and(|m| *m > limit) {
            return false;
        }
        prev = cur;
    }
    prev[b.len()] <= limit
}

/// How a passage matches a question.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Match {
    /// The share of the question's weight (IDF, names counting 1.5) that
    /// the passage covers, its article's title at half weight: 0.0–1.0.
    pub coverage: f32,
    /// The summed weight of the question words found in the title.
    pub title_weight: f32,
}

/// How a passage (with its article's title) matches a question.
pub(super) fn coverage(index: &Index, passage: &str, title: &str, analyzed: &Analyzed, w: &Weights) -> Match {
    let tokens = |text: &str| {
        let mut analyzer = index.tokenizers().get(schema::ENGLISH).unwrap_or_else(schema::english);
        let mut stream = analyzer.token_stream(text);
        let mut out: Vec<(usize, String)> = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.position, t.text.clone()));
        }
        out
    };
    let (body, head) = (tokens(passage), tokens(title));
    // Positions in `toks` where group `gi` matches.
    let hits = |toks: &[(usize, String)], gi: usize| -> Vec<usize> {
        let g = &analyzed.groups[gi];
        toks.iter()
            .filter(|(_, t)| {
                g.synonyms.contains(t)
                    || g.stems.iter().enumerate().any(|(si, s)| {
                        s == t
                            || (w.unknown[gi].get(si).copied().unwrap_or(false)
                                && s.len() >= 4
                                && within_edits(s, t, if s.len() >= 8 { 2 } else { 1 }))
                    })
            })
            .map(|(p, _)| *p)
            .collect()
    };
    let total: f32 = w.idf.iter().sum();
    if total <= 0.0 {
        return Match::default();
    }
    let mut got = 0.0;
    let mut title_weight = 0.0;
    for (gi, idf) in w.idf.iter().enumerate() {
        let at = hits(&body, gi);
        let in_title = !hits(&head, gi).is_empty();
        if in_title {
            title_weight += idf;
        }
        if !at.is_empty() {
            got += idf;
        } else if in_title {
            got += idf * 0.5;
        }
    }
    Match { coverage: got / total, title_weight }
}

/// Byte ranges of `text` whose analysed form is one of the question's.
pub fn highlight(index: &Index, text: &str, analyzed: &Analyzed) -> Vec<Range<usize>> {
    let stems = analyzed.stems();
    let mut analyzer = index.tokenizers().get(schema::ENGLISH).unwrap_or_else(schema::english);
    let mut stream = analyzer.token_stream(text);
    let mut out: Vec<Range<usize>> = Vec::new();
    while let Some(t) = stream.next() {
        if stems.contains(t.text.as_str()) && text.is_char_boundary(t.offset_from) && text.is_char_boundary(t.offset_to)
        {
            out.push(t.offset_from..t.offset_to);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Index {
        let (_, schema) = Fields::build();
        let index = Index::create_in_ram(schema);
        schema::register_analyzers(&index);
        index
    }

    fn stems(a: &Analyzed) -> Vec<Vec<String>> {
        a.groups.iter().map(|g| g.stems.clone()).collect()
    }

    #[test]
    fn questions_lose_question_words_and_gain_aliases() {
        let aliases = Aliases::parse("[places]\n\"Vornhaven\" = [\"Vorn\"]\n").unwrap();
        let a = analyze(&index(), "Where will the envoys meet in Vorn?", &aliases);
        assert_eq!(stems(&a), [vec!["envoy"], vec!["meet"], vec!["vorn", "vornhaven"]]);
        assert!(a.groups[2].entity);
    }

    #[test]
    fn hostile_strings_analyse_to_words_or_nothing() {
        let aliases = Aliases::default();
        for s in ["", "???", "+-:()\"[]{}^~*", "title:foo AND (bar", &"x".repeat(100_000), "\u{0}\u{202e}", "’’’"]
        {
            let a = analyze(&index(), s, &aliases);
            assert!(a.groups.len() <= 16);
        }
        assert_eq!(
            stems(&analyze(&index(), "title:treaty AND (signed", &aliases)),
            [vec!["titl"], vec!["treati"], vec!["sign"]]
        );
    }

    #[test]
    fn edit_distance_limits() {
        assert!(within_edits("monitorng", "monitor", 2));
        assert!(!within_edits("monitorng", "monitor", 1));
        assert!(within_edits("kesa", "kessa", 1));
        assert!(!within_edits("abc", "xyz", 2));
    }

    #[test]
    fn highlights_follow_stems() {
        let idx = index();
        let a = analyze(&idx, "meetings", &Aliases::default());
        let text = "They met; the meeting will meet.";
        let got: Vec<&str> = highlight(&idx, text, &a).into_iter().map(|r| &text[r]).collect();
        assert_eq!(got, ["meeting", "meet"]);
    }
}
