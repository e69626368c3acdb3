//! Text for Discord: escaping article text so it cannot inject markdown or
//! mentions, marking matched terms, and cutting text to a length at a word
//! boundary with an ellipsis.
//!
//! Lengths are counted in UTF-16 code units ([`len`]): never fewer than the
//! code points Discord counts, so a text that fits here fits there. Pure
//! functions; no Discord types.

use std::ops::Range;

/// The ellipsis put where text was cut.
pub const ELLIPSIS: char = '…';

/// Zero-width space: breaks `@everyone`, `<@123>` and the like.
const ZWSP: char = '\u{200B}';

/// The length Discord's limits are checked against (UTF-16 code units,
/// which is never less than the code point count).
pub fn len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Escapes text taken from articles, questions or users so that it renders
/// as itself: markdown characters get a backslash, mentions, channel links,
/// timestamps and custom emoji are broken with a zero-width space.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut line_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '*' | '_' | '~' | '`' | '|' | '[' | ']' | '>' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' if line_start => {
                out.push('\\');
                out.push(c);
            }
            '@' => {
                out.push('@');
                out.push(ZWSP);
            }
            '<' => {
                out.push('\\');
                out.push('<');
                if chars.peek().is_some_and(|n| matches!(n, '@' | '#' | ':' | 'a' | 't' | '/' | '&' | 'i')) {
                    out.push(ZWSP);
                }
            }
            '\r' => {}
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c if is_bidi_control(c) => {}
            c => out.push(c),
        }
        if c == '\n' {
            line_start = true;
        } else if !c.is_whitespace() {
            line_start = false;
        }
    }
    out
}

/// Invisible characters that reorder the text around them (U+202E
/// "right-to-left override" and friends): they could make a quote or a
/// title appear to say something else, so they never reach a message.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Breaks mentions in plain text (footers, choice names, labels: places
/// that render no markdown, so a backslash would show).
pub fn defuse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_bidi_control(c) {
            continue;
        }
        out.push(c);
        if c == '@' || (c == '<' && chars.peek().is_some_and(|n| matches!(n, '@' | '#' | ':' | '&'))) {
            out.push(ZWSP);
        }
    }
    out
}

/// Escaped text with the given byte ranges in bold. Ranges out of bounds,
/// overlapping or not on character boundaries are ignored; ranges apart
/// only by spaces are joined (`**truce around Saltmere**`).
pub fn escape_marked(text: &str, ranges: &[Range<usize>]) -> String {
    let mut joined: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        if let Some(last) = joined.last_mut() {
            let between = text.get(last.end..r.start);
            if r.start >= last.end && r.end <= text.len() && between.is_some_and(|b| b.chars().all(|c| c == ' ')) {
                last.end = r.end;
                continue;
            }
        }
        joined.push(r.clone());
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut pos = 0;
    for r in &joined {
        if !crate::answer::markable(text, r, pos) {
            continue;
        }
        let inner = text[r.clone()].trim();
        if inner.is_empty() {
            continue;
        }
        out.push_str(&escape(&text[pos..r.start]));
        out.push_str("**");
        out.push_str(&escape(&text[r.clone()]));
        out.push_str("**");
        pos = r.end;
    }
    out.push_str(&escape(&text[pos..]));
    out
}

/// Cuts plain text to at most `max` (in [`len`] units): at the last word
/// boundary that fits, with an ellipsis; never inside a character. Text
/// that fits is returned as is.
pub fn cut(text: &str, max: usize) -> String {
    if len(text) <= max {
        return text.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut s = head(text, max - 1); // the ellipsis is one unit
    s.push(ELLIPSIS);
    s
}

/// The longest start of `text` within `budget` that ends at a word
/// boundary (or inside a word when there is no boundary in its second
/// half), without trailing spaces or a lone trailing backslash.
fn head(text: &str, budget: usize) -> String {
    let mut used = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        let w = c.len_utf16();
        if used + w > budget {
            break;
        }
        used += w;
        end = i + c.len_utf8();
    }
    let head = &text[..end];
    // Back up to a word boundary unless that would lose most of the text.
    let at_word = match text[end..].chars().next() {
        Some(c) if c.is_whitespace() => head,
        _ => match head.rfind(char::is_whitespace) {
            Some(ws) if ws >= end / 2 => &head[..ws],
            _ => head,
        },
    };
    let mut s = at_word.trim_end().to_owned();
    // A trailing lone backslash would escape what follows.
    while trailing_backslashes(&s) % 2 == 1 {
        s.pop();
    }
    s
}

fn trailing_backslashes(s: &str) -> usize {
    s.chars().rev().take_while(|c| *c == '\\').count()
}

/// Cuts markdown to at most `max`: like [`cut`], and closes a `**` left open
/// by the cut (before the ellipsis, so the text still ends with it).
pub fn cut_markdown(text: &str, max: usize) -> String {
    if len(text) <= max {
        return text.to_owned();
    }
    if max < 3 {
        return cut(text, max);
    }
    let mut s = head(text, max - 3);
    if open_bold(&s) {
        if s.ends_with("**") {
            // An opener with nothing after it: drop it.
            s.truncate(s.len() - 2);
            s = s.trim_end().to_owned();
        } else {
            s.push_str("**");
        }
    }
    s.push(ELLIPSIS);
    s
}

/// Whether `s` has an odd number of unescaped `**`.
fn open_bold(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let mut n = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == b'*' && b.get(i + 1) == Some(&b'*') {
            n += 1;
            i += 2;
            continue;
        }
        i += 1;
    }
    n % 2 == 1
}

/// An http(s) URL fit for a link or an embed: no spaces, no parentheses
/// or angle brackets that would end a masked link, at most 512 bytes.
pub fn safe_url(url: &str) -> Option<String> {
    let u = url.trim();
    if !(u.starts_with("https://") || u.starts_with("http://")) || u.len() > 512 {
        return None;
    }
    if u.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"')) {
        return None;
    }
    Some(u.replace('(', "%28").replace(')', "%29"))
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    #[test]
    fn escaping_neutralises_markdown_and_mentions() {
        let cases = [
            ("@everyone look", "@\u{200B}everyone look"),
            (
                "hi <@123> and <@&9> <#5>",
                "hi \\<\u{200B}@\u{200B}123\\> and \\<\u{200B}@\u{200B}&9\\> \\<\u{200B}\\#5\\>",
            ),
            ("**bold** _it_ ~~s~~ `c` ||sp||", "\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\`c\\` \\|\\|sp\\|\\|"),
            ("[click](http://evil)", "\\[click\\](http://evil)"),
            ("# Head\n> quote\n- item", "\\# Head\n\\> quote\n\\- item"),
            ("a - b", "a - b"),
            ("x\\y", "x\\\\y"),
            ("bell\u{7}", "bell"),
            ("Quill said \u{202e}ecaep\u{202c} yes", "Quill said ecaep yes"),
        ];
        for (input, want) in cases {
            assert_eq!(escape(input), want, "{input:?}");
        }
    }

    #[test]
    fn plain_text_is_defused_without_backslashes() {
        assert_eq!(defuse("@everyone <@1> a*b"), "@\u{200B}everyone <\u{200B}@\u{200B}1> a*b");
        assert_eq!(defuse("a\u{2066}b\u{202e}c"), "abc");
    }

    #[test]
    fn marking_escapes_outside_and_inside() {
        let t = "Talks in *Vorn* resumed";
        assert_eq!(escape_marked(t, &[9..15]), "Talks in **\\*Vorn\\*** resumed");
        assert_eq!(escape_marked("жж", &[1..2]), "жж");
        assert_eq!(escape_marked("a b", &[0..1, 0..1, 2..9]), "**a** b");
        assert_eq!(
            escape_marked("truce around Saltmere, now", &[0..5, 6..12, 13..21]),
            "**truce around Saltmere**, now"
        );
        assert_eq!(escape_marked("a, b", &[0..1, 3..4]), "**a**, **b**");
    }

    #[test]
    fn cutting_keeps_words_and_characters_whole() {
        assert_eq!(cut("short", 10), "short");
        assert_eq!(cut("the talks resumed in Vorn", 12), "the talks…");
        assert_eq!(cut("abcdefghij", 5), "abcd…");
        let cyr = "переговоры возобновились";
        let c = cut(cyr, 15);
        assert!(len(&c) <= 15 && c.ends_with(ELLIPSIS), "{c}");
        let emoji = "🙂🙂🙂🙂🙂";
        let c = cut(emoji, 6);
        assert!(len(&c) <= 6, "{c}");
        assert_eq!(cut("ab\\*cd", 4), "ab…");
        assert_eq!(cut("anything", 0), "");
    }

    #[test]
    fn cutting_markdown_closes_bold() {
        let s = cut_markdown("one **two three four five** six", 20);
        assert!(len(&s) <= 20, "{s}");
        assert!(!open_bold(&s), "{s}");
        assert!(s.ends_with(ELLIPSIS), "{s}");
        assert_eq!(cut_markdown("aaaa bbbb **cccc dddd**", 14), "aaaa bbbb…");
        assert!(!open_bold("\\*\\* x"));
    }

    #[test]
    fn only_plain_http_urls_are_kept() {
        assert_eq!(safe_url("https://a.example/x(1)").as_deref(), Some("https://a.example/x%281%29"));
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(safe_url("https://a.example/a b"), None);
    }
}
