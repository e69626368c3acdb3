//! The article as quote extraction sees it: paragraphs, sentences, quoted
//! stretches (joined over paragraphs), and the clause-level helpers the
//! passes share (subject before a verb, speaker phrase after a verb,
//! adverbials to skip).

use std::ops::Range;

use super::lexicon;
use super::marks::{self, Mark};
use super::speakers::{self, Class, RawSpeaker};
use super::tokens::{self, lower, Tok};
use crate::text;

/// A quoted stretch, possibly over several paragraphs.
#[derive(Debug, Clone)]
pub struct Quoted {
    pub outer: Range<usize>,
    pub inner: Range<usize>,
    pub para_first: usize,
    pub para_last: usize,
    pub single: bool,
}

pub struct Doc<'a> {
    pub body: &'a str,
    pub paras: Vec<Range<usize>>,
    /// Sentence ranges with their paragraph index, in order.
    pub sents: Vec<(Range<usize>, usize)>,
    /// Each sentence's tokens and lower-cased words, computed once.
    pub sent_words: Vec<(Vec<Tok>, Vec<String>)>,
    text_ranks: Vec<usize>,
    pub quoted: Vec<Quoted>,
}

impl<'a> Doc<'a> {
    /// The paragraph's rank among paragraphs of running text (headlines,
    /// link lists and captions between two paragraphs do not separate them).
    pub fn text_rank(&self, para: usize) -> usize {
        self.text_ranks.get(para).copied().unwrap_or(para)
    }

    pub fn new(body: &'a str) -> Doc<'a> {
        // A markdown blockquote ("> “…”") is its paragraph without the marker.
        let paras: Vec<Range<usize>> = text::paragraphs(body)
            .into_iter()
            .map(|p| {
                let t = body.get(p.clone()).unwrap_or("");
                match t.strip_prefix('>') {
                    Some(rest) => p.end - rest.trim_start().len()..p.end,
                    None => p,
                }
            })
            .collect();
        let mut sents = Vec::new();
        for (pi, p) in paras.iter().enumerate() {
            let Some(pt) = body.get(p.clone()) else { continue };
            for s in text::sentences(pt) {
                for r in split_at_notes(body, p.start + s.start..p.start + s.end) {
                    sents.push((r, pi));
                }
            }
        }
        let mut quoted: Vec<Quoted> = Vec::new();
        let mut pending: Option<Quoted> = None;
        // The pending quote reopened one before it in its paragraph
        // (`… tax. "With Labour …` and never closed): the last sentence of
        // a quote running on; kept to the paragraph's end when nothing
        // continues it.
        let mut pending_reopened = false;
        for (pi, p) in paras.iter().enumerate() {
            let ms: Vec<Mark> = marks::find(body, p.clone(), pi);
            for (mi, m) in ms.iter().enumerate() {
                // A quote left open at the end of the previous paragraph
                // continues if this paragraph opens with a quote mark.
                if let Some(mut q) = pending.take() {
                    if mi == 0 && m.outer.start == p.start && !m.single {
                        q.outer.end = m.outer.end;
                        q.inner.end = m.inner.end;
                        q.para_last = pi;
                        if m.closed {
                            quoted.push(q);
                        } else {
                            pending = Some(q);
                            pending_reopened = false;
                        }
                        continue;
                    }
                    if pending_reopened {
                        quoted.push(q);
                    }
                }
                let q = Quoted {
                    outer: m.outer.clone(),
                    inner: m.inner.clone(),
                    para_first: pi,
                    para_last: pi,
                    single: m.single,
                };
                if m.closed {
                    quoted.push(q);
                } else if !m.single && mi + 1 == ms.len() {
                    pending = Some(q);
                    pending_reopened = m.reopened;
                }
            }
            if let Some(q) = pending.take_if(|q| q.para_last < pi) {
                if pending_reopened {
                    quoted.push(q);
                }
            }
        }
        if let Some(q) = pending.filter(|_| pending_reopened) {
            quoted.push(q);
        }
        let sent_words = sents
            .iter()
            .map(|(r, _)| {
                let toks = super::tokens::tokenize(body, r.clone());
                let lw = words(body, &toks);
                (toks, lw)
            })
            .collect();
        let mut d = Doc { body, paras, sents, sent_words, quoted, text_ranks: Vec::new() };
        let mut rank = 0;
        d.text_ranks = (0..d.paras.len())
            .map(|p| {
                if d.para_is_text(p) {
                    rank += 1;
                }
                rank
            })
            .collect();
        d
    }

    /// A paragraph of running text, not a headline, teaser or list of
    /// links: it ends like a sentence.
    pub fn para_is_text(&self, para: usize) -> bool {
        let Some(t) = self.paras.get(para).and_then(|r| self.body.get(r.clone())) else { return false };
        let t = t.trim_end_matches(|c: char| c.is_whitespace() || super::tokens::invisible(c));
        t.ends_with(['.', '!', '?', '"', '”', '’', '»', ')', '…', ':'])
            || t.len() > 400
            // "“…” he said" with its full stop lost: a quote, then its cue.
            || (t.contains(['"', '”'])
                && t.rsplit(['"', '”']).next().is_some_and(|tail| {
                    let words: Vec<&str> = tail.split_whitespace().collect();
                    words.len() <= 6
                        && words.iter().any(|w| lexicon::quote_verb(&w.trim_matches(|c: char| !c.is_alphabetic()).to_lowercase()))
                }))
    }

    /// The quoted stretch whose marks contain byte `pos`, if any.
    pub fn quoted_at(&self, pos: usize) -> Option<&Quoted> {
        let i = self.quoted.partition_point(|q| q.outer.end <= pos);
        self.quoted.get(i).filter(|q| q.outer.start <= pos)
    }

    /// The sentences that `range` touches, as one range (for `Quote::sentence`).
    pub fn sentence_around(&self, range: Range<usize>) -> Range<usize> {
        let first = self.sents.partition_point(|(s, _)| s.end <= range.start);
        let last = self.sents.partition_point(|(s, _)| s.start < range.end);
        let start = self.sents.get(first).map_or(range.start, |(s, _)| s.start.min(range.start));
        let end = if last > 0 {
            self.sents.get(last - 1).map_or(range.end, |(s, _)| s.end.max(range.end))
        } else {
            range.end
        };
        start..end
    }
}

/// Sentences that a note marker glued together ("… oblasts.[[ii]](https://…)
/// The Ukrainian Air Force reported …"): cut after the full stop, the marker
/// left out of both. Linear in the range.
fn split_at_notes(body: &str, r: Range<usize>) -> Vec<Range<usize>> {
    let Some(t) = body.get(r.clone()) else { return vec![r] };
    let b = t.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i + 1 < b.len() {
        if matches!(b[i], b'.' | b'!' | b'?') && b[i + 1] == b'[' {
            // The marker: bracket groups and a parenthesised link, then space.
            let mut j = i + 1;
            let mut groups = 0;
            while j < b.len() && groups < 4 {
                let (open, close) = match b[j] {
                    b'[' => (b'[', b']'),
                    b'(' if groups > 0 => (b'(', b')'),
                    _ => break,
                };
                let mut depth = 0usize;
                let mut k = j;
                while k < b.len() && k - j < 400 {
                    if b[k] == open {
                        depth += 1;
                    } else if b[k] == close {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    k += 1;
                }
                if k >= b.len() || b[k] != close {
                    break;
                }
                j = k + 1;
                groups += 1;
            }
            let mut n = j;
            while n < b.len() && b[n].is_ascii_whitespace() {
                n += 1;
            }
            let next_starts = t
                .get(n..)
                .and_then(|x| x.chars().find(|c| *c != '*'))
                .is_some_and(|c| c.is_uppercase() || "“\"‘".contains(c));
            if groups > 0 && ((n > j && next_starts) || j == b.len()) && t.is_char_boundary(n) {
                out.push(r.start + start..r.start + i + 1);
                start = n;
                i = n;
                continue;
            }
        }
        i += 1;
    }
    if start < b.len() || out.is_empty() {
        out.push(r.start + start.min(b.len())..r.end);
    }
    out
}

/// Trims whitespace and the given punctuation off both ends of a range.
pub fn trim(body: &str, r: Range<usize>, punct: &str) -> Range<usize> {
    let Some(s) = body.get(r.clone()) else { return r.start..r.start };
    let lead = s.len() - s.trim_start_matches(|c: char| c.is_whitespace() || punct.contains(c)).len();
    let t = s.trim_end_matches(|c: char| c.is_whitespace() || punct.contains(c));
    if t.len() <= lead {
        return r.start..r.start;
    }
    r.start + lead..r.start + t.len()
}

/// Lower-cased words of a token slice.
pub fn words(body: &str, toks: &[Tok]) -> Vec<String> {
    toks.iter().map(|t| if t.word { lower(body, t) } else { t.text(body).to_owned() }).collect()
}

fn boundary_punct(s: &str) -> bool {
    matches!(s, "," | ";" | ":" | "—" | "–" | "(" | "“" | "”" | "\"" | "«" | "»" | "-")
}

/// The subject of a speech verb at `v`: a speaker phrase that runs from a
/// clause boundary to the verb (aux words and adverbs may sit between).
pub enum Subject {
    Phrase(RawSpeaker),
    /// "…, but said …": the subject is the sentence's.
    Elided,
}

pub fn subject_before(body: &str, toks: &[Tok], lw: &[String], v: usize) -> Option<Subject> {
    let mut j = v;
    while j > 0 && toks[j - 1].word && lexicon::aux_or_adverb_as_written(&lw[j - 1], toks[j - 1].is_cap(body)) {
        j -= 1;
    }
    // "The Russian Ministry of Defense (MoD) claimed": the acronym aside.
    if j >= 4 && lw[j - 1] == ")" && lw[j - 3] == "(" && toks[j - 2].word && toks[j - 4].word {
        let sub: Vec<Tok> = toks[..j - 3].iter().copied().chain(toks[j..].iter().copied()).collect();
        let sub_lw: Vec<String> = lw[..j - 3].iter().cloned().chain(lw[j..].iter().cloned()).collect();
        return subject_before(body, &sub, &sub_lw, v - 3);
    }
    // "Ivo Tarn - a supporter of the pact - said": the dashed aside.
    let dash = |i: usize| !toks[i].word && matches!(lw[i].as_str(), "-" | "–" | "—");
    if j >= 4 && dash(j - 1) {
        let open = (j.saturating_sub(30)..j - 1).rev().find(|&i| dash(i));
        if let Some(d) = open.filter(|&d| {
            d >= 1 && toks[d - 1].word && j - 1 - d >= 3 && (d + 1..j - 1).all(|i| toks[i].word || lw[i] == ",")
        }) {
            let sub: Vec<Tok> = toks[..d].iter().copied().chain(toks[j..].iter().copied()).collect();
            let sub_lw: Vec<String> = lw[..d].iter().cloned().chain(lw[j..].iter().cloned()).collect();
            return subject_before(body, &sub, &sub_lw, v - (j - d));
        }
    }
    // "Russia is demanding that …": a progressive verb's auxiliary.
    if lw[v].ends_with("ing") && j > 0 && matches!(lw[j - 1].as_str(), "is" | "are" | "was" | "were") {
        j -= 1;
        while j > 0 && toks[j - 1].word && lexicon::aux_or_adverb_as_written(&lw[j - 1], toks[j - 1].is_cap(body)) {
            j -= 1;
        }
    }
    if j > 0 && toks[j - 1].word && lexicon::negation(&lw[j - 1]) {
        return None;
    }
    if j == 0 {
        return None;
    }
    // Elided subject right after a conjunction: "…, but said", "and added".
    if toks[j - 1].word && matches!(lw[j - 1].as_str(), "and" | "but") {
        return Some(Subject::Elided);
    }
    // Walk back to the clause boundary.
    let mut b = j;
    while b > 0 {
        let t = &toks[b - 1];
        if !t.word && boundary_punct(&lw[b - 1]) {
            break;
        }
        // "the Department of Trade and Industry": "and" inside a name's
        // "of" part joins its words, not two subjects.
        let named_and = lw[b - 1] == "and"
            && b >= 3
            && b < toks.len()
            && toks[b].is_cap(body)
            && toks[b - 2].is_cap(body)
            && (lw[b - 3] == "of" || (b >= 4 && lw[b - 4] == "of" && toks[b - 3].is_cap(body)));
        if t.word && !named_and && (lexicon::conjunction(&lw[b - 1]) || relative_after_preposition(toks, lw, b)) {
            break;
        }
        if !t.word && lw[b - 1] != "." && lw[b - 1] != "'" && lw[b - 1] != "’" {
            return None;
        }
        b -= 1;
        if j - b > 16 {
            return None;
        }
    }
    let phrase = &toks[b..j];
    // A conjunction opens a clause of its own only at the sentence start or
    // after punctuation ("the fact that while X assures …" is not one).
    let at_boundary = b == 0
        || (toks[b - 1].word
            && lexicon::conjunction(&lw[b - 1])
            && (b == 1 || !toks[b - 2].word || !matches!(lw[b - 2].as_str(), "that" | "which" | "who" | "fact" | "whom")))
        // "a speech in which he declared …"
        || relative_after_preposition(toks, lw, b)
        || (!toks[b - 1].word && boundary_punct(&lw[b - 1]));
    if !at_boundary {
        return None;
    }
    // "X, the Y, said": an apposition ends right before the verb.
    if b > 0 && toks[b - 1].is_punct(body, ',') && phrase.is_empty() {
        return None;
    }
    // "Trump and Zelensky said": a coordinated subject is not one speaker;
    // "the standards and privileges committee said" is one institution.
    if b >= 1 && lw[b - 1] == "and" && b >= 2 && toks[b - 2].word {
        return joined_modifiers(body, toks, lw, b, j).map(Subject::Phrase);
    }
    // "During an interview on ITV1 she said", "On Monday Lib Dem chairman
    // Alan Beith warned", "Asked about the quay Tarn replied": a leading
    // adverbial without a comma, then the subject (a name or a pronoun;
    // after "asked …" only a name: the one asked was often introduced as
    // an object, which "she" would skip).
    let first = lw.get(b).map(String::as_str).unwrap_or("");
    let asked = matches!(first, "asked" | "pressed");
    // ("Later he told them": one adverb before a pronoun or a name.)
    let adverb = matches!(first, "earlier" | "later" | "meanwhile" | "separately" | "then" | "yesterday" | "today");
    if (phrase.len() >= 3 || (adverb && phrase.len() >= 2))
        && (adverb
            || matches!(first, "on" | "in" | "at" | "during" | "after" | "before" | "speaking" | "asked" | "pressed")
            || first.ends_with("ing"))
    {
        for s in 1..phrase.len() {
            let t = &phrase[s];
            if !(t.is_cap(body) || lexicon::pronoun(&lw[b + s]).is_some()) {
                continue;
            }
            if let Some(sp) = speakers::parse(body, &phrase[s..]) {
                match sp.class {
                    Class::Named(_) => return Some(Subject::Phrase(sp)),
                    // "Earlier the Royal College of Physicians said": the
                    // whole body, not "Physicians" (and no month: not
                    // "January the … Institute").
                    Class::Institution if lw[b + s] != "the" && !lexicon::month(&lw[b + s]) => {
                        let with_article = (lw[b + s - 1] == "the")
                            .then(|| speakers::parse(body, &phrase[s - 1..]))
                            .flatten()
                            .filter(|sp| matches!(sp.class, Class::Institution));
                        return Some(Subject::Phrase(with_article.unwrap_or(sp)));
                    }
                    Class::Pronoun(lexicon::Pronoun::He | lexicon::Pronoun::She) if !asked => {
                        return Some(Subject::Phrase(sp))
                    }
                    _ => {}
                }
            }
        }
    }
    let parsed = speakers::parse(body, phrase);
    if !matches!(parsed.as_ref().map(|sp| &sp.class), Some(Class::Named(_) | Class::Pronoun(_))) {
        if let Some(sp) = name_then_role(body, toks, b, phrase) {
            return Some(Subject::Phrase(sp));
        }
    }
    parsed.map(Subject::Phrase)
}

/// "the Commons standards and privileges committee": "and" (at `b - 1`)
/// joins two plain-noun modifiers of one institution's head (the last
/// word before the verb at `j`), after "the" and at a clause boundary.
/// Two determiners or two heads ("the army and the navy") are two
/// speakers, and no phrase comes back.
fn joined_modifiers(body: &str, toks: &[Tok], lw: &[String], b: usize, j: usize) -> Option<RawSpeaker> {
    let after = b..j;
    // "the work and pensions minister": a post named by a joint remit.
    let post = lexicon::role_head(&lw[j - 1]) && !lexicon::institution_head(&lw[j - 1]);
    if after.is_empty() || after.len() > 3 || !(lexicon::institution_head(&lw[j - 1]) || post) {
        return None;
    }
    if post && lw[after.clone()].iter().any(|w| lexicon::determiner(w) || lexicon::pronoun(w).is_some()) {
        return None;
    }
    let plain = |i: usize| toks[i].word && !toks[i].is_cap(body) && !lexicon::institution_head(&lw[i]);
    if !(b..j - 1).all(plain) || j - 1 == b {
        return None;
    }
    // Back from the word before "and" to "the": modifiers only.
    let mut s = b - 1;
    while s > 0 && toks[s - 1].word && lw[s - 1] != "the" && b - 1 - s < 4 {
        if lexicon::conjunction(&lw[s - 1]) || lexicon::institution_head(&lw[s - 1]) {
            return None;
        }
        s -= 1;
    }
    if s == 0 || lw[s - 1] != "the" || s == b - 1 {
        return None;
    }
    let start = s - 1;
    let boundary = start == 0 || !toks[start - 1].word || lexicon::conjunction(&lw[start - 1]);
    if !boundary {
        return None;
    }
    let sp = speakers::parse(body, &toks[start..j])?;
    (matches!(sp.class, Class::Institution) || post && matches!(sp.class, Class::Role(..))).then_some(sp)
}

/// "…, Alan Tarn, Labour's election strategist told …": a name, then its
/// role with no closing comma. Only a role written as someone's (a
/// possessive), a bare title, or a post at an organisation counts: "…,
/// Ivo Tarn, the minister said" may be the minister speaking about Tarn.
fn name_then_role(body: &str, toks: &[Tok], b: usize, role: &[Tok]) -> Option<speakers::RawSpeaker> {
    if b < 2 || !toks[b - 1].is_punct(body, ',') || role.is_empty() || role.len() > 10 {
        return None;
    }
    let first = lower(body, &role[0]);
    let possessive = first.ends_with("'s") || first.ends_with("’s");
    if !role.iter().all(|t| t.word) {
        return None;
    }
    // "Ada Quill, head of policy at the Vorn Trust said": a post held at an
    // organisation, with no article (not "Tarn, the minister said", where
    // the minister may be speaking about Tarn).
    let role_word = |t: &Tok| {
        let w = lower(body, t);
        lexicon::role_head(&w) || lexicon::person_noun(&w) || matches!(w.as_str(), "head" | "founder" | "partner")
    };
    // ("Ada Quill, from the Vorn union said": where she is from.)
    let from_body = first == "from" && role.len() >= 2;
    let affiliation = !possessive
        && !lexicon::determiner(&first)
        && (from_body || role.iter().take(2).any(role_word))
        && role.iter().skip(1).take(3).any(|t| matches!(lower(body, t).as_str(), "of" | "at" | "for"))
        && role.last().is_some_and(|t| t.is_cap(body));
    // Otherwise the role is written as someone's, or is a title, and ends
    // in its head: a known role, or (after a possessive) an agent noun
    // ("Labour's election strategist", "the union's pensions officer").
    let head_ok = |t: &Tok| {
        let w = lower(body, t);
        lexicon::role_head(&w)
            || lexicon::title(&w)
            || lexicon::person_noun(&w)
            || (possessive && ["ist", "er", "or", "man", "woman", "person"].iter().any(|e| w.ends_with(e)))
    };
    let titled = role.len() <= 6 && (possessive || lexicon::title(&first)) && role.last().is_some_and(head_ok);
    if !affiliation && !titled {
        return None;
    }
    let start = toks[..b - 1].iter().rposition(|t| !t.word).map_or(0, |i| i + 1);
    if !(start == 0 || toks[start - 1].is_punct(body, ',')) {
        return None;
    }
    let name = speakers::parse(body, &toks[start..b - 1])?;
    if !matches!(name.class, Class::Named(_)) {
        return None;
    }
    let role_text = body.get(role[0].start..role[role.len() - 1].end).map(str::to_owned);
    Some(speakers::RawSpeaker { written: name.written.start..role[role.len() - 1].end, role: role_text, ..name })
}

/// Subject with an apposition: "The Kremlin spokesperson, Dmitry Peskov,
/// said" — the verb is preceded by a comma.
pub fn appositive_subject_before(body: &str, toks: &[Tok], lw: &[String], v: usize) -> Option<RawSpeaker> {
    let mut j = v;
    while j > 0 && toks[j - 1].word && lexicon::aux_or_adverb_as_written(&lw[j - 1], toks[j - 1].is_cap(body)) {
        j -= 1;
    }
    if j < 2 || !toks[j - 1].is_punct(body, ',') {
        return None;
    }
    // Commas before the verb, back to a hard boundary.
    let mut commas: Vec<usize> = vec![j - 1];
    let mut start = 0;
    let mut i = j - 1;
    while i > 0 {
        i -= 1;
        if j - i > 60 {
            return None;
        }
        let t = &toks[i];
        if t.is_punct(body, ',') {
            commas.push(i);
            if commas.len() > 6 {
                return None;
            }
            continue;
        }
        if !t.word && boundary_punct(&lw[i]) {
            start = i + 1;
            break;
        }
        if t.word && (lexicon::conjunction(&lw[i]) && (i == 0 || !toks[i - 1].word) || lw[i] == "that") {
            start = i + 1;
            break;
        }
    }
    // "X, the Y, said" or "the Y, X, said": the last two comma segments.
    if commas.len() >= 2 {
        let seg_start = commas.get(2).map_or(start, |c| c + 1);
        if let Some(sp) = speakers::parse_with_apposition(body, &toks[seg_start..j]) {
            return Some(sp);
        }
    }
    apposition_chain(body, toks, lw, j)
}

/// "Steve Witkoff, who led the team alongside Jared Kushner, Trump's
/// son-in-law, said": from the sentence start, the first comma-separated
/// part that names someone, after nothing but adverbials, is the subject.
fn apposition_chain(body: &str, toks: &[Tok], lw: &[String], j: usize) -> Option<RawSpeaker> {
    if !(3..=60).contains(&j) {
        return None;
    }
    if toks[..j].iter().any(|t| !t.word && matches!(t.text(body), ";" | ":" | "(" | ")" | "—" | "–")) {
        return None;
    }
    // Quote marks only in pairs inside the appositions ("Ivo Tarn, who has
    // called the plan a “trap”, said …"), never in the subject's part.
    let first_comma = toks[..j].iter().position(|t| t.is_punct(body, ','))?;
    let marks: Vec<usize> = (0..j).filter(|&i| !toks[i].word && matches!(lw[i].as_str(), "“" | "”" | "\"")).collect();
    if marks.len() % 2 == 1 || marks.first().is_some_and(|&i| i < first_comma) {
        return None;
    }
    let mut start = 0;
    let mut segments = 0;
    for k in 0..j {
        if toks[k].is_punct(body, ',') || k + 1 == j {
            let seg = &toks[start..k];
            segments += 1;
            if segments > 5 {
                return None;
            }
            if let Some(sp) = speakers::parse(body, seg) {
                // "The chancellor, speaking in Accra, said": a post opening
                // the sentence, as a name may.
                let post = matches!(sp.class, speakers::Class::Role(..))
                    && start == 0
                    && lw.first().is_some_and(|w| w == "the");
                if (matches!(sp.class, speakers::Class::Named(_)) || post)
                    && !seg.is_empty()
                    && appositions_only(body, toks, lw, k, j)
                {
                    let mut sp = sp;
                    sp.name_end(seg);
                    return Some(sp);
                }
                return None;
            }
            // Only a leading adverbial may come before the name.
            let first = lw.get(start).map(String::as_str).unwrap_or("");
            if !(matches!(
                first,
                "on" | "in"
                    | "at"
                    | "after"
                    | "during"
                    | "earlier"
                    | "later"
                    | "meanwhile"
                    | "separately"
                    | "speaking"
                    | "last"
                    | "this"
                    | "however"
                    | "also"
            ) || seg.first().is_some_and(|t| t.word && first.chars().all(|c| c.is_ascii_digit())))
            {
                return None;
            }
            start = k + 1;
        }
    }
    None
}

/// The speaker phrase right after a verb ("said Mayor Ada Quill on Vorn
/// radio"): words up to punctuation or a preposition.
pub fn phrase_after(
    body: &str,
    toks: &[Tok],
    lw: &[String],
    from: usize,
    allow_of: bool,
) -> Option<(RawSpeaker, usize)> {
    let mut e = from;
    while e < toks.len() && e - from < 14 {
        let t = &toks[e];
        if !t.word {
            break;
        }
        let w = lw[e].as_str();
        let stop = matches!(
            w,
            "on" | "at"
                | "to"
                | "during"
                | "after"
                | "via"
                | "according"
                | "while"
                | "as"
                | "when"
                | "before"
                | "last"
                | "late"
                | "early"
                | "earlier"
                | "later"
                | "today"
                | "yesterday"
                | "that"
                | "who"
                | "which"
                | "told"
                | "said"
                | "in"
                | "adding"
                | "this"
                | "with"
                | "from"
                | "by"
                | "because"
                | "and"
                | "but"
        ) || lexicon::weekday(w);
        let of_ok = (allow_of && matches!(w, "of" | "for" | "in" | "on" | "and") && e > from)
            // "a source close to him", "people familiar with the matter"
            || (matches!(w, "to" | "with") && e > from && matches!(lw[e - 1].as_str(), "close" | "familiar"))
            // Title chains: "Adviser to the Head of the Office of the President".
            || (matches!(w, "of" | "to") && e > from && toks[e - 1].is_cap(body) && toks.get(e + 1).is_some_and(|n| n.is_cap(body) || lw[e + 1] == "the"))
            // "a recent report from the Center for …"
            || (matches!(w, "from" | "by" | "of" | "for" | "and") && e > from && lw[from..e].iter().any(|x| speakers::document_head(x)));
        if stop && !of_ok {
            break;
        }
        e += 1;
    }
    while e > from && allow_of && matches!(lw[e - 1].as_str(), "of" | "for" | "in" | "on" | "and") {
        e -= 1;
    }
    // "said the chairman of the select committee, Labour MP Barry
    // Sheerman.", "said its chairman, Sir Anthony Greener": a role, then
    // the name in apposition, closing the sentence.
    if e > from && e + 1 < toks.len() && toks[e].is_punct(body, ',') && speakers::role_like(body, &toks[from..e]) {
        let mut n = e + 1;
        while n < toks.len() && toks[n].word && n - e <= 6 {
            n += 1;
        }
        let closes = n == toks.len() || toks[n].is_punct(body, '.') || toks[n].is_punct(body, ',');
        if closes && n > e + 1 {
            if let Some(mut sp) =
                speakers::parse(body, &toks[e + 1..n]).filter(|sp| matches!(sp.class, Class::Named(_)))
            {
                let role = body.get(toks[from].start..toks[e - 1].end).map(|r| r.trim_start_matches("the ").to_owned());
                sp.role = role.or(sp.role);
                return Some((sp, n));
            }
        }
    }
    // "the consultancy ExPro in Kyiv": without its place if need be.
    let sp = match speakers::parse(body, &toks[from..e]) {
        Some(sp) => sp,
        None => {
            match (from + 1..e).rev().find(|&i| matches!(lw[i].as_str(), "in" | "at" | "from" | "near" | "based")) {
                Some(cut) => {
                    e = cut;
                    speakers::parse(body, &toks[from..e])?
                }
                None => described_name(body, toks, lw, from, e)?,
            }
        }
    };
    // "said Dmitry Peskov, the Kremlin spokesman": take the role.
    let mut end = e;
    let mut sp = sp;
    if e + 1 < toks.len() && toks[e].is_punct(body, ',') && matches!(sp.class, Class::Named(_)) && lw[e + 1] == "the" {
        let mut k = e + 1;
        while k < toks.len() && toks[k].word && k - e < 10 {
            k += 1;
        }
        if let Some(r) = speakers::parse(body, &toks[e + 1..k]) {
            if matches!(r.class, Class::Role(..)) {
                sp.role = r.role;
                end = k;
            }
        }
    } else if e + 1 < toks.len()
        && toks[e].is_punct(body, ',')
        && matches!(sp.class, Class::Named(_))
        && toks[e + 1].is_cap(body)
        && lexicon::title(&lw[e + 1])
    {
        // "said Mykhailo Podoliak, Adviser to the Head of the President's Office."
        let mut k = e + 1;
        while k < toks.len() && toks[k].word && k - e < 14 {
            k += 1;
        }
        if k == toks.len() || !toks[k].word && matches!(lw[k].as_str(), "." | "," | ";") {
            sp.role = body.get(toks[e + 1].start..toks[k - 1].end).map(str::to_owned);
            end = k;
        }
    }
    Some((sp, end))
}

/// "said retired ferryman Ivo Tarn.": words the lexicon does not know
/// describing the speaker, then a full name closing the sentence.
fn described_name(body: &str, toks: &[Tok], lw: &[String], from: usize, e: usize) -> Option<RawSpeaker> {
    let closes = e == toks.len() || (!toks[e].word && matches!(lw[e].as_str(), "." | "," | ";"));
    let run = (from..e).rev().take_while(|&i| toks[i].is_cap(body) && lw[i] == tokens::stem(&lw[i])).count();
    let name_at = e - run;
    // Nouns and adjectives only: "suggested they should get Ivo Tarn" is
    // a clause, not a description.
    let described = (from..name_at).all(|i| {
        let w = lw[i].as_str();
        !toks[i].is_cap(body)
            && w.chars().all(|c| c.is_alphabetic() || c == '-')
            && !lexicon::determiner(w)
            && lexicon::pronoun(w).is_none()
            && !lexicon::finite_aux(w)
            && !lexicon::aux_or_adverb(w)
            && !lexicon::conjunction(w)
            && !lexicon::irregular_past(w)
            && !matches!(w, "to" | "that" | "of" | "for" | "with" | "about" | "get" | "got" | "let" | "make" | "made")
    });
    if !closes || run < 2 || name_at == from || name_at - from > 3 || !described {
        return None;
    }
    let name = body.get(toks[name_at].start..toks[e - 1].end)?.to_owned();
    let role = body.get(toks[from].start..toks[name_at - 1].end).map(str::to_owned);
    Some(RawSpeaker { written: toks[from].start..toks[e - 1].end, class: Class::Named(name), role })
}

/// Skips adverbials after a speech verb ("on Monday", "in a statement",
/// "on Telegram", "late Tuesday", "last week"). Returns the next index.
pub fn skip_adverbials(body: &str, toks: &[Tok], lw: &[String], mut k: usize) -> usize {
    let day = |w: &str| lexicon::weekday(w) || matches!(w, "today" | "yesterday" | "tonight");
    let mut guard = 0;
    while k < toks.len() && guard < 8 {
        guard += 1;
        let w = lw[k].as_str();
        // "claimed, however, that …"
        if w == ","
            && k + 2 < toks.len()
            && matches!(lw[k + 1].as_str(), "however" | "though" | "too")
            && lw[k + 2] == ","
        {
            k += 3;
            continue;
        }
        // "pointed out that"
        if w == "out" && k > 0 && matches!(lw[k - 1].as_str(), "pointed" | "points" | "pointing") {
            k += 1;
            continue;
        }
        if day(w)
            || matches!(
                w,
                "earlier"
                    | "later"
                    | "again"
                    | "also"
                    | "repeatedly"
                    | "previously"
                    | "publicly"
                    | "privately"
                    | "separately"
                    | "recently"
                    | "once"
            )
        {
            k += 1;
            continue;
        }
        if matches!(w, "late" | "early" | "last" | "this" | "next" | "on") && k + 1 < toks.len() {
            let n = lw[k + 1].as_str();
            if day(n)
                || matches!(
                    n,
                    "week"
                        | "month"
                        | "year"
                        | "night"
                        | "weekend"
                        | "morning"
                        | "evening"
                        | "afternoon"
                        | "friday's"
                        | "time"
                )
            {
                k += 2;
                continue;
            }
            if w == "on" && toks[k + 1].is_cap(body) {
                // "on Telegram", "on Truth Social", "on X", "on Feb 3"
                let mut e = k + 1;
                while e < toks.len() && toks[e].is_cap(body) && e - k < 4 {
                    e += 1;
                }
                while e < toks.len() && toks[e].word && lw[e].chars().all(|c| c.is_ascii_digit()) {
                    e += 1;
                }
                k = e;
                continue;
            }
            if w == "on"
                && matches!(n, "social" | "state" | "television" | "tv" | "the" | "his" | "her" | "its" | "their")
            {
                let mut e = k + 2;
                while e < toks.len()
                    && toks[e].word
                    && e - k < 5
                    && !matches!(lw[e].as_str(), "that")
                    && (toks[e].is_cap(body)
                        || matches!(
                            lw[e].as_str(),
                            "media"
                                | "television"
                                | "tv"
                                | "channel"
                                | "platform"
                                | "account"
                                | "network"
                                | "sidelines"
                                | "call"
                                | "phone"
                                | "website"
                                | "page"
                        ))
                {
                    e += 1;
                }
                if e > k + 2 {
                    k = e;
                    continue;
                }
                if matches!(n, "social" | "television" | "tv") {
                    k += 2;
                    continue;
                }
            }
        }
        if matches!(w, "in" | "during") && k + 2 < toks.len() {
            let n = lw[k + 1].as_str();
            if matches!(n, "a" | "an" | "his" | "her" | "their" | "its" | "the") {
                let mut e = k + 2;
                while e < toks.len() && e - k < 6 && toks[e].word && !matches!(lw[e].as_str(), "that") {
                    let x = lw[e].as_str();
                    e += 1;
                    if matches!(
                        x,
                        "statement"
                            | "interview"
                            | "post"
                            | "video"
                            | "address"
                            | "speech"
                            | "briefing"
                            | "message"
                            | "comments"
                            | "remarks"
                            | "call"
                            | "conversation"
                            | "letter"
                            | "tweet"
                            | "broadcast"
                            | "appearance"
                            | "op-ed"
                            | "article"
                            | "podcast"
                            | "conference"
                            | "session"
                            | "meeting"
                            | "talk"
                            | "summit"
                    ) {
                        k = e;
                        break;
                    }
                }
                if k == e {
                    continue;
                }
                break;
            }
            if toks[k + 1].is_cap(body) && lexicon::place(&lw[k + 1]) {
                k += 2;
                continue;
            }
        }
        break;
    }
    k
}

/// Whether the word is a first-person pronoun (verbatim speech).
pub fn first_person(body: &str, toks: &[Tok]) -> bool {
    toks.iter().any(|t| {
        let s = t.text(body);
        matches!(
            s,
            "I" | "I'm"
                | "I’m"
                | "I've"
                | "I’ve"
                | "I'll"
                | "I’ll"
                | "I'd"
                | "I’d"
                | "we"
                | "We"
                | "my"
                | "My"
                | "our"
                | "Our"
                | "myself"
                | "ourselves"
                | "me"
        )
    })
}

/// The last sentence break ('.', '!', '?' followed by a space, not after
/// an abbreviation) in `body[r]`, as the byte after it.
pub fn after_last_break(body: &str, r: Range<usize>) -> usize {
    let Some(s) = body.get(r.clone()) else { return r.start };
    let b = s.as_bytes();
    let mut i = b.len();
    while i > 1 {
        i -= 1;
        if b[i].is_ascii_whitespace() && matches!(b[i - 1], b'.' | b'!' | b'?') && !abbrev_before(s, i - 1) {
            return r.start + i;
        }
    }
    r.start
}

/// The first sentence break in `body[r]`: the byte of the terminator.
pub fn first_break(body: &str, r: Range<usize>) -> usize {
    let Some(s) = body.get(r.clone()) else { return r.end };
    let b = s.as_bytes();
    for i in 0..b.len() {
        if matches!(b[i], b'.' | b'!' | b'?')
            && (i + 1 == b.len() || b[i + 1].is_ascii_whitespace())
            && !abbrev_before(s, i)
        {
            return r.start + i;
        }
    }
    r.end
}

fn abbrev_before(s: &str, dot: usize) -> bool {
    if s.as_bytes().get(dot) != Some(&b'.') {
        return false;
    }
    let head = &s[..dot];
    let w = head.rsplit(|c: char| c.is_whitespace() || c == '(').next().unwrap_or("");
    crate::text::is_abbreviation(w)
}

/// "… in which he declared": the subject starts after "in which".
fn relative_after_preposition(toks: &[Tok], lw: &[String], b: usize) -> bool {
    b >= 2
        && toks[b - 1].word
        && matches!(lw[b - 1].as_str(), "which" | "whom")
        && matches!(lw[b - 2].as_str(), "in" | "during" | "at" | "with" | "within")
}

/// Whether the comma-separated parts between `from` and `to` all read as
/// appositions ("Putin's point man", "who led the team", "speaking on
/// Monday"), not as clauses of their own ("had a reputation …").
fn appositions_only(body: &str, toks: &[Tok], lw: &[String], from: usize, to: usize) -> bool {
    let mut k = from;
    while k < to {
        // Each part starts right after a comma.
        let start = k + 1;
        if start >= to {
            break;
        }
        let first = lw[start].as_str();
        let fits = toks[start].is_cap(body)
            || lexicon::determiner(first)
            || lexicon::title(first)
            || lexicon::nationality(first)
            || matches!(
                first,
                "who"
                    | "whose"
                    | "which"
                    | "speaking"
                    | "writing"
                    | "interviewed"
                    | "quoted"
                    | "citing"
                    | "now"
                    | "himself"
                    | "herself"
                    | "formerly"
                    | "currently"
                    | "also"
            )
            || first.ends_with("'s")
            // "Ivo Tarn, 32, from Vornby, said", "…, of the Vorn Trust,",
            // "…, in a statement,": an age, an origin, an affiliation.
            || matches!(first, "from" | "of" | "aged" | "in")
            || first.chars().all(|c| c.is_ascii_digit());
        let end = (start..to).find(|&i| toks[i].is_punct(body, ',')).unwrap_or(to);
        let clause = lw[start..end].iter().any(|w| lexicon::speech_verb(w).is_some())
            && !matches!(first, "who" | "whose" | "which");
        if !fits || clause {
            return false;
        }
        k = end;
    }
    true
}
