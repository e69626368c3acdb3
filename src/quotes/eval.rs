//! Scores extracted quotes against hand-labelled gold items: precision,
//! recall and F1 per kind, and speaker accuracy on matched quotes.
//!
//! Pure library code: the caller reads the gold files and the documents.
//! A prediction matches a gold item when their spans overlap by at least
//! half of the gold item's characters. Matching ignores the kind (a direct
//! quote labelled as reported speech is still found); per-kind precision is
//! over predictions of that kind, per-kind recall over gold items of that
//! kind, and kind agreement is reported apart. Only predictions at or above
//! [`MIN_CONFIDENCE`](super::MIN_CONFIDENCE) count: the others never reach
//! an answer.

use std::fmt;
use std::ops::Range;

use serde::Deserialize;

use super::{Quote, QuoteKind, SpeakerKind, MIN_CONFIDENCE};
use crate::names::{name_key, Aliases};

/// One line of a gold file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GoldItem {
    pub file: String,
    pub speaker: String,
    pub kind: QuoteKind,
    /// An exact substring of the document.
    pub quote: String,
}

/// A gold item placed in its document.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldSpan {
    pub speaker: String,
    pub kind: QuoteKind,
    pub span: Range<usize>,
}

/// Where a gold quote sits in the body: its first exact occurrence.
pub fn locate(body: &str, quote: &str) -> Option<Range<usize>> {
    let q = quote.trim();
    if q.is_empty() {
        return None;
    }
    body.find(q).map(|s| s..s + q.len())
}

/// Counts for one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct KindTally {
    pub gold: usize,
    pub gold_found: usize,
    pub predicted: usize,
    pub predicted_right: usize,
}

impl KindTally {
    pub fn precision(&self) -> f64 {
        ratio(self.predicted_right, self.predicted)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.gold_found, self.gold)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// Counts over a set of documents.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub direct: KindTally,
    pub indirect: KindTally,
    /// Matched gold items whose best prediction names the right speaker.
    pub speaker_right: usize,
    pub speaker_total: usize,
    /// Matched gold items whose best prediction has the same kind.
    pub kind_right: usize,
    /// Direct quotes credited to a person whose surname is inside the
    /// quoted words (a name inside a quote is never its speaker; a
    /// paraphrase may name its speaker, "Trump said he had asked Trump's
    /// team", so reported speech is not counted).
    pub named_inside: usize,
    /// Wrong speakers and unmatched items, for the report: (what, text).
    pub misses: Vec<String>,
}

impl Tally {
    pub fn kind(&self, k: QuoteKind) -> &KindTally {
        match k {
            QuoteKind::Direct => &self.direct,
            QuoteKind::Indirect => &self.indirect,
        }
    }

    fn kind_mut(&mut self, k: QuoteKind) -> &mut KindTally {
        match k {
            QuoteKind::Direct => &mut self.direct,
            QuoteKind::Indirect => &mut self.indirect,
        }
    }

    pub fn speaker_accuracy(&self) -> f64 {
        ratio(self.speaker_right, self.speaker_total)
    }

    pub fn kind_accuracy(&self) -> f64 {
        ratio(self.kind_right, self.speaker_total)
    }

    /// All kinds together.
    pub fn overall(&self) -> KindTally {
        KindTally {
            gold: self.direct.gold + self.indirect.gold,
            gold_found: self.direct.gold_found + self.indirect.gold_found,
            predicted: self.direct.predicted + self.indirect.predicted,
            predicted_right: self.direct.predicted_right + self.indirect.predicted_right,
        }
    }

    /// Scores one document's predictions against its gold items.
    pub fn add_document(&mut self, label: &str, body: &str, gold: &[GoldSpan], predicted: &[Quote], names: &Aliases) {
        let preds: Vec<&Quote> = predicted.iter().filter(|q| q.confidence >= MIN_CONFIDENCE).collect();
        let matches = |g: &GoldSpan, p: &Quote| overlap(&g.span, &p.span) * 2 >= g.span.len().max(1);
        for g in gold {
            self.kind_mut(g.kind).gold += 1;
            let best = preds.iter().filter(|p| matches(g, p)).max_by_key(|p| overlap(&g.span, &p.span));
            let text = body.get(g.span.clone()).unwrap_or("");
            match best {
                Some(p) => {
                    self.kind_mut(g.kind).gold_found += 1;
                    self.speaker_total += 1;
                    if same_speaker(&g.speaker, &p.speaker.name, names) {
                        self.speaker_right += 1;
                    } else {
                        self.misses.push(format!(
                            "{label}: WRONG SPEAKER {:?} (gold {:?}): {}",
                            p.speaker.name,
                            g.speaker,
                            short(text)
                        ));
                    }
                    if p.kind == g.kind {
                        self.kind_right += 1;
                    }
                }
                None => {
                    self.misses.push(format!("{label}: MISSED {} [{}]: {}", g.kind.as_str(), g.speaker, short(text)))
                }
            }
        }
        for p in &preds {
            if p.kind == QuoteKind::Direct
                && p.speaker.kind == SpeakerKind::Person
                && names_inside(&p.speaker.name, &p.text)
            {
                self.named_inside += 1;
                self.misses.push(format!("{label}: NAMED INSIDE [{}]: {}", p.speaker.name, short(&p.text)));
            }
            let t = self.kind_mut(p.kind);
            t.predicted += 1;
            if gold.iter().any(|g| matches(g, p)) {
                self.kind_mut(p.kind).predicted_right += 1;
            } else {
                self.misses.push(format!(
                    "{label}: EXTRA {} [{}] {:.2}: {}",
                    p.kind.as_str(),
                    p.speaker.name,
                    p.confidence,
                    short(&p.text)
                ));
            }
        }
    }
}

/// Whether the speaker's surname is a word of the statement.
fn names_inside(speaker: &str, text: &str) -> bool {
    let last = name_key(speaker.split_whitespace().last().unwrap_or(""));
    !last.is_empty() && name_key(text).split(' ').any(|w| w == last)
}

fn short(s: &str) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > 110 {
        let cut: String = s.chars().take(107).collect();
        format!("{cut}…")
    } else {
        s
    }
}

fn overlap(a: &Range<usize>, b: &Range<usize>) -> usize {
    a.end.min(b.end).saturating_sub(a.start.max(b.start))
}

/// Speakers agree after name folding (a leading "the", honorifics, British
/// and American spellings, a country's possessive and its adjective aside),
/// when the alias table files both under one canonical name, or when one
/// describes the speaker with a post-modifier the other leaves off ("a
/// Russian milblogger reportedly affiliated with …" / "a Russian
/// milblogger"; never "X's spokesman" / "X").
pub fn same_speaker(gold: &str, predicted: &str, names: &Aliases) -> bool {
    let (g, p) = (speaker_words(gold), speaker_words(predicted));
    let plain = |w: &[String]| -> Vec<String> { w.iter().filter(|w| *w != "'s").cloned().collect() };
    if !g.is_empty() && plain(&g) == plain(&p) {
        return true;
    }
    if matches!((names.canonical(gold), names.canonical(predicted)), (Some(a), Some(b)) if a == b) {
        return true;
    }
    let (short, long) = if g.len() <= p.len() { (&g, &p) } else { (&p, &g) };
    if !short.is_empty()
        && long.starts_with(short)
        && long.get(short.len()).is_some_and(|w| POST_MODIFIER.contains(&w.as_str()))
    {
        return true;
    }
    // A shorter mention with the same head ("Blair" / "Tony Blair", "the
    // constitutional affairs committee" / "Constitutional Affairs Select
    // Committee"), neither with a post-modifier or possessive.
    let (short, long) = (plain(short), plain(long));
    !short.is_empty()
        && !long.iter().any(|w| POST_MODIFIER.contains(&w.as_str()))
        && short.last() == long.last()
        && short.iter().all(|w| long.contains(w))
}

/// Words that start a post-modifier of a speaker phrase.
const POST_MODIFIER: &[&str] = &[
    "in",
    "of",
    "from",
    "with",
    "at",
    "on",
    "for",
    "to",
    "near",
    "close",
    "familiar",
    "reportedly",
    "who",
    "which",
    "that",
    "based",
    "operating",
    "affiliated",
    "serving",
    "involved",
    "representing",
];

/// Honorifics that are not part of a name ("Mr Blair", "Lord Goldsmith").
const HONORIFICS: &[&str] = &["mr", "mrs", "ms", "miss", "dr", "lord", "lady", "sir", "dame", "baroness", "baron"];

/// A country's possessive or short name and its adjective are one word
/// for speakers ("Ukraine's General Staff" / "Ukrainian General Staff").
const DEMONYMS: &[(&str, &str)] = &[
    ("ukraine", "ukrainian"),
    ("russia", "russian"),
    ("britain", "british"),
    ("uk", "british"),
    ("us", "american"),
    ("america", "american"),
    ("france", "french"),
    ("germany", "german"),
    ("poland", "polish"),
    ("china", "chinese"),
];

/// British and American spellings of the words institutions are named with.
const SPELLINGS: &[(&str, &str)] =
    &[("defense", "defence"), ("organization", "organisation"), ("center", "centre"), ("labor", "labour")];

/// A speaker's words for comparison: folded, lower case, without leading
/// determiners and honorifics; a possessive stays a word of its own.
fn speaker_words(s: &str) -> Vec<String> {
    // "Sources in Ukraine's Security Service (SBU)": an acronym in
    // parentheses is a gloss, not part of the name.
    let mut plain = String::with_capacity(s.len());
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let folded = crate::text::fold(&plain).replace('’', "'");
    let mut words: Vec<String> = Vec::new();
    for raw in folded.split(|c: char| !(c.is_ascii_alphanumeric() || c == '\'')) {
        let w = raw.trim_matches('\'');
        if w.is_empty() {
            continue;
        }
        let (stem, possessive) = match w.strip_suffix("'s") {
            Some(st) => (st, true),
            None => (w, false),
        };
        let name_key_word = name_key(stem);
        let mut word = if name_key_word.is_empty() { stem.to_owned() } else { name_key_word };
        if let Some((_, adj)) = DEMONYMS.iter().find(|(c, _)| *c == word) {
            word = (*adj).to_owned();
        } else if let Some((_, b)) = SPELLINGS.iter().find(|(a, _)| *a == word) {
            word = (*b).to_owned();
        } else if possessive {
            words.push(word);
            words.push("'s".to_owned());
            continue;
        }
        words.push(word);
    }
    while words.first().is_some_and(|w| matches!(w.as_str(), "the" | "a" | "an") || HONORIFICS.contains(&w.as_str())) {
        words.remove(0);
    }
    words
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "| kind | gold | predicted | precision | recall | F1 |")?;
        writeln!(f, "|---|---:|---:|---:|---:|---:|")?;
        for (name, t) in [("direct", self.direct), ("indirect", self.indirect), ("all", self.overall())] {
            writeln!(
                f,
                "| {name} | {} | {} | {:.3} | {:.3} | {:.3} |",
                t.gold,
                t.predicted,
                t.precision(),
                t.recall(),
                t.f1()
            )?;
        }
        writeln!(
            f,
            "\nSpeaker accuracy on matched quotes: {:.3} ({}/{}); kind agreement: {:.3}; credited to a person named inside: {}",
            self.speaker_accuracy(),
            self.speaker_right,
            self.speaker_total,
            self.kind_accuracy(),
            self.named_inside
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quotes::Speaker;

    fn pred(name: &str, kind: QuoteKind, span: Range<usize>) -> Quote {
        Quote {
            speaker: Speaker { name: name.into(), as_written: name.into(), role: None, kind: SpeakerKind::Person },
            kind,
            cue: "said".into(),
            text: String::new(),
            sentence: String::new(),
            span,
            confidence: 0.9,
        }
    }

    #[test]
    fn half_the_gold_characters_make_a_match() {
        let names = Aliases::parse("[people]\n\"Ada Quill\" = [\"Kvill\"]").unwrap();
        let body = "x".repeat(100);
        let gold = vec![
            GoldSpan { speaker: "Ada Quill".into(), kind: QuoteKind::Direct, span: 0..20 },
            GoldSpan { speaker: "Bran Tor".into(), kind: QuoteKind::Indirect, span: 40..60 },
            GoldSpan { speaker: "Cy Vell".into(), kind: QuoteKind::Indirect, span: 80..90 },
        ];
        let preds = vec![
            pred("Kvill", QuoteKind::Direct, 5..40), // 15/20 of gold 1: match, alias speaker
            pred("Ivo Tarn", QuoteKind::Indirect, 49..70), // 11/20 of gold 2: match, wrong speaker
            pred("Cy Vell", QuoteKind::Indirect, 86..99), // 4/10: no match
        ];
        let mut t = Tally::default();
        t.add_document("doc", &body, &gold, &preds, &names);
        assert_eq!(t.direct, KindTally { gold: 1, gold_found: 1, predicted: 1, predicted_right: 1 });
        assert_eq!(t.indirect, KindTally { gold: 2, gold_found: 1, predicted: 2, predicted_right: 1 });
        assert_eq!((t.speaker_right, t.speaker_total), (1, 2));
        assert!((t.indirect.f1() - 0.5).abs() < 1e-9);
        assert!(t.to_string().contains("| direct | 1 | 1 | 1.000 | 1.000 | 1.000 |"));
    }

    #[test]
    fn speakers_fold() {
        let names = Aliases::default();
        assert!(same_speaker("Oleksandr Varenykyi", "Oleksandr Varenykyj", &names));
        assert!(same_speaker("the Hollow Court", "Hollow Court", &names));
        assert!(!same_speaker("Quill", "Tarn", &names));
        assert!(same_speaker("Lord Tarn", "Tarn", &names));
        assert!(same_speaker("Vornland's Defense Ministry", "the Vornland Defence Ministry", &names));
        assert!(same_speaker("Ukraine's General Staff", "Ukrainian General Staff", &names));
        assert!(same_speaker("A Vornish milblogger reportedly close to the army", "a Vornish milblogger", &names));
        assert!(!same_speaker("Ivo Tarn's spokesman", "Ivo Tarn", &names));
        assert!(!same_speaker("Vornish officials", "Vornish", &names));
        assert!(same_speaker("Ivo Tarn", "Tarn", &names));
        assert!(!same_speaker("Ivo Tarn", "Ada Tarn", &names));
        assert!(!same_speaker("Vornish officials", "Brell officials", &names));
        assert_eq!(locate("ab cd", " cd"), Some(3..5));
        assert_eq!(locate("ab", "zz"), None);
    }
}
