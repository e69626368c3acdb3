//! Who said what: finds attributed statements in an article body — direct
//! quotes, reported speech, transcript turns — and names their speakers.
//!
//! Pure: no I/O, no index, never fails, never panics, time linear in the
//! text. It returns a list, possibly empty. Canonical names come from the
//! [`Aliases`] table it is given; it never guesses a speaker it cannot
//! name (unnamed sources stay anonymous).

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::names::{name_key, Aliases};

mod direct;
mod doc;
pub mod eval;
mod lexicon;
mod marks;
mod reported;
mod speakers;
mod tokens;
mod transcript;

use speakers::{Class, RawSpeaker, Registry};
use tokens::Tok;

/// Quoted word for word, or reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    Direct,
    Indirect,
}

impl QuoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteKind::Direct => "direct",
            QuoteKind::Indirect => "indirect",
        }
    }
}

/// Who a statement is attributed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpeakerKind {
    Person,
    Institution,
    /// "a senior US official": kept, never resolved to a name.
    Anonymous,
}

/// The speaker of a quote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Speaker {
    /// The canonical name ("Sergei Lavrov", "the Kremlin", "a senior US official").
    pub name: String,
    /// As the sentence wrote it ("Lavrov", "he", "Russian Foreign Minister Sergei Lavrov").
    pub as_written: String,
    /// A role given with the name ("Russian Foreign Minister").
    pub role: Option<String>,
    pub kind: SpeakerKind,
}

/// One attributed statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    pub speaker: Speaker,
    pub kind: QuoteKind,
    /// The verb or phrase that attributes it ("said", "told Reuters", "according to").
    pub cue: String,
    /// The statement itself, without quote marks.
    pub text: String,
    /// The sentence (or sentences) it came from.
    pub sentence: String,
    /// Byte offsets of `text` in the body.
    pub span: Range<usize>,
    /// 0.0–1.0; below [`MIN_CONFIDENCE`] a quote is kept out of answers.
    pub confidence: f32,
}

/// Quotes below this confidence are not shown in answers.
pub const MIN_CONFIDENCE: f32 = 0.5;

/// Finds the attributed statements in an article body. Page furniture
/// (captions, cookie notices, headline lists: [`crate::corpus::clean`]) is
/// blanked first, offsets unchanged, so spans still point into `body`.
pub fn extract(body: &str, names: &Aliases) -> Vec<Quote> {
    let masked = crate::corpus::clean::mask(body);
    let d = doc::Doc::new(&masked);
    let mut found: Vec<Found> = Vec::new();
    let turns = transcript::find(&d, &mut found);
    reported::find(&d, &turns, &mut found);
    direct::find(&d, &turns, &mut found);
    resolve(&d, names, in_text_order(found))
}

/// The finds sorted by position, with `Who::Same` links renumbered.
fn in_text_order(found: Vec<Found>) -> Vec<Found> {
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_by_key(|&i| (found[i].ctx.start, found[i].pieces.first().map_or(0, |p| p.start), i));
    let mut new_index = vec![0; found.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut slots: Vec<Option<Found>> = found.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(slots.len());
    for &old in &order {
        if let Some(mut f) = slots[old].take() {
            if let Who::Same(j) = f.who {
                f.who = Who::Same(new_index.get(j).copied().unwrap_or(usize::MAX));
            }
            out.push(f);
        }
    }
    out
}

/// Who a found statement is attributed to, before resolution.
#[derive(Debug, Clone)]
pub(crate) enum Who {
    Raw(RawSpeaker),
    /// The same speaker as another found statement (split quote,
    /// continuation paragraph).
    Same(usize),
}

/// A statement found by one of the passes.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub who: Who,
    pub kind: QuoteKind,
    pub cue: String,
    /// The statement's text, in one or more pieces (a parenthetical
    /// attribution splits it).
    pub pieces: Vec<Range<usize>>,
    /// Statement plus attribution, for `Quote::sentence`.
    pub ctx: Range<usize>,
    pub conf: f32,
    pub para: usize,
}

/// The subject at the start of a sentence (after a leading adverbial):
/// "In May, Tarn met Quill and said …" → Tarn.
pub(crate) fn sentence_subject(body: &str, toks: &[Tok]) -> Option<RawSpeaker> {
    let lw = doc::words(body, toks);
    let mut starts = vec![0];
    if let Some(c) = toks.iter().position(|t| t.is_punct(body, ',')) {
        if c < 14 {
            starts.push(c + 1);
        }
    }
    // "Work and pensions minister Ivo Tarn": a post whose name joins two
    // nouns, the second in lower case; "Work" alone is no speaker.
    // Returns where the post's head noun is.
    let compound_post = |e: usize| {
        if e == 0 || e >= toks.len() || !toks[e - 1].is_cap(body) || lw[e] != "and" {
            return None;
        }
        (e + 1..toks.len().min(e + 4)).take_while(|&k| toks[k].word).find(|&k| lexicon::role_head(&lw[k]))
    };
    for s in starts {
        let mut e = s;
        while e < toks.len()
            && toks[e].word
            && e - s < 12
            && (toks[e].is_cap(body)
                || lw[e] == "the"
                || lexicon::title(&lw[e])
                || lexicon::qualifier(&lw[e])
                || lexicon::role_head(&lw[e]))
        {
            e += 1;
            if let Some(post) = compound_post(e) {
                e = post;
            }
        }
        // "Latest research suggests", "Market analysts argue": a capitalised
        // word before a lower-case noun modifies it; it is no subject.
        // (A name's own lower-case part, "al-Jibouri", keeps a capital.)
        if e < toks.len() && toks[e].word && !toks[e].text(body).contains(char::is_uppercase) && !verb_like(&lw[e]) {
            continue;
        }
        // Stop before words that are clearly not part of the name phrase.
        while e > s {
            if let Some(sp) = speakers::parse(body, &toks[s..e]) {
                if !matches!(sp.class, Class::Pronoun(lexicon::Pronoun::They)) {
                    return Some(sp);
                }
                return None;
            }
            e -= 1;
        }
    }
    None
}

/// A lower-case word that can follow a subject: a verb form, an
/// auxiliary or an adverb ("has", "said", "also", "insists"), or the start
/// of a post-modifier ("A spokesman for the firm said", "Police
/// investigating the case said").
fn verb_like(w: &str) -> bool {
    lexicon::verb_form(w)
        || lexicon::quote_verb(w)
        || w.ends_with("ing")
        || matches!(
            w,
            "sought"
                | "thought"
                | "told"
                | "led"
                | "spoke"
                | "wrote"
                | "felt"
                | "chose"
                | "struck"
                | "who"
                | "which"
                | "whose"
                | "and"
                | "of"
                | "in"
                | "on"
                | "for"
                | "at"
                | "from"
                | "with"
                | "to"
                | "near"
                | "close"
                | "familiar"
                | "by"
        )
}

/// A resolved speaker with the confidence it leaves.
struct Resolved {
    speaker: Speaker,
    conf: f32,
}

fn resolve(d: &doc::Doc, names: &Aliases, found: Vec<Found>) -> Vec<Quote> {
    let body = d.body;
    let mut reg = Registry::default();
    for (toks, lw) in &d.sent_words {
        reg.scan_sentence(body, toks, lw);
        reg.scan_sources(body, toks, lw);
    }
    for f in &found {
        if let Who::Raw(RawSpeaker { class: Class::Named(n), role: Some(r), written }) = &f.who {
            reg.add_role(written.start, r, n);
        }
    }
    // Person timeline for pronouns: sentence subjects and named speakers.
    // A subject inside a reported statement is what was said about, not
    // who spoke ("Tony Blair has failed, Michael Howard said. … he added").
    let mut reported: Vec<Range<usize>> =
        found.iter().filter(|f| f.kind == QuoteKind::Indirect).flat_map(|f| f.pieces.iter().cloned()).collect();
    reported.sort_by_key(|r| r.start);
    let in_reported = |p: usize| {
        let i = reported.partition_point(|r| r.start <= p);
        reported[..i].iter().rev().take(4).any(|r| r.end > p)
    };
    let mut timeline: Vec<(usize, String)> = reg
        .subjects()
        .iter()
        .filter(|(p, _)| d.quoted_at(*p).is_none() && !in_reported(*p))
        .map(|(p, n)| (*p, full_of(&reg, n, *p)))
        // A lone capitalised word opening a sentence is too often not a
        // name ("Residents", "Growing"): only full names count.
        .filter(|(_, n)| n.contains(' ') || names.lookup(n).is_some())
        .collect();
    timeline.extend(reg.role_subjects(body, names).into_iter().filter(|(p, _)| d.quoted_at(*p).is_none()));
    let mut resolved: Vec<Option<Resolved>> = Vec::with_capacity(found.len());
    // Named speakers first (they feed the timeline), then the rest.
    let mut named_speakers: Vec<(usize, String)> = Vec::new();
    for f in &found {
        if let Who::Raw(sp @ RawSpeaker { class: Class::Named(n), written, .. }) = &f.who {
            if !possessive(body, sp) {
                named_speakers.push((written.start, full_of(&reg, n, written.start)));
            }
        }
    }
    timeline.extend(named_speakers);
    timeline.sort_by_key(|(p, _)| *p);
    for (i, f) in found.iter().enumerate() {
        let r = match &f.who {
            Who::Raw(sp) => resolve_one(d, names, &reg, &timeline, &resolved, &found[..i], f, sp)
                .or_else(|| lead_post_holder(d, &reg, &found, i, sp)),
            // A link forward (rare) resolves to nothing: never guess.
            Who::Same(j) => resolved
                .get(*j)
                .and_then(|r| r.as_ref())
                .map(|r| Resolved { speaker: r.speaker.clone(), conf: r.conf.min(f.conf) }),
        };
        // A speaker found by inference (a pronoun, a role, a continuation)
        // is never a person the statement itself names.
        let inferred = match &f.who {
            Who::Same(_) => true,
            Who::Raw(sp) => !matches!(sp.class, Class::Named(_)),
        };
        let r = r.filter(|r| {
            !(inferred && r.speaker.kind == SpeakerKind::Person && names_in(body, &f.pieces, &r.speaker.name))
        });
        resolved.push(r);
    }
    let mut quotes: Vec<(Quote, usize)> = Vec::new();
    let mut expansions: std::collections::HashMap<String, Option<String>> = std::collections::HashMap::new();
    let mut words: Option<Vec<&str>> = None;
    for (i, (f, r)) in found.iter().zip(resolved).enumerate() {
        let Some(r) = r else { continue };
        let Some(first) = f.pieces.first() else { continue };
        let Some(last) = f.pieces.last() else { continue };
        let span = first.start..last.end;
        let text: String = f.pieces.iter().filter_map(|p| body.get(p.clone())).collect::<Vec<_>>().join(" … ");
        if text.trim().is_empty() {
            continue;
        }
        let sr = d.sentence_around(f.ctx.start.min(span.start)..f.ctx.end.max(span.end));
        let sentence = body.get(sr).unwrap_or("").to_owned();
        let mut speaker = r.speaker;
        // A name never runs over a line break: one that does is words of
        // two lines (a list of headlines), not a speaker, and Parley does
        // not guess one. Other control characters inside a name (vertical
        // tabs a page scattered) are spaces.
        if [Some(&speaker.name), Some(&speaker.as_written), speaker.role.as_ref()]
            .into_iter()
            .flatten()
            .any(|s| s.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']))
        {
            continue;
        }
        speaker.name = name_line(&speaker.name);
        if speaker.kind == SpeakerKind::Person {
            speaker.name = without_post_nominals(&speaker.name);
        }
        // (A body's acronym may have been read as a surname: "Acpo said".)
        let single = !speaker.name.contains(' ');
        if matches!(speaker.kind, SpeakerKind::Institution | SpeakerKind::Person) && single {
            // (Once per name: a long article names its speakers many times.)
            let full = expansions.entry(speaker.name.clone()).or_insert_with(|| {
                expansion(words.get_or_insert_with(|| body.split_whitespace().collect()), &speaker.name)
            });
            if let Some(full) = full.clone() {
                speaker.name = full;
                speaker.kind = SpeakerKind::Institution;
            }
        }
        speaker.as_written = name_line(&speaker.as_written);
        speaker.role = speaker.role.map(|r| name_line(&r)).filter(|r| !r.is_empty());
        if speaker.name.is_empty() {
            continue;
        }
        quotes.push((
            Quote { speaker, kind: f.kind, cue: f.cue.clone(), text, sentence, span, confidence: r.conf.min(f.conf) },
            i,
        ));
    }
    dedupe(quotes)
}

/// A speaker's name as one line: no invisible or control characters,
/// single spaces.
/// "Acpo" after "the Association of Chief Police Officers": the name an
/// acronym stands for, when the article (its `words`) spells out exactly
/// one.
fn expansion(words: &[&str], acronym: &str) -> Option<String> {
    let letters: Vec<char> = acronym.chars().collect();
    if !(3..=6).contains(&letters.len())
        || !letters.iter().all(|c| c.is_alphabetic())
        || !letters.first().is_some_and(|c| c.is_uppercase())
    {
        return None;
    }
    let key: String = acronym.to_uppercase();
    let mut found: Option<String> = None;
    for start in 0..words.len() {
        // A name opens with a capital and runs over capitalised words and
        // the small words inside names.
        let mut initials = String::new();
        let mut end = start;
        while end < words.len() && initials.len() < key.len() {
            let w = words[end].trim_matches(|c: char| !c.is_alphanumeric());
            let small = matches!(w, "of" | "for" | "and" | "the" | "on");
            if end == start && small || !(small || w.starts_with(char::is_uppercase)) {
                break;
            }
            if !small {
                initials.extend(w.chars().next());
            }
            end += 1;
        }
        // (No comma or full stop inside the name.)
        let inner = words.get(start..end.saturating_sub(1)).unwrap_or(&[]);
        let unbroken = inner.iter().all(|w| w.ends_with(char::is_alphanumeric));
        if initials == key && end - start > 1 && unbroken {
            let name = words[start..end]
                .join(" ")
                .trim_start_matches(|c: char| !c.is_alphanumeric())
                .trim_end_matches(|c: char| !c.is_alphanumeric())
                .to_owned();
            match &found {
                Some(f) if *f != name => return None,
                _ => found = Some(name),
            }
        }
    }
    found
}

/// "Ivo Tarn QC", "Ada Quill MP": the person, without letters after the
/// name (never the whole name).
fn without_post_nominals(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let keep = words.iter().rposition(|w| !lexicon::post_nominal(w.trim_end_matches(['.', ',']))).map_or(0, |i| i + 1);
    if keep == 0 || keep == words.len() {
        return name.to_owned();
    }
    words[..keep].join(" ")
}

/// The speaker is written as a possessive ("Tarn's call for …").
fn possessive(body: &str, sp: &RawSpeaker) -> bool {
    body.get(sp.written.end..).is_some_and(|rest| rest.starts_with("'s") || rest.starts_with("’s"))
}

fn name_line(s: &str) -> String {
    crate::text::one_line(&tokens::visible(s)).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Drops a reported statement that mostly repeats a direct quote, and any
/// exact repeat.
fn dedupe(mut quotes: Vec<(Quote, usize)>) -> Vec<Quote> {
    quotes.sort_by_key(|(q, i)| (q.span.start, *i));
    let directs: Vec<Range<usize>> =
        quotes.iter().filter(|(q, _)| q.kind == QuoteKind::Direct).map(|(q, _)| q.span.clone()).collect();
    let mut out: Vec<Quote> = Vec::with_capacity(quotes.len());
    for (q, _) in quotes {
        let len = q.span.len().max(1);
        if q.kind == QuoteKind::Indirect {
            // Directs are sorted by start: only those starting before our end can overlap.
            let upto = directs.partition_point(|r| r.start < q.span.end);
            let overlap: usize = directs[..upto]
                .iter()
                .rev()
                .take(8)
                .map(|r| r.end.min(q.span.end).saturating_sub(r.start.max(q.span.start)))
                .sum();
            if overlap * 10 >= len * 4 {
                continue;
            }
        }
        // Two finds of one direct quote: keep the surer one.
        if let Some(o) = out.iter_mut().rev().take(4).find(|o| {
            o.kind == q.kind
                && o.span.end.min(q.span.end).saturating_sub(o.span.start.max(q.span.start)) * 2
                    >= o.span.len().min(q.span.len()).max(1)
        }) {
            if q.confidence > o.confidence {
                *o = q;
            }
            continue;
        }
        out.push(q);
    }
    out
}

/// Whether the person's surname is a word of the statement.
fn names_in(body: &str, pieces: &[Range<usize>], person: &str) -> bool {
    let last = name_key(person.split_whitespace().last().unwrap_or(""));
    !last.is_empty()
        && pieces.iter().filter_map(|p| body.get(p.clone())).any(|t| name_key(t).split(' ').any(|w| w == last))
}

/// The last statement in this or the previous paragraph by an unnamed
/// source whose name fits.
fn recent_unnamed<'r>(
    d: &doc::Doc,
    found: &[Found],
    resolved: &'r [Option<Resolved>],
    f: &Found,
    fits: impl Fn(&str) -> bool,
) -> Option<&'r Resolved> {
    found
        .iter()
        .enumerate()
        .rev()
        .take(16)
        .take_while(|(_, g)| d.text_rank(g.para) + 1 >= d.text_rank(f.para))
        .filter_map(|(i, _)| resolved.get(i)?.as_ref())
        .find(|r| r.speaker.kind == SpeakerKind::Anonymous && fits(&r.speaker.name))
}

/// "Jack Straw has attacked the ruling. The foreign secretary said …": a
/// post the article gives no one, standing for the one person it has named
/// before the post first speaks. Only for offices one person holds, only
/// when that person has no other post in the article, and never for
/// aides ("the spokesman" speaks for someone else).
fn unnamed_post_holder<'r>(
    d: &doc::Doc,
    reg: &'r Registry,
    found: &[Found],
    f: &Found,
    head: &str,
    quals: &[String],
    as_written: &str,
) -> Option<&'r str> {
    let lower = as_written.to_lowercase();
    if !lower.starts_with("the ") || lower.contains("'s ") || lower.contains("’s ") {
        return None;
    }
    // "the Russian president", "the US envoy": a foreign post, someone
    // other than the article's own subject.
    if !speakers::own_single_office(head, quals) {
        return None;
    }
    let same_post =
        |g: &Found| matches!(&g.who, Who::Raw(RawSpeaker { class: Class::Role(h, q), .. }) if h == head && q == quals);
    // The post's first mention as a subject binds it ("The chancellor,
    // speaking in Accra, said …" may not be a statement found).
    let first = found.iter().chain(std::iter::once(f)).find(|g| same_post(g))?;
    let Who::Raw(sp) = &first.who else { return None };
    let first = reg.first_role_mention(head, quals).map_or(sp.written.start, |p| p.min(sp.written.start));
    reg.unnamed_post_holder(d.body, first)
}

/// "…, the work and pensions minister has said.¶This was why …, Alan
/// Johnson said.": a post opening the article before anyone is named
/// stands for the person the next paragraphs quote first, when that is
/// the first person they name and the article gives them no other post.
fn lead_post_holder(d: &doc::Doc, reg: &Registry, found: &[Found], i: usize, sp: &RawSpeaker) -> Option<Resolved> {
    let Class::Role(head, quals) = &sp.class else { return None };
    let f = found.get(i)?;
    let as_written = d.body.get(sp.written.clone())?;
    let lower = as_written.to_lowercase();
    if !lower.starts_with("the ") || lower.contains("'s ") || lower.contains("’s ") {
        return None;
    }
    if !speakers::own_single_office(head, quals) || !d.para_is_text(f.para) || d.text_rank(f.para) != 1 {
        return None;
    }
    let sentence_end = d.sentence_around(sp.written.clone()).end;
    let (at, first) = reg.first_person_from(sentence_end)?;
    if !first.contains(' ') || reg.has_post(first) {
        return None;
    }
    // The person must speak where first named, within two paragraphs.
    let speaks = found[i + 1..].iter().any(|g| {
        matches!(&g.who, Who::Raw(RawSpeaker { class: Class::Named(_), written, .. }) if written.start == at)
            && d.text_rank(g.para) <= d.text_rank(f.para) + 2
    });
    speaks.then(|| Resolved {
        speaker: Speaker {
            name: first.to_owned(),
            as_written: as_written.to_owned(),
            role: sp.role.clone(),
            kind: SpeakerKind::Person,
        },
        conf: 0.7,
    })
}

/// "the source", "the senior official": a few words with no
/// post-modifier, which can only point back to someone.
fn short_description(written: &str) -> bool {
    let words: Vec<String> = written.split_whitespace().map(str::to_lowercase).collect();
    words.len() <= 4
        && !words.iter().any(|w| {
            matches!(w.as_str(), "of" | "in" | "at" | "from" | "with" | "for" | "on" | "near" | "to" | "who" | "that")
                || w.ends_with("ing")
        })
}

/// "the agency", "the ministry": an institution named by its kind only.
fn generic_institution(written: &str) -> bool {
    // "The European Union" is a name: a nationality before a capitalised head.
    let as_written: Vec<&str> = written.split_whitespace().collect();
    if as_written.len() > 2
        && as_written.iter().any(|w| lexicon::nationality(&w.to_lowercase()))
        && as_written.last().is_some_and(|h| h.starts_with(char::is_uppercase))
    {
        return false;
    }
    let w = written.trim().to_lowercase();
    let mut words = w.split_whitespace().filter(|w| !lexicon::nationality(w));
    words.next() == Some("the")
        && words.clone().count() == 1
        && words.next().is_some_and(|h| {
            matches!(
                h,
                "agency"
                    | "ministry"
                    | "institute"
                    | "organisation"
                    | "organization"
                    | "think-tank"
                    | "thinktank"
                    | "consultancy"
                    | "group"
                    | "body"
                    | "company"
                    | "firm"
                    | "centre"
                    | "center"
                    | "monitor"
                    | "watchdog"
                    | "service"
                    | "office"
                    | "commission"
                    | "committee"
                    | "brigade"
                    | "battalion"
                    | "regiment"
                    | "unit"
                    | "party"
                    | "union"
            )
        })
}

fn full_of(reg: &Registry, n: &str, pos: usize) -> String {
    if !n.contains(' ') {
        if let Some(full) = reg.full_name(n, pos) {
            return full.to_owned();
        }
    }
    n.to_owned()
}

#[allow(clippy::too_many_arguments)]
fn resolve_one(
    d: &doc::Doc,
    names: &Aliases,
    reg: &Registry,
    timeline: &[(usize, String)],
    resolved: &[Option<Resolved>],
    found: &[Found],
    f: &Found,
    sp: &RawSpeaker,
) -> Option<Resolved> {
    let body = d.body;
    let as_written = body.get(sp.written.clone()).unwrap_or("").to_owned();
    let pos = sp.written.start;
    let person = |full: &str, conf: f32| {
        let mut name = speakers::canonical_person(names, full);
        if name == full && !full.contains(' ') {
            if let Some(c) = names.canonical(full) {
                name = c.to_owned();
            }
        }
        Some(Resolved {
            speaker: Speaker { name, as_written: as_written.clone(), role: sp.role.clone(), kind: SpeakerKind::Person },
            conf,
        })
    };
    match &sp.class {
        Class::Named(n) => {
            let lower = as_written.to_lowercase();
            let knighted = !n.contains(' ') && (lower.starts_with("sir ") || lower.starts_with("dame "));
            let full = match knighted.then(|| reg.knight(n, pos)).flatten() {
                Some(k) => k.to_owned(),
                None => full_of(reg, n, pos),
            };
            let conf = if full.contains(' ') || names.canonical(&full).is_some() { 1.0 } else { 0.85 };
            person(&full, conf)
        }
        Class::Role(head, quals) => {
            // "The spokesperson stated …" right after "The spokesperson of a
            // Ukrainian brigade reported …": the unnamed source just quoted.
            if as_written.to_lowercase().starts_with("the ") {
                if let Some(r) = recent_unnamed(d, found, resolved, f, |name| {
                    name.split_whitespace().any(|w| tokens::stem(&w.to_lowercase()) == head.as_str())
                }) {
                    return Some(Resolved {
                        speaker: Speaker { as_written: as_written.clone(), ..r.speaker.clone() },
                        conf: 0.8,
                    });
                }
            }
            // The alias table may file a role as a person's variant
            // ("President of Russia"); else the article says who holds it.
            let bare = speakers::lower_article(&as_written);
            let bare = bare.strip_prefix("the ").unwrap_or(&bare);
            if let Some(e) = names.lookup(bare).filter(|e| e.kind == crate::names::NameKind::Person) {
                return Some(Resolved {
                    speaker: Speaker {
                        name: e.canonical.clone(),
                        as_written: as_written.clone(),
                        role: sp.role.clone(),
                        kind: SpeakerKind::Person,
                    },
                    conf: 0.85,
                });
            }
            let Some((full, unique)) = reg.role_holder(head, quals, pos) else {
                if let Some(n) = unnamed_post_holder(d, reg, found, f, head, quals, &as_written) {
                    let n = n.to_owned();
                    return person(&n, 0.75);
                }
                // "Mr Blair's official spokesman": a person's unnamed aide
                // (not "Ukraine's energy minister", a post someone holds).
                let owner = as_written.split(['\'', '’']).next().unwrap_or("").split_whitespace().last().unwrap_or("");
                let owner = owner.to_lowercase();
                if (as_written.contains("'s ") || as_written.contains("’s "))
                    && !lexicon::place(&owner)
                    && !lexicon::institution_head(&owner)
                    && !lexicon::nationality(&owner)
                {
                    return Some(Resolved {
                        speaker: Speaker {
                            name: speakers::lower_article(&as_written),
                            as_written: as_written.clone(),
                            role: None,
                            kind: SpeakerKind::Anonymous,
                        },
                        conf: 0.8,
                    });
                }
                return None;
            };
            // Two people named with the post ("Foreign Minister Ivo Tarn",
            // later "the new foreign minister, Ada Quill"): never guess.
            if !unique {
                return None;
            }
            let full = full_of(reg, full, pos);
            person(&full, 0.9)
        }
        Class::Pronoun(p @ (lexicon::Pronoun::They | lexicon::Pronoun::It)) => {
            // Only the last speaker, if a group or an institution, in this or
            // the previous paragraph ("it": an institution up to three
            // paragraphs back, when no one else spoke since).
            // ("It also argues …" opening a sentence; not "…, it said".)
            let opens_sentence = d.sentence_around(pos..pos).start == pos;
            let reach = if *p == lexicon::Pronoun::It && opens_sentence { 3 } else { 1 };
            let (i, g) = found.iter().enumerate().next_back()?;
            if d.text_rank(g.para) + reach < d.text_rank(f.para) {
                return None;
            }
            let r = resolved.get(i)?.as_ref()?;
            // An unnamed group ("Opponents say …") is "they" only in the
            // next sentence: further on, "they" may be any plural since.
            let next_sentence = || {
                let here = d.sents.partition_point(|(s, _)| s.end <= pos);
                let there = d.sents.partition_point(|(s, _)| s.end <= g.ctx.start);
                here <= there + 1
            };
            let fits = match p {
                lexicon::Pronoun::It => r.speaker.kind == SpeakerKind::Institution,
                _ => {
                    r.speaker.kind == SpeakerKind::Institution
                        || (r.speaker.kind == SpeakerKind::Anonymous && next_sentence())
                }
            };
            let near = d.text_rank(g.para) + 1 >= d.text_rank(f.para);
            fits.then(|| Resolved {
                speaker: Speaker { as_written: as_written.clone(), ..r.speaker.clone() },
                conf: if near { 0.7 } else { 0.6 },
            })
        }
        Class::Pronoun(p) => {
            let quoted: String = f.pieces.iter().filter_map(|p| body.get(p.clone())).collect::<Vec<_>>().join(" ");
            let quoted_key = name_key(&quoted);
            // A person who is the subject of a sentence earlier in this
            // paragraph, else the person quoted last (within three
            // paragraphs); never someone the quote itself names.
            let mentioned = |name: &str| {
                let lk = name_key(name.split_whitespace().last().unwrap_or(""));
                !lk.is_empty() && quoted_key.split(' ').any(|w| w == lk)
            };
            // "she" is not "Mr Tarn".
            let fits = |name: &str| reg.pronoun_fits(name, *p);
            let para_start = d.paras.get(f.para).map_or(0, |p| p.start);
            // "Mr Quill has “…” as before, he said.": after the statement,
            // the subject of its own sentence is what was said, not who said it.
            let after = f.pieces.first().is_some_and(|p| p.start < pos);
            let own_sentence = if after { d.sentence_around(sp.written.clone()).start } else { usize::MAX };
            let upto = timeline.partition_point(|(p, _)| *p < pos.min(own_sentence));
            let subject = timeline[..upto]
                .iter()
                .rev()
                .take(6)
                .take_while(|(p, _)| *p >= para_start)
                .find(|(_, n)| !mentioned(n) && fits(n));
            let last_speaker = found
                .iter()
                .enumerate()
                .rev()
                .take(64)
                .filter(|(_, g)| d.text_rank(g.para) + 3 >= d.text_rank(f.para))
                // "… hit back at Tarn's claim that …": a possessive is no
                // sentence's subject, so no pronoun's antecedent.
                .filter(|(_, g)| !matches!(&g.who, Who::Raw(s) if possessive(body, s)))
                .filter_map(|(i, g)| Some((g, resolved.get(i)?.as_ref()?)))
                .find(|(_, r)| r.speaker.kind == SpeakerKind::Person && fits(&r.speaker.name));
            // A role noun for someone else in between ("the President of
            // Russia noted …") makes the pronoun ambiguous: kept out of answers.
            // Posts earlier statements were credited to ("The chancellor
            // said …" → the person it stands for).
            let bound: Vec<(&str, &[String], &str)> = found
                .iter()
                .zip(resolved)
                .rev()
                .take(64)
                .filter_map(|(g, r)| match (&g.who, r) {
                    (Who::Raw(RawSpeaker { class: Class::Role(h, q), .. }), Some(r))
                        if r.speaker.kind == SpeakerKind::Person =>
                    {
                        Some((h.as_str(), &q[..], r.speaker.name.as_str()))
                    }
                    _ => None,
                })
                .collect();
            let sure = |from: usize, name: &str| {
                if reg.other_role_between(body, names, &bound, from, pos, name) {
                    0.45
                } else {
                    0.8
                }
            };
            // "A Labour spokesman told the BBC … “…,” he said.": the unnamed
            // person who spoke last, when no one was named since.
            if matches!(p, lexicon::Pronoun::He | lexicon::Pronoun::She) {
                let unnamed = found
                    .iter()
                    .enumerate()
                    .rev()
                    .take(8)
                    .filter(|(_, g)| d.text_rank(g.para) + 1 >= d.text_rank(f.para))
                    .find_map(|(i, g)| Some((g, resolved.get(i)?.as_ref()?)));
                if let Some((g, r)) = unnamed {
                    let since = timeline.partition_point(|(q, _)| *q < g.ctx.start);
                    if r.speaker.kind == SpeakerKind::Anonymous
                        && lexicon::singular_person(&r.speaker.name)
                        && since >= upto
                    {
                        return Some(Resolved {
                            speaker: Speaker { as_written: as_written.clone(), role: None, ..r.speaker.clone() },
                            conf: 0.7,
                        });
                    }
                }
            }
            match (subject, last_speaker) {
                (Some((sp_pos, n)), Some((g, r))) if g.ctx.start < *sp_pos || mentioned(&r.speaker.name) => {
                    return person(n, sure(*sp_pos, n))
                }
                (_, Some((g, r))) if !mentioned(&r.speaker.name) => {
                    let conf = sure(g.ctx.start, &r.speaker.name);
                    return Some(Resolved {
                        speaker: Speaker { as_written: as_written.clone(), role: None, ..r.speaker.clone() },
                        conf,
                    });
                }
                (Some((sp_pos, n)), _) => return person(n, sure(*sp_pos, n)),
                _ => {}
            }
            let upto = timeline.partition_point(|(p, _)| *p < pos);
            for (p, n) in timeline[..upto].iter().rev().take(6) {
                if pos - p > 3000 {
                    break;
                }
                let last = n.split_whitespace().last().unwrap_or(n);
                let lk = name_key(last);
                if !lk.is_empty() && quoted_key.split(' ').any(|w| w == lk) {
                    // Mentioned inside the quote: never its speaker.
                    continue;
                }
                if !fits(n) {
                    // The nearest person cannot be meant, and the others
                    // here are subjects, not speakers: no guess.
                    return None;
                }
                return person(n, 0.8);
            }
            // Nobody spoke or acted before: the one person the paragraph or
            // the one before it names ("… hit Taira Sluisarenko's building.
            // “I was sitting …,” she told Al Jazeera").
            let from = f.para.checked_sub(1).and_then(|p| d.paras.get(p)).map_or(0, |p| p.start);
            let n = reg.only_person_between(from, pos)?;
            if mentioned(n) || !fits(n) {
                return None;
            }
            person(n, 0.7)
        }
        Class::Institution if generic_institution(&as_written) && names.lookup(&as_written).is_none() => {
            // "The brigade reported" after "A Ukrainian brigade operating in
            // … reported": the unnamed body just quoted.
            let head = as_written.split_whitespace().last().unwrap_or("").to_lowercase();
            if let Some(r) =
                recent_unnamed(d, found, resolved, f, |name| name.split_whitespace().any(|w| w.to_lowercase() == head))
            {
                return Some(Resolved {
                    speaker: Speaker { as_written: as_written.clone(), ..r.speaker.clone() },
                    conf: 0.8,
                });
            }
            // "the agency" after "The BND said …": the institution just quoted.
            let prev = found
                .iter()
                .enumerate()
                .rev()
                .take(64)
                .filter(|(_, g)| d.text_rank(g.para) + 2 >= d.text_rank(f.para))
                .filter_map(|(i, _)| resolved.get(i)?.as_ref())
                .find(|r| r.speaker.kind == SpeakerKind::Institution);
            let speaker = match prev {
                Some(r) => Speaker { as_written: as_written.clone(), ..r.speaker.clone() },
                None => Speaker {
                    name: speakers::canonical_institution(names, &as_written),
                    as_written: as_written.clone(),
                    role: None,
                    kind: SpeakerKind::Institution,
                },
            };
            Some(Resolved { speaker, conf: 0.8 })
        }
        Class::Document(named) => {
            let name = reg.publisher(named.as_deref(), pos)?;
            let name = speakers::canonical_institution(names, &name);
            Some(Resolved {
                speaker: Speaker { name, as_written: as_written.clone(), role: None, kind: SpeakerKind::Institution },
                conf: 0.75,
            })
        }
        Class::Institution => Some(Resolved {
            speaker: Speaker {
                name: speakers::canonical_institution(names, &as_written),
                as_written: as_written.clone(),
                role: None,
                kind: SpeakerKind::Institution,
            },
            conf: 0.9,
        }),
        Class::Anonymous
            if as_written.starts_with(['T', 't'])
                && as_written.to_lowercase().starts_with("the ")
                && short_description(speakers::before_apposition(&as_written)) =>
        {
            // "the source", "the official": the unnamed source just quoted,
            // when one with the same head spoke in this or the last paragraph.
            // (A full description, "The commander of a Vorn battery operating
            // in the Brell direction", introduces someone; its last word is
            // no head.)
            let head = speakers::before_apposition(&as_written).split_whitespace().last().unwrap_or("").to_lowercase();
            let prev = found
                .iter()
                .enumerate()
                .rev()
                .take(64)
                .filter(|(_, g)| d.text_rank(g.para) + 1 >= d.text_rank(f.para))
                .filter_map(|(i, _)| resolved.get(i)?.as_ref())
                .find(|r| {
                    r.speaker.kind == SpeakerKind::Anonymous
                        && r.speaker.name.split_whitespace().any(|w| w.to_lowercase() == head)
                });
            let speaker = match prev {
                Some(r) => Speaker { as_written: as_written.clone(), ..r.speaker.clone() },
                None => Speaker {
                    name: speakers::lower_article(&as_written),
                    as_written: as_written.clone(),
                    role: None,
                    kind: SpeakerKind::Anonymous,
                },
            };
            Some(Resolved { speaker, conf: 0.85 })
        }
        Class::Anonymous => Some(Resolved {
            speaker: Speaker {
                name: speakers::lower_article(&as_written),
                as_written: as_written.clone(),
                role: None,
                kind: SpeakerKind::Anonymous,
            },
            conf: 0.9,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fictional alias table: Vornland, its mayor and its court.
    fn names() -> Aliases {
        Aliases::parse(
            "[people]\n\"Ivo Tarn\" = [\"Tarn\"]\n[institutions]\n\"the Hollow Court\" = [\"Hollow Court\"]\n",
        )
        .expect("alias table")
    }

    /// Found by fuzzing (`fuzz/fuzz_targets/quotes.rs`): a capitalised
    /// headline list read as one name across its line breaks, and vertical
    /// tabs kept inside an institution's name. A speaker is one line of
    /// visible text, or no speaker.
    #[test]
    fn an_acronym_stands_for_the_one_name_the_article_spells_out() {
        let body = "The Association of Vornish Harbour Pilots (Avhp) met. Avhp said so. The Vorn Harbour Board met.";
        let cases: &[(&str, Option<&str>)] = &[
            ("Avhp", Some("Association of Vornish Harbour Pilots")),
            ("AVHP", Some("Association of Vornish Harbour Pilots")),
            ("VHB", Some("Vorn Harbour Board")),
            // Too short, not in the article, or not an acronym.
            ("VH", None),
            ("ABCD", None),
            ("avhp", None),
            ("Avhp2", None),
        ];
        let words: Vec<&str> = body.split_whitespace().collect();
        for (acronym, want) in cases {
            assert_eq!(expansion(&words, acronym).as_deref(), *want, "{acronym}");
        }
        // Two names with the same letters: none is guessed.
        let two: Vec<&str> = "The Vorn Harbour Board and the Vorn Hockey Board.".split_whitespace().collect();
        assert_eq!(expansion(&two, "VHB"), None);
    }

    #[test]
    fn a_speaker_never_spans_a_line_and_holds_no_control_character() {
        let names = Aliases::parse(
            "[people]\n\"Ada Quill\" = [\"Quill\"]\n\"Tarn Vale\" = [\"Vale\"]\n[institutions]\n\"the Vornhaven Ministry of Defence\" = []\n",
        )
        .expect("alias table");
        let headlines =
            "The mediation team, led by Special Envoy Lia Dorn and Ben Sarn, Ada Quill’s adviser, are expected \
            to meet. Latest Unresolved Issues\n* Quill Issues Grave Warning to Eastmark as Vornhaven-Eastmark Talks on \
            Selby Peace Plan End Without Breakthrough\n* Vale Ramps Up Pressure on Dorn to Sign Peace Deal: \
            ‘Eastmark Ha according to nd’\n";
        let tabs =
            "Unconfirmed claims: The \u{b}\u{b}\u{b}\u{b}Vornhaven Ministry of Defence (MoD) claimed on February 7 \
            that Eastmark forces seized Selby Cross.\n";
        let found: Vec<Quote> = [headlines, tabs].iter().flat_map(|t| extract(t, &names)).collect();
        for q in &found {
            for s in [&q.speaker.name, &q.speaker.as_written].into_iter().chain(&q.speaker.role) {
                assert!(!s.chars().any(char::is_control), "{s:?} in {q:?}");
            }
        }
        assert!(
            found.iter().any(|q| q.speaker.as_written == "The Vornhaven Ministry of Defence"),
            "the ministry is still the speaker, its name on one line: {found:?}"
        );
    }

    type Want = (&'static str, SpeakerKind, QuoteKind, &'static str);

    /// Input text → every statement expected in it (speaker, speaker kind,
    /// quote kind, a snippet of the statement), and nothing else.
    const CASES: &[(&str, &[Want])] = &[
        (
            // The cue first ("Said Tarn:"): no person is called "Said Tarn",
            // and the quote ends at its closing mark.
            "Vorn have signed Ivo Tarn. Said Tarn: \"I did not have to think twice.\" Tarn played for Brell in \
             2003 and should figure in the squad for Monday, when Vorn meet Brell at home.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "I did not have to think twice.")],
        ),
        (
            // A job noun opening the sentence is no first name, and "he"
            // later is the same person.
            "Singer Ada Quill won in Vornby on Friday.\n\"It was a great night,\" she said.",
            &[("Ada Quill", SpeakerKind::Person, QuoteKind::Direct, "It was a great night")],
        ),
        (
            // A connective, not a report: nobody says anything here.
            "Having said that, Vorn are yet to concede a goal in this cup run.",
            &[],
        ),
        (
            // A ministry named by its remit, after its country's possessive.
            "Ukraine's Ministry of Community and Territorial Development reported that Vornish forces struck a train.",
            &[(
                "Ukrainian Ministry of Community and Territorial Development",
                SpeakerKind::Institution,
                QuoteKind::Indirect,
                "Vornish forces struck a train",
            )],
        ),
        (
            // A place and one capitalised word name the whole: not "Matters".
            "Russia Matters reports that every plant in Vorn has been damaged.",
            &[("Russia Matters", SpeakerKind::Person, QuoteKind::Indirect, "every plant in Vorn has been damaged")],
        ),
        (
            // A plural title opens no first name; an ordinal is no speaker.
            "Presidents Ivo Tarn and Ada Quill met in Brell. Tarn said the talks were useful.\n\
             Third, create a single market for the region.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the talks were useful")],
        ),
        (
            // A post that joins two nouns: the person, not "Work", adds.
            "Work and pensions minister Ivo Tarn met the envoy, adding they would \"work as a team\".",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "work as a team")],
        ),
        (
            "“We will not yield,” said Mayor Ada Quill on Vorn radio.",
            &[("Ada Quill", SpeakerKind::Person, QuoteKind::Direct, "We will not yield")],
        ),
        (
            "Vornish Foreign Minister Ivo Tarn said that the border would reopen on Monday.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the border would reopen on Monday")],
        ),
        (
            "Ivo Tarn left early. “The talks are over,” Tarn told the Vorn Gazette. “We leave tonight.”",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "The talks are over"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "We leave tonight"),
            ],
        ),
        (
            "The ferry will resume service next week, Quill said.\nLater, Mayor Ada Quill opened the new bridge over the Brell.",
            &[("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "The ferry will resume service next week")],
        ),
        (
            "The bridge was damaged overnight by the storm, the mayor told reporters.\n“We will rebuild it,” said Mayor Ada Quill.",
            &[
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "The bridge was damaged overnight"),
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Direct, "We will rebuild it"),
            ],
        ),
        (
            "Bela Morn arrived in Vorn on Tuesday. “We came here to listen,” he said.",
            &[("Bela Morn", SpeakerKind::Person, QuoteKind::Direct, "We came here to listen")],
        ),
        (
            "On Monday, the Hollow Court insisted that the treaty was void.",
            &[("the Hollow Court", SpeakerKind::Institution, QuoteKind::Indirect, "the treaty was void")],
        ),
        (
            "The summit will move to Brell next month, a senior Vornish official told reporters.",
            &[("a senior Vornish official", SpeakerKind::Anonymous, QuoteKind::Indirect, "The summit will move to Brell")],
        ),
        (
            "The deal is off for now, sources said.",
            &[("sources", SpeakerKind::Anonymous, QuoteKind::Indirect, "The deal is off")],
        ),
        (
            "According to Tarn, the harbour will stay closed until spring.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the harbour will stay closed until spring")],
        ),
        (
            "Bela Morn met Ada Quill in Vorn. “Quill wants peace, and so do we,” he said.",
            &[("Bela Morn", SpeakerKind::Person, QuoteKind::Direct, "Quill wants peace")],
        ),
        (
            "Ivo Tarn: Colleagues, the border is open again today. Ada Quill: Thank you, minister, we are grateful for it.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "the border is open again today"),
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Direct, "we are grateful for it"),
            ],
        ),
        (
            "Mayor Ada Quill spoke late.\nI opened the bridge myself. We will keep it open, Quill wrote on Vornbook late Tuesday.",
            &[("Ada Quill", SpeakerKind::Person, QuoteKind::Direct, "I opened the bridge myself")],
        ),
        (
            "Tarn was quoted by the Vorn Gazette as saying that the harbour deal was dead.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the harbour deal was dead")],
        ),
        (
            "“We will rebuild it,” said Mayor Ada Quill.\n“Every house in Vorn will stand again.”",
            &[
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Direct, "We will rebuild it"),
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Direct, "Every house in Vorn will stand again"),
            ],
        ),
        (
            "Ivo Tarn said the talks had been “long but very useful indeed” for Vornland.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "long but very useful indeed")],
        ),
        (
            "It was a long night. Reports of the storm reached Brell, according to Reuters.",
            &[],
        ),
        ("Tarn did not say whether the harbour would open.", &[]),
        ("He believes the harbour will stay closed for years.", &[]),
        ("The harbour is closed for the winter, they said.", &[]),
        ("Ada Quill was pictured at the harbour on Monday.", &[]),
        ("Tarn: Talks must wait", &[]),
        (
            "Tarn, Quill’s harbour man, had a reputation as a hardliner, but privately he was horrified by the plan, said a source close to him.",
            &[("a source close to him", SpeakerKind::Anonymous, QuoteKind::Indirect, "privately he was horrified")],
        ),
        (
            "“We had all the same maps,” said Étienne de Vorn, the Brell ambassador to Vornhaven.",
            &[("Étienne de Vorn", SpeakerKind::Person, QuoteKind::Direct, "We had all the same maps")],
        ),
        ("A recent survey by the Vorn Chamber of Commerce showed that outages had hurt four firms in five.", &[]),
        (
            "Brell is demanding that Vornland hand back the northern islands at once.",
            &[("Brell", SpeakerKind::Person, QuoteKind::Indirect, "Vornland hand back the northern islands")],
        ),
        (
            "Mayor Ada Quill has been clear that the harbour will reopen only after the storm season.",
            &[("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "the harbour will reopen only after the storm season")],
        ),
        (
            "Ada Quill spoke. The storm damage – as Mayor Ada Quill often points out – is only getting worse every winter.",
            &[("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "is only getting worse")],
        ),
        (
            "The talks, described as “long but very useful” by Foreign Minister Ivo Tarn, ended on Friday.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "long but very useful")],
        ),
        (
            "Mayor Ada Quill spoke on Monday. At the same time, as Quill noted, the harbour will stay open all winter.",
            &[("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "the harbour will stay open all winter")],
        ),
        (
            "The Brell ferry resumes on Monday, said Ada Quill, Mayor of Vornhaven.\n“We are ready,” the Mayor of Vornhaven said.",
            &[
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "The Brell ferry resumes on Monday"),
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Direct, "We are ready"),
            ],
        ),
        (
            "A drone hit Lena Voss’s house in Brell.\n“I was in the kitchen when it struck,” she told the Vorn Gazette.",
            &[("Lena Voss", SpeakerKind::Person, QuoteKind::Direct, "I was in the kitchen")],
        ),
        (
            "A Brell harbour executive told the Vorn Gazette that the port would close within weeks.",
            &[("a Brell harbour executive", SpeakerKind::Anonymous, QuoteKind::Indirect, "the port would close within weeks")],
        ),
        // An interview: the speaker set once holds across narration; the
        // interviewer's own question is nobody's statement.
        (
            "“We will rebuild the bridge,” Mayor Ada Quill told me.\n\nThe bridge fell in May.\n\n“Every family here lost a day's work.”\n\n“But would that not take years?” I asked.\n\n“It takes as long as it takes,” she said.",
            &[
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Direct, "We will rebuild the bridge"),
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Direct, "Every family here"),
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Direct, "It takes as long as it takes"),
            ],
        ),
        // A readout: a connective carries the statement on; an agentless cue
        // is the side that spoke just before.
        (
            "Ivo Tarn noted that the border had stayed closed for a week. Moreover, the Brell side had not kept its promises. It was stressed that the ferries must run again.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the border had stayed closed"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "Moreover, the Brell side"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the ferries must run again"),
            ],
        ),
        // A consequence the speaker draws carries the statement on ("… as a
        // result", "Therefore, …"); uncued sentences in the present tense
        // (free indirect speech) do not: on unseen articles that rule put
        // the writer's narration in speakers' mouths (docs/QUALITY.md).
        (
            "Ivo Tarn recalled that the harbour had been closed for ten years. About 300 boats were lost as a result. During the blockade, the Brell guards are doing nothing to help. Reports of fires in Vorn are crude fabrications.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the harbour had been closed"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "About 300 boats were lost"),
            ],
        ),
        (
            "Ivo Tarn noted that the ferries ran late. Therefore, the port must be dredged. The town is also ready to pay for it.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the ferries ran late"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "Therefore, the port must be dredged"),
            ],
        ),
        // A quoted word or two does not stop a continuation.
        (
            "Ivo Tarn said that the ferries stopped at dawn. But that did not happen for “night freight” boats.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the ferries stopped at dawn"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "But that did not happen"),
            ],
        ),
        // The writer's present tense is not the speaker's: the present
        // perfect of news narration, a view ascribed, the writer's doubt,
        // a sentence about the speaker, another source's stated words, and
        // anything after a present-tense cue.
        (
            "Ivo Tarn said that the ferries would run. Brell has rejected the plan.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the ferries would run")],
        ),
        (
            "Ivo Tarn said that the ferries would run. The mayor believes a deal is near.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the ferries would run")],
        ),
        (
            "Ivo Tarn said that the ferries would run. It is not clear why the talks ended early.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the ferries would run")],
        ),
        (
            "Ivo Tarn said that the ferries would run. However, he is unable to promise a date.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the ferries would run")],
        ),
        (
            "Ivo Tarn said that the ferries would run. The stated aim of the Brell planners is to close the port.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the ferries would run")],
        ),
        // "… hit back at Morn's claim that …": Morn's statement, not more of
        // Tarn's.
        (
            "Ivo Tarn said that the bridge would open. And he hit back at Bela Morn's claim that the bridge is unsafe.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the bridge would open"),
                ("Bela Morn", SpeakerKind::Person, QuoteKind::Indirect, "the bridge is unsafe"),
            ],
        ),
        (
            "Ivo Tarn said that the bridge would open. \"The bridge is safe. We are ready,\" Tarn added.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the bridge would open"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "The bridge is safe"),
            ],
        ),
        (
            "Ivo Tarn said that the ferries would run. Mayor Bela Morn is a former ferry captain.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the ferries would run")],
        ),
        (
            "Ivo Tarn said that the ferries would run. The new timetable is expected to appear soon.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the ferries would run")],
        ),
        (
            "Ivo Tarn says the ferries will run. The bridge is closed for repairs.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the ferries will run")],
        ),
        // Short quoted evaluations and a term someone used.
        (
            "Ivo Tarn described the round as “businesslike”. Bela Morn attacked what he called “saboteurs in the harbour office”.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the round as"),
                ("Bela Morn", SpeakerKind::Person, QuoteKind::Direct, "saboteurs in the harbour office"),
            ],
        ),
        // A statement that is the verb's object (`object_frames.txt`); not
        // a passive, not a phrase that only looks like the frame.
        (
            "Ivo Tarn recommended fifteen changes to the ferry timetable. Ada Quill asked the Brell court to reopen the quay. Bela Morn put the losses at about 300 boats.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "fifteen changes to the ferry timetable"),
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "to reopen the quay"),
                ("Bela Morn", SpeakerKind::Person, QuoteKind::Indirect, "the losses at about 300 boats"),
            ],
        ),
        ("Ivo Tarn was asked to reopen the quay. Ada Quill put the boats at risk of sinking.", &[]),
        // A statement named by a noun after its speaker's possessive
        // (`speech_nouns.txt`); the possessive is no pronoun's antecedent.
        (
            "Ada Quill welcomed Ivo Tarn's promise to rebuild the bridge. She rejected Mayor Bela Morn's demand that the quay close at night. “It will stay open,” she said.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "to rebuild the bridge"),
                ("Bela Morn", SpeakerKind::Person, QuoteKind::Indirect, "the quay close at night"),
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Direct, "It will stay open"),
            ],
        ),
        // "her call" is no speaker of its own; "repeated" (a frame whose
        // object names a statement) makes it Ada Quill's.
        (
            "Ada Quill repeated her call for a new bridge over the river.",
            &[("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "her call for a new bridge")],
        ),
        // Speakers as wire copy writes them: a name and its affiliation, an
        // owner's role before a name, a plain noun ending in "-ly" in a role,
        // a title in capitals; "if" after "said" opens a condition.
        (
            "Ada Beyn of the Vorn Harbour Trust said the new rules were unfair. Lord Tarn's nephew Ivo Quill said the peer would be missed. Brell family spokeswoman Bela Morn said if the party won, it would repeal the law. Vorn MSP Ola Dent said the clerk was wrong.",
            &[
                ("Ada Beyn", SpeakerKind::Person, QuoteKind::Indirect, "the new rules were unfair"),
                ("Ivo Quill", SpeakerKind::Person, QuoteKind::Indirect, "the peer would be missed"),
                ("Bela Morn", SpeakerKind::Person, QuoteKind::Indirect, "if the party won, it would repeal the law"),
                ("Ola Dent", SpeakerKind::Person, QuoteKind::Indirect, "the clerk was wrong"),
            ],
        ),
        // A surname that is also an outlet's name; "said no" before a noun;
        // the object of a verb of saying is its subject's statement.
        (
            "Ivo Fox said no decision had been taken on the quay. Ada Quill confirmed Bela Morn's insistence that the ferry would run.",
            &[
                ("Ivo Fox", SpeakerKind::Person, QuoteKind::Indirect, "no decision had been taken"),
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "the ferry would run"),
            ],
        ),
        ("Ivo Tarn said no to the plan of the harbour council.", &[]),
        // A subject with an apposition inside the reported clause; a dashed
        // aside between a speaker and the verb.
        (
            "Analysts said Vornish firms, keen to protect their margins, were slow to hire. Bela Morn - a supporter of the pact - said exemptions were needed.",
            &[
                ("Analysts", SpeakerKind::Anonymous, QuoteKind::Indirect, "Vornish firms, keen to protect their margins, were slow"),
                ("Bela Morn", SpeakerKind::Person, QuoteKind::Indirect, "exemptions were needed"),
            ],
        ),
        // "told" an outlet's programme, then the clause; an institution
        // named by its remit with "and"; hyphenated stances before a group.
        (
            "Ivo Tarn told Vorn Radio's the Harbour Hour his main worry was the quay. The Department of Harbours and Ferries said the quay would reopen. Anti-ferry campaigners said the plan was rushed.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "his main worry was the quay"),
                ("the Department of Harbours and Ferries", SpeakerKind::Institution, QuoteKind::Indirect, "the quay would reopen"),
                ("Anti-ferry campaigners", SpeakerKind::Anonymous, QuoteKind::Indirect, "the plan was rushed"),
            ],
        ),
        // Groups described by what they are (`anonymous_heads.txt`).
        (
            "Opposition pundits said the ferry plan would fail. Some supporters of the toll insist it will pay for the quay. Vornish protesters warn that the bridge is unsafe.",
            &[
                ("Opposition pundits", SpeakerKind::Anonymous, QuoteKind::Indirect, "the ferry plan would fail"),
                ("some supporters of the toll", SpeakerKind::Anonymous, QuoteKind::Indirect, "it will pay for the quay"),
                ("Vornish protesters", SpeakerKind::Anonymous, QuoteKind::Indirect, "the bridge is unsafe"),
            ],
        ),
        // A clause that quotes three words or more gives only the quoted
        // words, even when a conjunct before them quotes none (the labelling
        // rules' convention; splitting was tried twice and turned away).
        (
            "Ivo Tarn said the ferry bill would end some of the \"worst delays\" at the quay, but ministers had been \"far too slow about it\" for years.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "far too slow about it")],
        ),
        // A phrase, then a pronoun and its verb: a bare clause. A short
        // phrase is the cue's. A condition is no speaker.
        (
            "Ivo Tarn said during his long years on the council he had seen mayors come and go. Ada Quill said on Monday she would resign. If the council agrees on the plan it will go to a vote.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "during his long years on the council he had seen mayors come and go"),
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "she would resign"),
            ],
        ),
        // A participle cue after a document its subject put out.
        (
            "The Vornish ministry issued a statement saying the ferries would run. A Vornish milblogger published a map on Monday acknowledging that Brellish forces had crossed the river.",
            &[
                ("the Vornish ministry", SpeakerKind::Institution, QuoteKind::Indirect, "the ferries would run"),
                ("a Vornish milblogger", SpeakerKind::Anonymous, QuoteKind::Indirect, "Brellish forces had crossed the river"),
            ],
        ),
        // A passive with its agent: the subject is what the agent said. Not
        // a clause ("whose …"), nor an act ("was attacked by").
        (
            "Plans to close the night ferry to Brell have been criticised by Mayor Ada Quill. Mr Tarn, whose retirement was announced by the council, left. The old quay was attacked by Vornish forces.",
            &[("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "Plans to close the night ferry to Brell")],
        ),
        // "they" is an unnamed group only in the next sentence.
        (
            "Opponents say the toll is illegal. They say it will be dropped. The port has three berths and a ferry office. They have said the fees are too high.",
            &[
                ("Opponents", SpeakerKind::Anonymous, QuoteKind::Indirect, "the toll is illegal"),
                ("Opponents", SpeakerKind::Anonymous, QuoteKind::Indirect, "it will be dropped"),
            ],
        ),
        ("Ivo Tarn and Ada Quill said the quay would reopen.", &[]),
        // A name, then a post held at an organisation, with no closing
        // comma; not a definite role, which may be someone else speaking.
        (
            "Ada Quill, head of policy at the harbour charity the Vorn Trust said the policy was rushed.",
            &[("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "the policy was rushed")],
        ),
        ("Ivo Tarn, the minister said the quay was closed.", &[]),
        // A three-word clause with its verb is a clause, not an adverbial;
        // a prepositional phrase is never a speaker.
        (
            "Ivo Tarn met the envoys but said questions remained unanswered.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "questions remained unanswered")],
        ),
        ("Ivo Tarn, from the Vorn harbour union said there should be a strike.", &[]),
        // A name, then "who" right before the verb; not an unnamed one,
        // whom the article may name later.
        (
            "The message was repeated by Harbour Secretary Ivo Tarn who said the matter was closed.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the matter was closed")],
        ),
        ("Ada Quill criticised a union leader who said the talks were harming the council.", &[]),
        // A that-verb's bare clause whose words are quoted.
        (
            "General secretary Ivo Tarn warned the “costs could easily outweigh the benefits”.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "costs could easily outweigh the benefits")],
        ),
        // A nested quote whose comma sits inside its closing mark.
        (
            "Ivo Tarn met the envoys. “He kept saying: ‘We could do small, medium or large,’” said Ada Quill.",
            &[("Ada Quill", SpeakerKind::Person, QuoteKind::Direct, "He kept saying")],
        ),
        // A that-verb's bare clause whose subject runs to six words.
        (
            "Mr Tarn argued the only test for his policies was whether they worked.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the only test for his policies")],
        ),
        // Job nouns before a name: "charity boss", "Ofsted chief".
        (
            "Charity boss Ivo Tarn said the vote would be close.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the vote would be close")],
        ),
        // "put it" introduces a quote like a verb of saying; not "put it on
        // the table".
        (
            "As one Vornish official put it: “The main thing we learned is to plan for the worst.”",
            &[("one Vornish official", SpeakerKind::Anonymous, QuoteKind::Direct, "The main thing we learned")],
        ),
        ("Ivo Tarn put it on the table: “The harbour is finished.”", &[]),
        // Unnamed prosecutors; a quantity opening the clause.
        (
            "The clerk took money from the harbour fund, prosecutors said. Ada Quill said as many as 3,000 boats could be listed.",
            &[
                ("prosecutors", SpeakerKind::Anonymous, QuoteKind::Indirect, "The clerk took money"),
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "as many as 3,000 boats"),
            ],
        ),
        // An owner's capitalised post before a name.
        (
            "Ada Quill's Vorn MP Ivo Tarn welcomed the release but said questions remained unanswered.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "questions remained unanswered")],
        ),
        // An age and an origin between a name and its verb; a listed
        // subject inside the reported clause.
        (
            "Ivo Tarn, 32, from Vornby, said he was questioned at the camp. Ada Quill said Vornish, Brellish and Ostish schools must teach the treaty.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "he was questioned at the camp"),
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "Vornish, Brellish and Ostish schools must"),
            ],
        ),
        // A quoted word in a relative clause between a speaker and the verb.
        (
            "Ivo Tarn, who has called the plan a “trap”, said the talks would go on.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the talks would go on")],
        ),
        // A role, then the name, after the verb; an unnamed unit and its
        // spokesperson.
        (
            "“The ferry runs again,” said the chairman of the Vorn harbour board, Ada Quill.\nA Brell brigade operating near the harbour reported that two boats sank. The brigade reported that the crews were safe.",
            &[
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Direct, "The ferry runs again"),
                ("a Brell brigade operating near the harbour", SpeakerKind::Anonymous, QuoteKind::Indirect, "two boats sank"),
                ("a Brell brigade operating near the harbour", SpeakerKind::Anonymous, QuoteKind::Indirect, "the crews were safe"),
            ],
        ),
        // A role noun for someone unnamed stands between: "he" is ambiguous.
        ("Ivo Tarn met the envoys. Then the Brell president spoke of the harbour. “We will open it,” he said.", &[]),
        // A sentence opening with "But" carries the statement before it on.
        (
            "Ada Quill said the ferry would run all winter. But the harbour fees would rise in the spring.",
            &[
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "the ferry would run all winter"),
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "But the harbour fees would rise"),
            ],
        ),
        // … but not one about the speaker.
        (
            "Ada Quill said the ferry would run all winter. But she left for Brell the next day.",
            &[("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "the ferry would run all winter")],
        ),
        // A denial or admission whose object is a gerund.
        (
            "Ivo Tarn met the envoys, although he denied having signed the harbour deal.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "having signed the harbour deal")],
        ),
        ("Ivo Tarn denied wrongdoing in the harbour affair.", &[]),
        // An outlet's own remark ("noted"), not news it relays ("reported").
        (
            "The Vorn Times noted that the harbour had stayed closed for a week.",
            &[("the Vorn Times", SpeakerKind::Institution, QuoteKind::Indirect, "the harbour had stayed closed")],
        ),
        (
            "Trade with Brell, as the Vorn Journal noted, has doubled since the bridge reopened.",
            &[("the Vorn Journal", SpeakerKind::Institution, QuoteKind::Indirect, "has doubled since the bridge")],
        ),
        ("The Vorn Times reported that the harbour had stayed closed for a week.", &[]),
        ("The report noted by the harbour board was long.", &[]),
        // Paragraphs run together: a cue with a colon after a closed quote
        // introduces the next quote, it does not attribute the one before.
        (
            "Harbour minister Ivo Tarn said: \"We will reopen the quay.\" Opposition leader Ada Quill said: \"This is the third delay in a year.\"",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "We will reopen the quay."),
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Direct, "This is the third delay"),
            ],
        ),
        // "Sir Ivo" on second mention is Sir Ivo Tarn.
        (
            "Auditor General Sir Ivo Tarn said the quay was late. Sir Ivo said \"real progress\" had been made since.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the quay was late"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "had been made since"),
            ],
        ),
        // A role given with the name in apposition does not make "he" ambiguous.
        (
            "The chief inspector of harbours, Ivo Tarn, said the quay should close. \"It is good for the town to see change,\" he said.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the quay should close"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "It is good for the town"),
            ],
        ),
        // A job noun right before a name is a title.
        (
            "Pensions officer Ada Quill said: \"The pensions of the dockers are under threat.\"",
            &[("Ada Quill", SpeakerKind::Person, QuoteKind::Direct, "The pensions of the dockers")],
        ),
        // A name in apposition is the subject "he" refers to; the subject of
        // the statement's own sentence is what was said, not who said it.
        (
            "During the talks in Vorn, the head of the delegation, Ivo Tarn, pushed for terms. He also warned that \"Brell was ready for a long standoff over the quay\".",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "Brell was ready for a long standoff")],
        ),
        // A name, then its role written as someone's, with no closing comma;
        // "he" after the next statement is that speaker, not the subject of
        // the statement's own sentence.
        (
            "The premier's zeal remains undimmed, Alan Brisk, Labour's election strategist told Radio Vorn. Mr Quill has \"the same passion for the job\" as in 1997, he said.",
            &[
                ("Alan Brisk", SpeakerKind::Person, QuoteKind::Indirect, "The premier's zeal remains undimmed"),
                ("Alan Brisk", SpeakerKind::Person, QuoteKind::Direct, "the same passion for the job"),
            ],
        ),
        // A whole quoted sentence after a sentence whose subject voices a
        // view is that subject's; after other news it is nobody's.
        (
            "But Mr Tarn believes that detainees should have a jury trial. \"My own view is we need a full return to trial by jury.\"",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "My own view is we need")],
        ),
        ("Ada Quill arrived in Vorn on Monday. \"We came to listen to the farmers first.\"", &[]),
        // A peer's territorial designation is part of the name.
        (
            "Lord Tarn of Vornby, who chaired the inquiry, said: \"The evidence convinces us that the exchanges need rules.\"",
            &[("Tarn of Vornby", SpeakerKind::Person, QuoteKind::Direct, "The evidence convinces us")],
        ),
        // "…, even though X said …" is X's statement, not more of the first.
        (
            "Varko said that the deal was dead, even though Tarnish officials stated that an agreement was near.",
            &[
                ("Varko", SpeakerKind::Person, QuoteKind::Indirect, "the deal was dead"),
                ("Tarnish officials", SpeakerKind::Anonymous, QuoteKind::Indirect, "an agreement was near"),
            ],
        ),
        // A quote continues the statement before it in the paragraph, not
        // one that comes after it.
        (
            "Ivo Tarn spoke in Vorn on Monday. The ferries, he said, can run without new taxes. \"We can have a fleet and a budget that balances.\" The budget is what the council must defend, he said.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "The ferries"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "We can have a fleet"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "The budget is what"),
            ],
        ),
        // The last sentence of a quote running on by reopened marks keeps
        // its speaker when its closing mark is missing; a lone unclosed
        // quote is still nobody's.
        (
            "Ivo Tarn said: \"The quay is shut. \"We will open it again in May.\nThe council met on Monday.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "The quay is shut"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "We will open it again"),
            ],
        ),
        ("Ivo Tarn visited the quay. \"We will open it again in May.\nThe council met on Monday.", &[]),
        // "and" between two modifiers of one institution's head joins
        // them; between two full phrases it makes two speakers.
        (
            "Ivo Tarn was suspended after the Vorn harbour and ferries committee said his conduct had fallen \"well below the standards expected\".",
            &[(
                "the Vorn harbour and ferries committee",
                SpeakerKind::Institution,
                QuoteKind::Direct,
                "well below the standards",
            )],
        ),
        ("Ivo Tarn was suspended after the harbour board and the ferries committee said his conduct had fallen short.", &[]),
        // A clause naming someone's speech act before a colon introduces
        // that person's words.
        (
            "Ivo Tarn met the council on Monday. Tarn's reply was blunt: \"We will not pay for the quay.\"",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "We will not pay")],
        ),
        (
            "Ivo Tarn left the hall early. He had a warning for the council: \"The ferries will stop in May.\"",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "The ferries will stop")],
        ),
        ("Ivo Tarn left the hall early. The sign on the door was blunt: \"The ferries will stop in May.\"", &[]),
        // A quoted question closed by "wondered" is asked aloud.
        (
            "\"Why close the quay now, before the ferries return?\" Ivo Tarn wondered.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "Why close the quay now")],
        ),
        // "Asked about …" without a comma, then the speaker's name.
        (
            "The mayor met reporters on Monday. Asked about the ferries Ivo Tarn said: \"They will run again in May, once the quay is mended.\"",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "They will run again in May")],
        ),
        // A post named by its portfolio ("the harbours secretary") stands
        // for the one person the article names with it.
        (
            "Harbours Secretary Ivo Tarn opened the quay on Monday.\n\nBut the harbours secretary said the ferries would not return before May.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the ferries would not return")],
        ),
        ("The harbours secretary said the ferries would not return before May.", &[]),
        // Two people named with the post: "the mayor" is never guessed.
        (
            "Mayor Ada Quill of Vornhaven met Mayor Ivo Tarn of Brell on Monday.\n\nThe mayor said the ferries would not return before May.",
            &[],
        ),
        // A post the article gives no one stands for the one person named
        // before it first speaks, and keeps standing for them.
        (
            "Ivo Tarn has attacked the court's ruling on the quay.\n\nThe harbours secretary said the ruling was wrong. Ada Quill, who owns the ferries, welcomed it.\n\nThe harbours secretary added that he would appeal.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the ruling was wrong"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "he would appeal"),
            ],
        ),
        // Bound where it first opens a clause; a post opening the sentence
        // may have an aside before its verb, as a name may; a bill is not a
        // person named before it.
        (
            "Ivo Tarn has set out a plan for the quay.\n\nThe chancellor, speaking during a tour of Brell, said it was time to talk about the ferries. Ada Quill criticised the plan.\n\nThe chancellor said he hoped the ferries would return.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "it was time to talk"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "he hoped the ferries would return"),
            ],
        ),
        (
            "Ivo Tarn has set out a plan for the quay. The Quay Bill was published on Monday.\n\nThe Culture Secretary said the move showed she listened to critics.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the move showed")],
        ),
        // Not when two people were named before it, nor when the one named
        // has another post, nor for an aide.
        ("Ivo Tarn met Ada Quill on Monday.\n\nThe harbours secretary said the ruling was wrong.", &[]),
        ("Vorn party leader Ivo Tarn attacked the ruling.\n\nThe prime minister said the ruling was right.", &[]),
        ("Ivo Tarn attacked the ruling.\n\nThe spokesman said the ruling was wrong.", &[]),
        // What follows a comma describes a speaker; it is not filed as the
        // name.
        (
            "The Vorn Bank, which owns half of Brell, said the deal was off. A spokesman for the Brell Ferry Union, which represents the crews, said it would strike.",
            &[
                ("the Vorn Bank", SpeakerKind::Institution, QuoteKind::Indirect, "the deal was off"),
                ("a spokesman for the Brell Ferry Union", SpeakerKind::Institution, QuoteKind::Indirect, "it would strike"),
            ],
        ),
        // Words describing the speaker before a name closing the
        // sentence; a clause is no description.
        (
            "Ada Quill said the boat was done. \"We sail again in May,\" said retired ferryman Ivo Tarn.\n\nAda Quill's letter suggested they should get Bela Morn, the clerk, to speak.",
            &[
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "the boat was done"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "We sail again in May"),
            ],
        ),
        // A quote with an attribution of its own that names someone is not
        // the last speaker's, even when that attribution cannot be read.
        (
            "Ada Quill said the boat was done. \"We sail again in May,\" Dr Ivo Tarn head of ferries said.",
            &[("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "the boat was done")],
        ),
        // A former holder of a post does not hold it: "the chancellor" is
        // not the ex-chancellor named later.
        (
            "Mr Tarn said the ferries would run.\n\nThe chancellor said the port was safe.\n\nEarlier, ex-Vorn chancellor Ada Quill said the port was not safe.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the ferries would run"),
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "the port was not safe"),
            ],
        ),
        // "…, claiming …" with no "that": a clause after a participle of
        // speech; not a noun phrase, and not when a passive's agent may be
        // the one speaking.
        (
            "The move was not a one-off, Ada Quill said, claiming the mayor was obsessed with ferries.\n\nBela Morn is being sued by his neighbour, claiming he broke a promise.\n\nVornish officials gave a briefing, explaining Brell's alleged role.",
            &[
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "The move was not a one-off"),
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "the mayor was obsessed with ferries"),
            ],
        ),
        // Present-tense reporting verbs for plural subjects.
        (
            "Critics suggest that the ferries will stop. Prosecutors allege that the harbour board fixed its bids.",
            &[
                ("Critics", SpeakerKind::Anonymous, QuoteKind::Indirect, "the ferries will stop"),
                ("Prosecutors", SpeakerKind::Anonymous, QuoteKind::Indirect, "the harbour board fixed its bids"),
            ],
        ),
        // A full description is someone new, not the unnamed source just
        // quoted whose description ends in the same word.
        (
            "An officer of a Vornish drone battalion operating in the Brell direction reported that the fog had lifted. The commander of a Vornish mortar battery operating in the Brell direction reported that the ferries had stopped. The commander added that the port was shut.",
            &[
                ("an officer of a Vornish drone battalion operating in the Brell direction", SpeakerKind::Anonymous, QuoteKind::Indirect, "the fog had lifted"),
                ("the commander of a Vornish mortar battery operating in the Brell direction", SpeakerKind::Anonymous, QuoteKind::Indirect, "the ferries had stopped"),
                ("the commander of a Vornish mortar battery operating in the Brell direction", SpeakerKind::Anonymous, QuoteKind::Indirect, "the port was shut"),
            ],
        ),
        // A capitalised word before a lower-case noun is no subject by
        // itself; the whole phrase may be.
        (
            "Latest research suggests that the ferries will stop. Vorn harbour officials argue that the port will close.",
            &[("Vorn harbour officials", SpeakerKind::Anonymous, QuoteKind::Indirect, "the port will close")],
        ),
        // A plural noun is no cue: after a preposition, or before a verb.
        (
            "Following claims that Vornish ferries had docked in Brell, Ivo Tarn was asked about the port. Harbour reports continue to show that the quay is empty.",
            &[],
        ),
        // Forecasts and reckonings are statements; a noun before "said" is
        // no verb.
        (
            "Vorn Bank has forecast that ferry traffic will grow by 40%. Ivo Tarn reckons the port will reopen. The harbour forecasts said the tide would turn.",
            &[
                ("Vorn Bank", SpeakerKind::Institution, QuoteKind::Indirect, "ferry traffic will grow"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the port will reopen"),
            ],
        ),
        // "But" carries a statement on, not when it brings in a new
        // subject by name.
        (
            "Ivo Tarn said the ferries would stop. But Harbour chief Ada Quill has denied the claims.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the ferries would stop")],
        ),
        // "As for X, …" makes X what the next pronouns stand for.
        (
            "Bela Morn said the port was shut.\n\nAs for Ivo Tarn, his plan was ready. He also told them: \"We sail at dawn.\"",
            &[
                ("Bela Morn", SpeakerKind::Person, QuoteKind::Indirect, "the port was shut"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "We sail at dawn."),
            ],
        ),
        // "she" is never a person the article calls "Mr": the pronoun goes
        // to the last speaker it can stand for, or to no one.
        (
            "Mr Tarn said the ferries would stop. Ms Quill said the port would close.\n\n\"We will appeal,\" he said.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the ferries would stop"),
                ("Quill", SpeakerKind::Person, QuoteKind::Indirect, "the port would close"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "We will appeal"),
            ],
        ),
        (
            "Mr Morn said the quay was shut.\n\n\"We will wait,\" she said.",
            &[("Morn", SpeakerKind::Person, QuoteKind::Indirect, "the quay was shut")],
        ),
        // "told" is never inverted: its object is whom the speaker told;
        // and a medium's name is no one's surname.
        (
            "Prices fell. \"If a person has money this will decrease,\" shop owner Ada Quill, told Vorn Press.\n\nOliver Vell spoke to Rolling Brask magazine on Monday. \"It is over,\" Brask said.",
            &[
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Direct, "If a person has money"),
                ("Brask", SpeakerKind::Person, QuoteKind::Direct, "It is over"),
            ],
        ),
        // A club or a league is no "he".
        (
            "Vorn Rovers face Brell United next week. The manager of Vorn Rovers was delighted.\n\n\"We have work to do,\" he said.",
            &[],
        ),
        // One adverb before the subject: "Later he said …".
        (
            "Ivo Tarn arrived on Tuesday. Later he said the harbour would reopen next spring.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the harbour would reopen")],
        ),
        // A surname that ends like an adverb is a name.
        (
            "Ferries could run at night, harbours secretary Ada Connolly has suggested.\n\nMs Connolly told the Vorn Gazette progress had been made.",
            &[
                ("Ada Connolly", SpeakerKind::Person, QuoteKind::Indirect, "Ferries could run at night"),
                ("Ada Connolly", SpeakerKind::Person, QuoteKind::Indirect, "progress had been made"),
            ],
        ),
        // A hyphenated descriptor before a name is no part of it.
        (
            "Oscar-nominated Ada Quill said the film was done. \"We start again in May,\" said fly-half Ivo Tarn.",
            &[
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "the film was done"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "We start again in May"),
            ],
        ),
        // A post opening the article, named by a joint remit, is the person
        // the next paragraph quotes first; not when someone was named before.
        (
            "Night ferries planned\n\nFerries could run all night from May, the harbours and ports minister has \
             said.\n\nThis was why the government was buying boats, Ivo Tarn said.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "Ferries could run all night"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "buying boats"),
            ],
        ),
        (
            "Night ferries planned\n\nAda Quill wants ferries to run all night, the harbours minister has \
             said.\n\nThis was why the government was buying boats, Ivo Tarn said.",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "buying boats")],
        ),
        // A document's publisher named with "the" inside ("the Institute for
        // the Study of Ports"), not the "Study of Ports" in its name.
        (
            "Ferry row\n\nHowever, analysis by the Institute for the Study of Ports refutes these figures. The \
             analysis indicates that the staff aggrandizes every small gain.",
            &[(
                "Institute for the Study of Ports",
                SpeakerKind::Institution,
                QuoteKind::Indirect,
                "the staff aggrandizes every small gain",
            )],
        ),
        // A participle opening a sentence names no one a pronoun could mean.
        (
            "Ferry row\n\nAda Quill visited the port.\n\nPraising Brell and Kell for their efforts, she said: \"The \
             clubs have done their part.\"",
            &[("Ada Quill", SpeakerKind::Person, QuoteKind::Direct, "The clubs have done their part.")],
        ),
        // Plural subjects take the verb's base form; a subordinate clause
        // is no subject.
        (
            "Ferry row\n\nAnalysts reckon that the ferry will be sold. Whilst I agree that the port is open, \
             nobody sails.",
            &[("Analysts", SpeakerKind::Anonymous, QuoteKind::Indirect, "the ferry will be sold")],
        ),
        // Titles of the bench, the church and the police are no first names.
        (
            "Ferry row\n\nJudge Ada Quill said the contract was void. Detective Inspector Ivo Tarn said the \
             crew had fled. \"We will find them,\" the inspector said.",
            &[
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "the contract was void"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the crew had fled"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "We will find them"),
            ],
        ),
        // A quote whose cue lost its full stop is still running text.
        (
            "Ferry row\n\nIvo Tarn visited the port on Monday.\n\n\"The blame lies with the operators,\" he said\n\nMore news",
            &[("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "The blame lies with the operators")],
        ),
        // Letters after a name are no part of it; "the Vornby MP" is a seat,
        // standing for the one person named before it.
        (
            "Ferry row\n\nAda Quill spoke in the debate. \"The ferries must run,\" the Vornby MP told the \
             committee.\n\nIvo Tarn QC said the contract was void.",
            &[
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Direct, "The ferries must run"),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "the contract was void"),
            ],
        ),
        // A body named by its remit, also after an adverbial; a nationality
        // before a capitalised head is a name, not "the union" just quoted.
        (
            "Ferry row\n\nThe Association of Vornish Harbour Pilots said the port would close. Earlier this year \
             the Royal College of Ferrymen said night crossings were unsafe. In May Brell said the fares would \
             rise. The Vornish Union estimates that the trade is worth 200bn crowns.",
            &[
                (
                    "the Association of Vornish Harbour Pilots",
                    SpeakerKind::Institution,
                    QuoteKind::Indirect,
                    "the port would close",
                ),
                ("the Royal College of Ferrymen", SpeakerKind::Institution, QuoteKind::Indirect, "night crossings"),
                ("Brell", SpeakerKind::Person, QuoteKind::Indirect, "the fares would rise"),
                ("the Vornish Union", SpeakerKind::Institution, QuoteKind::Indirect, "the trade is worth"),
            ],
        ),
        // A stance verb whose object carries a view is a statement; one whose
        // object is a thing or a person is an act; someone's demand is theirs.
        (
            "Ferry row\n\nIvo Tarn has rejected calls for an inquiry into the ferry contract. Ada Quill welcomed the decision \
             to reopen the port but added that the fares were too high. Vorn defended the town against two \
             attacks from the north. Brell rejects Vorn's demand that it give up the harbour at Kell.",
            &[
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Indirect, "calls for an inquiry into the ferry contract"),
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "the decision to reopen the port"),
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Indirect, "the fares were too high"),
                ("Vorn", SpeakerKind::Person, QuoteKind::Indirect, "it give up the harbour"),
            ],
        ),
        // A press release: the attribution ends one paragraph with a colon,
        // the quote is the next one (a markdown blockquote or plain).
        (
            "Vorn sends aid to Brell.\n\nThe Commissioner for Ports, Ada Quill, said:\n> “The ferries will sail all winter. \
             Nobody will be left in the cold.”\n\nAsked about costs, Ivo Tarn said:\n\n“We will pay what it takes.”",
            &[
                ("Ada Quill", SpeakerKind::Person, QuoteKind::Direct, "The ferries will sail all winter."),
                ("Ivo Tarn", SpeakerKind::Person, QuoteKind::Direct, "We will pay what it takes."),
            ],
        ),
    ];

    #[test]
    fn table_of_statements() {
        let names = names();
        for (text, want) in CASES {
            let got: Vec<Quote> =
                extract(text, &names).into_iter().filter(|q| q.confidence >= MIN_CONFIDENCE).collect();
            let shown: Vec<_> =
                got.iter().map(|q| (q.speaker.name.as_str(), q.speaker.kind, q.kind, q.text.as_str())).collect();
            assert_eq!(got.len(), want.len(), "{text}\n got: {shown:#?}");
            for (q, (speaker, skind, kind, snippet)) in got.iter().zip(want.iter()) {
                assert_eq!(q.speaker.name, *speaker, "{text}\n got: {shown:#?}");
                assert_eq!(q.speaker.kind, *skind, "{text}");
                assert_eq!(q.kind, *kind, "{text}");
                assert!(q.text.contains(snippet), "{text}: {:?} lacks {snippet:?}", q.text);
                assert!(q.confidence >= MIN_CONFIDENCE, "{text}: confidence {}", q.confidence);
            }
        }
    }

    #[test]
    fn roles_and_written_forms_are_kept() {
        let text = "“The border stays shut,” Vornish Foreign Minister Ivo Tarn told the Vorn Gazette.";
        let q = &extract(text, &names())[0];
        assert_eq!(q.speaker.as_written, "Vornish Foreign Minister Ivo Tarn");
        assert_eq!(q.speaker.role.as_deref(), Some("Vornish Foreign Minister"));
        assert!(q.cue.starts_with("told"), "{}", q.cue);
        assert_eq!(&text[q.span.clone()], "The border stays shut");
        assert!(q.sentence.contains("Vorn Gazette"));
    }

    use crate::testing::Rng;

    fn check(body: &str, names: &Aliases) {
        for q in extract(body, names) {
            assert!(q.span.start <= q.span.end && q.span.end <= body.len(), "span out of the body");
            assert!(body.is_char_boundary(q.span.start) && body.is_char_boundary(q.span.end));
            assert!((0.0..=1.0).contains(&q.confidence));
            assert!(!q.speaker.name.is_empty());
        }
    }

    #[test]
    fn random_and_hostile_text_never_panics() {
        let names = names();
        let pieces = [
            "said",
            "told",
            "Reuters",
            "according",
            "to",
            "the",
            "mayor",
            "Ada",
            "Quill",
            "Tarn",
            "he",
            "she",
            "it",
            "they",
            "that",
            "“",
            "”",
            "‘",
            "’",
            "«",
            "»",
            "„",
            "\"",
            "'",
            ",",
            ".",
            ":",
            ";",
            "—",
            "\n",
            "\n\n",
            " ",
            "  ",
            "Mr.",
            "U.S.",
            "a",
            "senior",
            "official",
            "was",
            "quoted",
            "as",
            "saying",
            "I",
            "we",
            "Kremlin",
            "This",
            "stated",
            "by",
            "In",
            "his",
            "opinion",
            "citing",
            "urged",
            "accused",
            "of",
            "report",
            "(",
            ")",
            "é",
            "Ж",
            "🙂",
            "\u{200b}",
            "\u{200d}",
            "_",
            "*",
            "<div>",
            "[x](http://a)",
            "Vladimir",
            "Putin:",
            "Q:",
        ];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..3000 {
            let n = (rng.next() % 120) as usize;
            let mut s = String::new();
            for _ in 0..n {
                s.push_str(rng.pick(&pieces));
                if rng.next() % 3 == 0 {
                    s.push(' ');
                }
            }
            check(&s, &names);
        }
        let long_quote = format!("“{}end,” said Ada Quill.", "word ".repeat(2000));
        let hostile = [
            String::new(),
            "“".repeat(5000),
            "” said Tarn. “".repeat(2000),
            long_quote,
            "SAID THE MAYOR: “WE ARE CLOSED.” TARN TOLD REUTERS THAT IT WAS OVER.".repeat(200),
            "said said said told told according to according to, ".repeat(2000),
            "A: b. C: d. ".repeat(3000),
            "<p>“Quote”</p> <a href=\"x\">said Tarn</a> &nbsp; ".repeat(500),
            format!("{}, Tarn said.", "x, ".repeat(5000)),
            "He said, she said, they said, it said. ".repeat(1000),
        ];
        for h in &hostile {
            check(h, &names);
        }
        // A long quote is still found, whole.
        let q = extract(&hostile[3], &names);
        assert_eq!(q.len(), 1);
        assert!(q[0].text.len() > 9000);
    }
}
