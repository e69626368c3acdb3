//! Who "the chancellor" or "he" is when the rules cannot say: a learned
//! ranking of the people the article has named before.
//!
//! Used only after every rule of resolution has failed, for a speaker
//! written as a post ("The Tory leader said", "the Head of State noted")
//! or as "he"/"she". Each person the article names in full before the
//! statement is a candidate, described by features (how recently and how
//! often named, whether the post's words stand beside one of their
//! mentions, whether they spoke just before, whether the pronoun fits);
//! a logistic model scores each, and the best is taken only when its
//! probability reaches the model's threshold. The weights and threshold
//! are data, `antecedent_weights.txt`, written from the gold set's dev
//! split by `cargo bench --bench quotes_train`.
//!
//! Never proposes anyone the article does not name; knows nothing of gold
//! items, training or files; no I/O; never fails.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::doc::Doc;
use super::lexicon::Pronoun;
use super::speakers::{Class, RawSpeaker, Registry};
use crate::names::name_key;

/// A person the speaker may be, and what the model reads of them.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub name: String,
    pub features: Vec<String>,
}

/// How many candidates, most recently named first, are considered.
const MAX_CANDIDATES: usize = 8;
/// How far (in bytes) beside a mention the post's words are looked for.
const BESIDE: usize = 48;

/// The model: a weight per feature, and the probability the best
/// candidate must reach. Without a threshold nothing is chosen.
pub(crate) struct Model {
    weights: HashMap<String, f32>,
    threshold: Option<f32>,
}

impl Model {
    /// Reads `feature<TAB>weight` lines and one `threshold<TAB>p` line; `#`
    /// starts a comment; a malformed line is skipped (the trainer writes
    /// the file).
    pub fn parse(text: &str) -> Model {
        let mut weights = HashMap::new();
        let mut threshold = None;
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let Some((name, value)) = line.rsplit_once('\t') else { continue };
            let Ok(v) = value.trim().parse::<f32>() else { continue };
            if name == "threshold" {
                threshold = Some(v);
            } else {
                weights.insert(name.to_owned(), v);
            }
        }
        Model { weights, threshold }
    }

    /// The probability the model gives a candidate.
    pub fn probability(&self, features: &[String]) -> f32 {
        let z: f32 = features.iter().filter_map(|f| self.weights.get(f.as_str())).sum();
        1.0 / (1.0 + (-z).exp())
    }
}

static MODEL: LazyLock<Model> = LazyLock::new(|| Model::parse(include_str!("antecedent_weights.txt")));

/// The person the model is sure enough of, with its probability.
pub(crate) fn choose(
    d: &Doc,
    reg: &Registry,
    sp: &RawSpeaker,
    at: usize,
    spoke_before: &[(usize, String)],
) -> Option<(String, f32)> {
    let model = &*MODEL;
    let threshold = model.threshold?;
    candidates(d, reg, sp, at, spoke_before)
        .into_iter()
        .map(|c| {
            let p = model.probability(&c.features);
            (c.name, p)
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .filter(|(_, p)| *p >= threshold)
}

/// Whether the ranking has anything to say about this speaker: a post or
/// "he"/"she", and a trained model.
pub(crate) fn applies(sp: &RawSpeaker) -> bool {
    MODEL.threshold.is_some() && kind_of(sp).is_some()
}

/// The speaker's kind as the model sees it, or `None` when the model has
/// nothing to say about it (names, institutions, documents, "they").
fn kind_of(sp: &RawSpeaker) -> Option<&'static str> {
    match &sp.class {
        Class::Role(..) => Some("role"),
        Class::Pronoun(Pronoun::He) => Some("he"),
        Class::Pronoun(Pronoun::She) => Some("she"),
        _ => None,
    }
}

/// Every person the article names in full before `at` (the most recently
/// named first, at most [`MAX_CANDIDATES`]), with features.
/// `spoke_before` lists the people earlier statements were credited to,
/// with where each statement starts.
pub(crate) fn candidates(
    d: &Doc,
    reg: &Registry,
    sp: &RawSpeaker,
    at: usize,
    spoke_before: &[(usize, String)],
) -> Vec<Candidate> {
    let Some(kind) = kind_of(sp) else { return Vec::new() };
    let body = d.body;
    let mentions = reg.mentions_before(at);
    // Per person (by name key): full name, mentions' positions.
    let mut people: Vec<(String, String, Vec<usize>)> = Vec::new();
    for (p, n) in mentions {
        let key = name_key(n);
        if key.is_empty() {
            continue;
        }
        match people.iter_mut().find(|(k, _, _)| *k == key) {
            Some(e) => e.2.push(*p),
            None => people.push((key, n.clone(), vec![*p])),
        }
    }
    people.sort_by_key(|(_, _, ps)| std::cmp::Reverse(ps.last().copied().unwrap_or(0)));
    let first_order: Vec<String> = {
        let mut v: Vec<(usize, String)> = people.iter().map(|(k, _, ps)| (ps[0], k.clone())).collect();
        v.sort();
        v.into_iter().map(|(_, k)| k).collect()
    };
    let sentence_of = |p: usize| d.sents.partition_point(|(s, _)| s.end <= p);
    let here = sentence_of(at);
    let para_here = d.sents.get(here).map_or(0, |s| s.1);
    let last_speaker = spoke_before.iter().rev().find(|(p, _)| *p < at).map(|(_, n)| name_key(n));
    let mut spoke: HashMap<String, usize> = HashMap::new();
    for (p, n) in spoke_before.iter().filter(|(p, _)| *p < at) {
        let _ = p;
        *spoke.entry(name_key(n)).or_default() += 1;
    }
    let top_speaker = spoke.iter().max_by_key(|(k, c)| (**c, std::cmp::Reverse((*k).clone()))).map(|(k, _)| k.clone());
    let post_words: Vec<String> = match &sp.class {
        Class::Role(head, quals) => std::iter::once(head.clone()).chain(quals.iter().cloned()).collect(),
        _ => Vec::new(),
    };
    let head = post_words.first().cloned().unwrap_or_default();
    let pronoun = match &sp.class {
        Class::Pronoun(p) => Some(*p),
        _ => None,
    };
    let subjects: Vec<String> = reg.subjects().iter().filter(|(p, _)| *p < at).map(|(_, n)| name_key(n)).collect();
    let many = bucket(people.len(), &[1, 2]);
    let mut out = Vec::new();
    for (rank, (key, full, positions)) in people.iter().take(MAX_CANDIDATES).enumerate() {
        let last = positions.last().copied().unwrap_or(0);
        let gap = here.saturating_sub(sentence_of(last));
        let mut f = vec![
            format!("{kind}:bias"),
            format!("{kind}:rank={}", rank.min(3)),
            format!("{kind}:gap={}", bucket(gap, &[0, 1, 3, 7])),
            format!("{kind}:count={}", bucket(positions.len(), &[1, 2, 5])),
            format!("{kind}:first={}", first_order.iter().position(|k| k == key).map_or(3, |i| i.min(3))),
            format!("{kind}:samepara={}", d.sents.get(sentence_of(last)).is_some_and(|s| s.1 == para_here)),
            format!("{kind}:lastspoke={}", last_speaker.as_deref() == Some(key.as_str())),
            format!("{kind}:spoke={}", bucket(spoke.get(key).copied().unwrap_or(0), &[0, 1, 3])),
            format!("{kind}:topspeaker={}", top_speaker.as_deref() == Some(key.as_str())),
            format!("{kind}:full={}", full.contains(' ')),
            format!("{kind}:many={many}"),
            format!("{kind}:subject={}", subjects.iter().any(|k| k == key)),
            format!("{kind}:many={many}:rank={}", rank.min(2)),
        ];
        if let Some(p) = pronoun {
            f.push(format!("{kind}:fits={}", reg.pronoun_fits(full, p)));
        }
        if !post_words.is_empty() {
            let beside = positions.iter().any(|&p| beside_post(body, p, full.len(), &head));
            let registered = reg.holds_post(full, &head);
            f.push(format!("role:beside={beside}"));
            f.push(format!("role:registered={registered}"));
            f.push(format!("role:head={head}:beside={}", beside || registered));
            let quals_beside =
                post_words[1..].iter().any(|q| positions.iter().any(|&p| beside_post(body, p, full.len(), q)));
            f.push(format!("role:quals={quals_beside}"));
        }
        out.push(Candidate { name: full.clone(), features: f });
    }
    out
}

/// Whether `word` stands within [`BESIDE`] bytes of the mention at `p`
/// ("Chancellor Gordon Brown", "Mr Brown, the chancellor,"), as a word.
fn beside_post(body: &str, p: usize, len: usize, word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    let mut start = p.saturating_sub(BESIDE);
    while start > 0 && !body.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (p + len + BESIDE).min(body.len());
    while end < body.len() && !body.is_char_boundary(end) {
        end += 1;
    }
    let Some(window) = body.get(start..end) else { return false };
    window
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .any(|w| w.eq_ignore_ascii_case(word) || super::tokens::stem(&w.to_lowercase()) == word)
}

/// The bucket a count falls in: the index of the first bound it does not
/// exceed, or the number of bounds.
fn bucket(n: usize, bounds: &[usize]) -> usize {
    bounds.iter().position(|&b| n <= b).unwrap_or(bounds.len())
}
