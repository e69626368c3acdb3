//! Transcript turns as in official press releases: "Vladimir Putin:
//! Colleagues, friends, …" up to the next speaker label. Only a text with
//! at least two labels (or one full-name label opening a long turn in a
//! short text) is a transcript, so a headline like "Tarn: Talks must wait"
//! is not a turn. Labels must name a person; "Question:" only ends a turn.

use std::ops::Range;

use super::doc::{words, Doc};
use super::lexicon;
use super::speakers::{self, Class, RawSpeaker};
use super::tokens::{lower, tokenize, Tok};
use super::{Found, Who};
use crate::quotes::QuoteKind;

/// Labels that delimit turns without being quotable speakers.
fn delimiter(w: &str) -> bool {
    matches!(
        w,
        "question"
            | "answer"
            | "remark"
            | "reply"
            | "moderator"
            | "host"
            | "interviewer"
            | "journalist"
            | "correspondent"
            | "audience"
            | "voice"
            | "q"
            | "a"
    )
}

struct Label {
    start: usize,
    text_from: usize,
    speaker: Option<RawSpeaker>,
    para: usize,
}

/// Finds the turns; returns the byte ranges they cover (other passes skip them).
pub fn find(d: &Doc, out: &mut Vec<Found>) -> Vec<Range<usize>> {
    let body = d.body;
    let mut labels: Vec<Label> = Vec::new();
    for (pi, p) in d.paras.iter().enumerate() {
        let Some(text) = body.get(p.clone()) else { continue };
        for (ci, _) in text.match_indices(':') {
            let colon = p.start + ci;
            if !body.get(colon + 1..).is_some_and(|r| r.starts_with(char::is_whitespace)) {
                continue;
            }
            let look = colon.saturating_sub(160).max(p.start);
            let look = (look..colon).find(|&i| body.is_char_boundary(i)).unwrap_or(colon);
            let toks: Vec<Tok> = tokenize(body, look..colon);
            if toks.is_empty() {
                continue;
            }
            let lw = words(body, &toks);
            // Drop a trailing parenthetical: "(retranslated)".
            let mut end = toks.len();
            if lw[end - 1] == ")" {
                if let Some(o) = lw.iter().rposition(|w| w == "(") {
                    end = o;
                }
            }
            let mut s = end;
            while s > 0
                && toks[s - 1].word
                && (toks[s - 1].is_cap(body) || matches!(lw[s - 1].as_str(), "of" | "the" | "and"))
                && end - s < 16
            {
                s -= 1;
            }
            while s < end && !toks[s].is_cap(body) {
                s += 1;
            }
            if s >= end {
                continue;
            }
            let boundary = s == 0 && look == p.start
                || s > 0 && matches!(lw[s - 1].as_str(), "." | "?" | "!" | "”" | "\"" | "*" | ")" | "…" | "»");
            // "Said Tarn: “…”" opens with the cue, inverted: no label.
            if end - s == 2 && lexicon::inverted_cue(&lw[s]) {
                continue;
            }
            let phrase = &toks[s..end];
            if end - s == 1 && delimiter(&lw[s]) && boundary {
                labels.push(Label { start: toks[s].start, text_from: colon + 1, speaker: None, para: pi });
                continue;
            }
            let mut sp = speakers::parse(body, phrase).filter(|sp| matches!(sp.class, Class::Named(_)));
            if sp.is_none() && boundary && end - s >= 4 {
                // A label garbled by page markup ("President of the Republic of
                // Belarus Alexander Lukashenko Lukashenko AlexanderPresident of
                // Belarus:"): the first first-name–surname pair in it.
                sp = (s..end - 1)
                    .map(|i| &toks[i..i + 2])
                    .filter(|pair| pair.iter().all(|t| t.is_cap(body) && !is_title_word(&lower(body, t))))
                    .find_map(|pair| {
                        speakers::parse(body, pair).filter(|sp| matches!(&sp.class, Class::Named(n) if n.contains(' ')))
                    });
            }
            let Some(sp) = sp else { continue };
            let titled = sp.role.is_some() && end - s >= 3;
            // In a text of many paragraphs a turn opens its paragraph.
            let para_start = s == 0 && look == p.start;
            if (boundary || titled) && (d.paras.len() <= 3 || para_start) {
                labels.push(Label { start: toks[s].start, text_from: colon + 1, speaker: Some(sp), para: pi });
            }
        }
    }
    // A one-word label must be the surname of a full-name label.
    let surnames: std::collections::HashSet<String> = labels
        .iter()
        .filter_map(|l| match &l.speaker {
            Some(RawSpeaker { class: Class::Named(n), .. }) if n.contains(' ') => {
                n.split_whitespace().last().map(crate::names::name_key)
            }
            _ => None,
        })
        .collect();
    labels.retain(|l| match &l.speaker {
        Some(RawSpeaker { class: Class::Named(n), .. }) => {
            n.contains(' ') || surnames.contains(&crate::names::name_key(n))
        }
        _ => true,
    });
    let named = labels.iter().filter(|l| l.speaker.is_some()).count();
    // One label is a transcript only when it gives a full name and opens
    // a long turn ("Vladimir Putin: Good afternoon, colleagues. …").
    let single_ok = labels.len() == 1
        && matches!(&labels[0].speaker, Some(RawSpeaker { class: Class::Named(n), .. }) if n.contains(' '))
        && body.get(labels[0].text_from..).is_some_and(|t| t.split_whitespace().take(30).count() >= 30)
        && d.paras.len() <= 3;
    if (labels.len() < 2 && !single_ok) || named == 0 {
        return Vec::new();
    }
    let mut covered = Vec::new();
    for (i, l) in labels.iter().enumerate() {
        let end = labels.get(i + 1).map_or(body.len(), |n| n.start);
        let text = super::doc::trim(body, l.text_from..end, "");
        covered.push(l.start..end);
        let Some(sp) = &l.speaker else { continue };
        if text.is_empty() || body.get(text.clone()).is_none_or(|t| t.split_whitespace().count() < 3) {
            continue;
        }
        out.push(Found {
            who: Who::Raw(sp.clone()),
            kind: QuoteKind::Direct,
            cue: "transcript".into(),
            pieces: vec![text.clone()],
            ctx: l.start..text.end,
            conf: 0.9,
            para: l.para,
        });
    }
    covered
}

fn is_title_word(w: &str) -> bool {
    lexicon::title(w) || lexicon::place(w) || lexicon::nationality(w) || matches!(w, "of" | "the")
}
