//! Speaker phrases: parsing "Russian Foreign Minister Sergei Lavrov", "the
//! mayor", "a senior US official", "the Kremlin", "he" into a raw speaker,
//! and resolving raw speakers against the article (surname → full name used
//! earlier or later, role noun → the person holding it, pronoun → nearest
//! fitting named speaker) and the alias table.
//!
//! Never guesses: a phrase that does not parse, or a role or pronoun with
//! no fitting person, yields no speaker.

use std::collections::HashMap;
use std::ops::Range;

use super::lexicon::{self, Pronoun};
use super::tokens::{lower, stem, Tok};
use crate::names::{name_key, Aliases, NameKind};

/// What a speaker phrase is, before resolution.
#[derive(Debug, Clone, PartialEq)]
pub enum Class {
    /// A proper name ("Sergei Lavrov", "Lavrov").
    Named(String),
    Pronoun(Pronoun),
    /// A definite role noun: head and qualifiers ("spokesman", ["kremlin"]).
    Role(String, Vec<String>),
    Institution,
    Anonymous,
    /// A document that speaks ("the report", "the CSIS report"), with the
    /// publisher it names, if any.
    Document(Option<String>),
}

/// Heads of a phrase naming a document.
pub fn document_head(w: &str) -> bool {
    matches!(w, "report" | "study" | "research" | "survey" | "analysis" | "assessment" | "review")
}

/// A phrase naming a document: "the report", "the War Watch study", "a
/// recent report from the Center for European Policy Analysis (CEPA)".
fn document(body: &str, toks: &[Tok], lw: &[String]) -> Option<Class> {
    let h = lw.iter().position(|w| document_head(w))?;
    if !matches!(lw[0].as_str(), "the" | "a" | "an" | "its" | "their" | "this") && !toks[0].is_cap(body) {
        return None;
    }
    // Words before the head: determiners, adjectives, a publisher's name.
    let before = &toks[..h];
    if before.iter().zip(lw).any(|(t, w)| !(t.is_cap(body) || lexicon::determiner(w) || document_adjective(w))) {
        return None;
    }
    // ("Latest research suggests": a capitalised adjective is no publisher.)
    let caps: Vec<&Tok> = before
        .iter()
        .filter(|t| {
            let w = lower(body, t);
            t.is_cap(body) && !lexicon::determiner(&w) && !document_adjective(&w)
        })
        .collect();
    let mut publisher = match (caps.first(), caps.last()) {
        (Some(a), Some(b)) => body.get(a.start..stem_end(body, b)).map(str::to_owned),
        _ => None,
    };
    // After the head: "by/from/of the Center for … (CEPA)".
    if h + 1 < toks.len() {
        if !matches!(lw[h + 1].as_str(), "by" | "from" | "of") {
            return None;
        }
        let rest = &toks[h + 2..];
        let caps: Vec<&Tok> = rest.iter().filter(|t| t.is_cap(body)).collect();
        if let (Some(a), Some(b)) = (caps.first(), caps.last()) {
            publisher = body.get(a.start..b.end).map(str::to_owned);
        }
    }
    Some(Class::Document(publisher))
}

/// Adjectives a document's name may carry that name no publisher.
fn document_adjective(w: &str) -> bool {
    matches!(
        w,
        "recent"
            | "new"
            | "latest"
            | "annual"
            | "joint"
            | "extensive"
            | "authoritative"
            | "detailed"
            | "intelligence"
            | "internal"
            | "confidential"
            | "classified"
            | "previous"
            | "earlier"
            | "further"
            | "separate"
            | "fresh"
            | "preliminary"
            | "independent"
            | "leaked"
    )
}

fn stem_end(body: &str, t: &Tok) -> usize {
    t.start + stem_len(t.text(body))
}

/// A speaker phrase as found in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct RawSpeaker {
    pub written: Range<usize>,
    pub class: Class,
    pub role: Option<String>,
}

/// Lower-case words that may sit inside a speaker phrase before its name.
fn prefix_word(w: &str) -> bool {
    let s = stem(w);
    lexicon::title(w)
        || lexicon::title(s)
        || lexicon::nationality(w)
        || lexicon::determiner(w)
        || lexicon::qualifier(w)
        || lexicon::place(s)
        || matches!(w, "of" | "and" | "the" | "for")
}

const PREPOSITIONS: &[&str] = &[
    "in",
    "at",
    "from",
    "with",
    "close",
    "familiar",
    "within",
    "inside",
    "on",
    "involved",
    "briefed",
    "speaking",
    "who",
    "for",
    "to",
    "near",
    "representing",
    "reportedly",
    "affiliated",
    "operating",
    "based",
    "serving",
    "fighting",
    "attached",
    "assigned",
    "stationed",
    "deployed",
];

/// Words capitalised only because they open a sentence or a title.
fn sentence_word(w: &str) -> bool {
    lexicon::determiner(w)
        || lexicon::conjunction(w)
        || matches!(
            w,
            "in" | "on"
                | "at"
                | "according"
                | "this"
                | "that"
                | "for"
                | "with"
                | "by"
                | "from"
                | "during"
                | "of"
                | "to"
                | "it"
                | "he"
                | "she"
                | "they"
                | "we"
                | "i"
                | "speaking"
                | "asked"
                | "if"
                | "why"
                | "how"
                | "what"
                | "where"
                | "who"
                | "once"
                | "mr"
                | "mrs"
                | "ms"
                | "dr"
                | "did"
                | "does"
                | "will"
                | "would"
                | "can"
                | "could"
                | "should"
                | "is"
                | "are"
                | "was"
                | "were"
                | "has"
                | "have"
                | "had"
                | "not"
                | "no"
                | "yes"
                | "there"
                | "here"
                | "then"
                | "despite"
                | "under"
                | "over"
                | "unlike"
                | "like"
                | "amid"
                | "last"
                | "next"
                | "earlier"
                | "later"
                | "again"
                | "second"
                | "third"
                | "fourth"
                | "finally"
                | "lastly"
                | "meanwhile"
                | "however"
                | "instead"
                | "still"
                | "now"
                | "today"
                | "my"
                | "our"
                | "your"
                | "his"
                | "her"
                | "its"
                | "their"
                | "photograph"
                | "photo"
                | "source"
                | "note"
                | "update"
                | "read"
                | "watch"
                | "editor"
                | "image"
                | "video"
                | "credit"
                | "caption"
                | "follow"
                | "subscribe"
                | "advertisement"
                | "around"
                | "about"
                | "nearly"
                | "some"
                | "more"
                | "most"
                | "many"
                | "all"
                | "both"
                | "each"
                | "every"
                | "such"
                | "you"
                | "i'm"
                | "i've"
                | "i'll"
                | "we're"
                | "let"
                | "let's"
                | "please"
                | "see"
                | "also"
                | "even"
                | "only"
                | "just"
                | "while"
                | "although"
                | "though"
                | "because"
        )
        || lexicon::weekday(w)
        || lexicon::month(w)
}

/// "Presidents Ivo Tarn and Ada Quill": a title in the plural, before the
/// first of two names.
fn plural_title(w: &str) -> bool {
    w.strip_suffix('s').is_some_and(lexicon::title)
}

/// "Fly-half", "Oscar-nominated", "Paris-based": a hyphenated word whose
/// second part is lower-case describes the person or firm after it and is
/// no part of their name. A given name can look like it ("Hyun-soo Kim"),
/// so one name after it is enough only when the descriptor ends like an
/// adjective or a participle.
fn descriptor(text: &str, names_after: usize) -> bool {
    let Some((first, rest)) = text.split_once('-') else { return false };
    let second = rest.split('-').next().unwrap_or("");
    let adjectival = ["ed", "ing", "born", "old"].iter().any(|e| rest.ends_with(e));
    !first.is_empty()
        && second.starts_with(|c: char| c.is_lowercase())
        && !name_particle(second)
        && (names_after >= 2 || (names_after == 1 && adjectival))
}

fn name_particle(w: &str) -> bool {
    matches!(w, "de" | "da" | "van" | "von" | "der" | "al" | "bin" | "el" | "la" | "le" | "du" | "di")
}

impl RawSpeaker {
    /// The phrase as written ends with these tokens (an apposition follows).
    pub fn name_end(&mut self, seg: &[Tok]) {
        if let (Some(a), Some(b)) = (seg.first(), seg.last()) {
            self.written = a.start..b.end;
        }
    }
}

/// Parses one speaker phrase (words only; no commas).
pub fn parse(body: &str, toks: &[Tok]) -> Option<RawSpeaker> {
    if toks.is_empty() || toks.len() > 14 || toks.iter().any(|t| !t.word) {
        return None;
    }
    let written = toks[0].start..toks[toks.len() - 1].end;
    let lw: Vec<String> = toks.iter().map(|t| lower(body, t)).collect();
    // "from the Vorn union", "of the council": an affiliation, no speaker.
    if matches!(lw[0].as_str(), "from" | "of" | "in" | "at" | "for" | "with" | "by" | "on" | "to") {
        return None;
    }
    // "If the council agrees …", "Unless the Kremlin says …": a
    // condition, not a statement.
    if matches!(lw[0].as_str(), "if" | "unless" | "whether" | "once" | "until") {
        return None;
    }
    if toks.len() == 1 {
        if let Some(p) = lexicon::pronoun(&lw[0]) {
            return Some(RawSpeaker { written, class: Class::Pronoun(p), role: None });
        }
        // An acronym: "the BND", "ISW".
        let t = toks[0].text(body);
        let upper = t.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && t.chars().all(|c| c.is_uppercase() || !c.is_alphabetic());
        if upper && !lexicon::nationality(&lw[0]) && !lexicon::outlet(&lw[0]) {
            return Some(RawSpeaker { written, class: Class::Institution, role: None });
        }
    }
    if let Some(peer) = peer(body, toks, &lw) {
        return Some(peer);
    }
    // "the Salford MP", "the Ealing North MP": a seat, not a name.
    if toks.len() >= 3
        && lw[0] == "the"
        && lexicon::member_letters(toks[toks.len() - 1].text(body))
        && toks[1..toks.len() - 1].iter().all(|t| t.is_cap(body))
    {
        let quals = lw[1..toks.len() - 1].to_vec();
        let role = body.get(written.clone()).map(strip_article);
        return Some(RawSpeaker { written, class: Class::Role("mp".to_owned(), quals), role });
    }
    // The prime minister's office.
    if toks.len() == 2 && matches!(lw[0].as_str(), "number" | "no") && lw[1] == "10" {
        return Some(RawSpeaker { written, class: Class::Institution, role: None });
    }
    if toks.len() == 2 && lw[0] == "the" {
        let t = toks[1].text(body);
        if t.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && t.chars().all(|c| c.is_uppercase() || !c.is_alphabetic())
            && !lexicon::outlet(&lw[1])
        {
            return Some(RawSpeaker { written, class: Class::Institution, role: None });
        }
    }
    let last = stem(&lw[lw.len() - 1]).to_owned();
    let possessive_last = lw[lw.len() - 1] != last;
    if possessive_last {
        return None;
    }
    // "the Department of Trade and Industry", "the Institute of
    // Directors", "the Association of Chief Police Officers": an
    // institution named by its remit, in capitals ("and" may join two of
    // its words).
    // (The head is the one before "of": in "Ukraine's Ministry of …" the
    // country is a head too.)
    if let Some(h) = (0..lw.len()).find(|&i| {
        (lexicon::institution_head(stem(&lw[i])) || lexicon::body_head(&lw[i]))
            && toks[i].is_cap(body)
            && lw.get(i + 1).is_some_and(|w| w == "of")
    }) {
        let remit = h + 2..lw.len();
        if !remit.is_empty()
            && remit.clone().all(|i| toks[i].is_cap(body) || matches!(lw[i].as_str(), "and" | "the" | "of" | "for"))
            && toks[lw.len() - 1].is_cap(body)
        {
            let own = |i: usize| toks[i].is_cap(body) || lw[i] == "the" || lexicon::nationality(&lw[i]);
            if (0..h).all(own) {
                return Some(RawSpeaker { written, class: Class::Institution, role: None });
            }
            // "Earlier this year the Royal College of Physicians said": an
            // adverbial before the name.
            let adverbial = matches!(
                lw[0].as_str(),
                "earlier" | "later" | "last" | "this" | "on" | "in" | "at" | "yesterday" | "today" | "meanwhile"
            );
            if let Some(k) =
                (0..h).rev().find(|&k| lw[k] == "the").filter(|&k| adverbial && (1..=4).contains(&k) && (k..h).all(own))
            {
                let written = toks[k].start..written.end;
                return Some(RawSpeaker { written, class: Class::Institution, role: None });
            }
        }
    }
    // "Ada Beyn of the Vorn Council", "Senator Ivo Tarn of Brell": a name,
    // then where the person belongs.
    if let Some(i) = (2..lw.len().saturating_sub(1))
        .find(|&i| lw[i] == "of" && toks[i - 1].is_cap(body) && (lw[i + 1] == "the" || toks[i + 1].is_cap(body)))
    {
        if let Some(RawSpeaker { class: Class::Named(n), role, .. }) = parse(body, &toks[..i]) {
            if n.contains(' ') || role.is_some() {
                return Some(RawSpeaker { written, class: Class::Named(n), role });
            }
        }
    }
    // "Lord Tarn's nephew Ivo Quill", "the Vorn party's election
    // strategist Ada Quill": an owner, a role of theirs, then the name.
    // (A capitalised post too, when a role stands before the name: "Tarn's
    // Vorn MP Ada Quill".)
    if let Some(p) = (0..lw.len().saturating_sub(3)).rev().find(|&i| stem(&lw[i]) != lw[i]) {
        if let Some(RawSpeaker { class: Class::Named(n), role: own_role, .. }) = parse(body, &toks[p + 1..]) {
            if n.contains(' ') && (!toks[p + 1].is_cap(body) || own_role.is_some()) {
                let name_at = toks.len().saturating_sub(n.split_whitespace().count());
                let role = body.get(toks[0].start..toks[name_at.max(1) - 1].end).map(strip_article);
                return Some(RawSpeaker { written, class: Class::Named(n), role });
            }
        }
    }
    // Head: the word before the first post-modifier ("a source in the …").
    let mut head_i = lw.len() - 1;
    for (i, w) in lw.iter().enumerate().skip(1) {
        if w == "of" && lexicon::determiner(&lw[i - 1]) {
            // "several of the European leaders": keep looking.
            continue;
        }
        // "Head of State", "Minister of Defence": "of" ends a role head.
        let role_of = i + 2 == lw.len() && lexicon::role_head(stem(&lw[i - 1]));
        let next_is_place = i + 1 < lw.len()
            && (lexicon::place(stem(&lw[i + 1])) || lw[i + 1] == "the" || !toks[i + 1].is_cap(body) || role_of);
        let of_ends_head = w == "of"
            && next_is_place
            && !(i + 2 < lw.len() && toks[i + 2].is_cap(body) && lexicon::place(stem(&lw[i + 1])));
        if PREPOSITIONS.contains(&w.as_str()) || of_ends_head {
            head_i = i - 1;
            break;
        }
        if w == "of" && lexicon::determiner(&lw[i - 1]) {
            // "several of the European leaders": keep looking.
            continue;
        }
    }
    let head = stem(&lw[head_i]).to_owned();

    // The trailing run of capitalised words (the name, if any).
    let mut run_start = toks.len();
    while run_start > 0 {
        let t = &toks[run_start - 1];
        let w = &lw[run_start - 1];
        let inner_particle = run_start < toks.len() && name_particle(w);
        if (t.is_cap(body) && w == stem(w)) || inner_particle {
            run_start -= 1;
        } else {
            break;
        }
    }
    let mut name_start = run_start;
    // Everything up to the last title word is the role: "Vornish Foreign
    // Minister Ivo Tarn".
    if let Some(t) = (run_start..toks.len().saturating_sub(1))
        .rev()
        .find(|&i| lexicon::title(&lw[i]) || lexicon::person_noun(&lw[i]))
    {
        name_start = t + 1;
    }
    while name_start < toks.len() {
        let w = &lw[name_start];
        // "Russia Matters", "Swiss Re", "Kyiv Independent": a place before
        // one last capitalised word names the whole, not a person "Matters".
        let place_names_it = (lexicon::nationality(w) || lexicon::place(w))
            && toks.len() - name_start == 2
            && (0..name_start).all(|i| lw[i] == "the" || descriptor(toks[i].text(body), toks.len() - i - 1))
            && toks[name_start].is_cap(body)
            && toks[name_start + 1].is_cap(body)
            && !{
                let last = &lw[name_start + 1];
                lexicon::title(last) || plural_title(last) || lexicon::person_noun(last)
            };
        let strip = lexicon::title(w)
            || plural_title(w)
            || lexicon::nationality(w)
            || lexicon::place(w)
            || sentence_word(w)
            || descriptor(toks[name_start].text(body), toks.len() - name_start - 1);
        if strip && !place_names_it && name_start + 1 < toks.len() {
            name_start += 1;
        } else {
            break;
        }
    }
    while name_start < toks.len() && name_particle(&lw[name_start]) {
        name_start += 1;
    }
    let before_name = name_start.checked_sub(1).map(|i| lw[i].as_str());
    // "Mr Fox", "Lord Bach": after an honorific, one word is a surname.
    let honorific = before_name.is_some_and(lexicon::honorific) && toks[name_start - 1].is_cap(body);
    let name_ok = name_start < toks.len()
        && (head_i == toks.len() - 1 || toks.len() - name_start >= 2)
        && !matches!(before_name, Some("of" | "in" | "from" | "for" | "at"))
        && {
            let single = &lw[name_start];
            toks.len() - name_start > 1
                || (honorific && !sentence_word(single))
                || !(lexicon::title(single)
                    || lexicon::nationality(single)
                    || lexicon::place(single)
                    || lexicon::institution_head(single)
                    || lexicon::outlet(single)
                    || sentence_word(single)
                    || lexicon::anonymous_head(single))
        };
    // "Lib Dem home affairs spokesman Mark Oaten", "school inspection
    // chief David Bell": plain nouns may qualify a role word right before
    // the name.
    let person_before_name = name_start > 0 && lexicon::person_noun(&lw[name_start - 1]);
    let role_before_name = name_start > 0 && (lexicon::title(stem(&lw[name_start - 1])) || person_before_name);
    let prefix_ok = |end: usize| {
        (0..end).all(|i| {
            toks[i].is_cap(body)
                || prefix_word(&lw[i])
                || lexicon::role_head(stem(&lw[i]))
                || (person_before_name && end == name_start && i + 1 == name_start)
                || (role_before_name && end == name_start && lexicon::plain_noun(&lw[i]))
        })
    };
    // "the consultancy ExPro", "state energy operator Ukrenergo": a name
    // after an organisation noun.
    if (name_ok || (name_start < toks.len() && toks[name_start].is_cap(body) && !sentence_word(&lw[name_start])))
        && name_start > 0
        && matches!(
            stem(&lw[name_start - 1]),
            "consultancy"
                | "firm"
                | "company"
                | "group"
                | "bank"
                | "think-tank"
                | "monitor"
                | "agency"
                | "organisation"
                | "organization"
                | "institute"
                | "newspaper"
                | "broadcaster"
                | "steelmaker"
                | "producer"
                | "operator"
                | "utility"
                | "charity"
                | "ngo"
        )
    {
        let written = toks[name_start].start..written.end;
        return Some(RawSpeaker { written, class: Class::Institution, role: None });
    }
    // "Vornish military observer Ivo Tarn", "Rights campaigner Ada
    // Quill": a full name after lower-case nouns the lexicon does not know
    // as roles, and before them only capitalised words.
    let described = name_ok && !prefix_ok(name_start) && toks.len() - name_start >= 2 && {
        let first_lower = (0..name_start).find(|&i| !toks[i].is_cap(body)).unwrap_or(name_start);
        let first_lower = if lw.first().is_some_and(|w| w == "the") && first_lower == 0 { 1 } else { first_lower };
        (first_lower..name_start).count() <= 3
            && (first_lower..name_start).all(|i| {
                !toks[i].is_cap(body)
                    && lexicon::plain_noun(&lw[i])
                    && !lexicon::determiner(&lw[i])
                    && !PREPOSITIONS.contains(&lw[i].as_str())
                    && !matches!(lw[i].as_str(), "and" | "or" | "but" | "of" | "by" | "as")
            })
    };
    if name_ok && (prefix_ok(name_start) || described) {
        let last_name = &lw[toks.len() - 1];
        // "Liam Fox": an outlet's name that is also a surname, after a
        // given name (not "Washington Post", "Vorn Post").
        let surname = matches!(last_name.as_str(), "fox" | "post")
            && toks.len() - name_start == 2
            && !{
                let w = &lw[toks.len() - 2];
                lexicon::place(w) || lexicon::nationality(w) || lexicon::outlet(w) || lexicon::institution_head(w)
            };
        if !honorific && !surname && (lexicon::institution_head(last_name) || lexicon::outlet(last_name)) {
            if lexicon::outlet(last_name) {
                return None;
            }
            return Some(RawSpeaker { written, class: Class::Institution, role: None });
        }
        let name = body.get(toks[name_start].start..toks[toks.len() - 1].end)?.to_owned();
        let role = (name_start > 0)
            .then(|| body.get(toks[0].start..toks[name_start - 1].end).map(str::to_owned))
            .flatten()
            .map(|r| strip_article(&r));
        return Some(RawSpeaker { written, class: Class::Named(name), role });
    }
    // No name: institution, anonymous or role noun, judged by the head.
    // "A Moscow business executive": an unnamed source may carry plain
    // nouns before its head, after a determiner.
    let plain_modifiers = (lexicon::anonymous_head(stem(&lw[head_i])) || lexicon::role_head(stem(&lw[head_i])))
        && head_i <= 4
        && matches!(lw[0].as_str(), "a" | "an" | "one" | "two" | "three" | "several" | "some")
        && lw[1..head_i].iter().all(|w| {
            w.chars().all(|c| c.is_alphabetic() || c == '-')
                && !matches!(
                    w.as_str(),
                    "that"
                        | "which"
                        | "who"
                        | "and"
                        | "or"
                        | "but"
                        | "of"
                        | "to"
                        | "was"
                        | "is"
                        | "were"
                        | "are"
                        | "has"
                        | "had"
                )
        });
    // "anti-hunt campaigners", "pro-war commentators": hyphenated stances
    // before an unnamed group, no determiner needed.
    let plain_modifiers = plain_modifiers
        || (lexicon::anonymous_head(stem(&lw[head_i]))
            && head_i == lw.len() - 1
            && (1..=2).contains(&head_i)
            && lw[..head_i]
                .iter()
                .all(|w| w.contains('-') && w.chars().all(|c| c.is_alphabetic() || c == '-') && !w.ends_with('-')));
    // "Pro-Vorn hacker groups", "rights campaigners": plain nouns before an
    // unnamed plural group.
    let plain_modifiers = plain_modifiers
        || (lexicon::anonymous_head(stem(&lw[head_i])) && lw[head_i].ends_with('s') && head_i == lw.len() - 1 && {
            let from = usize::from(lw[0] == "the");
            (1..=2).contains(&(head_i - from.min(head_i)))
                && lw[from..head_i]
                    .iter()
                    .all(|w| lexicon::plain_noun(w) && !lexicon::title(w) && !lexicon::role_head(w))
        });
    if let Some(class) = document(body, toks, &lw) {
        return Some(RawSpeaker { written, class, role: None });
    }
    // "the environment select committee", "the UK's public spending
    // watchdog", "the air force": plain nouns before an institution's head.
    let institution_modifiers = lexicon::institution_head(stem(&lw[head_i]))
        && (lexicon::determiner(&lw[0]) || toks[0].is_cap(body))
        && (1..head_i).all(|i| toks[i].is_cap(body) || prefix_word(&lw[i]) || lexicon::plain_noun(&lw[i]))
        // "Russia's state RIA news agency reported": an outlet relaying news.
        && !lw.iter().any(|w| w == "news" || lexicon::outlet(stem(w)));
    // "the home secretary", "the rural affairs minister": a post named by
    // its portfolio, one or two plain lower-case nouns between "the" and
    // the head ("the Spurs sporting director" stays unparsed: a club's or
    // a party's post is someone else's to resolve).
    // (Resolution still needs a person the article names with that post.)
    let portfolio = lw[0] == "the"
        && head_i == lw.len() - 1
        && head_i >= 2
        && lexicon::role_head(stem(&lw[head_i]))
        && !lexicon::anonymous_head(stem(&lw[head_i]))
        && (1..head_i).filter(|&i| !prefix_word(&lw[i])).count() <= 2
        && (1..head_i).all(|i| !toks[i].is_cap(body) && (prefix_word(&lw[i]) || lexicon::plain_noun(&lw[i])));
    if !prefix_ok(head_i) && !plain_modifiers && !institution_modifiers && !portfolio {
        return None;
    }
    let first = lw[0].as_str();
    if lexicon::outlet(&head) {
        return None;
    }
    // "the leaders", "both presidents", "the two sides": a joint statement
    // is credited to no one.
    if matches!(
        head.as_str(),
        "leaders"
            | "presidents"
            | "sides"
            | "parties"
            | "ministers"
            | "countries"
            | "nations"
            | "heads"
            | "governments"
            | "delegations"
    ) && matches!(first, "the" | "both" | "two" | "all")
    {
        return None;
    }
    if lexicon::anonymous_head(&head) {
        // "the officials" after a named group would be guessable, but we
        // never guess: they stay anonymous.
        return Some(RawSpeaker { written, class: Class::Anonymous, role: None });
    }
    if lexicon::role_head(&head) {
        if matches!(first, "a" | "an" | "one" | "another" | "some" | "several") {
            return Some(RawSpeaker { written, class: Class::Anonymous, role: None });
        }
        // "The spokesperson of a Ukrainian brigade": someone unnamed.
        if first == "the" && lw.windows(2).any(|w| w[0] == "of" && matches!(w[1].as_str(), "a" | "an")) {
            return Some(RawSpeaker { written, class: Class::Anonymous, role: None });
        }
        if first == "the" || (head_i == toks.len() - 1 && toks[0].is_cap(body) && head_i > 0) {
            let quals: Vec<String> = lw
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != head_i)
                .map(|(_, w)| stem(w).to_owned())
                .filter(|w| {
                    !lexicon::determiner(w)
                        && !matches!(w.as_str(), "of" | "to" | "for" | "in" | "at" | "from" | "with")
                })
                .collect();
            let role = body.get(written.clone()).map(strip_article);
            return Some(RawSpeaker { written, class: Class::Role(head, quals), role });
        }
        return None;
    }
    if lexicon::institution_head(&head) || lexicon::place(&head) {
        // "the Institute for the Study of War": a proper name may run on.
        let proper = toks[head_i].is_cap(body) && toks[head_i + 1..].iter().any(|t| t.is_cap(body));
        if head_i != toks.len() - 1 && !proper && !matches!(first, "a" | "an") {
            return None;
        }
        // "a committee of MPs": an institution the text does not name.
        if matches!(first, "a" | "an") {
            return lexicon::institution_head(&head).then_some(RawSpeaker {
                written,
                class: Class::Anonymous,
                role: None,
            });
        }
        return Some(RawSpeaker { written, class: Class::Institution, role: None });
    }
    None
}

fn strip_article(s: &str) -> String {
    let t = s.trim();
    for a in ["the ", "The "] {
        if let Some(r) = t.strip_prefix(a) {
            return r.to_owned();
        }
    }
    t.to_owned()
}

/// A phrase that reads as a role ("the chief inspector of schools", "its
/// chairman", "the chairman of the Commons education select committee"):
/// a determiner or possessive first, a role or title word, and nothing that
/// makes it a clause.
pub fn role_like(body: &str, toks: &[Tok]) -> bool {
    let lw: Vec<String> = toks.iter().map(|t| lower(body, t)).collect();
    toks.len() <= 12
        && toks.iter().all(|t| t.word)
        && matches!(lw.first().map(String::as_str), Some("the" | "its" | "his" | "her" | "their"))
        && lw.iter().any(|w| lexicon::role_head(stem(w)))
        && lw.iter().zip(toks).all(|(w, t)| {
            t.is_cap(body)
                || lexicon::determiner(w)
                || matches!(w.as_str(), "of" | "for" | "and" | "its" | "his" | "her" | "their")
                || lexicon::title(stem(w))
                || lexicon::plain_noun(w)
        })
}

/// A peer with a territorial designation: "Lord Faulkner of Worcester",
/// "Baroness Quill of Vornby" (after any role words). The name is the
/// whole designation; "of Worcester" is not the place the speaker is from.
fn peer(body: &str, toks: &[Tok], lw: &[String]) -> Option<RawSpeaker> {
    let h = lw.iter().position(|w| matches!(w.as_str(), "lord" | "lady" | "baroness" | "baron"))?;
    let of = h + 2 + toks[h + 1..].iter().take_while(|t| t.is_cap(body)).count() - 1;
    if of == h + 1 || lw.get(of).map(String::as_str) != Some("of") || !toks[h].is_cap(body) {
        return None;
    }
    let place = &toks[of + 1..];
    if place.is_empty() || place.len() > 2 || !place.iter().all(|t| t.is_cap(body)) {
        return None;
    }
    let end = place[place.len() - 1].end;
    let name = body.get(toks[h + 1].start..end)?.to_owned();
    let role = (h > 0).then(|| body.get(toks[0].start..toks[h - 1].end).map(strip_article)).flatten();
    Some(RawSpeaker { written: toks[0].start..end, class: Class::Named(name), role })
}

/// Parses the words before a verb that may hold an appositive:
/// "The Kremlin spokesperson, Dmitry Peskov," or "Mark Rutte, the Nato
/// secretary general,". `toks` ends right before the verb (after aux words).
pub fn parse_with_apposition(body: &str, toks: &[Tok]) -> Option<RawSpeaker> {
    let commas: Vec<usize> = toks.iter().enumerate().filter(|(_, t)| t.is_punct(body, ',')).map(|(i, _)| i).collect();
    match commas.as_slice() {
        [] => parse(body, toks),
        [a, b] if *b == toks.len() - 1 => {
            let Some(first) = parse(body, &toks[..*a]) else {
                // "The chief inspector of schools, David Bell,": a role the
                // lexicon does not know, then the name.
                let named = parse(body, &toks[a + 1..*b]).filter(|n| matches!(n.class, Class::Named(_)))?;
                if !role_like(body, &toks[..*a]) {
                    return None;
                }
                let role = body.get(toks[0].start..toks[a - 1].end).map(strip_article);
                return Some(RawSpeaker { written: toks[0].start..toks[*b - 1].end, role, ..named });
            };
            let second_toks = &toks[a + 1..*b];
            match (&first.class, parse(body, second_toks)) {
                (Class::Named(_), _) => {
                    // "who struggles to survive …" is no role.
                    let clause = second_toks.first().is_some_and(|t| {
                        let w = lower(body, t);
                        matches!(w.as_str(), "who" | "which" | "whose" | "where" | "speaking" | "writing")
                            || w.ends_with("ing")
                    });
                    let role = if clause {
                        None
                    } else {
                        body.get(second_toks.first()?.start..second_toks.last()?.end).map(strip_article)
                    };
                    Some(RawSpeaker {
                        written: first.written.start..toks[*b - 1].end,
                        role: role.or(first.role.clone()),
                        ..first
                    })
                }
                (Class::Document(_) | Class::Institution | Class::Role(..), _)
                    if second_toks.first().is_some_and(|t| {
                        let w = lower(body, t);
                        matches!(
                            w.as_str(),
                            "entitled" | "titled" | "called" | "named" | "published" | "released" | "who" | "which"
                        ) || (w.ends_with("ed") && !t.is_cap(body))
                    }) =>
                {
                    Some(RawSpeaker { written: first.written.start..toks[*b - 1].end, ..first })
                }
                (Class::Role(..) | Class::Institution, Some(RawSpeaker { class: Class::Named(n), .. })) => {
                    let role = body.get(first.written.clone()).map(strip_article);
                    Some(RawSpeaker { written: first.written.start..toks[*b - 1].end, class: Class::Named(n), role })
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// A token's lower-cased text from the sentence's precomputed words.
fn low<'a>(toks: &[Tok], lw: &'a [String], t: &Tok) -> &'a str {
    lw.get(toks.partition_point(|x| x.start < t.start)).map_or("", String::as_str)
}

/// Persons named in the article: full names by surname, roles, and the
/// positions where a person is the subject of a sentence.
#[derive(Debug, Default)]
pub struct Registry {
    by_last: HashMap<String, Vec<(usize, String)>>,
    /// Full names written after "Sir" or "Dame", by first name: British
    /// copy calls Sir John Bourn "Sir John" on second mention.
    by_knight: HashMap<String, Vec<(usize, String)>>,
    roles: Vec<(usize, String, String)>,
    subjects: Vec<(usize, String)>,
    acronyms: HashMap<String, String>,
    sources: Vec<(usize, String)>,
    role_mentions: Vec<(usize, String, Vec<String>, String)>,
    /// Every full name, in text order.
    mentions: Vec<(usize, String)>,
    /// By surname key, the pronouns honorifics give it ("Mr Tarn": he).
    pronouns: HashMap<String, (bool, bool)>,
}

impl Registry {
    /// Records the names in one sentence (its tokens).
    pub fn scan_sentence(&mut self, body: &str, toks: &[Tok], lw: &[String]) {
        // "Mr Tarn", "Ms. Quill": which pronoun the surname takes.
        for i in 0..toks.len().saturating_sub(1) {
            if !toks[i].is_cap(body) {
                continue;
            }
            let Some(p) = lw.get(i).and_then(|w| lexicon::honorific_pronoun(w)) else { continue };
            let next = if toks[i + 1].is_punct(body, '.') { i + 2 } else { i + 1 };
            if toks.get(next).is_some_and(|t| t.is_cap(body)) && self.pronouns.len() < 4096 {
                let seen = self.pronouns.entry(name_key(stem(lw.get(next).map_or("", String::as_str)))).or_default();
                match p {
                    lexicon::Pronoun::She => seen.1 = true,
                    _ => seen.0 = true,
                }
            }
        }
        // Role nouns standing for a person: "the President of Russia",
        // "the mayor" (pronouns must not jump over them).
        for i in 1..toks.len() {
            let w = low(toks, lw, &toks[i]);
            if !toks[i].word || !lexicon::role_head(w) || lexicon::anonymous_head(w) || self.role_mentions.len() >= 4096
            {
                continue;
            }
            let Some(the) = (i.saturating_sub(4)..i).rev().find(|&j| low(toks, lw, &toks[j]) == "the") else {
                continue;
            };
            // Only a role noun that is a subject: it opens the sentence or a
            // clause after a comma.
            let opener = the == 1
                && matches!(low(toks, lw, &toks[0]), "then" | "later" | "meanwhile" | "but" | "and" | "also" | "there");
            if the > 0 && !toks[the - 1].is_punct(body, ',') && !opener {
                continue;
            }
            if !toks[the + 1..i].iter().all(|t| {
                t.word && (t.is_cap(body) || lexicon::title(low(toks, lw, t)) || lexicon::nationality(low(toks, lw, t)))
            }) {
                continue;
            }
            let mut quals: Vec<String> = toks[the + 1..i].iter().map(|t| stem(low(toks, lw, t)).to_owned()).collect();
            // "the head of the Ukrainian state": the words after "of" qualify.
            if toks.get(i + 1).is_some_and(|t| low(toks, lw, t) == "of") {
                for t in toks[i + 2..].iter().take(4).take_while(|t| t.word) {
                    let w = low(toks, lw, t);
                    if lexicon::determiner(w) {
                        continue;
                    }
                    if !(t.is_cap(body) || lexicon::nationality(w) || lexicon::title(w)) {
                        break;
                    }
                    quals.push(stem(w).to_owned());
                }
            }
            // The phrase as written, for the alias table ("President of Russia").
            let mut end = i;
            if toks.get(i + 1).is_some_and(|t| low(toks, lw, t) == "of") {
                end = (i + 2..toks.len().min(i + 6))
                    .take_while(|&k| toks[k].word && (toks[k].is_cap(body) || low(toks, lw, &toks[k]) == "the"))
                    .last()
                    .unwrap_or(i);
            }
            let phrase = body.get(toks[the + 1].start..toks[end].end).unwrap_or("").to_owned();
            self.role_mentions.push((toks[i].start, stem(w).to_owned(), quals, phrase));
        }
        // "As for Zelenskyy, his …": the name the sentence is about.
        let mut i = if lw.len() > 3 && lw[0] == "as" && lw[1] == "for" { 2 } else { 0 };
        let mut first_subject = true;
        while i < toks.len() {
            if !toks[i].is_cap(body) {
                if toks[i].word {
                    let w = low(toks, lw, &toks[i]);
                    if !(lexicon::title(w) || lexicon::determiner(w) || lexicon::nationality(w)) {
                        first_subject = false;
                    }
                }
                i += 1;
                continue;
            }
            let start = i;
            while i < toks.len()
                && (toks[i].is_cap(body)
                    || (name_particle(low(toks, lw, &toks[i])) && i + 1 < toks.len() && toks[i + 1].is_cap(body)))
            {
                let w = low(toks, lw, &toks[i]);
                i += 1;
                if w != stem(w) {
                    break;
                }
            }
            let run = &toks[start..i];
            // "Said Tarn: “…”": the cue opens the sentence, before the name.
            let inverted = start == 0
                && run.len() == 2
                && lexicon::inverted_cue(low(toks, lw, &run[0]))
                && toks.get(i).is_some_and(|t| t.is_punct(body, ':'));
            let mut s = (0..run.len().saturating_sub(1))
                .rev()
                .find(|&i| {
                    let w = low(toks, lw, &run[i]);
                    lexicon::title(w) || (i == 0 && lexicon::person_noun(w))
                })
                .map_or(0, |t| t + 1);
            while s < run.len() {
                let w = low(toks, lw, &run[s]);
                if lexicon::title(w)
                    || lexicon::nationality(w)
                    || lexicon::place(stem(w))
                    || sentence_word(w)
                    || lexicon::title(stem(w))
                    || plural_title(w)
                    || (inverted && s == 0)
                {
                    s += 1;
                } else {
                    break;
                }
            }
            let name_toks = &run[s..];
            // "the mayor of Kremenchuk": a lone capitalised word after a
            // preposition is a place.
            let after_prep = start > 0
                && matches!(low(toks, lw, &toks[start - 1]), "of" | "in" | "from" | "at" | "near" | "outside");
            // An outlet opens its own name ("Fox News"), not a person's ("Liam Fox").
            let is_person = !name_toks.is_empty()
                && (!after_prep || name_toks.len() != 1)
                && !lexicon::outlet(stem(low(toks, lw, &name_toks[0])))
                && name_toks.iter().all(|t| {
                    let w = low(toks, lw, t);
                    !(lexicon::institution_head(stem(w))
                        || lexicon::place(stem(w))
                        || lexicon::non_person_word(stem(w)))
                })
                // "told Rolling Stone magazine": a medium, whose last word
                // is no one's surname.
                && !toks.get(i).is_some_and(|t| {
                    t.word
                        && matches!(
                            low(toks, lw, t),
                            "magazine"
                                | "newspaper"
                                | "paper"
                                | "website"
                                | "channel"
                                | "programme"
                                | "program"
                                | "show"
                                | "tabloid"
                                | "daily"
                                | "weekly"
                                | "agency"
                                | "network"
                                | "blog"
                        )
                });
            if is_person {
                let last = name_toks[name_toks.len() - 1];
                let full_end = last.start + stem_len(last.text(body));
                let full = body.get(name_toks[0].start..full_end).unwrap_or("").to_owned();
                // Four capitalised words or more are a title, not a name.
                if name_toks.len() >= 2 && name_toks.len() <= 3 {
                    let key = name_key(stem(low(toks, lw, &last)));
                    let v = self.by_last.entry(key).or_default();
                    if v.len() < 16 {
                        v.push((name_toks[0].start, full.clone()));
                    }
                    let first = start + s;
                    if first > 0 && matches!(low(toks, lw, &toks[first - 1]), "sir" | "dame") {
                        let v = self.by_knight.entry(name_key(low(toks, lw, &name_toks[0]))).or_default();
                        if v.len() < 16 {
                            v.push((name_toks[0].start, full.clone()));
                        }
                    }
                    // Names of things, not people: "World War II", "Peace Summit".
                    let thing = name_toks.iter().any(|t| {
                        matches!(
                            low(toks, lw, t),
                            "war"
                                | "world"
                                | "day"
                                | "summit"
                                | "agreement"
                                | "treaty"
                                | "accords"
                                | "forum"
                                | "conference"
                                | "plan"
                                | "deal"
                                | "act"
                                | "law"
                                | "cup"
                                | "games"
                                | "olympics"
                                | "front"
                                | "street"
                                | "square"
                                | "bridge"
                                | "river"
                                | "sea"
                                | "island"
                                | "airport"
                                | "station"
                                | "plant"
                                | "ii"
                                | "iii"
                                | "iv"
                                | "platform"
                                | "formula"
                                | "initiative"
                                | "coalition"
                                | "programme"
                                | "program"
                                | "fund"
                                | "news"
                                | "times"
                                | "post"
                                | "journal"
                                | "media"
                                | "images"
                                | "getty"
                                | "photo"
                                | "reuters"
                                | "press"
                        )
                    });
                    // "the Gambling Bill" (not "Bill Conti").
                    let bill = low(toks, lw, &last) == "bill";
                    if !thing && !bill && self.mentions.len() < 100_000 {
                        self.mentions.push((name_toks[0].start, full.clone()));
                    }
                }
                // Role: title words right before the name ("Kremlin
                // spokesman", "Mayor").
                let mut r = start + s;
                while r > 0 && start + s - r < 14 {
                    let w = low(toks, lw, &toks[r - 1]);
                    let crossing = matches!(w, "of" | "to") && r >= 2 && toks[r - 2].is_cap(body);
                    if toks[r - 1].word
                        && (lexicon::title(w)
                            || lexicon::title(stem(w))
                            || lexicon::nationality(w)
                            || toks[r - 1].is_cap(body)
                            || crossing
                            || w == "the"
                            // "ex-Vorn chancellor", "former mayor": a post no longer held.
                            || w.starts_with("ex-")
                            || matches!(w, "former" | "ex"))
                    {
                        r -= 1;
                    } else {
                        break;
                    }
                }
                while r < start + s && matches!(low(toks, lw, &toks[r]), "the" | "of" | "to") {
                    r += 1;
                }
                if r < start + s {
                    let role = body.get(toks[r].start..toks[start + s - 1].end).unwrap_or("").to_lowercase();
                    if self.roles.len() < 512 {
                        self.roles.push((name_toks[0].start, role, full.clone()));
                    }
                }
                // A subject: the name opens the sentence or a clause after a
                // comma, and a lower-case word (its verb) follows.
                let after_comma = start > 0
                    && (toks[start - 1].is_punct(body, ',')
                        || (start > 1
                            && (toks[start - 1].is_punct(body, '”') || toks[start - 1].is_punct(body, '"'))
                            && toks[start - 2].is_punct(body, ',')));
                let verb_like = |t: &Tok| {
                    t.word
                        && !t.is_cap(body)
                        && !matches!(
                            low(toks, lw, t),
                            "of" | "and" | "or" | "in" | "on" | "at" | "to" | "for" | "from" | "with"
                        )
                };
                // "…, the head of the delegation, Ivo Tarn, pushed …": a name
                // in apposition, then the verb.
                let appositive = toks.get(i).is_some_and(|t| t.is_punct(body, ','))
                    && toks.get(i + 1).is_some_and(|t| {
                        verb_like(t)
                            && !matches!(
                                low(toks, lw, t),
                                "who"
                                    | "which"
                                    | "whose"
                                    | "whom"
                                    | "the"
                                    | "a"
                                    | "an"
                                    | "but"
                                    | "as"
                                    | "its"
                                    | "his"
                                    | "her"
                            )
                    });
                let verb_next = toks.get(i).is_some_and(verb_like) || appositive;
                // "Lib Dem chairman Matthew Taylor": a name before a title
                // word modifies it; "The Lib Dems are …": a group, not a
                // person "he" could stand for; "Downing Street": a place.
                let next_word = toks.get(i).filter(|t| t.word).map_or("", |t| low(toks, lw, t));
                let mut k = i;
                while k < toks.len() && k - i < 3 && toks[k].word && !toks[k].is_cap(body) {
                    k += 1;
                }
                let modifier = k > i
                    && toks.get(k).is_some_and(|t| t.is_cap(body))
                    && (i..k).all(|j| {
                        lexicon::title(low(toks, lw, &toks[j])) || !lexicon::determiner(low(toks, lw, &toks[j]))
                    })
                    && lexicon::title(low(toks, lw, &toks[k - 1]));
                let plural = matches!(next_word, "are" | "were" | "have");
                // "Mr Blair's government was …": the subject is the government.
                let possessive = {
                    let lw_last = low(toks, lw, &last);
                    lw_last != stem(lw_last)
                };
                let thing =
                    name_toks.iter().any(|t| matches!(low(toks, lw, t), "street" | "square" | "house" | "hall"));
                // "Praising Celtic and Rangers for …, she said": a participle
                // opening the sentence, no one's name.
                let participle = start == 0 && name_toks.len() > 1 && {
                    let w = low(toks, lw, &name_toks[0]);
                    w.len() > 5 && w.ends_with("ing")
                };
                if (first_subject || (after_comma && verb_next))
                    && !participle
                    && !modifier
                    && !plural
                    && !possessive
                    && !thing
                    && self.subjects.len() < 100_000
                {
                    self.subjects.push((name_toks[0].start, full));
                }
                if modifier && first_subject {
                    i = k;
                    continue;
                }
            }
            // "Ukraine's Zelenskyy": a possessive place keeps the subject open.
            let possessive_place = run.len() == 1 && {
                let w = low(toks, lw, &run[0]);
                w != stem(w) && lexicon::place(stem(w))
            };
            let only_titles = name_toks.is_empty()
                && run.iter().all(|t| lexicon::title(low(toks, lw, t)) || lexicon::nationality(low(toks, lw, t)));
            // "Home Office minister Ivo Tarn": an institution naming whose
            // post follows keeps the subject open.
            let post_of = !name_toks.is_empty()
                && toks.get(i).is_some_and(|t| t.word && !t.is_cap(body) && lexicon::title(low(toks, lw, t)));
            if !possessive_place && !only_titles && !post_of {
                first_subject = false;
            }
        }
    }

    /// Records who published the documents a text quotes: "study by the
    /// Geneva Academy of …", "Center for Strategic and International
    /// Studies (CSIS)".
    pub fn scan_sources(&mut self, body: &str, toks: &[Tok], lw: &[String]) {
        for i in 0..toks.len() {
            // "Full Name (ACR)"
            if toks[i].is_punct(body, '(') && i + 2 < toks.len() && toks[i + 2].is_punct(body, ')') {
                let acr = toks[i + 1].text(body);
                if acr.len() >= 2 && acr.chars().all(|c| c.is_uppercase() || c.is_ascii_digit()) {
                    let mut b = i;
                    while b > 0
                        && (toks[b - 1].is_cap(body)
                            || matches!(lw[b - 1].as_str(), "for" | "and" | "of" | "on" | "the"))
                        && i - b < 12
                    {
                        b -= 1;
                    }
                    while b < i
                        && (!toks[b].is_cap(body)
                            || lw[b].ends_with("-based")
                            || lexicon::nationality(&lw[b])
                            || lexicon::determiner(&lw[b]))
                    {
                        b += 1;
                    }
                    if b < i && self.acronyms.len() < 1024 {
                        if let Some(full) = body.get(toks[b].start..toks[i - 1].end) {
                            self.acronyms.insert(acr.to_owned(), full.to_owned());
                        }
                    }
                }
            }
            // "study by the X", "report from X" (not the "Study of War" in
            // "the Institute for the Study of War": a name's word).
            if document_head(&lw[i])
                && (i == 0 || !toks[i].is_cap(body))
                && i + 2 < toks.len()
                && matches!(lw[i + 1].as_str(), "by" | "from" | "of")
            {
                let mut a = i + 2;
                if lw[a] == "the" {
                    a += 1;
                }
                while a < toks.len() && (lw[a].ends_with("-based") || lexicon::nationality(&lw[a])) {
                    a += 1;
                }
                let mut e = a;
                while e < toks.len()
                    && (toks[e].is_cap(body)
                        || (e > a
                            // ("the Institute for the Study of War")
                            && (matches!(lw[e].as_str(), "for" | "and" | "of" | "on")
                                && (toks.get(e + 1).is_some_and(|t| t.is_cap(body))
                                    || (matches!(lw[e].as_str(), "for" | "of")
                                        && lw.get(e + 1).is_some_and(|w| w == "the")
                                        && toks.get(e + 2).is_some_and(|t| t.is_cap(body))))
                                || (lw[e] == "the"
                                    && matches!(lw[e - 1].as_str(), "for" | "of")
                                    && toks.get(e + 1).is_some_and(|t| t.is_cap(body))))))
                    && e - a < 14
                {
                    e += 1;
                }
                if e > a && self.sources.len() < 4096 {
                    if let Some(name) = body.get(toks[a].start..toks[e - 1].end) {
                        self.sources.push((toks[i].start, name.to_owned()));
                    }
                }
            }
        }
    }

    /// The publisher a document phrase stands for: the acronym's full name,
    /// the name itself, or the nearest publisher named before.
    pub fn publisher(&self, named: Option<&str>, pos: usize) -> Option<String> {
        if let Some(n) = named {
            let n = n.trim();
            if let Some(full) = self.acronyms.get(n) {
                return Some(full.clone());
            }
            // A publisher's name, not the document's title ("the War Watch
            // study" is the Geneva Academy's).
            let last = n.split_whitespace().last().unwrap_or("").to_lowercase();
            let publisher_like = n.split_whitespace().filter(|w| w.starts_with(char::is_uppercase)).count() >= 3
                || lexicon::institution_head(stem(&last))
                || matches!(
                    stem(&last),
                    "academy"
                        | "university"
                        | "foundation"
                        | "studies"
                        | "affairs"
                        | "policy"
                        | "research"
                        | "economics"
                        | "trust"
                        | "programme"
                        | "program"
                        | "analysis"
                );
            if publisher_like || self.sources.is_empty() {
                return Some(n.to_owned());
            }
        }
        self.sources
            .iter()
            .rev()
            .find(|(p, _)| *p < pos)
            .or_else(|| self.sources.iter().find(|(p, _)| *p < pos + 600))
            .map(|(_, n)| self.acronyms.get(n).cloned().unwrap_or_else(|| n.clone()))
    }

    /// Adds a role given in apposition to a speaker.
    pub fn add_role(&mut self, pos: usize, role: &str, full: &str) {
        if self.roles.len() < 512 {
            self.roles.push((pos, role.to_lowercase(), full.to_owned()));
        }
    }

    /// The full name for a surname: the one full name with that last word,
    /// or the nearest one before `pos` when there are several.
    pub fn full_name(&self, surname: &str, pos: usize) -> Option<&str> {
        let v = self.by_last.get(&name_key(surname))?;
        nearest_distinct(v.iter().map(|(p, n)| (*p, n.as_str())), pos)
    }

    /// The full name for "Sir John" / "Dame Ann": the one knight or dame
    /// with that first name, or the nearest before `pos`.
    pub fn knight(&self, first: &str, pos: usize) -> Option<&str> {
        let v = self.by_knight.get(&name_key(first))?;
        nearest_distinct(v.iter().map(|(p, n)| (*p, n.as_str())), pos)
    }

    /// The person holding a role ("mayor" with qualifiers ["kremenchuk"]).
    pub fn role_holder(&self, head: &str, quals: &[String], pos: usize) -> Option<(&str, bool)> {
        let leader = |w: &str| matches!(w, "president" | "prime" | "chancellor" | "premier" | "leader");
        // "the head of state", "the head of the Ukrainian state": a leader.
        let (head, quals): (&str, Vec<String>) = if head == "head" && quals.iter().any(|q| q == "state") {
            ("leader", quals.iter().filter(|q| *q != "state").cloned().collect())
        } else {
            (head, quals.to_vec())
        };
        // "Ukrainian" in a role noun matches "of Ukraine" in a title.
        let country = |q: &str| -> Option<&'static str> {
            Some(match q {
                "ukrainian" => "ukraine",
                "russian" => "russia",
                "american" | "us" | "u.s" => "states",
                "french" => "france",
                "german" => "germany",
                "british" => "britain",
                "belarusian" => "belarus",
                "chinese" => "china",
                "turkish" => "turkey",
                "polish" => "poland",
                "hungarian" => "hungary",
                _ => return None,
            })
        };
        let quals = &quals[..];
        let fits = |quals: &[String]| -> Vec<(usize, &str)> {
            self.roles
                .iter()
                .filter(|(_, role, _)| {
                    let words: Vec<&str> = role
                        .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
                        .filter(|w| !w.is_empty())
                        .collect();
                    // The role's own head: the last word before "of"/"to"/"for".
                    let cut = words.iter().position(|w| matches!(*w, "of" | "to" | "for")).unwrap_or(words.len());
                    let words: Vec<&str> = words.iter().map(|w| stem(w)).collect();
                    let role_head = words[..cut].last().map(|w| stem(w)).unwrap_or("");
                    // "shadow chancellor", "deputy mayor", "former president":
                    // another role than the bare one asked for.
                    // Only the words that qualify the role's own head count:
                    // "first deputy prime minister and energy minister" is an
                    // energy minister.
                    let own = words[..cut].iter().rposition(|w| matches!(*w, "and" | "&")).map_or(0, |a| a + 1);
                    // ("ex-Vorn chancellor": "ex-" joined to the next word.)
                    let other_role = words[own..cut].iter().any(|w| {
                        (matches!(
                            *w,
                            "shadow" | "deputy" | "vice" | "former" | "ex" | "acting" | "assistant" | "junior"
                        ) || w.starts_with("ex-"))
                            && !quals.iter().any(|q| q == w)
                    });
                    !other_role
                        && (role_head == head
                            || (head == "leader" && leader(role_head))
                            || (role_head == "minister" && words[..cut].contains(&"prime") && head == "premier"))
                        && quals.iter().all(|q| words.iter().any(|w| w == q || country(q) == Some(*w)))
                })
                .map(|(p, _, n)| (*p, n.as_str()))
                .collect()
        };
        // "Archbishop Desmond Tutu" and "Archbishop Tutu" are one person.
        let distinct = |all: &[(usize, &str)]| {
            let mut keys: Vec<String> = all
                .iter()
                .map(|(p, n)| name_key(if n.contains(' ') { n } else { self.full_name(n, *p).unwrap_or(n) }))
                .collect();
            keys.sort();
            keys.dedup();
            keys.len()
        };
        let mut all = fits(quals);
        if all.is_empty() {
            // "the UN Secretary-General" for "Secretary-General of the United
            // Nations António Guterres": without the short qualifiers, and
            // only when that leaves one person.
            let long: Vec<String> = quals.iter().filter(|q| !lexicon::nationality(q) && q.len() > 3).cloned().collect();
            if long.len() < quals.len() {
                let loose = fits(&long);
                if distinct(&loose) == 1 {
                    all = loose;
                }
            }
        }
        let unique = distinct(&all) == 1;
        nearest_distinct(all.into_iter(), pos).map(|n| (n, unique))
    }

    /// Whether a role noun for someone other than `name` is mentioned
    /// between `from` and `to`: then "he" after it is ambiguous.
    /// `bound`: posts (head, qualifiers) the article's statements have
    /// already credited to someone ("The chancellor said …" → Gordon
    /// Brown), which name that person again.
    pub fn other_role_between(
        &self,
        body: &str,
        names: &Aliases,
        bound: &[(&str, &[String], &str)],
        from: usize,
        to: usize,
        name: &str,
    ) -> bool {
        let key = surname_key(name);
        let i = self.role_mentions.partition_point(|m| m.0 <= from);
        // "The chief inspector of schools, David Bell, said": the role
        // given with the name in apposition is the name's own.
        let own = |p: usize| {
            let j = self.mentions.partition_point(|m| m.0 <= p);
            self.mentions.get(j).is_some_and(|(q, n)| q - p <= 48 && surname_key(n) == key)
        };
        self.role_mentions[i..].iter().take_while(|m| m.0 < to).take(16).any(|(p, head, quals, phrase)| {
            if own(*p) {
                return false;
            }
            let holder = self.role_mention_holder(body, names, head, quals, phrase, *p).or_else(|| {
                bound.iter().find(|(h, q, _)| h == head && *q == &quals[..]).map(|(_, _, n)| (*n).to_owned())
            });
            match holder {
                Some(holder) => surname_key(&holder) != key,
                None => true,
            }
        })
    }

    /// Who a role noun names: the alias table's person for the phrase
    /// ("President of Russia"), else the article's holder of the role.
    fn role_mention_holder(
        &self,
        body: &str,
        names: &Aliases,
        head: &str,
        quals: &[String],
        phrase: &str,
        pos: usize,
    ) -> Option<String> {
        if let Some(e) = names.lookup(phrase).filter(|e| e.kind == NameKind::Person) {
            return Some(e.canonical.clone());
        }
        if let Some((n, _)) = self.role_holder(head, quals, pos) {
            return Some(n.to_owned());
        }
        // "the chancellor", "the prime minister": a post the article gives
        // no one stands for the person it was bound to where first
        // mentioned. Not "the Brell president", "the Russian president":
        // a named place or party may make it someone else's post.
        let lower_case = phrase.split_whitespace().all(|w| !w.starts_with(char::is_uppercase));
        if !lower_case || !own_single_office(head, quals) {
            return None;
        }
        let first = self.first_role_mention(head, quals).unwrap_or(pos);
        self.unnamed_post_holder(body, first).map(str::to_owned)
    }

    /// Where a role noun (head and qualifiers) first opens a clause.
    pub fn first_role_mention(&self, head: &str, quals: &[String]) -> Option<usize> {
        self.role_mentions.iter().find(|(_, h, q, _)| h == head && q == quals).map(|m| m.0)
    }

    /// The person a post the article gives no one stands for, bound where
    /// the post is first mentioned (`first`): the one person the article
    /// has named before it, when the article gives that person no post.
    pub fn unnamed_post_holder(&self, body: &str, first: usize) -> Option<&str> {
        let n = self.sole_person_before(body, first)?;
        // Named in an earlier sentence ("Ivo Tarn, the minister said …"
        // may be an address, not an apposition).
        let last = self.mentions[..self.mentions.partition_point(|(p, _)| *p < first)].last()?.0;
        let between = body.get(last..first)?;
        if !(between.contains(". ") || between.contains('\n') || between.contains(".\u{201d} ")) {
            return None;
        }
        (n.contains(' ') && !self.has_post(n)).then_some(n)
    }

    /// The first person named (in full) at or after `pos`, with where,
    /// when nobody is named before it.
    pub fn first_person_from(&self, pos: usize) -> Option<(usize, &str)> {
        let (p, n) = self.mentions.first()?;
        (*p >= pos).then_some((*p, n.as_str()))
    }

    /// Role nouns opening a clause that name someone: subjects for pronouns
    /// ("In this connection, the President of Russia provided … He pointed
    /// out that …").
    pub fn role_subjects(&self, body: &str, names: &Aliases) -> Vec<(usize, String)> {
        self.role_mentions
            .iter()
            .filter_map(|(p, head, quals, phrase)| {
                Some((*p, self.role_mention_holder(body, names, head, quals, phrase, *p)?))
            })
            .collect()
    }

    /// The one person named (in full) between `from` and `to`, if exactly
    /// one is.
    pub fn only_person_between(&self, from: usize, to: usize) -> Option<&str> {
        let i = self.mentions.partition_point(|(p, _)| *p < from);
        let mut found: Option<&str> = None;
        for (p, n) in self.mentions[i..].iter().take(32) {
            if *p >= to {
                break;
            }
            match found {
                Some(f) if name_key(f) != name_key(n) => return None,
                _ => found = Some(n),
            }
        }
        found
    }

    /// The one person the article names before `pos` (full names, and
    /// surnames after an honorific), if exactly one is: "Jack Straw has
    /// attacked … The foreign secretary said …". Looks no further than
    /// the article's first 8,000 bytes.
    pub fn sole_person_before(&self, body: &str, pos: usize) -> Option<&str> {
        if pos > 8000 {
            return None;
        }
        let upto = self.mentions.partition_point(|(p, _)| *p < pos);
        let (_, first) = self.mentions.first().filter(|_| upto > 0)?;
        let key = surname_key(first);
        if self.mentions[..upto].iter().any(|(_, n)| surname_key(n) != key) {
            return None;
        }
        // "Mr Howard", "Lord Bach": a person named by surname alone.
        let before = body.get(..pos)?;
        let mut words = before.split_whitespace().peekable();
        while let Some(w) = words.next() {
            let w = w.to_lowercase().replace('.', "");
            if lexicon::honorific(&w) {
                if let Some(n) = words.peek().filter(|n| n.starts_with(char::is_uppercase)) {
                    let n = n.trim_end_matches(|c: char| !c.is_alphanumeric());
                    if name_key(stem(&n.to_lowercase())) != key {
                        return None;
                    }
                }
            }
        }
        Some(first)
    }

    /// Whether "he" or "she" can stand for `name`: not when the article
    /// gives its surname only the other one's honorifics ("Mr Tarn" is no
    /// "she"; a surname with both, a family, says nothing).
    pub fn pronoun_fits(&self, name: &str, p: lexicon::Pronoun) -> bool {
        let key = name_key(stem(&name.split_whitespace().last().unwrap_or("").to_lowercase()));
        // Two people with the surname ("Mr Jackson" and Katherine Jackson):
        // its honorifics may be the other's.
        let people = self.by_last.get(&key).map_or(0, |v| {
            let mut full: Vec<String> = v.iter().map(|(_, n)| name_key(n)).collect();
            full.sort();
            full.dedup();
            full.len()
        });
        if people > 1 {
            return true;
        }
        !matches!(
            (self.pronouns.get(&key), p),
            (Some(&(true, false)), lexicon::Pronoun::She) | (Some(&(false, true)), lexicon::Pronoun::He)
        )
    }

    /// Whether the article gives `name` any post ("Tory leader Michael
    /// Howard").
    pub fn has_post(&self, name: &str) -> bool {
        let key = surname_key(name);
        self.roles.iter().any(|(_, role, n)| {
            surname_key(n) == key
                && role.split(|c: char| !c.is_alphanumeric() && c != '-').any(|w| lexicon::role_head(stem(w)))
        })
    }

    pub fn subjects(&self) -> &[(usize, String)] {
        &self.subjects
    }
}

/// Posts one person holds at a time, which a bare "the <post>" can stand
/// for (not aides: "the spokesman" speaks for someone else).
pub fn single_office(head: &str) -> bool {
    matches!(
        head,
        "president"
            | "minister"
            | "chancellor"
            | "secretary"
            | "mayor"
            | "governor"
            | "leader"
            | "premier"
            | "chairman"
            | "chairwoman"
            | "chairperson"
            | "chair"
            | "commissioner"
            | "chief"
            | "ombudsman"
            | "ambassador"
            | "envoy"
            | "director"
            // A seat's member ("the Salford MP"), the one the article named.
            | "mp"
    )
}

/// A single office (see [`single_office`]) not qualified as another
/// country's or place's ("the Russian president", "the US envoy"): the
/// article's own subject may hold it.
pub fn own_single_office(head: &str, quals: &[String]) -> bool {
    single_office(head) && !quals.iter().any(|q| lexicon::nationality(q) || lexicon::place(q))
}

/// The key of a name's last word, its surname: "Ivo Tarn" → "tarn".
fn surname_key(name: &str) -> String {
    name_key(name.split_whitespace().last().unwrap_or(name))
}

fn stem_len(s: &str) -> usize {
    for suf in ["'s", "’s"] {
        if let Some(r) = s.strip_suffix(suf) {
            return r.len();
        }
    }
    s.len()
}

/// Among (position, name) pairs: the only distinct name, else the nearest
/// one before `pos`, else the first one after it.
fn nearest_distinct<'a>(items: impl Iterator<Item = (usize, &'a str)>, pos: usize) -> Option<&'a str> {
    let mut before: Option<(usize, &str)> = None;
    let mut after: Option<(usize, &str)> = None;
    for (p, n) in items {
        if p <= pos {
            if before.is_none_or(|(bp, _)| p >= bp) {
                before = Some((p, n));
            }
        } else if after.is_none_or(|(ap, _)| p < ap) {
            after = Some((p, n));
        }
    }
    before.or(after).map(|(_, n)| n)
}

/// The canonical name and kind of a resolved speaker.
pub fn canonical_person(names: &Aliases, full: &str) -> String {
    if let Some(e) = names.lookup(full) {
        if e.kind == NameKind::Person {
            return e.canonical.clone();
        }
    }
    full.to_owned()
}

/// The name an institution is filed under: the alias table's, else as
/// written with a leading "The" lower-cased, and "Russia's defence
/// ministry" made "Russian Defence Ministry".
pub fn canonical_institution(names: &Aliases, written: &str) -> String {
    let written = super::tokens::visible(before_apposition(written));
    let bare = written.trim().trim_start_matches("the ").trim_start_matches("The ");
    for probe in [written.trim(), bare] {
        if let Some(e) = names.lookup(probe) {
            if e.kind != NameKind::Person {
                return e.canonical.clone();
            }
        }
    }
    let adjective = [
        ("Russia's ", "Russian"),
        ("Russia’s ", "Russian"),
        ("Ukraine's ", "Ukrainian"),
        ("Ukraine’s ", "Ukrainian"),
        ("Germany's ", "German"),
        ("Germany’s ", "German"),
        ("Britain's ", "British"),
        ("Britain’s ", "British"),
        ("France's ", "French"),
        ("France’s ", "French"),
        ("China's ", "Chinese"),
        ("China’s ", "Chinese"),
    ];
    for (poss, adj) in adjective {
        if let Some(rest) = bare.strip_prefix(poss) {
            let words: Vec<String> = rest
                .split_whitespace()
                .map(|w| if matches!(w, "of" | "the" | "and" | "for") { w.to_owned() } else { capitalise(w) })
                .collect();
            if !words.is_empty() {
                return format!("{adj} {}", words.join(" "));
            }
        }
    }
    lower_article(&written)
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// "The Vorn Bank, which owns …" → "The Vorn Bank": what follows a comma
/// describes the speaker; it is no part of the name filed.
pub fn before_apposition(written: &str) -> &str {
    written.split(", ").next().unwrap_or(written).trim_end()
}

/// "A senior US official" → "a senior US official".
pub fn lower_article(written: &str) -> String {
    let t = before_apposition(written).trim();
    for (a, b) in
        [("The ", "the "), ("A ", "a "), ("An ", "an "), ("Several ", "several "), ("Some ", "some "), ("Two ", "two ")]
    {
        if let Some(r) = t.strip_prefix(a) {
            return format!("{b}{r}");
        }
    }
    t.to_owned()
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn p(s: &str) -> Option<(Class, Option<String>)> {
        let toks = tokenize(s, 0..s.len());
        parse_with_apposition(s, &toks).map(|r| (r.class, r.role))
    }

    fn named(n: &str, role: Option<&str>) -> Option<(Class, Option<String>)> {
        Some((Class::Named(n.into()), role.map(Into::into)))
    }

    #[test]
    fn phrases() {
        type Parsed = Option<(Class, Option<String>)>;
        let cases: Vec<(&str, Parsed)> = vec![
            ("Foreign Minister Ivo Tarn", named("Ivo Tarn", Some("Foreign Minister"))),
            ("Vornish Foreign Minister Ivo Tarn", named("Ivo Tarn", Some("Vornish Foreign Minister"))),
            ("Tarn", named("Tarn", None)),
            ("Mayor Ada Quill", named("Ada Quill", Some("Mayor"))),
            ("Fly-half Ada Quill", named("Ada Quill", Some("Fly-half"))),
            ("Vornish military observer Ivo Tarn", named("Ivo Tarn", Some("Vornish military observer"))),
            ("rights campaigner Ada Quill", named("Ada Quill", Some("rights campaigner"))),
            ("the deal with Ivo Tarn", None),
            ("Vorn-born Quill", named("Quill", Some("Vorn-born"))),
            ("Ji-vorn Tarn", named("Ji-vorn Tarn", None)),
            ("Tarn's foreign policy adviser Bela Morn", named("Bela Morn", Some("Tarn's foreign policy adviser"))),
            ("the Vorn Court spokesman, Bela Morn,", named("Bela Morn", Some("Vorn Court spokesman"))),
            ("Ada Quill, the Vorn mayor,", named("Ada Quill", Some("Vorn mayor"))),
            ("he", Some((Class::Pronoun(Pronoun::He), None))),
            ("the Hollow Court", Some((Class::Institution, None))),
            ("Vornland's Defence Ministry", Some((Class::Institution, None))),
            ("Vornland’s general staff", Some((Class::Institution, None))),
            ("a senior Vornish official", Some((Class::Anonymous, None))),
            ("Vorn sources", Some((Class::Anonymous, None))),
            ("a source in the Vornish delegation", Some((Class::Anonymous, None))),
            ("several of the Vornish leaders", Some((Class::Anonymous, None))),
            ("Brell officials", Some((Class::Anonymous, None))),
            ("Pro-Vorn hacker groups", Some((Class::Anonymous, None))),
            ("the hacker groups", Some((Class::Anonymous, None))),
            ("harbour experts", Some((Class::Anonymous, None))),
            ("the mayor", Some((Class::Role("mayor".into(), vec![]), Some("mayor".into())))),
            (
                "the mayor of Vornhaven",
                Some((Class::Role("mayor".into(), vec!["vornhaven".into()]), Some("mayor of Vornhaven".into()))),
            ),
            (
                "the rural affairs minister",
                Some((
                    Class::Role("minister".into(), vec!["rural".into(), "affairs".into()]),
                    Some("rural affairs minister".into()),
                )),
            ),
            ("the Vorn sporting director", None),
            ("Reuters", None),
            ("the drones", None),
            ("It", Some((Class::Pronoun(Pronoun::It), None))),
            ("the world has seen that Quill", None),
        ];
        for (s, want) in cases {
            assert_eq!(p(s), want, "{s}");
        }
    }
}
