//! Cutting an article body into passages: the unit Parley indexes, ranks
//! and shows.
//!
//! A passage is a paragraph, or a window of consecutive sentences when the
//! paragraph is long, so that an answer is seldom split in two. A short
//! heading line ("Lavrov: Must be prepared thoroughly") is joined to the
//! paragraph after it. Pure; no I/O.
//!
//! Passages are cut from the body as [`super::clean`] leaves it: page
//! furniture (captions, credits, share and newsletter lines, reference
//! lists…) is never part of a passage, and Markdown links are reduced to
//! their text. The body itself — the corpus file — is not changed.

use std::ops::Range;

use super::clean::{self, Mapped};
use crate::text::sentences;

/// One passage: its position in the article, the body range it was cut
/// from, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// 0-based position in the article.
    pub ord: u32,
    /// Byte range of the body the passage spans. Furniture paragraphs and
    /// link syntax inside it are not in `text`.
    pub range: Range<usize>,
    /// What is indexed and shown: the cleaned text.
    pub text: String,
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
    let kept = clean::paragraphs(body).kept;
    let mut pieces: Vec<Mapped> = Vec::new();
    let mut heading: Option<Mapped> = None;
    let join = |heading: &mut Option<Mapped>| {
        let mut m = heading.take().unwrap_or_default();
        if !m.is_empty() {
            m.push_separator("\n");
        }
        m
    };
    for (i, p) in kept.iter().enumerate() {
        let text = p.text.as_str();
        let last = i + 1 == kept.len();
        if is_heading(text) && !last {
            let h = heading.get_or_insert_with(Mapped::default);
            if !h.is_empty() {
                h.push_separator("\n");
            }
            h.push_from(&p.text, 0..text.len());
            continue;
        }
        if words(text) <= LONG_PARAGRAPH_WORDS {
            let mut m = join(&mut heading);
            m.push_from(&p.text, 0..text.len());
            pieces.push(m);
            continue;
        }
        let mut window: Option<Range<usize>> = None;
        let mut window_words = 0;
        for s in sentences(text) {
            let n = words(&text[s.clone()]);
            if let Some(w) = window.as_ref().filter(|_| window_words + n > WINDOW_WORDS) {
                let mut m = join(&mut heading);
                m.push_from(&p.text, w.clone());
                pieces.push(m);
                window = None;
                window_words = 0;
            }
            window = Some(window.map_or(s.clone(), |w| w.start..s.end));
            window_words += n;
        }
        if let Some(w) = window {
            let mut m = join(&mut heading);
            m.push_from(&p.text, w);
            pieces.push(m);
        }
    }
    let mut out = Vec::with_capacity(pieces.len());
    for piece in pieces {
        for r in cap(piece.as_str()) {
            let mut m = Mapped::default();
            m.push_from(&piece, r);
            if m.as_str().trim().is_empty() {
                continue;
            }
            out.push(Passage { ord: out.len() as u32, range: m.body_range(0..m.len()), text: m.as_str().to_owned() });
        }
    }
    out
}

/// Cuts a text longer than [`MAX_PASSAGE_BYTES`] at word boundaries.
fn cap(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    while text.len() - start > MAX_PASSAGE_BYTES {
        let mut cut = start + MAX_PASSAGE_BYTES;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let cut = text[start..cut].rfind(char::is_whitespace).map_or(cut, |i| start + i);
        let mut cut = if cut <= start { start + MAX_PASSAGE_BYTES.min(text.len() - start) } else { cut };
        while !text.is_char_boundary(cut) {
            cut += 1;
        }
        out.push(start..cut);
        start = cut;
        while start < text.len() && text[start..].starts_with(char::is_whitespace) {
            start += text[start..].chars().next().map_or(1, char::len_utf8);
        }
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(body: &str) -> Vec<String> {
        split(body).into_iter().map(|p| p.text).collect()
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

    #[test]
    fn furniture_is_never_in_a_passage_and_links_keep_their_text() {
        let body = "Vellmar talks resume\nAdvertisement\nPhotograph: Ana Ruiz/EPA\n\
                    Negotiators met in [Brenn](https://news.example/brenn) on Tuesday.[[ii]](https://x.example/<#e2>)\n\
                    Share\nReporting by Ivo Tamm; Editing by Mara Ost\n\
                    \"We are here to listen,\" said Mayor Olek Brandt.";
        let ps = split(body);
        let got: Vec<&str> = ps.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            got,
            [
                "Vellmar talks resume\nNegotiators met in Brenn on Tuesday.",
                "\"We are here to listen,\" said Mayor Olek Brandt."
            ]
        );
        // The range spans the body the passage was cut from.
        assert!(body[ps[0].range.clone()].starts_with("Vellmar talks resume"));
        assert!(body[ps[0].range.clone()].ends_with("Tuesday."));
        assert_eq!(&body[ps[1].range.clone()], ps[1].text);
    }

    #[test]
    fn ranges_are_in_the_body_and_on_char_boundaries() {
        let body = "Żółw [pływa](https://x.example/ż) szybko. ".repeat(60) + "\nCafé été.\n[](https://x.example/)";
        for p in split(&body) {
            assert!(p.range.start <= p.range.end && p.range.end <= body.len());
            assert!(body.is_char_boundary(p.range.start) && body.is_char_boundary(p.range.end));
            assert!(!p.text.contains("https://"), "{}", p.text);
        }
    }
}
