//! Reported speech, sentence by sentence: "X said (that) …", "X told Y
//! that …", "X insisted/warned/denied … that …", "According to X, …",
//! "…, according to X.", "…, X told Reuters.", "X was quoted by Y as
//! saying …", ", adding that …", and verbatim unquoted statements marked by
//! a trailing cue ("I called …, Trump wrote on Truth Social.").
//!
//! A cue inside quote marks is someone else's speech and is skipped;
//! negated or hypothetical verbs ("did not say", "would say") and beliefs
//! ("believes", "was pictured") are not statements.

use std::ops::Range;

use super::doc::{self, subject_before, words, Doc, Subject};
use super::lexicon;
use super::speakers::{self, RawSpeaker};
use super::tokens::{tokenize, Tok};
use super::{sentence_subject, Found, Who};
use crate::quotes::QuoteKind;

struct Cue {
    speaker: RawSpeaker,
    cue: String,
    /// Token index where the attribution (subject or "according") begins.
    attr_start: usize,
    /// Token index after the attribution.
    attr_end: usize,
    /// Forward content starts here (None: the content is before).
    content_from: Option<usize>,
    /// For a parenthetical attribution ("A, he said, B"): content on both sides.
    parenthetical: bool,
    conf: f32,
}

pub fn find(d: &Doc, skip: &[Range<usize>], out: &mut Vec<Found>) {
    let body = d.body;
    for (si, (sr, para)) in d.sents.iter().enumerate() {
        if skip.iter().any(|r| r.start <= sr.start && sr.start < r.end) {
            continue;
        }
        let toks: Vec<Tok> = tokenize(body, sr.clone());
        if toks.len() < 4 {
            continue;
        }
        let lw = words(body, &toks);
        let quoted: Vec<bool> = toks.iter().map(|t| d.quoted_at(t.start).is_some()).collect();
        let mut cues = cues_in(body, &toks, &lw, &quoted);
        // A trailing attribution covers the whole sentence before it: cues
        // inside are part of what was reported ("X told Y that …, a source
        // told Reuters").
        if let Some(last) = cues.last() {
            if last.content_from.is_none() && !last.parenthetical && cues.len() > 1 {
                let last = cues.pop();
                cues.clear();
                cues.extend(last);
            }
        }
        for (ci, c) in cues.iter().enumerate() {
            let mut pieces: Vec<Range<usize>> = Vec::new();
            let mut kind = QuoteKind::Indirect;
            if let Some(from) = c.content_from {
                // Runs to the next cue's attribution or the sentence end.
                let to = cues.get(ci + 1).map_or(toks.len(), |n| n.attr_start);
                let mut to = to;
                while to > from && (!toks[to - 1].word || matches!(lw[to - 1].as_str(), "and" | "but" | "though" | "although" | "while" | "as")) {
                    if toks[to - 1].word || !matches!(lw[to - 1].as_str(), "”" | "\"" | "’" | "»" | ")") {
                        to -= 1;
                    } else {
                        break;
                    }
                }
                if to <= from || !enough(&toks[from..to], &lw[from..to]) {
                    continue;
                }
                pieces.push(toks[from].start..toks[to - 1].end);
            } else {
                let from = if ci > 0 { cues[ci - 1].content_from.map_or(cues[ci - 1].attr_end, |_| usize::MAX) } else { 0 };
                if from == usize::MAX {
                    continue;
                }
                let mut from = from;
                while from < c.attr_start && (!toks[from].word && !matches!(lw[from].as_str(), "“" | "\"" | "‘" | "«")) {
                    from += 1;
                }
                let mut to = c.attr_start;
                while to > from && !toks[to - 1].word && !matches!(lw[to - 1].as_str(), "”" | "\"" | "’" | "»" | ")") {
                    to -= 1;
                }
                if to <= from || !enough(&toks[from..to], &lw[from..to]) {
                    continue;
                }
                pieces.push(toks[from].start..toks[to - 1].end);
                if c.parenthetical {
                    let mut a = c.attr_end;
                    while a < toks.len() && !toks[a].word {
                        a += 1;
                    }
                    let mut e = cues.get(ci + 1).map_or(toks.len(), |n| n.attr_start);
                    while e > a && !toks[e - 1].word && !matches!(lw[e - 1].as_str(), "”" | "\"" | "’" | "»" | ")") {
                        e -= 1;
                    }
                    if e > a {
                        pieces.push(toks[a].start..toks[e - 1].end);
                    }
                }
                // Verbatim: first person, no quote marks, trailing cue.
                let unquoted = !quoted[from..to].iter().any(|&q| q);
                if unquoted && doc::first_person(body, &toks[from..to]) && !c.parenthetical {
                    kind = QuoteKind::Direct;
                    // Extend over earlier first-person sentences of the paragraph.
                    if from == 0 {
                        let mut k = si;
                        while k > 0 {
                            let (pr, pp) = &d.sents[k - 1];
                            if pp != para {
                                break;
                            }
                            let pt = tokenize(body, pr.clone());
                            let plw = words(body, &pt);
                            let pq: Vec<bool> = pt.iter().map(|t| d.quoted_at(t.start).is_some()).collect();
                            if pq.iter().any(|&q| q) || !doc::first_person(body, &pt) || !cues_in(body, &pt, &plw, &pq).is_empty() {
                                break;
                            }
                            k -= 1;
                        }
                        if k < si {
                            if let Some(p) = pieces.first_mut() {
                                p.start = d.sents[k].0.start;
                            }
                        }
                    }
                }
            }
            let ctx_start = pieces.first().map_or(sr.start, |p| p.start.min(sr.start));
            out.push(Found {
                who: Who::Raw(c.speaker.clone()),
                kind,
                cue: c.cue.clone(),
                pieces,
                ctx: ctx_start..sr.end,
                conf: c.conf,
                para: *para,
            });
        }
    }
}

/// At least three words, not an infinitive or an embedded question.
fn enough(toks: &[Tok], lw: &[String]) -> bool {
    let n = toks.iter().filter(|t| t.word).count();
    let first = lw.iter().zip(toks).find(|(_, t)| t.word).map(|(w, _)| w.as_str()).unwrap_or("");
    n >= 3 && !matches!(first, "to" | "whether" | "if" | "how" | "why" | "what" | "when" | "where" | "who" | "by" | "of" | "about" | "so" | "nothing" | "anything" | "goodbye" | "hello" | "yes" | "no")
}

fn cues_in(body: &str, toks: &[Tok], lw: &[String], quoted: &[bool]) -> Vec<Cue> {
    let mut cues: Vec<Cue> = Vec::new();
    let mut v = 0;
    while v < toks.len() {
        if quoted[v] || !toks[v].word {
            v += 1;
            continue;
        }
        let w = lw[v].as_str();
        let found = if w == "according" && lw.get(v + 1).is_some_and(|n| n == "to") {
            according(body, toks, lw, v)
        } else if w == "quoted" {
            quoted_as_saying(body, toks, lw, v)
        } else if lexicon::participle_cue(w) && v > 0 && toks[v - 1].is_punct(body, ',') {
            let speaker = cues.last().map(|c| c.speaker.clone()).or_else(|| sentence_subject(body, &toks[..v]));
            speaker.map(|speaker| {
                let mut k = v + 1;
                if lw.get(k).is_some_and(|n| n == "that") {
                    k += 1;
                }
                Cue { speaker, cue: toks[v].text(body).to_owned(), attr_start: v - 1, attr_end: v + 1, content_from: Some(k), parenthetical: false, conf: 0.8 }
            })
        } else if let Some(bare) = lexicon::speech_verb(w) {
            speech(body, toks, lw, v, bare)
        } else {
            None
        };
        if let Some(c) = found {
            v = c.attr_end.max(v + 1);
            if let Some(from) = c.content_from {
                v = v.max(from);
            }
            if quoted[c.attr_start..c.attr_end.min(toks.len())].iter().any(|&q| q) {
                continue;
            }
            cues.push(c);
        } else {
            v += 1;
        }
    }
    cues
}

fn according(body: &str, toks: &[Tok], lw: &[String], v: usize) -> Option<Cue> {
    let (sp, end) = doc::phrase_after(body, toks, lw, v + 2, true)?;
    let cue = "according to".to_owned();
    let leading = v == 0 || (v == 1 && toks[0].word && lexicon::conjunction(&lw[0]));
    if leading {
        let mut k = end;
        if k < toks.len() && toks[k].is_punct(body, ',') {
            k += 1;
        } else {
            return None;
        }
        return Some(Cue { speaker: sp, cue, attr_start: v, attr_end: end, content_from: Some(k), parenthetical: false, conf: 0.85 });
    }
    if v > 0 && (toks[v - 1].is_punct(body, ',') || toks[v - 1].is_punct(body, '—')) {
        let parenthetical = end < toks.len() && toks[end].is_punct(body, ',') && end + 1 < toks.len() && !matches!(lw[end + 1].as_str(), "speaking" | "who" | "which");
        return Some(Cue { speaker: sp, cue, attr_start: v, attr_end: end, content_from: None, parenthetical: parenthetical && false, conf: 0.85 });
    }
    None
}

/// "X was quoted (by Y) as saying (that) …".
fn quoted_as_saying(body: &str, toks: &[Tok], lw: &[String], v: usize) -> Option<Cue> {
    if v < 2 || !matches!(lw[v - 1].as_str(), "was" | "were" | "is") {
        return None;
    }
    let k = (v + 1..toks.len().min(v + 10)).find(|&i| lw[i] == "saying" && lw[i - 1] == "as")?;
    let sp = match subject_before(body, toks, lw, v - 1)? {
        Subject::Phrase(sp) => sp,
        Subject::Elided => return None,
    };
    let mut from = k + 1;
    if lw.get(from).is_some_and(|w| w == "that") {
        from += 1;
    }
    Some(Cue { attr_start: sp_start(toks, &sp), speaker: sp, cue: "quoted as saying".into(), attr_end: k + 1, content_from: Some(from), parenthetical: false, conf: 0.85 })
}

fn sp_start(toks: &[Tok], sp: &RawSpeaker) -> usize {
    toks.iter().position(|t| t.start >= sp.written.start).unwrap_or(0)
}

const AUDIENCE: &[&str] = &[
    "reporters", "journalists", "reuters", "afp", "ap", "tass", "interfax", "cnn", "bbc", "axios",
    "politico", "bloomberg", "me", "us", "him", "her", "them", "lawmakers", "parliament", "the",
    "a", "an", "state", "his", "her", "their", "ria", "abc", "nbc", "cbs", "fox",
];

/// "X said …", "…, X told Reuters.", "A, he said, B".
fn speech(body: &str, toks: &[Tok], lw: &[String], v: usize, bare: bool) -> Option<Cue> {
    if lw.get(v + 1).is_some_and(|n| n == "by") {
        return None;
    }
    let (sp, elided) = match subject_before(body, toks, lw, v) {
        Some(Subject::Phrase(sp)) => (sp, false),
        Some(Subject::Elided) => (sentence_subject(body, &toks[..v])?, true),
        None => (doc::appositive_subject_before(body, toks, lw, v)?, false),
    };
    let attr_start = if elided { v } else { sp_start(toks, &sp) };
    let told = matches!(lw[v].as_str(), "told" | "tells");
    let mut k = v + 1;
    let mut that = false;
    if told {
        // The listener: up to "that", or a known audience word.
        let that_at = (k..toks.len().min(k + 8)).take_while(|&i| toks[i].word).find(|&i| lw[i] == "that");
        if let Some(t) = that_at {
            k = t + 1;
            that = true;
        } else if k < toks.len() && toks[k].word && AUDIENCE.contains(&lw[k].as_str()) || toks.get(k).is_some_and(|t| t.is_cap(body)) {
            // "told Reuters", "told the state-owned Rossiya-24 channel".
            let mut e = k;
            while e < toks.len() && toks[e].word && e - k < 7 && (toks[e].is_cap(body) || AUDIENCE.contains(&lw[e].as_str()) || lexicon::outlet(&lw[e]) || matches!(lw[e].as_str(), "state-owned" | "state-run" | "russian" | "ukrainian" | "news" | "agency" | "newspaper" | "television" | "channel" | "broadcaster" | "outlet" | "radio" | "tv" | "media")) {
                e += 1;
            }
            k = e;
        } else {
            return None;
        }
    }
    if !that {
        k = doc::skip_adverbials(body, toks, lw, k);
        if k < toks.len() && lw[k] == "that" {
            k += 1;
            that = true;
        }
    }
    let conf = if matches!(sp.class, speakers::Class::Pronoun(_)) { 0.8 } else { 0.85 };
    let cue = body.get(toks[v].start..toks[k.saturating_sub(1).max(v).min(toks.len() - 1)].end).unwrap_or("said").trim_end_matches(" that").to_owned();
    let cue = if cue.len() > 60 { toks[v].text(body).to_owned() } else { cue };
    let at_end = k >= toks.len() || (!toks[k].word && matches!(lw[k].as_str(), "." | "," | ";" | "!" | "?" | "—" | "–" | ")"));
    if that || (!at_end && bare && !told) || (!at_end && told && k > v + 1) {
        if at_end {
            return None;
        }
        return Some(Cue { speaker: sp, cue, attr_start, attr_end: k, content_from: Some(k), parenthetical: false, conf });
    }
    if !at_end {
        return None;
    }
    // Trailing attribution: the content is before the subject, which must
    // open a clause after a comma or dash.
    if elided || attr_start == 0 {
        return None;
    }
    let before = &toks[attr_start - 1];
    if !(before.is_punct(body, ',') || before.is_punct(body, '—') || before.is_punct(body, '–') || before.is_punct(body, '”') || before.is_punct(body, '"')) {
        return None;
    }
    let parenthetical = k < toks.len() && toks[k].is_punct(body, ',') && toks[k + 1..].iter().filter(|t| t.word).count() >= 2;
    Some(Cue { speaker: sp, cue, attr_start, attr_end: k, content_from: None, parenthetical, conf })
}
