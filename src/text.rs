//! Text utilities shared by passages, quotes and names: folding to ASCII,
//! paragraphs and sentences with byte offsets, keeping control
//! characters out of what is shown, and short base-36 ids.
//!
//! Pure functions over `&str`: no I/O, no allocation beyond the result, no
//! panics on any input, and time linear in the input.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

/// Folds text for matching: transliterated to ASCII (Cyrillic included),
/// lower-cased. `"Zelenskyy’s Kyiv"` → `"zelenskyy's kyiv"`.
pub fn fold(s: &str) -> String {
    deunicode::deunicode(s).to_ascii_lowercase()
}

/// One line of metadata (a title, an outlet, a name, a URL) without control
/// characters: C0 and C1 controls and DEL (ESC would drive the terminal that
/// shows it) are dropped, and those that are spaces (tab, line breaks)
/// become one. Borrowed when there is none.
pub fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return s.into();
    }
    s.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect::<String>()
        .into()
}

/// A body without control characters but its line breaks and tabs.
pub fn body_text(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t')) {
        return s.into();
    }
    s.chars().filter(|&c| !c.is_control() || matches!(c, '\n' | '\t')).collect::<String>().into()
}

/// The paragraphs of a body as byte ranges, trimmed, empty ones skipped.
///
/// Bodies come in two shapes: one paragraph per line (the seed article,
/// scraped pages, press releases) or Markdown-style paragraphs separated by
/// blank lines with hard-wrapped lines inside. When the body has blank lines
/// *and* lines inside a block that do not end a sentence, the block is one
/// paragraph; otherwise every line is.
pub fn paragraphs(body: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut block_start: Option<usize> = None;
    let mut lines: Vec<Range<usize>> = Vec::new();
    let mut pos = 0;
    let flush = |lines: &mut Vec<Range<usize>>, out: &mut Vec<Range<usize>>| {
        if lines.is_empty() {
            return;
        }
        // A hard-wrapped block: most lines but the last end mid-sentence.
        let inner = &lines[..lines.len().saturating_sub(1)];
        let mid_sentence = inner
            .iter()
            .filter(|l| {
                let t = body[(*l).clone()].trim_end();
                !t.ends_with(['.', '!', '?', ':', '"', '”', '’', '»', ')'])
                    && t.chars().last().is_some_and(|c| c.is_alphanumeric() || c == ',')
            })
            .count();
        let wrapped = !inner.is_empty() && mid_sentence * 2 > inner.len();
        if wrapped {
            out.push(lines[0].start..lines[lines.len() - 1].end);
        } else {
            out.extend(lines.iter().cloned());
        }
        lines.clear();
    };
    for line in body.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let lead = content.len() - content.trim_start().len();
        let trimmed = content.trim();
        if trimmed.is_empty() {
            flush(&mut lines, &mut out);
            block_start = None;
            continue;
        }
        block_start.get_or_insert(start);
        let s = start + lead;
        lines.push(s..s + trimmed.len());
    }
    flush(&mut lines, &mut out);
    out
}

/// Words that end with a full stop without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cmdr", "adm", "sgt", "gov", "sen", "rep",
    "pres", "st", "jr", "sr", "no", "vs", "etc", "approx", "dept", "est", "inc", "ltd", "co", "corp", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.u", "a.m", "p.m",
    "i.e", "e.g", "fig", "mt",
];

/// Whether a word written before a full stop is an abbreviation or an
/// initial ("Gen", "U.S", "J") rather than the end of a sentence.
pub fn is_abbreviation(word: &str) -> bool {
    let lw = word.to_ascii_lowercase();
    ABBREVIATIONS.contains(&lw.as_str()) || (word.chars().count() == 1 && word.chars().all(char::is_uppercase))
}

/// The sentences of a piece of text as byte ranges (trimmed), by UAX #29
/// with a second pass that re-joins breaks after abbreviations ("Mr.",
/// "Gen.", "U.S."), initials ("J. D. Vance") and ordinals.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut glue_next = false;
    for (start, s) in text.split_sentence_bound_indices() {
        let end = start + s.len();
        if glue_next {
            if let Some(last) = out.last_mut() {
                last.end = end;
            }
        } else {
            out.push(start..end);
        }
        let rest = &text[end..];
        glue_next = ends_with_abbreviation(s) && (is_title_abbreviation(s) || !next_starts_sentence(rest));
    }
    out.into_iter()
        .flat_map(|r| split_at_notes(text, r))
        .filter_map(|r| {
            let piece = &text[r.clone()];
            let lead = piece.len() - piece.trim_start().len();
            let t = piece.trim();
            (!t.is_empty()).then(|| r.start + lead..r.start + lead + t.len())
        })
        .collect()
}

/// "… of territory.19 President Tarn confirmed …": a note number glued to
/// a full stop after a word, then a capital, ends a sentence that UAX #29
/// runs on.
fn split_at_notes(text: &str, r: Range<usize>) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = r.start;
    let mut i = r.start + 2;
    while i + 3 < r.end {
        if bytes[i] == b'.' && bytes[i - 1].is_ascii_lowercase() && bytes[i - 2].is_ascii_lowercase() {
            let digits = bytes[i + 1..r.end].iter().take_while(|b| b.is_ascii_digit()).count();
            let after = i + 1 + digits;
            if (1..=3).contains(&digits)
                && after + 1 < r.end
                && bytes[after] == b' '
                && bytes[after + 1].is_ascii_uppercase()
            {
                out.push(start..after);
                start = after + 1;
                i = start + 2;
                continue;
            }
        }
        i += 1;
    }
    out.push(start..r.end);
    out
}

fn last_word(s: &str) -> &str {
    let t = s.trim_end();
    let t = t.strip_suffix('.').unwrap_or(t);
    let start = t
        .rfind(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '“')
        .map_or(0, |i| i + t[i..].chars().next().map_or(1, char::len_utf8));
    &t[start..]
}

fn ends_with_abbreviation(s: &str) -> bool {
    let t = s.trim_end();
    if !t.ends_with('.') {
        return false;
    }
    let w = last_word(t);
    // Dotted acronyms ("U.S.") besides the listed words and initials.
    is_abbreviation(w) || (w.contains('.') && w.len() <= 6)
}

fn is_title_abbreviation(s: &str) -> bool {
    let lw = last_word(s).to_ascii_lowercase();
    let w = last_word(s);
    matches!(
        lw.as_str(),
        "mr" | "mrs"
            | "ms"
            | "dr"
            | "prof"
            | "gen"
            | "lt"
            | "col"
            | "maj"
            | "capt"
            | "cmdr"
            | "adm"
            | "sgt"
            | "gov"
            | "sen"
            | "rep"
            | "pres"
            | "st"
            | "mt"
            | "no"
    ) || (w.chars().count() == 1 && w.chars().all(|c| c.is_uppercase()))
}

/// Does the text after a full stop look like the start of a new sentence?
/// "The", "He", a quote mark: yes; a lower-case word or a number: no.
fn next_starts_sentence(rest: &str) -> bool {
    let word: String = rest.trim_start().chars().take_while(|c| c.is_alphabetic()).collect();
    const STARTERS: &[&str] = &[
        "The",
        "He",
        "She",
        "It",
        "They",
        "We",
        "I",
        "In",
        "On",
        "But",
        "And",
        "A",
        "An",
        "This",
        "That",
        "There",
        "His",
        "Her",
        "Their",
        "After",
        "Before",
        "When",
        "As",
        "According",
    ];
    let first = rest.trim_start().chars().next();
    match first {
        None => true,
        Some(c) if "\"“‘«„".contains(c) => true,
        Some(c) if c.is_lowercase() || c.is_ascii_digit() => false,
        _ => STARTERS.contains(&word.as_str()),
    }
}

/// Digits and lower-case letters: short ids for custom ids.
pub fn base36(mut n: u64) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn sentences_respect_abbreviations_and_initials() {
        let cases: &[(&str, &[&str])] = &[
            ("One. Two.", &["One.", "Two."]),
            ("Mr. Doe spoke. He left.", &["Mr. Doe spoke.", "He left."]),
            ("The U.S. envoy arrived. Talks began.", &["The U.S. envoy arrived.", "Talks began."]),
            ("Gen. Ivo Tarn said so.", &["Gen. Ivo Tarn said so."]),
            ("J. D. Vance met them.", &["J. D. Vance met them."]),
            ("It was Aug. 19 in Vorn.", &["It was Aug. 19 in Vorn."]),
            ("They left the U.S. The talks ended.", &["They left the U.S.", "The talks ended."]),
            ("“We will,” she said. “Now.”", &["“We will,” she said.", "“Now.”"]),
            (
                "Vorn retook territory.19 President Tarn said so.20",
                &["Vorn retook territory.19", "President Tarn said so.20"],
            ),
            ("Prices rose 2.5 Percent in Vorn.", &["Prices rose 2.5 Percent in Vorn."]),
        ];
        for (text, want) in cases {
            assert_eq!(split(text), *want, "{text}");
        }
    }

    #[test]
    fn paragraphs_handle_lines_and_blocks() {
        let lines = "First para.\nSecond para.\n\n  Third.  \n";
        let got: Vec<_> = paragraphs(lines).into_iter().map(|r| &lines[r]).collect();
        assert_eq!(got, ["First para.", "Second para.", "Third."]);
        let wrapped = "This paragraph was wrapped by an editor at some\ncolumn and goes on here.\n\nNext.";
        let got: Vec<_> = paragraphs(wrapped).into_iter().map(|r| &wrapped[r]).collect();
        assert_eq!(got.len(), 2, "{got:?}");
        let headed = "A first line that ends.\nClaims Ada Quill will meet Ivo Tarn in Vorn\nThe next paragraph ends.";
        assert_eq!(paragraphs(headed).len(), 3);
    }

    #[test]
    fn fold_transliterates() {
        assert_eq!(fold("Zelenskyy’s KYIV"), "zelenskyy's kyiv");
        assert_eq!(fold("Пєсков"), "pieskov");
        assert_eq!(fold("Müller"), "muller");
    }

    #[test]
    fn no_input_panics() {
        for t in ["", ".", "...", "\n\n\n", "a.b.c.d.", "Mr.", "“", "U.S.", "\u{feff}x. y."] {
            let _ = sentences(t);
            let _ = paragraphs(t);
        }
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let cases = [
            ("Talks in Vorn", "Talks in Vorn", "Talks in Vorn"),
            ("\u{1b}[2J\u{1b}]0;pwned\u{7}Vorn", "[2J]0;pwnedVorn", "[2J]0;pwnedVorn"),
            ("a\tb\nc\r\nd", "a b c  d", "a\tb\nc\nd"),
            ("C1\u{9b}31m red\u{85}\u{7f}", "C131m red ", "C131m red"),
            ("Мир\u{0}", "Мир", "Мир"),
        ];
        for (raw, line, body) in cases {
            assert_eq!(one_line(raw), line, "{raw:?}");
            assert_eq!(body_text(raw), body, "{raw:?}");
        }
        assert!(matches!(one_line("plain"), std::borrow::Cow::Borrowed(_)));
    }
}
