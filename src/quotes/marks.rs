//! Quoted stretches of a paragraph: `"…"`, `“…”`, `‘…’`, `«…»`, `„…“`.
//!
//! One linear pass per paragraph that tracks only the outermost quote
//! (nested marks are part of the quoted text). A quote left open at the end
//! of a paragraph is kept as `closed: false`; the caller joins it with the
//! next paragraph when that one opens with a quote mark (the convention for
//! quotes that run over paragraphs) and drops it otherwise.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Straight,
    Curly,
    Low,
    Guillemet,
    Single,
}

/// One quoted stretch inside one paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// From the opening mark to after the closing one (or paragraph end).
    pub outer: Range<usize>,
    /// The text between the marks.
    pub inner: Range<usize>,
    pub para: usize,
    pub closed: bool,
    /// Single quotes (‘…’): more often scare quotes or headlines.
    pub single: bool,
    /// Opened by a mark that reopens the quote before it after a sentence
    /// end (`… that? "That …`): one more sentence of a quote running on.
    pub reopened: bool,
}

/// The quoted stretches of `body[para]`, in order.
pub fn find(body: &str, para: Range<usize>, para_index: usize) -> Vec<Mark> {
    let Some(text) = body.get(para.clone()) else {
        return Vec::new();
    };
    let base = para.start;
    let mut out = Vec::new();
    let mut open: Option<(usize, usize, Style)> = None; // (mark pos, inner start, style)
    let mut prev: Option<char> = None;
    // The last character that is not white space, before `prev`'s run.
    let mut last_solid: Option<char> = None;
    let mut nested = false;
    // Whether the quote open now reopened the one before it.
    let mut reopened = false;
    // A closed double quote: its mark at `o`, its text from `s` to `end`,
    // its closing mark up to `after` (paragraph offsets).
    let quote = |o: usize, s: usize, end: usize, after: usize| Mark {
        outer: base + o..base + after,
        inner: base + s..base + end,
        para: para_index,
        closed: true,
        single: false,
        reopened: false,
    };
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if super::tokens::invisible(c) {
            continue;
        }
        // Only quote marks open or close a quote; everything else only
        // moves `prev` and `last_solid` on.
        if matches!(c, '"' | '“' | '”' | '„' | '«' | '»' | '‘' | '’') {
            let next = it.peek().map(|&(_, n)| n);
            let after = i + c.len_utf8();
            let opening_context = prev.is_none_or(|p| p.is_whitespace() || "([{—–-:/>*_\u{a0}".contains(p));
            // A quote over several paragraphs flattened into one: each former
            // paragraph reopens the quote after a sentence end ("… making.
            // "Mr Blair and I …"), the one before it never closed.
            let reopens = prev.is_some_and(char::is_whitespace)
                && last_solid.is_some_and(|p| matches!(p, '.' | '?' | '!' | '…'))
                && next.is_some_and(|n| n.is_uppercase() || n.is_ascii_digit());
            match (open, c) {
                (Some((o, s, style @ (Style::Straight | Style::Curly))), '"' | '“')
                    if reopens && !nested && (c == '"') == (style == Style::Straight) =>
                {
                    let end = text[..i].trim_end().len();
                    out.push(Mark { reopened, ..quote(o, s, end, end) });
                    open = Some((i, after, style));
                    reopened = true;
                }
                (None, '“') => open = Some((i, after, Style::Curly)),
                (None, '„') => open = Some((i, after, Style::Low)),
                (None, '«') => open = Some((i, after, Style::Guillemet)),
                (None, '"') if opening_context && next.is_some_and(|n| !n.is_whitespace()) => {
                    open = Some((i, after, Style::Straight))
                }
                (None, '‘') if opening_context => open = Some((i, after, Style::Single)),
                // A closing curly mark used as an opening one ("”Yes,” he said").
                (None, '”') if opening_context && next.is_some_and(char::is_alphanumeric) => {
                    open = Some((i, after, Style::Curly))
                }
                // A nested straight quote: `"… the "good offices" mechanism …"`.
                (Some((_, _, Style::Straight)), '"')
                    if !nested && prev.is_some_and(char::is_whitespace) && next.is_some_and(char::is_alphanumeric) =>
                {
                    nested = true;
                }
                (Some((_, _, Style::Straight)), '"') if nested => nested = false,
                (Some((o, s, Style::Curly)), '”')
                | (Some((o, s, Style::Low)), '“' | '”')
                | (Some((o, s, Style::Guillemet)), '»')
                | (Some((o, s, Style::Straight)), '"') => {
                    out.push(Mark { reopened, ..quote(o, s, i, after) });
                    open = None;
                    reopened = false;
                }
                (Some((o, s, Style::Single)), '’') if !next.is_some_and(char::is_alphanumeric) => {
                    out.push(Mark { single: true, ..quote(o, s, i, after) });
                    open = None;
                }
                // A curly opening inside a straight or curly quote: the first
                // mark was unbalanced; restart from here.
                (Some((_, _, Style::Curly)), '“') => {
                    open = Some((i, after, Style::Curly));
                    reopened = false;
                }
                _ => {}
            }
        }
        if let Some(p) = prev.filter(|p| !p.is_whitespace()) {
            last_solid = Some(p);
        }
        prev = Some(c);
    }
    if let Some((o, s, style)) = open {
        out.push(Mark {
            closed: false,
            single: style == Style::Single,
            reopened,
            ..quote(o, s, text.len(), text.len())
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inner(text: &str) -> Vec<(&str, bool)> {
        find(text, 0..text.len(), 0).into_iter().map(|m| (&text[m.inner], m.closed)).collect()
    }

    #[test]
    fn styles() {
        let cases: &[(&str, &[(&str, bool)])] = &[
            ("“A b,” she said. “C.”", &[("A b,", true), ("C.", true)]),
            ("He said: \"It is \"done\" now.\"", &[("It is \"done\" now.", true)]),
            ("«Oui» et „Ja“ und ‘the Court’s view’ here", &[("Oui", true), ("Ja", true), ("the Court’s view", true)]),
            ("Vornland’s ‘productive’ talks", &[("productive", true)]),
            ("“Open and never closed", &[("Open and never closed", false)]),
            ("“Outer ‘inner’ text,” he said", &[("Outer ‘inner’ text,", true)]),
            ("no quotes at all", &[]),
            ("He said: \"It is done. \"We go on.\" Then", &[("It is done.", true), ("We go on.", true)]),
        ];
        for (text, want) in cases {
            assert_eq!(inner(text), *want, "{text}");
        }
    }

    #[test]
    fn a_reopened_quote_is_marked_as_such() {
        let text = "He said: \"It is done. \"We go on. And \"this\" is new";
        let got: Vec<(&str, bool, bool)> =
            find(text, 0..text.len(), 0).into_iter().map(|m| (&text[m.inner], m.closed, m.reopened)).collect();
        assert_eq!(got, vec![("It is done.", true, false), ("We go on. And \"this\" is new", false, true)]);
        let fresh = "He said \"no\" and \"never again";
        assert!(find(fresh, 0..fresh.len(), 0).iter().all(|m| !m.reopened));
    }
}
