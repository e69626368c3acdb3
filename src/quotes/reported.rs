//! Reported speech, sentence by sentence: "X said (that) …", "X told Y
//! that …", "X insisted/warned/denied … that …", "According to X, …",
//! "…, according to X.", "…, X told Reuters.", "X was quoted by Y as
//! saying …", ", adding that …", "issued a statement saying …", a passive
//! with its agent ("Plans to … have been unveiled by X"), and verbatim unquoted statements marked by
//! a trailing cue ("I called …, Trump wrote on Truth Social."). Statements
//! carried by an object rather than a clause follow the verb frames of
//! `object_frames.txt` ("recommended fifteen changes", "asked the court to
//! …"; a stance verb's object is a view only with a noun of
//! `claim_nouns.txt`: "rejected calls for …"); a noun of `speech_nouns.txt`
//! after its speaker's possessive names one too ("Vorn's demand that …"). A sentence with no cue continues the
//! statement before it only after a connective ("Moreover,", "Therefore,").
//!
//! A cue inside quote marks is someone else's speech and is skipped;
//! negated or hypothetical verbs ("did not say", "would say") and beliefs
//! ("believes", "was pictured") are not statements.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use super::doc::{self, subject_before, words, Doc, Subject};
use super::lexicon;
use super::speakers::{self, RawSpeaker};
use super::tokens::{self, lower, tokenize, Tok};
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
    /// An outlet relaying news: bounds content, is not a statement.
    relay: bool,
    /// "called X a “…”": a statement only through a quoted fragment.
    needs_quote: bool,
    content: Content,
}

/// How far the statement after a cue runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Content {
    /// A clause: to the next cue's attribution, a "; " or the sentence end.
    Clause,
    /// As a clause, but it may also be a noun phrase, a gerund or an
    /// infinitive ("Tarn's call for …", "asked the regulator to …").
    Phrase,
}

pub fn find(d: &Doc, skip: &[Range<usize>], out: &mut Vec<Found>) {
    let body = d.body;
    // The last statement found: (index in `out`, paragraph, sentence,
    // whether its content ran to the end of its sentence).
    let mut last: Option<(usize, usize, usize, bool)> = None;
    for (si, (sr, para)) in d.sents.iter().enumerate() {
        if skip.iter().any(|r| r.start <= sr.start && sr.start < r.end) {
            continue;
        }
        if !d.para_is_text(*para) {
            continue;
        }
        let Some((toks, lw)) = d.sent_words.get(si) else { continue };
        if toks.len() < 4 {
            continue;
        }
        let quoted: Vec<bool> = toks.iter().map(|t| d.quoted_at(t.start).is_some()).collect();
        let mut cues = cues_in(body, toks, lw, &quoted);
        let before = out.len();
        let recent = last.filter(|&(_, p, s, _)| p == *para && s + 2 >= si).map(|(i, ..)| i);
        if cues.is_empty() {
            // "Moreover, they had closed their eyes to …" right after a
            // reported statement that ran to its sentence's end: more of it.
            if let Some((i, _, _, true)) = last.filter(|&(_, p, s, _)| p == *para && s + 1 == si) {
                // A quoted word or two ("“voter identification” calls") is
                // no quotation of its own.
                let quoted_words = quoted.iter().zip(toks.iter()).filter(|(&q, t)| q && t.word).count();
                if continuation(body, lw, toks) && quoted_words <= 2 {
                    let r = doc::trim(body, sr.clone(), ".");
                    if !r.is_empty() {
                        out.push(Found {
                            who: Who::Same(i),
                            kind: QuoteKind::Indirect,
                            cue: out[i].cue.clone(),
                            pieces: vec![r],
                            ctx: sr.clone(),
                            conf: 0.7,
                            para: *para,
                        });
                        last = Some((out.len() - 1, *para, si, true));
                    }
                }
            }
            continue;
        }
        // A trailing attribution covers the whole sentence before it: cues
        // inside are part of what was reported ("X told Y that …, a source
        // told Reuters").
        if let Some(last) = cues.last() {
            if last.content_from.is_none() && !last.parenthetical && !last.relay && cues.len() > 1 {
                let last = cues.pop();
                cues.clear();
                cues.extend(last);
            }
        }
        for (ci, c) in cues.iter().enumerate() {
            if c.relay {
                continue;
            }
            // "It was stressed that …" in a readout: the side that spoke
            // just before, else no one.
            let who = if agentless(toks, lw, c) {
                match recent {
                    Some(i) => Who::Same(i),
                    None => continue,
                }
            } else {
                Who::Raw(c.speaker.clone())
            };
            let mut pieces: Vec<Range<usize>> = Vec::new();
            let mut kind = QuoteKind::Indirect;
            if c.content_from == Some(usize::MAX) {
                // "This was stated by X": the sentence before.
                let Some((pr, _)) = si.checked_sub(1).and_then(|i| d.sents.get(i)) else { continue };
                if d.quoted_at(pr.start).is_some() || skip.iter().any(|r| r.start <= pr.start && pr.start < r.end) {
                    continue;
                }
                let r = doc::trim(body, pr.clone(), ".");
                if r.is_empty() {
                    continue;
                }
                pieces.push(r);
            } else if let Some(mut from) = c.content_from {
                while from < toks.len() && !toks[from].word && !matches!(lw[from].as_str(), "“" | "\"" | "‘" | "«")
                {
                    from += 1;
                }
                // Runs to the next cue's attribution, a "; " or the
                // sentence end.
                let mut to = cues.get(ci + 1).map_or(toks.len(), |n| n.attr_start);
                // (Not a list: "launched 21 cruise missiles; two anti-ship
                // missiles; and 408 drones".)
                let list_item = |i: usize| {
                    lw.get(i + 1).is_some_and(|w| {
                        w == "and" || w.chars().all(|c| c.is_ascii_digit() || c == ',') || lexicon::number_word(w)
                    })
                };
                if let Some(cut) = (from..to).find(|&i| toks[i].is_punct(body, ';') && !quoted[i] && !list_item(i)) {
                    to = cut;
                }
                // "welcomed the move but added that …", "rejected calls for
                // …, saying …": an object ends where the subject's next
                // verb or its participle begins.
                if c.content == Content::Phrase {
                    // ("and said …", "and cautioned …"; not "brutal and
                    // unprovoked", nor "and warn of …", which goes on.)
                    let next_verb = |i: usize| {
                        lw.get(i + 1).is_some_and(|n| {
                            lexicon::quote_verb(n)
                                && (n.ends_with("ed") || matches!(n.as_str(), "said" | "says" | "adds"))
                        })
                    };
                    let ends = |i: usize| {
                        !quoted[i]
                            && (lw[i] == "but"
                                || (lw[i] == "and" && next_verb(i))
                                || (toks[i].is_punct(body, ',')
                                    && lw.get(i + 1).is_some_and(|n| matches!(n.as_str(), "saying" | "adding"))))
                    };
                    if let Some(cut) = (from + 2..to).find(|&i| ends(i)) {
                        to = cut;
                    }
                }
                while to > from
                    && (!toks[to - 1].word
                        || matches!(
                            lw[to - 1].as_str(),
                            "and" | "but" | "though" | "although" | "while" | "as" | "even"
                        ))
                {
                    if toks[to - 1].word || !matches!(lw[to - 1].as_str(), "”" | "\"" | "’" | "»" | ")") {
                        to -= 1;
                    } else {
                        break;
                    }
                }
                // "said if the party won, it would …": after a verb of saying,
                // "if" opens a condition, not an embedded question.
                let asking = matches!(
                    c.cue.to_lowercase().as_str(),
                    "asked" | "asks" | "asking" | "wondered" | "wonders" | "queried" | "enquired" | "inquired"
                );
                let after_that =
                    from > 0 && (lw[from - 1] == "that" || (lw.get(from).is_some_and(|w| w == "if") && !asking));
                // "threatened to block …": the infinitive is the statement.
                let infinitive = from < toks.len()
                    && lw[from] == "to"
                    && from > 0
                    && (c.content == Content::Phrase
                        || matches!(
                            lw[from - 1].as_str(),
                            "threatened"
                                | "threatens"
                                | "vowed"
                                | "vows"
                                | "pledged"
                                | "pledges"
                                | "promised"
                                | "promises"
                                | "offered"
                                | "offers"
                        ));
                if to <= from || !(enough(&toks[from..to], &lw[from..to], after_that) || infinitive && to - from >= 3) {
                    continue;
                }
                pieces.push(toks[from].start..toks[to - 1].end);
            } else {
                let from =
                    if ci > 0 { cues[ci - 1].content_from.map_or(cues[ci - 1].attr_end, |_| usize::MAX) } else { 0 };
                if from == usize::MAX {
                    continue;
                }
                let mut from = from;
                while from < c.attr_start && (!toks[from].word && !matches!(lw[from].as_str(), "“" | "\"" | "‘" | "«"))
                {
                    from += 1;
                }
                let mut to = c.attr_start;
                if to > from && lw[to - 1] == "as" {
                    to -= 1;
                }
                while to > from && !toks[to - 1].word && !matches!(lw[to - 1].as_str(), "”" | "\"" | "’" | "»" | ")")
                {
                    to -= 1;
                }
                // "At the same time, he said, …": a leading adverbial is not
                // the statement.
                let adverbial = to > from
                    && toks[from].word
                    && (PREPOSITION_START.contains(&lw[from].as_str()) || lw[from] == "however")
                    && toks[from..to].iter().filter(|t| t.word).count() <= 6;
                // "As the report shows, …": nothing before but "As".
                let opening_as = to <= from && c.parenthetical;
                if opening_as {
                    // the part after the attribution is the statement
                } else if !adverbial {
                    let words_after = if c.parenthetical {
                        toks[c.attr_end.min(toks.len())..].iter().filter(|t| t.word).count()
                    } else {
                        0
                    };
                    if to <= from
                        || !(enough(&toks[from..to], &lw[from..to], true)
                            || c.parenthetical && words_after + toks[from..to].iter().filter(|t| t.word).count() >= 4)
                    {
                        continue;
                    }
                    pieces.push(toks[from].start..toks[to - 1].end);
                } else if !c.parenthetical {
                    continue;
                }
                if c.parenthetical {
                    let mut a = c.attr_end;
                    while a < toks.len() && !toks[a].word {
                        a += 1;
                    }
                    let mut e = cues.get(ci + 1).map_or(toks.len(), |n| n.attr_start);
                    while e > a && !toks[e - 1].word && !matches!(lw[e - 1].as_str(), "”" | "\"" | "’" | "»" | ")")
                    {
                        e -= 1;
                    }
                    if e > a {
                        pieces.push(toks[a].start..toks[e - 1].end);
                    }
                }
                if pieces.is_empty() {
                    continue;
                }
                // "“…,” X said.": the quote is the direct pass's.
                if let Some(q) = d.quoted_at(pieces[0].start) {
                    if q.outer.end + 2 >= pieces[0].end {
                        continue;
                    }
                }
                // Verbatim: first person, no quote marks, trailing speech verb.
                let unquoted = !quoted[from..to].iter().any(|&q| q);
                let speech_cue = !matches!(c.cue.as_str(), "according to" | "citing");
                if unquoted && speech_cue && doc::first_person(body, &toks[from..to]) && !c.parenthetical {
                    kind = QuoteKind::Direct;
                    // Extend over earlier first-person sentences of the paragraph.
                    if from == 0 {
                        let mut k = si;
                        while k > 0 && si - k < 12 {
                            let (pr, pp) = &d.sents[k - 1];
                            if pp != para {
                                break;
                            }
                            let pt = tokenize(body, pr.clone());
                            let plw = words(body, &pt);
                            let pq: Vec<bool> = pt.iter().map(|t| d.quoted_at(t.start).is_some()).collect();
                            if pq.iter().any(|&q| q)
                                || !doc::first_person(body, &pt)
                                || !cues_in(body, &pt, &plw, &pq).is_empty()
                            {
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
            // A quoted fragment of three words or more inside reported
            // speech is the statement itself, word for word.
            if kind == QuoteKind::Indirect {
                let (Some(first), Some(last)) = (pieces.first(), pieces.last()) else { continue };
                let (a, b) = (first.start, last.end);
                let i0 = d.quoted.partition_point(|q| q.outer.end <= a);
                let fragments: Vec<Range<usize>> = d.quoted[i0..]
                    .iter()
                    .take_while(|q| q.outer.start < b)
                    .filter(|q| q.outer.start >= a.saturating_sub(3) && q.outer.end <= b + 3)
                    // "what the Kremlin calls a “special military operation”":
                    // someone's term, not the speaker's words.
                    .filter(|q| !named_term(body, q.outer.start, c.needs_quote))
                    .map(|q| doc::trim(body, q.inner.clone(), ",;:"))
                    .filter(|r| {
                        body.get(r.clone()).is_some_and(|t| t.split_whitespace().count() >= 3 && !title_case(t))
                    })
                    .collect();
                if fragments.is_empty() && c.needs_quote {
                    // "described the round as “businesslike”", "praised
                    // “solid results”": a word or two in quotes make the
                    // whole clause a reported evaluation.
                    let short = d.quoted[i0..]
                        .iter()
                        .take_while(|q| q.outer.start < b)
                        .filter(|q| q.outer.start >= a.saturating_sub(3) && q.outer.end <= b + 3)
                        .filter_map(|q| body.get(q.inner.clone()))
                        .any(|t| (1..=2).contains(&t.split_whitespace().count()) && !title_case(t));
                    if !short {
                        continue;
                    }
                    out.push(Found {
                        who: who.clone(),
                        kind: QuoteKind::Indirect,
                        cue: c.cue.clone(),
                        pieces,
                        ctx: ctx_start..sr.end,
                        conf: c.conf - 0.05,
                        para: *para,
                    });
                    continue;
                }
                if !fragments.is_empty() {
                    // "… altitude sickness—“the longer you stay …”": the
                    // reported part before a dash or colon stands too.
                    let lead_end = fragments[0].start;
                    let before = body.get(a..lead_end).unwrap_or("");
                    let bt = before.trim_end_matches(|c: char| c.is_whitespace() || "“\"‘«".contains(c));
                    let clause_break = bt.ends_with(['—', '–', ':'])
                        || [" and that", ", and", " and", ", adding that", ", but"].iter().any(|e| bt.ends_with(e));
                    if clause_break && bt.split_whitespace().count() >= 4 {
                        let bt2 = bt
                            .trim_end_matches(" that")
                            .trim_end_matches(" and")
                            .trim_end_matches(", adding")
                            .trim_end_matches(", but")
                            .trim_end_matches(',');
                        let r = doc::trim(body, a..a + bt2.len(), "—–:,");
                        out.push(Found {
                            who: who.clone(),
                            kind: QuoteKind::Indirect,
                            cue: c.cue.clone(),
                            pieces: vec![r],
                            ctx: ctx_start..sr.end,
                            conf: c.conf,
                            para: *para,
                        });
                    }
                    for f in fragments {
                        out.push(Found {
                            who: who.clone(),
                            kind: QuoteKind::Direct,
                            cue: c.cue.clone(),
                            pieces: vec![f],
                            ctx: ctx_start..sr.end,
                            // The direct pass's own find wins a tie.
                            conf: c.conf - 0.01,
                            para: *para,
                        });
                    }
                    continue;
                }
            }
            out.push(Found {
                who: who.clone(),
                kind,
                cue: c.cue.clone(),
                pieces,
                ctx: ctx_start..sr.end,
                conf: c.conf,
                para: *para,
            });
        }
        if out.len() > before {
            let i = out.len() - 1;
            let end = doc::trim(body, sr.clone(), ".!?\"”’»)").end;
            let to_end = out[i].kind == QuoteKind::Indirect && out[i].pieces.last().is_some_and(|p| p.end + 2 >= end);
            last = Some((i, *para, si, to_end));
        }
    }
}

/// Whether a sentence opens with a connective that carries on what came
/// before ("Moreover, …", "In addition, …"), with no cue of its own.
fn continuation(body: &str, lw: &[String], toks: &[Tok]) -> bool {
    let w = |i: usize| lw.get(i).map(String::as_str).unwrap_or("");
    let comma = |i: usize| toks.get(i).is_some_and(|t| !t.word && lw[i] == ",");
    // "… died as a result.": the consequence of what the speaker said.
    let n = lw.len();
    if n > 4 && toks.last().is_some_and(|t| !t.word) && lw[n - 4..n - 1] == ["as", "a", "result"] {
        return !matches!(w(0), "he" | "she" | "his" | "her");
    }
    let rest = match w(0) {
        "moreover" | "furthermore" | "besides" | "additionally" | "however" if comma(1) => 2,
        // "But that did not happen for …": carries the statement on.
        "but" if comma(1) => 2,
        "but" => 1,
        // "Therefore, …", "As a result, …", "For this reason, …": a
        // consequence the speaker draws.
        "therefore" | "thus" | "consequently" | "hence" if comma(1) => 2,
        "as" if w(1) == "a" && w(2) == "result" && comma(3) => 4,
        "for" if w(1) == "this" && w(2) == "reason" && comma(3) => 4,
        "in" if matches!(w(1), "addition" | "particular") && comma(2) => 3,
        "at" if w(1) == "the" && w(2) == "same" && w(3) == "time" && comma(4) => 5,
        _ => return false,
    };
    // "However, he has been unable to …" is the writer's, about the speaker;
    // "But Lions chairman Ivo Tarn has denied …" brings in someone else.
    !matches!(w(rest), "he" | "she" | "his" | "her") && !toks.get(rest).is_some_and(|t| t.is_cap(body))
}

/// "It was stressed that …", "It was also noted that …": a speech verb
/// with no agent.
fn agentless(toks: &[Tok], lw: &[String], c: &Cue) -> bool {
    let Some(from) = c.content_from.filter(|&f| f < toks.len()) else { return false };
    if !matches!(c.speaker.class, speakers::Class::Pronoun(lexicon::Pronoun::It)) || c.attr_start != 0 {
        return false;
    }
    if lw[0] == "attention" {
        return true;
    }
    let head: Vec<&str> = lw[1..from.min(lw.len())].iter().map(String::as_str).collect();
    matches!(head.first(), Some(&("was" | "is" | "has" | "had")))
        && head.last() == Some(&"that")
        && head.iter().any(|w| lexicon::speech_verb(w).is_some() && w.ends_with("ed") || *w == "said")
}

/// At least three words, not an infinitive or an embedded question
/// (unless it follows "that").
fn enough(toks: &[Tok], lw: &[String], after_that: bool) -> bool {
    let n = toks.iter().filter(|t| t.word).count();
    let first = lw.iter().zip(toks).find(|(_, t)| t.word).map(|(w, _)| w.as_str()).unwrap_or("");
    // ("said no decision had been taken" is a clause; "said no to …" is not.)
    let second = lw.iter().zip(toks).filter(|(_, t)| t.word).nth(1).map(|(w, _)| w.as_str()).unwrap_or("");
    let answer = matches!(first, "yes" | "no") && (second == "to" || toks.get(1).is_some_and(|t| !t.word));
    n >= 3
        && !answer
        && !matches!(first, "to" | "by" | "of" | "so" | "nothing" | "anything" | "goodbye" | "hello" | "yes")
        && (first != "about"
            || lw
                .iter()
                .zip(toks)
                .filter(|(_, t)| t.word)
                .nth(1)
                .is_some_and(|(w, _)| w.starts_with(|c: char| c.is_ascii_digit())))
        && (after_that || !matches!(first, "whether" | "if" | "how" | "why" | "what" | "when" | "where" | "who"))
}

/// "Tarn was sacked by the board after …", "is being sued by his
/// ex-wife, claiming …": before `to`, a passive's agent, who may be the
/// one speaking.
fn passive_agent(body: &str, toks: &[Tok], lw: &[String], to: usize) -> bool {
    (0..to.saturating_sub(1)).any(|i| {
        lw[i] == "by"
            && toks[i + 1].word
            && (toks[i + 1].is_cap(body) || lexicon::determiner(&lw[i + 1]) || lw[i + 1] == "former")
    })
}

/// "The ministry issued a statement saying …", "a milblogger published a
/// map on Monday acknowledging that …": a participle cue after a document
/// its subject put out speaks for that subject.
fn published_with_participle(body: &str, toks: &[Tok], lw: &[String], v: usize) -> Option<Cue> {
    const PUBLISHED: &[&str] = &["issued", "published", "released", "circulated", "shared", "aired", "broadcast"];
    const DOCUMENTS: &[&str] = &[
        "statement",
        "video",
        "map",
        "message",
        "letter",
        "report",
        "note",
        "footage",
        "document",
        "communique",
        "communiqué",
        "clip",
        "image",
        "images",
        "photo",
        "photos",
        "update",
        "assessment",
        "bulletin",
        "appeal",
    ];
    let w = lw.get(v)?.as_str();
    if !lexicon::participle_cue(w) || !(matches!(w, "saying" | "adding") || lw.get(v + 1).is_some_and(|n| n == "that"))
    {
        return None;
    }
    let j = (v.saturating_sub(8)..v.saturating_sub(1)).rev().find(|&j| PUBLISHED.contains(&lw[j].as_str()))?;
    // The participle hangs on the document, not on people shown in it:
    // "published footage of Russian soldiers claiming that …" is theirs.
    let doc_at = (j + 1..v).find(|&i| DOCUMENTS.contains(&lw[i].as_str()))?;
    if !toks[j + 1..v].iter().all(|t| t.word)
        || lw[doc_at + 1..v].iter().any(|n| matches!(n.as_str(), "of" | "from" | "by" | "with" | "showing"))
    {
        return None;
    }
    // ("A Russian milblogger published …": the whole opening is the subject.)
    let speaker = clause_subject(body, toks, lw, j)
        .or_else(|| sentence_subject(body, &toks[..j]))
        .or_else(|| (j <= 8).then(|| speakers::parse(body, &toks[..j])).flatten())?;
    if matches!(speaker.class, speakers::Class::Pronoun(lexicon::Pronoun::They | lexicon::Pronoun::It)) {
        return None;
    }
    Some(participle_at(body, toks, lw, v, v, speaker))
}

/// The cue of a participle at `v` ("…, saying [that] …"), its attribution
/// from `attr_start`: the clause after it, or after its "that".
fn participle_at(body: &str, toks: &[Tok], lw: &[String], v: usize, attr_start: usize, speaker: RawSpeaker) -> Cue {
    let k = if lw.get(v + 1).is_some_and(|n| n == "that") { v + 2 } else { v + 1 };
    Cue {
        speaker,
        cue: toks[v].text(body).to_owned(),
        attr_start,
        attr_end: v + 1,
        content_from: Some(k),
        parenthetical: false,
        conf: 0.8,
        relay: false,
        needs_quote: false,
        content: Content::Clause,
    }
}

/// The sentence's subject before `end`, when a verb follows it ("Ivo
/// Tarn has …", "Quill defended …"): not "Vorn" in "Vorn boss Ivo
/// Tarn", nor an adjective opening the sentence ("Previous forecasts").
fn subject_with_verb(body: &str, toks: &[Tok], lw: &[String], end: usize) -> Option<RawSpeaker> {
    let sp = sentence_subject(body, &toks[..end])?;
    if !matches!(
        sp.class,
        speakers::Class::Named(_)
            | speakers::Class::Role(..)
            | speakers::Class::Institution
            | speakers::Class::Pronoun(lexicon::Pronoun::He | lexicon::Pronoun::She)
    ) {
        return None;
    }
    let next = toks.iter().position(|t| t.start >= sp.written.end)?;
    let verb = toks[next].word && !toks[next].is_cap(body) && lexicon::verb_form(&lw[next]);
    verb.then_some(sp)
}

/// A clause follows at `from`: "that", or a finite verb within the next
/// few words after its subject ("saying [the port] would close"), not a
/// noun phrase ("suggesting a deal").
fn clause_follows(toks: &[Tok], lw: &[String], from: usize) -> bool {
    if lw.get(from).is_some_and(|w| w == "that") {
        return true;
    }
    let words: Vec<&str> =
        lw.iter().zip(toks).skip(from).take(14).filter(|(_, t)| t.word).map(|(w, _)| w.as_str()).collect();
    enough(&toks[from.min(toks.len())..], &lw[from.min(lw.len())..], false)
        && words.iter().take(12).enumerate().skip(1).any(|(i, w)| {
            // ("explaining Syria's alleged involvement": an adjective.)
            let after_determiner = lexicon::determiner(words[i - 1]) || words[i - 1].ends_with("'s");
            lexicon::finite_aux(w)
                || lexicon::irregular_past(w)
                || (w.ends_with("ed") && w.len() > 4 && !after_determiner)
        })
}

/// The word at `v`, spelt like a cue, is a noun or an adjective here:
/// "this proposed zone", "the reported attack" (a participle after a
/// determiner); "the claims", "its warnings" (after an article or a
/// possessive); "CBO forecasts said …"; "Following claims that …", "amid
/// reports that …" (a plural after a preposition); "Insider reports
/// continue to …" (a plural before a verb).
fn noun_not_cue(lw: &[String], v: usize) -> bool {
    let Some(before) = v.checked_sub(1).and_then(|b| lw.get(b)).map(String::as_str) else { return false };
    let w = lw[v].as_str();
    let next = lw.get(v + 1).map_or("", String::as_str);
    let plural = w.ends_with('s') && !w.ends_with("ss");
    (w.ends_with("ed") && (lexicon::determiner(before) || matches!(before, "this" | "that")))
        || matches!(
            before,
            "the" | "a" | "an" | "this" | "these" | "those" | "its" | "their" | "our" | "my" | "your" | "whose"
        )
        || (w.ends_with('s') && matches!(next, "said" | "says" | "say"))
        || (plural
            && (matches!(
                before,
                "following" | "amid" | "despite" | "after" | "over" | "about" | "of" | "against" | "among"
            ) || matches!(next, "continue" | "suggest" | "indicate" | "show" | "remain" | "are" | "were" | "have")))
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
        // "Having said that, …" is a connective ("even so"), not a report.
        if w == "said"
            && v > 0
            && lw[v - 1] == "having"
            && lw.get(v + 1).is_some_and(|n| matches!(n.as_str(), "that" | "this" | "all"))
        {
            v += 1;
            continue;
        }
        if noun_not_cue(lw, v) {
            v += 1;
            continue;
        }
        let prev_speaker = cues.last().filter(|c| !c.relay).map(|c| c.speaker.clone());
        let found = if w == "according" && lw.get(v + 1).is_some_and(|n| n == "to") {
            according(body, toks, lw, v)
        } else if w == "quoted" {
            quoted_as_saying(body, toks, lw, v)
        } else if matches!(
            w,
            "stated" | "said" | "noted" | "announced" | "emphasized" | "emphasised" | "reported" | "declared"
        ) && v >= 2
            && lw.get(v + 1).is_some_and(|n| n == "by")
            && matches!(lw[v - 1].as_str(), "was" | "were" | "is")
            && matches!(lw[0].as_str(), "this" | "that" | "these" | "it")
        {
            stated_by(body, toks, lw, v)
        } else if let Some(c) = passive_by(body, toks, lw, v) {
            Some(c)
        } else if w == "citing" && v > 0 && toks[v - 1].is_punct(body, ',') {
            citing(body, toks, lw, v)
        } else if (v == 0 || (v <= 2 && toks[v - 1].is_punct(body, ',')))
            && matches!(w, "in")
            && lw.get(v + 1).is_some_and(|n| matches!(n.as_str(), "his" | "her"))
            && lw.get(v + 2).is_some_and(|n| matches!(n.as_str(), "opinion" | "view" | "words"))
            && toks.get(v + 3).is_some_and(|t| t.is_punct(body, ','))
        {
            // "In his opinion, …", "Therefore, in his opinion, …" (a view
            // given in an interview).
            let pronoun = &toks[v + 1..v + 2];
            speakers::parse(body, pronoun).map(|sp| Cue {
                speaker: sp,
                cue: format!("in {} {}", lw[v + 1], lw[v + 2]),
                attr_start: v,
                attr_end: v + 3,
                content_from: Some(v + 4),
                parenthetical: false,
                conf: 0.75,
                relay: false,
                needs_quote: false,
                content: Content::Clause,
            })
        } else if w == "clear"
            && lw.get(v + 1).is_some_and(|n| n == "that")
            && v >= 2
            && (matches!(lw[v - 1].as_str(), "been" | "made") || (lw[v - 1] == "it" && lw[v - 2] == "made"))
        {
            // "Zelenskyy has been clear that …", "Kyiv made it clear that …".
            let mut k = v - 1;
            while k > 0 && matches!(lw[k].as_str(), "been" | "made" | "it") {
                k -= 1;
            }
            let k = if matches!(lw[k].as_str(), "has" | "have" | "had" | "was" | "were" | "is" | "are") {
                k
            } else {
                k + 1
            };
            match subject_before(body, toks, lw, k) {
                Some(Subject::Phrase(sp)) => Some(Cue {
                    attr_start: sp_start(toks, &sp),
                    speaker: sp,
                    cue: "made clear".into(),
                    attr_end: v + 2,
                    content_from: Some(v + 2),
                    parenthetical: false,
                    conf: 0.8,
                    relay: false,
                    needs_quote: false,
                    content: Content::Clause,
                }),
                _ => None,
            }
        } else if v == 2
            && lw[0] == "attention"
            && matches!(lw[1].as_str(), "was" | "is")
            && w == "drawn"
            && lw.get(3).is_some_and(|n| n == "to")
        {
            // "Attention was drawn to …" (readouts): agentless, like below.
            Some(Cue {
                speaker: RawSpeaker {
                    written: toks[0].start..toks[0].end,
                    class: speakers::Class::Pronoun(lexicon::Pronoun::It),
                    role: None,
                },
                cue: "attention was drawn to".into(),
                attr_start: 0,
                attr_end: 4,
                content_from: Some(4),
                parenthetical: false,
                conf: 0.7,
                relay: false,
                needs_quote: false,
                content: Content::Clause,
            })
        } else if (2..=4).contains(&v)
            && lw[0] == "it"
            && matches!(lw[1].as_str(), "was" | "is" | "has")
            && lw[2..v].iter().all(|w| matches!(w.as_str(), "also" | "been" | "further" | "again" | "particularly"))
            && matches!(
                w,
                "stressed"
                    | "emphasised"
                    | "emphasized"
                    | "noted"
                    | "underlined"
                    | "underscored"
                    | "said"
                    | "stated"
                    | "highlighted"
                    | "reiterated"
                    | "pointed"
            )
            && lw.get(v + 1).is_some_and(|n| n == "that" || n == "out")
        {
            // "It was stressed that …": agentless; the caller finds the side.
            let k = if lw[v + 1] == "out" { v + 3 } else { v + 2 };
            speakers::parse(body, &toks[..1]).filter(|_| lw.get(k - 1).is_some_and(|t| t == "that")).map(|sp| Cue {
                speaker: sp,
                cue: toks[v].text(body).to_owned(),
                attr_start: 0,
                attr_end: k,
                content_from: Some(k),
                parenthetical: false,
                conf: 0.7,
                relay: false,
                needs_quote: false,
                content: Content::Clause,
            })
        } else if let Some(c) = possessive_speech(body, toks, lw, v, quoted) {
            Some(c)
        } else if let Some(c) = object_speech(body, toks, lw, v, prev_speaker.clone()) {
            Some(c)
        } else if let Some(c) = published_with_participle(body, toks, lw, v) {
            Some(c)
        } else if lexicon::participle_cue(w)
            && v > 0
            && (toks[v - 1].is_punct(body, ',')
                // "said Mykhailo Podolyak adding that …"
                || (w == "adding" && toks[v - 1].is_cap(body) && lw.get(v + 1).is_some_and(|n| n == "that")))
            && (matches!(w, "adding" | "saying" | "writing" | "telling")
                || lw.get(v + 1).is_some_and(|n| n == "that")
                // "…, Tarn said, claiming the mayor was …"
                || (lexicon::clause_participle(w) && clause_follows(toks, lw, v + 1)))
        {
            // The subject of the clause the participle hangs on: "…, though
            // the government denies this, claiming that …". With no "that"
            // after a participle that may take a noun, only a subject a verb
            // follows, and no passive's agent that could be the one speaking.
            let strict =
                !matches!(w, "adding" | "saying" | "writing" | "telling") && lw.get(v + 1).is_none_or(|n| n != "that");
            let speaker = if strict {
                (!passive_agent(body, toks, lw, v))
                    .then(|| {
                        clause_subject(body, toks, lw, v)
                            .or(prev_speaker)
                            .or_else(|| subject_with_verb(body, toks, lw, v))
                    })
                    .flatten()
            } else {
                clause_subject(body, toks, lw, v).or(prev_speaker).or_else(|| sentence_subject(body, &toks[..v]))
            };
            speaker.map(|speaker| participle_at(body, toks, lw, v, v - 1, speaker))
        } else if let Some(bare) = lexicon::speech_verb(w).filter(|_| !toks[v].is_cap(body) || v == 0) {
            // ("States" in "the United States" is no verb.)
            speech(body, toks, lw, v, bare, None)
                .or_else(|| outlet_remark(body, toks, lw, v).and_then(|sp| speech(body, toks, lw, v, bare, Some(sp))))
                .or_else(|| inverted(body, toks, lw, v))
                .or_else(|| relay(body, toks, lw, v))
        } else {
            None
        };
        // "welcomed Tarn's promise to …": a cue that needs quoted words and
        // has none after it says nothing, and must not hide what follows.
        let found = found.filter(|c| {
            !c.needs_quote || c.content_from.is_some_and(|f| quoted.get(f..).is_some_and(|q| q.iter().any(|&q| q)))
        });
        if let Some(c) = found {
            // Inside another statement's content, only a clause after a
            // comma, semicolon or dash is a statement of its own.
            if let Some(prev) = cues.last() {
                if prev.content_from.is_some_and(|f| f <= c.attr_start) && c.attr_start > 0 && c.content_from.is_some()
                {
                    let b = if toks[c.attr_start].word && lexicon::conjunction(&lw[c.attr_start]) {
                        c.attr_start
                    } else {
                        c.attr_start - 1
                    };
                    let ok = (!toks[b].word && matches!(lw[b].as_str(), "," | ";" | "—" | "–"))
                        || (!toks[c.attr_start].word && matches!(lw[c.attr_start].as_str(), "," | ";" | "—" | "–"))
                        || (toks[b].word
                            && matches!(lw[b].as_str(), "and" | "but" | "while" | "though" | "although" | "whereas")
                            && b > 0
                            && !toks[b - 1].word)
                        // "said the port was shut but added that …": the
                        // same subject's second statement.
                        || (c.attr_start >= 1
                            && matches!(lw[c.attr_start - 1].as_str(), "and" | "but")
                            && matches!(
                                lw[c.attr_start].as_str(),
                                "added" | "insisted" | "warned" | "stressed" | "argued" | "conceded" | "admitted"
                            )
                            && lw.get(c.attr_start + 1).is_some_and(|n| n == "that"))
                        // "…, even though US officials have said that …"
                        || (toks[b].word
                            && matches!(lw[b].as_str(), "though" | "as")
                            && b > 1
                            && lw[b - 1] == "even"
                            && !toks[b - 2].word);
                    if !ok {
                        v += 1;
                        continue;
                    }
                }
            }
            v = c.attr_end.max(v + 1);
            if let Some(from) = c.content_from {
                v = v.max(from);
            }
            // A cue inside quote marks is someone else's speech (a quoted
            // word in a relative clause between the speaker and the verb,
            // "Tarn, who called it a “trap”, said", is not).
            let span = c.attr_start..c.attr_end.min(toks.len());
            let own = |i: &usize| {
                let t = &toks[*i];
                (c.speaker.written.start <= t.start && t.end <= c.speaker.written.end) || *i + 1 == span.end
            };
            if span.clone().filter(own).any(|i| quoted[i]) {
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
        return Some(Cue {
            speaker: sp,
            cue,
            attr_start: v,
            attr_end: end,
            content_from: Some(k),
            parenthetical: false,
            conf: 0.85,
            relay: false,
            needs_quote: false,
            content: Content::Clause,
        });
    }
    if v > 0 && (toks[v - 1].is_punct(body, ',') || toks[v - 1].is_punct(body, '—')) {
        let parenthetical = end + 1 < toks.len()
            && toks[end].is_punct(body, ',')
            && toks[end + 1].word
            && !matches!(lw[end + 1].as_str(), "speaking" | "who" | "which" | "citing" | "adding" | "saying")
            && !lexicon::participle_cue(&lw[end + 1]);
        return Some(Cue {
            speaker: sp,
            cue,
            attr_start: v,
            attr_end: end,
            content_from: None,
            parenthetical,
            conf: 0.85,
            relay: false,
            needs_quote: false,
            content: Content::Clause,
        });
    }
    None
}

/// "This was stated by X": the statement is the previous sentence; marked
/// with `content_from: Some(usize::MAX)` for the caller.
fn stated_by(body: &str, toks: &[Tok], lw: &[String], v: usize) -> Option<Cue> {
    let (sp, end) = doc::phrase_after(body, toks, lw, v + 2, false)?;
    if v > 3 {
        return None;
    }
    Some(Cue {
        speaker: sp,
        cue: format!("{} by", toks[v].text(body)),
        attr_start: 0,
        attr_end: end,
        content_from: Some(usize::MAX),
        parenthetical: false,
        conf: 0.85,
        relay: false,
        needs_quote: false,
        content: Content::Clause,
    })
}

/// "New targets to cut delays have been announced by the lord chancellor",
/// "A call for shortlists has been rejected by Labour's chairman": the
/// subject the sentence opens with is what the agent said.
fn passive_by(body: &str, toks: &[Tok], lw: &[String], v: usize) -> Option<Cue> {
    const PARTICIPLES: &[&str] = &[
        "reported",
        "announced",
        "confirmed",
        "stated",
        "claimed",
        "denied",
        "rejected",
        "criticised",
        "criticized",
        "condemned",
        "welcomed",
        "praised",
        "dismissed",
        "disputed",
        "challenged",
        "hailed",
        "proposed",
        "suggested",
        "recommended",
        "unveiled",
        "outlined",
    ];
    // (Called for every word: the cheap test first.)
    if lw.get(v + 1).is_none_or(|n| n != "by") || v < 4 || !PARTICIPLES.contains(&lw[v].as_str()) {
        return None;
    }
    // "have been announced", "was rejected": the auxiliary opens the cue.
    let aux = match lw[v - 1].as_str() {
        "been" if matches!(lw[v - 2].as_str(), "has" | "have" | "had") => v - 2,
        "was" | "were" | "is" | "are" => v - 1,
        _ => return None,
    };
    // The subject opens the sentence and is a phrase of three words or more.
    // A noun phrase: no clause inside it ("Mr Tarn, 57, whose retirement
    // was announced by …", "If it gets its way, …").
    if aux < 3
        || toks[..aux].iter().filter(|t| t.word).nth(2).is_none()
        || !toks[0].word
        || matches!(lw[0].as_str(), "but" | "and" | "yet" | "so")
        || toks[..aux].iter().any(|t| t.is_punct(body, ',') || t.is_punct(body, ';') || t.is_punct(body, ':'))
        || lw[..aux].iter().any(|w| {
            matches!(w.as_str(), "which" | "who" | "whose" | "whom" | "that" | "if" | "when" | "while" | "because")
                || lexicon::finite_aux(w)
        })
    {
        return None;
    }
    let (speaker, end) = doc::phrase_after(body, toks, lw, v + 2, false)?;
    // ("by one of Labour's most senior Asians": someone the next sentence names.)
    if matches!(speaker.class, speakers::Class::Pronoun(_)) || lw.get(v + 2).is_some_and(|w| w == "one") {
        return None;
    }
    Some(Cue {
        speaker,
        cue: format!("{} by", toks[v].text(body)),
        attr_start: aux,
        attr_end: end,
        content_from: None,
        parenthetical: false,
        conf: 0.75,
        relay: false,
        needs_quote: false,
        content: Content::Clause,
    })
}

/// "…, Reuters is reporting, citing an unnamed source."
fn citing(body: &str, toks: &[Tok], lw: &[String], v: usize) -> Option<Cue> {
    let (sp, end) = doc::phrase_after(body, toks, lw, v + 1, true)?;
    if end < toks.len() && toks[end].word {
        return None;
    }
    // The content ends at the comma before the outlet's clause.
    let outlet_comma = (v.saturating_sub(12).max(1)..v - 1).rev().find(|&i| toks[i].is_punct(body, ','))?;
    Some(Cue {
        speaker: sp,
        cue: "citing".into(),
        attr_start: outlet_comma + 1,
        attr_end: end,
        content_from: None,
        parenthetical: false,
        conf: 0.8,
        relay: false,
        needs_quote: false,
        content: Content::Clause,
    })
}

/// "urged X to …", "called on X to …", "called for …", "accused X of …".
fn object_speech(body: &str, toks: &[Tok], lw: &[String], v: usize, prev: Option<RawSpeaker>) -> Option<Cue> {
    let w = lw[v].as_str();
    let framed = frame(body, toks, lw, v);
    let (from, cue_end) = if let Some(f) = framed {
        f
    } else {
        match w {
            "urged" | "urges" | "urging" | "encouraged" | "encourages" | "encouraging" => (v + 1, v + 1),
            "argued" | "argues" | "arguing" if lw.get(v + 1).is_some_and(|n| n == "for") => (v + 2, v + 2),
            // "threatened to block …", "offered to withdraw …": the infinitive.
            "threatened" | "threatens" | "vowed" | "vows" | "pledged" | "pledges" | "promised" | "promises"
            | "offered" | "offers"
                if lw.get(v + 1).is_some_and(|n| n == "to") =>
            {
                (v + 1, v + 1)
            }
            // "warned of …", "boasted of …".
            "warned" | "warns" | "boasted" | "boasts" if lw.get(v + 1).is_some_and(|n| n == "of") => (v + 2, v + 2),
            // "criticised X for …".
            "criticised" | "criticized" | "criticises" | "criticizes" | "condemned" | "condemns"
                if (v + 2..toks.len().min(v + 8)).take_while(|&i| toks[i].word).any(|i| lw[i] == "for") =>
            {
                (v + 1, v + 1)
            }
            "called" | "calls" | "calling" if lw.get(v + 1).is_some_and(|n| n == "on" || n == "for") => (v + 2, v + 2),
            // "described as both “productive” by Steve Witkoff" (passive).
            "described" | "called" | "branded" | "labelled" | "labeled"
                if lw.get(v + 1).is_some_and(|n| n == "as")
                    && (v + 2..toks.len().min(v + 16)).any(|i| lw[i] == "by") =>
            {
                let by = (v + 2..toks.len().min(v + 16)).find(|&i| lw[i] == "by")?;
                let (sp, end) = doc::phrase_after(body, toks, lw, by + 1, false)?;
                return Some(Cue {
                    speaker: sp,
                    cue: format!("{} as", toks[v].text(body)),
                    attr_start: by,
                    attr_end: end,
                    content_from: Some(v + 2),
                    parenthetical: false,
                    conf: 0.8,
                    relay: false,
                    needs_quote: true,
                    content: Content::Clause,
                });
            }
            // "spoke of a “tense” opening session".
            "spoke" | "speaks" | "talked" | "talks" if lw.get(v + 1).is_some_and(|n| n == "of") => (v + 2, v + 2),
            _ if lexicon::evaluative_verb(w) => (v + 1, v + 1),
            "accused" | "accuses" | "accusing" => {
                let of = (v + 1..toks.len().min(v + 9)).take_while(|&i| toks[i].word).find(|&i| lw[i] == "of")?;
                (of + 1, of + 1)
            }
            // "stressed the importance of …", "expressed serious concern about …",
            // "warned against …", "demanded …", "insists on …".
            "noted" | "notes" | "stressed" | "stresses" | "emphasised" | "emphasized" | "highlighted"
            | "underlined" | "underscored" | "pointed"
                if lw.get(v + 1).is_some_and(|n| n == "the")
                    && lw.get(v + 2).is_some_and(|n| matches!(n.as_str(), "importance" | "need" | "necessity")) =>
            {
                (v + 1, v + 1)
            }
            "expressed" | "expresses"
                if (v + 1..toks.len().min(v + 4)).any(|i| {
                    matches!(
                        lw[i].as_str(),
                        "concern"
                            | "concerns"
                            | "hope"
                            | "conviction"
                            | "belief"
                            | "certainty"
                            | "confidence"
                            | "readiness"
                            | "regret"
                            | "interest"
                            | "support"
                            | "willingness"
                            | "openness"
                    )
                }) && (v + 2..toks.len().min(v + 6)).any(|i| {
                    matches!(lw[i].as_str(), "about" | "over" | "that" | "for" | "to" | "with" | "regarding")
                }) =>
            {
                (v + 1, v + 1)
            }
            "warned" | "warns" if lw.get(v + 1).is_some_and(|n| n == "against") => (v + 2, v + 2),
            // "denied having …", "admitted taking …": a gerund carries the claim.
            "denied" | "denies" | "denying" | "admitted" | "admits" | "admitting"
                if lw.get(v + 1).is_some_and(|n| {
                    n.len() > 5
                        && n.ends_with("ing")
                        && !matches!(n.as_str(), "nothing" | "anything" | "something" | "everything" | "wrongdoing")
                }) =>
            {
                (v + 1, v + 1)
            }
            // "mentioned the order to call off …", "mentioned, for example, the
            // large group of …" (readouts): the object is the statement.
            "mentioned" | "mentions" => {
                let mut k = v + 1;
                if lw.get(k).is_some_and(|n| n == ",") {
                    k = (k + 1..toks.len().min(k + 5)).find(|&i| lw[i] == ",")? + 1;
                }
                if !lw
                    .get(k)
                    .is_some_and(|n| matches!(n.as_str(), "the" | "a" | "an" | "his" | "her" | "its" | "their"))
                {
                    return None;
                }
                (k, v + 1)
            }
            "demanded" | "demands" if lw.get(v + 1).is_some_and(|n| n != "that") => (v + 1, v + 1),
            // "drew President Macron's attention to …" (readouts).
            "drew" | "draws" | "drawing" => {
                let to = (v + 1..toks.len().min(v + 8))
                    .take_while(|&i| toks[i].word)
                    .find(|&i| lw[i] == "to" && lw[i - 1] == "attention")?;
                (to + 1, to + 1)
            }
            // "emphasised the extremely rough treatment of …": a statement whose
            // object carries its content (readouts), at least four words long.
            "emphasised" | "emphasized" | "stressed" | "underscored" | "underlined" | "reaffirmed" | "reiterated"
                if lw.get(v + 1).is_some_and(|n| {
                    matches!(n.as_str(), "the" | "his" | "her" | "its" | "their" | "russia's" | "ukraine's")
                }) && toks[v + 1..].iter().take(7).take_while(|t| t.word).count() >= 7
                    && !toks[v + 1..].iter().take(7).take_while(|t| t.word).any(|t| {
                        matches!(
                            lower(body, t).as_str(),
                            "that" | "was" | "were" | "is" | "are" | "had" | "has" | "would" | "will"
                        )
                    }) =>
            {
                (v + 1, v + 1)
            }
            _ => return None,
        }
    };
    if from >= toks.len() || !(toks[from].word || matches!(lw[from].as_str(), "“" | "\"" | "‘" | "«")) {
        return None;
    }
    // "attacked what he called “…”": the statement is the term's, below.
    if lexicon::evaluative_verb(w) && lw[from] == "what" {
        return None;
    }
    // ("The Lib Dems are asking …" is progressive, not a participle.)
    let progressive = v > 0 && matches!(lw[v - 1].as_str(), "is" | "are" | "was" | "were");
    let participle = w.ends_with("ing") && !progressive;
    let mut elided = participle;
    // "attacked what he called “…”": the speaker of the term is the one
    // between "what" and the verb.
    let what = (2..=3)
        .filter(|&n| v >= n && lw[v - n] == "what" && toks[v - n + 1..v].iter().all(|t| t.word))
        .find_map(|n| speakers::parse(body, &toks[v - n + 1..v]).map(|sp| (n, sp)))
        .filter(|(_, sp)| matches!(sp.class, speakers::Class::Pronoun(_) | speakers::Class::Named(_)))
        .filter(|_| {
            matches!(w, "called" | "calls" | "termed" | "terms" | "dubbed" | "dubs" | "described" | "describes")
        });
    if let Some((n, sp)) = what {
        let from = v + 1;
        if from >= toks.len() || !matches!(lw[from].as_str(), "“" | "\"" | "‘" | "«" | "a" | "an" | "the") {
            return None;
        }
        return Some(Cue {
            speaker: sp,
            cue: toks[v].text(body).to_owned(),
            attr_start: v - n,
            attr_end: v + 1,
            content_from: Some(from),
            parenthetical: false,
            conf: 0.8,
            relay: false,
            needs_quote: true,
            content: Content::Clause,
        });
    }
    let sp = if participle {
        if v == 0 || !toks[v - 1].is_punct(body, ',') {
            return None;
        }
        prev.or_else(|| sentence_subject(body, &toks[..v]))?
    } else {
        match subject_before(body, toks, lw, v) {
            Some(Subject::Phrase(sp)) => sp,
            Some(Subject::Elided) => {
                elided = true;
                sentence_subject(body, &toks[..v])?
            }
            None => doc::appositive_subject_before(body, toks, lw, v)?,
        }
    };
    let attr_start = if elided { v.saturating_sub(1) } else { sp_start(toks, &sp).min(v) };
    let cue = body.get(toks[v].start..toks[cue_end - 1].end).unwrap_or(w).to_owned();
    let needs_quote = framed.is_none()
        && ((lexicon::evaluative_verb(w) && cue_end == v + 1)
            || w.starts_with("argu")
            || matches!(w, "spoke" | "speaks" | "talked" | "talks"));
    Some(Cue {
        speaker: sp,
        cue,
        attr_start,
        attr_end: cue_end,
        content_from: Some(from),
        parenthetical: false,
        conf: 0.8,
        relay: false,
        needs_quote,
        content: if framed.is_some() { Content::Phrase } else { Content::Clause },
    })
}

/// "Vorn's demand that Tarn withdraw", "U.S. President Ivo Tarn's call for
/// talks", "Tarn's stated aim of …": a statement named by a noun after the
/// possessive of its speaker (a name, an institution or a role; not "his").
fn possessive_speech(body: &str, toks: &[Tok], lw: &[String], v: usize, quoted: &[bool]) -> Option<Cue> {
    let noun = lw[v].as_str();
    let stated = v >= 2 && matches!(lw[v - 1].as_str(), "stated" | "declared");
    let opens: &[&str] = match lexicon::speech_noun_openers(noun) {
        Some(after) if !after.is_empty() => after,
        _ if stated => &["of", "to", "that"],
        _ => return None,
    };
    let opener = lw.get(v + 1).filter(|n| opens.contains(&n.as_str()))?;
    // The possessive, past at most two adjectives ("Tarn's renewed call").
    let mut p = v.checked_sub(1)?;
    for _ in 0..2 {
        if p > 0 && toks[p].word && tokens::stem(&lw[p]) == lw[p] && !toks[p].is_cap(body) {
            p -= 1;
        }
    }
    let w = &lw[p];
    if !toks[p].word || quoted[p] || tokens::stem(w) == w.as_str() {
        return None;
    }
    // The speaker phrase: capitalised words, roles and titles before it.
    let mut k = p;
    while k > 0 && p - k < 6 && toks[k - 1].word && !quoted[k - 1] {
        let x = tokens::stem(&lw[k - 1]);
        let part = toks[k - 1].is_cap(body)
            || matches!(x, "the" | "of")
            || lexicon::role_head(x)
            || lexicon::title(x)
            || lexicon::nationality(x);
        if !part {
            break;
        }
        k -= 1;
    }
    let mut phrase: Vec<Tok> = toks[k..=p].to_vec();
    let last = phrase.last_mut()?;
    let text = last.text(body);
    let cut = ["'s", "’s", "'", "’"].iter().find(|s| text.ends_with(*s))?.len();
    last.end -= cut;
    let (sp, at) = (k..=p).find_map(|i| {
        let sp = speakers::parse(body, &phrase[i - k..])?;
        (!matches!(sp.class, speakers::Class::Pronoun(_))).then_some((sp, i))
    })?;
    let from = if opener == "to" { v + 1 } else { v + 2 };
    // "He confirmed Tarn's insistence that …": the object of a verb of
    // saying is what its subject says.
    let (sp, at) = match at.checked_sub(1).filter(|&b| toks[b].word && lexicon::speech_verb(&lw[b]).is_some()) {
        Some(b) => match subject_before(body, toks, lw, b) {
            Some(Subject::Phrase(outer)) => {
                let at = sp_start(toks, &outer);
                (outer, at)
            }
            _ => return None,
        },
        None => (sp, at),
    };
    Some(Cue {
        speaker: sp,
        cue: body.get(toks[v].start..toks[v + 1].end).unwrap_or(noun).to_owned(),
        attr_start: at,
        attr_end: from,
        content_from: Some(from),
        parenthetical: false,
        conf: 0.75,
        relay: false,
        needs_quote: false,
        content: Content::Phrase,
    })
}

/// Where a frame of `object_frames.txt` puts the statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum After {
    Object,
    Particle(&'static str),
    ObjectThen(&'static str),
    /// An object headed by a noun of `speech_nouns.txt`.
    Naming,
    /// An object of five words or more that carries a complement.
    Content,
    /// As `Content`, with a noun of `claim_nouns.txt` in its first five
    /// words.
    Claim,
}

/// The nouns of `claim_nouns.txt`.
static CLAIM_NOUNS: LazyLock<std::collections::HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("claim_nouns.txt").lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
});

/// The verb frames of `object_frames.txt` by verb form, looked up for every word of a sentence (a
/// form listed twice keeps its first frame).
static FRAMES: LazyLock<HashMap<&'static str, After>> = LazyLock::new(|| {
    let mut frames = HashMap::new();
    for line in include_str!("object_frames.txt").lines() {
        let line = line.split('#').next().unwrap_or("");
        let Some((forms, spec)) = line.split_once('|') else { continue };
        let spec: Vec<&str> = spec.split_whitespace().collect();
        let after = match spec.as_slice() {
            ["object"] => After::Object,
            ["naming"] => After::Naming,
            ["content"] => After::Content,
            ["claim"] => After::Claim,
            ["object", then] => After::ObjectThen(then),
            [particle] => After::Particle(particle),
            _ => continue,
        };
        for f in forms.split_whitespace() {
            frames.entry(f).or_insert(after);
        }
    }
    frames
});

/// "recommended fifteen changes", "insisted on …", "asked the regulator to
/// …", "put the losses at 1,200": a frame of `object_frames.txt` whose
/// shape the sentence has. Returns where the statement starts and where
/// the cue ends.
fn frame(body: &str, toks: &[Tok], lw: &[String], v: usize) -> Option<(usize, usize)> {
    let w = lw[v].as_str();
    let after = *FRAMES.get(w)?;
    // "was proposed", "had been asked": a passive is not the speaker's act.
    if !w.ends_with("ing")
        && v > 0
        && matches!(lw[v - 1].as_str(), "was" | "were" | "is" | "are" | "be" | "been" | "being")
    {
        return None;
    }
    toks.get(v + 1).filter(|t| t.word)?;
    let n = lw[v + 1].as_str();
    match after {
        After::Particle(p) => (n == p).then_some((v + 2, v + 2)),
        After::Object => {
            let plain =
                !matches!(n, "that" | "to" | "it" | "this" | "them" | "him" | "her" | "what" | "how" | "whether")
                    && !PREPOSITION_START.contains(&n)
                    && !lexicon::weekday(n);
            plain.then_some((v + 1, v + 1))
        }
        After::Content | After::Claim => {
            // "welcomed efforts to improve competitiveness", "rejected calls
            // for the advice to be published"; not "welcomed the delegation"
            // nor "welcomed Ivo Tarn to Vornby".
            let words = toks[v + 1..].iter().take_while(|t| t.word).count();
            let opens = lexicon::determiner(n)
                || matches!(n, "his" | "her" | "its" | "their" | "our")
                || n.ends_with("'s")
                || n.ends_with("’s")
                || !toks[v + 1].is_cap(body);
            let plain = opens
                && lexicon::pronoun(n).is_none()
                && !matches!(n, "that" | "to" | "this" | "these" | "those" | "what" | "how" | "whether")
                && !PREPOSITION_START.contains(&n)
                && !lexicon::weekday(n);
            let complement = (v + 2..v + 1 + words).any(|i| {
                matches!(
                    lw[i].as_str(),
                    "to" | "for" | "of" | "on" | "that" | "by" | "from" | "over" | "about" | "against"
                )
            });
            // "rejected Vorn's demand that …", "rejected critics' calls":
            // the demand is Vorn's statement, not the subject's.
            let possessive =
                |w: &String| w.ends_with("'s") || w.ends_with("’s") || w.ends_with("s'") || w.ends_with("s’");
            let possessor = (v + 1..v + 1 + words.min(4)).any(|i| {
                possessive(&lw[i]) && lw[i + 1..v + 1 + words].iter().take(2).any(|n| lexicon::speech_noun(n))
            });
            let claim = after != After::Claim
                || (!possessor && lw[v + 1..v + 1 + words.min(5)].iter().any(|w| CLAIM_NOUNS.contains(w.as_str())));
            (plain && words >= 5 && complement && claim).then_some((v + 1, v + 1))
        }
        After::Naming => {
            let head = (v + 1..toks.len().min(v + 5)).take_while(|&i| toks[i].word).find(|&i| {
                lexicon::speech_noun_openers(&lw[i])
                    .is_some_and(|after| lw.get(i + 1).is_some_and(|o| after.contains(&o.as_str())))
            })?;
            (head > v).then_some((v + 1, v + 1))
        }
        After::ObjectThen(then) => {
            if matches!(n, "that" | "to" | "as" | "at" | "on") || PREPOSITION_START.contains(&n) {
                return None;
            }
            let i = (v + 2..toks.len().min(v + 10)).take_while(|&i| toks[i].word).find(|&i| lw[i] == then)?;
            let number = |x: &str| {
                x.starts_with(|c: char| c.is_ascii_digit())
                    || lexicon::number_word(x)
                    || matches!(
                        x,
                        "about"
                            | "around"
                            | "roughly"
                            | "nearly"
                            | "over"
                            | "more"
                            | "some"
                            | "least"
                            | "up"
                            | "between"
                            | "almost"
                            | "approximately"
                            | "just"
                            | "well"
                    )
            };
            match then {
                "to" => Some((i, v + 1)),
                "at" => lw.get(i + 1).is_some_and(|x| number(x)).then_some((v + 1, v + 1)),
                _ => Some((v + 1, v + 1)),
            }
        }
    }
}

/// "… repeated by Home Secretary Ivo Tarn who said …", "Ivo Tarn, who said
/// …": a named person, then "who" right before the verb. Only a name: "a
/// union leader who said" may be someone the article names later.
fn named_before_who(body: &str, toks: &[Tok], lw: &[String], v: usize) -> Option<RawSpeaker> {
    let mut w = v;
    while w > 0 && toks[w - 1].word && lexicon::aux_or_adverb_as_written(&lw[w - 1], toks[w - 1].is_cap(body)) {
        w -= 1;
    }
    if w < 2 || lw[w - 1] != "who" {
        return None;
    }
    let end = if toks[w - 2].is_punct(body, ',') { w - 2 } else { w - 1 };
    let mut start = end;
    while start > 0
        && end - start < 6
        && toks[start - 1].word
        && (toks[start - 1].is_cap(body) || lexicon::title(&lw[start - 1]))
    {
        start -= 1;
    }
    let sp = (start..end).find_map(|s| speakers::parse(body, &toks[s..end]))?;
    matches!(sp.class, speakers::Class::Named(_)).then_some(sp)
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
    Some(Cue {
        attr_start: sp_start(toks, &sp),
        speaker: sp,
        cue: "quoted as saying".into(),
        attr_end: k + 1,
        content_from: Some(from),
        parenthetical: false,
        conf: 0.85,
        relay: false,
        needs_quote: false,
        content: Content::Clause,
    })
}

fn sp_start(toks: &[Tok], sp: &RawSpeaker) -> usize {
    toks.iter().position(|t| t.start >= sp.written.start).unwrap_or(0)
}

const AUDIENCE: &[&str] = &[
    "reporters",
    "journalists",
    "reuters",
    "afp",
    "ap",
    "tass",
    "interfax",
    "cnn",
    "bbc",
    "axios",
    "politico",
    "bloomberg",
    "me",
    "us",
    "him",
    "her",
    "them",
    "lawmakers",
    "parliament",
    "the",
    "a",
    "an",
    "state",
    "his",
    "her",
    "their",
    "ria",
    "abc",
    "nbc",
    "cbs",
    "fox",
];

const PREPOSITION_START: &[&str] = &[
    "on",
    "in",
    "at",
    "after",
    "during",
    "before",
    "following",
    "via",
    "with",
    "without",
    "from",
    "to",
    "while",
    "when",
    "ahead",
    "speaking",
    "as",
    "through",
    "upon",
    "amid",
    "over",
    "online",
];

/// "X said …", "…, X told Reuters.", "A, he said, B".
fn speech(body: &str, toks: &[Tok], lw: &[String], v: usize, bare: bool, given: Option<RawSpeaker>) -> Option<Cue> {
    if lw.get(v + 1).is_some_and(|n| n == "by") {
        return None;
    }
    let subject = match given {
        Some(sp) => Some(Subject::Phrase(sp)),
        None => subject_before(body, toks, lw, v),
    };
    let (sp, elided) = match subject {
        Some(Subject::Phrase(sp)) => (sp, false),
        Some(Subject::Elided) => (sentence_subject(body, &toks[..v])?, true),
        None => match doc::appositive_subject_before(body, toks, lw, v) {
            Some(sp) => (sp, false),
            None => (named_before_who(body, toks, lw, v)?, false),
        },
    };
    let mut attr_start = if elided { v } else { sp_start(toks, &sp) };
    // "a survey showed": a data display, not a statement (a report's
    // "shows" is one).
    if matches!(lw[v].as_str(), "shows" | "showed") {
        let phrase = body.get(sp.written.clone()).unwrap_or("").to_lowercase();
        if ["survey", "poll", "data", "statistic", "figures", "map", "chart"].iter().any(|w| phrase.contains(w)) {
            return None;
        }
    }
    let mut sp = sp;
    // "Tymofei, a military medic with the battalion told …": the name
    // before an indefinite apposition is the speaker.
    if matches!(sp.class, speakers::Class::Anonymous)
        && attr_start >= 2
        && toks[attr_start - 1].is_punct(body, ',')
        && matches!(lw[attr_start].as_str(), "a" | "an")
    {
        let mut b = attr_start - 1;
        while b > 0 && toks[b - 1].is_cap(body) && attr_start - 1 - b < 4 {
            b -= 1;
        }
        if b < attr_start - 1 {
            if let Some(named) =
                speakers::parse(body, &toks[b..attr_start - 1]).filter(|n| matches!(n.class, speakers::Class::Named(_)))
            {
                sp = named;
                attr_start = b;
            }
        }
    }
    let told = matches!(lw[v].as_str(), "told" | "tells");
    let object_verb = told
        || matches!(
            lw[v].as_str(),
            "warned"
                | "warns"
                | "assured"
                | "assures"
                | "informed"
                | "informs"
                | "reminded"
                | "reminds"
                | "promised"
                | "promises"
        );
    let mut k = v + 1;
    let mut that = false;
    if object_verb {
        // The listener: up to "that", or a known audience word.
        let that_at = (k..toks.len().min(k + 8)).take_while(|&i| toks[i].word).find(|&i| lw[i] == "that");
        if let Some(t) = that_at {
            k = t + 1;
            that = true;
        } else if told
            && (k < toks.len() && toks[k].word && AUDIENCE.contains(&lw[k].as_str())
                || toks.get(k).is_some_and(|t| t.is_cap(body)))
        {
            // "told Reuters", "told the state-owned Rossiya-24 channel".
            let mut e = k;
            while e < toks.len()
                && toks[e].word
                && e - k < 7
                // ("told the Vorn Gazette his concern was …": "his" opens
                // the clause; only the first word may be a determiner.)
                && (e == k || !matches!(lw[e].as_str(), "his" | "her" | "their" | "the" | "a" | "an"))
                && (toks[e].is_cap(body)
                    || AUDIENCE.contains(&lw[e].as_str())
                    || lexicon::outlet(&lw[e])
                    || matches!(
                        lw[e].as_str(),
                        "state-owned"
                            | "state-run"
                            | "russian"
                            | "ukrainian"
                            | "news"
                            | "agency"
                            | "newspaper"
                            | "television"
                            | "channel"
                            | "broadcaster"
                            | "outlet"
                            | "radio"
                            | "tv"
                            | "media"
                            | "programme"
                            | "program"
                            | "show"
                    ))
            {
                e += 1;
            }
            // "told his aides …": a determiner's noun is the audience's.
            if e == k + 1
                && matches!(lw[k].as_str(), "his" | "her" | "their" | "the" | "a" | "an")
                && toks.get(e).is_some_and(|t| t.word && !t.is_cap(body))
            {
                e += 1;
            }
            k = e;
            // "told BBC Radio Four's the World at One his concern was …": a
            // programme's title runs on; the clause opens with a subject
            // and its finite verb a few words later.
            if k < toks.len() && !toks[k].is_cap(body) && lw[k] != "that" {
                let opens = |p: usize| {
                    matches!(
                        lw[p].as_str(),
                        "his"
                            | "her"
                            | "their"
                            | "its"
                            | "there"
                            | "it"
                            | "he"
                            | "she"
                            | "they"
                            | "we"
                            | "the"
                            | "a"
                            | "an"
                    ) && (p + 1..toks.len().min(p + 5))
                        .take_while(|&i| toks[i].word)
                        .any(|i| lexicon::finite_aux(&lw[i]))
                };
                if let Some(p) = (k..toks.len().min(k + 8)).take_while(|&i| toks[i].word).find(|&p| opens(p)) {
                    k = p;
                }
            }
        } else if told {
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
    // An adverbial we do not know ("after a meeting of …"): look for "that"
    // a little further; else it runs to the end and the cue is trailing.
    let mut adverbial_tail = false;
    // "said as many as 3,000 firms …": a quantity, not an adverbial.
    let quantity = lw.get(k).is_some_and(|w| w == "as")
        && lw.get(k + 1).is_some_and(|w| matches!(w.as_str(), "many" | "much" | "few" | "little"))
        && lw.get(k + 2).is_some_and(|w| w == "as");
    if !that && !quantity && k < toks.len() && toks[k].word && PREPOSITION_START.contains(&lw[k].as_str()) {
        // A full stop after "U.S" or "Jan" is no stop.
        let abbreviation = |i: usize| {
            i > 0 && toks[i - 1].word && (lw[i - 1].contains('.') || lw[i - 1].len() <= 3 && toks[i - 1].is_cap(body))
        };
        let stop = (k..toks.len().min(k + 40))
            .find(|&i| {
                !toks[i].word
                    && matches!(lw[i].as_str(), "." | ";" | "“" | "\"" | "”" | ":" | "!" | "?")
                    && !(lw[i] == "." && abbreviation(i))
            })
            .unwrap_or(toks.len().min(k + 40));
        // "said during his years in Parliament he had seen …": a subject
        // pronoun and its finite verb after the phrase open a bare clause;
        // a phrase of four words or fewer is the cue's ("said on Monday he
        // would …"), a longer one the clause's own.
        let pronoun_clause = (k + 2..stop.min(k + 14)).find(|&i| {
            toks[i].word
                && toks[i - 1].word
                && matches!(lw[i].as_str(), "he" | "she" | "they" | "we" | "i" | "it" | "there")
                && lw.get(i + 1).is_some_and(|w| lexicon::finite_aux(w) || lexicon::irregular_past(w))
        });
        if let Some(t) = (k..stop.min(k + 16)).find(|&i| lw[i] == "that" && toks[i - 1].word) {
            k = t + 1;
            that = true;
        } else if let Some(p) = pronoun_clause {
            if p - k <= 4 {
                k = p;
            }
            that = true;
        } else if stop < k + 40 && toks[k..stop].iter().filter(|t| t.word).count() <= 14 {
            adverbial_tail = true;
        } else {
            return None;
        }
    }
    let conf = if matches!(sp.class, speakers::Class::Pronoun(_)) { 0.8 } else { 0.85 };
    let cue_end = if that { k.saturating_sub(2) } else { k.saturating_sub(1) };
    let cue = body.get(toks[v].start..toks[cue_end.max(v).min(toks.len() - 1)].end).unwrap_or("said").to_owned();
    let cue = if cue.len() > 60 || adverbial_tail { toks[v].text(body).to_owned() } else { cue };
    let mut at_end = k >= toks.len()
        || (!that
            && (adverbial_tail
                || (!toks[k].word && matches!(lw[k].as_str(), "." | "," | ";" | "!" | "?" | "—" | "–" | ")"))));
    // A "that"-verb takes a bare clause when a subject pronoun or a finite
    // clause follows: "claimed it was …", "declared the talks were …".
    let finite_clause = !that && k < toks.len() && toks[k].word && {
        let w = lw[k].as_str();
        matches!(w, "it" | "he" | "she" | "they" | "we" | "there" | "i")
            || (!matches!(w, "to" | "that" | "of" | "for" | "about" | "on" | "in" | "at" | "with" | "by")
                // (Quote marks do not end it: "warned the “costs could …”".)
                && toks[k + 1..]
                    .iter()
                    .filter(|t| t.word || !matches!(t.text(body), "“" | "\""))
                    .take(6)
                    .take_while(|t| t.word)
                    .any(|t| {
                        let w = lower(body, t);
                        lexicon::finite_aux(&w) && !matches!(w.as_str(), "did" | "do" | "does" | "might" | "may")
                    }))
    };
    // A short remainder ("messaging app.") is more adverbial, not a clause;
    // one with a verb after its first word is one ("questions remained
    // unanswered", "prices rose").
    let short_clause = toks[k..].iter().take(3).take_while(|t| t.word).skip(1).any(|t| {
        let w = lower(body, t);
        (w.len() > 4 && w.ends_with("ed")) || lexicon::finite_aux(&w) || lexicon::irregular_past(&w)
    });
    if !at_end
        && !that
        && !finite_clause
        && !short_clause
        && toks[k..].iter().take(5).take_while(|t| t.word).count() < 4
        && toks[k..].iter().find(|t| !t.word).is_none_or(|t| !t.is_punct(body, '“') && !t.is_punct(body, '"'))
    {
        let rest_words = toks[k..].iter().take(5).take_while(|t| t.word).count();
        let after = toks.get(k + rest_words);
        // "said the bill, which brings …, had …": a subject with a relative clause.
        let relative = after.is_some_and(|t| t.is_punct(body, ','))
            && lw.get(k + rest_words + 1).is_some_and(|w| matches!(w.as_str(), "which" | "who" | "whose"));
        // "said Vornish firms, keen to protect their margins, were …": a
        // subject with an apposition, then its verb after the second comma.
        // "said Vornish, Brellish and Ostish schools must …": a listed
        // subject, its finite verb after the list.
        let apposed = after.is_some_and(|t| t.is_punct(body, ',')) && {
            let from = k + rest_words + 1;
            (from..toks.len().min(from + 16))
                .take_while(|&i| toks[i].word || toks[i].is_punct(body, ',') || toks[i].is_punct(body, '-'))
                .any(|i| toks[i].word && lexicon::finite_aux(&lw[i]))
        };
        let relative = relative || apposed;
        if !relative && after.is_none_or(|t| t.is_punct(body, '.') || t.is_punct(body, ',')) {
            at_end = true;
            k += rest_words;
        }
    }
    if that || (!at_end && (bare || finite_clause) && !told) || (!at_end && told && k > v + 1) {
        if at_end {
            return None;
        }
        return Some(Cue {
            speaker: sp,
            cue,
            attr_start,
            attr_end: k,
            content_from: Some(k),
            parenthetical: false,
            conf,
            relay: false,
            needs_quote: false,
            content: Content::Clause,
        });
    }
    if !at_end {
        return None;
    }
    // "…, President Putin remarked: “…”": the quote after the colon is the
    // statement (the direct pass's), not the words before.
    if k < toks.len() && toks[k].is_punct(body, ':') {
        return None;
    }
    // Trailing attribution: the content is before the subject, which must
    // open a clause after a comma or dash.
    if elided || attr_start == 0 {
        return None;
    }
    let before = &toks[attr_start - 1];
    // "…, as Podoliak noted, …"
    let as_clause = lw[attr_start - 1] == "as" && (attr_start == 1 || !toks[attr_start - 2].word);
    if !(before.is_punct(body, ',')
        || as_clause
        || before.is_punct(body, '—')
        || before.is_punct(body, '–')
        || before.is_punct(body, '”')
        || before.is_punct(body, '"'))
    {
        return None;
    }
    let rest_from = if adverbial_tail {
        (k..toks.len().min(k + 40)).find(|&i| toks[i].is_punct(body, ',')).unwrap_or(toks.len())
    } else {
        k
    };
    let parenthetical = !adverbial_tail
        && rest_from < toks.len()
        && (toks[rest_from].is_punct(body, ',')
            || ((toks[rest_from].is_punct(body, '–') || toks[rest_from].is_punct(body, '—')) && as_clause))
        && toks[rest_from + 1..].iter().take(4).filter(|t| t.word).count() >= 2
        && !toks.get(rest_from + 1).is_some_and(|t| {
            lexicon::participle_cue(&lw[rest_from + 1])
                || matches!(
                    lw[rest_from + 1].as_str(),
                    "according" | "citing" | "which" | "who" | "urging" | "calling" | "accusing"
                )
                || !t.word
        });
    // "ArcelorMittal lost 10% of its output, it said": "it" is the
    // subject of the sentence it closes, an organisation.
    if matches!(sp.class, speakers::Class::Pronoun(lexicon::Pronoun::It)) {
        if let Some(subject) = sentence_subject(body, &toks[..attr_start - 1]) {
            let subject_end = toks.iter().position(|t| t.start >= subject.written.end).unwrap_or(0);
            let verb_next = toks.get(subject_end).is_some_and(|t| {
                t.word
                    && !t.is_cap(body)
                    && (lw[subject_end].ends_with("ed")
                        || lexicon::aux_or_adverb(&lw[subject_end])
                        || lexicon::negation(&lw[subject_end]))
            });
            match subject.class {
                speakers::Class::Named(_) | speakers::Class::Institution if verb_next => {
                    sp = RawSpeaker { class: speakers::Class::Institution, role: None, written: subject.written };
                }
                _ => {}
            }
        }
    }
    Some(Cue {
        speaker: sp,
        cue,
        attr_start,
        attr_end: rest_from,
        content_from: None,
        parenthetical,
        conf,
        relay: false,
        needs_quote: false,
        content: Content::Clause,
    })
}

/// "…, said President Ada Quill." — verb before its subject, at the end.
fn inverted(body: &str, toks: &[Tok], lw: &[String], v: usize) -> Option<Cue> {
    let after_comma = v > 0
        && (toks[v - 1].is_punct(body, ',')
            || toks[v - 1].is_punct(body, '—')
            || (v > 1
                && (toks[v - 1].is_punct(body, '”') || toks[v - 1].is_punct(body, '"'))
                && toks[v - 2].is_punct(body, ',')));
    if !after_comma
        || !matches!(
            lw[v].as_str(),
            "said"
                | "says"
                | "added"
                | "adds"
                | "wrote"
                | "writes"
                | "argued"
                | "argues"
                | "insisted"
                | "insists"
                | "warned"
                | "warns"
                | "claimed"
                | "claims"
                | "explained"
                | "stressed"
                | "noted"
                | "admitted"
                | "conceded"
                | "continued"
                | "concluded"
                | "suggested"
                | "countered"
                | "replied"
        )
    {
        return None;
    }
    let (sp, end) = doc::phrase_after(body, toks, lw, v + 1, false)?;
    let mut e = doc::skip_adverbials(body, toks, lw, end);
    if e < toks.len() && toks[e].word && PREPOSITION_START.contains(&lw[e].as_str()) {
        e = (e..toks.len().min(e + 20)).find(|&i| !toks[i].word).unwrap_or(toks.len());
    }
    if e < toks.len() && !(toks[e].is_punct(body, ',') || toks[e].is_punct(body, '.') || toks[e].is_punct(body, ';')) {
        return None;
    }
    Some(Cue {
        speaker: sp,
        cue: toks[v].text(body).to_owned(),
        attr_start: v,
        attr_end: e,
        content_from: None,
        parenthetical: false,
        conf: 0.85,
        relay: false,
        needs_quote: false,
        content: Content::Clause,
    })
}

/// Verbs with which an outlet makes a remark of its own ("Reuters noted
/// that …", "as the Wall Street Journal noted, …"), one a line.
static OUTLET_REMARK_VERBS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| words_of(include_str!("outlet_remark_verbs.txt")));

/// Outlet words that are no outlet's name ("the report", "media"): they
/// never make a remark of their own.
static GENERIC_OUTLET_WORDS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| words_of(include_str!("generic_outlet_words.txt")));

/// The words of a data file: one a line, `#` starts a comment.
fn words_of(text: &'static str) -> Vec<&'static str> {
    text.lines().map(|l| l.split('#').next().unwrap_or("").trim()).filter(|l| !l.is_empty()).collect()
}

/// "Reuters noted that …", "…, as the Wall Street Journal noted, …": a news
/// outlet's own remark (not news it relays, which "said" or "reported"
/// give): the outlet's name, capitalised words ending in an outlet word,
/// as the subject of a remark verb.
fn outlet_remark(body: &str, toks: &[Tok], lw: &[String], v: usize) -> Option<RawSpeaker> {
    let remark = OUTLET_REMARK_VERBS.contains(&lw[v].as_str())
        && (lw[v] != "pointed" || lw.get(v + 1).is_some_and(|n| n == "out"));
    if !remark {
        return None;
    }
    let mut j = v;
    while j > 0 && toks[j - 1].word && matches!(lw[j - 1].as_str(), "also" | "has" | "had" | "have") {
        j -= 1;
    }
    let mut b = j;
    while b > 0 && j - b < 5 && toks[b - 1].word && toks[b - 1].is_cap(body) {
        b -= 1;
    }
    if b == j {
        return None;
    }
    let last = speakers_stem(&lw[j - 1]);
    if !lexicon::outlet(last) || GENERIC_OUTLET_WORDS.contains(&last) {
        return None;
    }
    let start = if b > 0 && lw[b - 1] == "the" { b - 1 } else { b };
    // The phrase opens the sentence or a clause ("…, as the Journal noted").
    let opens = start == 0
        || (!toks[start - 1].word && matches!(lw[start - 1].as_str(), "," | ";" | "—" | "–"))
        || (lw[start - 1] == "as" && (start == 1 || !toks[start - 2].word));
    if !opens {
        return None;
    }
    Some(RawSpeaker { written: toks[start].start..toks[j - 1].end, class: speakers::Class::Institution, role: None })
}

/// "…, Russia's state RIA news agency reported." — an outlet relaying the
/// news: no statement, but it ends the content of the one before.
fn relay(body: &str, toks: &[Tok], lw: &[String], v: usize) -> Option<Cue> {
    if !matches!(lw[v].as_str(), "reported" | "reports" | "said" | "says" | "reporting") {
        return None;
    }
    let mut b = v;
    while b > 0 && (toks[b - 1].word) && v - b < 8 {
        b -= 1;
    }
    if b == 0 || !toks[b - 1].is_punct(body, ',') {
        return None;
    }
    if !lw[b..v].iter().any(|w| lexicon::outlet(speakers_stem(w))) {
        return None;
    }
    let dummy = RawSpeaker { written: toks[b].start..toks[v - 1].end, class: speakers::Class::Anonymous, role: None };
    Some(Cue {
        speaker: dummy,
        cue: String::new(),
        attr_start: b,
        attr_end: v + 1,
        content_from: None,
        parenthetical: false,
        conf: 0.0,
        relay: true,
        needs_quote: false,
        content: Content::Clause,
    })
}

fn speakers_stem(w: &str) -> &str {
    super::tokens::stem(w)
}

/// "Board of Peace", "Special Military Operation": a name in quote marks,
/// not quoted words.
fn title_case(t: &str) -> bool {
    let words: Vec<&str> =
        t.split_whitespace().filter(|w| !matches!(*w, "of" | "the" | "and" | "for" | "on" | "in" | "a")).collect();
    !words.is_empty() && words.iter().all(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// The subject opening the clause that ends right before `v` (after the
/// previous comma or conjunction), when one opens it and is not the whole
/// sentence's (which the caller has already).
fn clause_subject(body: &str, toks: &[Tok], lw: &[String], v: usize) -> Option<RawSpeaker> {
    let end = v.checked_sub(1)?;
    let mut c = end;
    while c > 0 && end - c < 30 {
        let t = &toks[c - 1];
        if t.is_punct(body, ',')
            || t.is_punct(body, ';')
            || (t.word && matches!(lw[c - 1].as_str(), "though" | "although" | "while" | "whereas" | "but"))
        {
            break;
        }
        c -= 1;
    }
    if c == 0 || end - c >= 30 {
        return None;
    }
    let mut e = c;
    while e < end
        && toks[e].word
        && e - c < 8
        && (toks[e].is_cap(body)
            || lexicon::determiner(&lw[e])
            || lexicon::title(&lw[e])
            || lexicon::qualifier(&lw[e])
            || lexicon::institution_head(&lw[e])
            || lexicon::anonymous_head(&lw[e]))
    {
        e += 1;
    }
    // A verb must follow the phrase; "who seemed …" is a relative clause.
    if e == c || e >= end || !toks[e].word || matches!(lw[c].as_str(), "who" | "which" | "that") {
        return None;
    }
    speakers::parse(body, &toks[c..e]).filter(|sp| !matches!(sp.class, speakers::Class::Pronoun(_)))
}

/// Whether the quote mark at `open` follows a naming verb ("calls a",
/// "dubbed", "so-called"): the quoted words are a term. A cue that itself
/// names ("described as", `named_by_cue`) keeps its quote.
fn named_term(body: &str, open: usize, named_by_cue: bool) -> bool {
    if named_by_cue {
        return false;
    }
    let start = open.saturating_sub(40);
    let start = (start..open).find(|&i| body.is_char_boundary(i)).unwrap_or(open);
    let before = body.get(start..open).unwrap_or("").to_lowercase();
    let words: Vec<&str> = before.split_whitespace().rev().take(3).collect();
    words.iter().any(|w| {
        matches!(
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-'),
            "calls"
                | "called"
                | "dubbed"
                | "dubs"
                | "termed"
                | "terms"
                | "so-called"
                | "known"
                | "labelled"
                | "branded"
                | "named"
                | "entitled"
        )
    })
}
