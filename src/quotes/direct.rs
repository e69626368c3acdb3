//! Direct quotes: a quoted stretch with its attribution after it ("…,” said
//! X", "…,” X told Y", "…?,” she will ask"), before it ("X said: “…”",
//! "X will tell the council: “…”", "Tarn's reply was blunt: “…”"), the
//! second half of a split quote, the next sentence of a quote reopened
//! after a sentence end, or a paragraph wholly in quotes right after an
//! attributed one. Quoted stretches with no attribution (scare quotes,
//! titles) are left alone; fragments inside reported speech are the
//! reported pass's.

use std::ops::Range;

use super::doc::{self, after_last_break, first_break, subject_before, words, Doc, Subject};
use super::lexicon;
use super::speakers::RawSpeaker;
use super::tokens::{tokenize, Tok};
use super::{sentence_subject, Found, Who};
use crate::quotes::QuoteKind;

pub fn find(d: &Doc, skip: &[Range<usize>], out: &mut Vec<Found>) {
    let body = d.body;
    let base = out.len();
    // Per quoted stretch: (index into `out`, end of its attribution).
    let mut attributed: Vec<Option<(usize, usize)>> = vec![None; d.quoted.len()];
    for (qi, q) in d.quoted.iter().enumerate() {
        if skip.iter().any(|r| r.start <= q.outer.start && q.outer.start < r.end) {
            continue;
        }
        let content = doc::trim(body, q.inner.clone(), ",;:—–-");
        let Some(text) = body.get(content.clone()) else { continue };
        let n_words = text.split_whitespace().count();
        if text.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
            continue;
        }
        let (Some(pf), Some(pl)) = (d.paras.get(q.para_first), d.paras.get(q.para_last)) else { continue };
        if !d.para_is_text(q.para_last) {
            continue;
        }
        let prev = qi.checked_sub(1).and_then(|i| d.quoted.get(i)).filter(|p| p.para_last == q.para_first);
        let next = d.quoted.get(qi + 1).filter(|n| n.para_first == q.para_last);
        let prev_end = prev.map_or(pf.start, |p| p.outer.end);
        let next_start = next.map_or(pl.end, |n| n.outer.start);
        let lead_start = after_last_break(body, prev_end..q.outer.start);
        let lead = lead_start..q.outer.start;
        let tail_end = first_break(body, q.outer.end..next_start);
        let tail = q.outer.end..tail_end;
        let inner_raw = body.get(q.inner.clone()).unwrap_or("").trim_end();
        // "“… saying: ‘I could do small,’” said Tarn": the comma may sit
        // inside a nested quote's closing mark.
        let inner_end = inner_raw.trim_end_matches(['’', '\'', '"', '”']);
        let open_end = inner_end.ends_with([',', '?', '!', '—', '–', '…', '-'])
            || body.get(tail.clone()).is_some_and(|t| t.trim_start().starts_with([',', '—', '–']));
        let min_words = if q.single { 3 } else { 1 };
        // A title in quote marks ("On the Historical Unity of Russians and
        // Ukrainians", "Board of Peace") is nobody's words.
        if (2..=12).contains(&n_words) && {
            let significant: Vec<&str> = text
                .split_whitespace()
                .filter(|w| !matches!(*w, "of" | "the" | "and" | "for" | "on" | "in" | "a" | "to"))
                .collect();
            !significant.is_empty()
                && significant.iter().all(|w| w.starts_with(|c: char| c.is_uppercase() || !c.is_alphabetic()))
        } {
            continue;
        }
        if n_words < min_words {
            continue;
        }
        let mut found: Option<(RawSpeaker, String, usize, f32)> = None;
        // A word or two in quotes inside a clause ("has entered a “death
        // zone,” said X") is reported speech: the reported pass has it.
        let embedded = n_words <= 2
            && body.get(lead.clone()).is_some_and(|l| {
                let l = l.trim_end();
                !l.is_empty() && !l.ends_with([':', ',', '—', '–'])
            });
        if embedded {
            continue;
        }
        // "“But would that not …?” I asked.": the writer's own question.
        if writer_asks(body, tail.clone()) {
            continue;
        }
        if let Some((sp, cue, end)) = tail_attribution(body, tail.clone(), open_end) {
            found = Some((sp, cue, end, 0.95));
        } else if n_words < 2 {
            continue;
        } else if let Some((sp, cue)) = lead_attribution(d, lead.clone(), q.outer.start) {
            found = Some((sp, cue, q.outer.end, 0.93));
        }
        let ctx_start = if found.is_some() { lead_start.min(q.outer.start) } else { q.outer.start };
        let pieces = per_paragraph(d, content.clone(), q.para_first, q.para_last);
        if let Some((sp, cue, end, conf)) = found {
            let first = push_attributed(out, &pieces, sp, cue, ctx_start..end.max(q.outer.end), conf);
            attributed[qi] = Some((first, end.max(q.outer.end)));
            continue;
        }
        if q.single {
            continue;
        }
        // The second half of a split quote: only the previous quote's
        // attribution (or nothing) stands between them.
        if let Some(p_idx) = qi.checked_sub(1).filter(|_| prev.is_some()) {
            if let Some((fi, end)) = attributed[p_idx] {
                let between = body.get(end.min(q.outer.start)..q.outer.start).unwrap_or("x");
                if between.chars().all(|c| c.is_whitespace() || ".,;:—–-".contains(c)) {
                    out.push(continued(out, fi, content.clone(), q.outer.clone(), 0.9, q.para_first));
                    attributed[qi] = Some((out.len() - 1, q.outer.end));
                    continue;
                }
            }
        }
        // A quote opening a paragraph right after one that ends with a
        // colon and an attributed statement ("X said …:").
        if body.get(pf.start..q.outer.start).is_some_and(|s| s.trim().is_empty()) && q.para_first > 0 {
            let prev_para = &d.paras[q.para_first - 1];
            let ends_colon = body.get(prev_para.clone()).is_some_and(|s| s.trim_end().ends_with(':'));
            if ends_colon {
                // "Commissioner Ada Quill said:¶“…”": the attribution is the
                // previous paragraph's last sentence, with nothing quoted.
                let lead_para = after_last_break(body, prev_para.clone())..prev_para.end;
                let unquoted =
                    qi.checked_sub(1).and_then(|i| d.quoted.get(i)).is_none_or(|p| p.outer.end <= lead_para.start);
                let colon_lead = if unquoted && last_in_para(out, base, q.para_first - 1, usize::MAX).is_none() {
                    lead_attribution(d, lead_para.clone(), q.outer.start)
                } else {
                    None
                };
                if let Some((sp, cue)) = colon_lead {
                    let first = push_attributed(out, &pieces, sp, cue, lead_para.start..q.outer.end, 0.9);
                    attributed[qi] = Some((first, q.outer.end));
                    continue;
                }
                if let Some(fi) = last_in_para(out, base, q.para_first - 1, usize::MAX) {
                    let first = out.len();
                    for (k, (piece, para)) in pieces.iter().enumerate() {
                        let mut f = continued(out, fi, piece.clone(), piece.clone(), 0.85, *para);
                        f.who = Who::Same(if k == 0 { fi } else { first });
                        out.push(f);
                    }
                    attributed[qi] = Some((first, q.outer.end));
                    continue;
                }
            }
        }
        // A quote opening a sentence right after a statement of the same
        // paragraph ("Mr Tarn said the deal was dead. “We will not sign.”"):
        // more of it, when nothing stands between.
        // "“…,” said retired ferryman Ivo Tarn.": a quote with a speech
        // verb of its own after it has an attribution we could not read;
        // it is nobody else's.
        if open_end && own_cue(body, tail.clone()) {
            continue;
        }
        let opens_sentence = body.get(lead_start..q.outer.start).is_some_and(|l| l.trim().is_empty());
        if opens_sentence && n_words >= 3 && q.para_first == q.para_last {
            if let Some(fi) = last_in_para(out, base, q.para_first, q.outer.start) {
                let gap = body.get(out[fi].ctx.end.min(q.outer.start)..q.outer.start).unwrap_or("x");
                if out[fi].ctx.end <= q.outer.start
                    && gap.trim_matches(|c: char| c.is_whitespace() || ".,”\"’»".contains(c)).is_empty()
                {
                    out.push(continued(out, fi, content.clone(), q.outer.clone(), 0.75, q.para_first));
                    attributed[qi] = Some((out.len() - 1, q.outer.end));
                    continue;
                }
            }
        }
        // A whole sentence in quotes, unattributed, right after a sentence of
        // the same paragraph with no statement in it and a person as its
        // subject ("But Mr Tarn believes the talks will fail. “We have seen
        // this before.”"): news copy gives that person the words.
        if opens_sentence && n_words >= 4 && q.para_first == q.para_last {
            if let Some((sp, cue, from)) = subject_before_quote(d, out, base, qi, q) {
                out.push(Found {
                    who: Who::Raw(sp),
                    kind: QuoteKind::Direct,
                    cue,
                    pieces: vec![content.clone()],
                    ctx: from..q.outer.end,
                    conf: 0.6,
                    para: q.para_first,
                });
                attributed[qi] = Some((out.len() - 1, q.outer.end));
                continue;
            }
        }
        // A paragraph opening with a quote right after one that ends with
        // an attributed statement ("…, Mr Howard said.¶“We watched …”"):
        // the speaker holds.
        let opens_para = body.get(pf.start..q.outer.start).is_some_and(|s| s.trim().is_empty());
        if opens_para && q.para_first > 0 && n_words >= 3 {
            let prev_para_end = d.paras.get(q.para_first - 1).map_or(0, |p| p.end);
            if let Some(fi) = last_in_para(out, base, q.para_first - 1, usize::MAX) {
                let tail_text = body.get(out[fi].ctx.end.min(prev_para_end)..prev_para_end).unwrap_or("x");
                if tail_text.trim_matches(|c: char| c.is_whitespace() || ".,”\"’»".contains(c)).is_empty() {
                    let first = out.len();
                    for (k, (piece, para)) in pieces.iter().enumerate() {
                        let mut f = continued(out, fi, piece.clone(), piece.clone(), 0.8, *para);
                        f.who = Who::Same(if k == 0 { fi } else { first });
                        out.push(f);
                    }
                    attributed[qi] = Some((first, q.outer.end));
                    continue;
                }
            }
        }
        // A paragraph wholly in quotes right after an attributed quote.
        let whole_para = body
            .get(pf.start..q.outer.start)
            .is_some_and(|s| s.trim_matches(|c: char| c.is_whitespace() || "—–-•*".contains(c)).is_empty())
            && body
                .get(q.outer.end..pl.end)
                .is_some_and(|s| s.trim_matches(|c: char| c.is_whitespace() || ".,".contains(c)).is_empty());
        if whole_para && q.para_first > 0 {
            let last = last_in_para(out, base, q.para_first - 1, usize::MAX);
            let last_para_end = d.paras.get(q.para_first - 1).map_or(0, |p| p.end);
            if let Some(fi) = last {
                // The previous paragraph must end with that quote or its
                // attribution, not with other news.
                let tail_text = body.get(out[fi].ctx.end.min(last_para_end)..last_para_end).unwrap_or("x");
                if tail_text.trim_matches(|c: char| c.is_whitespace() || ".,”\"’»".contains(c)).is_empty() {
                    out.push(continued(out, fi, content.clone(), q.outer.clone(), 0.8, q.para_last));
                    attributed[qi] = Some((out.len() - 1, q.outer.end));
                    continue;
                }
            }
            // An interview or a speech: the speaker set once holds for the
            // quoted paragraphs that follow, across a paragraph of narration,
            // when only one speaker has spoken in the last two paragraphs.
            if q.para_first >= 2 && n_words >= 4 {
                let recent: Vec<usize> = [q.para_first - 1, q.para_first - 2]
                    .iter()
                    .filter_map(|&p| last_in_para(out, base, p, usize::MAX))
                    .collect();
                if let Some(&fi) = recent.first() {
                    let one_voice = recent.iter().all(|&i| same_raw_speaker(out, i, fi));
                    if one_voice && d.text_rank(out[fi].para) + 2 >= d.text_rank(q.para_first) {
                        out.push(continued(out, fi, content.clone(), q.outer.clone(), 0.7, q.para_last));
                        attributed[qi] = Some((out.len() - 1, q.outer.end));
                    }
                }
            }
        }
    }
}

/// For a quote that is a whole sentence: the subject of the sentence right
/// before it in the same paragraph, when that is a named person or "he" /
/// "she", the sentence holds no quote and no statement, and the quote
/// ends its own sentence. With the subject: the verb as the cue and where
/// that sentence starts.
fn subject_before_quote(
    d: &Doc,
    out: &[Found],
    base: usize,
    qi: usize,
    q: &super::doc::Quoted,
) -> Option<(RawSpeaker, String, usize)> {
    let body = d.body;
    let si = d.sents.partition_point(|(r, _)| r.end <= q.outer.start);
    let (own, para) = d.sents.get(si)?;
    let rest = body.get(q.outer.end.min(own.end)..own.end)?;
    if *para != q.para_first
        || own.start > q.outer.start
        || !rest.trim_matches(|c: char| ".!?,\u{201d}\"’ ".contains(c)).is_empty()
    {
        return None;
    }
    let (prev, prev_para) = d.sents.get(si.checked_sub(1)?)?;
    if *prev_para != q.para_first {
        return None;
    }
    // No quote in that sentence, and no statement found in it.
    if qi > 0 && d.quoted.get(qi - 1).is_some_and(|p| p.outer.end > prev.start) {
        return None;
    }
    if let Some(fi) = last_in_para(out, base, q.para_first, q.outer.start) {
        if out[fi].ctx.end > prev.start {
            return None;
        }
    }
    let (toks, lw) = d.sent_words.get(si - 1)?;
    let sp = sentence_subject(body, toks)?;
    if !matches!(
        sp.class,
        super::speakers::Class::Named(_)
            | super::speakers::Class::Pronoun(lexicon::Pronoun::He | lexicon::Pronoun::She)
    ) {
        return None;
    }
    // The subject's verb (past adverbs and auxiliaries) must voice a view:
    // a speech verb, an evaluative one or one of belief ("believes",
    // "defended"); "Tarn arrived in Vorn. “…”" may be anyone's words.
    let v = toks
        .iter()
        .enumerate()
        .position(|(i, t)| t.start >= sp.written.end && t.word && !t.is_cap(body) && !lexicon::aux_or_adverb(&lw[i]))?;
    let w = lw[v].as_str();
    let voices = lexicon::quote_verb(w) || lexicon::evaluative_verb(w) || lexicon::stance_verb(w);
    if !voices {
        return None;
    }
    Some((sp, toks[v].text(body).to_owned(), prev.start))
}

/// A first-person attribution after a quote ("I asked", "we said"): the
/// interviewer speaking, never the interviewee.
fn writer_asks(body: &str, tail: Range<usize>) -> bool {
    let toks: Vec<Tok> = tokenize(body, tail);
    let mut it = toks.iter().filter(|t| t.word);
    matches!(
        (it.next().map(|t| t.text(body)), it.next().map(|t| t.text(body).to_lowercase())),
        (Some("I" | "we" | "We"), Some(v)) if lexicon::quote_verb(&v)
    )
}

/// Whether two finds name the same speaker as written (or one continues
/// the other).
fn same_raw_speaker(out: &[Found], a: usize, b: usize) -> bool {
    let root = |mut i: usize| {
        for _ in 0..8 {
            match out.get(i).map(|f| &f.who) {
                Some(Who::Same(j)) if *j < out.len() => i = *j,
                _ => break,
            }
        }
        i
    };
    let (ra, rb) = (root(a), root(b));
    if ra == rb {
        return true;
    }
    match (out.get(ra).map(|f| &f.who), out.get(rb).map(|f| &f.who)) {
        (Some(Who::Raw(x)), Some(Who::Raw(y))) => x.class == y.class,
        _ => false,
    }
}

/// "…,” said Mayor Ada Quill on Vorn radio." / "…,” Tarn told reporters.".
/// Returns the speaker, the cue and the end of the attribution.
/// After a quote, an attribution of its own that we could not read: a
/// speech verb among the first words, and a speaker phrase that names
/// someone ("…,” Ivo Tarn, from the Vorn Bank told reporters", "…,” said
/// harbour chief economist, Ivo Tarn"). A phrase opening with a determiner
/// or a pronoun ("…,” the singer said", "…,” he was due to say") may be the
/// speaker just quoted, described.
fn own_cue(body: &str, tail: Range<usize>) -> bool {
    let toks: Vec<Tok> = tokenize(body, tail);
    let lw = words(body, &toks);
    let clause: Vec<(&Tok, &String)> = toks
        .iter()
        .zip(&lw)
        .skip_while(|(t, _)| !t.word)
        .take_while(|(t, w)| t.word || !matches!(w.as_str(), "." | "?" | "!" | ";" | "“" | "\""))
        .take(10)
        .filter(|(t, _)| t.word)
        .collect();
    let cue = clause.iter().take(8).any(|(_, w)| lexicon::quote_verb(w));
    let mut phrase = clause.iter().filter(|(_, w)| !lexicon::quote_verb(w));
    let opens_described = phrase.clone().next().is_none_or(|(_, w)| {
        lexicon::determiner(w) || lexicon::pronoun(w).is_some() || matches!(w.as_str(), "this" | "our")
    });
    cue && !opens_described && phrase.any(|(t, _)| t.is_cap(body))
}

fn tail_attribution(body: &str, tail: Range<usize>, open_end: bool) -> Option<(RawSpeaker, String, usize)> {
    let toks: Vec<Tok> = tokenize(body, tail.clone());
    let lw = words(body, &toks);
    let mut s = 0;
    while s < toks.len() && !toks[s].word && matches!(lw[s].as_str(), "," | "—" | "–" | "-") {
        s += 1;
    }
    let toks = &toks[s..];
    let lw = &lw[s..];
    if toks.is_empty() || !toks[0].word {
        return None;
    }
    // Verb first: "said X".
    if lexicon::quote_verb(&lw[0]) && open_end {
        let (sp, _) = doc::phrase_after(body, toks, lw, 1, false)?;
        return Some((sp, cue_text(body, toks, lw, 0), tail.end));
    }
    // Subject first: "X said". After quoted words, "X is convinced" or
    // "X believes" attributes them too: they are the speaker's words.
    let closing = |w: &str| {
        lexicon::quote_verb(w)
            || (open_end
                && matches!(
                    w,
                    "believes"
                        | "thinks"
                        | "convinced"
                        | "emphasizes"
                        | "emphasises"
                        | "stresses"
                        | "concludes"
                        | "concluded"
                ))
    };
    let v = (1..toks.len().min(18)).find(|&i| toks[i].word && closing(&lw[i]))?;
    let mut j = v;
    if lw[v] == "convinced" && j > 1 && lw[j - 1] == "is" {
        j -= 1;
    }
    while j > 0 && lexicon::aux_or_adverb_as_written(&lw[j - 1], toks[j - 1].is_cap(body)) && toks[j - 1].word {
        j -= 1;
    }
    if j > 0 && lexicon::negation(&lw[j - 1]) {
        return None;
    }
    let commas = toks[..j].iter().filter(|t| t.is_punct(body, ',')).count();
    let sp = if j > 0 && toks[j - 1].is_punct(body, ',') && commas == 1 {
        // "“…,” shop owner Ada Quill, told Reuters": a stray comma before
        // the verb.
        super::speakers::parse(body, &toks[..j - 1])?
    } else if j > 0 && toks[j - 1].is_punct(body, ',') {
        super::speakers::parse_with_apposition(body, &toks[..j])?
    } else if commas >= 1
        && (lw[0].ends_with("ing") || matches!(lw[0].as_str(), "where" | "which" | "who" | "when" | "as"))
    {
        // "“…,” shattering windows, she told …" / "“…,” where her aunt
        // lives, she said": an interjected clause, then the subject.
        let c = toks[..j].iter().rposition(|t| t.is_punct(body, ','))?;
        let sp = super::speakers::parse(body, &toks[c + 1..j])?;
        if !matches!(sp.class, super::speakers::Class::Named(_) | super::speakers::Class::Pronoun(_)) {
            return None;
        }
        sp
    } else if commas == 1 {
        // "Tymofei, a military medic with the battalion told …"
        let c = toks[..j].iter().position(|t| t.is_punct(body, ','))?;
        let sp = super::speakers::parse(body, &toks[..c])?;
        if !matches!(sp.class, super::speakers::Class::Named(_))
            || !matches!(lw.get(c + 1).map(String::as_str), Some("a" | "an" | "the"))
        {
            return None;
        }
        sp
    } else {
        super::speakers::parse(body, &toks[..j])?
    };
    if !open_end {
        // "“….” Tarn said." is an attribution only when nothing but
        // adverbials follow the verb, and not a colon: "“….” Tarn said:
        // “…”" introduces the next quote (copy that runs paragraphs
        // together puts one speaker's closing quote before the next's cue).
        let k = doc::skip_adverbials(body, toks, lw, v + 1);
        if toks.get(k).is_some_and(|t| t.is_punct(body, ':')) {
            return None;
        }
        let rest = &toks[k.min(toks.len())..];
        if rest.iter().any(|t| t.word) && !matches!(lw[v].as_str(), "told" | "tells") {
            return None;
        }
        if rest.iter().filter(|t| t.word).count() > 6 || lw.iter().any(|w| w == "that") {
            return None;
        }
    }
    Some((sp, cue_text(body, toks, lw, v), tail.end))
}

/// The cue as written: the verb, with its object for "told" ("told Reuters").
fn cue_text(body: &str, toks: &[Tok], lw: &[String], v: usize) -> String {
    let verb = toks[v].text(body).to_owned();
    if matches!(lw[v].as_str(), "told" | "tells") {
        let mut e = v + 1;
        while e < toks.len()
            && toks[e].word
            && e - v <= 5
            && lw[e] != "that"
            && !matches!(lw[e].as_str(), "on" | "in" | "at" | "during" | "late" | "last")
        {
            e += 1;
        }
        if e > v + 1 {
            if let Some(s) = body.get(toks[v].start..toks[e - 1].end) {
                return s.to_owned();
            }
        }
    }
    verb
}

/// "X said: “…”", "X added, “…”", "X said that “…”".
fn lead_attribution(d: &Doc, lead: Range<usize>, quote_start: usize) -> Option<(RawSpeaker, String)> {
    let body = d.body;
    let text = body.get(lead.clone())?;
    let t = text.trim_end();
    if t.is_empty() {
        return None;
    }
    let toks: Vec<Tok> = tokenize(body, lead.clone());
    let lw = words(body, &toks);
    let mut end = toks.len();
    while end > 0 && !toks[end - 1].word && matches!(lw[end - 1].as_str(), ":" | "," | "—" | "–") {
        end -= 1;
    }
    let ended_with_mark = end < toks.len();
    if end > 0 && lw[end - 1] == "that" {
        end -= 1;
    } else if !(ended_with_mark || end > 0 && lexicon::quote_verb(&lw[end - 1])) {
        return None;
    }
    let _ = quote_start;
    // The verb: the last speech verb, at most 8 words before the quote.
    // ("As one official put it: “…”": "put it" says it too.)
    let put_it = |i: usize| lw[i] == "put" && lw.get(i + 1).is_some_and(|w| w == "it");
    let Some(v) = (end.saturating_sub(9)..end)
        .rev()
        .find(|&i| toks[i].word && (lexicon::quote_verb(&lw[i]) || lexicon::participle_cue(&lw[i]) || put_it(i)))
    else {
        // "Witkoff expressed optimism on X: “…”": a colon after a clause
        // whose subject is a named speaker.
        if !t.ends_with(':') {
            return None;
        }
        if let Some(found) = speech_act_lead(body, &toks[..end], &lw[..end]) {
            return Some(found);
        }
        let sp = sentence_subject(body, &toks[..end])?;
        let first_comma = toks.iter().position(|t| t.is_punct(body, ','));
        let at_start = toks.first().is_some_and(|f| f.start == sp.written.start)
            || first_comma.and_then(|c| toks.get(c + 1)).is_some_and(|f| f.start == sp.written.start);
        if !matches!(sp.class, super::speakers::Class::Named(_) | super::speakers::Class::Document(_)) || !at_start {
            return None;
        }
        // A clause with a verb, not a title: "Witkoff expressed optimism:".
        if !toks[..end].iter().any(|t| t.start >= sp.written.end && t.word && !t.is_cap(body)) {
            return None;
        }
        let cue = toks
            .iter()
            .find(|t| t.start >= sp.written.end && t.word)
            .map_or(String::new(), |t| t.text(body).to_owned());
        return Some((sp, cue));
    };
    if toks[v + 1..end].iter().any(|t| !t.word) {
        return None;
    }
    // "put it bluntly:", "put it this way:"; not "put it on the table:".
    if put_it(v)
        && !lw[v + 2..end].iter().all(|w| {
            (w.len() > 4 && w.ends_with("ly")) || matches!(w.as_str(), "this" | "that" | "way" | "so" | "thus")
        })
    {
        return None;
    }
    let cue = cue_text(body, &toks, &lw, v);
    if lexicon::participle_cue(&lw[v]) {
        // "… has written to the watchdog saying: “…”" needs no comma.
        let colon_saying = t.ends_with(':') && matches!(lw[v].as_str(), "saying" | "adding" | "writing");
        if v == 0 || !(toks[v - 1].is_punct(body, ',') || colon_saying) {
            // "He had a warning for Vorn:": the noun, not the participle.
            return if t.ends_with(':') { speech_act_lead(body, &toks[..end], &lw[..end]) } else { None };
        }
        return sentence_subject(body, &toks[..v]).map(|sp| (sp, cue));
    }
    // "Said Tarn: “…”": the verb opens the sentence, its subject follows.
    let opens = v == 0 || matches!(lw[v - 1].as_str(), "." | "?" | "!" | "”" | "\"");
    if opens && toks[v].is_cap(body) && end > v + 1 {
        let named = super::speakers::parse(body, &toks[v + 1..end])
            .filter(|sp| matches!(sp.class, super::speakers::Class::Named(_)));
        if let Some(sp) = named {
            return Some((sp, cue));
        }
    }
    match subject_before(body, &toks, &lw, v) {
        Some(Subject::Phrase(sp)) => Some((sp, cue)),
        Some(Subject::Elided) => sentence_subject(body, &toks[..v]).map(|sp| (sp, cue)),
        None => doc::appositive_subject_before(body, &toks, &lw, v).map(|sp| (sp, cue)),
    }
}

/// "Tarn's reply was blunt: “…”", "His message to the council: “…”",
/// "She had a warning for Vorn: “…”": a clause before a colon that names
/// a speech act, owned by a possessive right before the noun (one
/// adjective between) or by "he"/"she" opening the clause. The speech
/// noun is the cue.
fn speech_act_lead(body: &str, toks: &[Tok], lw: &[String]) -> Option<(RawSpeaker, String)> {
    let n = (0..toks.len()).rev().take(10).find(|&i| toks[i].word && lexicon::speech_noun(&lw[i]))?;
    let cue = toks[n].text(body).to_owned();
    let pronoun = |i: usize, p: lexicon::Pronoun| RawSpeaker {
        written: toks[i].start..toks[i].end,
        class: super::speakers::Class::Pronoun(p),
        role: None,
    };
    for p in [n.checked_sub(1), n.checked_sub(2)].into_iter().flatten() {
        // One adjective may stand between: "Tarn's blunt reply".
        let adjective = toks[p + 1].word && !toks[p + 1].is_cap(body);
        if p + 2 == n && !adjective {
            continue;
        }
        let w = lw[p].as_str();
        match w {
            "his" => return Some((pronoun(p, lexicon::Pronoun::He), cue)),
            "her" => return Some((pronoun(p, lexicon::Pronoun::She), cue)),
            _ => {}
        }
        let Some(stem) = w.strip_suffix("'s").or_else(|| w.strip_suffix("’s")) else { continue };
        if !toks[p].is_cap(body) || stem.is_empty() {
            return None;
        }
        let mut s = p;
        while s > 0 && toks[s - 1].word && toks[s - 1].is_cap(body) && p - s < 4 {
            s -= 1;
        }
        let mut name: Vec<Tok> = toks[s..=p].to_vec();
        if let Some(last) = name.last_mut() {
            last.end -= w.len() - stem.len();
        }
        let sp = super::speakers::parse(body, &name)?;
        return matches!(sp.class, super::speakers::Class::Named(_)).then_some((sp, cue));
    }
    // "He had a warning for Vorn:": the pronoun opens the clause.
    match lw.first().map(String::as_str) {
        Some("he") if n > 1 => Some((pronoun(0, lexicon::Pronoun::He), cue)),
        Some("she") if n > 1 => Some((pronoun(0, lexicon::Pronoun::She), cue)),
        _ => None,
    }
}

/// An attributed quote, one statement per paragraph it runs over (the
/// later ones the first's), the first with the attribution's context.
/// Returns the first's index.
fn push_attributed(
    out: &mut Vec<Found>,
    pieces: &[(Range<usize>, usize)],
    sp: RawSpeaker,
    cue: String,
    ctx: Range<usize>,
    conf: f32,
) -> usize {
    let first = out.len();
    for (k, (piece, para)) in pieces.iter().enumerate() {
        out.push(Found {
            who: if k == 0 { Who::Raw(sp.clone()) } else { Who::Same(first) },
            kind: QuoteKind::Direct,
            cue: cue.clone(),
            pieces: vec![piece.clone()],
            ctx: if k == 0 { ctx.clone() } else { piece.clone() },
            conf,
            para: *para,
        });
    }
    first
}

/// A quote over several paragraphs, one piece per paragraph (each without
/// the opening mark that repeats at a paragraph start).
fn per_paragraph(d: &Doc, content: Range<usize>, first: usize, last: usize) -> Vec<(Range<usize>, usize)> {
    if first == last {
        return vec![(content, first)];
    }
    let mut out = Vec::new();
    for pi in first..=last {
        let Some(p) = d.paras.get(pi) else { break };
        let r = p.start.max(content.start)..p.end.min(content.end);
        let r = doc::trim(d.body, r, "“”\"„«»,");
        if !r.is_empty() {
            out.push((r, pi));
        }
    }
    out
}

/// The last find in paragraph `para` that starts before byte `before`
/// (`usize::MAX`: the paragraph's last): among this pass's finds
/// (`out[base..]`, in text order) and the reported pass's (`out[..base]`,
/// in text order), by binary search and a bounded walk. A statement later
/// in the paragraph than a quote is never what the quote continues.
fn last_in_para(out: &[Found], base: usize, para: usize, before: usize) -> Option<usize> {
    let fits = |f: &Found| f.para == para && f.ctx.start < before;
    let own = out[base..]
        .iter()
        .enumerate()
        .rev()
        .take_while(|(_, f)| f.para >= para)
        .take(64)
        .find(|(_, f)| fits(f))
        .map(|(i, _)| base + i);
    let reported = &out[..base];
    let upto = reported.partition_point(|f| f.para <= para);
    let theirs = reported[..upto]
        .iter()
        .enumerate()
        .rev()
        .take_while(|(_, f)| f.para == para)
        .take(64)
        .find(|(_, f)| fits(f))
        .map(|(i, _)| i);
    match (own, theirs) {
        (Some(a), Some(b)) => Some(if out[a].ctx.start >= out[b].ctx.start { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// A further direct quote by the speaker of `out[fi]`, under the same cue
/// (the second half of a split quote, a paragraph that continues it).
fn continued(out: &[Found], fi: usize, piece: Range<usize>, ctx: Range<usize>, conf: f32, para: usize) -> Found {
    Found {
        who: Who::Same(fi),
        kind: QuoteKind::Direct,
        cue: out[fi].cue.clone(),
        pieces: vec![piece],
        ctx,
        conf,
        para,
    }
}
