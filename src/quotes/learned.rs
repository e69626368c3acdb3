//! The learned pass: sentences the rules left, judged by a linear model.
//!
//! Every sentence of running text that no rule's statement (or its
//! attribution) touches is proposed twice over:
//! - as a **continuation** of the statement just before it, by the same
//!   speaker ("The President noted that … . Moreover, the sides agreed …");
//! - as the clause of a **speech verb after the sentence's subject**
//!   ("The spokeswoman accused the other side of delaying").
//!
//! Each proposal is described by features (its words, its shape, the
//! statement it follows) and a linear model scores it; those at or above
//! the model's threshold become statements. The weights and the threshold
//! are data, `learned_weights.txt`, written by the trainer
//! (`cargo bench --bench quotes_train`) from the gold set's dev split only.
//!
//! Knows nothing of gold items, training or files; no I/O; never fails. It
//! only adds statements where no rule found one, so a rule's statement is
//! never changed by it.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use super::doc::{self, Doc};
use super::lexicon;
use super::speakers::Class;
use super::{sentence_subject, Found, QuoteKind, Who};

/// What kind of proposal a candidate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Continuation,
    Subject,
}

/// A proposed statement and what the model reads of it.
#[derive(Debug, Clone)]
pub(crate) struct Proposal {
    pub found: Found,
    pub shape: Shape,
    pub features: Vec<String>,
}

/// How far back (in paragraphs of running text) a continuation may reach.
const MAX_PARAS_BACK: usize = 2;
/// How many uncovered sentences may sit between a statement and its continuation.
const MAX_GAP: usize = 3;
/// The confidence a kept proposal carries (at or above `MIN_CONFIDENCE`,
/// below every rule's).
const CONFIDENCE: f32 = 0.55;

/// The model: a weight per feature and the score a proposal must reach.
/// Without a threshold (an empty weights file) nothing is kept.
pub(crate) struct Model {
    weights: HashMap<String, f32>,
    threshold: Option<f32>,
}

impl Model {
    /// Reads `feature<TAB>weight` lines and one `threshold<TAB>t` line;
    /// `#` starts a comment. A malformed line is skipped: the file is
    /// written by the trainer, not by hand.
    pub fn parse(text: &str) -> Model {
        let mut weights = HashMap::new();
        let mut threshold = None;
        for line in text.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
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

    pub fn score(&self, features: &[String]) -> f32 {
        features.iter().filter_map(|f| self.weights.get(f.as_str())).sum()
    }

    /// Whether a proposal with these features is kept.
    pub fn keeps(&self, features: &[String]) -> bool {
        self.threshold.is_some_and(|t| self.score(features) >= t)
    }
}

static MODEL: LazyLock<Model> = LazyLock::new(|| Model::parse(include_str!("learned_weights.txt")));

/// The proposals the model keeps: at most one per sentence, the
/// higher-scoring.
pub(crate) fn find(d: &Doc, found: &[Found]) -> Vec<Found> {
    let model = &*MODEL;
    if model.threshold.is_none() {
        return Vec::new();
    }
    let mut best: Vec<(usize, f32, Found)> = Vec::new();
    for p in propose(d, found) {
        if !model.keeps(&p.features) {
            continue;
        }
        let s = model.score(&p.features);
        let at = p.found.ctx.start;
        match best.iter_mut().find(|(a, _, _)| *a == at) {
            Some(b) if b.1 < s => *b = (at, s, p.found),
            Some(_) => {}
            None => best.push((at, s, p.found)),
        }
    }
    best.into_iter().map(|(_, _, f)| f).collect()
}

/// Every proposal, kept or not (the trainer labels them).
pub(crate) fn propose(d: &Doc, found: &[Found]) -> Vec<Proposal> {
    let body = d.body;
    let mut covered: Vec<Range<usize>> =
        found.iter().flat_map(|f| f.pieces.iter().cloned().chain(std::iter::once(f.ctx.clone()))).collect();
    covered.sort_by_key(|r| r.start);
    // The statements in order of where they end: the one just before a sentence.
    let mut by_end: Vec<usize> = (0..found.len()).collect();
    by_end.sort_by_key(|&i| found[i].ctx.end);
    let text_paras = (0..d.paras.len()).filter(|&p| d.para_is_text(p)).count().max(1);
    let density = found.iter().map(|f| f.para).collect::<std::collections::HashSet<_>>().len() * 10 / text_paras;
    let doc_feature = format!("density={}", density.min(10) / 2);
    let mut out = Vec::new();
    let mut gap = 0usize;
    let mut last_prev: Option<usize> = None;
    for (si, (sr, para)) in d.sents.iter().enumerate() {
        let sr = doc::trim(body, sr.clone(), " \t\n\r");
        if sr.is_empty() || !d.para_is_text(*para) {
            continue;
        }
        let ci = covered.partition_point(|r| r.end <= sr.start);
        if covered[ci..].iter().take_while(|r| r.start < sr.end).any(|r| r.end > sr.start) {
            gap = 0;
            continue;
        }
        // Inside a quoted stretch: the direct pass's business.
        if d.quoted_at(sr.start).is_some() || d.quoted_at(sr.end.saturating_sub(1)).is_some() {
            continue;
        }
        let (toks, lw) = &d.sent_words[si];
        if toks.iter().filter(|t| t.word).count() < 4 {
            continue;
        }
        let mut common = sentence_features(body, toks, lw, &sr, d, si);
        let subject = sentence_subject(body, toks);
        match &subject {
            Some(sp) => {
                common.push(format!("subj={}", class_name(&sp.class)));
                if let Class::Role(head, _) = &sp.class {
                    common.push(format!("role={head}"));
                }
                let se = toks.iter().position(|t| t.start >= sp.written.end).unwrap_or(toks.len());
                let verb = (se..toks.len().min(se + 6)).any(|v| toks[v].word && speech_like(&lw[v]));
                common.push(format!("subjverb={verb}"));
            }
            None => common.push("subj=none".to_owned()),
        }
        // Continuation of the statement just before.
        let k = by_end.partition_point(|&i| found[i].ctx.end <= sr.start);
        if k > 0 {
            let j = by_end[k - 1];
            if last_prev != Some(j) {
                gap = 0;
                last_prev = Some(j);
            }
            let prev = &found[j];
            let back = d.text_rank(*para).saturating_sub(d.text_rank(prev.para));
            if back <= MAX_PARAS_BACK && gap <= MAX_GAP {
                let mut f = vec![
                    "c:bias".to_owned(),
                    format!("c:back={back}"),
                    format!("c:gap={gap}"),
                    format!("c:prevkind={}", prev.kind.as_str()),
                    format!("c:prevcue={}", prev.cue.split_whitespace().next().unwrap_or("").to_lowercase()),
                    format!("c:prevwho={}", who_class(found, j)),
                    format!("c:samesubj={}", same_person(body, found, j, subject.as_ref())),
                    format!("c:{doc_feature}"),
                ];
                f.extend(common.iter().map(|c| format!("c:{c}")));
                out.push(Proposal {
                    found: Found {
                        who: Who::Same(j),
                        kind: QuoteKind::Indirect,
                        cue: prev.cue.clone(),
                        pieces: vec![doc::trim(body, sr.clone(), " \t\n\r\"“”")],
                        ctx: sr.clone(),
                        conf: CONFIDENCE,
                        para: *para,
                    },
                    shape: Shape::Continuation,
                    features: f,
                });
            }
        }
        gap += 1;
        // A speech verb after the sentence's subject.
        if let Some(sp) = subject {
            let se = toks.iter().position(|t| t.start >= sp.written.end).unwrap_or(toks.len());
            if let Some(v) = (se..toks.len().min(se + 6)).find(|&v| toks[v].word && speech_like(&lw[v])) {
                let from = if lw.get(v + 1).is_some_and(|w| w == "that") { v + 2 } else { v + 1 };
                if toks.len().saturating_sub(from) >= 4 {
                    let piece = doc::trim(body, toks[from].start..sr.end, " \t\n\r,.;:\"“”");
                    let mut f = vec![
                        "s:bias".to_owned(),
                        format!("s:verb={}", lw[v]),
                        format!("s:that={}", from == v + 2),
                        format!("s:who={}", class_name(&sp.class)),
                        format!("s:vdist={}", v - se),
                        format!("s:at0={}", toks.first().is_some_and(|t| t.start >= sp.written.start)),
                        format!("s:{doc_feature}"),
                    ];
                    f.extend(common.iter().map(|c| format!("s:{c}")));
                    if !piece.is_empty() {
                        out.push(Proposal {
                            found: Found {
                                who: Who::Raw(sp),
                                kind: QuoteKind::Indirect,
                                cue: toks[v].text(body).to_owned(),
                                pieces: vec![piece],
                                ctx: sr.clone(),
                                conf: CONFIDENCE,
                                para: *para,
                            },
                            shape: Shape::Subject,
                            features: f,
                        });
                    }
                }
            }
        }
    }
    out
}

/// A verb that may report what someone said or thinks.
fn speech_like(w: &str) -> bool {
    lexicon::quote_verb(w) || VIEW_VERBS.contains(&w)
}

/// Verbs of view and stance the rules do not take as cues.
static VIEW_VERBS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    include_str!("view_verbs.txt").lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
});

/// What a sentence looks like, whatever the proposal.
fn sentence_features(
    body: &str,
    toks: &[super::tokens::Tok],
    lw: &[String],
    sr: &Range<usize>,
    d: &Doc,
    si: usize,
) -> Vec<String> {
    let words: Vec<usize> = (0..toks.len()).filter(|&i| toks[i].word).collect();
    let mut f = Vec::with_capacity(24 + words.len());
    let w = |i: usize| words.get(i).map_or("", |&k| lw[k].as_str());
    f.push(format!("w0={}", w(0)));
    f.push(format!("w01={} {}", w(0), w(1)));
    f.push(format!("w1={}", w(1)));
    let n = words.len();
    f.push(format!(
        "len={}",
        match n {
            0..=8 => 0,
            9..=15 => 1,
            16..=25 => 2,
            26..=40 => 3,
            _ => 4,
        }
    ));
    f.push(format!("fp={}", doc::first_person(body, toks)));
    let text = body.get(sr.clone()).unwrap_or("");
    f.push(format!("quote={}", text.contains(['"', '“', '”'])));
    f.push(format!("end={}", text.trim_end().chars().last().map_or(' ', |c| c)));
    f.push(format!("digits={}", text.contains(|c: char| c.is_ascii_digit())));
    let caps = words.iter().skip(1).filter(|&&k| toks[k].is_cap(body)).count();
    f.push(format!("caps={}", caps.min(4)));
    let para_first = si == 0 || d.sents[si - 1].1 != d.sents[si].1;
    f.push(format!("parafirst={para_first}"));
    let mut verb = None;
    for &k in &words {
        let x = lw[k].as_str();
        if verb.is_none() && speech_like(x) {
            verb = Some(x);
        }
        if matches!(x, "will" | "would" | "should" | "must" | "could" | "might" | "may" | "can" | "need") {
            f.push("modal".to_owned());
        }
        if matches!(x, "he" | "she" | "they" | "his" | "her" | "their") {
            f.push(format!("pron={x}"));
        }
        f.push(format!("bw={x}"));
    }
    f.push(format!("sverb={}", verb.unwrap_or("-")));
    f
}

/// Whether the sentence's subject is the speaker of statement `j` (its
/// last word among the words the speaker was written with), or a pronoun.
fn same_person(
    body: &str,
    found: &[Found],
    mut j: usize,
    subject: Option<&super::speakers::RawSpeaker>,
) -> &'static str {
    let Some(sp) = subject else { return "none" };
    if matches!(sp.class, Class::Pronoun(_)) {
        return "pronoun";
    }
    for _ in 0..found.len() {
        match found.get(j).map(|f| &f.who) {
            Some(Who::Raw(prev)) => {
                let last = body.get(sp.written.clone()).and_then(|w| w.split_whitespace().last()).unwrap_or("");
                let prev_words = body.get(prev.written.clone()).unwrap_or("");
                return if !last.is_empty() && prev_words.split_whitespace().any(|w| w.eq_ignore_ascii_case(last)) {
                    "same"
                } else {
                    "other"
                };
            }
            Some(Who::Same(k)) if *k < j => j = *k,
            _ => return "unknown",
        }
    }
    "unknown"
}

/// The class of the speaker a statement's chain of `Same` links ends in.
fn who_class(found: &[Found], mut j: usize) -> &'static str {
    for _ in 0..found.len() {
        match found.get(j).map(|f| &f.who) {
            Some(Who::Raw(sp)) => return class_name(&sp.class),
            Some(Who::Same(k)) if *k < j => j = *k,
            _ => return "-",
        }
    }
    "-"
}

fn class_name(c: &Class) -> &'static str {
    match c {
        Class::Named(_) => "named",
        Class::Pronoun(lexicon::Pronoun::He | lexicon::Pronoun::She) => "heshe",
        Class::Pronoun(_) => "pronoun",
        Class::Role(..) => "role",
        Class::Institution => "institution",
        Class::Anonymous => "anonymous",
        Class::Document(_) => "document",
    }
}
