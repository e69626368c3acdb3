//! `ask`: from a question to the passages that answer it, with sources.
//!
//! Candidates come from two lists — BM25 over passage words (with how much
//! of the question each covers) and the passages whose vectors are closest
//! to the question's — and are scored together with what is known of
//! their article (its title's closeness to the question, its date against
//! a month or day the question names). At most two passages of one article
//! are shown. When the best candidate is neither close in meaning nor
//! covers the question's words, the answer is "not covered" rather than
//! noise. In each hit the sentence closest to the question is marked.
//!
//! Without a model (or for passages whose vectors are not computed yet)
//! the lexical signals decide alone.

use std::collections::HashMap;

use serde::Serialize;

use super::semantic::title_key;
use super::*;
use crate::embed;
use crate::index::Candidate;

/// Passages taken from each list.
const LEXICAL_CANDIDATES: usize = 200;
const VECTOR_CANDIDATES: usize = 100;
/// At most this many passages of one article in an answer.
const PER_ARTICLE: usize = 2;
/// Hits whose answer sentence is chosen by meaning (the rest lexically).
const SENTENCE_HITS: usize = 5;

/// Weights of the score, tuned on the dev questions only
/// (`tests/eval/questions/dev.jsonl`, see docs/QUALITY.md).
#[derive(Debug, Clone, Copy)]
pub struct Weights {
    pub cosine: f32,
    pub coverage: f32,
    pub bm25: f32,
    pub title: f32,
    pub date: f32,
    /// A candidate is shown only when `cosine + floor_coverage × coverage`
    /// of the best one reaches `floor` (lexical only: coverage ≥ `floor_lexical`).
    pub floor: f32,
    pub floor_coverage: f32,
    pub floor_lexical: f32,
}

pub const WEIGHTS: Weights = Weights {
    cosine: 1.0,
    coverage: 0.5,
    bm25: 0.2,
    title: 0.2,
    date: 0.1,
    floor: 0.45,
    floor_coverage: 0.3,
    floor_lexical: MIN_COVERAGE,
};

/// One candidate with every signal, for ranking and for `--explain`.
#[derive(Debug, Clone, Serialize)]
pub struct Scored {
    #[serde(skip)]
    pub candidate: Candidate,
    pub article_id: ArticleId,
    pub ord: u32,
    pub score: f32,
    /// Cosine of the passage's vector with the question's (None: no vector).
    pub cosine: Option<f32>,
    pub title_cosine: Option<f32>,
    pub coverage: f32,
    /// BM25 over the best BM25 among the candidates (0–1).
    pub bm25: f32,
    pub lexical_rank: Option<usize>,
    pub vector_rank: Option<usize>,
    /// The article's date matches a month or day the question names.
    pub date_match: bool,
}

impl Engine {
    /// The passages that best answer a question, with their sources.
    pub fn ask(&self, q: &AskQuery) -> Result<Answer, Error> {
        let (question, scored, qvec) = self.rank(q)?;
        let w = &WEIGHTS;
        let relevant = scored.first().is_some_and(|best| match best.cosine {
            Some(c) if qvec.is_some() => c + w.floor_coverage * best.coverage >= w.floor,
            _ => best.coverage >= w.floor_lexical,
        });
        if !relevant {
            return Ok(Answer { query: question, hits: Vec::new(), more: false });
        }
        let mut per_article: HashMap<ArticleId, usize> = HashMap::new();
        let limit = q.limit.clamp(1, AskQuery::MAX_LIMIT);
        let offset = q.offset.min(1_000);
        let mut kept: Vec<Scored> = Vec::new();
        for s in scored {
            let n = per_article.entry(s.article_id.clone()).or_default();
            if *n >= PER_ARTICLE {
                continue;
            }
            *n += 1;
            kept.push(s);
            if kept.len() > offset + limit {
                break;
            }
        }
        let more = kept.len() > offset + limit;
        let analyzed = self.index.analyze(&question, &self.aliases());
        let page: Vec<Scored> = kept.into_iter().skip(offset).take(limit).collect();
        let mut hits = Vec::with_capacity(page.len());
        for (i, s) in page.into_iter().enumerate() {
            let c = s.candidate;
            let highlights = self.index.highlight(&c.passage, &analyzed);
            let vector = qvec.as_deref().filter(|_| i < SENTENCE_HITS);
            let answer = self.answer_sentence(&c.passage, &highlights, vector);
            hits.push(crate::answer::Hit {
                source: c.source,
                ord: c.ord,
                passage: c.passage,
                highlights,
                answer,
                score: s.score,
            });
        }
        Ok(Answer { query: question, hits, more })
    }

    /// Every candidate for a question with its signals, best first (what
    /// `ask` ranks before it keeps two per article and cuts a page).
    pub fn explain(&self, q: &AskQuery) -> Result<Vec<Scored>, Error> {
        Ok(self.rank(q)?.1)
    }

    #[allow(clippy::type_complexity)]
    fn rank(&self, q: &AskQuery) -> Result<(String, Vec<Scored>, Option<Vec<f32>>), Error> {
        let question: String = q.question.chars().take(crate::answer::MAX_QUESTION_CHARS).collect();
        if !question.chars().any(char::is_alphanumeric) {
            return Err(Error::EmptyQuestion);
        }
        let analyzed = self.index.analyze(&question, &self.aliases());
        let pq = PassageQuery { analyzed, since: q.since, until: q.until, outlet: q.outlet.clone() };
        let mut candidates =
            if pq.analyzed.is_empty() { Vec::new() } else { self.index.lexical_candidates(&pq, LEXICAL_CANDIDATES)? };
        let semantic = self.semantic();
        let qvec = match semantic {
            Some(s) => Some(s.model.embed(&[question.as_str()])?.remove(0)),
            None => None,
        };
        let mut vector_rank: HashMap<u64, usize> = HashMap::new();
        if let (Some(s), Some(v)) = (semantic, qvec.as_deref()) {
            let near = s.store.nearest(v, VECTOR_CANDIDATES);
            for (rank, (key, _)) in near.iter().enumerate() {
                vector_rank.entry(*key).or_insert(rank);
            }
            let have: std::collections::HashSet<(ArticleId, u32)> =
                candidates.iter().map(|c| (c.source.article_id.clone(), c.ord)).collect();
            let keys: Vec<u64> = near.iter().map(|(k, _)| *k).collect();
            for c in self.index.candidates_by_keys(&keys, &pq)? {
                if !have.contains(&(c.source.article_id.clone(), c.ord)) {
                    candidates.push(c);
                }
            }
        }
        let dates = crate::dates::named(&question);
        let top_bm25 = candidates.iter().map(|c| c.bm25).fold(0.0f32, f32::max).max(1e-6);
        let w = &WEIGHTS;
        let mut scored: Vec<Scored> = candidates
            .into_iter()
            .map(|c| {
                let (cosine, title_cosine) = match (semantic, qvec.as_deref()) {
                    (Some(s), Some(v)) => {
                        (s.store.similarity(c.key, v), s.store.similarity(title_key(&c.source.title), v))
                    }
                    _ => (None, None),
                };
                let date_match = c.source.published.is_some_and(|p| dates.iter().any(|d| d.matches(p.date())));
                let bm25 = c.bm25 / top_bm25;
                let score = w.cosine * cosine.unwrap_or(0.0)
                    + w.coverage * c.coverage
                    + w.bm25 * bm25
                    + w.title * title_cosine.unwrap_or(0.0)
                    + if date_match { w.date } else { 0.0 };
                Scored {
                    article_id: c.source.article_id.clone(),
                    ord: c.ord,
                    score,
                    cosine,
                    title_cosine,
                    coverage: c.coverage,
                    bm25,
                    lexical_rank: c.lexical_rank,
                    vector_rank: vector_rank.get(&c.key).copied(),
                    date_match,
                    candidate: c,
                }
            })
            .collect();
        scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.ord.cmp(&b.ord)));
        Ok((question, scored, qvec))
    }

    /// The byte range of the passage's sentence that best answers the
    /// question: closest in meaning when the question's vector is given,
    /// else the one with the most matched words.
    fn answer_sentence(
        &self,
        passage: &str,
        highlights: &[std::ops::Range<usize>],
        question: Option<&[f32]>,
    ) -> Option<std::ops::Range<usize>> {
        let sentences = crate::text::sentences(passage);
        if sentences.len() <= 1 {
            return sentences.into_iter().next().filter(|_| !highlights.is_empty() || question.is_some());
        }
        let matched = |r: &std::ops::Range<usize>| {
            highlights.iter().filter(|h| h.start >= r.start && h.end <= r.end).count() as f32
        };
        let vectors = match (self.semantic(), question) {
            (Some(s), Some(_)) => {
                let texts: Vec<&str> = sentences.iter().map(|r| &passage[r.clone()]).collect();
                s.model.embed(&texts).ok()
            }
            _ => None,
        };
        let most = sentences.iter().map(matched).fold(0.0f32, f32::max).max(1.0);
        let score = |i: usize, r: &std::ops::Range<usize>| match (&vectors, question) {
            (Some(v), Some(q)) => embed::cosine(&v[i], q) + 0.1 * matched(r) / most,
            _ => matched(r),
        };
        let best = sentences
            .iter()
            .enumerate()
            .max_by(|(i, a), (j, b)| score(*i, a).total_cmp(&score(*j, b)).then(j.cmp(i)))
            .map(|(_, r)| r.clone())?;
        (vectors.is_some() || matched(&best) > 0.0).then_some(best)
    }
}
