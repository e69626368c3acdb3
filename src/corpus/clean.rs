//! Cleaning article bodies: page furniture out, prose in.
//!
//! Articles arrive with the page around them — bylines, photo captions and
//! credits, share and newsletter lines, paywall and cookie notices,
//! "Advertisement", reference lists, related-story teasers, navigation lists
//! of links — and scraped Markdown adds link syntax whose URLs are noise to
//! search. Such lines would otherwise win search ranks they should never
//! have. This module decides, paragraph by paragraph ([`crate::text::paragraphs`]),
//! what is furniture, and reduces Markdown links and images to their text.
//!
//! - [`paragraphs`] gives the kept paragraphs of a body, each with its
//!   cleaned text and a map back to byte offsets in the body; passages are
//!   cut from them ([`super::passages`]), on every ingest path.
//! - [`clean`] is the same as one string; [`mask`] blanks furniture
//!   paragraphs with spaces, keeping every offset (for quote extraction).
//! - [`is_furniture`] judges one paragraph; `web::body` uses it, so the
//!   rules live in one place: the phrase lists of `furniture.txt` beside
//!   this file, read as data, and the few shapes coded below.
//!
//! The corpus files are never rewritten: cleaning happens when passages are
//! cut, so `parley reindex` re-cleans everything. Precision over recall:
//! phrases only ever condemn short paragraphs; a long paragraph goes only
//! when it is a caption ending in a photo credit, a reference-list entry, a
//! cookie notice or nothing but links; and short headlines go only in runs
//! (five in a row, eight when bulleted) that no colon introduced.
//!
//! Pure: no I/O, no panics, time linear in the body.

use std::ops::Range;

// ---------------------------------------------------------------------------
// The rules, as data: the phrase lists are in `furniture.txt` beside this
// file, parsed once.
// ---------------------------------------------------------------------------

/// The phrase lists of `furniture.txt`, by section.
struct Rules {
    /// Whole paragraphs that are furniture: "Advertisement", "Share".
    labels: Vec<&'static str>,
    /// Starts of short paragraphs that are furniture whatever follows.
    leads: Vec<&'static str>,
    /// Starts of short paragraphs that are furniture unless they end a sentence.
    soft_leads: Vec<&'static str>,
    /// Promotion, paywall, consent and page notices, anywhere in a paragraph.
    notices: Phrases,
    /// Words that make a paragraph naming cookies a cookie notice.
    cookie_context: Vec<&'static str>,
    /// Credit labels followed by names: "Photograph:", "(AP Photo/".
    credit_leads: Phrases,
    /// Labels that open a caption: "Image:", "Photo:".
    caption_starts: Vec<&'static str>,
    /// Agencies that end a caption: "getty images", "/reuters".
    credit_ends: Vec<&'static str>,
    /// "Reporting by", "Editing by".
    staff_credits: Vec<&'static str>,
    /// Words of share bars and social links.
    social: Vec<&'static str>,
    /// Month names and abbreviations.
    months: Vec<&'static str>,
    /// Other words of datelines and timestamps.
    date_words: Vec<&'static str>,
}

const FURNITURE: &str = include_str!("furniture.txt");

impl Rules {
    fn parse(text: &'static str) -> Rules {
        let mut r = Rules {
            labels: Vec::new(),
            leads: Vec::new(),
            soft_leads: Vec::new(),
            notices: Phrases::default(),
            cookie_context: Vec::new(),
            credit_leads: Phrases::default(),
            caption_starts: Vec::new(),
            credit_ends: Vec::new(),
            staff_credits: Vec::new(),
            social: Vec::new(),
            months: Vec::new(),
            date_words: Vec::new(),
        };
        let mut section = "";
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = name;
                continue;
            }
            let list = match section {
                "labels" => &mut r.labels,
                "leads" => &mut r.leads,
                "soft-leads" => &mut r.soft_leads,
                "notices" => &mut r.notices.list,
                "cookie-context" => &mut r.cookie_context,
                "credit-leads" => &mut r.credit_leads.list,
                "caption-starts" => &mut r.caption_starts,
                "credit-ends" => &mut r.credit_ends,
                "staff-credits" => &mut r.staff_credits,
                "social" => &mut r.social,
                "months" => &mut r.months,
                "date-words" => &mut r.date_words,
                _ => continue,
            };
            list.push(line);
        }
        r.notices.compile();
        r.credit_leads.compile();
        r
    }
}

/// A phrase list searched in one pass: every occurrence of every phrase is
/// found by one automaton instead of one substring search per phrase.
#[derive(Default)]
struct Phrases {
    list: Vec<&'static str>,
    finder: Option<aho_corasick::AhoCorasick>,
}

impl Phrases {
    fn compile(&mut self) {
        self.finder = aho_corasick::AhoCorasick::new(&self.list).ok();
    }

    /// Every (start, end) of every phrase in `hay`, overlapping ones too.
    fn occurrences<'h>(&'h self, hay: &'h str) -> Box<dyn Iterator<Item = (usize, usize)> + 'h> {
        match &self.finder {
            Some(finder) => Box::new(finder.find_overlapping_iter(hay).map(|m| (m.start(), m.end()))),
            // The automaton is built from the bundled list and cannot fail to
            // build; were it to, a plain search per phrase gives the same.
            None => Box::new(self.list.iter().flat_map(move |p| hay.match_indices(p).map(|(i, m)| (i, i + m.len())))),
        }
    }

    /// Whether a phrase stands in `hay` as words of its own.
    fn any_bounded(&self, hay: &str) -> bool {
        self.occurrences(hay).any(|(start, end)| hay.get(start..end).is_some_and(|p| bounded(hay, start, p)))
    }

    /// Where the last occurrence of any phrase in `hay` ends.
    fn last_end(&self, hay: &str) -> Option<usize> {
        self.occurrences(hay).map(|(_, end)| end).max()
    }
}

fn rules() -> &'static Rules {
    static RULES: std::sync::OnceLock<Rules> = std::sync::OnceLock::new();
    RULES.get_or_init(|| Rules::parse(FURNITURE))
}

/// Link noise removed from kept text.
const INLINE_NOISE: &[&str] = &[
    ", opens new tab",
    " (opens in new tab)",
    " (opens in a new tab)",
    " (opens in new window)",
    " (opens in a new window)",
];

/// Phrase rules (labels, leads, soft leads) judge paragraphs of at most
/// this many words.
const SHORT_WORDS: usize = 12;
/// Notices, cookie notices and staff credits judge paragraphs of at most
/// this many words.
const NOTICE_WORDS: usize = 40;
/// Captions (a credit at the end, or a caption label at the start) are at
/// most this many words.
const CAPTION_WORDS: usize = 90;
/// A credit label is followed by at most this many words (the names).
const CREDIT_TAIL_WORDS: usize = 8;
/// Bylines ("By Ana Ruiz and Ivo Tamm") have at most this many words.
const BYLINE_WORDS: usize = 10;
/// A paragraph made only of links is dropped up to this many words.
const LINKS_ONLY_WORDS: usize = 40;
/// This many teaser headlines in a row (short lines that do not end a
/// sentence, with nothing between them but furniture) are a list of
/// related stories, not the article; or [`TEASER_LIST_RUN`] when some of
/// them are list items. A list introduced by a line ending in a colon is
/// kept, however long.
const TEASER_RUN: usize = 5;
const TEASER_LIST_RUN: usize = 8;
/// A teaser headline has at most this many words.
const TEASER_WORDS: usize = 16;
/// A block with a line longer than this (in bytes) before its last line is
/// not hard-wrapped prose: every line of it is a paragraph.
const WRAPPED_LINE_BYTES: usize = 200;
/// Link destinations longer than this are not parsed as links (bounds the
/// work on hostile input).
const MAX_DESTINATION: usize = 2_048;

// ---------------------------------------------------------------------------
// Text with a map back to the body.
// ---------------------------------------------------------------------------

/// Text taken from a body by deletions only, with the body offset of each
/// of its bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapped {
    text: String,
    /// Runs copied from the body: (offset in `text`, offset in the body).
    runs: Vec<(usize, usize)>,
    /// Body offset just after the last byte pushed.
    next: usize,
}

impl Mapped {
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Appends `s`, found at body offset `at`.
    pub fn push(&mut self, s: &str, at: usize) {
        if s.is_empty() {
            return;
        }
        if self.runs.is_empty() || at != self.next {
            self.runs.push((self.text.len(), at));
        }
        self.text.push_str(s);
        self.next = at + s.len();
    }

    /// Appends bytes `r` of `other`.
    pub fn push_from(&mut self, other: &Mapped, r: Range<usize>) {
        let (start, end) = (r.start.min(other.len()), r.end.min(other.len()));
        if start >= end || !other.text.is_char_boundary(start) || !other.text.is_char_boundary(end) {
            return;
        }
        let first = other.run_at(start);
        for (k, &(t, b)) in other.runs.iter().enumerate().skip(first) {
            let run_end = other.runs.get(k + 1).map_or(other.len(), |r| r.0);
            let (s, e) = (t.max(start), run_end.min(end));
            if s >= e {
                if t >= end {
                    break;
                }
                continue;
            }
            self.push(&other.text[s..e], b + (s - t));
        }
    }

    /// Appends `s`, which is not in the body (a separator between pieces),
    /// mapped to where the text so far ends in the body.
    pub fn push_separator(&mut self, s: &str) {
        let at = self.body_range(self.len()..self.len()).end;
        self.runs.push((self.text.len(), at));
        self.text.push_str(s);
        self.next = usize::MAX;
    }

    /// Removes the last character.
    fn pop(&mut self) {
        if self.text.pop().is_some() {
            while self.runs.last().is_some_and(|r| r.0 >= self.text.len()) {
                self.runs.pop();
            }
            self.next = usize::MAX;
        }
    }

    fn ends_with_space(&self) -> bool {
        self.text.ends_with([' ', '\n'])
    }

    /// Index of the run holding byte `i`.
    fn run_at(&self, i: usize) -> usize {
        self.runs.partition_point(|r| r.0 <= i).saturating_sub(1)
    }

    /// The body range that bytes `r` of the text were taken from (deleted
    /// bytes inside it included).
    pub fn body_range(&self, r: Range<usize>) -> Range<usize> {
        if self.runs.is_empty() {
            return 0..0;
        }
        let start = {
            let (t, b) = self.runs[self.run_at(r.start)];
            b + r.start.saturating_sub(t)
        };
        let end = if r.end == 0 {
            start
        } else {
            let (t, b) = self.runs[self.run_at(r.end - 1)];
            b + (r.end - t)
        };
        start..end.max(start)
    }
}

// ---------------------------------------------------------------------------
// Inline Markdown: links and images.
// ---------------------------------------------------------------------------

/// A paragraph with its Markdown link and image syntax reduced to link text.
struct Inline {
    text: Mapped,
    /// Letters and digits shown from inside links, and outside them (bare
    /// URLs not counted).
    linked: usize,
    plain: usize,
}

/// Reduces `[text](url)` to `text`, drops images, autolinks (`<https://…>`),
/// footnote-marker links (`[[ii]](…)`, `[1](…)`) and [`INLINE_NOISE`], and
/// collapses the spaces left behind. `at` is `s`'s offset in the body.
fn inline(s: &str, at: usize) -> Inline {
    let b = s.as_bytes();
    let closes = matching_brackets(b);
    let mut out = Inline { text: Mapped::default(), linked: 0, plain: 0 };
    // Pending link ends: (position of `]`, position after `)`).
    let mut links: Vec<(usize, usize)> = Vec::new();
    let mut in_url = false;
    let mut removed = false;
    let mut i = 0;
    while i < s.len() {
        if let Some(&(close, resume)) = links.last() {
            if i == close {
                links.pop();
                i = resume;
                removed = true;
                continue;
            }
        }
        let c = b[i];
        if c == b'[' || (c == b'!' && b.get(i + 1) == Some(&b'[')) {
            let open = if c == b'!' { i + 1 } else { i };
            if let Some(close) = closes[open] {
                if let Some(end) = b.get(close + 1).filter(|&&n| n == b'(').and_then(|_| destination_end(b, close + 1))
                {
                    if c == b'!' || is_marker(&s[open + 1..close]) {
                        i = end;
                    } else {
                        links.push((close, end));
                        i = open + 1;
                    }
                    removed = true;
                    continue;
                }
            }
        }
        if c == b'<' {
            if let Some(end) = autolink_end(b, i) {
                i = end;
                removed = true;
                continue;
            }
        }
        // Every noise phrase opens with ", " or " (".
        if (c == b',' && b.get(i + 1) == Some(&b' ')) || (c == b' ' && b.get(i + 1) == Some(&b'(')) {
            if let Some(noise) = INLINE_NOISE.iter().find(|n| starts_with_ignore_case(&b[i..], n)) {
                i += noise.len();
                removed = true;
                continue;
            }
        }
        let ch = s[i..].chars().next().unwrap_or(' ');
        let len = ch.len_utf8();
        if ch == '\n' {
            if out.text.text.ends_with(' ') {
                out.text.pop();
            }
            if !out.text.is_empty() && !out.text.text.ends_with('\n') {
                out.text.push("\n", at + i);
            }
            in_url = false;
        } else if ch.is_whitespace() {
            if !out.text.is_empty() && !out.text.ends_with_space() {
                out.text.push(" ", at + i);
            }
            in_url = false;
        } else {
            if removed && matches!(ch, ',' | '.' | ';' | ':' | '!' | '?' | ')') && out.text.text.ends_with(' ') {
                out.text.pop();
            }
            if out.text.is_empty() || out.text.ends_with_space() {
                in_url = is_url_start(&s[i..]);
            }
            // The ASCII letters and digits that follow are pushed with it:
            // none of them opens or closes anything.
            let run = len + b[i + len..].iter().take_while(|c| c.is_ascii_alphanumeric()).count();
            if !in_url {
                let counted = run - len + usize::from(ch.is_alphanumeric());
                if links.is_empty() {
                    out.plain += counted;
                } else {
                    out.linked += counted;
                }
            }
            out.text.push(&s[i..i + run], at + i);
            removed = false;
            i += run;
            continue;
        }
        i += len;
    }
    while out.text.ends_with_space() {
        out.text.pop();
    }
    out
}

/// For each `[`, the position of its matching `]` on the same line, if any.
fn matching_brackets(b: &[u8]) -> Vec<Option<usize>> {
    let mut closes = vec![None; b.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'[' => stack.push(i),
            b']' => {
                if let Some(open) = stack.pop() {
                    closes[open] = Some(i);
                }
            }
            b'\n' => stack.clear(),
            _ => {}
        }
    }
    closes
}

/// The end (after `)`) of a link destination starting with `(` at `open`:
/// `(url)`, `(url "title")`, `(https://x/<#anchor>)`.
fn destination_end(b: &[u8], open: usize) -> Option<usize> {
    let limit = b.len().min(open + MAX_DESTINATION);
    let mut depth = 0usize;
    let mut k = open + 1;
    while k < limit {
        match b[k] {
            b'\n' => return None,
            c @ (b'<' | b'"') => {
                let want = if c == b'<' { b'>' } else { b'"' };
                let off = b[k + 1..limit].iter().position(|&x| x == want || x == b'\n')?;
                if b[k + 1 + off] != want {
                    return None;
                }
                k += off + 2;
                continue;
            }
            b'(' => depth += 1,
            b')' if depth == 0 => return Some(k + 1),
            b')' => depth -= 1,
            _ => {}
        }
        k += 1;
    }
    None
}

/// The end (after `>`) of an autolink `<https://…>` starting at `open`.
fn autolink_end(b: &[u8], open: usize) -> Option<usize> {
    let rest = &b[open + 1..];
    if !["http://", "https://", "www.", "mailto:"].iter().any(|p| starts_with_ignore_case(rest, p)) {
        return None;
    }
    let limit = b.len().min(open + MAX_DESTINATION);
    let off = b[open + 1..limit].iter().position(|&x| x == b'>' || x == b'\n' || x == b'<')?;
    (b[open + 1 + off] == b'>').then_some(open + off + 2)
}

/// Whether `s` starts with a URL.
fn is_url_start(s: &str) -> bool {
    s.as_bytes().first().is_some_and(|c| matches!(c.to_ascii_lowercase(), b'h' | b'w'))
        && ["http://", "https://", "www."].iter().any(|p| starts_with_ignore_case(s.as_bytes(), p))
}

fn starts_with_ignore_case(s: &[u8], prefix: &str) -> bool {
    s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// A footnote marker as link text: `[ii]`, `1`, `^3`, `*`, or nothing.
fn is_marker(text: &str) -> bool {
    let t = text.trim().trim_start_matches('[').trim_end_matches(']').trim_start_matches('^').trim();
    t.is_empty()
        || t == "*"
        || (t.len() <= 4 && t.bytes().all(|c| c.is_ascii_digit()))
        || (t.len() <= 8 && t.bytes().all(|c| b"ivxlcdmIVXLCDM".contains(&c)))
}

// ---------------------------------------------------------------------------
// Judging paragraphs.
// ---------------------------------------------------------------------------

/// A paragraph as the rules see it.
struct View {
    /// Lower-cased, markers and emphasis removed, whitespace collapsed.
    core: String,
    /// Words of `core`.
    words: usize,
    /// Whether the raw paragraph starts with a list marker.
    listed: bool,
}

fn view(text: &str) -> View {
    let mut t = text.trim_start();
    let listed = list_marker(t) > 0;
    loop {
        let before = t.len();
        t = t.trim_start_matches(['#', '>', '*', '-', '+', '•', '·', '_']).trim_start();
        t = t[list_marker(t)..].trim_start();
        if t.len() == before {
            break;
        }
    }
    // The words without emphasis marks, one space apart, lower-cased at once.
    let mut joined = String::with_capacity(t.len());
    let mut words = 0;
    for w in t.split_whitespace() {
        let w = w.trim_matches(['*', '_']);
        if w.is_empty() {
            continue;
        }
        if words > 0 {
            joined.push(' ');
        }
        words += 1;
        if w.contains(['*', '_']) {
            joined.extend(w.chars().filter(|c| !matches!(c, '*' | '_')));
        } else {
            joined.push_str(w);
        }
    }
    View { core: joined.to_lowercase(), words, listed }
}

/// The length of a list marker ("* ", "- ", "• ", "1. ", "2) ") at the start
/// of `t`, or 0.
fn list_marker(t: &str) -> usize {
    if let Some(c) = t.chars().next().filter(|c| matches!(c, '*' | '-' | '+' | '•')) {
        return if t[c.len_utf8()..].starts_with([' ', '\t']) { c.len_utf8() + 1 } else { 0 };
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) && t[digits..].starts_with(['.', ')']) && t[digits + 1..].starts_with([' ', '\t']) {
        digits + 2
    } else {
        0
    }
}

/// Whether `phrase` occurs in `hay` on word boundaries.
fn has(hay: &str, phrase: &str) -> bool {
    hay.match_indices(phrase).any(|(i, _)| bounded(hay, i, phrase))
}

fn bounded(hay: &str, i: usize, phrase: &str) -> bool {
    let word = |c: char| c.is_alphanumeric();
    let before = hay[..i].chars().next_back().is_none_or(|c| !word(c) || !phrase.starts_with(word));
    let after = hay[i + phrase.len()..].chars().next().is_none_or(|c| !word(c) || !phrase.ends_with(word));
    before && after
}

fn starts(hay: &str, phrase: &str) -> bool {
    hay.starts_with(phrase) && bounded(hay, 0, phrase)
}

/// Whether a paragraph ends like a sentence (or a heading ending in a colon).
fn ends_like_prose(core: &str) -> bool {
    core.trim_end_matches(['"', '”', '’', '\'', '»', ')', ']']).ends_with(['.', '!', '?', ':', '…'])
}

/// Whether one paragraph (plain text or Markdown) is page furniture: a
/// byline, caption or credit, a share, newsletter, paywall, cookie or
/// navigation line, a reference-list entry, a timestamp, or only links and
/// URLs. Prose that merely starts like furniture ("Share prices fell…") is
/// kept.
pub fn is_furniture(paragraph: &str) -> bool {
    judge(paragraph, &inline(paragraph, 0)).is_some()
}

/// Why a paragraph was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// Nothing but links, images, URLs and punctuation.
    LinksOnly,
    /// A reference-list entry.
    Reference,
    /// A picture caption or credit.
    Caption,
    /// "Reporting by … Editing by …".
    StaffCredit,
    /// A promotion, paywall or page notice (`[notices]` of `furniture.txt`).
    Notice,
    /// A cookie banner or cookie table.
    Cookies,
    /// "By Ana Ruiz".
    Byline,
    /// A label or lead (`[labels]`, `[leads]`, `[soft-leads]`).
    Label,
    /// A share bar or row of social links.
    Social,
    /// A dateline or timestamp alone.
    Timestamp,
    /// One of a run of teaser headlines.
    Teasers,
}

fn judge(raw: &str, inl: &Inline) -> Option<Rule> {
    let rules = rules();
    let v = view(inl.text.as_str());
    let core = v.core.as_str();
    let words = v.words;
    if inl.plain == 0 && (inl.linked == 0 || words <= LINKS_ONLY_WORDS) {
        return Some(Rule::LinksOnly);
    }
    if is_reference(raw, rules) {
        return Some(Rule::Reference);
    }
    if words <= CAPTION_WORDS && is_caption(core, rules) {
        return Some(Rule::Caption);
    }
    if words <= NOTICE_WORDS {
        let prose = ends_like_prose(core);
        if rules.staff_credits.iter().any(|c| starts(core, c))
            && (!prose || core.contains(';') || has(core, "editing by") || has(core, "edited by"))
        {
            return Some(Rule::StaffCredit);
        }
        if rules.notices.any_bounded(core) {
            return Some(Rule::Notice);
        }
        if (has(core, "cookie") || has(core, "cookies")) && rules.cookie_context.iter().any(|w| has(core, w)) {
            return Some(Rule::Cookies);
        }
    }
    if words <= BYLINE_WORDS && !ends_like_prose(core) && (starts(core, "by") || starts(core, "words by")) {
        return Some(Rule::Byline);
    }
    if words <= SHORT_WORDS {
        let label = core.trim_end_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace() || c == '·');
        if rules.labels.contains(&label)
            || rules.leads.iter().any(|l| starts(core, l))
            || (!ends_like_prose(core) && rules.soft_leads.iter().any(|l| starts(core, l)))
        {
            return Some(Rule::Label);
        }
        if is_social(core, rules) {
            return Some(Rule::Social);
        }
        if is_timestamp(core, rules) {
            return Some(Rule::Timestamp);
        }
    }
    None
}

/// A reference-list entry: a footnote marker or number then a URL at the
/// end, or "accessed/retrieved <date>, <URL>".
fn is_reference(raw: &str, rules: &Rules) -> bool {
    if !(raw.contains("http://") || raw.contains("https://") || raw.contains("www.")) {
        return false;
    }
    let lower = raw.to_lowercase();
    let lower = lower.trim_end();
    if (has(lower, "accessed") || has(lower, "retrieved")) && rules.months.iter().any(|m| has(lower, m)) {
        return true;
    }
    let t = lower.trim_start().trim_start_matches(['*', '-', '+', ' ']);
    let marker = t.starts_with("[[")
        || t.starts_with("[^")
        || t.starts_with('^')
        || t.strip_prefix('[').is_some_and(|r| r.split(']').next().is_some_and(is_marker))
        || {
            let d = t.bytes().take_while(u8::is_ascii_digit).count();
            (1..=3).contains(&d) && t[d..].starts_with(['.', ')', ']'])
        };
    let last = t
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| matches!(c, '<' | '>' | ';' | ',' | '.' | ')' | '('));
    marker && (is_url_start(last) || last.contains('/'))
}

/// A picture caption or credit: starts with a caption label, ends with an
/// agency, or has a credit label followed only by names.
fn is_caption(core: &str, rules: &Rules) -> bool {
    if rules.caption_starts.iter().any(|l| starts(core, l)) {
        return true;
    }
    // Galleries: "Item 1 of 5 …", "[1/5] …".
    let mut w = core.split(' ');
    if let (Some("item"), Some(a), Some("of"), Some(b)) = (w.next(), w.next(), w.next(), w.next()) {
        if a.bytes().all(|c| c.is_ascii_digit()) && b.bytes().all(|c| c.is_ascii_digit()) {
            return true;
        }
    }
    if let Some(r) = core.strip_prefix('[') {
        let inner = r.split(']').next().unwrap_or("");
        if inner.contains('/') && inner.bytes().all(|c| c.is_ascii_digit() || c == b'/') && inner.len() > 2 {
            return true;
        }
    }
    let end = core.trim_end_matches([')', ']', '.', ' ', '*', '_']);
    if rules.credit_ends.iter().any(|e| end.ends_with(e) && bounded(end, end.len() - e.len(), e)) {
        return true;
    }
    let Some(after) = rules.credit_leads.last_end(core) else { return false };
    let tail = core[after..].trim_end_matches([')', ']', ' ']);
    tail.split(' ').filter(|w| !w.is_empty()).count() <= CREDIT_TAIL_WORDS
        && !tail.ends_with(['.', '!', '?', '"', '”'])
        && !tail.contains(". ")
        && !tail.contains("? ")
}

/// A share bar or a row of social links: nothing but social words,
/// possibly run together ("FacebookTwitterEmail").
fn is_social(core: &str, rules: &Rules) -> bool {
    let mut any = false;
    for token in core.split(|c: char| !c.is_alphanumeric() && c != '-').filter(|t| !t.is_empty()) {
        let mut rest = token;
        while !rest.is_empty() {
            match rules.social.iter().filter(|s| rest.starts_with(**s)).max_by_key(|s| s.len()) {
                Some(s) => rest = &rest[s.len()..],
                None => return false,
            }
        }
        any |= !matches!(token, "this" | "article" | "on" | "via" | "link" | "copy");
    }
    any
}

/// A dateline or timestamp alone: "Updated 7:54 PM UTC · 2 mins ago".
fn is_timestamp(core: &str, rules: &Rules) -> bool {
    let mut dated = false;
    for token in core.split(|c: char| c.is_whitespace() || matches!(c, ',' | '·' | '|' | '—' | '–' | '(' | ')')) {
        let t = token.trim_matches(|c: char| c.is_ascii_punctuation());
        if t.is_empty() || t == "-" {
            continue;
        }
        if t.bytes().all(|c| c.is_ascii_digit() || matches!(c, b':' | b'/' | b'.' | b'-')) {
            dated |= t.bytes().any(|c| c.is_ascii_digit());
            continue;
        }
        // "7:54pm", "23rd"
        let digits = t.bytes().take_while(|c| c.is_ascii_digit() || *c == b':').count();
        let suffix = &t[digits..];
        if digits > 0 && matches!(suffix, "am" | "pm" | "st" | "nd" | "rd" | "th" | "h" | "m" | "min" | "mins") {
            dated = true;
            continue;
        }
        if rules.months.contains(&t) || rules.date_words.contains(&t) {
            dated |= !matches!(t, "on" | "at" | "read" | "time" | "last" | "first" | "just" | "now");
            continue;
        }
        return false;
    }
    dated
}

/// Whether a kept paragraph reads like a teaser headline: short, not a
/// table row, not starting with a number, not ending a sentence; and
/// whether it is a list item.
fn teaser(text: &str) -> Option<bool> {
    let v = view(text);
    let t = text.trim_start();
    let teaser = v.words > 0
        && v.words <= TEASER_WORDS
        && !t.starts_with('|')
        && !v.core.starts_with(|c: char| c.is_ascii_digit())
        && !v.core.trim_end_matches(['"', '”', '’', '\'', '»', ')', ']']).ends_with(['.', '!', ':', ';', ',', '…']);
    teaser.then_some(v.listed)
}

// ---------------------------------------------------------------------------
// Bodies.
// ---------------------------------------------------------------------------

/// A kept paragraph: where it is in the body and its cleaned text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// The paragraph's byte range in the body.
    pub range: Range<usize>,
    /// Its text without link syntax, mapped back to the body.
    pub text: Mapped,
}

/// What cleaning a body found: the kept paragraphs and the body ranges of
/// the dropped ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cleaned {
    pub kept: Vec<Kept>,
    /// Dropped paragraphs, in body order, with the rule that dropped them.
    pub dropped: Vec<(Range<usize>, Rule)>,
}

/// Cleans a body: its paragraphs ([`crate::text::paragraphs`]), furniture
/// dropped, link syntax reduced to link text.
pub fn paragraphs(body: &str) -> Cleaned {
    let mut out = Cleaned::default();
    // A run of teaser headlines not yet long enough to drop, and whether
    // some of them are list items.
    let mut run: Vec<Kept> = Vec::new();
    let mut run_listed = false;
    let mut run_dropping = false;
    // Whether the last paragraph of prose introduced a list ("…five points:").
    let mut introduced = false;
    for r in crate::text::paragraphs(body).into_iter().flat_map(|r| unwrap(body, r)) {
        let raw = &body[r.clone()];
        let inl = inline(raw, r.start);
        if let Some(rule) = judge(raw, &inl) {
            out.dropped.push((r, rule));
            continue;
        }
        let kept = Kept { range: r, text: inl.text };
        if let Some(listed) = teaser(kept.text.as_str()) {
            if introduced {
                out.kept.push(kept);
            } else if run_dropping {
                out.dropped.push((kept.range, Rule::Teasers));
            } else {
                run.push(kept);
                run_listed |= listed;
                if run.len() >= if run_listed { TEASER_LIST_RUN } else { TEASER_RUN } {
                    out.dropped.extend(run.drain(..).map(|k| (k.range, Rule::Teasers)));
                    run_dropping = true;
                }
            }
            continue;
        }
        introduced = kept.text.as_str().trim_end().ends_with(':');
        out.kept.append(&mut run);
        run_listed = false;
        run_dropping = false;
        out.kept.push(kept);
    }
    out.kept.append(&mut run);
    out.dropped.sort_by_key(|(r, _)| r.start);
    out
}

/// The paragraphs of a block that [`crate::text::paragraphs`] took for one
/// hard-wrapped paragraph: the block itself when it looks hard-wrapped
/// (short lines, some of them continued by a line starting in lower case),
/// else its lines. Scraped pages put one paragraph per line, and their
/// furniture and headline lists do not end sentences, which is what
/// wrapping looks like to `text::paragraphs`.
fn unwrap(body: &str, r: Range<usize>) -> Vec<Range<usize>> {
    let block = &body[r.clone()];
    if !block.contains('\n') {
        return vec![r];
    }
    let mut lines: Vec<Range<usize>> = Vec::new();
    let mut pos = r.start;
    for line in block.split_inclusive('\n') {
        let content = line.trim_end();
        let lead = content.len() - content.trim_start().len();
        if !content.trim().is_empty() {
            lines.push(pos + lead..pos + content.len());
        }
        pos += line.len();
    }
    let inner = &lines[..lines.len().saturating_sub(1)];
    let long = inner.iter().any(|l| l.len() > WRAPPED_LINE_BYTES);
    let continued = lines
        .windows(2)
        .filter(|w| body[w[1].clone()].starts_with(|c: char| c.is_lowercase() || c.is_ascii_digit() || c == '('))
        .count();
    if long || continued * 4 < inner.len() {
        lines
    } else {
        vec![r]
    }
}

/// The body cleaned: kept paragraphs, link syntax reduced to link text,
/// separated by blank lines.
pub fn clean(body: &str) -> String {
    let c = paragraphs(body);
    let mut out = String::with_capacity(body.len());
    for k in &c.kept {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(k.text.as_str());
    }
    out
}

/// The body with its furniture paragraphs blanked: every character of them
/// but line breaks replaced by spaces, so all byte offsets stay those of the
/// body and kept text is untouched.
pub fn mask(body: &str) -> String {
    let dropped = paragraphs(body).dropped;
    if dropped.is_empty() {
        return body.to_owned();
    }
    let mut bytes = body.as_bytes().to_vec();
    for (r, _) in dropped {
        for b in &mut bytes[r] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|_| body.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Paragraphs that are furniture, as scraped pages carry them.
    const FURNITURE_LINES: &[&str] = &[
        // Bylines, datelines, timestamps.
        "By Jane Roe and John Doe",
        "Words by Ana Ruiz",
        "Updated 7:54 PM UTC · 2 mins ago",
        "Monday 23 February 2026",
        "Published: 14:05, 3 March 2026",
        "Feb 23, 2026 · 5 min read",
        // Staff credits.
        "Reporting by Ivo Tamm in Brenn; Editing by Mara Ost and Pel Kine",
        "Reporting by Ivo Tamm Writing by Ana Ruiz Editing by Olek Brandt",
        "Additional reporting by Sana Veer in Ostrava",
        // Captions and credits.
        "Photograph: Ivo Tamm/Getty Images",
        "Delegates arrive at the lakeside hall in Brenn for the second round. Photograph: Ana Ruiz/EPA",
        "A delegate arrives in Vellmar. (Photo by Ana Ruiz/AP Photo)",
        "Firefighters work at a damaged depot in Ostrava, Tuesday, March 3, 2026. (AP Photo/Ivo Tamm)",
        "Smoke rises over the port of Vellmar, March 3, 2026. REUTERS/Ana Ruiz/File Photo",
        "Mayor Olek Brandt is pictured in Brenn on March 2, 2026. Ana Ruiz—Getty Images",
        "Image: Vellmar army engineers test a bridge near Brenn.",
        "Item 1 of 3 Delegates pose for a picture in Brenn, March 3, 2026. Vellmar Press Service/Handout via REUTERS",
        "**[1/3]** Delegates pose for a picture in Brenn.",
        "Guards patrol the border crossing [File: Ana Ruiz/AP Photo]",
        // Share bars, promotions, paywalls, cookies.
        "Share",
        "Advertisement",
        "Skip advertisement",
        "Mail   Facebook   Twitter / X   LinkedIn",
        "FacebookTwitterEmail",
        "Sign up for our daily newsletter",
        "Sign up to receive the Vellmar Brief in your inbox every weekday.",
        "The Brenn Morning newsletter is your essential guide to the day. Sign up here.",
        "Subscribe to our free daily morning newsletter.",
        "Exclusive news, data and analytics for financial market professionalsLearn more about Example Terminal",
        "Unlock unlimited access to all our award-winning journalism",
        "This page is available to subscribers. Click here to sign in or get access.",
        "We use cookies to ensure that we give you the best experience on our website.",
        "This site uses cookies. Visit our cookies policy page to change your preferences.",
        "Accept all cookies Accept only essential cookies",
        "**Maximum Storage Duration** : Session**Type** : HTTP Cookie",
        "Read more: Talks in Vellmar stall",
        "© 2026 Example Media",
        "Our Standards: The Example Trust Principles., opens new tab",
        "Scroll carousel left Scroll carousel right",
        "Your browser does not support the audio element.",
        // Links, images, URLs, references.
        "https://news.example/vellmar/talks-2026",
        "<https://news.example/vellmar>",
        "[](https://news.example/a/</world/vellmar-talks-resume-2026-03-02/>)",
        "* [](https://news.example/a/<https:/www.facebook.com/sharer/sharer.php?u=x> \"Share on Facebook\")",
        "![Map of the front near Brenn](https://img.example/map.png)",
        "[Talks in Vellmar stall](https://news.example/talks)",
        "* [Home](/) | [World](/world) | [Europe](/world/europe)",
        "[[iv]](https://think.example/analysis/<#_edn12ref4>) https://t.me/example/35832; https://x.com/example/status/1",
        "[12] https://think.example/assessment-march-2",
        "3. Ostrava Energy Report, March 2026 – Example Institute, accessed March 4, 2026, <https://think.example/report>",
        "[1]: https://news.example/source",
    ];

    /// Paragraphs of prose, some of which look like furniture.
    const PROSE_LINES: &[&str] = &[
        "Share prices fell in Ostrava after the talks broke down.",
        "He subscribed to the view that a ceasefire would hold, the envoy said.",
        "Subscribers to the plan include six of the eight regional governors in Vellmar and Ostrava, who met on Tuesday.",
        "The ministry published the full list at https://gov.example/list on Monday, a spokeswoman said.",
        "By the end of the week, the delegations had agreed on a prisoner exchange.",
        "Read the full statement, the minister told reporters, and you will see no concession.",
        "Advertising revenue at state broadcasters in Vellmar fell by half last year.",
        "A Reuters/Ipsos poll showed 40% of voters in Ostrava back the talks.",
        "Getty Images photographers were barred from the summit hall in Brenn.",
        "Reporting by state media suggested the talks had stalled.",
        "Kyiv will not sign up to any deal that cedes territory, Mayor Olek Brandt said.",
        "Photographers waited outside the hall for hours.",
        "Mayor Olek Brandt said the ceasefire would hold.",
        "Published on Monday, the report found no evidence of a breach.",
        "\"We are here to listen,\" said Mayor Olek Brandt.",
        "The [prisoner exchange](https://news.example/swap) took place on the Brenn bridge, officials said.",
        "Ostrava's envoy, [Ana Ruiz](https://news.example/ruiz), said talks would resume.[[ii]](https://think.example/<#_edn2>)",
        "Lavrov: Must be prepared thoroughly",
        "Ukraine's Northern Axis",
        "* Survey indicates 80% of firms affected by power cuts",
        "Russian forces attacked near Brenn on March 2.",
        "12 people were hurt in Brenn, the ministry said at https://gov.example/brenn",
        "1. The envoy will decide on the route and/or the date",
    ];

    #[test]
    fn the_phrase_table_parses_and_is_lower_case() {
        let r = rules();
        for (name, list) in [
            ("labels", &r.labels),
            ("leads", &r.leads),
            ("soft-leads", &r.soft_leads),
            ("notices", &r.notices.list),
            ("cookie-context", &r.cookie_context),
            ("credit-leads", &r.credit_leads.list),
            ("caption-starts", &r.caption_starts),
            ("credit-ends", &r.credit_ends),
            ("staff-credits", &r.staff_credits),
            ("social", &r.social),
            ("months", &r.months),
            ("date-words", &r.date_words),
        ] {
            assert!(!list.is_empty(), "[{name}] is empty");
            for p in list.iter() {
                assert_eq!(*p, p.to_lowercase(), "[{name}] {p}");
                assert_eq!(*p, p.split_whitespace().collect::<Vec<_>>().join(" "), "[{name}] {p:?}");
            }
        }
        let sections = FURNITURE.lines().filter(|l| l.starts_with('[') && l.ends_with(']')).count();
        assert_eq!(sections, 12, "a section of furniture.txt is not read");
    }

    #[test]
    fn inline_noise_opens_as_the_scan_expects() {
        // `inline` looks for noise only after ", " and " (".
        for n in INLINE_NOISE {
            assert!(n.starts_with(", ") || n.starts_with(" ("), "{n:?}");
        }
        assert_eq!(inline("Talks resume, opens new tab", 0).text.as_str(), "Talks resume");
        assert_eq!(inline("Talks resume (Opens in new tab) today", 0).text.as_str(), "Talks resume today");
    }

    #[test]
    fn furniture_goes() {
        for p in FURNITURE_LINES {
            assert!(is_furniture(p), "kept: {p}");
        }
    }

    #[test]
    fn prose_stays() {
        for p in PROSE_LINES {
            assert!(!is_furniture(p), "dropped: {p}");
        }
    }

    #[test]
    fn long_prose_is_never_judged_by_phrases() {
        let long = "Share prices and subscriptions, cookies and newsletters were all discussed at length by the \
                    delegations from Vellmar and Ostrava, who met on Tuesday in the lakeside town of Brenn for the \
                    first time since the spring, officials from both sides said, adding that a photo: of the hall \
                    was released.";
        assert!(!is_furniture(long));
    }

    #[test]
    fn link_syntax_is_reduced_to_link_text() {
        let cases: &[(&str, &str)] = &[
            ("The [prisoner exchange](https://x.example/a) took place.", "The prisoner exchange took place."),
            ("Talks resumed.[[ii]](https://x.example/<#_edn2>) Both sides spoke.", "Talks resumed. Both sides spoke."),
            ("See ![a map](https://img.example/m.png) the front.", "See the front."),
            ("Envoy [Ana Ruiz](https://x.example/p \"Ana Ruiz, envoy\") spoke.", "Envoy Ana Ruiz spoke."),
            ("Details at <https://x.example/d>.", "Details at."),
            ("The steelmaker (EX.LU), opens new tab lost output.", "The steelmaker (EX.LU) lost output."),
            ("Prices [rose] (sharply) on [Monday.", "Prices [rose] (sharply) on [Monday."),
            ("A [[nested] link](https://x.example/(a)) here", "A [nested] link here"),
            ("Plain prose stays exactly as it is.", "Plain prose stays exactly as it is."),
        ];
        for (raw, want) in cases {
            assert_eq!(inline(raw, 0).text.as_str(), *want, "{raw}");
        }
    }

    #[test]
    fn cleaned_text_maps_back_to_the_body() {
        let body = "Intro line here.\nThe [prisoner exchange](https://x.example/a) took place on the bridge.";
        let c = paragraphs(body);
        let k = &c.kept[1];
        let text = k.text.as_str();
        let at = text.find("exchange").unwrap();
        let r = k.text.body_range(at..at + "exchange".len());
        assert_eq!(&body[r], "exchange");
        let at = text.find("took").unwrap();
        let r = k.text.body_range(at..text.len());
        assert_eq!(&body[r], "took place on the bridge.");
        let r = k.text.body_range(0..text.len());
        assert_eq!(r, k.range);
    }

    #[test]
    fn runs_of_teaser_headlines_go_and_introduced_lists_stay() {
        let teasers = "Storm hits the coast\n[](https://x.example/1)\nCup final preview\nMayor opens new bridge\n\
                       Why the ferry is late again\nFive things to know about rail fares\nSchools close early";
        let body =
            format!("The talks in Brenn resumed on Tuesday, officials said.\n{teasers}\nThe envoy left on Friday.");
        assert_eq!(clean(&body), "The talks in Brenn resumed on Tuesday, officials said.\n\nThe envoy left on Friday.");
        let listed = "The plan has five points:\nA ceasefire along the line\nPrisoner exchanges\nA border commission\n\
                      Elections within a year\nReturn of displaced families\nThe envoy left on Friday.";
        assert_eq!(paragraphs(listed).kept.len(), 7);
        let bullets: String = (1..=8).map(|i| format!("* Teaser headline number {i} about the coast\n")).collect();
        assert_eq!(clean(&format!("Intro of the article.\n{bullets}End.")), "Intro of the article.\n\nEnd.");
        let short: String = (1..=7).map(|i| format!("* Point {i} of the plan\n")).collect();
        assert_eq!(paragraphs(&format!("Intro of the article.\n{short}End.")).kept.len(), 9);
        let headings = "Northern axis\nRussian forces attacked near Brenn.\nSouthern axis\nNo change was reported.";
        assert_eq!(paragraphs(headings).kept.len(), 4);
    }

    #[test]
    fn mask_keeps_offsets() {
        let body = "Advertisement\nMayor Olek Brandt said the talks would resume.\nPhotograph: Ana Ruiz/EPA\nEnd.";
        let m = mask(body);
        assert_eq!(m.len(), body.len());
        let at = body.find("Mayor").unwrap();
        assert_eq!(&m[at..at + 5], "Mayor");
        assert!(!m.contains("Advertisement") && !m.contains("Photograph"));
        assert_eq!(m.lines().count(), body.lines().count());
        assert_eq!(mask("Plain."), "Plain.");
    }

    #[test]
    fn hostile_input_is_handled_in_linear_time() {
        for body in [
            "[".repeat(50_000),
            "](".repeat(50_000),
            "[a](".repeat(20_000),
            "<https://".repeat(20_000),
            "![".repeat(30_000),
            format!("[x]({})", "(".repeat(100_000)),
            "ж[ж](ж".repeat(10_000),
            "\u{0}\n\n\r".repeat(1000),
        ] {
            // That it is linear is measured, not timed here: the rules are
            // line-by-line scans without backtracking (a quadratic one
            // would make this test run for minutes, not fail on a clock).
            let c = clean(&body);
            assert!(c.len() <= body.len());
            assert_eq!(mask(&body).len(), body.len());
        }
        assert_eq!(clean(""), "");
    }

    /// The measurement of docs/QUALITY.md, "Passage cleaning": what is
    /// dropped from the scraped articles of `../shared/data/talks-news`,
    /// read as `parley add` reads them (skipped when absent). Prints every
    /// dropped paragraph longer than 25 words for inspection, and all of
    /// them with `PARLEY_CLEAN_VERBOSE=1`:
    /// `cargo test --lib corpus::clean::tests::talks_news -- --nocapture`.
    #[test]
    fn talks_news_furniture_is_dropped_and_prose_kept() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/talks-news");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            eprintln!("skipped: {} is not there", dir.display());
            return;
        };
        let mut files: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        files.sort();
        let verbose = std::env::var_os("PARLEY_CLEAN_VERBOSE").is_some();
        let words = |s: &str| s.split_whitespace().count();
        let (mut paras, mut all_words, mut gone, mut gone_words, mut link_bytes) = (0, 0, 0, 0, 0);
        let mut by_rule: std::collections::BTreeMap<Rule, (usize, usize)> = Default::default();
        let mut long = Vec::new();
        let mut passages = 0;
        for f in &files {
            let body = crate::corpus::ingest::draft_from_file(f).expect("readable").body;
            let c = paragraphs(&body);
            paras += c.kept.len() + c.dropped.len();
            all_words += words(&body);
            for k in &c.kept {
                link_bytes += k.range.len() - k.text.len();
            }
            for (r, rule) in &c.dropped {
                let text = &body[r.clone()];
                let n = words(text);
                gone += 1;
                gone_words += n;
                let e = by_rule.entry(*rule).or_default();
                e.0 += 1;
                e.1 += n;
                let name = f.file_name().unwrap_or_default().to_string_lossy();
                if n > 25 {
                    long.push(format!("{name} {rule:?} ({n} words): {text}"));
                } else if verbose {
                    println!("{name} {rule:?}: {text}");
                }
            }
            passages += crate::corpus::passages::split(&body).len();
        }
        println!(
            "{} files, {paras} paragraphs, {all_words} words: dropped {gone} paragraphs ({:.1}%), {gone_words} words \
             ({:.1}%); {link_bytes} bytes of link syntax removed from kept paragraphs; {passages} passages",
            files.len(),
            100.0 * gone as f64 / paras.max(1) as f64,
            100.0 * gone_words as f64 / all_words.max(1) as f64,
        );
        for (rule, (n, w)) in &by_rule {
            println!("  {rule:?}: {n} paragraphs, {w} words");
        }
        println!("dropped paragraphs over 25 words ({}):", long.len());
        for l in &long {
            println!("  {l}");
        }
        assert!(gone * 10 >= paras, "less furniture found than measured: {gone} of {paras}");
    }
}
