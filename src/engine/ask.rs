//! `ask`: from a question to the passages that answer it, with sources.
//!
//! Candidates come from two lists — BM25 over passage words (with how much
//! of the question each covers) and the passages whose vectors are closest
//! to the question's. Each is scored by its closeness in meaning to the
//! question, that of its best sentence, its coverage of the question's
//! words, and what is known of its article (its title's closeness, its
//! date against a month or day the question names). At most two passages
//! of one article are shown. When the best candidate is neither close in
//! meaning nor covers the question's words, the answer is "not covered"
//! rather than noise. In each hit the sentence closest to the question (by
//! the sentence vectors stored at ingest) is marked.
//!
//! Without a model (or for passages whose vectors are not computed yet)
//! the lexical signals decide alone.

use std::collections::HashMap;

use serde::Serialize;

use super::semantic::{sentence_keys, title_key, Semantic};
use super::*;
use crate::index::Candidate;

/// Passages taken from each list.
const LEXICAL_CANDIDATES: usize = 100;
const VECTOR_CANDIDATES: usize = 50;
/// At most this many passages of one article in an answer.
const PER_ARTICLE: usize = 2;

/// Weights of the score, tuned on the dev questions only
/// (`tests/eval/questions/dev.jsonl`, see docs/QUALITY.md).
#[derive(Debug, Clone, Copy)]
pub struct Weights {
    pub cosine: f32,
    /// The best sentence's cosine.
    pub sentence: f32,
    pub coverage: f32,
    pub bm25: f32,
    pub title: f32,
    pub date: f32,
    /// The question is answered only when some candidate's mean of
    /// closeness in meaning (the higher of its own cosine and its best
    /// sentence's) and coverage reaches `floor` (close in meaning *and*
    /// sharing words), or its cosine alone reaches `floor_cosine` (a
    /// paraphrase with no word in common); without vectors, when its
    /// coverage reaches `floor_lexical`.
    pub floor: f32,
    pub floor_cosine: f32,
    pub floor_lexical: f32,
    /// Each hit shown must itself reach this mean of closeness and coverage
    /// (or `floor_cosine`, or without a vector `floor_lexical`): a near
    /// neighbour that shares nothing with the question is noise.
    pub hit_floor: f32,
}

pub const WEIGHTS: Weights = Weights {
    cosine: 1.0,
    sentence: 0.5,
    coverage: 0.5,
    bm25: 0.0,
    title: 0.2,
    date: 0.2,
    floor: 0.49,
    floor_cosine: 0.62,
    floor_lexical: MIN_COVERAGE,
    hit_floor: 0.40,
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
    /// The highest cosine of one of its sentences (None: no vectors).
    pub sentence_cosine: Option<f32>,
    pub title_cosine: Option<f32>,
    pub coverage: f32,
    /// BM25 over the best BM25 among the candidates (0–1).
    pub bm25: f32,
    pub lexical_rank: Option<usize>,
    pub vector_rank: Option<usize>,
    /// The article's date matches a month or day the question names.
    pub date_match: bool,
    /// Its sentences, each with its cosine when it has a vector.
    #[serde(skip)]
    pub sentences: Vec<(std::ops::Range<usize>, Option<f32>)>,
}

impl Engine {
    /// The passages that best answer a question, with their sources.
    pub fn ask(&self, q: &AskQuery) -> Result<Answer, Error> {
        let ranked = self.rank(q, None)?;
        self.answer_from(ranked, q)
    }

    /// The passages of one article that answer a question, judged exactly
    /// as [`Engine::ask`] judges the whole corpus (same signals, same
    /// not-covered floor, same per-hit floor): what a watch on a question
    /// posts when that article arrives. Empty when it is not covered.
    /// One answer per article, in the order given; the question is
    /// analysed and embedded once.
    pub fn ask_in(&self, q: &AskQuery, articles: &[ArticleId]) -> Result<Vec<Answer>, Error> {
        let asked = self.question(q)?;
        articles.iter().map(|id| self.answer_from(self.rank_asked(&asked, q, Some(id))?, q)).collect()
    }

    fn answer_from(&self, ranked: Ranked, q: &AskQuery) -> Result<Answer, Error> {
        let Ranked { question, scored, qvec, analyzed } = ranked;
        let w = &WEIGHTS;
        let passes = |s: &Scored, floor: f32| match s.cosine {
            Some(c) if qvec.is_some() => {
                let meaning = s.sentence_cosine.map_or(c, |sc| sc.max(c));
                (meaning + s.coverage) / 2.0 >= floor || c >= w.floor_cosine
            }
            _ => s.coverage >= w.floor_lexical,
        };
        let relevant = scored.iter().any(|s| passes(s, w.floor));
        if !relevant {
            return Ok(Answer { query: question, hits: Vec::new(), more: false });
        }
        let mut per_article: HashMap<ArticleId, usize> = HashMap::new();
        let limit = q.limit.clamp(1, AskQuery::MAX_LIMIT);
        let offset = q.offset.min(1_000);
        let mut kept: Vec<Scored> = Vec::new();
        for s in scored.into_iter().filter(|s| passes(s, w.hit_floor)) {
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
        let page: Vec<Scored> = kept.into_iter().skip(offset).take(limit).collect();
        let mut hits = Vec::with_capacity(page.len());
        for s in page {
            let c = s.candidate;
            let highlights = self.index.highlight(&c.passage, &analyzed);
            let answer = answer_sentence(&s.sentences, &highlights);
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
        Ok(self.rank(q, None)?.scored)
    }

    /// Ranks the candidates for a question: from the whole corpus, or
    /// (`article`) every passage of one article.
    fn rank(&self, q: &AskQuery, article: Option<&ArticleId>) -> Result<Ranked, Error> {
        let asked = self.question(q)?;
        self.rank_asked(&asked, q, article)
    }

    /// The question as read, analysed and embedded.
    fn question(&self, q: &AskQuery) -> Result<Asked, Error> {
        let question: String = q.question.chars().take(crate::answer::MAX_QUESTION_CHARS).collect();
        if !question.chars().any(char::is_alphanumeric) {
            return Err(Error::EmptyQuestion);
        }
        let analyzed = self.index.analyze(&question, &self.aliases());
        let qvec = match self.semantic() {
            Some(s) => Some(s.model.embed(&[question.as_str()])?.remove(0)),
            None => None,
        };
        Ok(Asked { question, analyzed, qvec })
    }

    fn rank_asked(&self, asked: &Asked, q: &AskQuery, article: Option<&ArticleId>) -> Result<Ranked, Error> {
        let Asked { question, analyzed, qvec } = asked.clone();
        let pq = PassageQuery {
            analyzed,
            since: q.since,
            until: q.until,
            outlet: q.outlet.clone(),
            article: article.cloned(),
        };
        let mut candidates = if article.is_some() {
            self.index.article_candidates(&pq)?
        } else if pq.analyzed.is_empty() {
            Vec::new()
        } else {
            self.index.lexical_candidates(&pq, LEXICAL_CANDIDATES)?
        };
        let semantic = self.semantic();
        let mut vector_rank: HashMap<u64, usize> = HashMap::new();
        if let (Some(s), Some(v), None) = (semantic, qvec.as_deref(), article) {
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
        let sem = semantic.zip(qvec.as_deref());
        let top_bm25 = candidates.iter().map(|c| c.bm25).fold(0.0f32, f32::max).max(1e-6);
        let mut scored: Vec<Scored> =
            candidates.into_iter().map(|c| signals(c, sem, &dates, top_bm25, &vector_rank)).collect();
        scored.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.article_id.as_str().cmp(b.article_id.as_str()))
                .then(a.ord.cmp(&b.ord))
        });
        Ok(Ranked { question, scored, qvec, analyzed: pq.analyzed })
    }
}

/// A question as read, analysed and (with the model) embedded.
#[derive(Clone)]
struct Asked {
    question: String,
    analyzed: crate::index::Analyzed,
    qvec: Option<Vec<f32>>,
}

/// A question's candidates, ranked, with what `ask` reuses to build hits.
struct Ranked {
    /// The question as read (cut to `MAX_QUESTION_CHARS`).
    question: String,
    scored: Vec<Scored>,
    /// The question's vector, when the model is there.
    qvec: Option<Vec<f32>>,
    /// The question's words, for highlighting.
    analyzed: crate::index::Analyzed,
}

/// A candidate's signals and its score.
fn signals(
    c: Candidate,
    sem: Option<(&Arc<Semantic>, &[f32])>,
    dates: &[crate::dates::NamedDate],
    top_bm25: f32,
    vector_rank: &HashMap<u64, usize>,
) -> Scored {
    let w = &WEIGHTS;
    let (cosine, title_cosine) = match sem {
        Some((s, v)) => (s.store.similarity(c.key, v), s.store.similarity(title_key(&c.source.title), v)),
        None => (None, None),
    };
    let sentences: Vec<(std::ops::Range<usize>, Option<f32>)> = sentence_keys(&c.passage)
        .into_iter()
        .map(|(r, k)| {
            let cos = sem.zip(k).and_then(|((s, v), k)| s.sentences.similarity(k, v));
            (r, cos)
        })
        .collect();
    let sentence_cosine = sentences.iter().filter_map(|(_, c)| *c).reduce(f32::max);
    let date_match = c.source.published.is_some_and(|p| dates.iter().any(|d| d.matches(p.date())));
    let bm25 = c.bm25 / top_bm25;
    let score = w.cosine * cosine.unwrap_or(0.0)
        + w.sentence * sentence_cosine.or(cosine).unwrap_or(0.0)
        + w.coverage * c.coverage
        + w.bm25 * bm25
        + w.title * title_cosine.unwrap_or(0.0)
        + if date_match { w.date } else { 0.0 };
    Scored {
        article_id: c.source.article_id.clone(),
        ord: c.ord,
        score,
        cosine,
        sentence_cosine,
        title_cosine,
        coverage: c.coverage,
        bm25,
        lexical_rank: c.lexical_rank,
        vector_rank: vector_rank.get(&c.key).copied(),
        date_match,
        sentences,
        candidate: c,
    }
}

/// Of a passage's sentences, the one that best answers the question:
/// the closest in meaning among those with vectors (matched words break
/// near-ties), else the one with the most matched words. A lone sentence
/// is the answer when it is close in meaning or anything in it matched.
fn answer_sentence(
    sentences: &[(std::ops::Range<usize>, Option<f32>)],
    highlights: &[std::ops::Range<usize>],
) -> Option<std::ops::Range<usize>> {
    let matched =
        |r: &std::ops::Range<usize>| highlights.iter().filter(|h| h.start >= r.start && h.end <= r.end).count() as f32;
    let by_meaning = sentences.iter().any(|(_, c)| c.is_some());
    if sentences.len() <= 1 {
        return sentences.first().filter(|(r, c)| matched(r) > 0.0 || c.is_some()).map(|(r, _)| r.clone());
    }
    let most = sentences.iter().map(|(r, _)| matched(r)).fold(0.0f32, f32::max).max(1.0);
    let score = |(r, c): &(std::ops::Range<usize>, Option<f32>)| match by_meaning {
        true => c.map_or(f32::MIN, |c| c + 0.1 * matched(r) / most),
        false => matched(r),
    };
    let best = sentences
        .iter()
        .enumerate()
        .max_by(|(i, a), (j, b)| score(a).total_cmp(&score(b)).then(j.cmp(i)))
        .map(|(_, s)| s)?;
    (by_meaning || matched(&best.0) > 0.0).then(|| best.0.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_sentence_is_the_closest_or_the_best_matched() {
        let text = "Talks opened. The envoys met in Vorn on Monday. Rain fell on the long quay.";
        let ss = crate::text::sentences(text);
        assert_eq!(ss.len(), 3);
        let vorn = text.find("Vorn").unwrap();
        let without: Vec<_> = ss.iter().map(|r| (r.clone(), None)).collect();
        // By words: the sentence holding the match.
        let got = answer_sentence(&without, std::slice::from_ref(&(vorn..vorn + 4))).map(|r| &text[r]);
        assert_eq!(got, Some("The envoys met in Vorn on Monday."));
        // By meaning: the sentence closest to the question, even against a match elsewhere.
        let rain = text.find("Rain").unwrap();
        let with = vec![(ss[0].clone(), None), (ss[1].clone(), Some(0.7)), (ss[2].clone(), Some(0.3))];
        let got = answer_sentence(&with, std::slice::from_ref(&(rain..rain + 4))).map(|r| &text[r]);
        assert_eq!(got, Some("The envoys met in Vorn on Monday."));
        // Nothing matched and no vectors: no sentence is claimed.
        assert_eq!(answer_sentence(&without, &[]), None);
        // A lone sentence close in meaning is its own answer; unmatched without a vector it is not.
        let one = "Insurers refused to cover the voyages.";
        assert!(answer_sentence(&[(0..one.len(), Some(0.5))], &[]).is_some());
        assert!(answer_sentence(&[(0..one.len(), None)], &[]).is_none());
    }
}
