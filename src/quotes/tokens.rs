//! Words and punctuation of a stretch of the body, with byte offsets.
//!
//! A word is a run of letters and digits, with inner apostrophes, hyphens
//! and dots kept ("Russia’s", "state-owned", "U.S"); every other visible
//! character is a one-character punctuation token. Linear, never panics.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tok {
    pub start: usize,
    pub end: usize,
    pub word: bool,
}

impl Tok {
    pub fn text<'a>(&self, body: &'a str) -> &'a str {
        body.get(self.start..self.end).unwrap_or("")
    }

    /// The first character is upper case ("Trump", "US").
    pub fn is_cap(&self, body: &str) -> bool {
        self.word && self.text(body).chars().next().is_some_and(char::is_uppercase)
    }

    pub fn is_punct(&self, body: &str, c: char) -> bool {
        !self.word && self.text(body).starts_with(c)
    }
}

fn joiner(c: char) -> bool {
    matches!(c, '\'' | '’' | '-' | '‐' | '‑' | '.' | '&')
}

/// Tokens of `body[range]`.
pub fn tokenize(body: &str, range: Range<usize>) -> Vec<Tok> {
    let Some(text) = body.get(range.clone()) else {
        return Vec::new();
    };
    let base = range.start;
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    let mut it = text.char_indices().peekable();
    let mut word_start: Option<usize> = None;
    let mut prev_alnum = false;
    let mut prev_digit = false;
    while let Some((i, c)) = it.next() {
        if invisible(c) {
            continue;
        }
        let alnum = c.is_alphanumeric();
        // Markdown emphasis marks are layout, not punctuation.
        let c = if c == '_' || c == '*' { ' ' } else { c };
        if alnum {
            word_start.get_or_insert(i);
            prev_alnum = true;
            prev_digit = c.is_ascii_digit();
            continue;
        }
        let next_alnum = it.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
        // "600,000" and "3.4" are one word.
        let digit_group = c == ',' && prev_digit && it.peek().is_some_and(|&(_, n)| n.is_ascii_digit());
        // "territory.19": a note number glued to a word is not part of it.
        let note = c == '.'
            && it.peek().is_some_and(|&(_, n)| n.is_ascii_digit())
            && text[..i].chars().next_back().is_some_and(char::is_alphabetic);
        if (joiner(c) && prev_alnum && next_alnum && !note || digit_group) && word_start.is_some() {
            prev_alnum = false;
            prev_digit = false;
            continue;
        }
        prev_digit = false;
        // An initial inside a name: "John J. Sullivan" keeps "J." whole.
        if c == '.' {
            if let Some(s) = word_start {
                let w = &text[s..i];
                let single_cap = w.chars().count() == 1 && w.chars().all(char::is_uppercase);
                let after_name =
                    out.last().is_some_and(|t: &Tok| t.word && body[t.start..t.end].starts_with(char::is_uppercase));
                let next_cap =
                    text[i + 1..].trim_start().starts_with(char::is_uppercase) && text[i + 1..].starts_with(' ');
                if single_cap && after_name && next_cap {
                    out.push(Tok { start: base + s, end: base + i + 1, word: true });
                    word_start = None;
                    prev_alnum = false;
                    prev_digit = false;
                    continue;
                }
            }
        }
        if let Some(s) = word_start.take() {
            out.push(Tok { start: base + s, end: base + i, word: true });
        }
        prev_alnum = false;
        if !c.is_whitespace() {
            out.push(Tok { start: base + i, end: base + i + c.len_utf8(), word: false });
        }
    }
    if let Some(s) = word_start {
        out.push(Tok { start: base + s, end: base + text.len(), word: true });
    }
    out
}

/// Zero-width and soft-hyphen characters scraped pages scatter in text.
pub fn invisible(c: char) -> bool {
    matches!(c, '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{00ad}' | '\u{200e}' | '\u{200f}')
}

/// Text without invisible characters.
pub fn visible(s: &str) -> String {
    s.chars().filter(|&c| !invisible(c)).collect()
}

/// Lower-cased word with a possessive ending kept as written but the
/// typographic apostrophe made straight: "Russia’s" → "russia's".
pub fn lower(body: &str, t: &Tok) -> String {
    let text = t.text(body);
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.chars().filter(|&c| !invisible(c)).map(|c| if c == '’' { '\'' } else { c }).collect::<String>().to_lowercase()
}

/// The word without a possessive ending: "Putin's" → "putin".
pub fn stem(w: &str) -> &str {
    w.strip_suffix("'s").or_else(|| w.strip_suffix("s'")).unwrap_or(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_punctuation() {
        let body = "“Yes,” said Gen. Ivo Tarn’s state-owned U.S. aide.";
        let toks = tokenize(body, 0..body.len());
        let got: Vec<&str> = toks.iter().map(|t| t.text(body)).collect();
        assert_eq!(
            got,
            ["“", "Yes", ",", "”", "said", "Gen", ".", "Ivo", "Tarn’s", "state-owned", "U.S", ".", "aide", "."]
        );
    }

    #[test]
    fn initials_stay_in_names() {
        let body = "Envoy Ivo J. Tarn met Plan B. Then he left.";
        let toks = tokenize(body, 0..body.len());
        let got: Vec<&str> = toks.iter().filter(|t| t.word).map(|t| t.text(body)).collect();
        assert_eq!(got, ["Envoy", "Ivo", "J.", "Tarn", "met", "Plan", "B.", "Then", "he", "left"]);
    }

    #[test]
    fn odd_ranges_do_not_panic() {
        let body = "é";
        assert!(tokenize(body, 1..2).is_empty());
        assert!(tokenize(body, 0..9).is_empty());
    }
}
