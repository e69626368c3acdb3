//! Cutting an article body into passages: the unit Parley indexes, ranks
//! and shows.
//!
//! A passage is a paragraph, or a window of consecutive sentences when the
//! paragraph is long, so that an answer is seldom split in two. A short
//! heading line ("Lavrov: Must be prepared thoroughly") is joined to the
//! paragraph after it. Pure; no I/O.

use std::ops::Range;

use crate::text::{paragraphs, sentences};

/// One passage: its position in the article and its byte range in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// 0-based position in the article.
    pub ord: u32,
    pub range: Range<usize>,
}

/// Paragraphs longer than this many words are cut into sentence windows.
const LONG_PARAGRAPH_WORDS: usize = 90;
/// A window holds sentences up to about this many words.
const WINDOW_WORDS: usize = 60;
/// No passage is longer than this many bytes (a 10,000-character "sentence"
/// is cut at a word boundary).
const MAX_PASSAGE_BYTES: usize = 1_500;

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// A line that reads as a heading: short, no sentence-ending punctuation.
fn is_heading(s: &str) -> bool {
    let t = s.trim();
    words(t) <= 12 && !t.ends_with(['.', '!', '?', '"', '”', ':', ';', ','])
}

/// The passages of a body.
pub fn split(body: &str) -> Vec<Passage> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let paras = paragraphs(body);
    let mut pending_heading: Option<usize> = None;
    for (i, p) in paras.iter().enumerate() {
        let text = &body[p.clone()];
        let last = i + 1 == paras.len();
        if is_heading(text) && !last {
            pending_heading.get_or_insert(p.start);
            continue;
        }
        let start = pending_heading.take().unwrap_or(p.start);
        if words(text) <= LONG_PARAGRAPH_WORDS {
            ranges.push(start..p.end);
            continue;
        }
        let mut window_start = start;
        let mut window_words = 0;
        let mut window_end = start;
        for s in sentences(text) {
            let s = p.start + s.start..p.start + s.end;
            let n = words(&body[s.clone()]);
            if window_words > 0 && window_words + n > WINDOW_WORDS {
                ranges.push(window_start..window_end);
                window_start = s.start;
                window_words = 0;
            }
            window_words += n;
            window_end = s.end;
        }
        if window_end > window_start {
            ranges.push(window_start..window_end);
        }
    }
    let mut out = Vec::with_capacity(ranges.len());
    for r in ranges {
        for piece in cap(body, r) {
            out.push(Passage { ord: out.len() as u32, range: piece });
        }
    }
    out
}

/// Cuts a range longer than [`MAX_PASSAGE_BYTES`] at word boundaries.
fn cap(body: &str, r: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = r.start;
    while r.end - start > MAX_PASSAGE_BYTES {
        let mut cut = start + MAX_PASSAGE_BYTES;
        while !body.is_char_boundary(cut) {
            cut -= 1;
        }
        let cut = body[start..cut].rfind(char::is_whitespace).map_or(cut, |i| start + i);
        let cut = if cut <= start { start + MAX_PASSAGE_BYTES.min(r.end - start) } else { cut };
        let mut cut = cut;
        while !body.is_char_boundary(cut) {
            cut += 1;
        }
        out.push(start..cut);
        start = cut;
        while start < r.end && body[start..].starts_with(char::is_whitespace) {
            start += body[start..].chars().next().map_or(1, char::len_utf8);
        }
    }
    if start < r.end {
        out.push(start..r.end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(body: &str) -> Vec<&str> {
        split(body).into_iter().map(|p| &body[p.range]).collect()
    }

    #[test]
    fn headings_join_the_next_paragraph() {
        let body = "Ada Quill said the talks went well.\nTarn: must be prepared\nTarn said the meeting needs work.\nLast line heading";
        assert_eq!(
            texts(body),
            [
                "Ada Quill said the talks went well.",
                "Tarn: must be prepared\nTarn said the meeting needs work.",
                "Last line heading"
            ]
        );
    }

    #[test]
    fn long_paragraphs_become_sentence_windows() {
        let sentence =
            "The delegation from Vornhaven met the envoys of the Hollow Court for the third time this week. ";
        let body = sentence.repeat(20);
        let passages = texts(&body);
        assert!(passages.len() > 3, "{}", passages.len());
        for p in &passages {
            assert!(p.split_whitespace().count() <= 60, "{p}");
            assert!(p.ends_with('.'));
        }
    }

    #[test]
    fn giant_sentences_are_capped_on_char_boundaries() {
        let body = "ж".repeat(4000) + " " + &"word ".repeat(1000);
        for p in split(&body) {
            assert!(p.range.len() <= MAX_PASSAGE_BYTES + 4);
            assert!(body.is_char_boundary(p.range.start) && body.is_char_boundary(p.range.end));
        }
    }

    #[test]
    fn ords_are_consecutive_and_empty_bodies_have_none() {
        assert!(split("").is_empty());
        assert!(split("\n\n  \n").is_empty());
        let ps = split("A one.\n\nB two.\n\nC three.");
        assert_eq!(ps.iter().map(|p| p.ord).collect::<Vec<_>>(), [0, 1, 2]);
    }
}
